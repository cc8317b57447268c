/*
 * The floor for a KVM monitor's start-up: open /dev/kvm, make a VM with
 * one page of memory and one vCPU, run one hlt in real mode, exit. No
 * image, no devices, no CPUID: what any monitor pays at the least.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sr;
	struct kvm_regs r;
	struct kvm_run *run;
	int kvm, vm, cpu, size;
	unsigned char *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED) {
		perror("kvm-floor");
		return 1;
	}
	mem[0] = 0xf4;			/* hlt */
	region.memory_size = 4096;
	region.userspace_addr = (unsigned long)mem;
	cpu = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -1 :
	      ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = cpu < 0 || size <= 0 ? MAP_FAILED :
	      mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   cpu, 0);
	if (run == MAP_FAILED || ioctl(cpu, KVM_GET_SREGS, &sr) < 0) {
		perror("kvm-floor");
		return 1;
	}
	sr.cs.base = 0;
	sr.cs.selector = 0;
	memset(&r, 0, sizeof(r));
	r.rflags = 2;
	if (ioctl(cpu, KVM_SET_SREGS, &sr) < 0 ||
	    ioctl(cpu, KVM_SET_REGS, &r) < 0 || ioctl(cpu, KVM_RUN, 0) < 0) {
		perror("kvm-floor");
		return 1;
	}
	if (run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "kvm-floor: exit reason %u, not HLT\n",
			run->exit_reason);
		return 1;
	}
	return 0;
}
