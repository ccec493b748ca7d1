// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of an access check: openat() and stat() of a file at path depth D
 * (1, 10, 100) under L layers (1, 4, 16), in four configurations:
 *   none        no Landlock
 *   stock       plain layers, the granting rule on the top directory
 *   supervisee  supervised layers, the rule in their supervisee rulesets
 *   supervisor  supervised layers, the rule only in committed supervisor rules
 * Each configuration (and number of layers) has its own sandboxed child
 * (restrictions are one-way), idle between samples.
 *
 * Two ways to time them.  "openat" and "stat" are one system call per access,
 * timed from user space: in UML each costs a host round trip that hides the
 * check.  "openat-batch" and "statx-batch" submit BATCH operations to
 * io_uring and time the one io_uring_enter() that runs them all in the kernel
 * (in the submitting task or in io-wq workers, with its credentials): the
 * per-access figure is kernel time, with the system call amortized over BATCH
 * accesses (an IORING_OP_NOP costs about 0.2 us in UML).
 *
 * The cases are interleaved: after a warm-up round, ROUNDS short rounds, each
 * with one sample of every case (a sample: ITER system calls, or one batch),
 * the groups of cases (op, depth, layers) and the configurations within a
 * group in an order that rotates from round to round, so that the machine's
 * slow and fast phases hit every configuration alike.  The ratio of a
 * supervised configuration to stock is taken within a round, between samples
 * taken one after the other, and its spread is over the rounds.
 *
 * Usage: access_check [ROUNDS [ITER]] (defaults: 21 rounds, 400 system calls
 * per sample; LL_BENCH_QUICK: 2 rounds of 20).  Output (ns per access):
 *   access_check OP D L CONFIG median min max
 *                          median, fastest and slowest round
 *   accessratio OP D L CONFIG median min max N Q1 Q3
 *                          CONFIG / stock, per round: median, extremes,
 *                          number of rounds, quartiles
 *   access_check OP D L CONFIG failed REASON
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

#define MAX_ROUNDS 64
#define BATCH bench_count(2048, 64)

enum config { NONE, STOCK, SUPERVISEE, SUPERVISOR, NCONFIGS };
static const char *const config_names[] = { "none", "stock", "supervisee", "supervisor" };
enum op { OPENAT, STAT, OPENAT_BATCH, STATX_BATCH, NOPS };
static const char *const op_names[] = { "openat", "stat", "openat-batch", "statx-batch" };
static const int depths[] = { 1, 10, 100 }, layer_counts[] = { 1, 4, 16 };
#define NDEPTHS 3
#define NLAYERS 3

static char top[256], files[NDEPTHS][4096];
static int iter;

/* A command to a child: a sample of OP on the file at depth index DEPTH. */
struct command {
	int op, depth;
};

struct child {
	pid_t pid;
	int cmd, rep;
	const char *failed;
};

/* children[config][layers index]; "none" only has index 0. */
static struct child children[NCONFIGS][NLAYERS];

static void make_tree(int d)
{
	char path[4096];
	int i;

	snprintf(path, sizeof(path), "%s", top);
	for (i = 1; i < depths[d]; i++) {
		strcat(path, "/d");
		mkdir(path, 0755);
	}
	snprintf(files[d], sizeof(files[d]), "%s/f", path);
	close(open(files[d], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

static int sandbox(enum config config, int layers)
{
	const __u64 rights = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
			     LANDLOCK_ACCESS_FS_READ_DIR;
	int i;

	for (i = 0; i < layers && config != NONE; i++) {
		int fd, sup = -1;

		if (config == STOCK) {
			fd = ll_create(rights, 0, 0);
		} else {
			sup = ll_create(rights, 0, LANDLOCK_CREATE_RULESET_SUPERVISOR);
			fd = ll_supervisee(sup);
		}
		if (fd < 0)
			return -1;
		if (config == SUPERVISOR) {
			if (ll_path_rule(sup, top, LANDLOCK_ACCESS_FS_READ_FILE,
					 LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR))
				return -1;
		} else if (ll_path_rule(fd, top, LANDLOCK_ACCESS_FS_READ_FILE, 0)) {
			return -1;
		}
		if (ll_enforce(fd))
			return -1;
		close(fd);
		/* The supervisor fd stays open: its rules stay the same anyway. */
	}
	return 0;
}

/* One access per system call: returns the mean ns per access, or -1. */
static double time_syscalls(enum op op, const char *file)
{
	const double start = now_ns();
	struct stat st;
	int i;

	for (i = 0; i < iter; i++) {
		if (op == OPENAT) {
			const int fd = open(file, O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return -1;
			close(fd);
		} else if (stat(file, &st)) {
			return -1;
		}
	}
	return (now_ns() - start) / iter;
}

/*
 * BATCH accesses in one io_uring_enter(): returns the mean ns per access, or
 * -1.  Only the submission that runs them is timed; preparing the entries and
 * closing the files (one by one: the child's pipes are among the lowest
 * descriptors) are not.
 */
static double time_batch(struct io_uring *ring, enum op op, const char *file)
{
	static struct statx stx;
	int i, failed = 0;
	struct io_uring_cqe *cqe;
	double start, end;

	for (i = 0; i < BATCH; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return -1;
		if (op == OPENAT_BATCH)
			io_uring_prep_openat(sqe, AT_FDCWD, file, O_RDONLY | O_CLOEXEC, 0);
		else
			io_uring_prep_statx(sqe, AT_FDCWD, file, 0, STATX_BASIC_STATS, &stx);
	}
	start = now_ns();
	if (io_uring_submit_and_wait(ring, BATCH) != BATCH)
		return -1;
	end = now_ns();
	for (i = 0; i < BATCH; i++) {
		if (io_uring_peek_cqe(ring, &cqe))
			return -1;
		if (cqe->res < 0)
			failed = 1;
		else if (op == OPENAT_BATCH)
			close(cqe->res);
		io_uring_cqe_seen(ring, cqe);
	}
	return failed ? -1 : (end - start) / BATCH;
}

/* The sandboxed side: one sample per command until the pipe closes. */
static void child_loop(enum config config, int layers, int cmd_fd, int rep_fd)
{
	struct rlimit files_limit;
	struct io_uring ring;
	struct command c;
	double sample = -1;

	/* BATCH files open at once. */
	if (getrlimit(RLIMIT_NOFILE, &files_limit))
		sample = -3;
	files_limit.rlim_cur = files_limit.rlim_max;
	if (sample == -1 &&
	    (files_limit.rlim_cur < (rlim_t)BATCH + 64 || setrlimit(RLIMIT_NOFILE, &files_limit) ||
	     io_uring_queue_init(BATCH, &ring, 0)))
		sample = -3;
	if (sample == -1 && sandbox(config, layers))
		sample = -2;
	while (read(cmd_fd, &c, sizeof(c)) == sizeof(c)) {
		if (sample > -2)
			sample = c.op == OPENAT || c.op == STAT
					 ? time_syscalls(c.op, files[c.depth])
					 : time_batch(&ring, c.op, files[c.depth]);
		if (write(rep_fd, &sample, sizeof(sample)) != sizeof(sample))
			_exit(3);
	}
	_exit(0);
}

static int start_child(enum config config, int l)
{
	struct child *const ch = &children[config][l];
	int to_child[2], from_child[2], c, k;

	if (pipe(to_child) || pipe(from_child))
		return -1;
	ch->pid = fork();
	if (ch->pid == 0) {
		/* Only its own pipes. */
		for (c = 0; c < NCONFIGS; c++)
			for (k = 0; k < NLAYERS; k++)
				if (children[c][k].pid > 0) {
					close(children[c][k].cmd);
					close(children[c][k].rep);
				}
		close(to_child[1]);
		close(from_child[0]);
		child_loop(config, layer_counts[l], to_child[0], from_child[1]);
	}
	close(to_child[0]);
	close(from_child[1]);
	ch->cmd = to_child[1];
	ch->rep = from_child[0];
	return ch->pid < 0 ? -1 : 0;
}

/* One sample of OP at depth index D from CHILD: ns per access, or -1. */
static double sample(struct child *ch, enum op op, int d)
{
	const struct command c = { op, d };
	double v;

	if (ch->failed)
		return -1;
	if (write(ch->cmd, &c, sizeof(c)) != sizeof(c) ||
	    read(ch->rep, &v, sizeof(v)) != sizeof(v)) {
		ch->failed = "child";
		return -1;
	}
	if (v < 0) {
		ch->failed = v == -3 ? "io_uring-setup" : v == -2 ? "sandbox" : "access";
		return -1;
	}
	return v;
}

/* samples[op][depth][layers][config][round] */
static double samples[NOPS][NDEPTHS][NLAYERS][NCONFIGS][MAX_ROUNDS];

/* The child that runs CONFIG for layers index L (none: one for all). */
static struct child *child_of(enum config config, int l)
{
	return &children[config][config == NONE ? 0 : l];
}

/*
 * One round: every case once; groups (op, depth, layers) and configurations
 * within a group in an order rotated by ROUND.  "none" is measured in the
 * one-layer groups only (it does not depend on layers).
 */
static void run_round(int round, int num_depths, int num_layers)
{
	const int groups = NOPS * num_depths * num_layers, rot = round < 0 ? 0 : round;
	int g, j;

	for (g = 0; g < groups; g++) {
		const int k = (g + rot) % groups;
		const enum op op = k / (num_depths * num_layers);
		const int d = k / num_layers % num_depths, l = k % num_layers;
		const int nconf = l == 0 ? NCONFIGS : NCONFIGS - 1;

		for (j = 0; j < nconf; j++) {
			const enum config config = (NCONFIGS - nconf) + (j + rot) % nconf;
			const double v = sample(child_of(config, l), op, d);

			if (round >= 0)
				samples[op][d][l][config][round] = v;
		}
	}
}

/* Median, extremes, quartiles of V (N values; sorted in place). */
static void print_spread(const char *prefix, double *v, int n, int ratio)
{
	const double m = median(v, n);

	if (ratio)
		printf("%s %.4f %.4f %.4f %d %.4f %.4f\n", prefix, m, v[0], v[n - 1], n, v[n / 4],
		       v[(3 * n) / 4]);
	else
		printf("%s %.0f %.0f %.0f\n", prefix, m, v[0], v[n - 1]);
}

/* The lines of one case: its times, and for a supervised one its ratios. */
static void report_case(enum op op, int d, int l, enum config c, int rounds)
{
	const struct child *ch = child_of(c, l);
	double v[MAX_ROUNDS];
	char prefix[128];
	int r;

	snprintf(prefix, sizeof(prefix), "%s %d %d %s", op_names[op], depths[d], layer_counts[l],
		 config_names[c]);
	if (ch->failed) {
		printf("access_check %s failed %s\n", prefix, ch->failed);
		return;
	}
	memcpy(v, samples[op][d][l][c], sizeof(v));
	printf("access_check ");
	print_spread(prefix, v, rounds, 0);
	if (c < SUPERVISEE || child_of(STOCK, l)->failed)
		return;
	for (r = 0; r < rounds; r++)
		v[r] = samples[op][d][l][c][r] / samples[op][d][l][STOCK][r];
	printf("accessratio ");
	print_spread(prefix, v, rounds, 1);
}

int main(int argc, char **argv)
{
	const int num_depths = bench_count(NDEPTHS, 1), num_layers = bench_count(NLAYERS, 1);
	int rounds = argc > 1 ? atoi(argv[1]) : bench_count(21, 2);
	int c, l, r, d, op;

	iter = argc > 2 ? atoi(argv[2]) : bench_count(400, 20);
	if (rounds < 1 || rounds > MAX_ROUNDS || iter < 1) {
		fprintf(stderr, "usage: %s [ROUNDS (1-%d) [ITER]]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(top, sizeof(top), "/tmp/ll-bench-check");
	mkdir(top, 0755);
	for (d = 0; d < num_depths; d++)
		make_tree(d);
	for (c = NONE; c < NCONFIGS; c++)
		for (l = 0; l < (c == NONE ? 1 : num_layers); l++)
			if (start_child(c, l))
				children[c][l].failed = "fork";
	/* A warm-up round (caches, io-wq workers), not recorded. */
	run_round(-1, num_depths, num_layers);
	for (r = 0; r < rounds; r++)
		run_round(r, num_depths, num_layers);
	for (op = 0; op < NOPS; op++)
		for (d = 0; d < num_depths; d++)
			for (l = 0; l < num_layers; l++)
				for (c = l ? STOCK : NONE; c < NCONFIGS; c++)
					report_case(op, d, l, c, rounds);
	for (c = NONE; c < NCONFIGS; c++)
		for (l = 0; l < NLAYERS; l++)
			if (children[c][l].pid > 0) {
				close(children[c][l].cmd);
				waitpid(children[c][l].pid, NULL, 0);
			}
	return 0;
}
