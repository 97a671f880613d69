/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: private interfaces between xenstore.c, xenbus*.c and control.c.
 */
#ifndef _XPV_XENBUS_INTERNAL_H
#define _XPV_XENBUS_INTERNAL_H

int xpv_xenbus_init(void);

#endif /* _XPV_XENBUS_INTERNAL_H */
