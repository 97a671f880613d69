/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: what the event-channel core (events_base.c) shares with the two
 * ABIs behind it, 2-level (events_2l.c) and FIFO (events_fifo.c).  Not for
 * drivers: they use <xpv/events.h>.
 */
#ifndef _XPV_EVENTS_INTERNAL_H
#define _XPV_EVENTS_INTERNAL_H

#include <linux/init.h>
#include <linux/types.h>
#include <xen/interface/event_channel.h>

/**
 * struct xpv_evtchn_ops - one event-channel ABI
 * @name: for the boot log
 * @max_ports: ports this ABI can address
 * @setup: make @port usable before it is bound (FIFO: event array pages);
 *         process context, serialised by the core
 * @bind_to_cpu: @port is now delivered to @cpu
 * @unbind_from_cpu: @port is no longer delivered to @cpu
 * @set_pending: mark @port pending (for a retrigger)
 * @clear_pending: clear @port's pending state (acknowledge)
 * @mask: mask @port
 * @test_and_mask: mask @port; return whether it was masked already
 * @unmask: unmask @port; an event pending meanwhile is delivered
 * @handle_events: the upcall's loop, interrupts off, on @cpu itself;
 *                 serves each pending port through xpv_evtchn_handle_port()
 *                 and returns true when it stopped with events left over
 * @init_cpu: per-vCPU set-up before @cpu runs (may be NULL)
 * @dead_cpu: @cpu went offline and its ports moved to other vCPUs; send on
 *            what Xen had queued for it (may be NULL)
 * @resume: the domain was restored into a new one: every port masked, the
 *          per-vCPU state registered again for the calling (only online)
 *          CPU and forgotten for the others; interrupts off, no allocation
 *
 * Except @setup, @init_cpu, @dead_cpu and @handle_events, any context.
 */
struct xpv_evtchn_ops {
	const char *name;
	unsigned int max_ports;
	int (*setup)(evtchn_port_t port);
	void (*bind_to_cpu)(evtchn_port_t port, unsigned int cpu);
	void (*unbind_from_cpu)(evtchn_port_t port, unsigned int cpu);
	void (*set_pending)(evtchn_port_t port);
	void (*clear_pending)(evtchn_port_t port);
	void (*mask)(evtchn_port_t port);
	bool (*test_and_mask)(evtchn_port_t port);
	void (*unmask)(evtchn_port_t port);
	bool (*handle_events)(unsigned int cpu);
	int (*init_cpu)(unsigned int cpu);
	void (*dead_cpu)(unsigned int cpu);
	void (*resume)(void);
};

/* events_base.c: run the handler of a port an ABI found pending. */
void xpv_evtchn_handle_port(evtchn_port_t port);

/* events_2l.c: always available. */
extern const struct xpv_evtchn_ops xpv_evtchn_ops_2l;
void __init xpv_evtchn_2l_init(void);

/* events_fifo.c: 0 when Xen accepted the boot vCPU's control block. */
extern const struct xpv_evtchn_ops xpv_evtchn_ops_fifo;
int __init xpv_evtchn_fifo_init(void);

#endif /* _XPV_EVENTS_INTERNAL_H */
