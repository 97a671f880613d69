// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: grant tables, version 1, for a PVH (auto-translated) guest.
 *
 * Grant frames: the guest picks frames it owns (pages allocated from the
 * kernel, whose RAM backing is first handed back with
 * XENMEM_decrease_reservation) and asks Xen to put grant-table frame i
 * there with XENMEM_add_to_physmap(XENMAPSPACE_grant_table). The pages stay
 * allocated for the life of the kernel, so the direct map reaches the
 * table and no other user ever gets those frames. The table starts with
 * the frames Xen already set up (GNTTABOP_query_size) and grows one batch
 * at a time, when references run out, up to max_nr_frames.
 *
 * References come from the pure allocator in proto/gref_alloc.c (free
 * list, batch allocation, FIFO exhaustion callbacks). Revoking a reference
 * the peer still maps fails; the deferred path keeps the reference and the
 * page and retries from a timer, so a page is never reused while mapped.
 */
#define pr_fmt(fmt) "xpv-grant: " fmt

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>
#include <xen/interface/memory.h>
#include <xpv/grant.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "proto/gref_alloc.h"
#include "xenbus_internal.h"

#define GNT_PER_FRAME	(PAGE_SIZE / sizeof(struct grant_entry_v1))
/* Bound the bookkeeping even if Xen allows a huge table. */
#define GNT_MAX_FRAMES	256U
/* Frames added per growth step. */
#define GNT_GROW_FRAMES	4U
/* Warn about a grant the peer keeps mapped after this many retries. */
#define GNT_DEFER_WARN	60

static struct grant_entry_v1 **gnt_frames;	/* direct-map address per frame */
static unsigned int gnt_nr_frames, gnt_max_frames;
static struct xpv_gref_pool gnt_pool;
static DEFINE_SPINLOCK(gnt_lock);
static bool gnt_ready;

struct gnt_deferred {
	struct list_head list;
	grant_ref_t ref;
	struct page *page;
	unsigned int tries;
};

static LIST_HEAD(gnt_deferred_list);
static DEFINE_SPINLOCK(gnt_deferred_lock);
static void gnt_deferred_retry(struct timer_list *t);
static DEFINE_TIMER(gnt_deferred_timer, gnt_deferred_retry);

static void gnt_run_callbacks(struct work_struct *work);
static DECLARE_WORK(gnt_callback_work, gnt_run_callbacks);

static struct grant_entry_v1 *gnt_entry(grant_ref_t ref)
{
	return &gnt_frames[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME];
}

/* ------------------------------------------------------------- frames */

/* Put grant frames [first, first + n) into pages we own. */
static int gnt_map_frames(unsigned int first, unsigned int n, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct xen_add_to_physmap xatp = {
			.domid = DOMID_SELF,
			.space = XENMAPSPACE_grant_table,
			.idx = first + i,
		};
		struct xen_memory_reservation res = {
			.nr_extents = 1,
			.domid = DOMID_SELF,
		};
		struct page *page;
		xen_pfn_t pfn;
		int rc;

		page = alloc_page(gfp);
		if (!page)
			return i ? i : -ENOMEM;
		pfn = page_to_pfn(page);
		/* Hand the RAM behind the frame back; a hole is left. */
		set_xen_guest_handle(res.extent_start, &pfn);
		rc = xpv_memory_op(XENMEM_decrease_reservation, &res);
		if (rc != 1)
			pr_debug("decrease_reservation of %#llx: %d\n",
				 (u64)pfn, rc);
		xatp.gpfn = pfn;
		rc = xpv_memory_op(XENMEM_add_to_physmap, &xatp);
		if (rc) {
			pr_err("add_to_physmap of grant frame %u failed: %d\n",
			       first + i, rc);
			/*
			 * The frame's RAM may be gone: never give the page back
			 * to the allocator. One page leaked on a failure path.
			 */
			return i ? i : -EIO;
		}
		gnt_frames[first + i] = page_address(page);
	}
	return n;
}

/* Called with gnt_lock held; may run in atomic context. */
static int gnt_grow(unsigned int want_refs)
{
	unsigned int n, got;
	int ret;

	if (gnt_nr_frames >= gnt_max_frames)
		return -ENOSPC;
	n = max(GNT_GROW_FRAMES, DIV_ROUND_UP(want_refs, GNT_PER_FRAME));
	n = min(n, gnt_max_frames - gnt_nr_frames);
	ret = gnt_map_frames(gnt_nr_frames, n, GFP_ATOMIC | __GFP_NOWARN);
	if (ret < 0)
		return ret;
	got = ret;
	gnt_nr_frames += got;
	ret = xpv_gref_pool_grow(&gnt_pool, gnt_nr_frames * GNT_PER_FRAME);
	if (WARN_ON_ONCE(ret))
		return ret;
	pr_debug("grant table grown to %u frames\n", gnt_nr_frames);
	return 0;
}

/* ---------------------------------------------------------- references */

/**
 * xpv_gnttab_alloc_refs() - allocate grant references, all or nothing
 * @count: how many (at least one)
 * @refs: receives @count references
 *
 * Grows the table when needed (up to the hypervisor's limit). May be
 * called from atomic context.
 *
 * Return: 0, -EINVAL for a zero count, -ENOSPC when the table is full
 * (see xpv_gnttab_request_callback()), -ENODEV before initialisation.
 */
int xpv_gnttab_alloc_refs(unsigned int count, grant_ref_t *refs)
{
	unsigned long flags;
	int err;

	if (!READ_ONCE(gnt_ready))
		return -ENODEV;
	spin_lock_irqsave(&gnt_lock, flags);
	err = xpv_gref_alloc(&gnt_pool, count, refs);
	while (err == -ENOSPC && !gnt_grow(count - gnt_pool.nr_free))
		err = xpv_gref_alloc(&gnt_pool, count, refs);
	spin_unlock_irqrestore(&gnt_lock, flags);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_alloc_refs);

static void gnt_free_one(grant_ref_t ref)
{
	if (xpv_gref_free(&gnt_pool, ref))
		pr_err_ratelimited("free of grant reference %u that is not allocated\n",
				   ref);
}

/**
 * xpv_gnttab_free_refs() - return references that grant nothing
 * @refs: the references (never granted, or revoked with
 *	xpv_gnttab_end_access() returning true)
 * @count: how many
 *
 * A reference not currently allocated is reported and ignored. Runs the
 * queued callbacks that can now be satisfied (from a workqueue).
 */
void xpv_gnttab_free_refs(const grant_ref_t *refs, unsigned int count)
{
	unsigned long flags;
	unsigned int i;
	bool kick;

	spin_lock_irqsave(&gnt_lock, flags);
	for (i = 0; i < count; i++)
		gnt_free_one(refs[i]);
	kick = gnt_pool.wait_head && gnt_pool.wait_head->count <= gnt_pool.nr_free;
	spin_unlock_irqrestore(&gnt_lock, flags);
	if (kick)
		schedule_work(&gnt_callback_work);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_free_refs);

/**
 * xpv_gnttab_grant_access_ref() - let @domid access frame @gfn through @ref
 * @ref: an allocated reference
 * @domid: the peer
 * @gfn: the guest frame (see xpv_gnttab_page_gfn())
 * @readonly: allow only reads
 */
void xpv_gnttab_grant_access_ref(grant_ref_t ref, domid_t domid,
				 unsigned long gfn, bool readonly)
{
	struct grant_entry_v1 *e = gnt_entry(ref);

	WRITE_ONCE(e->frame, gfn);
	WRITE_ONCE(e->domid, domid);
	/* The entry's contents must be visible before it becomes valid. */
	wmb();
	WRITE_ONCE(e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0));
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant_access_ref);

/**
 * xpv_gnttab_grant_access() - allocate a reference and grant a frame
 * @domid: the peer
 * @gfn: the guest frame
 * @readonly: allow only reads
 *
 * Return: the reference, or a negative errno.
 */
int xpv_gnttab_grant_access(domid_t domid, unsigned long gfn, bool readonly)
{
	grant_ref_t ref;
	int err;

	err = xpv_gnttab_alloc_refs(1, &ref);
	if (err)
		return err;
	xpv_gnttab_grant_access_ref(ref, domid, gfn, readonly);
	return ref;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant_access);

/**
 * xpv_gnttab_end_access() - revoke a grant unless the peer maps it
 * @ref: a granted reference
 *
 * Return: true when revoked (the peer can no longer map or access the
 * frame; the reference stays allocated), false when the peer still has
 * it mapped (nothing changed; try again later).
 */
bool xpv_gnttab_end_access(grant_ref_t ref)
{
	struct grant_entry_v1 *e = gnt_entry(ref);
	u16 flags, seen;

	flags = READ_ONCE(e->flags);
	do {
		if (flags & (GTF_reading | GTF_writing))
			return false;
		seen = flags;
		flags = cmpxchg(&e->flags, seen, 0);
	} while (flags != seen);
	return true;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end_access);

/**
 * xpv_gnttab_try_end_access_and_free() - revoke and free if unmapped
 * @ref: a granted reference
 *
 * Return: true when revoked and freed; false when the peer maps it (the
 * reference is untouched and still allocated).
 */
bool xpv_gnttab_try_end_access_and_free(grant_ref_t ref)
{
	if (!xpv_gnttab_end_access(ref))
		return false;
	xpv_gnttab_free_refs(&ref, 1);
	return true;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_try_end_access_and_free);

/**
 * xpv_gnttab_end_access_and_free() - revoke, free the reference and page
 * @ref: a granted reference
 * @page: the granted page, or NULL; ownership passes to this function
 *
 * If the peer still maps the frame, the reference and the page are kept
 * and the revocation is retried every second until it succeeds; only then
 * are they freed. Callers must not touch @page after this call.
 */
void xpv_gnttab_end_access_and_free(grant_ref_t ref, struct page *page)
{
	struct gnt_deferred *d;
	unsigned long flags;

	if (xpv_gnttab_end_access(ref)) {
		xpv_gnttab_free_refs(&ref, 1);
		if (page)
			put_page(page);
		return;
	}
	d = kzalloc(sizeof(*d), GFP_ATOMIC);
	if (!d) {
		/* Leak rather than free a page the peer can write. */
		pr_warn_ratelimited("no memory to defer grant %u: leaked\n", ref);
		return;
	}
	d->ref = ref;
	d->page = page;
	spin_lock_irqsave(&gnt_deferred_lock, flags);
	list_add_tail(&d->list, &gnt_deferred_list);
	if (!timer_pending(&gnt_deferred_timer))
		mod_timer(&gnt_deferred_timer, jiffies + HZ);
	spin_unlock_irqrestore(&gnt_deferred_lock, flags);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end_access_and_free);

static void gnt_deferred_retry(struct timer_list *t)
{
	struct gnt_deferred *d, *tmp;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&gnt_deferred_lock, flags);
	list_for_each_entry_safe(d, tmp, &gnt_deferred_list, list) {
		if (xpv_gnttab_end_access(d->ref)) {
			list_move(&d->list, &done);
			continue;
		}
		if (++d->tries == GNT_DEFER_WARN)
			pr_warn("grant %u still mapped by its peer after %u s\n",
				d->ref, d->tries);
	}
	if (!list_empty(&gnt_deferred_list))
		mod_timer(&gnt_deferred_timer, jiffies + HZ);
	spin_unlock_irqrestore(&gnt_deferred_lock, flags);

	list_for_each_entry_safe(d, tmp, &done, list) {
		xpv_gnttab_free_refs(&d->ref, 1);
		if (d->page)
			put_page(d->page);
		kfree(d);
	}
}

/**
 * xpv_gnttab_request_callback() - run @cb when @cb->count refs are free
 * @cb: the callback (fn, arg and count set); must stay valid until it ran
 *	or xpv_gnttab_cancel_callback() returned
 *
 * Callbacks run in FIFO order from a workqueue. Being called does not
 * reserve the references: the callback allocates and may queue again.
 *
 * Return: true if queued; false if already queued or @cb->count is 0 or
 * larger than the table can ever hold.
 */
bool xpv_gnttab_request_callback(struct xpv_gnttab_callback *cb)
{
	unsigned long flags;
	bool queued, kick;

	spin_lock_irqsave(&gnt_lock, flags);
	queued = xpv_gref_wait(&gnt_pool, cb);
	kick = queued && gnt_pool.wait_head->count <= gnt_pool.nr_free;
	spin_unlock_irqrestore(&gnt_lock, flags);
	if (kick)
		schedule_work(&gnt_callback_work);
	return queued;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_request_callback);

/**
 * xpv_gnttab_cancel_callback() - dequeue a callback that has not run
 * @cb: the callback
 */
void xpv_gnttab_cancel_callback(struct xpv_gnttab_callback *cb)
{
	unsigned long flags;

	spin_lock_irqsave(&gnt_lock, flags);
	xpv_gref_cancel_wait(&gnt_pool, cb);
	spin_unlock_irqrestore(&gnt_lock, flags);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_cancel_callback);

static void gnt_run_callbacks(struct work_struct *work)
{
	struct xpv_gnttab_callback *cb;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&gnt_lock, flags);
		cb = xpv_gref_take_ready(&gnt_pool);
		spin_unlock_irqrestore(&gnt_lock, flags);
		if (!cb)
			break;
		cb->fn(cb->arg);
	}
}

/**
 * xpv_gnttab_nr_free() - references free without growing the table
 */
unsigned int xpv_gnttab_nr_free(void)
{
	return READ_ONCE(gnt_pool.nr_free);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_nr_free);

/*
 * xpv.grants_in_use (read-only): references allocated now (granted, held
 * for a deferred revocation, or reserved), so a test can tell a leak from
 * a baseline; xpv.grants_deferred: revocations waiting for a peer to unmap.
 */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xpv."

static int gnt_in_use_get(char *buf, const struct kernel_param *kp)
{
	unsigned long flags;
	u32 used;

	spin_lock_irqsave(&gnt_lock, flags);
	used = gnt_pool.nr - gnt_pool.nr_free;
	spin_unlock_irqrestore(&gnt_lock, flags);
	return sysfs_emit(buf, "%u\n", used);
}

static const struct kernel_param_ops gnt_in_use_ops = {
	.get = gnt_in_use_get,
};
module_param_cb(grants_in_use, &gnt_in_use_ops, NULL, 0444);
MODULE_PARM_DESC(grants_in_use, "Grant references allocated now (read-only)");

static int gnt_deferred_get(char *buf, const struct kernel_param *kp)
{
	struct gnt_deferred *d;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&gnt_deferred_lock, flags);
	list_for_each_entry(d, &gnt_deferred_list, list)
		n++;
	spin_unlock_irqrestore(&gnt_deferred_lock, flags);
	return sysfs_emit(buf, "%u\n", n);
}

static const struct kernel_param_ops gnt_deferred_ops = {
	.get = gnt_deferred_get,
};
module_param_cb(grants_deferred, &gnt_deferred_ops, NULL, 0444);
MODULE_PARM_DESC(grants_deferred,
		 "Revocations waiting for a peer to unmap its grant (read-only)");

/**
 * xpv_gnttab_page_gfn() - the guest frame number of a kernel address
 * @vaddr: a direct-map or vmalloc address
 *
 * In a PVH guest the guest frame number is the pfn.
 */
unsigned long xpv_gnttab_page_gfn(const void *vaddr)
{
	if (is_vmalloc_addr(vaddr))
		return vmalloc_to_pfn(vaddr);
	return PFN_DOWN(__pa(vaddr));
}
EXPORT_SYMBOL_GPL(xpv_gnttab_page_gfn);

/* ------------------------------------------------- foreign (backends) */

/**
 * xpv_gnttab_alloc_pages() - allocate frames with no RAM behind them
 * @nr: how many
 * @pages: receives the pages
 *
 * The pages' RAM is handed back to Xen (XENMEM_decrease_reservation), so
 * their frames can receive foreign mappings. Give them back with
 * xpv_gnttab_free_pages() only after every mapping is gone.
 *
 * Return: 0 or a negative errno (nothing allocated).
 */
int xpv_gnttab_alloc_pages(unsigned int nr, struct page **pages)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct xen_memory_reservation res = {
			.nr_extents = 1,
			.domid = DOMID_SELF,
		};
		xen_pfn_t pfn;

		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out_free;
		pfn = page_to_pfn(pages[i]);
		set_xen_guest_handle(res.extent_start, &pfn);
		if (xpv_memory_op(XENMEM_decrease_reservation, &res) != 1) {
			__free_page(pages[i]);
			goto out_free;
		}
	}
	return 0;

out_free:
	xpv_gnttab_free_pages(i, pages);
	return -ENOMEM;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_alloc_pages);

/**
 * xpv_gnttab_free_pages() - repopulate and free pages from alloc_pages
 * @nr: how many
 * @pages: the pages (no foreign mapping may remain)
 *
 * A page Xen cannot repopulate is leaked (with a warning), never freed.
 */
void xpv_gnttab_free_pages(unsigned int nr, struct page **pages)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct xen_memory_reservation res = {
			.nr_extents = 1,
			.domid = DOMID_SELF,
		};
		xen_pfn_t pfn = page_to_pfn(pages[i]);

		set_xen_guest_handle(res.extent_start, &pfn);
		if (xpv_memory_op(XENMEM_populate_physmap, &res) != 1) {
			pr_warn("cannot repopulate pfn %#llx: page leaked\n",
				(u64)page_to_pfn(pages[i]));
			continue;
		}
		__free_page(pages[i]);
	}
}
EXPORT_SYMBOL_GPL(xpv_gnttab_free_pages);

static int gnt_status_errno(s16 status)
{
	switch (status) {
	case GNTST_okay:
		return 0;
	case GNTST_bad_domain:
		return -ESRCH;
	case GNTST_bad_gntref:
	case GNTST_bad_handle:
	case GNTST_bad_virt_addr:
	case GNTST_bad_dev_addr:
	case GNTST_bad_page:
	case GNTST_bad_copy_arg:
		return -EINVAL;
	case GNTST_permission_denied:
		return -EPERM;
	case GNTST_no_device_space:
	case GNTST_no_space:
		return -ENOSPC;
	case GNTST_eagain:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

/**
 * xpv_gnttab_map() - GNTTABOP_map_grant_ref on a batch, retrying EAGAIN
 * @ops: prepared operations (host_addr is the guest physical address)
 * @count: how many
 *
 * Each op's status is set; failed ones have no mapping.
 *
 * Return: 0 when every op succeeded, else the errno of the first failure.
 */
int xpv_gnttab_map(struct gnttab_map_grant_ref *ops, unsigned int count)
{
	unsigned int i, tries;
	int rc, err = 0;

	rc = xpv_grant_table_op(GNTTABOP_map_grant_ref, ops, count);
	if (rc)
		return rc;
	for (i = 0; i < count; i++) {
		for (tries = 0; ops[i].status == GNTST_eagain && tries < 10;
		     tries++) {
			msleep(1 << tries);
			rc = xpv_grant_table_op(GNTTABOP_map_grant_ref,
						&ops[i], 1);
			if (rc)
				return rc;
		}
		if (!err)
			err = gnt_status_errno(ops[i].status);
	}
	return err;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_map);

/**
 * xpv_gnttab_unmap() - GNTTABOP_unmap_grant_ref on a batch
 * @ops: operations (host_addr and handle from the map)
 * @count: how many
 *
 * Return: 0 when every op succeeded, else the errno of the first failure;
 * a page whose unmap failed must not be reused or freed.
 */
int xpv_gnttab_unmap(struct gnttab_unmap_grant_ref *ops, unsigned int count)
{
	unsigned int i;
	int rc;

	rc = xpv_grant_table_op(GNTTABOP_unmap_grant_ref, ops, count);
	if (rc)
		return rc;
	for (i = 0; i < count; i++)
		if (ops[i].status != GNTST_okay)
			return gnt_status_errno(ops[i].status);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_unmap);

/**
 * xpv_gnttab_map_page() - map one foreign grant into a page
 * @domid: the granting domain
 * @ref: its grant reference
 * @page: a page from xpv_gnttab_alloc_pages()
 * @readonly: map read-only
 * @handle: receives the handle for xpv_gnttab_unmap_page()
 *
 * Return: 0 or a negative errno.
 */
int xpv_gnttab_map_page(domid_t domid, grant_ref_t ref, struct page *page,
			bool readonly, grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (u64)page_to_pfn(page) << PAGE_SHIFT,
		.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
		.ref = ref,
		.dom = domid,
	};
	int err;

	err = xpv_gnttab_map(&op, 1);
	if (!err)
		*handle = op.handle;
	return err;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_map_page);

/**
 * xpv_gnttab_unmap_page() - undo xpv_gnttab_map_page()
 * @page: the page
 * @handle: the handle from the map
 *
 * Return: 0 or a negative errno.
 */
int xpv_gnttab_unmap_page(struct page *page, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (u64)page_to_pfn(page) << PAGE_SHIFT,
		.handle = handle,
	};

	return xpv_gnttab_unmap(&op, 1);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_unmap_page);

/**
 * xpv_gnttab_copy() - GNTTABOP_copy on a batch, retrying EAGAIN
 * @ops: prepared copies (each within one page on both sides)
 * @count: how many
 *
 * Return: 0 when every copy succeeded, else the errno of the first
 * failure; each op's status tells which.
 */
int xpv_gnttab_copy(struct gnttab_copy *ops, unsigned int count)
{
	unsigned int i, tries;
	int rc, err = 0;

	rc = xpv_grant_table_op(GNTTABOP_copy, ops, count);
	if (rc)
		return rc;
	for (i = 0; i < count; i++) {
		for (tries = 0; ops[i].status == GNTST_eagain && tries < 10;
		     tries++) {
			msleep(1 << tries);
			rc = xpv_grant_table_op(GNTTABOP_copy, &ops[i], 1);
			if (rc)
				return rc;
		}
		if (!err)
			err = gnt_status_errno(ops[i].status);
	}
	return err;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_copy);

/* -------------------------------------------------------------- resume */

/**
 * xpv_gnttab_resume() - give the grant frames back to a restored domain
 *
 * The new domain's grant table is empty and mapped nowhere: put each frame
 * we had back where it was (the pages are still ours).  Its entries are
 * all zero, so every reference still allocated grants nothing and revoking
 * it succeeds at once; the front ends grant again what they still need.
 * Revocations deferred before the suspend now succeed too.
 */
void xpv_gnttab_resume(void)
{
	unsigned int i;
	int rc;

	if (!READ_ONCE(gnt_ready))
		return;
	for (i = 0; i < gnt_nr_frames; i++) {
		struct xen_add_to_physmap xatp = {
			.domid = DOMID_SELF,
			.space = XENMAPSPACE_grant_table,
			.idx = i,
			.gpfn = PHYS_PFN(__pa(gnt_frames[i])),
		};

		rc = xpv_memory_op(XENMEM_add_to_physmap, &xatp);
		if (rc)
			pr_err("grant frame %u not mapped again after resume: %d\n",
			       i, rc);
	}
	pr_info("grant table: %u frames mapped again\n", gnt_nr_frames);
}

/* ---------------------------------------------------------------- init */

static int __init xpv_gnttab_init(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	unsigned int cap, initial;
	u32 *next;
	u8 *state;
	int rc;

	if (!xpv_domain())
		return -ENODEV;
	rc = xpv_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc || q.status != GNTST_okay || !q.max_nr_frames) {
		pr_err("GNTTABOP_query_size failed: rc %d status %d\n",
		       rc, q.status);
		return -ENODEV;
	}
	gnt_max_frames = min(q.max_nr_frames, GNT_MAX_FRAMES);
	cap = gnt_max_frames * GNT_PER_FRAME;
	gnt_frames = kcalloc(gnt_max_frames, sizeof(*gnt_frames), GFP_KERNEL);
	next = vzalloc(array_size(cap, sizeof(*next)));
	state = vzalloc(cap);
	if (!gnt_frames || !next || !state) {
		rc = -ENOMEM;
		goto out_free;
	}
	rc = xpv_gref_pool_init(&gnt_pool, next, state, cap,
				GNTTAB_NR_RESERVED_ENTRIES);
	if (rc)
		goto out_free;

	/* Map the frames Xen already has (at least one, for the reserved). */
	initial = clamp(q.nr_frames, 1U, gnt_max_frames);
	rc = gnt_map_frames(0, initial, GFP_KERNEL);
	if (rc < 0)
		goto out_free;
	gnt_nr_frames = rc;
	rc = xpv_gref_pool_grow(&gnt_pool, gnt_nr_frames * GNT_PER_FRAME);
	if (rc)
		goto out_free;
	WRITE_ONCE(gnt_ready, true);
	pr_info("grant table v1: %u of at most %u frames, %u references free\n",
		gnt_nr_frames, gnt_max_frames, gnt_pool.nr_free);
	return 0;

out_free:
	/* Frames already given to Xen stay allocated (see gnt_map_frames). */
	vfree(state);
	vfree(next);
	kfree(gnt_frames);
	gnt_frames = NULL;
	return rc;
}
subsys_initcall(xpv_gnttab_init);
