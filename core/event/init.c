/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/init.h>
#include <uk/print.h>

UK_LINKTAB_DEFINE(const struct uk_init_entry, __uk_inittab, "init");

/* One past the last entry whose init succeeded. */
static const struct uk_init_entry *inittab_done = __uk_inittab_begin;

int uk_inittab_run(struct uk_init_ctx *ctx)
{
	const struct uk_init_entry *e;
	int rc;

	uk_linktab_foreach(e, __uk_inittab) {
		rc = e->init ? e->init(ctx) : 0;
		if (rc < 0) {
			uk_pr_err("init function %p failed: %d\n",
				  (void *)e->init, rc);
			uk_inittab_term();
			return rc;
		}
		inittab_done = e + 1;
	}
	return 0;
}

void uk_inittab_term(void)
{
	const struct uk_init_entry *e = inittab_done;

	while (e > __uk_inittab_begin) {
		e--;
		if (e->term)
			e->term();
	}
	inittab_done = __uk_inittab_begin;
}
