// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: a self-test of the platform API on the running Xen.
 *
 * Provider-neutral: it uses only include/xpv/, so the native provider
 * (our PVH kernel: xpv.selftest=1, or /sys/module/xpv/parameters/selftest)
 * and the dom0-compat module (selftest=1, which #includes this file) run
 * the same checks: xenstore write/read/transaction/watch/rm, an event
 * channel looped back to ourselves, grant copy from our own grant, grants
 * mapped into unpopulated frames (singly and through the batch page API;
 * ours where that is allowed, else a peer's), revocation, and a burst of
 * grant references that makes the table grow.
 * Each check logs "<who> selftest: PASS name" or "... FAIL name: why (err)";
 * the test bed reads those lines.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/xenstore.h>

#define ST_DIR "data/xpv-selftest"
/* More references than the frames a domain starts with (usually 1-4 x 512). */
#define ST_BURST_REFS 3000

struct xpv_st {
	const char *who;
	int failed;
	domid_t self;
	struct completion watch_done;
	struct completion event_done;
};

static void st_report(struct xpv_st *st, const char *name, int err,
		      const char *why)
{
	if (!err) {
		pr_info("%s selftest: PASS %s\n", st->who, name);
		return;
	}
	st->failed++;
	pr_err("%s selftest: FAIL %s: %s (%d)\n", st->who, name, why, err);
}

static struct xpv_st *st_watch_owner;

static void st_watch_cb(struct xpv_xs_watch *w, const char *path,
			const char *token)
{
	if (strstr(path, "/trigger") && st_watch_owner)
		complete(&st_watch_owner->watch_done);
}

static void st_xenstore(struct xpv_st *st)
{
	struct xpv_xs_watch watch = {};
	struct xpv_xbt t;
	u64 v = 0;
	int err;

	err = xpv_xs_printf(XPV_XBT_NIL, ST_DIR, "value", "%u", 4242);
	if (!err)
		err = xpv_xs_read_uint(XPV_XBT_NIL, ST_DIR, "value", 1u << 20, &v);
	st_report(st, "xenstore-rw", err ?: (v == 4242 ? 0 : -EIO),
		  "write/read back");

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
	st_report(st, "xenstore-transaction", err, "transaction write");

	st_watch_owner = st;
	err = xpv_xs_watch_fmt(&watch, st_watch_cb, "%s/trigger", ST_DIR);
	if (!err) {
		err = xpv_xs_write(XPV_XBT_NIL, ST_DIR, "trigger", "go");
		if (!err && !wait_for_completion_timeout(&st->watch_done, 5 * HZ))
			err = -ETIMEDOUT;
		xpv_xs_watch_unregister(&watch);
	}
	st_watch_owner = NULL;
	st_report(st, "xenstore-watch", err, "watch event for a write");

	err = xpv_xs_rm(XPV_XBT_NIL, ST_DIR, "");
	if (!err && xpv_xs_exists(XPV_XBT_NIL, ST_DIR, ""))
		err = -EEXIST;
	st_report(st, "xenstore-rm", err, "remove directory");
}

static irqreturn_t st_event(int irq, void *dev_id)
{
	struct xpv_st *st = dev_id;

	complete(&st->event_done);
	return IRQ_HANDLED;
}

static irqreturn_t st_event_peer(int irq, void *dev_id)
{
	xpv_evtchn_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

static void st_events(struct xpv_st *st)
{
	evtchn_port_t port;
	int irq, irq2, err;

	err = xpv_evtchn_alloc_unbound(DOMID_SELF, &port);
	if (err) {
		st_report(st, "evtchn-loopback", err, "alloc_unbound");
		return;
	}
	irq = xpv_evtchn_bind(port, st_event, 0, "xpv-selftest", st);
	if (irq < 0) {
		xpv_evtchn_close(port);
		st_report(st, "evtchn-loopback", irq, "bind");
		return;
	}
	irq2 = xpv_evtchn_bind_interdomain_lateeoi(DOMID_SELF, port,
						   st_event_peer, 0,
						   "xpv-selftest-peer", st);
	if (irq2 < 0) {
		st_report(st, "evtchn-loopback", irq2, "bind_interdomain");
		goto out_unbind;
	}
	reinit_completion(&st->event_done);
	xpv_evtchn_notify(xpv_evtchn_from_irq(irq2));
	err = wait_for_completion_timeout(&st->event_done, 5 * HZ) ? 0 : -ETIMEDOUT;
	if (!err && xpv_evtchn_from_irq(irq) != port)
		err = -EINVAL;
	st_report(st, "evtchn-loopback", err,
		  "event sent on the peer port reaches ours");
	xpv_evtchn_unbind(irq2, st);
out_unbind:
	xpv_evtchn_unbind(irq, st);
}

/* Pages granted to us for the map checks, and the bytes they hold. */
struct st_grants {
	domid_t domid;
	grant_ref_t ref[2];
	u8 byte[2];
	const char *from;
};

static int st_check_page(struct page *page, u8 byte)
{
	return memchr_inv(page_address(page), byte, PAGE_SIZE) ? -EIO : 0;
}

/* Map g->ref[0] with the single-page call, read it, unmap it. */
static int st_map_one(struct st_grants *g, struct page *map)
{
	grant_handle_t handle;
	int err, uerr;

	err = xpv_gnttab_map_page(g->domid, g->ref[0], map, true, &handle);
	if (err)
		return err;
	err = st_check_page(map, g->byte[0]);
	uerr = xpv_gnttab_unmap_page(map, handle);
	return err ?: uerr;
}

/* Map both grants in one batch through the page API, read, unmap. */
static int st_map_batch(struct xpv_st *st, struct st_grants *g,
			struct page **map)
{
	const u32 flags = GNTMAP_host_map | GNTMAP_readonly;
	struct gnttab_map_grant_ref mop[2];
	struct gnttab_unmap_grant_ref uop[2];
	int i, err, uerr;

	for (i = 0; i < 2; i++)
		xpv_gnttab_set_map_op(&mop[i], map[i], flags, g->ref[i],
				      g->domid);
	err = xpv_gnttab_map_pages(mop, map, 2);
	if (err) {
		pr_err("%s selftest: batch map: status %d %d\n", st->who,
		       mop[0].status, mop[1].status);
		for (i = 0; i < 2; i++) {
			if (mop[i].status != GNTST_okay)
				continue;
			xpv_gnttab_set_unmap_op(&uop[0], map[i], flags,
						mop[i].handle);
			xpv_gnttab_unmap_pages(uop, &map[i], 1);
		}
		return err;
	}
	for (i = 0; i < 2; i++)
		err = err ?: st_check_page(map[i], g->byte[i]);
	for (i = 0; i < 2; i++)
		xpv_gnttab_set_unmap_op(&uop[i], map[i], flags, mop[i].handle);
	uerr = xpv_gnttab_unmap_pages(uop, map, 2);
	if (uerr)
		pr_err("%s selftest: batch unmap: status %d %d\n", st->who,
		       uop[0].status, uop[1].status);
	return err ?: uerr;
}

/* Copy the page behind (domid, ref) into @dst with grant copy. */
static int st_copy(struct xpv_st *st, domid_t domid, grant_ref_t ref,
		   struct page *dst, u8 byte)
{
	struct gnttab_copy copy = {};
	int err;

	memset(page_address(dst), 0, PAGE_SIZE);
	copy.source.u.ref = ref;
	copy.source.domid = domid;
	copy.dest.u.gmfn = xpv_gnttab_page_gfn(page_address(dst));
	copy.dest.domid = DOMID_SELF;
	copy.len = PAGE_SIZE;
	copy.flags = GNTCOPY_source_gref;
	err = xpv_gnttab_copy(&copy, 1);
	if (err)
		pr_err("%s selftest: grant copy: status %d\n", st->who,
		       copy.status);
	return err ?: st_check_page(dst, byte);
}

/*
 * The map checks need grants of someone's pages. Our own will do where we
 * are not auto-translated (a PV dom0); in a PVH or HVM domain Xen moves a
 * self-mapped frame away from its original guest frame, so there the
 * grants come from a peer that wrote "domid ref0 ref1 byte" (byte in hex;
 * page i holds byte + i) into data/xpv-selftest-peer.
 */
static void st_map_checks(struct xpv_st *st, struct st_grants *self_g,
			  bool self_map_ok, struct page **map,
			  struct page *dst)
{
	struct st_grants peer = { .from = "peer" }, *g = self_g;
	unsigned int domid, r0, r1, byte;

	if (!self_map_ok) {
		if (xpv_xs_scanf(XPV_XBT_NIL, "data", "xpv-selftest-peer",
				 "%u %u %u %x", &domid, &r0, &r1, &byte) != 4 ||
		    domid >= DOMID_FIRST_RESERVED || byte > 0xfe) {
			pr_info("%s selftest: SKIP grant-map, grant-map-batch, grant-copy-peer: no peer grants in data/xpv-selftest-peer\n",
				st->who);
			return;
		}
		peer.domid = domid;
		peer.ref[0] = r0;
		peer.ref[1] = r1;
		peer.byte[0] = byte;
		peer.byte[1] = byte + 1;
		g = &peer;
	}
	st_report(st, "grant-map", st_map_one(g, map[0]),
		  self_map_ok ? "map our own grant and read it" :
		  "map a peer's grant and read it");
	st_report(st, "grant-map-batch", st_map_batch(st, g, map),
		  "map two grants at once with the batch page API");
	if (!self_map_ok)
		st_report(st, "grant-copy-peer",
			  st_copy(st, g->domid, g->ref[1], dst, g->byte[1]),
			  "grant copy from a peer's grant");
}

static void st_grants(struct xpv_st *st, bool self_map_ok)
{
	struct page *src[2] = {}, *dst, *map[2] = {};
	struct st_grants g = { .domid = st->self, .from = "self" };
	int i, r, err;

	dst = alloc_page(GFP_KERNEL);
	for (i = 0; i < 2; i++)
		src[i] = alloc_page(GFP_KERNEL);
	if (!dst || !src[0] || !src[1] || xpv_gnttab_alloc_pages(2, map)) {
		st_report(st, "grant-alloc", -ENOMEM, "allocation");
		map[0] = NULL;
		goto out_free;
	}
	for (i = 0; i < 2; i++) {
		g.byte[i] = 0x5a + i;
		memset(page_address(src[i]), g.byte[i], PAGE_SIZE);
		r = xpv_gnttab_grant_access(st->self,
					    xpv_gnttab_page_gfn(page_address(src[i])),
					    true);
		if (r < 0) {
			st_report(st, "grant-alloc", r, "grant access");
			if (i && xpv_gnttab_end_access(g.ref[0]))
				xpv_gnttab_free_refs(&g.ref[0], 1);
			goto out_free;
		}
		g.ref[i] = r;
	}

	/* Grant copy reads the frame without mapping it: safe on ourselves. */
	st_report(st, "grant-copy", st_copy(st, st->self, g.ref[0], dst,
					    g.byte[0]),
		  "copy from our own grant");
	st_map_checks(st, &g, self_map_ok, map, dst);

	err = 0;
	for (i = 0; i < 2; i++) {
		if (!xpv_gnttab_end_access(g.ref[i]))
			err = -EBUSY;
		else
			xpv_gnttab_free_refs(&g.ref[i], 1);
	}
	st_report(st, "grant-revoke", err, "revoke after unmap");
	if (err) {
		/* Still mapped somewhere: leak rather than reuse. */
		src[0] = NULL;
		src[1] = NULL;
	}
out_free:
	if (map[0])
		xpv_gnttab_free_pages(2, map);
	if (dst)
		__free_page(dst);
	for (i = 0; i < 2; i++)
		if (src[i])
			__free_page(src[i]);
}

/* Many references at once: the table must grow (or already be large). */
static void st_grant_burst(struct xpv_st *st)
{
	grant_ref_t *refs;
	int err;

	refs = kcalloc(ST_BURST_REFS, sizeof(*refs), GFP_KERNEL);
	if (!refs) {
		st_report(st, "grant-burst", -ENOMEM, "allocation");
		return;
	}
	err = xpv_gnttab_alloc_refs(ST_BURST_REFS, refs);
	if (!err)
		xpv_gnttab_free_refs(refs, ST_BURST_REFS);
	st_report(st, "grant-burst", err, "allocate 3000 references at once");
	kfree(refs);
}

/**
 * xpv_selftest_run() - exercise the platform API on the running Xen
 * @who: log prefix ("xpv", "xpv_compat")
 * @self_map_ok: we may map our own grants (not auto-translated: PV)
 *
 * Process context; uses xenstore, so it must run after the provider is up.
 * Runs are serialised.
 *
 * Return: the number of failed checks.
 */
static int xpv_selftest_run(const char *who, bool self_map_ok)
{
	static DEFINE_MUTEX(st_lock);
	struct xpv_st *st;
	u64 domid;
	int failed, err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return 1;
	st->who = who;
	init_completion(&st->watch_done);
	init_completion(&st->event_done);
	mutex_lock(&st_lock);
	st_xenstore(st);
	st_events(st);
	err = xpv_xs_read_uint(XPV_XBT_NIL, "domid", "",
			       DOMID_FIRST_RESERVED - 1, &domid);
	st_report(st, "domid", err, "read our domain id from xenstore");
	if (!err) {
		st->self = domid;
		st_grants(st, self_map_ok);
		st_grant_burst(st);
	}
	failed = st->failed;
	pr_info("%s selftest: done, %d failed\n", who, failed);
	mutex_unlock(&st_lock);
	kfree(st);
	return failed;
}

#ifdef CONFIG_XPV
/*
 * Native provider: xpv.selftest=1 on the command line runs the checks at
 * late_initcall; writing 1 to /sys/module/xpv/parameters/selftest runs
 * them again (e.g. once a peer has granted pages for the map checks).
 */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xpv."

static bool xpv_selftest_at_boot;

static int xpv_selftest_set(const char *val, const struct kernel_param *kp)
{
	bool run;
	int err;

	err = kstrtobool(val, &run);
	if (err || !run)
		return err;
	if (system_state == SYSTEM_BOOTING) {
		xpv_selftest_at_boot = true;
		return 0;
	}
	if (!xpv_xs_ready())
		return -ENODEV;
	return xpv_selftest_run("xpv", false) ? -EIO : 0;
}

static const struct kernel_param_ops xpv_selftest_ops = {
	.set = xpv_selftest_set,
};
module_param_cb(selftest, &xpv_selftest_ops, NULL, 0200);
MODULE_PARM_DESC(selftest, "Write 1 to run the platform self-test on the running Xen and log PASS/FAIL lines");

static int __init xpv_selftest_init(void)
{
	if (xpv_selftest_at_boot && xpv_xs_ready())
		xpv_selftest_run("xpv", false);
	return 0;
}
late_initcall(xpv_selftest_init);
#endif
