// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile check of include/xpv/proto/ in a kernel context: instantiates the
 * typed rings with blkif- and netif-sized messages and runs one request
 * through a ring (and the poll-before-arm grace on the idle ring) on module
 * load.  Built by `make -C selftests/ring kcheck`
 * against the installed stock kernel headers (with sparse, C=2); never
 * loaded by the tests.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <xpv/proto/ring.h>

struct xpv_kc_blk_req {
	u64 id;
	u8 body[104];
};

struct xpv_kc_blk_rsp {
	u64 id;
	u32 pad;
	s32 status;
};

struct xpv_kc_net_req {
	u32 gref;
	u16 offset, flags, id, size;
};

struct xpv_kc_net_rsp {
	u16 id;
	s16 status;
};

XPV_RING_DEFINE(xpv_kc_blk, struct xpv_kc_blk_req, struct xpv_kc_blk_rsp)
XPV_RING_DEFINE(xpv_kc_net, struct xpv_kc_net_req, struct xpv_kc_net_rsp)

static int __init xpv_ring_kcheck_init(void)
{
	struct xpv_kc_blk_front f;
	struct xpv_kc_blk_back b;
	struct xpv_kc_blk_req q = { .id = 7 };
	struct xpv_kc_blk_rsp r = { 0 };
	struct xpv_kc_net_front nf;
	void *page;
	u32 polls;
	int ret = -EIO;

	page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	if (xpv_kc_blk_front_init(&f, page, PAGE_SIZE) ||
	    xpv_kc_blk_back_init(&b, page, PAGE_SIZE))
		goto out_free_page;
	if (!xpv_kc_blk_front_put_request(&f, &q))
		goto out_free_page;
	xpv_kc_blk_front_push_requests(&f);
	memset(&q, 0, sizeof(q));
	if (!xpv_kc_blk_back_get_request(&b, &q) || q.id != 7)
		goto out_free_page;
	r.id = q.id;
	xpv_kc_blk_back_put_response(&b, &r);
	xpv_kc_blk_back_push_responses(&b);
	if (!xpv_kc_blk_front_get_response(&f, &r) || r.id != 7)
		goto out_free_page;
	/* both rings idle: each grace polls to its end, then arms */
	if (xpv_kc_blk_back_final_check_grace(&b, 16, &polls) || polls != 16 ||
	    xpv_kc_blk_front_final_check_grace(&f, 16, &polls) || polls != 16)
		goto out_free_page;
	if (xpv_kc_net_front_init(&nf, page, PAGE_SIZE) ||
	    nf.r.nr_ents != 256)
		goto out_free_page;
	pr_info("xpv ring kcheck: %u blkif slots, %u netif slots\n",
		f.r.nr_ents, nf.r.nr_ents);
	ret = 0;
out_free_page:
	free_page((unsigned long)page);
	return ret;
}

static void __exit xpv_ring_kcheck_exit(void)
{
}

module_init(xpv_ring_kcheck_init);
module_exit(xpv_ring_kcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xpv: kernel compile check of the portable ring code");
