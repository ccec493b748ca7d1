// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of supervisor commits:
 *   commit N           a one-rule change (stage + commit, one system call) on
 *                      a supervisor holding N file rules (N files, one rule
 *                      each): "commit N median_ns min max" over all samples.
 *                      The cases are interleaved: ROUNDS short rounds, each
 *                      with PER_ROUND commits of every case in a rotated
 *                      order, so that the machine's slow and fast phases hit
 *                      every case alike; "commitratio N median min max
 *                      ROUNDS Q1 Q3" is the ratio of N's round median to
 *                      the 10-rule case's in the same round, over the
 *                      rounds (Q1, Q3: quartiles)
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
#include <sys/stat.h>
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

#define ROUNDS bench_count(41, 3)
#define PER_ROUND bench_count(10, 2)
#define MAX_ROUNDS 64
#define MAX_PER_ROUND 16
#define COMMIT_DIR "/tmp/ll-bench-commit"

/* A supervisor with a rule on each of the first N files of COMMIT_DIR. */
static int file_supervisor_with(int n)
{
	const int sup =
		ll_create(LANDLOCK_ACCESS_FS_READ_FILE, 0, LANDLOCK_CREATE_RULESET_SUPERVISOR);
	char path[64];
	int i;

	for (i = 0; i < n && sup >= 0; i++) {
		snprintf(path, sizeof(path), COMMIT_DIR "/f%d", i);
		if (ll_path_rule(sup, path, LANDLOCK_ACCESS_FS_READ_FILE, 0))
			return -1;
	}
	if (sup >= 0 && ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0))
		return -1;
	return sup;
}

/* One timed change on the rule of FILE_FD: added on even R, removed on odd. */
static double one_commit(int sup, int file_fd, int r)
{
	const struct landlock_path_beneath_attr rule = {
		.allowed_access = r % 2 ? 0 : LANDLOCK_ACCESS_FS_READ_FILE,
		.parent_fd = file_fd,
	};
	const double start = now_ns();

	if (syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_PATH_BENEATH, &rule,
		    (r % 2 ? LANDLOCK_ADD_RULE_INTERSECT : 0) |
			    LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR))
		return -1;
	return now_ns() - start;
}

static void bench_commits(const int *sizes, int num)
{
	enum { MAX_SIZES = 8 };
	static double round_median[MAX_SIZES][MAX_ROUNDS];
	static double all[MAX_SIZES][MAX_ROUNDS * MAX_PER_ROUND];
	int sups[MAX_SIZES], r, i, j, k, file_fd;
	char path[64];

	mkdir(COMMIT_DIR, 0755);
	for (i = 0; i < sizes[num - 1]; i++) {
		snprintf(path, sizeof(path), COMMIT_DIR "/f%d", i);
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}
	file_fd = open(COMMIT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(openat(file_fd, "changed", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	close(file_fd);
	file_fd = open(COMMIT_DIR "/changed", O_PATH | O_CLOEXEC);
	for (i = 0; i < num; i++) {
		sups[i] = file_supervisor_with(sizes[i]);
		if (sups[i] < 0 || file_fd < 0) {
			printf("commit %d failed setup\n", sizes[i]);
			return;
		}
	}
	for (r = 0; r < ROUNDS; r++)
		for (j = 0; j < num; j++) {
			const int c = (r + j) % num;
			double v[MAX_PER_ROUND] = { 0 };

			for (k = 0; k < PER_ROUND; k++) {
				v[k] = one_commit(sups[c], file_fd, k);
				if (v[k] < 0) {
					printf("commit %d failed\n", sizes[c]);
					return;
				}
				all[c][r * PER_ROUND + k] = v[k];
			}
			round_median[c][r] = median(v, PER_ROUND);
		}
	for (i = 0; i < num; i++) {
		const int n = ROUNDS * PER_ROUND;
		const double m = median(all[i], n);
		double ratio[MAX_ROUNDS] = { 0 };

		printf("commit %d %.0f %.0f %.0f\n", sizes[i], m, all[i][0], all[i][n - 1]);
		for (r = 0; r < ROUNDS; r++)
			ratio[r] = round_median[i][r] / round_median[0][r];
		{
			const double mr = median(ratio, ROUNDS);

			printf("commitratio %d %.3f %.3f %.3f %d %.3f %.3f\n", sizes[i], mr,
			       ratio[0], ratio[ROUNDS - 1], ROUNDS, ratio[ROUNDS / 4],
			       ratio[3 * ROUNDS / 4]);
		}
	}
	for (i = 0; i < num; i++)
		close(sups[i]);
	close(file_fd);
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

	bench_commits(sizes, num);
	fflush(stdout);
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
