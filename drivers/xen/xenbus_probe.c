// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: the xenbus frontend and backend buses.
 *
 * Frontend devices live under device/<type>/<id>, backend devices under
 * backend/<type>/<frontend-domid>/<id>, both relative to our domain's home
 * in xenstore. Each bus enumerates its subtree at start and then follows a
 * watch on its root: a node that appears is probed, one that disappears is
 * unregistered. A device's other end is found in its "backend" and
 * "backend-id" (frontend) or "frontend" and "frontend-id" (backend) nodes;
 * when they are missing or not well-formed the device is logged and
 * skipped. The other end's "state" node is watched for bound drivers.
 */
#define pr_fmt(fmt) "xpv-xenbus: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

#include "proto/xenbus_state.h"
#include "proto/xs_proto.h"
#include "xenbus_internal.h"

#define XB_NAME_MAX	64

struct xb_bus {
	struct bus_type bus;
	const char *root;		/* "device" or "backend" */
	unsigned int levels;		/* path components below the root */
	const char *otherend_key;	/* "backend" or "frontend" */
	bool backend;
	struct xpv_xs_watch watch;
	bool registered;
};

static struct xb_bus xb_front;
static struct xb_bus xb_back;

/* ------------------------------------------------------ driver binding */

static const struct xpv_xenbus_device_id *
xb_match_id(const struct xpv_xenbus_device_id *ids,
	    const struct xpv_xenbus_device *xdev)
{
	for (; ids && ids->devicetype[0]; ids++)
		if (!strcmp(ids->devicetype, xdev->devicetype))
			return ids;
	return NULL;
}

static int xb_match(struct device *dev, struct device_driver *drv)
{
	return xb_match_id(to_xpv_xenbus_driver(drv)->ids,
			   to_xpv_xenbus_device(dev)) != NULL;
}

static void xb_otherend_changed(struct xpv_xs_watch *watch, const char *path,
				const char *token)
{
	struct xpv_xenbus_device *xdev =
		container_of(watch, struct xpv_xenbus_device, otherend_watch);
	struct xpv_xenbus_driver *drv;
	enum xenbus_state state;
	unsigned int len;
	char *val;

	if (!xdev->dev.driver || READ_ONCE(xdev->suspended))
		return;
	drv = to_xpv_xenbus_driver(xdev->dev.driver);
	val = xpv_xs_read(XPV_XBT_NIL, xdev->otherend, "state", &len);
	if (IS_ERR(val)) {
		state = XenbusStateUnknown;
	} else {
		int err = xpv_xb_parse_state(val, len, &state);

		if (err) {
			dev_warn(&xdev->dev, "%s/state holds garbage \"%.16s\": ignored\n",
				 xdev->otherend, val);
			kfree(val);
			return;
		}
		kfree(val);
	}
	dev_dbg(&xdev->dev, "other end is %s, we are %s\n",
		xpv_xb_state_name(state), xpv_xb_state_name(xdev->state));
	if (drv->otherend_changed)
		drv->otherend_changed(xdev, state);
}

static int xb_probe(struct device *dev)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);
	struct xpv_xenbus_driver *drv = to_xpv_xenbus_driver(dev->driver);
	const struct xpv_xenbus_device_id *id;
	int err;

	id = xb_match_id(drv->ids, xdev);
	if (!id || !drv->probe)
		return -ENODEV;
	err = xpv_xs_watch_fmt(&xdev->otherend_watch, xb_otherend_changed,
			       "%s/state", xdev->otherend);
	if (err) {
		dev_err(dev, "cannot watch %s/state: %d\n", xdev->otherend, err);
		return err;
	}
	err = drv->probe(xdev, id);
	if (err) {
		xpv_xs_watch_unregister(&xdev->otherend_watch);
		xpv_xenbus_dev_fatal(xdev, err, "probing %s", xdev->nodename);
		return err;
	}
	return 0;
}

static void xb_remove(struct device *dev)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);
	struct xpv_xenbus_driver *drv = to_xpv_xenbus_driver(dev->driver);

	xpv_xs_watch_unregister(&xdev->otherend_watch);
	if (drv->remove)
		drv->remove(xdev);
	if (!xdev->backend)
		xpv_xenbus_switch_state(xdev, XenbusStateClosed);
}

static int xb_uevent(struct device *dev, struct kobj_uevent_env *env)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);

	if (add_uevent_var(env, "XPV_TYPE=%s", xdev->devicetype) ||
	    add_uevent_var(env, "XPV_PATH=%s", xdev->nodename) ||
	    add_uevent_var(env, "MODALIAS=xpv-%s:%s",
			   xdev->backend ? "backend" : "frontend",
			   xdev->devicetype))
		return -ENOMEM;
	return 0;
}

static ssize_t nodename_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", to_xpv_xenbus_device(dev)->nodename);
}
static DEVICE_ATTR_RO(nodename);

static ssize_t devtype_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", to_xpv_xenbus_device(dev)->devicetype);
}
static DEVICE_ATTR_RO(devtype);

static ssize_t otherend_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", to_xpv_xenbus_device(dev)->otherend);
}
static DEVICE_ATTR_RO(otherend);

static struct attribute *xb_dev_attrs[] = {
	&dev_attr_nodename.attr,
	&dev_attr_devtype.attr,
	&dev_attr_otherend.attr,
	NULL,
};
ATTRIBUTE_GROUPS(xb_dev);

static struct xb_bus xb_front = {
	.bus = {
		.name = "xpv-frontend",
		.match = xb_match,
		.probe = xb_probe,
		.remove = xb_remove,
		.uevent = xb_uevent,
		.dev_groups = xb_dev_groups,
	},
	.root = "device",
	.levels = 2,
	.otherend_key = "backend",
	.backend = false,
};

static struct xb_bus xb_back = {
	.bus = {
		.name = "xpv-backend",
		.match = xb_match,
		.probe = xb_probe,
		.remove = xb_remove,
		.uevent = xb_uevent,
		.dev_groups = xb_dev_groups,
	},
	.root = "backend",
	.levels = 3,
	.otherend_key = "frontend",
	.backend = true,
};

static int xb_register_driver(struct xb_bus *b, struct xpv_xenbus_driver *drv,
			      struct module *owner, const char *modname)
{
	if (!b->registered)
		return -ENODEV;
	drv->driver.name = drv->name ? drv->name : modname;
	drv->driver.bus = &b->bus;
	drv->driver.owner = owner;
	drv->driver.mod_name = modname;
	return driver_register(&drv->driver);
}

/**
 * __xpv_xenbus_register_frontend() - register a frontend driver
 * @drv: the driver
 * @owner: its module
 * @modname: its module name
 *
 * Use xpv_xenbus_register_frontend(). Existing devices of the driver's
 * types are probed before this returns.
 *
 * Return: 0 or a negative errno (-ENODEV without xenstore).
 */
int __xpv_xenbus_register_frontend(struct xpv_xenbus_driver *drv,
				   struct module *owner, const char *modname)
{
	return xb_register_driver(&xb_front, drv, owner, modname);
}
EXPORT_SYMBOL_GPL(__xpv_xenbus_register_frontend);

/**
 * __xpv_xenbus_register_backend() - register a backend driver
 * @drv: the driver
 * @owner: its module
 * @modname: its module name
 *
 * Use xpv_xenbus_register_backend().
 *
 * Return: 0 or a negative errno (-ENODEV without xenstore).
 */
int __xpv_xenbus_register_backend(struct xpv_xenbus_driver *drv,
				  struct module *owner, const char *modname)
{
	return xb_register_driver(&xb_back, drv, owner, modname);
}
EXPORT_SYMBOL_GPL(__xpv_xenbus_register_backend);

/**
 * xpv_xenbus_unregister_driver() - unregister a frontend or backend driver
 * @drv: the driver; its devices are removed first
 */
void xpv_xenbus_unregister_driver(struct xpv_xenbus_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_unregister_driver);

/* ------------------------------------------------------ device objects */

static void xb_release(struct device *dev)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);

	kfree(xdev->nodename);
	kfree(xdev->devicetype);
	kfree(xdev->otherend);
	kfree(xdev);
}

static int xb_match_nodename(struct device *dev, const void *data)
{
	return !strcmp(to_xpv_xenbus_device(dev)->nodename, data);
}

static struct xpv_xenbus_device *xb_find(struct xb_bus *b, const char *node)
{
	struct device *dev = bus_find_device(&b->bus, NULL, node,
					     xb_match_nodename);

	return dev ? to_xpv_xenbus_device(dev) : NULL;
}

/* Read and validate the other end's path and domain id. */
static int xb_read_otherend(struct xb_bus *b, struct xpv_xenbus_device *xdev)
{
	char key[16];
	u64 id;
	char *path;
	int err;

	snprintf(key, sizeof(key), "%s-id", b->otherend_key);
	err = xpv_xs_read_uint(XPV_XBT_NIL, xdev->nodename, key,
			       DOMID_FIRST_RESERVED - 1, &id);
	if (err) {
		pr_warn("%s/%s missing or not a domain id (%d): device skipped\n",
			xdev->nodename, key, err);
		return -EINVAL;
	}
	path = xpv_xs_read(XPV_XBT_NIL, xdev->nodename, b->otherend_key, NULL);
	if (IS_ERR(path)) {
		pr_warn("%s/%s missing (%ld): device skipped\n",
			xdev->nodename, b->otherend_key, PTR_ERR(path));
		return -EINVAL;
	}
	if (path[0] != '/' || xpv_xs_check_path(path, XENSTORE_ABS_PATH_MAX)) {
		pr_warn("%s/%s is not an absolute path: device skipped\n",
			xdev->nodename, b->otherend_key);
		kfree(path);
		return -EINVAL;
	}
	xdev->otherend = path;
	xdev->otherend_id = id;
	return 0;
}

/*
 * Probe one device node. @parts are the path components below the root:
 * type/id (frontend) or type/domid/id (backend).
 */
static void xb_probe_node(struct xb_bus *b, char **parts)
{
	struct xpv_xenbus_device *xdev;
	char *nodename;
	unsigned int i;
	int err;

	for (i = 0; i < b->levels; i++) {
		if (!parts[i][0] || strlen(parts[i]) > XB_NAME_MAX) {
			pr_warn("%s: bad node name component: skipped\n",
				b->root);
			return;
		}
	}
	if (b->backend)
		nodename = kasprintf(GFP_KERNEL, "%s/%s/%s/%s", b->root,
				     parts[0], parts[1], parts[2]);
	else
		nodename = kasprintf(GFP_KERNEL, "%s/%s/%s", b->root,
				     parts[0], parts[1]);
	if (!nodename)
		return;

	xdev = xb_find(b, nodename);
	if (xdev) {
		put_device(&xdev->dev);
		kfree(nodename);
		return;
	}
	/* Half-created (the toolstack writes the directory first). */
	if (!xpv_xs_exists(XPV_XBT_NIL, nodename, b->otherend_key)) {
		kfree(nodename);
		return;
	}

	xdev = kzalloc(sizeof(*xdev), GFP_KERNEL);
	if (!xdev) {
		kfree(nodename);
		return;
	}
	xdev->nodename = nodename;
	xdev->backend = b->backend;
	xdev->state = XenbusStateInitialising;
	xdev->devicetype = kstrdup(parts[0], GFP_KERNEL);
	if (!xdev->devicetype)
		goto out_free;
	if (xb_read_otherend(b, xdev))
		goto out_free;

	xdev->dev.bus = &b->bus;
	xdev->dev.release = xb_release;
	if (b->backend)
		err = dev_set_name(&xdev->dev, "%s-%s-%s", parts[0], parts[1],
				   parts[2]);
	else
		err = dev_set_name(&xdev->dev, "%s-%s", parts[0], parts[1]);
	if (err)
		goto out_free;
	err = device_register(&xdev->dev);
	if (err) {
		pr_warn("%s: device_register failed: %d\n", nodename, err);
		put_device(&xdev->dev);	/* frees through xb_release */
		return;
	}
	return;

out_free:
	kfree(xdev->devicetype);
	kfree(xdev->otherend);
	kfree(xdev->nodename);
	kfree(xdev);
}

/* Enumerate everything below @b->root, @depth components deep. */
static void xb_enumerate(struct xb_bus *b, char **parts, unsigned int depth,
			 const char *dir)
{
	unsigned int n, i;
	char **names;

	if (depth == b->levels) {
		xb_probe_node(b, parts);
		return;
	}
	names = xpv_xs_directory(XPV_XBT_NIL, dir, "", &n);
	if (IS_ERR(names))
		return;
	for (i = 0; i < n; i++) {
		char *sub = kasprintf(GFP_KERNEL, "%s/%s", dir, names[i]);

		if (!sub)
			break;
		parts[depth] = names[i];
		xb_enumerate(b, parts, depth + 1, sub);
		kfree(sub);
	}
	kfree(names);
}

/* Watch on the bus root: a device appeared, changed or vanished. */
static void xb_root_changed(struct xpv_xs_watch *watch, const char *path,
			    const char *token)
{
	struct xb_bus *b = container_of(watch, struct xb_bus, watch);
	char *parts[3] = { NULL, NULL, NULL };
	struct xpv_xenbus_device *xdev;
	char *copy, *p, *root, *nodename;
	unsigned int i;

	copy = kstrdup(path, GFP_KERNEL);
	if (!copy)
		return;
	p = copy;
	root = strsep(&p, "/");
	if (strcmp(root, b->root))
		goto out;
	for (i = 0; i < b->levels; i++) {
		parts[i] = strsep(&p, "/");
		if (!parts[i] || !parts[i][0])
			break;
	}
	if (i < b->levels) {
		/* The root or a type directory: rescan what is there. */
		char *all[3];

		xb_enumerate(b, all, 0, b->root);
		goto out;
	}

	if (b->backend)
		nodename = kasprintf(GFP_KERNEL, "%s/%s/%s/%s", b->root,
				     parts[0], parts[1], parts[2]);
	else
		nodename = kasprintf(GFP_KERNEL, "%s/%s/%s", b->root,
				     parts[0], parts[1]);
	if (!nodename)
		goto out;
	if (xpv_xs_exists(XPV_XBT_NIL, nodename, "")) {
		xb_probe_node(b, parts);
	} else {
		xdev = xb_find(b, nodename);
		if (xdev) {
			dev_info(&xdev->dev, "%s vanished: removing\n", nodename);
			device_unregister(&xdev->dev);
			put_device(&xdev->dev);
		}
	}
	kfree(nodename);
out:
	kfree(copy);
}

/* ------------------------------------------------------ suspend/resume */

static int xb_suspend_one(struct device *dev, void *data)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);
	struct xpv_xenbus_driver *drv;
	int err;

	device_lock(dev);
	if (!dev->driver)
		goto out_unlock;
	drv = to_xpv_xenbus_driver(dev->driver);
	WRITE_ONCE(xdev->suspended, true);
	if (drv->suspend) {
		err = drv->suspend(xdev);
		if (err)
			dev_warn(dev, "suspend: %d\n", err);
	}
out_unlock:
	device_unlock(dev);
	return 0;
}

/**
 * xpv_xenbus_suspend() - tell every bound frontend the domain suspends
 *
 * Process context, from the suspend worker, before xenstore is quiesced.
 */
void xpv_xenbus_suspend(void)
{
	if (xb_front.registered)
		bus_for_each_dev(&xb_front.bus, NULL, NULL, xb_suspend_one);
}

/*
 * A restored domain: the toolstack wrote our device directory anew, and
 * the other end's path holds our new domain id.  The old state watch goes
 * (the daemon has it again, from xpv_xs_resume()), the other end is read
 * again, the driver rebuilds, and the watch on the new path follows; it
 * fires once, which starts the handshake.
 */
static void xb_resume_new(struct xpv_xenbus_device *xdev,
			  struct xpv_xenbus_driver *drv)
{
	const char *old = xdev->otherend;
	int err;

	xpv_xs_watch_unregister(&xdev->otherend_watch);
	err = xb_read_otherend(&xb_front, xdev);
	if (err) {
		dev_err(&xdev->dev, "no other end after resume: %d\n", err);
		WRITE_ONCE(xdev->suspended, false);
		return;
	}
	if (strcmp(old, xdev->otherend))
		dev_info(&xdev->dev, "other end moved from %s to %s\n", old,
			 xdev->otherend);
	kfree(old);
	xdev->state = XenbusStateInitialising;
	if (drv->resume) {
		err = drv->resume(xdev);
		if (err)
			dev_err(&xdev->dev, "resume: %d\n", err);
	}
	WRITE_ONCE(xdev->suspended, false);
	err = xpv_xs_watch_fmt(&xdev->otherend_watch, xb_otherend_changed,
			       "%s/state", xdev->otherend);
	if (err)
		dev_err(&xdev->dev, "cannot watch %s/state after resume: %d\n",
			xdev->otherend, err);
}

static int xb_resume_one(struct device *dev, void *data)
{
	struct xpv_xenbus_device *xdev = to_xpv_xenbus_device(dev);
	bool cancelled = *(bool *)data;
	struct xpv_xenbus_driver *drv;

	device_lock(dev);
	if (!dev->driver || !xdev->suspended)
		goto out_unlock;
	drv = to_xpv_xenbus_driver(dev->driver);
	if (!cancelled) {
		xb_resume_new(xdev, drv);
		goto out_unlock;
	}
	if (drv->suspend_cancel)
		drv->suspend_cancel(xdev);
	WRITE_ONCE(xdev->suspended, false);
out_unlock:
	device_unlock(dev);
	return 0;
}

/**
 * xpv_xenbus_resume() - bring every suspended frontend back
 * @cancelled: the same domain goes on (the connections are intact)
 *
 * Process context, from the suspend worker, after xenstore is back.
 */
void xpv_xenbus_resume(bool cancelled)
{
	if (xb_front.registered)
		bus_for_each_dev(&xb_front.bus, NULL, &cancelled,
				 xb_resume_one);
}

static int xb_bus_start(struct xb_bus *b)
{
	int err;

	err = bus_register(&b->bus);
	if (err)
		return err;
	b->registered = true;
	/* The watch fires once at once, which does the first enumeration. */
	b->watch.path = b->root;
	b->watch.callback = xb_root_changed;
	b->watch.max_pending = 1024;
	err = xpv_xs_watch_register(&b->watch);
	if (err)
		pr_warn("cannot watch %s: %d (no hot-plug)\n", b->root, err);
	return 0;
}

/**
 * xpv_xenbus_init() - register the buses; called once xenstore is up
 *
 * Return: 0 or a negative errno.
 */
int xpv_xenbus_init(void)
{
	int err;

	/* The public action values are the proto ones. */
	BUILD_BUG_ON(XPV_XENBUS_NONE - XPV_XB_NONE);
	BUILD_BUG_ON(XPV_XENBUS_SETUP - XPV_XB_SETUP);
	BUILD_BUG_ON(XPV_XENBUS_CONNECT - XPV_XB_CONNECT);
	BUILD_BUG_ON(XPV_XENBUS_SETUP_CONNECT - XPV_XB_SETUP_CONNECT);
	BUILD_BUG_ON(XPV_XENBUS_CLOSE - XPV_XB_CLOSE);
	BUILD_BUG_ON(XPV_XENBUS_TEARDOWN - XPV_XB_TEARDOWN);
	BUILD_BUG_ON(XPV_XENBUS_REINIT - XPV_XB_REINIT);
	BUILD_BUG_ON(XPV_XENBUS_ERROR - XPV_XB_ERROR);

	err = xb_bus_start(&xb_front);
	if (err)
		return err;
	err = xb_bus_start(&xb_back);
	if (err)
		pr_warn("backend bus unavailable: %d\n", err);
	return 0;
}
