// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpora of the blkif fuzzers: well-formed inputs of each
 * kind (every request kind in both layouts, indirect requests with their
 * pages, response exchanges, xenstore values), so the fuzzers start from
 * the accepted paths and mutate towards the edges.
 *
 * Usage: gen_corpus DIR   (creates DIR/req, DIR/rsp, DIR/negotiate)
 */
#include <sys/stat.h>
#include "fuzz_input.h"
#include "blkif_proto.h"

static const char *dir;

static void put(const char *target, unsigned int n, const void *buf,
		size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/seed-%03u", dir, target, n);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static unsigned int req_seed(unsigned int n, enum xpv_blkif_abi abi,
			     const struct xpv_blkif_req *req,
			     unsigned int nr_indirect)
{
	static u8 buf[11 + 112 + 2 * XPV_BLKIF_PAGE_SIZE];
	u64 sectors = 1ULL << 24;
	u16 max_ind = 1024;
	size_t len = 0, i;

	buf[len++] = (abi == XPV_BLKIF_ABI_X86_32) | 0x3c;	/* all on */
	memcpy(buf + len, &max_ind, 2);
	len += 2;
	memcpy(buf + len, &sectors, 8);
	len += 8;
	xpv_blkif_req_encode(abi, req, buf + len);
	len += xpv_blkif_req_size(abi);
	for (i = 0; i < nr_indirect; i++) {
		struct xpv_blkif_seg s = { 100 + i, i % 8, 7 };
		u8 *pg = buf + len;

		xpv_blkif_indirect_put((void *const *)&pg, 0, &s);
		len += 8;
	}
	put("req", n, buf, len);
	return n + 1;
}

int main(int argc, char **argv)
{
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
	struct xpv_blkif_req req;
	unsigned int n = 0, i, a;
	u32 grefs[2] = { 77, 78 };
	static const char *const vals[] = {
		"0", "1", "4", "11", "256", "4096", "18446744073709551615",
		"x86_64-abi", "x86_32-abi", "007",
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	for (i = 0; i < XPV_BLKIF_MAX_SEGS; i++) {
		seg[i].gref = 10 + i;
		seg[i].first_sect = 0;
		seg[i].last_sect = 7;
	}
	for (a = 0; a < 2; a++) {
		enum xpv_blkif_abi abi = a ? XPV_BLKIF_ABI_X86_32
					   : XPV_BLKIF_ABI_X86_64;

		xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 1, 0, 64, seg, 3);
		n = req_seed(n, abi, &req, 0);
		xpv_blkif_build_rw(&req, XPV_BLKIF_OP_WRITE, 2, 0, 8, seg, 11);
		n = req_seed(n, abi, &req, 0);
		xpv_blkif_build_rw(&req, XPV_BLKIF_OP_FLUSH_DISKCACHE, 3, 0, 0,
				   seg, 1);
		n = req_seed(n, abi, &req, 0);
		xpv_blkif_build_flush(&req, XPV_BLKIF_OP_WRITE_BARRIER, 4, 0);
		n = req_seed(n, abi, &req, 0);
		xpv_blkif_build_discard(&req, 5, 128, 1024, true);
		n = req_seed(n, abi, &req, 0);
		xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ, 6, 0, 0, 40,
					 grefs);
		n = req_seed(n, abi, &req, 40);
		xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_WRITE, 7, 0, 0,
					 600, grefs);
		n = req_seed(n, abi, &req, 600);
	}

	/* rsp: send a few, answer them properly, consume; both layouts. */
	for (a = 0; a < 2; a++) {
		u8 buf[256];
		size_t len = 0;
		struct xpv_blkif_rsp r;

		buf[len++] = a;
		for (i = 0; i < 6; i++) {
			buf[len++] = 0;
			buf[len++] = i;
		}
		for (i = 0; i < 6; i++) {
			static const u8 rop[] = { 0, 1, 3, 2, 5, 1 };

			buf[len++] = 1;
			r = (struct xpv_blkif_rsp){ i, rop[i], -(s16)(i % 3) };
			memset(buf + len, 0, 16);
			xpv_blkif_rsp_encode(a, &r, buf + len);
			len += 16;
		}
		buf[len++] = 3;
		buf[len++] = 4;
		put("rsp", a, buf, len);
	}

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		u8 buf[64];
		u64 max = i & 1 ? ~0ULL : 4096;

		memcpy(buf, &max, 8);
		buf[8] = 4;
		buf[9] = 8;
		memcpy(buf + 10, vals[i], strlen(vals[i]));
		put("negotiate", i, buf, 10 + strlen(vals[i]));
	}
	return 0;
}
