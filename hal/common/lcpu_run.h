/* SPDX-License-Identifier: BSD-3-Clause */
/* Between the interrupt dispatch and the ukplat_lcpu_run queues. */
#ifndef __HAL_COMMON_LCPU_RUN_H__
#define __HAL_COMMON_LCPU_RUN_H__

/* Runs the functions queued for this CPU; in interrupt context. */
void lcpu_run_serve(void);

#endif /* __HAL_COMMON_LCPU_RUN_H__ */
