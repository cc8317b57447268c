/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devices. Backends provide drivers (sim: host files, libslirp/TAP,
 * SDL2; metal: virtio, 16550) that register with the core's registries at
 * boot through init tables: netdev (core/net), blockdev, display and
 * console. Each registry's header is the contract for its drivers; they
 * arrive with the networking and storage work. Here so far: the console
 * (uk/plat/console.h), the entropy source (uk/plat/random.h), and the
 * display and input (uk/plat/display.h, under core/display).
 */
#ifndef __UK_PLAT_DEVICE_H__
#define __UK_PLAT_DEVICE_H__

#endif /* __UK_PLAT_DEVICE_H__ */
