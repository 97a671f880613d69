/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An independent reference for the netif tests: sizes and offsets taken
 * from Xen's own public io/netif.h (libxen-dev), and a front end that
 * writes tx requests with Xen's io/ring.h macros, nothing of ours.
 */
#ifndef _XPV_NET_XEN_LAYOUT_H
#define _XPV_NET_XEN_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

struct xen_netif_layout {
	size_t tx_req, tx_rsp, rx_req, rx_rsp, extra, tx_slot, rx_slot;
	size_t tx_req_offset, tx_req_flags, tx_req_id, tx_req_size;
	size_t rx_req_gref, rx_rsp_offset, rx_rsp_flags, rx_rsp_status;
	size_t gso_size, gso_type, gso_features, mcast_addr, hash_value;
	unsigned int tx_ring_one_page, rx_ring_one_page;
	int slots_min, max_tx_size, rsp_null;
};

void xen_netif_layout(struct xen_netif_layout *l);

/* Xen front end on @sring (one page): initialise, put, push. */
void xen_tx_front_init(void *sring);
void xen_tx_front_put(uint32_t gref, uint16_t offset, uint16_t flags,
		      uint16_t id, uint16_t size);
void xen_tx_front_put_gso(uint16_t gso_size, uint8_t gso_type, int more);
int xen_tx_front_push(void);
/* Read the next tx response; 0 when none. */
int xen_tx_front_get_rsp(uint16_t *id, int16_t *status);

#endif /* _XPV_NET_XEN_LAYOUT_H */
