// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block front end, control plane: the xenbus handshake with a blkif
 * back end (Xen public io/blkif.h; the keys are listed in docs/blkif.md).
 *
 *   back end InitWait   -> read max-ring-page-order and
 *                          multi-queue-max-queues, allocate, zero and grant
 *                          the rings, allocate the event channels, publish
 *                          ring-ref(s), event-channel, protocol (and
 *                          ring-page-order, multi-queue-num-queues), switch
 *                          to Initialised
 *   back end Connected  -> read sectors, info, sector-size and the
 *                          features, set up the persistent grants, create
 *                          the disk, switch to Connected
 *   back end Closing (we are Connected, the rings are sound)
 *                       -> refuse new requests, let the ones in flight
 *                          drain for up to XPV_BLKFRONT_DRAIN_MS, then as
 *                          below
 *   back end Closed or gone, or a broken ring
 *                       -> fail what is in flight, remove the disk, revoke
 *                          and free the rings, switch to Closed
 *
 * The decisions come from xpv_xenbus_front_action(), so repeated, skipped
 * and stale back end states are handled in one place.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>

#include "front.h"

static unsigned int max_ring_order = 2;
module_param(max_ring_order, uint, 0444);
MODULE_PARM_DESC(max_ring_order,
		 "Largest ring-page-order to use (0..4, default 2)");

static unsigned int max_queues = 4;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most queues (rings) per disk, also bounded by the vCPUs (default 4)");

static bool feature_persistent = true;
module_param(feature_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants (feature-persistent); used when the back end offers them too. Read at each connection (default Y)");

static unsigned int max_persistent_grants = 1024;
module_param(max_persistent_grants, uint, 0644);
MODULE_PARM_DESC(max_persistent_grants,
		 "Data pages granted persistently per ring (4 KiB each; bounds the segments per request too). Read at each connection (default 1024)");

static bool trusted = true;
module_param(trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust the back end with the guest's I/O pages; N copies all data through the rings' pools of grants (as with persistent grants), so no other page is ever granted. Read at each connection (default Y)");

static bool abi_x86_32;
module_param(abi_x86_32, bool, 0644);
MODULE_PARM_DESC(abi_x86_32,
		 "Speak the x86_32-abi request layout, as 32-bit guests do (protocol key), to test back ends. Read at each connection (default N)");

unsigned int xpv_blkfront_request_timeout = 30;
module_param_named(request_timeout, xpv_blkfront_request_timeout, uint, 0444);
MODULE_PARM_DESC(request_timeout,
		 "Seconds a request may be outstanding before its ring's state is logged and the back end kicked; the request is never failed for it (1..3600, default 30)");

/* How long in-flight requests may drain when the back end closes. */
#define XPV_BLKFRONT_DRAIN_MS	5000
static bool suspend_replay_all;
module_param(suspend_replay_all, bool, 0644);
MODULE_PARM_DESC(suspend_replay_all,
		 "Test: take no response once a suspend has stopped the queue, so that every request then on a ring is replayed after a restore (default N)");

static unsigned int suspend_drain_ms = 2000;
module_param(suspend_drain_ms, uint, 0644);
MODULE_PARM_DESC(suspend_drain_ms,
		 "Milliseconds a suspend lets the requests in flight be answered before the domain is suspended; those still out are replayed after a restore (default 2000, 0: none)");

int xpv_blkfront_major;
static DEFINE_IDA(blkfront_index_ida);

/* ------------------------------------------------------------------ */
/* Rings.                                                              */
/* ------------------------------------------------------------------ */

/*
 * Stop a ring: no new requests, no more interrupts, every request still on
 * it failed, except those with a page the back end still maps (held back
 * until it lets go, see xpv_blkfront_fail_inflight()).
 *
 * Return: the requests held back.
 */
static unsigned int blkfront_stop_ring(struct xpv_blkfront_info *info,
				       struct xpv_blkfront_ring *ring)
{
	spin_lock_irq(&ring->lock);
	ring->connected = false;
	spin_unlock_irq(&ring->lock);

	xpv_ring_evtchn_close(info->xbdev, &ring->ev, ring);
	return xpv_blkfront_fail_inflight(ring);
}

/*
 * A page of ours (pool, indirect) whose grant the back end still maps at a
 * teardown: the grant layer keeps it and retries; counted in kept_pool.
 */
static void blkfront_defer(struct xpv_blkfront_info *info, grant_ref_t ref,
			   struct page *page)
{
	atomic_long_inc(&info->kept_pool);
	xpv_gnttab_end_access_and_free(ref, page);
}

/*
 * An id's indirect page; a persistent grant of it (or a per-request one
 * the back end never let go) is revoked first, deferred while mapped.
 */
static void blkfront_free_indirect(struct xpv_blkfront_info *info,
				   struct xpv_blkfront_shadow *s)
{
	if (!s->indirect)
		return;
	if (s->indirect_gref &&
	    !xpv_gnttab_try_end_access_and_free(s->indirect_gref))
		blkfront_defer(info, s->indirect_gref, s->indirect);
	else
		__free_page(s->indirect);
	s->indirect = NULL;
	s->indirect_gref = 0;
	s->indirect_granted = false;
}

/* Revoke the persistent grants of a stopped ring and free their pages. */
static void blkfront_free_pgnts(struct xpv_blkfront_ring *ring)
{
	unsigned int i;

	for (i = 0; ring->pgnt && i < ring->nr_pgnt; i++) {
		struct xpv_blkfront_pgnt *p = &ring->pgnt[i];

		/* A page the back end still maps is freed once it lets go. */
		if (p->gref && xpv_gnttab_try_end_access_and_free(p->gref))
			__free_page(p->page);
		else if (p->gref)
			blkfront_defer(ring->info, p->gref, p->page);
		else if (p->page)
			__free_page(p->page);
	}
	kvfree(ring->pgnt);
	kvfree(ring->pgnt_free);
	ring->pgnt = NULL;
	ring->pgnt_free = NULL;
	ring->nr_pgnt = 0;
	ring->nr_pgnt_free = 0;
}

/* Free a stopped ring's memory. */
static void blkfront_free_ring(struct xpv_blkfront_ring *ring)
{
	unsigned int i;

	/* A ring page the back end still maps is freed once it lets go. */
	xpv_front_ring_free(&ring->mem);
	blkfront_free_pgnts(ring);
	if (ring->shadow) {
		for (i = 0; i < ring->tab.nr; i++)
			blkfront_free_indirect(ring->info, &ring->shadow[i]);
	}
	kvfree(ring->shadow);
	kfree(ring->ids);
	kfree(ring->done);
	ring->shadow = NULL;
	ring->ids = NULL;
	ring->done = NULL;
}

/* Return: the requests held back (their pages still mapped). */
static unsigned int blkfront_stop_rings(struct xpv_blkfront_info *info)
{
	unsigned int i, held = 0;

	for (i = 0; i < info->nr_rings; i++)
		held += blkfront_stop_ring(info, &info->rings[i]);
	return held;
}

static void blkfront_free_rings(struct xpv_blkfront_info *info)
{
	unsigned int i;

	if (!info->rings)
		return;
	for (i = 0; i < info->nr_rings; i++)
		blkfront_free_ring(&info->rings[i]);
	kfree(info->rings);
	info->rings = NULL;
	info->nr_rings = 0;
}

static int blkfront_alloc_ring(struct xpv_blkfront_info *info,
			       struct xpv_blkfront_ring *ring,
			       unsigned int order)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	u32 nr;
	int err;

	err = xpv_front_ring_alloc(dev, &ring->mem, order);
	if (err)
		return err;
	err = xpv_blkif_front_init(&ring->fr, info->abi, ring->mem.sring,
				   PAGE_SIZE << order);
	if (err)
		return err;

	nr = ring->fr.r.nr_ents;
	ring->ids = kcalloc(nr, sizeof(*ring->ids), GFP_KERNEL);
	ring->shadow = kvcalloc(nr, sizeof(*ring->shadow), GFP_KERNEL);
	ring->done = kcalloc(nr, sizeof(*ring->done), GFP_KERNEL);
	if (!ring->ids || !ring->shadow || !ring->done)
		return -ENOMEM;
	err = xpv_blkif_shadow_init(&ring->tab, ring->ids, nr);
	if (err)
		return err;

	snprintf(ring->name, sizeof(ring->name), "xpvblk%d-q%u", info->index,
		 ring->index);
	return xpv_front_evtchn_bind(dev, &ring->ev, xpv_blkfront_interrupt,
				     ring->name, ring);
}

/* Publish one ring's keys under @dir (the device node or queue-N/). */
static int blkfront_write_ring(struct xpv_xbt t, struct xpv_blkfront_info *info,
			       struct xpv_blkfront_ring *ring)
{
	char qdir[24];
	int err;

	err = xpv_xenbus_queue_dir(qdir, sizeof(qdir), info->nr_rings,
				   ring->index);
	if (err)
		return err;
	/* ring-page-order is written when above 0: then the keys are numbered */
	err = xpv_front_ring_publish(t, info->xbdev, qdir, "ring-ref",
				     &ring->mem, ring->mem.order > 0);
	if (err)
		return err;
	return xpv_front_evtchn_publish(t, info->xbdev, qdir, "event-channel",
					&ring->ev);
}

/* The device's keys, in the transaction of xpv_xenbus_publish(). */
static int blkfront_write_keys(struct xpv_xbt t, void *data, const char **what)
{
	struct xpv_blkfront_info *info = data;
	struct xpv_xenbus_device *dev = info->xbdev;
	unsigned int order = info->rings[0].mem.order, i;
	int err;

	*what = "ring-page-order";
	if (order) {
		err = xpv_xs_printf(t, dev->nodename, *what, "%u", order);
		if (err)
			return err;
	}
	*what = "multi-queue-num-queues";
	if (info->nr_rings > 1) {
		err = xpv_xs_printf(t, dev->nodename, *what, "%u",
				    info->nr_rings);
		if (err)
			return err;
	}
	*what = "ring-ref / event-channel";
	for (i = 0; i < info->nr_rings; i++) {
		err = blkfront_write_ring(t, info, &info->rings[i]);
		if (err)
			return err;
	}
	*what = "protocol";
	err = xpv_xs_write(t, dev->nodename, *what,
			   xpv_blkif_protocol_name(info->abi));
	if (err)
		return err;
	/* Remembered: the connection must keep the promise made here. */
	info->offer_persistent = READ_ONCE(feature_persistent);
	*what = "feature-persistent";
	return xpv_xs_printf(t, dev->nodename, *what, "%u",
			     info->offer_persistent);
}

static int blkfront_publish(struct xpv_blkfront_info *info)
{
	return xpv_xenbus_publish(info->xbdev, blkfront_write_keys, info);
}

/* Back end InitWait: build the rings and tell the back end about them. */
static int blkfront_setup(struct xpv_blkfront_info *info)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	unsigned int order, want_q, i;
	u64 back_order, back_queues;
	int err;

	/*
	 * Entered again (our switch to Initialised failed, and the back end
	 * announced InitWait again): what the last attempt built goes first.
	 */
	if (info->parked) {
		dev_err(&dev->dev,
			"the back end still maps pages of the last connection: not connecting\n");
		return -EBUSY;
	}
	if (info->rings && !info->disk) {
		blkfront_stop_rings(info);
		blkfront_free_rings(info);
	} else if (info->resuming) {
		for (i = 0; i < info->nr_rings; i++) {
			if (!info->rings[i].shadow)
				continue;
			blkfront_stop_ring(info, &info->rings[i]);
			blkfront_free_ring(&info->rings[i]);
		}
	}

	/* A malformed value (logged) counts as absent: 0. */
	xpv_xenbus_read_opt(dev, dev->otherend, "", "max-ring-page-order",
			    U32_MAX, 0, &back_order);
	xpv_xenbus_read_opt(dev, dev->otherend, "", "multi-queue-max-queues",
			    U32_MAX, 0, &back_queues);
	order = xpv_blkif_front_ring_order(max_ring_order, back_order);
	info->abi = READ_ONCE(abi_x86_32) ? XPV_BLKIF_ABI_X86_32 :
		    XPV_BLKIF_ABI_NATIVE;
	if (info->resuming) {
		/*
		 * The queue's hardware contexts point at these rings: keep
		 * their number (the back end must still take that many).
		 */
		if (info->nr_rings > 1 && back_queues < info->nr_rings) {
			xpv_xenbus_dev_fatal(dev, -EINVAL,
					     "back end offers %llu queues after resume, %u in use",
					     back_queues, info->nr_rings);
			return -EINVAL;
		}
		goto alloc_rings;
	}
	want_q = min(num_online_cpus(), max_queues);
	info->nr_rings = xpv_blkif_front_queues(want_q, back_queues);

	info->rings = kcalloc(info->nr_rings, sizeof(*info->rings),
			      GFP_KERNEL);
	if (!info->rings) {
		info->nr_rings = 0;
		return -ENOMEM;
	}
	for (i = 0; i < info->nr_rings; i++) {
		info->rings[i].info = info;
		info->rings[i].index = i;
		spin_lock_init(&info->rings[i].lock);
	}
alloc_rings:
	for (i = 0; i < info->nr_rings; i++) {
		err = blkfront_alloc_ring(info, &info->rings[i], order);
		if (err) {
			xpv_xenbus_dev_fatal(dev, err, "setting up queue %u",
					     i);
			goto out_free_rings;
		}
	}
	err = blkfront_publish(info);
	if (err)
		goto out_free_rings;
	return xpv_xenbus_switch_state(dev, XenbusStateInitialised);

out_free_rings:
	blkfront_stop_rings(info);
	if (info->resuming) {
		/* The disk's queue keeps the array: free only the rings. */
		for (i = 0; i < info->nr_rings; i++)
			blkfront_free_ring(&info->rings[i]);
		return err;
	}
	blkfront_free_rings(info);
	return err;
}

/* One indirect page per id of every ring; all or none. */
static int blkfront_alloc_indirect(struct xpv_blkfront_info *info)
{
	unsigned int r, id;

	for (r = 0; r < info->nr_rings; r++) {
		struct xpv_blkfront_ring *ring = &info->rings[r];

		for (id = 0; id < ring->tab.nr; id++) {
			if (ring->shadow[id].indirect)
				continue;
			ring->shadow[id].indirect =
				alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!ring->shadow[id].indirect)
				goto out_free_pages;
		}
	}
	return 0;

out_free_pages:
	for (r = 0; r < info->nr_rings; r++) {
		struct xpv_blkfront_ring *ring = &info->rings[r];

		for (id = 0; id < ring->tab.nr; id++) {
			if (ring->shadow[id].indirect)
				__free_page(ring->shadow[id].indirect);
			ring->shadow[id].indirect = NULL;
		}
	}
	return -ENOMEM;
}

/*
 * The persistent grants of one ring: @nr zeroed pages granted read-write
 * (the back end maps persistent grants read-write whatever the operation).
 * On failure nothing is left allocated.
 */
static int blkfront_alloc_pgnts(struct xpv_blkfront_info *info,
				struct xpv_blkfront_ring *ring, unsigned int nr)
{
	domid_t domid = info->xbdev->otherend_id;
	grant_ref_t *refs;
	unsigned int i;
	int err = -ENOMEM;

	ring->pgnt = kvcalloc(nr, sizeof(*ring->pgnt), GFP_KERNEL);
	ring->pgnt_free = kvcalloc(nr, sizeof(*ring->pgnt_free), GFP_KERNEL);
	refs = kvcalloc(nr, sizeof(*refs), GFP_KERNEL);
	if (!ring->pgnt || !ring->pgnt_free || !refs)
		goto out_free;
	ring->nr_pgnt = nr;
	for (i = 0; i < nr; i++) {
		ring->pgnt[i].page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!ring->pgnt[i].page)
			goto out_free;
	}
	err = xpv_gnttab_alloc_refs(nr, refs);
	if (err)
		goto out_free;
	for (i = 0; i < nr; i++) {
		struct xpv_blkfront_pgnt *p = &ring->pgnt[i];

		xpv_gnttab_grant_access_ref(refs[i], domid,
					    xpv_gnttab_page_gfn(page_address(p->page)),
					    false);
		p->gref = refs[i];
		/* LIFO: index 0 is handed out first. */
		ring->pgnt_free[nr - 1 - i] = i;
	}
	ring->nr_pgnt_free = nr;
	kvfree(refs);
	return 0;

out_free:
	kvfree(refs);
	blkfront_free_pgnts(ring);
	return err;
}

/*
 * In persistent mode an id's indirect page is granted once, read-write,
 * for the whole connection.  What was granted before a failure is revoked
 * when the ring is freed.
 */
static int blkfront_grant_indirect(struct xpv_blkfront_info *info,
				   struct xpv_blkfront_ring *ring)
{
	unsigned int i;

	for (i = 0; i < ring->tab.nr; i++) {
		struct xpv_blkfront_shadow *s = &ring->shadow[i];
		int ref;

		if (!s->indirect || s->indirect_gref)
			continue;
		ref = xpv_gnttab_grant_access(info->xbdev->otherend_id,
					      xpv_gnttab_page_gfn(page_address(s->indirect)),
					      false);
		if (ref < 0)
			return ref;
		s->indirect_gref = ref;
	}
	return 0;
}

/*
 * The toolstack's per-device verdict on the back end (XSA-403): "trusted"
 * in our own node, written by libxl from the disk's trusted/untrusted
 * flag. Absent means trusted (older toolstacks); anything but a clean 1
 * or 0 counts as untrusted.
 */
static bool blkfront_backend_trusted(struct xpv_blkfront_info *info)
{
	u64 v;

	/* Absent: 1; malformed: an error, which counts as untrusted. */
	return !xpv_xenbus_read_opt(info->xbdev, info->xbdev->nodename, "",
				    "trusted", 1, 1, &v) && v;
}

/*
 * Persistent grants, when both ends offer them (or a pool to bounce data
 * through for an untrusted back end).  Once persistent grants are agreed
 * the back end may keep any grant mapped after answering, so every grant
 * must come from the pool; a pool that cannot be had even at the smallest
 * size fails the connection.  The pool also bounds the segments per
 * request.
 *
 * Return: 0 or a negative errno.
 */
static int blkfront_setup_persistent(struct xpv_blkfront_info *info)
{
	unsigned int slots = info->rings[0].tab.nr, want, pool, segs, r;
	int err = 0;

	info->persistent = info->offer_persistent &&
		xpv_xenbus_read_flag(info->xbdev, info->xbdev->otherend, "",
				     "feature-persistent");
	info->bounce = info->persistent || !READ_ONCE(trusted) ||
		!blkfront_backend_trusted(info);
	if (!info->bounce)
		return 0;

	/* A bound of 0 would mean "unbounded" to the helper: not here. */
	want = max(READ_ONCE(max_persistent_grants), 1U);
	for (;;) {
		segs = info->max_segs;
		pool = xpv_blkif_front_pgnt_pool(want, slots, &segs);
		for (r = 0; r < info->nr_rings; r++) {
			err = blkfront_alloc_pgnts(info, &info->rings[r], pool);
			if (err)
				break;
		}
		if (!err)
			break;
		while (r--)
			blkfront_free_pgnts(&info->rings[r]);
		if (pool <= XPV_BLKIF_MAX_SEGS)
			return err;
		want = pool / 2;	/* try a smaller pool */
	}
	for (r = 0; r < info->nr_rings; r++) {
		err = blkfront_grant_indirect(info, &info->rings[r]);
		if (err)
			return err;
	}
	/* One request never needs more grants than a ring's pool. */
	info->max_segs = segs;
	return 0;
}

/*
 * The back end announced Connected again while we are connected: it
 * does so when its device changed size.  Only "sectors" may change; a
 * value that does not fit the geometry is ignored.
 */
static void blkfront_resize(struct xpv_blkfront_info *info)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	struct xpv_blkif_disk d = {
		.sector_size = info->sector_size,
		.physical_sector_size = info->physical_sector_size,
		.info = info->vdisk_info,
	};

	if (!info->disk || info->closing)
		return;
	if (xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, "sectors", U64_MAX,
			     &d.sectors))
		return;
	if (d.sectors == info->sectors)
		return;
	if (xpv_blkif_disk_check(&d)) {
		dev_warn(&dev->dev, "ignoring new size of %llu sectors\n",
			 d.sectors);
		return;
	}
	dev_info(&dev->dev, "%s: resized from %llu to %llu sectors\n",
		 info->disk->disk_name, info->sectors, d.sectors);
	info->sectors = d.sectors;
	set_capacity_and_notify(info->disk, d.sectors);
}

/*
 * Connected again after a resume: the replayed requests and everything
 * queued meanwhile go to the new rings.  The back end may offer other
 * features than the old one: the queue limits follow (a request already
 * built for more segments than the new back end takes fails, logged).
 */
static void blkfront_restart_queue(struct xpv_blkfront_info *info)
{
	struct request_queue *q = info->disk->queue;

	info->resuming = false;
	blk_queue_max_segments(q, info->max_segs);
	blk_queue_max_hw_sectors(q, info->max_segs *
				 XPV_BLKIF_SECTORS_PER_PAGE);
	blk_queue_write_cache(q, info->flush_op != 0, info->flush_op != 0);
	blk_mq_unquiesce_queue(q);
	blk_mq_kick_requeue_list(q);
	dev_info(&info->xbdev->dev,
		 "%s: connected again after resume: %u request(s) replayed, %u queue(s), ring order %u, %u segments, %s grants\n",
		 info->disk->disk_name, info->replayed, info->nr_rings,
		 info->rings[0].mem.order, info->max_segs,
		 info->persistent ? "persistent" : "per-request");
}

/*
 * Undo what a connection attempt granted on a ring: its pool, and the
 * indirect pages' persistent grants (the pages are allocated again).
 */
static void blkfront_reset_grants(struct xpv_blkfront_info *info,
				  struct xpv_blkfront_ring *ring)
{
	unsigned int i;

	blkfront_free_pgnts(ring);
	for (i = 0; ring->shadow && i < ring->tab.nr; i++)
		if (ring->shadow[i].indirect_gref)
			blkfront_free_indirect(info, &ring->shadow[i]);
}

/* Back end Connected: read the disk and bring it up. */
static int blkfront_connect(struct xpv_blkfront_info *info)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	struct xpv_blkif_disk d = { };
	u64 v;
	unsigned int i;
	int err;

	if (info->disk && !info->resuming)
		return 0;	/* already up: a repeated Connected */
	/*
	 * Entered again (our switch to Connected failed, and the back end
	 * announced Connected again): the pools of the last attempt go first.
	 */
	for (i = 0; i < info->nr_rings; i++)
		blkfront_reset_grants(info, &info->rings[i]);

	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, "sectors",
			       U64_MAX, &d.sectors);
	if (err)
		goto out_bad_key;
	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, "sector-size",
			       U32_MAX, &v);
	if (err)
		goto out_bad_key;
	d.sector_size = v;
	err = xpv_xenbus_read_opt(dev, dev->otherend, "",
				  "physical-sector-size", U32_MAX, 0, &v);
	if (err)
		goto out_bad_key;
	d.physical_sector_size = v;
	err = xpv_xenbus_read_opt(dev, dev->otherend, "", "info", U32_MAX, 0,
				  &v);
	if (err)
		goto out_bad_key;
	d.info = v;
	err = xpv_blkif_disk_check(&d);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "invalid geometry from %s",
				     dev->otherend);
		return err;
	}
	if (info->disk && d.sector_size != info->sector_size) {
		/* The requests waiting were built for the old block size. */
		xpv_xenbus_dev_fatal(dev, -EINVAL,
				     "sector size %u after resume, was %u",
				     d.sector_size, info->sector_size);
		return -EINVAL;
	}
	if (info->disk && d.sectors != info->sectors) {
		dev_info(&dev->dev, "%s: %llu sectors after resume, was %llu\n",
			 info->disk->disk_name, d.sectors, info->sectors);
		set_capacity_and_notify(info->disk, d.sectors);
	}
	info->sectors = d.sectors;
	info->sector_size = d.sector_size;
	/* A hint only: ignore one the block layer could not use. */
	if (!is_power_of_2(d.physical_sector_size) ||
	    d.physical_sector_size > SZ_1M) {
		dev_warn(&dev->dev, "ignoring physical-sector-size %u\n",
			 d.physical_sector_size);
		d.physical_sector_size = d.sector_size;
	}
	info->physical_sector_size = d.physical_sector_size;
	info->vdisk_info = d.info;

	if (xpv_xenbus_read_flag(dev, dev->otherend, "", "feature-flush-cache"))
		info->flush_op = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	else if (xpv_xenbus_read_flag(dev, dev->otherend, "",
				      "feature-barrier"))
		info->flush_op = XPV_BLKIF_OP_WRITE_BARRIER;
	else
		info->flush_op = 0;
	info->discard = xpv_xenbus_read_flag(dev, dev->otherend, "",
					     "feature-discard");
	info->secure_discard = info->discard &&
		xpv_xenbus_read_flag(dev, dev->otherend, "", "discard-secure");
	if (info->discard) {
		/*
		 * Hints: a granularity that is not a power-of-two multiple of
		 * the logical block becomes the physical block, an alignment
		 * not inside one granule becomes 0.
		 */
		if (xpv_xenbus_read_opt(dev, dev->otherend, "",
					"discard-granularity", U32_MAX, 0, &v) ||
		    !v || !is_power_of_2(v) ||
		    v < info->sector_size || v > SZ_1G)
			v = info->physical_sector_size;
		info->discard_granularity = v;
		if (xpv_xenbus_read_opt(dev, dev->otherend, "",
					"discard-alignment", U32_MAX, 0, &v) ||
		    v >= info->discard_granularity ||
		    v % info->sector_size)
			v = 0;
		info->discard_alignment = v;
	}

	xpv_xenbus_read_opt(dev, dev->otherend, "",
			    "feature-max-indirect-segments", U32_MAX, 0, &v);
	info->max_segs = xpv_blkif_front_indirect_segs(XPV_BLKFRONT_MAX_SEGS,
						       v);
	if (info->max_segs && blkfront_alloc_indirect(info))
		info->max_segs = 0;	/* fall back to direct requests */
	if (!info->max_segs)
		info->max_segs = XPV_BLKIF_MAX_SEGS;
	err = blkfront_setup_persistent(info);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "setting up persistent grants");
		return err;
	}

	for (i = 0; i < info->nr_rings; i++) {
		spin_lock_irq(&info->rings[i].lock);
		info->rings[i].connected = true;
		spin_unlock_irq(&info->rings[i].lock);
	}
	err = xpv_xenbus_switch_state(dev, XenbusStateConnected);
	if (err)
		return err;
	if (info->disk) {
		blkfront_restart_queue(info);
		return 0;
	}
	err = xpv_blkfront_add_disk(info);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "adding the disk");
		return err;
	}
	dev_info(&dev->dev, "%s: %llu sectors of 512 bytes, %u/%u-byte blocks, %u queue(s), ring order %u, %u segments, %u %s grants per ring, %s%s%s%s%s%s\n",
		 info->disk->disk_name, info->sectors, info->sector_size,
		 info->physical_sector_size, info->nr_rings,
		 info->rings[0].mem.order, info->max_segs,
		 info->rings[0].nr_pgnt,
		 info->persistent ? "persistent" : "bounce",
		 xpv_blkif_protocol_name(info->abi),
		 info->flush_op == XPV_BLKIF_OP_FLUSH_DISKCACHE ? ", flush+fua" :
		 info->flush_op ? ", barrier+fua" : "",
		 info->discard ? ", discard" : "",
		 info->secure_discard ? ", secure discard" : "",
		 info->vdisk_info & XPV_VDISK_READONLY ? ", read-only" : "",
		 info->vdisk_info & XPV_VDISK_CDROM ? ", cdrom" :
		 info->vdisk_info & XPV_VDISK_REMOVABLE ? ", removable" : "");
	return 0;

out_bad_key:
	xpv_xenbus_dev_fatal(dev, err, "reading the disk geometry from %s",
			     dev->otherend);
	return err;
}

/*
 * Release everything: new requests fail, the interrupts go, what is in
 * flight fails, then the disk goes (its queue now drains at once), and only
 * then the rings its hardware queues point at.
 */
static void blkfront_teardown(struct xpv_blkfront_info *info)
{
	unsigned int held;

	info->closing = false;
	if (info->parked)
		return;		/* park_work finishes it */
	held = blkfront_stop_rings(info);
	if (held) {
		/*
		 * The back end still maps pages of these requests: they, the
		 * rings holding them and the disk (whose removal would wait
		 * for them) stay until it lets go.  New requests fail.
		 */
		dev_warn(&info->xbdev->dev,
			 "back end still maps pages of %u request(s): held back until it lets go\n",
			 held);
		info->parked = true;
		get_device(&info->xbdev->dev);
		schedule_delayed_work(&info->park_work, HZ);
		return;
	}
	xpv_blkfront_del_disk(info);
	blkfront_free_rings(info);
}

/*
 * Parked after a teardown: retry the revocations once a second; when
 * every request could be failed, finish the teardown (and free the device
 * if it was removed meanwhile).
 */
static void blkfront_park_work(struct work_struct *work)
{
	struct xpv_blkfront_info *info =
		container_of(to_delayed_work(work), struct xpv_blkfront_info,
			     park_work);
	struct xpv_xenbus_device *dev = info->xbdev;
	unsigned int i, held = 0;
	bool removed;

	mutex_lock(&info->mutex);
	for (i = 0; i < info->nr_rings; i++)
		held += xpv_blkfront_fail_inflight(&info->rings[i]);
	if (held) {
		schedule_delayed_work(&info->park_work, HZ);
		mutex_unlock(&info->mutex);
		return;
	}
	dev_info(&dev->dev,
		 "back end let go: the held requests failed, %ld page(s) held in all\n",
		 atomic_long_read(&info->kept_total));
	info->parked = false;
	xpv_blkfront_del_disk(info);
	blkfront_free_rings(info);
	removed = info->removed;
	mutex_unlock(&info->mutex);
	put_device(&dev->dev);
	if (removed) {
		ida_free(&blkfront_index_ida, info->index);
		kfree(info);
	}
}

/* Tear down now and tell the back end we are closed. */
static void blkfront_close_now(struct xpv_blkfront_info *info)
{
	blkfront_teardown(info);
	xpv_xenbus_switch_state(info->xbdev, XenbusStateClosed);
}

static bool blkfront_rings_idle(struct xpv_blkfront_info *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_rings; i++)
		if (!xpv_blkfront_ring_idle(&info->rings[i]))
			return false;
	return true;
}

static bool blkfront_rings_sound(struct xpv_blkfront_info *info)
{
	unsigned int i;
	bool sound = true;

	for (i = 0; i < info->nr_rings; i++) {
		spin_lock_irq(&info->rings[i].lock);
		sound &= !info->rings[i].broken;
		spin_unlock_irq(&info->rings[i].lock);
	}
	return sound;
}

/*
 * The back end is closing (an orderly unplug) while we are connected: new
 * requests fail from now on, the ones in flight get XPV_BLKFRONT_DRAIN_MS
 * to be answered (the back end keeps serving its rings until we close),
 * then close_work finishes the close.
 */
static void blkfront_begin_close(struct xpv_blkfront_info *info)
{
	unsigned int i, inflight = 0;

	if (info->closing)
		return;
	info->closing = true;
	info->close_deadline = jiffies + msecs_to_jiffies(XPV_BLKFRONT_DRAIN_MS);
	for (i = 0; i < info->nr_rings; i++) {
		struct xpv_blkfront_ring *ring = &info->rings[i];

		spin_lock_irq(&ring->lock);
		ring->closing = true;
		if (ring->shadow)
			inflight += ring->tab.nr - ring->tab.nr_free;
		spin_unlock_irq(&ring->lock);
	}
	dev_info(&info->xbdev->dev,
		 "back end closing: %u request(s) in flight may drain for %u ms\n",
		 inflight, XPV_BLKFRONT_DRAIN_MS);
	mod_delayed_work(system_wq, &info->close_work,
			 blkfront_rings_idle(info) ? 0 :
			 msecs_to_jiffies(XPV_BLKFRONT_DRAIN_MS));
}

static void blkfront_close_work(struct work_struct *work)
{
	struct xpv_blkfront_info *info =
		container_of(to_delayed_work(work), struct xpv_blkfront_info,
			     close_work);

	mutex_lock(&info->mutex);
	if (!info->closing)
		goto out_unlock;	/* closed meanwhile */
	if (!blkfront_rings_idle(info)) {
		if (time_before(jiffies, info->close_deadline)) {
			/* Another ring drained; wait for the rest. */
			mod_delayed_work(system_wq, &info->close_work,
					 info->close_deadline - jiffies);
			goto out_unlock;
		}
		dev_warn(&info->xbdev->dev,
			 "back end closing: requests still in flight after %u ms fail\n",
			 XPV_BLKFRONT_DRAIN_MS);
	}
	blkfront_close_now(info);
	dev_info(&info->xbdev->dev, "closed\n");
out_unlock:
	mutex_unlock(&info->mutex);
}

static void blkfront_fatal_work(struct work_struct *work)
{
	struct xpv_blkfront_info *info =
		container_of(work, struct xpv_blkfront_info, fatal_work);

	mutex_lock(&info->mutex);
	if (info->xbdev->state == XenbusStateConnected) {
		xpv_xenbus_dev_error(info->xbdev, -EPROTO,
				     "back end broke the blkif protocol");
		xpv_xenbus_switch_state(info->xbdev, XenbusStateClosing);
	}
	mutex_unlock(&info->mutex);
}

/* The steps of xpv_xenbus_front_changed(). Mutex held. */
static int blkfront_xb_setup(void *data)
{
	return blkfront_setup(data);
}

static void blkfront_xb_connect(void *data)
{
	blkfront_connect(data);
}

static void blkfront_xb_close(void *data, enum xenbus_state bstate)
{
	struct xpv_blkfront_info *info = data;

	/*
	 * An orderly close lets what is in flight finish; a back end that is
	 * closed or gone answers nothing more, and a broken ring is not
	 * waited for.
	 */
	if (bstate == XenbusStateClosing &&
	    info->xbdev->state == XenbusStateConnected &&
	    blkfront_rings_sound(info))
		blkfront_begin_close(info);
	else
		blkfront_close_now(info);
}

/* Both ends stay Connected: the back end may announce a new size. */
static void blkfront_xb_connected(void *data)
{
	blkfront_resize(data);
}

static const struct xpv_xenbus_front_ops blkfront_xenbus_ops = {
	.setup = blkfront_xb_setup,
	.connect = blkfront_xb_connect,
	.close = blkfront_xb_close,
	.connected = blkfront_xb_connected,
};

static void blkfront_backend_changed(struct xpv_xenbus_device *dev,
				     enum xenbus_state bstate)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return;		/* probe() replays the state itself */
	mutex_lock(&info->mutex);
	if (info->resuming && bstate == XenbusStateUnknown) {
		/* The new back end's directory is not written yet. */
		mutex_unlock(&info->mutex);
		return;
	}
	xpv_xenbus_front_changed(dev, bstate, &blkfront_xenbus_ops, info);
	mutex_unlock(&info->mutex);
}

/*
 * ring_state (read-only, on the xenbus device): one line per ring with its
 * indices and resources, as the timeout hook logs them.
 */
static ssize_t ring_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(dev);
	unsigned int i;
	int len = 0;

	if (!info)
		return -ENODEV;
	mutex_lock(&info->mutex);
	for (i = 0; info->rings && i < info->nr_rings; i++)
		len += xpv_blkfront_ring_state(&info->rings[i], buf + len,
					       PAGE_SIZE - len);
	if (!len)
		len = sysfs_emit(buf, "not connected\n");
	mutex_unlock(&info->mutex);
	return len;
}
static DEVICE_ATTR_RO(ring_state);

/*
 * kept_grants (read-only): "requests=R pages=P total=T pool=Q": requests
 * held back now because the back end still maps P of their pages, data
 * pages ever held back (T), and pool or indirect pages whose revocation
 * was deferred at a teardown (Q).
 */
static ssize_t kept_grants_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(dev);
	unsigned int i, reqs = 0, pages = 0;
	ssize_t len;

	if (!info)
		return -ENODEV;
	mutex_lock(&info->mutex);
	for (i = 0; info->rings && i < info->nr_rings; i++)
		xpv_blkfront_kept(&info->rings[i], &reqs, &pages);
	len = sysfs_emit(buf, "requests=%u pages=%u total=%ld pool=%ld\n",
			 reqs, pages, atomic_long_read(&info->kept_total),
			 atomic_long_read(&info->kept_pool));
	mutex_unlock(&info->mutex);
	return len;
}
static DEVICE_ATTR_RO(kept_grants);

/* Linux's numbering of virtual-device: xvd (major 202) and extended. */
static int blkfront_vdevice_index(u32 vdevice)
{
	if (vdevice & (1U << 28))
		return (vdevice >> 8) & 0xfffff;
	if ((vdevice >> 8) == 202)
		return (vdevice & 0xff) >> XPV_BLKFRONT_PART_SHIFT;
	return -1;
}

static int blkfront_probe(struct xpv_xenbus_device *dev,
			  const struct xpv_xenbus_device_id *id)
{
	struct xpv_blkfront_info *info;
	u64 vdevice;
	int index, err;

	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->nodename, "virtual-device",
			       U32_MAX, &vdevice);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading virtual-device");
		return err;
	}
	index = blkfront_vdevice_index(vdevice);
	if (index >= 0)
		index = ida_alloc_range(&blkfront_index_ida, index, index,
					GFP_KERNEL);
	else
		index = ida_alloc_range(&blkfront_index_ida, 0,
					26 + 26 * 26 - 1, GFP_KERNEL);
	if (index < 0) {
		xpv_xenbus_dev_fatal(dev, index, "no disk index for %llu",
				     vdevice);
		return index;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		err = -ENOMEM;
		goto out_free_index;
	}
	info->xbdev = dev;
	info->vdevice = vdevice;
	info->handle = vdevice;
	info->index = index;
	mutex_init(&info->mutex);
	INIT_WORK(&info->fatal_work, blkfront_fatal_work);
	INIT_DELAYED_WORK(&info->close_work, blkfront_close_work);
	INIT_DELAYED_WORK(&info->park_work, blkfront_park_work);
	dev_set_drvdata(&dev->dev, info);

	err = device_create_file(&dev->dev, &dev_attr_ring_state);
	if (!err)
		err = device_create_file(&dev->dev, &dev_attr_kept_grants);
	if (err)
		dev_warn(&dev->dev, "no ring_state or kept_grants file: %d\n",
			 err);

	/* The first watch event may have come before drvdata was set. */
	blkfront_backend_changed(dev, xpv_xenbus_read_otherend_state(dev));
	return 0;

out_free_index:
	ida_free(&blkfront_index_ida, index);
	return err;
}

static void blkfront_remove(struct xpv_xenbus_device *dev)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(&dev->dev);
	bool parked;

	if (!info)
		return;
	device_remove_file(&dev->dev, &dev_attr_kept_grants);
	device_remove_file(&dev->dev, &dev_attr_ring_state);
	mutex_lock(&info->mutex);
	blkfront_teardown(info);
	dev_set_drvdata(&dev->dev, NULL);
	/* Held back: park_work frees the device once the back end lets go. */
	parked = info->parked;
	info->removed = parked;
	mutex_unlock(&info->mutex);
	/* No interrupt is left to schedule them again. */
	cancel_work_sync(&info->fatal_work);
	cancel_delayed_work_sync(&info->close_work);
	if (parked)
		return;
	cancel_delayed_work_sync(&info->park_work);
	ida_free(&blkfront_index_ida, info->index);
	kfree(info);
}

/* Stop (or resume) taking responses off the rings. Mutex held. */
static void blkfront_hold_responses(struct xpv_blkfront_info *info, bool hold)
{
	unsigned int i;

	for (i = 0; info->rings && i < info->nr_rings; i++) {
		struct xpv_blkfront_ring *ring = &info->rings[i];

		spin_lock_irq(&ring->lock);
		ring->held = hold;
		spin_unlock_irq(&ring->lock);
		/* What the back end answered meanwhile: take it now. */
		if (!hold && ring->ev.irq > 0)
			xpv_blkfront_interrupt(ring->ev.irq, ring);
	}
}

/*
 * The domain is about to be suspended: no new request goes to the back
 * end, and the ones in flight get a moment to be answered (fewer to
 * replay).  Those still out are replayed after a restore (see
 * blkfront_resume()), or simply answered after a cancelled suspend.
 */
static int blkfront_suspend(struct xpv_xenbus_device *dev)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(&dev->dev);
	unsigned long deadline;

	if (!info)
		return 0;
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(suspend_drain_ms));
	mutex_lock(&info->mutex);
	/* Before the quiesce, whose grace period lets the back end answer. */
	if (READ_ONCE(suspend_replay_all)) {
		blkfront_hold_responses(info, true);
		deadline = jiffies;
	}
	if (info->disk)
		blk_mq_quiesce_queue(info->disk->queue);
	mutex_unlock(&info->mutex);
	while (!blkfront_rings_idle(info) && time_before(jiffies, deadline))
		msleep(20);
	return 0;
}

static void blkfront_suspend_cancel(struct xpv_xenbus_device *dev)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return;
	mutex_lock(&info->mutex);
	blkfront_hold_responses(info, false);
	if (info->disk && !info->resuming)
		blk_mq_unquiesce_queue(info->disk->queue);
	mutex_unlock(&info->mutex);
}

/*
 * Restored into a new domain: the back end, the rings' grants and event
 * channels are gone.  Every request that was on a ring goes back to the
 * block layer's requeue list, the rings are freed (their memory only: the
 * hardware contexts keep pointing at the array), and the handshake starts
 * again from Initialising when the back end's state watch fires.  The
 * disk stays, its queue stopped until Connected (blkfront_connect()).
 */
static int blkfront_resume(struct xpv_xenbus_device *dev)
{
	struct xpv_blkfront_info *info = dev_get_drvdata(&dev->dev);
	unsigned int i;

	if (!info)
		return 0;
	cancel_delayed_work_sync(&info->close_work);
	/*
	 * Parked: the old back end's mappings died with the old domain, so
	 * the held requests fail now and the closed device's teardown ends.
	 */
	if (cancel_delayed_work_sync(&info->park_work))
		blkfront_park_work(&info->park_work.work);
	mutex_lock(&info->mutex);
	info->closing = false;
	if (!info->disk) {
		/* Never connected: start over as a new device. */
		blkfront_teardown(info);
		goto out_unlock;
	}
	info->replayed = 0;
	for (i = 0; i < info->nr_rings; i++) {
		struct xpv_blkfront_ring *ring = &info->rings[i];

		spin_lock_irq(&ring->lock);
		ring->connected = false;
		spin_unlock_irq(&ring->lock);
		/* The port died with the old domain: only the IRQ goes. */
		xpv_ring_evtchn_close(dev, &ring->ev, ring);
		info->replayed += xpv_blkfront_requeue_inflight(ring);
		blkfront_free_ring(ring);
		ring->held = false;
		ring->closing = false;
		ring->broken = false;
		ring->last_report = 0;
	}
	info->persistent = false;
	info->bounce = false;
	info->resuming = true;
	dev_info(&dev->dev, "%s: resumed in a new domain: %u request(s) to replay\n",
		 info->disk->disk_name, info->replayed);
out_unlock:
	mutex_unlock(&info->mutex);
	return 0;
}

static const struct xpv_xenbus_device_id blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xpv_xenbus_driver blkfront_driver = {
	.name = "xpv-vbd",
	.ids = blkfront_ids,
	.probe = blkfront_probe,
	.otherend_changed = blkfront_backend_changed,
	.remove = blkfront_remove,
	.suspend = blkfront_suspend,
	.resume = blkfront_resume,
	.suspend_cancel = blkfront_suspend_cancel,
};

static int __init blkfront_init(void)
{
	int err;

	if (max_ring_order > XPV_BLKIF_MAX_RING_ORDER)
		max_ring_order = XPV_BLKIF_MAX_RING_ORDER;
	if (!max_queues)
		max_queues = 1;
	xpv_blkfront_request_timeout = clamp(xpv_blkfront_request_timeout,
					     1U, 3600U);
	err = register_blkdev(0, "xvd");
	if (err < 0)
		return err;
	xpv_blkfront_major = err;
	err = xpv_xenbus_register_frontend(&blkfront_driver);
	if (err)
		unregister_blkdev(xpv_blkfront_major, "xvd");
	return err;
}
module_init(blkfront_init);

static void __exit blkfront_exit(void)
{
	xpv_xenbus_unregister_driver(&blkfront_driver);
	unregister_blkdev(xpv_blkfront_major, "xvd");
}
module_exit(blkfront_exit);

MODULE_DESCRIPTION("xpv Xen virtual block device front end (blkif)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xpv-frontend:vbd");
