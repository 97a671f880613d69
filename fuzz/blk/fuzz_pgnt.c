// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the back end's persistent-grant bookkeeping
 * (drivers/block/xen-blk/back_proto.c), driven by the grant references a
 * hostile front end names, against a model; then the toolstack keys the
 * same file parses.
 *
 * Input: [cap u8][buckets u8][nr_ops u8] then per op [op u8][arg u8]
 * (grant references come from a small space, so they collide), then the
 * rest as a "physical-device" value.
 *
 * Properties: the cache never holds more than its capacity, nor one grant
 * twice; a lookup finds exactly the grants the model holds, at the index
 * they were added at; an entry with users is never evicted; eviction takes
 * idle entries least recently used first; puts without a use are refused;
 * no access outside the exactly sized entry and bucket arrays (ASan).
 * "physical-device": accepted values are two hexadecimal numbers around
 * one colon, within the dev_t limits.
 */
#include <errno.h>
#include "fuzz_input.h"
#include "back_proto.h"

#define NR_GREFS	48
#define NONE		XPV_BLKBACK_PGNT_NONE

struct model {
	u32 idx[NR_GREFS];	/* NONE: not cached */
	u32 users[NR_GREFS];
	u32 lru[64];		/* grants, least recently used first */
	u32 nr;
};

static void lru_remove(struct model *m, u32 g)
{
	u32 i;

	for (i = 0; i < m->nr; i++)
		if (m->lru[i] == g)
			break;
	PROPERTY(i < m->nr);
	memmove(&m->lru[i], &m->lru[i + 1], (m->nr - i - 1) * sizeof(u32));
	m->nr--;
}

static void lru_append(struct model *m, u32 g)
{
	m->lru[m->nr++] = g;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u32 cap = fuzz_u8(&in) % 33, nb = 1U << (fuzz_u8(&in) % 6);
	unsigned int nr_ops = fuzz_u8(&in), k;
	struct xpv_blkback_pgnt *ent = cap ? calloc(cap, sizeof(*ent)) : NULL;
	struct xpv_blkback_pgnt out[33];
	u32 *bucket = cap ? calloc(nb, sizeof(*bucket)) : NULL;
	struct xpv_blkback_pgnt_cache c;
	struct model m;
	u32 g, i, n;

	PROPERTY(xpv_blkback_pgnt_init(&c, ent, cap, bucket, nb) == 0);
	for (g = 0; g < NR_GREFS; g++) {
		m.idx[g] = NONE;
		m.users[g] = 0;
	}
	m.nr = 0;

	for (k = 0; k < nr_ops; k++) {
		u8 op = fuzz_u8(&in), arg = fuzz_u8(&in);
		u32 idx;

		g = arg % NR_GREFS;
		switch (op % 4) {
		case 0:	/* a request names a grant we may map persistently */
			idx = xpv_blkback_pgnt_add(&c, g, g + 1000, NULL);
			if (m.idx[g] != NONE || m.nr >= cap) {
				PROPERTY(idx == NONE);
				break;
			}
			PROPERTY(idx < cap);
			m.idx[g] = idx;
			m.users[g] = 1;
			lru_append(&m, g);
			break;
		case 1:	/* lookup */
			idx = xpv_blkback_pgnt_get(&c, g);
			PROPERTY(idx == m.idx[g]);
			if (idx != NONE) {
				PROPERTY(c.ent[idx].gref == g);
				PROPERTY(c.ent[idx].handle == g + 1000);
				m.users[g]++;
				lru_remove(&m, g);
				lru_append(&m, g);
			}
			break;
		case 2:	/* a use ends; or a bogus index */
			if (arg & 0x80) {
				idx = arg & 0x40 ? NONE : (u32)(arg & 0x3f);
				for (i = 0; i < NR_GREFS; i++)
					if (m.idx[i] == idx && m.users[i])
						break;
				if (i < NR_GREFS) {
					PROPERTY(!xpv_blkback_pgnt_put(&c, idx));
					m.users[i]--;
				} else {
					PROPERTY(xpv_blkback_pgnt_put(&c, idx) ==
						 -EINVAL);
				}
				break;
			}
			if (m.idx[g] == NONE)
				break;
			if (m.users[g]) {
				PROPERTY(!xpv_blkback_pgnt_put(&c, m.idx[g]));
				m.users[g]--;
			} else {
				PROPERTY(xpv_blkback_pgnt_put(&c, m.idx[g]) ==
					 -EINVAL);
			}
			break;
		case 3:	/* reclaim */
			n = xpv_blkback_pgnt_evict(&c, arg % 9, out);
			PROPERTY(n <= arg % 9u);
			for (i = 0, idx = 0; i < n; i++) {
				u32 eg = out[i].gref;

				PROPERTY(eg < NR_GREFS && m.idx[eg] != NONE);
				PROPERTY(!m.users[eg]);
				/* the least recently used idle one */
				while (idx < m.nr && m.users[m.lru[idx]])
					idx++;
				PROPERTY(idx < m.nr && m.lru[idx] == eg);
				lru_remove(&m, eg);
				m.idx[eg] = NONE;
			}
			break;
		}
		PROPERTY(c.nr == m.nr && c.nr <= cap);
		PROPERTY(xpv_blkback_pgnt_full(&c) == (m.nr >= cap));
	}

	{
		size_t len = in.left;
		char *val = malloc(len ? len : 1);
		u32 major = 0, minor = 0, colons = 0;
		int err;

		memcpy(val, in.p, len);
		err = xpv_blkback_parse_physdev(val, len, &major, &minor);
		PROPERTY(err == 0 || err == -EINVAL || err == -ERANGE);
		if (!err) {
			for (i = 0; i < len; i++) {
				char ch = val[i];

				colons += ch == ':';
				PROPERTY(ch == ':' || (ch >= '0' && ch <= '9') ||
					 (ch >= 'a' && ch <= 'f') ||
					 (ch >= 'A' && ch <= 'F'));
			}
			PROPERTY(colons == 1 && major <= 0xfff &&
				 minor <= 0xfffff);
		}
		(void)xpv_blkback_mode_writable(val, len);
		free(val);
	}
	free(bucket);
	free(ent);
	return 0;
}
