// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: Xen's FIFO event-channel ABI, behind struct xpv_evtchn_ops.
 *
 * Each port has a 32-bit event word in the event array, pages the guest
 * gives Xen one at a time with EVTCHNOP_expand_array when it binds a port
 * beyond the array (every word of a new page starts MASKED).  Each vCPU has
 * a control block page, registered with EVTCHNOP_init_control before the
 * vCPU runs, holding its queue heads and READY bitmap.  The upcall consumes
 * the queues with the pure walk of events_fifo_queue.h, which never follows
 * a HEAD or LINK outside the array and serves at most XPV_FIFO_BUDGET
 * events per call.
 *
 * The event words are shared with Xen, which sets PENDING, LINKED, BUSY and
 * LINK while the guest sets and clears PENDING and MASKED: every change is
 * one locked instruction or a compare-and-exchange.
 */
#define pr_fmt(fmt) "xpv-evtchn: " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "events_internal.h"
#include "events_fifo_queue.h"

#define XPV_FIFO_WORDS_PER_PAGE	(PAGE_SIZE / sizeof(event_word_t))
#define XPV_FIFO_MAX_PAGES	(EVTCHN_FIFO_NR_CHANNELS / XPV_FIFO_WORDS_PER_PAGE)
/* Events one upcall serves before it lets the interrupted code run. */
#define XPV_FIFO_BUDGET		1024

/*
 * The array pages.  A slot, once filled, keeps its page for good (also when
 * Xen refused it), so any port below a count of pages read earlier still
 * addresses valid memory.
 */
static event_word_t *xpv_fifo_array[XPV_FIFO_MAX_PAGES];
static unsigned int xpv_fifo_pages;
static DEFINE_PER_CPU(struct evtchn_fifo_control_block *, xpv_fifo_cb);
static DEFINE_PER_CPU(struct xpv_fifo_queues, xpv_fifo_queues);

static unsigned int xpv_fifo_nr_ports(void)
{
	/* Pairs with xpv_fifo_expand(): the page pointer is set first. */
	return smp_load_acquire(&xpv_fifo_pages) * XPV_FIFO_WORDS_PER_PAGE;
}

/* @port must be below a value xpv_fifo_nr_ports() returned. */
static event_word_t *xpv_fifo_word_of(evtchn_port_t port)
{
	return xpv_fifo_array[xpv_fifo_port_page(port, XPV_FIFO_WORDS_PER_PAGE)] +
	       xpv_fifo_port_slot(port, XPV_FIFO_WORDS_PER_PAGE);
}

static event_word_t *xpv_fifo_word(evtchn_port_t port)
{
	if (port >= xpv_fifo_nr_ports())
		return NULL;
	return xpv_fifo_word_of(port);
}

/*
 * The sync_*_bit() operations work on an aligned unsigned long: address
 * the long of @port's page that holds its word, and the bit @nr of the
 * word within that long.  NULL for a port beyond the array.
 */
static unsigned long *xpv_fifo_long(evtchn_port_t port, unsigned int *nr)
{
	unsigned int page, slot, idx;

	if (port >= xpv_fifo_nr_ports())
		return NULL;
	page = xpv_fifo_port_page(port, XPV_FIFO_WORDS_PER_PAGE);
	slot = xpv_fifo_port_slot(port, XPV_FIFO_WORDS_PER_PAGE);
	*nr = xpv_fifo_long_bit(slot, *nr, sizeof(long) / sizeof(event_word_t),
				&idx);
	return (unsigned long *)xpv_fifo_array[page] + idx;
}

static void xpv_fifo_set_bit(evtchn_port_t port, unsigned int nr)
{
	unsigned long *addr = xpv_fifo_long(port, &nr);

	if (addr)
		sync_set_bit(nr, addr);
}

static void xpv_fifo_clear_bit(evtchn_port_t port, unsigned int nr)
{
	unsigned long *addr = xpv_fifo_long(port, &nr);

	if (addr)
		sync_clear_bit(nr, addr);
}

/* ---- ports ---- */

static int xpv_fifo_expand(void)
{
	struct evtchn_expand_array op;
	unsigned int n = xpv_fifo_pages, i;
	event_word_t *page;
	int rc;

	if (n >= XPV_FIFO_MAX_PAGES)
		return -ENOSPC;
	page = xpv_fifo_array[n];
	if (!page) {
		page = (event_word_t *)get_zeroed_page(GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		xpv_fifo_array[n] = page;
	}
	for (i = 0; i < XPV_FIFO_WORDS_PER_PAGE; i++)
		WRITE_ONCE(page[i], BIT(EVTCHN_FIFO_MASKED));

	/*
	 * Publish the page before Xen has it: Xen may queue a port of it as
	 * soon as it accepts the page (events pending while the page was
	 * missing), and the upcall must not take such a port for a bad link.
	 */
	smp_store_release(&xpv_fifo_pages, n + 1);
	op.array_gfn = PHYS_PFN(__pa(page));
	rc = xpv_event_channel_op(EVTCHNOP_expand_array, &op);
	if (rc) {
		/* The page stays in its slot, so late readers stay safe. */
		smp_store_release(&xpv_fifo_pages, n);
		pr_err("event array page %u refused (%d)\n", n, rc);
	}
	return rc;
}

/* Under the core's mutex. */
static int xpv_fifo_setup(evtchn_port_t port)
{
	int rc;

	if (port >= EVTCHN_FIFO_NR_CHANNELS)
		return -EINVAL;
	while (port >= xpv_fifo_pages * XPV_FIFO_WORDS_PER_PAGE) {
		rc = xpv_fifo_expand();
		if (rc)
			return rc;
	}
	return 0;
}

/* Each vCPU has its own queues: Xen links the port where it belongs. */
static void xpv_fifo_bind_to_cpu(evtchn_port_t port, unsigned int cpu)
{
}

static void xpv_fifo_unbind_from_cpu(evtchn_port_t port, unsigned int cpu)
{
}

static void xpv_fifo_set_pending(evtchn_port_t port)
{
	xpv_fifo_set_bit(port, EVTCHN_FIFO_PENDING);
}

static void xpv_fifo_clear_pending(evtchn_port_t port)
{
	xpv_fifo_clear_bit(port, EVTCHN_FIFO_PENDING);
}

static void xpv_fifo_mask(evtchn_port_t port)
{
	xpv_fifo_set_bit(port, EVTCHN_FIFO_MASKED);
}

static bool xpv_fifo_test_and_mask(evtchn_port_t port)
{
	unsigned int nr = EVTCHN_FIFO_MASKED;
	unsigned long *addr = xpv_fifo_long(port, &nr);

	if (!addr)
		return true;
	return sync_test_and_set_bit(nr, addr);
}

static unsigned int xpv_fifo_word_read(void *word)
{
	return READ_ONCE(*(event_word_t *)word);
}

static unsigned int xpv_fifo_word_cmpxchg(void *word, unsigned int old,
					  unsigned int new)
{
	return cmpxchg((event_word_t *)word, old, new);
}

static const struct xpv_fifo_word_ops xpv_fifo_word_ops = {
	.read		= xpv_fifo_word_read,
	.exchange	= xpv_fifo_word_cmpxchg,
};

static void xpv_fifo_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };
	event_word_t *word = xpv_fifo_word(port);

	if (!word)
		return;
	/*
	 * A pending port must be unmasked by Xen, which then queues it; a
	 * word Xen keeps BUSY is left to Xen too (events_fifo_queue.h).
	 */
	if (xpv_fifo_unmask_local(&xpv_fifo_word_ops, word,
				  XPV_FIFO_UNMASK_TRIES))
		xpv_event_channel_op(EVTCHNOP_unmask, &op);
}

/* ---- the upcall ---- */

static unsigned int xpv_fifo_take_ready(void *ctx)
{
	struct evtchn_fifo_control_block *cb = ctx;

	return xchg(&cb->ready, 0);
}

static unsigned int xpv_fifo_read_head(void *ctx, unsigned int prio)
{
	struct evtchn_fifo_control_block *cb = ctx;

	/* Xen writes HEAD before READY. */
	virt_rmb();
	return READ_ONCE(cb->head[prio]);
}

static unsigned int xpv_fifo_unlink(void *ctx, unsigned int port)
{
	atomic_t *word = (atomic_t *)xpv_fifo_word_of(port);

	return atomic_fetch_andnot(BIT(EVTCHN_FIFO_LINKED) |
				   EVTCHN_FIFO_LINK_MASK, word);
}

static void xpv_fifo_handle(void *ctx, unsigned int port)
{
	xpv_evtchn_handle_port(port);
}

static const struct xpv_fifo_ops xpv_fifo_walk_ops = {
	.take_ready	= xpv_fifo_take_ready,
	.read_head	= xpv_fifo_read_head,
	.unlink		= xpv_fifo_unlink,
	.handle		= xpv_fifo_handle,
};

static bool xpv_fifo_handle_events(unsigned int cpu)
{
	struct evtchn_fifo_control_block *cb = this_cpu_read(xpv_fifo_cb);
	struct xpv_fifo_queues *q = this_cpu_ptr(&xpv_fifo_queues);
	unsigned int bad = q->bad;
	int more;

	if (unlikely(!cb))
		return false;
	more = xpv_fifo_consume(q, &xpv_fifo_walk_ops, cb, xpv_fifo_nr_ports(),
				XPV_FIFO_BUDGET);
	if (unlikely(q->bad != bad))
		pr_warn_ratelimited("vCPU %u: ignored %u queue links outside the event array\n",
				    xpv_vcpu_id(cpu), q->bad - bad);
	return more;
}

/*
 * A port found queued for a vCPU that went offline: its IRQ moved to another
 * vCPU (EVTCHNOP_bind_vcpu), but Xen had linked the event here and does not
 * link a LINKED port again, so nothing would serve it.  Now unlinked, it is
 * queued again where it is bound: mask it, then unmask, which goes through
 * EVTCHNOP_unmask for a pending port, and Xen queues it.  A port that was
 * masked meanwhile stays masked; its unmask will go through Xen likewise.
 */
static void xpv_fifo_requeue(void *ctx, unsigned int port)
{
	if (!xpv_fifo_test_and_mask(port))
		xpv_fifo_unmask(port);
}

static const struct xpv_fifo_ops xpv_fifo_requeue_ops = {
	.take_ready	= xpv_fifo_take_ready,
	.read_head	= xpv_fifo_read_head,
	.unlink		= xpv_fifo_unlink,
	.handle		= xpv_fifo_requeue,
};

/* ---- per vCPU ---- */

static int xpv_fifo_init_cpu(unsigned int cpu)
{
	struct evtchn_init_control op = { .vcpu = xpv_vcpu_id(cpu) };
	struct evtchn_fifo_control_block *cb;
	int rc;

	/* Registered before (the CPU was offline): Xen keeps using it. */
	if (per_cpu(xpv_fifo_cb, cpu))
		return 0;

	cb = (struct evtchn_fifo_control_block *)get_zeroed_page(GFP_KERNEL);
	if (!cb)
		return -ENOMEM;
	memset(per_cpu_ptr(&xpv_fifo_queues, cpu), 0,
	       sizeof(struct xpv_fifo_queues));
	op.control_gfn = PHYS_PFN(__pa(cb));
	op.offset = 0;
	rc = xpv_event_channel_op(EVTCHNOP_init_control, &op);
	if (rc) {
		free_page((unsigned long)cb);
		return rc;
	}
	if (op.link_bits != EVTCHN_FIFO_LINK_BITS)
		pr_warn("Xen reports %u link bits, expected %u\n",
			op.link_bits, EVTCHN_FIFO_LINK_BITS);
	per_cpu(xpv_fifo_cb, cpu) = cb;
	return 0;
}

/*
 * CPU hotplug "dead" stage, on the CPU that took @cpu down: @cpu's IRQs have
 * moved away and its own VIRQs are closed, so only events queued before
 * are left on its queues, and nothing else walks them.  The control block
 * stays registered for when the CPU comes back.
 */
static void xpv_fifo_dead_cpu(unsigned int cpu)
{
	struct evtchn_fifo_control_block *cb = per_cpu(xpv_fifo_cb, cpu);
	struct xpv_fifo_queues *q = per_cpu_ptr(&xpv_fifo_queues, cpu);
	unsigned int rounds = 0;

	if (!cb)
		return;
	while (xpv_fifo_consume(q, &xpv_fifo_requeue_ops, cb,
				xpv_fifo_nr_ports(), XPV_FIFO_BUDGET)) {
		/* Xen keeps queueing for a dead vCPU: leave it, loudly. */
		if (++rounds == 16) {
			pr_warn("vCPU %u: events still queued after it went offline\n",
				xpv_vcpu_id(cpu));
			return;
		}
		cond_resched();
	}
}

/*
 * A new domain after a restore: Xen has no control block and no event
 * array.  The calling CPU (the only one online) registers its block again,
 * zeroed; the other CPUs' blocks are dropped so that their next bring-up
 * registers fresh ones.  Then every array page goes back, all words MASKED.
 * The pages already exist, so nothing is allocated (interrupts are off).
 */
static void xpv_fifo_resume(void)
{
	unsigned int this = smp_processor_id(), cpu, n, i;
	struct evtchn_fifo_control_block *cb;
	int rc;

	for_each_possible_cpu(cpu) {
		cb = per_cpu(xpv_fifo_cb, cpu);
		memset(per_cpu_ptr(&xpv_fifo_queues, cpu), 0,
		       sizeof(struct xpv_fifo_queues));
		if (!cb || cpu == this)
			continue;
		per_cpu(xpv_fifo_cb, cpu) = NULL;
		free_page((unsigned long)cb);
	}
	cb = per_cpu(xpv_fifo_cb, this);
	if (cb) {
		struct evtchn_init_control op = {
			.vcpu = xpv_vcpu_id(this),
			.control_gfn = PHYS_PFN(__pa(cb)),
		};

		memset(cb, 0, PAGE_SIZE);
		rc = xpv_event_channel_op(EVTCHNOP_init_control, &op);
		if (rc)
			pr_err("vCPU %u: control block refused after resume (%d): no events\n",
			       op.vcpu, rc);
	}
	n = xpv_fifo_pages;
	/* Re-published page by page by xpv_fifo_expand(), as at boot. */
	smp_store_release(&xpv_fifo_pages, 0);
	for (i = 0; i < n; i++) {
		rc = xpv_fifo_expand();
		if (rc)
			break;
	}
}

const struct xpv_evtchn_ops xpv_evtchn_ops_fifo = {
	.name			= "FIFO",
	.max_ports		= EVTCHN_FIFO_NR_CHANNELS,
	.setup			= xpv_fifo_setup,
	.bind_to_cpu		= xpv_fifo_bind_to_cpu,
	.unbind_from_cpu	= xpv_fifo_unbind_from_cpu,
	.set_pending		= xpv_fifo_set_pending,
	.clear_pending		= xpv_fifo_clear_pending,
	.mask			= xpv_fifo_mask,
	.test_and_mask		= xpv_fifo_test_and_mask,
	.unmask			= xpv_fifo_unmask,
	.handle_events		= xpv_fifo_handle_events,
	.init_cpu		= xpv_fifo_init_cpu,
	.dead_cpu		= xpv_fifo_dead_cpu,
	.resume			= xpv_fifo_resume,
};

/**
 * xpv_evtchn_fifo_init() - try the FIFO ABI on the boot vCPU
 *
 * Registers the boot vCPU's control block; once Xen accepts it, the domain
 * uses the FIFO ABI for good.  Then adds the first event-array page (ports
 * bound later add more).
 *
 * Return: 0 when the FIFO ABI is in use, else Xen's error (the caller falls
 * back to the 2-level ABI).
 */
int __init xpv_evtchn_fifo_init(void)
{
	int rc;

	/* events_fifo_queue.h spells the ABI without kernel headers. */
	BUILD_BUG_ON(XPV_FIFO_PENDING != EVTCHN_FIFO_PENDING);
	BUILD_BUG_ON(XPV_FIFO_MASKED != EVTCHN_FIFO_MASKED);
	BUILD_BUG_ON(XPV_FIFO_LINKED != EVTCHN_FIFO_LINKED);
	BUILD_BUG_ON(XPV_FIFO_BUSY != EVTCHN_FIFO_BUSY);
	BUILD_BUG_ON(XPV_FIFO_LINK_MASK != EVTCHN_FIFO_LINK_MASK);
	BUILD_BUG_ON(XPV_FIFO_NR_PORTS != EVTCHN_FIFO_NR_CHANNELS);
	BUILD_BUG_ON(XPV_FIFO_NR_QUEUES != EVTCHN_FIFO_MAX_QUEUES);
	BUILD_BUG_ON(sizeof(event_word_t) != sizeof(atomic_t));
	BUILD_BUG_ON(sizeof(long) % sizeof(event_word_t));
	BUILD_BUG_ON(sizeof(struct evtchn_fifo_control_block) > PAGE_SIZE);

	rc = xpv_fifo_init_cpu(smp_processor_id());
	if (rc)
		return rc;
	/* Too late to go back; ports bound later retry the expansion. */
	rc = xpv_fifo_expand();
	if (rc)
		pr_err("no event array yet (%d)\n", rc);
	return 0;
}
