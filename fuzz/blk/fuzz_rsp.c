// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: our front end sends requests and a hostile back end
 * answers with arbitrary response bytes and arbitrary producer indices.
 *
 * Input: [flags u8] then commands, each [cmd u8] + operands:
 *   0: send one request (operation from the next byte)
 *   1: the back end writes an arbitrary response into its next slot
 *   2: the back end publishes an arbitrary rsp_prod (u32 delta)
 *   3: the back end publishes the responses it wrote
 *   4: the front end consumes every response available
 * flags bit 0: x86_32 layout.
 *
 * Properties: no out-of-bounds access; the front end never takes more
 * responses than it had requests outstanding; xpv_blkif_rsp_check()
 * accepts exactly the responses whose id is outstanding, whose operation
 * is the one sent and whose status is known (checked against a model kept
 * here); the shadow table's free count always matches the model.
 */
#include "fuzz_input.h"
#include "blkif_proto.h"

#define NR	32	/* slots of a one-page ring in both layouts */

static const u8 ops[] = {
	XPV_BLKIF_OP_READ, XPV_BLKIF_OP_WRITE, XPV_BLKIF_OP_FLUSH_DISKCACHE,
	XPV_BLKIF_OP_WRITE_BARRIER, XPV_BLKIF_OP_DISCARD,
	XPV_BLKIF_OP_INDIRECT,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 ring_mem[XPV_BLKIF_PAGE_SIZE] __attribute__((aligned(4096)));
	struct xpv_sring *s = (struct xpv_sring *)ring_mem;
	struct fuzz_in in = { data, size };
	struct xpv_blkif_shadow ent[NR];
	struct xpv_blkif_shadow_tab tab;
	struct xpv_blkif_front_ring fr;
	bool out[NR] = { false };
	u8 want_op[NR] = { 0 };
	unsigned int outstanding = 0, steps = 0;
	u32 back_prod = 0;	/* the hostile back end's private index */
	enum xpv_blkif_abi abi;
	size_t rsz, esz;

	abi = fuzz_u8(&in) & 1 ? XPV_BLKIF_ABI_X86_32 : XPV_BLKIF_ABI_X86_64;
	rsz = xpv_blkif_rsp_size(abi);
	esz = xpv_blkif_slot_size(abi);
	PROPERTY(xpv_blkif_front_init(&fr, abi, s, sizeof(ring_mem)) == 0);
	PROPERTY(fr.r.nr_ents == NR);
	PROPERTY(xpv_blkif_shadow_init(&tab, ent, NR) == 0);

	while (in.left && steps++ < 4096 && !fr.r.broken) {
		u8 cmd = fuzz_u8(&in) % 5;

		if (cmd == 0) {
			struct xpv_blkif_req req;
			struct xpv_blkif_seg seg = { 8, 0, 7 };
			u32 g = 9;
			u8 op = ops[fuzz_u8(&in) % sizeof(ops)];

			if (op == XPV_BLKIF_OP_DISCARD)
				xpv_blkif_build_discard(&req, 0, 0, 8, false);
			else if (op == XPV_BLKIF_OP_INDIRECT)
				xpv_blkif_build_indirect(&req,
							 XPV_BLKIF_OP_WRITE, 0,
							 0, 0, 20, &g);
			else
				xpv_blkif_build_rw(&req, op, 0, 0, 0, &seg, 1);
			if (xpv_blkif_shadow_alloc(&tab, &req)) {
				PROPERTY(outstanding == NR);
				continue;
			}
			PROPERTY(req.id < NR && !out[req.id]);
			out[req.id] = true;
			want_op[req.id] = xpv_blkif_rsp_op(&req);
			outstanding++;
			PROPERTY(xpv_blkif_front_put(&fr, &req));
			xpv_front_push_reqs(&fr.r);
		} else if (cmd == 1) {
			u8 raw[16];

			fuzz_take(&in, raw, sizeof(raw));
			memcpy(xpv_ring_entry(s, NR, back_prod++, esz), raw,
			       rsz);
		} else if (cmd == 2) {
			WRITE_ONCE(s->rsp_prod, s->rsp_prod + fuzz_u32(&in));
		} else if (cmd == 3) {
			WRITE_ONCE(s->rsp_prod, back_prod);
		} else {
			struct xpv_blkif_rsp rsp;
			u32 before = fr.r.rsp_cons;

			while (xpv_blkif_front_get(&fr, &rsp)) {
				bool ok = rsp.id < NR && out[rsp.id] &&
					  want_op[rsp.id] == rsp.operation &&
					  rsp.status >= -2 && rsp.status <= 0;
				int err = xpv_blkif_rsp_check(&tab, &rsp);

				PROPERTY((err == 0) == ok);
				PROPERTY((u32)(fr.r.rsp_cons - before) <=
					 NR);
				if (err)
					continue;	/* a driver would stop */
				PROPERTY(xpv_blkif_shadow_free(&tab, rsp.id)
					 == 0);
				out[rsp.id] = false;
				outstanding--;
			}
			/* Never more answers consumed than requests pushed. */
			PROPERTY((u32)(fr.r.req_pushed - fr.r.rsp_cons) <= NR);
		}
		PROPERTY(tab.nr_free == NR - outstanding);
	}
	return 0;
}
