/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the benchmarks: timing, medians, Landlock calls. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Event flags of in-hook waits, for headers installed before them. */
#ifndef LANDLOCK_EVENT_ALLOW_ONCE
#define LANDLOCK_EVENT_ALLOW_ONCE (1U << 1)
#endif
#ifndef LANDLOCK_EVENT_CREATED
#define LANDLOCK_EVENT_CREATED (1U << 2)
#endif

/*
 * LL_BENCH_QUICK=1 (the smoke test of make check): every case once, with
 * small counts; the figures mean nothing, the run shows that all work.
 */
static inline int bench_quick(void)
{
	return getenv("LL_BENCH_QUICK") != NULL;
}

/* @full normally, @quick in a smoke run. */
static inline int bench_count(int full, int quick)
{
	return bench_quick() ? quick : full;
}

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v and returns its median; v[0] and v[n - 1] are the extremes. */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline int ll_create(__u64 fs, __u64 net, __u32 flags)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = fs,
		.handled_access_net = net,
	};

	return syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), flags);
}

static inline int ll_path_rule(int ruleset, const char *path, __u64 access, __u32 flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = open(path, O_PATH | O_CLOEXEC),
	};
	int err = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);

	close(attr.parent_fd);
	return err;
}

static inline int ll_port_rule(int ruleset, __u64 port, __u64 access, __u32 flags)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	return syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_NET_PORT, &attr, flags);
}

static inline int ll_enforce(int ruleset)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(SYS_landlock_restrict_self, ruleset, 0);
}

static inline int ll_supervisee(int supervisor)
{
	return ioctl(supervisor, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
}

#endif /* BENCH_COMMON_H */
