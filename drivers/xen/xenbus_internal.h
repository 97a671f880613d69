/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: private interfaces between xenstore.c, xenbus*.c and control.c.
 */
#ifndef _XPV_XENBUS_INTERNAL_H
#define _XPV_XENBUS_INTERNAL_H

int xpv_xenbus_init(void);

/*
 * Suspend and resume (suspend.c drives them; "cancelled": the suspend
 * hypercall returned in the same domain, nothing was lost).
 */
int xpv_xs_suspend(void);
void xpv_xs_resume(bool cancelled);
void xpv_gnttab_resume(void);
void xpv_cons_resume(void);
void xpv_xenbus_suspend(void);
void xpv_xenbus_resume(bool cancelled);
void xpv_suspend_request(void);

#endif /* _XPV_XENBUS_INTERNAL_H */
