// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Seeded fuzzer of the Landlock supervisor uAPI, run in the patched kernel:
 *
 *   uapi_fuzz SECONDS SEED [THREADS]
 *
 * Random sequences of ruleset creation (all flags, sizes and masks), rules
 * (all types and flags, bad values and file descriptors), every ioctl (event
 * receives with every flag, element size and count, answers with every
 * grant field, valid or not), closes, dups, forks that enforce random
 * rulesets and access files and ports, rulesets passed over Unix sockets
 * (used or left in flight, or in an unreachable cycle of sockets that only
 * the Unix garbage collector frees), supervisors killed while sandboxed
 * tasks wait for them, compositions of the same two rulesets in both
 * argument orders at the same time (ruleset union and intersection,
 * LANDLOCK_RULE_INTERSECT_RULESET), and nested supervised layers (two or
 * three): a child sandboxed by a notifying supervisor creates its own
 * notifying supervisor and a grandchild in it (and so on), each supervisor
 * receiving its events in batches and answering them at random (in two
 * steps, with a rule in the answer on the event's object or on another
 * target, sometimes after an answer that the kernel must refuse), while
 * every sandboxed task keeps the file descriptors of the supervisors that
 * supervise it and calls them (and a thread of a supervisor's owner
 * sometimes sandboxes only itself in the supervisor's layer and calls it).
 * Children end by alarm at the latest.  Success is the absence of kernel
 * reports (uml-run fails on them), of crashes and hangs, and of these
 * results: any change, receive or answer through a supervisor's file
 * descriptor by a task that this supervisor supervises must fail with EPERM
 * (a success is "supervised task used its own supervisor"; another error of
 * a well-formed call is reported too), and the supervisor's owner, whom it
 * does not supervise, never gets this EPERM; an invalid answer fails with
 * its documented error and a valid one with ENOENT at most (a requester
 * killed meanwhile).  With one thread (the
 * default) the seed reproduces a run; with THREADS > 1, threads share the
 * pool of file descriptors (one closes what another uses, receives on, or
 * commits to), each with its own seed, and the interleaving is the
 * scheduler's.  With LL_FUZZ_MAKE_IT_FAIL set, the fuzzing threads set their
 * /proc/thread-self/make-it-fail (for failslab).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

#define POOL 24

#define MAX_THREADS 8
/* Supervised layers of a nested tree, at most. */
#define MAX_NESTED 3
/* Supervisors' file descriptors in a nested tree: fixed high numbers. */
#define NESTED_FD 940

static int pool[POOL];
static __thread unsigned int seed;
static char dir[64];
static unsigned long calls, children;
static double seconds;
/* CLOCK_MONOTONIC time at which every thread stops. */
static struct timespec deadline;
static bool done[MAX_THREADS];
static bool fault_injection;
/* Shared with the children (MAP_SHARED): failures found, and counts. */
static struct stats {
	unsigned long failures, eperm, nested, compose, events, grants;
} * stats;
/*
 * This task's /proc/thread-self/make-it-fail, under fault injection, at a
 * fixed high number that no other thread picks and closes (their pool holds
 * low numbers).
 */
static __thread int make_it_fail_fd = -1;

static int open_make_it_fail(const int slot)
{
	const int fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	int high;

	if (fd < 0)
		return -1;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 900 + slot);
	close(fd);
	return high;
}

static void make_it_fail(const bool on)
{
	if (make_it_fail_fd >= 0 && write(make_it_fail_fd, on ? "1" : "0", 1) != 1)
		perror("uapi_fuzz: make-it-fail");
}

/*
 * fork() without injected failures: a fork that fails in dup_mmap() panics
 * UML 6.12 (see docs/robustness.md), whatever made it fail.  The child then
 * sees failures like its parent.
 */
static pid_t fuzz_fork(void)
{
	pid_t child;

	make_it_fail(false);
	child = fork();
	if (child == 0 && make_it_fail_fd >= 0) {
		const int slot = make_it_fail_fd - 900;

		close(make_it_fail_fd);
		make_it_fail_fd = open_make_it_fail(slot);
	}
	make_it_fail(true);
	return child;
}

/* Interrupts a blocking call (without SA_RESTART: it fails with EINTR). */
static void wake_up(int sig)
{
	(void)sig;
}

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)rand_r(&seed) % n : 0;
}

/* A sandboxed access to the network: binds one of four TCP ports. */
static void bind_some_port(void)
{
	const struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(20000 + rnd(4)),
	};
	const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	bind(s, (const struct sockaddr *)&addr, sizeof(addr));
	close(s);
}

static int pick_fd(void)
{
	switch (rnd(8)) {
	case 0:
		return -1;
	case 1:
		return 1000; /* not open */
	case 2:
		return 0; /* not a ruleset */
	default:
		return pool[rnd(POOL)];
	}
}

static void keep(int fd)
{
	const int slot = rnd(POOL);

	if (fd < 0)
		return;
	if (pool[slot] > 2)
		close(pool[slot]);
	pool[slot] = fd;
}

static __u64 mask(__u64 all)
{
	switch (rnd(6)) {
	case 0:
		return 0;
	case 1:
		return all;
	case 2:
		return ~0ULL;
	default:
		return all & (((__u64)rand_r(&seed) << 32) | rand_r(&seed));
	}
}

static const __u64 fs_all = (1ULL << 16) - 1, net_all = 3, scope_all = 3;

static void op_create(void)
{
	static const __u32 flags[] = {
		0,
		LANDLOCK_CREATE_RULESET_SUPERVISOR,
		LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY,
		LANDLOCK_CREATE_RULESET_NOTIFY,
		LANDLOCK_CREATE_RULESET_FEATURES,
		LANDLOCK_CREATE_RULESET_VERSION | LANDLOCK_CREATE_RULESET_SUPERVISOR,
		LANDLOCK_CREATE_RULESET_UNION,
		LANDLOCK_CREATE_RULESET_INTERSECT,
		LANDLOCK_CREATE_RULESET_UNION | LANDLOCK_CREATE_RULESET_INTERSECT,
		1U << 31,
	};
	static const size_t sizes[] = { 0, 1, 8, 16, 24, 40, 48, 56, 4096, 8192 };
	const __u32 flag = flags[rnd(sizeof(flags) / sizeof(flags[0]))];
	union {
		struct landlock_ruleset_attr attr;
		struct landlock_ruleset_compose_attr compose;
		char bytes[8192];
	} u;

	memset(&u, 0, sizeof(u));
	if (flag & (LANDLOCK_CREATE_RULESET_UNION | LANDLOCK_CREATE_RULESET_INTERSECT)) {
		u.compose.left_fd = pick_fd();
		u.compose.right_fd = pick_fd();
	} else {
		u.attr.handled_access_fs = mask(fs_all);
		u.attr.handled_access_net = mask(net_all);
		u.attr.scoped = mask(scope_all);
		u.attr.quiet_access_fs = u.attr.handled_access_fs & mask(fs_all);
		u.attr.quiet_access_net = mask(net_all);
		if (rnd(8) == 0)
			u.bytes[sizeof(u.attr) + rnd(64)] = 1; /* non-zero tail */
	}
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	keep(syscall(SYS_landlock_create_ruleset, rnd(10) ? (void *)&u : NULL,
		     sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))], flag));
}

static void op_add_rule(void)
{
	union {
		struct landlock_path_beneath_attr path;
		struct landlock_net_port_attr port;
		struct landlock_ruleset_operand operand;
	} u;
	const int type = rnd(5);
	char path[128];
	int parent = -1;

	memset(&u, 0, sizeof(u));
	if (type == LANDLOCK_RULE_PATH_BENEATH) {
		snprintf(path, sizeof(path), "%s/%s", dir, rnd(2) ? "d" : "d/f");
		parent = rnd(6) ? open(path, O_PATH | O_CLOEXEC) : pick_fd();
		u.path.allowed_access = mask(fs_all);
		u.path.parent_fd = parent;
	} else if (type == LANDLOCK_RULE_NET_PORT) {
		u.port.allowed_access = mask(net_all);
		u.port.port = rnd(4) ? 20000 + rnd(4) : mask(~0ULL);
	} else {
		u.operand.operand = pick_fd();
	}
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	syscall(SYS_landlock_add_rule, pick_fd(), type, rnd(12) ? (void *)&u : NULL,
		rnd(4) ? rnd(32) : (1U << rnd(32)));
	if (parent > 2 && type == LANDLOCK_RULE_PATH_BENEATH)
		close(parent);
}

/* A random event size: too small, each version's, larger, absurd. */
static __u32 event_size(void)
{
	static const __u32 sizes[] = {
		0,
		LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0 - 1,
		LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0,
		LANDLOCK_SUPERVISOR_EVENT_SIZE_VER1 - 1,
		LANDLOCK_SUPERVISOR_EVENT_SIZE_VER1,
		sizeof(struct landlock_supervisor_event),
		sizeof(struct landlock_supervisor_event) + 64,
		1U << 31,
	};

	return sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))];
}

/* Room for the events of a receive of well-formed sizes. */
#define RECV_ROOM (4 * (sizeof(struct landlock_supervisor_event) + 64))

/*
 * Closes the descriptors of @n events received with @recv (elements of
 * recv->event_size bytes, as the kernel wrote back, in @buf).
 */
static void close_received(const struct landlock_supervisor_recv *recv, const void *buf, long n,
			   __u32 stride)
{
	long i;

	if (!(recv->flags & LANDLOCK_RECV_OBJECT_FD))
		return;
	for (i = 0; i < n && (size_t)(i + 1) * stride <= RECV_ROOM; i++) {
		struct landlock_supervisor_event event;

		memcpy(&event, (const char *)buf + i * stride, LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0);
		if (event.object_fd > 2)
			close(event.object_fd);
		if (event.dest_fd > 2)
			close(event.dest_fd);
	}
}

/* Random receive arguments into @buf (RECV_ROOM bytes); well-formed or not. */
static void random_recv(struct landlock_supervisor_recv *recv, void *buf)
{
	static const __u32 counts[] = { 0, 1, 2, 4, 64, 65, ~0U };

	memset(recv, 0, sizeof(*recv));
	recv->event_size = event_size();
	recv->count = counts[rnd(sizeof(counts) / sizeof(counts[0]))];
	/* Never more than the buffer holds, unless it is meant to fault. */
	recv->events = (__u64)(uintptr_t)(rnd(8) == 0 ? NULL : rnd(8) == 0 ? (void *)1 : buf);
	if (recv->events == (uintptr_t)buf && (__u64)recv->count * recv->event_size > RECV_ROOM)
		recv->count = recv->event_size ? RECV_ROOM / recv->event_size : 1;
	recv->flags = rnd(4) ? rnd(4) : 1U << rnd(32);
	recv->reserved = rnd(8) == 0;
}

/* Random response fields for @cookie: well-formed grants or not. */
static void random_response(struct landlock_supervisor_response *response, __u64 cookie)
{
	memset(response, 0, sizeof(*response));
	response->cookie = cookie;
	response->decision = rnd(4) ? LANDLOCK_SUPERVISOR_ALLOW + rnd(2) : rnd(4);
	response->flags = rnd(4) ? rnd(8) : 1U << rnd(32);
	if (response->flags & LANDLOCK_RESPONSE_GRANT || rnd(8) == 0)
		response->grant_access = rnd(2) ? mask(fs_all) : mask(net_all);
	if (response->flags & LANDLOCK_RESPONSE_GRANT_TARGET || rnd(8) == 0) {
		response->grant_port = rnd(4) ? 20000 + rnd(4) : mask(~0ULL);
		response->grant_fd = rnd(2) ? pick_fd() : 0;
	}
	response->reserved = rnd(16) == 0;
}

static void op_ioctl(void)
{
	static const unsigned long cmds[] = {
		LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET,
		LANDLOCK_IOCTL_COMMIT_SUPERVISOR,
		LANDLOCK_IOCTL_CLEAR_SUPERVISOR,
		LANDLOCK_IOCTL_COMMIT_RULESET,
		LANDLOCK_IOCTL_RECV_EVENTS,
		LANDLOCK_IOCTL_SEND_RESPONSE,
		_IO('L', 0x2e),
		_IOWR(0xBB, 0x04, struct landlock_supervisor_recv),
	};
	const unsigned long cmd = cmds[rnd(sizeof(cmds) / sizeof(cmds[0]))];
	const int fd = pick_fd();
	static __thread char buf[RECV_ROOM];
	union {
		struct landlock_supervisor_recv recv;
		struct landlock_supervisor_response response;
		int fd;
	} u;
	__u32 stride;
	long ret;

	memset(&u, 0, sizeof(u));
	if (cmd == LANDLOCK_IOCTL_RECV_EVENTS && fd > 2)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	u.fd = pick_fd();
	if (cmd == LANDLOCK_IOCTL_RECV_EVENTS)
		random_recv(&u.recv, buf);
	if (cmd == LANDLOCK_IOCTL_SEND_RESPONSE)
		random_response(&u.response, rnd(64));
	/* The kernel writes back the size it fills in: the stride is ours. */
	stride = u.recv.event_size;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	ret = ioctl(fd, cmd, rnd(6) == 0 ? 0UL : rnd(8) == 0 ? 1UL : (unsigned long)&u);
	if (cmd == LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET && ret >= 0)
		keep(ret);
	if (cmd == LANDLOCK_IOCTL_RECV_EVENTS && ret > 0 && u.recv.events == (uintptr_t)buf)
		close_received(&u.recv, buf, ret, stride);
}

/* A child that enforces random rulesets and accesses things. */
static void op_fork(void)
{
	const pid_t child = fuzz_fork();
	char path[128];
	int i;

	if (child)
		return;
	alarm(2);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (i = rnd(3); i >= 0; i--)
		syscall(SYS_landlock_restrict_self, pick_fd(), rnd(4) ? 0 : rnd(8));
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/d/%s%u", dir, rnd(2) ? "f" : "n", rnd(4));
		switch (rnd(4)) {
		case 0:
			close(open(path, O_RDONLY | O_CLOEXEC));
			break;
		case 1:
			close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
			break;
		case 2:
			unlink(path);
			break;
		default:
			bind_some_port();
		}
	}
	_exit(0);
}

/* One byte of data and room for one passed fd. */
struct fd_message {
	char data;
	struct iovec iov;
	char control[CMSG_SPACE(sizeof(int))];
	struct msghdr msg;
};

static void fd_message_init(struct fd_message *m)
{
	memset(m, 0, sizeof(*m));
	m->iov.iov_base = &m->data;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->control;
	m->msg.msg_controllen = sizeof(m->control);
}

static void send_fd(int sock, int fd)
{
	struct fd_message m;
	struct cmsghdr *cmsg;

	fd_message_init(&m);
	cmsg = CMSG_FIRSTHDR(&m.msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	sendmsg(sock, &m.msg, MSG_NOSIGNAL);
}

static int recv_fd(int sock)
{
	struct fd_message m;
	struct cmsghdr *cmsg;
	int fd;

	fd_message_init(&m);
	if (recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	cmsg = CMSG_FIRSTHDR(&m.msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * A ruleset passed over a Unix socket to a child that holds nothing else:
 * the child uses it (rules, ioctls, enforcement), or exits without
 * receiving it, so that the socket's release drops the file in flight.
 */
static void op_pass_fd(void)
{
	int sv[2], i, fd;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	child = fuzz_fork();
	if (child == 0) {
		alarm(2);
		close(sv[0]);
		for (i = 0; i < POOL; i++)
			if (pool[i] > 2)
				close(pool[i]);
		if (rnd(4) == 0)
			_exit(0);
		fd = recv_fd(sv[1]);
		for (i = 0; i < POOL; i++)
			pool[i] = fd;
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		for (i = 0; i < 8; i++) {
			switch (rnd(3)) {
			case 0:
				op_add_rule();
				break;
			case 1:
				op_ioctl();
				break;
			default:
				syscall(SYS_landlock_restrict_self, fd, 0);
			}
		}
		_exit(0);
	}
	close(sv[1]);
	if (child > 0)
		send_fd(sv[0], pick_fd());
	close(sv[0]);
}

/*
 * Rulesets in flight in an unreachable cycle: each end of a socket pair is
 * sent over itself (so that it sits in its peer's queue) with rulesets, then
 * both are closed.  Only the Unix garbage collector, from a work item, drops
 * these files, and with them the last references to the rulesets.
 */
static void op_gc_cycle(void)
{
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return;
	for (i = 0; i < 2; i++) {
		send_fd(sv[i], sv[i]);
		send_fd(sv[i], pick_fd());
	}
	close(sv[0]);
	close(sv[1]);
}

/*
 * A supervisor killed while its sandboxed grandchild waits for it.  The kill
 * waits until the supervisor has forked: SIGKILL during fork() panics UML
 * 6.12 itself (see docs/robustness.md), with or without Landlock.
 */
static void op_supervisor_death(void)
{
	/*
	 * Set by the supervisor once its fork returned: a shared page rather
	 * than a pipe, whose numbers another thread could close.
	 */
	int *const forked =
		mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t child;
	int i;

	if (forked == MAP_FAILED)
		return;
	child = fuzz_fork();
	if (child) {
		/* Until it forked or ended; its alarm ends it within 3 s. */
		for (i = 0; child > 0 && i < 4000 && !__atomic_load_n(forked, __ATOMIC_ACQUIRE) &&
			    !kill(child, 0);
		     i++)
			usleep(1000);
		if (child > 0 && __atomic_load_n(forked, __ATOMIC_ACQUIRE)) {
			if (rnd(2))
				usleep(rnd(20000));
			kill(child, SIGKILL);
		}
		munmap(forked, sizeof(int));
		return;
	}
	alarm(3);
	{
		const struct landlock_ruleset_attr attr = {
			.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
		};
		const int sup = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
					LANDLOCK_CREATE_RULESET_SUPERVISOR |
						LANDLOCK_CREATE_RULESET_NOTIFY);
		const int see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
		char path[128];

		if (fuzz_fork() == 0) {
			alarm(3);
			close(sup);
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			syscall(SYS_landlock_restrict_self, see, 0);
			snprintf(path, sizeof(path), "%s/d/f0", dir);
			close(open(path, O_RDONLY | O_CLOEXEC));
			_exit(0);
		}
		__atomic_store_n(forked, 1, __ATOMIC_RELEASE);
		pause();
	}
	_exit(0);
}

/*
 * Composition of two rulesets from two threads at once, in both argument
 * orders: a union or an intersection into a new ruleset, or an intersection
 * of one into the other (LANDLOCK_RULE_INTERSECT_RULESET), each thread
 * picking at random, so that (X, Y) and (Y, X) lock the same two rulesets
 * in opposite orders, in the same or in different operations.  Other
 * fuzzing threads may close, reuse or compose the same numbers meanwhile.
 */
struct compose_race {
	pthread_barrier_t *start;
	int left, right;
	unsigned int seed;
};

static void *compose_loop(void *data)
{
	struct compose_race *const race = data;
	int i;

	/*
	 * Under fault injection, the helper inherited its creator's
	 * make-it-fail (opening its own file would race with the other
	 * threads, which close and reuse numbers).
	 */
	pthread_barrier_wait(race->start);
	for (i = 0; i < 24; i++) {
		const struct landlock_ruleset_compose_attr attr = {
			.left_fd = race->left,
			.right_fd = race->right,
		};
		const struct landlock_ruleset_operand operand = { .operand = race->right };
		const int kind = rand_r(&race->seed) % 3;
		int fd = -1;

		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
		if (kind < 2)
			fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
				     kind ? LANDLOCK_CREATE_RULESET_INTERSECT
					  : LANDLOCK_CREATE_RULESET_UNION);
		else
			syscall(SYS_landlock_add_rule, race->left, LANDLOCK_RULE_INTERSECT_RULESET,
				&operand,
				rand_r(&race->seed) % 4 ? 0 : LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* A new ordinary ruleset with a few rules, or -1. */
static int new_ruleset_with_rules(void)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = mask(fs_all) | LANDLOCK_ACCESS_FS_READ_FILE,
		.handled_access_net = mask(net_all),
	};
	const int fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	char path[128];
	int i;

	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	for (i = rnd(4); fd >= 0 && i > 0; i--) {
		struct landlock_path_beneath_attr rule = {
			.allowed_access = attr.handled_access_fs & mask(fs_all),
		};

		snprintf(path, sizeof(path), "%s/%s", dir, rnd(2) ? "d" : "d/f0");
		rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
		syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
		if (rule.parent_fd >= 0)
			close(rule.parent_fd);
	}
	return fd;
}

static void op_compose_race(void)
{
	/* Fresh rulesets with rules (then kept in the pool), or the pool's. */
	const bool fresh_left = rnd(2), fresh_right = rnd(2);
	const int left = fresh_left ? new_ruleset_with_rules() : pick_fd();
	/* Sometimes the same ruleset on both sides. */
	const int right = rnd(8) == 0 ? left : fresh_right ? new_ruleset_with_rules() : pick_fd();
	pthread_barrier_t start;
	struct compose_race forward = { &start, left, right, rnd(1U << 31) };
	struct compose_race backward = { &start, right, left, rnd(1U << 31) };
	pthread_t helper;

	__atomic_add_fetch(&stats->compose, 1, __ATOMIC_RELAXED);
	pthread_barrier_init(&start, NULL, 2);
	if (!pthread_create(&helper, NULL, compose_loop, &backward)) {
		compose_loop(&forward);
		pthread_join(helper, NULL);
	}
	pthread_barrier_destroy(&start);
	if (fresh_left)
		keep(left);
	if (fresh_right && right != left)
		keep(right);
}

/* Reports a failure found by any process of the run (in one write). */
static void fail(const char *fmt, ...)
{
	char message[512];
	va_list args;
	int len;

	__atomic_add_fetch(&stats->failures, 1, __ATOMIC_RELAXED);
	len = snprintf(message, sizeof(message), "uapi_fuzz: FAILED: ");
	va_start(args, fmt);
	len += vsnprintf(message + len, sizeof(message) - len - 1, fmt, args);
	va_end(args);
	if (len > (int)sizeof(message) - 2)
		len = sizeof(message) - 2;
	message[len++] = '\n';
	if (write(STDERR_FILENO, message, len) != len)
		return;
}

/*
 * In a process of a nested tree: the supervisors that supervise it (one per
 * layer of its domain), at fixed numbers that nothing else closes.
 */
static int held[MAX_NESTED];
static int num_held;

static const __u64 nested_fs =
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE;

static int nested_rule(int ruleset, const char *name, __u64 access, __u32 flags)
{
	char path[128];
	struct landlock_path_beneath_attr attr = { .allowed_access = access };
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	attr.parent_fd = open(path, O_PATH | O_CLOEXEC);
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	err = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
	if (attr.parent_fd >= 0)
		close(attr.parent_fd);
	return err;
}

/*
 * A change, receive or answer through supervisor @sup, which supervises
 * this task: it must fail, with EPERM if the call is well-formed.
 */
static void use_own_supervisor(int sup)
{
	static const __u32 path_flags[] = {
		0,
		LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR,
		LANDLOCK_ADD_RULE_INTERSECT,
		LANDLOCK_ADD_RULE_INTERSECT | LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR,
		LANDLOCK_ADD_RULE_REPLACE,
		LANDLOCK_ADD_RULE_REPLACE | LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR,
		LANDLOCK_ADD_RULE_QUIET,
	};
	const int kind = rnd(11);
	bool well_formed = rnd(4) != 0;
	const __u32 flags =
		well_formed ? path_flags[rnd(sizeof(path_flags) / sizeof(path_flags[0]))] : rnd(32);
	const char *what = "";
	int operand = -1;
	long ret = 0;

	/* A well-formed call's operand: an ordinary ruleset. */
	if (kind == 5 || kind == 8) {
		operand = new_ruleset_with_rules();
		well_formed = well_formed && operand >= 0;
	}
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	switch (kind) {
	case 0 ... 3:
		what = "a path rule";
		ret = nested_rule(sup, rnd(2) ? "d" : "d/f0",
				  well_formed ? LANDLOCK_ACCESS_FS_READ_FILE : mask(fs_all), flags);
		break;
	case 4: {
		const struct landlock_net_port_attr attr = {
			.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
			.port = 20000 + rnd(4),
		};

		what = "a port rule";
		ret = syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_NET_PORT, &attr,
			      well_formed ? flags & LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR : flags);
		break;
	}
	case 5: {
		const struct landlock_ruleset_operand attr = { .operand = operand };

		what = "LANDLOCK_RULE_INTERSECT_RULESET";
		ret = syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_INTERSECT_RULESET, &attr,
			      well_formed ? flags & LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR : flags);
		break;
	}
	case 6:
		what = "LANDLOCK_IOCTL_COMMIT_SUPERVISOR";
		ret = ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, well_formed ? 0UL : 1UL);
		break;
	case 7:
		what = "LANDLOCK_IOCTL_CLEAR_SUPERVISOR";
		ret = ioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, well_formed ? 0UL : 1UL);
		break;
	case 8:
		what = "LANDLOCK_IOCTL_COMMIT_RULESET";
		ret = ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, well_formed ? &operand : NULL);
		break;
	case 9: {
		static __thread char buf[RECV_ROOM];
		struct landlock_supervisor_recv recv = {
			.events = (__u64)(uintptr_t)buf,
			.event_size = sizeof(struct landlock_supervisor_event),
			.count = 1 + rnd(4),
			.flags = rnd(4),
		};
		__u32 stride;

		what = "LANDLOCK_IOCTL_RECV_EVENTS";
		/* Without an event, a receive would block (without the check). */
		fcntl(sup, F_SETFL, O_NONBLOCK);
		if (!well_formed)
			random_recv(&recv, buf);
		stride = recv.event_size;
		ret = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, well_formed || rnd(4) ? &recv : NULL);
		if (ret > 0 && recv.events == (uintptr_t)buf)
			close_received(&recv, buf, ret, stride);
		break;
	}
	default: {
		struct landlock_supervisor_response response = {
			.cookie = rnd(64),
			.decision = LANDLOCK_SUPERVISOR_ALLOW,
		};

		/* Well-formed: a plain answer, or one that grants. */
		if (!well_formed) {
			random_response(&response, rnd(64));
		} else if (rnd(2)) {
			response.flags = LANDLOCK_RESPONSE_GRANT |
					 (rnd(2) ? LANDLOCK_RESPONSE_COMMIT_STAGED : 0);
			response.grant_access = LANDLOCK_ACCESS_FS_READ_FILE;
		}
		what = "LANDLOCK_IOCTL_SEND_RESPONSE";
		ret = ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE,
			    well_formed || rnd(4) ? &response : NULL);
		break;
	}
	}
	if (ret >= 0)
		fail("supervised task used its own supervisor: %s (%s flags %#x) returned %ld",
		     what, kind <= 5 ? "rule" : "unused", flags, ret);
	else if (errno == EPERM)
		__atomic_add_fetch(&stats->eperm, 1, __ATOMIC_RELAXED);
	/* Under fault injection, any step may fail first (e.g. opening the rule's path). */
	else if (well_formed && !fault_injection)
		fail("%s (%s flags %#x) through its own supervisor by a supervised task: %s, not EPERM",
		     what, kind <= 5 ? "rule" : "unused", flags, strerror(errno));
	if (operand >= 0)
		close(operand);
}

/* The owner of supervisor @sup, which it does not supervise, changes its rules. */
static void change_supervisor(int sup)
{
	static const char *const names[] = { "d", "d/f0", "d/f1" };
	const __u32 flags = rnd(2) ? LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR : 0;

	if (nested_rule(sup, names[rnd(3)], nested_fs & mask(fs_all), flags) && errno == EPERM)
		fail("a supervisor's owner, not supervised by it, got EPERM (rule flags %#x)",
		     flags);
}

/* The youngest task of a nested tree: accesses, and calls to its supervisors. */
static void __attribute__((noreturn)) nested_leaf(void)
{
	char path[128];
	int i;

	alarm(3);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "%s/d/%s%u", dir, rnd(2) ? "f" : "n", rnd(4));
		switch (rnd(5)) {
		case 0:
			close(open(path, O_RDONLY | O_CLOEXEC));
			break;
		case 1:
			mknod(path, S_IFREG | 0644, 0);
			break;
		case 2:
			unlink(path);
			break;
		case 3:
			bind_some_port();
			break;
		default:
			use_own_supervisor(held[rnd(num_held)]);
		}
	}
	_exit(0);
}

/*
 * Makes @r a response to @event that the kernel must refuse; returns the
 * error it gives, or 0 where it may take it.  Bad decisions, flags and
 * reserved fields, grant fields without LANDLOCK_RESPONSE_GRANT, a grant
 * with a denial, of no right, of rights not handled, of directory rights on
 * a file, with a port or a descriptor where none goes, a bad target.
 */
static int invalid_response(const struct landlock_supervisor_event *event,
			    struct landlock_supervisor_response *r)
{
	const bool net = event->type == LANDLOCK_EVENT_NET;
	/* The requester is visible (a child): the directory flag is told. */
	const bool file = !net && event->tgid && !(event->flags & LANDLOCK_EVENT_OBJECT_DIR);

	memset(r, 0, sizeof(*r));
	r->cookie = event->cookie;
	r->decision = LANDLOCK_SUPERVISOR_ALLOW;
	r->flags = LANDLOCK_RESPONSE_GRANT;
	r->grant_access = event->access;
	switch (rnd(11)) {
	case 0:
		r->decision = rnd(2) ? 0 : 3;
		return EINVAL;
	case 1:
		r->reserved = 1 + rnd(8);
		return EINVAL;
	case 2:
		r->flags |= 1U << (3 + rnd(29));
		return EINVAL;
	case 3: /* grant fields without a grant */
		r->flags = rnd(2) ? LANDLOCK_RESPONSE_GRANT_TARGET : 0;
		r->decision = LANDLOCK_SUPERVISOR_ALLOW + rnd(2);
		return r->flags ? EINVAL : event->access ? EINVAL : 0;
	case 4:
		r->decision = LANDLOCK_SUPERVISOR_DENY;
		return EINVAL;
	case 5:
		r->grant_access = 0;
		return ENOMSG;
	case 6:
		r->grant_access =
			net ? LANDLOCK_ACCESS_NET_CONNECT_TCP : LANDLOCK_ACCESS_FS_EXECUTE;
		return EINVAL;
	case 7: /* a port without a target */
		r->grant_port = 20000 + rnd(4);
		return EINVAL;
	case 8: /* a descriptor without a target */
		r->grant_fd = 1 + rnd(2);
		/*
		 * For a network event, the kernel of this series takes it
		 * (against "0 otherwise" in the header): not checked.
		 */
		return net ? 0 : EINVAL;
	case 9: /* a bad target */
		r->flags |= LANDLOCK_RESPONSE_GRANT_TARGET;
		if (net) {
			r->grant_port = 65536 + rnd(1000);
			return EINVAL;
		}
		r->grant_fd = rnd(2) ? -1 : 1000;
		return EBADF;
	default: /* creation rights on a file */
		if (!file)
			return 0;
		r->grant_access = LANDLOCK_ACCESS_FS_MAKE_REG;
		return EINVAL;
	}
}

/*
 * A valid answer to @event: allow after a commit that allows the access (two
 * steps), allow with a rule in the same call (on the event's object, or on
 * the directory or another port: LANDLOCK_RESPONSE_GRANT_TARGET; at random
 * with LANDLOCK_RESPONSE_COMMIT_STAGED), allow, or deny.
 */
static void answer_event(int sup, const struct landlock_supervisor_event *event)
{
	const bool net = event->type == LANDLOCK_EVENT_NET;
	struct landlock_supervisor_response response = {
		.cookie = event->cookie,
		.decision = LANDLOCK_SUPERVISOR_ALLOW,
	};
	const int answer = rnd(5);
	char path[128];
	long ret;

	if (answer == 0 && !net && event->object_fd >= 0) {
		const struct landlock_path_beneath_attr attr = {
			.allowed_access = event->access,
			.parent_fd = event->object_fd,
		};

		syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_PATH_BENEATH, &attr,
			LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
	} else if (answer == 0 && net) {
		const struct landlock_net_port_attr attr = {
			.allowed_access = event->access,
			.port = event->port,
		};

		syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_NET_PORT, &attr,
			LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
	} else if (answer == 1 || answer == 2) {
		response.flags =
			LANDLOCK_RESPONSE_GRANT | (rnd(2) ? LANDLOCK_RESPONSE_COMMIT_STAGED : 0);
		response.grant_access = event->access;
	}
	if (answer == 2) {
		response.flags |= LANDLOCK_RESPONSE_GRANT_TARGET;
		if (net) {
			response.grant_port = 20000 + rnd(4);
		} else {
			snprintf(path, sizeof(path), "%s/d", dir);
			response.grant_fd = open(path, O_PATH | O_CLOEXEC);
		}
	}
	if (answer == 4)
		response.decision = LANDLOCK_SUPERVISOR_DENY;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	ret = ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
	if (response.grant_fd > 0)
		close(response.grant_fd);
	if (ret && errno == EPERM)
		fail("a supervisor's owner, not supervised by it, got EPERM (answer)");
	/* A withdrawn event (requester killed): ENOENT. */
	else if (ret && errno != ENOENT && response.grant_fd >= 0 && !fault_injection)
		fail("answer %d (flags %#x) to an event (type %u, access %#llx): %s", answer,
		     response.flags, event->type, (unsigned long long)event->access,
		     strerror(errno));
	else if (!ret && response.flags)
		__atomic_add_fetch(&stats->grants, 1, __ATOMIC_RELAXED);
}

/*
 * Answers the events of @sup at random (see answer_event(), sometimes after
 * an answer the kernel must refuse) until @child ends, while calling the
 * supervisors that supervise this task.  Events come in batches of up to
 * four, with descriptors and paths or not.
 */
static void serve(int sup, pid_t child)
{
	static __thread char buf[RECV_ROOM];

	while (waitpid(child, NULL, WNOHANG) == 0) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };
		struct landlock_supervisor_recv recv = {
			.events = (__u64)(uintptr_t)buf,
			.count = 1 + rnd(4),
			.flags = rnd(4),
		};
		long n, i;
		/* The stride: the kernel writes back the size it fills in. */
		const __u32 stride = recv.flags & LANDLOCK_RECV_PATH || rnd(2)
					     ? sizeof(struct landlock_supervisor_event)
					     : LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0;

		recv.event_size = stride;
		if (num_held && rnd(4) == 0)
			use_own_supervisor(held[rnd(num_held)]);
		if (rnd(6) == 0)
			change_supervisor(sup);
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
		n = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
		if (n < 0) {
			if (errno == EPERM)
				fail("a supervisor's owner, not supervised by it, got EPERM (receive)");
			continue;
		}
		for (i = 0; i < n; i++) {
			struct landlock_supervisor_event event = {};
			struct landlock_supervisor_response invalid;
			int expected;

			memcpy(&event, buf + i * stride, stride);
			__atomic_add_fetch(&stats->events, 1, __ATOMIC_RELAXED);
			if (rnd(3) == 0) {
				expected = invalid_response(&event, &invalid);
				__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
				if (!ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &invalid)) {
					if (expected)
						fail("an invalid answer (flags %#x, access %#llx, port %llu, fd %d, reserved %u, decision %u) was taken",
						     invalid.flags,
						     (unsigned long long)invalid.grant_access,
						     (unsigned long long)invalid.grant_port,
						     invalid.grant_fd, invalid.reserved,
						     invalid.decision);
				} else if (expected && errno != expected && errno != ENOENT &&
					   !fault_injection) {
					fail("an invalid answer failed with %s, not %s",
					     strerror(errno), strerror(expected));
				}
			}
			answer_event(sup, &event);
			if (event.object_fd >= 0)
				close(event.object_fd);
			if (event.dest_fd >= 0)
				close(event.dest_fd);
		}
	}
}

struct self_sandbox {
	int sup, see;
	unsigned int seed;
};

/*
 * A thread of a supervisor's owner that sandboxes itself (only itself) in
 * this supervisor's layer, then calls it: the supervisor now supervises this
 * thread, but not the owner's other threads.
 */
static void *sandboxed_thread(void *data)
{
	const struct self_sandbox *const arg = data;
	int i;

	seed = arg->seed;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_landlock_restrict_self, arg->see, 0))
		return NULL;
	for (i = 0; i < 4; i++)
		use_own_supervisor(arg->sup);
	return NULL;
}

/*
 * Layer @level of a nested tree of @depth supervised layers: this process
 * (sandboxed by the layers before) creates the layer's notifying supervisor
 * and a child sandboxed in it, which keeps the supervisor's file descriptor
 * and makes the next layer or, in the last one, accesses files and ports.
 * Returns once the child ended.
 */
static void nested_layer(int level, int depth)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = nested_fs,
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
	};
	int sup, see, i;
	pid_t child;

	alarm(3);
	for (i = 0; i < num_held; i++)
		use_own_supervisor(held[i]);
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	sup = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
		      LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	if (sup < 0)
		return;
	i = fcntl(sup, F_DUPFD_CLOEXEC, NESTED_FD + level);
	close(sup);
	sup = i;
	see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	if (sup < 0 || see < 0)
		return;
	if (rnd(2))
		nested_rule(see, rnd(2) ? "d" : "d/f0", nested_fs & mask(fs_all), 0);
	change_supervisor(sup);
	if (rnd(3) == 0) {
		struct self_sandbox arg = { sup, see, rnd(1U << 31) };
		pthread_t thread;

		if (!pthread_create(&thread, NULL, sandboxed_thread, &arg))
			pthread_join(thread, NULL);
		/* This thread is not sandboxed: it may still change the supervisor. */
		change_supervisor(sup);
	}
	child = fuzz_fork();
	if (child == 0) {
		alarm(3);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (syscall(SYS_landlock_restrict_self, see, 0))
			_exit(0);
		close(see);
		/* Kept on purpose: a sandbox that forgot to close its supervisor. */
		held[num_held++] = sup;
		if (level + 1 < depth)
			nested_layer(level + 1, depth);
		else
			nested_leaf();
		_exit(0);
	}
	close(see);
	if (child > 0)
		serve(sup, child);
}

static void op_nested(void)
{
	const int depth = 2 + rnd(MAX_NESTED - 1);

	__atomic_add_fetch(&stats->nested, 1, __ATOMIC_RELAXED);
	if (fuzz_fork() == 0) {
		num_held = 0;
		nested_layer(0, depth);
		_exit(0);
	}
}

struct fuzz_thread {
	unsigned int seed;
	int id;
};

/* One fuzzing thread, until the time is up. */
static void *fuzz(void *data)
{
	const struct fuzz_thread *const arg = data;
	struct timespec now;

	seed = arg->seed;
	/*
	 * Under slab fault injection (tests/guest/faults.sh), this thread and
	 * the children it forks see allocation failures; the main thread,
	 * which waits for them, does not.
	 */
	if (fault_injection) {
		make_it_fail_fd = open_make_it_fail(arg->id);
		if (make_it_fail_fd < 0) {
			perror("uapi_fuzz: /proc/thread-self/make-it-fail");
			exit(2);
		}
		make_it_fail(true);
	}
	do {
		switch (rnd(23)) {
		case 0 ... 4:
			op_create();
			break;
		case 5 ... 11:
			op_add_rule();
			break;
		case 12 ... 15:
			op_ioctl();
			break;
		case 16:
			keep(fcntl(pick_fd(), F_DUPFD_CLOEXEC, 3));
			break;
		case 17: {
			const int slot = rnd(POOL);

			if (pool[slot] > 2)
				close(pool[slot]);
			pool[slot] = -1;
			break;
		}
		case 18:
			if (__atomic_load_n(&children, __ATOMIC_RELAXED) < 400) {
				op_fork();
				__atomic_add_fetch(&children, 1, __ATOMIC_RELAXED);
			}
			break;
		case 19:
			if (rnd(4) == 0 && __atomic_load_n(&children, __ATOMIC_RELAXED) < 400) {
				if (rnd(2))
					op_supervisor_death();
				else
					op_pass_fd();
				__atomic_add_fetch(&children, 1, __ATOMIC_RELAXED);
			}
			break;
		case 20:
			if (rnd(4) == 0)
				op_gc_cycle();
			break;
		case 21:
			op_compose_race();
			break;
		case 22:
			if (rnd(3) == 0 && __atomic_load_n(&children, __ATOMIC_RELAXED) < 400) {
				op_nested();
				__atomic_add_fetch(&children, 1, __ATOMIC_RELAXED);
			}
			break;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < deadline.tv_sec ||
		 (now.tv_sec == deadline.tv_sec && now.tv_nsec < deadline.tv_nsec));
	__atomic_store_n(&done[arg->id], true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A fuzzing thread that does not end a minute after the time is up: prints
 * what each thread waits on, and fails (the process may not be able to exit).
 */
static void __attribute__((noreturn)) hung(void)
{
	char path[300], line[256];
	DIR *tasks = opendir("/proc/self/task");
	const struct dirent *task;

	printf("uapi_fuzz: FAILED: a fuzzing thread still runs a minute after the end (deadlock?)\n");
	while (tasks && (task = readdir(tasks))) {
		static const char *const files[] = { "stat", "wchan", "stack" };
		unsigned int k;

		if (task->d_name[0] == '.')
			continue;
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/self/task/%s/%s", task->d_name,
				 files[k]);
			f = fopen(path, "re");
			while (f && fgets(line, sizeof(line), f))
				printf("uapi_fuzz: task %s %s: %s%s", task->d_name, files[k], line,
				       strchr(line, '\n') ? "" : "\n");
			if (f)
				fclose(f);
		}
	}
	fflush(stdout);
	_exit(1);
}

int main(int argc, char **argv)
{
	const unsigned int first_seed =
		argc > 2 ? (unsigned int)atoi(argv[2]) : (unsigned int)time(NULL);
	const int threads = argc > 3 ? atoi(argv[3]) : 1;
	const struct sigaction wake = { .sa_handler = wake_up };
	struct fuzz_thread args[MAX_THREADS];
	pthread_t ids[MAX_THREADS];
	char path[128];
	int i;

	seconds = argc > 1 ? atof(argv[1]) : 5;
	if (threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "uapi_fuzz: THREADS must be 1 to %d\n", MAX_THREADS);
		return 2;
	}
	printf("uapi_fuzz: %.0f s, seed %u, %d thread%s\n", seconds, first_seed, threads,
	       threads > 1 ? "s" : "");
	fflush(stdout);
	snprintf(dir, sizeof(dir), "/tmp/ll-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/d", dir);
	mkdir(path, 0755);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/d/f%d", dir, i);
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}
	for (i = 0; i < POOL; i++)
		pool[i] = -1;
	stats = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	if (stats == MAP_FAILED)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGUSR1, &wake, NULL);
	fault_injection = getenv("LL_FUZZ_MAKE_IT_FAIL") != NULL;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)seconds;
	deadline.tv_nsec += (long)((seconds - (time_t)seconds) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < threads; i++) {
		args[i] = (struct fuzz_thread){ first_seed + i * 7919, i };
		if (pthread_create(&ids[i], NULL, fuzz, &args[i]))
			return 2;
	}
	/*
	 * A thread may block in a receive on a supervisor that it found
	 * without O_NONBLOCK (another thread reused the number, or it was
	 * passed back): once the time is up, wake the threads until they end.
	 */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
		;
	for (i = 0; i < threads; i++) {
		int waits = 0;

		while (!__atomic_load_n(&done[i], __ATOMIC_ACQUIRE)) {
			pthread_kill(ids[i], SIGUSR1);
			usleep(10000);
			/* A minute: a deadlock (e.g. of two compositions). */
			if (++waits == 6000)
				hung();
		}
		pthread_join(ids[i], NULL);
	}
	/* Closing the supervisors releases whoever still waits. */
	for (i = 0; i < POOL; i++)
		if (pool[i] > 2)
			close(pool[i]);
	while (wait(NULL) > 0)
		;
	printf("uapi_fuzz: %lu calls, %lu children, %lu compositions in both orders, %lu nested trees (%lu events, %lu answers with a rule), %lu EPERM through a supervisor that supervises the caller\n",
	       calls, children, stats->compose, stats->nested, stats->events, stats->grants,
	       stats->eperm);
	if (stats->failures) {
		printf("uapi_fuzz: FAILED (seed %u): %lu failures\n", first_seed, stats->failures);
		return 1;
	}
	printf("uapi_fuzz: ok\n");
	return 0;
}
