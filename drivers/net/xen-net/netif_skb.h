/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv netif: what both ends do to an skb built from the ring (kernel side
 * of netif_proto; shared by the front end's receive and the back end's
 * guest transmit).
 */
#ifndef _XPV_NETIF_SKB_H
#define _XPV_NETIF_SKB_H

#include <linux/skbuff.h>
#include <linux/tcp.h>

#include "netif_proto.h"

/**
 * xpv_netif_skb_offloads() - checksum and GSO state of a packet off the ring
 * @skb: the packet, its protocol and network header set, its protocol
 *	headers in the linear area
 * @csum_blank: the peer left the checksum to us (NETTXF_csum_blank or
 *	NETRXF_csum_blank): CHECKSUM_PARTIAL
 * @data_validated: the peer validated the data: CHECKSUM_UNNECESSARY
 * @gso: the GSO extra (type XPV_NETIF_GSO_NONE when absent)
 *
 * A GSO packet always gets a partial checksum (the pseudo-header sum
 * recomputed when the peer did not ask for one), and its segment count.
 *
 * Context: any.
 * Return: 0, or a negative errno when the headers do not allow the
 * partial checksum (drop the packet).
 */
static inline int xpv_netif_skb_offloads(struct sk_buff *skb, bool csum_blank,
					 bool data_validated,
					 const struct xpv_netif_gso *gso)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	bool recalc = false;

	if (csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;

	if (gso->type != XPV_NETIF_GSO_NONE) {
		sh->gso_size = gso->size;
		sh->gso_type = (gso->type == XPV_NETIF_GSO_TCPV4 ?
				SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
		sh->gso_segs = 0;
		if (skb->ip_summed != CHECKSUM_PARTIAL) {
			skb->ip_summed = CHECKSUM_PARTIAL;
			recalc = true;
		}
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	if (skb_checksum_setup(skb, recalc))
		return -EPROTO;
	if (skb_is_gso(skb) && sh->gso_size)
		sh->gso_segs = DIV_ROUND_UP(skb->len - skb_tcp_all_headers(skb),
					    sh->gso_size);
	return 0;
}

#endif /* _XPV_NETIF_SKB_H */
