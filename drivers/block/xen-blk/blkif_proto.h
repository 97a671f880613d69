/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv blkif proto: the Xen block-device protocol in portable C.
 *
 * Shared by the block front end, the block back end, the user-space
 * selftests (selftests/blk) and the fuzzers (fuzz/blk).  Nothing here
 * touches the kernel beyond include/xpv/proto/compat.h.
 *
 * The wire format is the one of the Xen public io/blkif.h.  Two request
 * layouts exist: x86_64 (the native one of a 64-bit guest; the 64-bit
 * fields of each request variant start at offset 8) and x86_32 (the same
 * fields packed with no padding, so the id starts at offset 4).  A back end
 * learns which one the front end speaks from its "protocol" xenstore key.
 * Requests are translated at the ring into one native form, struct
 * xpv_blkif_req, and everything above the ring sees only that form.
 *
 * Trust: the back end treats every request as hostile.  It copies each one
 * out of the shared ring exactly once (xpv_blkif_back_get()), validates the
 * private copy (xpv_blkif_req_check(), then xpv_blkif_segs_check() for the
 * segments of an indirect request, which it copies out of the indirect pages
 * once) and uses only the copy.  The front end does the same with
 * responses (xpv_blkif_front_get(), xpv_blkif_rsp_check()) against its
 * private shadow table of outstanding ids.  See docs/blkif.md.
 */
#ifndef _XPV_BLKIF_PROTO_H
#define _XPV_BLKIF_PROTO_H

#include <xpv/proto/compat.h>
#include <xpv/proto/ring.h>

/*
 * The wire structs below are __packed.  The kernel defines it; user-space
 * builds (selftests/blk, fuzz/blk) pass it on the compiler command line.
 */
#ifndef __packed
#error "__packed must be defined (user space: see selftests/blk/Makefile)"
#endif

/* Request operations (io/blkif.h BLKIF_OP_*). */
#define XPV_BLKIF_OP_READ		0
#define XPV_BLKIF_OP_WRITE		1
#define XPV_BLKIF_OP_WRITE_BARRIER	2
#define XPV_BLKIF_OP_FLUSH_DISKCACHE	3
#define XPV_BLKIF_OP_DISCARD		5
#define XPV_BLKIF_OP_INDIRECT		6

/* Response status (io/blkif.h BLKIF_RSP_*). */
#define XPV_BLKIF_RSP_EOPNOTSUPP	(-2)
#define XPV_BLKIF_RSP_ERROR		(-1)
#define XPV_BLKIF_RSP_OKAY		0

/* BLKIF_DISCARD_SECURE: the discard flag asking for a secure erase. */
#define XPV_BLKIF_DISCARD_SECURE	0x01

/* Segments in a direct request (BLKIF_MAX_SEGMENTS_PER_REQUEST). */
#define XPV_BLKIF_MAX_SEGS		11
/* Indirect pages one request may name (BLKIF_MAX_INDIRECT_PAGES_...). */
#define XPV_BLKIF_MAX_INDIRECT_PAGES	8
/* Pages are Xen pages (4 KiB); sectors are 512 bytes on the wire. */
#define XPV_BLKIF_PAGE_SIZE		4096U
#define XPV_BLKIF_SECTOR_SHIFT		9
#define XPV_BLKIF_SECTORS_PER_PAGE	(XPV_BLKIF_PAGE_SIZE >> XPV_BLKIF_SECTOR_SHIFT)
/* Segment descriptors in one indirect page (8 bytes each). */
#define XPV_BLKIF_SEGS_PER_INDIRECT_PAGE (XPV_BLKIF_PAGE_SIZE / 8)
/* The most indirect segments the wire format can carry. */
#define XPV_BLKIF_MAX_INDIRECT_SEGS \
	(XPV_BLKIF_MAX_INDIRECT_PAGES * XPV_BLKIF_SEGS_PER_INDIRECT_PAGE)
/* Largest ring we ever map or offer: 2^4 pages (Linux's limit, too). */
#define XPV_BLKIF_MAX_RING_ORDER	4

/* ------------------------------------------------------------------ */
/* Wire layouts.                                                       */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_blkif_wire_seg - one segment (io/blkif.h blkif_request_segment)
 * @gref: grant reference of the data page
 * @first_sect: first 512-byte sector of the page to transfer (inclusive)
 * @last_sect: last sector of the page to transfer (inclusive)
 * @_pad: zero
 */
struct xpv_blkif_wire_seg {
	u32 gref;
	u8 first_sect;
	u8 last_sect;
	u16 _pad;
} __packed;

/* x86_64: each variant's 64-bit id lives at offset 8. */
struct xpv_blkif64_rw {
	u8 nr_segments;
	u16 handle;
	u32 _pad1;
	u64 id;
	u64 sector_number;
	struct xpv_blkif_wire_seg seg[XPV_BLKIF_MAX_SEGS];
} __packed;

struct xpv_blkif64_discard {
	u8 flag;
	u16 _pad1;
	u32 _pad2;
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
} __packed;

struct xpv_blkif64_indirect {
	u8 indirect_op;
	u16 nr_segments;
	u32 _pad1;
	u64 id;
	u64 sector_number;
	u16 handle;
	u16 _pad2;
	u32 indirect_grefs[XPV_BLKIF_MAX_INDIRECT_PAGES];
	u32 _pad3;
} __packed;

/**
 * struct xpv_blkif64_request - a request in the x86_64 layout (112 bytes)
 * @operation: XPV_BLKIF_OP_*
 * @u: the operation's variant; every variant has the id at offset 8
 */
struct xpv_blkif64_request {
	u8 operation;
	union {
		struct xpv_blkif64_rw rw;
		struct xpv_blkif64_discard discard;
		struct xpv_blkif64_indirect indirect;
	} u;
} __packed;

/**
 * struct xpv_blkif64_response - a response in the x86_64 layout (16 bytes)
 * @id: the request's id
 * @operation: the request's operation (the indirect_op of an indirect one)
 * @_pad1: zero
 * @status: XPV_BLKIF_RSP_*
 * @_pad2: zero
 */
struct xpv_blkif64_response {
	u64 id;
	u8 operation;
	u8 _pad1;
	s16 status;
	u32 _pad2;
};

/* x86_32: the same fields with no padding; the id lives at offset 4. */
struct xpv_blkif32_rw {
	u8 nr_segments;
	u16 handle;
	u64 id;
	u64 sector_number;
	struct xpv_blkif_wire_seg seg[XPV_BLKIF_MAX_SEGS];
} __packed;

struct xpv_blkif32_discard {
	u8 flag;
	u16 _pad1;
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
} __packed;

struct xpv_blkif32_indirect {
	u8 indirect_op;
	u16 nr_segments;
	u64 id;
	u64 sector_number;
	u16 handle;
	u16 _pad1;
	u32 indirect_grefs[XPV_BLKIF_MAX_INDIRECT_PAGES];
	u64 _pad2;
} __packed;

/**
 * struct xpv_blkif32_request - a request in the x86_32 layout (108 bytes)
 * @operation: XPV_BLKIF_OP_*
 * @u: the operation's variant; every variant has the id at offset 4
 */
struct xpv_blkif32_request {
	u8 operation;
	union {
		struct xpv_blkif32_rw rw;
		struct xpv_blkif32_discard discard;
		struct xpv_blkif32_indirect indirect;
	} u;
} __packed;

/**
 * struct xpv_blkif32_response - a response in the x86_32 layout (12 bytes)
 * @id: the request's id
 * @operation: the request's operation (the indirect_op of an indirect one)
 * @_pad1: zero
 * @status: XPV_BLKIF_RSP_*
 */
struct xpv_blkif32_response {
	u64 id;
	u8 operation;
	u8 _pad1;
	s16 status;
} __packed;

/* One ring slot of each layout: the union of request and response. */
union xpv_blkif64_slot {
	struct xpv_blkif64_request req;
	struct xpv_blkif64_response rsp;
};

union xpv_blkif32_slot {
	struct xpv_blkif32_request req;
	struct xpv_blkif32_response rsp;
};

static_assert(sizeof(struct xpv_blkif_wire_seg) == 8, "blkif segment");
static_assert(sizeof(struct xpv_blkif64_request) == 112, "x86_64 request");
static_assert(sizeof(struct xpv_blkif64_response) == 16, "x86_64 response");
static_assert(sizeof(union xpv_blkif64_slot) == 112, "x86_64 slot");
static_assert(offsetof(struct xpv_blkif64_request, u.rw.id) == 8,
	      "x86_64 rw id");
static_assert(offsetof(struct xpv_blkif64_request, u.rw.seg) == 24,
	      "x86_64 rw segments");
static_assert(offsetof(struct xpv_blkif64_request, u.discard.nr_sectors) == 24,
	      "x86_64 discard length");
static_assert(offsetof(struct xpv_blkif64_request, u.indirect.indirect_grefs)
	      == 28, "x86_64 indirect grefs");
static_assert(sizeof(struct xpv_blkif64_indirect) == 63, "x86_64 indirect");
static_assert(sizeof(struct xpv_blkif32_request) == 108, "x86_32 request");
static_assert(sizeof(struct xpv_blkif32_response) == 12, "x86_32 response");
static_assert(sizeof(union xpv_blkif32_slot) == 108, "x86_32 slot");
static_assert(offsetof(struct xpv_blkif32_request, u.rw.id) == 4,
	      "x86_32 rw id");
static_assert(offsetof(struct xpv_blkif32_request, u.rw.seg) == 20,
	      "x86_32 rw segments");
static_assert(offsetof(struct xpv_blkif32_request, u.discard.nr_sectors) == 20,
	      "x86_32 discard length");
static_assert(offsetof(struct xpv_blkif32_request, u.indirect.indirect_grefs)
	      == 24, "x86_32 indirect grefs");
static_assert(sizeof(struct xpv_blkif32_indirect) == 63, "x86_32 indirect");

/**
 * enum xpv_blkif_abi - the request/response layout a front end speaks
 * @XPV_BLKIF_ABI_X86_64: "x86_64-abi", the native layout of 64-bit guests
 * @XPV_BLKIF_ABI_X86_32: "x86_32-abi"
 */
enum xpv_blkif_abi {
	XPV_BLKIF_ABI_X86_64 = 0,
	XPV_BLKIF_ABI_X86_32 = 1,
};

#define XPV_BLKIF_ABI_NATIVE	XPV_BLKIF_ABI_X86_64

/* ------------------------------------------------------------------ */
/* The native (decoded) forms.                                         */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_blkif_seg - one segment, decoded
 * @gref: grant reference of the data page
 * @first_sect: first sector in the page (inclusive)
 * @last_sect: last sector in the page (inclusive)
 */
struct xpv_blkif_seg {
	u32 gref;
	u8 first_sect;
	u8 last_sect;
};

/**
 * struct xpv_blkif_req - a request in the one native form both ends use
 * @id: the front end's id, echoed in the response
 * @sector_number: first 512-byte sector on the device
 * @nr_sectors: discard only: the length in 512-byte sectors
 * @nr_segments: segments (direct: in @seg; indirect: in the indirect pages)
 * @handle: the virtual device handle (read, write and indirect only)
 * @operation: the wire operation, XPV_BLKIF_OP_*
 * @indirect_op: for XPV_BLKIF_OP_INDIRECT, the operation it carries
 * @flag: discard only: XPV_BLKIF_DISCARD_SECURE or 0
 * @seg: the segments of a direct request
 * @indirect_grefs: the grant references of the indirect pages
 *
 * Decoding a wire request copies every field of every variant the
 * operation may use, whatever the counts say; only validation decides
 * which of them are meaningful.
 */
struct xpv_blkif_req {
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
	u16 nr_segments;
	u16 handle;
	u8 operation;
	u8 indirect_op;
	u8 flag;
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
	u32 indirect_grefs[XPV_BLKIF_MAX_INDIRECT_PAGES];
};

/**
 * struct xpv_blkif_rsp - a response, decoded
 * @id: the id of the request answered
 * @operation: the operation answered (indirect: the indirect_op)
 * @status: XPV_BLKIF_RSP_*
 */
struct xpv_blkif_rsp {
	u64 id;
	u8 operation;
	s16 status;
};

/* ------------------------------------------------------------------ */
/* Back end: validation.                                               */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_blkif_limits - what the back end offers for one device
 * @sectors: device size in 512-byte sectors (the unit Linux uses for the
 *	"sectors" key)
 * @sector_size: logical block size in bytes ("sector-size"): a power of
 *	two from 512 to 4096; offsets and lengths must be multiples of it
 * @max_indirect_segs: the "feature-max-indirect-segments" offered, 0 when
 *	indirect requests are not offered
 * @readonly: the device is read-only (writes, discards, and flushes or
 *	barriers carrying data are refused)
 * @flush: "feature-flush-cache" offered
 * @barrier: "feature-barrier" offered
 * @discard: "feature-discard" offered
 * @secure_discard: "discard-secure" offered
 */
struct xpv_blkif_limits {
	u64 sectors;
	u32 sector_size;
	u32 max_indirect_segs;
	bool readonly;
	bool flush;
	bool barrier;
	bool discard;
	bool secure_discard;
};

/**
 * struct xpv_blkif_io - what a validated request asks the back end to do
 * @op: effective operation (an indirect request's indirect_op)
 * @indirect: the segments are in indirect pages
 * @nr_indirect_pages: how many indirect pages hold them
 * @nr_segments: segments to transfer (0 only for a bare flush or barrier)
 * @sector_number: first 512-byte sector on the device
 * @nr_sectors: total length in 512-byte sectors (computed from the
 *	segments for data requests; 0 until the segments are checked)
 */
struct xpv_blkif_io {
	u8 op;
	bool indirect;
	u8 nr_indirect_pages;
	u16 nr_segments;
	u64 sector_number;
	u64 nr_sectors;
};

/**
 * xpv_blkif_limits_valid() - sanity check of the back end's own limits
 * @lim: the limits
 *
 * Return: 0, or -EINVAL when @lim would make validation meaningless.
 */
int xpv_blkif_limits_valid(const struct xpv_blkif_limits *lim);

/**
 * xpv_blkif_req_check() - validate a request copied once from the ring
 * @lim: what the back end offered for this device
 * @req: the private, decoded copy of the request
 * @io: filled with what to do when the request is accepted
 *
 * Checks the operation against the negotiated features, the segment count,
 * the indirect operation and page count, every direct segment (grant ref
 * non-zero, first_sect <= last_sect <= 7, length aligned to the logical
 * block size) and the sector range against the device size, with no
 * overflow.  For an indirect request the segments are not in @req: on
 * success @io->indirect is set, and the caller maps the
 * @io->nr_indirect_pages pages named by @req->indirect_grefs, copies the
 * segments out once (xpv_blkif_indirect_copy()) and must then call
 * xpv_blkif_segs_check() before using them.
 *
 * Context: any; pure function.
 * Return: 0 when accepted; -EOPNOTSUPP for an unknown operation or one the
 * back end did not offer (answer XPV_BLKIF_RSP_EOPNOTSUPP); -EINVAL for a
 * malformed request (or limits that fail xpv_blkif_limits_valid()), -ERANGE
 * for one outside the device, -EROFS for a write to a read-only device
 * (answer XPV_BLKIF_RSP_ERROR for all three).
 */
int xpv_blkif_req_check(const struct xpv_blkif_limits *lim,
			const struct xpv_blkif_req *req,
			struct xpv_blkif_io *io);

/**
 * xpv_blkif_segs_check() - validate the segments of an accepted request
 * @lim: what the back end offered for this device
 * @io: the result of xpv_blkif_req_check() for this request; its
 *	nr_sectors is set on success
 * @seg: private copy of the segments
 * @nr: number of entries in @seg; must equal @io->nr_segments
 *
 * Context: any; pure function.
 * Return: 0, -EINVAL (bad segment), -ERANGE (outside the device).
 */
int xpv_blkif_segs_check(const struct xpv_blkif_limits *lim,
			 struct xpv_blkif_io *io,
			 const struct xpv_blkif_seg *seg, unsigned int nr);

/**
 * xpv_blkif_rsp_status() - the response status for a validation result
 * @err: 0 or what xpv_blkif_req_check()/xpv_blkif_segs_check() returned
 *
 * Return: XPV_BLKIF_RSP_OKAY, _EOPNOTSUPP or _ERROR.
 */
s16 xpv_blkif_rsp_status(int err);

/**
 * xpv_blkif_rsp_op() - the operation to echo in the response to a request
 * @req: the decoded request
 *
 * Return: @req->indirect_op for an indirect request, else @req->operation
 * (what stock Linux front ends compare the response against).
 */
static inline u8 xpv_blkif_rsp_op(const struct xpv_blkif_req *req)
{
	return req->operation == XPV_BLKIF_OP_INDIRECT ?
		req->indirect_op : req->operation;
}

/* ------------------------------------------------------------------ */
/* Encoding and decoding.                                              */
/* ------------------------------------------------------------------ */

/**
 * xpv_blkif_req_size() - request size in a layout
 * @abi: the layout
 *
 * Return: 112 (x86_64) or 108 (x86_32).
 */
size_t xpv_blkif_req_size(enum xpv_blkif_abi abi);

/**
 * xpv_blkif_rsp_size() - response size in a layout
 * @abi: the layout
 *
 * Return: 16 (x86_64) or 12 (x86_32).
 */
size_t xpv_blkif_rsp_size(enum xpv_blkif_abi abi);

/**
 * xpv_blkif_slot_size() - ring slot size in a layout
 * @abi: the layout
 *
 * Return: 112 (x86_64) or 108 (x86_32).
 */
size_t xpv_blkif_slot_size(enum xpv_blkif_abi abi);

/**
 * xpv_blkif_req_decode() - translate a private wire copy to the native form
 * @abi: the layout of @wire
 * @wire: a private copy of xpv_blkif_req_size(@abi) bytes (never the ring)
 * @req: the native form, fully written
 */
void xpv_blkif_req_decode(enum xpv_blkif_abi abi, const void *wire,
			  struct xpv_blkif_req *req);

/**
 * xpv_blkif_req_encode() - write a native request in a wire layout
 * @abi: the layout to write
 * @req: the request
 * @wire: destination of xpv_blkif_req_size(@abi) bytes; fully written
 *	(padding zeroed), never read
 */
void xpv_blkif_req_encode(enum xpv_blkif_abi abi,
			  const struct xpv_blkif_req *req, void *wire);

/**
 * xpv_blkif_rsp_encode() - write a response in a wire layout
 * @abi: the layout to write
 * @rsp: the response
 * @wire: destination of xpv_blkif_rsp_size(@abi) bytes; fully written
 *	(padding zeroed), never read
 */
void xpv_blkif_rsp_encode(enum xpv_blkif_abi abi,
			  const struct xpv_blkif_rsp *rsp, void *wire);

/**
 * xpv_blkif_rsp_decode() - translate a private wire copy of a response
 * @abi: the layout of @wire
 * @wire: a private copy of xpv_blkif_rsp_size(@abi) bytes
 * @rsp: the native form
 */
void xpv_blkif_rsp_decode(enum xpv_blkif_abi abi, const void *wire,
			  struct xpv_blkif_rsp *rsp);

/* ------------------------------------------------------------------ */
/* Front end: building requests.                                       */
/* ------------------------------------------------------------------ */

/**
 * xpv_blkif_build_rw() - a direct read or write
 * @req: the request, fully written
 * @op: XPV_BLKIF_OP_READ or XPV_BLKIF_OP_WRITE (or _FLUSH_DISKCACHE /
 *	_WRITE_BARRIER for a write that also flushes)
 * @id: shadow id
 * @handle: virtual device handle
 * @sector: first 512-byte sector
 * @seg: the segments
 * @nr: 1..XPV_BLKIF_MAX_SEGS (0 only for a flush or barrier)
 *
 * Return: 0, or -EINVAL when @nr or @op does not fit a direct request.
 */
int xpv_blkif_build_rw(struct xpv_blkif_req *req, u8 op, u64 id, u16 handle,
		       u64 sector, const struct xpv_blkif_seg *seg,
		       unsigned int nr);

/**
 * xpv_blkif_build_flush() - a flush (or barrier) with no data
 * @req: the request, fully written
 * @op: XPV_BLKIF_OP_FLUSH_DISKCACHE or XPV_BLKIF_OP_WRITE_BARRIER
 * @id: shadow id
 * @handle: virtual device handle
 *
 * Return: 0, or -EINVAL for another @op.
 */
int xpv_blkif_build_flush(struct xpv_blkif_req *req, u8 op, u64 id,
			  u16 handle);

/**
 * xpv_blkif_build_discard() - a discard (or secure discard)
 * @req: the request, fully written
 * @id: shadow id
 * @sector: first 512-byte sector
 * @nr_sectors: length in 512-byte sectors
 * @secure: set XPV_BLKIF_DISCARD_SECURE
 */
void xpv_blkif_build_discard(struct xpv_blkif_req *req, u64 id, u64 sector,
			     u64 nr_sectors, bool secure);

/**
 * xpv_blkif_build_indirect() - a read or write with indirect segments
 * @req: the request, fully written
 * @op: XPV_BLKIF_OP_READ or XPV_BLKIF_OP_WRITE
 * @id: shadow id
 * @handle: virtual device handle
 * @sector: first 512-byte sector
 * @nr_segs: segments, 1..XPV_BLKIF_MAX_INDIRECT_SEGS
 * @grefs: grant refs of the xpv_blkif_indirect_pages(@nr_segs) indirect
 *	pages, filled with xpv_blkif_indirect_put()
 *
 * Return: 0, or -EINVAL.
 */
int xpv_blkif_build_indirect(struct xpv_blkif_req *req, u8 op, u64 id,
			     u16 handle, u64 sector, unsigned int nr_segs,
			     const u32 *grefs);

/**
 * xpv_blkif_indirect_pages() - indirect pages needed for a segment count
 * @nr_segs: segment count
 *
 * Return: the number of 4 KiB pages holding @nr_segs descriptors.
 */
static inline unsigned int xpv_blkif_indirect_pages(unsigned int nr_segs)
{
	return (nr_segs + XPV_BLKIF_SEGS_PER_INDIRECT_PAGE - 1) /
		XPV_BLKIF_SEGS_PER_INDIRECT_PAGE;
}

/**
 * xpv_blkif_indirect_put() - write one segment into the indirect pages
 * @pages: the mapped indirect pages
 * @i: segment index
 * @seg: the segment
 */
void xpv_blkif_indirect_put(void *const *pages, unsigned int i,
			    const struct xpv_blkif_seg *seg);

/**
 * xpv_blkif_indirect_copy() - copy segments out of indirect pages, once
 * @dst: private array of @nr segments
 * @pages: the mapped indirect pages (xpv_blkif_indirect_pages(@nr) of them)
 * @nr: segment count, as accepted by xpv_blkif_req_check()
 */
void xpv_blkif_indirect_copy(struct xpv_blkif_seg *dst,
			     const void *const *pages, unsigned int nr);

/* ------------------------------------------------------------------ */
/* Rings: the ABI-dispatching wrappers over include/xpv/proto/ring.h.  */
/* ------------------------------------------------------------------ */

/**
 * struct xpv_blkif_back_ring - the back end's view of one blkif ring
 * @r: the generic ring state
 * @abi: the layout the front end speaks
 */
struct xpv_blkif_back_ring {
	struct xpv_back_idx r;
	enum xpv_blkif_abi abi;
};

/**
 * struct xpv_blkif_front_ring - the front end's view of one blkif ring
 * @r: the generic ring state
 * @abi: the layout spoken (x86_64 for our front end; x86_32 in tests)
 */
struct xpv_blkif_front_ring {
	struct xpv_front_idx r;
	enum xpv_blkif_abi abi;
};

/**
 * xpv_blkif_back_attach() - attach the back end to a mapped shared ring
 * @br: back ring
 * @abi: the front end's layout
 * @s: the shared ring (initialised by the front end)
 * @bytes: size of the mapped area (PAGE_SIZE << ring-page-order)
 *
 * Return: 0 or -EINVAL.
 */
int xpv_blkif_back_attach(struct xpv_blkif_back_ring *br,
			  enum xpv_blkif_abi abi, struct xpv_sring *s,
			  size_t bytes);

/**
 * xpv_blkif_back_get() - copy the next request out once and decode it
 * @br: back ring
 * @req: the native form of the request
 *
 * Return: true with *@req filled; false when none is waiting or the ring
 * is broken (check @br->r.broken).
 */
bool xpv_blkif_back_get(struct xpv_blkif_back_ring *br,
			struct xpv_blkif_req *req);

/**
 * xpv_blkif_back_respond() - write one response in place, zeroed
 * @br: back ring
 * @id: the request's id
 * @op: the operation to echo (xpv_blkif_rsp_op())
 * @status: XPV_BLKIF_RSP_*
 *
 * Return: true, or false when no consumed request awaits an answer.
 */
bool xpv_blkif_back_respond(struct xpv_blkif_back_ring *br, u64 id, u8 op,
			    s16 status);

/**
 * xpv_blkif_front_init() - initialise a new shared ring, front end side
 * @fr: front ring
 * @abi: the layout to speak
 * @s: the shared ring (zeroed by the caller)
 * @bytes: its size (PAGE_SIZE << ring-page-order)
 *
 * Return: 0 or -EINVAL.
 */
int xpv_blkif_front_init(struct xpv_blkif_front_ring *fr,
			 enum xpv_blkif_abi abi, struct xpv_sring *s,
			 size_t bytes);

/**
 * xpv_blkif_front_put() - encode one request into the next slot, in place
 * @fr: front ring
 * @req: the request
 *
 * Return: true, or false when the ring is full or broken.
 */
bool xpv_blkif_front_put(struct xpv_blkif_front_ring *fr,
			 const struct xpv_blkif_req *req);

/**
 * xpv_blkif_front_get() - copy the next response out once and decode it
 * @fr: front ring
 * @rsp: the native form of the response
 *
 * Return: true with *@rsp filled; false when none is waiting or the ring
 * is broken (check @fr->r.broken).
 */
bool xpv_blkif_front_get(struct xpv_blkif_front_ring *fr,
			 struct xpv_blkif_rsp *rsp);

/* ------------------------------------------------------------------ */
/* Front end: the shadow table of outstanding ids.                     */
/* ------------------------------------------------------------------ */

#define XPV_BLKIF_SHADOW_INUSE	0xffffffffU
#define XPV_BLKIF_SHADOW_END	0xfffffffeU

/**
 * struct xpv_blkif_shadow - private state of one id
 * @next: next free id, XPV_BLKIF_SHADOW_END, or XPV_BLKIF_SHADOW_INUSE
 * @op: the operation expected in the response (xpv_blkif_rsp_op())
 */
struct xpv_blkif_shadow {
	u32 next;
	u8 op;
};

/**
 * struct xpv_blkif_shadow_tab - the ids a front end may have outstanding
 * @ent: @nr entries, owned by the caller
 * @nr: number of ids (the ring's slot count)
 * @free_head: first free id, or XPV_BLKIF_SHADOW_END
 * @nr_free: free ids
 */
struct xpv_blkif_shadow_tab {
	struct xpv_blkif_shadow *ent;
	u32 nr;
	u32 free_head;
	u32 nr_free;
};

/**
 * xpv_blkif_shadow_init() - make all ids free
 * @tab: the table
 * @ent: caller-owned array of @nr entries
 * @nr: id count, 1..XPV_BLKIF_SHADOW_END
 *
 * Return: 0 or -EINVAL.
 */
int xpv_blkif_shadow_init(struct xpv_blkif_shadow_tab *tab,
			  struct xpv_blkif_shadow *ent, u32 nr);

/**
 * xpv_blkif_shadow_alloc() - take a free id for a request
 * @tab: the table
 * @req: the request about to be sent; its @id is set
 *
 * Return: 0, or -ENOSPC when every id is outstanding.
 */
int xpv_blkif_shadow_alloc(struct xpv_blkif_shadow_tab *tab,
			   struct xpv_blkif_req *req);

/**
 * xpv_blkif_rsp_check() - validate a response copied once from the ring
 * @tab: the table
 * @rsp: the private, decoded copy
 *
 * Return: 0 when @rsp answers an outstanding id with the operation that id
 * was sent with and a known status; -EINVAL for an id out of range or not
 * outstanding (unknown or duplicate answer), -EPROTO for a wrong operation,
 * -EBADMSG for an unknown status.  Any error means the back end broke the
 * protocol: the front end stops using the ring.
 */
int xpv_blkif_rsp_check(const struct xpv_blkif_shadow_tab *tab,
			const struct xpv_blkif_rsp *rsp);

/**
 * xpv_blkif_shadow_free() - return an answered id to the free list
 * @tab: the table
 * @id: the id (from a response accepted by xpv_blkif_rsp_check())
 *
 * Return: 0, or -EINVAL when @id is out of range or not outstanding.
 */
int xpv_blkif_shadow_free(struct xpv_blkif_shadow_tab *tab, u64 id);

/* ------------------------------------------------------------------ */
/* Feature negotiation (xenstore values).                              */
/* ------------------------------------------------------------------ */

/**
 * xpv_blkif_protocol_name() - the "protocol" value of a layout
 * @abi: the layout
 *
 * Return: "x86_64-abi" or "x86_32-abi".
 */
const char *xpv_blkif_protocol_name(enum xpv_blkif_abi abi);

/**
 * xpv_blkif_parse_protocol() - parse the front end's "protocol" value
 * @s: the value, or NULL when the key is absent (meaning native)
 * @len: its length
 * @abi: the layout
 *
 * Return: 0, or -EINVAL for an unknown protocol.
 */
int xpv_blkif_parse_protocol(const char *s, size_t len,
			     enum xpv_blkif_abi *abi);

/**
 * xpv_blkif_front_ring_order() - the ring-page-order a front end uses
 * @want: the order it would like
 * @backend_max: the back end's "max-ring-page-order" (0 when absent)
 *
 * Return: min(@want, @backend_max, XPV_BLKIF_MAX_RING_ORDER).
 */
unsigned int xpv_blkif_front_ring_order(unsigned int want, u64 backend_max);

/**
 * xpv_blkif_front_queues() - the queue count a front end uses
 * @want: the count it would like (e.g. its vCPU count); 0 counts as 1
 * @backend_max: the back end's "multi-queue-max-queues" (0 when absent)
 *
 * Return: a count in 1..min(@want, @backend_max).
 */
unsigned int xpv_blkif_front_queues(unsigned int want, u64 backend_max);

/**
 * xpv_blkif_front_indirect_segs() - indirect segments a front end uses
 * @want: the most it would use
 * @backend_max: the back end's "feature-max-indirect-segments" (0 absent)
 *
 * Return: min(@want, @backend_max, XPV_BLKIF_MAX_INDIRECT_SEGS), or 0 (use
 * direct requests only) when that is not above XPV_BLKIF_MAX_SEGS.
 */
unsigned int xpv_blkif_front_indirect_segs(unsigned int want,
					   u64 backend_max);

/**
 * xpv_blkif_front_pgnt_pool() - a ring's pool of persistent grants
 * @want: the most pages the front end grants persistently per ring (its
 *	memory bound); 0 means "as many as the ring can use"
 * @slots: requests the ring holds
 * @segs: in: segments per request negotiated; out: lowered, if need be,
 *	so that one request always fits in the pool
 *
 * Once persistent grants are agreed the back end may keep any grant mapped,
 * so every data segment is bounced through the pool: it must hold at least
 * one request, and more than @slots * @segs pages would never be used.
 *
 * Return: the pool size, max(min(@want, @slots * @segs), XPV_BLKIF_MAX_SEGS);
 * 0 (no pool) when @slots or @segs is 0.
 */
unsigned int xpv_blkif_front_pgnt_pool(unsigned int want, unsigned int slots,
				       unsigned int *segs);

/**
 * xpv_blkif_back_ring_order() - check a front end's "ring-page-order"
 * @present: the key exists
 * @val: its value
 * @our_max: the "max-ring-page-order" we offered
 *
 * Return: the order (0 when absent), or -EINVAL when above @our_max or
 * XPV_BLKIF_MAX_RING_ORDER.
 */
int xpv_blkif_back_ring_order(bool present, u64 val, unsigned int our_max);

/**
 * xpv_blkif_back_queues() - check a front end's "multi-queue-num-queues"
 * @present: the key exists
 * @val: its value
 * @our_max: the "multi-queue-max-queues" we offered
 *
 * Return: the queue count (1 when absent), or -EINVAL for 0 or a count
 * above @our_max.
 */
int xpv_blkif_back_queues(bool present, u64 val, unsigned int our_max);

/**
 * struct xpv_blkif_disk - the device as a back end describes it
 * @sectors: "sectors", in 512-byte units
 * @sector_size: "sector-size"
 * @physical_sector_size: "physical-sector-size" (sector_size when absent)
 * @info: "info", VDISK_* bits
 */
struct xpv_blkif_disk {
	u64 sectors;
	u32 sector_size;
	u32 physical_sector_size;
	u32 info;
};

#define XPV_VDISK_CDROM		0x1
#define XPV_VDISK_REMOVABLE	0x2
#define XPV_VDISK_READONLY	0x4

/**
 * xpv_blkif_disk_check() - validate a back end's device description
 * @d: the values read (physical_sector_size 0 when absent)
 *
 * sector-size must be a power of two in 512..4096, physical-sector-size a
 * multiple of it (defaulted when 0), and sectors a multiple of
 * sector-size / 512.
 *
 * Return: 0 or -EINVAL.
 */
int xpv_blkif_disk_check(struct xpv_blkif_disk *d);

#endif /* _XPV_BLKIF_PROTO_H */
