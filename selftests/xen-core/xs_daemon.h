/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Playing the xenstore daemon on the shared xenstore page: put bytes, or a
 * whole message, into the response ring.  Shared by selftests/xen-core
 * and selftests/hostile.
 */
#ifndef _XPV_SELFTESTS_XS_DAEMON_H
#define _XPV_SELFTESTS_XS_DAEMON_H

#include "xs_proto.h"

static inline void daemon_put(struct xenstore_domain_interface *intf,
			      const void *data, unsigned int len)
{
	const char *p = data;
	unsigned int i;

	for (i = 0; i < len; i++)
		intf->rsp[MASK_XENSTORE_IDX(intf->rsp_prod + i)] = p[i];
	intf->rsp_prod += len;
}

static inline void daemon_put_msg(struct xenstore_domain_interface *intf,
				  u32 type, u32 req_id, const void *body,
				  u32 len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };

	daemon_put(intf, &h, sizeof(h));
	daemon_put(intf, body, len);
}

#endif /* _XPV_SELFTESTS_XS_DAEMON_H */
