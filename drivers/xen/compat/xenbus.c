// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: xenbus over the kernel's own.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <xen/xenbus.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xpv/xenbus.h>

int __xpv_xenbus_register_frontend(struct xpv_xenbus_driver *drv,
				   struct module *owner, const char *modname)
{
	return __xenbus_register_frontend(drv, owner, modname);
}
EXPORT_SYMBOL_GPL(__xpv_xenbus_register_frontend);

int __xpv_xenbus_register_backend(struct xpv_xenbus_driver *drv,
				  struct module *owner, const char *modname)
{
	return __xenbus_register_backend(drv, owner, modname);
}
EXPORT_SYMBOL_GPL(__xpv_xenbus_register_backend);

void xpv_xenbus_unregister_driver(struct xpv_xenbus_driver *drv)
{
	xenbus_unregister_driver(drv);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_unregister_driver);

int xpv_xenbus_switch_state(struct xpv_xenbus_device *dev,
			    enum xenbus_state state)
{
	return xenbus_switch_state(dev, state);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_switch_state);

enum xenbus_state xpv_xenbus_read_otherend_state(struct xpv_xenbus_device *dev)
{
	return xenbus_read_driver_state(dev->otherend);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_read_otherend_state);

int xpv_xenbus_grant_ring(struct xpv_xenbus_device *dev, void *vaddr,
			  unsigned int nr_pages, grant_ref_t *grefs)
{
	unsigned int i;
	int ref;

	for (i = 0; i < nr_pages; i++) {
		ref = gnttab_grant_foreign_access(dev->otherend_id,
						  virt_to_gfn(vaddr + i * PAGE_SIZE),
						  0);
		if (ref < 0) {
			xenbus_dev_fatal(dev, ref, "granting ring page %u", i);
			xpv_xenbus_ungrant_ring(dev, grefs, i);
			return ref;
		}
		grefs[i] = ref;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_grant_ring);

void xpv_xenbus_ungrant_ring(struct xpv_xenbus_device *dev,
			     grant_ref_t *grefs, unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		if (gnttab_end_foreign_access_ref(grefs[i]))
			gnttab_free_grant_reference(grefs[i]);
		else
			dev_warn(&dev->dev, "ring page %u still mapped by the peer: leaking it\n",
				 i);
		grefs[i] = INVALID_GRANT_REF;
	}
}
EXPORT_SYMBOL_GPL(xpv_xenbus_ungrant_ring);

int xpv_xenbus_map_ring(struct xpv_xenbus_device *dev, const grant_ref_t *grefs,
			unsigned int nr_pages, void **vaddr)
{
	grant_ref_t refs[XENBUS_MAX_RING_GRANTS];

	if (!nr_pages || nr_pages > XENBUS_MAX_RING_GRANTS)
		return -EINVAL;
	memcpy(refs, grefs, nr_pages * sizeof(*refs));
	return xenbus_map_ring_valloc(dev, refs, nr_pages, vaddr);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_map_ring);

void xpv_xenbus_unmap_ring(struct xpv_xenbus_device *dev, void *vaddr)
{
	xenbus_unmap_ring_vfree(dev, vaddr);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_unmap_ring);

int xpv_xenbus_alloc_evtchn(struct xpv_xenbus_device *dev,
			    evtchn_port_t *port)
{
	return xenbus_alloc_evtchn(dev, port);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_alloc_evtchn);

int xpv_xenbus_free_evtchn(struct xpv_xenbus_device *dev, evtchn_port_t port)
{
	return xenbus_free_evtchn(dev, port);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_free_evtchn);

/* The kernel's reporters take a format of their own: hand them the text. */
static void compat_report(struct xpv_xenbus_device *dev, int err, bool fatal,
			  const char *fmt, va_list ap)
{
	char *msg = kvasprintf(GFP_KERNEL, fmt, ap);
	const char *text = msg ? msg : "(no memory)";

	if (fatal)
		xenbus_dev_fatal(dev, err, "%s", text);
	else
		xenbus_dev_error(dev, err, "%s", text);
	kfree(msg);
}

void xpv_xenbus_dev_error(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compat_report(dev, err, false, fmt, ap);
	va_end(ap);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_dev_error);

void xpv_xenbus_dev_fatal(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compat_report(dev, err, true, fmt, ap);
	va_end(ap);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_dev_fatal);
