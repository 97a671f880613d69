// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv native provider: page-based batch grant map/unmap.
 *
 * The driver-facing form of xpv_gnttab_map()/xpv_gnttab_unmap(): callers
 * name the page each grant goes into and the provider fills in the host
 * address its mode needs. In a PVH domain that is the page's guest physical
 * address; the dom0-compat provider uses a kernel virtual address and the
 * p2m override instead. Drivers written against these run on both.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <xpv/grant.h>

/**
 * xpv_gnttab_set_map_op() - prepare one map operation for a page
 * @op: the operation to fill
 * @page: a page from xpv_gnttab_alloc_pages() to map the grant into
 * @flags: GNTMAP_* flags (GNTMAP_host_map, optionally GNTMAP_readonly)
 * @ref: the peer's grant reference
 * @domid: the granting domain
 */
void xpv_gnttab_set_map_op(struct gnttab_map_grant_ref *op, struct page *page,
			   u32 flags, grant_ref_t ref, domid_t domid)
{
	*op = (struct gnttab_map_grant_ref){
		.host_addr = (u64)page_to_pfn(page) << PAGE_SHIFT,
		.flags = flags,
		.ref = ref,
		.dom = domid,
		.status = GNTST_general_error,
	};
}
EXPORT_SYMBOL_GPL(xpv_gnttab_set_map_op);

/**
 * xpv_gnttab_set_unmap_op() - prepare one unmap operation for a page
 * @op: the operation to fill
 * @page: the page the grant is mapped into
 * @flags: GNTMAP_* flags the map used (GNTMAP_host_map)
 * @handle: the handle the map returned
 */
void xpv_gnttab_set_unmap_op(struct gnttab_unmap_grant_ref *op,
			     struct page *page, u32 flags,
			     grant_handle_t handle)
{
	*op = (struct gnttab_unmap_grant_ref){
		.host_addr = (u64)page_to_pfn(page) << PAGE_SHIFT,
		.handle = handle,
		.status = GNTST_general_error,
	};
}
EXPORT_SYMBOL_GPL(xpv_gnttab_set_unmap_op);

/**
 * xpv_gnttab_map_pages() - map a batch prepared with xpv_gnttab_set_map_op()
 * @ops: the operations
 * @pages: the pages they map into (same order)
 * @count: how many
 *
 * Context: process context.
 * Return: 0 when every op succeeded, else a negative errno; each op's
 * status tells which failed, and failed ones hold no mapping.
 */
int xpv_gnttab_map_pages(struct gnttab_map_grant_ref *ops, struct page **pages,
			 unsigned int count)
{
	return xpv_gnttab_map(ops, count);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_map_pages);

/**
 * xpv_gnttab_unmap_pages() - unmap a batch from xpv_gnttab_map_pages()
 * @ops: operations prepared with xpv_gnttab_set_unmap_op()
 * @pages: the pages (same order)
 * @count: how many
 *
 * Context: process context.
 * Return: 0 when every op succeeded, else a negative errno.
 */
int xpv_gnttab_unmap_pages(struct gnttab_unmap_grant_ref *ops,
			   struct page **pages, unsigned int count)
{
	return xpv_gnttab_unmap(ops, count);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_unmap_pages);
