// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Receiving and answering supervisor events.  Paths are resolved from the
 * events' file descriptors for display only: decisions use the descriptors.
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

static void fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

int ll_event_recv(int supervisor_fd, struct ll_event *event)
{
	struct landlock_supervisor_event raw;
	struct stat st;

	ll_event_release(event);
	if (ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENT, &raw))
		return errno == EAGAIN ? 0 : -1;
	memset(event, 0, sizeof(*event));
	event->cookie = raw.cookie;
	event->access = raw.access;
	event->net = raw.type == LANDLOCK_EVENT_NET;
	event->pid = raw.tgid;
	event->tid = raw.tid;
	event->object_fd = raw.object_fd;
	event->dest_fd = raw.dest_fd;
	event->port = raw.port;
	memcpy(event->name, raw.name, sizeof(event->name));
	memcpy(event->dest_name, raw.dest_name, sizeof(event->dest_name));
	event->name[sizeof(event->name) - 1] = '\0';
	event->dest_name[sizeof(event->dest_name) - 1] = '\0';
	fd_path(event->object_fd, event->object_path, sizeof(event->object_path));
	fd_path(event->dest_fd, event->dest_path, sizeof(event->dest_path));
	event->object_is_dir =
		event->object_fd >= 0 && !fstat(event->object_fd, &st) && S_ISDIR(st.st_mode);
	return 1;
}

int ll_event_answer(int supervisor_fd, const struct ll_event *event, bool allow)
{
	const struct landlock_supervisor_response response = {
		.cookie = event->cookie,
		.decision = allow ? LANDLOCK_SUPERVISOR_ALLOW : LANDLOCK_SUPERVISOR_DENY,
	};

	return ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
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
