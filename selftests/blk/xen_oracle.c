// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Xen-header peer of the blkif tests; see xen_oracle.h.  Build with
 * -DORACLE32 for the x86_32 layout.
 */
#include <assert.h>
#include <stdint.h>	/* Xen's public headers use its types */
#include <string.h>
#include "xen_oracle.h"

/*
 * io/ring.h wants the barriers of its environment: full ones here, to
 * order the ring entries against the indices (one process, two roles).
 */
#define mb()	__sync_synchronize()	/* full barrier */
#define rmb()	__sync_synchronize()	/* indices before entries */
#define wmb()	__sync_synchronize()	/* entries before indices */

#ifdef ORACLE32
#pragma pack(push, 4)
#include <xen/io/blkif.h>
#pragma pack(pop)
static_assert(sizeof(struct blkif_request) == 108, "i386 blkif_request");
#define P(x) oracle32_##x
#else
#include <xen/io/blkif.h>
static_assert(sizeof(struct blkif_request) == 112, "x86_64 blkif_request");
#define P(x) oracle64_##x
#endif

static blkif_front_ring_t front;
static blkif_back_ring_t back;

static size_t req_size(void)
{
	return sizeof(struct blkif_request);
}

static size_t slot_size(void)
{
	return sizeof(union blkif_sring_entry);
}

static void encode(const struct oracle_req *r, void *buf)
{
	int i;

	memset(buf, 0, sizeof(struct blkif_request));
	if (r->op == BLKIF_OP_INDIRECT) {
		struct blkif_request_indirect *q = buf;

		q->operation = r->op;
		q->indirect_op = r->indirect_op;
		q->nr_segments = r->nr_segments;
		q->id = r->id;
		q->sector_number = r->sector;
		q->handle = r->handle;
		for (i = 0; i < 8; i++)
			q->indirect_grefs[i] = r->indirect_grefs[i];
	} else if (r->op == BLKIF_OP_DISCARD) {
		struct blkif_request_discard *q = buf;

		q->operation = r->op;
		q->flag = r->flag;
		q->id = r->id;
		q->sector_number = r->sector;
		q->nr_sectors = r->nr_sectors;
	} else {
		struct blkif_request *q = buf;

		q->operation = r->op;
		q->nr_segments = (__u8)r->nr_segments;
		q->handle = r->handle;
		q->id = r->id;
		q->sector_number = r->sector;
		for (i = 0; i < 11; i++) {
			q->seg[i].gref = r->gref[i];
			q->seg[i].first_sect = r->first[i];
			q->seg[i].last_sect = r->last[i];
		}
	}
}

static void decode(const void *buf, struct oracle_req *r)
{
	const struct blkif_request *q = buf;
	int i;

	memset(r, 0, sizeof(*r));
	r->op = q->operation;
	if (r->op == BLKIF_OP_INDIRECT) {
		const struct blkif_request_indirect *d = buf;

		r->indirect_op = d->indirect_op;
		r->nr_segments = d->nr_segments;
		r->id = d->id;
		r->sector = d->sector_number;
		r->handle = d->handle;
		for (i = 0; i < 8; i++)
			r->indirect_grefs[i] = d->indirect_grefs[i];
	} else if (r->op == BLKIF_OP_DISCARD) {
		const struct blkif_request_discard *d = buf;

		r->flag = d->flag;
		r->id = d->id;
		r->sector = d->sector_number;
		r->nr_sectors = d->nr_sectors;
	} else {
		r->nr_segments = q->nr_segments;
		r->handle = q->handle;
		r->id = q->id;
		r->sector = q->sector_number;
		for (i = 0; i < 11; i++) {
			r->gref[i] = q->seg[i].gref;
			r->first[i] = q->seg[i].first_sect;
			r->last[i] = q->seg[i].last_sect;
		}
	}
}

static void rsp_encode(__u64 id, __u8 op, __s16 st, void *buf)
{
	struct blkif_response *p = buf;

	memset(buf, 0, sizeof(*p));
	p->id = id;
	p->operation = op;
	p->status = st;
}

static void front_init(void *sring, size_t bytes)
{
	blkif_sring_t *s = sring;

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&front, s, bytes);
}

static unsigned int front_nr_ents(void)
{
	return RING_SIZE(&front);
}

static void front_put(const struct oracle_req *r)
{
	encode(r, RING_GET_REQUEST(&front, front.req_prod_pvt));
	front.req_prod_pvt++;
}

static int front_push(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	return notify;
}

static int front_get_rsp(__u64 *id, __u8 *op, __s16 *st)
{
	struct blkif_response rsp;

	if (!RING_HAS_UNCONSUMED_RESPONSES(&front))
		return 0;
	RING_COPY_RESPONSE(&front, front.rsp_cons, &rsp);
	front.rsp_cons++;
	*id = rsp.id;
	*op = rsp.operation;
	*st = rsp.status;
	return 1;
}

static void back_attach(void *sring, size_t bytes)
{
	BACK_RING_INIT(&back, (blkif_sring_t *)sring, bytes);
}

static int back_get_req(struct oracle_req *r)
{
	struct blkif_request req;

	if (!RING_HAS_UNCONSUMED_REQUESTS(&back))
		return 0;
	RING_COPY_REQUEST(&back, back.req_cons, &req);
	back.req_cons++;
	decode(&req, r);
	return 1;
}

static void back_put_rsp(__u64 id, __u8 op, __s16 st)
{
	rsp_encode(id, op, st, RING_GET_RESPONSE(&back, back.rsp_prod_pvt));
	back.rsp_prod_pvt++;
}

static int back_push(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	return notify;
}

const struct oracle_ops P(ops) = {
	.req_size		= req_size,
	.slot_size		= slot_size,
	.encode			= encode,
	.decode			= decode,
	.rsp_encode		= rsp_encode,
	.front_init		= front_init,
	.front_nr_ents		= front_nr_ents,
	.front_put		= front_put,
	.front_push		= front_push,
	.front_get_rsp		= front_get_rsp,
	.back_attach		= back_attach,
	.back_get_req		= back_get_req,
	.back_put_rsp		= back_put_rsp,
	.back_push		= back_push,
};
