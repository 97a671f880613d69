/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An independent peer for the blkif tests: requests and responses written
 * and read through the structs and ring macros of Xen's own public headers
 * (/usr/include/xen/io/blkif.h and io/ring.h, from libxen-dev), nothing of
 * ours.  xen_oracle.c is compiled twice: natively (x86_64 layout, functions
 * oracle64_*) and under "#pragma pack(4)" (the i386 alignment of 64-bit
 * fields: the x86_32 layout, functions oracle32_*).
 */
#ifndef _XPV_BLK_XEN_ORACLE_H
#define _XPV_BLK_XEN_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* A request in plain fields (the oracle's own neutral form). */
struct oracle_req {
	uint8_t op, indirect_op, flag;
	uint16_t nr_segments, handle;
	uint64_t id, sector, nr_sectors;
	uint32_t gref[11];
	uint8_t first[11], last[11];
	uint32_t indirect_grefs[8];
};

#define ORACLE_DECLARE(p)						\
size_t p##_req_size(void);						\
size_t p##_slot_size(void);						\
void p##_encode(const struct oracle_req *r, void *buf);		\
void p##_decode(const void *buf, struct oracle_req *r);		\
void p##_rsp_encode(uint64_t id, uint8_t op, int16_t st, void *buf);	\
void p##_front_init(void *sring, size_t bytes);			\
unsigned int p##_front_nr_ents(void);					\
void p##_front_put(const struct oracle_req *r);			\
int p##_front_push(void);						\
int p##_front_get_rsp(uint64_t *id, uint8_t *op, int16_t *st);		\
void p##_back_attach(void *sring, size_t bytes);			\
int p##_back_get_req(struct oracle_req *r);				\
void p##_back_put_rsp(uint64_t id, uint8_t op, int16_t st);		\
int p##_back_push(void);

ORACLE_DECLARE(oracle64)
ORACLE_DECLARE(oracle32)

#endif /* _XPV_BLK_XEN_ORACLE_H */
