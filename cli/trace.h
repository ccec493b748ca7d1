/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dependency tracing: what a supervised process tree touched. */
#ifndef LL_TRACE_H
#define LL_TRACE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "landlock-supervise.h"
#include "strmap.h"

struct ll_trace {
	/* Sets of paths, in the order first seen; renames are "FROM\nTO". */
	struct strmap read, execute, write, create, remove, rename;
	/*
	 * The processes the events named: "PID" -> parent pid; what they
	 * wrote or created: "PID\nw\nPATH".
	 */
	struct strmap parent, by_pid;
	/*
	 * Paths read that inotify saw, without their process: the value is
	 * the number of inotify records taken before the first of them.  The
	 * processes seen gone: "PID" -> that number when they were; every
	 * later record is of something they did not do.
	 */
	struct strmap unattributed, gone;
	/*
	 * Paths read or executed -> the number of records (events and inotify
	 * records) taken before the first of them; paths that inotify saw
	 * written or created -> the number before the last of them.
	 */
	struct strmap first, late_write;
	uint64_t seq;	   /* events and inotify records taken so far */
	size_t first_live; /* the processes before it in @parent are gone */
	char **watches;	   /* watched directory of each inotify descriptor */
	size_t num_watches;
	bool overflow;	      /* inotify's queue overflowed: records are missing */
	char unwatched[4096]; /* the first directory that could not be watched */
	int unwatched_err;
	bool failed; /* an allocation failed: the trace is incomplete */
};

void ll_trace_init(struct ll_trace *trace);
void ll_trace_free(struct ll_trace *trace);
/*
 * Records an event (which the caller grants after this call) and its
 * process (from /proc, if the event has a pid); for a creation, removal or
 * rename, watches the directory and every directory beneath it with inotify
 * before the grant lets later accesses there through without an event.
 * The open of a file that its call created (ll_event_created()) records a
 * creation (and a write if it writes), unless the file has no name.
 * Returns 0, or -1 with errno if memory ran out (trace->failed is then set).
 */
int ll_trace_event(struct ll_trace *trace, const struct ll_event *ev, int inotify_fd);
/* Records @pid's parent (tests; ll_trace_event() reads /proc). */
int ll_trace_process(struct ll_trace *trace, pid_t pid, pid_t parent);
/*
 * Records what inotify saw in the watched directories, after noting which
 * processes are gone (call it before answering events, so that what a
 * process does after an answer is recorded after what ended before it);
 * 0 or -1 as above.
 */
int ll_trace_inotify(struct ll_trace *trace, int inotify_fd);
/* Writes @file (the caller makes it atomic); 0, or -1 with errno. */
int ll_trace_write(const struct ll_trace *trace, const char *file, bool make);
/*
 * Says on @out what the trace could not see (inotify's queue overflowed,
 * a directory not watched; with @make, files read without their process);
 * returns how many warnings it wrote.
 */
int ll_trace_warn(const struct ll_trace *trace, FILE *out, bool make);
/* Whether task @pid (a process or a thread) has exited: gone, or a zombie. */
bool task_gone(pid_t pid);

#endif /* LL_TRACE_H */
