/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: how a vCPU consumes its FIFO event queues.
 *
 * Pure C, no includes: the kernel (events_fifo.c) and the user-space test
 * (selftests/xen-events/) compile this very file.
 *
 * Xen's FIFO ABI: every port has a 32-bit event word in the event array
 * (pages the guest hands over with EVTCHNOP_expand_array) holding PENDING,
 * MASKED, LINKED, BUSY and a LINK field.  Each vCPU has a control block
 * with one queue per priority (0 highest ... 15 lowest): HEAD[prio] and a
 * READY bitmap.  When Xen raises an unmasked port that is not LINKED, it
 * sets LINKED and appends the port to the queue of the port's vCPU and
 * priority: if the queue's tail is still LINKED, Xen writes the port into
 * the tail's LINK field; otherwise the queue was empty and Xen writes HEAD,
 * then sets the priority's READY bit and raises the upcall.  So Xen only
 * raises READY for a queue the guest has emptied.
 *
 * The guest walks each queue from HEAD along the LINK fields, clearing
 * LINKED and LINK of each word atomically (which also tells it the next
 * port); a zero LINK ends the queue.  It remembers its position per queue
 * (the local head), so HEAD is read only when a queue was empty.
 *
 * Masking is the guest's: it sets MASKED at will, but clears it itself only
 * as xpv_fifo_unmask_local() says; everything else goes through
 * EVTCHNOP_unmask.
 *
 * The event array and the control block are written by Xen while the guest
 * reads them, so nothing read from them is trusted:
 *  - a HEAD or LINK value outside the event array is never followed: the
 *    queue is treated as ended there and the value is counted in @bad;
 *  - READY bits above the last queue are ignored;
 *  - every walk is bounded: each call serves at most @budget events and
 *    then returns, remembering where it stopped.  (A static LINK cycle ends
 *    by itself, since each word's LINK is cleared as it is passed, but a
 *    peer that keeps re-linking could otherwise hold the vCPU forever.)
 */
#ifndef _XPV_EVENTS_FIFO_QUEUE_H
#define _XPV_EVENTS_FIFO_QUEUE_H

/* Event word bits and queues, as in Xen's public event_channel.h. */
#define XPV_FIFO_PENDING	31
#define XPV_FIFO_MASKED		30
#define XPV_FIFO_LINKED		29
#define XPV_FIFO_BUSY		28
#define XPV_FIFO_LINK_BITS	17
#define XPV_FIFO_LINK_MASK	((1U << XPV_FIFO_LINK_BITS) - 1)
#define XPV_FIFO_NR_PORTS	(XPV_FIFO_LINK_MASK + 1)
#define XPV_FIFO_NR_QUEUES	16
#define XPV_FIFO_QUEUE_BITS	((1U << XPV_FIFO_NR_QUEUES) - 1)

/* Local unmask attempts while Xen holds a word BUSY, then the hypercall. */
#define XPV_FIFO_UNMASK_TRIES	4

/*
 * Where a port's event word lives: the array is a list of pages, each
 * holding @words_per_page words, port N being word N of the whole list.
 */
static inline unsigned int xpv_fifo_port_page(unsigned int port,
					      unsigned int words_per_page)
{
	return port / words_per_page;
}

static inline unsigned int xpv_fifo_port_slot(unsigned int port,
					      unsigned int words_per_page)
{
	return port % words_per_page;
}

/**
 * xpv_fifo_long_bit() - a word's bit seen through the page as longs
 * @slot: the word's index in its (long-aligned) page
 * @nr: the bit in the word
 * @words_per_long: event words in one long (2 on 64-bit, 1 on 32-bit)
 * @idx: set to the index of the long in the page that holds the word
 *
 * Bit operations that take an aligned long (the kernel's sync_*_bit())
 * address the word this way; little-endian, so the word at the higher
 * address is the upper half of the long.
 *
 * Return: the bit in that long.
 */
static inline unsigned int xpv_fifo_long_bit(unsigned int slot,
					     unsigned int nr,
					     unsigned int words_per_long,
					     unsigned int *idx)
{
	*idx = slot / words_per_long;
	return nr + 32 * (slot % words_per_long);
}

/**
 * struct xpv_fifo_word_ops - atomic access to one event word
 * @read: the word's value
 * @exchange: compare-and-exchange: store @new if the word holds @old;
 *            return the value found
 */
struct xpv_fifo_word_ops {
	unsigned int (*read)(void *word);
	unsigned int (*exchange)(void *word, unsigned int old, unsigned int new);
};

/**
 * xpv_fifo_unmask_local() - clear MASKED where the guest may do it itself
 * @ops: atomic access to the word
 * @word: passed to @ops
 * @tries: compare-and-exchange attempts before giving up
 *
 * The guest may clear MASKED only while the event is not PENDING (a
 * pending event must be queued, which only Xen does: EVTCHNOP_unmask) and
 * while Xen does not hold the word BUSY (Xen sets BUSY on a queue's tail
 * while it links another event onto it, so that the guest's unmasking
 * cannot keep Xen's own exchange on that word failing).  The exchange
 * expects BUSY clear, so it fails while Xen holds BUSY, and it fails too
 * when Xen raises PENDING under it: the loop then looks again.  Xen sets
 * PENDING before it tests MASKED, so an event raised after the exchange
 * sees the port unmasked and is queued by Xen itself.
 *
 * Return: 0 when the word is unmasked (already, or now by the guest), 1
 * when the caller must unmask through Xen: the event is pending, or the
 * word stayed BUSY (or kept changing) for @tries attempts.
 */
static inline int xpv_fifo_unmask_local(const struct xpv_fifo_word_ops *ops,
					void *word, unsigned int tries)
{
	unsigned int old = ops->read(word), want, seen;

	while (tries--) {
		if (!(old & (1U << XPV_FIFO_MASKED)))
			return 0;
		if (old & (1U << XPV_FIFO_PENDING))
			return 1;
		want = old & ~(1U << XPV_FIFO_BUSY);
		seen = ops->exchange(word, want, want & ~(1U << XPV_FIFO_MASKED));
		if (seen == want)
			return 0;
		old = seen;
	}
	return 1;
}

/**
 * struct xpv_fifo_queues - one vCPU's position in its queues
 * @head: per priority, the next port to consume; 0: read HEAD from the
 *        control block (the queue was empty when last looked at)
 * @ready: priorities that still hold events this vCPU has not consumed
 *         (non-zero only when a call stopped on its budget)
 * @bad: HEAD or LINK values outside the event array seen so far
 *
 * Start zeroed.
 */
struct xpv_fifo_queues {
	unsigned int head[XPV_FIFO_NR_QUEUES];
	unsigned int ready;
	unsigned int bad;
};

/**
 * struct xpv_fifo_ops - what the walk needs from its environment
 * @take_ready: atomically read and clear the control block's READY word
 * @read_head: the control block's HEAD of a queue (read after READY)
 * @unlink: atomically clear LINKED and LINK in @port's event word and
 *          return the word as it was; @port is below the walk's @nr_ports
 * @handle: serve @port, found PENDING and not MASKED when it was unlinked
 */
struct xpv_fifo_ops {
	unsigned int (*take_ready)(void *ctx);
	unsigned int (*read_head)(void *ctx, unsigned int prio);
	unsigned int (*unlink)(void *ctx, unsigned int port);
	void (*handle)(void *ctx, unsigned int port);
};

/* A port the walk may touch: not 0 (never a port), inside the array. */
static inline int xpv_fifo_port_ok(unsigned int port, unsigned int nr_ports)
{
	return port != 0 && port < nr_ports;
}

/**
 * xpv_fifo_consume_one() - consume the event at the head of one queue
 * @q: this vCPU's queue positions
 * @ops: environment
 * @ctx: passed to @ops
 * @prio: the queue, which READY said holds events
 * @nr_ports: event words in the array; nothing at or above is touched
 *
 * Return: 1 when the queue may hold more events, 0 when it ended.
 */
static inline int xpv_fifo_consume_one(struct xpv_fifo_queues *q,
				       const struct xpv_fifo_ops *ops,
				       void *ctx, unsigned int prio,
				       unsigned int nr_ports)
{
	unsigned int port, word, link;

	port = q->head[prio];
	if (!port)
		port = ops->read_head(ctx, prio);
	/*
	 * The one check of every port the walk touches, whether it came from
	 * HEAD or from the LINK of the previous event.
	 */
	if (!xpv_fifo_port_ok(port, nr_ports)) {
		/* Empty (0), or a HEAD or LINK outside the array: the end. */
		if (port)
			q->bad++;
		q->head[prio] = 0;
		return 0;
	}

	word = ops->unlink(ctx, port);
	link = word & XPV_FIFO_LINK_MASK;
	q->head[prio] = link;

	/* A masked or no longer pending event is only unlinked. */
	if ((word & (1U << XPV_FIFO_PENDING)) &&
	    !(word & (1U << XPV_FIFO_MASKED)))
		ops->handle(ctx, port);
	return link != 0;
}

/**
 * xpv_fifo_consume() - serve this vCPU's queued events, by priority
 * @q: this vCPU's queue positions, updated
 * @ops: environment
 * @ctx: passed to @ops
 * @nr_ports: event words in the array; nothing at or above is touched
 * @budget: at most this many events are taken off the queues
 *
 * One event at a time from the highest-priority queue that holds any, so
 * an event raised at a higher priority meanwhile is served next; READY is
 * re-read after each event.  Events of one queue are served in the order
 * Xen queued them.
 *
 * Return: 0 when every queue was emptied, 1 when the budget ran out first
 * (the positions are kept in @q; call again to go on).
 */
static inline int xpv_fifo_consume(struct xpv_fifo_queues *q,
				   const struct xpv_fifo_ops *ops, void *ctx,
				   unsigned int nr_ports, unsigned int budget)
{
	unsigned int ready, prio;

	ready = q->ready | (ops->take_ready(ctx) & XPV_FIFO_QUEUE_BITS);
	while (ready) {
		if (!budget--) {
			q->ready = ready;
			return 1;
		}
		prio = (unsigned int)__builtin_ctz(ready);
		if (!xpv_fifo_consume_one(q, ops, ctx, prio, nr_ports))
			ready &= ~(1U << prio);
		ready |= ops->take_ready(ctx) & XPV_FIFO_QUEUE_BITS;
	}
	q->ready = 0;
	return 0;
}

#endif /* _XPV_EVENTS_FIFO_QUEUE_H */
