// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block back end, control plane: the xenbus handshake with a blkif
 * front end (Xen public io/blkif.h; the keys are listed in docs/blkif.md).
 *
 *   probe                  -> write feature-max-indirect-segments,
 *                             multi-queue-max-queues, max-ring-page-order;
 *                             watch our "physical-device"; InitWait
 *   "physical-device" set  -> (by the hotplug script) open that block
 *                             device, read "mode" (r/w) and the front
 *                             end's "device-type"
 *   front end Initialised  -> once the device is open too: read protocol,
 *   or Connected              feature-persistent, multi-queue-num-queues,
 *                             ring-page-order and every queue's ring-ref(s)
 *                             and event-channel; map the rings, bind the
 *                             channels (late EOI), start one thread per
 *                             ring; publish sectors, sector-size,
 *                             physical-sector-size, info and the features;
 *                             Connected
 *   front end Closing      -> stop the rings (in-flight I/O completes and
 *                             is answered), unmap and unbind everything;
 *                             Closing
 *   front end Closed/gone  -> the same; Closed
 *   a ring found broken    -> the same; Closing
 *
 * The decisions come from xpv_xenbus_back_action(), so repeated, skipped
 * and stale front end states are handled in one place.  Per-device
 * statistics are in sysfs (documented in docs/blkif.md).
 */
#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>

#include "back.h"

static unsigned int max_ring_page_order = XPV_BLKIF_MAX_RING_ORDER;
module_param(max_ring_page_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Largest ring-page-order offered to front ends (0..4, default 4)");

static unsigned int max_queues;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most rings per device offered to front ends (1..16; default 0: the number of online CPUs)");

static unsigned int max_indirect_segments = 256;
module_param(max_indirect_segments, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Segments per indirect request offered (0 or 1..11: no indirect requests; at most 4096; default 256)");

static bool feature_persistent = true;
module_param(feature_persistent, bool, 0444);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants (default: yes)");

static bool feature_flush_cache = true;
module_param(feature_flush_cache, bool, 0644);
MODULE_PARM_DESC(feature_flush_cache,
		 "Offer FLUSH_DISKCACHE (feature-flush-cache); N leaves WRITE_BARRIER (feature-barrier) as the front ends' only flush. Read when a device opens its backing device (default Y)");

static unsigned int max_persistent_grants = 1056;
module_param(max_persistent_grants, uint, 0444);
MODULE_PARM_DESC(max_persistent_grants,
		 "Most grants one device keeps mapped persistently, shared among its rings; the least recently used idle ones are unmapped first (default 1056)");

static unsigned int max_buffer_pages = 1024;
module_param(max_buffer_pages, uint, 0444);
MODULE_PARM_DESC(max_buffer_pages,
		 "Most unused pages each ring keeps for mapping grants (default 1024)");

/* ------------------------------------------------------------------ */
/* sysfs statistics.                                                   */
/* ------------------------------------------------------------------ */

static ssize_t blkback_stat_show(struct device *d,
				 struct device_attribute *attr, char *buf);

/* One file per counter, in the order of enum xpv_blkback_stat. */
static struct device_attribute blkback_stat_dattrs[XPV_BLKBACK_NR_STATS] = {
	[XPV_BLKBACK_REQ] = __ATTR(all_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_RD_REQ] = __ATTR(rd_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_WR_REQ] = __ATTR(wr_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_F_REQ] = __ATTR(f_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_B_REQ] = __ATTR(b_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_DS_REQ] = __ATTR(ds_req, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_INDIRECT_REQ] = __ATTR(indirect_req, 0444,
					    blkback_stat_show, NULL),
	[XPV_BLKBACK_RD_SECT] = __ATTR(rd_sect, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_WR_SECT] = __ATTR(wr_sect, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_INVAL_REQ] = __ATTR(inval_req, 0444, blkback_stat_show,
					 NULL),
	[XPV_BLKBACK_UNSUPP_REQ] = __ATTR(unsupp_req, 0444, blkback_stat_show,
					  NULL),
	[XPV_BLKBACK_MAP_ERR] = __ATTR(map_err, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_IO_ERR] = __ATTR(io_err, 0444, blkback_stat_show, NULL),
	[XPV_BLKBACK_PGNT_HITS] = __ATTR(pgnt_hits, 0444, blkback_stat_show,
					 NULL),
	[XPV_BLKBACK_PGNT_MAPS] = __ATTR(pgnt_maps, 0444, blkback_stat_show,
					 NULL),
	[XPV_BLKBACK_PGNT_EVICTED] = __ATTR(pgnt_evicted, 0444,
					    blkback_stat_show, NULL),
};

/* A counter summed over the device's queues. */
static ssize_t blkback_stat_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);
	ptrdiff_t stat = attr - blkback_stat_dattrs;
	unsigned int q;
	u64 sum = 0;

	if (!be || stat < 0 || stat >= XPV_BLKBACK_NR_STATS)
		return -ENODEV;
	for (q = 0; q < XPV_BLKBACK_MAX_QUEUES; q++)
		sum += READ_ONCE(be->stats[q].c[stat]);
	return sysfs_emit(buf, "%llu\n", sum);
}

/* Requests taken off each ring, one number per queue ever negotiated. */
static ssize_t ring_req_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);
	unsigned int q, n = 0, len = 0;

	if (!be)
		return -ENODEV;
	for (q = 0; q < XPV_BLKBACK_MAX_QUEUES; q++)
		if (READ_ONCE(be->stats[q].c[XPV_BLKBACK_REQ]))
			n = q + 1;
	n = max3(n, READ_ONCE(be->nr_rings), 1U);
	for (q = 0; q < n; q++)
		len += sysfs_emit_at(buf, len, "%s%llu", q ? " " : "",
				     READ_ONCE(be->stats[q].c[XPV_BLKBACK_REQ]));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(ring_req);

static struct attribute *blkback_stat_attrs[] = {
	&blkback_stat_dattrs[XPV_BLKBACK_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_RD_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_WR_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_F_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_B_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_DS_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_INDIRECT_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_RD_SECT].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_WR_SECT].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_INVAL_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_UNSUPP_REQ].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_MAP_ERR].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_IO_ERR].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_PGNT_HITS].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_PGNT_MAPS].attr,
	&blkback_stat_dattrs[XPV_BLKBACK_PGNT_EVICTED].attr,
	&dev_attr_ring_req.attr,
	NULL
};

static const struct attribute_group blkback_stat_group = {
	.name = "statistics",
	.attrs = blkback_stat_attrs,
};

/* Persistent grants mapped right now, over all rings. */
static ssize_t pgnt_count_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);
	unsigned int q, n = 0;

	if (!be)
		return -ENODEV;
	mutex_lock(&be->mutex);
	for (q = 0; q < be->nr_rings; q++)
		n += READ_ONCE(be->rings[q].pc.nr);
	mutex_unlock(&be->mutex);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(pgnt_count);

static ssize_t physical_device_show(struct device *d,
				    struct device_attribute *attr, char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);

	return be ? sysfs_emit(buf, "%x:%x\n", be->major, be->minor) : -ENODEV;
}
static DEVICE_ATTR_RO(physical_device);

static ssize_t mode_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);

	return be ? sysfs_emit(buf, "%s\n", be->readonly ? "r" : "w") : -ENODEV;
}
static DEVICE_ATTR_RO(mode);

static ssize_t nr_rings_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);

	return be ? sysfs_emit(buf, "%u\n", READ_ONCE(be->nr_rings)) : -ENODEV;
}
static DEVICE_ATTR_RO(nr_rings);

static ssize_t persistent_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);

	return be ? sysfs_emit(buf, "%d\n", READ_ONCE(be->persistent)) : -ENODEV;
}
static DEVICE_ATTR_RO(persistent);

/* The front end's request layout ("protocol"), while connected. */
static ssize_t protocol_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct xpv_blkback *be = dev_get_drvdata(d);

	if (!be)
		return -ENODEV;
	if (!READ_ONCE(be->nr_rings))
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s\n",
			  xpv_blkif_protocol_name(READ_ONCE(be->abi)));
}
static DEVICE_ATTR_RO(protocol);

static struct attribute *blkback_info_attrs[] = {
	&dev_attr_pgnt_count.attr,
	&dev_attr_physical_device.attr,
	&dev_attr_mode.attr,
	&dev_attr_nr_rings.attr,
	&dev_attr_persistent.attr,
	&dev_attr_protocol.attr,
	NULL
};

static const struct attribute_group blkback_info_group = {
	.name = "xpv",
	.attrs = blkback_info_attrs,
};

static const struct attribute_group *blkback_groups[] = {
	&blkback_stat_group,
	&blkback_info_group,
	NULL
};

/* ------------------------------------------------------------------ */
/* The backing device.                                                 */
/* ------------------------------------------------------------------ */

/* "discard-enable" (written by libxl for "discard"/"no-discard"): default on. */
static bool blkback_discard_enabled(struct xpv_blkback *be)
{
	u64 v;

	if (xpv_xs_read_uint(XPV_XBT_NIL, be->dev->nodename, "discard-enable",
			     U64_MAX, &v))
		return true;
	return v != 0;
}

static bool blkback_is_cdrom(struct xpv_blkback *be)
{
	char *type = xpv_xs_read(XPV_XBT_NIL, be->dev->otherend, "device-type",
				 NULL);
	bool cdrom;

	if (IS_ERR(type))
		return false;
	cdrom = !strcmp(type, "cdrom");
	kfree(type);
	return cdrom;
}

/* Open the device "physical-device" names, once. Mutex held. */
static void blkback_open_device(struct xpv_blkback *be)
{
	struct xpv_xenbus_device *dev = be->dev;
	struct block_device *bdev;
	struct xpv_blkif_limits lim = { };
	unsigned int len;
	u32 major, minor;
	bool writable;
	char *s;
	int err;

	s = xpv_xs_read(XPV_XBT_NIL, dev->nodename, "physical-device", &len);
	if (IS_ERR(s))
		return;		/* not yet: the hotplug script writes it */
	err = xpv_blkback_parse_physdev(s, len, &major, &minor);
	kfree(s);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "reading physical-device");
		return;
	}
	if (be->bdev) {
		if (major != be->major || minor != be->minor)
			dev_warn(&dev->dev, "physical-device changed from %x:%x to %x:%x: not supported\n",
				 be->major, be->minor, major, minor);
		return;
	}

	s = xpv_xs_read(XPV_XBT_NIL, dev->nodename, "mode", &len);
	if (IS_ERR(s)) {
		xpv_xenbus_dev_fatal(dev, PTR_ERR(s), "reading mode");
		return;
	}
	writable = xpv_blkback_mode_writable(s, len);
	kfree(s);

	be->bmode = FMODE_READ | (writable ? FMODE_WRITE : 0);
	bdev = blkdev_get_by_dev(MKDEV(major, minor), be->bmode, be);
	if (IS_ERR(bdev)) {
		xpv_xenbus_dev_fatal(dev, PTR_ERR(bdev),
				     "opening device %x:%x (%s)", major, minor,
				     writable ? "read-write" : "read-only");
		return;
	}

	lim.sectors = bdev_nr_sectors(bdev);
	lim.sector_size = bdev_logical_block_size(bdev);
	if (max_indirect_segments > XPV_BLKIF_MAX_SEGS)
		lim.max_indirect_segs = max_indirect_segments;
	lim.readonly = !writable || bdev_read_only(bdev);
	lim.flush = READ_ONCE(feature_flush_cache);
	lim.barrier = true;
	be->discard = !lim.readonly && bdev_max_discard_sectors(bdev) &&
		      blkback_discard_enabled(be);
	lim.discard = be->discard;
	lim.secure_discard = be->discard &&
			     bdev_max_secure_erase_sectors(bdev) > 0;
	err = xpv_blkif_limits_valid(&lim);
	if (err) {
		blkdev_put(bdev, be->bmode);
		xpv_xenbus_dev_fatal(dev, err, "device %x:%x: unusable geometry",
				     major, minor);
		return;
	}

	be->bdev = bdev;
	be->major = major;
	be->minor = minor;
	be->lim = lim;
	be->readonly = lim.readonly;
	be->cdrom = blkback_is_cdrom(be);
	dev_info(&dev->dev, "device %x:%x: %llu sectors, %u-byte blocks, %s%s\n",
		 major, minor, lim.sectors, lim.sector_size,
		 lim.readonly ? "read-only" : "read-write",
		 lim.discard ? ", discard" : "");
}

static void blkback_close_device(struct xpv_blkback *be)
{
	if (!be->bdev)
		return;
	blkdev_put(be->bdev, be->bmode);
	be->bdev = NULL;
}

/* ------------------------------------------------------------------ */
/* Rings.                                                              */
/* ------------------------------------------------------------------ */

/* Stop, unbind, unmap and free every ring. Mutex held. */
static void blkback_disconnect(struct xpv_blkback *be)
{
	unsigned int q;

	if (!be->rings)
		return;
	for (q = 0; q < be->nr_rings; q++)
		xpv_blkback_ring_stop(&be->rings[q]);
	for (q = 0; q < be->nr_rings; q++) {
		struct xpv_blkback_ring *ring = &be->rings[q];

		xpv_ring_evtchn_close(be->dev, &ring->ev, ring);
		xpv_back_ring_unmap(be->dev, &ring->area);
		xpv_blkback_ring_free(ring);
	}
	kfree(be->rings);
	be->rings = NULL;
	WRITE_ONCE(be->nr_rings, 0);
	dev_info(&be->dev->dev, "disconnected\n");
}

/* Map one ring, bind its channel and set up its data plane. */
static int blkback_connect_ring(struct xpv_blkback *be,
				struct xpv_blkback_ring *ring, bool has_order,
				unsigned int pgnt_cap)
{
	struct xpv_xenbus_device *dev = be->dev;
	char qdir[24];
	int err;

	err = xpv_xenbus_queue_dir(qdir, sizeof(qdir), be->nr_rings,
				   ring->index);
	if (err)
		return err;
	/* Reads <qdir>ring-ref or <qdir>ring-refN; reports a failure. */
	err = xpv_back_ring_map(dev, qdir, "ring-ref", be->ring_order,
				has_order, &ring->area);
	if (err)
		return err;
	err = xpv_blkif_back_attach(&ring->br, be->abi, ring->area,
				    PAGE_SIZE << be->ring_order);
	if (err)
		goto out_fatal;
	err = xpv_blkback_ring_init(ring, pgnt_cap, max_buffer_pages);
	if (err)
		goto out_fatal;
	snprintf(ring->name, sizeof(ring->name), "xpvbb.%u.%s.%u",
		 dev->otherend_id, strrchr(dev->nodename, '/') + 1,
		 ring->index);
	/* Reads <qdir>event-channel; reports a failure. */
	return xpv_back_evtchn_bind(dev, qdir, "event-channel", &ring->ev,
				    xpv_blkback_interrupt, ring->name, ring);

out_fatal:
	xpv_xenbus_dev_fatal(dev, err, "setting up queue %u", ring->index);
	return err;
}

/* Read the front end's choices and bring every ring up. Mutex held. */
static int blkback_connect_rings(struct xpv_blkback *be)
{
	struct xpv_xenbus_device *dev = be->dev;
	unsigned int nr_cpu_queues = max_queues, nr, q, pgnt_cap = 0;
	bool has_order;
	unsigned int len;
	char *proto;
	u64 v = 0;
	int err;

	proto = xpv_xs_read(XPV_XBT_NIL, dev->otherend, "protocol", &len);
	if (IS_ERR(proto) && PTR_ERR(proto) != -ENOENT) {
		xpv_xenbus_dev_fatal(dev, PTR_ERR(proto), "reading protocol");
		return PTR_ERR(proto);
	}
	err = xpv_blkif_parse_protocol(IS_ERR(proto) ? NULL : proto,
				       IS_ERR(proto) ? 0 : len, &be->abi);
	if (!IS_ERR(proto))
		kfree(proto);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "unknown protocol");
		return err;
	}

	be->persistent = feature_persistent &&
		xpv_xenbus_read_flag(dev, dev->otherend, "",
				     "feature-persistent");

	/* Absent and present mean different things here: no default. */
	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend,
			       "multi-queue-num-queues", U32_MAX, &v);
	if (err && err != -ENOENT)
		goto out_bad_queues;
	err = xpv_blkif_back_queues(!err, v, nr_cpu_queues);
	if (err < 0)
		goto out_bad_queues;
	nr = err;

	v = 0;
	err = xpv_xs_read_uint(XPV_XBT_NIL, dev->otherend, "ring-page-order",
			       U32_MAX, &v);
	if (err && err != -ENOENT)
		goto out_bad_order;
	has_order = !err;
	err = xpv_blkif_back_ring_order(has_order, v, max_ring_page_order);
	if (err < 0)
		goto out_bad_order;
	be->ring_order = err;

	be->rings = kcalloc(nr, sizeof(*be->rings), GFP_KERNEL);
	if (!be->rings) {
		xpv_xenbus_dev_fatal(dev, -ENOMEM, "allocating rings");
		return -ENOMEM;
	}
	WRITE_ONCE(be->nr_rings, nr);
	if (be->persistent)
		pgnt_cap = DIV_ROUND_UP(max_persistent_grants, be->nr_rings);
	for (q = 0; q < be->nr_rings; q++) {
		be->rings[q].be = be;
		be->rings[q].index = q;
		be->rings[q].st = &be->stats[q];
	}
	for (q = 0; q < be->nr_rings; q++) {
		err = blkback_connect_ring(be, &be->rings[q], has_order,
					   pgnt_cap);
		if (err)
			goto out_disconnect;
	}
	for (q = 0; q < be->nr_rings; q++) {
		err = xpv_blkback_ring_start(&be->rings[q]);
		if (err) {
			xpv_xenbus_dev_fatal(dev, err, "starting queue %u", q);
			goto out_disconnect;
		}
	}
	dev_info(&dev->dev, "%u queue(s), ring order %u, protocol %s, %u segments%s\n",
		 be->nr_rings, be->ring_order, xpv_blkif_protocol_name(be->abi),
		 be->lim.max_indirect_segs ?: XPV_BLKIF_MAX_SEGS,
		 be->persistent ? ", persistent grants" : "");
	return 0;

out_bad_queues:
	xpv_xenbus_dev_fatal(dev, err ?: -EINVAL,
			     "front end asks for a bad number of queues (we offer %u)",
			     nr_cpu_queues);
	return err ?: -EINVAL;
out_bad_order:
	xpv_xenbus_dev_fatal(dev, err ?: -EINVAL,
			     "front end asks for a bad ring-page-order (we offer %u)",
			     max_ring_page_order);
	return err ?: -EINVAL;
out_disconnect:
	blkback_disconnect(be);
	return err;
}

/* The device's keys, in the transaction of xpv_xenbus_publish(). */
static int blkback_write_keys(struct xpv_xbt t, void *data, const char **what)
{
	struct xpv_blkback *be = data;
	struct xpv_xenbus_device *dev = be->dev;
	struct block_device *bdev = be->bdev;
	u32 info = 0;
	int err;

	if (be->readonly)
		info |= XPV_VDISK_READONLY;
	if (be->cdrom)
		info |= XPV_VDISK_CDROM;
	if (bdev->bd_disk->flags & GENHD_FL_REMOVABLE)
		info |= XPV_VDISK_REMOVABLE;

	*what = "feature-flush-cache";
	err = xpv_xs_printf(t, dev->nodename, *what, "%d", be->lim.flush);
	if (err)
		return err;
	*what = "feature-barrier";
	err = xpv_xs_printf(t, dev->nodename, *what, "%d", be->lim.barrier);
	if (err)
		return err;
	if (be->discard) {
		*what = "discard-granularity";
		err = xpv_xs_printf(t, dev->nodename, *what, "%u",
				    bdev_discard_granularity(bdev));
		if (err)
			return err;
		*what = "discard-alignment";
		err = xpv_xs_printf(t, dev->nodename, *what, "%u",
				    bdev_discard_alignment(bdev));
		if (err)
			return err;
		*what = "discard-secure";
		err = xpv_xs_printf(t, dev->nodename, *what, "%d",
				    be->lim.secure_discard);
		if (err)
			return err;
	}
	*what = "feature-discard";
	err = xpv_xs_printf(t, dev->nodename, *what, "%d", be->discard);
	if (err)
		return err;
	*what = "feature-persistent";
	err = xpv_xs_printf(t, dev->nodename, *what, "%d", feature_persistent);
	if (err)
		return err;
	*what = "sectors";
	err = xpv_xs_printf(t, dev->nodename, *what, "%llu", be->lim.sectors);
	if (err)
		return err;
	*what = "info";
	err = xpv_xs_printf(t, dev->nodename, *what, "%u", info);
	if (err)
		return err;
	*what = "sector-size";
	err = xpv_xs_printf(t, dev->nodename, *what, "%u",
			    be->lim.sector_size);
	if (err)
		return err;
	*what = "physical-sector-size";
	return xpv_xs_printf(t, dev->nodename, *what, "%u",
			     bdev_physical_block_size(bdev));
}

/* Tell the front end about the device, then switch to Connected. */
static int blkback_publish(struct xpv_blkback *be)
{
	int err;

	err = xpv_xenbus_publish(be->dev, blkback_write_keys, be);
	if (err)
		return err;
	return xpv_xenbus_switch_state(be->dev, XenbusStateConnected);
}

/*
 * The backing device now has @sectors: serve that size and tell the front
 * end, as Linux's blkback does, with "sectors" and "state" (Connected)
 * written again.  A size the geometry cannot take is ignored.
 */
static void blkback_resize(struct xpv_blkback *be, u64 sectors)
{
	struct xpv_xenbus_device *dev = be->dev;
	struct xpv_blkif_limits lim = be->lim;
	struct xpv_xbt t;
	int err;

	lim.sectors = sectors;
	if (xpv_blkif_limits_valid(&lim)) {
		dev_warn_once(&dev->dev, "ignoring new size of %llu sectors\n",
			      sectors);
		return;
	}
	dev_info(&dev->dev, "device resized from %llu to %llu sectors\n",
		 be->lim.sectors, sectors);
	/* Read by the rings' threads: one aligned 64-bit store. */
	WRITE_ONCE(be->lim.sectors, sectors);
again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		goto out_err;
	/* As xpv_xenbus_switch_state(): never recreate a removed device. */
	if (!xpv_xs_exists(t, dev->nodename, "")) {
		xpv_xs_transaction_end(t, true);
		return;
	}
	err = xpv_xs_printf(t, dev->nodename, "sectors", "%llu", sectors);
	if (!err)
		err = xpv_xs_printf(t, dev->nodename, "state", "%d",
				    XenbusStateConnected);
	if (err) {
		xpv_xs_transaction_end(t, true);
		goto out_err;
	}
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN)
		goto again;
	if (!err)
		return;
out_err:
	dev_warn(&dev->dev, "telling the front end the new size failed: %d\n",
		 err);
}

static void blkback_size_work(struct work_struct *work)
{
	struct xpv_blkback *be = container_of(to_delayed_work(work),
					      struct xpv_blkback, size_work);
	u64 sectors;

	mutex_lock(&be->mutex);
	if (!be->rings || !be->bdev ||
	    be->dev->state != XenbusStateConnected)
		goto out_unlock;	/* connect schedules it again */
	sectors = bdev_nr_sectors(be->bdev);
	if (sectors != be->lim.sectors)
		blkback_resize(be, sectors);
	schedule_delayed_work(&be->size_work, HZ);
out_unlock:
	mutex_unlock(&be->mutex);
}

/* Connect once both the device and the front end are ready. Mutex held. */
static void blkback_try_connect(struct xpv_blkback *be)
{
	if (!be->bdev || !be->fe_ready || be->rings)
		return;
	if (be->dev->state != XenbusStateInitWait &&
	    be->dev->state != XenbusStateInitialised)
		return;
	if (blkback_connect_rings(be))
		return;
	if (blkback_publish(be)) {
		blkback_disconnect(be);
		return;
	}
	schedule_delayed_work(&be->size_work, HZ);
}

/* ------------------------------------------------------------------ */
/* xenbus.                                                             */
/* ------------------------------------------------------------------ */

/**
 * xpv_blkback_ring_broken() - a front end broke a ring's protocol
 * @ring: the ring (its thread has stopped consuming from it)
 *
 * Has the device disconnected and moved to Closing from process context.
 *
 * Context: the ring's thread.
 */
void xpv_blkback_ring_broken(struct xpv_blkback_ring *ring)
{
	dev_warn(&ring->be->dev->dev,
		 "ring %u: the front end's producer index is invalid: ring stopped\n",
		 ring->index);
	schedule_work(&ring->be->fatal_work);
}

static void blkback_fatal_work(struct work_struct *work)
{
	struct xpv_blkback *be = container_of(work, struct xpv_blkback,
					      fatal_work);

	mutex_lock(&be->mutex);
	if (be->rings) {
		xpv_xenbus_dev_fatal(be->dev, -EPROTO,
				     "front end broke the blkif ring protocol");
		blkback_disconnect(be);
	}
	mutex_unlock(&be->mutex);
}

static void blkback_physdev_changed(struct xpv_xs_watch *watch,
				    const char *path, const char *token)
{
	struct xpv_blkback *be = container_of(watch, struct xpv_blkback,
					      phys_watch);

	mutex_lock(&be->mutex);
	blkback_open_device(be);
	blkback_try_connect(be);
	mutex_unlock(&be->mutex);
}

/* The steps of xpv_xenbus_back_changed(). Mutex held. */
static void blkback_fe_connect(void *data)
{
	struct xpv_blkback *be = data;

	be->fe_ready = true;
	blkback_try_connect(be);
}

static void blkback_fe_disconnect(void *data)
{
	struct xpv_blkback *be = data;

	be->fe_ready = false;
	blkback_disconnect(be);
}

static const struct xpv_xenbus_back_ops blkback_xenbus_ops = {
	.connect = blkback_fe_connect,
	.disconnect = blkback_fe_disconnect,
};

static void blkback_frontend_changed(struct xpv_xenbus_device *dev,
				     enum xenbus_state fstate)
{
	struct xpv_blkback *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;		/* probe() replays the state itself */
	mutex_lock(&be->mutex);
	xpv_xenbus_back_changed(dev, fstate, &blkback_xenbus_ops, be);
	mutex_unlock(&be->mutex);
}

static void blkback_remove(struct xpv_xenbus_device *dev)
{
	struct xpv_blkback *be = dev_get_drvdata(&dev->dev);

	if (!be)
		return;
	/* Without the mutex: a running watch callback may be waiting on it. */
	if (be->watching)
		xpv_xs_watch_unregister(&be->phys_watch);
	be->watching = false;
	if (be->sysfs)
		sysfs_remove_groups(&dev->dev.kobj, blkback_groups);
	be->sysfs = false;

	mutex_lock(&be->mutex);
	be->fe_ready = false;
	blkback_disconnect(be);
	blkback_close_device(be);
	mutex_unlock(&be->mutex);
	/* The rings are gone: nothing can schedule them again. */
	cancel_work_sync(&be->fatal_work);
	cancel_delayed_work_sync(&be->size_work);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
}

/* Offer what we support; the front end reads these at our InitWait. */
static int blkback_advertise(struct xpv_xenbus_device *dev)
{
	int err;

	if (max_indirect_segments > XPV_BLKIF_MAX_SEGS) {
		err = xpv_xs_printf(XPV_XBT_NIL, dev->nodename,
				    "feature-max-indirect-segments", "%u",
				    max_indirect_segments);
		if (err)
			return err;
	}
	err = xpv_xs_printf(XPV_XBT_NIL, dev->nodename,
			    "multi-queue-max-queues", "%u", max_queues);
	if (err)
		return err;
	return xpv_xs_printf(XPV_XBT_NIL, dev->nodename, "max-ring-page-order",
			     "%u", max_ring_page_order);
}

static int blkback_probe(struct xpv_xenbus_device *dev,
			 const struct xpv_xenbus_device_id *id)
{
	struct xpv_blkback *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xpv_xenbus_dev_fatal(dev, -ENOMEM, "allocating the back end");
		return -ENOMEM;
	}
	be->dev = dev;
	mutex_init(&be->mutex);
	INIT_WORK(&be->fatal_work, blkback_fatal_work);
	INIT_DELAYED_WORK(&be->size_work, blkback_size_work);
	dev_set_drvdata(&dev->dev, be);

	err = blkback_advertise(dev);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "writing the features");
		goto out_remove;
	}
	err = sysfs_create_groups(&dev->dev.kobj, blkback_groups);
	if (err) {
		xpv_xenbus_dev_fatal(dev, err, "creating the sysfs statistics");
		goto out_remove;
	}
	be->sysfs = true;
	err = xpv_xenbus_back_probe_finish(dev, &be->phys_watch, &be->watching,
					   "physical-device",
					   blkback_physdev_changed,
					   blkback_frontend_changed);
	if (err)
		goto out_remove;
	return 0;

out_remove:
	blkback_remove(dev);
	return err;
}

static const struct xpv_xenbus_device_id blkback_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xpv_xenbus_driver blkback_driver = {
	.name = "xpv-blkback",
	.ids = blkback_ids,
	.probe = blkback_probe,
	.otherend_changed = blkback_frontend_changed,
	.remove = blkback_remove,
};

static int __init blkback_init(void)
{
	if (max_ring_page_order > XPV_BLKIF_MAX_RING_ORDER)
		max_ring_page_order = XPV_BLKIF_MAX_RING_ORDER;
	if (!max_queues)
		max_queues = num_online_cpus();
	max_queues = clamp(max_queues, 1U, (unsigned int)XPV_BLKBACK_MAX_QUEUES);
	if (max_indirect_segments > XPV_BLKBACK_MAX_SEGS_LIMIT)
		max_indirect_segments = XPV_BLKBACK_MAX_SEGS_LIMIT;
	if (max_persistent_grants > XPV_BLKBACK_PGNT_MAX)
		max_persistent_grants = XPV_BLKBACK_PGNT_MAX;
	if (!max_persistent_grants)
		feature_persistent = false;
	return xpv_xenbus_register_backend(&blkback_driver);
}
module_init(blkback_init);

static void __exit blkback_exit(void)
{
	xpv_xenbus_unregister_driver(&blkback_driver);
}
module_exit(blkback_exit);

MODULE_DESCRIPTION("xpv Xen virtual block device back end (blkif)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xpv-backend:vbd");
