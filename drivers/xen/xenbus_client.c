// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: xenbus helpers for frontend and backend drivers: state switching,
 * the other end's state, rings, event channels and error reports.
 */
#define pr_fmt(fmt) "xpv-xenbus: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

#include "proto/unmap_all.h"
#include "proto/xenbus_state.h"

/**
 * xpv_xenbus_switch_state() - publish our new state in <nodename>/state
 * @dev: the device
 * @state: the new state
 *
 * Does nothing when @state is already published. The write is skipped if
 * the device's directory is gone (the toolstack removed the device), so
 * we never recreate it.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int xpv_xenbus_switch_state(struct xpv_xenbus_device *dev,
			    enum xenbus_state state)
{
	struct xpv_xbt t;
	int err;

	if (state == dev->state)
		return 0;
again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		goto out_error;
	if (!xpv_xs_exists(t, dev->nodename, "")) {
		xpv_xs_transaction_end(t, true);
		dev->state = state;
		return 0;
	}
	err = xpv_xs_printf(t, dev->nodename, "state", "%d", state);
	if (err) {
		xpv_xs_transaction_end(t, true);
		goto out_error;
	}
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN)
		goto again;
	if (err)
		goto out_error;
	dev_dbg(&dev->dev, "state %s -> %s\n", xpv_xb_state_name(dev->state),
		xpv_xb_state_name(state));
	dev->state = state;
	return 0;

out_error:
	/* Not dev_fatal: that switches state and could recurse. */
	dev_err(&dev->dev, "cannot switch to %s: %d\n",
		xpv_xb_state_name(state), err);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_switch_state);

/**
 * xpv_xenbus_read_otherend_state() - read the other end's state
 * @dev: the device
 *
 * Return: the state; XenbusStateUnknown when the node is missing or does
 * not hold a valid state (garbage is logged).
 */
enum xenbus_state xpv_xenbus_read_otherend_state(struct xpv_xenbus_device *dev)
{
	enum xenbus_state state;
	unsigned int len;
	char *val;

	val = xpv_xs_read(XPV_XBT_NIL, dev->otherend, "state", &len);
	if (IS_ERR(val))
		return XenbusStateUnknown;
	if (xpv_xb_parse_state(val, len, &state)) {
		dev_warn(&dev->dev, "%s/state holds garbage\n", dev->otherend);
		state = XenbusStateUnknown;
	}
	kfree(val);
	return state;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_read_otherend_state);

static void xb_report(struct xpv_xenbus_device *dev, int err, const char *fmt,
		      va_list ap)
{
	char *msg, *path;

	msg = kvasprintf(GFP_KERNEL, fmt, ap);
	dev_err(&dev->dev, "error %d: %s\n", err, msg ? msg : "(no memory)");
	if (!msg)
		return;
	path = kasprintf(GFP_KERNEL, "error/%s", dev->nodename);
	if (path) {
		if (xpv_xs_printf(XPV_XBT_NIL, path, "error", "%d %s", -err, msg))
			dev_err(&dev->dev, "cannot write %s/error\n", path);
		kfree(path);
	}
	kfree(msg);
}

/**
 * xpv_xenbus_dev_error() - report an error in error/<nodename>/error
 * @dev: the device
 * @err: negative errno
 * @fmt: message format
 *
 * The toolstack shows the message (e.g. `xl` when a device fails).
 */
void xpv_xenbus_dev_error(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xb_report(dev, err, fmt, ap);
	va_end(ap);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_dev_error);

/**
 * xpv_xenbus_dev_fatal() - report an error and switch to Closing
 * @dev: the device
 * @err: negative errno
 * @fmt: message format
 */
void xpv_xenbus_dev_fatal(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xb_report(dev, err, fmt, ap);
	va_end(ap);
	xpv_xenbus_switch_state(dev, XenbusStateClosing);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_dev_fatal);

/**
 * xpv_xenbus_grant_ring() - grant the other end access to a ring
 * @dev: the device (the other end gets the grants)
 * @vaddr: the ring, page aligned, @nr_pages long (kmalloc, page allocator
 *	or vmalloc memory); zero it before granting
 * @nr_pages: 1 .. XPV_XENBUS_MAX_RING_PAGES
 * @grefs: receives one reference per page
 *
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal();
 * nothing stays granted).
 */
int xpv_xenbus_grant_ring(struct xpv_xenbus_device *dev, void *vaddr,
			  unsigned int nr_pages, grant_ref_t *grefs)
{
	unsigned int i;
	int err;

	if (!nr_pages || nr_pages > XPV_XENBUS_MAX_RING_PAGES ||
	    offset_in_page(vaddr))
		return -EINVAL;
	err = xpv_gnttab_alloc_refs(nr_pages, grefs);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "granting a %u-page ring",
				     nr_pages);
		return err;
	}
	for (i = 0; i < nr_pages; i++)
		xpv_gnttab_grant_access_ref(grefs[i], dev->otherend_id,
					    xpv_gnttab_page_gfn(vaddr + i * PAGE_SIZE),
					    false);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_grant_ring);

/**
 * xpv_xenbus_ungrant_ring() - revoke a ring's grants
 * @dev: the device
 * @grefs: the references from xpv_xenbus_grant_ring()
 * @nr_pages: how many
 *
 * A grant the other end still maps is revoked later (deferred); the ring
 * memory must then not be freed by the caller: free rings only after the
 * other end has closed (state Closed), when its mappings are gone.
 */
void xpv_xenbus_ungrant_ring(struct xpv_xenbus_device *dev,
			     grant_ref_t *grefs, unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++)
		xpv_gnttab_end_access_and_free(grefs[i], NULL);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_ungrant_ring);

struct xb_ring_map {
	struct list_head list;
	void *vaddr;
	unsigned int nr;
	struct page *pages[XPV_XENBUS_MAX_RING_PAGES];
	grant_handle_t handles[XPV_XENBUS_MAX_RING_PAGES];
};

static LIST_HEAD(xb_ring_maps);
static DEFINE_SPINLOCK(xb_ring_maps_lock);
static atomic_t xb_ring_frames_leaked = ATOMIC_INIT(0);

/*
 * xpv.ring_frames_leaked (read-only): ring frames kept because unmapping
 * the other end's grant failed (they are never reused).
 */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xpv."

static int xb_leaked_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&xb_ring_frames_leaked));
}

static const struct kernel_param_ops xb_leaked_ops = {
	.get = xb_leaked_get,
};
module_param_cb(ring_frames_leaked, &xb_leaked_ops, NULL, 0444);
MODULE_PARM_DESC(ring_frames_leaked,
		 "Ring frames kept because a grant unmap failed (read-only)");

static int xb_unmap_one(void *ctx, unsigned int i)
{
	struct xb_ring_map *m = ctx;

	return xpv_gnttab_unmap_page(m->pages[i], m->handles[i]);
}

/*
 * Unmap the first @mapped pages of @m, all of them whatever fails, and
 * free every frame that maps nothing: those unmapped and those never
 * mapped (@mapped .. m->nr - 1).  A frame whose unmap failed is kept
 * for good, counted and reported.
 */
static void xb_ring_unmap_pages(struct xpv_xenbus_device *dev,
				struct xb_ring_map *m, unsigned int mapped)
{
	unsigned int ok[XPV_XENBUS_MAX_RING_PAGES], nr_ok, failed, i;
	struct page *free[XPV_XENBUS_MAX_RING_PAGES];

	failed = xpv_unmap_all(mapped, xb_unmap_one, m, ok, &nr_ok);
	for (i = 0; i < nr_ok; i++)
		free[i] = m->pages[ok[i]];
	for (i = mapped; i < m->nr; i++)
		free[nr_ok++] = m->pages[i];
	if (nr_ok)
		xpv_gnttab_free_pages(nr_ok, free);
	if (failed) {
		atomic_add(failed, &xb_ring_frames_leaked);
		dev_err(&dev->dev,
			"%u of %u ring pages still mapped after unmap: frames leaked\n",
			failed, mapped);
	}
}

/**
 * xpv_xenbus_map_ring() - map the other end's ring (backends)
 * @dev: the device
 * @grefs: the other end's references, as read from xenstore
 * @nr_pages: 1 .. XPV_XENBUS_MAX_RING_PAGES (validate the peer's value!)
 * @vaddr: receives the virtually contiguous mapping
 *
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal();
 * nothing stays mapped).
 */
int xpv_xenbus_map_ring(struct xpv_xenbus_device *dev, const grant_ref_t *grefs,
			unsigned int nr_pages, void **vaddr)
{
	struct xb_ring_map *m;
	unsigned int i, mapped = 0;
	int err;

	if (!nr_pages || nr_pages > XPV_XENBUS_MAX_RING_PAGES)
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->nr = nr_pages;
	err = xpv_gnttab_alloc_pages(nr_pages, m->pages);
	if (err)
		goto out_free;
	for (i = 0; i < nr_pages; i++) {
		err = xpv_gnttab_map_page(dev->otherend_id, grefs[i],
					  m->pages[i], false, &m->handles[i]);
		if (err)
			goto out_unmap;
		mapped++;
	}
	m->vaddr = vmap(m->pages, nr_pages, VM_MAP, PAGE_KERNEL);
	if (!m->vaddr) {
		err = -ENOMEM;
		goto out_unmap;
	}
	spin_lock(&xb_ring_maps_lock);
	list_add(&m->list, &xb_ring_maps);
	spin_unlock(&xb_ring_maps_lock);
	*vaddr = m->vaddr;
	return 0;

out_unmap:
	xb_ring_unmap_pages(dev, m, mapped);
out_free:
	kfree(m);
	xpv_xenbus_dev_fatal(dev, err, "mapping a %u-page ring", nr_pages);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_map_ring);

/**
 * xpv_xenbus_unmap_ring() - undo xpv_xenbus_map_ring()
 * @dev: the device
 * @vaddr: the mapping
 */
void xpv_xenbus_unmap_ring(struct xpv_xenbus_device *dev, void *vaddr)
{
	struct xb_ring_map *m, *found = NULL;

	spin_lock(&xb_ring_maps_lock);
	list_for_each_entry(m, &xb_ring_maps, list) {
		if (m->vaddr == vaddr) {
			found = m;
			list_del(&m->list);
			break;
		}
	}
	spin_unlock(&xb_ring_maps_lock);
	if (!found) {
		dev_warn(&dev->dev, "unmap of an unknown ring\n");
		return;
	}
	vunmap(found->vaddr);
	xb_ring_unmap_pages(dev, found, found->nr);
	kfree(found);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_unmap_ring);

/**
 * xpv_xenbus_alloc_evtchn() - allocate an unbound port for the other end
 * @dev: the device
 * @port: receives the port
 *
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal()).
 */
int xpv_xenbus_alloc_evtchn(struct xpv_xenbus_device *dev,
			    evtchn_port_t *port)
{
	int err = xpv_evtchn_alloc_unbound(dev->otherend_id, port);

	if (err)
		xpv_xenbus_dev_fatal(dev, err, "allocating an event channel");
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_alloc_evtchn);

/**
 * xpv_xenbus_free_evtchn() - close a port from xpv_xenbus_alloc_evtchn()
 * @dev: the device
 * @port: the port (not bound to an irq; use xpv_evtchn_unbind() for those)
 *
 * Return: 0 or a negative errno.
 */
int xpv_xenbus_free_evtchn(struct xpv_xenbus_device *dev, evtchn_port_t port)
{
	int err = xpv_evtchn_close(port);

	if (err)
		xpv_xenbus_dev_error(dev, err, "closing event channel %u", port);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_free_evtchn);
