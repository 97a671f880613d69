/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv dom0-compat provider: the xenbus types are the kernel's own.
 *
 * Included by <xpv/xenbus.h> in a kernel built with CONFIG_XEN (a stock
 * dom0), where xpv's drivers sit on the kernel's own xenbus.  The kernel's
 * struct xenbus_device, xenbus_driver and xenbus_device_id have the fields
 * xpv drivers use (devicetype, nodename, otherend, otherend_id, state, dev;
 * name, ids, probe, otherend_changed, remove, driver), so xpv's names are
 * aliases of the kernel's and the calls are thin wrappers.
 */
#ifndef _XPV_COMPAT_XENBUS_H
#define _XPV_COMPAT_XENBUS_H

#include <xen/xenbus.h>

#define xpv_xenbus_device	xenbus_device
#define xpv_xenbus_driver	xenbus_driver
#define xpv_xenbus_device_id	xenbus_device_id

static inline struct xenbus_device *to_xpv_xenbus_device(struct device *d)
{
	return to_xenbus_device(d);
}

static inline struct xenbus_driver *to_xpv_xenbus_driver(struct device_driver *d)
{
	return container_of(d, struct xenbus_driver, driver);
}

#endif /* _XPV_COMPAT_XENBUS_H */
