// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network back end: a hostile front end for testing it on real Xen.
 *
 * A test module, not a driver: built out of tree with the dom0 modules
 * (xpv-netback-hostile.ko), never part of a kernel series.  Loaded into a
 * dom0 that runs xpv-netback, it plays the netif front end of a vif whose
 * back end is in the same domain: the test-bed scenario net-back-hostile
 * writes the back end's and front end's xenstore nodes (what libxl and the
 * vif hotplug script would write), sets the module's "devid" and then
 * drives it one step at a time by writing a command to its "attack"
 * parameter; the write returns when the step is done, with -EIO when one
 * of its checks failed.  Between steps the scenario reads the vif's
 * counters (ethtool -S), dom0's kernel log and another guest's traffic.
 *
 * Commands:
 *   connect        grant a tx and an rx ring (one queue, one event
 *                  channel), post "rx_reqs" rx requests, publish the keys,
 *                  Initialised; the back end must reach Connected
 *   close          Closed; the back end must reach Closed (unless it is
 *                  gone), then every grant must be unmapped (revoking each
 *                  must succeed); then Initialising, back end InitWait
 *   good, good-split, zero-slots    valid packets: each slot answered OKAY
 *   short, size-mismatch, too-many-slots, gso-size-zero, gso-too-big,
 *   gso-bad-type, extra-unsupported  malformed chains: each slot answered
 *                  ERROR (extras NULL), nothing else
 *   cross-page, extra-type-bad, slot-limit, tx-prod-overflow,
 *   rx-prod-overflow  ring-breaking input: no answer, the back end moves
 *                  to Closing
 *   storm          notify the back end as fast as possible for "storm_ms"
 *   blast          valid packets back to back for "storm_ms", until the
 *                  back end disappears (teardown under traffic)
 *   rx-post        post rx requests (refill after a stall)
 *   rx-check       wait for rx responses and validate each
 *
 * Each check logs "xpv_netback_hostile: PASS name" or "... FAIL name: why".
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xpv/events.h>
#include <xpv/grant.h>
#include <xpv/hostile.h>
#include <xpv/xenstore.h>
#include <xen/interface/io/xenbus.h>

#include "netif_proto.h"

static unsigned int devid = 1;
module_param(devid, uint, 0644);
MODULE_PARM_DESC(devid, "Handle of the vif to attack (its nodes must exist; default 1)");

static unsigned int rx_reqs;
module_param(rx_reqs, uint, 0644);
MODULE_PARM_DESC(rx_reqs, "Rx requests posted at connect and by rx-post (0..256, default 0)");

static unsigned int storm_ms = 3000;
module_param(storm_ms, uint, 0644);
MODULE_PARM_DESC(storm_ms, "Duration of storm and blast in ms (default 3000)");

#define NH_TIMEOUT_MS	10000
#define NH_TX_PAGES	2
#define NH_RX_PAGES	XPV_NETIF_MAX_IDS
/* The test packet: Ethernet, IPv4, UDP to port 9 of dom0's side. */
#define NH_PKT_LEN	142
#define NH_PFX		"xpv_netback_hostile: "

/**
 * struct nh - the front end we play (one at a time)
 * @fe: our (front end) xenstore directory
 * @be: the back end's directory
 * @connected: rings granted and published
 * @tx_page: the tx ring page
 * @rx_page: the rx ring page
 * @tx: our view of the tx ring
 * @rx: our view of the rx ring
 * @tx_ref: tx ring grant
 * @rx_ref: rx ring grant
 * @port: our event channel
 * @irq: its IRQ
 * @events: events from the back end
 * @data: tx data pages (read-only grants)
 * @data_ref: their grants
 * @rxp: rx pages, one per rx slot (writable grants)
 * @rxp_ref: their grants
 * @rx_posted: rx requests posted so far (free-running)
 * @next_id: tx id of the next data slot
 * @failed: checks failed by the current command
 */
struct nh {
	char fe[64];
	char be[64];
	bool connected;
	struct page *tx_page;
	struct page *rx_page;
	struct xpv_netif_tx_front tx;
	struct xpv_netif_rx_front rx;
	int tx_ref;
	int rx_ref;
	evtchn_port_t port;
	int irq;
	atomic_t events;
	struct page *data[NH_TX_PAGES];
	int data_ref[NH_TX_PAGES];
	struct page *rxp[NH_RX_PAGES];
	int rxp_ref[NH_RX_PAGES];
	u32 rx_posted;
	u16 next_id;
	int failed;
};

static struct nh nh;

static void report(const char *name, int err, const char *why)
{
	if (!err) {
		pr_info(NH_PFX "PASS %s\n", name);
		return;
	}
	nh.failed++;
	pr_err(NH_PFX "FAIL %s: %s (%d)\n", name, why, err);
}

static irqreturn_t nh_event(int irq, void *dev_id)
{
	atomic_inc(&nh.events);
	return IRQ_HANDLED;	/* responses are polled */
}

static int be_state(void)
{
	u64 v;

	if (xpv_xs_read_uint(XPV_XBT_NIL, nh.be, "state", 16, &v))
		return -1;
	return v;
}

static int wait_be_state(int state)
{
	unsigned int ms;

	for (ms = 0; ms < NH_TIMEOUT_MS; ms += 20) {
		if (be_state() == state)
			return 0;
		msleep(20);
	}
	return -ETIMEDOUT;
}

static int fe_state(int state)
{
	return xpv_xs_printf(XPV_XBT_NIL, nh.fe, "state", "%d", state);
}

static int grant(struct page *page, bool ro)
{
	return xpv_gnttab_grant_access(0, xpv_gnttab_page_gfn(page_address(page)),
				       ro);
}

/* Revoke a grant; the back end must have unmapped it.  Return: 0 or -EBUSY
 * (the page is then leaked on purpose: the peer may still write it).
 */
static int revoke(int *ref, struct page **page)
{
	grant_ref_t r;

	if (*ref > 0) {
		r = *ref;
		if (!xpv_gnttab_end_access(r)) {
			*ref = 0;
			*page = NULL;
			return -EBUSY;
		}
		xpv_gnttab_free_refs(&r, 1);
	}
	*ref = 0;
	if (*page)
		__free_page(*page);
	*page = NULL;
	return 0;
}

/* The test packet, written once into data page 0. */
static void nh_build_packet(u8 *p)
{
	static const u8 hdr[42] = {
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff,	/* the vif's address */
		0x00, 0x16, 0x3e, 0xde, 0xad, 0x01,
		0x08, 0x00,
		0x45, 0x00, 0x00, NH_PKT_LEN - 14, 0x12, 0x34, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,			/* checksum below */
		10, 9, 0, 2, 10, 9, 0, 1,
		0x0f, 0xa0, 0x00, 0x09,			/* 4000 -> 9 */
		0x00, NH_PKT_LEN - 34, 0x00, 0x00,	/* no UDP checksum */
	};
	u32 sum = 0;
	unsigned int i;

	memcpy(p, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < NH_PKT_LEN; i++)
		p[i] = i;
	for (i = 14; i < 34; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[24] = sum >> 8;
	p[25] = sum & 0xff;
}

static void nh_free_all(void)
{
	unsigned int i;
	int busy = 0;

	if (nh.irq > 0)
		xpv_evtchn_unbind(nh.irq, &nh);	/* closes the port */
	nh.irq = 0;
	busy |= revoke(&nh.tx_ref, &nh.tx_page);
	busy |= revoke(&nh.rx_ref, &nh.rx_page);
	for (i = 0; i < NH_TX_PAGES; i++)
		busy |= revoke(&nh.data_ref[i], &nh.data[i]);
	for (i = 0; i < NH_RX_PAGES; i++)
		busy |= revoke(&nh.rxp_ref[i], &nh.rxp[i]);
	report("grants-unmapped", busy,
	       "a grant is still mapped by the back end: page leaked");
	nh.connected = false;
}

/* Post @n rx requests (each slot's id is its index); @notify the back end. */
static void nh_rx_post(unsigned int n, bool notify)
{
	unsigned int i;

	for (i = 0; i < n && xpv_netif_rx_front_free(&nh.rx); i++) {
		struct xpv_netif_rx_request req = { };
		u32 slot = nh.rx_posted & (NH_RX_PAGES - 1);

		req.id = slot;
		req.gref = nh.rxp_ref[slot];
		if (!xpv_netif_rx_front_put_request(&nh.rx, &req))
			break;
		nh.rx_posted++;
	}
	xpv_netif_rx_front_push_requests(&nh.rx);
	if (notify)
		xpv_evtchn_notify(nh.port);
}

static int nh_publish(void)
{
	struct xpv_xbt t;
	int err;

again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		return err;
	err = xpv_xs_printf(t, nh.fe, "tx-ring-ref", "%d", nh.tx_ref);
	if (!err)
		err = xpv_xs_printf(t, nh.fe, "rx-ring-ref", "%d", nh.rx_ref);
	if (!err)
		err = xpv_xs_printf(t, nh.fe, "event-channel", "%u", nh.port);
	if (!err)
		err = xpv_xs_write(t, nh.fe, "request-rx-copy", "1");
	if (!err)
		err = xpv_xs_write(t, nh.fe, "feature-rx-notify", "1");
	if (!err)
		err = xpv_xs_write(t, nh.fe, "feature-sg", "1");
	if (!err)
		err = xpv_xs_write(t, nh.fe, "feature-gso-tcpv4", "1");
	if (!err)
		err = xpv_xs_printf(t, nh.fe, "state", "%d",
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

static void nh_connect(void)
{
	unsigned int i;
	int err;

	if (nh.connected) {
		report("connect", -EBUSY, "already connected");
		return;
	}
	memset(&nh, 0, sizeof(nh));
	snprintf(nh.fe, sizeof(nh.fe), "device/vif/%u", devid);
	snprintf(nh.be, sizeof(nh.be), "backend/vif/0/%u", devid);
	err = wait_be_state(XenbusStateInitWait);
	if (err) {
		report("connect", err, "the back end is not in InitWait");
		return;
	}
	nh.connected = true;	/* from here on nh_free_all() undoes it */
	nh.tx_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	nh.rx_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	err = nh.tx_page && nh.rx_page ? 0 : -ENOMEM;
	for (i = 0; !err && i < NH_TX_PAGES; i++) {
		nh.data[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		err = nh.data[i] ? 0 : -ENOMEM;
	}
	for (i = 0; !err && i < NH_RX_PAGES; i++) {
		nh.rxp[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		err = nh.rxp[i] ? 0 : -ENOMEM;
	}
	if (err)
		goto out_fail;
	nh_build_packet(page_address(nh.data[0]));
	err = xpv_netif_tx_front_init(&nh.tx, page_address(nh.tx_page),
				      XPV_NETIF_PAGE_SIZE);
	if (!err)
		err = xpv_netif_rx_front_init(&nh.rx, page_address(nh.rx_page),
					      XPV_NETIF_PAGE_SIZE);
	if (err)
		goto out_fail;
	nh.tx_ref = grant(nh.tx_page, false);
	nh.rx_ref = grant(nh.rx_page, false);
	err = nh.tx_ref > 0 && nh.rx_ref > 0 ? 0 : -ENOSPC;
	for (i = 0; !err && i < NH_TX_PAGES; i++) {
		nh.data_ref[i] = grant(nh.data[i], true);
		err = nh.data_ref[i] > 0 ? 0 : -ENOSPC;
	}
	for (i = 0; !err && i < NH_RX_PAGES; i++) {
		nh.rxp_ref[i] = grant(nh.rxp[i], false);
		err = nh.rxp_ref[i] > 0 ? 0 : -ENOSPC;
	}
	if (err)
		goto out_fail;
	err = xpv_evtchn_alloc_unbound(0, &nh.port);
	if (err)
		goto out_fail;
	nh.irq = xpv_evtchn_bind(nh.port, nh_event, 0, "xpv-nethostile", &nh);
	if (nh.irq < 0) {
		err = nh.irq;
		nh.irq = 0;
		xpv_evtchn_close(nh.port);
		goto out_fail;
	}
	nh_rx_post(min(rx_reqs, NH_RX_PAGES), false);
	err = nh_publish();
	if (!err)
		err = wait_be_state(XenbusStateConnected);
	report("connect", err, "the back end did not connect");
	if (!err)
		fe_state(XenbusStateConnected);
	return;

out_fail:
	report("connect", err, "setting up rings, grants or the event channel");
	nh_free_all();
}

static void nh_close(void)
{
	int err = 0;

	if (!nh.connected) {
		report("close", -ENOTCONN, "not connected");
		return;
	}
	fe_state(XenbusStateClosed);
	if (be_state() >= 0)
		err = wait_be_state(XenbusStateClosed);
	report("back-end-closed", err, "the back end did not close");
	nh_free_all();
	/* Ready for the next connection, if the device still exists. */
	if (be_state() >= 0) {
		fe_state(XenbusStateInitialising);
		report("back-end-initwait", wait_be_state(XenbusStateInitWait),
		       "the back end did not return to InitWait");
	}
}

/* ------------------------------------------------------------------ */
/* Tx chains.                                                          */
/* ------------------------------------------------------------------ */

static void slot_data(struct xpv_netif_tx_request *s, u32 off, u16 size,
		      u16 flags)
{
	memset(s, 0, sizeof(*s));
	s->gref = nh.data_ref[0];
	s->offset = off;
	s->size = size;
	s->flags = flags;
	s->id = nh.next_id++ & (XPV_NETIF_MAX_IDS - 1);
}

static void slot_extra(struct xpv_netif_tx_request *s, u8 type, u8 flags,
		       u16 gso_size, u8 gso_type)
{
	struct xpv_netif_extra ex = { };

	ex.type = type;
	ex.flags = flags;
	if (type == XPV_NETIF_EXTRA_GSO) {
		ex.u.gso.size = gso_size;
		ex.u.gso.type = gso_type;
	} else if (type == XPV_NETIF_EXTRA_MCAST_ADD) {
		ex.u.mcast.addr[0] = 0x01;
		ex.u.mcast.addr[5] = 0x42;
	}
	xpv_netif_extra_tx_slot(&ex, s);
}

/* Split the test packet over @n data slots, all in data page 0: the
 * first carries @first bytes, the others share the rest, @zero of them
 * (right after the first) carrying none; @flags on the first slot.
 * Return: slots written into @s (the extras go in by the caller).
 */
static unsigned int chain(struct xpv_netif_tx_request *s, unsigned int n,
			  u16 first, unsigned int zero, u16 flags)
{
	unsigned int i, nz = n - 1 - zero, left = NH_PKT_LEN - first;
	u32 off = first;

	slot_data(&s[0], 0, NH_PKT_LEN, flags | (n > 1 ? XPV_NETTXF_MORE_DATA : 0));
	for (i = 1; i < n; i++) {
		u16 size = 0;

		if (i > zero) {
			size = (i == n - 1) ? left : left / nz;
			if (!size && left)
				size = 1;
			left -= size;
			nz--;
		}
		slot_data(&s[i], off, size, i < n - 1 ? XPV_NETTXF_MORE_DATA : 0);
		off += size;
	}
	return n;
}

/* Put @n slots on the ring and notify. */
static int push_slots(const struct xpv_netif_tx_request *s, unsigned int n)
{
	unsigned int i;

	if (xpv_netif_tx_front_free(&nh.tx) < n)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		if (!xpv_netif_tx_front_put_request(&nh.tx, &s[i]))
			return -ENOSPC;
	xpv_netif_tx_front_push_requests(&nh.tx);
	xpv_evtchn_notify(nh.port);
	return 0;
}

/* Send a chain and check every slot's answer: data slots @status, extra
 * slots (@extra_mask, bit per slot index) NULL, in ring order.
 */
static void expect(const char *name, const struct xpv_netif_tx_request *s,
		   unsigned int n, u32 extra_mask, s16 status)
{
	struct xpv_netif_tx_response rsp;
	unsigned int got = 0, ms = 0;
	int err;

	err = push_slots(s, n);
	if (err) {
		report(name, err, "ring full");
		return;
	}
	while (got < n) {
		int avail = xpv_netif_tx_front_responses(&nh.tx);

		if (avail < 0) {
			report(name, -EPROTO, "the back end broke the tx ring");
			return;
		}
		if (!avail) {
			if (ms >= NH_TIMEOUT_MS) {
				pr_err(NH_PFX "%s: %u of %u answers\n", name, got, n);
				report(name, -ETIMEDOUT, "not every slot answered");
				return;
			}
			usleep_range(2000, 3000);
			ms += 2;
			continue;
		}
		if (!xpv_netif_tx_front_get_response(&nh.tx, &rsp))
			continue;
		if (extra_mask & BIT(got)) {
			if (rsp.status != XPV_NETIF_RSP_NULL) {
				pr_err(NH_PFX "%s: slot %u (extra): status %d\n",
				       name, got, rsp.status);
				report(name, -EINVAL, "an extra slot not answered NULL");
				return;
			}
		} else if (rsp.id != s[got].id || rsp.status != status) {
			pr_err(NH_PFX "%s: slot %u: id %u status %d, expected id %u status %d\n",
			       name, got, rsp.id, rsp.status, s[got].id, status);
			report(name, -EINVAL, "unexpected answer");
			return;
		}
		got++;
	}
	report(name, 0, NULL);
}

/* Send ring-breaking input: no answer may come, the back end must close. */
static void expect_fatal(const char *name, const struct xpv_netif_tx_request *s,
			 unsigned int n)
{
	int err = push_slots(s, n);

	if (!err)
		err = wait_be_state(XenbusStateClosing);
	report(name, err, "the back end did not move to Closing");
	if (!err && xpv_netif_tx_front_responses(&nh.tx) > 0)
		report(name, -EINVAL, "the back end answered a ring-breaking chain");
}

static void attack_tx(const char *cmd)
{
	struct xpv_netif_tx_request s[XPV_NETIF_SLOTS_CAP + 4];
	unsigned int n;

	if (!strcmp(cmd, "good")) {
		n = chain(s, 1, NH_PKT_LEN, 0, 0);
		expect(cmd, s, n, 0, XPV_NETIF_RSP_OKAY);
	} else if (!strcmp(cmd, "good-split")) {
		/* XSA-423/432: 1 byte in the first slot, the headers spread
		 * over tiny slots, checksum left to the back end.
		 */
		n = chain(s, 12, 1, 0, XPV_NETTXF_CSUM_BLANK);
		expect(cmd, s, n, 0, XPV_NETIF_RSP_OKAY);
	} else if (!strcmp(cmd, "zero-slots")) {
		/* XSA-448: zero-length slots, and an empty first slot. */
		n = chain(s, 6, 0, 3, 0);
		expect(cmd, s, n, 0, XPV_NETIF_RSP_OKAY);
	} else if (!strcmp(cmd, "short")) {
		n = chain(s, 1, NH_PKT_LEN, 0, 0);
		s[0].size = XPV_NETIF_ETH_HLEN - 4;
		expect(cmd, s, n, 0, XPV_NETIF_RSP_ERROR);
	} else if (!strcmp(cmd, "size-mismatch")) {
		/* The following slots hold more than the packet length. */
		n = chain(s, 3, 60, 0, 0);
		s[0].size = 60;
		expect(cmd, s, n, 0, XPV_NETIF_RSP_ERROR);
	} else if (!strcmp(cmd, "too-many-slots")) {
		n = chain(s, XPV_NETIF_SLOTS_MAX + 1, 14, 0, 0);
		expect(cmd, s, n, 0, XPV_NETIF_RSP_ERROR);
	} else if (!strcmp(cmd, "gso-size-zero") ||
		   !strcmp(cmd, "gso-too-big") ||
		   !strcmp(cmd, "gso-bad-type") ||
		   !strcmp(cmd, "extra-unsupported")) {
		u16 gsz = !strcmp(cmd, "gso-size-zero") ? 0 :
			  !strcmp(cmd, "gso-too-big") ? NH_PKT_LEN + 1 : 100;
		u8 gty = !strcmp(cmd, "gso-bad-type") ? 7 : XPV_NETIF_GSO_TCPV4;
		u8 ety = !strcmp(cmd, "extra-unsupported") ?
			 XPV_NETIF_EXTRA_MCAST_ADD : XPV_NETIF_EXTRA_GSO;

		/* first slot, the extra, two more data slots */
		chain(s, 3, 42, 0, XPV_NETTXF_CSUM_BLANK);
		s[3] = s[2];
		s[2] = s[1];
		s[0].flags |= XPV_NETTXF_EXTRA_INFO;
		slot_extra(&s[1], ety, 0, gsz, gty);
		expect(cmd, s, 4, BIT(1), XPV_NETIF_RSP_ERROR);
	} else if (!strcmp(cmd, "cross-page")) {
		n = chain(s, 2, 60, 0, 0);
		s[1].offset = XPV_NETIF_PAGE_SIZE - 20;	/* 82 bytes: crosses */
		expect_fatal(cmd, s, n);
	} else if (!strcmp(cmd, "extra-type-bad")) {
		chain(s, 2, 60, 0, 0);
		s[2] = s[1];
		s[0].flags |= XPV_NETTXF_EXTRA_INFO;
		slot_extra(&s[1], 9, 0, 0, 0);
		expect_fatal(cmd, s, 3);
	} else if (!strcmp(cmd, "slot-limit")) {
		n = chain(s, XPV_NETIF_FATAL_SLOTS + 2, 14, 0, 0);
		expect_fatal(cmd, s, n);
	} else {
		report(cmd, -EINVAL, "unknown command");
	}
}

/* ------------------------------------------------------------------ */
/* Rings, events, rx.                                                  */
/* ------------------------------------------------------------------ */

static void attack_overflow(const char *cmd, bool rx)
{
	struct xpv_sring *s = rx ? nh.rx.r.sring : nh.tx.r.sring;
	u32 nr = rx ? nh.rx.r.nr_ents : nh.tx.r.nr_ents;

	WRITE_ONCE(s->req_prod, READ_ONCE(s->rsp_prod) + nr + 1);
	xpv_evtchn_notify(nh.port);
	report(cmd, wait_be_state(XenbusStateClosing),
	       "the back end did not move to Closing");
}

static void attack_storm(void)
{
	unsigned long n = xpv_hostile_storm(nh.port, storm_ms);

	pr_info(NH_PFX "storm: %lu notifications in %u ms\n", n, storm_ms);
	report("storm", 0, NULL);
}

/* Valid packets back to back until storm_ms passed or the back end went
 * away; answers are taken but not checked (the back end may vanish).
 */
static void attack_blast(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(storm_ms);
	struct xpv_netif_tx_request s;
	struct xpv_netif_tx_response rsp;
	u64 sent = 0, answered = 0;

	while (time_before(jiffies, end)) {
		while (xpv_netif_tx_front_responses(&nh.tx) > 0 &&
		       xpv_netif_tx_front_get_response(&nh.tx, &rsp))
			answered++;
		if (xpv_netif_tx_front_free(&nh.tx) > 1) {
			chain(&s, 1, NH_PKT_LEN, 0, 0);
			if (!push_slots(&s, 1))
				sent++;
		} else {
			usleep_range(1000, 2000);
		}
		if (!(sent & 255))
			cond_resched();
	}
	pr_info(NH_PFX "blast: %llu packets sent, %llu answered\n", sent,
		answered);
	report("blast", sent ? 0 : -EIO, "nothing sent");
}

/* Wait for rx responses and validate them: ids posted, sizes in page. */
static void attack_rx_check(void)
{
	struct xpv_netif_rx_response rsp;
	unsigned int ms = 0, got = 0;
	u32 idx;

	for (;;) {
		int avail = xpv_netif_rx_front_responses(&nh.rx);

		if (avail < 0) {
			report("rx-check", -EPROTO, "the back end broke the rx ring");
			return;
		}
		if (avail > 0)
			break;
		if (ms >= NH_TIMEOUT_MS) {
			report("rx-check", -ETIMEDOUT, "no rx response");
			return;
		}
		msleep(20);
		ms += 20;
	}
	for (;;) {
		idx = nh.rx.r.rsp_cons;
		if (!xpv_netif_rx_front_get_response(&nh.rx, &rsp))
			break;
		got++;
		if (rsp.flags & XPV_NETRXF_EXTRA_INFO)
			continue;	/* none expected: UDP, no GSO */
		if (rsp.id != (idx & (NH_RX_PAGES - 1)) || rsp.status <= 0 ||
		    rsp.offset + rsp.status > XPV_NETIF_PAGE_SIZE) {
			pr_err(NH_PFX "rx-check: response %u: id %u offset %u status %d\n",
			       idx, rsp.id, rsp.offset, rsp.status);
			report("rx-check", -EINVAL, "malformed rx response");
			return;
		}
	}
	pr_info(NH_PFX "rx-check: %u responses\n", got);
	report("rx-check", 0, NULL);
}

static int nh_run(const char *cmd)
{
	if (!strcmp(cmd, "connect")) {
		nh_connect();
		return 0;
	}
	if (!nh.connected) {
		report(cmd, -ENOTCONN, "not connected");
		return 0;
	}
	if (!strcmp(cmd, "close"))
		nh_close();
	else if (!strcmp(cmd, "tx-prod-overflow"))
		attack_overflow(cmd, false);
	else if (!strcmp(cmd, "rx-prod-overflow"))
		attack_overflow(cmd, true);
	else if (!strcmp(cmd, "storm"))
		attack_storm();
	else if (!strcmp(cmd, "blast"))
		attack_blast();
	else if (!strcmp(cmd, "rx-post"))
		nh_rx_post(min(rx_reqs, NH_RX_PAGES), true);
	else if (!strcmp(cmd, "rx-check"))
		attack_rx_check();
	else
		attack_tx(cmd);
	return 0;
}

static DEFINE_MUTEX(nh_mutex);

static int nh_attack_set(const char *val, const struct kernel_param *kp)
{
	char buf[32];
	int failed;

	strscpy(buf, val, sizeof(buf));
	mutex_lock(&nh_mutex);
	nh.failed = 0;
	nh_run(strim(buf));
	failed = nh.failed;
	mutex_unlock(&nh_mutex);
	return failed ? -EIO : 0;
}

static const struct kernel_param_ops nh_attack_ops = {
	.set = nh_attack_set,
};
module_param_cb(attack, &nh_attack_ops, NULL, 0200);
MODULE_PARM_DESC(attack, "Write a command to run it (see the source); -EIO when a check failed");

static int __init nh_init(void)
{
	return 0;
}
module_init(nh_init);

static void __exit nh_exit(void)
{
	mutex_lock(&nh_mutex);
	if (nh.connected)
		nh_close();
	mutex_unlock(&nh_mutex);
}
module_exit(nh_exit);

MODULE_DESCRIPTION("xpv network back end test: a hostile front end in the same domain");
MODULE_LICENSE("GPL");
