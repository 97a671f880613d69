/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A user-space stand-in for a Xen event channel: a sequence counter in
 * shared memory.  Sending increments it and issues FUTEX_WAKE (a system
 * call, as a real notification is a hypercall); a waiter either spins on
 * the counter or sleeps in FUTEX_WAIT.  Works between threads and between
 * processes sharing a MAP_SHARED page.
 *
 * evt_exit_cycles, 0 unless a program sets it, is burnt (TSC cycles) before
 * and after each notification and each sleeping wait: the simulated VM exit
 * and entry of tools/virtio/ringtest (500 + 500 cycles around each eventfd
 * write and read there), so that a comparison with it charges both alike.
 */
#ifndef XPV_SELFTEST_EVT_H
#define XPV_SELFTEST_EVT_H

#include <linux/futex.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct evtchn {
	_Alignas(64) _Atomic uint32_t seq;
};

/*
 * WAIT_POLL: no notifications and no event index at all; an idle side
 * re-reads the ring until work appears (tools/virtio/ringtest without
 * --sleep).  Only the engine's poll mode uses it.
 */
enum wait_mode { WAIT_SPIN, WAIT_SLEEP, WAIT_POLL };

struct side_stats {
	uint64_t notifies;	/* events sent */
	uint64_t waits;		/* went idle after the final check */
	uint64_t sleeps;	/* blocked in FUTEX_WAIT */
	uint64_t lost;		/* waited past the timeout with work pending */
	uint64_t full;		/* producer found the ring full */
	uint64_t errors;	/* wrong sequence, bad check value, broken ring */
	uint64_t polls;		/* reads of the peer's index in the grace */
	uint64_t poll_ns;	/* time in the grace helper (grace > 0 only) */
	uint64_t grace_hits;	/* idle entries where the grace found work */
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

static uint64_t evt_exit_cycles;

/* The simulated VM exit or entry around a notification or a wait. */
static inline void evt_exit(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint64_t t;

	if (!evt_exit_cycles)
		return;
	t = __rdtsc();
	while (__rdtsc() - t < evt_exit_cycles)
		;
#endif
}

static inline uint32_t evt_seen(struct evtchn *e)
{
	return atomic_load_explicit(&e->seq, memory_order_acquire);
}

static inline void evt_notify(struct evtchn *e, struct side_stats *st)
{
	evt_exit();
	atomic_fetch_add_explicit(&e->seq, 1, memory_order_seq_cst);
	syscall(SYS_futex, &e->seq, FUTEX_WAKE, 1, NULL, NULL, 0);
	evt_exit();
	st->notifies++;
}

/*
 * Wait until the counter moves from @seen or @timeout_ns passes.
 * Return: 0 when notified, -1 on timeout.
 */
static inline int evt_wait(struct evtchn *e, uint32_t seen, enum wait_mode m,
			   uint64_t timeout_ns, struct side_stats *st)
{
	uint64_t deadline = now_ns() + timeout_ns;
	unsigned int spins = 0;

	st->waits++;
	if (m == WAIT_SLEEP)
		evt_exit();
	while (evt_seen(e) == seen) {
		if (m == WAIT_SPIN) {
			cpu_relax();
			if (++spins & 0xfff)
				continue;
			if (now_ns() > deadline)
				return -1;
			/* a descheduled peer needs our core back */
			if ((spins & 0xfffff) == 0)
				sched_yield();
		} else {
			uint64_t t = now_ns();
			struct timespec ts;

			if (t > deadline)
				return -1;
			t = deadline - t;
			ts.tv_sec = t / 1000000000ull;
			ts.tv_nsec = t % 1000000000ull;
			st->sleeps++;
			syscall(SYS_futex, &e->seq, FUTEX_WAIT, seen, &ts,
				NULL, 0);
		}
	}
	if (m == WAIT_SLEEP)
		evt_exit();
	return 0;
}

static inline void pin_to_cpu(int n)
{
	cpu_set_t allowed, one;
	int i, k = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	if (CPU_COUNT(&allowed) < 2)
		return;
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &allowed))
			continue;
		if (k++ == n) {
			CPU_ZERO(&one);
			CPU_SET(i, &one);
			sched_setaffinity(0, sizeof(one), &one);
			return;
		}
	}
}

#endif
