// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: the parts of the platform API that are
 * written on top of the provider's own calls live once, in drivers/xpv/,
 * and are compiled into this module from the native provider's files:
 * the xenstore helpers (formatted reads and writes, the strict number
 * reader, formatted watch paths), the xenbus state decisions, the
 * ring endpoints with the key readers, and the driver plumbing (state
 * reactions, back end probe, publish transaction).
 */
#include "../xenstore_helpers.c"
#include "../xenbus_common.c"
#include "../xenbus_ring.c"
#include "../xenbus_driver.c"
