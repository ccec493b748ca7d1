/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dependency tracing: what a supervised process tree touched. */
#ifndef LL_TRACE_H
#define LL_TRACE_H

#include <stdbool.h>

#include "landlock-supervise.h"
#include "strmap.h"

struct ll_trace {
	/* Sets of paths, in the order first seen; renames are "FROM\nTO". */
	struct strmap read, execute, write, create, remove, rename;
	char **watches; /* watched directory of each inotify descriptor */
	size_t num_watches;
	bool failed; /* an allocation failed: the trace is incomplete */
};

void ll_trace_init(struct ll_trace *trace);
void ll_trace_free(struct ll_trace *trace);
/*
 * Records an event (granted by the caller) and watches granted directories.
 * Returns 0, or -1 with errno if memory ran out (trace->failed is then set).
 */
int ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd);
/* Records what inotify saw in the watched directories; 0 or -1 as above. */
int ll_trace_inotify(struct ll_trace *trace, int inotify_fd);
/* Writes @file (the caller makes it atomic); 0, or -1 with errno. */
int ll_trace_write(const struct ll_trace *trace, const char *file, bool make);

#endif /* LL_TRACE_H */
