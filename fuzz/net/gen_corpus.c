// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpora of the netif fuzzers: well-formed inputs of each
 * kind (tx chains of every shape: one slot, many, extras, the XSA-423,
 * XSA-432 and XSA-448 layouts, enough packets to wrap the ring; rx
 * exchanges with chains, extras and re-posting; stock xenstore values), so
 * the fuzzers start from the accepted paths and mutate towards the edges.
 *
 * Usage: gen_corpus DIR   (creates DIR/tx, DIR/rx, DIR/keys)
 */
#include <sys/stat.h>
#include "fuzz_input.h"
#include "netif_proto.h"

static const char *dir;
static u8 buf[1 << 20];
static size_t len;

static void put(const char *target, unsigned int n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%03u", dir, target, n);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
	len = 0;
}

static void b8(u8 v)
{
	buf[len++] = v;
}

static void bn(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

static void b16(u16 v)
{
	bn(&v, 2);
}

static void b64(u64 v)
{
	bn(&v, 8);
}

/* ------------------------------------------------------------------ */
/* tx                                                                  */
/* ------------------------------------------------------------------ */

/* The header part: limits, then an IPv4/TCP header for hdr_len(). */
static void tx_head(u8 flags)
{
	u8 hdr[320] = { 0 };
	unsigned int i;

	b8(flags);
	b8(XPV_NETIF_SLOTS_MAX);
	b8(XPV_NETIF_FATAL_SLOTS);
	b16(XPV_NETIF_HDR_COPY);
	b16(XPV_NETIF_MAX_TX_SIZE);
	b16(40);		/* avail: asks for more */
	b16(1500);
	hdr[12] = 0x08;
	hdr[14] = 0x45;
	hdr[14 + 9] = 6;
	hdr[34 + 12] = 5 << 4;
	bn(hdr, sizeof(hdr));
	/* The builder: three pieces of 100 bytes, checksum blank. */
	b8(3);
	b8(XPV_NETTXF_CSUM_BLANK);
	for (i = 0; i < XPV_NETIF_SLOTS_MAX; i++) {
		u32 gref = 200 + i;

		bn(&gref, 4);
		b16((u16)(i * 8));
		b16(100);
	}
}

static void tx_slot(u32 gref, u16 off, u16 flags, u16 id, u16 size)
{
	struct xpv_netif_tx_request r = { gref, off, flags, id, size };

	b8(0);
	bn(&r, sizeof(r));
}

static void tx_extra(const struct xpv_netif_extra *ex)
{
	struct xpv_netif_tx_request r;

	xpv_netif_extra_tx_slot(ex, &r);
	b8(0);
	bn(&r, sizeof(r));
}

/* A packet of @n following slots of @size each; then push and take. */
static void tx_packet(u16 total, unsigned int n, u16 size, u16 first_flags)
{
	unsigned int i;

	tx_slot(100, 0, first_flags | (n ? XPV_NETTXF_MORE_DATA : 0), 0,
		total);
	for (i = 0; i < n; i++)
		tx_slot(101 + i, 0, i + 1 < n ? XPV_NETTXF_MORE_DATA : 0,
			(u16)(i + 1), size);
}

static void tx_go(void)
{
	b8(1);
	b8(3);
	b16(200);	/* the re-plan's header length */
}

static unsigned int tx_seeds(unsigned int n)
{
	struct xpv_netif_extra ex;
	unsigned int i;

	tx_head(0);
	tx_packet(60, 0, 0, 0);
	tx_go();
	put("tx", n++);

	tx_head(0);
	tx_packet(3000, 2, 750, XPV_NETTXF_CSUM_BLANK);
	tx_go();
	put("tx", n++);

	/* XSA-423: one byte first, headers over 16 slots. */
	tx_head(0);
	tx_packet(1 + 160, 16, 10, 0);
	tx_go();
	put("tx", n++);

	/* XSA-432: 18 slots of 5 bytes, all shorter than the copy. */
	tx_head(0);
	tx_packet(90, 17, 5, 0);
	tx_go();
	put("tx", n++);

	/* XSA-448: zero-length following slots. */
	tx_head(0);
	tx_packet(500, 5, 0, 0);
	tx_go();
	put("tx", n++);

	/* GSO and hash extras, then data. */
	tx_head(1 | 8);
	tx_slot(100, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA, 0,
		5000);
	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_GSO;
	ex.flags = XPV_NETIF_EXTRA_FLAG_MORE;
	ex.u.gso.type = XPV_NETIF_GSO_TCPV4;
	ex.u.gso.size = 1448;
	tx_extra(&ex);
	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_HASH;
	ex.u.hash.type = XPV_NETIF_HASH_TYPE_IPV4_TCP;
	ex.u.hash.algorithm = XPV_NETIF_HASH_ALG_TOEPLITZ;
	tx_extra(&ex);
	tx_slot(101, 0, 0, 1, 4000);
	tx_go();
	put("tx", n++);

	/* A multicast filter update. */
	tx_head(4);
	tx_slot(100, 0, XPV_NETTXF_EXTRA_INFO, 0, 60);
	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_MCAST_ADD;
	ex.u.mcast.addr[0] = 0x01;
	ex.u.mcast.addr[5] = 0x01;
	tx_extra(&ex);
	tx_go();
	put("tx", n++);

	/* Edges, one packet each, all dropped or fatal: GSO size 0 and
	 * above the length, an unknown extra, 19 and 21 data slots, a slot
	 * crossing its page, a packet shorter than an Ethernet header.
	 */
	for (i = 0; i < 2; i++) {
		tx_head(1);
		tx_slot(100, 0, XPV_NETTXF_EXTRA_INFO, 0, 1000);
		memset(&ex, 0, sizeof(ex));
		ex.type = XPV_NETIF_EXTRA_GSO;
		ex.u.gso.type = XPV_NETIF_GSO_TCPV4;
		ex.u.gso.size = i ? 1001 : 0;
		tx_extra(&ex);
		tx_go();
		put("tx", n++);
	}
	tx_head(0);
	tx_slot(100, 0, XPV_NETTXF_EXTRA_INFO, 0, 1000);
	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_TYPE_MAX;
	tx_extra(&ex);
	tx_go();
	put("tx", n++);
	tx_head(0);
	tx_packet(1000, 18, 10, 0);
	tx_go();
	tx_packet(1000, 20, 10, 0);
	tx_go();
	put("tx", n++);
	tx_head(0);
	tx_slot(100, 4000, XPV_NETTXF_MORE_DATA, 0, 1000);
	tx_slot(101, 4000, 0, 1, 100);
	tx_go();
	put("tx", n++);
	tx_head(0);
	tx_packet(13, 0, 0, 0);
	tx_go();
	put("tx", n++);

	/* Enough packets to wrap the ring twice. */
	tx_head(0);
	for (i = 0; i < 200; i++) {
		tx_packet((u16)(1000 + i), i % 4, 100, 0);
		tx_go();
	}
	put("tx", n++);
	return n;
}

/* ------------------------------------------------------------------ */
/* rx                                                                  */
/* ------------------------------------------------------------------ */

static u32 rx_back;

static void rx_rsp(u16 off, u16 flags, s16 status)
{
	struct xpv_netif_rx_response r = {
		(u16)(rx_back++ & 255), off, flags, status
	};

	b8(0);
	bn(&r, sizeof(r));
}

static void rx_extra(const struct xpv_netif_extra *ex)
{
	rx_back++;
	b8(0);
	bn(ex, sizeof(*ex));
}

static void rx_go(void)
{
	b8(1);
	b8(3);
	b8(4);
}

static unsigned int rx_seeds(unsigned int n)
{
	struct xpv_netif_extra ex;
	unsigned int i;

	rx_back = 0;
	b8(0);
	b8(4);
	rx_rsp(0, 0, 1500);
	rx_go();
	put("rx", n++);

	rx_back = 0;
	b8(0);
	b8(4);
	rx_rsp(0, XPV_NETRXF_MORE_DATA | XPV_NETRXF_DATA_VALIDATED, 4096);
	rx_rsp(0, XPV_NETRXF_MORE_DATA, 0);
	rx_rsp(100, 0, 904);
	rx_go();
	put("rx", n++);

	rx_back = 0;
	b8(1 | 2);
	b8(4);
	rx_rsp(0, XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA, 4000);
	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_GSO;
	ex.u.gso.type = XPV_NETIF_GSO_TCPV4;
	ex.u.gso.size = 1448;
	rx_extra(&ex);
	rx_rsp(0, 0, 3000);
	rx_go();
	put("rx", n++);

	/* Edges: error status, past the page, gso_prefix, a stale slot. */
	rx_back = 0;
	b8(0);
	b8(4);
	rx_rsp(0, 0, -1);
	rx_rsp(100, 0, 4000);
	rx_rsp(0, XPV_NETRXF_GSO_PREFIX, 100);
	rx_go();
	put("rx", n++);

	/* Chains past the limit (dropped) and past the fatal bound. */
	rx_back = 0;
	b8(0);
	b8(4);
	for (i = 0; i < XPV_NETIF_SLOTS_MAX; i++)
		rx_rsp(0, XPV_NETRXF_MORE_DATA, 100);
	rx_rsp(0, 0, 100);
	rx_go();
	for (i = 0; i < XPV_NETIF_SLOTS_CAP; i++)
		rx_rsp(0, XPV_NETRXF_MORE_DATA, 100);
	rx_rsp(0, 0, 100);
	rx_go();
	put("rx", n++);

	rx_back = 0;
	b8(0);
	b8(4);
	for (i = 0; i < 300; i++) {
		rx_rsp(0, XPV_NETRXF_MORE_DATA, 1000);
		rx_rsp(0, 0, 500);
		rx_go();
	}
	put("rx", n++);
	return n;
}

/* ------------------------------------------------------------------ */
/* keys                                                                */
/* ------------------------------------------------------------------ */

static void keys_seed(u16 bflags, u64 maxq, u16 fflags, u64 nq, u8 qflags,
		      const char *mac)
{
	u8 m[20] = { 0 };

	b16(bflags);
	b64(maxq);
	b16(fflags);
	b64(nq);
	b64(3);		/* ctrl-ring-ref */
	b64(2);		/* event-channel-ctrl */
	b8(qflags);
	b64(8);
	b64(9);
	b64(1);
	b64(2);
	b64(1);
	memcpy(m, mac, strlen(mac));
	b8((u8)strlen(mac));
	bn(m, sizeof(m));
	/* tx responses: allocate two ids, answer one, free it, answer. */
	b8(0); b16(0); b16(0);
	b8(0); b16(0); b16(0);
	b8(2); b16(0); b16(0);
	b8(1); b16(0); b16(0);
	b8(2); b16(0); b16(0);
	b8(2); b16(1); b16(1);
}

static unsigned int keys_seeds(unsigned int n)
{
	/* A stock back end (all but no-csum) and front end, 4 queues. */
	keys_seed(0x3ef | 0x100, 8, 0x13f | 0x100, 4, 0x07,
		  "00:16:3e:12:34:56");
	put("keys", n++);
	/* Split event channels and a control ring. */
	keys_seed(0x3ff, 8, 0x7ff, 1, 0x1b, "00:16:3E:AB:CD:EF");
	put("keys", n++);
	/* No queue key, no rx-notify. */
	keys_seed(0x021, 0, 0x001, 0, 0x03, "01:00:5e:00:00:01");
	put("keys", n++);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	tx_seeds(0);
	rx_seeds(0);
	keys_seeds(0);
	return 0;
}
