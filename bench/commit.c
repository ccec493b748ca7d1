// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of supervisor commits:
 *   commit N           a one-rule change (stage + commit) on a supervisor
 *                      holding N port rules: "commit N median_ns min max"
 *   replace N          a full replace of N rules (COMMIT_RULESET): time per
 *                      rule, and memory per rule (MemAvailable before/after)
 *   busy               latency of a sandboxed thread's checks (bind, checked
 *                      against committed supervisor rules) while the
 *                      supervisor commits in a loop, vs idle
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"

#define BIND LANDLOCK_ACCESS_NET_BIND_TCP

static int supervisor_with(int n)
{
	const int sup = ll_create(0, BIND, LANDLOCK_CREATE_RULESET_SUPERVISOR);
	int i;

	for (i = 0; i < n; i++)
		ll_port_rule(sup, 1 + i % 65000 + (i / 65000) * 0, BIND, 0);
	ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
	return sup;
}

static void bench_commit(int n)
{
	enum { REPS = 201 };
	static double samples[REPS];
	const int sup = supervisor_with(n);
	int r;

	for (r = 0; r < REPS; r++) {
		const double start = now_ns();

		/* Alternately adds and removes one rule, then commits. */
		ll_port_rule(sup, 65001, r % 2 ? 0 : BIND,
			     (r % 2 ? LANDLOCK_ADD_RULE_INTERSECT : 0) |
				     LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
		samples[r] = now_ns() - start;
	}
	{
		const double m = median(samples, REPS);

		printf("commit %d %.0f %.0f %.0f\n", n, m, samples[0], samples[REPS - 1]);
	}
	close(sup);
}

static long slab_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void bench_replace(int n)
{
	const int sup = ll_create(0, BIND, LANDLOCK_CREATE_RULESET_SUPERVISOR);
	const int ruleset = ll_create(0, BIND, 0);
	long before, after;
	double start, elapsed;
	int i;

	/* Port keys: at most 65536 distinct ones. */
	for (i = 0; i < n; i++)
		ll_port_rule(ruleset, i % 65536, BIND, 0);
	before = slab_kb();
	start = now_ns();
	if (ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &ruleset))
		perror("commit ruleset");
	elapsed = now_ns() - start;
	after = slab_kb();
	/* Slab memory the new rules hold (the ruleset holds its own). */
	printf("replace %d %.0f %.1f\n", n, elapsed / (n < 65536 ? n : 65536),
	       (after - before) * 1024.0 / (n < 65536 ? n : 65536));
	close(ruleset);
	close(sup);
}

static volatile bool stop;
static int busy_sup;

static void *committer(void *arg)
{
	unsigned long commits = 0;

	(void)arg;
	while (!stop) {
		ll_port_rule(busy_sup, 60000 + commits % 100, BIND,
			     LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
		commits++;
	}
	return (void *)commits;
}

/* The sandboxed side: bind to a port that only supervisor rules allow. */
static void bind_loop(double *latencies, int count)
{
	const struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(5000),
	};
	int i;

	for (i = 0; i < count; i++) {
		const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		const double start = now_ns();
		int err = bind(fd, (const struct sockaddr *)&addr, sizeof(addr));

		latencies[i] = now_ns() - start;
		close(fd);
		if (err)
			_exit(4);
	}
}

static void bench_busy(void)
{
	enum { COUNT = 3000 };
	static double idle[COUNT], busy[COUNT];
	pthread_t thread;
	void *commits;

	busy_sup = supervisor_with(1000);
	ll_port_rule(busy_sup, 5000, BIND, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
	if (ll_enforce(ll_supervisee(busy_sup)))
		return;
	bind_loop(idle, COUNT);
	pthread_create(&thread, NULL, committer, NULL);
	bind_loop(busy, COUNT);
	stop = true;
	pthread_join(thread, &commits);
	{
		const double mi = median(idle, COUNT), mb = median(busy, COUNT);

		printf("busy idle %.0f %.0f %.0f\n", mi, idle[0], idle[COUNT * 99 / 100]);
		printf("busy committing %.0f %.0f %.0f %lu\n", mb, busy[0], busy[COUNT * 99 / 100],
		       (unsigned long)commits);
	}
}

int main(void)
{
	static const int sizes[] = { 10, 1000, 10000, 100000 };
	const unsigned int num = bench_count(4, 2);
	unsigned int i;
	pid_t child;

	for (i = 0; i < num; i++)
		bench_commit(sizes[i]);
	for (i = 0; i < num; i++)
		bench_replace(sizes[i]);
	fflush(stdout);
	/* Sandboxes itself: in a child. */
	child = fork();
	if (child == 0) {
		bench_busy();
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return 0;
}
