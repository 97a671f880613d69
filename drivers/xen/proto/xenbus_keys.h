/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus key names shared by every split driver: pure logic, compiled into
 * the kernel (both providers) and into the selftests and fuzzers.
 *
 * A multi-queue device keeps each queue's keys in "queue-<n>/" under the
 * device node; a single-queue device keeps them at the top.  A ring of
 * several pages publishes one grant reference per page, "<key>0" ..
 * "<key><n-1>" (blkif and netif with "ring-page-order"); a one-page ring
 * published the old way uses "<key>" alone.
 */
#ifndef _XPV_PROTO_XENBUS_KEYS_H
#define _XPV_PROTO_XENBUS_KEYS_H

#include <xpv/proto/compat.h>

/* Longest node name the endpoint builds, NUL included. */
#define XPV_XB_NODE_MAX		64

int xpv_xb_queue_dir(char *buf, size_t size, unsigned int nr_queues,
		     unsigned int index);
int xpv_xb_node(char *buf, size_t size, const char *dir, const char *key);
int xpv_xb_ring_ref_node(char *buf, size_t size, const char *dir,
			 const char *key, unsigned int order, bool order_keys,
			 unsigned int i);

#endif /* _XPV_PROTO_XENBUS_KEYS_H */
