// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Xen public headers' view of the netif wire format: see xen_layout.h.
 */
#include <stdint.h>
#include <string.h>

/*
 * io/ring.h wants the barriers of its environment: full ones here, to
 * order the ring entries against the indices (one process, two roles).
 */
#define mb()	__sync_synchronize()	/* full barrier */
#define rmb()	__sync_synchronize()	/* indices before entries */
#define wmb()	__sync_synchronize()	/* entries before indices */

#include <xen/xen.h>
#include <xen/io/netif.h>
#include "xen_layout.h"

void xen_netif_layout(struct xen_netif_layout *l)
{
	l->tx_req = sizeof(struct netif_tx_request);
	l->tx_rsp = sizeof(struct netif_tx_response);
	l->rx_req = sizeof(struct netif_rx_request);
	l->rx_rsp = sizeof(struct netif_rx_response);
	l->extra = sizeof(struct netif_extra_info);
	l->tx_slot = sizeof(union netif_tx_sring_entry);
	l->rx_slot = sizeof(union netif_rx_sring_entry);
	l->tx_req_offset = offsetof(struct netif_tx_request, offset);
	l->tx_req_flags = offsetof(struct netif_tx_request, flags);
	l->tx_req_id = offsetof(struct netif_tx_request, id);
	l->tx_req_size = offsetof(struct netif_tx_request, size);
	l->rx_req_gref = offsetof(struct netif_rx_request, gref);
	l->rx_rsp_offset = offsetof(struct netif_rx_response, offset);
	l->rx_rsp_flags = offsetof(struct netif_rx_response, flags);
	l->rx_rsp_status = offsetof(struct netif_rx_response, status);
	l->gso_size = offsetof(struct netif_extra_info, u.gso.size);
	l->gso_type = offsetof(struct netif_extra_info, u.gso.type);
	l->gso_features = offsetof(struct netif_extra_info, u.gso.features);
	l->mcast_addr = offsetof(struct netif_extra_info, u.mcast.addr);
	l->hash_value = offsetof(struct netif_extra_info, u.hash.value);
	l->tx_ring_one_page = __CONST_RING_SIZE(netif_tx, 4096);
	l->rx_ring_one_page = __CONST_RING_SIZE(netif_rx, 4096);
	l->slots_min = XEN_NETIF_NR_SLOTS_MIN;
	l->max_tx_size = XEN_NETIF_MAX_TX_SIZE;
	l->rsp_null = NETIF_RSP_NULL;
}

static netif_tx_front_ring_t xen_tx;

void xen_tx_front_init(void *sring)
{
	netif_tx_sring_t *s = sring;

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&xen_tx, s, 4096);
}

void xen_tx_front_put(uint32_t gref, uint16_t offset, uint16_t flags,
		      uint16_t id, uint16_t size)
{
	netif_tx_request_t *r = RING_GET_REQUEST(&xen_tx, xen_tx.req_prod_pvt);

	r->gref = gref;
	r->offset = offset;
	r->flags = flags;
	r->id = id;
	r->size = size;
	xen_tx.req_prod_pvt++;
}

void xen_tx_front_put_gso(uint16_t gso_size, uint8_t gso_type, int more)
{
	struct netif_extra_info *e = (struct netif_extra_info *)
		RING_GET_REQUEST(&xen_tx, xen_tx.req_prod_pvt);

	memset(e, 0, sizeof(netif_tx_request_t));
	e->type = XEN_NETIF_EXTRA_TYPE_GSO;
	e->flags = more ? XEN_NETIF_EXTRA_FLAG_MORE : 0;
	e->u.gso.size = gso_size;
	e->u.gso.type = gso_type;
	xen_tx.req_prod_pvt++;
}

int xen_tx_front_push(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xen_tx, notify);
	return notify;
}

int xen_tx_front_get_rsp(uint16_t *id, int16_t *status)
{
	netif_tx_response_t *r;

	if (xen_tx.rsp_cons == xen_tx.sring->rsp_prod)
		return 0;
	r = RING_GET_RESPONSE(&xen_tx, xen_tx.rsp_cons);
	*id = r->id;
	*status = r->status;
	xen_tx.rsp_cons++;
	return 1;
}
