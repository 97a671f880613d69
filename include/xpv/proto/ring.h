/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv proto: Xen shared request/response rings, in portable C.
 *
 * The layout is the one of the Xen public io/ring.h: a 64-byte header
 * (req_prod, req_event, rsp_prod, rsp_event, then padding) followed by an
 * array of slots, each the union of one request and one response.  The slot
 * count is the largest power of two that fits in the shared area, and the
 * four indices are free-running 32-bit counters (masked on access), so they
 * wrap through 2^32 without special cases.
 *
 * The front end produces requests and consumes responses; the back end
 * consumes requests and produces responses.  Each side keeps its private
 * state in struct xpv_front_idx or struct xpv_back_idx and never trusts
 * the shared header:
 *
 *  - a producer index that claims more outstanding entries than the ring can
 *    hold (or that moved backwards) marks the ring broken; a broken ring
 *    yields nothing and accepts nothing more (the driver then tears the
 *    connection down);
 *  - every entry is copied out of the shared slot once, and only the private
 *    copy is used;
 *  - our own last pushed producer index is kept privately, so the notify
 *    decision and the overflow checks never depend on a value the peer can
 *    rewrite.
 *
 * Notification hold-off follows the Xen convention: a consumer that runs out
 * of work sets the event index to "the next entry I have not seen" (cons + 1)
 * and re-checks; a producer notifies when the new producer index passed the
 * event index during its push.  A consumer that may busy-wait can first poll
 * the peer's producer index for a bounded grace (the *_final_check_grace()
 * helpers): while it polls, its event index stays behind, so the producer
 * sends no notification for entries the poll will find.
 *
 * The generic functions take the slot size (esz) and the size of the
 * message (len); XPV_RING_DEFINE() wraps them into typed front/back helpers
 * for one request/response pair, with the sizes fixed at compile time.
 *
 * Locking: none here.  Each private ring struct has one user at a time (the
 * caller serialises); the two ends may run concurrently on different CPUs
 * or domains.
 */
#ifndef _XPV_PROTO_RING_H
#define _XPV_PROTO_RING_H

#include "compat.h"

/* Size of the shared header that precedes the slots. */
#define XPV_SRING_HDR_SIZE	64
/* Upper bound on the slot count, far above any negotiable ring order. */
#define XPV_RING_MAX_SLOTS	0x40000000U

/**
 * struct xpv_sring - the shared page(s) of one ring (Xen io/ring.h layout)
 * @req_prod: requests produced by the front (written by the front only)
 * @req_event: the back wants a notification when req_prod passes this
 * @rsp_prod: responses produced by the back (written by the back only)
 * @rsp_event: the front wants a notification when rsp_prod passes this
 * @pad: reserved, zero
 * @ring: the slots, at offset XPV_SRING_HDR_SIZE
 */
struct xpv_sring {
	u32 req_prod;
	u32 req_event;
	u32 rsp_prod;
	u32 rsp_event;
	u8 pad[48];
	u8 ring[];
};

static_assert(sizeof(struct xpv_sring) == XPV_SRING_HDR_SIZE,
	      "shared ring header must be 64 bytes");
static_assert(offsetof(struct xpv_sring, rsp_event) == 12,
	      "shared ring indices must come first");

/**
 * struct xpv_front_idx - private state of the front end
 * @req_prod_pvt: next request slot to fill
 * @req_pushed: producer index last published in the shared header
 * @rsp_cons: next response to consume
 * @rsp_end: validated snapshot of the peer's rsp_prod
 * @nr_ents: slot count, a power of two
 * @broken: the peer broke the protocol; the ring is dead
 * @sring: the shared ring
 */
struct xpv_front_idx {
	u32 req_prod_pvt;
	u32 req_pushed;
	u32 rsp_cons;
	u32 rsp_end;
	u32 nr_ents;
	bool broken;
	struct xpv_sring *sring;
};

/**
 * struct xpv_back_idx - private state of the back end
 * @rsp_prod_pvt: next response slot to fill
 * @rsp_pushed: producer index last published in the shared header
 * @req_cons: next request to consume
 * @req_end: validated snapshot of the peer's req_prod
 * @nr_ents: slot count, a power of two
 * @broken: the peer broke the protocol; the ring is dead
 * @sring: the shared ring
 */
struct xpv_back_idx {
	u32 rsp_prod_pvt;
	u32 rsp_pushed;
	u32 req_cons;
	u32 req_end;
	u32 nr_ents;
	bool broken;
	struct xpv_sring *sring;
};

/**
 * xpv_ring_slots() - slot count of a ring laid over a shared area
 * @bytes: size of the shared area (header included), e.g. PAGE_SIZE << order
 * @esz: size of one slot (the request/response union)
 *
 * Return: the largest power of two of slots that fits after the header,
 * or 0 when not even one slot fits.
 */
static inline u32 xpv_ring_slots(size_t bytes, size_t esz)
{
	size_t n;

	if (esz == 0 || bytes < XPV_SRING_HDR_SIZE + esz)
		return 0;
	n = (bytes - XPV_SRING_HDR_SIZE) / esz;
	if (n > XPV_RING_MAX_SLOTS)
		n = XPV_RING_MAX_SLOTS;
	return 1U << (31 - __builtin_clz((u32)n));
}

/**
 * xpv_ring_entry() - address of the slot for a free-running index
 * @s: the shared ring
 * @nr_ents: slot count (a power of two)
 * @idx: free-running index
 * @esz: slot size
 *
 * Return: the slot's address in shared memory.
 */
static inline void *xpv_ring_entry(struct xpv_sring *s, u32 nr_ents, u32 idx,
				   size_t esz)
{
	return s->ring + (size_t)(idx & (nr_ents - 1)) * esz;
}

/**
 * xpv_sring_init_at() - initialise the shared header of an empty ring
 * @s: the shared ring (the front end owns its initialisation)
 * @start: initial value of both producer indices (0 for a new ring)
 *
 * Both event indices ask for a notification on the first entry.
 */
static inline void xpv_sring_init_at(struct xpv_sring *s, u32 start)
{
	s->req_prod = start;
	s->rsp_prod = start;
	s->req_event = start + 1;
	s->rsp_event = start + 1;
	memset(s->pad, 0, sizeof(s->pad));
}

/**
 * xpv_sring_init() - initialise the shared header of a new, empty ring
 * @s: the shared ring
 */
static inline void xpv_sring_init(struct xpv_sring *s)
{
	xpv_sring_init_at(s, 0);
}

/**
 * xpv_front_attach() - set up the front end's private state
 * @fr: front ring to set up
 * @s: the shared ring
 * @bytes: size of the shared area
 * @esz: slot size
 * @start: index both sides start from (as given to xpv_sring_init_at())
 *
 * Return: 0, or -EINVAL when the area holds no slot.
 */
static inline int xpv_front_attach(struct xpv_front_idx *fr,
				   struct xpv_sring *s, size_t bytes,
				   size_t esz, u32 start)
{
	u32 n = xpv_ring_slots(bytes, esz);

	if (!n)
		return -EINVAL;
	fr->req_prod_pvt = start;
	fr->req_pushed = start;
	fr->rsp_cons = start;
	fr->rsp_end = start;
	fr->nr_ents = n;
	fr->broken = false;
	fr->sring = s;
	return 0;
}

/**
 * xpv_back_attach() - set up the back end's private state
 * @br: back ring to set up
 * @s: the shared ring
 * @bytes: size of the shared area
 * @esz: slot size
 * @start: index both sides start from (as given to xpv_sring_init_at())
 *
 * Return: 0, or -EINVAL when the area holds no slot.
 */
static inline int xpv_back_attach(struct xpv_back_idx *br,
				  struct xpv_sring *s, size_t bytes,
				  size_t esz, u32 start)
{
	u32 n = xpv_ring_slots(bytes, esz);

	if (!n)
		return -EINVAL;
	br->rsp_prod_pvt = start;
	br->rsp_pushed = start;
	br->req_cons = start;
	br->req_end = start;
	br->nr_ents = n;
	br->broken = false;
	br->sring = s;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Front end: produce requests, consume responses.                    */
/* ------------------------------------------------------------------ */

/**
 * xpv_front_free() - request slots the front end may still fill
 * @fr: front ring
 *
 * Return: slot count minus requests produced and not yet answered.
 */
static inline u32 xpv_front_free(const struct xpv_front_idx *fr)
{
	return fr->nr_ents - (fr->req_prod_pvt - fr->rsp_cons);
}

static inline void *__xpv_front_next_slot(struct xpv_front_idx *fr,
					  size_t esz)
{
	void *slot;

	if (unlikely(fr->broken) || !xpv_front_free(fr))
		return NULL;
	slot = xpv_ring_entry(fr->sring, fr->nr_ents, fr->req_prod_pvt, esz);
	fr->req_prod_pvt++;
	return slot;
}

/**
 * xpv_front_new_req() - take the next request slot, zeroed, to fill in place
 * @fr: front ring
 * @len: request size (the part of the slot that is zeroed)
 * @esz: slot size
 *
 * The request becomes visible to the peer at the next push.
 *
 * Return: the slot, or NULL when the ring is full or broken.
 */
static inline void *xpv_front_new_req(struct xpv_front_idx *fr, size_t len,
				      size_t esz)
{
	void *slot = __xpv_front_next_slot(fr, esz);

	if (slot)
		memset(slot, 0, len);
	return slot;
}

/**
 * xpv_front_put_req() - copy one request into the next slot
 * @fr: front ring
 * @req: the request (build it zeroed: padding is copied too)
 * @len: request size
 * @esz: slot size
 *
 * Return: true, or false when the ring is full or broken.
 */
static inline bool xpv_front_put_req(struct xpv_front_idx *fr,
				     const void *req, size_t len, size_t esz)
{
	void *slot = __xpv_front_next_slot(fr, esz);

	if (!slot)
		return false;
	memcpy(slot, req, len);
	return true;
}

/**
 * xpv_front_push_reqs() - publish the new requests to the back end
 * @fr: front ring
 *
 * Return: true when the back end asked to be notified (its req_event lies
 * in the range just published): the caller then sends the event.
 */
static inline bool xpv_front_push_reqs(struct xpv_front_idx *fr)
{
	u32 old = fr->req_pushed;
	u32 new = fr->req_prod_pvt;

	if (unlikely(fr->broken))
		return false;
	virt_wmb();	/* requests visible before the index */
	WRITE_ONCE(fr->sring->req_prod, new);
	fr->req_pushed = new;
	virt_mb();	/* index visible before reading req_event */
	return (u32)(new - READ_ONCE(fr->sring->req_event)) < (u32)(new - old);
}

/**
 * xpv_front_rsp_avail() - validate the back end's producer index
 * @fr: front ring
 *
 * Reads rsp_prod once.  A back end that claims more responses than there
 * are requests outstanding (or moved rsp_prod backwards) breaks the ring.
 *
 * Return: responses ready to consume, or -EIO when the ring is broken.
 */
static inline int xpv_front_rsp_avail(struct xpv_front_idx *fr)
{
	u32 prod;

	if (unlikely(fr->broken))
		return -EIO;
	prod = READ_ONCE(fr->sring->rsp_prod);
	virt_rmb();	/* read the index before the responses */
	if (unlikely((u32)(prod - fr->rsp_cons) >
		     (u32)(fr->req_pushed - fr->rsp_cons))) {
		fr->broken = true;
		return -EIO;
	}
	fr->rsp_end = prod;
	return (int)(prod - fr->rsp_cons);
}

/**
 * xpv_front_get_rsp() - copy the next response out of the ring
 * @fr: front ring
 * @dst: private buffer the response is copied to (once)
 * @len: response size
 * @esz: slot size
 *
 * Return: true with *@dst filled, false when there is no response (or the
 * ring is broken: check @fr->broken).
 */
static inline bool xpv_front_get_rsp(struct xpv_front_idx *fr, void *dst,
				     size_t len, size_t esz)
{
	if (unlikely(fr->broken))
		return false;
	if (fr->rsp_cons == fr->rsp_end && xpv_front_rsp_avail(fr) <= 0)
		return false;
	memcpy(dst, xpv_ring_entry(fr->sring, fr->nr_ents, fr->rsp_cons, esz),
	       len);
	barrier();	/* use only the copy from here on */
	fr->rsp_cons++;
	return true;
}

/**
 * xpv_front_final_check() - re-arm rsp_event before going idle
 * @fr: front ring
 *
 * Asks for a notification on the next response, then looks again, so a
 * response published in between is never missed.
 *
 * Return: true when responses are waiting (do not sleep).
 */
static inline bool xpv_front_final_check(struct xpv_front_idx *fr)
{
	int n = xpv_front_rsp_avail(fr);

	if (n)
		return n > 0;
	WRITE_ONCE(fr->sring->rsp_event, fr->rsp_cons + 1);
	virt_mb();	/* event index visible before re-reading rsp_prod */
	return xpv_front_rsp_avail(fr) > 0;
}

/**
 * xpv_front_final_check_grace() - poll for responses a bounded while, then
 *	re-arm rsp_event before going idle
 * @fr: front ring
 * @grace: most reads of rsp_prod before arming (0: xpv_front_final_check())
 * @polls: set to the reads of rsp_prod done in the grace (may be NULL)
 *
 * Poll-before-arm: a front end that found no response keeps reading the
 * back end's producer index, up to @grace times with xpv_ring_relax() in
 * between, before it asks for a notification.  While it polls, rsp_event
 * stays where the last arming left it, already passed, so a back end that
 * pushes now sends no event and the poll finds the responses.  When the
 * grace runs out, xpv_front_final_check() arms rsp_event and looks once
 * more, so no wake-up is lost.  A broken ring ends the grace at once.
 *
 * The grace is bounded by @grace, not by the peer; it spends CPU time, so
 * call it only where busy-waiting is allowed (a thread or NAPI-like poll,
 * not a hard interrupt handler).
 *
 * Return: true when responses are waiting (do not sleep).
 */
static inline bool xpv_front_final_check_grace(struct xpv_front_idx *fr,
					       u32 grace, u32 *polls)
{
	u32 i = 0;
	int n = 0;

	while (i < grace) {
		n = xpv_front_rsp_avail(fr);
		i++;
		if (n)
			break;
		xpv_ring_relax();
	}
	if (polls)
		*polls = i;
	if (n)
		return n > 0;
	return xpv_front_final_check(fr);
}

/**
 * struct xpv_front_ring_snap - a front end's ring indices at one moment
 * @req_prod_pvt: next request slot the front end fills (private)
 * @rsp_cons: next response it consumes (private)
 * @req_prod: the shared producer index of requests
 * @req_event: where the back end asked to be notified
 * @rsp_prod: the shared producer index of responses
 * @rsp_event: where the front end asked to be notified
 * @free: request slots the front end may still fill
 * @nr_ents: slot count
 */
struct xpv_front_ring_snap {
	u32 req_prod_pvt;
	u32 rsp_cons;
	u32 req_prod;
	u32 req_event;
	u32 rsp_prod;
	u32 rsp_event;
	u32 free;
	u32 nr_ents;
};

/**
 * xpv_front_snapshot() - read a front ring's indices for a report
 * @fr: front ring (the caller serialises, as for every front call)
 * @snap: filled in; the shared indices are read once each
 *
 * For diagnostics only: nothing read here is trusted or acted on.
 */
static inline void xpv_front_snapshot(const struct xpv_front_idx *fr,
				      struct xpv_front_ring_snap *snap)
{
	snap->req_prod_pvt = fr->req_prod_pvt;
	snap->rsp_cons = fr->rsp_cons;
	snap->req_prod = READ_ONCE(fr->sring->req_prod);
	snap->req_event = READ_ONCE(fr->sring->req_event);
	snap->rsp_prod = READ_ONCE(fr->sring->rsp_prod);
	snap->rsp_event = READ_ONCE(fr->sring->rsp_event);
	snap->free = xpv_front_free(fr);
	snap->nr_ents = fr->nr_ents;
}

/* Free-running index @a is at or before @b (within half the index space). */
static inline bool xpv_ring_idx_le(u32 a, u32 b)
{
	return (u32)(b - a) < 0x80000000U;
}

/**
 * xpv_front_stall_hint() - where a front ring's outstanding work waits
 * @s: a snapshot taken while requests were outstanding
 *
 * Reads the indices the way a person reading a stall report would, in
 * order of what would be a bug on our side first:
 *  - requests filled but never pushed (our push was skipped);
 *  - responses published that we did not consume: with rsp_event at or
 *    before rsp_prod the back end should have notified us (a lost event
 *    to the front end), otherwise we never armed rsp_event for them;
 *  - requests the back end has not seen: req_event at or before req_prod
 *    means it asked for a notification it should have had (a lost event
 *    to the back end, or a back end that is busy or stuck);
 *  - otherwise the back end took every request and owes the responses.
 *
 * Return: a static string.
 */
static inline const char *
xpv_front_stall_hint(const struct xpv_front_ring_snap *s)
{
	if (s->req_prod != s->req_prod_pvt)
		return "requests filled but not pushed";
	if (s->rsp_prod != s->rsp_cons)
		return xpv_ring_idx_le(s->rsp_event, s->rsp_prod) ?
			"unconsumed responses past rsp_event: lost event to the front end" :
			"unconsumed responses, rsp_event not armed for them";
	if (s->req_prod == s->rsp_cons)
		return "nothing outstanding on the ring";
	if (xpv_ring_idx_le(s->req_event, s->req_prod))
		return "requests past req_event: back end busy, or lost event to it";
	return "back end consumed every request and owes the responses";
}

/* ------------------------------------------------------------------ */
/* Back end: consume requests, produce responses.                     */
/* ------------------------------------------------------------------ */

/**
 * xpv_back_req_avail() - validate the front end's producer index
 * @br: back ring
 *
 * Reads req_prod once.  A front end that claims more requests than fit in
 * the slots not holding unanswered requests (or moved req_prod backwards)
 * breaks the ring.
 *
 * Return: requests ready to consume, or -EIO when the ring is broken.
 */
static inline int xpv_back_req_avail(struct xpv_back_idx *br)
{
	u32 prod, room;

	if (unlikely(br->broken))
		return -EIO;
	prod = READ_ONCE(br->sring->req_prod);
	virt_rmb();	/* read the index before the requests */
	room = br->nr_ents - (br->req_cons - br->rsp_prod_pvt);
	if (unlikely((u32)(prod - br->req_cons) > room)) {
		br->broken = true;
		return -EIO;
	}
	br->req_end = prod;
	return (int)(prod - br->req_cons);
}

/**
 * xpv_back_get_req() - copy the next request out of the ring
 * @br: back ring
 * @dst: private buffer the request is copied to (once)
 * @len: request size
 * @esz: slot size
 *
 * Return: true with *@dst filled, false when there is no request (or the
 * ring is broken: check @br->broken).
 */
static inline bool xpv_back_get_req(struct xpv_back_idx *br, void *dst,
				    size_t len, size_t esz)
{
	if (unlikely(br->broken))
		return false;
	if (br->req_cons == br->req_end && xpv_back_req_avail(br) <= 0)
		return false;
	memcpy(dst, xpv_ring_entry(br->sring, br->nr_ents, br->req_cons, esz),
	       len);
	barrier();	/* use only the copy from here on */
	br->req_cons++;
	return true;
}

static inline void *__xpv_back_next_slot(struct xpv_back_idx *br,
					 size_t esz)
{
	void *slot;

	/* A response takes the slot of a request already consumed. */
	if (unlikely(br->broken) || br->rsp_prod_pvt == br->req_cons)
		return NULL;
	slot = xpv_ring_entry(br->sring, br->nr_ents, br->rsp_prod_pvt, esz);
	br->rsp_prod_pvt++;
	return slot;
}

/**
 * xpv_back_new_rsp() - take the next response slot, zeroed, to fill in place
 * @br: back ring
 * @len: response size (the part of the slot that is zeroed)
 * @esz: slot size
 *
 * Return: the slot, or NULL when no consumed request awaits a response or
 * the ring is broken.
 */
static inline void *xpv_back_new_rsp(struct xpv_back_idx *br, size_t len,
				     size_t esz)
{
	void *slot = __xpv_back_next_slot(br, esz);

	if (slot)
		memset(slot, 0, len);
	return slot;
}

/**
 * xpv_back_put_rsp() - copy one response into the next slot
 * @br: back ring
 * @rsp: the response (build it zeroed: padding is copied too)
 * @len: response size
 * @esz: slot size
 *
 * Return: true, or false when no consumed request awaits a response or the
 * ring is broken.
 */
static inline bool xpv_back_put_rsp(struct xpv_back_idx *br, const void *rsp,
				    size_t len, size_t esz)
{
	void *slot = __xpv_back_next_slot(br, esz);

	if (!slot)
		return false;
	memcpy(slot, rsp, len);
	return true;
}

/**
 * xpv_back_push_rsps() - publish the new responses to the front end
 * @br: back ring
 *
 * Return: true when the front end asked to be notified.
 */
static inline bool xpv_back_push_rsps(struct xpv_back_idx *br)
{
	u32 old = br->rsp_pushed;
	u32 new = br->rsp_prod_pvt;

	if (unlikely(br->broken))
		return false;
	virt_wmb();	/* responses visible before the index */
	WRITE_ONCE(br->sring->rsp_prod, new);
	br->rsp_pushed = new;
	virt_mb();	/* index visible before reading rsp_event */
	return (u32)(new - READ_ONCE(br->sring->rsp_event)) < (u32)(new - old);
}

/**
 * xpv_back_final_check() - re-arm req_event before going idle
 * @br: back ring
 *
 * Return: true when requests are waiting (do not sleep).
 */
static inline bool xpv_back_final_check(struct xpv_back_idx *br)
{
	int n = xpv_back_req_avail(br);

	if (n)
		return n > 0;
	WRITE_ONCE(br->sring->req_event, br->req_cons + 1);
	virt_mb();	/* event index visible before re-reading req_prod */
	return xpv_back_req_avail(br) > 0;
}

/**
 * xpv_back_final_check_grace() - poll for requests a bounded while, then
 *	re-arm req_event before going idle
 * @br: back ring
 * @grace: most reads of req_prod before arming (0: xpv_back_final_check())
 * @polls: set to the reads of req_prod done in the grace (may be NULL)
 *
 * The back end's poll-before-arm, as xpv_front_final_check_grace(): poll
 * req_prod up to @grace times while req_event stays behind (the front end
 * sends no event for requests the poll finds), then arm and look once more
 * with xpv_back_final_check().  Each poll validates req_prod as
 * xpv_back_req_avail() does; a broken ring ends the grace at once.  Only
 * where busy-waiting is allowed.
 *
 * Return: true when requests are waiting (do not sleep).
 */
static inline bool xpv_back_final_check_grace(struct xpv_back_idx *br,
					      u32 grace, u32 *polls)
{
	u32 i = 0;
	int n = 0;

	while (i < grace) {
		n = xpv_back_req_avail(br);
		i++;
		if (n)
			break;
		xpv_ring_relax();
	}
	if (polls)
		*polls = i;
	if (n)
		return n > 0;
	return xpv_back_final_check(br);
}

/* ------------------------------------------------------------------ */
/* Typed helpers for one request/response pair.                       */
/* ------------------------------------------------------------------ */

/*
 * XPV_RING_DEFINE(name, req_type, rsp_type) declares:
 *   union name##_entry            one slot (request or response);
 *   struct name##_front/_back     typed wrappers of the private rings;
 *   name##_slots(bytes)           slot count for a shared area;
 *   name##_front_attach/_init     name##_back_attach/_init
 *   name##_front_free             name##_front_new_request (zeroed slot)
 *   name##_front_put_request      name##_front_push_requests -> notify?
 *   name##_front_responses        name##_front_get_response (copied once)
 *   name##_front_final_check      name##_back_requests
 *   name##_back_get_request       name##_back_new_response (zeroed slot)
 *   name##_back_put_response      name##_back_push_responses -> notify?
 *   name##_back_final_check       name##_front/_back_final_check_grace
 * Each is the generic function of the same role with the sizes fixed.
 * XPV_RING_REQ(name) and XPV_RING_RSP(name) name the message types.
 */
#define XPV_RING_REQ(name)	typeof(((union name##_entry *)0)->req)
#define XPV_RING_RSP(name)	typeof(((union name##_entry *)0)->rsp)

/* Each part ends by expanding the next, so that no argument is reused. */

#define __XPV_RING_COMMON(name)						\
struct name##_front {							\
	struct xpv_front_idx r;					\
};									\
struct name##_back {							\
	struct xpv_back_idx r;						\
};									\
static inline u32 __maybe_unused name##_slots(size_t bytes)		\
{									\
	return xpv_ring_slots(bytes, sizeof(union name##_entry));	\
}									\
static inline int __maybe_unused name##_front_attach(struct name##_front *fr, \
				      struct xpv_sring *s,		\
				      size_t bytes, u32 start)		\
{									\
	return xpv_front_attach(&fr->r, s, bytes,			\
				sizeof(union name##_entry), start);	\
}									\
static inline int __maybe_unused name##_front_init(struct name##_front *fr, \
				    struct xpv_sring *s, size_t bytes)	\
{									\
	xpv_sring_init(s);						\
	return name##_front_attach(fr, s, bytes, 0);			\
}									\
static inline int __maybe_unused name##_back_attach(struct name##_back *br, \
				     struct xpv_sring *s,		\
				     size_t bytes, u32 start)		\
{									\
	return xpv_back_attach(&br->r, s, bytes,			\
			       sizeof(union name##_entry), start);	\
}									\
static inline int __maybe_unused name##_back_init(struct name##_back *br, \
				   struct xpv_sring *s, size_t bytes)	\
{									\
	return name##_back_attach(br, s, bytes, 0);			\
}									\
static inline u32 __maybe_unused name##_front_free(const struct name##_front *fr) \
{									\
	return xpv_front_free(&fr->r);					\
}									\
static inline bool __maybe_unused name##_front_push_requests(struct name##_front *fr) \
{									\
	return xpv_front_push_reqs(&fr->r);				\
}									\
static inline int __maybe_unused name##_front_responses(struct name##_front *fr) \
{									\
	return xpv_front_rsp_avail(&fr->r);				\
}									\
static inline bool __maybe_unused name##_front_final_check(struct name##_front *fr) \
{									\
	return xpv_front_final_check(&fr->r);				\
}									\
static inline int __maybe_unused name##_back_requests(struct name##_back *br) \
{									\
	return xpv_back_req_avail(&br->r);				\
}									\
static inline bool __maybe_unused name##_back_push_responses(struct name##_back *br) \
{									\
	return xpv_back_push_rsps(&br->r);				\
}									\
static inline bool __maybe_unused name##_back_final_check(struct name##_back *br) \
{									\
	return xpv_back_final_check(&br->r);				\
}									\
static inline bool __maybe_unused					\
name##_front_final_check_grace(struct name##_front *fr, u32 grace,	\
			       u32 *polls)				\
{									\
	return xpv_front_final_check_grace(&fr->r, grace, polls);	\
}									\
static inline bool __maybe_unused					\
name##_back_final_check_grace(struct name##_back *br, u32 grace,	\
			      u32 *polls)				\
{									\
	return xpv_back_final_check_grace(&br->r, grace, polls);	\
}									\
__XPV_RING_REQUESTS(name, typeof(((union name##_entry *)0)->req))

#define __XPV_RING_REQUESTS(name, type)					\
static inline type __maybe_unused *name##_front_new_request(struct name##_front *fr) \
{									\
	return xpv_front_new_req(&fr->r, sizeof(type),			\
				 sizeof(union name##_entry));		\
}									\
static inline bool __maybe_unused name##_front_put_request(struct name##_front *fr, \
					    const type *req)		\
{									\
	return xpv_front_put_req(&fr->r, req, sizeof(*req),		\
				 sizeof(union name##_entry));		\
}									\
static inline bool __maybe_unused name##_back_get_request(struct name##_back *br, \
					   type *req)			\
{									\
	return xpv_back_get_req(&br->r, req, sizeof(*req),		\
				sizeof(union name##_entry));		\
}									\
__XPV_RING_RESPONSES(name, typeof(((union name##_entry *)0)->rsp))

#define __XPV_RING_RESPONSES(name, type)				\
static inline type __maybe_unused *name##_back_new_response(struct name##_back *br) \
{									\
	return xpv_back_new_rsp(&br->r, sizeof(type),			\
				sizeof(union name##_entry));		\
}									\
static inline bool __maybe_unused name##_back_put_response(struct name##_back *br, \
					    const type *rsp)		\
{									\
	return xpv_back_put_rsp(&br->r, rsp, sizeof(*rsp),		\
				sizeof(union name##_entry));		\
}									\
static inline bool __maybe_unused name##_front_get_response(struct name##_front *fr, \
					     type *rsp)			\
{									\
	return xpv_front_get_rsp(&fr->r, rsp, sizeof(*rsp),		\
				 sizeof(union name##_entry));		\
}

#define XPV_RING_DEFINE(name, req_type, rsp_type)			\
union name##_entry {							\
	req_type req;							\
	rsp_type rsp;							\
};									\
__XPV_RING_COMMON(name)

#endif /* _XPV_PROTO_RING_H */
