/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every HAL header, included next to glibc's: the host build fails here
 * if one is not self-contained or clashes with the host's headers.
 * hal/common/contract.c does the same for guest code.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <uk/arch/atomic.h>
#include <uk/arch/ctx.h>
#include <uk/arch/memtag.h>
#include <uk/arch/nofault.h>
#include <uk/arch/paging.h>
#include <uk/arch/regs.h>
#include <uk/arch/traps.h>
#include <uk/arch/types.h>
#include <uk/arch/valgrind.h>
#include <uk/errptr.h>
#include <uk/essentials.h>
#include <uk/list.h>
#include <uk/plat/bootinfo.h>
#include <uk/plat/bootstrap.h>
#include <uk/plat/console.h>
#include <uk/plat/device.h>
#include <uk/plat/display.h>
#include <uk/plat/hostnet.h>
#include <uk/plat/irq.h>
#include <uk/plat/lcpu.h>
#include <uk/plat/lcpu_start.h>
#include <uk/plat/memory.h>
#include <uk/plat/paging.h>
#include <uk/plat/random.h>
#include <uk/plat/time.h>
#include <uk/plat/tls.h>
#include <uk/plat/trace.h>
#include <uk/spinlock.h>
