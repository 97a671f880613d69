// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: xenstore values written by a hostile peer, through the
 * parser the drivers really run and the negotiation helpers.
 *
 * Input: [max u64][order_max u8][queues_max u8][value bytes...].
 *
 * Properties: no out-of-bounds read of the (exactly sized, not
 * NUL-terminated) value; xpv_xs_parse_uint() (drivers/xen/proto/
 * xs_proto.c: what xpv_xs_read_uint() runs for every numeric key of
 * blkfront, blkback and xenbus) accepts exactly the strings of 1..20
 * decimal digits, optionally followed by one NUL, whose value fits @max,
 * returns that value (checked against strtoull) and leaves the result
 * alone on error (both providers run it: the dom0-compat
 * xpv_xs_read_uint() too); the protocol parser accepts exactly the two ABI
 * names; the back end's ring order and queue count checks return values
 * within the limits; the ring-reference and queue key names the ring
 * endpoints build (drivers/xen/proto/xenbus_keys.c) are the expected
 * strings whenever they are accepted.
 */
#include <errno.h>
#include "fuzz_input.h"
#include "xs_proto.h"
#include "xenbus_keys.h"
#include "blkif_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u64 max = fuzz_u64(&in);
	unsigned int omax = fuzz_u8(&in) % 8, qmax = fuzz_u8(&in);
	size_t len = in.left, i;
	char *val = malloc(len ? len : 1), *z = malloc(len + 1);
	enum xpv_blkif_abi abi;
	char buf[XPV_XB_NODE_MAX], want[XPV_XB_NODE_MAX];
	size_t xlen = len && in.p[len - 1] == '\0' ? len - 1 : len;
	bool xdigits = xlen >= 1 && xlen <= 20;
	u64 xv = 0x5a5a5a5aULL;
	int err, xerr, n, m;

	memcpy(val, in.p, len);
	memcpy(z, in.p, len);
	z[len] = '\0';
	for (i = 0; i < xlen; i++)
		if (val[i] < '0' || val[i] > '9')
			xdigits = false;

	/* The parser the drivers run (len is a u32 in the kernel, too). */
	xerr = xpv_xs_parse_uint(val, (u32)len, max, &xv);
	if (xdigits) {
		unsigned long long ref;

		errno = 0;
		ref = strtoull(z, NULL, 10);
		if (errno == ERANGE || ref > max)
			PROPERTY(xerr == -ERANGE && xv == 0x5a5a5a5aULL);
		else
			PROPERTY(xerr == 0 && xv == ref);
	} else {
		/*
		 * Refused; -ERANGE when the digits before the garbage already
		 * exceed @max (the parser stops at the first reason).
		 */
		PROPERTY((xerr == -EINVAL || xerr == -ERANGE) &&
			 xv == 0x5a5a5a5aULL);
	}

	err = xpv_blkif_parse_protocol(val, len, &abi);
	PROPERTY((err == 0) == ((len == 10 && !memcmp(val, "x86_64-abi", 10)) ||
				(len == 10 && !memcmp(val, "x86_32-abi", 10))));

	n = xpv_blkif_back_ring_order(true, max, omax);
	PROPERTY(n == -EINVAL || (n >= 0 && (u64)n == max &&
				  n <= (int)omax && n <= 4));
	n = xpv_blkif_back_queues(true, max, qmax);
	PROPERTY(n == -EINVAL || (n >= 1 && (u64)n == max &&
				  (n <= (int)qmax || n == 1)));
	n = xpv_blkif_front_queues(qmax, max);
	PROPERTY(n >= 1 && (u64)n <= (max ? max : 1) &&
		 (unsigned int)n <= (qmax ? qmax : 1));
	n = xpv_blkif_front_ring_order(omax, max);
	PROPERTY(n >= 0 && n <= 4 && (u64)n <= max && (unsigned int)n <= omax);
	n = xpv_blkif_front_indirect_segs(qmax * 32, max);
	PROPERTY(n == 0 || (n > 11 && n <= 4096 && (u64)n <= max));
	{
		/* The persistent grant pool: bounded, and a request fits. */
		unsigned int segs = (unsigned int)(max & 0x1fff), want = qmax * 64;
		unsigned int in_segs = segs, pool;

		pool = xpv_blkif_front_pgnt_pool(want, omax * 64, &segs);
		if (!omax || !in_segs) {
			PROPERTY(pool == 0);
		} else {
			PROPERTY(pool >= 11 && segs <= pool && segs <= in_segs);
			PROPERTY((u64)pool <= (u64)omax * 64 * in_segs || pool == 11);
			PROPERTY(!want || pool <= want || pool == 11);
			PROPERTY(segs == in_segs || segs == pool);
		}
	}

	/*
	 * Key names: queue qmax of (max & 0xff) queues, page qmax of a ring
	 * of order omax, with or without numbered keys (max bit 8).
	 */
	m = (int)(max & 0xff);
	n = xpv_xb_queue_dir(buf, sizeof(buf), m, qmax);
	if (qmax >= (m ? (unsigned int)m : 1U)) {
		PROPERTY(n == -EINVAL);
	} else {
		if (m <= 1)
			want[0] = '\0';
		else
			snprintf(want, sizeof(want), "queue-%u/", qmax);
		PROPERTY(n == 0 && !strcmp(buf, want));
	}
	n = xpv_xb_ring_ref_node(buf, sizeof(buf), "queue-7/", "ring-ref",
				 omax, max & 0x100, qmax);
	if (omax > 4 || qmax >= (1U << omax) || (omax && !(max & 0x100))) {
		PROPERTY(n == -EINVAL);
	} else {
		if (max & 0x100)
			snprintf(want, sizeof(want), "queue-7/ring-ref%u", qmax);
		else
			snprintf(want, sizeof(want), "queue-7/ring-ref");
		PROPERTY(n == 0 && !strcmp(buf, want));
	}
	free(val);
	free(z);
	return 0;
}
