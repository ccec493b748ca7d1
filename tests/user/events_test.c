// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of the library's events: receiving (batches, paths, descriptors on
 * request) and answering with a grant in one call, recorded so that a later
 * ll_supervisor_apply() narrows it.
 *
 * On any kernel: the argument checks, and that a grant that cannot be sent
 * answers nothing, records nothing and leaks no descriptor (on a stand-in
 * supervisor).  In the patched kernel (tests/e2e/run.sh runs it in UML):
 * the same against a real supervisor and a sandboxed child that accesses
 * files and ports on command, and the answers of the accesses that wait in
 * the kernel's check (LANDLOCK_EVENT_ALLOW_ONCE: allowed once with no rule;
 * the open of a file its call created, LANDLOCK_EVENT_CREATED, granted on
 * that file alone).  Prints "N passed, N failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h" /* a stand-in supervisor and events, on any kernel */
#include "check.h"

#define R LANDLOCK_ACCESS_FS_READ_FILE
#define W LANDLOCK_ACCESS_FS_WRITE_FILE
#define RD LANDLOCK_ACCESS_FS_READ_DIR
#define MREG LANDLOCK_ACCESS_FS_MAKE_REG
#define BIND LANDLOCK_ACCESS_NET_BIND_TCP

static char dir[64];

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t count = 0;

	while (d && readdir(d))
		count++;
	if (d)
		closedir(d);
	return count;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void make_file(const char *name)
{
	char path[128];

	path_of(path, sizeof(path), name);
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

/* --- On any kernel --------------------------------------------------------- */

static void test_recv_arguments(void)
{
	struct ll_event *events[3] = { ll_event_new(), ll_event_new(), ll_event_new() };
	int pipefd[2];

	CHECK(events[0] && events[1] && events[2] && !pipe2(pipefd, O_CLOEXEC));
	CHECK(ll_event_object_fd(events[0]) == -1 && ll_event_dest_fd(events[0]) == -1);
	CHECK(!ll_event_object_path(events[0])[0] && !ll_event_object_is_dir(events[0]));
	CHECK(!ll_event_allow_once(events[0]) && !ll_event_created(events[0]));
	errno = 0;
	CHECK(ll_event_recv_batch(pipefd[0], events, 0, 0) == -1 && errno == EINVAL);
	CHECK(ll_event_recv_flags(pipefd[0], events[0], 1U << 1) == -1 && errno == EINVAL);
	/* Not a supervisor: the ioctl's error; what the events held is released. */
	events[1]->object_fd = dup(pipefd[1]);
	CHECK(ll_event_recv_batch(pipefd[0], events, 3, LL_RECV_FDS) == -1 && errno == ENOTTY);
	CHECK(events[1]->object_fd == -1);
	CHECK(ll_event_recv(pipefd[0], events[2]) == -1 && errno == ENOTTY);
	CHECK(ll_event_recv(-1, events[2]) == -1 && errno == EBADF);
	close(pipefd[0]);
	close(pipefd[1]);
	ll_event_free(events[0]);
	ll_event_free(events[1]);
	ll_event_free(events[2]);
}

/* A supervisor whose descriptor is not one: every answer fails (ENOTTY). */
static struct ll_supervisor *stand_in(void)
{
	struct ll_supervisor *sup = calloc(1, sizeof(*sup));

	if (sup) {
		sup->fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		sup->handled_fs = R | W | RD | MREG;
		sup->handled_net = BIND;
	}
	return sup;
}

static int open_path_fd(const char *name)
{
	char path[128];

	path_of(path, sizeof(path), name);
	return open(path, O_PATH | O_CLOEXEC);
}

static void fake_event(struct ll_event *ev, const char *name, bool net)
{
	memset(ev, 0, sizeof(*ev));
	ev->cookie = 7;
	ev->object_fd = ev->dest_fd = -1;
	ev->net = net;
	ev->port = net ? 20000 : 0;
	ev->access = net ? BIND : R;
	if (name)
		path_of(ev->object_path, sizeof(ev->object_path), name);
}

static void test_grant_errors(void)
{
	struct ll_supervisor *sup = stand_in();
	struct ll_event *ev = ll_event_new();
	const size_t fds = open_fds();
	int fd;

	CHECK(sup && sup->fd >= 0 && ev);
	if (!sup || !ev)
		return;
	fake_event(ev, "a", false);
	/* Masked to nothing: read_dir on a file, or a right not handled. */
	CHECK(ll_event_answer_grant(sup, ev, RD, 0) == -1 && errno == ENOMSG);
	CHECK(ll_event_answer_grant(sup, ev, LANDLOCK_ACCESS_FS_EXECUTE, 0) == -1 &&
	      errno == ENOMSG);
	CHECK(ll_event_answer_grant(sup, ev, R, 1U << 5) == -1 && errno == EINVAL);
	/* The answer fails: nothing recorded, nothing committed. */
	CHECK(ll_event_answer_grant(sup, ev, R | RD, LL_GRANT_COMMIT_STAGED) == -1 &&
	      errno == ENOTTY);
	fake_event(ev, "missing", false);
	CHECK(ll_event_answer_grant(sup, ev, R, 0) == -1 && errno == ENOENT);
	fake_event(ev, NULL, false);
	CHECK(ll_event_answer_grant(sup, ev, R, 0) == -1 && errno == ENOENT);
	/* With the event's descriptor (LL_RECV_FDS). */
	fake_event(ev, NULL, false);
	ev->object_fd = open(dir, O_PATH | O_CLOEXEC);
	CHECK(ll_event_answer_grant(sup, ev, RD, 0) == -1 && errno == ENOTTY);
	ll_event_release(ev);
	CHECK(ev->object_fd == -1);
	/* Targets of the wrong kind, ports out of range. */
	fd = open(dir, O_PATH | O_CLOEXEC);
	fake_event(ev, NULL, true);
	CHECK(ll_event_answer_grant_fd(sup, ev, fd, R, 0) == -1 && errno == EINVAL);
	CHECK(ll_event_answer_grant_port(sup, ev, 65536, BIND, 0) == -1 && errno == EINVAL);
	CHECK(ll_event_answer_grant_port(sup, ev, 20001, R, 0) == -1 && errno == ENOMSG);
	CHECK(ll_event_answer_grant_port(sup, ev, 20001, BIND, 0) == -1 && errno == ENOTTY);
	CHECK(ll_event_answer_grant(sup, ev, BIND, 0) == -1 && errno == ENOTTY);
	fake_event(ev, "a", false);
	CHECK(ll_event_answer_grant_port(sup, ev, 20001, BIND, 0) == -1 && errno == EINVAL);
	CHECK(ll_event_answer_grant_fd(sup, ev, -1, R, 0) == -1 && errno == EBADF);
	CHECK(ll_event_answer_grant_fd(sup, ev, fd, R, 0) == -1 && errno == ENOTTY);
	close(fd);
	CHECK(ll_supervisor_num_objects(sup) == 0 && ll_supervisor_commits(sup) == 0);
	CHECK(open_fds() == fds);
	ll_event_free(ev);
	ll_supervisor_free(sup);
}

/* What each kind of event needs, from its content alone. */
static void test_grant_access(void)
{
	struct ll_event *ev = ll_event_new();

	CHECK(ev != NULL);
	if (!ev)
		return;
	/* An open: the rights denied, on the file. */
	fake_event(ev, "a", false);
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == R);
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	/* Creating a regular file: what the open of the new file needs too. */
	fake_event(ev, "sub", false);
	strcpy(ev->name, "new");
	ev->access = MREG;
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == (MREG | R | W));
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	/* A directory, a removal: no open follows. */
	ev->access = LANDLOCK_ACCESS_FS_MAKE_DIR;
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == LANDLOCK_ACCESS_FS_MAKE_DIR);
	ev->access = LANDLOCK_ACCESS_FS_REMOVE_FILE;
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == LANDLOCK_ACCESS_FS_REMOVE_FILE);
	/* A rename to another directory: both; within one: the object only. */
	ev->access = LANDLOCK_ACCESS_FS_REMOVE_FILE | MREG | LANDLOCK_ACCESS_FS_REFER;
	path_of(ev->dest_path, sizeof(ev->dest_path), "t");
	strcpy(ev->dest_name, "new");
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == ev->access);
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == ev->access);
	path_of(ev->dest_path, sizeof(ev->dest_path), "sub");
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	/* The same with descriptors (LL_RECV_FDS): by inode, not by path. */
	ev->object_fd = open_path_fd("sub");
	ev->dest_fd = open_path_fd("t");
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == ev->access);
	ll_event_release(ev);
	ev->object_fd = open_path_fd("t");
	ev->dest_fd = open_path_fd("t");
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	ll_event_release(ev);
	/* A port. */
	fake_event(ev, NULL, true);
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == BIND);
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	CHECK(ll_event_grant_access(ev, (enum ll_event_target)2) == 0);
	/* The open of a file that its call created: on that file. */
	fake_event(ev, "sub/new", false);
	ev->access = W;
	ev->allow_once = ev->created = true;
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == W);
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == 0);
	ll_event_free(ev);
}

/* Where each scope of answer puts its rule, and what of it is transient. */
static void test_answer_rule(void)
{
	struct ll_event *ev = ll_event_new();
	char path[128], want[128];
	uint64_t transient;

	CHECK(ev != NULL);
	if (!ev)
		return;
	/* An open that waits in the check: "once" is the kernel's, no rule. */
	fake_event(ev, "sub/f", false);
	ev->allow_once = true;
	path_of(want, sizeof(want), "sub/f");
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_ONCE, path, sizeof(path), &transient) == 0);
	CHECK(!path[0] && transient == 0);
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_OBJECT, path, sizeof(path), &transient) == R);
	CHECK(!strcmp(path, want) && transient == 0);
	path_of(want, sizeof(want), "sub");
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_TREE, path, sizeof(path), &transient) == R);
	CHECK(!strcmp(path, want) && transient == 0);
	/* One that cannot wait there: "once" is a rule withdrawn after the call. */
	ev->allow_once = false;
	path_of(want, sizeof(want), "sub/f");
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_ONCE, path, sizeof(path), &transient) == R);
	CHECK(!strcmp(path, want) && transient == R);
	/* A port allowed once: no rule either. */
	fake_event(ev, NULL, true);
	ev->allow_once = true;
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_ONCE, path, sizeof(path), &transient) == 0);
	CHECK(!path[0] && transient == 0);
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_OBJECT, path, sizeof(path), &transient) == BIND);
	CHECK(!path[0] && transient == 0);
	/* A creation (never in the check): the entry alone, all transient. */
	fake_event(ev, "sub", false);
	strcpy(ev->name, "new");
	ev->access = MREG;
	path_of(want, sizeof(want), "sub");
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_OBJECT, path, sizeof(path), &transient) ==
	      (MREG | R | W));
	CHECK(!strcmp(path, want) && transient == (MREG | R | W));
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_TREE, path, sizeof(path), &transient) ==
	      (MREG | R | W));
	CHECK(!strcmp(path, want) && transient == 0);
	/* The open of a created file: the rule on the new file, kept. */
	fake_event(ev, "sub/new", false);
	ev->access = W;
	ev->allow_once = ev->created = true;
	path_of(want, sizeof(want), "sub/new");
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_OBJECT, path, sizeof(path), &transient) == W);
	CHECK(!strcmp(path, want) && transient == 0);
	CHECK(ll_event_answer_rule(ev, (enum ll_answer_scope)3, path, sizeof(path), &transient) ==
	      0);
	CHECK(!path[0] && transient == 0);
	/* Not the creation of a file by an open that will be asked about. */
	CHECK(!ll_event_open_notified(ev));
	fake_event(ev, "sub", false);
	strcpy(ev->name, "new");
	ev->access = MREG;
	ev->tid = 0; /* no system call to read */
	CHECK(!ll_event_open_notified(ev));
	ev->tid = getpid(); /* not in an open(), when the kernel tells */
	CHECK(ll_event_open_notified(ev) == (access("/proc/self/syscall", F_OK) &&
					     (ll_kernel_event_flags() & LANDLOCK_EVENT_CREATED)));
	ll_event_free(ev);
}

/*
 * ll_event_open_flags() of a child that @op makes wait in a system call:
 * opens of a FIFO (each waits for the other end) by each system call ("o"
 * open(), "O" the open system call, "c" creat(), "2" openat2()), "r" a
 * read of a pipe; read until it gives @want (or no system call is told),
 * for up to 2 s.
 */
static long child_open_flags(char op, const char *fifo, long want)
{
	struct ll_event *ev = ll_event_new();
	long got = LL_OPEN_UNKNOWN;
	int pipefd[2], i;
	pid_t pid;

	if (!ev || pipe2(pipefd, O_CLOEXEC))
		return got;
	pid = fork();
	if (pid == 0) {
		char c;

		if (op == 'o')
			open(fifo, O_RDONLY | O_NOCTTY | O_CLOEXEC);
#ifdef SYS_open
		else if (op == 'O')
			syscall(SYS_open, fifo, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
#endif
		else if (op == 'c')
			creat(fifo, 0644);
#ifdef SYS_openat2
		else if (op == '2') {
			struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };

			syscall(SYS_openat2, AT_FDCWD, fifo, &how, sizeof(how));
		}
#endif
		else if (op == 'r' && read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	fake_event(ev, NULL, false);
	ev->tid = pid;
	for (i = 0; i < 200 && pid > 0; i++) {
		got = ll_event_open_flags(ev);
		if (got == want || got == LL_OPEN_UNTOLD)
			break;
		usleep(10000);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	ll_event_free(ev);
	return got;
}

/*
 * The flags of the open that a requester is in, by each system call, or
 * none: on a kernel without /proc/TID/syscall (User-Mode Linux), none is
 * told.
 */
static void test_open_flags(void)
{
	const bool told = !access("/proc/self/syscall", F_OK);
	struct ll_event *ev = ll_event_new();
	char fifo[128];

	path_of(fifo, sizeof(fifo), "fifo");
	CHECK(ev && !mkfifo(fifo, 0600));
	if (!ev)
		return;
#define TOLD(flags) (told ? (long)(flags) : LL_OPEN_UNTOLD)
	CHECK(child_open_flags('o', fifo, TOLD(O_RDONLY | O_NOCTTY | O_CLOEXEC)) ==
	      TOLD(O_RDONLY | O_NOCTTY | O_CLOEXEC));
#ifdef SYS_open
	CHECK(child_open_flags('O', fifo, TOLD(O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	      TOLD(O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
#endif
	CHECK(child_open_flags('c', fifo, TOLD(O_CREAT | O_WRONLY | O_TRUNC)) ==
	      TOLD(O_CREAT | O_WRONLY | O_TRUNC));
#ifdef SYS_openat2
	CHECK(child_open_flags('2', fifo, TOLD(O_RDONLY | O_CLOEXEC)) ==
	      TOLD(O_RDONLY | O_CLOEXEC));
#endif
	CHECK(child_open_flags('r', fifo, TOLD(LL_OPEN_OTHER)) == TOLD(LL_OPEN_OTHER));
#undef TOLD
	/* No thread, or one that is gone. */
	fake_event(ev, NULL, false);
	CHECK(ll_event_open_flags(ev) == LL_OPEN_UNKNOWN);
	ev->tid = fork();
	if (ev->tid == 0)
		_exit(0);
	waitpid(ev->tid, NULL, 0);
	CHECK(ll_event_open_flags(ev) == (told ? LL_OPEN_UNKNOWN : LL_OPEN_UNTOLD));
	unlink(fifo);
	ll_event_free(ev);
}

/* ll_event_answer_allow() that cannot answer: nothing recorded, no leak. */
static void test_allow_errors(void)
{
	struct ll_supervisor *sup = stand_in();
	struct ll_event *ev = ll_event_new();
	const size_t fds = open_fds();

	CHECK(sup && sup->fd >= 0 && ev);
	if (!sup || !ev)
		return;
	fake_event(ev, "sub", false);
	strcpy(ev->name, "new");
	ev->access = MREG;
	CHECK(ll_event_answer_allow(sup, ev, 1U << 5) == -1 && errno == EINVAL);
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == ENOTTY);
	/* A rename whose destination has no path, or a missing one. */
	strcpy(ev->dest_name, "new");
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == ENOENT);
	path_of(ev->dest_path, sizeof(ev->dest_path), "missing");
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == ENOENT);
	/* The destination's rule cannot be staged (not a ruleset). */
	path_of(ev->dest_path, sizeof(ev->dest_path), "t");
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == EBADFD);
	ev->dest_fd = open_path_fd("t");
	CHECK(ll_event_answer_allow(sup, ev, LL_GRANT_COMMIT_STAGED) == -1 && errno == EBADFD);
	CHECK(fcntl(ev->dest_fd, F_GETFD) == FD_CLOEXEC);
	ll_event_release(ev);
	/* Nothing handled of a port: ENOMSG. */
	fake_event(ev, NULL, true);
	ev->access = LANDLOCK_ACCESS_NET_CONNECT_TCP;
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == ENOMSG);
	CHECK(ll_supervisor_num_objects(sup) == 0 && ll_supervisor_commits(sup) == 0);
	CHECK(open_fds() == fds);
	ll_event_free(ev);
	ll_supervisor_free(sup);
}

/* --- In the patched kernel ------------------------------------------------- */

/*
 * The sandboxed child runs commands from a pipe ("r PATH" reads, "c PATH"
 * creates write-only, "C PATH" creates read-write, "n PATH" creates
 * write-only with O_NONBLOCK, "T DIR" opens an unnamed file there
 * (O_TMPFILE), "m FROM TO" renames, "b PORT" binds, "t P1 P2 P3" reads three
 * files from three threads at once) and writes back the errno of each (0:
 * success).
 */
static int to_child = -1, from_child = -1;
static pid_t child;

static void *read_thread(void *path)
{
	const int fd = open(path, O_RDONLY | O_CLOEXEC);
	const long err = fd < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	return (void *)err;
}

static int child_bind(int port)
{
	const struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
	const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (s < 0 || bind(s, (const struct sockaddr *)&addr, sizeof(addr)))
		err = errno;
	if (s >= 0)
		close(s);
	return err;
}

static void __attribute__((noreturn)) child_loop(FILE *in, int out)
{
	char line[512], a[160], b[160], c[160];

	while (fgets(line, sizeof(line), in)) {
		int err = 0, fd;

		line[strcspn(line, "\n")] = '\0';
		if (strchr("rcCnT", line[0])) {
			fd = open(line + 2,
				  line[0] == 'r'   ? O_RDONLY | O_CLOEXEC
				  : line[0] == 'c' ? O_CREAT | O_WRONLY | O_CLOEXEC
				  : line[0] == 'n' ? O_CREAT | O_WRONLY | O_NONBLOCK | O_CLOEXEC
				  : line[0] == 'T' ? O_TMPFILE | O_WRONLY | O_CLOEXEC
						   : O_CREAT | O_RDWR | O_CLOEXEC,
				  0644);
			err = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
		} else if (line[0] == 'm' && sscanf(line + 2, "%159s %159s", a, b) == 2) {
			err = rename(a, b) ? errno : 0;
		} else if (line[0] == 'b') {
			err = child_bind(atoi(line + 2));
		} else if (line[0] == 't' && sscanf(line + 2, "%159s %159s %159s", a, b, c) == 3) {
			char *paths[3] = { a, b, c };
			pthread_t threads[3];
			void *ret;
			int i;

			for (i = 0; i < 3; i++)
				pthread_create(&threads[i], NULL, read_thread, paths[i]);
			for (i = 0; i < 3; i++) {
				pthread_join(threads[i], &ret);
				err = err ? err : (int)(long)ret;
			}
		}
		if (write(out, &err, sizeof(err)) != sizeof(err))
			break;
	}
	_exit(0);
}

static int start_child(struct ll_supervisor *sup)
{
	const int see = ll_supervisee_get(ll_supervisor_fd(sup));
	int down[2], up[2];

	if (see < 0 || pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC))
		return -1;
	child = fork();
	if (child == 0) {
		FILE *in = fdopen(down[0], "r");

		close(ll_supervisor_fd(sup));
		close(down[1]);
		close(up[0]);
		if (!in || ll_restrict_self(see))
			_exit(1);
		child_loop(in, up[1]);
	}
	close(see);
	close(down[0]);
	close(up[1]);
	to_child = down[1];
	from_child = up[0];
	return child < 0 ? -1 : 0;
}

/*
 * Ends the child: it exits at the end of its commands, unless an access of
 * it still waits for an answer (a failed check): then it is killed.
 */
static void stop_child(void)
{
	struct pollfd pfd = { .fd = from_child, .events = POLLIN };
	char buf[64];

	close(to_child);
	while (poll(&pfd, 1, 3000) == 1 && read(from_child, buf, sizeof(buf)) > 0)
		;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(from_child);
}

/* Sends a command ("r" and a file of the test directory...). */
static void command(char op, const char *arg)
{
	char line[512];
	int len;

	if (op == 'b' || op == 't' || op == 'm')
		len = snprintf(line, sizeof(line), "%c %s\n", op, arg);
	else
		len = snprintf(line, sizeof(line), "%c %s/%s\n", op, dir, arg);
	if (write(to_child, line, len) != len)
		perror("events_test: command");
}

/* The result of the last command (an errno), or -1 after 10 s. */
static int result(void)
{
	struct pollfd pfd = { .fd = from_child, .events = POLLIN };
	int err;

	if (poll(&pfd, 1, 10000) != 1 || read(from_child, &err, sizeof(err)) != sizeof(err))
		return -1;
	return err;
}

/* Waits up to 10 s for an event, then receives up to @count: how many. */
static int receive(struct ll_supervisor *sup, struct ll_event **events, size_t count,
		   unsigned int flags)
{
	struct pollfd pfd = { .fd = ll_supervisor_fd(sup), .events = POLLIN };

	if (poll(&pfd, 1, 10000) != 1)
		return -1;
	return ll_event_recv_batch(ll_supervisor_fd(sup), events, count, flags);
}

static bool same_file(int fd, const char *name)
{
	struct stat a, b;
	char path[128];

	path_of(path, sizeof(path), name);
	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool path_is(const struct ll_event *ev, const char *name)
{
	char path[128];

	path_of(path, sizeof(path), name);
	return !strcmp(ll_event_object_path(ev), path);
}

/* No event is waiting. */
static bool no_event(struct ll_supervisor *sup, struct ll_event *ev)
{
	return ll_event_recv(ll_supervisor_fd(sup), ev) == 0;
}

static int open_path(const char *name)
{
	char path[128];

	path_of(path, sizeof(path), name);
	return open(path, O_PATH | O_CLOEXEC);
}

/*
 * Stages a rule for @staged, answers a read of @granted with its rule (and
 * @flags), then reads @staged: with LL_GRANT_COMMIT_STAGED, the staged rule
 * came with the grant; without, the read is denied (asked, then denied).
 */
static void staged_then_granted(struct ll_supervisor *sup, struct ll_event **events,
				const char *staged, const char *granted, unsigned int flags)
{
	const int fd = open_path(staged);

	CHECK(!ll_supervisor_grant_fd(sup, fd, R));
	close(fd);
	command('r', granted);
	CHECK(receive(sup, events, 1, 0) == 1 && path_is(events[0], granted));
	CHECK(!ll_event_answer_grant(sup, events[0], R, flags));
	CHECK(result() == 0);
	command('r', staged);
	if (flags & LL_GRANT_COMMIT_STAGED) {
		CHECK(result() == 0 && no_event(sup, events[0]));
		return;
	}
	CHECK(receive(sup, events, 1, 0) == 1 && path_is(events[0], staged));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), events[0], false));
	CHECK(result() == EACCES);
}

static void test_live(void)
{
	struct ll_event *events[8];
	struct ll_policy *empty = ll_policy_new();
	struct ll_supervisor *sup = ll_supervisor_new(R | W | RD | MREG, BIND, 0, true);
	char threads[512], err[LL_ERR_LEN];
	struct ll_event *ev;
	int i, n, fd, got, first;

	for (i = 0; i < 8; i++)
		events[i] = ll_event_new();
	ev = events[0];
	CHECK(sup != NULL && empty != NULL);
	if (!sup || !empty || start_child(sup))
		return;
	fcntl(ll_supervisor_fd(sup), F_SETFL, O_NONBLOCK);

	/* A read: path, no descriptor; granted in one call. */
	command('r', "a");
	CHECK(receive(sup, events, 1, 0) == 1);
	CHECK(ll_event_object_fd(ev) == -1 && ll_event_dest_fd(ev) == -1);
	CHECK(path_is(ev, "a") && !ll_event_object_is_dir(ev) && !ll_event_name(ev)[0]);
	CHECK(ll_event_access(ev) == R && !ll_event_is_net(ev) && ll_event_pid(ev) == child);
	/* An open waits in the kernel's check. */
	CHECK(ll_event_allow_once(ev) && !ll_event_created(ev));
	/* Nothing left of read_dir on a file: not answered. */
	CHECK(ll_event_answer_grant(sup, ev, RD, 0) == -1 && errno == ENOMSG);
	CHECK(ll_event_answer_grant(sup, ev, R | RD, 0) == 0);
	CHECK(result() == 0);
	CHECK(ll_supervisor_num_objects(sup) == 1 && ll_supervisor_commits(sup) == 1);
	/* Answered already. */
	CHECK(ll_event_answer_grant(sup, ev, R, 0) == -1 && errno == ENOENT);
	CHECK(ll_supervisor_num_objects(sup) == 1 && ll_supervisor_commits(sup) == 1);
	command('r', "a");
	CHECK(result() == 0 && no_event(sup, ev));

	/* Three threads at once: one batch. */
	snprintf(threads, sizeof(threads), "%s/b %s/c %s/d", dir, dir, dir);
	command('t', threads);
	usleep(300000);
	n = receive(sup, events, 8, 0);
	got = first = n;
	CHECK(n >= 1);
	for (i = 0; i < n; i++)
		CHECK(!ll_event_answer_grant(sup, events[i], R, 0));
	while (n > 0 && got < 3 && (n = receive(sup, events, 8, 0)) > 0)
		for (i = 0; i < n; i++, got++)
			CHECK(!ll_event_answer_grant(sup, events[i], R, 0));
	CHECK(got == 3 && result() == 0);
	printf("three events: %s\n", first == 3 ? "one batch" : "several receives");
	CHECK(ll_supervisor_num_objects(sup) == 4);

	/* A creation: the directory is the object. */
	command('c', "sub/new");
	CHECK(receive(sup, events, 1, 0) == 1);
	CHECK(path_is(ev, "sub") && ll_event_object_is_dir(ev) &&
	      !strcmp(ll_event_name(ev), "new"));
	CHECK(ll_event_access(ev) == MREG && !ll_event_allow_once(ev) && !ll_event_created(ev));
	CHECK(!ll_event_answer_grant(sup, ev, MREG | R | W, 0));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 5);

	/* Descriptors on request, and the two-step way. */
	command('r', "e");
	CHECK(receive(sup, events, 1, LL_RECV_FDS) == 1);
	CHECK(ll_event_object_fd(ev) >= 0 && same_file(ll_event_object_fd(ev), "e"));
	CHECK(path_is(ev, "e"));
	CHECK(!ll_supervisor_grant_fd(sup, ll_event_object_fd(ev), R));
	CHECK(!ll_supervisor_commit(sup));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, true));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 6);
	/* A grant on the event's own descriptor. */
	command('r', "f");
	CHECK(receive(sup, events, 1, LL_RECV_FDS) == 1);
	CHECK(!ll_event_answer_grant(sup, ev, R, 0));
	ll_event_release(ev);
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 7);

	/* Another target: the file's directory, which then covers its files. */
	command('r', "t/f");
	CHECK(receive(sup, events, 1, 0) == 1 && path_is(ev, "t/f"));
	fd = open_path("t");
	CHECK(!ll_event_answer_grant_fd(sup, ev, fd, R | RD, 0));
	close(fd);
	CHECK(result() == 0);
	command('r', "t/g");
	CHECK(result() == 0 && no_event(sup, ev));

	/* Staged rules: committed with the grant only if asked. */
	staged_then_granted(sup, events, "s2", "s1", LL_GRANT_COMMIT_STAGED);
	staged_then_granted(sup, events, "s4", "s3", 0);
	CHECK(!ll_supervisor_commit(sup));

	/* Ports: the event's, or another one. */
	command('b', "20321");
	CHECK(receive(sup, events, 1, 0) == 1);
	CHECK(ll_event_is_net(ev) && ll_event_port(ev) == 20321 && ll_event_access(ev) == BIND);
	CHECK(!ll_event_object_path(ev)[0] && ll_event_allow_once(ev));
	fd = open_path("t");
	CHECK(ll_event_answer_grant_fd(sup, ev, fd, R, 0) == -1 && errno == EINVAL);
	close(fd);
	CHECK(!ll_event_answer_grant(sup, ev, BIND | LANDLOCK_ACCESS_NET_CONNECT_TCP, 0));
	CHECK(result() == 0);
	command('b', "20322");
	CHECK(receive(sup, events, 1, 0) == 1 && ll_event_port(ev) == 20322);
	CHECK(!ll_event_answer_grant_port(sup, ev, 20323, BIND, 0));
	/* The answer allowed this bind (once): the next one asks again. */
	CHECK(result() == 0 && no_event(sup, ev));
	command('b', "20322");
	CHECK(receive(sup, events, 1, 0) == 1 && ll_event_port(ev) == 20322);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);
	command('b', "20323");
	CHECK(result() == 0 && no_event(sup, ev));

	/* The record: an empty policy narrows every rule, granted in any way. */
	CHECK(ll_supervisor_num_objects(sup) == 14);
	CHECK(!ll_supervisor_apply(sup, empty, 0, err, sizeof(err)));
	CHECK(ll_supervisor_num_objects(sup) == 0);
	command('r', "a");
	CHECK(receive(sup, events, 1, 0) == 1 && path_is(ev, "a"));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);
	command('b', "20323");
	CHECK(receive(sup, events, 1, 0) == 1);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);

	stop_child();
	for (i = 0; i < 8; i++)
		ll_event_free(events[i]);
	ll_supervisor_free(sup);
	ll_policy_free(empty);
}

/*
 * ll_event_answer_allow(): a creation is granted with what the open of the
 * new file needs (granting exactly the denied make_reg creates the file,
 * then its open is asked about), a rename on both directories.
 */
static void test_live_allow(void)
{
	const uint64_t RMF = LANDLOCK_ACCESS_FS_REMOVE_FILE, REFER = LANDLOCK_ACCESS_FS_REFER;
	struct ll_supervisor *sup = ll_supervisor_new(R | W | MREG | RMF | REFER, BIND, 0, true);
	struct ll_event *ev = ll_event_new();
	char arg[512], path[128];
	struct stat st;

	CHECK(sup != NULL && ev != NULL);
	if (!sup || !ev || start_child(sup))
		return;
	fcntl(ll_supervisor_fd(sup), F_SETFL, O_NONBLOCK);

	/*
	 * Exactly the rights denied: created, then the open is asked about;
	 * denied, the file stays.
	 */
	command('c', "c1/exact");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "c1") && ll_event_access(ev) == MREG);
	CHECK(ll_event_open_notified(ev));
	CHECK(!ll_event_answer_grant(sup, ev, ll_event_access(ev), 0));
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "c1/exact") && ll_event_created(ev));
	CHECK(ll_event_allow_once(ev) && ll_event_access(ev) == W && !ll_event_name(ev)[0]);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	path_of(path, sizeof(path), "c1/exact");
	CHECK(result() == EACCES && !stat(path, &st) && no_event(sup, ev));

	/* What the restarted call needs: created and opened. */
	command('c', "c2/new");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "c2") &&
	      !strcmp(ll_event_name(ev), "new") && ll_event_access(ev) == MREG);
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == (MREG | R | W));
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	CHECK(result() == 0);
	/* The next creation there, read-write, needs no event. */
	command('C', "c2/rw");
	CHECK(result() == 0 && no_event(sup, ev));

	/* A rename to another directory: both rules, one answer. */
	snprintf(arg, sizeof(arg), "%s/m1/f %s/m2/f", dir, dir);
	command('m', arg);
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "m1") && !strcmp(ll_event_name(ev), "f"));
	CHECK(!strcmp(ll_event_dest_name(ev), "f") && (ll_event_access(ev) & (RMF | MREG)));
	CHECK(ll_event_grant_access(ev, LL_TARGET_DEST) == ll_event_access(ev));
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	path_of(path, sizeof(path), "m2/f");
	CHECK(result() == 0 && !stat(path, &st) && no_event(sup, ev));
	/* c1, c2, m2 and m1, all recorded. */
	CHECK(ll_supervisor_num_objects(sup) == 4);

	stop_child();
	ll_event_free(ev);
	ll_supervisor_free(sup);
}

/*
 * The accesses that wait in the kernel's check: "once" is the kernel's
 * answer (no rule, nothing committed, asked again next time), and the open
 * of a file that its call created is granted on that file alone.
 */
static void test_live_once(void)
{
	struct ll_supervisor *sup = ll_supervisor_new(R | W | MREG, BIND, 0, true);
	struct ll_event *ev = ll_event_new();
	char path[128];
	uint64_t transient;
	struct stat st;
	int fd;

	CHECK(sup != NULL && ev != NULL);
	if (!sup || !ev || start_child(sup))
		return;
	fcntl(ll_supervisor_fd(sup), F_SETFL, O_NONBLOCK);
	CHECK(ll_kernel_event_flags() == (LANDLOCK_EVENT_ALLOW_ONCE | LANDLOCK_EVENT_CREATED));

	/* Once: allowed, no rule; the same read asks again, and is denied. */
	command('r', "o1");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "o1") && ll_event_allow_once(ev));
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_ONCE, path, sizeof(path), &transient) == 0);
	CHECK(!path[0] && transient == 0);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, true));
	CHECK(result() == 0);
	CHECK(ll_supervisor_num_objects(sup) == 0 && ll_supervisor_commits(sup) == 0);
	command('r', "o1");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "o1"));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);
	/* A bind, the same. */
	command('b', "20331");
	CHECK(receive(sup, &ev, 1, 0) == 1 && ll_event_allow_once(ev));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, true));
	CHECK(result() == 0);
	command('b', "20331");
	CHECK(receive(sup, &ev, 1, 0) == 1 && ll_event_port(ev) == 20331);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);
	CHECK(ll_supervisor_num_objects(sup) == 0 && ll_supervisor_commits(sup) == 0);

	/*
	 * A directory where the child may create files but not write them:
	 * the open of each new file is asked about, and granted on it alone.
	 */
	fd = open_path("cr");
	CHECK(!ll_supervisor_grant_fd(sup, fd, MREG) && !ll_supervisor_commit(sup));
	close(fd);
	command('c', "cr/new");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr/new"));
	CHECK(ll_event_created(ev) && ll_event_allow_once(ev) && !ll_event_object_is_dir(ev));
	CHECK(ll_event_access(ev) == W && !ll_event_name(ev)[0]);
	CHECK(ll_event_grant_access(ev, LL_TARGET_OBJECT) == W);
	CHECK(ll_event_answer_rule(ev, LL_ANSWER_OBJECT, path, sizeof(path), &transient) == W);
	CHECK(path_is(ev, "cr/new") && !strcmp(path, ll_event_object_path(ev)) && !transient);
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 2);
	/* That file is writable now (not created again: no event). */
	command('c', "cr/new");
	CHECK(result() == 0 && no_event(sup, ev));
	/* Not readable, and not the directory's next file. */
	command('r', "cr/new");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr/new") && !ll_event_created(ev));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	CHECK(result() == EACCES);
	command('C', "cr/other");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr/other") && ll_event_created(ev));
	CHECK(ll_event_access(ev) == (R | W));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, false));
	path_of(path, sizeof(path), "cr/other");
	CHECK(result() == EACCES && !stat(path, &st));
	/* Allowed once: created and opened, no rule. */
	command('c', "cr/once");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr/once") && ll_event_created(ev));
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, true));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 2);
	/*
	 * An unnamed file (O_TMPFILE, which the kernel does not count as
	 * created): its path names nothing, no rule; allowed once.
	 */
	command('T', "cr");
	CHECK(receive(sup, &ev, 1, 0) == 1 && ll_event_allow_once(ev) && !ll_event_created(ev));
	CHECK(strstr(ll_event_object_path(ev), " (deleted)") != NULL);
	CHECK(ll_event_answer_allow(sup, ev, 0) == -1 && errno == ENOENT);
	CHECK(!ll_event_answer(ll_supervisor_fd(sup), ev, true));
	CHECK(result() == 0);

	/*
	 * A creation where nothing is allowed: with the creation right alone,
	 * created, then its open asked about (ll_event_open_notified()).
	 */
	command('c', "cr2/new");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr2") && !ll_event_allow_once(ev));
	CHECK(ll_event_open_notified(ev));
	CHECK(!ll_event_answer_grant(sup, ev, ll_event_access(ev), 0));
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr2/new") && ll_event_created(ev));
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 4);
	/*
	 * With O_NONBLOCK (as touch(1) opens), the same: the open of a file
	 * that its call created waits in the check, asked about on the file.
	 */
	command('n', "cr3/new");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr3") && !ll_event_allow_once(ev));
	CHECK(ll_event_open_notified(ev));
	CHECK(!ll_event_answer_grant(sup, ev, ll_event_access(ev), 0));
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr3/new") && ll_event_created(ev));
	CHECK(ll_event_allow_once(ev) && ll_event_access(ev) == W);
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	CHECK(result() == 0 && ll_supervisor_num_objects(sup) == 6);
	/*
	 * Not an existing file's open with O_NONBLOCK: that one waits at the
	 * end of the call (no one-off answer), restarted with its rule.
	 */
	command('n', "cr3/old");
	CHECK(receive(sup, &ev, 1, 0) == 1 && path_is(ev, "cr3/old") && !ll_event_created(ev));
	CHECK(!ll_event_allow_once(ev) && ll_event_access(ev) == W);
	CHECK(!ll_event_answer_allow(sup, ev, 0));
	CHECK(result() == 0 && no_event(sup, ev));

	stop_child();
	ll_event_free(ev);
	ll_supervisor_free(sup);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	static const char *const files[] = { "a",  "b",	 "c",  "d",  "e",    "f",  "t/f",    "t/g",
					     "s1", "s2", "s3", "s4", "m1/f", "o1", "cr3/old" };
	static const char *const dirs[] = {
		"sub", "t", "c1", "c2", "m1", "m2", "cr", "cr2", "cr3"
	};
	char path[128];
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/events_test.XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path_of(path, sizeof(path), dirs[i]);
		mkdir(path, 0755);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		make_file(files[i]);
	signal(SIGPIPE, SIG_IGN);
	test_recv_arguments();
	test_grant_errors();
	test_grant_access();
	test_answer_rule();
	test_allow_errors();
	test_open_flags();
	if (ll_missing_feature(true)) {
		printf("no supervisor notification in this kernel: live tests skipped\n");
	} else {
		test_live();
		test_live_allow();
		test_live_once();
	}
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
