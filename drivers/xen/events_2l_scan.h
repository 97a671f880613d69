/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: the order in which a vCPU serves pending 2-level event channels.
 *
 * Pure C, no includes: the kernel (events_2l.c) and the user-space test
 * (selftests/xen-events/) compile this very file.
 *
 * Xen's 2-level ABI: port P is pending when bit P of shared_info's
 * evtchn_pending[] is set and not masked in evtchn_mask[]; Xen also sets bit
 * P / BITS of the target vCPU's evtchn_pending_sel ("this word may hold
 * work") and raises the upcall.
 *
 * Fairness: a cursor remembers the last port served.  Each step serves the
 * next active port after the cursor in cyclic order over all ports (first the
 * higher bits of the cursor's word, then the following words, wrapping around
 * to the low bits of the cursor's word last).  So while any other port is
 * pending, no port is served twice: a port that keeps firing cannot starve
 * the rest.  A word is dropped from the local selector only when it has no
 * active port left; Xen sets its selector bit again for a later event.
 */
#ifndef _XPV_EVENTS_2L_SCAN_H
#define _XPV_EVENTS_2L_SCAN_H

#define XPV_2L_BITS		(8 * (unsigned int)sizeof(unsigned long))
#define XPV_2L_NR_PORTS		(XPV_2L_BITS * XPV_2L_BITS)

/**
 * struct xpv_2l_cursor - the last port a vCPU served
 * @word: selector word of that port
 * @bit: bit of that port in its word
 *
 * Start with xpv_2l_cursor_init(): the first scan then begins at port 0.
 */
struct xpv_2l_cursor {
	unsigned int word;
	unsigned int bit;
};

/**
 * struct xpv_2l_ops - what the scan needs from its environment
 * @take_sel: atomically read and clear this vCPU's evtchn_pending_sel
 * @active: pending, unmasked ports of @word that this vCPU should serve
 * @handle: serve one port; must clear its pending bit (or mask it)
 */
struct xpv_2l_ops {
	unsigned long (*take_sel)(void *ctx);
	unsigned long (*active)(void *ctx, unsigned int word);
	void (*handle)(void *ctx, unsigned int port);
};

static inline void xpv_2l_cursor_init(struct xpv_2l_cursor *cur)
{
	cur->word = XPV_2L_BITS - 1;
	cur->bit = XPV_2L_BITS - 1;
}

/* Mask of the bits of a word strictly above @bit. */
static inline unsigned long xpv_2l_above(unsigned int bit)
{
	return bit + 1 >= XPV_2L_BITS ? 0UL : ~0UL << (bit + 1);
}

/* First set bit of @x (non-zero) at or after @start, wrapping around. */
static inline unsigned int xpv_2l_first_from(unsigned long x,
					     unsigned int start)
{
	unsigned long hi = start >= XPV_2L_BITS ? 0UL : x & (~0UL << start);

	return (unsigned int)__builtin_ctzl(hi ? hi : x);
}

/**
 * xpv_2l_scan() - serve pending ports until none is left
 * @cur: this vCPU's cursor, updated as ports are served
 * @ops: environment
 * @ctx: passed to @ops
 *
 * Re-reads the selector whenever the words it named are exhausted, and
 * returns once Xen has flagged nothing new.
 *
 * Return: the number of ports served.
 */
static inline unsigned int xpv_2l_scan(struct xpv_2l_cursor *cur,
				       const struct xpv_2l_ops *ops, void *ctx)
{
	unsigned long words = 0, bits;
	unsigned int served = 0, w, b;

	for (;;) {
		if (!words) {
			words = ops->take_sel(ctx);
			if (!words)
				break;
		}

		/* Ports above the cursor in the cursor's own word. */
		w = cur->word;
		if (words & (1UL << w)) {
			bits = ops->active(ctx, w);
			if (bits & xpv_2l_above(cur->bit)) {
				b = xpv_2l_first_from(bits &
						      xpv_2l_above(cur->bit), 0);
				goto serve;
			}
			if (!bits)
				words &= ~(1UL << w);
			if (!words)
				continue;
		}

		/* The next word after the cursor's, cyclically. */
		w = xpv_2l_first_from(words, w + 1);
		bits = ops->active(ctx, w);
		if (!bits) {
			words &= ~(1UL << w);
			cur->word = w;
			cur->bit = XPV_2L_BITS - 1;
			continue;
		}
		b = xpv_2l_first_from(bits, 0);
serve:
		cur->word = w;
		cur->bit = b;
		ops->handle(ctx, w * XPV_2L_BITS + b);
		served++;
	}
	return served;
}

#endif /* _XPV_EVENTS_2L_SCAN_H */
