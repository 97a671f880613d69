/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv block back end: the parts of its logic that need no kernel.
 *
 * Pure C over include/xpv/proto/compat.h, compiled into the back end and
 * into the user-space selftests (selftests/blk/back_test.c):
 *
 *  - the persistent-grant cache of one ring: a bounded table of the
 *    front end's grant references the back end keeps mapped, looked up by
 *    reference, with the least recently used idle entries reclaimed first
 *    (a front end can make it neither grow past its capacity nor evict an
 *    entry an in-flight request uses);
 *  - strict parsers of the toolstack's "physical-device" and "mode" keys.
 *
 * See docs/blkif.md, "The back end".
 */
#ifndef _XPV_BLKBACK_PROTO_H
#define _XPV_BLKBACK_PROTO_H

#include <xpv/proto/compat.h>

/* "No entry": lookups that miss, full tables, list ends. */
#define XPV_BLKBACK_PGNT_NONE	0xffffffffU
/* Largest capacity of one cache (far above any sensible setting). */
#define XPV_BLKBACK_PGNT_MAX	0x100000U

/**
 * struct xpv_blkback_pgnt - one persistently mapped grant
 * @gref: the front end's grant reference
 * @users: in-flight segments using the mapping (0: idle, may be reclaimed)
 * @prev: private: LRU list (toward the least recently used end)
 * @next: private: LRU list, or the free list
 * @chain: private: next entry in the same hash bucket
 * @live: private: the entry holds a mapping
 * @handle: the caller's: the grant handle of the mapping
 * @page: the caller's: the page the grant is mapped into
 */
struct xpv_blkback_pgnt {
	u32 gref;
	u32 users;
	u32 prev;
	u32 next;
	u32 chain;
	bool live;
	u32 handle;
	void *page;
};

/**
 * struct xpv_blkback_pgnt_cache - the persistent grants of one ring
 * @ent: @cap entries, owned by the caller
 * @bucket: @nr_buckets hash heads, owned by the caller
 * @cap: most entries (0: the cache is disabled, every lookup misses)
 * @nr_buckets: a power of two
 * @nr: live entries
 * @free_head: first unused entry
 * @lru_head: least recently used live entry
 * @lru_tail: most recently used live entry
 */
struct xpv_blkback_pgnt_cache {
	struct xpv_blkback_pgnt *ent;
	u32 *bucket;
	u32 cap;
	u32 nr_buckets;
	u32 nr;
	u32 free_head;
	u32 lru_head;
	u32 lru_tail;
};

/**
 * xpv_blkback_pgnt_init() - make an empty cache
 * @c: the cache
 * @ent: @cap entries (may be NULL when @cap is 0)
 * @cap: capacity, 0 .. XPV_BLKBACK_PGNT_MAX
 * @bucket: @nr_buckets hash heads (may be NULL when @cap is 0)
 * @nr_buckets: a power of two (any value when @cap is 0)
 *
 * Return: 0, or -EINVAL for a bad capacity or bucket count.
 */
int xpv_blkback_pgnt_init(struct xpv_blkback_pgnt_cache *c,
			  struct xpv_blkback_pgnt *ent, u32 cap,
			  u32 *bucket, u32 nr_buckets);

/**
 * xpv_blkback_pgnt_get() - look up a grant reference and take a use of it
 * @c: the cache
 * @gref: the front end's reference
 *
 * A hit becomes the most recently used entry and gains one user.
 *
 * Return: the entry's index, or XPV_BLKBACK_PGNT_NONE on a miss.
 */
u32 xpv_blkback_pgnt_get(struct xpv_blkback_pgnt_cache *c, u32 gref);

/**
 * xpv_blkback_pgnt_add() - record a new mapping, with one user
 * @c: the cache
 * @gref: the reference just mapped
 * @handle: its grant handle
 * @page: the page it is mapped into
 *
 * Return: the new entry's index; XPV_BLKBACK_PGNT_NONE when the cache is
 * full (reclaim with xpv_blkback_pgnt_evict() first) or @gref is already
 * in it (the caller keeps its mapping private then).
 */
u32 xpv_blkback_pgnt_add(struct xpv_blkback_pgnt_cache *c, u32 gref,
			 u32 handle, void *page);

/**
 * xpv_blkback_pgnt_put() - drop a use taken by _get() or _add()
 * @c: the cache
 * @idx: the entry
 *
 * Return: 0, or -EINVAL for an index that is not live or has no user.
 */
int xpv_blkback_pgnt_put(struct xpv_blkback_pgnt_cache *c, u32 idx);

/**
 * xpv_blkback_pgnt_evict() - remove idle entries, least recently used first
 * @c: the cache
 * @max: most entries to remove
 * @out: receives a copy of each removed entry (its gref, handle and page:
 *	the caller unmaps them)
 *
 * Entries with users are never removed.
 *
 * Return: the number removed (0 .. @max).
 */
u32 xpv_blkback_pgnt_evict(struct xpv_blkback_pgnt_cache *c, u32 max,
			   struct xpv_blkback_pgnt *out);

/**
 * xpv_blkback_pgnt_full() - no room for another entry
 * @c: the cache
 *
 * Return: true when _add() would fail for lack of room.
 */
static inline bool xpv_blkback_pgnt_full(const struct xpv_blkback_pgnt_cache *c)
{
	return c->nr >= c->cap;
}

/**
 * xpv_blkback_parse_physdev() - parse "physical-device"
 * @s: the value ("MAJOR:MINOR" in hexadecimal, as the hotplug scripts
 *	write it), not necessarily NUL-terminated
 * @len: its length
 * @major: the major number (0 .. 0xfff)
 * @minor: the minor number (0 .. 0xfffff)
 *
 * Return: 0, -EINVAL (not two hexadecimal numbers around one colon), or
 * -ERANGE (a number too large for a Linux dev_t).
 */
int xpv_blkback_parse_physdev(const char *s, size_t len, u32 *major,
			      u32 *minor);

/**
 * xpv_blkback_mode_writable() - whether "mode" allows writing
 * @s: the value ("w" or "r" from libxl), not necessarily NUL-terminated
 * @len: its length
 *
 * Return: true when the mode contains 'w' (the rule stock blkback uses).
 */
bool xpv_blkback_mode_writable(const char *s, size_t len);

#endif /* _XPV_BLKBACK_PROTO_H */
