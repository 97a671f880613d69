// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: Xen's 2-level event-channel ABI, behind struct xpv_evtchn_ops.
 *
 * The pending and mask bits of all 4096 ports are bitmaps in shared_info;
 * each vCPU's evtchn_pending_sel says which words may hold work.  Since the
 * bitmaps are global, a per-CPU bitmap records which ports are delivered to
 * which vCPU, and each vCPU's upcall serves only its own ports, in the
 * order of the pure scan in events_2l_scan.h.
 */
#define pr_fmt(fmt) "xpv-evtchn: " fmt

#include <linux/init.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "events_internal.h"
#include "events_2l_scan.h"

/* Ports delivered to each vCPU: the scan of that vCPU serves only these. */
static DEFINE_PER_CPU(unsigned long [XPV_2L_BITS], xpv_2l_cpu_ports);
static DEFINE_PER_CPU(struct xpv_2l_cursor, xpv_2l_cursor);

static inline unsigned long *xpv_2l_pending(void)
{
	return (unsigned long *)xpv_shared_info->evtchn_pending;
}

static inline unsigned long *xpv_2l_mask_bits(void)
{
	return (unsigned long *)xpv_shared_info->evtchn_mask;
}

static int xpv_2l_setup(evtchn_port_t port)
{
	return 0;
}

static void xpv_2l_bind_to_cpu(evtchn_port_t port, unsigned int cpu)
{
	set_bit(port, per_cpu(xpv_2l_cpu_ports, cpu));
}

static void xpv_2l_unbind_from_cpu(evtchn_port_t port, unsigned int cpu)
{
	clear_bit(port, per_cpu(xpv_2l_cpu_ports, cpu));
}

static void xpv_2l_set_pending(evtchn_port_t port)
{
	sync_set_bit(port, xpv_2l_pending());
}

static void xpv_2l_clear_pending(evtchn_port_t port)
{
	sync_clear_bit(port, xpv_2l_pending());
}

static void xpv_2l_mask(evtchn_port_t port)
{
	sync_set_bit(port, xpv_2l_mask_bits());
}

static bool xpv_2l_test_and_mask(evtchn_port_t port)
{
	return sync_test_and_set_bit(port, xpv_2l_mask_bits());
}

static void xpv_2l_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	/*
	 * A pending port must be unmasked by Xen, which then flags it in the
	 * selector of its vCPU and raises the upcall; doing it here would
	 * lose the event.  Otherwise unmask locally and recheck.
	 */
	if (!sync_test_bit(port, xpv_2l_pending())) {
		sync_clear_bit(port, xpv_2l_mask_bits());
		if (!sync_test_bit(port, xpv_2l_pending()))
			return;
		sync_set_bit(port, xpv_2l_mask_bits());
	}
	xpv_event_channel_op(EVTCHNOP_unmask, &op);
}

/* ---- the upcall ---- */

static unsigned long xpv_2l_take_sel(void *ctx)
{
	struct vcpu_info *vi = ctx;

	return xchg(&vi->evtchn_pending_sel, 0);
}

static unsigned long xpv_2l_active(void *ctx, unsigned int word)
{
	return READ_ONCE(xpv_2l_pending()[word]) &
	       ~READ_ONCE(xpv_2l_mask_bits()[word]) &
	       this_cpu_read(xpv_2l_cpu_ports[word]);
}

static void xpv_2l_handle(void *ctx, unsigned int port)
{
	xpv_evtchn_handle_port(port);
}

static const struct xpv_2l_ops xpv_2l_scan_ops = {
	.take_sel	= xpv_2l_take_sel,
	.active		= xpv_2l_active,
	.handle		= xpv_2l_handle,
};

static bool xpv_2l_handle_events(unsigned int cpu)
{
	xpv_2l_scan(this_cpu_ptr(&xpv_2l_cursor), &xpv_2l_scan_ops,
		    this_cpu_read(xpv_vcpu_info));
	return false;
}

/*
 * A new domain after a restore: its shared_info is a fresh page with every
 * port unmasked, and no port of ours exists any more.
 */
static void xpv_2l_resume(void)
{
	unsigned int i, cpu;

	for (i = 0; i < XPV_2L_BITS; i++)
		WRITE_ONCE(xpv_2l_mask_bits()[i], ~0UL);
	for_each_possible_cpu(cpu) {
		memset(per_cpu(xpv_2l_cpu_ports, cpu), 0,
		       sizeof(per_cpu(xpv_2l_cpu_ports, cpu)));
		xpv_2l_cursor_init(per_cpu_ptr(&xpv_2l_cursor, cpu));
	}
}

const struct xpv_evtchn_ops xpv_evtchn_ops_2l = {
	.name			= "2-level",
	.max_ports		= XPV_2L_NR_PORTS,
	.setup			= xpv_2l_setup,
	.bind_to_cpu		= xpv_2l_bind_to_cpu,
	.unbind_from_cpu	= xpv_2l_unbind_from_cpu,
	.set_pending		= xpv_2l_set_pending,
	.clear_pending		= xpv_2l_clear_pending,
	.mask			= xpv_2l_mask,
	.test_and_mask		= xpv_2l_test_and_mask,
	.unmask			= xpv_2l_unmask,
	.handle_events		= xpv_2l_handle_events,
	.resume			= xpv_2l_resume,
};

/**
 * xpv_evtchn_2l_init() - start the 2-level ABI: every port masked
 */
void __init xpv_evtchn_2l_init(void)
{
	unsigned int i, cpu;

	BUILD_BUG_ON(XPV_2L_NR_PORTS != EVTCHN_2L_NR_CHANNELS);
	for (i = 0; i < XPV_2L_BITS; i++)
		WRITE_ONCE(xpv_2l_mask_bits()[i], ~0UL);
	for_each_possible_cpu(cpu)
		xpv_2l_cursor_init(per_cpu_ptr(&xpv_2l_cursor, cpu));
}
