// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dependency tracing without LD_PRELOAD or ptrace.  Every file access is
 * denied at first: the supervisor learns each file read, executed or written
 * from its event, and grants that file only.  Creation, removal and renaming
 * are checked on directories, so granting them lets later entries of the same
 * directory through: those directories are watched with inotify from then on,
 * which names every later entry created, written, read, removed or renamed
 * there.
 */
#define _GNU_SOURCE
#include <errno.h>
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

/* inotify watch descriptors are small integers: an array indexed by them. */
static int watch(struct ll_trace *trace, int inotify_fd, const char *dir)
{
	char *copy;
	int wd;

	if (inotify_fd < 0)
		return 0;
	wd = inotify_add_watch(inotify_fd, dir,
			       IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
				       IN_CLOSE_WRITE | IN_ACCESS | IN_OPEN | IN_ONLYDIR);
	if (wd < 0)
		return 0;
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
	return 0;
}

#define CREATE_RIGHTS                                                   \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
#define REMOVE_RIGHTS (LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE)

int ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd)
{
	char path[8192], dest[8192];
	int err = 0;

	if (ll_event_is_net(ev) || !ll_event_object_path(ev)[0])
		return 0;
	if (ll_event_name(ev)[0]) {
		join(path, sizeof(path), ll_event_object_path(ev), ll_event_name(ev));
		if (ll_event_dest_path(ev)[0]) {
			char pair[16400];

			join(dest, sizeof(dest), ll_event_dest_path(ev), ll_event_dest_name(ev));
			snprintf(pair, sizeof(pair), "%s\n%s", path, dest);
			err |= add(trace, &trace->rename, pair);
			err |= add(trace, &trace->create, dest);
			err |= watch(trace, inotify_fd, ll_event_dest_path(ev));
		} else if (ll_event_access(ev) & CREATE_RIGHTS) {
			err |= add(trace, &trace->create, path);
		} else if (ll_event_access(ev) & REMOVE_RIGHTS) {
			err |= add(trace, &trace->remove, path);
		}
		err |= watch(trace, inotify_fd, ll_event_object_path(ev));
		return err ? -1 : 0;
	}
	if (ll_event_access(ev) & LANDLOCK_ACCESS_FS_EXECUTE)
		err |= add(trace, &trace->execute, ll_event_object_path(ev));
	if (ll_event_access(ev) & (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR))
		err |= add(trace, &trace->read, ll_event_object_path(ev));
	if (ll_event_access(ev) & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE))
		err |= add(trace, &trace->write, ll_event_object_path(ev));
	return err ? -1 : 0;
}

int ll_trace_inotify(struct ll_trace *trace, int inotify_fd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[8192], moved_from[8192] = "";
	ssize_t len;
	int err = 0;

	if (inotify_fd < 0)
		return 0;
	while ((len = read(inotify_fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const void *)p;
			const char *dir = NULL;

			p += sizeof(*ie) + ie->len;
			if (ie->wd >= 0 && (size_t)ie->wd < trace->num_watches)
				dir = trace->watches[ie->wd];
			if (!dir || !ie->len)
				continue;
			join(path, sizeof(path), dir, ie->name);
			if (ie->mask & IN_CREATE)
				err |= add(trace, &trace->create, path);
			if (ie->mask & IN_DELETE)
				err |= add(trace, &trace->remove, path);
			if (ie->mask & (IN_MODIFY | IN_CLOSE_WRITE))
				err |= add(trace, &trace->write, path);
			if ((ie->mask & IN_ACCESS) && !(ie->mask & IN_ISDIR))
				err |= add(trace, &trace->read, path);
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

/*
 * Make depfile: the files the run wrote or created (and that still exist)
 * depend on every file it read or executed that it did not produce itself.
 */
static int write_make(const struct ll_trace *trace, FILE *f)
{
	struct strmap targets;
	size_t i;
	int ret = 0;

	strmap_init(&targets);
	for (i = 0; i < trace->write.count + trace->create.count && !ret; i++) {
		const char *out = i < trace->write.count
					  ? trace->write.entries[i].key
					  : trace->create.entries[i - trace->write.count].key;

		if (exists(out) && !strmap_add(&targets, out))
			ret = -1;
	}
	for (i = 0; i < targets.count; i++) {
		fputs(i ? " \\\n " : "", f);
		write_escaped(f, targets.entries[i].key);
	}
	fputs(":", f);
	for (i = 0; i < trace->read.count + trace->execute.count; i++) {
		const char *dep = i < trace->read.count
					  ? trace->read.entries[i].key
					  : trace->execute.entries[i - trace->read.count].key;

		if (strmap_contains(&targets, dep) || !exists(dep))
			continue;
		fputs(" \\\n ", f);
		write_escaped(f, dep);
	}
	fputs("\n", f);
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
