// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One job written against each way of changing a supervisor's rules that
 * the mutable domains thread discussed: reload a policy that moved a rule
 * from a/ to a/b/ and dropped c/, on a supervisor holding N rules.
 *
 *   reload N REPEAT    prints a Markdown table: syscalls per reload, and the
 *                      median reload time (with its spread) for each way.
 *
 * After each reload, a sandboxed child checks the result: a/b/f readable,
 * a/f and c/f not.  Exits non-zero if any way gets it wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define R LANDLOCK_ACCESS_FS_READ_FILE

static unsigned long syscalls;

/* Counted wrappers: each is one system call. */
static int create_ruleset(const void *attr, size_t size, __u32 flags)
{
	syscalls++;
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static int add_rule(int fd, int type, const void *attr, __u32 flags)
{
	syscalls++;
	return syscall(SYS_landlock_add_rule, fd, type, attr, flags);
}

static int xioctl(int fd, unsigned long cmd, const void *arg)
{
	syscalls++;
	return ioctl(fd, cmd, arg);
}

static int xclose(int fd)
{
	syscalls++;
	return close(fd);
}

static int path_rule(int ruleset_fd, int fd, __u64 access, __u32 flags)
{
	const struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = fd,
	};

	return add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
}

static int new_ruleset(void)
{
	const struct landlock_ruleset_attr attr = { .handled_access_fs = R };

	return create_ruleset(&attr, sizeof(attr), 0);
}

/*
 * The objects: dirs[0] = a, dirs[1] = a/b, dirs[2] = c, then N - 2 others
 * that both policies keep.  Each is an O_PATH fd kept by the supervisor.
 */
static int *dirs;
static int num;
static const char *root;

/* Policy 1 has a, c and the others; policy 2 has a/b and the others. */
static bool in_policy(int policy, int i)
{
	if (i >= 3)
		return true;
	return policy == 1 ? i != 1 : i == 1;
}

/* ==== way: intersect ==== (diff against the committed rules) */
static int reload_intersect(int sup, int from, int to)
{
	int i;

	for (i = 0; i < num; i++) {
		if (in_policy(from, i) && !in_policy(to, i) &&
		    path_rule(sup, dirs[i], 0, LANDLOCK_ADD_RULE_INTERSECT))
			return -1;
		if (!in_policy(from, i) && in_policy(to, i) && path_rule(sup, dirs[i], R, 0))
			return -1;
	}
	return xioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
}
/* ==== end ==== */

/* ==== way: replace ==== (diff, setting rights) */
static int reload_replace(int sup, int from, int to)
{
	int i;

	for (i = 0; i < num; i++)
		if (in_policy(from, i) != in_policy(to, i) &&
		    path_rule(sup, dirs[i], in_policy(to, i) ? R : 0, LANDLOCK_ADD_RULE_REPLACE))
			return -1;
	return xioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
}
/* ==== end ==== */

/* ==== way: clear ==== (clear all, re-add the whole policy) */
static int reload_clear(int sup, int from, int to)
{
	int i;

	(void)from;
	if (xioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 0))
		return -1;
	for (i = 0; i < num; i++)
		if (in_policy(to, i) && path_rule(sup, dirs[i], R, 0))
			return -1;
	return xioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
}
/* ==== end ==== */

/* ==== way: commit_ruleset ==== (ALT #1: build a ruleset, commit it) */
static int reload_commit_ruleset(int sup, int from, int to)
{
	int i, fd = new_ruleset(), err = -1;

	(void)from;
	if (fd < 0)
		return -1;
	for (i = 0; i < num; i++)
		if (in_policy(to, i) && path_rule(fd, dirs[i], R, 0))
			goto out;
	err = xioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &fd);
out:
	xclose(fd);
	return err;
}
/* ==== end ==== */

/* ==== way: intersect_ruleset ==== (ALT #2: narrow to a ruleset, add) */
static int reload_intersect_ruleset(int sup, int from, int to)
{
	const struct landlock_ruleset_operand operand = { .operand = new_ruleset() };
	int i, err = -1;

	if (operand.operand < 0)
		return -1;
	/* The operand holds what stays; then what is new is added. */
	for (i = 0; i < num; i++)
		if (in_policy(from, i) && in_policy(to, i) &&
		    path_rule(operand.operand, dirs[i], R, 0))
			goto out;
	if (add_rule(sup, LANDLOCK_RULE_INTERSECT_RULESET, &operand, 0))
		goto out;
	for (i = 0; i < num; i++)
		if (!in_policy(from, i) && in_policy(to, i) && path_rule(sup, dirs[i], R, 0))
			goto out;
	err = xioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
out:
	xclose(operand.operand);
	return err;
}
/* ==== end ==== */

struct way {
	const char *name;
	int (*reload)(int sup, int from, int to);
};

static const struct way ways[] = {
	{ "intersect", reload_intersect },
	{ "replace", reload_replace },
	{ "clear", reload_clear },
	{ "commit_ruleset", reload_commit_ruleset },
	{ "intersect_ruleset", reload_intersect_ruleset },
};

static int readable(const char *dir)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/f", root, dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* A sandboxed child checks what policy @policy allows. */
static bool check(int sup, int policy)
{
	int status;
	pid_t child = fork();

	if (child == 0) {
		int see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);

		close(sup);
		if (see < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(SYS_landlock_restrict_self, see, 0))
			_exit(2);
		if (policy == 1)
			_exit(readable("a") && readable("a/b") && readable("c") ? 0 : 1);
		_exit(!readable("a") && readable("a/b") && !readable("c") ? 0 : 1);
	}
	return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const int repeat = argc > 2 ? atoi(argv[2]) : 5;
	const struct landlock_ruleset_attr attr = { .handled_access_fs = R };
	char tmpl[] = "/tmp/ll-reload-XXXXXX", path[512];
	double *times;
	int i, w, failures = 0;

	num = argc > 1 ? atoi(argv[1]) : 10;
	if (num < 3 || repeat < 1) {
		fprintf(stderr, "usage: reload N>=3 REPEAT>=1\n");
		return 2;
	}
	/* One O_PATH descriptor per object, as a supervisor keeps them. */
	{
		struct rlimit lim;

		if (!getrlimit(RLIMIT_NOFILE, &lim) && lim.rlim_cur < (rlim_t)num + 64) {
			lim.rlim_cur = lim.rlim_max = num + 64;
			if (setrlimit(RLIMIT_NOFILE, &lim))
				perror("setrlimit");
		}
	}
	root = mkdtemp(tmpl);
	dirs = calloc(num, sizeof(*dirs));
	times = calloc(repeat * 2, sizeof(*times));
	if (!root || !dirs || !times)
		return 2;
	for (i = 0; i < num; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), "%s/a", root);
		else if (i == 1)
			snprintf(path, sizeof(path), "%s/a/b", root);
		else if (i == 2)
			snprintf(path, sizeof(path), "%s/c", root);
		else
			snprintf(path, sizeof(path), "%s/d%d", root, i);
		if (mkdir(path, 0755))
			return 2;
		dirs[i] = open(path, O_PATH | O_CLOEXEC);
		if (dirs[i] < 0) {
			perror(path);
			return 2;
		}
		strcat(path, "/f");
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}

	printf("| way | syscalls per reload (N = %d) | median reload µs (min-max), UML |\n", num);
	printf("|---|---|---|\n");
	for (w = 0; w < (int)(sizeof(ways) / sizeof(ways[0])); w++) {
		const int sup = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
					LANDLOCK_CREATE_RULESET_SUPERVISOR);
		unsigned long calls = 0;
		int r, from = 1;

		if (sup < 0)
			return 2;
		/* Starts from policy 1, committed. */
		for (i = 0; i < num; i++)
			if (in_policy(1, i))
				path_rule(sup, dirs[i], R, 0);
		xioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
		/* Reloads back and forth between the two policies. */
		for (r = 0; r < repeat * 2; r++) {
			const int to = from == 1 ? 2 : 1;
			const double start = now_us();

			syscalls = 0;
			if (ways[w].reload(sup, from, to)) {
				fprintf(stderr, "%s: reload failed: %s\n", ways[w].name,
					strerror(errno));
				failures++;
				break;
			}
			times[r] = now_us() - start;
			calls = syscalls;
			if (r < 2 && !check(sup, to)) {
				fprintf(stderr, "%s: wrong result after reload to policy %d\n",
					ways[w].name, to);
				failures++;
			}
			from = to;
		}
		qsort(times, repeat * 2, sizeof(*times), cmp_double);
		printf("| %s | %lu | %.0f (%.0f-%.0f) |\n", ways[w].name, calls, times[repeat],
		       times[0], times[repeat * 2 - 1]);
		close(sup);
	}
	return failures ? 1 : 0;
}
