// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: grant tables over the kernel's own.
 *
 * Backends map and copy foreign grants; in a PV dom0 a mapping also needs
 * the kernel's p2m override, which gnttab_map_refs() maintains, so the
 * batch calls here take the pages as well as the operations.  The
 * frontend-side calls (granting our own frames) are thin wrappers too.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xpv/grant.h>
#include "compat.h"

int xpv_compat_grant_init(void)
{
	return 0;
}

void xpv_compat_grant_exit(void)
{
}

int xpv_gnttab_alloc_refs(unsigned int count, grant_ref_t *refs)
{
	grant_ref_t head;
	unsigned int i;
	int err;

	if (!count)
		return -EINVAL;
	err = gnttab_alloc_grant_references(count, &head);
	if (err)
		return err;
	for (i = 0; i < count; i++)
		refs[i] = gnttab_claim_grant_reference(&head);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_alloc_refs);

void xpv_gnttab_free_refs(const grant_ref_t *refs, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		gnttab_free_grant_reference(refs[i]);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_free_refs);

void xpv_gnttab_grant_access_ref(grant_ref_t ref, domid_t domid,
				 unsigned long gfn, bool readonly)
{
	gnttab_grant_foreign_access_ref(ref, domid, gfn, readonly);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant_access_ref);

int xpv_gnttab_grant_access(domid_t domid, unsigned long gfn, bool readonly)
{
	return gnttab_grant_foreign_access(domid, gfn, readonly);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant_access);

bool xpv_gnttab_end_access(grant_ref_t ref)
{
	return gnttab_end_foreign_access_ref(ref);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end_access);

bool xpv_gnttab_try_end_access_and_free(grant_ref_t ref)
{
	return gnttab_try_end_foreign_access(ref);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_try_end_access_and_free);

void xpv_gnttab_end_access_and_free(grant_ref_t ref, struct page *page)
{
	gnttab_end_foreign_access(ref, page);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end_access_and_free);

unsigned long xpv_gnttab_page_gfn(const void *vaddr)
{
	return virt_to_gfn(vaddr);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_page_gfn);

int xpv_gnttab_alloc_pages(unsigned int nr, struct page **pages)
{
	return gnttab_alloc_pages(nr, pages);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_alloc_pages);

void xpv_gnttab_free_pages(unsigned int nr, struct page **pages)
{
	gnttab_free_pages(nr, pages);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_free_pages);

void xpv_gnttab_set_map_op(struct gnttab_map_grant_ref *op, struct page *page,
			   u32 flags, grant_ref_t ref, domid_t domid)
{
	gnttab_set_map_op(op, (unsigned long)pfn_to_kaddr(page_to_pfn(page)),
			  flags, ref, domid);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_set_map_op);

void xpv_gnttab_set_unmap_op(struct gnttab_unmap_grant_ref *op,
			     struct page *page, u32 flags,
			     grant_handle_t handle)
{
	gnttab_set_unmap_op(op, (unsigned long)pfn_to_kaddr(page_to_pfn(page)),
			    flags, handle);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_set_unmap_op);

int xpv_gnttab_map_pages(struct gnttab_map_grant_ref *ops, struct page **pages,
			 unsigned int count)
{
	unsigned int i;
	int err;

	err = gnttab_map_refs(ops, NULL, pages, count);
	if (err)
		return err;
	for (i = 0; i < count; i++)
		if (ops[i].status != GNTST_okay)
			return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_map_pages);

int xpv_gnttab_unmap_pages(struct gnttab_unmap_grant_ref *ops,
			   struct page **pages, unsigned int count)
{
	unsigned int i;
	int err;

	err = gnttab_unmap_refs(ops, NULL, pages, count);
	if (err)
		return err;
	for (i = 0; i < count; i++)
		if (ops[i].status != GNTST_okay)
			return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_unmap_pages);

int xpv_gnttab_map_page(domid_t domid, grant_ref_t ref, struct page *page,
			bool readonly, grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op;
	int err;

	xpv_gnttab_set_map_op(&op, page, GNTMAP_host_map |
			      (readonly ? GNTMAP_readonly : 0), ref, domid);
	err = xpv_gnttab_map_pages(&op, &page, 1);
	if (!err)
		*handle = op.handle;
	return err;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_map_page);

int xpv_gnttab_unmap_page(struct page *page, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op;

	xpv_gnttab_set_unmap_op(&op, page, GNTMAP_host_map, handle);
	return xpv_gnttab_unmap_pages(&op, &page, 1);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_unmap_page);

int xpv_gnttab_copy(struct gnttab_copy *ops, unsigned int count)
{
	unsigned int i;

	gnttab_batch_copy(ops, count);
	for (i = 0; i < count; i++)
		if (ops[i].status != GNTST_okay)
			return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_copy);
