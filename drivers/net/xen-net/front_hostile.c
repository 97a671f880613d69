// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network front end: a hostile back end for testing it on real Xen.
 *
 * A test module, not a driver: built out of tree with the dom0 modules
 * (xpv-netfront-hostile.ko), never part of a kernel series or of the DKMS
 * package.  The mirror of xpv-netback-hostile.ko, and the net sibling of
 * xpv-blkfront-hostile.ko: loaded into the stock dom0 (through the
 * dom0-compat provider xpv_compat), it registers as the xenbus back-end
 * driver of the device type "hvif", a type no stock driver claims, so the
 * stock xen-netback (or ours) keeps serving every ordinary "vif" of the
 * same guest.  The test-bed scenario net-front-hostile writes, for a vif
 * of the guest, the front end's device/vif/ID node and a back end node
 * backend/hvif/DOMID/ID.  The guest's front end sees an ordinary netif
 * back end offering rx-copy and nothing else (one queue, one event
 * channel); the module connects when the front end is Connected and
 * answers every tx slot OKAY (the packets go nowhere) and fills no rx
 * slot on its own.
 *
 * The scenario then drives it one step at a time by writing a command to
 * the "attack" parameter; the write returns when the step is done (-EIO
 * when it could not be carried out, -ENODEV with no connected device):
 *
 *   rx-good        one valid 60-byte frame into the next rx slot
 *   rx-bad-id      an rx response whose id is out of range
 *   rx-dup-id      an rx slot answered correctly, then its id once more
 *   rx-cross-page  an rx response whose offset + size runs past the page
 *   rx-bad-status  an rx response with a garbage (negative) status
 *   rx-zero-chain  rx responses of size 0, each with more-data, past the
 *                  longest chain a front end accepts
 *   rx-prod        the rx ring's rsp_prod far beyond its requests
 *   tx-prod        the tx ring's rsp_prod far beyond its requests
 *   tx-hold        stop answering tx slots (the next steps answer them)
 *   tx-bad-id      wait for a held tx slot, answer an id out of range
 *   tx-dup-id      wait for two held tx slots, answer the first twice
 *   storm          notify the front end as fast as possible for
 *                  "storm_ms" (the count in "notifications")
 *   keep-mapped    map the page of the next rx slot, keep it mapped and
 *                  switch to Closed (the front end must not free it)
 *   release        unmap the page kept by keep-mapped
 *
 * The states follow xpv_xenbus_back_changed(), as in xpv-netback: on the
 * front end's Closing or Closed the module unbinds and unmaps the rings
 * and switches to Closing, then Closed; a page kept mapped is released by
 * "release" or when the device's node is removed.  Each step is logged as
 * "xpv_netfront_hostile: hvif-D-ID: NAME ...".
 */
#define pr_fmt(fmt) "xpv_netfront_hostile: " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/hostile.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

#include "netif_proto.h"

#define HV_FRAME_LEN	60		/* the frame of rx-good */
#define HV_BAD_ID	0x7fff		/* never an id of a 256-slot ring */
#define HV_HOLD		16		/* tx slots held after tx-hold */
#define HV_WAIT_MS	10000		/* longest wait for a held tx slot */
#define HV_PROD_AHEAD	0x10000

static unsigned int storm_ms = 3000;
module_param(storm_ms, uint, 0644);
MODULE_PARM_DESC(storm_ms, "Duration of the storm step in ms (default 3000)");

static unsigned long notifications;
module_param(notifications, ulong, 0444);
MODULE_PARM_DESC(notifications, "Notifications sent by the last storm step");

/**
 * struct hv_dev - one hostile back end device
 * @dev: its xenbus device
 * @ctl: serialises the control plane (probe's replay, state changes)
 * @lock: serialises the rings, the held tx slots and the flags
 * @tx_area: the mapped tx ring, NULL when not connected
 * @rx_area: the mapped rx ring, NULL when not connected
 * @tx: our view of the tx ring
 * @rx: our view of the rx ring
 * @ev: the event channel, bound for late EOI
 * @connected: the rings are mapped and served
 * @hold_tx: tx slots are held, not answered
 * @held: held tx data slots
 * @nr_held: entries in @held
 * @work: answers tx slots (scheduled by the interrupt)
 * @pages: pages the front end's rx grants are mapped into: [0] for
 *	rx-good, [1] for keep-mapped
 * @kept: @pages[1] still maps a grant of the front end
 * @kept_handle: its handle
 */
struct hv_dev {
	struct xpv_xenbus_device *dev;
	struct mutex ctl;	/* control plane */
	struct mutex lock;	/* rings, held slots, flags */
	void *tx_area;
	void *rx_area;
	struct xpv_netif_tx_back tx;
	struct xpv_netif_rx_back rx;
	struct xpv_ring_evtchn ev;
	bool connected;
	bool hold_tx;
	struct xpv_netif_tx_request held[HV_HOLD];
	unsigned int nr_held;
	struct work_struct work;
	struct page *pages[2];
	bool kept;
	grant_handle_t kept_handle;
};

/* The device the attack steps act on (the scenario plugs one at a time). */
static DEFINE_MUTEX(hv_cur_lock);
static struct hv_dev *hv_cur;

static const char *hv_name(struct hv_dev *h)
{
	return dev_name(&h->dev->dev);
}

static void hv_push_tx(struct hv_dev *h)
{
	xpv_netif_tx_back_push_responses(&h->tx);
	xpv_evtchn_notify(h->ev.port);	/* an attack does not wait to be asked */
}

static void hv_push_rx(struct hv_dev *h)
{
	xpv_netif_rx_back_push_responses(&h->rx);
	xpv_evtchn_notify(h->ev.port);
}

static void hv_tx_respond(struct hv_dev *h, u16 id, s16 status)
{
	struct xpv_netif_tx_response rsp = { .id = id, .status = status };

	if (!xpv_netif_tx_back_put_response(&h->tx, &rsp))
		pr_err("%s: no slot for a tx response\n", hv_name(h));
}

/* Answer (or hold) the tx slots on the ring.  Called with h->lock held. */
static void hv_serve_tx(struct hv_dev *h)
{
	struct xpv_netif_tx_request slot;
	unsigned int extras = 0;

	do {
		while (xpv_netif_tx_back_get_request(&h->tx, &slot)) {
			if (extras) {
				struct xpv_netif_extra ex;

				/* An extra: its answer is NULL, never held. */
				xpv_netif_tx_slot_extra(&slot, &ex);
				extras = ex.flags & XPV_NETIF_EXTRA_FLAG_MORE;
				hv_tx_respond(h, 0, XPV_NETIF_RSP_NULL);
				continue;
			}
			extras = slot.flags & XPV_NETTXF_EXTRA_INFO;
			if (h->hold_tx) {
				if (h->nr_held < HV_HOLD)
					h->held[h->nr_held++] = slot;
				continue;
			}
			hv_tx_respond(h, slot.id, XPV_NETIF_RSP_OKAY);
		}
		if (xpv_netif_tx_back_push_responses(&h->tx))
			xpv_evtchn_notify(h->ev.port);
		if (h->tx.r.broken) {
			pr_err("%s: the front end's tx request producer is invalid\n",
			       hv_name(h));
			h->connected = false;
			return;
		}
	} while (xpv_netif_tx_back_final_check(&h->tx));
}

static void hv_work(struct work_struct *work)
{
	struct hv_dev *h = container_of(work, struct hv_dev, work);

	mutex_lock(&h->lock);
	if (h->connected)
		hv_serve_tx(h);
	mutex_unlock(&h->lock);
}

static irqreturn_t hv_interrupt(int irq, void *data)
{
	struct hv_dev *h = data;

	schedule_work(&h->work);
	xpv_evtchn_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* Rx.                                                                 */
/* ------------------------------------------------------------------ */

/* Take the next rx request the front end posted; -EAGAIN when none. */
static int hv_rx_take(struct hv_dev *h, struct xpv_netif_rx_request *req)
{
	if (xpv_netif_rx_back_get_request(&h->rx, req))
		return 0;
	pr_err("%s: no rx request posted%s\n", hv_name(h),
	       h->rx.r.broken ? " (invalid producer)" : "");
	return -EAGAIN;
}

static int hv_rx_respond(struct hv_dev *h, u16 id, u16 offset, u16 flags,
			 s16 status)
{
	struct xpv_netif_rx_response rsp = {
		.id = id, .offset = offset, .flags = flags, .status = status,
	};

	if (xpv_netif_rx_back_put_response(&h->rx, &rsp))
		return 0;
	pr_err("%s: no slot for an rx response\n", hv_name(h));
	return -ENOSPC;
}

/* Copy a valid frame (broadcast, local experimental ethertype) into the
 * page of @req through a mapping; answer it.
 */
static int hv_rx_good(struct hv_dev *h, const struct xpv_netif_rx_request *req)
{
	static const u8 hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x16, 0x3e, 0xde, 0xad, 0x02,
		0x88, 0xb5,
	};
	grant_handle_t handle;
	unsigned int i;
	u8 *p;
	int err;

	err = xpv_gnttab_map_page(h->dev->otherend_id, req->gref, h->pages[0],
				  false, &handle);
	if (err) {
		pr_err("%s: mapping rx grant %u failed (%d)\n", hv_name(h),
		       req->gref, err);
		return err;
	}
	p = page_address(h->pages[0]);
	memcpy(p, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < HV_FRAME_LEN; i++)
		p[i] = i;
	err = xpv_gnttab_unmap_page(h->pages[0], handle);
	if (err) {
		pr_err("%s: unmapping rx grant %u failed (%d)\n", hv_name(h),
		       req->gref, err);
		return err;
	}
	return hv_rx_respond(h, req->id, 0, 0, HV_FRAME_LEN);
}

/* One rx step.  Called with h->lock held, connected. */
static int hv_rx_attack(struct hv_dev *h, const char *cmd)
{
	struct xpv_netif_rx_request req;
	unsigned int i;
	int err;

	if (!strcmp(cmd, "rx-prod")) {
		WRITE_ONCE(h->rx.r.sring->rsp_prod,
			   h->rx.r.rsp_prod_pvt + HV_PROD_AHEAD);
		xpv_evtchn_notify(h->ev.port);
		return 0;
	}
	if (!strcmp(cmd, "rx-zero-chain")) {
		/* One past the longest chain a front end must accept. */
		for (i = 0; i <= XPV_NETIF_SLOTS_CAP; i++) {
			err = hv_rx_take(h, &req);
			if (!err)
				err = hv_rx_respond(h, req.id, 0,
						    XPV_NETRXF_MORE_DATA, 0);
			if (err)
				return err;
		}
		hv_push_rx(h);
		return 0;
	}
	err = hv_rx_take(h, &req);
	if (err)
		return err;
	if (!strcmp(cmd, "rx-good")) {
		err = hv_rx_good(h, &req);
	} else if (!strcmp(cmd, "rx-bad-id")) {
		err = hv_rx_respond(h, HV_BAD_ID, 0, 0, HV_FRAME_LEN);
	} else if (!strcmp(cmd, "rx-dup-id")) {
		err = hv_rx_good(h, &req);
		if (!err)
			err = hv_rx_take(h, &req);
		/* The next slot answered with the id just completed. */
		if (!err)
			err = hv_rx_respond(h, (u16)(req.id - 1), 0, 0,
					    HV_FRAME_LEN);
	} else if (!strcmp(cmd, "rx-cross-page")) {
		err = hv_rx_respond(h, req.id, XPV_NETIF_PAGE_SIZE - 100, 0,
				    200);
	} else if (!strcmp(cmd, "rx-bad-status")) {
		err = hv_rx_respond(h, req.id, 0, 0, -12345);
	} else if (!strcmp(cmd, "keep-mapped")) {
		err = xpv_gnttab_map_page(h->dev->otherend_id, req.gref,
					  h->pages[1], false, &h->kept_handle);
		if (!err) {
			h->kept = true;
			pr_info("%s: keeping rx grant %u (id %u) mapped\n",
				hv_name(h), req.gref, req.id);
		}
		return err;	/* unanswered: the slot stays the front's */
	} else {
		return -EINVAL;
	}
	if (!err)
		hv_push_rx(h);
	return err;
}

/* ------------------------------------------------------------------ */
/* Tx.                                                                 */
/* ------------------------------------------------------------------ */

/* Wait (lock dropped) until @want tx slots are held.  Called with h->lock
 * held; returns with it held.
 */
static int hv_wait_held(struct hv_dev *h, unsigned int want)
{
	unsigned int ms;

	for (ms = 0; h->nr_held < want; ms += 20) {
		if (ms >= HV_WAIT_MS || !h->connected)
			return -ETIMEDOUT;
		mutex_unlock(&h->lock);
		msleep(20);
		mutex_lock(&h->lock);
	}
	return 0;
}

static int hv_tx_attack(struct hv_dev *h, const char *cmd)
{
	int err;

	if (!strcmp(cmd, "tx-prod")) {
		WRITE_ONCE(h->tx.r.sring->rsp_prod,
			   h->tx.r.rsp_prod_pvt + HV_PROD_AHEAD);
		xpv_evtchn_notify(h->ev.port);
		return 0;
	}
	if (!strcmp(cmd, "tx-hold")) {
		h->hold_tx = true;
		return 0;
	}
	if (!h->hold_tx)
		return -EINVAL;
	/* A second answer needs a second consumed slot to take its place. */
	err = hv_wait_held(h, strcmp(cmd, "tx-dup-id") ? 1 : 2);
	if (err) {
		pr_err("%s: too few tx slots from the front end in %u ms (%u)\n",
		       hv_name(h), HV_WAIT_MS, h->nr_held);
		return err;
	}
	pr_info("%s: %s on tx id %u (%u held)\n", hv_name(h), cmd,
		h->held[0].id, h->nr_held);
	if (!strcmp(cmd, "tx-bad-id")) {
		hv_tx_respond(h, HV_BAD_ID, XPV_NETIF_RSP_OKAY);
	} else if (!strcmp(cmd, "tx-dup-id")) {
		hv_tx_respond(h, h->held[0].id, XPV_NETIF_RSP_OKAY);
		hv_tx_respond(h, h->held[0].id, XPV_NETIF_RSP_OKAY);
	} else {
		return -EINVAL;
	}
	hv_push_tx(h);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Control plane.                                                      */
/* ------------------------------------------------------------------ */

static int hv_connect(struct hv_dev *h)
{
	struct xpv_xenbus_device *dev = h->dev;
	char dir[16];
	u64 nq;
	int err;

	/* A front end that chose several queues gets only the first served. */
	if (xpv_xenbus_read_opt(dev, dev->otherend, "", "multi-queue-num-queues",
				XPV_NETIF_MAX_QUEUES, 1, &nq) || !nq)
		nq = 1;
	err = xpv_xenbus_queue_dir(dir, sizeof(dir), nq, 0);
	if (err < 0)
		return err;
	err = xpv_back_ring_map(dev, dir, "tx-ring-ref", 0, false, &h->tx_area);
	if (err)
		return err;
	err = xpv_back_ring_map(dev, dir, "rx-ring-ref", 0, false, &h->rx_area);
	if (err)
		return err;
	err = xpv_netif_tx_back_init(&h->tx, h->tx_area, XPV_NETIF_PAGE_SIZE);
	if (!err)
		err = xpv_netif_rx_back_init(&h->rx, h->rx_area,
					     XPV_NETIF_PAGE_SIZE);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "attaching the rings");
		return err;
	}
	err = xpv_back_evtchn_bind(dev, dir, "event-channel", &h->ev,
				   hv_interrupt, "xpv-hvif", h);
	if (err)
		return err;
	mutex_lock(&h->lock);
	h->connected = true;
	h->hold_tx = false;
	h->nr_held = 0;
	mutex_unlock(&h->lock);
	err = xpv_xenbus_switch_state(dev, XenbusStateConnected);
	if (err)
		return err;
	mutex_lock(&hv_cur_lock);
	hv_cur = h;
	mutex_unlock(&hv_cur_lock);
	pr_info("%s: connected (%llu queue(s) asked, queue 0 served)\n",
		hv_name(h), nq);
	return 0;
}

/* Let go of the rings and the event channel (not of a kept page). */
static void hv_disconnect(struct hv_dev *h)
{
	mutex_lock(&h->lock);
	h->connected = false;
	mutex_unlock(&h->lock);
	xpv_ring_evtchn_close(h->dev, &h->ev, h);
	cancel_work_sync(&h->work);
	if (h->tx_area)
		xpv_back_ring_unmap(h->dev, &h->tx_area);
	if (h->rx_area)
		xpv_back_ring_unmap(h->dev, &h->rx_area);
	h->tx_area = NULL;
	h->rx_area = NULL;
}

/* Unmap the page kept by keep-mapped. */
static int hv_release(struct hv_dev *h)
{
	int err;

	if (!h->kept)
		return -ENOENT;
	err = xpv_gnttab_unmap_page(h->pages[1], h->kept_handle);
	if (err) {
		pr_err("%s: unmapping the kept rx grant failed (%d)\n",
		       hv_name(h), err);
		return err;
	}
	h->kept = false;
	pr_info("%s: released the kept rx grant\n", hv_name(h));
	return 0;
}

/* The steps of xpv_xenbus_back_changed().  h->ctl held. */
static void hv_xb_connect(void *data)
{
	struct hv_dev *h = data;

	if (!h->tx_area && hv_connect(h))
		hv_disconnect(h);
}

static void hv_xb_disconnect(void *data)
{
	hv_disconnect(data);
}

static const struct xpv_xenbus_back_ops hv_xenbus_ops = {
	.connect = hv_xb_connect,
	.disconnect = hv_xb_disconnect,
};

static void hv_frontend_changed(struct xpv_xenbus_device *dev,
				enum xenbus_state fstate)
{
	struct hv_dev *h = dev_get_drvdata(&dev->dev);

	if (!h)
		return;
	mutex_lock(&h->ctl);
	xpv_xenbus_back_changed(dev, fstate, &hv_xenbus_ops, h);
	mutex_unlock(&h->ctl);
}

static void hv_remove(struct xpv_xenbus_device *dev)
{
	struct hv_dev *h = dev_get_drvdata(&dev->dev);

	if (!h)
		return;
	mutex_lock(&hv_cur_lock);
	if (hv_cur == h)
		hv_cur = NULL;
	mutex_unlock(&hv_cur_lock);
	mutex_lock(&h->ctl);
	hv_disconnect(h);
	mutex_unlock(&h->ctl);
	if (h->kept)
		hv_release(h);
	if (h->kept)
		pr_err("%s: leaking a page that still maps a grant\n",
		       hv_name(h));
	else
		xpv_gnttab_free_pages(ARRAY_SIZE(h->pages), h->pages);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(h);
}

static int hv_probe(struct xpv_xenbus_device *dev,
		    const struct xpv_xenbus_device_id *id)
{
	struct hv_dev *h;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->dev = dev;
	mutex_init(&h->ctl);
	mutex_init(&h->lock);
	INIT_WORK(&h->work, hv_work);
	err = xpv_gnttab_alloc_pages(ARRAY_SIZE(h->pages), h->pages);
	if (err) {
		kfree(h);
		return err;
	}
	dev_set_drvdata(&dev->dev, h);
	err = xpv_xs_write(XPV_XBT_NIL, dev->nodename, "feature-rx-copy", "1");
	if (!err)
		err = xpv_xenbus_switch_state(dev, XenbusStateInitWait);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "advertising the vif");
		hv_remove(dev);
		return err;
	}
	pr_info("%s: armed\n", hv_name(h));
	/* The first state event may have come before drvdata was set. */
	hv_frontend_changed(dev, xpv_xenbus_read_otherend_state(dev));
	return 0;
}

/* ------------------------------------------------------------------ */
/* The attack parameter.                                               */
/* ------------------------------------------------------------------ */

static int hv_step(struct hv_dev *h, const char *cmd)
{
	int err = -ENOTCONN;

	if (!strcmp(cmd, "release"))
		return hv_release(h);
	if (!strcmp(cmd, "storm")) {
		evtchn_port_t port;

		mutex_lock(&h->lock);
		port = h->connected ? h->ev.port : 0;
		mutex_unlock(&h->lock);
		if (!port)
			return err;
		/* Without the lock: the front end may close meanwhile. */
		notifications = xpv_hostile_storm(port, storm_ms);
		pr_info("%s: storm: %lu notifications in %u ms\n", hv_name(h),
			notifications, storm_ms);
		return 0;
	}
	mutex_lock(&h->lock);
	if (h->connected) {
		if (!strncmp(cmd, "tx-", 3))
			err = hv_tx_attack(h, cmd);
		else
			err = hv_rx_attack(h, cmd);
	}
	mutex_unlock(&h->lock);
	if (!err && !strcmp(cmd, "keep-mapped")) {
		/* The rings go, the page stays mapped. */
		mutex_lock(&h->ctl);
		hv_disconnect(h);
		err = xpv_xenbus_switch_state(h->dev, XenbusStateClosed);
		mutex_unlock(&h->ctl);
	}
	return err;
}

static int hv_attack_set(const char *val, const struct kernel_param *kp)
{
	char cmd[32];
	int err;

	strscpy(cmd, val, sizeof(cmd));
	strim(cmd);
	mutex_lock(&hv_cur_lock);
	if (!hv_cur) {
		mutex_unlock(&hv_cur_lock);
		pr_err("%s: no connected device\n", cmd);
		return -ENODEV;
	}
	err = hv_step(hv_cur, cmd);
	if (err)
		pr_err("%s: %s failed (%d)\n", hv_name(hv_cur), cmd, err);
	else
		pr_info("%s: %s done\n", hv_name(hv_cur), cmd);
	mutex_unlock(&hv_cur_lock);
	if (err == -EINVAL)
		return err;
	return err ? -EIO : 0;
}

static const struct kernel_param_ops hv_attack_ops = {
	.set = hv_attack_set,
};
module_param_cb(attack, &hv_attack_ops, NULL, 0200);
MODULE_PARM_DESC(attack, "Write a step (see the file's comment) to carry it out on the connected hvif device");

static const struct xpv_xenbus_device_id hv_ids[] = {
	{ "hvif" },
	{ "" }
};

static struct xpv_xenbus_driver hv_driver = {
	.name = "xpv-hvif",
	.ids = hv_ids,
	.probe = hv_probe,
	.otherend_changed = hv_frontend_changed,
	.remove = hv_remove,
};

module_xpv_xenbus_backend(hv_driver);

MODULE_DESCRIPTION("xpv network front end test: a hostile netif back end");
MODULE_LICENSE("GPL");
