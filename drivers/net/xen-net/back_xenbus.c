// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network back end, control plane: the xenbus handshake with a netif
 * front end (Xen public io/netif.h; the keys are listed in docs/netif.md).
 *
 *   probe                  -> read our "handle"; create and register the
 *                             net device vif<domid>.<handle> (carrier off);
 *                             write feature-sg, feature-gso-tcpv4/6,
 *                             feature-ipv6-csum-offload, feature-rx-copy,
 *                             feature-rx-flip (0), feature-split-event-
 *                             channels, multi-queue-max-queues; watch our
 *                             "hotplug-status"; InitWait (libxl then runs
 *                             the vif hotplug script, which puts the
 *                             device on its bridge and writes
 *                             hotplug-status "connected")
 *   front end Initialised  -> read its keys (request-rx-copy and
 *   or Connected              feature-rx-notify required, feature-sg,
 *                             feature-gso-*, feature-*-csum-offload,
 *                             multi-queue-num-queues), negotiate
 *                             (netif_proto.c; zero or too many queues, a
 *                             control ring we did not offer: error node
 *                             and Closing), map every queue's tx and rx
 *                             ring, bind its event channel(s) (late EOI),
 *                             start one thread per queue, carrier on;
 *                             Connected once the hotplug script is done
 *   front end Closing      -> carrier off, stop the queues, unbind and
 *                             unmap everything; Closing
 *   front end Closed/gone  -> the same; Closed
 *   a queue found broken   -> the same, with an error node; Closing
 *   device removed         -> the same; the net device is unregistered
 *
 * The decisions come from xpv_xenbus_back_action(), so repeated, skipped
 * and stale front end states are handled in one place.
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <xpv/events.h>
#include <xpv/xenstore.h>

#include "back.h"

static unsigned int max_queues;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most queues per vif offered to front ends as multi-queue-max-queues (1..16; default 0: the number of online CPUs)");

static bool separate_tx_rx_irq = true;
module_param(separate_tx_rx_irq, bool, 0444);
MODULE_PARM_DESC(separate_tx_rx_irq,
		 "Offer separate tx and rx event channels (feature-split-event-channels; default Y)");

unsigned int xpv_netback_rx_queue_bytes = 512 * 1024;
module_param_named(rx_queue_bytes, xpv_netback_rx_queue_bytes, uint, 0644);
MODULE_PARM_DESC(rx_queue_bytes,
		 "Bytes of packets each queue holds for its guest before the stack's queue is stopped (XSA-392 bound; at least one packet is always taken; default 524288)");

unsigned int xpv_netback_rx_stall_ms = 60000;
module_param_named(rx_stall_timeout_ms, xpv_netback_rx_stall_ms, uint, 0644);
MODULE_PARM_DESC(rx_stall_timeout_ms,
		 "Milliseconds the head packet of a queue may wait for the rx requests it needs before the front end counts as stalled and its packets are dropped (XSA-392; default 60000)");

bool xpv_netback_tx_map;

static int nb_tx_mode_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "copy"))
		WRITE_ONCE(xpv_netback_tx_map, false);
	else if (sysfs_streq(val, "map"))
		WRITE_ONCE(xpv_netback_tx_map, true);
	else
		return -EINVAL;
	return 0;
}

static int nb_tx_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(xpv_netback_tx_map) ? "map" : "copy");
}

static const struct kernel_param_ops nb_tx_mode_ops = {
	.set = nb_tx_mode_set,
	.get = nb_tx_mode_get,
};

module_param_cb(tx_mode, &nb_tx_mode_ops, NULL, 0644);
MODULE_PARM_DESC(tx_mode,
		 "How guest tx data reaches dom0: copy (grant copy, default) or map (protocol headers still copied, fragments grant-mapped and unmapped once the stack is done with them); applies to vifs connecting afterwards (docs/bench.md: why copy is the default)");

static unsigned int fatal_skb_slots = XPV_NETIF_FATAL_SLOTS;
module_param(fatal_skb_slots, uint, 0444);
MODULE_PARM_DESC(fatal_skb_slots,
		 "Data slots of one guest packet above which the front end counts as hostile and its vif is disconnected (18..32, default 20; 19 and up to this many are dropped and counted)");

/* ------------------------------------------------------------------ */
/* Rings.                                                              */
/* ------------------------------------------------------------------ */

/* Stop, unbind, unmap and free every queue. Mutex held. */
static void nb_disconnect(struct xpv_netback *vif)
{
	struct xpv_netback_queue *queues = vif->queues;
	unsigned int n = vif->nr_queues, q;

	if (!queues)
		return;
	netif_carrier_off(vif->netdev);
	/* No new transmit reaches the queues once this is seen. */
	WRITE_ONCE(vif->nr_queues, 0);
	netif_tx_disable(vif->netdev);
	synchronize_net();
	for (q = 0; q < n; q++)
		xpv_netback_queue_stop(&queues[q]);
	for (q = 0; q < n; q++) {
		struct xpv_netback_queue *nq = &queues[q];

		xpv_ring_evtchn_close(vif->dev, &nq->ev_rx, nq);
		xpv_ring_evtchn_close(vif->dev, &nq->ev_tx, nq);
		xpv_back_ring_unmap(vif->dev, &nq->tx_area);
		xpv_back_ring_unmap(vif->dev, &nq->rx_area);
		xpv_netback_queue_free(nq);
	}
	WRITE_ONCE(vif->queues, NULL);
	kvfree(queues);
	dev_info(&vif->dev->dev, "disconnected\n");
}

/* An optional front end key of at most 32 bits: *@has says whether it is
 * there.  Return: 0, or a negative errno when present but malformed.
 */
static int nb_read_key(struct xpv_netback *vif, const char *dir,
		       const char *key, bool *has, u64 *val)
{
	u64 v;
	int err;

	err = xpv_xenbus_read_opt(vif->dev, vif->dev->otherend, dir, key,
				  U32_MAX, U64_MAX, &v);
	if (err)
		return err;
	*has = v != U64_MAX;
	*val = *has ? v : 0;
	return 0;
}

static bool nb_read_flag(struct xpv_netback *vif, const char *key)
{
	return xpv_xenbus_read_flag(vif->dev, vif->dev->otherend, NULL, key);
}

/* What the front end wrote at the top level. */
static int nb_read_front_keys(struct xpv_netback *vif,
			      struct xpv_netif_front_keys *fk)
{
	int err;

	memset(fk, 0, sizeof(*fk));
	fk->rx_copy = nb_read_flag(vif, "request-rx-copy");
	fk->rx_notify = nb_read_flag(vif, "feature-rx-notify");
	fk->sg = nb_read_flag(vif, "feature-sg");
	fk->gso_tcpv4 = nb_read_flag(vif, "feature-gso-tcpv4");
	fk->gso_tcpv6 = nb_read_flag(vif, "feature-gso-tcpv6");
	fk->ipv6_csum = nb_read_flag(vif, "feature-ipv6-csum-offload");
	fk->no_csum = nb_read_flag(vif, "feature-no-csum-offload");
	fk->mcast = nb_read_flag(vif, "request-multicast-control");
	err = nb_read_key(vif, NULL, "multi-queue-num-queues",
			  &fk->has_num_queues, &fk->num_queues);
	if (!err)
		err = nb_read_key(vif, NULL, "ctrl-ring-ref",
				  &fk->has_ctrl_ring_ref, &fk->ctrl_ring_ref);
	if (!err)
		err = nb_read_key(vif, NULL, "event-channel-ctrl",
				  &fk->has_evtchn_ctrl, &fk->evtchn_ctrl);
	return err;
}

/* Map one queue's rings, bind its channel(s), set up its data plane. */
static int nb_connect_queue(struct xpv_netback *vif,
			    struct xpv_netback_queue *q)
{
	struct xpv_xenbus_device *dev = vif->dev;
	struct xpv_netif_queue_keys qk = { };
	struct xpv_netif_queue qc;
	char dir[24];
	int err;

	err = xpv_xenbus_queue_dir(dir, sizeof(dir), vif->nr_queues, q->index);
	if (err)
		goto out_fatal;
	err = nb_read_key(vif, dir, "tx-ring-ref", &qk.has_tx_ring_ref,
			  &qk.tx_ring_ref);
	if (!err)
		err = nb_read_key(vif, dir, "rx-ring-ref", &qk.has_rx_ring_ref,
				  &qk.rx_ring_ref);
	if (!err)
		err = nb_read_key(vif, dir, "event-channel", &qk.has_evtchn,
				  &qk.evtchn);
	if (!err)
		err = nb_read_key(vif, dir, "event-channel-tx",
				  &qk.has_evtchn_tx, &qk.evtchn_tx);
	if (!err)
		err = nb_read_key(vif, dir, "event-channel-rx",
				  &qk.has_evtchn_rx, &qk.evtchn_rx);
	if (!err)
		err = xpv_netif_queue_check(&vif->offer, &qk, &qc);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "queue %u: bad ring or channel keys in %s/%s",
				     q->index, dev->otherend, dir);
		return err;
	}

	/* Each of these reports its own failure. */
	err = xpv_back_ring_map(dev, dir, "tx-ring-ref", 0, false,
				&q->tx_area);
	if (err)
		return err;
	err = xpv_back_ring_map(dev, dir, "rx-ring-ref", 0, false,
				&q->rx_area);
	if (err)
		return err;
	err = xpv_netif_tx_back_init(&q->tx, q->tx_area, XPV_NETIF_PAGE_SIZE);
	if (!err)
		err = xpv_netif_rx_back_init(&q->rx, q->rx_area,
					     XPV_NETIF_PAGE_SIZE);
	if (err)
		goto out_fatal;

	xpv_netif_tx_limits_default(&q->tx_lim);
	q->tx_lim.fatal_slots = fatal_skb_slots;
	q->tx_lim.hdr_copy = XPV_NETIF_HDR_MAX;
	q->tx_lim.gso_tcpv4 = vif->feat.tx.gso_tcpv4;
	q->tx_lim.gso_tcpv6 = vif->feat.tx.gso_tcpv6;

	snprintf(q->name, sizeof(q->name), "%s-q%u", vif->netdev->name,
		 q->index);
	if (qc.split) {
		snprintf(q->name_rx, sizeof(q->name_rx), "%s-q%u-rx",
			 vif->netdev->name, q->index);
		err = xpv_back_evtchn_bind(dev, dir, "event-channel-tx",
					   &q->ev_tx, xpv_netback_tx_interrupt,
					   q->name, q);
		if (!err)
			err = xpv_back_evtchn_bind(dev, dir, "event-channel-rx",
						   &q->ev_rx,
						   xpv_netback_rx_interrupt,
						   q->name_rx, q);
	} else {
		err = xpv_back_evtchn_bind(dev, dir, "event-channel",
					   &q->ev_tx, xpv_netback_tx_interrupt,
					   q->name, q);
	}
	return err;

out_fatal:
	xpv_xenbus_dev_fatal(dev, err, "setting up queue %u", q->index);
	return err;
}

/* Tell the stack what the front end takes. Mutex held. */
static void nb_netdev_connect(struct xpv_netback *vif)
{
	struct net_device *nd = vif->netdev;

	rtnl_lock();
	netif_set_real_num_tx_queues(nd, vif->nr_queues);
	netif_set_real_num_rx_queues(nd, vif->nr_queues);
	if (!vif->feat.rx.sg && nd->mtu > ETH_DATA_LEN)
		dev_set_mtu(nd, ETH_DATA_LEN);
	netdev_update_features(nd);
	netif_carrier_on(nd);
	if (netif_running(nd))
		netif_tx_wake_all_queues(nd);
	rtnl_unlock();
}

/* Read the front end's choices and bring every queue up. Mutex held. */
static int nb_connect(struct xpv_netback *vif)
{
	struct xpv_xenbus_device *dev = vif->dev;
	struct xpv_netif_front_keys fk;
	struct xpv_netback_queue *queues;
	unsigned int nr, q;
	int err;

	err = nb_read_front_keys(vif, &fk);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading the front end's features");
		return err;
	}
	err = xpv_netif_negotiate(&vif->offer, &fk, &vif->feat);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err,
				     "features refused: %llu queues (max %llu), rx-copy %d, rx-notify %d, ctrl ring %d",
				     fk.num_queues, vif->offer.max_queues,
				     fk.rx_copy, fk.rx_notify,
				     fk.has_ctrl_ring_ref);
		return err;
	}
	nr = vif->feat.nr_queues;
	queues = kvcalloc(nr, sizeof(*queues), GFP_KERNEL);
	if (!queues) {
		xpv_xenbus_dev_fatal(dev, -ENOMEM, "allocating queues");
		return -ENOMEM;
	}
	for (q = 0; q < nr; q++) {
		queues[q].vif = vif;
		queues[q].index = q;
		queues[q].st = &vif->stats[q];
		xpv_netback_queue_init(&queues[q]);
	}
	/* Transmit reads the count first: the array is there before it. */
	WRITE_ONCE(vif->queues, queues);
	smp_wmb();	/* pairs with the smp_rmb() in nb_start_xmit() */
	WRITE_ONCE(vif->nr_queues, nr);
	for (q = 0; q < nr; q++) {
		err = nb_connect_queue(vif, &queues[q]);
		if (err)
			goto out_disconnect;
	}
	for (q = 0; q < nr; q++) {
		err = xpv_netback_queue_start(&queues[q]);
		if (err) {
			xpv_xenbus_dev_fatal(dev, err, "starting queue %u", q);
			goto out_disconnect;
		}
	}
	nb_netdev_connect(vif);
	dev_info(&dev->dev, "%s: %u queue(s)%s; guest tx: sg %d gso4 %d gso6 %d csum %d csum6 %d; guest rx: sg %d gso4 %d gso6 %d csum %d csum6 %d\n",
		 vif->netdev->name, nr,
		 queues[0].ev_rx.irq ? ", split event channels" : "",
		 vif->feat.tx.sg, vif->feat.tx.gso_tcpv4, vif->feat.tx.gso_tcpv6,
		 vif->feat.tx.csum, vif->feat.tx.ipv6_csum,
		 vif->feat.rx.sg, vif->feat.rx.gso_tcpv4, vif->feat.rx.gso_tcpv6,
		 vif->feat.rx.csum, vif->feat.rx.ipv6_csum);
	return 0;

out_disconnect:
	nb_disconnect(vif);
	return err;
}

/* Connected once the rings are up and the hotplug script is done. */
static void nb_maybe_connected(struct xpv_netback *vif)
{
	if (vif->queues && vif->hotplug_ok &&
	    vif->dev->state != XenbusStateConnected)
		xpv_xenbus_switch_state(vif->dev, XenbusStateConnected);
}

/* Connect once the front end is ready. Mutex held. */
static void nb_try_connect(struct xpv_netback *vif)
{
	if (vif->queues)
		return;
	if (vif->dev->state != XenbusStateInitWait &&
	    vif->dev->state != XenbusStateInitialised)
		return;
	if (nb_connect(vif))
		return;
	nb_maybe_connected(vif);
}

/* ------------------------------------------------------------------ */
/* xenbus.                                                             */
/* ------------------------------------------------------------------ */

/**
 * xpv_netback_queue_broken() - a front end broke a queue's protocol
 * @q: the queue (its thread has stopped consuming from it)
 *
 * Has the vif disconnected (carrier off) and moved to Closing from
 * process context.  Other vifs are not affected.
 *
 * Context: the queue's thread.
 */
void xpv_netback_queue_broken(struct xpv_netback_queue *q)
{
	netif_carrier_off(q->vif->netdev);
	schedule_work(&q->vif->fatal_work);
}

static void nb_fatal_work(struct work_struct *work)
{
	struct xpv_netback *vif = container_of(work, struct xpv_netback,
					       fatal_work);

	mutex_lock(&vif->mutex);
	if (vif->queues) {
		xpv_xenbus_dev_fatal(vif->dev, -EPROTO,
				     "front end broke the netif ring protocol");
		nb_disconnect(vif);
	}
	mutex_unlock(&vif->mutex);
}

static void nb_hotplug_changed(struct xpv_xs_watch *watch, const char *path,
			       const char *token)
{
	struct xpv_netback *vif = container_of(watch, struct xpv_netback,
					       hotplug_watch);
	char *s;

	s = xpv_xs_read(XPV_XBT_NIL, vif->dev->nodename, "hotplug-status",
			NULL);
	if (IS_ERR(s))
		return;
	mutex_lock(&vif->mutex);
	if (!strcmp(s, "connected")) {
		vif->hotplug_ok = true;
		nb_maybe_connected(vif);
	}
	mutex_unlock(&vif->mutex);
	kfree(s);
}

/* The steps of xpv_xenbus_back_changed(). Mutex held. */
static void nb_fe_connect(void *data)
{
	nb_try_connect(data);
}

static void nb_fe_disconnect(void *data)
{
	nb_disconnect(data);
}

static const struct xpv_xenbus_back_ops nb_xenbus_ops = {
	.connect = nb_fe_connect,
	.disconnect = nb_fe_disconnect,
};

static void nb_frontend_changed(struct xpv_xenbus_device *dev,
				enum xenbus_state fstate)
{
	struct xpv_netback *vif = dev_get_drvdata(&dev->dev);

	if (!vif)
		return;		/* probe() replays the state itself */
	mutex_lock(&vif->mutex);
	xpv_xenbus_back_changed(dev, fstate, &nb_xenbus_ops, vif);
	mutex_unlock(&vif->mutex);
}

static void nb_remove(struct xpv_xenbus_device *dev)
{
	struct xpv_netback *vif = dev_get_drvdata(&dev->dev);

	if (!vif)
		return;
	/* Without the mutex: a running watch callback may be waiting on it. */
	if (vif->watching)
		xpv_xs_watch_unregister(&vif->hotplug_watch);
	vif->watching = false;

	mutex_lock(&vif->mutex);
	nb_disconnect(vif);
	mutex_unlock(&vif->mutex);
	/* The queues are gone: nothing can schedule it again. */
	cancel_work_sync(&vif->fatal_work);
	if (vif->netdev) {
		if (vif->netdev->reg_state == NETREG_REGISTERED)
			unregister_netdev(vif->netdev);
		free_netdev(vif->netdev);
	}
	dev_set_drvdata(&dev->dev, NULL);
	kfree(vif);
}

/* The offer's keys, in the transaction of xpv_xenbus_publish(). */
static int nb_write_keys(struct xpv_xbt t, void *data, const char **what)
{
	struct xpv_netback *vif = data;
	const char *node = vif->dev->nodename;
	const struct xpv_netif_back_offer *o = &vif->offer;
	const struct {
		const char *key;
		bool on;
	} keys[] = {
		{ "feature-sg", o->sg },
		{ "feature-gso-tcpv4", o->gso_tcpv4 },
		{ "feature-gso-tcpv6", o->gso_tcpv6 },
		{ "feature-ipv6-csum-offload", o->ipv6_csum },
		{ "feature-rx-copy", o->rx_copy },
		{ "feature-split-event-channels", o->split_evtchn },
		{ "feature-rx-flip", false },	/* never */
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		*what = keys[i].key;
		err = xpv_xs_printf(t, node, *what, "%d", keys[i].on);
		if (err)
			return err;
	}
	*what = "multi-queue-max-queues";
	return xpv_xs_printf(t, node, *what, "%llu", o->max_queues);
}

/* Offer what we support; the front end reads these at our InitWait. */
static int nb_advertise(struct xpv_netback *vif)
{
	struct xpv_netif_back_offer *o = &vif->offer;

	memset(o, 0, sizeof(*o));
	o->sg = true;
	o->gso_tcpv4 = true;
	o->gso_tcpv6 = true;
	o->ipv6_csum = true;
	o->rx_copy = true;
	o->split_evtchn = separate_tx_rx_irq;
	o->max_queues = max_queues;
	return xpv_xenbus_publish(vif->dev, nb_write_keys, vif);
}

/* vif<domid>.<handle>, the name the vif hotplug script expects. */
static int nb_create_netdev(struct xpv_netback *vif)
{
	struct xpv_xenbus_device *dev = vif->dev;
	char name[IFNAMSIZ];
	u64 handle;
	int err;

	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->nodename, "handle", U32_MAX,
			       &handle);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading handle");
		return err;
	}
	if (snprintf(name, sizeof(name), "vif%u.%llu", dev->otherend_id,
		     handle) >= sizeof(name)) {
		xpv_xenbus_dev_fatal(dev, -ENAMETOOLONG, "naming vif%u.%llu",
				     dev->otherend_id, handle);
		return -ENAMETOOLONG;
	}
	vif->netdev = xpv_netback_netdev_alloc(vif, name, max_queues);
	if (!vif->netdev) {
		xpv_xenbus_dev_fatal(dev, -ENOMEM, "allocating %s", name);
		return -ENOMEM;
	}
	SET_NETDEV_DEV(vif->netdev, &dev->dev);
	err = register_netdev(vif->netdev);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "registering %s", name);
		return err;
	}
	return 0;
}

static int nb_probe(struct xpv_xenbus_device *dev,
		    const struct xpv_xenbus_device_id *id)
{
	struct xpv_netback *vif;
	int err;

	vif = kzalloc(sizeof(*vif), GFP_KERNEL);
	if (!vif) {
		xpv_xenbus_dev_fatal(dev, -ENOMEM, "allocating the back end");
		return -ENOMEM;
	}
	vif->dev = dev;
	mutex_init(&vif->mutex);
	INIT_WORK(&vif->fatal_work, nb_fatal_work);
	dev_set_drvdata(&dev->dev, vif);

	err = nb_create_netdev(vif);
	if (err)
		goto out_remove;
	err = nb_advertise(vif);
	if (err)
		goto out_remove;
	err = xpv_xenbus_back_probe_finish(dev, &vif->hotplug_watch,
					   &vif->watching, "hotplug-status",
					   nb_hotplug_changed,
					   nb_frontend_changed);
	if (err)
		goto out_remove;
	return 0;

out_remove:
	nb_remove(dev);
	return err;
}

static const struct xpv_xenbus_device_id nb_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xpv_xenbus_driver nb_driver = {
	.name = "xpv-netback",
	.ids = nb_ids,
	.probe = nb_probe,
	.otherend_changed = nb_frontend_changed,
	.remove = nb_remove,
};

static int __init nb_init(void)
{
	if (!max_queues)
		max_queues = num_online_cpus();
	max_queues = clamp(max_queues, 1U, (unsigned int)XPV_NETBACK_MAX_QUEUES);
	fatal_skb_slots = clamp(fatal_skb_slots, XPV_NETIF_SLOTS_MAX,
				XPV_NETIF_SLOTS_CAP);
	return xpv_xenbus_register_backend(&nb_driver);
}
module_init(nb_init);

static void __exit nb_exit(void)
{
	xpv_xenbus_unregister_driver(&nb_driver);
}
module_exit(nb_exit);

MODULE_DESCRIPTION("xpv Xen virtual network device back end (netif)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xpv-backend:vif");
