/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv netif proto: the Xen network-device protocol in portable C.
 *
 * Shared by the network front end, the network back end, the user-space
 * selftests (selftests/net) and the fuzzers (fuzz/net).  Nothing here
 * touches the kernel beyond include/xpv/proto/compat.h and ring.h.
 *
 * The wire format is the one of the Xen public io/netif.h.  Two rings per
 * queue: on the tx ring the front end sends packets (a chain of requests,
 * optionally with extra-info slots after the first) and the back end
 * answers each request; on the rx ring the front end posts empty pages and
 * the back end answers with packet data (a chain of responses, optionally
 * with extra-info slots after the first).
 *
 * Trust: each end treats the other as hostile.  Entries are copied out of
 * the shared ring once (the ring helpers do that) and only the private
 * copies are handed to the parsers here.  The parsers are incremental: feed
 * them one copied slot at a time; they say when the chain is complete,
 * bound its length, and return one error code per broken rule
 * (enum xpv_netif_err).  See docs/netif.md for each rule and the Xen
 * Security Advisory it answers.
 *
 * Numbers read from xenstore are parsed by the platform's strict reader
 * (xpv_xs_read_uint(), drivers/xen/proto/xs_proto.c); the negotiation
 * functions here take the parsed values.
 */
#ifndef _XPV_NETIF_PROTO_H
#define _XPV_NETIF_PROTO_H

#include <xpv/proto/compat.h>
#include <xpv/proto/ring.h>

/* Xen pages are 4 KiB whatever the guest's page size. */
#define XPV_NETIF_PAGE_SIZE		4096U
/* Ethernet header without VLAN tag (ETH_HLEN): the shortest packet. */
#define XPV_NETIF_ETH_HLEN		14U
/* Largest tx packet: the 16-bit size of the first request. */
#define XPV_NETIF_MAX_TX_SIZE		0xffffU
/* Largest rx packet we accept: a 64 KiB IP datagram plus two VLAN tags. */
#define XPV_NETIF_MAX_RX_SIZE		(0xffffU + XPV_NETIF_ETH_HLEN + 8U)
/* Data slots of one packet every back end must accept (io/netif.h
 * XEN_NETIF_NR_SLOTS_MIN; Linux XEN_NETBK_LEGACY_SLOTS_MAX).
 */
#define XPV_NETIF_SLOTS_MAX		18U
/* Data slots above which a tx chain is hostile (Linux fatal_skb_slots). */
#define XPV_NETIF_FATAL_SLOTS		20U
/* Hard bound of every configurable slot limit: the parsers' array size. */
#define XPV_NETIF_SLOTS_CAP		32U
/* Extra-info slots of one packet: each type at most once. */
#define XPV_NETIF_MAX_EXTRAS		4U
/* Bytes the tx back end copies into the linear area by default. */
#define XPV_NETIF_HDR_COPY		128U
/* The most header bytes the back end ever copies into the linear area. */
#define XPV_NETIF_HDR_MAX		256U
/* Ids (and slots) of a one-page netif ring: 256 for tx and for rx. */
#define XPV_NETIF_MAX_IDS		256U
/* Largest queue count we ever negotiate. */
#define XPV_NETIF_MAX_QUEUES		64U

/* Tx request flags (io/netif.h NETTXF_*). */
#define XPV_NETTXF_CSUM_BLANK		0x1
#define XPV_NETTXF_DATA_VALIDATED	0x2
#define XPV_NETTXF_MORE_DATA		0x4
#define XPV_NETTXF_EXTRA_INFO		0x8

/* Rx response flags (io/netif.h NETRXF_*). */
#define XPV_NETRXF_DATA_VALIDATED	0x1
#define XPV_NETRXF_CSUM_BLANK		0x2
#define XPV_NETRXF_MORE_DATA		0x4
#define XPV_NETRXF_EXTRA_INFO		0x8
#define XPV_NETRXF_GSO_PREFIX		0x10	/* deprecated; never accepted */

/* Extra-info types and flags (io/netif.h XEN_NETIF_EXTRA_*). */
#define XPV_NETIF_EXTRA_NONE		0	/* never valid */
#define XPV_NETIF_EXTRA_GSO		1
#define XPV_NETIF_EXTRA_MCAST_ADD	2
#define XPV_NETIF_EXTRA_MCAST_DEL	3
#define XPV_NETIF_EXTRA_HASH		4
#define XPV_NETIF_EXTRA_TYPE_MAX	5
#define XPV_NETIF_EXTRA_FLAG_MORE	0x1

/* GSO types (io/netif.h XEN_NETIF_GSO_TYPE_*). */
#define XPV_NETIF_GSO_NONE		0
#define XPV_NETIF_GSO_TCPV4		1
#define XPV_NETIF_GSO_TCPV6		2

/* Hash types and algorithms of the hash extra (_XEN_NETIF_CTRL_HASH_*). */
#define XPV_NETIF_HASH_TYPE_IPV4	0
#define XPV_NETIF_HASH_TYPE_IPV4_TCP	1
#define XPV_NETIF_HASH_TYPE_IPV6	2
#define XPV_NETIF_HASH_TYPE_IPV6_TCP	3
#define XPV_NETIF_HASH_ALG_TOEPLITZ	1

/* Response status (io/netif.h NETIF_RSP_*). */
#define XPV_NETIF_RSP_DROPPED		(-2)
#define XPV_NETIF_RSP_ERROR		(-1)
#define XPV_NETIF_RSP_OKAY		0
#define XPV_NETIF_RSP_NULL		1	/* the answer to an extra slot */

/* ------------------------------------------------------------------ */
/* Wire layouts.                                                       */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_netif_tx_request - one tx slot (io/netif.h netif_tx_request)
 * @gref: grant reference of the page holding the data
 * @offset: offset of the data in that page
 * @flags: XPV_NETTXF_*
 * @id: echoed in the response
 * @size: first slot: the whole packet's length; others: this slot's bytes
 */
struct xpv_netif_tx_request {
	u32 gref;
	u16 offset;
	u16 flags;
	u16 id;
	u16 size;
};

/**
 * struct xpv_netif_tx_response - answer to one tx slot
 * @id: the request's id (meaningless when @status is XPV_NETIF_RSP_NULL)
 * @status: XPV_NETIF_RSP_*
 */
struct xpv_netif_tx_response {
	u16 id;
	s16 status;
};

/**
 * struct xpv_netif_rx_request - one empty page posted for receive
 * @id: echoed in the response
 * @pad: zero
 * @gref: grant reference of the page
 */
struct xpv_netif_rx_request {
	u16 id;
	u16 pad;
	u32 gref;
};

/**
 * struct xpv_netif_rx_response - one received slot
 * @id: the request's id
 * @offset: where the data starts in the page
 * @flags: XPV_NETRXF_*
 * @status: negative: XPV_NETIF_RSP_*; otherwise the bytes in this slot
 */
struct xpv_netif_rx_response {
	u16 id;
	u16 offset;
	u16 flags;
	s16 status;
};

/**
 * struct xpv_netif_extra - an extra-info slot (io/netif.h netif_extra_info)
 * @type: XPV_NETIF_EXTRA_*
 * @flags: XPV_NETIF_EXTRA_FLAG_MORE when another extra follows
 * @u: the type's data
 * @u.gso: GSO: MSS, XPV_NETIF_GSO_* type, pad, features (none defined)
 * @u.mcast: multicast filter add/del: the address
 * @u.hash: hash type, algorithm and value (little endian)
 * @u.pad: the whole union
 *
 * It overlays the first 8 bytes of a tx request slot or an rx response
 * slot; the rest of a tx slot is unused.
 */
struct xpv_netif_extra {
	u8 type;
	u8 flags;
	union {
		struct {
			u16 size;
			u8 type;
			u8 pad;
			u16 features;
		} gso;
		struct {
			u8 addr[6];
		} mcast;
		struct {
			u8 type;
			u8 algorithm;
			u8 value[4];
		} hash;
		u16 pad[3];
	} u;
};

static_assert(sizeof(struct xpv_netif_tx_request) == 12, "tx request");
static_assert(offsetof(struct xpv_netif_tx_request, offset) == 4, "tx off");
static_assert(offsetof(struct xpv_netif_tx_request, flags) == 6, "tx flags");
static_assert(offsetof(struct xpv_netif_tx_request, id) == 8, "tx id");
static_assert(offsetof(struct xpv_netif_tx_request, size) == 10, "tx size");
static_assert(sizeof(struct xpv_netif_tx_response) == 4, "tx response");
static_assert(offsetof(struct xpv_netif_tx_response, status) == 2, "tx st");
static_assert(sizeof(struct xpv_netif_rx_request) == 8, "rx request");
static_assert(offsetof(struct xpv_netif_rx_request, gref) == 4, "rx gref");
static_assert(sizeof(struct xpv_netif_rx_response) == 8, "rx response");
static_assert(offsetof(struct xpv_netif_rx_response, offset) == 2, "rx off");
static_assert(offsetof(struct xpv_netif_rx_response, flags) == 4, "rx fl");
static_assert(offsetof(struct xpv_netif_rx_response, status) == 6, "rx st");
static_assert(sizeof(struct xpv_netif_extra) == 8, "extra info");
static_assert(offsetof(struct xpv_netif_extra, u.gso.size) == 2, "gso size");
static_assert(offsetof(struct xpv_netif_extra, u.gso.type) == 4, "gso type");
static_assert(offsetof(struct xpv_netif_extra, u.gso.features) == 6,
	      "gso features");
static_assert(offsetof(struct xpv_netif_extra, u.mcast.addr) == 2, "mcast");
static_assert(offsetof(struct xpv_netif_extra, u.hash.value) == 4, "hash");

/* The two rings: xpv_netif_tx_* (12-byte slots, 256 in one page) and
 * xpv_netif_rx_* (8-byte slots, 256 in one page), with the typed helpers
 * of include/xpv/proto/ring.h (each entry copied once).
 */
XPV_RING_DEFINE(xpv_netif_tx, struct xpv_netif_tx_request,
		struct xpv_netif_tx_response)
XPV_RING_DEFINE(xpv_netif_rx, struct xpv_netif_rx_request,
		struct xpv_netif_rx_response)

static_assert(sizeof(union xpv_netif_tx_entry) == 12, "tx slot");
static_assert(sizeof(union xpv_netif_rx_entry) == 8, "rx slot");

/**
 * xpv_netif_tx_slot_extra() - read a copied tx slot as an extra-info slot
 * @slot: private copy of the slot
 * @ex: the extra info (the slot's first 8 bytes)
 */
static inline void xpv_netif_tx_slot_extra(const struct xpv_netif_tx_request *slot,
					   struct xpv_netif_extra *ex)
{
	memcpy(ex, slot, sizeof(*ex));
}

/**
 * xpv_netif_extra_tx_slot() - write an extra-info slot as a tx request
 * @ex: the extra info
 * @slot: the slot, fully written (the unused 4 bytes zeroed)
 */
static inline void xpv_netif_extra_tx_slot(const struct xpv_netif_extra *ex,
					   struct xpv_netif_tx_request *slot)
{
	memset(slot, 0, sizeof(*slot));
	memcpy(slot, ex, sizeof(*ex));
}

/* ------------------------------------------------------------------ */
/* Error codes.                                                        */
/* ------------------------------------------------------------------ */

/**
 * enum xpv_netif_err - what a parser found wrong (returned negated)
 * @XPV_NETIF_OK: nothing
 * @XPV_NETIF_E_SHORT: packet shorter than an Ethernet header
 * @XPV_NETIF_E_TOO_BIG: packet longer than the limit
 * @XPV_NETIF_E_TOO_MANY_SLOTS: more data slots than the limit
 * @XPV_NETIF_E_FRAG_OVERRUN: tx: the following slots hold more bytes than
 *	the first slot's packet length
 * @XPV_NETIF_E_GSO_TYPE: GSO extra with a type other than TCPv4/TCPv6
 * @XPV_NETIF_E_GSO_SIZE: GSO extra with size 0 or above the packet length
 * @XPV_NETIF_E_EXTRA_UNSUPP: a valid extra type that was not negotiated
 * @XPV_NETIF_E_MCAST_ADDR: multicast extra naming a unicast address
 * @XPV_NETIF_E_HASH: hash extra with an unknown hash type or algorithm
 * @XPV_NETIF_E_STATUS: rx: the back end answered with an error status
 * @XPV_NETIF_E_RX_BOUNDS: rx: offset + size runs past the page
 * @XPV_NETIF_E_FLAGS: rx: NETRXF_gso_prefix (never negotiated)
 * @XPV_NETIF_E_FATAL: first of the fatal codes below: the peer broke the
 *	protocol, the ring must be treated as broken
 * @XPV_NETIF_E_CROSS_PAGE: tx: a slot's offset + size crosses the page
 * @XPV_NETIF_E_SLOT_LIMIT: a chain longer than the fatal bound
 * @XPV_NETIF_E_EXTRA_TYPE: unknown extra type (0 or >= 5)
 * @XPV_NETIF_E_EXTRA_DUP: the same extra type twice in one packet
 * @XPV_NETIF_E_ID_RANGE: response id out of range
 * @XPV_NETIF_E_ID_STALE: response id not outstanding (never sent, or
 *	already answered)
 * @XPV_NETIF_E_ID_SLOT: rx: response id not the id posted in its slot
 * @XPV_NETIF_E_RSP_STATUS: tx: unknown response status
 * @XPV_NETIF_E_STATE: the parser was misused (fed after completion, bad
 *	limits)
 *
 * Codes below XPV_NETIF_E_FATAL drop the packet: every slot of it is still
 * consumed (and, on tx, answered with XPV_NETIF_RSP_ERROR), the ring goes
 * on.  Codes from XPV_NETIF_E_FATAL up break the ring.
 */
enum xpv_netif_err {
	XPV_NETIF_OK = 0,
	XPV_NETIF_E_SHORT,
	XPV_NETIF_E_TOO_BIG,
	XPV_NETIF_E_TOO_MANY_SLOTS,
	XPV_NETIF_E_FRAG_OVERRUN,
	XPV_NETIF_E_GSO_TYPE,
	XPV_NETIF_E_GSO_SIZE,
	XPV_NETIF_E_EXTRA_UNSUPP,
	XPV_NETIF_E_MCAST_ADDR,
	XPV_NETIF_E_HASH,
	XPV_NETIF_E_STATUS,
	XPV_NETIF_E_RX_BOUNDS,
	XPV_NETIF_E_FLAGS,
	XPV_NETIF_E_FATAL = 64,
	XPV_NETIF_E_CROSS_PAGE = XPV_NETIF_E_FATAL,
	XPV_NETIF_E_SLOT_LIMIT,
	XPV_NETIF_E_EXTRA_TYPE,
	XPV_NETIF_E_EXTRA_DUP,
	XPV_NETIF_E_ID_RANGE,
	XPV_NETIF_E_ID_STALE,
	XPV_NETIF_E_ID_SLOT,
	XPV_NETIF_E_RSP_STATUS,
	XPV_NETIF_E_STATE,
};

/**
 * xpv_netif_err_fatal() - whether a parser's error breaks the ring
 * @err: a parser's return value
 *
 * Return: true for -XPV_NETIF_E_FATAL and above.
 */
static inline bool xpv_netif_err_fatal(int err)
{
	return err <= -XPV_NETIF_E_FATAL;
}

/**
 * xpv_netif_err_str() - a short name for an error, for logs
 * @err: a parser's return value (0 or negative)
 *
 * Return: a static string, "unknown" for codes not defined.
 */
const char *xpv_netif_err_str(int err);

/* ------------------------------------------------------------------ */
/* Front end: the ids it has outstanding.                              */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_netif_ids - private shadow of the ids a ring has outstanding
 * @nr: number of ids, 1..XPV_NETIF_MAX_IDS (the ring's slot count)
 * @nr_out: ids outstanding
 * @bits: bit i set when id i is outstanding
 */
struct xpv_netif_ids {
	u32 nr;
	u32 nr_out;
	u64 bits[XPV_NETIF_MAX_IDS / 64];
};

/**
 * xpv_netif_ids_init() - make all ids free
 * @ids: the table
 * @nr: id count, 1..XPV_NETIF_MAX_IDS
 *
 * Return: 0 or -EINVAL.
 */
int xpv_netif_ids_init(struct xpv_netif_ids *ids, u32 nr);

/**
 * xpv_netif_ids_alloc() - take the lowest free id (tx requests)
 * @ids: the table
 *
 * Return: the id, or -ENOSPC when all are outstanding.
 */
int xpv_netif_ids_alloc(struct xpv_netif_ids *ids);

/**
 * xpv_netif_ids_take() - mark one given id outstanding (rx requests,
 *	whose id is their slot: req_prod & (nr - 1))
 * @ids: the table
 * @id: the id
 *
 * Return: 0, or -EINVAL when out of range or already outstanding.
 */
int xpv_netif_ids_take(struct xpv_netif_ids *ids, u32 id);

/**
 * xpv_netif_ids_outstanding() - whether an id is outstanding
 * @ids: the table
 * @id: any value a peer sent
 *
 * Return: true when @id is in range and outstanding.
 */
bool xpv_netif_ids_outstanding(const struct xpv_netif_ids *ids, u32 id);

/**
 * xpv_netif_ids_put() - an outstanding id was answered: free it
 * @ids: the table
 * @id: the id
 *
 * Return: 0, or -EINVAL when out of range or not outstanding.
 */
int xpv_netif_ids_put(struct xpv_netif_ids *ids, u32 id);

/* ------------------------------------------------------------------ */
/* Back end: the tx request chain.                                     */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_netif_tx_limits - what the back end accepts on one tx ring
 * @max_slots: data slots per packet (default XPV_NETIF_SLOTS_MAX); more
 *	drop the packet
 * @fatal_slots: data slots above which the chain is hostile (default
 *	XPV_NETIF_FATAL_SLOTS); @max_slots <= @fatal_slots <= SLOTS_CAP
 * @max_len: packet length limit, ETH_HLEN..XPV_NETIF_MAX_TX_SIZE
 * @hdr_copy: bytes copied into the linear area before looking at the
 *	headers (default XPV_NETIF_HDR_COPY), ETH_HLEN..XPV_NETIF_HDR_MAX
 * @gso_tcpv4: "feature-gso-tcpv4" offered (and "feature-sg")
 * @gso_tcpv6: "feature-gso-tcpv6" offered (and "feature-sg")
 * @mcast: multicast control agreed
 * @hash: hash extras accepted (a control ring with hashing agreed)
 */
struct xpv_netif_tx_limits {
	u16 max_slots;
	u16 fatal_slots;
	u32 max_len;
	u32 hdr_copy;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool mcast;
	bool hash;
};

/**
 * xpv_netif_tx_limits_default() - the limits of a stock back end
 * @lim: filled: 18 slots, fatal above 20, 65535 bytes, 128 header bytes,
 *	no GSO, no multicast, no hash
 */
void xpv_netif_tx_limits_default(struct xpv_netif_tx_limits *lim);

/**
 * struct xpv_netif_seg - one data slot of a packet, decoded
 * @gref: grant reference
 * @offset: data offset in the page
 * @size: data bytes in this slot (for the first slot: the packet length
 *	minus the bytes of the following slots); may be 0
 * @id: the request id (tx) or response id (rx)
 */
struct xpv_netif_seg {
	u32 gref;
	u16 offset;
	u16 size;
	u16 id;
};

/**
 * struct xpv_netif_frag - a piece of packet data outside the linear area
 * @seg: index of the data slot in &struct xpv_netif_tx_pkt.seg
 * @offset: offset in that slot's page
 * @size: bytes, never 0
 */
struct xpv_netif_frag {
	u8 seg;
	u16 offset;
	u16 size;
};

/**
 * struct xpv_netif_gso - a GSO request
 * @type: XPV_NETIF_GSO_TCPV4 or _TCPV6 (XPV_NETIF_GSO_NONE: none)
 * @size: the MSS
 */
struct xpv_netif_gso {
	u8 type;
	u16 size;
};

/**
 * struct xpv_netif_hash - a hash extra
 * @valid: present
 * @type: XPV_NETIF_HASH_TYPE_*
 * @value: the hash value
 */
struct xpv_netif_hash {
	bool valid;
	u8 type;
	u32 value;
};

/**
 * struct xpv_netif_tx_pkt - a tx packet, parsed and validated
 * @len: packet length (the first slot's size)
 * @flags: the first slot's XPV_NETTXF_* flags
 * @nr_slots: ring slots consumed: data slots and extras
 * @nr_data: data slots (the first one included); 1..@nr_slots
 * @nr_extras: extra slots, right after the first data slot
 * @nr_zero: data slots carrying no byte (skipped, never a fragment)
 * @hdr_len: bytes the back end copies into the linear area
 * @hdr_segs: leading data slots the linear copy reads from
 * @nr_frags: entries of @frag
 * @gso: the GSO extra (type XPV_NETIF_GSO_NONE when absent)
 * @mcast_op: XPV_NETIF_EXTRA_MCAST_ADD / _DEL, or 0; a packet carrying one
 *	is a filter update, the back end does not transmit it
 * @mcast_addr: the address of @mcast_op
 * @hash: the hash extra
 * @seg: the data slots in ring order (@nr_data of them)
 * @frag: the data after the first @hdr_len bytes, in order, no empty entry
 *
 * The slots were consumed in the order seg[0], the @nr_extras extras,
 * seg[1..]; the back end answers them in that order: seg[i].id with the
 * status, each extra with XPV_NETIF_RSP_NULL.
 */
struct xpv_netif_tx_pkt {
	u32 len;
	u16 flags;
	u16 nr_slots;
	u16 nr_data;
	u16 nr_extras;
	u16 nr_zero;
	u16 hdr_len;
	u16 hdr_segs;
	u16 nr_frags;
	struct xpv_netif_gso gso;
	u8 mcast_op;
	u8 mcast_addr[6];
	struct xpv_netif_hash hash;
	struct xpv_netif_seg seg[XPV_NETIF_SLOTS_CAP];
	struct xpv_netif_frag frag[XPV_NETIF_SLOTS_CAP];
};

/**
 * struct xpv_netif_tx_parser - state of one tx chain being taken in
 * @lim: the limits (not owned)
 * @state: where in the chain the next slot belongs
 * @more: the last data slot had XPV_NETTXF_MORE_DATA
 * @seen: extra kinds already taken (bit per XPV_NETIF_EXTRA_* type)
 * @err: the first packet-dropping error found (0 or negative)
 * @frag_sum: bytes of the data slots after the first
 * @pkt: the packet; valid when the chain is complete
 */
struct xpv_netif_tx_parser {
	const struct xpv_netif_tx_limits *lim;
	u8 state;
	bool more;
	u8 seen;
	int err;
	u32 frag_sum;
	struct xpv_netif_tx_pkt pkt;
};

/**
 * xpv_netif_tx_parse_init() - start a new tx packet
 * @p: parser
 * @lim: the back end's limits, which must outlive the parse
 *
 * Return: 0, or -XPV_NETIF_E_STATE for limits out of range.
 */
int xpv_netif_tx_parse_init(struct xpv_netif_tx_parser *p,
			    const struct xpv_netif_tx_limits *lim);

/**
 * xpv_netif_tx_parse_slot() - take the next slot of the chain
 * @p: parser
 * @slot: private copy of the slot (xpv_netif_tx_back_get_request())
 *
 * Call with each slot taken off the ring, in order, while it returns 1.
 * Rules: the first slot's size is the packet length, ETH_HLEN..max_len,
 * and at least the sum of the following slots' sizes; every slot lies
 * within its page (for the first: the length minus the following sizes);
 * at most max_slots data slots (fatal above fatal_slots); extras follow
 * the first slot while XPV_NETIF_EXTRA_FLAG_MORE is set, each of a known
 * type, at most once each; GSO: TCPv4/TCPv6 as negotiated, size 1..len;
 * multicast: negotiated, a multicast address; hash: negotiated, known
 * type, Toeplitz.  Zero-length data slots (the first one's derived size
 * included) are allowed, counted, and never become fragments (XSA-448).
 * On success the linear area is planned with xpv_netif_tx_plan() for
 * min(len, hdr_copy) bytes.
 *
 * Context: any; pure function of the slots fed.
 * Return: 1 when the chain goes on (feed the next slot); 0 when the packet
 * is complete and valid (@p->pkt describes it); a negative
 * enum xpv_netif_err: below XPV_NETIF_E_FATAL the chain is complete and
 * the packet dropped (answer its @p->pkt.nr_slots slots); from
 * XPV_NETIF_E_FATAL up, the ring is broken (stop).
 */
int xpv_netif_tx_parse_slot(struct xpv_netif_tx_parser *p,
			    const struct xpv_netif_tx_request *slot);

/**
 * xpv_netif_tx_parse() - parse a whole chain from an array of copied slots
 * @lim: the back end's limits
 * @slots: private copies of the slots, in ring order
 * @nr: slots available in @slots
 * @pkt: the packet (valid when 0 or a non-fatal error is returned)
 * @used: slots consumed by the chain
 *
 * Return: as xpv_netif_tx_parse_slot() for the last slot fed; 1 when the
 * chain did not end within @nr slots.
 */
int xpv_netif_tx_parse(const struct xpv_netif_tx_limits *lim,
		       const struct xpv_netif_tx_request *slots,
		       unsigned int nr, struct xpv_netif_tx_pkt *pkt,
		       unsigned int *used);

/**
 * xpv_netif_tx_plan() - plan the linear area of a parsed tx packet
 * @pkt: a packet that xpv_netif_tx_parse_slot() completed without a
 *	fatal error; its @hdr_len, @hdr_segs, @nr_frags and @frag are set
 * @hdr_len: header bytes wanted in the linear area, e.g. from
 *	xpv_netif_hdr_len(); clamped to the packet length and
 *	XPV_NETIF_HDR_MAX
 *
 * The header may span any number of data slots (a first slot shorter than
 * the headers, XSA-423; every slot tiny, XSA-432): the linear copy reads
 * the leading @hdr_segs slots, the rest becomes fragments, and the
 * fragments never outnumber the data slots.  Zero-length slots are
 * skipped (XSA-448).
 *
 * Return: the planned header length.
 */
u16 xpv_netif_tx_plan(struct xpv_netif_tx_pkt *pkt, u32 hdr_len);

/**
 * xpv_netif_tx_build() - the front end's slots for one packet
 * @slots: destination, fully written (padding zeroed)
 * @max: room in @slots
 * @seg: the data pieces in order (gref, offset, size, id each)
 * @nr: number of pieces, 1..XPV_NETIF_SLOTS_MAX
 * @flags: XPV_NETTXF_CSUM_BLANK / _DATA_VALIDATED for the first slot
 * @ex: extra-info slots to send after the first (type and data; the MORE
 *	flag is set here), or NULL
 * @nex: number of extras, 0..3
 *
 * Writes the wire form: the first slot carries the packet length (the sum
 * of the pieces) and the first piece; the extras follow it, then one slot
 * per further piece, chained by XPV_NETTXF_MORE_DATA.  What it builds is
 * what xpv_netif_tx_parse_slot() accepts with matching limits.
 *
 * Return: the slot count, or -EINVAL for a count out of range, a piece
 * crossing its page, a length above XPV_NETIF_MAX_TX_SIZE or below
 * ETH_HLEN, unknown @flags; -ENOSPC when @max is too small.
 */
int xpv_netif_tx_build(struct xpv_netif_tx_request *slots, unsigned int max,
		       const struct xpv_netif_seg *seg, unsigned int nr,
		       u16 flags, const struct xpv_netif_extra *ex,
		       unsigned int nex);

/**
 * xpv_netif_hdr_len() - length of the protocol headers of a packet
 * @buf: private copy of the packet's first bytes
 * @avail: bytes in @buf
 * @pkt_len: the packet's length
 * @hdr_len: set to the header length on success, or on -EAGAIN to the
 *	bytes needed before the next try
 *
 * Parses Ethernet (up to two VLAN tags), then IPv4 (options) or IPv6
 * (hop-by-hop, routing, destination and fragment headers, at most 8),
 * then TCP (options) or UDP.  Other protocols, and IP fragments other
 * than the first, stop after the network header.  These are the bytes the
 * back end must have in the linear area (XSA-423).
 *
 * Context: any; pure function.
 * Return: 0; -EAGAIN when more of the packet must be copied first; -EINVAL
 * for malformed headers or headers running past @pkt_len; -E2BIG for
 * headers longer than XPV_NETIF_HDR_MAX.
 */
int xpv_netif_hdr_len(const u8 *buf, u32 avail, u32 pkt_len, u32 *hdr_len);

/* ------------------------------------------------------------------ */
/* Back end: the rx side.                                              */
/* ------------------------------------------------------------------ */

/**
 * xpv_netif_rx_slots_needed() - rx slots a packet needs, data packed
 * @len: packet length
 * @gso: the packet carries a GSO extra
 * @hash: the packet carries a hash extra
 *
 * The back end copies the data into the front end's pages back to back,
 * a full page per slot but the last.
 *
 * Return: ceil(@len / 4096) (at least 1) plus one slot per extra.
 */
u32 xpv_netif_rx_slots_needed(u32 len, bool gso, bool hash);

/**
 * xpv_netif_rx_slots_needed_frags() - rx slots when each piece starts a slot
 * @sizes: byte count of each piece of the packet, in order
 * @nr: number of pieces
 * @gso: the packet carries a GSO extra
 * @hash: the packet carries a hash extra
 *
 * For a back end that does not pack pieces: each non-empty piece takes
 * ceil(size / 4096) slots, empty ones none.
 *
 * Return: the slots (at least 1) plus one per extra, saturated at
 * U32_MAX.
 */
u32 xpv_netif_rx_slots_needed_frags(const u32 *sizes, unsigned int nr,
				    bool gso, bool hash);

/**
 * enum xpv_netif_rx_room - can the rx ring take a packet
 * @XPV_NETIF_RX_FITS: the front end posted enough requests now
 * @XPV_NETIF_RX_WAIT: not now; wait for requests (bounded by the stall
 *	timeout, xpv_netif_rx_stall_update())
 * @XPV_NETIF_RX_DROP: never: more slots than the ring has, or more data
 *	slots than the front end accepts in one packet; drop the packet
 */
enum xpv_netif_rx_room {
	XPV_NETIF_RX_FITS,
	XPV_NETIF_RX_WAIT,
	XPV_NETIF_RX_DROP,
};

/**
 * xpv_netif_rx_room() - XSA-392: can the ring hold the slots a packet needs
 * @needed: slots the packet needs, extras included
 * @nr_extras: how many of them are extras
 * @max_data: data slots the front end accepts in one packet
 *	(XPV_NETIF_SLOTS_MAX with "feature-sg", else 1)
 * @ring_slots: the ring's slot count
 * @req_avail: requests posted and not yet consumed (validated by
 *	xpv_back_req_avail())
 *
 * Return: an enum xpv_netif_rx_room.
 */
enum xpv_netif_rx_room xpv_netif_rx_room(u32 needed, u32 nr_extras,
					 u32 max_data, u32 ring_slots,
					 u32 req_avail);

/**
 * struct xpv_netif_rx_stall - XSA-392: a front end that posts no requests
 * @since: when the current wait started
 * @waiting: a packet is waiting for room
 * @stalled: it waited longer than the timeout: drop what is queued, stop
 *	queueing until the front end posts requests again
 */
struct xpv_netif_rx_stall {
	u64 since;
	bool waiting;
	bool stalled;
};

/**
 * xpv_netif_rx_stall_update() - track how long the rx queue has waited
 * @st: the tracker (zeroed at connect)
 * @now: a monotonic time, in any unit
 * @fits: the head packet fits (XPV_NETIF_RX_FITS), or the queue is empty
 * @timeout: the stall timeout in the unit of @now
 *
 * Return: @st->stalled.
 */
bool xpv_netif_rx_stall_update(struct xpv_netif_rx_stall *st, u64 now,
			       bool fits, u64 timeout);

/**
 * xpv_netif_rx_queue_admit() - XSA-392: bound the bytes queued for a guest
 * @queued: bytes queued now
 * @len: length of the packet to queue
 * @max: the bound
 *
 * Return: true when the packet may be queued (an empty queue always takes
 * one packet), false when it must be dropped.
 */
bool xpv_netif_rx_queue_admit(u64 queued, u32 len, u64 max);

/* ------------------------------------------------------------------ */
/* Front end: rx responses and tx responses.                           */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_netif_rx_limits - what the front end accepts on one rx ring
 * @max_slots: data slots per packet: XPV_NETIF_SLOTS_MAX with
 *	"feature-sg" agreed, else 1; at most XPV_NETIF_SLOTS_CAP
 * @max_len: packet length limit (usually XPV_NETIF_MAX_RX_SIZE)
 * @gso_tcpv4: we wrote "feature-gso-tcpv4"
 * @gso_tcpv6: we wrote "feature-gso-tcpv6"
 * @hash: hashing agreed on the control ring
 */
struct xpv_netif_rx_limits {
	u16 max_slots;
	u32 max_len;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool hash;
};

/**
 * struct xpv_netif_rx_pkt - a received packet, parsed and validated
 * @len: the sum of the data slots' sizes
 * @flags: the first response's XPV_NETRXF_* flags
 * @nr_slots: ring slots consumed
 * @nr_data: data slots
 * @nr_extras: extra slots
 * @nr_zero: data slots carrying no byte (never a fragment)
 * @nr_frags: entries of @frag
 * @gso: the GSO extra (type XPV_NETIF_GSO_NONE when absent)
 * @hash: the hash extra
 * @ids: the id of every slot consumed, in order (to free them)
 * @frag: the data, in order, no empty entry: the id of the slot, offset
 *	and size
 */
struct xpv_netif_rx_pkt {
	u32 len;
	u16 flags;
	u16 nr_slots;
	u16 nr_data;
	u16 nr_extras;
	u16 nr_zero;
	u16 nr_frags;
	struct xpv_netif_gso gso;
	struct xpv_netif_hash hash;
	u16 ids[XPV_NETIF_SLOTS_CAP + XPV_NETIF_MAX_EXTRAS];
	struct {
		u16 id;
		u16 offset;
		u16 size;
	} frag[XPV_NETIF_SLOTS_CAP];
};

/**
 * struct xpv_netif_rx_parser - state of one rx chain being taken in
 * @lim: the limits (not owned)
 * @ids: the rx ring's outstanding ids (not owned, not changed)
 * @state: where in the chain the next response belongs
 * @more: the last data response had XPV_NETRXF_MORE_DATA
 * @seen: extra kinds already taken
 * @err: the first packet-dropping error found
 * @pkt: the packet; valid when the chain is complete
 */
struct xpv_netif_rx_parser {
	const struct xpv_netif_rx_limits *lim;
	const struct xpv_netif_ids *ids;
	u8 state;
	bool more;
	u8 seen;
	int err;
	struct xpv_netif_rx_pkt pkt;
};

/**
 * xpv_netif_rx_parse_init() - start a new rx packet
 * @p: parser
 * @lim: the front end's limits
 * @ids: the rx ring's shadow ids; the ring's slot count is @ids->nr
 *
 * Return: 0, or -XPV_NETIF_E_STATE for limits out of range.
 */
int xpv_netif_rx_parse_init(struct xpv_netif_rx_parser *p,
			    const struct xpv_netif_rx_limits *lim,
			    const struct xpv_netif_ids *ids);

/**
 * xpv_netif_rx_parse_rsp() - take the next response of the chain
 * @p: parser
 * @idx: the free-running ring index the response was copied from
 * @rsp: private copy of the response (xpv_netif_rx_front_get_response())
 *
 * Rules: a data response carries the id posted in its slot
 * (@idx & (nr - 1), as io/netif.h requires: responses use the slot of
 * their request), and that id is outstanding; an extra's slot id is
 * outstanding; status negative drops the packet; offset + size within the
 * page; no NETRXF_gso_prefix; at most max_slots data slots (fatal above
 * XPV_NETIF_SLOTS_CAP); extras as for tx (GSO only as we advertised it,
 * hash only when agreed, no multicast); length ETH_HLEN..max_len.
 * The parser never changes @ids: once the chain is complete the caller
 * frees @p->pkt.ids.
 *
 * Context: any; pure function of the responses fed.
 * Return: as xpv_netif_tx_parse_slot().
 */
int xpv_netif_rx_parse_rsp(struct xpv_netif_rx_parser *p, u32 idx,
			   const struct xpv_netif_rx_response *rsp);

/**
 * xpv_netif_tx_rsp_check() - validate a tx response copied once
 * @ids: the tx ring's outstanding ids
 * @rsp: the private copy
 *
 * Return: 0 when @rsp answers an outstanding id with a known status
 * (OKAY, ERROR, DROPPED): free the id; 1 for XPV_NETIF_RSP_NULL (the
 * answer to an extra slot: no id to free); -XPV_NETIF_E_ID_RANGE,
 * -XPV_NETIF_E_ID_STALE or -XPV_NETIF_E_RSP_STATUS otherwise (fatal).
 */
int xpv_netif_tx_rsp_check(const struct xpv_netif_ids *ids,
			   const struct xpv_netif_tx_response *rsp);

/* ------------------------------------------------------------------ */
/* Feature negotiation (parsed xenstore values).                       */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_netif_back_offer - what a back end writes (0 when absent)
 * @sg: "feature-sg"
 * @gso_tcpv4: "feature-gso-tcpv4"
 * @gso_tcpv6: "feature-gso-tcpv6"
 * @ipv6_csum: "feature-ipv6-csum-offload"
 * @no_csum: "feature-no-csum-offload"
 * @rx_copy: "feature-rx-copy"
 * @split_evtchn: "feature-split-event-channels"
 * @ctrl_ring: "feature-ctrl-ring"
 * @mcast_ctrl: "feature-multicast-control"
 * @dynamic_mcast: "feature-dynamic-multicast-control"
 * @max_queues: "multi-queue-max-queues" (0 when absent: one queue)
 */
struct xpv_netif_back_offer {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv6_csum;
	bool no_csum;
	bool rx_copy;
	bool split_evtchn;
	bool ctrl_ring;
	bool mcast_ctrl;
	bool dynamic_mcast;
	u64 max_queues;
};

/**
 * struct xpv_netif_front_keys - what a front end writes (0 when absent)
 * @rx_copy: "request-rx-copy"
 * @rx_notify: "feature-rx-notify"
 * @sg: "feature-sg"
 * @gso_tcpv4: "feature-gso-tcpv4"
 * @gso_tcpv6: "feature-gso-tcpv6"
 * @ipv6_csum: "feature-ipv6-csum-offload"
 * @no_csum: "feature-no-csum-offload"
 * @mcast: "request-multicast-control"
 * @has_num_queues: "multi-queue-num-queues" is present
 * @num_queues: its value
 * @has_ctrl_ring_ref: "ctrl-ring-ref" is present
 * @ctrl_ring_ref: its value
 * @has_evtchn_ctrl: "event-channel-ctrl" is present
 * @evtchn_ctrl: its value
 */
struct xpv_netif_front_keys {
	bool rx_copy;
	bool rx_notify;
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv6_csum;
	bool no_csum;
	bool mcast;
	bool has_num_queues;
	u64 num_queues;
	bool has_ctrl_ring_ref;
	u64 ctrl_ring_ref;
	bool has_evtchn_ctrl;
	u64 evtchn_ctrl;
};

/**
 * struct xpv_netif_dir - offloads agreed for one direction
 * @sg: packets may span several slots
 * @gso_tcpv4: TCPv4 GSO extras allowed
 * @gso_tcpv6: TCPv6 GSO extras allowed
 * @csum: IPv4 checksum offload (csum_blank / data_validated)
 * @ipv6_csum: IPv6 checksum offload
 */
struct xpv_netif_dir {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool csum;
	bool ipv6_csum;
};

/**
 * struct xpv_netif_features - the agreed feature set
 * @nr_queues: queues, 1..max
 * @tx: guest transmit (front to back): what the back end offered
 * @rx: guest receive (back to front): what both sides support
 * @mcast: multicast control (extras on tx)
 * @ctrl_ring: a control ring is set up
 * @ctrl_ring_ref: its grant reference
 * @evtchn_ctrl: its event channel
 */
struct xpv_netif_features {
	u32 nr_queues;
	struct xpv_netif_dir tx;
	struct xpv_netif_dir rx;
	bool mcast;
	bool ctrl_ring;
	u32 ctrl_ring_ref;
	u32 evtchn_ctrl;
};

/**
 * xpv_netif_negotiate() - the feature set both ends agree on
 * @back: what the back end offered
 * @front: what the front end wrote
 * @out: the agreed set (zeroed on error)
 *
 * Context: any; pure function.  The back end calls it when the front end
 * reaches Connected; the front end calls it to know what it may send.
 * Return: 0; -EOPNOTSUPP when rx-copy is not offered or not requested, or
 * "feature-rx-notify" is missing (both mandatory, as in Linux); -EINVAL
 * for zero queues or more than offered (or XPV_NETIF_MAX_QUEUES), a
 * control ring not offered, or one without a grant reference or event
 * channel; -ERANGE for a grant reference or port above 32 bits.
 */
int xpv_netif_negotiate(const struct xpv_netif_back_offer *back,
			const struct xpv_netif_front_keys *front,
			struct xpv_netif_features *out);

/**
 * struct xpv_netif_queue_keys - one queue's keys (0 / false when absent)
 * @has_tx_ring_ref: "tx-ring-ref" present
 * @tx_ring_ref: its value
 * @has_rx_ring_ref: "rx-ring-ref" present
 * @rx_ring_ref: its value
 * @has_evtchn: "event-channel" present
 * @evtchn: its value
 * @has_evtchn_tx: "event-channel-tx" present
 * @evtchn_tx: its value
 * @has_evtchn_rx: "event-channel-rx" present
 * @evtchn_rx: its value
 */
struct xpv_netif_queue_keys {
	bool has_tx_ring_ref;
	u64 tx_ring_ref;
	bool has_rx_ring_ref;
	u64 rx_ring_ref;
	bool has_evtchn;
	u64 evtchn;
	bool has_evtchn_tx;
	u64 evtchn_tx;
	bool has_evtchn_rx;
	u64 evtchn_rx;
};

/**
 * struct xpv_netif_queue - one queue's connection, validated
 * @tx_ring_ref: tx ring grant reference
 * @rx_ring_ref: rx ring grant reference
 * @split: separate tx and rx event channels
 * @evtchn_tx: tx event channel (the only one when not @split)
 * @evtchn_rx: rx event channel (equal to @evtchn_tx when not @split)
 */
struct xpv_netif_queue {
	u32 tx_ring_ref;
	u32 rx_ring_ref;
	bool split;
	u32 evtchn_tx;
	u32 evtchn_rx;
};

/**
 * xpv_netif_queue_check() - validate one queue's ring and channel keys
 * @back: what the back end offered
 * @q: the keys read
 * @out: the connection (zeroed on error)
 *
 * Both ring references are required and non-zero.  Split event channels
 * need the back end's offer and both keys; otherwise "event-channel".
 * Ports are non-zero.
 *
 * Return: 0; -ENOENT for a missing key; -EINVAL for a zero value, split
 * channels not offered or only one of them; -ERANGE above 32 bits.
 */
int xpv_netif_queue_check(const struct xpv_netif_back_offer *back,
			  const struct xpv_netif_queue_keys *q,
			  struct xpv_netif_queue *out);

/**
 * xpv_netif_front_queues() - the queue count a front end asks for
 * @want: the count it would like (e.g. its vCPU count); 0 counts as 1
 * @backend_max: the back end's "multi-queue-max-queues" (0 when absent)
 *
 * Return: 1..min(@want, @backend_max, XPV_NETIF_MAX_QUEUES).
 */
u32 xpv_netif_front_queues(u32 want, u64 backend_max);

/**
 * xpv_netif_parse_mac() - parse the "mac" key strictly
 * @s: the value (need not be NUL-terminated)
 * @len: its length; a single trailing NUL is allowed
 * @mac: the address
 *
 * Accepts exactly six pairs of hex digits separated by ':'.
 *
 * Return: 0; -EINVAL for anything else; -EADDRNOTAVAIL for a multicast or
 * all-zero address (a device needs a unicast one).
 */
int xpv_netif_parse_mac(const char *s, size_t len, u8 mac[6]);

#endif /* _XPV_NETIF_PROTO_H */
