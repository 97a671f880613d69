// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: event channels over Xen's 2-level ABI, as Linux interrupts.
 *
 * Each bound port gets its own Linux IRQ (irq_alloc_desc) with one of three
 * flows:
 *  - "edge":    handle_edge_irq; the pending bit is cleared before the
 *               handler runs, so an event arriving meanwhile runs it again;
 *  - "lateeoi": the port is masked and its pending bit cleared before the
 *               handler runs, and stays masked until xpv_evtchn_lateeoi();
 *               repeated spurious events push the unmask further out;
 *  - "percpu":  per-vCPU VIRQs (the timer), handle_percpu_irq.
 *
 * The upcall (from the callback vector, interrupts off) runs the pure scan
 * of events_2l_scan.h over the ports bound to this vCPU.
 */
#define pr_fmt(fmt) "xpv-evtchn: " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "events_2l_scan.h"

/* Spurious events tolerated before unmasking is delayed. */
#define XPV_SPURIOUS_FREE	2
#define XPV_SPURIOUS_MAX_DELAY	(HZ / 10)

enum xpv_evtchn_flow {
	XPV_FLOW_EDGE,
	XPV_FLOW_LATEEOI,
	XPV_FLOW_PERCPU,
};

struct xpv_evtchn {
	evtchn_port_t port;
	int irq;
	unsigned int cpu;
	enum xpv_evtchn_flow flow;
	unsigned int spurious;
	struct delayed_work eoi_work;
};

static int xpv_port_irq[XPV_2L_NR_PORTS];
/* Ports delivered to each vCPU: the scan of that vCPU serves only these. */
static DEFINE_PER_CPU(unsigned long [XPV_2L_BITS], xpv_cpu_ports);
static DEFINE_PER_CPU(struct xpv_2l_cursor, xpv_cursor);
static DEFINE_MUTEX(xpv_evtchn_mutex);

static inline unsigned long *xpv_pending(void)
{
	return (unsigned long *)xpv_shared_info->evtchn_pending;
}

static inline unsigned long *xpv_mask(void)
{
	return (unsigned long *)xpv_shared_info->evtchn_mask;
}

static bool xpv_port_valid(evtchn_port_t port)
{
	return port > 0 && port < XPV_2L_NR_PORTS;
}

static void xpv_port_mask(evtchn_port_t port)
{
	sync_set_bit(port, xpv_mask());
}

static void xpv_port_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	/*
	 * A pending port must be unmasked by Xen, which then flags it in the
	 * selector of its vCPU and raises the upcall; doing it here would
	 * lose the event.  Otherwise unmask locally and recheck.
	 */
	if (!sync_test_bit(port, xpv_pending())) {
		sync_clear_bit(port, xpv_mask());
		if (!sync_test_bit(port, xpv_pending()))
			return;
		sync_set_bit(port, xpv_mask());
	}
	xpv_event_channel_op(EVTCHNOP_unmask, &op);
}

static void xpv_port_clear(evtchn_port_t port)
{
	sync_clear_bit(port, xpv_pending());
}

/* ---- the upcall ---- */

static unsigned long xpv_scan_take_sel(void *ctx)
{
	struct vcpu_info *vi = ctx;

	return xchg(&vi->evtchn_pending_sel, 0);
}

static unsigned long xpv_scan_active(void *ctx, unsigned int word)
{
	return READ_ONCE(xpv_pending()[word]) & ~READ_ONCE(xpv_mask()[word]) &
	       this_cpu_read(xpv_cpu_ports[word]);
}

static void xpv_scan_handle(void *ctx, unsigned int port)
{
	int irq = READ_ONCE(xpv_port_irq[port]);

	if (irq > 0 && !generic_handle_irq(irq))
		return;
	/* Not (or no longer) ours: keep it from firing again. */
	xpv_port_mask(port);
	xpv_port_clear(port);
}

static const struct xpv_2l_ops xpv_scan_ops = {
	.take_sel	= xpv_scan_take_sel,
	.active		= xpv_scan_active,
	.handle		= xpv_scan_handle,
};

/**
 * xpv_evtchn_do_upcall() - serve the events pending for this vCPU
 *
 * Called by the callback vector handler with interrupts off.
 */
void xpv_evtchn_do_upcall(void)
{
	struct vcpu_info *vi = this_cpu_read(xpv_vcpu_info);

	do {
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		/* Clear the flag before looking at the selector. */
		smp_mb();
		xpv_2l_scan(this_cpu_ptr(&xpv_cursor), &xpv_scan_ops, vi);
	} while (READ_ONCE(vi->evtchn_upcall_pending));
}

/* ---- irq_chip ---- */

static struct xpv_evtchn *xpv_info(struct irq_data *d)
{
	return irq_data_get_irq_chip_data(d);
}

static void xpv_irq_mask(struct irq_data *d)
{
	xpv_port_mask(xpv_info(d)->port);
}

static void xpv_irq_unmask(struct irq_data *d)
{
	xpv_port_unmask(xpv_info(d)->port);
}

static void xpv_irq_ack(struct irq_data *d)
{
	xpv_port_clear(xpv_info(d)->port);
}

static void xpv_irq_mask_ack(struct irq_data *d)
{
	struct xpv_evtchn *e = xpv_info(d);

	xpv_port_mask(e->port);
	xpv_port_clear(e->port);
}

static int xpv_irq_retrigger(struct irq_data *d)
{
	struct xpv_evtchn *e = xpv_info(d);
	bool masked = sync_test_and_set_bit(e->port, xpv_mask());

	sync_set_bit(e->port, xpv_pending());
	if (!masked)
		xpv_port_unmask(e->port);
	return 1;
}

static void xpv_bind_to_cpu(struct xpv_evtchn *e, unsigned int cpu)
{
	clear_bit(e->port, per_cpu(xpv_cpu_ports, e->cpu));
	e->cpu = cpu;
	set_bit(e->port, per_cpu(xpv_cpu_ports, cpu));
}

static int xpv_irq_set_affinity(struct irq_data *d, const struct cpumask *dest,
				bool force)
{
	struct xpv_evtchn *e = xpv_info(d);
	unsigned int cpu = cpumask_first_and(dest, cpu_online_mask);
	struct evtchn_bind_vcpu op = { .port = e->port };
	bool masked;
	int rc;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	op.vcpu = xpv_vcpu_id(cpu);

	masked = sync_test_and_set_bit(e->port, xpv_mask());
	rc = xpv_event_channel_op(EVTCHNOP_bind_vcpu, &op);
	if (!rc) {
		xpv_bind_to_cpu(e, cpu);
		irq_data_update_effective_affinity(d, cpumask_of(cpu));
	}
	if (!masked)
		xpv_port_unmask(e->port);
	return rc ? -EINVAL : IRQ_SET_MASK_OK_DONE;
}

static struct irq_chip xpv_edge_chip = {
	.name			= "xpv-evtchn",
	.irq_startup		= NULL,
	.irq_mask		= xpv_irq_mask,
	.irq_unmask		= xpv_irq_unmask,
	.irq_ack		= xpv_irq_ack,
	.irq_mask_ack		= xpv_irq_mask_ack,
	.irq_retrigger		= xpv_irq_retrigger,
	.irq_set_affinity	= xpv_irq_set_affinity,
};

/* Late EOI: acknowledging also masks; xpv_evtchn_lateeoi() unmasks. */
static struct irq_chip xpv_lateeoi_chip = {
	.name			= "xpv-evtchn-lateeoi",
	.irq_mask		= xpv_irq_mask,
	.irq_unmask		= xpv_irq_unmask,
	.irq_ack		= xpv_irq_mask_ack,
	.irq_mask_ack		= xpv_irq_mask_ack,
	.irq_retrigger		= xpv_irq_retrigger,
	.irq_set_affinity	= xpv_irq_set_affinity,
};

static struct irq_chip xpv_percpu_chip = {
	.name			= "xpv-percpu",
	.irq_mask		= xpv_irq_mask,
	.irq_unmask		= xpv_irq_unmask,
	.irq_ack		= xpv_irq_ack,
	.irq_retrigger		= xpv_irq_retrigger,
};

/* ---- binding ---- */

static void xpv_eoi_work(struct work_struct *work)
{
	struct xpv_evtchn *e = container_of(to_delayed_work(work),
					    struct xpv_evtchn, eoi_work);

	if (!irqd_irq_disabled(irq_get_irq_data(e->irq)))
		xpv_port_unmask(e->port);
}

static int xpv_bind_port(evtchn_port_t port, enum xpv_evtchn_flow flow,
			 unsigned int cpu, irq_handler_t handler,
			 unsigned long irqflags, const char *name, void *dev_id)
{
	struct xpv_evtchn *e;
	int irq, rc;

	if (!xpv_domain())
		return -ENODEV;
	if (!xpv_port_valid(port))
		return -EINVAL;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->port = port;
	e->flow = flow;
	e->cpu = cpu;
	INIT_DELAYED_WORK(&e->eoi_work, xpv_eoi_work);

	mutex_lock(&xpv_evtchn_mutex);
	if (xpv_port_irq[port] > 0) {
		rc = -EBUSY;
		goto out_unlock;
	}
	irq = irq_alloc_desc_from(NR_IRQS_LEGACY, NUMA_NO_NODE);
	if (irq < 0) {
		rc = irq;
		goto out_unlock;
	}
	e->irq = irq;
	switch (flow) {
	case XPV_FLOW_EDGE:
		irq_set_chip_and_handler_name(irq, &xpv_edge_chip,
					      handle_edge_irq, "edge");
		break;
	case XPV_FLOW_LATEEOI:
		irq_set_chip_and_handler_name(irq, &xpv_lateeoi_chip,
					      handle_edge_irq, "lateeoi");
		break;
	case XPV_FLOW_PERCPU:
		irq_set_chip_and_handler_name(irq, &xpv_percpu_chip,
					      handle_percpu_irq, "percpu");
		irq_set_status_flags(irq, IRQ_NO_BALANCING);
		break;
	}
	irq_set_chip_data(irq, e);
	/* Rebinding is a hypercall: no need to defer it to the next event. */
	if (flow != XPV_FLOW_PERCPU)
		irq_set_status_flags(irq, IRQ_MOVE_PCNTXT);
	irq_data_update_effective_affinity(irq_get_irq_data(irq),
					   cpumask_of(cpu));

	xpv_port_mask(port);
	xpv_port_clear(port);
	set_bit(port, per_cpu(xpv_cpu_ports, cpu));
	WRITE_ONCE(xpv_port_irq[port], irq);
	mutex_unlock(&xpv_evtchn_mutex);

	/* request_irq() unmasks the port through irq_startup/irq_unmask. */
	rc = request_irq(irq, handler, irqflags, name, dev_id);
	if (rc)
		goto out_unbind;
	return irq;

out_unbind:
	mutex_lock(&xpv_evtchn_mutex);
	xpv_port_mask(port);
	clear_bit(port, per_cpu(xpv_cpu_ports, cpu));
	WRITE_ONCE(xpv_port_irq[port], -1);
	irq_set_chip_data(irq, NULL);
	irq_free_desc(irq);
out_unlock:
	mutex_unlock(&xpv_evtchn_mutex);
	kfree(e);
	return rc;
}

/**
 * xpv_evtchn_bind() - bind an existing local port to a new Linux IRQ
 * @port: local event-channel port (e.g. from an HVM param)
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @name: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for xpv_evtchn_unbind()
 *
 * The port is delivered to vCPU 0 until its affinity is changed.  Process
 * context.
 *
 * Return: the Linux IRQ or a negative errno.
 */
int xpv_evtchn_bind(evtchn_port_t port, irq_handler_t handler,
		    unsigned long irqflags, const char *name, void *dev_id)
{
	return xpv_bind_port(port, XPV_FLOW_EDGE, 0, handler, irqflags, name,
			     dev_id);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind);

/**
 * xpv_evtchn_bind_lateeoi() - like xpv_evtchn_bind(), with late EOI
 * @port: local event-channel port
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @name: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for xpv_evtchn_unbind()
 *
 * After each event the port stays masked until the caller calls
 * xpv_evtchn_lateeoi().  Process context.
 *
 * Return: the Linux IRQ or a negative errno.
 */
int xpv_evtchn_bind_lateeoi(evtchn_port_t port, irq_handler_t handler,
			    unsigned long irqflags, const char *name,
			    void *dev_id)
{
	return xpv_bind_port(port, XPV_FLOW_LATEEOI, 0, handler, irqflags,
			     name, dev_id);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_lateeoi);

/**
 * xpv_evtchn_bind_interdomain_lateeoi() - connect to a remote port
 * @otherend: the remote domain
 * @remote_port: its unbound port allocated for us
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @name: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for xpv_evtchn_unbind()
 *
 * Process context.  Late EOI as for xpv_evtchn_bind_lateeoi().
 *
 * Return: the Linux IRQ or a negative errno.
 */
int xpv_evtchn_bind_interdomain_lateeoi(domid_t otherend,
					evtchn_port_t remote_port,
					irq_handler_t handler,
					unsigned long irqflags,
					const char *name, void *dev_id)
{
	struct evtchn_bind_interdomain op = {
		.remote_dom = otherend,
		.remote_port = remote_port,
	};
	int rc, irq;

	if (!xpv_domain())
		return -ENODEV;
	rc = xpv_event_channel_op(EVTCHNOP_bind_interdomain, &op);
	if (rc)
		return rc;
	irq = xpv_evtchn_bind_lateeoi(op.local_port, handler, irqflags, name,
				      dev_id);
	if (irq < 0)
		xpv_evtchn_close(op.local_port);
	return irq;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_interdomain_lateeoi);

/**
 * xpv_evtchn_bind_virq() - bind a virtual IRQ of one vCPU
 * @virq: VIRQ_* number
 * @cpu: Linux CPU whose vCPU receives it (need not be online yet)
 * @handler: interrupt handler
 * @irqflags: request_irq() flags (IRQF_PERCPU is added)
 * @name: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for xpv_evtchn_unbind()
 *
 * Process context.
 *
 * Return: the Linux IRQ or a negative errno.
 */
int xpv_evtchn_bind_virq(unsigned int virq, unsigned int cpu,
			 irq_handler_t handler, unsigned long irqflags,
			 const char *name, void *dev_id)
{
	struct evtchn_bind_virq op = { .virq = virq };
	int rc, irq;

	if (!xpv_domain())
		return -ENODEV;
	op.vcpu = xpv_vcpu_id(cpu);
	rc = xpv_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (rc)
		return rc;
	irq = xpv_bind_port(op.port, XPV_FLOW_PERCPU, cpu, handler,
			    irqflags | IRQF_PERCPU, name, dev_id);
	if (irq < 0)
		xpv_evtchn_close(op.port);
	return irq;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_virq);

static struct xpv_evtchn *xpv_info_of_irq(int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	if (!d)
		return NULL;
	if (d->chip != &xpv_edge_chip && d->chip != &xpv_lateeoi_chip &&
	    d->chip != &xpv_percpu_chip)
		return NULL;
	return irq_data_get_irq_chip_data(d);
}

/**
 * xpv_evtchn_unbind() - free an IRQ from the xpv_evtchn_bind*() family
 * @irq: the Linux IRQ
 * @dev_id: the cookie given at bind time
 *
 * Frees the IRQ, waits for a running handler, and closes the port.
 * Process context.
 */
void xpv_evtchn_unbind(int irq, void *dev_id)
{
	struct xpv_evtchn *e = xpv_info_of_irq(irq);

	if (WARN_ON(!e))
		return;
	xpv_port_mask(e->port);
	free_irq(irq, dev_id);
	cancel_delayed_work_sync(&e->eoi_work);

	mutex_lock(&xpv_evtchn_mutex);
	clear_bit(e->port, per_cpu(xpv_cpu_ports, e->cpu));
	WRITE_ONCE(xpv_port_irq[e->port], -1);
	xpv_port_clear(e->port);
	irq_set_chip_data(irq, NULL);
	irq_free_desc(irq);
	mutex_unlock(&xpv_evtchn_mutex);

	xpv_evtchn_close(e->port);
	kfree(e);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_unbind);

/**
 * xpv_evtchn_from_irq() - the port behind an IRQ
 * @irq: a Linux IRQ from the xpv_evtchn_bind*() family
 *
 * Return: the port, or 0 (never a valid port) for any other IRQ.
 */
evtchn_port_t xpv_evtchn_from_irq(int irq)
{
	struct xpv_evtchn *e = xpv_info_of_irq(irq);

	return e ? e->port : 0;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_from_irq);

/**
 * xpv_evtchn_notify() - signal the other end of a port (EVTCHNOP_send)
 * @port: local port
 *
 * Any context.
 */
void xpv_evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	xpv_event_channel_op(EVTCHNOP_send, &op);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_notify);

/**
 * xpv_evtchn_notify_irq() - signal the other end of a bound IRQ's port
 * @irq: a Linux IRQ from the xpv_evtchn_bind*() family
 *
 * Any context.
 */
void xpv_evtchn_notify_irq(int irq)
{
	evtchn_port_t port = xpv_evtchn_from_irq(irq);

	if (port)
		xpv_evtchn_notify(port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_notify_irq);

/**
 * xpv_evtchn_lateeoi() - end of handling for a late-EOI IRQ
 * @irq: a Linux IRQ from a *_lateeoi bind
 * @eoi_flags: XPV_EOI_SPURIOUS when the event found no work
 *
 * Unmasks the port: at once normally, after a growing delay (up to 100 ms)
 * when the last events were all spurious.  Any context.
 */
void xpv_evtchn_lateeoi(int irq, unsigned int eoi_flags)
{
	struct xpv_evtchn *e = xpv_info_of_irq(irq);
	unsigned long delay;

	if (WARN_ON_ONCE(!e || e->flow != XPV_FLOW_LATEEOI))
		return;
	if (!(eoi_flags & XPV_EOI_SPURIOUS)) {
		e->spurious = 0;
	} else if (++e->spurious > XPV_SPURIOUS_FREE) {
		delay = 1UL << min(e->spurious - XPV_SPURIOUS_FREE, 10U);
		delay = min_t(unsigned long, delay, XPV_SPURIOUS_MAX_DELAY);
		mod_delayed_work(system_wq, &e->eoi_work, delay);
		return;
	}
	if (!irqd_irq_disabled(irq_get_irq_data(irq)))
		xpv_port_unmask(e->port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_lateeoi);

/**
 * xpv_evtchn_alloc_unbound() - allocate a port for a remote domain
 * @remote_dom: the domain allowed to bind to it
 * @port: the new local port
 *
 * Return: 0 or a negative Xen error code.
 */
int xpv_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = {
		.dom = DOMID_SELF,
		.remote_dom = remote_dom,
	};
	int rc;

	if (!xpv_domain())
		return -ENODEV;
	rc = xpv_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (!rc)
		*port = op.port;
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_alloc_unbound);

/**
 * xpv_evtchn_close() - close a local port (EVTCHNOP_close)
 * @port: the port; must not be bound to an IRQ any more
 *
 * Return: 0 or a negative Xen error code.
 */
int xpv_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	if (!xpv_domain())
		return -ENODEV;
	return xpv_event_channel_op(EVTCHNOP_close, &op);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_close);

/**
 * xpv_evtchn_init() - mask every port; called once before the upcall works
 *
 * Return: 0.
 */
int __init xpv_evtchn_init(void)
{
	unsigned int i, cpu;

	for (i = 0; i < XPV_2L_BITS; i++)
		WRITE_ONCE(xpv_mask()[i], ~0UL);
	for (i = 0; i < XPV_2L_NR_PORTS; i++)
		xpv_port_irq[i] = -1;
	for_each_possible_cpu(cpu)
		xpv_2l_cursor_init(per_cpu_ptr(&xpv_cursor, cpu));
	pr_info("2-level ABI, %u ports\n", XPV_2L_NR_PORTS);
	return 0;
}
