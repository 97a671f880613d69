// SPDX-License-Identifier: GPL-2.0-only
/*
 * One point of our ring in the configuration of the kernel's
 * tools/virtio/ringtest, with its command line, for the side-by-side
 * comparison of ringtest.py (`make bench`): the same number of buffers,
 * ring size and batch, the front end ("guest") on the first CPU and the
 * back end ("host") on the second, and either polling (no notification,
 * no event index: ringtest without --sleep) or event mode (hold-off
 * through req_event/rsp_event, sleeping waiters: ringtest --sleep).
 *
 * Like ringtest it is meant to be timed from outside (wall time of the
 * whole process over --run-cycles buffers); it also prints the engine's
 * own figures.  Exit 0 when every request was answered once, in order and
 * intact, 1 when not (the time of a wrong run means nothing), 2 on usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

static void print_usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--ring-size N (256)] [--run-cycles N (10000000)]\n"
		"\t[--batch N (1)] [--sleep] [--entry netif|blkif (netif)]\n"
		"\t[--exit-cycles N (500: ringtest's VMEXIT/VMENTRY_CYCLES)]\n",
		argv0);
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return (end == s || *end || !*v || *v > max) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ring-size", required_argument, NULL, 'R' },
		{ "run-cycles", required_argument, NULL, 'C' },
		{ "batch", required_argument, NULL, 'b' },
		{ "sleep", no_argument, NULL, 's' },
		{ "entry", required_argument, NULL, 'E' },
		{ "exit-cycles", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	struct eng_params p = {
		.kind = K_XNET, .slots = 256, .batch = 1, .wait = WAIT_POLL,
		.nreq = 10000000, .timeout_ns = 120000000000ull,
	};
	unsigned long long v, exit_cycles = 500;
	struct eng_result r;
	double n, s;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'R':
			if (parse_uint(optarg, 1u << 16, &v) || (v & (v - 1)))
				goto bad_usage;
			p.slots = v;
			break;
		case 'C':
			if (parse_uint(optarg, 1ull << 40, &v))
				goto bad_usage;
			p.nreq = v;
			break;
		case 'b':
			if (parse_uint(optarg, 1u << 16, &v))
				goto bad_usage;
			p.batch = v;
			break;
		case 's':
			p.wait = WAIT_SLEEP;
			break;
		case 'E':
			if (!strcmp(optarg, "netif"))
				p.kind = K_XNET;
			else if (!strcmp(optarg, "blkif"))
				p.kind = K_XBLK;
			else
				goto bad_usage;
			break;
		case 'x':
			if (!strcmp(optarg, "0"))
				exit_cycles = 0;
			else if (parse_uint(optarg, 1u << 20, &exit_cycles))
				goto bad_usage;
			break;
		default:
			goto bad_usage;
		}
	}
	if (optind < argc)
		goto bad_usage;
	evt_exit_cycles = exit_cycles;

	if (eng_run(&p, &r)) {
		fprintf(stderr, "cannot set up a %u-slot %s ring\n", p.slots,
			kind_entry(p.kind));
		return 2;
	}
	n = (double)p.nreq;
	s = (double)r.t_rsp_ns / 1e9;
	printf("ours %s slots %u batch %u %s exit-cycles %llu: ",
	       kind_entry(p.kind), p.slots, p.batch,
	       p.wait == WAIT_POLL ? "poll" : "event", exit_cycles);
	printf("%llu buffers in %.3f s (in-process), %.0f buf/s, ",
	       (unsigned long long)p.nreq, s, n / s);
	printf("notifications %.4f/%.4f per buffer, waits %.4f, ring full %.4f\n",
	       (double)r.front.notifies / n, (double)r.back.notifies / n,
	       (double)(r.front.waits + r.back.waits) / n,
	       (double)r.front.full / n);
	if (!eng_ok(&p, &r)) {
		fprintf(stderr,
			"WRONG RUN: completed %lu answered %lu errors %lu/%lu lost %lu/%lu broken %d/%d\n",
			r.completed, r.answered, r.front.errors, r.back.errors,
			r.front.lost, r.back.lost, r.front_broken,
			r.back_broken);
		return 1;
	}
	return 0;

bad_usage:
	print_usage(argv[0]);
	return 2;
}
