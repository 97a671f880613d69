// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: a load-time self-test on real Xen.
 *
 * With selftest=1 the module exercises every part of the API it provides
 * against the running hypervisor and xenstore, in dom0 itself: xenstore
 * write/read/transaction/watch, an event channel looped back to ourselves,
 * and a grant of our own page mapped and copied back. Each check logs
 * "xpv_compat selftest: PASS name" or "... FAIL name: why"; the test bed
 * reads those lines.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/err.h>
#include <xen/grant_table.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>
#include "compat.h"

#define ST_DIR "data/xpv-compat"

static int st_failed;

static void st_report(const char *name, int err, const char *why)
{
	if (!err) {
		pr_info("xpv_compat selftest: PASS %s\n", name);
		return;
	}
	st_failed++;
	pr_err("xpv_compat selftest: FAIL %s: %s (%d)\n", name, why, err);
}

static DECLARE_COMPLETION(st_watch_done);

static void st_watch_cb(struct xpv_xs_watch *w, const char *path,
			const char *token)
{
	if (strstr(path, "/trigger"))
		complete(&st_watch_done);
}

static void st_xenstore(void)
{
	struct xpv_xs_watch watch = {};
	struct xpv_xbt t;
	u64 v = 0;
	int err;

	err = xpv_xs_printf(XPV_XBT_NIL, ST_DIR, "value", "%u", 4242);
	if (!err)
		err = xpv_xs_read_uint(XPV_XBT_NIL, ST_DIR, "value", 1u << 20, &v);
	st_report("xenstore-rw", err ?: (v == 4242 ? 0 : -EIO), "write/read back");

	do {
		err = xpv_xs_transaction_start(&t);
		if (err)
			break;
		err = xpv_xs_write(t, ST_DIR, "tx", "1");
		if (err) {
			xpv_xs_transaction_end(t, true);
			break;
		}
		err = xpv_xs_transaction_end(t, false);
	} while (err == -EAGAIN);
	if (!err && !xpv_xs_exists(XPV_XBT_NIL, ST_DIR, "tx"))
		err = -ENOENT;
	st_report("xenstore-transaction", err, "transaction write");

	reinit_completion(&st_watch_done);
	err = xpv_xs_watch_fmt(&watch, st_watch_cb, "%s/trigger", ST_DIR);
	if (!err) {
		err = xpv_xs_write(XPV_XBT_NIL, ST_DIR, "trigger", "go");
		if (!err && !wait_for_completion_timeout(&st_watch_done, 5 * HZ))
			err = -ETIMEDOUT;
		xpv_xs_watch_unregister(&watch);
	}
	st_report("xenstore-watch", err, "watch event for a write");

	err = xpv_xs_rm(XPV_XBT_NIL, ST_DIR, "");
	if (!err && xpv_xs_exists(XPV_XBT_NIL, ST_DIR, ""))
		err = -EEXIST;
	st_report("xenstore-rm", err, "remove directory");
}

static DECLARE_COMPLETION(st_event_done);

static irqreturn_t st_event(int irq, void *dev_id)
{
	complete(&st_event_done);
	return IRQ_HANDLED;
}

static irqreturn_t st_event_peer(int irq, void *dev_id)
{
	xpv_evtchn_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

static void st_events(void)
{
	evtchn_port_t port;
	int irq, irq2, err;

	err = xpv_evtchn_alloc_unbound(DOMID_SELF, &port);
	if (err) {
		st_report("evtchn-loopback", err, "alloc_unbound");
		return;
	}
	irq = xpv_evtchn_bind(port, st_event, 0, "xpv-compat-st", NULL);
	if (irq < 0) {
		xpv_evtchn_close(port);
		st_report("evtchn-loopback", irq, "bind");
		return;
	}
	irq2 = xpv_evtchn_bind_interdomain_lateeoi(DOMID_SELF, port, st_event_peer,
						   0, "xpv-compat-st-peer", NULL);
	if (irq2 < 0) {
		st_report("evtchn-loopback", irq2, "bind_interdomain");
		goto out_unbind;
	}
	reinit_completion(&st_event_done);
	xpv_evtchn_notify(xpv_evtchn_from_irq(irq2));
	err = wait_for_completion_timeout(&st_event_done, 5 * HZ) ? 0 : -ETIMEDOUT;
	st_report("evtchn-loopback", err ?: (xpv_evtchn_from_irq(irq) == port ? 0 : -EINVAL),
		  "event sent on the peer port reaches ours");
	xpv_evtchn_unbind(irq2, NULL);
out_unbind:
	xpv_evtchn_unbind(irq, NULL);
}

static void st_grants(void)
{
	struct page *src, *map = NULL, *dst;
	struct gnttab_copy copy = {};
	grant_handle_t handle;
	int ref, err;

	src = alloc_page(GFP_KERNEL | __GFP_ZERO);
	dst = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!src || !dst || xpv_gnttab_alloc_pages(1, &map)) {
		st_report("grant-map", -ENOMEM, "allocation");
		goto out_free;
	}
	memset(page_address(src), 0x5a, PAGE_SIZE);
	ref = xpv_gnttab_grant_access(0, xpv_gnttab_page_gfn(page_address(src)), false);
	if (ref < 0) {
		st_report("grant-map", ref, "grant access");
		goto out_free;
	}
	err = xpv_gnttab_map_page(0, ref, map, true, &handle);
	if (!err) {
		if (memchr_inv(page_address(map), 0x5a, PAGE_SIZE))
			err = -EIO;
		if (xpv_gnttab_unmap_page(map, handle))
			err = err ?: -EBUSY;
	}
	st_report("grant-map", err, "map our own grant and read it");

	copy.source.u.ref = ref;
	copy.source.domid = 0;
	copy.dest.u.gmfn = xpv_gnttab_page_gfn(page_address(dst));
	copy.dest.domid = DOMID_SELF;
	copy.len = PAGE_SIZE;
	copy.flags = GNTCOPY_source_gref;
	err = xpv_gnttab_copy(&copy, 1);
	if (!err && memchr_inv(page_address(dst), 0x5a, PAGE_SIZE))
		err = -EIO;
	st_report("grant-copy", err, "copy from our own grant");

	if (!xpv_gnttab_end_access(ref))
		st_report("grant-revoke", -EBUSY, "revoke after unmap");
	else
		st_report("grant-revoke", 0, NULL);
	xpv_gnttab_free_refs((grant_ref_t *)&ref, 1);
out_free:
	if (map)
		xpv_gnttab_free_pages(1, &map);
	if (dst)
		__free_page(dst);
	if (src)
		__free_page(src);
}

/**
 * xpv_compat_selftest() - exercise the provider on the running Xen
 *
 * Return: the number of failed checks.
 */
int xpv_compat_selftest(void)
{
	st_failed = 0;
	st_xenstore();
	st_events();
	st_grants();
	pr_info("xpv_compat selftest: done, %d failed\n", st_failed);
	return st_failed;
}
