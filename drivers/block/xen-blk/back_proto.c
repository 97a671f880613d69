// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block back end: persistent-grant cache and key parsers, pure C.
 * See back_proto.h and docs/blkif.md.
 */
#include "back_proto.h"

#define NONE	XPV_BLKBACK_PGNT_NONE

/* ================================================================== */
/* Persistent-grant cache.                                             */
/* ================================================================== */

/*
 * The front end picks the references, so a plain mask would let it put
 * every entry in one bucket; a multiplicative hash spreads ordinary
 * references, and a hostile choice costs at most a walk of @cap entries.
 */
static u32 pgnt_bucket(const struct xpv_blkback_pgnt_cache *c, u32 gref)
{
	return (gref * 0x9e3779b1U) & (c->nr_buckets - 1);
}

int xpv_blkback_pgnt_init(struct xpv_blkback_pgnt_cache *c,
			  struct xpv_blkback_pgnt *ent, u32 cap,
			  u32 *bucket, u32 nr_buckets)
{
	u32 i;

	memset(c, 0, sizeof(*c));
	c->free_head = NONE;
	c->lru_head = NONE;
	c->lru_tail = NONE;
	if (cap == 0)
		return 0;
	if (cap > XPV_BLKBACK_PGNT_MAX || !ent || !bucket || !nr_buckets ||
	    (nr_buckets & (nr_buckets - 1)))
		return -EINVAL;
	c->ent = ent;
	c->bucket = bucket;
	c->cap = cap;
	c->nr_buckets = nr_buckets;
	for (i = 0; i < nr_buckets; i++)
		bucket[i] = NONE;
	for (i = 0; i < cap; i++) {
		memset(&ent[i], 0, sizeof(ent[i]));
		ent[i].prev = NONE;
		ent[i].chain = NONE;
		ent[i].next = i + 1 < cap ? i + 1 : NONE;
	}
	c->free_head = 0;
	return 0;
}

static void pgnt_lru_unlink(struct xpv_blkback_pgnt_cache *c, u32 idx)
{
	struct xpv_blkback_pgnt *e = &c->ent[idx];

	if (e->prev != NONE)
		c->ent[e->prev].next = e->next;
	else
		c->lru_head = e->next;
	if (e->next != NONE)
		c->ent[e->next].prev = e->prev;
	else
		c->lru_tail = e->prev;
	e->prev = NONE;
	e->next = NONE;
}

static void pgnt_lru_append(struct xpv_blkback_pgnt_cache *c, u32 idx)
{
	struct xpv_blkback_pgnt *e = &c->ent[idx];

	e->next = NONE;
	e->prev = c->lru_tail;
	if (c->lru_tail != NONE)
		c->ent[c->lru_tail].next = idx;
	else
		c->lru_head = idx;
	c->lru_tail = idx;
}

static u32 pgnt_find(const struct xpv_blkback_pgnt_cache *c, u32 gref)
{
	u32 idx, steps = 0;

	if (!c->nr)
		return NONE;
	for (idx = c->bucket[pgnt_bucket(c, gref)]; idx != NONE;
	     idx = c->ent[idx].chain) {
		if (c->ent[idx].gref == gref)
			return idx;
		if (++steps > c->cap)	/* cannot happen: chains are acyclic */
			break;
	}
	return NONE;
}

u32 xpv_blkback_pgnt_get(struct xpv_blkback_pgnt_cache *c, u32 gref)
{
	u32 idx = pgnt_find(c, gref);

	if (idx == NONE)
		return NONE;
	c->ent[idx].users++;
	pgnt_lru_unlink(c, idx);
	pgnt_lru_append(c, idx);
	return idx;
}

u32 xpv_blkback_pgnt_add(struct xpv_blkback_pgnt_cache *c, u32 gref,
			 u32 handle, void *page)
{
	struct xpv_blkback_pgnt *e;
	u32 idx, b;

	if (xpv_blkback_pgnt_full(c) || c->free_head == NONE ||
	    pgnt_find(c, gref) != NONE)
		return NONE;
	idx = c->free_head;
	e = &c->ent[idx];
	c->free_head = e->next;

	e->gref = gref;
	e->users = 1;
	e->handle = handle;
	e->page = page;
	e->live = true;
	b = pgnt_bucket(c, gref);
	e->chain = c->bucket[b];
	c->bucket[b] = idx;
	pgnt_lru_append(c, idx);
	c->nr++;
	return idx;
}

int xpv_blkback_pgnt_put(struct xpv_blkback_pgnt_cache *c, u32 idx)
{
	if (idx >= c->cap || !c->ent[idx].live || !c->ent[idx].users)
		return -EINVAL;
	c->ent[idx].users--;
	return 0;
}

/* Take a live entry out of its hash chain and the LRU list; free it. */
static void pgnt_remove(struct xpv_blkback_pgnt_cache *c, u32 idx)
{
	struct xpv_blkback_pgnt *e = &c->ent[idx];
	u32 *link = &c->bucket[pgnt_bucket(c, e->gref)];

	while (*link != NONE && *link != idx)
		link = &c->ent[*link].chain;
	if (*link == idx)
		*link = e->chain;
	pgnt_lru_unlink(c, idx);
	e->live = false;
	e->chain = NONE;
	e->users = 0;
	e->next = c->free_head;
	c->free_head = idx;
	c->nr--;
}

u32 xpv_blkback_pgnt_evict(struct xpv_blkback_pgnt_cache *c, u32 max,
			   struct xpv_blkback_pgnt *out)
{
	u32 idx = c->lru_head, next, n = 0;

	while (idx != NONE && n < max) {
		next = c->ent[idx].next;
		if (!c->ent[idx].users) {
			out[n] = c->ent[idx];
			out[n].prev = NONE;
			out[n].next = NONE;
			out[n].chain = NONE;
			out[n].live = false;
			n++;
			pgnt_remove(c, idx);
		}
		idx = next;
	}
	return n;
}

/* ================================================================== */
/* Toolstack keys.                                                     */
/* ================================================================== */

/* A hexadecimal number of 1..8 digits; -EINVAL or -ERANGE above @max. */
static int parse_hex(const char *s, size_t len, u32 max, u32 *out)
{
	u64 v = 0;
	size_t i;

	if (len == 0 || len > 8)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		u32 d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -EINVAL;
		v = v * 16 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = (u32)v;
	return 0;
}

int xpv_blkback_parse_physdev(const char *s, size_t len, u32 *major,
			      u32 *minor)
{
	size_t colon;
	u32 ma, mi;
	int err;

	if (!s)
		return -EINVAL;
	for (colon = 0; colon < len && s[colon] != ':'; colon++)
		;
	if (colon == len)
		return -EINVAL;
	err = parse_hex(s, colon, 0xffffffffU, &ma);
	if (!err)
		err = parse_hex(s + colon + 1, len - colon - 1, 0xffffffffU,
				&mi);
	if (err)
		return err;
	if (ma > 0xfff || mi > 0xfffff)
		return -ERANGE;
	*major = ma;
	*minor = mi;
	return 0;
}

bool xpv_blkback_mode_writable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; s && i < len; i++)
		if (s[i] == 'w')
			return true;
	return false;
}
