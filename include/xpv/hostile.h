/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv test modules: what every hostile peer of the test bed does alike
 * (xpv-blkfront-hostile, xpv-netback-hostile, xpv-netfront-hostile).
 * Never used by a driver.
 */
#ifndef _XPV_HOSTILE_H
#define _XPV_HOSTILE_H

#include <linux/jiffies.h>
#include <linux/sched.h>
#include <xpv/events.h>

/**
 * xpv_hostile_storm() - an event storm: notify a port as fast as possible
 * @port: our end of the event channel
 * @ms: how long
 *
 * Yields the CPU every 64 notifications, so dom0 stays usable.
 *
 * Context: process context, may sleep.
 * Return: the notifications sent.
 */
static inline unsigned long xpv_hostile_storm(evtchn_port_t port,
					      unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms), n = 0;

	while (time_before(jiffies, end)) {
		xpv_evtchn_notify(port);
		if (!(++n & 63))
			cond_resched();
	}
	return n;
}

#endif /* _XPV_HOSTILE_H */
