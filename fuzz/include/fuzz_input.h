/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cursor over a fuzzer's input: every read is bounded, and an exhausted
 * input reads as zeroes, so each target consumes its bytes in one order.
 */
#ifndef _XPV_FUZZ_INPUT_H
#define _XPV_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline void fuzz_take(struct fuzz_in *in, void *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	fuzz_take(in, &v, 1);
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t v;

	fuzz_take(in, &v, 2);
	return v;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v;

	fuzz_take(in, &v, 4);
	return v;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t v;

	fuzz_take(in, &v, 8);
	return v;
}

/* A violated property: say which, then crash so libFuzzer keeps the input. */
#define PROPERTY(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "property violated: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

#endif /* _XPV_FUZZ_INPUT_H */
