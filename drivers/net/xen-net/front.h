/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv network front end: state shared by the data plane (front.c: the
 * netdev, NAPI, the tx and rx rings) and the control plane
 * (front_xenbus.c: the xenbus handshake, ring set-up and teardown).
 */
#ifndef _XPV_NETFRONT_H
#define _XPV_NETFRONT_H

#include <linux/netdevice.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <xpv/xenbus.h>

#include "netif_proto.h"

/* Slots one tx packet may take: the data slots and a GSO extra. */
#define XPV_NETFRONT_TX_MAX_SLOTS	(XPV_NETIF_SLOTS_MAX + 1)
/* Bytes of a received packet copied into the skb's linear area. */
#define XPV_NETFRONT_RX_PULL		128U

/**
 * struct xpv_netfront_tx_buf - the private side of one outstanding tx id
 * @skb: the packet, on the id of its last data slot only (freed when that
 *	slot is answered), NULL elsewhere
 * @page: a bounce page holding this slot's data (ours, freed on
 *	completion), or NULL when a page of the skb itself is granted
 * @gref: this id's grant reference (allocated for the connection)
 */
struct xpv_netfront_tx_buf {
	struct sk_buff *skb;
	struct page *page;
	grant_ref_t gref;
};

/**
 * struct xpv_netfront_rx_buf - the private side of one posted rx id
 * @page: the page the back end copies into, NULL when not posted
 * @gref: this id's grant reference (allocated for the connection)
 */
struct xpv_netfront_rx_buf {
	struct page *page;
	grant_ref_t gref;
};

/**
 * struct xpv_netfront_stats - one queue's counters (ethtool -S, sysfs)
 * @tx_syncp: sync of the tx counters (written under the queue's tx_lock)
 * @tx_packets: packets put on the tx ring
 * @tx_bytes: their bytes
 * @tx_gso: of them, packets sent with a GSO extra (TSO-sized)
 * @tx_gso6: of these, GSO extras of type TCPv6 (TSO6)
 * @tx_csum: of them, packets sent with a blank checksum (offloaded)
 * @tx_csum6: of these, IPv6 packets
 * @tx_bounced: of them, packets copied into bounce pages
 * @tx_dropped: packets dropped before the ring (too many slots, no
 *	memory, malformed, queue down)
 * @tx_errors: tx responses with an error status
 * @rx_syncp: sync of the rx counters (written by NAPI)
 * @rx_packets: packets received
 * @rx_bytes: their bytes
 * @rx_gso: of them, packets received with a GSO extra
 * @rx_gso6: of these, GSO extras of type TCPv6
 * @rx_csum_ok: of them, packets the back end marked validated or blank
 * @rx_dropped: packets dropped: error status, bad chain (non-fatal parser
 *	errors), no memory, checksum set-up failed
 * @rx_kicks: notifications sent to the back end for the rx ring
 * @tx_kicks: notifications sent to the back end for the tx ring
 * @tx_irqs: tx interrupts (the single channel counts here); approximate
 * @rx_irqs: rx interrupts (split channels only); approximate
 */
struct xpv_netfront_stats {
	struct u64_stats_sync tx_syncp;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_gso;
	u64_stats_t tx_gso6;
	u64_stats_t tx_csum;
	u64_stats_t tx_csum6;
	u64_stats_t tx_bounced;
	u64_stats_t tx_dropped;
	u64_stats_t tx_errors;
	u64_stats_t tx_kicks;
	struct u64_stats_sync rx_syncp;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t rx_gso;
	u64_stats_t rx_gso6;
	u64_stats_t rx_csum_ok;
	u64_stats_t rx_dropped;
	u64_stats_t rx_kicks;
	unsigned long tx_irqs;
	unsigned long rx_irqs;
};

struct xpv_netfront_info;

/**
 * enum xpv_netfront_break - why a back end broke a queue (counted per device)
 * @XPV_NETFRONT_BAD_RX: an rx response the parser rejects as fatal (id out
 *	of range, not outstanding or not its slot's, chain too long, ...)
 * @XPV_NETFRONT_BAD_TX: a tx response with a bad id or status
 * @XPV_NETFRONT_BAD_PROD: a response producer index beyond the requests
 * @XPV_NETFRONT_GRANT_BUSY: a grant still mapped after its response
 * @XPV_NETFRONT_NR_BREAKS: the number of reasons
 */
enum xpv_netfront_break {
	XPV_NETFRONT_BAD_RX,
	XPV_NETFRONT_BAD_TX,
	XPV_NETFRONT_BAD_PROD,
	XPV_NETFRONT_GRANT_BUSY,
	XPV_NETFRONT_NR_BREAKS,
};

/**
 * struct xpv_netfront_queue - one tx/rx ring pair
 * @info: the device
 * @index: queue number
 * @napi: rx (and, with one event channel, tx completion) polling
 * @tx_lock: serialises the tx ring, @tx_ids, @tx_buf (taken with IRQs off)
 * @connected: the rings are up
 * @broken: the back end broke the protocol on this queue
 * @tx: the tx ring's private state
 * @tx_ids: outstanding tx ids
 * @tx_buf: per tx id
 * @tx_mem: the tx ring's pages and grant
 * @rx: the rx ring's private state (NAPI context only)
 * @rx_ids: posted rx ids
 * @rx_buf: per rx id
 * @rx_mem: the rx ring's pages and grant
 * @rx_parser: the rx chain being taken in (NAPI context only)
 * @rx_in_chain: a chain is started and not complete
 * @rx_lim: the rx limits of the connection
 * @ev_tx: tx event channel (the only one when not split)
 * @ev_rx: rx event channel (split only; port 0 otherwise)
 * @stats: counters (in &xpv_netfront_info.qstats: they outlive the queue)
 * @name_tx: IRQ name of @ev_tx
 * @name_rx: IRQ name of @ev_rx
 */
struct xpv_netfront_queue {
	struct xpv_netfront_info *info;
	unsigned int index;
	struct napi_struct napi;

	spinlock_t tx_lock;	/* tx ring, ids and buffers */
	bool connected;
	bool broken;
	struct xpv_netif_tx_front tx;
	struct xpv_netif_ids tx_ids;
	struct xpv_netfront_tx_buf tx_buf[XPV_NETIF_MAX_IDS];
	struct xpv_front_ring tx_mem;

	struct xpv_netif_rx_front rx;
	struct xpv_netif_ids rx_ids;
	struct xpv_netfront_rx_buf rx_buf[XPV_NETIF_MAX_IDS];
	struct xpv_front_ring rx_mem;
	struct xpv_netif_rx_parser rx_parser;
	bool rx_in_chain;
	struct xpv_netif_rx_limits rx_lim;

	struct xpv_ring_evtchn ev_tx;
	struct xpv_ring_evtchn ev_rx;
	struct xpv_netfront_stats *stats;
	char name_tx[IFNAMSIZ + 16];
	char name_rx[IFNAMSIZ + 16];
};

/**
 * struct xpv_netfront_info - one virtual network device (netdev private)
 * @netdev: the device
 * @xbdev: its xenbus device
 * @mutex: serialises the control plane (handshake, teardown, removal)
 * @max_queues: the netdev's queue count (module parameter and vCPUs)
 * @nr_queues: queues set up (0 when disconnected)
 * @queues: the queues (@nr_queues of them); created and destroyed under
 *	the RTNL lock with the tx queues stopped
 * @qstats: per-queue counters, @max_queues of them, for the device's
 *	lifetime
 * @offer: what the back end offered at set-up
 * @feat: what was agreed (the front keys we wrote against @offer)
 * @split: split event channels in use
 * @bounce: the back end is not trusted: every tx packet is copied into
 *	pages of ours, zeroed beyond the data, so no page holding anything
 *	else is ever granted; rx pages are zeroed before they are granted
 * @connected: the data path runs (both ends Connected)
 * @broken: a queue broke; the device goes to Closing
 * @fatal_work: reports a broken queue from process context
 * @notify_work: announces the device (gratuitous ARP, unsolicited NA)
 *	once the link is up in the stack after a connection
 * @notify_tries: polls of @notify_work left for this connection
 * @peer_notifies: announcements made (written under the RTNL lock)
 * @breaks: queues broken by the back end, per enum xpv_netfront_break
 * @bad_keys: connections refused for a malformed key of the back end
 * @grants_deferred: pages whose grant the back end still mapped at
 *	teardown: left to the deferred revocation (freed only once it lets
 *	go), never handed back while mapped
 */
struct xpv_netfront_info {
	struct net_device *netdev;
	struct xpv_xenbus_device *xbdev;
	struct mutex mutex;	/* the control plane */
	unsigned int max_queues;
	unsigned int nr_queues;
	struct xpv_netfront_queue *queues;
	struct xpv_netfront_stats *qstats;
	struct xpv_netif_back_offer offer;
	struct xpv_netif_features feat;
	bool split;
	bool bounce;
	bool connected;
	bool broken;
	struct work_struct fatal_work;
	struct delayed_work notify_work;
	unsigned int notify_tries;
	unsigned long peer_notifies;
	atomic_long_t breaks[XPV_NETFRONT_NR_BREAKS];
	unsigned long bad_keys;
	atomic_long_t grants_deferred;
};

/* front.c: data plane */
extern const struct net_device_ops xpv_netfront_netdev_ops;
extern const struct ethtool_ops xpv_netfront_ethtool_ops;
irqreturn_t xpv_netfront_interrupt(int irq, void *dev_id);
irqreturn_t xpv_netfront_tx_interrupt(int irq, void *dev_id);
irqreturn_t xpv_netfront_rx_interrupt(int irq, void *dev_id);
int xpv_netfront_napi_poll(struct napi_struct *napi, int budget);
int xpv_netfront_rx_fill(struct xpv_netfront_queue *q, gfp_t gfp);
void xpv_netfront_queue_broken(struct xpv_netfront_queue *q,
			       enum xpv_netfront_break reason, const char *why,
			       int err);
void xpv_netfront_release_tx(struct xpv_netfront_queue *q);
void xpv_netfront_release_rx(struct xpv_netfront_queue *q);
void xpv_netfront_queue_stats(struct xpv_netfront_stats *s, u64 *vals);
int xpv_netfront_stats_show(struct xpv_netfront_info *info, char *buf,
			    size_t size);

/* Names of the per-queue counters, in the order of xpv_netfront_queue_stats(). */
#define XPV_NETFRONT_NR_QSTATS	19
extern const char *const xpv_netfront_qstat_names[XPV_NETFRONT_NR_QSTATS];

#endif /* _XPV_NETFRONT_H */
