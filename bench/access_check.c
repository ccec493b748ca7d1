// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of an access check: openat() and stat() of a file at path depth D
 * (1, 10, 100) under L layers (1, 4, 16), in four configurations:
 *   none        no Landlock
 *   stock       plain layers, the granting rule on the top directory
 *   supervisee  supervised layers, the rule in their supervisee rulesets
 *   supervisor  supervised layers, the rule only in committed supervisor rules
 * Each configuration runs in its own child (restrictions are one-way).
 *
 * Two ways to time them.  "openat" and "stat" are one system call per access,
 * timed from user space: in UML each costs a host round trip (~100 us) that
 * hides the check.  "openat-batch" and "statx-batch" submit BATCH operations
 * to io_uring and time the one io_uring_enter() that runs them all in the
 * kernel (in the submitting task or in io-wq workers, with its credentials):
 * the per-access figure is kernel time, with the system call amortized over
 * BATCH accesses (an IORING_OP_NOP costs about 0.2 us in UML).
 *
 * Prints one line per case: "access_check OP D L CONFIG median_ns min max".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

#define REPS 7
#define ITER bench_count(2000, 20)
#define BATCH bench_count(2048, 64)

enum config { NONE, STOCK, SUPERVISEE, SUPERVISOR };
static const char *const config_names[] = { "none", "stock", "supervisee", "supervisor" };

static char top[256], file[4096];

static void make_tree(int depth)
{
	char path[4096];
	int i, fd;

	snprintf(path, sizeof(path), "%s", top);
	for (i = 1; i < depth; i++) {
		strcat(path, "/d");
		mkdir(path, 0755);
	}
	snprintf(file, sizeof(file), "%s/f", path);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	close(fd);
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
static double time_syscalls(const char *op)
{
	const double start = now_ns();
	struct stat st;
	int i;

	for (i = 0; i < ITER; i++) {
		if (op[0] == 'o') {
			const int fd = open(file, O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return -1;
			close(fd);
		} else if (stat(file, &st)) {
			return -1;
		}
	}
	return (now_ns() - start) / ITER;
}

/*
 * BATCH accesses in one io_uring_enter(): returns the mean ns per access, or
 * -1.  Only the submission that runs them is timed; preparing the entries and
 * closing the files are not.
 */
static double time_batch(struct io_uring *ring, const char *op)
{
	static struct statx stx;
	int i, lowest = -1, highest = -1, failed = 0;
	struct io_uring_cqe *cqe;
	double start, end;

	for (i = 0; i < BATCH; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return -1;
		if (op[0] == 'o')
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
		else if (op[0] == 'o' && (lowest < 0 || cqe->res < lowest))
			lowest = cqe->res;
		if (op[0] == 'o' && cqe->res > highest)
			highest = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
	if (lowest >= 0)
		close_range(lowest, highest, 0);
	return failed ? -1 : (end - start) / BATCH;
}

static void measure(const char *op, int depth, int layers, enum config config)
{
	const int batch = strstr(op, "-batch") != NULL;
	double samples[REPS];
	int pipe_fds[2], r;
	pid_t child;

	if (pipe(pipe_fds))
		return;
	child = fork();
	if (child == 0) {
		struct rlimit files;
		struct io_uring ring;

		if (sandbox(config, layers))
			_exit(1);
		if (batch) {
			/* BATCH files open at once. */
			if (getrlimit(RLIMIT_NOFILE, &files))
				_exit(1);
			files.rlim_cur = files.rlim_max;
			if (files.rlim_cur < (rlim_t)BATCH + 64 ||
			    setrlimit(RLIMIT_NOFILE, &files) ||
			    io_uring_queue_init(BATCH, &ring, 0))
				_exit(1);
		}
		for (r = 0; r < REPS; r++) {
			samples[r] = batch ? time_batch(&ring, op) : time_syscalls(op);
			if (samples[r] < 0)
				_exit(2);
		}
		if (write(pipe_fds[1], samples, sizeof(samples)) != sizeof(samples))
			_exit(3);
		_exit(0);
	}
	close(pipe_fds[1]);
	if (read(pipe_fds[0], samples, sizeof(samples)) != sizeof(samples)) {
		printf("access_check %s %d %d %s failed\n", op, depth, layers,
		       config_names[config]);
	} else {
		const double m = median(samples, REPS);

		printf("access_check %s %d %d %s %.0f %.0f %.0f\n", op, depth, layers,
		       config_names[config], m, samples[0], samples[REPS - 1]);
	}
	close(pipe_fds[0]);
	waitpid(child, NULL, 0);
	fflush(stdout);
}

int main(void)
{
	static const int depths[] = { 1, 10, 100 }, layer_counts[] = { 1, 4, 16 };
	const unsigned int num = bench_count(3, 1);
	unsigned int d, l, c;

	snprintf(top, sizeof(top), "/tmp/ll-bench-check");
	mkdir(top, 0755);
	for (d = 0; d < num; d++) {
		make_tree(depths[d]);
		for (l = 0; l < num; l++)
			for (c = NONE; c <= SUPERVISOR; c++) {
				if (c == NONE && l > 0)
					continue;
				measure("openat", depths[d], layer_counts[l], c);
				measure("stat", depths[d], layer_counts[l], c);
				measure("openat-batch", depths[d], layer_counts[l], c);
				measure("statx-batch", depths[d], layer_counts[l], c);
			}
	}
	return 0;
}
