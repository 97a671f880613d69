// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network front end, control plane: the xenbus handshake with a netif
 * back end (Xen public io/netif.h; the keys are listed in docs/netif.md).
 *
 *   probe               -> read "mac" and "trusted", register the netdev
 *                          (carrier off)
 *   back end InitWait   -> read the back end's offer, choose the queue
 *                          count, negotiate (netif_proto.c), allocate and
 *                          grant the tx and rx rings of every queue, bind
 *                          the event channels (split when offered), publish
 *                          the rings, channels and our features, switch to
 *                          Connected (a netif back end connects when the
 *                          front end is Connected)
 *   back end Connected  -> carrier on; once the stack has taken it, a
 *                          gratuitous ARP / unsolicited NA (device up)
 *   back end Closing, Closed or gone, or a broken queue
 *                       -> carrier off, stop the queues, revoke and free
 *                          everything, switch to Closed
 *   back end InitWait again (after Closed) -> set up again
 *
 * The decisions come from xpv_xenbus_front_action(), so repeated, skipped
 * and stale back end states are handled in one place.
 */
#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/sch_generic.h>
#include <net/tcp.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>

#include "front.h"

static unsigned int max_queues = 8;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most queues (tx/rx ring pairs) per device, also bounded by the vCPUs and the back end's multi-queue-max-queues (1..64, default 8)");

static bool trusted = true;
module_param(trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust back ends with the guest's packet pages. N (or a device's xenstore key trusted=0) copies every transmitted packet into pages zeroed beyond the data and zeroes receive pages, so no page holding anything else is granted. Read at each connection (default Y)");

/* How often, and how long, the announcement waits for the link watch. */
#define NETFRONT_NOTIFY_POLL_MS	20
#define NETFRONT_NOTIFY_TRIES	100

static bool split_event_channels = true;
module_param(split_event_channels, bool, 0644);
MODULE_PARM_DESC(split_event_channels,
		 "Use separate tx and rx event channels when the back end offers feature-split-event-channels. Read at each connection (default Y)");

/* ------------------------------------------------------------------ */
/* Queues.                                                             */
/* ------------------------------------------------------------------ */

/* Free one stopped queue (RTNL held, tx queues stopped). */
static void netfront_destroy_queue(struct xpv_netfront_info *info,
				   struct xpv_netfront_queue *q)
{
	struct xpv_xenbus_device *dev = info->xbdev;

	/* No handler runs after this; NAPI is then not scheduled again. */
	xpv_ring_evtchn_close(dev, &q->ev_tx, q);
	xpv_ring_evtchn_close(dev, &q->ev_rx, q);
	if (netif_running(info->netdev))
		napi_disable(&q->napi);
	netif_napi_del(&q->napi);
	xpv_netfront_release_tx(q);
	xpv_netfront_release_rx(q);
	xpv_front_ring_free(&q->tx_mem);
	xpv_front_ring_free(&q->rx_mem);
}

static void netfront_destroy_queues(struct xpv_netfront_info *info)
{
	unsigned int i;

	rtnl_lock();
	/* Disconnected first: tx completion no longer wakes a queue. */
	for (i = 0; i < info->nr_queues; i++) {
		spin_lock_irq(&info->queues[i].tx_lock);
		info->queues[i].connected = false;
		spin_unlock_irq(&info->queues[i].tx_lock);
	}
	netif_tx_disable(info->netdev);
	for (i = 0; i < info->nr_queues; i++)
		netfront_destroy_queue(info, &info->queues[i]);
	WRITE_ONCE(info->nr_queues, 0);
	kvfree(info->queues);
	info->queues = NULL;
	rtnl_unlock();
}

/* One grant reference per id of a ring, all or none. */
static int netfront_alloc_refs(grant_ref_t *refs, unsigned int nr)
{
	return xpv_gnttab_alloc_refs(nr, refs);
}

static int netfront_create_queue(struct xpv_netfront_info *info,
				 struct xpv_netfront_queue *q)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	grant_ref_t refs[XPV_NETIF_MAX_IDS];
	unsigned int i;
	int err;

	err = xpv_front_ring_alloc(dev, &q->tx_mem, 0);
	if (err)
		return err;
	err = xpv_front_ring_alloc(dev, &q->rx_mem, 0);
	if (err)
		return err;
	err = xpv_netif_tx_front_init(&q->tx, q->tx_mem.sring, PAGE_SIZE);
	if (!err)
		err = xpv_netif_rx_front_init(&q->rx, q->rx_mem.sring,
					      PAGE_SIZE);
	if (!err)
		err = xpv_netif_ids_init(&q->tx_ids, q->tx.r.nr_ents);
	if (!err)
		err = xpv_netif_ids_init(&q->rx_ids, q->rx.r.nr_ents);
	if (err || q->tx.r.nr_ents != XPV_NETIF_MAX_IDS ||
	    q->rx.r.nr_ents != XPV_NETIF_MAX_IDS) {
		xpv_xenbus_dev_fatal(dev, -EINVAL, "queue %u: ring layout",
				     q->index);
		return -EINVAL;
	}

	err = netfront_alloc_refs(refs, XPV_NETIF_MAX_IDS);
	if (err)
		goto out_no_refs;
	for (i = 0; i < XPV_NETIF_MAX_IDS; i++)
		q->tx_buf[i].gref = refs[i];
	err = netfront_alloc_refs(refs, XPV_NETIF_MAX_IDS);
	if (err)
		goto out_no_refs;
	for (i = 0; i < XPV_NETIF_MAX_IDS; i++)
		q->rx_buf[i].gref = refs[i];

	q->rx_lim.max_slots = info->feat.rx.sg ? XPV_NETIF_SLOTS_MAX : 1;
	q->rx_lim.max_len = XPV_NETIF_MAX_RX_SIZE;
	q->rx_lim.gso_tcpv4 = true;	/* we offer both GSO types */
	q->rx_lim.gso_tcpv6 = true;
	q->rx_lim.hash = false;
	q->rx_in_chain = false;

	if (info->split) {
		snprintf(q->name_tx, sizeof(q->name_tx), "%s-q%u-tx",
			 info->netdev->name, q->index);
		snprintf(q->name_rx, sizeof(q->name_rx), "%s-q%u-rx",
			 info->netdev->name, q->index);
		err = xpv_front_evtchn_bind(dev, &q->ev_tx,
					    xpv_netfront_tx_interrupt,
					    q->name_tx, q);
		if (!err)
			err = xpv_front_evtchn_bind(dev, &q->ev_rx,
						    xpv_netfront_rx_interrupt,
						    q->name_rx, q);
	} else {
		snprintf(q->name_tx, sizeof(q->name_tx), "%s-q%u",
			 info->netdev->name, q->index);
		err = xpv_front_evtchn_bind(dev, &q->ev_tx,
					    xpv_netfront_interrupt,
					    q->name_tx, q);
	}
	return err;

out_no_refs:
	xpv_xenbus_dev_fatal(dev, err, "queue %u: grant references", q->index);
	return err;
}

/* Allocate @nr queues and switch the netdev to them. */
static int netfront_create_queues(struct xpv_netfront_info *info,
				  unsigned int nr)
{
	struct net_device *nd = info->netdev;
	unsigned int i;
	int err = 0;

	info->queues = kvcalloc(nr, sizeof(*info->queues), GFP_KERNEL);
	if (!info->queues)
		return -ENOMEM;
	rtnl_lock();
	/* Nothing is transmitted until the queues are connected. */
	netif_tx_disable(nd);
	for (i = 0; i < nr; i++) {
		struct xpv_netfront_queue *q = &info->queues[i];

		q->info = info;
		q->index = i;
		q->stats = &info->qstats[i];
		spin_lock_init(&q->tx_lock);
		netif_napi_add(nd, &q->napi, xpv_netfront_napi_poll);
		if (netif_running(nd))
			napi_enable(&q->napi);
		WRITE_ONCE(info->nr_queues, i + 1);
		err = netfront_create_queue(info, q);
		if (err)
			break;
	}
	if (!err)
		err = netif_set_real_num_tx_queues(nd, nr);
	if (!err)
		err = netif_set_real_num_rx_queues(nd, nr);
	rtnl_unlock();
	if (err)
		netfront_destroy_queues(info);
	return err;
}

/* ------------------------------------------------------------------ */
/* Handshake.                                                          */
/* ------------------------------------------------------------------ */

/* A malformed key of the back end: refuse the connection, count it. */
static int netfront_bad_key(struct xpv_netfront_info *info, const char *key,
			    int err)
{
	WRITE_ONCE(info->bad_keys, info->bad_keys + 1);
	xpv_xenbus_dev_fatal(info->xbdev, err,
			     "refusing the back end: %s/%s is malformed",
			     info->xbdev->otherend, key);
	return err;
}

/* The back end's offer.  An absent key is "not offered" (one queue); a
 * flag other than 0 or 1, or a queue count that is 0, not a number or
 * above 2^32 - 1, is a broken back end: the connection is refused.  A
 * queue count above ours is a bound that ours already meets.
 */
static int netfront_read_offer(struct xpv_netfront_info *info,
			       struct xpv_netif_back_offer *o)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	const struct {
		const char *key;
		bool *val;
	} flags[] = {
		{ "feature-sg", &o->sg },
		{ "feature-gso-tcpv4", &o->gso_tcpv4 },
		{ "feature-gso-tcpv6", &o->gso_tcpv6 },
		{ "feature-ipv6-csum-offload", &o->ipv6_csum },
		{ "feature-no-csum-offload", &o->no_csum },
		{ "feature-rx-copy", &o->rx_copy },
		{ "feature-split-event-channels", &o->split_evtchn },
		{ "feature-ctrl-ring", &o->ctrl_ring },
		{ "feature-multicast-control", &o->mcast_ctrl },
		{ "feature-dynamic-multicast-control", &o->dynamic_mcast },
	};
	const char *mq = "multi-queue-max-queues";
	unsigned int i;
	u64 v;
	int err;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		err = xpv_xenbus_read_opt(dev, dev->otherend, "", flags[i].key,
					  1, 0, &v);
		if (err)
			return netfront_bad_key(info, flags[i].key, err);
		*flags[i].val = v;
	}
	err = xpv_xenbus_read_opt(dev, dev->otherend, "", mq, U32_MAX, 1, &v);
	if (!err && !v)
		err = -EINVAL;
	if (err)
		return netfront_bad_key(info, mq, err);
	o->max_queues = v;
	return 0;
}

/* What we write: every offload we can take, rx-copy, rx-notify. */
static void netfront_front_keys(struct xpv_netif_front_keys *k,
				unsigned int nr_queues)
{
	memset(k, 0, sizeof(*k));
	k->rx_copy = true;
	k->rx_notify = true;
	k->sg = true;
	k->gso_tcpv4 = true;
	k->gso_tcpv6 = true;
	k->ipv6_csum = true;
	k->has_num_queues = nr_queues > 1;
	k->num_queues = nr_queues;
}

static int netfront_write_queue(struct xpv_xbt t,
				struct xpv_netfront_info *info,
				struct xpv_netfront_queue *q)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	char dir[16];
	int err;

	err = xpv_xenbus_queue_dir(dir, sizeof(dir), info->nr_queues,
				   q->index);
	if (err < 0)
		return err;
	err = xpv_front_ring_publish(t, dev, dir, "tx-ring-ref", &q->tx_mem,
				     false);
	if (!err)
		err = xpv_front_ring_publish(t, dev, dir, "rx-ring-ref",
					     &q->rx_mem, false);
	if (err)
		return err;
	if (!info->split)
		return xpv_front_evtchn_publish(t, dev, dir, "event-channel",
						&q->ev_tx);
	err = xpv_front_evtchn_publish(t, dev, dir, "event-channel-tx",
				       &q->ev_tx);
	if (!err)
		err = xpv_front_evtchn_publish(t, dev, dir, "event-channel-rx",
					       &q->ev_rx);
	return err;
}

struct netfront_publish_args {
	struct xpv_netfront_info *info;
	const struct xpv_netif_front_keys *k;
};

/* The device's keys, in the transaction of xpv_xenbus_publish(). */
static int netfront_write_keys(struct xpv_xbt t, void *data, const char **what)
{
	const struct netfront_publish_args *a = data;
	const struct xpv_netif_front_keys *k = a->k;
	struct xpv_netfront_info *info = a->info;
	const struct {
		const char *key;
		bool val;
	} flags[] = {
		{ "request-rx-copy", k->rx_copy },
		{ "feature-rx-notify", k->rx_notify },
		{ "feature-sg", k->sg },
		{ "feature-gso-tcpv4", k->gso_tcpv4 },
		{ "feature-gso-tcpv6", k->gso_tcpv6 },
		{ "feature-ipv6-csum-offload", k->ipv6_csum },
	};
	struct xpv_xenbus_device *dev = info->xbdev;
	unsigned int i;
	int err;

	*what = "multi-queue-num-queues";
	if (k->has_num_queues) {
		err = xpv_xs_printf(t, dev->nodename, *what, "%llu",
				    k->num_queues);
		if (err)
			return err;
	}
	*what = "ring references / event channels";
	for (i = 0; i < info->nr_queues; i++) {
		err = netfront_write_queue(t, info, &info->queues[i]);
		if (err)
			return err;
	}
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		*what = flags[i].key;
		err = xpv_xs_printf(t, dev->nodename, *what, "%u",
				    flags[i].val);
		if (err)
			return err;
	}
	return 0;
}

static int netfront_publish(struct xpv_netfront_info *info,
			    const struct xpv_netif_front_keys *k)
{
	struct netfront_publish_args a = { .info = info, .k = k };

	return xpv_xenbus_publish(info->xbdev, netfront_write_keys, &a);
}

/* Back end InitWait: build the queues, publish them, switch to Connected. */
static int netfront_setup(struct xpv_netfront_info *info)
{
	struct xpv_xenbus_device *dev = info->xbdev;
	struct xpv_netif_front_keys keys;
	unsigned int want, nr, i;
	u64 dev_trusted;
	int err;

	if (info->queues)
		return 0;	/* already set up */
	err = netfront_read_offer(info, &info->offer);
	if (err)
		return err;
	want = min3(READ_ONCE(max_queues), num_online_cpus(),
		    info->max_queues);
	nr = xpv_netif_front_queues(want, info->offer.max_queues);
	netfront_front_keys(&keys, nr);
	err = xpv_netif_negotiate(&info->offer, &keys, &info->feat);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err,
				     "negotiating with %s (rx-copy is required)",
				     dev->otherend);
		return err;
	}
	info->split = info->offer.split_evtchn &&
		      READ_ONCE(split_event_channels);
	/* A malformed key counts as "not trusted". */
	if (xpv_xenbus_read_opt(dev, dev->nodename, "", "trusted", U64_MAX, 1,
				&dev_trusted))
		dev_trusted = 0;
	info->bounce = !READ_ONCE(trusted) || !dev_trusted;
	WRITE_ONCE(info->broken, false);

	err = netfront_create_queues(info, nr);
	if (err)
		return err;
	err = netfront_publish(info, &keys);
	if (err)
		goto out_destroy;

	rtnl_lock();
	for (i = 0; i < info->nr_queues; i++) {
		struct xpv_netfront_queue *q = &info->queues[i];

		spin_lock_irq(&q->tx_lock);
		q->connected = true;
		spin_unlock_irq(&q->tx_lock);
		/* NAPI posts the rx pages (and keeps them posted). */
		if (netif_running(info->netdev))
			napi_schedule(&q->napi);
	}
	netdev_update_features(info->netdev);
	netif_tx_wake_all_queues(info->netdev);
	rtnl_unlock();

	err = xpv_xenbus_switch_state(dev, XenbusStateConnected);
	if (err)
		goto out_destroy;
	info->connected = true;
	netdev_info(info->netdev,
		    "%pM: %u queue(s), %s event channels, %s, tx%s%s%s%s%s, rx%s%s%s%s%s\n",
		    info->netdev->dev_addr, info->nr_queues,
		    info->split ? "split" : "shared",
		    info->bounce ? "untrusted back end (bounce)" : "trusted back end",
		    info->feat.tx.sg ? " sg" : "", info->feat.tx.csum ? " csum" : "",
		    info->feat.tx.ipv6_csum ? " csum6" : "",
		    info->feat.tx.gso_tcpv4 ? " tso" : "",
		    info->feat.tx.gso_tcpv6 ? " tso6" : "",
		    info->feat.rx.sg ? " sg" : "", info->feat.rx.csum ? " csum" : "",
		    info->feat.rx.ipv6_csum ? " csum6" : "",
		    info->feat.rx.gso_tcpv4 ? " gso" : "",
		    info->feat.rx.gso_tcpv6 ? " gso6" : "");
	return 0;

out_destroy:
	netfront_destroy_queues(info);
	return err;
}

/* Announce a device that is up (gratuitous ARP, unsolicited neighbour
 * advertisement) once the stack has taken its new carrier: until the link
 * watch has run, its tx queues hold the noop qdisc that carrier-off put
 * there, which drops whatever is sent.
 */
static void netfront_notify_work(struct work_struct *work)
{
	struct xpv_netfront_info *info =
		container_of(to_delayed_work(work), struct xpv_netfront_info,
			     notify_work);
	struct net_device *nd = info->netdev;
	bool again = false;

	rtnl_lock();
	if (netif_running(nd) && netif_carrier_ok(nd)) {
		if (!qdisc_tx_changing(nd)) {
			__netdev_notify_peers(nd);
			WRITE_ONCE(info->peer_notifies,
				   info->peer_notifies + 1);
		} else if (info->notify_tries) {
			info->notify_tries--;
			again = true;
		} else {
			netdev_warn(nd, "link not up in the stack %u ms after the carrier: not announced\n",
				    NETFRONT_NOTIFY_POLL_MS * NETFRONT_NOTIFY_TRIES);
		}
	}
	rtnl_unlock();
	if (again)
		schedule_delayed_work(&info->notify_work,
				      msecs_to_jiffies(NETFRONT_NOTIFY_POLL_MS));
}

/* Both ends Connected: the link is up. */
static void netfront_link_up(struct xpv_netfront_info *info)
{
	if (!info->connected || READ_ONCE(info->broken) ||
	    netif_carrier_ok(info->netdev))
		return;
	netif_carrier_on(info->netdev);
	info->notify_tries = NETFRONT_NOTIFY_TRIES;
	mod_delayed_work(system_wq, &info->notify_work, 0);
}

static void netfront_teardown(struct xpv_netfront_info *info)
{
	cancel_delayed_work_sync(&info->notify_work);
	netif_carrier_off(info->netdev);
	info->connected = false;
	if (info->queues)
		netfront_destroy_queues(info);
}

static void netfront_fatal_work(struct work_struct *work)
{
	struct xpv_netfront_info *info =
		container_of(work, struct xpv_netfront_info, fatal_work);

	mutex_lock(&info->mutex);
	if (info->xbdev->state == XenbusStateConnected) {
		xpv_xenbus_dev_error(info->xbdev, -EPROTO,
				     "back end broke the netif protocol");
		xpv_xenbus_switch_state(info->xbdev, XenbusStateClosing);
	}
	mutex_unlock(&info->mutex);
}

/* The steps of xpv_xenbus_front_changed(). Mutex held. */
static int netfront_xb_setup(void *data)
{
	return netfront_setup(data);
}

/* The back end is Connected; also when both ends stay Connected: we
 * switched to Connected ourselves and the back end followed.
 */
static void netfront_xb_connect(void *data)
{
	netfront_link_up(data);
}

static void netfront_xb_close(void *data, enum xenbus_state bstate)
{
	struct xpv_netfront_info *info = data;

	netfront_teardown(info);
	xpv_xenbus_switch_state(info->xbdev, XenbusStateClosed);
}

static const struct xpv_xenbus_front_ops netfront_xenbus_ops = {
	.setup = netfront_xb_setup,
	.connect = netfront_xb_connect,
	.close = netfront_xb_close,
	.connected = netfront_xb_connect,
};

static void netfront_backend_changed(struct xpv_xenbus_device *dev,
				     enum xenbus_state bstate)
{
	struct xpv_netfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return;		/* probe() replays the state itself */
	mutex_lock(&info->mutex);
	xpv_xenbus_front_changed(dev, bstate, &netfront_xenbus_ops, info);
	mutex_unlock(&info->mutex);
}

/* ------------------------------------------------------------------ */
/* sysfs: /sys/class/net/<dev>/xpv/                                    */
/* ------------------------------------------------------------------ */

static ssize_t stats_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct xpv_netfront_info *info = netdev_priv(to_net_dev(d));

	return xpv_netfront_stats_show(info, buf, PAGE_SIZE);
}
static DEVICE_ATTR_RO(stats);

static struct attribute *netfront_attrs[] = {
	&dev_attr_stats.attr,
	NULL
};

static const struct attribute_group netfront_attr_group = {
	.name = "xpv",
	.attrs = netfront_attrs,
};

/* ------------------------------------------------------------------ */
/* Probe and remove.                                                   */
/* ------------------------------------------------------------------ */

static int netfront_read_mac(struct xpv_xenbus_device *dev, u8 *mac)
{
	unsigned int len;
	char *s;
	int err;

	s = xpv_xs_read(XPV_XBT_NIL, dev->nodename, "mac", &len);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = xpv_netif_parse_mac(s, len, mac);
	kfree(s);
	return err;
}

static int netfront_probe(struct xpv_xenbus_device *dev,
			  const struct xpv_xenbus_device_id *id)
{
	struct xpv_netfront_info *info;
	struct net_device *nd;
	unsigned int nq;
	u8 mac[ETH_ALEN];
	int err;

	err = netfront_read_mac(dev, mac);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading %s/mac", dev->nodename);
		return err;
	}
	nq = clamp(min(max_queues, num_possible_cpus()), 1U,
		   XPV_NETIF_MAX_QUEUES);
	nd = alloc_etherdev_mq(sizeof(*info), nq);
	if (!nd)
		return -ENOMEM;
	info = netdev_priv(nd);
	info->netdev = nd;
	info->xbdev = dev;
	info->max_queues = nq;
	mutex_init(&info->mutex);
	INIT_WORK(&info->fatal_work, netfront_fatal_work);
	INIT_DELAYED_WORK(&info->notify_work, netfront_notify_work);
	info->qstats = kcalloc(nq, sizeof(*info->qstats), GFP_KERNEL);
	if (!info->qstats) {
		err = -ENOMEM;
		goto out_free_netdev;
	}
	for (nq = 0; nq < info->max_queues; nq++) {
		u64_stats_init(&info->qstats[nq].tx_syncp);
		u64_stats_init(&info->qstats[nq].rx_syncp);
	}

	nd->netdev_ops = &xpv_netfront_netdev_ops;
	nd->ethtool_ops = &xpv_netfront_ethtool_ops;
	nd->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			  NETIF_F_TSO | NETIF_F_TSO6;
	nd->features = nd->hw_features | NETIF_F_RXCSUM;
	nd->min_mtu = ETH_MIN_MTU;
	nd->max_mtu = XPV_NETIF_MAX_TX_SIZE - ETH_HLEN;
	netif_set_tso_max_size(nd, XPV_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
	nd->sysfs_groups[0] = &netfront_attr_group;
	eth_hw_addr_set(nd, mac);
	SET_NETDEV_DEV(nd, &dev->dev);
	netif_carrier_off(nd);
	netif_set_real_num_tx_queues(nd, 1);
	netif_set_real_num_rx_queues(nd, 1);

	err = register_netdev(nd);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "registering the netdev");
		goto out_free_stats;
	}
	dev_set_drvdata(&dev->dev, info);
	/* The first watch event may have come before drvdata was set. */
	netfront_backend_changed(dev, xpv_xenbus_read_otherend_state(dev));
	return 0;

out_free_stats:
	kfree(info->qstats);
out_free_netdev:
	free_netdev(nd);
	return err;
}

static void netfront_remove(struct xpv_xenbus_device *dev)
{
	struct xpv_netfront_info *info = dev_get_drvdata(&dev->dev);
	struct net_device *nd;

	if (!info)
		return;
	nd = info->netdev;
	mutex_lock(&info->mutex);
	netfront_teardown(info);
	dev_set_drvdata(&dev->dev, NULL);
	mutex_unlock(&info->mutex);
	/* No interrupt is left to schedule it again. */
	cancel_work_sync(&info->fatal_work);
	unregister_netdev(nd);
	kfree(info->qstats);
	free_netdev(nd);
}

/* The domain is about to be suspended: nothing more to transmit. */
static int netfront_suspend(struct xpv_xenbus_device *dev)
{
	struct xpv_netfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return 0;
	rtnl_lock();
	netif_tx_disable(info->netdev);
	rtnl_unlock();
	return 0;
}

static void netfront_suspend_cancel(struct xpv_xenbus_device *dev)
{
	struct xpv_netfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return;
	mutex_lock(&info->mutex);
	rtnl_lock();
	if (info->connected && !READ_ONCE(info->broken))
		netif_tx_wake_all_queues(info->netdev);
	rtnl_unlock();
	mutex_unlock(&info->mutex);
}

/* Restored into a new domain: the back end and everything shared with it
 * are gone.  The queues go (packets on the rings are lost, as on a wire;
 * TCP sends them again), the handshake starts over when the back end's
 * state watch fires, and the link comes up with a gratuitous ARP and an
 * unsolicited neighbour advertisement (netfront_link_up()), so that the
 * bridge and the peers learn where the guest is now.
 */
static int netfront_resume(struct xpv_xenbus_device *dev)
{
	struct xpv_netfront_info *info = dev_get_drvdata(&dev->dev);

	if (!info)
		return 0;
	mutex_lock(&info->mutex);
	netfront_teardown(info);
	mutex_unlock(&info->mutex);
	netdev_info(info->netdev, "resumed in a new domain: connecting again\n");
	return 0;
}

static const struct xpv_xenbus_device_id netfront_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xpv_xenbus_driver netfront_driver = {
	.name = "xpv-vif",
	.ids = netfront_ids,
	.probe = netfront_probe,
	.otherend_changed = netfront_backend_changed,
	.remove = netfront_remove,
	.suspend = netfront_suspend,
	.resume = netfront_resume,
	.suspend_cancel = netfront_suspend_cancel,
};

static int __init netfront_init(void)
{
	max_queues = clamp(max_queues, 1U, XPV_NETIF_MAX_QUEUES);
	return xpv_xenbus_register_frontend(&netfront_driver);
}
module_init(netfront_init);

static void __exit netfront_exit(void)
{
	xpv_xenbus_unregister_driver(&netfront_driver);
}
module_exit(netfront_exit);

MODULE_DESCRIPTION("xpv Xen virtual network device front end (netif)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xpv-frontend:vif");
