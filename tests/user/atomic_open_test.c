// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Notified opens on a file system that opens new files under their
 * directory's lock (->atomic_open: 9p here, as NFS, FUSE, CIFS...):
 *
 *   atomic_open_test DIR      (DIR on 9p; run in the patched kernel)
 *
 * The supervisor creates a file in the directory of every event before it
 * answers (it needs the directory's lock).  A requester that waited for the
 * answer while holding that lock would never get it: the test would hang (it
 * fails after 60 s).  Checks that:
 *
 * 1. the open of a file that its call has just created under the lock
 *    (O_CREAT, a rule allowing make_reg but not write_file) is denied at once,
 *    without an event (the kernel cannot wait there, and restarting would not
 *    redo the creation): EACCES, the new file left;
 * 2. a denied creation waits at the end of its system call (its event has no
 *    LANDLOCK_EVENT_ALLOW_ONCE), so that the supervisor can create in the same
 *    directory, and the restarted call succeeds with the rule it granted;
 * 3. the open of an existing file, which 9p does after the lock is released,
 *    waits in the check (LANDLOCK_EVENT_ALLOW_ONCE) while the supervisor
 *    creates in the directory; ALLOW allows it once, the next open asks
 *    again and is denied;
 * 4. the library knows it: ll_event_open_notified() is false for a creation
 *    in DIR (9p's fstatfs() gives its server's file system type: the mount's
 *    type tells), true for one in /tmp, by the same requester in an open().
 *
 * Prints "N passed, N failed"; exits 1 on a failure, 2 if DIR is not on 9p.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"
#include "landlock-supervise.h"

#define HANDLED \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG)
#define MAX_EVENTS 16

static char dir_a[4096], dir_b[4096], dir_c[4096];
static pid_t child;

struct seen {
	__u64 access;
	__u32 flags;
	char name[256];
};

static void on_alarm(int sig)
{
	static const char msg[] = "not ok: no end after 60 s (a requester waits under a lock?)\n";

	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* Whether @dir is on 9p (its fstatfs() tells its server's type instead). */
static bool is_9p(const char *dir)
{
	struct stat st;
	char type[64];

	return !stat(dir, &st) && !ll_mount_type(st.st_dev, type, sizeof(type)) &&
	       !strcmp(type, "9p");
}

/* The sandboxed side: the three cases; returns the number of failures. */
static int requester(void)
{
	char path[4200];
	int fd, err, failures = 0;

#define EXPECT(cond)                                                              \
	do {                                                                      \
		if (!(cond)) {                                                    \
			printf("not ok: requester: %s (errno %d)\n", #cond, err); \
			failures++;                                               \
		}                                                                 \
	} while (0)

	/* 1. Created under the lock: denied at once, the file stays. */
	snprintf(path, sizeof(path), "%s/new", dir_a);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	err = fd < 0 ? errno : 0;
	EXPECT(fd < 0 && err == EACCES);
	EXPECT(!access(path, F_OK));
	if (fd >= 0)
		close(fd);

	/* 2. A denied creation, asked about at the end of the call. */
	snprintf(path, sizeof(path), "%s/new", dir_b);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	err = fd < 0 ? errno : 0;
	EXPECT(fd >= 0);
	if (fd >= 0) {
		EXPECT(write(fd, "b\n", 2) == 2);
		close(fd);
	}

	/* 3. An existing file, asked about in the check: once, then denied. */
	snprintf(path, sizeof(path), "%s/old", dir_c);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	EXPECT(fd < 0 && err == EACCES);
	if (fd >= 0)
		close(fd);
#undef EXPECT
	return failures;
}

/* Creates a file in @dir (which takes its lock), as a supervisor may. */
static void touch_in(const char *dir, int n)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/touched-%d", dir, n);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

/* Answers the pending events; records them in @seen. */
static void answer(int sup, struct seen *seen, int *num_seen)
{
	static struct landlock_supervisor_event events[4];
	struct landlock_supervisor_recv recv = {
		.events = (__u64)(uintptr_t)events,
		.event_size = sizeof(events[0]),
		.count = 4,
		.flags = LANDLOCK_RECV_PATH | LANDLOCK_RECV_OBJECT_FD,
	};
	int n, i;

	n = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
	for (i = 0; i < n; i++) {
		const struct landlock_supervisor_event *ev = &events[i];
		struct landlock_supervisor_response response = {
			.cookie = ev->cookie,
			.decision = LANDLOCK_SUPERVISOR_DENY,
		};
		char dir[4096];
		int k = *num_seen;

		if (k < MAX_EVENTS) {
			seen[k].access = ev->access;
			seen[k].flags = ev->flags;
			snprintf(seen[k].name, sizeof(seen[k].name), "%s", ev->name);
		}
		(*num_seen)++;
		/* The event's directory: its object, or the object's parent. */
		snprintf(dir, sizeof(dir), "%s", ev->path);
		if (!(ev->flags & LANDLOCK_EVENT_OBJECT_DIR) && strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0';
		touch_in(dir, k);
		if (ev->name[0]) {
			/* A creation: the rule goes to the directory. */
			response.decision = LANDLOCK_SUPERVISOR_ALLOW;
			response.flags = LANDLOCK_RESPONSE_GRANT;
			response.grant_access =
				LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_WRITE_FILE;
		} else if (k == 1) {
			/* The first read: allowed once, no rule. */
			response.decision = LANDLOCK_SUPERVISOR_ALLOW;
		}
		CHECK(!ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response));
		if (ev->object_fd >= 0)
			close(ev->object_fd);
		if (ev->dest_fd >= 0)
			close(ev->dest_fd);
	}
}

/* 4. What the library tells a supervisor about a creation in @dir9p. */
static void check_library(const char *dir9p)
{
	char tmp[] = "/tmp/ao-XXXXXX", fifo[64];
	struct ll_event *ev = ll_event_new();
	const bool told = !access("/proc/self/syscall", F_OK) &&
			  (ll_kernel_event_flags() & LANDLOCK_EVENT_CREATED);
	pid_t pid;
	int i;

	CHECK(ev && mkdtemp(tmp));
	if (!ev)
		return;
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	CHECK(!mkfifo(fifo, 0600));
	pid = fork();
	if (pid == 0) {
		/* Waits in openat() for a writer that never comes. */
		open(fifo, O_RDONLY | O_CLOEXEC);
		_exit(0);
	}
	memset(ev, 0, sizeof(*ev));
	ev->object_fd = ev->dest_fd = -1;
	ev->access = LANDLOCK_ACCESS_FS_MAKE_REG;
	strcpy(ev->name, "new");
	ev->tid = pid;
	for (i = 0; i < 200 && ll_event_open_flags(ev) != (O_RDONLY | O_CLOEXEC); i++)
		usleep(10000);
	snprintf(ev->object_path, sizeof(ev->object_path), "%s", tmp);
	CHECK(ll_event_open_notified(ev) == told);
	snprintf(ev->object_path, sizeof(ev->object_path), "%s", dir9p);
	CHECK(!ll_event_open_notified(ev));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(fifo);
	rmdir(tmp);
	ll_event_free(ev);
}

int main(int argc, char **argv)
{
	const struct landlock_ruleset_attr attr = { .handled_access_fs = HANDLED };
	struct landlock_path_beneath_attr rule = {
		.allowed_access = LANDLOCK_ACCESS_FS_MAKE_REG,
	};
	struct seen seen[MAX_EVENTS] = {};
	int sup, see, status, num_seen = 0, fd, held[3];
	char path[4200];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR (on 9p)\n", argv[0]);
		return 2;
	}
	if (!is_9p(argv[1])) {
		fprintf(stderr, "atomic_open_test: %s is not on 9p\n", argv[1]);
		return 2;
	}
	snprintf(dir_a, sizeof(dir_a), "%s/ao-%d-a", argv[1], getpid());
	snprintf(dir_b, sizeof(dir_b), "%s/ao-%d-b", argv[1], getpid());
	snprintf(dir_c, sizeof(dir_c), "%s/ao-%d-c", argv[1], getpid());
	CHECK(!mkdir(dir_a, 0755) && !mkdir(dir_b, 0755) && !mkdir(dir_c, 0755));
	snprintf(path, sizeof(path), "%s/old", dir_c);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);

	sup = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
		      LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	see = sup < 0 ? -1 : ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	rule.parent_fd = open(dir_a, O_PATH | O_CLOEXEC);
	if (sup < 0 || see < 0 || rule.parent_fd < 0 ||
	    syscall(SYS_landlock_add_rule, see, LANDLOCK_RULE_PATH_BENEATH, &rule, 0)) {
		perror("atomic_open_test: setting up the supervisor");
		return 1;
	}
	/*
	 * Landlock's rules are on inodes: 9p (without a cache) evicts the
	 * inode of a directory nobody holds, and its rules go with it.  The
	 * supervisor holds the three directories until the end.
	 */
	held[0] = rule.parent_fd;
	held[1] = open(dir_b, O_PATH | O_CLOEXEC);
	held[2] = open(dir_c, O_PATH | O_CLOEXEC);
	CHECK(held[1] >= 0 && held[2] >= 0);

	signal(SIGALRM, on_alarm);
	alarm(60);
	child = fork();
	if (child == 0) {
		close(sup);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(SYS_landlock_restrict_self, see, 0))
			_exit(100);
		_exit(requester());
	}
	close(see);
	for (;;) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };

		if (poll(&pfd, 1, 50) > 0)
			answer(sup, seen, &num_seen);
		if (waitpid(child, &status, WNOHANG) == child)
			break;
	}
	alarm(0);
	close(sup);
	close(held[0]);
	close(held[1]);
	close(held[2]);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Case 1 made no event: the creation (2), then the two reads (3). */
	CHECK(num_seen == 3);
	CHECK(seen[0].access == LANDLOCK_ACCESS_FS_MAKE_REG && !strcmp(seen[0].name, "new") &&
	      !(seen[0].flags & LANDLOCK_EVENT_ALLOW_ONCE));
	CHECK(seen[1].access == LANDLOCK_ACCESS_FS_READ_FILE &&
	      (seen[1].flags & LANDLOCK_EVENT_ALLOW_ONCE) &&
	      !(seen[1].flags & LANDLOCK_EVENT_CREATED));
	CHECK(seen[2].access == LANDLOCK_ACCESS_FS_READ_FILE &&
	      (seen[2].flags & LANDLOCK_EVENT_ALLOW_ONCE));
	snprintf(path, sizeof(path), "%s/new", dir_a);
	CHECK(!access(path, F_OK));
	check_library(dir_b);
	if (num_seen != 3 || getenv("AO_DEBUG"))
		for (int i = 0; i < num_seen && i < MAX_EVENTS; i++)
			printf("event %d: access %#llx flags %#x name \"%s\"\n", i,
			       (unsigned long long)seen[i].access, seen[i].flags, seen[i].name);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
