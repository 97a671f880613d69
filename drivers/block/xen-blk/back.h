/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv block back end: state shared by the data plane (back.c: one kernel
 * thread per ring consuming requests, mapping grants, submitting bios and
 * answering) and the control plane (back_xenbus.c: the xenbus handshake,
 * the backing device, ring set-up and teardown, sysfs statistics).
 */
#ifndef _XPV_BLKBACK_H
#define _XPV_BLKBACK_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xpv/xenbus.h>

#include "blkif_proto.h"
#include "back_proto.h"

/* Most rings (queues) one device may negotiate. */
#define XPV_BLKBACK_MAX_QUEUES		16
/* Largest indirect segment count we ever offer (8 pages of descriptors). */
#define XPV_BLKBACK_MAX_SEGS_LIMIT	XPV_BLKIF_MAX_INDIRECT_SEGS

/**
 * enum xpv_blkback_stat - the counters kept per ring (sysfs statistics/)
 * @XPV_BLKBACK_REQ: requests taken off the ring (ring_req)
 * @XPV_BLKBACK_RD_REQ: reads
 * @XPV_BLKBACK_WR_REQ: writes
 * @XPV_BLKBACK_F_REQ: flushes (FLUSH_DISKCACHE, with or without data)
 * @XPV_BLKBACK_B_REQ: barriers (WRITE_BARRIER, with or without data)
 * @XPV_BLKBACK_DS_REQ: discards (and secure erases)
 * @XPV_BLKBACK_INDIRECT_REQ: requests with indirect segments
 * @XPV_BLKBACK_RD_SECT: 512-byte sectors read
 * @XPV_BLKBACK_WR_SECT: 512-byte sectors written
 * @XPV_BLKBACK_INVAL_REQ: requests refused by validation (malformed, out of
 *	range, write to a read-only device)
 * @XPV_BLKBACK_UNSUPP_REQ: requests answered EOPNOTSUPP
 * @XPV_BLKBACK_MAP_ERR: requests failed because a grant could not be mapped
 * @XPV_BLKBACK_IO_ERR: requests the backing device failed
 * @XPV_BLKBACK_PGNT_HITS: segments served by an already mapped persistent
 *	grant
 * @XPV_BLKBACK_PGNT_MAPS: grants mapped and kept as persistent
 * @XPV_BLKBACK_PGNT_EVICTED: persistent grants unmapped to make room (LRU)
 * @XPV_BLKBACK_NR_STATS: number of counters
 */
enum xpv_blkback_stat {
	XPV_BLKBACK_REQ,
	XPV_BLKBACK_RD_REQ,
	XPV_BLKBACK_WR_REQ,
	XPV_BLKBACK_F_REQ,
	XPV_BLKBACK_B_REQ,
	XPV_BLKBACK_DS_REQ,
	XPV_BLKBACK_INDIRECT_REQ,
	XPV_BLKBACK_RD_SECT,
	XPV_BLKBACK_WR_SECT,
	XPV_BLKBACK_INVAL_REQ,
	XPV_BLKBACK_UNSUPP_REQ,
	XPV_BLKBACK_MAP_ERR,
	XPV_BLKBACK_IO_ERR,
	XPV_BLKBACK_PGNT_HITS,
	XPV_BLKBACK_PGNT_MAPS,
	XPV_BLKBACK_PGNT_EVICTED,
	XPV_BLKBACK_NR_STATS
};

/**
 * struct xpv_blkback_stats - the counters of one ring, kept by the device
 * @c: indexed by enum xpv_blkback_stat
 *
 * Written by the ring's thread only; read without locks by sysfs.
 */
struct xpv_blkback_stats {
	u64 c[XPV_BLKBACK_NR_STATS];
};

/**
 * struct xpv_blkback_seg - one segment of a request, as mapped
 * @page: the page the grant is mapped into
 * @handle: the grant handle (private mappings)
 * @pgnt: persistent-cache entry, or XPV_BLKBACK_PGNT_NONE (private mapping)
 * @gref: the front end's reference
 * @first_sect: first 512-byte sector used in the page
 * @last_sect: last one
 * @mapped: a private mapping is in place (to be unmapped)
 */
struct xpv_blkback_seg {
	struct page *page;
	grant_handle_t handle;
	u32 pgnt;
	u32 gref;
	u8 first_sect;
	u8 last_sect;
	bool mapped;
};

struct xpv_blkback_ring;

/**
 * struct xpv_blkback_req - a request between consumption and response
 * @ring: its ring
 * @list: on the ring's free or done list
 * @id: the front end's id
 * @rsp_op: the operation to echo
 * @op: the effective operation (XPV_BLKIF_OP_*)
 * @nr_sectors: sectors transferred (statistics)
 * @bios: outstanding bios, plus one while they are being submitted
 * @status: the response status when done
 * @nr_segs: entries of @segs in use
 * @segs: the data segments (ring->max_segs entries)
 * @hold: holds the response back after the I/O (test knob
 *	hold_responses_ms in back.c)
 */
struct xpv_blkback_req {
	struct xpv_blkback_ring *ring;
	struct list_head list;
	u64 id;
	u8 rsp_op;
	u8 op;
	u64 nr_sectors;
	atomic_t bios;
	int status;
	unsigned int nr_segs;
	struct xpv_blkback_seg *segs;
	struct timer_list hold;
};

struct xpv_blkback;

/**
 * struct xpv_blkback_ring - one ring (queue) and its thread
 * @be: the device
 * @index: queue number
 * @br: the back end's ring state (copies, validated indices)
 * @area: the mapped shared ring
 * @ev: our port bound to the front end's, and its IRQ (late EOI)
 * @task: the ring's thread
 * @wq: the thread waits here
 * @flags: XPV_BLKBACK_RING_* bits
 * @done_lock: protects @done
 * @done: requests whose I/O finished, to answer
 * @free: unused request structs (thread only)
 * @reqs: every request struct (as many as ring slots)
 * @segs: the segment arrays of @reqs
 * @nr_reqs: ring slots
 * @inflight: requests consumed and not yet answered
 * @since_eoi: requests consumed since the last EOI
 * @broken: the front end broke the ring; nothing more is consumed
 * @stopping: the ring is being stopped: no response is held any more
 * @max_segs: segments a request may carry (11 or the indirect maximum)
 * @pool: unpopulated pages to map grants into
 * @pool_nr: pages in @pool
 * @pool_cap: most pages @pool keeps
 * @pc: persistent-grant cache (capacity 0 when not negotiated)
 * @pc_ent: its entries
 * @pc_bucket: its hash heads
 * @pc_out: scratch for evicted entries
 * @wire: scratch: the segments of the request being dispatched
 * @map_ops: scratch: grant map operations
 * @map_pages: scratch: their pages
 * @map_idx: scratch: which segment each operation maps
 * @unmap_ops: scratch: grant unmap operations
 * @unmap_pages: scratch: their pages
 * @st: this ring's counters (in the device, they outlive the ring)
 * @name: IRQ and thread name
 */
struct xpv_blkback_ring {
	struct xpv_blkback *be;
	unsigned int index;
	struct xpv_blkif_back_ring br;
	void *area;
	struct xpv_ring_evtchn ev;
	struct task_struct *task;
	wait_queue_head_t wq;
	unsigned long flags;
	spinlock_t done_lock;	/* @done, from bio completion */
	struct list_head done;
	struct list_head free;
	struct xpv_blkback_req *reqs;
	struct xpv_blkback_seg *segs;
	unsigned int nr_reqs;
	atomic_t inflight;
	unsigned int since_eoi;
	bool broken;
	bool stopping;
	unsigned int max_segs;
	struct page **pool;
	unsigned int pool_nr;
	unsigned int pool_cap;
	struct xpv_blkback_pgnt_cache pc;
	struct xpv_blkback_pgnt *pc_ent;
	u32 *pc_bucket;
	struct xpv_blkback_pgnt *pc_out;
	struct xpv_blkif_seg *wire;
	struct gnttab_map_grant_ref *map_ops;
	struct page **map_pages;
	unsigned int *map_idx;
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct page **unmap_pages;
	struct xpv_blkback_stats *st;
	char name[32];
};

/* ring->flags */
#define XPV_BLKBACK_RING_KICK	0	/* an event or new work arrived */
#define XPV_BLKBACK_RING_EOI	1	/* an event awaits its late EOI */

/**
 * struct xpv_blkback - one virtual block device we serve
 * @dev: its xenbus device
 * @mutex: serialises the control plane
 * @phys_watch: watch on our "physical-device" key
 * @watching: @phys_watch is registered
 * @major: backing device major (0 until "physical-device" is read)
 * @minor: backing device minor
 * @bdev: the backing device, once opened
 * @bmode: the mode it was opened with
 * @readonly: "mode" has no 'w' (or the device is read-only)
 * @cdrom: the front end's "device-type" is "cdrom"
 * @lim: what requests are checked against
 * @discard: discard offered
 * @fe_ready: the front end is Initialised or Connected
 * @abi: the front end's request layout
 * @persistent: persistent grants negotiated
 * @ring_order: ring-page-order in use
 * @nr_rings: rings in use (0: not connected)
 * @rings: the rings
 * @fatal_work: reports a broken ring from process context
 * @size_work: looks at the backing device's size once a second while
 *	connected, and tells the front end when it changed
 * @sysfs: the statistics group is registered
 * @stats: counters per queue; kept across reconnections
 */
struct xpv_blkback {
	struct xpv_xenbus_device *dev;
	struct mutex mutex;	/* the control plane */
	struct xpv_xs_watch phys_watch;
	bool watching;
	u32 major;
	u32 minor;
	struct block_device *bdev;
	fmode_t bmode;
	bool readonly;
	bool cdrom;
	struct xpv_blkif_limits lim;
	bool discard;
	bool fe_ready;
	enum xpv_blkif_abi abi;
	bool persistent;
	unsigned int ring_order;
	unsigned int nr_rings;
	struct xpv_blkback_ring *rings;
	struct work_struct fatal_work;
	struct delayed_work size_work;
	bool sysfs;
	struct xpv_blkback_stats stats[XPV_BLKBACK_MAX_QUEUES];
};

/* back.c: data plane */
int xpv_blkback_ring_init(struct xpv_blkback_ring *ring,
			  unsigned int pgnt_cap, unsigned int pool_cap);
int xpv_blkback_ring_start(struct xpv_blkback_ring *ring);
void xpv_blkback_ring_stop(struct xpv_blkback_ring *ring);
void xpv_blkback_ring_free(struct xpv_blkback_ring *ring);
irqreturn_t xpv_blkback_interrupt(int irq, void *dev_id);

/* back_xenbus.c: control plane */
void xpv_blkback_ring_broken(struct xpv_blkback_ring *ring);

#endif /* _XPV_BLKBACK_H */
