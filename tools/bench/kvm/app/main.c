/*
 * What a VM exit costs, measured inside the guest: a read of a port no
 * device serves (one exit to the monitor and back), and a one-byte
 * console write (the 16550: a status read and a transmit, two exits).
 * On amphi-kvm or QEMU/KVM; in sim there are no exits and it says so.
 *
 *   kvmbench [SAMPLES]    prints "port-exit NS" and "console-byte NS"
 *                         (medians)
 */
#include <stdio.h>
#include <stdlib.h>
#include <uk/plat/console.h>

#include "../../common/workload.h"

#define MAX_SAMPLES	20000

#ifdef __AMPHI_PLAT_X86_64__
static double samples[MAX_SAMPLES];

static void port_exit(void)
{
	unsigned char v;

	/* 0x80 + 1: no device behind it, on the monitor as on QEMU. */
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x81));
}
#endif

int main(int argc, char *argv[])
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	unsigned long long t0;
	int i;

	if (n < 1 || n > MAX_SAMPLES)
		n = 2000;
#ifdef __AMPHI_PLAT_X86_64__
	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		port_exit();
		samples[i] = (double)(bench_now_ns() - t0);
	}
	bench_put_median("port-exit", samples, n);
	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		ukplat_coutk(i % 64 == 63 ? "\n" : ".", 1);
		samples[i] = (double)(bench_now_ns() - t0);
	}
	printf("\n");
	bench_put_median("console-byte", samples, n);
#else
	(void)t0;
	(void)i;
	printf("no VM exits in sim: nothing to measure\n");
#endif
	return 0;
}
