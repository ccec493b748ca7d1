// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dependency tracing without LD_PRELOAD or ptrace.  Every file access is
 * denied at first: the supervisor learns each file read, executed or written
 * from its event (with the process that did it), and grants that file only.
 * Creation, removal and renaming are checked on directories, and a rule on a
 * directory covers everything beneath it: before such a grant, the directory
 * and every directory beneath it are watched with inotify, which names every
 * later entry created, written, read, removed or renamed there (new
 * subdirectories are watched as they come, and what they already hold is
 * recorded as created), but not the process.  A kernel that asks about the
 * open of a file that its call created (LANDLOCK_EVENT_CREATED) lets the
 * supervisor grant the creation right alone on the directory: the files
 * there are then read and written with events of their own, and each new
 * file gets its rights on itself.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

void ll_trace_init(struct ll_trace *trace)
{
	memset(trace, 0, sizeof(*trace));
	strmap_init(&trace->read);
	strmap_init(&trace->execute);
	strmap_init(&trace->write);
	strmap_init(&trace->create);
	strmap_init(&trace->remove);
	strmap_init(&trace->rename);
	strmap_init(&trace->parent);
	strmap_init(&trace->by_pid);
	strmap_init(&trace->unattributed);
	strmap_init(&trace->gone);
	strmap_init(&trace->first);
	strmap_init(&trace->late_write);
}

void ll_trace_free(struct ll_trace *trace)
{
	size_t i;

	strmap_free(&trace->read);
	strmap_free(&trace->execute);
	strmap_free(&trace->write);
	strmap_free(&trace->create);
	strmap_free(&trace->remove);
	strmap_free(&trace->rename);
	strmap_free(&trace->parent);
	strmap_free(&trace->by_pid);
	strmap_free(&trace->unattributed);
	strmap_free(&trace->gone);
	strmap_free(&trace->first);
	strmap_free(&trace->late_write);
	for (i = 0; i < trace->num_watches; i++)
		free(trace->watches[i]);
	free(trace->watches);
	trace->watches = NULL;
	trace->num_watches = 0;
}

static int add(struct ll_trace *trace, struct strmap *set, const char *item)
{
	if (strmap_add(set, item))
		return 0;
	trace->failed = true;
	return -1;
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

/* Records the first read of @path (in the order of records, @trace->seq). */
static int add_first(struct ll_trace *trace, const char *path)
{
	struct strmap_entry *entry = strmap_add(&trace->first, path);

	if (!entry) {
		trace->failed = true;
		return -1;
	}
	if (!entry->value)
		entry->value = trace->seq;
	return 0;
}

/* Records that process @pid wrote ('w') @path. */
static int add_by_pid(struct ll_trace *trace, pid_t pid, char kind, const char *path)
{
	char key[8300];

	if (pid <= 0)
		return 0;
	snprintf(key, sizeof(key), "%d\n%c\n%s", pid, kind, path);
	return add(trace, &trace->by_pid, key);
}

int ll_trace_process(struct ll_trace *trace, pid_t pid, pid_t parent)
{
	char key[32];
	struct strmap_entry *entry;

	snprintf(key, sizeof(key), "%d", pid);
	entry = strmap_add(&trace->parent, key);
	if (!entry) {
		trace->failed = true;
		return -1;
	}
	entry->value = (uint64_t)parent;
	return 0;
}

/* The parent of @pid from /proc, or 0. */
static pid_t proc_parent(pid_t pid)
{
	char path[64], buf[512], *end;
	int parent = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	end = strrchr(buf, ')');
	if (!end || sscanf(end + 1, " %*c %d", &parent) != 1)
		return 0;
	return parent;
}

/* Whether task @pid (a process or a thread) has exited: gone, or a zombie. */
bool task_gone(pid_t pid)
{
	char path[64], buf[512], *end;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	end = strrchr(buf, ')');
	return !end || end[1] != ' ' || end[2] == 'Z' || end[2] == 'X';
}

/* Records process @pid (once), to note when it is gone. */
static int add_process(struct ll_trace *trace, pid_t pid)
{
	char key[32];

	snprintf(key, sizeof(key), "%d", pid);
	if (strmap_contains(&trace->parent, key))
		return 0;
	return ll_trace_process(trace, pid, proc_parent(pid));
}

/* inotify watch descriptors are small integers: an array indexed by them. */
#define WATCH_MASK                                                                          \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | \
	 IN_CLOSE_NOWRITE | IN_ACCESS | IN_ONLYDIR)

/* Watches @dir: 1 if it is newly watched, 0 if it was (or cannot be), -1. */
static int watch(struct ll_trace *trace, int inotify_fd, const char *dir)
{
	char *copy;
	int wd;

	if (inotify_fd < 0)
		return 0;
	wd = inotify_add_watch(inotify_fd, dir, WATCH_MASK);
	if (wd < 0) {
		if (!trace->unwatched[0] && errno != ENOENT) {
			snprintf(trace->unwatched, sizeof(trace->unwatched), "%s", dir);
			trace->unwatched_err = errno;
		}
		return 0;
	}
	if ((size_t)wd >= trace->num_watches) {
		const size_t num = (size_t)wd * 2 + 16;
		char **grown = realloc(trace->watches, num * sizeof(*grown));

		if (!grown) {
			trace->failed = true;
			return -1;
		}
		memset(grown + trace->num_watches, 0, (num - trace->num_watches) * sizeof(*grown));
		trace->watches = grown;
		trace->num_watches = num;
	}
	if (trace->watches[wd])
		return 0;
	copy = strdup(dir);
	if (!copy) {
		trace->failed = true;
		return -1;
	}
	trace->watches[wd] = copy;
	return 1;
}

/*
 * Watches @dir and every directory beneath it (on the same file system).
 * A directory the run created (@created) holds nothing from before: what
 * it holds now was created, maybe before its watch was there.
 */
static int watch_tree(struct ll_trace *trace, int inotify_fd, const char *dir, bool created,
		      int depth)
{
	struct dirent *de;
	struct stat top;
	DIR *d;
	int err, fd;

	err = watch(trace, inotify_fd, dir);
	if (err <= 0)
		return err;
	err = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &top)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!err && (de = readdir(d))) {
		char path[8192];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		join(path, sizeof(path), dir, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISDIR(st.st_mode) && st.st_dev == top.st_dev && depth < 256)
			err = watch_tree(trace, inotify_fd, path, created, depth + 1);
		else if (created && !S_ISDIR(st.st_mode))
			err = add(trace, &trace->create, path);
	}
	closedir(d);
	return err < 0 ? -1 : 0;
}

#define CREATE_RIGHTS                                                   \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
#define REMOVE_RIGHTS (LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE)

int ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd)
{
	const pid_t pid = ll_event_pid(ev);
	char path[8192], dest[8192];
	int err = 0;

	if (ll_event_is_net(ev) || !ll_event_object_path(ev)[0])
		return 0;
	trace->seq++;
	if (pid > 0)
		err |= add_process(trace, pid);
	if (ll_event_name(ev)[0]) {
		join(path, sizeof(path), ll_event_object_path(ev), ll_event_name(ev));
		if (ll_event_dest_path(ev)[0]) {
			char pair[16400];

			join(dest, sizeof(dest), ll_event_dest_path(ev), ll_event_dest_name(ev));
			snprintf(pair, sizeof(pair), "%s\n%s", path, dest);
			err |= add(trace, &trace->rename, pair);
			err |= add(trace, &trace->create, dest);
			err |= add_by_pid(trace, pid, 'w', dest);
			err |= watch_tree(trace, inotify_fd, ll_event_dest_path(ev), false, 0);
		} else if (ll_event_access(ev) & CREATE_RIGHTS) {
			err |= add(trace, &trace->create, path);
			err |= add_by_pid(trace, pid, 'w', path);
		} else if (ll_event_access(ev) & REMOVE_RIGHTS) {
			err |= add(trace, &trace->remove, path);
		}
		err |= watch_tree(trace, inotify_fd, ll_event_object_path(ev), false, 0);
		return err ? -1 : 0;
	}
	/*
	 * The open of a file that its call created (where a rule allowed the
	 * creation): an output, which has nothing to read yet (unless it is
	 * gone already).
	 */
	if (ll_event_created(ev)) {
		struct stat st;

		if (lstat(ll_event_object_path(ev), &st))
			return err ? -1 : 0;
		err |= add(trace, &trace->create, ll_event_object_path(ev));
		if (ll_event_access(ev) & LANDLOCK_ACCESS_FS_WRITE_FILE)
			err |= add(trace, &trace->write, ll_event_object_path(ev));
		err |= add_by_pid(trace, pid, 'w', ll_event_object_path(ev));
		return err ? -1 : 0;
	}
	if (ll_event_access(ev) & LANDLOCK_ACCESS_FS_EXECUTE)
		err |= add(trace, &trace->execute, ll_event_object_path(ev));
	if (ll_event_access(ev) & (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR))
		err |= add(trace, &trace->read, ll_event_object_path(ev));
	if (ll_event_access(ev) & (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE))
		err |= add_first(trace, ll_event_object_path(ev));
	if (ll_event_access(ev) & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)) {
		err |= add(trace, &trace->write, ll_event_object_path(ev));
		err |= add_by_pid(trace, pid, 'w', ll_event_object_path(ev));
	}
	return err ? -1 : 0;
}

int ll_trace_inotify(struct ll_trace *trace, int inotify_fd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[8192], moved_from[8192] = "";
	ssize_t len;
	int err = 0;

	size_t i, num_gone = 0, *gone = NULL;

	/* The processes gone now did nothing that is not in the queue yet. */
	for (i = trace->first_live; i < trace->parent.count; i++) {
		const char *key = trace->parent.entries[i].key;
		size_t *grown;

		if (strmap_contains(&trace->gone, key) || !task_gone(atoi(key)))
			continue;
		grown = realloc(gone, (num_gone + 1) * sizeof(*gone));
		if (!grown) {
			err = -1;
			trace->failed = true;
			break;
		}
		gone = grown;
		gone[num_gone++] = i;
	}
	while (inotify_fd >= 0 && (len = read(inotify_fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const void *)p;
			const char *dir = NULL;

			p += sizeof(*ie) + ie->len;
			trace->seq++;
			if (ie->mask & IN_Q_OVERFLOW)
				trace->overflow = true;
			if (ie->wd >= 0 && (size_t)ie->wd < trace->num_watches)
				dir = trace->watches[ie->wd];
			if (!dir || !ie->len)
				continue;
			join(path, sizeof(path), dir, ie->name);
			if (ie->mask & IN_ISDIR) {
				/* A new directory: watched, what it holds recorded. */
				if (ie->mask & (IN_CREATE | IN_MOVED_TO))
					err |= watch_tree(trace, inotify_fd, path,
							  ie->mask & IN_CREATE, 0);
				continue;
			}
			if (ie->mask & (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO)) {
				struct strmap_entry *entry = strmap_add(&trace->late_write, path);

				if (!entry)
					err = trace->failed = true;
				else
					entry->value = trace->seq;
			}
			if (ie->mask & IN_CREATE)
				err |= add(trace, &trace->create, path);
			if (ie->mask & IN_DELETE)
				err |= add(trace, &trace->remove, path);
			if (ie->mask & (IN_MODIFY | IN_CLOSE_WRITE))
				err |= add(trace, &trace->write, path);
			if (ie->mask & (IN_ACCESS | IN_CLOSE_NOWRITE)) {
				struct strmap_entry *entry = strmap_add(&trace->unattributed, path);

				err |= add(trace, &trace->read, path);
				err |= add_first(trace, path);
				if (!entry)
					err = trace->failed = true;
				else if (!entry->value)
					entry->value = trace->seq;
			}
			if (ie->mask & IN_MOVED_FROM)
				snprintf(moved_from, sizeof(moved_from), "%s", path);
			if ((ie->mask & IN_MOVED_TO) && moved_from[0]) {
				char pair[16400];

				snprintf(pair, sizeof(pair), "%s\n%s", moved_from, path);
				err |= add(trace, &trace->rename, pair);
				err |= add(trace, &trace->create, path);
				moved_from[0] = '\0';
			}
		}
	}
	for (i = 0; i < num_gone; i++) {
		struct strmap_entry *entry =
			strmap_add(&trace->gone, trace->parent.entries[gone[i]].key);

		if (!entry)
			err = trace->failed = true;
		else
			entry->value = trace->seq;
	}
	free(gone);
	while (trace->first_live < trace->parent.count &&
	       strmap_contains(&trace->gone, trace->parent.entries[trace->first_live].key))
		trace->first_live++;
	return err ? -1 : 0;
}

static void write_escaped(FILE *f, const char *path)
{
	for (; *path; path++) {
		if (*path == ' ' || *path == '#' || *path == '\\')
			fputc('\\', f);
		if (*path == '$')
			fputc('$', f);
		fputc(*path, f);
	}
}

static bool exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && !S_ISDIR(st.st_mode);
}

/* When process @pid was seen gone (inotify records before), or UINT64_MAX. */
static uint64_t gone_at(const struct ll_trace *trace, pid_t pid)
{
	const struct strmap_entry *entry;
	char key[32];

	snprintf(key, sizeof(key), "%d", pid);
	entry = strmap_find(&trace->gone, key);
	return entry ? entry->value : UINT64_MAX;
}

/*
 * Make depfile: one rule per file the run wrote or created (and that still
 * exists).  If events named the processes that wrote it, and nothing wrote
 * it after they were gone, its prerequisites are the files (still there,
 * itself excepted) that the run read or executed before the last of these
 * processes was gone (the supervisor notes which processes are gone before
 * it answers any event, so that what a process reads after an answer comes
 * after what ended before); otherwise every file the run read or executed.
 */
static int write_make(const struct ll_trace *trace, FILE *f)
{
	struct strmap targets, done;
	bool *there;
	size_t i, j;
	int ret = 0;

	strmap_init(&targets);
	strmap_init(&done);
	/* Existing files read, in the order first read. */
	there = calloc(trace->first.count + 1, sizeof(*there));
	if (!there)
		return -1;
	for (i = 0; i < trace->first.count; i++)
		there[i] = exists(trace->first.entries[i].key);
	for (i = 0; i < trace->write.count + trace->create.count && !ret; i++) {
		const char *out = i < trace->write.count
					  ? trace->write.entries[i].key
					  : trace->create.entries[i - trace->write.count].key;

		if (exists(out) && !strmap_add(&targets, out))
			ret = -1;
	}
	/* When the last process that wrote each output was gone: "PID\nw\nOUT". */
	for (i = 0; i < trace->by_pid.count && !ret; i++) {
		const char *key = trace->by_pid.entries[i].key;
		const char *kind = strchr(key, '\n');
		struct strmap_entry *entry;
		uint64_t at;

		if (!kind || kind[1] != 'w')
			continue;
		entry = strmap_add(&done, kind + 3);
		if (!entry) {
			ret = -1;
			break;
		}
		at = gone_at(trace, atoi(key));
		if (entry->value < at)
			entry->value = at;
	}
	for (i = 0; i < targets.count && !ret; i++) {
		const char *out = targets.entries[i].key;
		const struct strmap_entry *late = strmap_find(&trace->late_write, out);
		const struct strmap_entry *writers = strmap_find(&done, out);
		uint64_t until = writers ? writers->value : UINT64_MAX;

		/* Written again (inotify) after they were gone: by someone else. */
		if (late && late->value > until)
			until = UINT64_MAX;
		write_escaped(f, out);
		fputc(':', f);
		for (j = 0; j < trace->first.count && trace->first.entries[j].value <= until; j++) {
			if (!there[j] || !strcmp(trace->first.entries[j].key, out))
				continue;
			fputs(" \\\n ", f);
			write_escaped(f, trace->first.entries[j].key);
		}
		fputc('\n', f);
	}
	free(there);
	strmap_free(&done);
	strmap_free(&targets);
	return ret;
}

static struct json_object *json_set(const struct strmap *set)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < set->count; i++)
		json_object_array_add(arr, json_object_new_string(set->entries[i].key));
	return arr;
}

int ll_trace_write(const struct ll_trace *trace, const char *file, bool make)
{
	struct json_object *root, *renames;
	FILE *f;
	size_t i;
	int ret;

	if (make) {
		f = fopen(file, "we");
		if (!f)
			return -1;
		ret = write_make(trace, f);
		return fclose(f) || ret ? -1 : 0;
	}
	root = json_object_new_object();
	renames = json_object_new_array();
	json_object_object_add(root, "read", json_set(&trace->read));
	json_object_object_add(root, "execute", json_set(&trace->execute));
	json_object_object_add(root, "write", json_set(&trace->write));
	json_object_object_add(root, "create", json_set(&trace->create));
	json_object_object_add(root, "remove", json_set(&trace->remove));
	for (i = 0; i < trace->rename.count; i++) {
		struct json_object *pair = json_object_new_object();
		const char *from = trace->rename.entries[i].key;
		const char *to = strchr(from, '\n');

		json_object_object_add(pair, "from", json_object_new_string_len(from, to - from));
		json_object_object_add(pair, "to", json_object_new_string(to + 1));
		json_object_array_add(renames, pair);
	}
	json_object_object_add(root, "rename", renames);
	ret = json_object_to_file_ext(file, root,
				      JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(root);
	return ret ? -1 : 0;
}

int ll_trace_warn(const struct ll_trace *trace, FILE *out, bool make)
{
	size_t i, inputs = 0;
	const char *first = NULL;
	int count = 0;

	if (trace->overflow) {
		fputs("landlock-supervise: trace: inotify's queue overflowed: accesses beneath the watched directories may be missing\n",
		      out);
		count++;
	}
	if (trace->unwatched[0]) {
		fprintf(out,
			"landlock-supervise: trace: cannot watch %s (%s): accesses beneath it are not traced\n",
			trace->unwatched, strerror(trace->unwatched_err));
		count++;
	}
	for (i = 0; i < trace->unattributed.count; i++) {
		const char *path = trace->unattributed.entries[i].key;

		if (!exists(path) || strmap_contains(&trace->write, path) ||
		    strmap_contains(&trace->create, path))
			continue;
		if (!first)
			first = path;
		inputs++;
	}
	for (i = 0; make && i < trace->write.count + trace->create.count; i++)
		if (exists(i < trace->write.count
				   ? trace->write.entries[i].key
				   : trace->create.entries[i - trace->write.count].key))
			break;
	if (make && i == trace->write.count + trace->create.count) {
		fputs("landlock-supervise: trace: the run wrote or created no file that is still there: the depfile has no rule\n",
		      out);
		count++;
	}
	if (inputs && make) {
		fprintf(out,
			"landlock-supervise: trace: %zu files (%s...) were read beneath directories where the command created entries, seen without their process: each rule lists them if the run had read them when the output's writer was gone\n",
			inputs, first);
		count++;
	}
	return count;
}
