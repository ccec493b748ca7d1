// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock tests - Supervisor notification
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "supervisor_common.h"

#define ACCESS_FS                                                    \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |   \
	 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_MAKE_DIR |      \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE |   \
	 LANDLOCK_ACCESS_FS_REFER)

static int create_notifier(const __u64 handled_fs, const __u64 handled_net)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = handled_fs,
		.handled_access_net = handled_net,
	};

	return landlock_create_ruleset(&attr, sizeof(attr),
				       LANDLOCK_CREATE_RULESET_SUPERVISOR |
					       LANDLOCK_CREATE_RULESET_NOTIFY);
}

static int enforce_supervisee(const int supervisor_fd)
{
	const int supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	int err;

	if (supervisee_fd < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	err = landlock_restrict_self(supervisee_fd, 0);
	close(supervisee_fd);
	return err;
}

/*
 * Sandboxes the calling (child) process in a new layer of @supervisor_fd,
 * which it then closes: it must not be able to answer its own events.
 */
static int sandbox(const int supervisor_fd)
{
	const int supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	int err;

	close(supervisor_fd);
	if (supervisee_fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	err = landlock_restrict_self(supervisee_fd, 0);
	close(supervisee_fd);
	return err;
}

static int recv_event(const int supervisor_fd,
		      struct landlock_supervisor_event *const event)
{
	return ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENT, event);
}

static int respond(const int supervisor_fd, const __u64 cookie,
		   const __u32 decision)
{
	const struct landlock_supervisor_response response = {
		.cookie = cookie,
		.decision = decision,
	};

	return ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
}

/* Returns true if @fd refers to the same inode as @path. */
static bool same_inode(const int fd, const char *const path)
{
	struct stat a, b;

	return fd >= 0 && !fstat(fd, &a) && !stat(path, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Returns 0 if no event arrives within @ms milliseconds. */
static int poll_event(const int supervisor_fd, const int ms)
{
	struct pollfd pfd = {
		.fd = supervisor_fd,
		.events = POLLIN,
	};

	return poll(&pfd, 1, ms);
}

FIXTURE(notify)
{
	char dir[64], a[80], af[96], c[80], cf[96], d[80];
	int supervisor_fd;
	pid_t child;
};

FIXTURE_SETUP(notify)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "nt_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/a", self->dir);
	snprintf(self->af, sizeof(self->af), "%s/f", self->a);
	snprintf(self->c, sizeof(self->c), "%s/c", self->dir);
	snprintf(self->cf, sizeof(self->cf), "%s/f", self->c);
	snprintf(self->d, sizeof(self->d), "%s/d", self->dir);
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->c, 0755));
	ASSERT_EQ(0, mkdir(self->d, 0755));
	fd = open(self->af, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	fd = open(self->cf, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	self->supervisor_fd = create_notifier(ACCESS_FS, 0);
	ASSERT_LE(0, self->supervisor_fd);
	/* The sandbox may read a/ from the start. */
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	self->child = -1;
}

FIXTURE_TEARDOWN(notify)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	nftw(self->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

enum action {
	OPEN_READ,
	MKDIR,
	CREATE,
	UNLINK,
	RENAME,
};

/*
 * Forks a sandboxed child doing @action on @path (and @path2), which exits
 * with the errno of the action (0 on success).
 */
static pid_t spawn(FIXTURE_DATA(notify) * const self, const enum action action,
		   const char *const path, const char *const path2)
{
	const pid_t child = fork();
	int err = 0, fd;

	if (child)
		return child;
	if (sandbox(self->supervisor_fd))
		_exit(200);
	switch (action) {
	case OPEN_READ:
		fd = open(path, O_RDONLY | O_CLOEXEC);
		err = fd < 0 ? errno : 0;
		break;
	case MKDIR:
		err = mkdir(path, 0755) ? errno : 0;
		break;
	case CREATE:
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		err = fd < 0 ? errno : 0;
		break;
	case UNLINK:
		err = unlink(path) ? errno : 0;
		break;
	case RENAME:
		err = rename(path, path2) ? errno : 0;
		break;
	}
	_exit(err);
}

TEST(notify_uapi)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	struct landlock_supervisor_event event;
	int plain_supervisor, notifier;

	EXPECT_EQ(LANDLOCK_FEATURE_NOTIFY,
		  landlock_create_ruleset(NULL, 0,
					  LANDLOCK_CREATE_RULESET_FEATURES) &
			  LANDLOCK_FEATURE_NOTIFY);
	/* Only a supervisor can be notified. */
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr),
					      LANDLOCK_CREATE_RULESET_NOTIFY));
	EXPECT_EQ(EINVAL, errno);

	plain_supervisor = landlock_create_ruleset(&attr, sizeof(attr),
						   LANDLOCK_CREATE_RULESET_SUPERVISOR);
	ASSERT_LE(0, plain_supervisor);
	EXPECT_EQ(-1, recv_event(plain_supervisor, &event));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, respond(plain_supervisor, 1, LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(EBADFD, errno);

	notifier = create_notifier(LANDLOCK_ACCESS_FS_READ_FILE, 0);
	ASSERT_LE(0, notifier);
	ASSERT_EQ(0, fcntl(notifier, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, recv_event(notifier, &event));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll_event(notifier, 0));
	EXPECT_EQ(-1, respond(notifier, 1, LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, respond(notifier, 1, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(notifier, LANDLOCK_IOCTL_RECV_EVENT, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, close(notifier));
	EXPECT_EQ(0, close(plain_supervisor));
}

TEST_F(notify, open_allowed_after_commit)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_LE(0, self->child);
	ASSERT_EQ(1, poll_event(self->supervisor_fd, 5000));
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_EVENT_FS, event.type);
	EXPECT_EQ(LANDLOCK_ACCESS_FS_READ_FILE, event.access);
	EXPECT_EQ(self->child, event.tgid);
	EXPECT_EQ(self->child, event.tid);
	EXPECT_TRUE(same_inode(event.object_fd, self->cf));
	EXPECT_EQ(FD_CLOEXEC, fcntl(event.object_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_PATH, fcntl(event.object_fd, F_GETFL) & O_PATH);
	EXPECT_EQ(-1, event.dest_fd);
	EXPECT_STREQ("", event.name);

	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	/* Answered once. */
	EXPECT_EQ(-1, respond(self->supervisor_fd, event.cookie,
			      LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(ENOENT, errno);
	close(event.object_fd);
}

TEST_F(notify, deny_without_second_event)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_DENY));
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 100));
	close(event.object_fd);
}

TEST_F(notify, allow_without_commit_is_a_denial)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	/* A rule staged but not committed does not count. */
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 100));
	close(event.object_fd);
}

TEST_F(notify, commit_that_does_not_allow_gets_a_new_event)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	close(event.object_fd);
	/* Commits something else: the restarted open is denied again. */
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->d,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_READ_FILE, event.access);
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_DENY));
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
	close(event.object_fd);
}

TEST_F(notify, mkdir_names_the_parent)
{
	struct landlock_supervisor_event event;
	char path[128];

	snprintf(path, sizeof(path), "%s/new", self->c);
	self->child = spawn(self, MKDIR, path, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_MAKE_DIR, event.access);
	EXPECT_TRUE(same_inode(event.object_fd, self->c));
	EXPECT_STREQ("new", event.name);
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_MAKE_DIR,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, rmdir(path));
	close(event.object_fd);
}

TEST_F(notify, create_new_file_once)
{
	struct landlock_supervisor_event event;
	char path[128];

	snprintf(path, sizeof(path), "%s/new", self->c);
	/* O_CREAT | O_EXCL: a restart after creation would fail. */
	self->child = spawn(self, CREATE, path, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_MAKE_REG, event.access);
	EXPECT_TRUE(same_inode(event.object_fd, self->c));
	EXPECT_STREQ("new", event.name);
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_MAKE_REG |
				       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, unlink(path));
	close(event.object_fd);
}

TEST_F(notify, unlink_names_the_parent)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, UNLINK, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_REMOVE_FILE, event.access);
	EXPECT_TRUE(same_inode(event.object_fd, self->c));
	EXPECT_STREQ("f", event.name);
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_DENY));
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
	close(event.object_fd);
}

TEST_F(notify, rename_names_both_directories)
{
	struct landlock_supervisor_event event;
	char to[128];

	snprintf(to, sizeof(to), "%s/moved", self->d);
	self->child = spawn(self, RENAME, self->cf, to);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
			  LANDLOCK_ACCESS_FS_REFER,
		  event.access);
	EXPECT_TRUE(same_inode(event.object_fd, self->c));
	EXPECT_STREQ("f", event.name);
	EXPECT_TRUE(same_inode(event.dest_fd, self->d));
	EXPECT_STREQ("moved", event.dest_name);
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_REMOVE_FILE |
				       LANDLOCK_ACCESS_FS_REFER,
			       0));
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->d,
			       LANDLOCK_ACCESS_FS_MAKE_REG |
				       LANDLOCK_ACCESS_FS_REFER,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, access(to, F_OK));
	close(event.object_fd);
	close(event.dest_fd);
}

TEST_F(notify, supervisor_close_denies_waiters)
{
	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(1, poll_event(self->supervisor_fd, 5000));
	ASSERT_EQ(0, close(self->supervisor_fd));
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
}

TEST_F(notify, sigkill_ends_a_waiter)
{
	struct landlock_supervisor_event event;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	ASSERT_EQ(0, kill(self->child, SIGKILL));
	EXPECT_EQ(1000, child_status(self->child));
	self->child = -1;
	/* The event was withdrawn. */
	EXPECT_EQ(-1, respond(self->supervisor_fd, event.cookie,
			      LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(ENOENT, errno);
	close(event.object_fd);
}

TEST_F(notify, sigstop_and_sigcont_a_waiter)
{
	struct landlock_supervisor_event event;
	int status;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	/* A waiting task can still be stopped. */
	ASSERT_EQ(0, kill(self->child, SIGSTOP));
	ASSERT_EQ(self->child, waitpid(self->child, &status, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, kill(self->child, SIGCONT));

	/* The restarted request takes its event back: no second event. */
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 100));
	close(event.object_fd);
}

#define MANY_WAITERS 16

/*
 * A supervisor SIGKILLed with many sandboxed tasks waiting, some of whose
 * events it received and some not: every one of them gets EACCES.
 */
TEST_F(notify, sigkill_of_supervisor_with_many_waiters)
{
	int ready[2], status, ended = 0, denied = 0;
	pid_t supervisor, pid;
	char c;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	supervisor = fork();
	ASSERT_LE(0, supervisor);
	if (supervisor == 0) {
		struct landlock_supervisor_event event;
		const int notifier = create_notifier(ACCESS_FS, 0);
		int i;

		if (notifier < 0)
			_exit(1);
		for (i = 0; i < MANY_WAITERS; i++) {
			if (fork() == 0) {
				if (sandbox(notifier))
					_exit(200);
				_exit(open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ?
					      errno : 0);
			}
		}
		/* Half of the events are received, none is answered. */
		for (i = 0; i < MANY_WAITERS / 2; i++)
			if (recv_event(notifier, &event))
				_exit(1);
		if (write(ready[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(1);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	ASSERT_EQ(0, kill(supervisor, SIGKILL));

	/* The waiters were reparented to this subreaper. */
	while ((pid = waitpid(-1, &status, 0)) > 0) {
		if (pid == supervisor) {
			EXPECT_TRUE(WIFSIGNALED(status));
			continue;
		}
		ended++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EACCES)
			denied++;
	}
	EXPECT_EQ(MANY_WAITERS, ended);
	EXPECT_EQ(MANY_WAITERS, denied);
	EXPECT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0));
}

struct receiver {
	int supervisor_fd;
	int ret, err;
};

static void *receive_thread(void *const arg)
{
	struct receiver *const r = arg;
	struct landlock_supervisor_event event;

	r->ret = recv_event(r->supervisor_fd, &event);
	r->err = errno;
	if (!r->ret)
		close(event.object_fd);
	return NULL;
}

static void ignore_signal(int sig)
{
}

/*
 * The supervisor fd closed while another thread waits in receive: the
 * receive holds the file until a signal ends it, then the supervisor is gone
 * and a new access is a plain denial, with no wait.
 */
TEST_F(notify, close_while_another_thread_receives)
{
	const struct sigaction action = {
		.sa_handler = ignore_signal,
	};
	struct receiver r = {
		.supervisor_fd = self->supervisor_fd,
	};
	int supervisee_fd;
	pthread_t thread;

	ASSERT_EQ(0, sigaction(SIGUSR1, &action, NULL));
	supervisee_fd = ioctl(self->supervisor_fd,
			      LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	ASSERT_LE(0, supervisee_fd);
	ASSERT_EQ(0, pthread_create(&thread, NULL, receive_thread, &r));
	usleep(100000);
	ASSERT_EQ(0, close(self->supervisor_fd));
	usleep(50000);
	/* No SA_RESTART: the receive ends with EINTR. */
	ASSERT_EQ(0, pthread_kill(thread, SIGUSR1));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);

	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    landlock_restrict_self(supervisee_fd, 0))
			_exit(200);
		_exit(open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0);
	}
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
	close(supervisee_fd);
}

struct responder {
	int supervisor_fd;
	__u64 cookie;
	int ret, err;
};

static void *respond_thread(void *const arg)
{
	struct responder *const r = arg;

	r->ret = respond(r->supervisor_fd, r->cookie,
			 LANDLOCK_SUPERVISOR_ALLOW);
	r->err = errno;
	return NULL;
}

/*
 * A waiter SIGKILLed while another thread answers its event: the answer
 * either lands (0) or finds the event withdrawn (ENOENT); the waiter dies of
 * the signal either way, and nothing is left queued.
 */
TEST_F(notify, sigkill_races_the_answer)
{
	int i, landed = 0, withdrawn = 0;

	for (i = 0; i < 40; i++) {
		struct landlock_supervisor_event event;
		struct responder r = {
			.supervisor_fd = self->supervisor_fd,
		};
		pthread_t thread;
		int status;

		self->child = spawn(self, OPEN_READ, self->cf, NULL);
		ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
		r.cookie = event.cookie;
		ASSERT_EQ(0, pthread_create(&thread, NULL, respond_thread, &r));
		ASSERT_EQ(0, kill(self->child, SIGKILL));
		ASSERT_EQ(0, pthread_join(thread, NULL));
		ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
		self->child = -1;
		if (r.ret == 0) {
			landed++;
		} else {
			EXPECT_EQ(ENOENT, r.err);
			withdrawn++;
		}
		/* Without a commit, ALLOW is a denial: the open fails or dies. */
		EXPECT_TRUE(WIFSIGNALED(status) ||
			    (WIFEXITED(status) && WEXITSTATUS(status) == EACCES));
		close(event.object_fd);
	}
	EXPECT_EQ(40, landed + withdrawn);
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 0));
}

/* The supervisor's own thread group never waits for itself. */
TEST_F(notify, self_supervision_is_a_plain_denial)
{
	ASSERT_EQ(0, enforce_supervisee(self->supervisor_fd));
	EXPECT_EQ(-1, open(self->cf, O_RDONLY | O_CLOEXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 0));
}

/* A supervisor waiting for its own vfork child cannot answer it. */
TEST_F(notify, vfork_child_of_the_supervisor_is_a_plain_denial)
{
	pid_t child;

	child = vfork();
	ASSERT_LE(0, child);
	if (child == 0) {
		if (sandbox(self->supervisor_fd))
			_exit(200);
		_exit(open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0);
	}
	EXPECT_EQ(EACCES, child_status(child));
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 0));
}

/* Shells and posix_spawn() start programs from vfork children. */
TEST_F(notify, vfork_child_of_a_sandboxed_task_is_asked)
{
	struct landlock_supervisor_event event;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		pid_t grandchild;
		int status;

		if (sandbox(self->supervisor_fd))
			_exit(200);
		grandchild = vfork();
		if (grandchild == 0)
			_exit(open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ?
				      errno :
				      0);
		if (waitpid(grandchild, &status, 0) != grandchild)
			_exit(201);
		_exit(WEXITSTATUS(status));
	}
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_NE(child, event.tgid);
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_DENY));
	EXPECT_EQ(EACCES, child_status(child));
	close(event.object_fd);
}

struct opener {
	const char *path;
	int err;
};

static void *open_thread(void *const arg)
{
	struct opener *const o = arg;
	const int fd = open(o->path, O_RDONLY | O_CLOEXEC);

	o->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

TEST_F(notify, threads_wait_independently)
{
	struct landlock_supervisor_event events[4];
	int i;

	for (i = 0; i < 4; i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "%s/f%d", self->c, i);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		ASSERT_LE(0, fd);
		close(fd);
	}
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		struct opener openers[4];
		pthread_t threads[4];
		char paths[4][128];
		int err = 0;

		if (sandbox(self->supervisor_fd))
			_exit(200);
		for (i = 0; i < 4; i++) {
			snprintf(paths[i], sizeof(paths[i]), "%s/f%d", self->c,
				 i);
			openers[i].path = paths[i];
			if (pthread_create(&threads[i], NULL, open_thread,
					   &openers[i]))
				_exit(201);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(threads[i], NULL);
			err |= openers[i].err;
		}
		_exit(err);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, recv_event(self->supervisor_fd, &events[i]));
		EXPECT_EQ(self->child, events[i].tgid);
		if (i > 0)
			EXPECT_LT(events[i - 1].cookie, events[i].cookie);
	}
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	for (i = 3; i >= 0; i--) {
		ASSERT_EQ(0, respond(self->supervisor_fd, events[i].cookie,
				     LANDLOCK_SUPERVISOR_ALLOW));
		close(events[i].object_fd);
	}
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
}

/* The documented limit of events not answered yet, received or not. */
#define MAX_PENDING_EVENTS 4096

/*
 * With as many waiters as a supervisor may hold events for, all received,
 * one more denied access is a plain denial: no event and no wait.
 */
TEST_F_TIMEOUT(notify, event_queue_limit, 180)
{
	struct landlock_supervisor_event event;
	int go[2], result[2], i, err = -1;
	char c;

	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(result, O_CLOEXEC));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		struct opener *const openers =
			calloc(MAX_PENDING_EVENTS, sizeof(*openers));
		pthread_attr_t attr;
		pthread_t thread;

		if (!openers || sandbox(self->supervisor_fd) ||
		    pthread_attr_init(&attr) ||
		    pthread_attr_setstacksize(&attr, 64 * 1024))
			_exit(200);
		for (i = 0; i < MAX_PENDING_EVENTS; i++) {
			openers[i].path = self->cf;
			if (pthread_create(&thread, &attr, open_thread,
					   &openers[i]))
				_exit(201);
		}
		if (read(go[0], &c, 1) != 1)
			_exit(202);
		err = open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0;
		if (write(result[1], &err, sizeof(err)) != sizeof(err))
			_exit(203);
		/* exit_group() ends the waiting threads. */
		_exit(0);
	}
	for (i = 0; i < MAX_PENDING_EVENTS; i++) {
		ASSERT_EQ(1, poll_event(self->supervisor_fd, 30000));
		ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
		close(event.object_fd);
	}
	ASSERT_EQ(1, write(go[1], "", 1));
	/* A wait for the supervisor would not end. */
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = result[0], .events = POLLIN },
			  1, 10000));
	ASSERT_EQ((ssize_t)sizeof(err), read(result[0], &err, sizeof(err)));
	EXPECT_EQ(EACCES, err);
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 200));
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	close(go[0]);
	close(go[1]);
	close(result[0]);
	close(result[1]);
}

TEST_F(notify, nested_supervisors_in_order)
{
	struct landlock_supervisor_event event;
	int inner_fd, to_parent[2], status;
	pid_t child;

	ASSERT_EQ(0, pipe2(to_parent, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		pid_t grandchild;

		/* A sandboxed supervisor of a nested layer. */
		if (sandbox(self->supervisor_fd))
			_exit(200);
		inner_fd = create_notifier(ACCESS_FS, 0);
		if (inner_fd < 0)
			_exit(201);
		grandchild = fork();
		if (grandchild == 0) {
			if (sandbox(inner_fd))
				_exit(202);
			_exit(open(self->cf, O_RDONLY | O_CLOEXEC) < 0 ?
				      errno :
				      0);
		}
		/* The inner layer is asked first. */
		if (recv_event(inner_fd, &event) ||
		    event.access != LANDLOCK_ACCESS_FS_READ_FILE ||
		    path_rule(inner_fd, self->c, LANDLOCK_ACCESS_FS_READ_FILE,
			      LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR) ||
		    respond(inner_fd, event.cookie, LANDLOCK_SUPERVISOR_ALLOW))
			_exit(203);
		if (write(to_parent[1], "1", 1) != 1)
			_exit(204);
		if (waitpid(grandchild, &status, 0) != grandchild)
			_exit(205);
		_exit(WEXITSTATUS(status));
	}
	/* Then the outer one, once the inner one allowed. */
	ASSERT_EQ(0, recv_event(self->supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_READ_FILE, event.access);
	EXPECT_NE(child, event.tgid);
	ASSERT_EQ(0, path_rule(self->supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(self->supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(0, child_status(child));
	close(event.object_fd);
}

/* Returns the result of an io_uring openat of @path (a negative errno). */
static int uring_openat(const char *const path)
{
	struct io_uring_params params = {};
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	void *sq_ring, *cq_ring;
	__u32 *sq_tail, *sq_array, *cq_head, *cq_tail;
	size_t sq_size, cq_size;
	int ring_fd, res;

	ring_fd = syscall(__NR_io_uring_setup, 1, &params);
	if (ring_fd < 0)
		return -1000 - errno;
	sq_size = params.sq_off.array + params.sq_entries * sizeof(__u32);
	cq_size = params.cq_off.cqes +
		  params.cq_entries * sizeof(struct io_uring_cqe);
	sq_ring = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       ring_fd, IORING_OFF_SQ_RING);
	cq_ring = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       ring_fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, params.sq_entries * sizeof(*sqes),
		    PROT_READ | PROT_WRITE, MAP_SHARED, ring_fd,
		    IORING_OFF_SQES);
	if (sq_ring == MAP_FAILED || cq_ring == MAP_FAILED ||
	    sqes == MAP_FAILED)
		return -2000;
	sq_tail = sq_ring + params.sq_off.tail;
	sq_array = sq_ring + params.sq_off.array;
	cq_head = cq_ring + params.cq_off.head;
	cq_tail = cq_ring + params.cq_off.tail;

	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_OPENAT;
	sqes[0].fd = AT_FDCWD;
	sqes[0].addr = (unsigned long)path;
	sqes[0].open_flags = O_RDONLY | O_CLOEXEC;
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring_fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return -3000 - errno;
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head)
		return -4000;
	cqe = cq_ring + params.cq_off.cqes;
	res = cqe[*cq_head & (params.cq_entries - 1)].res;
	close(ring_fd);
	return res;
}

/* io_uring requests are never notified, and fail with EACCES, not EINTR. */
TEST_F(notify, io_uring_gets_eacces_without_event)
{
	int res;

	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		if (sandbox(self->supervisor_fd))
			_exit(200);
		res = uring_openat(self->cf);
		_exit(res == -EACCES ? 0 : (res <= -1000 ? 3 : 1));
	}
	EXPECT_EQ(0, child_status(self->child));
	self->child = -1;
	EXPECT_EQ(0, poll_event(self->supervisor_fd, 100));
}

/*
 * A receiver in a child PID namespace cannot name the requester; one that
 * may not ptrace it gets neither IDs nor file descriptors.
 */
TEST_F(notify, receiver_visibility)
{
	struct landlock_supervisor_event seen;
	int status, pipe_fds[2];
	pid_t receiver;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(1, poll_event(self->supervisor_fd, 5000));
	ASSERT_EQ(0, pipe2(pipe_fds, O_CLOEXEC));

	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	receiver = fork();
	ASSERT_LE(0, receiver);
	if (receiver == 0) {
		struct landlock_supervisor_event event;

		/* Another user, without CAP_SYS_PTRACE. */
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(200);
		if (recv_event(self->supervisor_fd, &event))
			_exit(201);
		if (write(pipe_fds[1], &event, sizeof(event)) != sizeof(event))
			_exit(202);
		_exit(respond(self->supervisor_fd, event.cookie,
			      LANDLOCK_SUPERVISOR_DENY) ?
			      203 :
			      0);
	}
	ASSERT_EQ(receiver, waitpid(receiver, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(sizeof(seen), read(pipe_fds[0], &seen, sizeof(seen)));
	EXPECT_EQ(0, seen.tgid);
	EXPECT_EQ(0, seen.tid);
	EXPECT_EQ(-1, seen.object_fd);
	EXPECT_EQ(LANDLOCK_ACCESS_FS_READ_FILE, seen.access);
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
}

/* A receiver in a child PID namespace that may ptrace: fds, no IDs. */
TEST_F(notify, receiver_in_child_pid_namespace)
{
	struct landlock_supervisor_event seen;
	int status, pipe_fds[2];
	pid_t receiver;

	self->child = spawn(self, OPEN_READ, self->cf, NULL);
	ASSERT_EQ(1, poll_event(self->supervisor_fd, 5000));
	ASSERT_EQ(0, pipe2(pipe_fds, O_CLOEXEC));
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	receiver = fork();
	ASSERT_LE(0, receiver);
	if (receiver == 0) {
		struct landlock_supervisor_event event;
		const int ok_fd = (recv_event(self->supervisor_fd, &event) == 0);

		if (!ok_fd ||
		    write(pipe_fds[1], &event, sizeof(event)) != sizeof(event))
			_exit(201);
		if (!same_inode(event.object_fd, self->cf))
			_exit(202);
		_exit(respond(self->supervisor_fd, event.cookie,
			      LANDLOCK_SUPERVISOR_DENY) ?
			      203 :
			      0);
	}
	ASSERT_EQ(receiver, waitpid(receiver, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(sizeof(seen), read(pipe_fds[0], &seen, sizeof(seen)));
	EXPECT_EQ(0, seen.tgid);
	EXPECT_EQ(EACCES, child_status(self->child));
	self->child = -1;
}

TEST(connect_event)
{
	struct landlock_supervisor_event event;
	int supervisor_fd;
	pid_t child;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	supervisor_fd = create_notifier(0, LANDLOCK_ACCESS_NET_CONNECT_TCP);
	ASSERT_LE(0, supervisor_fd);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		if (sandbox(supervisor_fd))
			_exit(200);
		/* lo is down: an allowed connect fails with ENETUNREACH. */
		_exit(test_connect(4242));
	}
	ASSERT_EQ(0, recv_event(supervisor_fd, &event));
	EXPECT_EQ(LANDLOCK_EVENT_NET, event.type);
	EXPECT_EQ(LANDLOCK_ACCESS_NET_CONNECT_TCP, event.access);
	EXPECT_EQ(4242, event.port);
	EXPECT_EQ(-1, event.object_fd);
	ASSERT_EQ(0, port_rule(supervisor_fd, 4242,
			       LANDLOCK_ACCESS_NET_CONNECT_TCP,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, respond(supervisor_fd, event.cookie,
			     LANDLOCK_SUPERVISOR_ALLOW));
	EXPECT_EQ(ENETUNREACH, child_status(child));
}

TEST_HARNESS_MAIN
