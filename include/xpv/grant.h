/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: grant tables (v1).
 *
 * Frontends grant a peer access to their pages: allocate references
 * (singly or in batches), fill them with xpv_gnttab_grant_access_ref(),
 * and revoke them with xpv_gnttab_end_access(). A page the peer still maps
 * is never freed: xpv_gnttab_end_access_and_free() defers the revocation
 * (retried from a timer) and only then frees the reference and the page.
 * When references run out the table grows up to the hypervisor's limit;
 * beyond that, callers may queue a callback for when references are freed.
 *
 * Backends map their peer's grants into unpopulated frames from
 * xpv_gnttab_alloc_pages() with xpv_gnttab_map_page() (or batches with
 * xpv_gnttab_map()), and copy with xpv_gnttab_copy().
 */
#ifndef _XPV_GRANT_H
#define _XPV_GRANT_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <xen/interface/xen.h>
#include <xen/interface/grant_table.h>

/**
 * struct xpv_gnttab_callback - run when enough references are free again
 * @fn: the function; runs from a workqueue (process context)
 * @arg: its argument
 * @count: references needed (1 .. the table's capacity)
 * @next: private
 * @queued: private
 *
 * Field names and order are shared with the pure allocator
 * (drivers/xpv/proto/gref_alloc.h, where this is the waiter type).
 */
struct xpv_gnttab_callback {
	void (*fn)(void *arg);
	void *arg;
	u32 count;
	struct xpv_gnttab_callback *next;
	bool queued;
};

int xpv_gnttab_alloc_refs(unsigned int count, grant_ref_t *refs);
void xpv_gnttab_free_refs(const grant_ref_t *refs, unsigned int count);
void xpv_gnttab_grant_access_ref(grant_ref_t ref, domid_t domid,
				 unsigned long gfn, bool readonly);
int xpv_gnttab_grant_access(domid_t domid, unsigned long gfn, bool readonly);
bool xpv_gnttab_end_access(grant_ref_t ref);
bool xpv_gnttab_try_end_access_and_free(grant_ref_t ref);
void xpv_gnttab_end_access_and_free(grant_ref_t ref, struct page *page);
bool xpv_gnttab_request_callback(struct xpv_gnttab_callback *cb);
void xpv_gnttab_cancel_callback(struct xpv_gnttab_callback *cb);
unsigned int xpv_gnttab_nr_free(void);

unsigned long xpv_gnttab_page_gfn(const void *vaddr);

int xpv_gnttab_alloc_pages(unsigned int nr, struct page **pages);
void xpv_gnttab_free_pages(unsigned int nr, struct page **pages);
int xpv_gnttab_map(struct gnttab_map_grant_ref *ops, unsigned int count);
int xpv_gnttab_unmap(struct gnttab_unmap_grant_ref *ops, unsigned int count);
int xpv_gnttab_map_page(domid_t domid, grant_ref_t ref, struct page *page,
			bool readonly, grant_handle_t *handle);
int xpv_gnttab_unmap_page(struct page *page, grant_handle_t handle);
int xpv_gnttab_copy(struct gnttab_copy *ops, unsigned int count);

/*
 * Batch map/unmap by page: fill each op with xpv_gnttab_set_map_op() /
 * xpv_gnttab_set_unmap_op() for the page it maps into, then call
 * xpv_gnttab_map_pages() / xpv_gnttab_unmap_pages() with the same pages.
 * The provider picks the host address form its mode needs (a guest
 * physical address in a PVH domain, a kernel virtual address plus the p2m
 * override in a PV dom0). Return: 0 when every op succeeded, else a
 * negative errno (each op's status tells which failed).
 */
void xpv_gnttab_set_map_op(struct gnttab_map_grant_ref *op, struct page *page,
			   u32 flags, grant_ref_t ref, domid_t domid);
void xpv_gnttab_set_unmap_op(struct gnttab_unmap_grant_ref *op,
			     struct page *page, u32 flags,
			     grant_handle_t handle);
int xpv_gnttab_map_pages(struct gnttab_map_grant_ref *ops, struct page **pages,
			 unsigned int count);
int xpv_gnttab_unmap_pages(struct gnttab_unmap_grant_ref *ops,
			   struct page **pages, unsigned int count);

#endif /* _XPV_GRANT_H */
