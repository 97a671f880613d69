/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The front end's two moves every netif ring test makes, shared by
 * selftests/net and selftests/hostile: put a tx chain on the ring, and
 * post every free rx slot (its id is its slot, as io/netif.h requires).
 */
#ifndef _XPV_SELFTESTS_NETIF_PEER_H
#define _XPV_SELFTESTS_NETIF_PEER_H

#include "netif_proto.h"

/* Put @n tx slots and push.  Returns false when the ring is full. */
static inline bool netif_peer_tx_send(struct xpv_netif_tx_front *fr,
				      const struct xpv_netif_tx_request *slot,
				      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!xpv_netif_tx_front_put_request(fr, &slot[i]))
			return false;
	xpv_netif_tx_front_push_requests(fr);
	return true;
}

/* Post an rx request (gref 1000 + id) in every free slot, then push. */
static inline void netif_peer_rx_post(struct xpv_netif_rx_front *fr,
				      struct xpv_netif_ids *ids)
{
	struct xpv_netif_rx_request req;

	while (xpv_netif_rx_front_free(fr)) {
		u32 id = fr->r.req_prod_pvt & (ids->nr - 1);

		memset(&req, 0, sizeof(req));
		req.id = (u16)id;
		req.gref = 1000 + id;
		if (xpv_netif_ids_take(ids, id))
			break;
		xpv_netif_rx_front_put_request(fr, &req);
	}
	xpv_netif_rx_front_push_requests(fr);
}

#endif /* _XPV_SELFTESTS_NETIF_PEER_H */
