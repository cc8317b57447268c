/* SPDX-License-Identifier: BSD-3-Clause */
/* The platform's hardware entropy source. */
#ifndef __UK_PLAT_RANDOM_H__
#define __UK_PLAT_RANDOM_H__

#include <uk/arch/types.h>

/* Fills buf with len bytes of entropy from the hardware source (host
 * getrandom in sim; RDSEED/RDRAND or a virtio-rng on metal). Returns len,
 * or -ENODEV if the platform has no source, or another negative errno. */
long ukplat_hwrng(void *buf, __sz len);

#endif /* __UK_PLAT_RANDOM_H__ */
