// SPDX-License-Identifier: GPL-2.0-only
/*
 * Undo a set of grant mappings whatever fails.  A mapping that cannot be
 * undone keeps its frame: the frame must never be reused, but the other
 * mappings must still be undone and their frames freed (a first failure
 * must not leave the rest mapped).
 */
#include "unmap_all.h"

/**
 * xpv_unmap_all() - call @unmap for every index, whatever it returns
 * @nr: mappings, indices 0 .. @nr - 1
 * @unmap: undoes mapping i; 0 or a negative errno
 * @ctx: passed to @unmap
 * @ok: receives the indices undone, in increasing order (room for @nr)
 * @nr_ok: receives how many
 *
 * Return: the number of mappings left in place (whose frames the caller
 * must keep and report).
 */
unsigned int xpv_unmap_all(unsigned int nr,
			   int (*unmap)(void *ctx, unsigned int i), void *ctx,
			   unsigned int *ok, unsigned int *nr_ok)
{
	unsigned int i, failed = 0;

	*nr_ok = 0;
	for (i = 0; i < nr; i++) {
		if (unmap(ctx, i))
			failed++;
		else
			ok[(*nr_ok)++] = i;
	}
	return failed;
}
