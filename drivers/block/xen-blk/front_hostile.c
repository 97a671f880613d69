// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block front end: a hostile back end for testing it on real Xen.
 *
 * A test module, not a driver: built out of tree with the dom0 modules
 * (xpv-blkfront-hostile.ko), never part of a kernel series.  The mirror of
 * xpv-blkback-hostile.ko: loaded into the stock dom0 (through the
 * dom0-compat provider xpv_compat), it registers as the xenbus back-end
 * driver of the device type "hvbd", a type no stock driver claims, so the
 * stock xen-blkback keeps serving every ordinary "vbd" of the same guest.
 * The test-bed scenario blk-front-hostile writes, for a disk of the guest,
 * the front end's device/vbd/ID node and a back end node
 * backend/hvbd/DOMID/ID whose "hostile-attack" key names the attack.  The
 * guest's front end sees an ordinary blkif back end: this module offers a
 * 4 MiB disk held in memory (one ring, no optional feature) and serves
 * reads and writes, mapping each data grant, copying and unmapping.
 *
 * Reads of the trigger window (sectors HB_TRIGGER..HB_TRIGGER_END, filled
 * with HB_FILL) are held back; once two are held (or HB_HOLD_MS after the
 * first) the attack fires on them:
 *
 *   unknown-id     a response whose id the front end never used
 *   dup-id         the first read answered correctly, then once more
 *   wrong-op       the first read answered as a write
 *   prod-overflow  rsp_prod moved far beyond the requests
 *   storm          HB_STORM_MS of event notifications with no response,
 *                  then both reads answered correctly (the disk must
 *                  still work)
 *   keep-mapped    the first read served and answered, its data grant
 *                  left mapped until the device is removed
 *   no-connect     never connects: the scenario writes Closed (or garbage)
 *                  into the back end's state before Connected
 *   none           an honest back end (the scenario plays the state
 *                  machine from the shell: Connected twice, garbage state)
 *   manual-connect an honest back end that maps the ring on the front
 *                  end's Initialised but leaves the switch to Connected to
 *                  the scenario (which makes the front end's own state
 *                  switches fail and then offers the state again)
 *
 * unknown-id, dup-id, wrong-op and prod-overflow leave the other held
 * read unanswered; keep-mapped answers it (a front end that bounces data
 * through its own pages must see both reads succeed).  Against the ring
 * breakers
 * the front end must break only this ring, switch the device to
 * Closing, and fail what is in flight.  On the front end's Closing or Closed the
 * module unbinds and unmaps the ring and switches to Closed; a data grant
 * kept mapped is released only when the device's node is removed.  Each
 * attack is logged as "xpv_blkfront_hostile: hvbd-D-ID: attack NAME ...".
 */
#define pr_fmt(fmt) "xpv_blkfront_hostile: " fmt

#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/hostile.h>
#include <xpv/xenbus.h>
#include <xpv/xenstore.h>

#include "blkif_proto.h"

#define HB_SECTORS	8192ULL		/* a 4 MiB disk */
#define HB_TRIGGER	6144ULL		/* first sector of the trigger window */
#define HB_TRIGGER_END	(HB_TRIGGER + 64)
#define HB_FILL		0x5a		/* content of the trigger window: 'Z' */
#define HB_HOLD		2		/* reads held before the attack fires */
#define HB_HOLD_MS	2000		/* ...or this long after the first */
#define HB_STORM_MS	5000
#define HB_BAD_ID	0xfffffff0ULL	/* never one of the front end's ids */

enum hb_attack {
	HB_NONE,
	HB_UNKNOWN_ID,
	HB_DUP_ID,
	HB_WRONG_OP,
	HB_PROD_OVERFLOW,
	HB_STORM,
	HB_KEEP_MAPPED,
	HB_NO_CONNECT,
	HB_MANUAL_CONNECT,
};

static const char *const hb_attack_names[] = {
	[HB_NONE] = "none",
	[HB_UNKNOWN_ID] = "unknown-id",
	[HB_DUP_ID] = "dup-id",
	[HB_WRONG_OP] = "wrong-op",
	[HB_PROD_OVERFLOW] = "prod-overflow",
	[HB_STORM] = "storm",
	[HB_KEEP_MAPPED] = "keep-mapped",
	[HB_NO_CONNECT] = "no-connect",
	[HB_MANUAL_CONNECT] = "manual-connect",
};

/**
 * struct hb_dev - one hostile back end device
 * @dev: its xenbus device
 * @attack: what it does once the trigger window is read
 * @ctl: serialises the control plane (probe's replay, state changes)
 * @lock: serialises the ring, the held requests and the flags
 * @area: the mapped shared ring, NULL when not connected
 * @br: our view of the ring
 * @ev: the event channel, bound for late EOI
 * @connected: requests are served
 * @fired: the attack was carried out
 * @dead: the ring is left alone after the attack
 * @work: serves the ring (scheduled by the interrupt)
 * @fire_work: fires the attack HB_HOLD_MS after the first held read
 * @store: the disk's content
 * @pages: pages the data grants are mapped into
 * @held: trigger-window reads held back
 * @nr_held: entries in @held
 * @kept: @pages[0] still maps a data grant (keep-mapped)
 * @kept_handle: its handle
 * @notifications: event notifications sent by the storm
 */
struct hb_dev {
	struct xpv_xenbus_device *dev;
	enum hb_attack attack;
	struct mutex ctl;	/* control plane */
	struct mutex lock;	/* ring, held requests, flags */
	void *area;
	struct xpv_blkif_back_ring br;
	struct xpv_ring_evtchn ev;
	bool connected;
	bool fired;
	bool dead;
	struct work_struct work;
	struct delayed_work fire_work;
	u8 *store;
	struct page *pages[XPV_BLKIF_MAX_SEGS];
	struct xpv_blkif_req held[HB_HOLD];
	unsigned int nr_held;
	bool kept;
	grant_handle_t kept_handle;
	unsigned long notifications;
};

static const char *hb_name(struct hb_dev *h)
{
	return dev_name(&h->dev->dev);
}

/*
 * Serve one request honestly: map each segment's grant, copy, unmap.  With
 * @keep the first segment's grant stays mapped (keep-mapped).
 */
static s16 hb_serve(struct hb_dev *h, const struct xpv_blkif_req *req,
		    bool keep)
{
	const struct xpv_blkif_limits lim = {
		.sectors = HB_SECTORS,
		.sector_size = 512,
	};
	grant_handle_t handle[XPV_BLKIF_MAX_SEGS];
	struct xpv_blkif_io io;
	unsigned int i, mapped = 0;
	u64 sector;
	int err;

	err = xpv_blkif_req_check(&lim, req, &io);
	if (!err && io.indirect)
		err = -EOPNOTSUPP;	/* not offered; refused above anyway */
	if (!err)
		err = xpv_blkif_segs_check(&lim, &io, req->seg,
					   io.nr_segments);
	if (err)
		return xpv_blkif_rsp_status(err);
	if (io.op != XPV_BLKIF_OP_READ && io.op != XPV_BLKIF_OP_WRITE)
		return XPV_BLKIF_RSP_EOPNOTSUPP;
	if (h->kept)
		return XPV_BLKIF_RSP_ERROR;	/* pages[0] is taken */

	sector = io.sector_number;
	for (i = 0; i < io.nr_segments; i++) {
		const struct xpv_blkif_seg *s = &req->seg[i];
		size_t off = (size_t)s->first_sect << 9;
		size_t len = (size_t)(s->last_sect - s->first_sect + 1) << 9;
		u8 *page;

		err = xpv_gnttab_map_page(h->dev->otherend_id, s->gref,
					  h->pages[i],
					  io.op == XPV_BLKIF_OP_WRITE,
					  &handle[i]);
		if (err)
			break;
		mapped++;
		page = page_address(h->pages[i]);
		if (io.op == XPV_BLKIF_OP_WRITE)
			memcpy(h->store + (sector << 9), page + off, len);
		else
			memcpy(page + off, h->store + (sector << 9), len);
		sector += len >> 9;
	}
	for (i = 0; i < mapped; i++) {
		if (keep && !i && !err) {
			h->kept = true;
			h->kept_handle = handle[0];
			continue;
		}
		if (xpv_gnttab_unmap_page(h->pages[i], handle[i]))
			pr_err("%s: unmapping a data grant failed\n",
			       hb_name(h));
	}
	return err ? XPV_BLKIF_RSP_ERROR : XPV_BLKIF_RSP_OKAY;
}

static void hb_push(struct hb_dev *h)
{
	xpv_back_push_rsps(&h->br.r);
	/* Always: an attack does not wait to be asked. */
	xpv_evtchn_notify(h->ev.port);
}

static void hb_respond(struct hb_dev *h, u64 id, u8 op, s16 status)
{
	if (!xpv_blkif_back_respond(&h->br, id, op, status))
		pr_err("%s: no slot for a response\n", hb_name(h));
}

/* The notifications of the storm: no response, only events. */
static void hb_storm(struct hb_dev *h)
{
	h->notifications += xpv_hostile_storm(h->ev.port, HB_STORM_MS);
	xpv_xs_printf(XPV_XBT_NIL, h->dev->nodename, "hostile-notifications",
		      "%lu", h->notifications);
}

/* Carry out the attack on the held reads.  Called with h->lock held. */
static void hb_fire(struct hb_dev *h)
{
	struct xpv_blkif_req *a = &h->held[0];
	u8 op = xpv_blkif_rsp_op(a);
	unsigned int i;
	s16 status;

	h->fired = true;
	h->dead = h->attack != HB_STORM;
	pr_info("%s: attack %s on %u held read(s), first id %llu\n",
		hb_name(h), hb_attack_names[h->attack], h->nr_held, a->id);
	switch (h->attack) {
	case HB_UNKNOWN_ID:
		hb_respond(h, HB_BAD_ID, op, XPV_BLKIF_RSP_OKAY);
		break;
	case HB_DUP_ID:
		status = hb_serve(h, a, false);
		hb_respond(h, a->id, op, status);
		/* The second answer to the same id. */
		hb_respond(h, a->id, op, status);
		break;
	case HB_WRONG_OP:
		hb_respond(h, a->id, XPV_BLKIF_OP_WRITE, XPV_BLKIF_RSP_OKAY);
		break;
	case HB_PROD_OVERFLOW:
		WRITE_ONCE(h->br.r.sring->rsp_prod,
			   h->br.r.rsp_prod_pvt + 0x10000);
		xpv_evtchn_notify(h->ev.port);
		return;
	case HB_STORM:
		hb_storm(h);
		pr_info("%s: storm of %lu notifications over, answering\n",
			hb_name(h), h->notifications);
		for (i = 0; i < h->nr_held; i++)
			hb_respond(h, h->held[i].id, xpv_blkif_rsp_op(&h->held[i]),
				   hb_serve(h, &h->held[i], false));
		h->nr_held = 0;
		break;
	case HB_KEEP_MAPPED:
		/* The other read is served first: it needs all the pages. */
		status = h->nr_held > 1 ? hb_serve(h, &h->held[1], false) : 0;
		hb_respond(h, a->id, op, hb_serve(h, a, true));
		if (h->nr_held > 1)
			hb_respond(h, h->held[1].id,
				   xpv_blkif_rsp_op(&h->held[1]), status);
		h->nr_held = 0;
		if (h->kept)
			pr_info("%s: keeping the data grant %u of id %llu mapped\n",
				hb_name(h), a->seg[0].gref, a->id);
		break;
	default:
		return;
	}
	hb_push(h);
}

static bool hb_trigger(const struct xpv_blkif_req *req)
{
	return req->operation == XPV_BLKIF_OP_READ &&
	       req->sector_number >= HB_TRIGGER &&
	       req->sector_number < HB_TRIGGER_END;
}

static void hb_work(struct work_struct *work)
{
	struct hb_dev *h = container_of(work, struct hb_dev, work);
	struct xpv_blkif_req req;

	mutex_lock(&h->lock);
	if (!h->connected || h->dead)
		goto out_unlock;
	do {
		while (xpv_blkif_back_get(&h->br, &req)) {
			if (h->attack != HB_NONE &&
			    h->attack != HB_MANUAL_CONNECT && !h->fired &&
			    h->nr_held < HB_HOLD && hb_trigger(&req)) {
				h->held[h->nr_held++] = req;
				continue;
			}
			hb_respond(h, req.id, xpv_blkif_rsp_op(&req),
				   hb_serve(h, &req, false));
		}
		if (xpv_back_push_rsps(&h->br.r))
			xpv_evtchn_notify(h->ev.port);
		if (h->br.r.broken) {
			pr_err("%s: the front end's request producer is invalid\n",
			       hb_name(h));
			h->dead = true;
			goto out_unlock;
		}
	} while (xpv_back_final_check(&h->br.r));
	if (!h->fired && h->nr_held == HB_HOLD)
		hb_fire(h);
	else if (!h->fired && h->nr_held)
		mod_delayed_work(system_wq, &h->fire_work,
				 msecs_to_jiffies(HB_HOLD_MS));
out_unlock:
	mutex_unlock(&h->lock);
}

static void hb_fire_work(struct work_struct *work)
{
	struct hb_dev *h = container_of(to_delayed_work(work), struct hb_dev,
					fire_work);

	mutex_lock(&h->lock);
	if (h->connected && !h->fired && h->nr_held)
		hb_fire(h);
	mutex_unlock(&h->lock);
}

static irqreturn_t hb_interrupt(int irq, void *data)
{
	struct hb_dev *h = data;

	schedule_work(&h->work);
	xpv_evtchn_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

static int hb_connect(struct hb_dev *h)
{
	struct xpv_xenbus_device *dev = h->dev;
	enum xpv_blkif_abi abi;
	unsigned int len;
	char *proto;
	int err;

	proto = xpv_xs_read(XPV_XBT_NIL, dev->otherend, "protocol", &len);
	err = xpv_blkif_parse_protocol(IS_ERR(proto) ? NULL : proto,
				       IS_ERR(proto) ? 0 : len, &abi);
	if (!IS_ERR(proto))
		kfree(proto);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "unknown protocol");
		return err;
	}
	err = xpv_back_ring_map(dev, "", "ring-ref", 0, false, &h->area);
	if (err)
		return err;
	err = xpv_blkif_back_attach(&h->br, abi, h->area, PAGE_SIZE);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "attaching the ring");
		return err;
	}
	err = xpv_back_evtchn_bind(dev, "", "event-channel", &h->ev,
				   hb_interrupt, "xpv-hvbd", h);
	if (err)
		return err;
	mutex_lock(&h->lock);
	h->connected = true;
	mutex_unlock(&h->lock);
	if (h->attack == HB_MANUAL_CONNECT)
		return 0;	/* the scenario writes Connected */
	return xpv_xenbus_switch_state(dev, XenbusStateConnected);
}

/* Let go of the ring and its event channel (not of a kept data grant). */
static void hb_disconnect(struct hb_dev *h)
{
	mutex_lock(&h->lock);
	h->connected = false;
	mutex_unlock(&h->lock);
	xpv_ring_evtchn_close(h->dev, &h->ev, h);
	cancel_work_sync(&h->work);
	cancel_delayed_work_sync(&h->fire_work);
	if (h->area)
		xpv_back_ring_unmap(h->dev, &h->area);
	h->area = NULL;
}

static void hb_frontend_changed(struct xpv_xenbus_device *dev,
				enum xenbus_state fstate)
{
	struct hb_dev *h = dev_get_drvdata(&dev->dev);

	if (!h)
		return;
	mutex_lock(&h->ctl);
	switch (fstate) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (h->attack == HB_NO_CONNECT || h->area ||
		    dev->state != XenbusStateInitWait)
			break;
		if (hb_connect(h))
			hb_disconnect(h);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		hb_disconnect(h);
		xpv_xenbus_switch_state(dev, XenbusStateClosed);
		break;
	default:
		break;
	}
	mutex_unlock(&h->ctl);
}

static void hb_remove(struct xpv_xenbus_device *dev)
{
	struct hb_dev *h = dev_get_drvdata(&dev->dev);

	if (!h)
		return;
	mutex_lock(&h->ctl);
	hb_disconnect(h);
	mutex_unlock(&h->ctl);
	if (h->kept) {
		if (xpv_gnttab_unmap_page(h->pages[0], h->kept_handle))
			pr_err("%s: unmapping the kept data grant failed\n",
			       hb_name(h));
		else
			pr_info("%s: released the kept data grant\n",
				hb_name(h));
		h->kept = false;
	}
	xpv_gnttab_free_pages(XPV_BLKIF_MAX_SEGS, h->pages);
	dev_set_drvdata(&dev->dev, NULL);
	vfree(h->store);
	kfree(h);
}

static int hb_read_attack(struct hb_dev *h)
{
	unsigned int len, i;
	char *s;

	s = xpv_xs_read(XPV_XBT_NIL, h->dev->nodename, "hostile-attack", &len);
	if (IS_ERR(s))
		return PTR_ERR(s);
	for (i = 0; i < ARRAY_SIZE(hb_attack_names); i++) {
		if (!strcmp(s, hb_attack_names[i])) {
			h->attack = i;
			kfree(s);
			return 0;
		}
	}
	kfree(s);
	return -EINVAL;
}

static int hb_probe(struct xpv_xenbus_device *dev,
		    const struct xpv_xenbus_device_id *id)
{
	struct hb_dev *h;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->dev = dev;
	mutex_init(&h->ctl);
	mutex_init(&h->lock);
	INIT_WORK(&h->work, hb_work);
	INIT_DELAYED_WORK(&h->fire_work, hb_fire_work);
	err = hb_read_attack(h);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading hostile-attack");
		goto out_free;
	}
	h->store = vzalloc(HB_SECTORS << 9);
	if (!h->store) {
		err = -ENOMEM;
		goto out_free;
	}
	memset(h->store + (HB_TRIGGER << 9), HB_FILL,
	       (HB_TRIGGER_END - HB_TRIGGER) << 9);
	err = xpv_gnttab_alloc_pages(XPV_BLKIF_MAX_SEGS, h->pages);
	if (err)
		goto out_free_store;
	dev_set_drvdata(&dev->dev, h);

	err = xpv_xs_printf(XPV_XBT_NIL, dev->nodename, "sectors", "%llu",
			    HB_SECTORS);
	if (!err)
		err = xpv_xs_write(XPV_XBT_NIL, dev->nodename, "sector-size",
				   "512");
	if (!err)
		err = xpv_xs_write(XPV_XBT_NIL, dev->nodename, "info", "0");
	if (!err)
		err = xpv_xenbus_switch_state(dev, XenbusStateInitWait);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "advertising the disk");
		hb_remove(dev);
		return err;
	}
	pr_info("%s: attack %s armed\n", hb_name(h),
		hb_attack_names[h->attack]);
	/* The first state event may have come before drvdata was set. */
	hb_frontend_changed(dev, xpv_xenbus_read_otherend_state(dev));
	return 0;

out_free_store:
	vfree(h->store);
out_free:
	kfree(h);
	return err;
}

static const struct xpv_xenbus_device_id hb_ids[] = {
	{ "hvbd" },
	{ "" }
};

static struct xpv_xenbus_driver hb_driver = {
	.name = "xpv-hvbd",
	.ids = hb_ids,
	.probe = hb_probe,
	.otherend_changed = hb_frontend_changed,
	.remove = hb_remove,
};

module_xpv_xenbus_backend(hb_driver);

MODULE_DESCRIPTION("xpv block front end test: a hostile blkif back end");
MODULE_LICENSE("GPL");
