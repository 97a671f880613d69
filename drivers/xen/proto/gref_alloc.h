/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant reference allocator: pure logic shared by the kernel and the
 * selftests.
 *
 * A free list threaded through an array (O(1) allocate and free), plus a
 * per-reference state byte so a double free or the free of a reference
 * never handed out is caught instead of corrupting the list. The pool has
 * a fixed capacity (the hypervisor's maximum number of grant frames times
 * the entries per frame) and grows in place as frames are added. Callers
 * that find the pool exhausted can queue a waiter; waiters are woken in
 * FIFO order once enough references are free.
 */
#ifndef _XPV_PROTO_GREF_ALLOC_H
#define _XPV_PROTO_GREF_ALLOC_H

#include <xpv/proto/compat.h>

#define XPV_GREF_END	0xffffffffU

#ifdef __KERNEL__
/*
 * In the kernel the waiter is the public struct xpv_gnttab_callback
 * (same fields), so callers of include/xpv/grant.h queue themselves here.
 */
#include <xpv/grant.h>
#define xpv_gref_waiter xpv_gnttab_callback
#else
/**
 * struct xpv_gref_waiter - a caller waiting for free references
 * @fn: called (by the kernel glue, outside its lock) once @count refs are free
 * @arg: argument for @fn
 * @count: how many references the caller needs
 * @next: FIFO link (private)
 * @queued: whether the waiter is on the queue (private)
 */
struct xpv_gref_waiter {
	void (*fn)(void *arg);
	void *arg;
	u32 count;
	struct xpv_gref_waiter *next;
	bool queued;
};
#endif

/**
 * struct xpv_gref_pool - the allocator
 * @next: free-list links, one per reference (capacity entries)
 * @state: XPV_GREF_FREE / XPV_GREF_USED / XPV_GREF_RESERVED per reference
 * @capacity: entries in @next and @state
 * @nr: references currently backed by grant frames
 * @nr_free: free references
 * @head: first free reference or XPV_GREF_END
 * @wait_head: first waiter
 * @wait_tail: last waiter
 */
struct xpv_gref_pool {
	u32 *next;
	u8 *state;
	u32 capacity;
	u32 nr;
	u32 nr_free;
	u32 head;
	struct xpv_gref_waiter *wait_head;
	struct xpv_gref_waiter *wait_tail;
};

enum { XPV_GREF_ABSENT, XPV_GREF_FREE, XPV_GREF_USED, XPV_GREF_RESERVED };

int xpv_gref_pool_init(struct xpv_gref_pool *pool, u32 *next, u8 *state,
		       u32 capacity, u32 nr_reserved);
int xpv_gref_pool_grow(struct xpv_gref_pool *pool, u32 new_nr);
int xpv_gref_alloc(struct xpv_gref_pool *pool, u32 count, u32 *refs);
int xpv_gref_free(struct xpv_gref_pool *pool, u32 ref);
bool xpv_gref_in_use(const struct xpv_gref_pool *pool, u32 ref);
bool xpv_gref_wait(struct xpv_gref_pool *pool, struct xpv_gref_waiter *w);
bool xpv_gref_cancel_wait(struct xpv_gref_pool *pool,
			  struct xpv_gref_waiter *w);
struct xpv_gref_waiter *xpv_gref_take_ready(struct xpv_gref_pool *pool);

#endif /* _XPV_PROTO_GREF_ALLOC_H */
