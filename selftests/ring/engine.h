/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The request/response engine shared by the ring selftests and the ring
 * benchmark: a front end (producer of requests, consumer of responses) and
 * a back end (the reverse), each pinned to its own core, in two threads or
 * in two processes over MAP_SHARED memory, driving one ring the way the
 * drivers do:
 *
 *  - produce up to `batch` requests, push, and send an event when the push
 *    says the peer asked for one (EVENT mode) or on every push (ALWAYS);
 *  - when idle, sample the event counter, run the final check (which
 *    re-arms the event index) and only then wait (spin or sleep); in poll
 *    mode (WAIT_POLL) send no event and arm nothing, just re-read the
 *    ring (tools/virtio/ringtest's polling, for ring_anchor); with a
 *    grace, the final check first polls the peer's producer index up to
 *    `grace` times (*_final_check_grace() of ring.h) and arms only when
 *    that found nothing;
 *  - every request carries a sequence number and a check value; both ends
 *    verify that entries arrive in order, exactly once and intact.
 *
 * Ring kinds: the Xen ring of include/xpv/proto/ring.h with blkif- and
 * netif-sized entries, and the virtio split ring of vring.h (reference).
 */
#ifndef XPV_SELFTEST_ENGINE_H
#define XPV_SELFTEST_ENGINE_H

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "evt.h"
#include "ring_types.h"
#include "vring.h"

enum ring_kind { K_XBLK, K_XNET, K_VBLK, K_VNET, K_NR };

struct eng_params {
	enum ring_kind kind;
	unsigned int slots;
	unsigned int batch;
	bool notify_always;
	enum wait_mode wait;
	uint64_t nreq;
	uint32_t start;		/* initial ring index (Xen kinds) */
	uint64_t consumer_delay_ns;	/* busy work per request in the back */
	bool fork;		/* back end in a child process */
	unsigned int window;	/* max requests outstanding (0: ring size) */
	unsigned int grace;	/* poll-before-arm: polls before re-arming
				 * the event index when idle (0: none) */
	uint64_t timeout_ns;	/* give up after this long */
};

struct eng_result {
	struct side_stats front, back;
	uint64_t completed;	/* responses the front consumed, in order */
	uint64_t answered;	/* requests the back consumed, in order */
	uint64_t t_req_ns;	/* start -> back consumed the last request */
	uint64_t t_rsp_ns;	/* start -> front consumed the last response */
	bool front_broken, back_broken;
};

struct eng_shared {
	struct evtchn to_back;
	struct evtchn to_front;
	_Alignas(64) _Atomic int ready;
	_Atomic int go;
	_Atomic int abort;
	uint64_t t0;
	_Alignas(64) struct side_stats back_stats;
	uint64_t t_req_end;
	uint64_t answered;
	bool back_broken;
};

struct eng {
	const struct eng_params *p;
	struct eng_shared *sh;
	void *ring;		/* shared ring memory */
	size_t ring_bytes;
};

/* ---- per-kind operations ------------------------------------------- */

/*
 * Each side's private state on cache lines of its own: the two threads
 * write it on every entry (and every poll), and sharing a line would make
 * each side slow the other down, which two domains never do.
 */
struct xblk_ctx {
	_Alignas(64) struct tblk_front f;
	struct blk_req q;
	_Alignas(64) struct tblk_back b;
};
struct xnet_ctx {
	_Alignas(64) struct tnet_front f;
	struct net_req q;
	_Alignas(64) struct tnet_back b;
};
struct vring_ctx {
	_Alignas(64) struct vring_driver d;
	union { struct blk_req b; struct net_req n; } q;
	_Alignas(64) struct vring_device v;
};

static inline bool xblk_f_put(struct xblk_ctx *c, uint64_t seq)
{
	c->q.seq = seq;
	c->q.check = ~seq;
	return tblk_front_put_request(&c->f, &c->q);
}

static inline bool xblk_f_push(struct xblk_ctx *c)
{
	return tblk_front_push_requests(&c->f);
}

static inline int xblk_f_get(struct xblk_ctx *c, uint64_t *seq)
{
	struct blk_rsp r;

	if (!tblk_front_get_response(&c->f, &r))
		return c->f.r.broken ? -1 : 0;
	if (r.check != (uint32_t)~r.seq || r.status != 0)
		return -1;
	*seq = r.seq;
	return 1;
}

static inline bool xblk_f_final(struct xblk_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return tblk_front_final_check(&c->f);
	return tblk_front_final_check_grace(&c->f, grace, polls);
}

static inline int xblk_b_get(struct xblk_ctx *c, uint64_t *seq)
{
	struct blk_req q;

	if (!tblk_back_get_request(&c->b, &q))
		return c->b.r.broken ? -1 : 0;
	if (q.check != ~q.seq)
		return -1;
	*seq = q.seq;
	return 1;
}

static inline bool xblk_b_put(struct xblk_ctx *c, uint64_t seq)
{
	struct blk_rsp r = { .seq = seq, .check = (uint32_t)~seq };

	return tblk_back_put_response(&c->b, &r);
}

static inline bool xblk_b_push(struct xblk_ctx *c)
{
	return tblk_back_push_responses(&c->b);
}

static inline bool xblk_b_final(struct xblk_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return tblk_back_final_check(&c->b);
	return tblk_back_final_check_grace(&c->b, grace, polls);
}

static inline bool xnet_f_put(struct xnet_ctx *c, uint64_t seq)
{
	c->q.seq = seq;
	c->q.check = ~(uint32_t)seq;
	return tnet_front_put_request(&c->f, &c->q);
}

static inline bool xnet_f_push(struct xnet_ctx *c)
{
	return tnet_front_push_requests(&c->f);
}

static inline int xnet_f_get(struct xnet_ctx *c, uint64_t *seq)
{
	struct net_rsp r;

	if (!tnet_front_get_response(&c->f, &r))
		return c->f.r.broken ? -1 : 0;
	*seq = r.seq;
	return 1;
}

static inline bool xnet_f_final(struct xnet_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return tnet_front_final_check(&c->f);
	return tnet_front_final_check_grace(&c->f, grace, polls);
}

static inline int xnet_b_get(struct xnet_ctx *c, uint64_t *seq)
{
	struct net_req q;

	if (!tnet_back_get_request(&c->b, &q))
		return c->b.r.broken ? -1 : 0;
	if (q.check != ~q.seq)
		return -1;
	*seq = q.seq;
	return 1;
}

static inline bool xnet_b_put(struct xnet_ctx *c, uint64_t seq)
{
	struct net_rsp r = { .seq = (uint32_t)seq };

	return tnet_back_put_response(&c->b, &r);
}

static inline bool xnet_b_push(struct xnet_ctx *c)
{
	return tnet_back_push_responses(&c->b);
}

static inline bool xnet_b_final(struct xnet_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return tnet_back_final_check(&c->b);
	return tnet_back_final_check_grace(&c->b, grace, polls);
}

/* virtio, blkif-sized messages */
static inline bool vblk_f_put(struct vring_ctx *c, uint64_t seq)
{
	c->q.b.seq = seq;
	c->q.b.check = ~seq;
	return vring_drv_add(&c->d, &c->q.b, sizeof(c->q.b));
}

static inline bool vblk_f_push(struct vring_ctx *c)
{
	return vring_drv_kick(&c->d);
}

static inline int vblk_f_get(struct vring_ctx *c, uint64_t *seq)
{
	struct blk_rsp r;

	if (!vring_drv_get(&c->d, &r, sizeof(r)))
		return c->d.broken ? -1 : 0;
	if (r.check != (uint32_t)~r.seq || r.status != 0)
		return -1;
	*seq = r.seq;
	return 1;
}

static inline bool vblk_f_final(struct vring_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return vring_drv_final_check(&c->d);
	return vring_drv_final_check_grace(&c->d, grace, polls);
}

static inline int vblk_b_get(struct vring_ctx *c, uint64_t *seq)
{
	struct blk_req q;

	if (!vring_dev_get(&c->v, &q, sizeof(q)))
		return c->v.broken ? -1 : 0;
	if (q.check != ~q.seq)
		return -1;
	*seq = q.seq;
	return 1;
}

static inline bool vblk_b_put(struct vring_ctx *c, uint64_t seq)
{
	struct blk_rsp r = { .seq = seq, .check = (uint32_t)~seq };

	return vring_dev_put(&c->v, &r, sizeof(r));
}

static inline bool vblk_b_push(struct vring_ctx *c)
{
	return vring_dev_push(&c->v);
}

static inline bool vblk_b_final(struct vring_ctx *c, u32 grace, u32 *polls)
{
	if (!grace)	/* plain: the final check drivers use today */
		return vring_dev_final_check(&c->v);
	return vring_dev_final_check_grace(&c->v, grace, polls);
}

/* virtio, netif-sized messages */
static inline bool vnet_f_put(struct vring_ctx *c, uint64_t seq)
{
	c->q.n.seq = seq;
	c->q.n.check = ~(uint32_t)seq;
	return vring_drv_add(&c->d, &c->q.n, sizeof(c->q.n));
}

#define vnet_f_push vblk_f_push
#define vnet_f_final vblk_f_final
#define vnet_b_push vblk_b_push
#define vnet_b_final vblk_b_final

static inline int vnet_f_get(struct vring_ctx *c, uint64_t *seq)
{
	struct net_rsp r;

	if (!vring_drv_get(&c->d, &r, sizeof(r)))
		return c->d.broken ? -1 : 0;
	*seq = r.seq;
	return 1;
}

static inline int vnet_b_get(struct vring_ctx *c, uint64_t *seq)
{
	struct net_req q;

	if (!vring_dev_get(&c->v, &q, sizeof(q)))
		return c->v.broken ? -1 : 0;
	if (q.check != ~q.seq)
		return -1;
	*seq = q.seq;
	return 1;
}

static inline bool vnet_b_put(struct vring_ctx *c, uint64_t seq)
{
	struct net_rsp r = { .seq = (uint32_t)seq };

	return vring_dev_put(&c->v, &r, sizeof(r));
}

/*
 * The *_final() operations run the plain final check when grace is 0 (so
 * the plain variants test exactly what drivers call today) and the
 * poll-before-arm helper otherwise.
 */

/* ---- the two loops, instantiated per kind -------------------------- */

#define ENG_WAIT_SLICE_NS 1000000000ull

/*
 * Idle: sample the event counter, final-check (poll for the grace, then
 * re-arm), then wait.  A wait slice that ends without an event while work
 * is pending is a lost wake-up (counted).
 * Return: 0 to go on, -1 to stop (abort or overall timeout).
 */
#define ENG_IDLE(e, ch, final, c, st, t_start)				\
({									\
	int __r = 0;							\
	u32 __polls = 0;						\
	uint32_t __seen = evt_seen(ch);					\
	uint64_t __t = (e)->p->grace ? now_ns() : 0;			\
	bool __more = final(c, (e)->p->grace, &__polls);		\
	if ((e)->p->grace) {						\
		(st)->poll_ns += now_ns() - __t;			\
		(st)->polls += __polls;					\
		if (__more)						\
			(st)->grace_hits++;				\
	}								\
	if (!__more) {							\
		while (evt_wait(ch, __seen, (e)->p->wait,		\
				ENG_WAIT_SLICE_NS, st)) {		\
			if (atomic_load(&(e)->sh->abort) ||		\
			    now_ns() - (t_start) > (e)->p->timeout_ns) {\
				__r = -1;				\
				break;					\
			}						\
			if (final(c, 0, &__polls)) {	/* no event */	\
				(st)->lost++;				\
				break;					\
			}						\
		}							\
	}								\
	__r;								\
})

/*
 * Idle in poll mode (WAIT_POLL): no final check, no event index, no wait;
 * the loop re-reads the ring at once, as ringtest's poll_used() and
 * poll_avail() do (without --relax: no PAUSE).  The clock is read only
 * every 64 Ki idle rounds.
 * Return: 0 to go on, -1 on the overall timeout.
 */
#define ENG_POLL_IDLE(p, idle, t_start)					\
	(!(++(idle) & 0xffff) && now_ns() - (t_start) > (p)->timeout_ns ? -1 : 0)

#define ENGINE_DEFINE(K, ctx_t)						\
static uint64_t K##_front_loop(struct eng *e, ctx_t *c,		\
			       struct side_stats *st)			\
{									\
	const struct eng_params *p = e->p;				\
	uint64_t produced = 0, completed = 0, seq;			\
	uint64_t t_start = now_ns();					\
	unsigned int idle = 0;						\
	int r;								\
									\
	while (completed < p->nreq) {					\
		unsigned int n = 0, got = 0;				\
									\
		while (produced < p->nreq && n < p->batch &&		\
		       (!p->window || produced - completed < p->window)) {\
			if (!K##_f_put(c, produced)) {			\
				st->full++;				\
				break;					\
			}						\
			produced++;					\
			n++;						\
		}							\
		if (n && (K##_f_push(c) || p->notify_always) &&		\
		    p->wait != WAIT_POLL)				\
			evt_notify(&e->sh->to_back, st);		\
		while ((r = K##_f_get(c, &seq)) > 0) {			\
			if (seq != (completed & seq_mask(p->kind)))	\
				st->errors++;				\
			completed++;					\
			got++;						\
		}							\
		if (r < 0 || st->errors) {				\
			st->errors++;					\
			break;						\
		}							\
		if (n || got)						\
			continue;					\
		if (atomic_load(&e->sh->abort))				\
			break;						\
		if (p->wait == WAIT_POLL) {				\
			if (ENG_POLL_IDLE(p, idle, t_start)) {		\
				st->errors++;				\
				break;					\
			}						\
			continue;					\
		}							\
		if (ENG_IDLE(e, &e->sh->to_front, K##_f_final, c, st,	\
			     t_start)) {				\
			st->errors++;					\
			break;						\
		}							\
	}								\
	return completed;						\
}									\
									\
static uint64_t K##_back_loop(struct eng *e, ctx_t *c,			\
			      struct side_stats *st)			\
{									\
	const struct eng_params *p = e->p;				\
	uint64_t done = 0, seq;						\
	uint64_t t_start = now_ns();					\
	unsigned int idle = 0;						\
	int r = 0;							\
									\
	while (done < p->nreq) {					\
		unsigned int n = 0;					\
									\
		while (n < p->batch && (r = K##_b_get(c, &seq)) > 0) {	\
			if (seq != ((done + n) & seq_mask(p->kind)))	\
				st->errors++;				\
			if (p->consumer_delay_ns)			\
				busy_ns(p->consumer_delay_ns);		\
			if (!K##_b_put(c, seq))				\
				st->errors++;				\
			n++;						\
		}							\
		if (r < 0 || st->errors) {				\
			st->errors++;					\
			break;						\
		}							\
		if (n) {						\
			done += n;					\
			if (done == p->nreq)				\
				e->sh->t_req_end = now_ns();		\
			if ((K##_b_push(c) || p->notify_always) &&	\
			    p->wait != WAIT_POLL)			\
				evt_notify(&e->sh->to_front, st);	\
			continue;					\
		}							\
		if (atomic_load(&e->sh->abort))				\
			break;						\
		if (p->wait == WAIT_POLL) {				\
			if (ENG_POLL_IDLE(p, idle, t_start)) {		\
				st->errors++;				\
				break;					\
			}						\
			continue;					\
		}							\
		if (ENG_IDLE(e, &e->sh->to_back, K##_b_final, c, st,	\
			     t_start)) {				\
			st->errors++;					\
			break;						\
		}							\
	}								\
	return done;							\
}

static inline uint64_t seq_mask(enum ring_kind k)
{
	return (k == K_XNET || k == K_VNET) ? 0xffffffffull : ~0ull;
}

static inline void busy_ns(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		cpu_relax();
}

ENGINE_DEFINE(xblk, struct xblk_ctx)
ENGINE_DEFINE(xnet, struct xnet_ctx)
ENGINE_DEFINE(vblk, struct vring_ctx)
ENGINE_DEFINE(vnet, struct vring_ctx)

static inline size_t kind_esz(enum ring_kind k)
{
	return (k == K_XBLK || k == K_VBLK) ? sizeof(union tblk_entry)
					     : sizeof(union tnet_entry);
}

static inline const char *kind_ring(enum ring_kind k)
{
	return k <= K_XNET ? "xen" : "virtio";
}

static inline const char *kind_entry(enum ring_kind k)
{
	return (k == K_XBLK || k == K_VBLK) ? "blkif" : "netif";
}

static inline size_t kind_bytes(enum ring_kind k, unsigned int slots)
{
	if (k <= K_XNET)
		return ring_area_bytes(slots, kind_esz(k));
	return vring_bytes(slots, kind_esz(k));
}

/* ---- running one point --------------------------------------------- */

struct eng_run {
	struct eng e;
	union {
		struct xblk_ctx xb;
		struct xnet_ctx xn;
		struct vring_ctx v;
	} c;
	u16 *ids, *inflight, *heads;
	_Alignas(64) struct side_stats front_stats;
	uint64_t completed;
	uint64_t t_rsp_end;
};

static uint64_t eng_front(struct eng_run *run)
{
	struct side_stats *st = &run->front_stats;

	switch (run->e.p->kind) {
	case K_XBLK: return xblk_front_loop(&run->e, &run->c.xb, st);
	case K_XNET: return xnet_front_loop(&run->e, &run->c.xn, st);
	case K_VBLK: return vblk_front_loop(&run->e, &run->c.v, st);
	default: return vnet_front_loop(&run->e, &run->c.v, st);
	}
}

static uint64_t eng_back(struct eng_run *run)
{
	struct side_stats *st = &run->e.sh->back_stats;

	switch (run->e.p->kind) {
	case K_XBLK: return xblk_back_loop(&run->e, &run->c.xb, st);
	case K_XNET: return xnet_back_loop(&run->e, &run->c.xn, st);
	case K_VBLK: return vblk_back_loop(&run->e, &run->c.v, st);
	default: return vnet_back_loop(&run->e, &run->c.v, st);
	}
}

static bool eng_back_broken(struct eng_run *run)
{
	switch (run->e.p->kind) {
	case K_XBLK: return run->c.xb.b.r.broken;
	case K_XNET: return run->c.xn.b.r.broken;
	default: return run->c.v.v.broken;
	}
}

static bool eng_front_broken(struct eng_run *run)
{
	switch (run->e.p->kind) {
	case K_XBLK: return run->c.xb.f.r.broken;
	case K_XNET: return run->c.xn.f.r.broken;
	default: return run->c.v.d.broken;
	}
}

static void *eng_front_thread(void *arg)
{
	struct eng_run *run = arg;
	struct eng_shared *sh = run->e.sh;

	pin_to_cpu(0);
	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < 2)
		sched_yield();
	sh->t0 = now_ns();
	atomic_store(&sh->go, 1);
	run->completed = eng_front(run);
	run->t_rsp_end = now_ns();
	if (run->completed != run->e.p->nreq) {
		atomic_store(&sh->abort, 1);
		evt_notify(&sh->to_back, &run->front_stats);
	}
	return NULL;
}

static void eng_back_side(struct eng_run *run)
{
	struct eng_shared *sh = run->e.sh;

	pin_to_cpu(1);
	atomic_fetch_add(&sh->ready, 1);
	while (!atomic_load(&sh->go))
		sched_yield();
	sh->answered = eng_back(run);
	sh->back_broken = eng_back_broken(run);
	if (sh->answered != run->e.p->nreq) {
		atomic_store(&sh->abort, 1);
		evt_notify(&sh->to_front, &sh->back_stats);
	}
}

static void *eng_back_thread(void *arg)
{
	eng_back_side(arg);
	return NULL;
}

/*
 * eng_run() - run one point
 * Return: 0 when the run completed (check @r for errors), -1 when it could
 * not be set up.
 */
static int eng_run(const struct eng_params *p, struct eng_result *r)
{
	size_t bytes = kind_bytes(p->kind, p->slots);
	size_t shsz = (sizeof(struct eng_shared) + 4095) & ~4095ul;
	size_t maplen = shsz + ((bytes + 4095) & ~4095ul);
	struct eng_run *run;
	pthread_t tf, tb;
	void *mem;
	int ret = -1;

	run = aligned_alloc(64, (sizeof(*run) + 63) & ~(size_t)63);
	if (!run)
		return -1;
	memset(run, 0, sizeof(*run));
	mem = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto out_free;
	run->e.p = p;
	run->e.sh = mem;
	run->e.ring = (u8 *)mem + shsz;
	run->e.ring_bytes = bytes;

	switch (p->kind) {
	case K_XBLK:
		xpv_sring_init_at(run->e.ring, p->start);
		if (tblk_front_attach(&run->c.xb.f, run->e.ring, bytes, p->start) ||
		    tblk_back_attach(&run->c.xb.b, run->e.ring, bytes, p->start) ||
		    run->c.xb.f.r.nr_ents != p->slots)
			goto out_unmap;
		break;
	case K_XNET:
		xpv_sring_init_at(run->e.ring, p->start);
		if (tnet_front_attach(&run->c.xn.f, run->e.ring, bytes, p->start) ||
		    tnet_back_attach(&run->c.xn.b, run->e.ring, bytes, p->start) ||
		    run->c.xn.f.r.nr_ents != p->slots)
			goto out_unmap;
		break;
	default:
		run->ids = calloc(p->slots, sizeof(u16));
		run->inflight = calloc(p->slots, sizeof(u16));
		run->heads = calloc(p->slots, sizeof(u16));
		if (!run->ids || !run->inflight || !run->heads)
			goto out_unmap;
		vring_layout(&run->c.v.d.vr, run->e.ring, p->slots,
			     kind_esz(p->kind));
		run->c.v.v.vr = run->c.v.d.vr;
		vring_init_shared(&run->c.v.d.vr);
		vring_driver_init(&run->c.v.d, run->ids, run->inflight);
		vring_device_init(&run->c.v.v, run->heads);
		break;
	}

	if (p->fork) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			goto out_unmap;
		if (pid == 0) {
			eng_back_side(run);
			_exit(0);
		}
		pthread_create(&tf, NULL, eng_front_thread, run);
		pthread_join(tf, NULL);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			run->e.sh->back_stats.errors++;
	} else {
		pthread_create(&tb, NULL, eng_back_thread, run);
		pthread_create(&tf, NULL, eng_front_thread, run);
		pthread_join(tf, NULL);
		pthread_join(tb, NULL);
	}

	memset(r, 0, sizeof(*r));
	r->front = run->front_stats;
	r->back = run->e.sh->back_stats;
	r->completed = run->completed;
	r->answered = run->e.sh->answered;
	r->t_rsp_ns = run->t_rsp_end - run->e.sh->t0;
	r->t_req_ns = run->e.sh->t_req_end ?
		      run->e.sh->t_req_end - run->e.sh->t0 : r->t_rsp_ns;
	r->front_broken = eng_front_broken(run);
	r->back_broken = run->e.sh->back_broken;
	ret = 0;
out_unmap:
	munmap(mem, maplen);
out_free:
	free(run->ids);
	free(run->inflight);
	free(run->heads);
	free(run);
	return ret;
}

/* The run answered every request exactly once, in order, with no error. */
static inline bool eng_ok(const struct eng_params *p, const struct eng_result *r)
{
	return r->completed == p->nreq && r->answered == p->nreq &&
	       !r->front.errors && !r->back.errors && !r->front.lost &&
	       !r->back.lost && !r->front_broken && !r->back_broken;
}

#endif
