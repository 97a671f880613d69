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
 * alone on error; xpv_blkif_parse_u64() (blkif_proto.c; no driver calls
 * it today) agrees with it on every value without the NUL; formatting
 * then parsing returns the value;
 * the protocol parser accepts exactly the two ABI names; the back end's
 * ring order and queue count checks return values within the limits.
 */
#include <errno.h>
#include "fuzz_input.h"
/* First: its user shim's READ_ONCE() is the one compat.h then keeps. */
#include "xs_proto.h"
#include "blkif_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u64 max = fuzz_u64(&in), v = 0, v2 = 0;
	unsigned int omax = fuzz_u8(&in) % 8, qmax = fuzz_u8(&in);
	size_t len = in.left, i;
	char *val = malloc(len ? len : 1), *z = malloc(len + 1);
	enum xpv_blkif_abi abi;
	char buf[24];
	bool digits = len >= 1 && len <= 20, b;
	size_t xlen = len && in.p[len - 1] == '\0' ? len - 1 : len;
	bool xdigits = xlen >= 1 && xlen <= 20;
	u64 xv = 0x5a5a5a5aULL;
	int err, xerr, n;

	memcpy(val, in.p, len);
	memcpy(z, in.p, len);
	z[len] = '\0';
	for (i = 0; i < len; i++)
		if (val[i] < '0' || val[i] > '9')
			digits = false;
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

	err = xpv_blkif_parse_u64(val, len, max, &v);
	if (len && val[len - 1] != '\0')
		PROPERTY((err == 0) == (xerr == 0) && (err || v == xv));
	if (digits) {
		unsigned long long ref;

		errno = 0;
		ref = strtoull(z, NULL, 10);
		if (errno == ERANGE || ref > max) {
			PROPERTY(err == -ERANGE);
		} else {
			PROPERTY(err == 0 && v == ref);
			n = xpv_blkif_fmt_u64(buf, sizeof(buf), v);
			PROPERTY(n > 0 && (size_t)n == strlen(buf));
			PROPERTY(xpv_blkif_parse_u64(buf, n, max, &v2) == 0);
			PROPERTY(v2 == v);
		}
	} else {
		PROPERTY(err == -EINVAL);
	}
	err = xpv_blkif_parse_bool(val, len, &b);
	PROPERTY(err == 0 ? digits : (err == -EINVAL));

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

	n = xpv_blkif_ring_ref_key(buf, sizeof(buf), omax, true, qmax);
	PROPERTY(n < 0 ? (omax > 4 || qmax >= (1U << omax))
		       : (size_t)n == strlen(buf));
	free(val);
	free(z);
	return 0;
}
