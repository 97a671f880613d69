// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring throughput benchmark (figures only, never asserted).
 *
 * Sweeps ring size (32, 256, 512 slots) x entry class (blkif 112/16 bytes,
 * netif 12/4 bytes) x batch (1, 8, 32) x notification mode (always, event
 * hold-off) x waiting (spin, sleep), running each point on our Xen ring and
 * on the virtio split ring of vring.h in the same run, plus a cache-line
 * ping-pong between the two cores.  Writes ring.csv, ring-plot.dat (for
 * plot.gp) and ring.json into --out DIR.
 *
 * A run that loses or duplicates a request, or breaks a ring, makes the
 * benchmark exit 1: the figures of a wrong run mean nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"

static const unsigned int sizes[] = { 32, 256, 512 };
static const unsigned int batches[] = { 1, 8, 32 };
#define NS(a) (sizeof(a) / sizeof((a)[0]))

struct fig {
	double req_per_s, rsp_per_s, ns_per_req;
	double notify_req_1k, notify_rsp_1k, wakeups_1k, sleeps_1k;
	bool ok;
};

struct point {
	int entry;		/* 0 blkif, 1 netif */
	unsigned int slots, batch;
	bool always;
	enum wait_mode wait;
	unsigned int window;
	uint64_t nreq;
	struct fig xen, virtio;
};

#define PP_CHUNK 2000

static double pingpong_rtt_ns(uint64_t iters);

static struct fig measure(enum ring_kind k, const struct point *pt)
{
	struct eng_params p = {
		.kind = k, .slots = pt->slots, .batch = pt->batch,
		.notify_always = pt->always, .wait = pt->wait,
		.nreq = pt->nreq, .timeout_ns = 60000000000ull,
		.window = pt->window,
	};
	struct eng_result r;
	struct fig f = { 0 };
	double n = (double)p.nreq;

	if (eng_run(&p, &r))
		return f;
	f.ok = eng_ok(&p, &r);
	f.req_per_s = n * 1e9 / (double)r.t_req_ns;
	f.rsp_per_s = n * 1e9 / (double)r.t_rsp_ns;
	f.ns_per_req = (double)r.t_rsp_ns / n;
	f.notify_req_1k = 1000.0 * (double)r.front.notifies / n;
	f.notify_rsp_1k = 1000.0 * (double)r.back.notifies / n;
	f.wakeups_1k = 1000.0 * (double)(r.front.waits + r.back.waits) / n;
	f.sleeps_1k = 1000.0 * (double)(r.front.sleeps + r.back.sleeps) / n;
	if (!f.ok)
		fprintf(stderr,
			"ERROR %s %s: completed %lu answered %lu errors %lu/%lu lost %lu/%lu broken %d/%d\n",
			kind_ring(k), kind_entry(k), r.completed, r.answered,
			r.front.errors, r.back.errors, r.front.lost,
			r.back.lost, r.front_broken, r.back_broken);
	return f;
}

static const char *mode_s(bool always)
{
	return always ? "always" : "event";
}

static const char *wait_s(enum wait_mode w)
{
	return w == WAIT_SPIN ? "spin" : "sleep";
}

static void csv_row(FILE *f, const char *ring, const struct point *p,
		    const struct fig *g)
{
	fprintf(f, "%s,%s,%u,%u,%s,%s,%lu,%.0f,%.1f,%.0f,%.2f,%.2f,%.2f,%.2f,%d\n",
		ring, p->entry ? "netif" : "blkif", p->slots, p->batch,
		mode_s(p->always), wait_s(p->wait), p->nreq, g->req_per_s,
		g->ns_per_req, g->rsp_per_s, g->notify_req_1k,
		g->notify_rsp_1k, g->wakeups_1k, g->sleeps_1k, g->ok);
}

static void json_fig(FILE *f, const char *name, const struct fig *g)
{
	fprintf(f, "\"%s\": {\"req_per_s\": %.0f, \"ns_per_req\": %.1f, "
		"\"rsp_per_s\": %.0f, \"notify_req_per_1k\": %.2f, "
		"\"notify_rsp_per_1k\": %.2f, \"waits_per_1k\": %.2f, "
		"\"sleeps_per_1k\": %.2f, \"ok\": %s}",
		name, g->req_per_s, g->ns_per_req, g->rsp_per_s,
		g->notify_req_1k, g->notify_rsp_1k, g->wakeups_1k,
		g->sleeps_1k, g->ok ? "true" : "false");
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

static double geomean(const double *v, int n)
{
	double s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += log(v[i]);
	return n ? exp(s / n) : 0;
}

int main(int argc, char **argv)
{
	const char *out = "build/results";
	bool quick = false;
	uint64_t n_spin, n_sleep, pp_iters;
	struct point *pts;
	int npts = 0, i, e, si, bi, m, w, bad = 0;
	double rtt[3], rtt_ns, *rv, *rb, *rn, *rp;
	int nrv = 0, nrb = 0, nrn = 0, nrp = 0;
	uint64_t t_start = now_ns();
	FILE *csv, *dat, *js;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--quick] [--out DIR]\n", argv[0]);
			return 2;
		}
	}
	n_spin = quick ? 20000 : 200000;
	n_sleep = quick ? 5000 : 50000;
	pp_iters = quick ? 20000 : 200000;

	for (i = 0; i < 3; i++)
		rtt[i] = pingpong_rtt_ns(pp_iters);
	/* median of three */
	rtt_ns = rtt[0] + rtt[1] + rtt[2] - fmin(rtt[0], fmin(rtt[1], rtt[2])) -
		 fmax(rtt[0], fmax(rtt[1], rtt[2]));
	printf("# cache-line ping-pong round trip (best %d-trip chunk): %.1f ns (runs %.1f %.1f %.1f)\n",
	       PP_CHUNK,
	       rtt_ns, rtt[0], rtt[1], rtt[2]);
	printf("# %-6s %4s %3s %-6s %-5s %10s %8s %10s %12s %8s | %10s %8s %12s %6s\n",
	       "entry", "slot", "bat", "notify", "wait", "req/s", "ns/req",
	       "rsp/s", "notif/1k", "waits/1k", "virtio/s", "ns/req",
	       "notif/1k", "ratio");

	pts = calloc(2 * NS(sizes) * NS(batches) * 2 * 2, sizeof(*pts));
	rv = calloc(200, sizeof(double));
	rb = calloc(200, sizeof(double));
	rn = calloc(200, sizeof(double));
	rp = calloc(200, sizeof(double));
	if (!pts || !rv || !rb || !rn || !rp)
		return 2;
	for (e = 0; e < 2; e++)
	for (si = 0; si < (int)NS(sizes); si++)
	for (bi = 0; bi < (int)NS(batches); bi++)
	for (m = 0; m < 2; m++)
	for (w = 0; w < 2; w++) {
		struct point *p = &pts[npts++];
		double ratio;

		p->entry = e;
		p->slots = sizes[si];
		p->batch = batches[bi];
		p->always = m;
		p->wait = w ? WAIT_SLEEP : WAIT_SPIN;
		p->nreq = w ? n_sleep : n_spin;
		p->xen = measure(e ? K_XNET : K_XBLK, p);
		p->virtio = measure(e ? K_VNET : K_VBLK, p);
		if (!p->xen.ok || !p->virtio.ok)
			bad++;
		ratio = p->xen.req_per_s / p->virtio.req_per_s;
		printf("  %-6s %4u %3u %-6s %-5s %10.0f %8.1f %10.0f %5.1f+%-6.1f %8.1f | %10.0f %8.1f %5.1f+%-6.1f %6.2f\n",
		       e ? "netif" : "blkif", p->slots, p->batch,
		       mode_s(p->always), wait_s(p->wait), p->xen.req_per_s,
		       p->xen.ns_per_req, p->xen.rsp_per_s,
		       p->xen.notify_req_1k, p->xen.notify_rsp_1k,
		       p->xen.wakeups_1k, p->virtio.req_per_s,
		       p->virtio.ns_per_req, p->virtio.notify_req_1k,
		       p->virtio.notify_rsp_1k, ratio);
		fflush(stdout);
		rv[nrv++] = ratio;
		if (e)
			rn[nrn++] = ratio;
		else
			rb[nrb++] = ratio;
	}

	/*
	 * Unbatched and synchronous: one request in flight, so each request
	 * is a full round trip between the cores (plus its two notifications);
	 * the cache-line ping-pong round trip is the physical bound.
	 */
	struct point sync[2];

	for (e = 0; e < 2; e++) {
		struct point *p = &sync[e];

		memset(p, 0, sizeof(*p));
		p->entry = e;
		p->slots = 32;
		p->batch = 1;
		p->wait = WAIT_SPIN;
		p->window = 1;
		p->nreq = n_sleep;
		p->xen = measure(e ? K_XNET : K_XBLK, p);
		p->virtio = measure(e ? K_VNET : K_VBLK, p);
		if (!p->xen.ok || !p->virtio.ok)
			bad++;
		rp[nrp++] = rtt_ns / p->xen.ns_per_req;
		printf("# sync (1 in flight) %s: xen %.1f ns/req, virtio %.1f ns/req, ping-pong %.1f ns: ratio ours/ping-pong %.3f, ours/virtio %.3f\n",
		       e ? "netif" : "blkif", p->xen.ns_per_req,
		       p->virtio.ns_per_req, rtt_ns, rtt_ns / p->xen.ns_per_req,
		       p->xen.req_per_s / p->virtio.req_per_s);
	}

	/*
	 * Batched points (batch >= 8) against the record targets:
	 * per-request time within 2x of the unbatched physical bound (the
	 * ping-pong round trip), i.e. rtt / ns_per_req >= 0.5, and fewer than
	 * 0.05 notifications per request with event hold-off. Spin points
	 * only for time (sleeping waiters measure the futex, not the ring);
	 * every event-mode point for notifications.
	 */
	double pp_b8_min = 0, pp_b8_gm, nt_b8_max = 0;
	double *pb8 = calloc(npts, sizeof(*pb8));
	int npb8 = 0;

	for (i = 0; i < npts; i++) {
		const struct point *p = &pts[i];
		double nt = (p->xen.notify_req_1k + p->xen.notify_rsp_1k) / 1000;

		if (p->batch < 8 || p->always)
			continue;
		if (nt > nt_b8_max)
			nt_b8_max = nt;
		if (p->wait != WAIT_SPIN)
			continue;
		pb8[npb8] = rtt_ns / p->xen.ns_per_req;
		if (!npb8 || pb8[npb8] < pp_b8_min)
			pp_b8_min = pb8[npb8];
		npb8++;
	}
	pp_b8_gm = geomean(pb8, npb8);

	mkdir(out, 0755);
	csv = open_out(out, "ring.csv");
	fprintf(csv, "ring,entry,slots,batch,notify,wait,requests,req_per_s,ns_per_req,rsp_per_s,notify_req_per_1k,notify_rsp_per_1k,waits_per_1k,sleeps_per_1k,ok\n");
	for (i = 0; i < npts; i++) {
		csv_row(csv, "xen", &pts[i], &pts[i].xen);
		csv_row(csv, "virtio", &pts[i], &pts[i].virtio);
	}
	fclose(csv);

	/* gnuplot blocks: (entry, wait) panels; rows slots/batch; columns
	 * xen-event xen-always virtio-event virtio-always (Mreq/s), then the
	 * same four as notifications (both directions) per 1000 requests.
	 */
	dat = open_out(out, "ring-plot.dat");
	for (e = 0; e < 2; e++)
	for (w = 0; w < 2; w++) {
		fprintf(dat, "# %s %s\n", e ? "netif" : "blkif", w ? "sleep" : "spin");
		for (si = 0; si < (int)NS(sizes); si++)
		for (bi = 0; bi < (int)NS(batches); bi++) {
			const struct point *pe = NULL, *pa = NULL;

			for (i = 0; i < npts; i++) {
				const struct point *p = &pts[i];

				if (p->entry != e || p->slots != sizes[si] ||
				    p->batch != batches[bi] ||
				    (p->wait == WAIT_SLEEP) != w)
					continue;
				if (p->always)
					pa = p;
				else
					pe = p;
			}
			fprintf(dat, "%u/%u %.3f %.3f %.3f %.3f %.1f %.1f %.1f %.1f\n",
				sizes[si], batches[bi],
				pe->xen.req_per_s / 1e6, pa->xen.req_per_s / 1e6,
				pe->virtio.req_per_s / 1e6,
				pa->virtio.req_per_s / 1e6,
				pe->xen.notify_req_1k + pe->xen.notify_rsp_1k,
				pa->xen.notify_req_1k + pa->xen.notify_rsp_1k,
				pe->virtio.notify_req_1k + pe->virtio.notify_rsp_1k,
				pa->virtio.notify_req_1k + pa->virtio.notify_rsp_1k);
		}
		fprintf(dat, "\n\n");
	}
	fclose(dat);

	js = open_out(out, "ring.json");
	fprintf(js, "{\n  \"benchmark\": \"ring\",\n  \"quick\": %s,\n",
		quick ? "true" : "false");
	fprintf(js, "  \"requests_per_point_spin\": %lu,\n  \"requests_per_point_sleep\": %lu,\n",
		n_spin, n_sleep);
	fprintf(js, "  \"all_runs_correct\": %s,\n", bad ? "false" : "true");
	fprintf(js, "  \"pingpong_rtt_ns\": %.1f,\n", rtt_ns);
	fprintf(js, "  \"ratio_vs_virtio_geomean\": %.3f,\n", geomean(rv, nrv));
	fprintf(js, "  \"ratio_vs_virtio_blkif_geomean\": %.3f,\n", geomean(rb, nrb));
	fprintf(js, "  \"ratio_vs_virtio_netif_geomean\": %.3f,\n", geomean(rn, nrn));
	fprintf(js, "  \"ratio_vs_pingpong_sync_blkif\": %.3f,\n", rp[0]);
	fprintf(js, "  \"ratio_vs_pingpong_sync_netif\": %.3f,\n", rp[1]);
	fprintf(js, "  \"ratio_vs_pingpong_batch8plus_spin_min\": %.3f,\n", pp_b8_min);
	fprintf(js, "  \"ratio_vs_pingpong_batch8plus_spin_geomean\": %.3f,\n", pp_b8_gm);
	fprintf(js, "  \"notify_per_req_batch8plus_event_max\": %.4f,\n", nt_b8_max);
	fprintf(js, "  \"sync\": [\n");
	for (e = 0; e < 2; e++) {
		fprintf(js, "    {\"entry\": \"%s\", \"in_flight\": 1, \"slots\": 32, \"batch\": 1, \"notify\": \"event\", \"wait\": \"spin\", \"requests\": %lu, ",
			e ? "netif" : "blkif", sync[e].nreq);
		json_fig(js, "xen", &sync[e].xen);
		fprintf(js, ", ");
		json_fig(js, "virtio", &sync[e].virtio);
		fprintf(js, ", \"ratio_vs_virtio\": %.3f, \"ratio_vs_pingpong\": %.3f}%s\n",
			sync[e].xen.req_per_s / sync[e].virtio.req_per_s,
			rp[e], e ? "" : ",");
	}
	fprintf(js, "  ],\n");
	fprintf(js, "  \"points\": [\n");
	for (i = 0; i < npts; i++) {
		const struct point *p = &pts[i];

		fprintf(js, "    {\"entry\": \"%s\", \"slots\": %u, \"batch\": %u, "
			"\"notify\": \"%s\", \"wait\": \"%s\", \"requests\": %lu, ",
			p->entry ? "netif" : "blkif", p->slots, p->batch,
			mode_s(p->always), wait_s(p->wait), p->nreq);
		json_fig(js, "xen", &p->xen);
		fprintf(js, ", ");
		json_fig(js, "virtio", &p->virtio);
		fprintf(js, ", \"ratio_vs_virtio\": %.3f",
			p->xen.req_per_s / p->virtio.req_per_s);
		fprintf(js, "}%s\n", i + 1 < npts ? "," : "");
	}
	fprintf(js, "  ],\n  \"elapsed_s\": %.1f\n}\n",
		(double)(now_ns() - t_start) / 1e9);
	fclose(js);

	printf("# ratio ours/virtio (req/s, geomean over %d points): %.3f  (blkif %.3f, netif %.3f)\n",
	       nrv, geomean(rv, nrv), geomean(rb, nrb), geomean(rn, nrn));
	printf("# ratio ours/ping-pong bound (1 in flight, spin): blkif %.3f, netif %.3f\n",
	       rp[0], rp[1]);
	printf("# batch >= 8, spin, event hold-off: ratio ping-pong rtt / ns per request min %.3f, geomean %.3f (record target >= 0.5: %s)\n",
	       pp_b8_min, pp_b8_gm, pp_b8_min >= 0.5 ? "met" : "not met");
	printf("# batch >= 8, event hold-off: notifications per request at most %.4f (record target < 0.05: %s)\n",
	       nt_b8_max, nt_b8_max < 0.05 ? "met" : "not met");
	printf("# ratio ours/virtio target >= 1.0 (geomean): %s\n",
	       geomean(rv, nrv) >= 1.0 ? "met" : "not met");
	printf("# %d points in %.1f s; results in %s/ring.{csv,json}%s\n",
	       npts * 2 + 4, (double)(now_ns() - t_start) / 1e9, out,
	       bad ? "; SOME RUNS WERE WRONG" : "");
	free(pb8);
	free(pts);
	free(rv);
	free(rb);
	free(rn);
	free(rp);
	return bad ? 1 : 0;
}

/* ---- cache-line ping-pong ------------------------------------------ */

struct pp {
	_Alignas(64) _Atomic uint64_t ping;
	_Alignas(64) _Atomic uint64_t pong;
	_Alignas(64) uint64_t iters;
	_Atomic int ready;
};

static void *pp_echo(void *arg)
{
	struct pp *pp = arg;
	uint64_t i;

	pin_to_cpu(1);
	atomic_fetch_add(&pp->ready, 1);
	for (i = 1; i <= pp->iters; i++) {
		while (atomic_load_explicit(&pp->ping, memory_order_acquire) != i)
			cpu_relax();
		atomic_store_explicit(&pp->pong, i, memory_order_release);
	}
	return NULL;
}

static void *pp_serve(void *arg)
{
	struct pp *pp = arg;
	uint64_t i, t0, best = UINT64_MAX;

	pin_to_cpu(0);
	atomic_fetch_add(&pp->ready, 1);
	while (atomic_load(&pp->ready) < 2)
		cpu_relax();
	t0 = now_ns();
	for (i = 1; i <= pp->iters; i++) {
		atomic_store_explicit(&pp->ping, i, memory_order_release);
		while (atomic_load_explicit(&pp->pong, memory_order_acquire) != i)
			cpu_relax();
		if (i % PP_CHUNK == 0) {
			uint64_t t = now_ns();

			if (t - t0 < best)
				best = t - t0;
			t0 = t;
		}
	}
	pp->iters = best;	/* hand the best chunk's time back */
	return NULL;
}

/*
 * One round trip: a line written on core A, read on B, answered from B.
 * The best chunk of PP_CHUNK round trips is kept: under load a descheduled
 * peer would otherwise dominate the figure.
 */
static double pingpong_rtt_ns(uint64_t iters)
{
	struct pp *pp = aligned_alloc(64, sizeof(*pp));
	pthread_t a, b;
	double rtt;

	memset(pp, 0, sizeof(*pp));
	pp->iters = iters;
	pthread_create(&b, NULL, pp_echo, pp);
	pthread_create(&a, NULL, pp_serve, pp);
	pthread_join(b, NULL);
	pthread_join(a, NULL);
	rtt = (double)pp->iters / PP_CHUNK;
	free(pp);
	return rtt;
}
