// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: the xenbus driver plumbing every split driver (blk, net) shares:
 * the front and back ends' reactions to the other end's state, the end of
 * a back end's probe, and the xenstore transaction that publishes a
 * device's keys, retried when the daemon says -EAGAIN.
 *
 * Written once on top of the provider calls (xpv_xenbus_switch_state(),
 * xpv_xenbus_*_action(), xpv_xs_*()), so the same file is compiled into
 * the native provider and into the dom0-compat module.
 */
#include <linux/errno.h>
#include <linux/module.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

/**
 * xpv_xenbus_publish() - write a device's keys in one xenstore transaction
 * @dev: the device the keys belong to; errors are reported against it
 * @write: writes the keys in @t; on an error it leaves in *@what the key
 *	(or keys) it was writing, for the report
 * @data: passed to @write
 *
 * Starts a transaction, calls @write, and ends the transaction; when the
 * daemon answers -EAGAIN (another writer came between), all of it again,
 * so @write must write the same keys each time it is called.
 *
 * Context: process context, may sleep; the caller serialises the device.
 * Return: 0, or a negative errno, already reported with
 * xpv_xenbus_dev_fatal() (the transaction is aborted then).
 */
int xpv_xenbus_publish(struct xpv_xenbus_device *dev,
		       int (*write)(struct xpv_xbt t, void *data,
				    const char **what),
		       void *data)
{
	const char *what;
	struct xpv_xbt t;
	int err;

again:
	err = xpv_xs_transaction_start(&t);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "starting a transaction");
		return err;
	}
	what = "the keys";
	err = write(t, data, &what);
	if (err)
		goto abort_transaction;
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN)
		goto again;
	if (err)
		xpv_xenbus_dev_fatal(dev, err, "completing the transaction");
	return err;

abort_transaction:
	xpv_xs_transaction_end(t, true);
	xpv_xenbus_dev_fatal(dev, err, "writing %s", what);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_publish);

/**
 * xpv_xenbus_front_changed() - a front end's reaction to its back end's state
 * @dev: the front end's device
 * @bstate: the back end's new state
 * @ops: the driver's steps
 * @data: passed to each step
 *
 * Decides with xpv_xenbus_front_action(), so repeated, skipped and
 * out-of-order states are handled as everywhere else: a back end that
 * went back to InitWait makes us start again from Initialising; at its
 * InitWait we set up (@ops->setup); once it is Connected we connect
 * (@ops->connect), after setting up when we had not yet; when it closes
 * or is gone, @ops->close; when both ends stay Connected,
 * @ops->connected (optional: a repeated Connected, e.g. after a resize).
 *
 * Context: the xenwatch thread or probe(), with the driver's lock held.
 */
void xpv_xenbus_front_changed(struct xpv_xenbus_device *dev,
			      enum xenbus_state bstate,
			      const struct xpv_xenbus_front_ops *ops,
			      void *data)
{
	switch (xpv_xenbus_front_action(dev->state, bstate)) {
	case XPV_XENBUS_REINIT:
		xpv_xenbus_switch_state(dev, XenbusStateInitialising);
		fallthrough;
	case XPV_XENBUS_SETUP:
		ops->setup(data);
		break;
	case XPV_XENBUS_SETUP_CONNECT:
		if (!ops->setup(data))
			ops->connect(data);
		break;
	case XPV_XENBUS_CONNECT:
		ops->connect(data);
		break;
	case XPV_XENBUS_CLOSE:
	case XPV_XENBUS_TEARDOWN:
		ops->close(data, bstate);
		break;
	case XPV_XENBUS_ERROR:
		xpv_xenbus_dev_error(dev, -EPROTO, "back end state %d",
				     bstate);
		break;
	default:
		if (ops->connected && dev->state == XenbusStateConnected &&
		    bstate == XenbusStateConnected)
			ops->connected(data);
		break;
	}
}
EXPORT_SYMBOL_GPL(xpv_xenbus_front_changed);

/**
 * xpv_xenbus_back_changed() - a back end's reaction to its front end's state
 * @dev: the back end's device
 * @fstate: the front end's new state
 * @ops: the driver's steps
 * @data: passed to each step
 *
 * Decides with xpv_xenbus_back_action(): a front end that is Initialised
 * or Connected makes us connect (@ops->connect: the driver connects once
 * its own side is ready too); a front end that closes makes us disconnect
 * (@ops->disconnect) and follow it to Closing, or to Closed when it is
 * Closed or gone; a front end that starts again puts us back in InitWait.
 *
 * Context: the xenwatch thread or probe(), with the driver's lock held.
 */
void xpv_xenbus_back_changed(struct xpv_xenbus_device *dev,
			     enum xenbus_state fstate,
			     const struct xpv_xenbus_back_ops *ops,
			     void *data)
{
	switch (xpv_xenbus_back_action(dev->state, fstate)) {
	case XPV_XENBUS_SETUP_CONNECT:
		ops->connect(data);
		break;
	case XPV_XENBUS_CLOSE:
		ops->disconnect(data);
		xpv_xenbus_switch_state(dev, XenbusStateClosing);
		break;
	case XPV_XENBUS_TEARDOWN:
		ops->disconnect(data);
		xpv_xenbus_switch_state(dev, XenbusStateClosed);
		break;
	case XPV_XENBUS_REINIT:
		xpv_xenbus_switch_state(dev, XenbusStateInitWait);
		break;
	case XPV_XENBUS_ERROR:
		xpv_xenbus_dev_error(dev, -EINVAL, "front end state %d",
				     fstate);
		break;
	default:
		break;
	}
}
EXPORT_SYMBOL_GPL(xpv_xenbus_back_changed);

/**
 * xpv_xenbus_back_probe_finish() - the end every back end's probe shares
 * @dev: the back end's device; its driver data is set already
 * @watch: registered on our key @key, calling @cb
 * @watching: set to true once @watch is registered, so that the driver's
 *	remove() unregisters it
 * @key: our key the hotplug script writes ("physical-device",
 *	"hotplug-status", ...)
 * @cb: called when @key changes (and once when the watch is registered)
 * @changed: the driver's otherend_changed()
 *
 * Watches @key, switches to InitWait (the front end reads the features
 * written before this), then calls @changed with the front end's current
 * state: the first state event may have come before the driver data was
 * set, and was dropped then.
 *
 * Context: probe(), may sleep; the driver's lock not held.
 * Return: 0, or a negative errno (reported); then the caller's remove()
 * undoes what was done, @watch included when *@watching is set.
 */
int xpv_xenbus_back_probe_finish(struct xpv_xenbus_device *dev,
				 struct xpv_xs_watch *watch, bool *watching,
				 const char *key,
				 void (*cb)(struct xpv_xs_watch *watch,
					    const char *path,
					    const char *token),
				 void (*changed)(struct xpv_xenbus_device *dev,
						 enum xenbus_state state))
{
	int err;

	err = xpv_xs_watch_fmt(watch, cb, "%s/%s", dev->nodename, key);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "watching %s", key);
		return err;
	}
	*watching = true;
	err = xpv_xenbus_switch_state(dev, XenbusStateInitWait);
	if (err)
		return err;
	changed(dev, xpv_xenbus_read_otherend_state(dev));
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_back_probe_finish);
