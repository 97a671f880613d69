/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv block front end: state shared by the data plane (front.c: blk-mq,
 * the rings' request and response paths) and the control plane
 * (front_xenbus.c: the xenbus handshake, ring set-up and teardown).
 */
#ifndef _XPV_BLKFRONT_H
#define _XPV_BLKFRONT_H

#include <linux/blk-mq.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xpv/xenbus.h>

#include "blkif_proto.h"

/* Disks get 16 minors each, as Linux's xvd naming does. */
#define XPV_BLKFRONT_PART_SHIFT	4
/* Most segments per request we use with indirect requests (one page). */
#define XPV_BLKFRONT_MAX_SEGS	256

/**
 * struct xpv_blkfront_seg - one segment of an outstanding request
 * @page: the block request's data page
 * @ref: the grant of @page (direct mode), or the index of the
 *	persistent grant the data was bounced through (persistent mode)
 * @offset: byte offset of the data in @page (and in the persistent page)
 * @len: bytes
 */
struct xpv_blkfront_seg {
	struct page *page;
	u32 ref;
	u16 offset;
	u16 len;
};

/**
 * struct xpv_blkfront_shadow - the private side of one outstanding id
 * @rq: the block request it carries, NULL when the id is free
 * @nr_segs: segments in @seg
 * @persistent: @seg holds persistent grant indices (data bounced)
 * @fua: a write with FUA: a flush follows it before @rq completes
 * @kept: @rq is held back at teardown: the back end still maps the
 *	pages left in @seg (counted once, in the device's kept_total)
 * @indirect_granted: @indirect_gref is a per-request grant to revoke
 * @indirect_gref: grant of @indirect (per request, or persistent)
 * @indirect: this id's indirect page (NULL when indirect is not used)
 * @seg: the segments
 */
struct xpv_blkfront_shadow {
	struct request *rq;
	unsigned int nr_segs;
	bool persistent;
	bool fua;
	bool kept;
	bool indirect_granted;
	grant_ref_t indirect_gref;
	struct page *indirect;
	struct xpv_blkfront_seg seg[XPV_BLKFRONT_MAX_SEGS];
};

/**
 * struct xpv_blkfront_pgnt - one persistent grant
 * @page: a zeroed page granted read-write to the back end for the whole
 *	connection; data is copied through it
 * @gref: its grant
 */
struct xpv_blkfront_pgnt {
	struct page *page;
	grant_ref_t gref;
};

struct xpv_blkfront_info;

/**
 * struct xpv_blkfront_ring - one ring (one blk-mq hardware queue)
 * @info: the device
 * @index: queue number
 * @lock: serialises the ring, the shadow table, the persistent grants
 *	and the flags
 * @connected: the ring is up (responses are taken off it)
 * @closing: the back end is closing: no new requests, the ones in flight
 *	drain
 * @broken: the back end broke the protocol on this ring
 * @held: a suspend keeps the responses on the ring (suspend_replay_all):
 *	they are taken after a cancelled suspend, or the requests replayed
 * @fr: the front end's ring state (x86_64 layout)
 * @mem: the shared ring's pages and grants (mem.order is the
 *	ring-page-order)
 * @ev: the event channel and its IRQ (late EOI)
 * @tab: free list of ids
 * @ids: the ids' entries for @tab
 * @shadow: per-id private state
 * @pgnt: persistent grants (NULL in direct mode)
 * @pgnt_free: stack of free indices into @pgnt (LIFO: the back end keeps
 *	the most recently used ones mapped)
 * @nr_pgnt: entries in @pgnt
 * @nr_pgnt_free: entries on @pgnt_free
 * @done: requests completed by one interrupt, ended after unlocking
 * @sg: scratch scatterlist for mapping one request (under @lock)
 * @refs: scratch grant references for one request (under @lock)
 * @nr_timeouts: requests of this ring that hit the blk-mq timeout
 * @nr_kicks: notifications sent to the back end by the timeout hook
 * @last_report: jiffies of the last stall report (0: none yet)
 * @name: IRQ name
 */
struct xpv_blkfront_ring {
	struct xpv_blkfront_info *info;
	unsigned int index;
	spinlock_t lock;	/* ring, shadow table, grants, flags */
	bool connected;
	bool closing;
	bool broken;
	bool held;
	struct xpv_blkif_front_ring fr;
	struct xpv_front_ring mem;
	struct xpv_ring_evtchn ev;
	struct xpv_blkif_shadow_tab tab;
	struct xpv_blkif_shadow *ids;
	struct xpv_blkfront_shadow *shadow;
	struct xpv_blkfront_pgnt *pgnt;
	u32 *pgnt_free;
	unsigned int nr_pgnt;
	unsigned int nr_pgnt_free;
	struct request **done;
	struct scatterlist sg[XPV_BLKFRONT_MAX_SEGS];
	grant_ref_t refs[XPV_BLKFRONT_MAX_SEGS];
	unsigned long nr_timeouts;
	unsigned long nr_kicks;
	unsigned long last_report;
	char name[32];
};

/**
 * struct xpv_blkfront_info - one virtual block device
 * @xbdev: its xenbus device
 * @mutex: serialises the control plane (handshake, teardown, removal)
 * @vdevice: "virtual-device"
 * @handle: the handle carried in requests
 * @index: disk index (xvda = 0)
 * @nr_rings: queues negotiated
 * @rings: the rings
 * @tag_set: its blk-mq tag set
 * @disk: the gendisk, or NULL
 * @sectors: size in 512-byte sectors
 * @sector_size: logical block size
 * @physical_sector_size: physical block size
 * @vdisk_info: "info" bits (VDISK_*)
 * @abi: the request layout spoken on every ring of this connection
 * @flush_op: XPV_BLKIF_OP_FLUSH_DISKCACHE, _WRITE_BARRIER, or 0 (none)
 * @offer_persistent: we wrote feature-persistent=1 for this connection
 * @persistent: persistent grants negotiated (both ends offer them)
 * @bounce: data is copied through the rings' pools of grants (persistent
 *	grants, or an untrusted back end); the request's pages are never
 *	granted
 * @discard: discard offered
 * @secure_discard: secure discard offered
 * @discard_granularity: bytes
 * @discard_alignment: bytes
 * @max_segs: segments per request: 11, or the indirect maximum
 * @fatal_work: reports a broken ring from process context
 * @closing: the back end is closing and the rings drain
 * @close_work: finishes the close once the rings are idle, or at
 *	@close_deadline
 * @close_deadline: jiffies after which what is still in flight fails
 * @resuming: restored in a new domain: the disk and its queue (stopped)
 *	stay, the rings are built again and the queue restarts on Connected
 * @replayed: requests requeued by the last resume
 * @parked: the last teardown left requests whose pages the back end
 *	still maps: the rings and the disk stay until @park_work sees every
 *	grant revoked (the device holds a reference to @xbdev meanwhile)
 * @removed: the device was removed while parked: @park_work frees @info
 * @park_work: retries the revocations once a second, then fails the
 *	requests and finishes the teardown
 * @kept_total: data pages ever held back because the back end still
 *	mapped them when their request was to be failed
 * @kept_pool: pool and indirect pages whose revocation was deferred
 *	(to the grant layer) at a teardown because the back end mapped them
 */
struct xpv_blkfront_info {
	struct xpv_xenbus_device *xbdev;
	struct mutex mutex;	/* the control plane */
	u32 vdevice;
	u16 handle;
	int index;
	unsigned int nr_rings;
	struct xpv_blkfront_ring *rings;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	u64 sectors;
	u32 sector_size;
	u32 physical_sector_size;
	u32 vdisk_info;
	enum xpv_blkif_abi abi;
	u8 flush_op;
	bool offer_persistent;
	bool persistent;
	bool bounce;
	bool discard;
	bool secure_discard;
	u32 discard_granularity;
	u32 discard_alignment;
	unsigned int max_segs;
	struct work_struct fatal_work;
	bool closing;
	struct delayed_work close_work;
	unsigned long close_deadline;
	bool resuming;
	unsigned int replayed;
	bool parked;
	bool removed;
	struct delayed_work park_work;
	atomic_long_t kept_total;
	atomic_long_t kept_pool;
};

/* front.c: data plane */
irqreturn_t xpv_blkfront_interrupt(int irq, void *dev_id);
int xpv_blkfront_add_disk(struct xpv_blkfront_info *info);
void xpv_blkfront_del_disk(struct xpv_blkfront_info *info);
unsigned int xpv_blkfront_fail_inflight(struct xpv_blkfront_ring *ring);
void xpv_blkfront_kept(struct xpv_blkfront_ring *ring, unsigned int *reqs,
		       unsigned int *pages);
unsigned int xpv_blkfront_requeue_inflight(struct xpv_blkfront_ring *ring);
bool xpv_blkfront_ring_idle(struct xpv_blkfront_ring *ring);
int xpv_blkfront_disk_name(int index, char *buf, size_t size);
int xpv_blkfront_ring_state(struct xpv_blkfront_ring *ring, char *buf,
			    size_t size);

/* front_xenbus.c: control plane */
extern int xpv_blkfront_major;
extern unsigned int xpv_blkfront_request_timeout;

#endif /* _XPV_BLKFRONT_H */
