// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile front end writes one arbitrary request (in
 * either layout) into the shared ring, plus arbitrary indirect pages; our
 * back end copies it out, decodes and validates it, and answers it.
 *
 * Input: [flags u8][max_indirect u16][sectors u64][request, 112 or 108
 * bytes][indirect page bytes...].  flags: bit 0 x86_32 layout, 1 read-only,
 * 2 flush, 3 barrier, 4 discard, 5 secure discard, 6-7 sector size.
 *
 * Properties (abort on violation): no out-of-bounds access (ASan: the
 * request copy and each indirect page are exactly sized heap buffers); an
 * accepted request's operation is one the limits enable, its segment count
 * within the limit, every segment within its page with a grant, its sector
 * range (length recomputed here) inside the device; the answer carries the
 * request's id and operation back to the front end.
 */
#include "fuzz_input.h"
#include "blkif_proto.h"

static const u32 sector_sizes[4] = { 512, 4096, 1024, 768 };

static void verify_accepted(const struct xpv_blkif_limits *lim,
			    const struct xpv_blkif_req *req,
			    const struct xpv_blkif_io *io,
			    const struct xpv_blkif_seg *seg)
{
	unsigned __int128 end;
	u64 total = 0;
	unsigned int i, spb;

	PROPERTY(xpv_blkif_limits_valid(lim) == 0);
	spb = lim->sector_size / 512;
	PROPERTY(io->op == xpv_blkif_rsp_op(req));
	PROPERTY(io->indirect == (req->operation == XPV_BLKIF_OP_INDIRECT));

	switch (io->op) {
	case XPV_BLKIF_OP_READ:
		break;
	case XPV_BLKIF_OP_WRITE:
		PROPERTY(!lim->readonly);
		break;
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		PROPERTY(lim->flush && !io->indirect);
		PROPERTY(!lim->readonly || io->nr_segments == 0);
		break;
	case XPV_BLKIF_OP_WRITE_BARRIER:
		PROPERTY(lim->barrier && !io->indirect);
		PROPERTY(!lim->readonly || io->nr_segments == 0);
		break;
	case XPV_BLKIF_OP_DISCARD:
		PROPERTY(lim->discard && !lim->readonly);
		PROPERTY(!(req->flag & ~XPV_BLKIF_DISCARD_SECURE));
		PROPERTY(!(req->flag & XPV_BLKIF_DISCARD_SECURE) ||
			 lim->secure_discard);
		PROPERTY(io->nr_sectors > 0 && io->nr_sectors % spb == 0);
		PROPERTY(io->sector_number % spb == 0);
		end = (unsigned __int128)io->sector_number + io->nr_sectors;
		PROPERTY(end <= lim->sectors);
		return;
	default:
		PROPERTY(0 && "unknown operation accepted");
	}

	if (io->nr_segments == 0) {
		PROPERTY(io->op == XPV_BLKIF_OP_FLUSH_DISKCACHE ||
			 io->op == XPV_BLKIF_OP_WRITE_BARRIER);
		return;
	}
	if (io->indirect) {
		PROPERTY(io->nr_segments <= lim->max_indirect_segs);
		PROPERTY(io->nr_segments <= XPV_BLKIF_MAX_INDIRECT_SEGS);
		PROPERTY(io->nr_indirect_pages ==
			 (io->nr_segments + 511) / 512);
		for (i = 0; i < io->nr_indirect_pages; i++)
			PROPERTY(req->indirect_grefs[i] != 0);
	} else {
		PROPERTY(io->nr_segments <= XPV_BLKIF_MAX_SEGS);
	}
	for (i = 0; i < io->nr_segments; i++) {
		PROPERTY(seg[i].gref != 0);
		PROPERTY(seg[i].first_sect <= seg[i].last_sect);
		PROPERTY(seg[i].last_sect <= 7);
		PROPERTY((seg[i].last_sect - seg[i].first_sect + 1) % spb == 0);
		total += seg[i].last_sect - seg[i].first_sect + 1;
	}
	PROPERTY(total == io->nr_sectors);
	PROPERTY(io->sector_number % spb == 0);
	end = (unsigned __int128)io->sector_number + total;
	PROPERTY(end <= lim->sectors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 ring_mem[XPV_BLKIF_PAGE_SIZE] __attribute__((aligned(4096)));
	struct xpv_sring *s = (struct xpv_sring *)ring_mem;
	struct fuzz_in in = { data, size };
	struct xpv_blkif_limits lim = { 0 };
	struct xpv_blkif_front_ring fr;
	struct xpv_blkif_back_ring br;
	struct xpv_blkif_req req, req2;
	struct xpv_blkif_seg *seg = NULL;
	struct xpv_blkif_io io;
	struct xpv_blkif_rsp rsp;
	enum xpv_blkif_abi abi;
	void *pages[XPV_BLKIF_MAX_INDIRECT_PAGES] = { NULL };
	u8 *wire, *slot;
	size_t rsz;
	u8 flags;
	int err;
	unsigned int i;

	flags = fuzz_u8(&in);
	abi = flags & 1 ? XPV_BLKIF_ABI_X86_32 : XPV_BLKIF_ABI_X86_64;
	lim.readonly = flags & 2;
	lim.flush = flags & 4;
	lim.barrier = flags & 8;
	lim.discard = flags & 16;
	lim.secure_discard = (flags & 32) && lim.discard;
	lim.sector_size = sector_sizes[flags >> 6];
	lim.max_indirect_segs = fuzz_u16(&in) % 4200;
	lim.sectors = fuzz_u64(&in);

	/* The raw request, in an exactly sized buffer. */
	rsz = xpv_blkif_req_size(abi);
	wire = malloc(rsz);
	fuzz_take(&in, wire, rsz);

	/* Hostile front end: raw bytes straight into the slot. */
	PROPERTY(xpv_blkif_front_init(&fr, abi, s, sizeof(ring_mem)) == 0);
	PROPERTY(xpv_blkif_back_attach(&br, abi, s, sizeof(ring_mem)) == 0);
	slot = xpv_front_new_req(&fr.r, rsz, xpv_blkif_slot_size(abi));
	PROPERTY(slot);
	memcpy(slot, wire, rsz);
	xpv_front_push_reqs(&fr.r);

	PROPERTY(xpv_blkif_back_get(&br, &req));
	PROPERTY(!xpv_blkif_back_get(&br, &req2));	/* only one */
	xpv_blkif_req_decode(abi, wire, &req2);		/* same, off the heap */
	PROPERTY(memcmp(&req, &req2, sizeof(req)) == 0);

	err = xpv_blkif_req_check(&lim, &req, &io);
	if (!err && io.indirect) {
		PROPERTY(io.nr_indirect_pages >= 1 &&
			 io.nr_indirect_pages <= XPV_BLKIF_MAX_INDIRECT_PAGES);
		for (i = 0; i < io.nr_indirect_pages; i++) {
			pages[i] = malloc(XPV_BLKIF_PAGE_SIZE);
			fuzz_take(&in, pages[i], XPV_BLKIF_PAGE_SIZE);
		}
		seg = malloc(io.nr_segments * sizeof(*seg));
		xpv_blkif_indirect_copy(seg, (const void *const *)pages,
					io.nr_segments);
		err = xpv_blkif_segs_check(&lim, &io, seg, io.nr_segments);
	}
	if (!err)
		verify_accepted(&lim, &req, &io, io.indirect ? seg : req.seg);
	else
		PROPERTY(err == -EOPNOTSUPP || err == -EINVAL ||
			 err == -ERANGE || err == -EROFS);

	/* Answer; the front end must see its id and operation again. */
	PROPERTY(xpv_blkif_back_respond(&br, req.id, xpv_blkif_rsp_op(&req),
					xpv_blkif_rsp_status(err)));
	xpv_back_push_rsps(&br.r);
	PROPERTY(xpv_blkif_front_get(&fr, &rsp));
	PROPERTY(rsp.id == req.id);
	PROPERTY(rsp.operation == xpv_blkif_rsp_op(&req));
	PROPERTY(rsp.status == (err ? (err == -EOPNOTSUPP ? -2 : -1) : 0));

	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++)
		free(pages[i]);
	free(seg);
	free(wire);
	return 0;
}
