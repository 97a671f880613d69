// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block back end: a hostile front end for testing it on real Xen.
 *
 * A test module, not a driver: built out of tree with the dom0 modules
 * (xpv-blkback-hostile.ko), never part of a kernel series.  Loaded into a
 * dom0 that runs xpv-blkback, it plays the front end of a virtual disk
 * whose back end is in the same domain: the test-bed scenario
 * blk-back-hostile writes the back end's and front end's xenstore nodes
 * and the "physical-device" of a loop device, then loads this module with
 * that device's id.  The module grants a ring and data pages to its own
 * domain, publishes ring-ref, event-channel and protocol, waits for
 * Connected and sends requests, most of them malformed, checking each
 * answer (status, id, operation): a bad request must get an error and
 * nothing else.  Then it claims more requests than the ring holds: the
 * back end must stop the ring and move to Closing.  After the front end's
 * Closed, every grant must be unmapped again (revoking each must succeed).
 * Each check logs "xpv_blkback_hostile: PASS name" or "... FAIL name:
 * why", then one summary line.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>
#include <xen/interface/io/xenbus.h>

#include "blkif_proto.h"

static unsigned int devid = 51999;
module_param(devid, uint, 0444);
MODULE_PARM_DESC(devid, "Virtual device id of the disk to attack (default 51999)");

static bool readonly;
module_param(readonly, bool, 0444);
MODULE_PARM_DESC(readonly, "The disk is read-only: writes must be refused (default: no)");

#define HOSTILE_TIMEOUT_MS	10000
#define HOSTILE_SECTOR		2048	/* where the valid write goes */

/**
 * struct hostile - the front end we play
 * @fe: our (front end) xenstore directory
 * @be: the back end's directory
 * @ring: the shared ring page
 * @fr: our view of the ring
 * @ring_ref: its grant
 * @port: our event channel (the back end binds to it)
 * @irq: its IRQ
 * @data: two data pages
 * @data_ref: their grants
 * @ind: an indirect page
 * @ind_ref: its grant
 * @sectors: the disk's size from the back end
 * @next_id: id of the next request
 * @failed: checks failed
 */
struct hostile {
	char fe[64];
	char be[64];
	struct page *ring;
	struct xpv_blkif_front_ring fr;
	int ring_ref;
	evtchn_port_t port;
	int irq;
	struct page *data[2];
	int data_ref[2];
	struct page *ind;
	int ind_ref;
	u64 sectors;
	u64 next_id;
	int failed;
};

static void report(struct hostile *h, const char *name, int err,
		   const char *why)
{
	if (!err) {
		pr_info("xpv_blkback_hostile: PASS %s\n", name);
		return;
	}
	h->failed++;
	pr_err("xpv_blkback_hostile: FAIL %s: %s (%d)\n", name, why, err);
}

static irqreturn_t hostile_event(int irq, void *dev_id)
{
	return IRQ_HANDLED;	/* responses are polled */
}

static int be_state(struct hostile *h)
{
	u64 v;

	if (xpv_xs_read_uint(XPV_XBT_NIL, h->be, "state", 16, &v))
		return -1;
	return v;
}

static int wait_be_state(struct hostile *h, int state)
{
	unsigned int ms;

	for (ms = 0; ms < HOSTILE_TIMEOUT_MS; ms += 20) {
		if (be_state(h) == state)
			return 0;
		msleep(20);
	}
	return -ETIMEDOUT;
}

static void notify(struct hostile *h)
{
	xpv_evtchn_notify(h->port);
}

/* Send one request and wait for its answer. */
static int transact(struct hostile *h, struct xpv_blkif_req *req,
		    struct xpv_blkif_rsp *rsp)
{
	unsigned int ms;

	req->id = h->next_id++;
	if (!xpv_blkif_front_put(&h->fr, req))
		return -ENOSPC;
	xpv_front_push_reqs(&h->fr.r);
	notify(h);
	for (ms = 0; ms < HOSTILE_TIMEOUT_MS; ms += 5) {
		if (xpv_blkif_front_get(&h->fr, rsp))
			return 0;
		if (h->fr.r.broken)
			return -EPROTO;
		usleep_range(5000, 6000);
	}
	return -ETIMEDOUT;
}

/* Send @req; its answer must carry its id, its operation and @status. */
static void expect(struct hostile *h, const char *name,
		   struct xpv_blkif_req *req, s16 status)
{
	struct xpv_blkif_rsp rsp;
	int err = transact(h, req, &rsp);

	if (err) {
		report(h, name, err, "no answer");
		return;
	}
	if (rsp.id != req->id) {
		report(h, name, -EINVAL, "answer carries another id");
		return;
	}
	if (rsp.operation != xpv_blkif_rsp_op(req)) {
		report(h, name, -EINVAL, "answer carries another operation");
		return;
	}
	if (rsp.status != status) {
		pr_err("xpv_blkback_hostile: %s: status %d, expected %d\n",
		       name, rsp.status, status);
		report(h, name, -EINVAL, "unexpected status");
		return;
	}
	report(h, name, 0, NULL);
}

static void rw_req(struct xpv_blkif_req *req, u8 op, u64 sector, u32 gref,
		   u8 first, u8 last)
{
	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->handle = devid;
	req->sector_number = sector;
	req->nr_segments = 1;
	req->seg[0].gref = gref;
	req->seg[0].first_sect = first;
	req->seg[0].last_sect = last;
}

static void run_checks(struct hostile *h)
{
	s16 ok_or_ro = readonly ? XPV_BLKIF_RSP_ERROR : XPV_BLKIF_RSP_OKAY;
	u32 ungranted = h->data_ref[1] + 700;
	u32 ind_ref[1] = { h->ind_ref };
	struct xpv_blkif_seg seg[2];
	struct xpv_blkif_req req;
	void *ind = page_address(h->ind);

	memset(page_address(h->data[0]), 0x5a, PAGE_SIZE);
	memset(page_address(h->data[1]), 0, PAGE_SIZE);

	rw_req(&req, XPV_BLKIF_OP_WRITE, HOSTILE_SECTOR, h->data_ref[0], 0, 7);
	expect(h, readonly ? "write-refused-read-only" : "write", &req,
	       ok_or_ro);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, h->data_ref[1], 0, 7);
	expect(h, "read", &req, XPV_BLKIF_RSP_OKAY);
	if (!readonly)
		report(h, "read-back", memchr_inv(page_address(h->data[1]),
						  0x5a, PAGE_SIZE) ? -EIO : 0,
		       "the data read differs from the data written");

	memset(&req, 0, sizeof(req));
	req.operation = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	expect(h, "bare-flush", &req, XPV_BLKIF_RSP_OKAY);

	rw_req(&req, 4, HOSTILE_SECTOR, h->data_ref[1], 0, 7);
	expect(h, "unknown-operation", &req, XPV_BLKIF_RSP_EOPNOTSUPP);
	/* A barrier: alone, then carrying a page of 0xa5 next to it. */
	memset(page_address(h->data[0]), 0xa5, PAGE_SIZE);
	memset(&req, 0, sizeof(req));
	req.operation = XPV_BLKIF_OP_WRITE_BARRIER;
	expect(h, "bare-barrier", &req, XPV_BLKIF_RSP_OKAY);
	rw_req(&req, XPV_BLKIF_OP_WRITE_BARRIER, HOSTILE_SECTOR + 8,
	       h->data_ref[0], 0, 7);
	expect(h, readonly ? "barrier-refused-read-only" : "barrier-write",
	       &req, ok_or_ro);
	if (!readonly) {
		memset(page_address(h->data[1]), 0, PAGE_SIZE);
		rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR + 8,
		       h->data_ref[1], 0, 7);
		expect(h, "barrier-read", &req, XPV_BLKIF_RSP_OKAY);
		report(h, "barrier-read-back",
		       memchr_inv(page_address(h->data[1]), 0xa5, PAGE_SIZE) ?
		       -EIO : 0, "the barrier's data does not read back");
	}
	rw_req(&req, XPV_BLKIF_OP_READ, h->sectors - 4, h->data_ref[1], 0, 7);
	expect(h, "beyond-the-end", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, ~0ULL - 3, h->data_ref[1], 0, 7);
	expect(h, "sector-overflow", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, h->data_ref[1], 5, 2);
	expect(h, "first-after-last", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, h->data_ref[1], 0, 8);
	expect(h, "last-outside-page", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, h->data_ref[1], 0, 7);
	req.nr_segments = XPV_BLKIF_MAX_SEGS + 1;
	expect(h, "too-many-segments", &req, XPV_BLKIF_RSP_ERROR);
	req.nr_segments = 0;
	expect(h, "read-without-segments", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, 0, 0, 7);
	expect(h, "grant-ref-zero", &req, XPV_BLKIF_RSP_ERROR);
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, ungranted, 0, 7);
	expect(h, "grant-not-granted", &req, XPV_BLKIF_RSP_ERROR);

	/* Indirect: two segments described in the indirect page. */
	seg[0] = (struct xpv_blkif_seg){ .gref = h->data_ref[1],
					 .first_sect = 0, .last_sect = 7 };
	seg[1] = (struct xpv_blkif_seg){ .gref = h->data_ref[1],
					 .first_sect = 0, .last_sect = 3 };
	memset(ind, 0, PAGE_SIZE);
	xpv_blkif_indirect_put(&ind, 0, &seg[0]);
	xpv_blkif_indirect_put(&ind, 1, &seg[1]);
	xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ, 0, devid,
				 HOSTILE_SECTOR, 2, ind_ref);
	expect(h, "indirect-read", &req, XPV_BLKIF_RSP_OKAY);
	req.indirect_grefs[0] = ungranted;
	expect(h, "indirect-page-not-granted", &req, XPV_BLKIF_RSP_ERROR);
	req.indirect_grefs[0] = h->ind_ref;
	req.nr_segments = 3;	/* the third descriptor is zero: gref 0 */
	expect(h, "indirect-zero-descriptor", &req, XPV_BLKIF_RSP_ERROR);
	seg[1].last_sect = 9;
	xpv_blkif_indirect_put(&ind, 1, &seg[1]);
	req.nr_segments = 2;
	expect(h, "indirect-bad-descriptor", &req, XPV_BLKIF_RSP_ERROR);
	req.indirect_op = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	expect(h, "indirect-bad-operation", &req, XPV_BLKIF_RSP_ERROR);

	xpv_blkif_build_discard(&req, 0, h->sectors, 8, false);
	expect(h, "discard-beyond-the-end", &req,
	       readonly ? XPV_BLKIF_RSP_EOPNOTSUPP : XPV_BLKIF_RSP_ERROR);

	/* After all that, a good request is still served. */
	rw_req(&req, XPV_BLKIF_OP_READ, HOSTILE_SECTOR, h->data_ref[1], 0, 7);
	expect(h, "still-serving", &req, XPV_BLKIF_RSP_OKAY);
}

/* Claim more requests than the ring holds: the back end must close. */
static void check_overflow(struct hostile *h)
{
	struct xpv_sring *s = h->fr.r.sring;

	WRITE_ONCE(s->req_prod, READ_ONCE(s->rsp_prod) + h->fr.r.nr_ents + 1);
	notify(h);
	report(h, "producer-overflow-closes", wait_be_state(h, XenbusStateClosing),
	       "the back end did not move to Closing");
}

static int publish(struct hostile *h)
{
	struct xpv_xbt t;
	int err;

again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		return err;
	err = xpv_xs_printf(t, h->fe, "ring-ref", "%d", h->ring_ref);
	if (!err)
		err = xpv_xs_printf(t, h->fe, "event-channel", "%u", h->port);
	if (!err)
		err = xpv_xs_write(t, h->fe, "protocol", "x86_64-abi");
	if (!err)
		err = xpv_xs_printf(t, h->fe, "state", "%d",
				    XenbusStateInitialised);
	if (err) {
		xpv_xs_transaction_end(t, true);
		return err;
	}
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN)
		goto again;
	return err;
}

static int grant(struct page *page, bool ro)
{
	return xpv_gnttab_grant_access(0, xpv_gnttab_page_gfn(page_address(page)),
				       ro);
}

/* Revoke a grant; it must not be mapped any more. */
static void revoke(struct hostile *h, const char *name, int *ref,
		   struct page **page)
{
	grant_ref_t r;

	if (*ref <= 0)
		goto out_free;
	r = *ref;
	if (!xpv_gnttab_end_access(r)) {
		report(h, name, -EBUSY, "grant still mapped by the back end: page leaked");
		*page = NULL;
		return;
	}
	xpv_gnttab_free_refs(&r, 1);
	report(h, name, 0, NULL);
out_free:
	if (*page)
		__free_page(*page);
	*page = NULL;
}

static int __init hostile_init(void)
{
	struct hostile *h;
	unsigned int i;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	snprintf(h->fe, sizeof(h->fe), "device/vbd/%u", devid);
	snprintf(h->be, sizeof(h->be), "backend/vbd/0/%u", devid);

	err = wait_be_state(h, XenbusStateInitWait);
	report(h, "back-end-initwait", err, "the back end is not in InitWait");
	if (err)
		goto out_summary;

	h->ring = alloc_page(GFP_KERNEL | __GFP_ZERO);
	h->data[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	h->data[1] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	h->ind = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!h->ring || !h->data[0] || !h->data[1] || !h->ind) {
		report(h, "setup", -ENOMEM, "allocating pages");
		goto out_free;
	}
	err = xpv_blkif_front_init(&h->fr, XPV_BLKIF_ABI_X86_64,
				   page_address(h->ring), PAGE_SIZE);
	h->ring_ref = grant(h->ring, false);
	h->data_ref[0] = grant(h->data[0], false);
	h->data_ref[1] = grant(h->data[1], false);
	h->ind_ref = grant(h->ind, true);
	if (err || h->ring_ref <= 0 || h->data_ref[0] <= 0 ||
	    h->data_ref[1] <= 0 || h->ind_ref <= 0) {
		report(h, "setup", err ?: -ENOSPC, "granting pages");
		goto out_free;
	}
	err = xpv_evtchn_alloc_unbound(0, &h->port);
	if (err) {
		report(h, "setup", err, "allocating an event channel");
		goto out_free;
	}
	h->irq = xpv_evtchn_bind(h->port, hostile_event, 0, "xpv-blkhostile",
				 h);
	if (h->irq < 0) {
		report(h, "setup", h->irq, "binding the event channel");
		xpv_evtchn_close(h->port);
		h->irq = 0;
		goto out_free;
	}
	err = publish(h);
	if (!err)
		err = wait_be_state(h, XenbusStateConnected);
	report(h, "connect", err, "the back end did not connect");
	if (err)
		goto out_close;
	err = xpv_xs_read_uint(XPV_XBT_NIL, h->be, "sectors", U64_MAX,
			       &h->sectors);
	report(h, "sectors", err, "reading sectors");
	if (err)
		goto out_close;

	run_checks(h);
	check_overflow(h);

out_close:
	xpv_xs_printf(XPV_XBT_NIL, h->fe, "state", "%d", XenbusStateClosed);
	report(h, "back-end-closed", wait_be_state(h, XenbusStateClosed),
	       "the back end did not close");
	if (h->irq > 0)
		xpv_evtchn_unbind(h->irq, h);	/* closes the port */
out_free:
	revoke(h, "ring-unmapped", &h->ring_ref, &h->ring);
	for (i = 0; i < 2; i++)
		revoke(h, "data-unmapped", &h->data_ref[i], &h->data[i]);
	revoke(h, "indirect-unmapped", &h->ind_ref, &h->ind);
out_summary:
	pr_info("xpv_blkback_hostile: done, %d failed\n", h->failed);
	kfree(h);
	return 0;
}
module_init(hostile_init);

static void __exit hostile_exit(void)
{
}
module_exit(hostile_exit);

MODULE_DESCRIPTION("xpv block back end test: a hostile front end in the same domain");
MODULE_LICENSE("GPL");
