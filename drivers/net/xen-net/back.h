/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv network back end: state shared by the data plane (back.c: the vif
 * net device, one kernel thread per queue moving packets between the
 * front end's rings and the network stack by grant copy, ethtool
 * statistics) and the control plane (back_xenbus.c: the xenbus handshake,
 * feature negotiation, ring set-up and teardown, module parameters).
 * Guest tx data goes by grant copy, or with tx_mode=map by grant map for
 * the fragments (back.c, "Guest tx by grant map").
 */
#ifndef _XPV_NETBACK_H
#define _XPV_NETBACK_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xpv/xenbus.h>

#include "netif_proto.h"

/* Most queues one vif may negotiate. */
#define XPV_NETBACK_MAX_QUEUES		16
/* Grant copy operations for one packet, either direction: a 64 KiB packet
 * touches at most 17 pages on each side and 18 ring slots, plus the
 * linear area; every operation ends at a page or piece boundary.
 */
#define XPV_NETBACK_MAX_COPY		96
/* Packets per direction whose grant copies go in one hypercall. */
#define XPV_NETBACK_BATCH		16
/* Room for the copy operations of one batch (flushed early when full). */
#define XPV_NETBACK_COPY_CAP		512
/* Pages the data of one guest packet past its linear area may need. */
#define XPV_NETBACK_TX_PAGES		DIV_ROUND_UP(XPV_NETIF_MAX_TX_SIZE, PAGE_SIZE)
/* Grant map operations of one tx batch (flushed early when full). */
#define XPV_NETBACK_MAP_CAP		256
/* Ring slots one rx packet may take (data and extras). */
#define XPV_NETBACK_RX_PKT_SLOTS	(XPV_NETIF_SLOTS_CAP + XPV_NETIF_MAX_EXTRAS)

/**
 * enum xpv_netback_stat - the counters kept per queue (ethtool -S)
 * @XPV_NETBACK_TX_PACKETS: packets the guest sent, passed to the stack
 * @XPV_NETBACK_TX_BYTES: their bytes
 * @XPV_NETBACK_TX_GSO: of them, GSO packets (a GSO extra: TSO from the
 *	guest)
 * @XPV_NETBACK_TX_CSUM_BLANK: of them, with NETTXF_csum_blank (checksum
 *	left to us: CHECKSUM_PARTIAL)
 * @XPV_NETBACK_TX_SLOTS: tx ring slots consumed (data and extras)
 * @XPV_NETBACK_TX_ZERO_SLOTS: zero-length data slots seen (XSA-448; never
 *	a fragment)
 * @XPV_NETBACK_TX_MALFORMED: packets dropped because the chain broke a
 *	rule of netif_proto (answered NETIF_RSP_ERROR); per rule below
 * @XPV_NETBACK_TX_BAD_HEADERS: packets dropped because their checksum or
 *	GSO request did not match their headers
 * @XPV_NETBACK_TX_COPY_ERR: packets dropped because a grant copy failed
 * @XPV_NETBACK_TX_NOMEM: packets dropped for want of memory
 * @XPV_NETBACK_TX_FATAL: the front end broke the tx ring (0 or 1)
 * @XPV_NETBACK_RX_PACKETS: packets copied to the guest
 * @XPV_NETBACK_RX_BYTES: their bytes
 * @XPV_NETBACK_RX_GSO: of them, GSO packets (a GSO extra given)
 * @XPV_NETBACK_RX_CSUM_BLANK: of them, with NETRXF_csum_blank
 * @XPV_NETBACK_RX_SLOTS: rx ring slots used (data and extras)
 * @XPV_NETBACK_RX_DROP_FULL: packets dropped at queueing: the queue's
 *	byte bound was reached while it was stopped, or the front end stalled
 * @XPV_NETBACK_RX_DROP_SIZE: packets dropped because they can never fit
 *	the ring (more slots than the front end accepts)
 * @XPV_NETBACK_RX_DROP_STALL: packets dropped when the front end stalled
 *	(posted too few rx requests for the head packet for the stall
 *	timeout, XSA-392)
 * @XPV_NETBACK_RX_STALLS: stalls detected
 * @XPV_NETBACK_RX_COPY_ERR: packets whose grant copy failed (answered
 *	with an error status)
 * @XPV_NETBACK_RX_FATAL: the front end broke the rx ring (0 or 1)
 * @XPV_NETBACK_TX_GNT_COPY: grant copy operations for guest tx data
 * @XPV_NETBACK_TX_GNT_MAP: grant map operations for guest tx fragments
 *	(tx_mode=map)
 * @XPV_NETBACK_TX_GNT_UNMAP: grant unmap operations of those
 * @XPV_NETBACK_TX_GNT_CALLS: grant table hypercalls for guest tx (copy,
 *	map and unmap batches)
 * @XPV_NETBACK_TX_MAPPED: packets passed to the stack with mapped
 *	fragments (tx_mode=map)
 * @XPV_NETBACK_TX_MAP_COPIED: of them, packets whose mapped fragments the
 *	stack copied before it was done (local delivery, a tap, another vif)
 * @XPV_NETBACK_TX_MAP_FALLBACK: packets with fragments copied although
 *	tx_mode=map (more fragments than an skb holds, no free map slot)
 * @XPV_NETBACK_TX_MAP_ERR: packets dropped because a grant map failed
 * @XPV_NETBACK_EVENTS: events (interrupts) from the front end
 * @XPV_NETBACK_NOTIFY: events sent to the front end
 * @XPV_NETBACK_BAD_FIRST: first per-rule malformed counter; one per
 *	non-fatal enum xpv_netif_err code a tx chain can break,
 *	1..XPV_NETIF_E_HASH
 * @XPV_NETBACK_NR_STATS: number of counters
 */
enum xpv_netback_stat {
	XPV_NETBACK_TX_PACKETS,
	XPV_NETBACK_TX_BYTES,
	XPV_NETBACK_TX_GSO,
	XPV_NETBACK_TX_CSUM_BLANK,
	XPV_NETBACK_TX_SLOTS,
	XPV_NETBACK_TX_ZERO_SLOTS,
	XPV_NETBACK_TX_MALFORMED,
	XPV_NETBACK_TX_BAD_HEADERS,
	XPV_NETBACK_TX_COPY_ERR,
	XPV_NETBACK_TX_NOMEM,
	XPV_NETBACK_TX_FATAL,
	XPV_NETBACK_RX_PACKETS,
	XPV_NETBACK_RX_BYTES,
	XPV_NETBACK_RX_GSO,
	XPV_NETBACK_RX_CSUM_BLANK,
	XPV_NETBACK_RX_SLOTS,
	XPV_NETBACK_RX_DROP_FULL,
	XPV_NETBACK_RX_DROP_SIZE,
	XPV_NETBACK_RX_DROP_STALL,
	XPV_NETBACK_RX_STALLS,
	XPV_NETBACK_RX_COPY_ERR,
	XPV_NETBACK_RX_FATAL,
	XPV_NETBACK_TX_GNT_COPY,
	XPV_NETBACK_TX_GNT_MAP,
	XPV_NETBACK_TX_GNT_UNMAP,
	XPV_NETBACK_TX_GNT_CALLS,
	XPV_NETBACK_TX_MAPPED,
	XPV_NETBACK_TX_MAP_COPIED,
	XPV_NETBACK_TX_MAP_FALLBACK,
	XPV_NETBACK_TX_MAP_ERR,
	XPV_NETBACK_EVENTS,
	XPV_NETBACK_NOTIFY,
	XPV_NETBACK_BAD_FIRST,
	XPV_NETBACK_NR_STATS = XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_HASH
};

/**
 * struct xpv_netback_stats - the counters of one queue
 * @c: indexed by enum xpv_netback_stat
 *
 * Written by the queue's thread (and, for the rx drops at queueing, under
 * the queue's rx lock); read without locks by ethtool.  Kept in the vif,
 * so they survive reconnection.
 */
struct xpv_netback_stats {
	u64 c[XPV_NETBACK_NR_STATS];
};

/**
 * struct xpv_netback_txm - a guest packet whose fragments are mapped
 *	(tx_mode=map), from its map until its unmap and answer
 * @ubuf: the skb's zerocopy callback: the stack is done with the pages
 * @q: its queue
 * @node: in the queue's free, done or retiring list
 * @status: the answer its slots get once the pages are unmapped
 * @copied: the stack copied the fragments before releasing them
 * @nr_pages: entries of @pages
 * @mapped: bit per entry of @pages holding a mapping
 * @nr_data: data slots to answer (seg ids in @ids)
 * @nr_extras: extra slots to answer (after the first data slot)
 * @ids: the ids of the data slots, in ring order
 * @pages: the pages the fragments are mapped into (one per fragment)
 * @handles: the map handles
 *
 * The slots of such a packet are answered only after its pages are
 * unmapped: once answered, the front end may reuse or revoke them.
 */
struct xpv_netback_txm {
	struct ubuf_info ubuf;
	struct xpv_netback_queue *q;
	struct list_head node;
	s16 status;
	bool copied;
	u8 nr_pages;
	u32 mapped;
	u16 nr_data;
	u16 nr_extras;
	u16 ids[XPV_NETIF_SLOTS_CAP];
	struct page *pages[MAX_SKB_FRAGS];
	grant_handle_t handles[MAX_SKB_FRAGS];
};

/**
 * struct xpv_netback_txb - a guest packet between parsing and answering
 * @pkt: the parsed chain (its slots are answered in their order)
 * @err: the parser's packet-dropping error, or 0
 * @skb: the skb its data is copied into (NULL: dropped)
 * @pages: the pages of its fragments
 * @npages: entries of @pages
 * @op0: its first grant copy operation in the queue's batch
 * @nops: its operations
 * @m: its mapped fragments (tx_mode=map), or NULL: copied
 * @map0: its first grant map operation in the queue's batch
 */
struct xpv_netback_txb {
	struct xpv_netif_tx_pkt pkt;
	int err;
	struct sk_buff *skb;
	struct page *pages[XPV_NETBACK_TX_PAGES];
	u16 npages;
	u16 op0;
	u16 nops;
	struct xpv_netback_txm *m;
	u16 map0;
};

/**
 * struct xpv_netback_rxb - a packet for the guest between copy and answer
 * @skb: the packet
 * @needed: ring slots it takes (its requests are consumed)
 * @gso_type: XPV_NETIF_GSO_* of its extra (NONE: no extra)
 * @ok: every piece fitted the operation array
 * @op0: its first grant copy operation in the queue's batch
 * @nops: its operations
 * @ids: the ids of the requests it consumed, in ring order
 * @sizes: bytes in each data slot
 */
struct xpv_netback_rxb {
	struct sk_buff *skb;
	u8 needed;
	u8 gso_type;
	bool ok;
	u16 op0;
	u16 nops;
	u16 ids[XPV_NETBACK_RX_PKT_SLOTS];
	u16 sizes[XPV_NETIF_SLOTS_CAP];
};

struct xpv_netback;

/**
 * struct xpv_netback_queue - one tx/rx ring pair and its thread
 * @vif: the vif
 * @index: queue number
 * @tx: the tx ring (guest transmit), our private state
 * @rx: the rx ring (guest receive), our private state
 * @tx_area: the mapped tx ring page
 * @rx_area: the mapped rx ring page
 * @ev_tx: the tx (or only) event channel
 * @ev_rx: the rx event channel when split (else unused, irq 0)
 * @task: the queue's thread
 * @wq: the thread waits here
 * @flags: XPV_NETBACK_Q_* bits
 * @parser: the tx chain being taken in (kept across passes: a chain the
 *	producer index cut short goes on when the rest is published)
 * @parsing: @parser holds a started chain
 * @tx_lim: the tx limits of the parser
 * @rx_lock: protects @rx_queue and @rx_bytes (start_xmit vs the thread)
 * @rx_queue: packets for the guest, waiting for rx requests
 * @rx_bytes: bytes in @rx_queue (bounded by the rx_queue_bytes parameter)
 * @rx_stopped: the stack's tx queue is stopped because @rx_bytes is full
 * @stall: XSA-392 stall tracker of the head packet
 * @stalled: the front end is stalled: packets for it are dropped until it
 *	posts requests again
 * @since_eoi: ring entries consumed since the last late EOI
 * @broken: the front end broke a ring: nothing more is consumed
 * @copy: the grant copy operations of the current batch
 * @nr_copy: operations in @copy
 * @txb: the tx batch: packets parsed, copies not done yet
 * @nr_txb: entries of @txb
 * @rxb: the rx batch: requests consumed, copies not done yet
 * @nr_rxb: entries of @rxb
 * @txm: the map state of each packet in flight (tx_mode=map; NULL: the
 *	queue copies); as many as the tx ring has slots
 * @nr_txm: entries of @txm
 * @txm_free: entries not in use (the thread's)
 * @txm_lock: protects @txm_done
 * @txm_done: entries the stack is done with, to unmap and answer
 * @txm_retiring: entries whose unmap is in the batch (the thread's)
 * @txm_inflight: entries taken and not yet unmapped
 * @pool: unpopulated pages to map fragments into (the thread's)
 * @pool_nr: pages in @pool
 * @map_ops: the grant map operations of the current batch
 * @map_pages: their pages
 * @nr_map: operations in @map_ops
 * @unmap_ops: the grant unmap operations of the current batch
 * @unmap_pages: their pages
 * @nr_unmap: operations in @unmap_ops
 * @st: this queue's counters (in the vif)
 * @name: thread and tx (or only) IRQ name
 * @name_rx: rx IRQ name (split event channels)
 */
struct xpv_netback_queue {
	struct xpv_netback *vif;
	unsigned int index;
	struct xpv_netif_tx_back tx;
	struct xpv_netif_rx_back rx;
	void *tx_area;
	void *rx_area;
	struct xpv_ring_evtchn ev_tx;
	struct xpv_ring_evtchn ev_rx;
	struct task_struct *task;
	wait_queue_head_t wq;
	unsigned long flags;
	struct xpv_netif_tx_parser parser;
	bool parsing;
	struct xpv_netif_tx_limits tx_lim;
	spinlock_t rx_lock;	/* @rx_queue, @rx_bytes, @rx_stopped */
	struct sk_buff_head rx_queue;
	u64 rx_bytes;
	bool rx_stopped;
	struct xpv_netif_rx_stall stall;
	bool stalled;
	unsigned int since_eoi;
	bool broken;
	struct gnttab_copy copy[XPV_NETBACK_COPY_CAP];
	unsigned int nr_copy;
	struct xpv_netback_txb txb[XPV_NETBACK_BATCH];
	unsigned int nr_txb;
	struct xpv_netback_rxb rxb[XPV_NETBACK_BATCH];
	unsigned int nr_rxb;
	struct xpv_netback_txm *txm;
	unsigned int nr_txm;
	struct list_head txm_free;
	spinlock_t txm_lock;	/* @txm_done */
	struct list_head txm_done;
	struct list_head txm_retiring;
	atomic_t txm_inflight;
	struct page **pool;
	unsigned int pool_nr;
	struct gnttab_map_grant_ref map_ops[XPV_NETBACK_MAP_CAP];
	struct page *map_pages[XPV_NETBACK_MAP_CAP];
	unsigned int nr_map;
	struct gnttab_unmap_grant_ref unmap_ops[XPV_NETBACK_MAP_CAP];
	struct page *unmap_pages[XPV_NETBACK_MAP_CAP];
	unsigned int nr_unmap;
	struct xpv_netback_stats *st;
	char name[IFNAMSIZ + 8];
	char name_rx[IFNAMSIZ + 8];
};

/* queue->flags */
#define XPV_NETBACK_Q_KICK	0	/* an event or new work arrived */
#define XPV_NETBACK_Q_EOI_TX	1	/* a tx (or shared) event awaits EOI */
#define XPV_NETBACK_Q_EOI_RX	2	/* an rx event awaits its EOI */

/**
 * struct xpv_netback - one vif: a front end's network device in this domain
 * @dev: its xenbus device
 * @netdev: the vif<domid>.<devid> net device
 * @mutex: serialises the control plane
 * @hotplug_watch: watch on our "hotplug-status" key
 * @watching: @hotplug_watch is registered
 * @hotplug_ok: the hotplug script wrote "connected"
 * @offer: what we advertised
 * @feat: what was agreed with the front end (valid while @nr_queues)
 * @nr_queues: queues in use (0: not connected)
 * @queues: the queues
 * @fatal_work: disconnects from process context after a ring broke
 * @stats: counters per queue, kept across reconnections
 */
struct xpv_netback {
	struct xpv_xenbus_device *dev;
	struct net_device *netdev;
	struct mutex mutex;	/* the control plane */
	struct xpv_xs_watch hotplug_watch;
	bool watching;
	bool hotplug_ok;
	struct xpv_netif_back_offer offer;
	struct xpv_netif_features feat;
	unsigned int nr_queues;
	struct xpv_netback_queue *queues;
	struct work_struct fatal_work;
	struct xpv_netback_stats stats[XPV_NETBACK_MAX_QUEUES];
};

/* Module parameters (back_xenbus.c) the data plane reads. */
extern unsigned int xpv_netback_rx_queue_bytes;
extern unsigned int xpv_netback_rx_stall_ms;
extern bool xpv_netback_tx_map;

/* back.c: data plane */
struct net_device *xpv_netback_netdev_alloc(struct xpv_netback *vif,
					    const char *name,
					    unsigned int max_queues);
void xpv_netback_queue_init(struct xpv_netback_queue *q);
int xpv_netback_queue_start(struct xpv_netback_queue *q);
void xpv_netback_queue_stop(struct xpv_netback_queue *q);
void xpv_netback_queue_free(struct xpv_netback_queue *q);
irqreturn_t xpv_netback_tx_interrupt(int irq, void *dev_id);
irqreturn_t xpv_netback_rx_interrupt(int irq, void *dev_id);

/* back_xenbus.c: control plane */
void xpv_netback_queue_broken(struct xpv_netback_queue *q);

#endif /* _XPV_NETBACK_H */
