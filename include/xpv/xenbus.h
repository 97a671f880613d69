/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: xenbus, the split-driver device model.
 *
 * A frontend device appears for each device/<type>/<id> node of this
 * domain, a backend device for each backend/<type>/<frontend-domid>/<id>
 * (driver domains). Devices come and go with those nodes (watched). A
 * node whose otherend details are missing or garbage is logged and skipped.
 *
 * The bus watches the other end's "state" node and calls the driver's
 * otherend_changed() from the xenwatch thread. Drivers decide what to do
 * with xpv_xenbus_front_action() / xpv_xenbus_back_action(), which
 * tolerate repeated, skipped and out-of-order states.
 */
#ifndef _XPV_XENBUS_H
#define _XPV_XENBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/io/xenbus.h>
#include <linux/interrupt.h>
#include <xpv/xenstore.h>

/* Largest ring a frontend may grant with xpv_xenbus_grant_ring(). */
#define XPV_XENBUS_MAX_RING_PAGES	16

#ifdef CONFIG_XEN
/* dom0-compat: the kernel's own xenbus types under xpv's names */
#include <xpv/compat/xenbus.h>
#else

/**
 * struct xpv_xenbus_device - one frontend or backend device
 * @devicetype: "vbd", "vif", ...
 * @nodename: our directory, e.g. "device/vif/0"
 * @otherend: the other end's directory (absolute path)
 * @otherend_id: the other end's domain id
 * @state: our state as last written by xpv_xenbus_switch_state()
 * @dev: the driver-model device
 * @otherend_watch: private: watch on <otherend>/state
 * @backend: private: which bus the device is on
 * @suspended: private: between the driver's suspend and resume; the other
 *	end's state changes are not passed on meanwhile
 */
struct xpv_xenbus_device {
	const char *devicetype;
	const char *nodename;
	const char *otherend;
	domid_t otherend_id;
	enum xenbus_state state;
	struct device dev;
	struct xpv_xs_watch otherend_watch;
	bool backend;
	bool suspended;
};

static inline struct xpv_xenbus_device *to_xpv_xenbus_device(struct device *d)
{
	return container_of(d, struct xpv_xenbus_device, dev);
}

/**
 * struct xpv_xenbus_device_id - a device type a driver handles
 * @devicetype: the type, e.g. "vif"
 */
struct xpv_xenbus_device_id {
	char devicetype[32];
};

/**
 * struct xpv_xenbus_driver - a frontend or backend driver
 * @name: driver name (defaults to the module name)
 * @ids: device types handled, ended by an empty entry
 * @probe: bind to a device; the other end's state watch is already set
 * @otherend_changed: the other end's state changed (xenwatch thread);
 *	@state is XenbusStateUnknown when the node vanished; invalid values
 *	are filtered out (logged) before this is called
 * @remove: unbind (device unplugged or driver unloaded)
 * @suspend: the domain is about to be suspended (save, migration): stop
 *	issuing work to the other end; what is in flight may stay there
 * @resume: the domain was restored into a new one: the other end, its
 *	rings, grants and event channels are gone (the device's other end
 *	was read again, our state is Initialising); connect again from
 *	scratch and replay what was in flight.  The other end's state changes
 *	follow, from the xenwatch thread
 * @suspend_cancel: the suspend was cancelled: the connection is intact,
 *	go on where @suspend stopped
 * @driver: private
 *
 * @suspend, @resume and @suspend_cancel are optional and run in process
 * context from the suspend worker, frontends only.
 */
struct xpv_xenbus_driver {
	const char *name;
	const struct xpv_xenbus_device_id *ids;
	int (*probe)(struct xpv_xenbus_device *dev,
		     const struct xpv_xenbus_device_id *id);
	void (*otherend_changed)(struct xpv_xenbus_device *dev,
				 enum xenbus_state state);
	void (*remove)(struct xpv_xenbus_device *dev);
	int (*suspend)(struct xpv_xenbus_device *dev);
	int (*resume)(struct xpv_xenbus_device *dev);
	void (*suspend_cancel)(struct xpv_xenbus_device *dev);
	struct device_driver driver;
};

static inline struct xpv_xenbus_driver *to_xpv_xenbus_driver(struct device_driver *d)
{
	return container_of(d, struct xpv_xenbus_driver, driver);
}

#endif /* CONFIG_XEN */

int __xpv_xenbus_register_frontend(struct xpv_xenbus_driver *drv,
				   struct module *owner, const char *modname);
int __xpv_xenbus_register_backend(struct xpv_xenbus_driver *drv,
				  struct module *owner, const char *modname);
#define xpv_xenbus_register_frontend(drv) \
	__xpv_xenbus_register_frontend(drv, THIS_MODULE, KBUILD_MODNAME)
#define xpv_xenbus_register_backend(drv) \
	__xpv_xenbus_register_backend(drv, THIS_MODULE, KBUILD_MODNAME)
void xpv_xenbus_unregister_driver(struct xpv_xenbus_driver *drv);

/**
 * module_xpv_xenbus_backend() - a module whose init and exit only register
 * and unregister one back-end driver
 * @drv: the struct xpv_xenbus_driver
 */
#define module_xpv_xenbus_backend(drv) \
	module_driver(drv, xpv_xenbus_register_backend, \
		      xpv_xenbus_unregister_driver)

int xpv_xenbus_switch_state(struct xpv_xenbus_device *dev,
			    enum xenbus_state state);
enum xenbus_state xpv_xenbus_read_otherend_state(struct xpv_xenbus_device *dev);
int xpv_xenbus_front_action(enum xenbus_state self, enum xenbus_state peer);
int xpv_xenbus_back_action(enum xenbus_state self, enum xenbus_state peer);
const char *xpv_xenbus_state_name(enum xenbus_state state);

int xpv_xenbus_grant_ring(struct xpv_xenbus_device *dev, void *vaddr,
			  unsigned int nr_pages, grant_ref_t *grefs);
void xpv_xenbus_ungrant_ring(struct xpv_xenbus_device *dev,
			     grant_ref_t *grefs, unsigned int nr_pages);
int xpv_xenbus_map_ring(struct xpv_xenbus_device *dev, const grant_ref_t *grefs,
			unsigned int nr_pages, void **vaddr);
void xpv_xenbus_unmap_ring(struct xpv_xenbus_device *dev, void *vaddr);
int xpv_xenbus_alloc_evtchn(struct xpv_xenbus_device *dev,
			    evtchn_port_t *port);
int xpv_xenbus_free_evtchn(struct xpv_xenbus_device *dev, evtchn_port_t port);

/*
 * Ring endpoints: what every split driver (blk, net) does with a shared
 * ring and its event channel, written once (drivers/xen/xenbus_ring.c,
 * compiled into both providers on top of the calls above).
 *
 * Key names are the driver's ("ring-ref" for blkif, "tx-ring-ref" and
 * "rx-ring-ref" for netif; "event-channel", "event-channel-tx", ...).
 * @dir is the per-queue directory from xpv_xenbus_queue_dir(): "" or
 * "queue-N/", relative to our node (front end) or the other end's node
 * (back end).
 */

/**
 * struct xpv_front_ring - ring pages a front end grants to its back end
 * @pages: first of 1 << @order pages (split: each is freed on its own)
 * @sring: their kernel address, zeroed at allocation
 * @order: log2 of the page count (0..XPV_XENBUS_MAX_RING_ORDER)
 * @gref: one grant per page, 0 where not granted
 */
struct xpv_front_ring {
	struct page *pages;
	void *sring;
	unsigned int order;
	grant_ref_t gref[XPV_XENBUS_MAX_RING_PAGES];
};

#define XPV_XENBUS_MAX_RING_ORDER	4

/**
 * struct xpv_ring_evtchn - an event channel bound to an irq
 * @port: our port, 0 when none
 * @irq: the irq it is bound to, 0 when not bound
 */
struct xpv_ring_evtchn {
	evtchn_port_t port;
	int irq;
};

int xpv_front_ring_alloc(struct xpv_xenbus_device *dev,
			 struct xpv_front_ring *ring, unsigned int order);
void xpv_front_ring_free(struct xpv_front_ring *ring);
int xpv_front_ring_publish(struct xpv_xbt t, struct xpv_xenbus_device *dev,
			   const char *dir, const char *key,
			   const struct xpv_front_ring *ring, bool order_keys);
int xpv_front_evtchn_bind(struct xpv_xenbus_device *dev,
			  struct xpv_ring_evtchn *ev, irq_handler_t handler,
			  const char *name, void *data);
int xpv_front_evtchn_publish(struct xpv_xbt t, struct xpv_xenbus_device *dev,
			     const char *dir, const char *key,
			     const struct xpv_ring_evtchn *ev);

int xpv_back_ring_map(struct xpv_xenbus_device *dev, const char *dir,
		      const char *key, unsigned int order, bool order_keys,
		      void **vaddr);
void xpv_back_ring_unmap(struct xpv_xenbus_device *dev, void **vaddr);
int xpv_back_evtchn_bind(struct xpv_xenbus_device *dev, const char *dir,
			 const char *key, struct xpv_ring_evtchn *ev,
			 irq_handler_t handler, const char *name, void *data);

void xpv_ring_evtchn_close(struct xpv_xenbus_device *dev,
			   struct xpv_ring_evtchn *ev, void *data);

/* Key readers and names shared by every driver. */
int xpv_xenbus_queue_dir(char *buf, size_t size, unsigned int nr_queues,
			 unsigned int index);
int xpv_xenbus_read_opt(struct xpv_xenbus_device *dev, const char *base,
			const char *dir, const char *key, u64 max, u64 def,
			u64 *val);
bool xpv_xenbus_read_flag(struct xpv_xenbus_device *dev, const char *base,
			  const char *dir, const char *key);

__printf(3, 4)
void xpv_xenbus_dev_error(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...);
__printf(3, 4)
void xpv_xenbus_dev_fatal(struct xpv_xenbus_device *dev, int err,
			  const char *fmt, ...);

/*
 * Driver plumbing every split driver shares, written once
 * (drivers/xen/xenbus_driver.c, compiled into both providers on top of
 * the calls above).
 */

/**
 * struct xpv_xenbus_front_ops - a front end's steps, for xpv_xenbus_front_changed()
 * @setup: the back end is in InitWait: build and publish the rings;
 *	return 0 when set up (and switched state), or a negative errno
 * @connect: the back end is Connected: start the device
 * @close: the back end is Closing (@bstate), Closed or gone: stop and
 *	switch state
 * @connected: optional: both ends are and stay Connected (a repeated
 *	Connected, e.g. the back end announcing a new size)
 */
struct xpv_xenbus_front_ops {
	int (*setup)(void *data);
	void (*connect)(void *data);
	void (*close)(void *data, enum xenbus_state bstate);
	void (*connected)(void *data);
};

/**
 * struct xpv_xenbus_back_ops - a back end's steps, for xpv_xenbus_back_changed()
 * @connect: the front end is Initialised or Connected: connect when our
 *	side is ready too
 * @disconnect: the front end closes or is gone: unmap and unbind
 *	everything (the state switch follows)
 */
struct xpv_xenbus_back_ops {
	void (*connect)(void *data);
	void (*disconnect)(void *data);
};

int xpv_xenbus_publish(struct xpv_xenbus_device *dev,
		       int (*write)(struct xpv_xbt t, void *data,
				    const char **what),
		       void *data);
void xpv_xenbus_front_changed(struct xpv_xenbus_device *dev,
			      enum xenbus_state bstate,
			      const struct xpv_xenbus_front_ops *ops,
			      void *data);
void xpv_xenbus_back_changed(struct xpv_xenbus_device *dev,
			     enum xenbus_state fstate,
			     const struct xpv_xenbus_back_ops *ops,
			     void *data);
int xpv_xenbus_back_probe_finish(struct xpv_xenbus_device *dev,
				 struct xpv_xs_watch *watch, bool *watching,
				 const char *key,
				 void (*cb)(struct xpv_xs_watch *watch,
					    const char *path,
					    const char *token),
				 void (*changed)(struct xpv_xenbus_device *dev,
						 enum xenbus_state state));

/* Values of xpv_xenbus_front_action() / xpv_xenbus_back_action(). */
enum {
	XPV_XENBUS_NONE,
	XPV_XENBUS_SETUP,
	XPV_XENBUS_CONNECT,
	XPV_XENBUS_SETUP_CONNECT,
	XPV_XENBUS_CLOSE,
	XPV_XENBUS_TEARDOWN,
	XPV_XENBUS_REINIT,
	XPV_XENBUS_ERROR,
};

#endif /* _XPV_XENBUS_H */
