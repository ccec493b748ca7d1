// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Round trip of a supervised access, per openat(), for each way to answer:
 *   landlock-2step     receive with the object's O_PATH fd
 *                      (LANDLOCK_RECV_OBJECT_FD), add a rule on it and commit
 *                      (one landlock_add_rule()), close the fd, answer ALLOW
 *   landlock-grant-fd  receive with the fd, answer ALLOW + GRANT (the kernel
 *                      adds and commits the rule on the event's object),
 *                      close the fd
 *   landlock-grant     receive without fd (flags 0), answer ALLOW + GRANT
 *   landlock-once      receive without fd, answer ALLOW without a grant: with
 *                      LANDLOCK_EVENT_ALLOW_ONCE, this open only is allowed
 *   seccomp            SECCOMP_RET_USER_NOTIF on openat, answered CONTINUE
 *   seccomp-sync       the same with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 * In the Landlock ways the denied open waits for the answer: in the access
 * check if the event has LANDLOCK_EVENT_ALLOW_ONCE (then it goes on, allowed),
 * else after the failed system call, which then restarts and succeeds
 * against the new rule.  After a grant, later opens of the file need nothing;
 * after a once-answer, each asks again.
 *
 * Modes: "first", each open is of a new file (every open needs the
 * supervisor); "repeat", one new file opened REPEAT times (a Landlock grant
 * lasts; a once-answer and a seccomp notification do not).
 *
 * Each way has its own sandboxed child, idle between batches; the parent
 * supervises them all, blocked in its receive call as a supervisor with one
 * descriptor would be.  ROUNDS short rounds, each with one batch per way and
 * mode in a rotated order, so that the machine's slow and fast phases (UML's
 * system call cost changes between phases) hit every way alike: a way's
 * ratio to seccomp is taken within each round, and its spread over rounds is
 * printed.
 *
 * Then BREAK_ROUNDS rounds of "first" batches with timestamps, for a
 * breakdown of one open.  The child stamps t0 before its openat and t5 after;
 * the supervisor waits in poll() and stamps when it returns, then after each
 * of its calls.  Steps (each includes about one timestamp's cost, "clock"):
 *   notify  t0 -> the supervisor's poll returns (for Landlock: the denied
 *           open's path walk and check, the event, the wake-up; for seccomp
 *           the filter at system call entry and the wake-up)
 *   recv    the receive ioctl (an event is pending: its own work)
 *   rule    landlock-2step: landlock_add_rule() with the commit
 *   close   closing the event's object fd (landlock-2step before the answer,
 *           landlock-grant-fd after it)
 *   answer  the answer ioctl (with the grant for landlock-grant*); on one
 *           CPU (UML) the woken child may run before it returns, and this
 *           then includes the child's return
 *   tail    the answer's start -> the child's openat returns: the answer,
 *           the wake-up, then for Landlock the rest of the open after its
 *           check (an event with LANDLOCK_EVENT_ALLOW_ONCE) or the restarted
 *           open (path walk and check again; an event without it), for
 *           seccomp the continued open (its only walk)
 *   total   t0 -> t5 (notify + recv + rule + close + tail for
 *           landlock-2step, notify + recv + tail for the others)
 *   reopen  (Landlock ways that grant) an open of an already granted file
 *           in the sandbox: a sandboxed open that needs no supervisor
 *   plain   an open of the same file by the unsandboxed parent
 *   clock   one timestamp (CLOCK_MONOTONIC; a system call in UML)
 *
 * With the argument "one-cpu", every process runs on CPU 0 (wake-ups never
 * cross CPUs), and the first word of each line ends with "-1cpu".
 *
 * Output (times in ns):
 *   rtt WAY MODE median min max                per open: median of the
 *                                              rounds' figures, extremes
 *   rttratio WAY MODE BASE median min max N LE1 Q1 Q3
 *                                              per-round ratio WAY / BASE;
 *                                              LE1 rounds of N were <= 1;
 *                                              quartiles Q1 and Q3
 *   rttstep WAY STEP median min max N          median of each round's
 *                                              median, extremes over rounds
 *   rttplain WAY DENIALS OPENS                 opens denied without an
 *                                              event, then retried
 *                                              (see child_loop())
 *   rttflags WAY EVENTS NO_ONCE CREATED        events received, those
 *                                              without
 *                                              LANDLOCK_EVENT_ALLOW_ONCE,
 *                                              those with
 *                                              LANDLOCK_EVENT_CREATED
 *                                              (none: no O_CREAT)
 *   rtt WAY failed REASON                      the way did not work
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

/* Debian 12's <linux/seccomp.h> (6.1) lacks these (kernel uapi, 6.6). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define ROUNDS bench_count(51, 2)
#define FIRST bench_count(20, 3)
#define REPEAT bench_count(100, 3)
#define BREAK_ROUNDS bench_count(15, 2)
#define MAX_ROUNDS 64
#define MAX_BATCH 128
#define RECV_COUNT 8
#define DIR "/tmp/ll-bench-rtt"

enum way { LL_2STEP, LL_GRANT_FD, LL_GRANT, LL_ONCE, SECCOMP, SECCOMP_SYNC, NWAYS };
static const char *const way_names[] = { "landlock-2step", "landlock-grant-fd", "landlock-grant",
					 "landlock-once",  "seccomp",		"seccomp-sync" };
enum mode { FIRST_MODE, REPEAT_MODE, NMODES };
static const char *const mode_names[] = { "first", "repeat" };
enum step { NOTIFY, RECV, RULE, CLOSE, ANSWER, TAIL, TOTAL, REOPEN, PLAIN, CLOCK, NSTEPS };
static const char *const step_names[] = { "notify", "recv",  "rule",   "close", "answer",
					  "tail",   "total", "reopen", "plain", "clock" };

static bool is_landlock(enum way way)
{
	return way <= LL_ONCE;
}

/* A Landlock way whose answer lasts (a rule): later opens need nothing. */
static bool grants(enum way way)
{
	return way <= LL_GRANT;
}

/* A batch for a child: COUNT opens (0: exit), timed one by one if TIMED. */
struct command {
	int mode, round, count, timed;
};

/*
 * A child's answer: the batch's time, its plain denials (see child_loop()),
 * then with TIMED 3 arrays of COUNT.
 */
struct batch_times {
	double batch, plain_denials, t0[MAX_BATCH], t5[MAX_BATCH], reopen[MAX_BATCH];
};

/* What an untimed batch sends: the first two fields. */
#define UNTIMED_LEN offsetof(struct batch_times, t0)

struct side {
	pid_t pid;
	int cmd, rep, fd; /* to the child, from the child, supervisor or listener */
	const char *failed;
};

static struct side sides[NWAYS];
/* Appended to the first word of each line: "-1cpu" when pinned to CPU 0. */
static const char *tag = "";
/* Per way: opens asked for, and opens denied without an event. */
static double opens[NWAYS], plain_denials[NWAYS];
/*
 * Per Landlock way: events received, those without LANDLOCK_EVENT_ALLOW_ONCE
 * (the open did not wait in its check), those with LANDLOCK_EVENT_CREATED.
 */
static unsigned long events_seen[NWAYS], events_no_once[NWAYS], events_created[NWAYS];

static void path_of(char *buf, size_t len, enum way way, enum mode mode, int round, int i)
{
	snprintf(buf, len, DIR "/%d/%s-%d-%d", way, mode_names[mode], round,
		 mode == REPEAT_MODE ? 0 : i);
}

static void on_alarm(int sig)
{
	static const char msg[] = "rtt watchdog failed (a batch took over 120 s)\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* The sandboxed side: runs batches until told to stop. */
static void child_loop(enum way way, int cmd_fd, int rep_fd)
{
	static struct batch_times times;
	struct command c;
	char path[128];

	while (read(cmd_fd, &c, sizeof(c)) == sizeof(c) && c.count > 0) {
		const double start = now_ns();
		size_t len = UNTIMED_LEN;
		int i, fd, tries;

		times.plain_denials = 0;
		for (i = 0; i < c.count; i++) {
			path_of(path, sizeof(path), way, c.mode, c.round, i);
			if (c.timed)
				times.t0[i] = now_ns();
			fd = open(path, O_RDONLY | O_CLOEXEC);
			/*
			 * A denial that should have waited for the supervisor
			 * but came back as a plain EACCES, without an event
			 * (seen under QEMU with 2 CPUs, about once in 10,000
			 * opens): counted, and the open is tried again, which
			 * sends the event.
			 */
			for (tries = 0; fd < 0 && errno == EACCES && is_landlock(way) && tries < 3;
			     tries++) {
				times.plain_denials++;
				fd = open(path, O_RDONLY | O_CLOEXEC);
			}
			if (c.timed)
				times.t5[i] = now_ns();
			if (fd < 0)
				_exit(3);
			close(fd);
		}
		times.batch = now_ns() - start;
		if (c.timed) {
			/*
			 * The granted files again: a sandboxed open without
			 * event (not after once-answers: they would ask again).
			 */
			for (i = 0; i < c.count && grants(way); i++) {
				const double t = now_ns();

				path_of(path, sizeof(path), way, c.mode, c.round, i);
				fd = open(path, O_RDONLY | O_CLOEXEC);
				times.reopen[i] = now_ns() - t;
				if (fd < 0)
					_exit(3);
				close(fd);
			}
			len = sizeof(times);
		}
		if (write(rep_fd, &times, len) != (ssize_t)len)
			_exit(4);
	}
	_exit(0);
}

/* In the child of WAY: the descriptors of the sides made before it. */
static void close_other_sides(enum way way)
{
	int w;

	for (w = 0; w < (int)way; w++) {
		close(sides[w].cmd);
		close(sides[w].rep);
		close(sides[w].fd);
	}
}

/*
 * Forks the child of WAY with its pipes: returns as fork() does, with the
 * child's ends in *CMD and *REP in the child.
 */
static pid_t fork_side(enum way way, int *cmd, int *rep)
{
	struct side *const s = &sides[way];
	int to_child[2], from_child[2];

	if (pipe(to_child) || pipe(from_child))
		return s->pid = -1;
	s->pid = fork();
	if (s->pid == 0) {
		close_other_sides(way);
		close(to_child[1]);
		close(from_child[0]);
		*cmd = to_child[0];
		*rep = from_child[1];
		return 0;
	}
	close(to_child[0]);
	close(from_child[1]);
	s->cmd = to_child[1];
	s->rep = from_child[0];
	return s->pid;
}

static int start_landlock(enum way way)
{
	struct side *const s = &sides[way];
	int cmd, rep;

	s->fd = ll_create(LANDLOCK_ACCESS_FS_READ_FILE, 0,
			  LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	if (s->fd < 0)
		return -1;
	if (fork_side(way, &cmd, &rep) == 0) {
		const int see = ll_supervisee(s->fd);

		close(s->fd);
		if (see < 0 || ll_enforce(see))
			_exit(2);
		close(see);
		child_loop(way, cmd, rep);
	}
	return s->pid < 0 ? -1 : 0;
}

static int start_seccomp(enum way way)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	const struct sock_fprog prog = { .len = 4, .filter = filter };
	struct side *const s = &sides[way];
	int cmd, rep, remote_fd, pidfd;

	if (fork_side(way, &cmd, &rep) == 0) {
		int fd;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(2);
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			     &prog);
		if (fd < 0 || write(rep, &fd, sizeof(fd)) != sizeof(fd))
			_exit(2);
		/* The parent takes the listener with pidfd_getfd(), then says go. */
		if (read(cmd, &fd, sizeof(fd)) != sizeof(fd))
			_exit(2);
		close(fd);
		child_loop(way, cmd, rep);
	}
	if (s->pid < 0 || read(s->rep, &remote_fd, sizeof(remote_fd)) != sizeof(remote_fd))
		return -1;
	pidfd = syscall(SYS_pidfd_open, s->pid, 0);
	s->fd = syscall(SYS_pidfd_getfd, pidfd, remote_fd, 0);
	close(pidfd);
	if (s->fd < 0)
		return -1;
	if (way == SECCOMP_SYNC &&
	    ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP))
		return -1;
	return write(s->cmd, &remote_fd, sizeof(remote_fd)) == sizeof(remote_fd) ? 0 : -1;
}

/* Per event of a timed batch: stamps after poll() and after each call. */
struct stamps {
	double wake, after[4];
};

static int answer_landlock(enum way way, int fd, __u64 cookie, int object_fd, double *after)
{
	struct landlock_supervisor_response response = {
		.cookie = cookie,
		.decision = LANDLOCK_SUPERVISOR_ALLOW,
	};
	int n = 0;

	if (way == LL_2STEP) {
		const struct landlock_path_beneath_attr rule = {
			.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
			.parent_fd = object_fd,
		};

		if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &rule,
			    LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR))
			return -1;
		if (after)
			after[n++] = now_ns();
		close(object_fd);
		if (after)
			after[n++] = now_ns();
	} else if (way != LL_ONCE) {
		response.flags = LANDLOCK_RESPONSE_GRANT;
		response.grant_access = LANDLOCK_ACCESS_FS_READ_FILE;
	}
	if (ioctl(fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response))
		return -1;
	if (after)
		after[n++] = now_ns();
	if (way == LL_GRANT_FD) {
		close(object_fd);
		if (after)
			after[n++] = now_ns();
	}
	return 0;
}

/*
 * Answers EVENTS events of WAY's child; with ST, waits in poll() first and
 * stamps each step.  Returns 0, or -1 (s->failed says why).
 */
static int serve(enum way way, int events, struct stamps *st)
{
	/* Elements of the size this program reads: no path asked for. */
	static unsigned char buf[RECV_COUNT][LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0]
		__attribute__((aligned(8)));
	struct side *const s = &sides[way];
	int e = 0;

	while (e < events) {
		if (st) {
			struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

			if (poll(&pfd, 1, -1) != 1) {
				s->failed = "poll";
				return -1;
			}
			st[e].wake = now_ns();
		}
		if (is_landlock(way)) {
			struct landlock_supervisor_recv recv = {
				.events = (uintptr_t)buf,
				.event_size = sizeof(buf[0]),
				.count = RECV_COUNT,
				.flags = way >= LL_GRANT ? 0 : LANDLOCK_RECV_OBJECT_FD,
			};
			const int n = ioctl(s->fd, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
			int i;

			if (n < 1 || n > RECV_COUNT || e + n > events) {
				s->failed = n < 1 ? "receive" : "unexpected-events";
				return -1;
			}
			if (st)
				st[e].after[0] = now_ns();
			for (i = 0; i < n; i++, e++) {
				struct landlock_supervisor_event event;

				memcpy(&event, buf[i], sizeof(buf[i]));
				if ((way >= LL_GRANT) != (event.object_fd < 0)) {
					s->failed = "object-fd";
					return -1;
				}
				events_seen[way]++;
				events_no_once[way] += !(event.flags & LANDLOCK_EVENT_ALLOW_ONCE);
				events_created[way] += !!(event.flags & LANDLOCK_EVENT_CREATED);
				/*
				 * Without the flag (a kernel without in-hook
				 * waits), ALLOW without a grant leaves the
				 * denial: the way cannot work.  Denied, its
				 * child is left waiting and killed at the end.
				 */
				if (way == LL_ONCE && !(event.flags & LANDLOCK_EVENT_ALLOW_ONCE)) {
					const struct landlock_supervisor_response deny = {
						.cookie = event.cookie,
						.decision = LANDLOCK_SUPERVISOR_DENY,
					};

					ioctl(s->fd, LANDLOCK_IOCTL_SEND_RESPONSE, &deny);
					s->failed = "no-allow-once";
					return -1;
				}
				if (answer_landlock(way, s->fd, event.cookie, event.object_fd,
						    st ? st[e].after + 1 : NULL)) {
					s->failed = "answer";
					return -1;
				}
			}
		} else {
			struct seccomp_notif req = {};
			struct seccomp_notif_resp resp = {};

			if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
				s->failed = "receive";
				return -1;
			}
			if (st)
				st[e].after[0] = now_ns();
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp)) {
				s->failed = "answer";
				return -1;
			}
			if (st)
				st[e].after[1] = now_ns();
			e++;
		}
	}
	return 0;
}

/* Runs one batch of WAY; returns its time per open, or -1. */
static double batch(enum way way, enum mode mode, int round, int count, struct batch_times *times,
		    struct stamps *st)
{
	struct side *const s = &sides[way];
	const struct command c = { mode, round, count, st != NULL };
	const int events = mode == REPEAT_MODE && grants(way) ? 1 : count;
	const size_t len = st ? sizeof(*times) : UNTIMED_LEN;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	if (s->failed)
		return -1;
	alarm(120);
	if (write(s->cmd, &c, sizeof(c)) != sizeof(c)) {
		s->failed = "child";
		return -1;
	}
	if (serve(way, events, st)) {
		alarm(0);
		return -1;
	}
	if (read(s->rep, times, len) != (ssize_t)len) {
		alarm(0);
		s->failed = "child";
		return -1;
	}
	alarm(0);
	plain_denials[way] += times->plain_denials;
	opens[way] += count;
	/* Exactly the expected events: none left over. */
	if (poll(&pfd, 1, 0) != 0) {
		s->failed = "extra-events";
		return -1;
	}
	return times->batch / count;
}

static void fail_line(enum way way)
{
	static bool printed[NWAYS];

	if (!printed[way])
		printf("rtt%s %s failed %s\n", tag, way_names[way], sides[way].failed);
	printed[way] = true;
}

/*
 * PREFIX, then the median, min and max of V, and N; for ratios, with 3
 * decimals, then how many of the N are at most 1, and the first and third
 * quartiles.
 */
static void print_spread(const char *prefix, double *v, int n, bool ratio)
{
	const double m = median(v, n);
	int i, at_most_1 = 0;

	for (i = 0; i < n; i++)
		at_most_1 += v[i] <= 1.0;
	if (ratio)
		printf("%s %.3f %.3f %.3f %d %d %.3f %.3f\n", prefix, m, v[0], v[n - 1], n,
		       at_most_1, v[n / 4], v[(3 * n) / 4]);
	else
		printf("%s %.0f %.0f %.0f %d\n", prefix, m, v[0], v[n - 1], n);
}

static double per_open[NWAYS][NMODES][MAX_ROUNDS];

static void ratio_rounds(void)
{
	static struct batch_times times;
	int r, j, m, w;

	for (r = 0; r < ROUNDS; r++)
		for (m = 0; m < NMODES; m++)
			for (j = 0; j < NWAYS; j++) {
				const enum way way = (r + j) % NWAYS;

				per_open[way][m][r] =
					batch(way, m, r, m ? REPEAT : FIRST, &times, NULL);
			}
	for (w = 0; w < NWAYS; w++) {
		if (sides[w].failed) {
			fail_line(w);
			continue;
		}
		for (m = 0; m < NMODES; m++) {
			double v[MAX_ROUNDS];

			memcpy(v, per_open[w][m], sizeof(v));
			{
				const double med = median(v, ROUNDS);

				printf("rtt%s %s %s %.0f %.0f %.0f\n", tag, way_names[w],
				       mode_names[m], med, v[0], v[ROUNDS - 1]);
			}
		}
	}
	for (w = 0; w < NWAYS; w++)
		for (m = 0; m < NMODES; m++) {
			const enum way bases[] = { SECCOMP, SECCOMP_SYNC };
			unsigned int b;

			for (b = 0; b < 2; b++) {
				double v[MAX_ROUNDS];
				char prefix[128];

				if (bases[b] == (enum way)w || sides[w].failed ||
				    sides[bases[b]].failed)
					continue;
				for (r = 0; r < ROUNDS; r++)
					v[r] = per_open[w][m][r] / per_open[bases[b]][m][r];
				snprintf(prefix, sizeof(prefix), "rttratio%s %s %s %s", tag,
					 way_names[w], mode_names[m], way_names[bases[b]]);
				print_spread(prefix, v, ROUNDS, true);
			}
		}
	fflush(stdout);
}

/* Round medians of each step, per way. */
static double steps[NWAYS][NSTEPS][MAX_ROUNDS];

static void record_steps(enum way way, int round, int count, const struct batch_times *t,
			 const struct stamps *st)
{
	double v[NSTEPS][MAX_BATCH];
	char path[128];
	int i, k;

	for (i = 0; i < count; i++) {
		const double *a = st[i].after;
		double answering;

		v[NOTIFY][i] = st[i].wake - t->t0[i];
		v[RECV][i] = a[0] - st[i].wake;
		v[RULE][i] = way == LL_2STEP ? a[1] - a[0] : 0;
		switch (way) {
		case LL_2STEP:
			v[CLOSE][i] = a[2] - a[1];
			v[ANSWER][i] = a[3] - a[2];
			answering = a[2];
			break;
		case LL_GRANT_FD:
			v[ANSWER][i] = a[1] - a[0];
			v[CLOSE][i] = a[2] - a[1];
			answering = a[0];
			break;
		default:
			v[CLOSE][i] = 0;
			v[ANSWER][i] = a[1] - a[0];
			answering = a[0];
			break;
		}
		v[TAIL][i] = t->t5[i] - answering;
		v[TOTAL][i] = t->t5[i] - t->t0[i];
		v[REOPEN][i] = grants(way) ? t->reopen[i] : 0;
		{
			/* The same file, opened by the unsandboxed parent. */
			const double start = now_ns();
			int fd;

			path_of(path, sizeof(path), way, FIRST_MODE, round, i);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			v[PLAIN][i] = now_ns() - start;
			close(fd);
		}
		{
			const double start = now_ns();

			v[CLOCK][i] = now_ns() - start;
		}
	}
	for (k = 0; k < NSTEPS; k++)
		steps[way][k][round - ROUNDS] = median(v[k], count);
}

static void breakdown_rounds(void)
{
	static struct batch_times times;
	static struct stamps st[MAX_BATCH];
	int r, j, w, k;

	for (r = ROUNDS; r < ROUNDS + BREAK_ROUNDS; r++)
		for (j = 0; j < NWAYS; j++) {
			const enum way way = (r + j) % NWAYS;

			if (batch(way, FIRST_MODE, r, FIRST, &times, st) >= 0)
				record_steps(way, r, FIRST, &times, st);
		}
	for (w = 0; w < NWAYS; w++) {
		if (sides[w].failed) {
			fail_line(w);
			continue;
		}
		for (k = 0; k < NSTEPS; k++) {
			char prefix[128];

			snprintf(prefix, sizeof(prefix), "rttstep%s %s %s", tag, way_names[w],
				 step_names[k]);
			print_spread(prefix, steps[w][k], BREAK_ROUNDS, false);
		}
	}
	fflush(stdout);
}

/*
 * "rttplain WAY DENIALS OPENS": plain denials retried (see child_loop());
 * "rttflags WAY EVENTS NO_ONCE CREATED": the events' flags (see serve()).
 */
static void plain_denial_lines(void)
{
	int w;

	for (w = 0; w < NWAYS; w++) {
		if (is_landlock(w) && !sides[w].failed)
			printf("rttplain%s %s %.0f %.0f\n", tag, way_names[w], plain_denials[w],
			       opens[w]);
		if (is_landlock(w))
			printf("rttflags%s %s %lu %lu %lu\n", tag, way_names[w], events_seen[w],
			       events_no_once[w], events_created[w]);
	}
}

static void make_files(void)
{
	char path[128];
	int w, r, i;

	mkdir(DIR, 0755);
	for (w = 0; w < NWAYS; w++) {
		snprintf(path, sizeof(path), DIR "/%d", w);
		mkdir(path, 0755);
		for (r = 0; r < ROUNDS + BREAK_ROUNDS; r++) {
			for (i = 0; i < FIRST; i++) {
				path_of(path, sizeof(path), w, FIRST_MODE, r, i);
				close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
			}
			path_of(path, sizeof(path), w, REPEAT_MODE, r, 0);
			close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		}
	}
}

int main(int argc, char **argv)
{
	const struct command stop = { 0, 0, 0, 0 };
	int w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "one-cpu")) {
		cpu_set_t cpus;

		/* Every process on CPU 0 (the children inherit it). */
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
			printf("rtt-1cpu failed: sched_setaffinity: %s\n", strerror(errno));
			return 1;
		}
		tag = "-1cpu";
	}
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	make_files();
	for (w = 0; w < NWAYS; w++) {
		const int err = is_landlock(w) ? start_landlock(w) : start_seccomp(w);

		if (err) {
			printf("# %s setup: %s\n", way_names[w], strerror(errno));
			sides[w].failed = "setup";
		}
	}
	ratio_rounds();
	breakdown_rounds();
	plain_denial_lines();
	for (w = 0; w < NWAYS; w++) {
		if (sides[w].pid <= 0)
			continue;
		if (write(sides[w].cmd, &stop, sizeof(stop)) != sizeof(stop) || sides[w].failed)
			kill(sides[w].pid, SIGKILL);
		waitpid(sides[w].pid, NULL, 0);
	}
	return 0;
}
