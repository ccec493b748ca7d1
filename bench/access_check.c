// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of an access check: openat() and stat() of a file at path depth D
 * (1, 10, 100) under L layers (1, 4, 16), in four configurations:
 *   none        no Landlock
 *   stock       plain layers, the granting rule on the top directory
 *   supervisee  supervised layers, the rule in their supervisee rulesets
 *   supervisor  supervised layers, the rule only in committed supervisor rules
 * Each configuration runs in its own child (restrictions are one-way).
 * Prints one line per case: "access_check OP D L CONFIG median_ns min max".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

#define REPS 7
#define ITER 2000

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

static void measure(const char *op, int depth, int layers, enum config config)
{
	double samples[REPS];
	int pipe_fds[2], r, i;
	pid_t child;

	if (pipe(pipe_fds))
		return;
	child = fork();
	if (child == 0) {
		struct stat st;

		if (sandbox(config, layers))
			_exit(1);
		for (r = 0; r < REPS; r++) {
			const double start = now_ns();

			for (i = 0; i < ITER; i++) {
				if (op[0] == 'o') {
					const int fd = open(file, O_RDONLY | O_CLOEXEC);

					if (fd < 0)
						_exit(2);
					close(fd);
				} else if (stat(file, &st)) {
					_exit(2);
				}
			}
			samples[r] = (now_ns() - start) / ITER;
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
	unsigned int d, l, c;

	snprintf(top, sizeof(top), "/tmp/ll-bench-check");
	mkdir(top, 0755);
	for (d = 0; d < 3; d++) {
		make_tree(depths[d]);
		for (l = 0; l < 3; l++)
			for (c = NONE; c <= SUPERVISOR; c++) {
				if (c == NONE && l > 0)
					continue;
				measure("openat", depths[d], layer_counts[l], c);
				measure("stat", depths[d], layer_counts[l], c);
			}
	}
	return 0;
}
