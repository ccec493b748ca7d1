// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Receiving and answering supervisor events.  The kernel writes the paths of
 * the events' objects (LANDLOCK_RECV_PATH), for display and for the
 * one-call grants (ll_event_answer_grant()), and opens descriptors of them
 * only on request (LL_RECV_FDS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h"

_Static_assert(LL_RECV_MAX == LANDLOCK_RECV_MAX_EVENTS, "LL_RECV_MAX is the kernel's");

struct ll_event *ll_event_new(void)
{
	struct ll_event *event = calloc(1, sizeof(*event));

	if (event) {
		event->object_fd = -1;
		event->dest_fd = -1;
	}
	return event;
}

void ll_event_free(struct ll_event *event)
{
	if (!event)
		return;
	ll_event_release(event);
	free(event);
}

/* Copies the kernel's string field @src, always NUL-terminated. */
static void copy_string(char *dst, const char *src, size_t size)
{
	memcpy(dst, src, size);
	dst[size - 1] = '\0';
}

static void from_kernel(struct ll_event *event, const struct landlock_supervisor_event *raw)
{
	_Static_assert(sizeof(event->object_path) == sizeof(raw->path), "path size");
	_Static_assert(sizeof(event->name) == sizeof(raw->name), "name size");

	event->cookie = raw->cookie;
	event->access = raw->access;
	event->net = raw->type == LANDLOCK_EVENT_NET;
	event->pid = raw->tgid;
	event->tid = raw->tid;
	event->object_fd = raw->object_fd;
	event->dest_fd = raw->dest_fd;
	event->port = raw->port;
	copy_string(event->name, raw->name, sizeof(event->name));
	copy_string(event->dest_name, raw->dest_name, sizeof(event->dest_name));
	copy_string(event->object_path, raw->path, sizeof(event->object_path));
	copy_string(event->dest_path, raw->dest_path, sizeof(event->dest_path));
	event->object_is_dir = raw->flags & LANDLOCK_EVENT_OBJECT_DIR;
}

int ll_event_recv_batch(int supervisor_fd, struct ll_event *const *events, size_t count,
			unsigned int flags)
{
	struct landlock_supervisor_recv recv = { 0 };
	struct landlock_supervisor_event *raw;
	int received, saved;
	size_t i;

	if (!count || (flags & ~LL_RECV_FDS)) {
		errno = EINVAL;
		return -1;
	}
	if (count > LL_RECV_MAX)
		count = LL_RECV_MAX;
	for (i = 0; i < count; i++)
		ll_event_release(events[i]);
	/* 8.7 kB an event: on the heap, for the time of the call. */
	raw = malloc(count * sizeof(*raw));
	if (!raw)
		return -1;
	recv.events = (uintptr_t)raw;
	recv.event_size = sizeof(*raw);
	recv.count = count;
	recv.flags = LANDLOCK_RECV_PATH | (flags & LL_RECV_FDS ? LANDLOCK_RECV_OBJECT_FD : 0);
	received = ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
	saved = errno;
	for (i = 0; received > 0 && i < (size_t)received && i < count; i++)
		from_kernel(events[i], &raw[i]);
	free(raw);
	if (received < 0) {
		errno = saved;
		return saved == EAGAIN ? 0 : -1;
	}
	return received;
}

int ll_event_recv_flags(int supervisor_fd, struct ll_event *event, unsigned int flags)
{
	return ll_event_recv_batch(supervisor_fd, &event, 1, flags);
}

/*
 * ll_event_recv() has two versions (lib/liblandlock-supervise.map): 0.2's
 * opens no descriptor, 0.1's, for the programs linked against 0.1, opened
 * them.
 */
#define LL_SYMVER(name) __attribute__((visibility("default"), symver(name)))

LL_SYMVER("ll_event_recv@@LANDLOCK_SUPERVISE_0.2")
int ll_event_recv_0_2(int supervisor_fd, struct ll_event *event);
LL_SYMVER("ll_event_recv@LANDLOCK_SUPERVISE_0.1")
int ll_event_recv_0_1(int supervisor_fd, struct ll_event *event);

int ll_event_recv_0_2(int supervisor_fd, struct ll_event *event)
{
	return ll_event_recv_flags(supervisor_fd, event, 0);
}

int ll_event_recv_0_1(int supervisor_fd, struct ll_event *event)
{
	return ll_event_recv_flags(supervisor_fd, event, LL_RECV_FDS);
}

int ll_event_answer(int supervisor_fd, const struct ll_event *event, bool allow)
{
	const struct landlock_supervisor_response response = {
		.cookie = event->cookie,
		.decision = allow ? LANDLOCK_SUPERVISOR_ALLOW : LANDLOCK_SUPERVISOR_DENY,
	};

	return ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
}

/* Whether the event's object and destination are the same directory. */
static bool same_directory(const struct ll_event *event)
{
	struct stat a, b;

	if (event->object_fd >= 0 && event->dest_fd >= 0)
		return !fstat(event->object_fd, &a) && !fstat(event->dest_fd, &b) &&
		       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return event->object_path[0] && !strcmp(event->object_path, event->dest_path);
}

uint64_t ll_event_grant_access(const struct ll_event *event, enum ll_event_target target)
{
	const bool two_dirs = !event->net && event->dest_name[0] && !same_directory(event);

	switch (target) {
	case LL_TARGET_OBJECT:
		/*
		 * A file that an open() created is opened without asking: the
		 * restarted call would not create it again.
		 */
		if (!event->net && event->name[0] && !event->dest_name[0] &&
		    (event->access & LANDLOCK_ACCESS_FS_MAKE_REG))
			return event->access | LANDLOCK_ACCESS_FS_READ_FILE |
			       LANDLOCK_ACCESS_FS_WRITE_FILE;
		return event->access;
	case LL_TARGET_DEST:
		return two_dirs ? event->access : 0;
	}
	return 0;
}

uint64_t ll_event_answer_rule(const struct ll_event *event, enum ll_answer_scope scope, char *path,
			      size_t len, uint64_t *transient)
{
	const uint64_t access = ll_event_grant_access(event, LL_TARGET_OBJECT);
	const bool entry = !event->net && (event->name[0] || event->dest_name[0]);
	uint64_t gone = 0;
	char *slash;

	if (transient)
		*transient = 0;
	if (len)
		path[0] = '\0';
	if (scope != LL_ANSWER_ONCE && scope != LL_ANSWER_OBJECT && scope != LL_ANSWER_TREE)
		return 0;
	if (scope == LL_ANSWER_ONCE || (scope == LL_ANSWER_OBJECT && entry))
		gone = access;
	if (!event->net && strlen(event->object_path) < len) {
		strcpy(path, event->object_path);
		/* The tree of a file: its directory. */
		if (scope == LL_ANSWER_TREE && !entry && !event->object_is_dir &&
		    (slash = strrchr(path, '/')))
			slash[slash == path] = '\0';
	}
	if (transient)
		*transient = gone;
	return access;
}

void ll_event_release(struct ll_event *event)
{
	if (event->object_fd >= 0)
		close(event->object_fd);
	if (event->dest_fd >= 0)
		close(event->dest_fd);
	event->object_fd = -1;
	event->dest_fd = -1;
}

const char *ll_event_object(const struct ll_event *event, char *buf, size_t len)
{
	if (event->net)
		snprintf(buf, len, "tcp port %llu", (unsigned long long)event->port);
	else if (event->name[0])
		snprintf(buf, len, "%s/%s",
			 strcmp(event->object_path, "/") ? event->object_path : "", event->name);
	else
		snprintf(buf, len, "%s", event->object_path);
	return buf;
}

uint64_t ll_event_cookie(const struct ll_event *event)
{
	return event->cookie;
}

uint64_t ll_event_access(const struct ll_event *event)
{
	return event->access;
}

bool ll_event_is_net(const struct ll_event *event)
{
	return event->net;
}

pid_t ll_event_pid(const struct ll_event *event)
{
	return event->pid;
}

pid_t ll_event_tid(const struct ll_event *event)
{
	return event->tid;
}

uint64_t ll_event_port(const struct ll_event *event)
{
	return event->port;
}

int ll_event_object_fd(const struct ll_event *event)
{
	return event->object_fd;
}

int ll_event_dest_fd(const struct ll_event *event)
{
	return event->dest_fd;
}

const char *ll_event_name(const struct ll_event *event)
{
	return event->name;
}

const char *ll_event_dest_name(const struct ll_event *event)
{
	return event->dest_name;
}

const char *ll_event_object_path(const struct ll_event *event)
{
	return event->object_path;
}

const char *ll_event_dest_path(const struct ll_event *event)
{
	return event->dest_path;
}

bool ll_event_object_is_dir(const struct ll_event *event)
{
	return event->object_is_dir;
}
