/* SPDX-License-Identifier: BSD-3-Clause */
#include <uk/event.h>

int uk_raise_event_ptr(const struct uk_event *e, void *data)
{
	const struct uk_event_handler *h;
	int ret = UK_EVENT_NOT_HANDLED;
	int rc;

	for (h = e->begin; h < e->end; h++) {
		rc = h->fn(data);
		if (rc < 0 || rc == UK_EVENT_HANDLED)
			return rc;
		if (rc == UK_EVENT_HANDLED_CONT)
			ret = UK_EVENT_HANDLED;
	}
	return ret;
}
