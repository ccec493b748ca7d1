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
}

static void add(struct ll_trace_set *set, const char *item)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (!strcmp(set->items[i], item))
			return;
	set->items = realloc(set->items, (set->count + 1) * sizeof(char *));
	if (set->items)
		set->items[set->count++] = strdup(item);
}

static bool contains(const struct ll_trace_set *set, const char *item)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (!strcmp(set->items[i], item))
			return true;
	return false;
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

static void watch(struct ll_trace *trace, int inotify_fd, const char *dir)
{
	int wd;
	size_t i;

	if (inotify_fd < 0)
		return;
	wd = inotify_add_watch(inotify_fd, dir,
			       IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
				       IN_CLOSE_WRITE | IN_ACCESS | IN_OPEN | IN_ONLYDIR);
	if (wd < 0)
		return;
	for (i = 0; i < trace->num_watches; i++)
		if (trace->watches[i].wd == wd)
			return;
	trace->watches =
		realloc(trace->watches, (trace->num_watches + 1) * sizeof(*trace->watches));
	if (!trace->watches)
		return;
	trace->watches[trace->num_watches].wd = wd;
	trace->watches[trace->num_watches++].dir = strdup(dir);
}

#define CREATE_RIGHTS                                                   \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
#define REMOVE_RIGHTS (LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE)

void ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd)
{
	char path[8192], dest[8192];

	if (ev->net || ev->object_fd < 0)
		return;
	if (ev->name[0]) {
		join(path, sizeof(path), ev->object_path, ev->name);
		if (ev->dest_fd >= 0) {
			char pair[16400];

			join(dest, sizeof(dest), ev->dest_path, ev->dest_name);
			snprintf(pair, sizeof(pair), "%s\n%s", path, dest);
			add(&trace->rename, pair);
			add(&trace->create, dest);
			watch(trace, inotify_fd, ev->dest_path);
		} else if (ev->access & CREATE_RIGHTS) {
			add(&trace->create, path);
		} else if (ev->access & REMOVE_RIGHTS) {
			add(&trace->remove, path);
		}
		watch(trace, inotify_fd, ev->object_path);
		return;
	}
	if (ev->access & LANDLOCK_ACCESS_FS_EXECUTE)
		add(&trace->execute, ev->object_path);
	if (ev->access & (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR))
		add(&trace->read, ev->object_path);
	if (ev->access & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE))
		add(&trace->write, ev->object_path);
}

void ll_trace_inotify(struct ll_trace *trace, int inotify_fd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[8192], moved_from[8192] = "";
	ssize_t len;

	if (inotify_fd < 0)
		return;
	while ((len = read(inotify_fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const void *)p;
			const char *dir = NULL;
			size_t i;

			p += sizeof(*ie) + ie->len;
			for (i = 0; i < trace->num_watches; i++)
				if (trace->watches[i].wd == ie->wd)
					dir = trace->watches[i].dir;
			if (!dir || !ie->len)
				continue;
			join(path, sizeof(path), dir, ie->name);
			if (ie->mask & IN_CREATE)
				add(&trace->create, path);
			if (ie->mask & IN_DELETE)
				add(&trace->remove, path);
			if (ie->mask & (IN_MODIFY | IN_CLOSE_WRITE))
				add(&trace->write, path);
			if ((ie->mask & IN_ACCESS) && !(ie->mask & IN_ISDIR))
				add(&trace->read, path);
			if (ie->mask & IN_MOVED_FROM)
				snprintf(moved_from, sizeof(moved_from), "%s", path);
			if ((ie->mask & IN_MOVED_TO) && moved_from[0]) {
				char pair[16400];

				snprintf(pair, sizeof(pair), "%s\n%s", moved_from, path);
				add(&trace->rename, pair);
				add(&trace->create, path);
				moved_from[0] = '\0';
			}
		}
	}
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
	struct ll_trace_set targets = { 0 };
	size_t i;

	for (i = 0; i < trace->write.count; i++)
		if (exists(trace->write.items[i]))
			add(&targets, trace->write.items[i]);
	for (i = 0; i < trace->create.count; i++)
		if (exists(trace->create.items[i]))
			add(&targets, trace->create.items[i]);
	for (i = 0; i < targets.count; i++) {
		fputs(i ? " \\\n " : "", f);
		write_escaped(f, targets.items[i]);
	}
	fputs(":", f);
	for (i = 0; i < trace->read.count + trace->execute.count; i++) {
		const char *dep = i < trace->read.count
					  ? trace->read.items[i]
					  : trace->execute.items[i - trace->read.count];

		if (contains(&targets, dep) || !exists(dep))
			continue;
		fputs(" \\\n ", f);
		write_escaped(f, dep);
	}
	fputs("\n", f);
	for (i = 0; i < targets.count; i++)
		free(targets.items[i]);
	free(targets.items);
	return 0;
}

static struct json_object *json_set(const struct ll_trace_set *set)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < set->count; i++)
		json_object_array_add(arr, json_object_new_string(set->items[i]));
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
		const char *from = trace->rename.items[i];
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
