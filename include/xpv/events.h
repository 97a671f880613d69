/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: event channels as Linux interrupts (FIFO or 2-level ABI, chosen at
 * boot).
 *
 * Every bound port becomes a Linux IRQ with its own handler.  Ports bound
 * with a *_lateeoi variant stay masked after their handler ran until the
 * caller calls xpv_evtchn_lateeoi(); that is how drivers throttle a peer that
 * floods them with events (XPV_EOI_SPURIOUS marks an event that found no
 * work, and repeated spurious events delay the unmask).
 */
#ifndef _XPV_EVENTS_H
#define _XPV_EVENTS_H

#include <linux/interrupt.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

/* eoi_flags for xpv_evtchn_lateeoi() */
#define XPV_EOI_SPURIOUS	0x1

int xpv_evtchn_bind(evtchn_port_t port, irq_handler_t handler,
		    unsigned long irqflags, const char *name, void *dev_id);
int xpv_evtchn_bind_lateeoi(evtchn_port_t port, irq_handler_t handler,
			    unsigned long irqflags, const char *name,
			    void *dev_id);
int xpv_evtchn_bind_interdomain_lateeoi(domid_t otherend,
					evtchn_port_t remote_port,
					irq_handler_t handler,
					unsigned long irqflags,
					const char *name, void *dev_id);
int xpv_evtchn_bind_virq(unsigned int virq, unsigned int cpu,
			 irq_handler_t handler, unsigned long irqflags,
			 const char *name, void *dev_id);
void xpv_evtchn_unbind(int irq, void *dev_id);
evtchn_port_t xpv_evtchn_from_irq(int irq);
void xpv_evtchn_notify(evtchn_port_t port);
void xpv_evtchn_notify_irq(int irq);
void xpv_evtchn_lateeoi(int irq, unsigned int eoi_flags);
int xpv_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port);
int xpv_evtchn_close(evtchn_port_t port);
int xpv_evtchn_rebind(int irq, evtchn_port_t port);

/* For the xpv core (arch/x86/xpv) only. */
int xpv_evtchn_init(void);
int xpv_evtchn_prepare_cpu(unsigned int cpu);
void xpv_evtchn_dead_cpu(unsigned int cpu);
void xpv_evtchn_do_upcall(void);
void xpv_evtchn_resume_abi(bool cancelled);
void xpv_evtchn_resume(void);

#endif /* _XPV_EVENTS_H */
