/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv dom0-compat provider: internal declarations.
 */
#ifndef _XPV_COMPAT_INTERNAL_H
#define _XPV_COMPAT_INTERNAL_H

int xpv_compat_grant_init(void);
void xpv_compat_grant_exit(void);
void xpv_compat_xenstore_exit(void);
int xpv_compat_selftest(void);

#endif /* _XPV_COMPAT_INTERNAL_H */
