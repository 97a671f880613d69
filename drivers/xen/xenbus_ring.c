// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: ring endpoints, what every split driver (blk, net) does with a
 * shared ring and its event channel, and the key readers they share.
 *
 * Written once on top of the provider calls (xpv_xenbus_grant_ring(),
 * xpv_xenbus_map_ring(), xpv_evtchn_*(), xpv_xs_*()), so the same file is
 * compiled into the native provider and into the dom0-compat module.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

#include "proto/xenbus_keys.h"

static_assert(XPV_XENBUS_MAX_RING_PAGES == 1 << XPV_XENBUS_MAX_RING_ORDER);

/* ------------------------------------------------------------------ */
/* Front end: ring pages and their grants.                             */
/* ------------------------------------------------------------------ */

/**
 * xpv_front_ring_alloc() - allocate, zero and grant a front end's ring
 * @dev: the device; the other end (@dev->otherend_id) gets the grants
 * @ring: filled in; its previous contents are ignored
 * @order: log2 of the page count, 0..XPV_XENBUS_MAX_RING_ORDER
 *
 * The 1 << @order pages are physically contiguous, zeroed and split, so
 * each is freed on its own; each is granted read-write.
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal());
 * then nothing stays allocated or granted and @ring is zeroed.
 */
int xpv_front_ring_alloc(struct xpv_xenbus_device *dev,
			 struct xpv_front_ring *ring, unsigned int order)
{
	int err;

	memset(ring, 0, sizeof(*ring));
	if (order > XPV_XENBUS_MAX_RING_ORDER) {
		err = -EINVAL;
		goto out_report;
	}
	ring->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!ring->pages) {
		err = -ENOMEM;
		goto out_report;
	}
	split_page(ring->pages, order);
	ring->order = order;
	ring->sring = page_address(ring->pages);
	err = xpv_xenbus_grant_ring(dev, ring->sring, 1U << order, ring->gref);
	if (err) {
		/* Reported by the grant; nothing of it stays granted. */
		memset(ring->gref, 0, sizeof(ring->gref));
		xpv_front_ring_free(ring);
		return err;
	}
	return 0;

out_report:
	xpv_xenbus_dev_fatal(dev, err, "allocating a ring of order %u", order);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_front_ring_alloc);

/**
 * xpv_front_ring_free() - revoke a front end's ring and free its pages
 * @ring: from xpv_front_ring_alloc(), or zeroed
 *
 * A page the other end still maps is freed only once it lets go
 * (xpv_gnttab_end_access_and_free()), so the ring may be freed while the
 * back end is gone or misbehaving.  @ring is zeroed; calling this again,
 * or on a zeroed ring, does nothing.
 *
 * Context: process context.
 */
void xpv_front_ring_free(struct xpv_front_ring *ring)
{
	unsigned int i;

	if (ring->pages) {
		for (i = 0; i < 1U << ring->order; i++) {
			if (ring->gref[i])
				xpv_gnttab_end_access_and_free(ring->gref[i],
							       ring->pages + i);
			else
				__free_page(ring->pages + i);
		}
	}
	memset(ring, 0, sizeof(*ring));
}
EXPORT_SYMBOL_GPL(xpv_front_ring_free);

/**
 * xpv_front_ring_publish() - write a ring's grant references
 * @t: the transaction
 * @dev: the device; the keys go under @dev->nodename
 * @dir: "" or the queue directory from xpv_xenbus_queue_dir()
 * @key: the driver's key, e.g. "ring-ref"
 * @ring: the ring
 * @order_keys: write <dir><key>0 .. <dir><key>N-1 (the caller writes
 *	"ring-page-order"); false writes <dir><key> for a one-page ring
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (not reported: the caller aborts the
 * transaction and reports); -EINVAL for a ring of several pages without
 * @order_keys.
 */
int xpv_front_ring_publish(struct xpv_xbt t, struct xpv_xenbus_device *dev,
			   const char *dir, const char *key,
			   const struct xpv_front_ring *ring, bool order_keys)
{
	char node[XPV_XB_NODE_MAX];
	unsigned int i;
	int err;

	for (i = 0; i < 1U << ring->order; i++) {
		err = xpv_xb_ring_ref_node(node, sizeof(node), dir, key,
					   ring->order, order_keys, i);
		if (err)
			return err;
		err = xpv_xs_printf(t, dev->nodename, node, "%u",
				    ring->gref[i]);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_front_ring_publish);

/* ------------------------------------------------------------------ */
/* Event channels.                                                     */
/* ------------------------------------------------------------------ */

/**
 * xpv_front_evtchn_bind() - allocate and bind a front end's event channel
 * @dev: the device; the port is allocated for @dev->otherend_id
 * @ev: filled in (port and irq)
 * @handler: the interrupt handler; the port is bound with late EOI, so the
 *	handler (or the work it starts) calls xpv_evtchn_lateeoi()
 * @name: the irq's name; must stay valid while bound
 * @data: the handler's dev_id, given again to xpv_ring_evtchn_close()
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal());
 * then no port stays allocated and @ev is zeroed.
 */
int xpv_front_evtchn_bind(struct xpv_xenbus_device *dev,
			  struct xpv_ring_evtchn *ev, irq_handler_t handler,
			  const char *name, void *data)
{
	int irq, err;

	memset(ev, 0, sizeof(*ev));
	err = xpv_xenbus_alloc_evtchn(dev, &ev->port);	/* reports */
	if (err) {
		ev->port = 0;
		return err;
	}
	irq = xpv_evtchn_bind_lateeoi(ev->port, handler, 0, name, data);
	if (irq < 0) {
		xpv_xenbus_free_evtchn(dev, ev->port);
		xpv_xenbus_dev_fatal(dev, irq, "binding event channel %u",
				     ev->port);
		ev->port = 0;
		return irq;
	}
	ev->irq = irq;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_front_evtchn_bind);

/**
 * xpv_front_evtchn_publish() - write a front end's port
 * @t: the transaction
 * @dev: the device; the key goes under @dev->nodename
 * @dir: "" or the queue directory
 * @key: e.g. "event-channel"
 * @ev: the bound channel
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (not reported).
 */
int xpv_front_evtchn_publish(struct xpv_xbt t, struct xpv_xenbus_device *dev,
			     const char *dir, const char *key,
			     const struct xpv_ring_evtchn *ev)
{
	char node[XPV_XB_NODE_MAX];
	int err;

	err = xpv_xb_node(node, sizeof(node), dir, key);
	if (err)
		return err;
	return xpv_xs_printf(t, dev->nodename, node, "%u", ev->port);
}
EXPORT_SYMBOL_GPL(xpv_front_evtchn_publish);

/**
 * xpv_back_evtchn_bind() - bind to the port a front end published
 * @dev: the device
 * @dir: "" or the queue directory (under @dev->otherend)
 * @key: e.g. "event-channel"
 * @ev: filled in: our local port and its irq
 * @handler: the interrupt handler (late EOI, see xpv_front_evtchn_bind())
 * @name: the irq's name; must stay valid while bound
 * @data: the handler's dev_id, given again to xpv_ring_evtchn_close()
 *
 * The port is the front end's (untrusted) value: anything but a number
 * of at most 32 bits is refused; the hypervisor checks the rest.
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal(),
 * naming the key); then @ev is zeroed.
 */
int xpv_back_evtchn_bind(struct xpv_xenbus_device *dev, const char *dir,
			 const char *key, struct xpv_ring_evtchn *ev,
			 irq_handler_t handler, const char *name, void *data)
{
	char node[XPV_XB_NODE_MAX];
	u64 port;
	int irq, err;

	memset(ev, 0, sizeof(*ev));
	err = xpv_xb_node(node, sizeof(node), dir, key);
	if (!err)
		err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, node,
				       U32_MAX, &port);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading %s/%s", dev->otherend,
				     node);
		return err;
	}
	irq = xpv_evtchn_bind_interdomain_lateeoi(dev->otherend_id, port,
						  handler, 0, name, data);
	if (irq < 0) {
		xpv_xenbus_dev_fatal(dev, irq, "binding to %s/%s (port %llu)",
				     dev->otherend, node, port);
		return irq;
	}
	ev->irq = irq;
	ev->port = xpv_evtchn_from_irq(irq);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_back_evtchn_bind);

/**
 * xpv_ring_evtchn_close() - unbind and close an endpoint's event channel
 * @dev: the device
 * @ev: from xpv_front_evtchn_bind() or xpv_back_evtchn_bind(), or zeroed
 * @data: the dev_id it was bound with
 *
 * A bound port is unbound (which closes it); a port allocated but never
 * bound is freed.  @ev is zeroed; calling this again does nothing.
 *
 * Context: process context (waits for a running handler).
 */
void xpv_ring_evtchn_close(struct xpv_xenbus_device *dev,
			   struct xpv_ring_evtchn *ev, void *data)
{
	if (ev->irq > 0)
		xpv_evtchn_unbind(ev->irq, data);
	else if (ev->port)
		xpv_xenbus_free_evtchn(dev, ev->port);
	memset(ev, 0, sizeof(*ev));
}
EXPORT_SYMBOL_GPL(xpv_ring_evtchn_close);

/* ------------------------------------------------------------------ */
/* Back end: mapping the front end's ring.                             */
/* ------------------------------------------------------------------ */

/**
 * xpv_back_ring_map() - map the ring a front end granted
 * @dev: the device
 * @dir: "" or the queue directory (under @dev->otherend)
 * @key: the driver's key, e.g. "ring-ref"
 * @order: log2 of the page count, already validated against what we offer
 *	(0..XPV_XENBUS_MAX_RING_ORDER)
 * @order_keys: the references are named <key>0.. (the front end wrote a
 *	ring-page-order), else <key> for a one-page ring
 * @vaddr: receives the virtually contiguous mapping; NULL on failure
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno (reported with xpv_xenbus_dev_fatal(),
 * naming the key that was missing or malformed); nothing stays mapped.
 */
int xpv_back_ring_map(struct xpv_xenbus_device *dev, const char *dir,
		      const char *key, unsigned int order, bool order_keys,
		      void **vaddr)
{
	grant_ref_t grefs[XPV_XENBUS_MAX_RING_PAGES];
	char node[XPV_XB_NODE_MAX];
	unsigned int i;
	u64 v;
	int err;

	*vaddr = NULL;
	if (order > XPV_XENBUS_MAX_RING_ORDER || (order && !order_keys)) {
		xpv_xenbus_dev_fatal(dev, -EINVAL,
				     "ring of order %u for %s%s", order,
				     dir ? dir : "", key);
		return -EINVAL;
	}
	for (i = 0; i < 1U << order; i++) {
		err = xpv_xb_ring_ref_node(node, sizeof(node), dir, key, order,
					   order_keys, i);
		if (!err)
			err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, node,
					       U32_MAX, &v);
		if (err) {
			xpv_xenbus_dev_fatal(dev, err, "reading %s/%s",
					     dev->otherend, node);
			return err;
		}
		grefs[i] = v;
	}
	err = xpv_xenbus_map_ring(dev, grefs, 1U << order, vaddr);
	if (err)
		*vaddr = NULL;	/* reported by the map */
	return err;
}
EXPORT_SYMBOL_GPL(xpv_back_ring_map);

/**
 * xpv_back_ring_unmap() - undo xpv_back_ring_map()
 * @dev: the device
 * @vaddr: the mapping, or NULL; set to NULL
 *
 * Context: process context, may sleep.
 */
void xpv_back_ring_unmap(struct xpv_xenbus_device *dev, void **vaddr)
{
	if (*vaddr)
		xpv_xenbus_unmap_ring(dev, *vaddr);
	*vaddr = NULL;
}
EXPORT_SYMBOL_GPL(xpv_back_ring_unmap);

/* ------------------------------------------------------------------ */
/* Key names and readers.                                              */
/* ------------------------------------------------------------------ */

/**
 * xpv_xenbus_queue_dir() - the directory of one queue's keys
 * @buf: destination
 * @size: its size
 * @nr_queues: the queue count in use; 0 or 1 means keys at the top level
 * @index: the queue, below @nr_queues
 *
 * Writes "" when @nr_queues <= 1, else "queue-<index>/".
 *
 * Return: 0; -EINVAL for an @index out of range; -ENOSPC when @buf is too
 * small.
 */
int xpv_xenbus_queue_dir(char *buf, size_t size, unsigned int nr_queues,
			 unsigned int index)
{
	return xpv_xb_queue_dir(buf, size, nr_queues, index);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_queue_dir);

/**
 * xpv_xenbus_read_opt() - read an optional numeric key
 * @dev: the device (for the log)
 * @base: the directory, usually @dev->otherend or @dev->nodename
 * @dir: "" or a queue directory; NULL means ""
 * @key: the key
 * @max: largest value accepted
 * @def: the value when the key is absent
 * @val: the value; @def on any error too
 *
 * The value must be plain decimal digits (xpv_xs_read_uint()).
 *
 * Context: process context, may sleep.
 * Return: 0 when present and valid, or absent; a negative errno when
 * present but malformed or above @max (logged with the key's path).
 */
int xpv_xenbus_read_opt(struct xpv_xenbus_device *dev, const char *base,
			const char *dir, const char *key, u64 max, u64 def,
			u64 *val)
{
	char node[XPV_XB_NODE_MAX];
	int err;

	err = xpv_xb_node(node, sizeof(node), dir, key);
	if (!err)
		err = xpv_xs_read_uint(XPV_XBT_NIL, base, node, max, val);
	if (err == -ENOENT) {
		*val = def;
		return 0;
	}
	if (err) {
		*val = def;
		dev_warn(&dev->dev, "%s/%s: invalid (%d)\n", base, node, err);
	}
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_read_opt);

/**
 * xpv_xenbus_read_flag() - read an optional boolean key (a feature flag)
 * @dev: the device (for the log)
 * @base: the directory, usually @dev->otherend
 * @dir: "" or a queue directory; NULL means ""
 * @key: the key
 *
 * Context: process context, may sleep.
 * Return: true only when the key holds a valid non-zero number; absent or
 * malformed (logged) counts as false.
 */
bool xpv_xenbus_read_flag(struct xpv_xenbus_device *dev, const char *base,
			  const char *dir, const char *key)
{
	u64 v;

	return !xpv_xenbus_read_opt(dev, base, dir, key, U64_MAX, 0, &v) && v;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_read_flag);
