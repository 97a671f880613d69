// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant reference allocator: free list, batch allocation, exhaustion
 * waiters. Pure C, shared by the kernel and the selftests. Callers hold
 * their own lock around every call.
 */
#include "gref_alloc.h"

/**
 * xpv_gref_pool_init() - set up an empty pool
 * @pool: the pool
 * @next: caller-provided array of @capacity links
 * @state: caller-provided array of @capacity state bytes
 * @capacity: largest number of references the pool can ever hold
 * @nr_reserved: references 0..@nr_reserved-1 are never handed out (the
 *	toolstack uses them for the console and xenstore rings)
 *
 * The pool starts with no references; xpv_gref_pool_grow() adds them as
 * grant frames are mapped.
 *
 * Return: 0, or -EINVAL when @nr_reserved exceeds @capacity.
 */
int xpv_gref_pool_init(struct xpv_gref_pool *pool, u32 *next, u8 *state,
		       u32 capacity, u32 nr_reserved)
{
	u32 i;

	if (nr_reserved > capacity)
		return -EINVAL;
	pool->next = next;
	pool->state = state;
	pool->capacity = capacity;
	pool->nr = nr_reserved;
	pool->nr_free = 0;
	pool->head = XPV_GREF_END;
	pool->wait_head = NULL;
	pool->wait_tail = NULL;
	for (i = 0; i < capacity; i++) {
		next[i] = XPV_GREF_END;
		state[i] = i < nr_reserved ? XPV_GREF_RESERVED : XPV_GREF_ABSENT;
	}
	return 0;
}

/**
 * xpv_gref_pool_grow() - add references nr..@new_nr-1 to the free list
 * @pool: the pool
 * @new_nr: new total number of references
 *
 * Return: 0, -EINVAL when @new_nr is below the current size or above the
 * capacity.
 */
int xpv_gref_pool_grow(struct xpv_gref_pool *pool, u32 new_nr)
{
	u32 i;

	if (new_nr < pool->nr || new_nr > pool->capacity)
		return -EINVAL;
	/* Push in reverse so low references are handed out first. */
	for (i = new_nr; i > pool->nr; i--) {
		u32 ref = i - 1;

		pool->next[ref] = pool->head;
		pool->state[ref] = XPV_GREF_FREE;
		pool->head = ref;
		pool->nr_free++;
	}
	pool->nr = new_nr;
	return 0;
}

/**
 * xpv_gref_alloc() - allocate a batch of references, all or nothing
 * @pool: the pool
 * @count: how many (at least one)
 * @refs: receives @count references
 *
 * Return: 0, -EINVAL for a zero count, -ENOSPC when fewer than @count are
 * free (nothing is allocated; the caller may grow the pool or wait).
 */
int xpv_gref_alloc(struct xpv_gref_pool *pool, u32 count, u32 *refs)
{
	u32 i;

	if (!count)
		return -EINVAL;
	if (count > pool->nr_free)
		return -ENOSPC;
	for (i = 0; i < count; i++) {
		u32 ref = pool->head;

		pool->head = pool->next[ref];
		pool->next[ref] = XPV_GREF_END;
		pool->state[ref] = XPV_GREF_USED;
		refs[i] = ref;
	}
	pool->nr_free -= count;
	return 0;
}

/**
 * xpv_gref_free() - return a reference to the pool
 * @pool: the pool
 * @ref: a reference from xpv_gref_alloc()
 *
 * Return: 0, or -EINVAL for a reference out of range, reserved, or not
 * allocated (double free); the pool is left untouched then.
 */
int xpv_gref_free(struct xpv_gref_pool *pool, u32 ref)
{
	if (ref >= pool->nr || pool->state[ref] != XPV_GREF_USED)
		return -EINVAL;
	pool->state[ref] = XPV_GREF_FREE;
	pool->next[ref] = pool->head;
	pool->head = ref;
	pool->nr_free++;
	return 0;
}

/**
 * xpv_gref_in_use() - whether @ref is currently allocated
 * @pool: the pool
 * @ref: any value
 */
bool xpv_gref_in_use(const struct xpv_gref_pool *pool, u32 ref)
{
	return ref < pool->nr && pool->state[ref] == XPV_GREF_USED;
}

/**
 * xpv_gref_wait() - queue a waiter for when @w->count references are free
 * @pool: the pool
 * @w: the waiter (fn, arg and count set by the caller)
 *
 * Return: true if queued, false if it was already queued or asks for zero
 * or more references than the pool can ever hold.
 */
bool xpv_gref_wait(struct xpv_gref_pool *pool, struct xpv_gref_waiter *w)
{
	if (w->queued || !w->count || w->count > pool->capacity)
		return false;
	w->next = NULL;
	w->queued = true;
	if (pool->wait_tail)
		pool->wait_tail->next = w;
	else
		pool->wait_head = w;
	pool->wait_tail = w;
	return true;
}

/**
 * xpv_gref_cancel_wait() - remove a queued waiter
 * @pool: the pool
 * @w: the waiter
 *
 * Return: true if it was queued.
 */
bool xpv_gref_cancel_wait(struct xpv_gref_pool *pool,
			  struct xpv_gref_waiter *w)
{
	struct xpv_gref_waiter **pp, *prev = NULL;

	if (!w->queued)
		return false;
	for (pp = &pool->wait_head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != w)
			continue;
		*pp = w->next;
		if (pool->wait_tail == w)
			pool->wait_tail = prev;
		w->queued = false;
		w->next = NULL;
		return true;
	}
	return false;
}

/**
 * xpv_gref_take_ready() - dequeue the first waiter if it can be satisfied
 * @pool: the pool
 *
 * Strict FIFO: a large request at the head is not overtaken by smaller
 * ones behind it. The caller invokes the waiter's fn outside its lock; the
 * waiter then allocates (and may find the references taken meanwhile, in
 * which case it queues again).
 *
 * Return: the waiter, or NULL.
 */
struct xpv_gref_waiter *xpv_gref_take_ready(struct xpv_gref_pool *pool)
{
	struct xpv_gref_waiter *w = pool->wait_head;

	if (!w || w->count > pool->nr_free)
		return NULL;
	pool->wait_head = w->next;
	if (!pool->wait_head)
		pool->wait_tail = NULL;
	w->next = NULL;
	w->queued = false;
	return w;
}
