// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Xen-header peer of the blkif tests; see xen_oracle.h.  Build with
 * -DORACLE32 for the x86_32 layout.
 */
#include <string.h>
#include "xen_oracle.h"

#define mb()	__sync_synchronize()
#define rmb()	__sync_synchronize()
#define wmb()	__sync_synchronize()

#ifdef ORACLE32
#pragma pack(push, 4)
#include <xen/io/blkif.h>
#pragma pack(pop)
_Static_assert(sizeof(struct blkif_request) == 108, "i386 blkif_request");
#define P(x) oracle32_##x
#else
#include <xen/io/blkif.h>
_Static_assert(sizeof(struct blkif_request) == 112, "x86_64 blkif_request");
#define P(x) oracle64_##x
#endif

static blkif_front_ring_t front;
static blkif_back_ring_t back;

size_t P(req_size)(void)
{
	return sizeof(struct blkif_request);
}

size_t P(slot_size)(void)
{
	return sizeof(union blkif_sring_entry);
}

void P(encode)(const struct oracle_req *r, void *buf)
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
		q->nr_segments = (uint8_t)r->nr_segments;
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

void P(decode)(const void *buf, struct oracle_req *r)
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

void P(rsp_encode)(uint64_t id, uint8_t op, int16_t st, void *buf)
{
	struct blkif_response *p = buf;

	memset(buf, 0, sizeof(*p));
	p->id = id;
	p->operation = op;
	p->status = st;
}

void P(front_init)(void *sring, size_t bytes)
{
	blkif_sring_t *s = sring;

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&front, s, bytes);
}

unsigned int P(front_nr_ents)(void)
{
	return RING_SIZE(&front);
}

void P(front_put)(const struct oracle_req *r)
{
	P(encode)(r, RING_GET_REQUEST(&front, front.req_prod_pvt));
	front.req_prod_pvt++;
}

int P(front_push)(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	return notify;
}

int P(front_get_rsp)(uint64_t *id, uint8_t *op, int16_t *st)
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

void P(back_attach)(void *sring, size_t bytes)
{
	BACK_RING_INIT(&back, (blkif_sring_t *)sring, bytes);
}

int P(back_get_req)(struct oracle_req *r)
{
	struct blkif_request req;

	if (!RING_HAS_UNCONSUMED_REQUESTS(&back))
		return 0;
	RING_COPY_REQUEST(&back, back.req_cons, &req);
	back.req_cons++;
	P(decode)(&req, r);
	return 1;
}

void P(back_put_rsp)(uint64_t id, uint8_t op, int16_t st)
{
	P(rsp_encode)(id, op, st, RING_GET_RESPONSE(&back, back.rsp_prod_pvt));
	back.rsp_prod_pvt++;
}

int P(back_push)(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	return notify;
}
