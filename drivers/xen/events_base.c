// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: event channels as Linux interrupts, over either of Xen's two
 * event-channel ABIs.
 *
 * This file is the generic part: binding ports to Linux IRQs, the irq_chips,
 * late EOI, affinity and the upcall entry.  What depends on the ABI (where
 * the pending and mask state lives, how the upcall finds pending ports, how
 * many ports there are and what each vCPU needs) sits behind
 * struct xpv_evtchn_ops, with a 2-level (events_2l.c) and a FIFO
 * (events_fifo.c) implementation.  FIFO is used when Xen accepts the boot
 * vCPU's control block, 2-level otherwise or with "xpv.evtchn=2l".
 *
 * Each bound port gets its own Linux IRQ (irq_alloc_desc) with one of three
 * flows:
 *  - "edge":    handle_edge_irq; the pending bit is cleared before the
 *               handler runs, so an event arriving meanwhile runs it again;
 *  - "lateeoi": the port is masked and its pending bit cleared before the
 *               handler runs, and stays masked until xpv_evtchn_lateeoi();
 *               repeated spurious events push the unmask further out;
 *  - "percpu":  per-vCPU VIRQs (the timer), handle_percpu_irq.
 */
#define pr_fmt(fmt) "xpv-evtchn: " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "events_internal.h"

/* Spurious events tolerated before unmasking is delayed. */
#define XPV_SPURIOUS_FREE	2
#define XPV_SPURIOUS_MAX_DELAY	(HZ / 10)

/* The port -> IRQ table, in rows allocated when a port in them is bound. */
#define XPV_PORT_ROW		(PAGE_SIZE / sizeof(int))
#define XPV_PORT_ROWS		(EVTCHN_FIFO_NR_CHANNELS / XPV_PORT_ROW)

enum xpv_evtchn_flow {
	XPV_FLOW_EDGE,
	XPV_FLOW_LATEEOI,
	XPV_FLOW_PERCPU,
};

/*
 * One bound port.  @port is 0 (never a valid port) once a restore in a new
 * domain closed it behind our back, until its owner rebinds or unbinds it.
 * @virq: the VIRQ it carries (then bound again by xpv_evtchn_resume()),
 * or -1.
 */
struct xpv_evtchn {
	evtchn_port_t port;
	int irq;
	int virq;
	unsigned int cpu;
	enum xpv_evtchn_flow flow;
	unsigned int spurious;
	struct delayed_work eoi_work;
	struct list_head list;
};

static const struct xpv_evtchn_ops *xpv_evtchn_ops __ro_after_init =
	&xpv_evtchn_ops_2l;
static int *xpv_port_irq[XPV_PORT_ROWS];
static DEFINE_MUTEX(xpv_evtchn_mutex);
/* Every bound port (under xpv_evtchn_mutex), for xpv_evtchn_resume(). */
static LIST_HEAD(xpv_evtchn_list);

/* Force an ABI: "xpv.evtchn=2l" or "xpv.evtchn=fifo" (the default). */
static bool xpv_evtchn_force_2l __initdata;

static int __init xpv_evtchn_parse_abi(char *arg)
{
	if (arg && !strcmp(arg, "2l"))
		xpv_evtchn_force_2l = true;
	else if (!arg || strcmp(arg, "fifo"))
		pr_warn("xpv.evtchn=%s not understood (2l or fifo)\n",
			arg ? arg : "");
	return 0;
}
early_param("xpv.evtchn", xpv_evtchn_parse_abi);

/* ==================== the dispatcher ==================== */

/* Port 0 is never valid: it marks a port a restore closed (see resume). */
static inline void xpv_port_mask(evtchn_port_t port)
{
	if (port)
		xpv_evtchn_ops->mask(port);
}

static inline bool xpv_port_test_and_mask(evtchn_port_t port)
{
	return port ? xpv_evtchn_ops->test_and_mask(port) : true;
}

static inline void xpv_port_unmask(evtchn_port_t port)
{
	if (port)
		xpv_evtchn_ops->unmask(port);
}

static inline void xpv_port_clear(evtchn_port_t port)
{
	if (port)
		xpv_evtchn_ops->clear_pending(port);
}

static inline void xpv_port_set(evtchn_port_t port)
{
	if (port)
		xpv_evtchn_ops->set_pending(port);
}

static bool xpv_port_valid(evtchn_port_t port)
{
	return port > 0 && port < xpv_evtchn_ops->max_ports;
}

/* ==================== port -> IRQ ==================== */

static int xpv_port_to_irq(evtchn_port_t port)
{
	int *row;

	if (!xpv_port_valid(port))
		return -1;
	/* Pairs with xpv_port_irq_row(): the row is filled first. */
	row = smp_load_acquire(&xpv_port_irq[port / XPV_PORT_ROW]);
	return row ? READ_ONCE(row[port % XPV_PORT_ROW]) : -1;
}

/* Under xpv_evtchn_mutex; @port is valid. */
static int xpv_port_irq_row(evtchn_port_t port)
{
	unsigned int i, r = port / XPV_PORT_ROW;
	int *row;

	if (xpv_port_irq[r])
		return 0;
	row = kmalloc_array(XPV_PORT_ROW, sizeof(*row), GFP_KERNEL);
	if (!row)
		return -ENOMEM;
	for (i = 0; i < XPV_PORT_ROW; i++)
		row[i] = -1;
	/* The upcall reads rows without the mutex: publish it filled. */
	smp_store_release(&xpv_port_irq[r], row);
	return 0;
}

/* Under xpv_evtchn_mutex, after xpv_port_irq_row(). */
static void xpv_set_port_irq(evtchn_port_t port, int irq)
{
	WRITE_ONCE(xpv_port_irq[port / XPV_PORT_ROW][port % XPV_PORT_ROW], irq);
}

/* ==================== the upcall ==================== */

/**
 * xpv_evtchn_handle_port() - run the handler of a pending port
 * @port: a port the ABI's upcall loop found pending on this vCPU
 *
 * A port no IRQ claims is masked and cleared so it does not fire again.
 * Interrupts off.
 */
void xpv_evtchn_handle_port(evtchn_port_t port)
{
	int irq, rc = -1;

	/*
	 * The upcall runs with interrupts off, an RCU read-side section:
	 * xpv_evtchn_unbind() unpublishes the port's IRQ and waits for a
	 * grace period before it frees the IRQ, so the IRQ found here stays
	 * valid (and its chip data set) until generic_handle_irq() returns.
	 */
	rcu_read_lock();
	irq = xpv_port_to_irq(port);
	if (irq > 0)
		rc = generic_handle_irq(irq);
	rcu_read_unlock();
	if (!rc)
		return;
	/* Not (or no longer) ours: keep it from firing again. */
	xpv_port_mask(port);
	xpv_port_clear(port);
}

static void xpv_evtchn_upcall_work(struct irq_work *work)
{
	xpv_evtchn_do_upcall();
}

/* Goes on serving events an upcall left over, from a self-interrupt. */
static DEFINE_PER_CPU(struct irq_work, xpv_upcall_work) =
	IRQ_WORK_INIT_HARD(xpv_evtchn_upcall_work);

/**
 * xpv_evtchn_do_upcall() - serve the events pending for this vCPU
 *
 * Called by the callback vector handler with interrupts off.  When the ABI
 * stops with events left over (its bound on one upcall), the rest is served
 * from an irq_work right after this interrupt returns.
 */
void xpv_evtchn_do_upcall(void)
{
	struct vcpu_info *vi = this_cpu_read(xpv_vcpu_info);
	unsigned int cpu = smp_processor_id();
	bool more;

	do {
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		/* Clear the flag before looking at the pending state. */
		smp_mb();
		more = xpv_evtchn_ops->handle_events(cpu);
	} while (!more && READ_ONCE(vi->evtchn_upcall_pending));

	if (more)
		irq_work_queue(this_cpu_ptr(&xpv_upcall_work));
}

/* ==================== irq_chip ==================== */

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
	bool masked = xpv_port_test_and_mask(e->port);

	xpv_port_set(e->port);
	if (!masked)
		xpv_port_unmask(e->port);
	return 1;
}

static void xpv_bind_to_cpu(struct xpv_evtchn *e, unsigned int cpu)
{
	xpv_evtchn_ops->unbind_from_cpu(e->port, e->cpu);
	e->cpu = cpu;
	xpv_evtchn_ops->bind_to_cpu(e->port, cpu);
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

	masked = xpv_port_test_and_mask(e->port);
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

/* ==================== binding ==================== */

static void xpv_eoi_work(struct work_struct *work)
{
	struct xpv_evtchn *e = container_of(to_delayed_work(work),
					    struct xpv_evtchn, eoi_work);

	if (!irqd_irq_disabled(irq_get_irq_data(e->irq)))
		xpv_port_unmask(e->port);
}

static int xpv_bind_port(evtchn_port_t port, enum xpv_evtchn_flow flow,
			 int virq, unsigned int cpu, irq_handler_t handler,
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
	e->virq = virq;
	e->cpu = cpu;
	INIT_DELAYED_WORK(&e->eoi_work, xpv_eoi_work);

	mutex_lock(&xpv_evtchn_mutex);
	if (xpv_port_to_irq(port) > 0) {
		rc = -EBUSY;
		goto out_unlock;
	}
	rc = xpv_port_irq_row(port);
	if (rc)
		goto out_unlock;
	rc = xpv_evtchn_ops->setup(port);
	if (rc)
		goto out_unlock;
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
	xpv_evtchn_ops->bind_to_cpu(port, cpu);
	xpv_set_port_irq(port, irq);
	list_add_tail(&e->list, &xpv_evtchn_list);
	mutex_unlock(&xpv_evtchn_mutex);

	/* request_irq() unmasks the port through irq_startup/irq_unmask. */
	rc = request_irq(irq, handler, irqflags, name, dev_id);
	if (rc)
		goto out_unbind;
	return irq;

out_unbind:
	mutex_lock(&xpv_evtchn_mutex);
	list_del(&e->list);
	xpv_port_mask(port);
	xpv_evtchn_ops->unbind_from_cpu(port, cpu);
	xpv_set_port_irq(port, -1);
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
	return xpv_bind_port(port, XPV_FLOW_EDGE, -1, 0, handler, irqflags,
			     name, dev_id);
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
	return xpv_bind_port(port, XPV_FLOW_LATEEOI, -1, 0, handler, irqflags,
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
	irq = xpv_bind_port(op.port, XPV_FLOW_PERCPU, virq, cpu, handler,
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
	/*
	 * Unpublish first: an upcall on another vCPU may have looked the
	 * IRQ up just before. Once a grace period has passed, no upcall
	 * still holds it (they run with interrupts off: RCU readers), and
	 * free_irq() then waits for a handler already running.
	 */
	mutex_lock(&xpv_evtchn_mutex);
	if (e->port) {
		xpv_port_mask(e->port);
		xpv_set_port_irq(e->port, -1);
	}
	mutex_unlock(&xpv_evtchn_mutex);
	synchronize_rcu();
	free_irq(irq, dev_id);
	cancel_delayed_work_sync(&e->eoi_work);

	mutex_lock(&xpv_evtchn_mutex);
	list_del(&e->list);
	if (e->port) {
		xpv_evtchn_ops->unbind_from_cpu(e->port, e->cpu);
		xpv_port_clear(e->port);
	}
	irq_set_chip_data(irq, NULL);
	irq_free_desc(irq);
	mutex_unlock(&xpv_evtchn_mutex);

	/* A port a restore closed is not ours to close (0 after resume). */
	if (e->port)
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

/* ==================== suspend and resume ==================== */

/*
 * Give bound port @e the new port @port (under xpv_evtchn_mutex): set it up
 * in the ABI, deliver it to e->cpu, publish it, and unmask it unless the
 * IRQ is disabled.
 */
static int xpv_evtchn_attach(struct xpv_evtchn *e, evtchn_port_t port)
{
	int rc;

	if (!xpv_port_valid(port))
		return -EINVAL;
	rc = xpv_port_irq_row(port);
	if (!rc)
		rc = xpv_evtchn_ops->setup(port);
	if (rc)
		return rc;
	if (e->cpu && e->flow != XPV_FLOW_PERCPU) {
		struct evtchn_bind_vcpu op = {
			.port = port, .vcpu = xpv_vcpu_id(e->cpu),
		};

		/* A new port goes to vCPU 0: follow the IRQ's affinity. */
		if (xpv_event_channel_op(EVTCHNOP_bind_vcpu, &op))
			e->cpu = 0;
	}
	xpv_port_mask(port);
	xpv_port_clear(port);
	e->port = port;
	xpv_evtchn_ops->bind_to_cpu(port, e->cpu);
	xpv_set_port_irq(port, e->irq);
	if (!irqd_irq_disabled(irq_get_irq_data(e->irq)))
		xpv_port_unmask(port);
	return 0;
}

/**
 * xpv_evtchn_rebind() - put an existing IRQ on another local port
 * @irq: a Linux IRQ from xpv_evtchn_bind() or xpv_evtchn_bind_lateeoi()
 * @port: the new local port (e.g. an HVM parameter read after a restore)
 *
 * For the owners of ports a restore closed (xenstore, console): the IRQ,
 * its handler and its statistics stay; only the port behind it changes.
 * The old port, if still valid, is forgotten, not closed.  Process context.
 *
 * Return: 0 or a negative errno (the IRQ then has no port).
 */
int xpv_evtchn_rebind(int irq, evtchn_port_t port)
{
	struct xpv_evtchn *e = xpv_info_of_irq(irq);
	int rc;

	if (!e)
		return -EINVAL;
	mutex_lock(&xpv_evtchn_mutex);
	if (e->port) {
		xpv_port_mask(e->port);
		xpv_evtchn_ops->unbind_from_cpu(e->port, e->cpu);
		xpv_set_port_irq(e->port, -1);
		e->port = 0;
	}
	rc = xpv_evtchn_attach(e, port);
	mutex_unlock(&xpv_evtchn_mutex);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_rebind);

/**
 * xpv_evtchn_resume_abi() - ABI state of a domain restored from a save
 * @cancelled: the suspend was cancelled (same domain, nothing to redo)
 *
 * Called on the boot CPU with interrupts off, right after the suspend
 * hypercall returned, with every other CPU offline.  In a new domain every
 * port is gone and Xen knows nothing of our 2-level masks or FIFO control
 * blocks: the ABI masks everything and registers its per-vCPU state again.
 * Allocates nothing.
 */
void xpv_evtchn_resume_abi(bool cancelled)
{
	unsigned int r, i;

	if (cancelled)
		return;
	/*
	 * No upcall may take a new port for the old one of the same number:
	 * the table is emptied before events can come in again.
	 */
	for (r = 0; r < XPV_PORT_ROWS; r++) {
		if (!xpv_port_irq[r])
			continue;
		for (i = 0; i < XPV_PORT_ROW; i++)
			WRITE_ONCE(xpv_port_irq[r][i], -1);
	}
	if (xpv_evtchn_ops->resume)
		xpv_evtchn_ops->resume();
}

/**
 * xpv_evtchn_resume() - bind what a restore closed, after the ABI is back
 *
 * The port table is empty (xpv_evtchn_resume_abi()); VIRQs of online CPUs
 * are bound again (same IRQ, new port); every other port becomes 0 (dead)
 * until its owner calls xpv_evtchn_rebind() or xpv_evtchn_unbind().  Process context, on
 * the boot CPU with the other CPUs offline, interrupts on.
 */
void xpv_evtchn_resume(void)
{
	struct xpv_evtchn *e;

	mutex_lock(&xpv_evtchn_mutex);
	list_for_each_entry(e, &xpv_evtchn_list, list) {
		struct evtchn_bind_virq op = { .virq = e->virq };
		int rc;

		e->port = 0;
		if (e->virq < 0 || !cpu_online(e->cpu))
			continue;
		op.vcpu = xpv_vcpu_id(e->cpu);
		rc = xpv_event_channel_op(EVTCHNOP_bind_virq, &op);
		if (!rc) {
			rc = xpv_evtchn_attach(e, op.port);
			if (rc)
				xpv_evtchn_close(op.port);
		}
		if (rc)
			pr_err("VIRQ %d of CPU %u not bound again after resume: %d\n",
			       e->virq, e->cpu, rc);
	}
	mutex_unlock(&xpv_evtchn_mutex);
}

/* ==================== choosing the ABI ==================== */

/**
 * xpv_evtchn_prepare_cpu() - per-vCPU event set-up before a CPU runs
 * @cpu: the Linux CPU about to be brought up
 *
 * FIFO: registers the vCPU's control block, without which Xen drops the
 * vCPU's events.  Called from the CPU hotplug "prepare" stage, on the CPU
 * doing the bring-up, after the vCPU's vcpu_info is registered.
 *
 * Return: 0 or a negative errno (the CPU must not come up).
 */
int xpv_evtchn_prepare_cpu(unsigned int cpu)
{
	if (!xpv_evtchn_ops->init_cpu)
		return 0;
	return xpv_evtchn_ops->init_cpu(cpu);
}

/**
 * xpv_evtchn_dead_cpu() - hand on the events left to a vCPU that went offline
 * @cpu: the Linux CPU that went offline
 *
 * FIFO: events Xen had queued for the vCPU before its ports moved to other
 * vCPUs are queued again where their ports are bound now.  Called from the
 * CPU hotplug "dead" stage, on the CPU that took @cpu down, after @cpu's
 * own VIRQs were unbound.  Process context.
 */
void xpv_evtchn_dead_cpu(unsigned int cpu)
{
	if (xpv_evtchn_ops->dead_cpu)
		xpv_evtchn_ops->dead_cpu(cpu);
}

/**
 * xpv_evtchn_init() - choose the event-channel ABI for the boot vCPU
 *
 * FIFO when Xen accepts the boot vCPU's control block (and "xpv.evtchn=2l"
 * is not given), 2-level otherwise; every port starts masked.  Called once,
 * from init_IRQ(), before the upcall is enabled.
 *
 * Return: 0.
 */
int __init xpv_evtchn_init(void)
{
	int rc = 0;

	BUILD_BUG_ON(XPV_PORT_ROWS * XPV_PORT_ROW < EVTCHN_FIFO_NR_CHANNELS);
	if (!xpv_evtchn_force_2l) {
		rc = xpv_evtchn_fifo_init();
		if (!rc) {
			xpv_evtchn_ops = &xpv_evtchn_ops_fifo;
			pr_notice("using the %s ABI, up to %u ports\n",
				  xpv_evtchn_ops->name, xpv_evtchn_ops->max_ports);
			return 0;
		}
	}
	xpv_evtchn_2l_init();
	xpv_evtchn_ops = &xpv_evtchn_ops_2l;
	if (rc)
		pr_notice("using the %s ABI, %u ports (Xen refused FIFO: %d)\n",
			  xpv_evtchn_ops->name, xpv_evtchn_ops->max_ports, rc);
	else
		pr_notice("using the %s ABI, %u ports (xpv.evtchn=2l)\n",
			  xpv_evtchn_ops->name, xpv_evtchn_ops->max_ports);
	return 0;
}
