// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: event channels over the kernel's Xen events.
 */
#include <linux/module.h>
#include <linux/xarray.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>
#include <xpv/events.h>

/*
 * The kernel does not export its irq -> port lookup; remember the port of
 * every irq bound through us (VIRQ ports are not known: they read as 0).
 */
static DEFINE_XARRAY(xpv_compat_ports);

static int track(int irq, evtchn_port_t port)
{
	if (irq >= 0)
		xa_store(&xpv_compat_ports, irq, xa_mk_value(port), GFP_KERNEL);
	return irq;
}

int xpv_evtchn_bind(evtchn_port_t port, irq_handler_t handler,
		    unsigned long irqflags, const char *name, void *dev_id)
{
	return track(bind_evtchn_to_irqhandler(port, handler, irqflags, name,
					       dev_id), port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind);

int xpv_evtchn_bind_lateeoi(evtchn_port_t port, irq_handler_t handler,
			    unsigned long irqflags, const char *name,
			    void *dev_id)
{
	return track(bind_evtchn_to_irqhandler_lateeoi(port, handler, irqflags,
						       name, dev_id), port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_lateeoi);

/*
 * The kernel's own interdomain bind wants a xenbus device; bind the port
 * with the hypercall and hand the local port to the plain lateeoi bind,
 * which closes it again on unbind.
 */
int xpv_evtchn_bind_interdomain_lateeoi(domid_t otherend,
					evtchn_port_t remote_port,
					irq_handler_t handler,
					unsigned long irqflags,
					const char *name, void *dev_id)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = otherend,
		.remote_port = remote_port,
	};
	int err, irq;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (err)
		return err;
	irq = bind_evtchn_to_irqhandler_lateeoi(bind.local_port, handler,
						irqflags, name, dev_id);
	if (irq < 0)
		xpv_evtchn_close(bind.local_port);
	return track(irq, bind.local_port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_interdomain_lateeoi);

int xpv_evtchn_bind_virq(unsigned int virq, unsigned int cpu,
			 irq_handler_t handler, unsigned long irqflags,
			 const char *name, void *dev_id)
{
	return bind_virq_to_irqhandler(virq, cpu, handler, irqflags, name,
				       dev_id);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_bind_virq);

void xpv_evtchn_unbind(int irq, void *dev_id)
{
	xa_erase(&xpv_compat_ports, irq);
	unbind_from_irqhandler(irq, dev_id);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_unbind);

evtchn_port_t xpv_evtchn_from_irq(int irq)
{
	void *entry = xa_load(&xpv_compat_ports, irq);

	return entry ? xa_to_value(entry) : 0;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_from_irq);

void xpv_evtchn_notify(evtchn_port_t port)
{
	notify_remote_via_evtchn(port);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_notify);

void xpv_evtchn_notify_irq(int irq)
{
	notify_remote_via_irq(irq);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_notify_irq);

void xpv_evtchn_lateeoi(int irq, unsigned int eoi_flags)
{
	xen_irq_lateeoi(irq, (eoi_flags & XPV_EOI_SPURIOUS) ?
			XEN_EOI_FLAG_SPURIOUS : 0);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_lateeoi);

int xpv_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = {
		.dom = DOMID_SELF,
		.remote_dom = remote_dom,
	};
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (!err)
		*port = op.port;
	return err;
}
EXPORT_SYMBOL_GPL(xpv_evtchn_alloc_unbound);

int xpv_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}
EXPORT_SYMBOL_GPL(xpv_evtchn_close);
