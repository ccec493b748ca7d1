// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Learning a policy from a run (see learn.h).  Rules, ports and created
 * paths are hash maps: a run that touches 100,000 files learns in linear
 * time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "learn.h"

void learn_init(struct learn *learn)
{
	strmap_init(&learn->rules);
	strmap_init(&learn->ports);
	strmap_init(&learn->created);
}

void learn_free(struct learn *learn)
{
	strmap_free(&learn->rules);
	strmap_free(&learn->ports);
	strmap_free(&learn->created);
}

uint64_t learn_rights(const struct ll_event *ev, int open_flags)
{
	uint64_t access = ll_event_access(ev);

	if (ll_event_is_net(ev) || !(access & LANDLOCK_ACCESS_FS_MAKE_REG) || open_flags == -1)
		return access;
	/*
	 * Reading and writing, whatever this open asked for: the grant covers
	 * the directory, and a later creation there in another mode (e.g. a
	 * compiler writing a .d file write-only, then the assembler creating a
	 * .o read-write) would get a plain denial, since the kernel never asks
	 * about the file a call has just created.
	 */
	return access | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
}

int learn_open_flags(pid_t tid)
{
	unsigned long long args[6] = { 0 };
	char path[64];
	long nr = -1;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return -2;
	n = fscanf(f, "%ld %llx %llx %llx %llx %llx %llx", &nr, &args[0], &args[1], &args[2],
		   &args[3], &args[4], &args[5]);
	fclose(f);
	if (n < 4)
		return -2;
	switch (nr) {
#ifdef SYS_open
	case SYS_open:
		return (int)args[1];
#endif
#ifdef SYS_creat
	case SYS_creat:
		return O_WRONLY;
#endif
	case SYS_openat:
		return (int)args[2];
#ifdef SYS_openat2
	case SYS_openat2: {
		uint64_t flags;
		struct iovec local = { .iov_base = &flags, .iov_len = sizeof(flags) };
		struct iovec remote = { .iov_base = (void *)(uintptr_t)args[2],
					.iov_len = sizeof(flags) };

		/* struct open_how begins with the flags. */
		if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != sizeof(flags))
			return -2;
		return (int)flags;
	}
#endif
	default:
		return -1; /* mknod, rename, link...: no open */
	}
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

/* Cuts @path to its parent directory, in place ("/a" gives "/"). */
static void parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return;
	if (slash == path)
		slash[1] = '\0';
	else
		*slash = '\0';
}

int learn_path(struct learn *learn, const char *path, uint64_t access)
{
	char buf[8192];

	if (!access)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/*
	 * Rules bind to inodes: a file or directory the run created does not
	 * exist when the policy is replayed.
	 */
	while (strcmp(buf, "/") && strmap_contains(&learn->created, buf))
		parent(buf);
	return strmap_or(&learn->rules, buf, access);
}

int learn_port(struct learn *learn, uint64_t port, uint64_t access)
{
	char key[32];

	snprintf(key, sizeof(key), "%" PRIu64, port);
	return strmap_or(&learn->ports, key, access);
}

static int note_created(struct learn *learn, const char *dir, const char *name)
{
	char path[8192];

	join(path, sizeof(path), dir, name);
	return strmap_add(&learn->created, path) ? 0 : -1;
}

int learn_event(struct learn *learn, const struct ll_event *ev, uint64_t access)
{
	if (ll_event_is_net(ev))
		return learn_port(learn, ll_event_port(ev), access);
	if (!ll_event_name(ev)[0])
		return learn_path(learn, ll_event_object_path(ev), access);
	if (learn_path(learn, ll_event_object_path(ev), access))
		return -1;
	if ((ll_event_access(ev) & LEARN_MAKE_RIGHTS) &&
	    note_created(learn, ll_event_object_path(ev), ll_event_name(ev)))
		return -1;
	if (ll_event_dest_path(ev)[0] &&
	    (learn_path(learn, ll_event_dest_path(ev), access) ||
	     note_created(learn, ll_event_dest_path(ev), ll_event_dest_name(ev))))
		return -1;
	return 0;
}

unsigned int learn_depth(const char *path)
{
	unsigned int depth = 0;
	const char *p;

	for (p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			depth++;
	return depth;
}

bool learn_may_fold(const char *dir, const struct fold_limits *limits)
{
	const size_t len = strlen(dir);
	size_t i;

	if (!strcmp(dir, "/") || dir[0] != '/' || learn_depth(dir) < limits->min_depth)
		return false;
	for (i = 0; i < limits->num_forbidden; i++) {
		const char *f = limits->forbidden[i];

		/* The directory itself, or one of its ancestors. */
		if (!strcmp(f, dir) || (!strncmp(f, dir, len) && f[len] == '/'))
			return false;
	}
	return true;
}

/* Whether a proper ancestor of @path is in @folded with all of @access. */
static bool covered(const struct strmap *folded, const char *path, uint64_t access)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s", path);
	while (strcmp(buf, "/")) {
		const struct strmap_entry *dir;

		parent(buf);
		dir = strmap_find(folded, buf);
		if (dir && !(access & ~dir->value))
			return true;
	}
	return false;
}

int learn_fold(struct learn *learn, const struct fold_limits *limits)
{
	struct strmap counts, rights, folded, out;
	char dir[8192];
	size_t i;
	int ret = -1;

	strmap_init(&counts);
	strmap_init(&rights);
	strmap_init(&folded);
	strmap_init(&out);
	if (!limits->min_entries)
		return 0;
	/* Rules per parent directory, and their rights. */
	for (i = 0; i < learn->rules.count; i++) {
		const struct strmap_entry *rule = &learn->rules.entries[i];
		struct strmap_entry *count;

		snprintf(dir, sizeof(dir), "%s", rule->key);
		parent(dir);
		count = strmap_add(&counts, dir);
		if (!count || strmap_or(&rights, dir, rule->value))
			goto out;
		count->value++;
	}
	for (i = 0; i < counts.count; i++) {
		const struct strmap_entry *count = &counts.entries[i];

		if (count->value >= limits->min_entries && learn_may_fold(count->key, limits) &&
		    strmap_or(&folded, count->key, strmap_find(&rights, count->key)->value))
			goto out;
	}
	/* Folded directories first, then what they do not cover. */
	for (i = 0; i < folded.count; i++)
		if (strmap_or(&out, folded.entries[i].key, folded.entries[i].value))
			goto out;
	for (i = 0; i < learn->rules.count; i++) {
		const struct strmap_entry *rule = &learn->rules.entries[i];

		if (strmap_contains(&folded, rule->key)) {
			if (strmap_or(&out, rule->key, rule->value))
				goto out;
			continue;
		}
		if (covered(&folded, rule->key, rule->value))
			continue;
		if (strmap_or(&out, rule->key, rule->value))
			goto out;
	}
	strmap_free(&learn->rules);
	learn->rules = out;
	strmap_init(&out);
	ret = 0;
out:
	strmap_free(&counts);
	strmap_free(&rights);
	strmap_free(&folded);
	strmap_free(&out);
	return ret;
}

int learn_policy(const struct learn *learn, struct ll_policy *policy)
{
	size_t i;

	for (i = 0; i < learn->rules.count; i++)
		if (ll_policy_add_path(policy, learn->rules.entries[i].key,
				       learn->rules.entries[i].value))
			return -1;
	for (i = 0; i < learn->ports.count; i++)
		if (ll_policy_add_port(policy, strtoull(learn->ports.entries[i].key, NULL, 10),
				       learn->ports.entries[i].value))
			return -1;
	return 0;
}
