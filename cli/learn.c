// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Learning a policy from a run (see learn.h).  Rules, ports, created paths
 * and listings are hash maps: a run that touches 100,000 files learns in
 * linear time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/landlock.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn.h"

void learn_init(struct learn *learn)
{
	strmap_init(&learn->rules);
	strmap_init(&learn->ports);
	strmap_init(&learn->created);
	strmap_init(&learn->zones);
	strmap_init(&learn->snapshot);
	strmap_init(&learn->unlisted);
	learn->max_snapshot = LEARN_MAX_SNAPSHOT;
	learn->incomplete = false;
}

void learn_free(struct learn *learn)
{
	strmap_free(&learn->rules);
	strmap_free(&learn->ports);
	strmap_free(&learn->created);
	strmap_free(&learn->zones);
	strmap_free(&learn->snapshot);
	strmap_free(&learn->unlisted);
}

uint64_t learn_rights(const struct ll_event *ev, long open_flags, bool open_notified)
{
	uint64_t access = ll_event_access(ev);

	if (ll_event_is_net(ev) || !ll_event_name(ev)[0] || ll_event_dest_name(ev)[0] ||
	    !(access & LANDLOCK_ACCESS_FS_MAKE_REG) || open_flags == LL_OPEN_OTHER || open_notified)
		return access;
	/*
	 * Reading and writing, whatever this open asked for: the grant covers
	 * the directory, and a later creation there in another mode (e.g. a
	 * compiler writing a .d file write-only, then the assembler creating a
	 * .o read-write) would get a plain denial, since this kernel does not
	 * ask about the file a call has just created.
	 */
	return access | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
}

/* Longest path the learner handles (the kernel's PATH_MAX, with room). */
#define LEARN_PATH 8192

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

/* Copies @path to @buf (LEARN_PATH bytes); -1 with ENAMETOOLONG. */
static int copy_path(char *buf, const char *path)
{
	if (snprintf(buf, LEARN_PATH, "%s", path) >= LEARN_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* What identifies an inode (a hash of its device and number). */
static uint64_t inode_id(const struct stat *st)
{
	return (uint64_t)st->st_ino ^ ((uint64_t)st->st_dev << 40) ^ ((uint64_t)st->st_dev >> 24);
}

/* Whether @path or one of its ancestors is in @map. */
static bool in_or_beneath(const struct strmap *map, const char *path)
{
	char buf[LEARN_PATH];

	if (copy_path(buf, path))
		return false;
	for (;;) {
		if (strmap_contains(map, buf))
			return true;
		if (!strcmp(buf, "/") || buf[0] != '/')
			return false;
		parent(buf);
	}
}

/*
 * Lists the directory open at @fd (whose path is @path, @len bytes, in a
 * LEARN_PATH buffer) into learn->snapshot, recursively on @dev; closes @fd.
 */
static int list_tree(struct learn *learn, int fd, char *path, size_t len, dev_t dev)
{
	DIR *dir = fdopendir(fd);
	const struct dirent *de;
	int ret = 0;

	if (!dir) {
		close(fd);
		return strmap_add(&learn->unlisted, path) ? 0 : -1;
	}
	while (!ret && (de = readdir(dir))) {
		const size_t n = strlen(de->d_name);
		const size_t count = learn->snapshot.count;
		struct strmap_entry *entry;
		struct stat st;
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + n >= LEARN_PATH ||
		    fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		join(path + len, LEARN_PATH - len, "", de->d_name);
		if (len == 1) /* beneath "/": "//x" to "/x" */
			memmove(path + 1, path + 2, n + 1);
		if (count >= learn->max_snapshot) {
			/* Not listed: it and what is beneath count as having existed. */
			learn->incomplete = true;
			ret = strmap_add(&learn->unlisted, path) ? 0 : -1;
			path[len] = '\0';
			continue;
		}
		entry = strmap_add(&learn->snapshot, path);
		if (!entry) {
			ret = -1;
			break;
		}
		if (learn->snapshot.count > count)
			entry->value = inode_id(&st);
		/* An older zone keeps its older listing. */
		if (S_ISDIR(st.st_mode) && !strmap_contains(&learn->zones, path)) {
			const size_t sublen = len == 1 ? 1 + n : len + 1 + n;

			sub = st.st_dev == dev
				      ? openat(dirfd(dir), de->d_name,
					       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
				      : -1;
			if (sub < 0)
				ret = strmap_add(&learn->unlisted, path) ? 0 : -1;
			else
				ret = list_tree(learn, sub, path, sublen, dev);
		}
		path[len] = '\0';
	}
	closedir(dir);
	return ret;
}

int learn_zone(struct learn *learn, const char *dir)
{
	char path[LEARN_PATH];
	struct stat st;
	int fd;

	if (dir[0] != '/' || in_or_beneath(&learn->zones, dir))
		return 0;
	if (copy_path(path, dir))
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st)) {
		close(fd);
		return 0;
	}
	if (list_tree(learn, fd, path, strlen(path), st.st_dev))
		return -1; /* out of memory */
	return strmap_add(&learn->zones, dir) ? 0 : -1;
}

int learn_prepare(struct learn *learn, const struct ll_event *ev, uint64_t access)
{
	if (ll_event_is_net(ev) || !(access & LEARN_ZONE_RIGHTS))
		return 0;
	if (ll_event_name(ev)[0] && learn_zone(learn, ll_event_object_path(ev)))
		return -1;
	if (ll_event_dest_path(ev)[0] && learn_zone(learn, ll_event_dest_path(ev)))
		return -1;
	return 0;
}

bool learn_existed(const struct learn *learn, const char *path)
{
	char buf[LEARN_PATH];
	const struct strmap_entry *entry;
	bool beneath_zone = false;
	struct stat st;

	if (copy_path(buf, path))
		return true;
	for (;;) {
		if (strmap_contains(&learn->created, buf))
			return false;
		if (strmap_contains(&learn->unlisted, buf))
			return true;
		if (strcmp(buf, path) && strmap_contains(&learn->zones, buf))
			beneath_zone = true;
		if (!strcmp(buf, "/") || buf[0] != '/')
			break;
		parent(buf);
	}
	/* Elsewhere, a creation needs an event. */
	if (!beneath_zone)
		return true;
	entry = strmap_find(&learn->snapshot, path);
	if (!entry)
		return false;
	/* Replaced (another inode at that path) since the listing: created. */
	return lstat(path, &st) || entry->value == inode_id(&st);
}

bool learn_is_proc_pid(const char *path)
{
	const char *p = path + strlen("/proc/");

	if (strncmp(path, "/proc/", strlen("/proc/")) || !(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p || *p == '/';
}

int learn_path(struct learn *learn, const char *path, uint64_t access)
{
	char buf[LEARN_PATH];

	if (!access)
		return 0;
	if (copy_path(buf, path))
		return -1;
	/* A process's directory goes with it: the replay's have other numbers. */
	if (learn_is_proc_pid(buf))
		return strmap_or(&learn->rules, "/proc", access);
	/*
	 * Rules bind to inodes: a file or directory the run created does not
	 * exist when the policy is replayed from a clean state.
	 */
	while (strcmp(buf, "/") && buf[0] == '/' && !learn_existed(learn, buf))
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
	char path[LEARN_PATH];

	join(path, sizeof(path), dir, name);
	return strmap_add(&learn->created, path) ? 0 : -1;
}

int learn_event(struct learn *learn, const struct ll_event *ev, uint64_t access)
{
	if (ll_event_is_net(ev))
		return learn_port(learn, ll_event_port(ev), access);
	/*
	 * The open of a file that its call created: the run created it (with
	 * make_reg, which a rule allowed), and the rights of the open go where
	 * those of its creation go.
	 */
	if (ll_event_created(ev))
		return strmap_add(&learn->created, ll_event_object_path(ev)) &&
				       !learn_path(learn, ll_event_object_path(ev),
						   access | LANDLOCK_ACCESS_FS_MAKE_REG)
			       ? 0
			       : -1;
	if (!ll_event_name(ev)[0])
		return learn_path(learn, ll_event_object_path(ev), access);
	if (learn_path(learn, ll_event_object_path(ev), access))
		return -1;
	/* A rename or a link creates its destination, not its source. */
	if (ll_event_dest_path(ev)[0])
		return learn_path(learn, ll_event_dest_path(ev), access) ||
				       note_created(learn, ll_event_dest_path(ev),
						    ll_event_dest_name(ev))
			       ? -1
			       : 0;
	if ((ll_event_access(ev) & LEARN_MAKE_RIGHTS) &&
	    note_created(learn, ll_event_object_path(ev), ll_event_name(ev)))
		return -1;
	return 0;
}

uint64_t learn_generalise(uint64_t rights)
{
	/* Only where the run created entries: what it did to what existed is exact. */
	if (!(rights & LEARN_MAKE_RIGHTS))
		return rights;
	if (rights & LANDLOCK_ACCESS_FS_WRITE_FILE)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (rights & LEARN_MAKE_RIGHTS & ~LANDLOCK_ACCESS_FS_MAKE_DIR)
		rights |= LANDLOCK_ACCESS_FS_REMOVE_FILE;
	return rights;
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

bool learn_is_credential_dir(const char *name)
{
	static const char *const names[] = {
		".ssh", ".gnupg",  ".aws",   ".azure",		".kube",    ".docker",
		".pki", ".gcloud", "gcloud", ".password-store", "keyrings",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

bool learn_may_fold(const char *dir, const struct fold_limits *limits)
{
	const size_t len = strlen(dir);
	const char *p;
	size_t i;

	if (!strcmp(dir, "/") || dir[0] != '/' || learn_depth(dir) < limits->min_depth)
		return false;
	for (i = 0; i < limits->num_forbidden; i++) {
		const char *f = limits->forbidden[i];

		/* The directory itself, or one of its ancestors. */
		if (!strcmp(f, dir) || (!strncmp(f, dir, len) && f[len] == '/'))
			return false;
	}
	/* Neither a credential directory nor beneath one. */
	for (p = dir; p && *p; p = strchr(p + 1, '/')) {
		char name[256];
		const size_t n = strcspn(p + 1, "/");

		if (n >= sizeof(name))
			continue;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		if (learn_is_credential_dir(name))
			return false;
	}
	return true;
}

/* The rights the rules give @path: its own and its ancestors'. */
static uint64_t granted(const struct strmap *rules, const char *path)
{
	char buf[LEARN_PATH];
	uint64_t access = 0;

	if (copy_path(buf, path))
		return 0;
	for (;;) {
		const struct strmap_entry *rule = strmap_find(rules, buf);

		if (rule)
			access |= rule->value;
		if (!strcmp(buf, "/") || buf[0] != '/')
			return access;
		parent(buf);
	}
}

/* Most objects --fold lists beneath one directory before giving up on it. */
#define FOLD_MAX_LISTED 100000

/*
 * The rights of @want that some object beneath the directory open at @fd
 * (path @path, @len bytes, in a LEARN_PATH buffer) does not have from
 * @rules: files need the file rights, directories the others.  All of @want
 * if it holds a credential directory or more than *@budget objects.
 * Closes @fd.
 */
static uint64_t fold_missing(const struct strmap *rules, int fd, char *path, size_t len,
			     uint64_t want, size_t *budget)
{
	DIR *dir = fdopendir(fd);
	const struct dirent *de;
	uint64_t missing = 0;

	if (!dir) {
		close(fd);
		return want;
	}
	while (missing != want && (de = readdir(dir))) {
		const size_t n = strlen(de->d_name);
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(*budget)-- || len + 1 + n >= LEARN_PATH ||
		    fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			missing = want;
			break;
		}
		if (S_ISLNK(st.st_mode))
			continue; /* rules apply to what it points to */
		snprintf(path + len, LEARN_PATH - len, "/%s", de->d_name);
		if (S_ISDIR(st.st_mode)) {
			const int sub = openat(dirfd(dir), de->d_name,
					       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			missing |= want & ~LEARN_FILE_RIGHTS & ~granted(rules, path);
			if (learn_is_credential_dir(de->d_name) || sub < 0) {
				if (sub >= 0)
					close(sub);
				missing = want;
			} else {
				missing |=
					fold_missing(rules, sub, path, len + 1 + n, want, budget);
			}
		} else {
			missing |= want & LEARN_FILE_RIGHTS & ~granted(rules, path);
		}
		path[len] = '\0';
	}
	closedir(dir);
	return missing;
}

/*
 * The rights of @want that a rule on directory @dir can have without
 * widening what the rules give any object beneath it (0 if none).
 */
static uint64_t fold_rights(const struct strmap *rules, const char *dir, uint64_t want)
{
	char path[LEARN_PATH];
	size_t budget = FOLD_MAX_LISTED;
	int fd;

	if (copy_path(path, dir))
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* The directory itself, for the directory rights. */
	want &= ~(want & ~LEARN_FILE_RIGHTS & ~granted(rules, dir));
	return want &
	       ~fold_missing(rules, fd, path, strcmp(dir, "/") ? strlen(dir) : 0, want, &budget);
}

/* Whether a proper ancestor of @path is in @folded with all of @access. */
static bool covered(const struct strmap *folded, const char *path, uint64_t access)
{
	char buf[LEARN_PATH];

	if (copy_path(buf, path))
		return false;
	while (strcmp(buf, "/") && buf[0] == '/') {
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
	char dir[LEARN_PATH];
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

		if (copy_path(dir, rule->key) || !strcmp(dir, "/"))
			continue;
		parent(dir);
		count = strmap_add(&counts, dir);
		if (!count || strmap_or(&rights, dir, rule->value))
			goto out;
		count->value++;
	}
	for (i = 0; i < counts.count; i++) {
		const struct strmap_entry *count = &counts.entries[i];
		uint64_t access;

		if (count->value < limits->min_entries || !learn_may_fold(count->key, limits))
			continue;
		access = fold_rights(&learn->rules, count->key,
				     strmap_find(&rights, count->key)->value);
		if (access && strmap_or(&folded, count->key, access))
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
				       learn_generalise(learn->rules.entries[i].value)))
			return -1;
	for (i = 0; i < learn->ports.count; i++)
		if (ll_policy_add_port(policy, strtoull(learn->ports.entries[i].key, NULL, 10),
				       learn->ports.entries[i].value))
			return -1;
	return 0;
}
