// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the xenstore side of netif and the tx response check.
 * Arbitrary parsed key values go through xpv_netif_negotiate() and
 * xpv_netif_queue_check(), arbitrary strings through
 * xpv_netif_parse_mac(), arbitrary tx responses through
 * xpv_netif_tx_rsp_check() against an id table driven by the input.
 *
 * Input: [back offer: flags u16, max_queues u64] [front keys: flags u16,
 *   num_queues u64, ctrl_ring_ref u64, evtchn_ctrl u64] [queue keys:
 *   flags u8, 5 x u64] [mac: len u8, 20 bytes] then tx response commands,
 *   each [cmd u8] [u16] [s16]: 0 allocate an id, 1 free the id, 2 check a
 *   response (id, status).
 *
 * Properties: each function agrees with a model written here from the
 * rules in docs/netif.md; outputs are zeroed on error.
 */
#include <ctype.h>
#include "fuzz_input.h"
#include "netif_proto.h"

#define U32MAX	0xffffffffULL

static bool zeroed(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static int key32(u64 v)
{
	return v > U32MAX ? -ERANGE : v == 0 ? -EINVAL : 0;
}

static void check_negotiate(struct fuzz_in *in,
			    struct xpv_netif_back_offer *b)
{
	struct xpv_netif_front_keys f = { 0 };
	struct xpv_netif_features out;
	u16 bf = fuzz_u16(in), ff;
	u64 max, nq;
	int err, want = 0;

	b->sg = bf & 1;
	b->gso_tcpv4 = bf & 2;
	b->gso_tcpv6 = bf & 4;
	b->ipv6_csum = bf & 8;
	b->no_csum = bf & 16;
	b->rx_copy = bf & 32;
	b->split_evtchn = bf & 64;
	b->ctrl_ring = bf & 128;
	b->mcast_ctrl = bf & 256;
	b->dynamic_mcast = bf & 512;
	b->max_queues = fuzz_u64(in) % (bf & 1024 ? ~0ULL : 130);
	ff = fuzz_u16(in);
	f.rx_copy = ff & 1;
	f.rx_notify = ff & 2;
	f.sg = ff & 4;
	f.gso_tcpv4 = ff & 8;
	f.gso_tcpv6 = ff & 16;
	f.ipv6_csum = ff & 32;
	f.no_csum = ff & 64;
	f.mcast = ff & 128;
	f.has_num_queues = ff & 256;
	f.has_ctrl_ring_ref = ff & 512;
	f.has_evtchn_ctrl = ff & 1024;
	f.num_queues = fuzz_u64(in) % (ff & 2048 ? ~0ULL : 130);
	f.ctrl_ring_ref = fuzz_u64(in) % (ff & 4096 ? ~0ULL : 4);
	f.evtchn_ctrl = fuzz_u64(in) % (ff & 8192 ? ~0ULL : 4);

	max = b->max_queues ? b->max_queues : 1;
	if (max > XPV_NETIF_MAX_QUEUES)
		max = XPV_NETIF_MAX_QUEUES;
	nq = f.has_num_queues ? f.num_queues : 1;
	if (!b->rx_copy || !f.rx_copy || !f.rx_notify)
		want = -EOPNOTSUPP;
	else if (nq == 0 || nq > max)
		want = -EINVAL;
	else if (!f.has_ctrl_ring_ref && !f.has_evtchn_ctrl)
		want = 0;
	else if (!b->ctrl_ring || !f.has_ctrl_ring_ref || !f.has_evtchn_ctrl)
		want = -EINVAL;
	else if (key32(f.ctrl_ring_ref))
		want = key32(f.ctrl_ring_ref);
	else
		want = key32(f.evtchn_ctrl);
	err = xpv_netif_negotiate(b, &f, &out);
	PROPERTY(err == want);
	if (err) {
		PROPERTY(zeroed(&out, sizeof(out)));
		return;
	}
	PROPERTY(out.nr_queues == nq);
	PROPERTY(out.tx.sg == b->sg);
	PROPERTY(out.tx.gso_tcpv4 == (b->sg && b->gso_tcpv4));
	PROPERTY(out.tx.gso_tcpv6 == (b->sg && b->gso_tcpv6));
	PROPERTY(out.rx.sg == (b->sg && f.sg));
	PROPERTY(out.rx.gso_tcpv4 == (out.rx.sg && b->gso_tcpv4 &&
				      f.gso_tcpv4));
	PROPERTY(out.rx.gso_tcpv6 == (out.rx.sg && b->gso_tcpv6 &&
				      f.gso_tcpv6));
	PROPERTY(out.rx.csum == (!b->no_csum && !f.no_csum));
	PROPERTY(out.rx.ipv6_csum == (b->ipv6_csum && f.ipv6_csum));
	PROPERTY(out.mcast == (b->mcast_ctrl && f.mcast));
	PROPERTY(out.ctrl_ring == f.has_ctrl_ring_ref);
	PROPERTY(xpv_netif_front_queues((u32)nq, b->max_queues) <= max);
}

static void check_queue(struct fuzz_in *in,
			const struct xpv_netif_back_offer *b)
{
	struct xpv_netif_queue_keys q = { 0 };
	struct xpv_netif_queue out;
	u8 qf = fuzz_u8(in);
	int err, want;

	q.has_tx_ring_ref = qf & 1;
	q.has_rx_ring_ref = qf & 2;
	q.has_evtchn = qf & 4;
	q.has_evtchn_tx = qf & 8;
	q.has_evtchn_rx = qf & 16;
	q.tx_ring_ref = fuzz_u64(in) % (qf & 32 ? ~0ULL : 3);
	q.rx_ring_ref = fuzz_u64(in) % (qf & 32 ? ~0ULL : 3);
	q.evtchn = fuzz_u64(in) % (qf & 64 ? ~0ULL : 3);
	q.evtchn_tx = fuzz_u64(in) % (qf & 64 ? ~0ULL : 3);
	q.evtchn_rx = fuzz_u64(in) % (qf & 128 ? ~0ULL : 3);

	if (!q.has_tx_ring_ref || !q.has_rx_ring_ref)
		want = -ENOENT;
	else if (key32(q.tx_ring_ref) || key32(q.rx_ring_ref))
		want = key32(q.tx_ring_ref) ? key32(q.tx_ring_ref) :
					      key32(q.rx_ring_ref);
	else if (q.has_evtchn_tx || q.has_evtchn_rx)
		want = !b->split_evtchn || !q.has_evtchn_tx ||
		       !q.has_evtchn_rx ? -EINVAL :
		       key32(q.evtchn_tx) ? key32(q.evtchn_tx) :
		       key32(q.evtchn_rx);
	else if (q.has_evtchn)
		want = key32(q.evtchn);
	else
		want = -ENOENT;
	err = xpv_netif_queue_check(b, &q, &out);
	PROPERTY(err == want);
	if (err) {
		PROPERTY(zeroed(&out, sizeof(out)));
		return;
	}
	PROPERTY(out.tx_ring_ref == q.tx_ring_ref &&
		 out.rx_ring_ref == q.rx_ring_ref);
	PROPERTY(out.split == (q.has_evtchn_tx || q.has_evtchn_rx));
	PROPERTY(out.evtchn_tx && out.evtchn_rx);
	PROPERTY(out.split || out.evtchn_tx == out.evtchn_rx);
}

static void check_mac(struct fuzz_in *in)
{
	char s[20];
	u8 mac[6], old[6];
	u8 len = fuzz_u8(in) % (sizeof(s) + 1);
	size_t n;
	bool ok = true;
	unsigned int i;
	int err;

	fuzz_take(in, s, sizeof(s));
	memset(mac, 0xa5, sizeof(mac));
	memcpy(old, mac, sizeof(mac));
	err = xpv_netif_parse_mac(s, len, mac);
	n = len && s[len - 1] == '\0' ? len - 1u : len;
	if (n != 17)
		ok = false;
	for (i = 0; ok && i < 17; i++)
		ok = i % 3 == 2 ? s[i] == ':' : isxdigit((unsigned char)s[i]);
	if (!ok) {
		PROPERTY(err == -EINVAL);
		PROPERTY(!memcmp(mac, old, 6));
		return;
	}
	PROPERTY(err == 0 || err == -EADDRNOTAVAIL);
	if (err) {
		PROPERTY(!memcmp(mac, old, 6));
		return;
	}
	PROPERTY(!(mac[0] & 1));
	PROPERTY(!zeroed(mac, 6));
	for (i = 0; i < 6; i++) {
		char two[3] = { s[3 * i], s[3 * i + 1], 0 };

		PROPERTY(mac[i] == (u8)strtoul(two, NULL, 16));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct xpv_netif_back_offer b = { 0 };
	struct xpv_netif_ids ids;
	bool out[64] = { false };
	unsigned int steps = 0;
	int last = 0;

	check_negotiate(&in, &b);
	check_queue(&in, &b);
	check_mac(&in);

	PROPERTY(xpv_netif_ids_init(&ids, 64) == 0);
	while (in.left && steps++ < 1024) {
		u8 cmd = fuzz_u8(&in) % 3;
		struct xpv_netif_tx_response rsp;
		int err;

		rsp.id = fuzz_u16(&in);
		rsp.status = (s16)fuzz_u16(&in);
		if (cmd == 0) {
			last = xpv_netif_ids_alloc(&ids);
			if (last >= 0) {
				PROPERTY(last < 64 && !out[last]);
				out[last] = true;
			}
		} else if (cmd == 1) {
			u16 id = rsp.id % 80;

			err = xpv_netif_ids_put(&ids, id);
			PROPERTY((err == 0) == (id < 64 && out[id]));
			if (!err)
				out[id] = false;
		} else {
			bool known = rsp.status >= -2 && rsp.status <= 0;

			rsp.id %= 80;
			err = xpv_netif_tx_rsp_check(&ids, &rsp);
			if (rsp.status == XPV_NETIF_RSP_NULL)
				PROPERTY(err == 1);
			else
				PROPERTY((err == 0) == (rsp.id < 64 &&
							out[rsp.id] && known));
		}
	}
	return 0;
}
