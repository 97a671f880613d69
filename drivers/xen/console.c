// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: the Xen PV console as hvc0.
 *
 * The console ring page and its event channel come from HVM params
 * (HVM_PARAM_CONSOLE_PFN/_EVTCHN); no xenstore is needed, so hvc0 prints
 * kernel messages from console_init() on.  xenconsoled in dom0 drains the
 * "out" ring and fills the "in" ring.
 *
 * The backend is not trusted: indexes are read once and a producer/consumer
 * distance larger than the ring marks the ring broken (output is dropped,
 * input ignored) instead of reading or writing outside it.
 */
#define pr_fmt(fmt) "xpv-console: " fmt

#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/timex.h>
#include <asm/tsc.h>
#include <xen/interface/xen.h>
#include <xen/interface/io/console.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/sched.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "../tty/hvc/hvc_console.h"
#include "xenbus_internal.h"

#define XPV_CONS_VTERMNO	0x78707630	/* "xpv0" */
/* How long a write waits for xenconsoled to make room before dropping. */
#define XPV_CONS_WAIT_MS	2000

static struct xencons_interface *xpv_cons_ring;
static evtchn_port_t xpv_cons_port;
static int xpv_cons_irq = -1;
static bool xpv_cons_broken;
static struct hvc_struct *xpv_cons_hvc;

static void xpv_cons_notify(void)
{
	xpv_evtchn_notify(xpv_cons_port);
}

static void xpv_cons_break(const char *what, u32 cons, u32 prod)
{
	if (!xpv_cons_broken)
		pr_err("backend broke the %s ring (cons %u prod %u): console disabled\n",
		       what, cons, prod);
	xpv_cons_broken = true;
}

/* Copy what fits into the out ring; returns bytes taken or -EIO. */
static int xpv_cons_write_some(const char *buf, int len)
{
	struct xencons_interface *r = xpv_cons_ring;
	u32 cons, prod, room;
	int sent = 0;

	cons = READ_ONCE(r->out_cons);
	prod = r->out_prod;
	/* Read the consumer index before reusing the space it freed. */
	mb();
	if (prod - cons > sizeof(r->out)) {
		xpv_cons_break("output", cons, prod);
		return -EIO;
	}
	room = sizeof(r->out) - (prod - cons);
	while (sent < len && room--)
		r->out[MASK_XENCONS_IDX(prod++, r->out)] = buf[sent++];
	/* Data before the index. */
	wmb();
	WRITE_ONCE(r->out_prod, prod);
	return sent;
}

static int xpv_cons_put_chars(u32 vtermno, const char *buf, int len)
{
	u64 deadline = 0;
	int done = 0, n;

	if (!xpv_cons_ring || xpv_cons_broken)
		return len;	/* nowhere to go: drop */

	while (done < len) {
		n = xpv_cons_write_some(buf + done, len - done);
		if (n < 0)
			return len;
		if (n) {
			xpv_cons_notify();
			done += n;
			continue;
		}
		/* Ring full: give xenconsoled time, but never hang for it. */
		if (!deadline)
			deadline = rdtsc() + (u64)(tsc_khz ?: 1000000) *
					     XPV_CONS_WAIT_MS;
		else if (rdtsc() > deadline)
			return len;
		xpv_sched_op(SCHEDOP_yield, NULL);
	}
	return done;
}

static int xpv_cons_get_chars(u32 vtermno, char *buf, int len)
{
	struct xencons_interface *r = xpv_cons_ring;
	u32 cons, prod;
	int got = 0;

	if (!r || xpv_cons_broken)
		return 0;
	cons = r->in_cons;
	prod = READ_ONCE(r->in_prod);
	/* Index before data. */
	rmb();
	if (prod - cons > sizeof(r->in)) {
		xpv_cons_break("input", cons, prod);
		return 0;
	}
	while (cons != prod && got < len)
		buf[got++] = r->in[MASK_XENCONS_IDX(cons++, r->in)];
	/* Data read before the slots are handed back. */
	mb();
	WRITE_ONCE(r->in_cons, cons);
	if (got)
		xpv_cons_notify();
	return got;
}

static int xpv_cons_notifier_add(struct hvc_struct *hp, int irq)
{
	/* Our event-channel IRQ kicks khvcd: no polling needed. */
	hp->irq_requested = 1;
	return 0;
}

static void xpv_cons_notifier_del(struct hvc_struct *hp, int irq)
{
	hp->irq_requested = 0;
}

static const struct hv_ops xpv_cons_ops = {
	.get_chars	= xpv_cons_get_chars,
	.put_chars	= xpv_cons_put_chars,
	.notifier_add	= xpv_cons_notifier_add,
	.notifier_del	= xpv_cons_notifier_del,
	.notifier_hangup = xpv_cons_notifier_del,
};

/*
 * Late EOI (XSA-391): an event that moved neither the input producer nor
 * the output consumer since the last one did no work; a back end that
 * sends only such events gets its port unmasked later and later.
 */
static irqreturn_t xpv_cons_interrupt(int irq, void *dev_id)
{
	static u32 last_in_prod, last_out_cons;
	struct xencons_interface *r = xpv_cons_ring;
	unsigned int eoi = XPV_EOI_SPURIOUS;
	u32 in_prod, out_cons;

	if (r) {
		in_prod = READ_ONCE(r->in_prod);
		out_cons = READ_ONCE(r->out_cons);
		if (in_prod != last_in_prod || out_cons != last_out_cons)
			eoi = 0;
		last_in_prod = in_prod;
		last_out_cons = out_cons;
	}
	hvc_kick();
	xpv_evtchn_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

static int xpv_cons_map(void)
{
	u64 pfn, port;
	int rc;

	if (xpv_cons_ring)
		return 0;
	rc = xpv_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
	if (rc || !pfn)
		return rc ?: -ENODEV;
	rc = xpv_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port);
	if (rc || !port || port > U32_MAX)
		return rc ?: -ENODEV;
	xpv_cons_ring = memremap(PFN_PHYS(pfn), PAGE_SIZE, MEMREMAP_WB);
	if (!xpv_cons_ring)
		return -ENOMEM;
	xpv_cons_port = port;
	return 0;
}

/* Early: printk through hvc0 as soon as consoles are set up. */
static int __init xpv_cons_console_init(void)
{
	if (!xpv_domain() || xpv_cons_map())
		return 0;
	hvc_instantiate(XPV_CONS_VTERMNO, 0, &xpv_cons_ops);
	return 0;
}
console_initcall(xpv_cons_console_init);

/* Later: the tty, with the event channel as its interrupt. */
static int __init xpv_cons_init(void)
{
	struct hvc_struct *hp;
	int irq, rc;

	if (!xpv_domain())
		return 0;
	rc = xpv_cons_map();
	if (rc) {
		pr_info("no PV console (%d)\n", rc);
		return 0;
	}
	irq = xpv_evtchn_bind_lateeoi(xpv_cons_port, xpv_cons_interrupt, 0,
				      "hvc_console", NULL);
	if (irq < 0) {
		pr_err("cannot bind event channel %u (%d)\n", xpv_cons_port,
		       irq);
		return irq;
	}
	hp = hvc_alloc(XPV_CONS_VTERMNO, irq, &xpv_cons_ops, 256);
	if (IS_ERR(hp)) {
		xpv_evtchn_unbind(irq, NULL);
		return PTR_ERR(hp);
	}
	xpv_cons_hvc = hp;
	xpv_cons_irq = irq;
	pr_info("hvc0 on event channel %u (irq %d)\n", xpv_cons_port, irq);
	return 0;
}
device_initcall(xpv_cons_init);

/**
 * xpv_cons_resume() - the console's event channel after a restore
 *
 * The ring stays on the same page (HVM_PARAM_CONSOLE_PFN); the restored
 * domain has a new port for it, which the same IRQ now serves.
 */
void xpv_cons_resume(void)
{
	u64 port;
	int rc;

	if (!xpv_cons_ring)
		return;
	rc = xpv_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port);
	if (rc || !port || port > U32_MAX) {
		pr_err("no console event channel after resume (%d)\n", rc);
		return;
	}
	WRITE_ONCE(xpv_cons_port, port);
	if (xpv_cons_irq > 0) {
		rc = xpv_evtchn_rebind(xpv_cons_irq, port);
		if (rc)
			pr_err("console event channel %llu not bound: %d\n",
			       port, rc);
	}
	/* Output written while the port was stale: tell xenconsoled. */
	xpv_evtchn_notify(port);
}
