/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dependency tracing: what a supervised process tree touched. */
#ifndef LL_TRACE_H
#define LL_TRACE_H

#include <stdbool.h>

#include "landlock-supervise.h"

struct ll_trace_set {
	char **items;
	size_t count;
};

struct ll_trace {
	struct ll_trace_set read, execute, write, create, remove, rename;
	struct {
		int wd;
		char *dir;
	} * watches;
	size_t num_watches;
};

void ll_trace_init(struct ll_trace *trace);
/* Records an event (granted by the caller) and watches granted directories. */
void ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd);
/* Records what inotify saw in the watched directories. */
void ll_trace_inotify(struct ll_trace *trace, int inotify_fd);
int ll_trace_write(const struct ll_trace *trace, const char *file, bool make);

#endif /* LL_TRACE_H */
