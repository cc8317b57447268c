/* Host unit tests of core/alloc: buddy frame allocator and heap. */
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "amphi_alloc.h"

#define TMEM_ALIGN	(2UL << 20)

void tmem_init(struct tmem *m, unsigned long frames, __paddr_t pbase)
{
	m->frames = frames;
	m->buf = aligned_alloc(TMEM_ALIGN,
			       ALIGN_UP(frames * PAGE_SIZE, TMEM_ALIGN));
	ck_assert_ptr_nonnull(m->buf);
	memset(m->buf, 0xa5, frames * PAGE_SIZE);
	m->pbase = pbase == ~0UL ? (__paddr_t)m->buf : pbase;
	m->dm_off = (__vaddr_t)m->buf - m->pbase;
	m->meta = malloc(amphi_uk_fallocbuddy_metadata_size(frames));
	ck_assert_ptr_nonnull(m->meta);
}

void tmem_fini(struct tmem *m)
{
	free(m->buf);
	free(m->meta);
}

int tmem_add(struct uk_falloc *fa, struct tmem *m)
{
	return fa->addmem(fa, m->meta, m->pbase, m->frames, m->dm_off);
}

struct uk_falloc *falloc_new(void)
{
	void *mem = malloc(amphi_uk_fallocbuddy_size());

	ck_assert_ptr_nonnull(mem);
	return amphi_uk_fallocbuddy_init(mem);
}

void falloc_delete(struct uk_falloc *fa)
{
	free(fa);	/* the vtable is the first member */
}

int main(void)
{
	Suite *s = suite_create("alloc");
	SRunner *sr;
	int failed;

	suite_add_tcase(s, falloc_tcase_basic());
	suite_add_tcase(s, falloc_tcase_stress());
	suite_add_tcase(s, heap_tcase_basic());
	suite_add_tcase(s, heap_tcase_crash());
	suite_add_tcase(s, heap_tcase_stress());
	suite_add_tcase(s, heap_tcase_fill());
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
