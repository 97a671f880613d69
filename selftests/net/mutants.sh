#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Mutation check of the netif selftests: each mutant is netif_proto.c with
# one rule broken (an exact string replaced: "OLD@@NEW").  The selftests
# are built against the mutant and must fail; a mutant that passes means a
# rule no test covers, one that does not build or no longer applies means
# the list needs updating.  Prints PASS/FAIL per mutant.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../drivers/net/xen-net/netif_proto.c

mutants=(
	# tx chain: slot counts, lengths, pages
	'if (pkt->nr_data > lim->max_slots)@@if (false)'
	'if (pkt->nr_data >= p->lim->fatal_slots)@@if (false)'
	'if (p->frag_sum > pkt->len)@@if (false)'
	'if ((u32)slot->offset + slot->size > XPV_NETIF_PAGE_SIZE)@@if (false)'
	'if ((u32)pkt->seg[0].offset + pkt->seg[0].size > XPV_NETIF_PAGE_SIZE)@@if (false)'
	'if (pkt->len < XPV_NETIF_ETH_HLEN)@@if (false)'
	'if (pkt->len > lim->max_len)@@if (false)'
	# XSA-448: zero-length slots never become fragments
	'if (size) {	/* zero-length slots never become fragments */@@{'
	# XSA-423/432: the header copy spans slots, bounded
	'u32 take = netif_min(left, size);@@u32 take = i ? 0 : netif_min(left, size);'
	'u32 n = netif_min(pkt->nr_data, XPV_NETIF_SLOTS_CAP);@@u32 n = pkt->nr_data ? 1 : 0;'
	'u32 n = netif_min(pkt->nr_data, XPV_NETIF_SLOTS_CAP);@@u32 n = pkt->nr_data + 1;'
	# extras
	'ex->type >= XPV_NETIF_EXTRA_TYPE_MAX)@@ex->type > XPV_NETIF_EXTRA_TYPE_MAX)'
	'if (x->seen & kind)@@if (false)'
	'if (ex->u.gso.size == 0)@@if (false)'
	'if (pkt->gso.type != XPV_NETIF_GSO_NONE && pkt->gso.size > pkt->len)@@if (false)'
	'(ex->u.gso.type == XPV_NETIF_GSO_TCPV4 && !x->gso_tcpv4) ||@@false ||'
	'if (!(ex->u.mcast.addr[0] & 1))@@if (false)'
	'if (!x->mcast_op)@@if (false)'
	'ex->u.hash.algorithm != XPV_NETIF_HASH_ALG_TOEPLITZ)@@false)'
	# rx responses and ids
	'if (rsp->id >= p->ids->nr)@@if (false)'
	'if (rsp->id != slot_id)@@if (false)'
	'if (!xpv_netif_ids_outstanding(p->ids, rsp->id))@@if (false)'
	'if (!xpv_netif_ids_outstanding(p->ids, slot_id))@@if (false)'
	'if (rsp->status < 0)@@if (false)'
	'else if ((u32)rsp->offset + (u32)rsp->status > XPV_NETIF_PAGE_SIZE)@@else if (false)'
	'if (pkt->nr_data >= XPV_NETIF_SLOTS_CAP)@@if (false)'
	'if (rsp->flags & XPV_NETRXF_GSO_PREFIX)@@if (false)'
	'if (pkt->nr_data > p->lim->max_slots)@@if (false)'
	# tx responses
	'if (!xpv_netif_ids_outstanding(ids, rsp->id))@@if (false)'
	'rsp->status != XPV_NETIF_RSP_DROPPED)@@false)'
	'return id < ids->nr && (ids->bits[id / 64] >> (id % 64)) & 1;@@return (ids->bits[id / 64 % 4] >> (id % 64)) & 1;'
	# the front end's builder
	'if ((u32)seg[i].offset + seg[i].size > XPV_NETIF_PAGE_SIZE)@@if (false)'
	'r->size = i ? seg[i].size : (u16)total;@@r->size = seg[i].size;'
	'e.flags = n < nex ? XPV_NETIF_EXTRA_FLAG_MORE : 0;@@e.flags = 0;'
	'if (max < nr + nex)@@if (max < nr)'
	'if (total < XPV_NETIF_ETH_HLEN || total > XPV_NETIF_MAX_TX_SIZE)@@if (total < XPV_NETIF_ETH_HLEN)'
	# XSA-392: rx room and stall
	'needed > ring_slots)@@needed > ring_slots + 1000)'
	'if (needed > req_avail)@@if (needed > req_avail + 1)'
	'if (now - st->since >= timeout)@@if (now - st->since > timeout)'
	'return len <= max && queued <= max - len;@@return queued + len <= max;'
	# header length
	'if (ihl < 20)@@if (false)'
	'if (doff < 20)@@if (false)'
	'if (!(netif_be16(ip + 6) & 0x1fff))	/* first fragment only */@@if (true)'
	# negotiation and keys
	'if (!back->rx_copy || !front->rx_copy || !front->rx_notify)@@if (!back->rx_copy || !front->rx_copy)'
	'if (front->num_queues == 0 || front->num_queues > max)@@if (front->num_queues > max)'
	'if (!back->split_evtchn || !q->has_evtchn_tx ||@@if ((!back->split_evtchn && false) || !q->has_evtchn_tx ||'
	'if (val > NETIF_U32_MAX)@@if (false)'
	'f.rx.gso_tcpv4 = f.rx.sg && back->gso_tcpv4 && front->gso_tcpv4;@@f.rx.gso_tcpv4 = back->gso_tcpv4 && front->gso_tcpv4;'
	'if (i < 5 && s[3 * i + 2] != '"':'"')@@if (false)'
	'if ((m[0] & 1) || !any)@@if (false)'
)

. "$here/../mutants.bash"
run_mutants "$src" netif_test "${mutants[@]}"
