/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Undo a set of grant mappings whatever fails: pure logic, compiled into
 * the kernel (drivers/xen/xenbus_client.c) and into the selftests
 * (selftests/xen-core/test_unmap_all.c), where failures are injected.
 */
#ifndef _XPV_PROTO_UNMAP_ALL_H
#define _XPV_PROTO_UNMAP_ALL_H

#include <xpv/proto/compat.h>

unsigned int xpv_unmap_all(unsigned int nr,
			   int (*unmap)(void *ctx, unsigned int i), void *ctx,
			   unsigned int *ok, unsigned int *nr_ok);

#endif /* _XPV_PROTO_UNMAP_ALL_H */
