// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Round trip of a supervised access, per openat():
 *   landlock   denied open -> event -> the supervisor grants the file and
 *              commits -> answer -> the restarted open succeeds
 *   seccomp    SECCOMP_RET_USER_NOTIF on openat, answered with CONTINUE
 *   seccomp-sync  the same with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 * Each batch opens FILES new files ("first": every open needs the
 * supervisor), or one new file FILES times ("repeat": a Landlock grant lasts,
 * a seccomp notification does not).
 * Prints "rtt WAY MODE median_ns min max" (per open, over REPS batches).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common.h"

#define FILES bench_count(200, 5)
#define REPS 5

static char dir[64];
static bool repeat;

static void path_of(char *buf, size_t len, int rep, int i)
{
	snprintf(buf, len, "%s/f%d-%d", dir, rep, repeat ? 0 : i);
}

/* The sandboxed side: opens FILES new files per batch, reports times. */
static void opener(int report_fd)
{
	double per_open[REPS];
	char path[128];
	int rep, i;

	for (rep = 0; rep < REPS; rep++) {
		const double start = now_ns();

		for (i = 0; i < FILES; i++) {
			int fd;

			path_of(path, sizeof(path), rep, i);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				_exit(3);
			close(fd);
		}
		per_open[rep] = (now_ns() - start) / FILES;
	}
	if (write(report_fd, per_open, sizeof(per_open)) != sizeof(per_open))
		_exit(4);
	_exit(0);
}

static void report(const char *way, int fd, pid_t child)
{
	double per_open[REPS];
	int status;

	if (read(fd, per_open, sizeof(per_open)) != sizeof(per_open)) {
		printf("rtt %s failed\n", way);
	} else {
		const double m = median(per_open, REPS);

		printf("rtt %s %s %.0f %.0f %.0f\n", way, repeat ? "repeat" : "first", m,
		       per_open[0], per_open[REPS - 1]);
	}
	waitpid(child, &status, 0);
	fflush(stdout);
}

static void landlock_rtt(void)
{
	const int sup =
		ll_create(LANDLOCK_ACCESS_FS_READ_FILE, 0,
			  LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	int pipe_fds[2];
	pid_t child;

	if (sup < 0 || pipe(pipe_fds))
		return;
	child = fork();
	if (child == 0) {
		const int see = ll_supervisee(sup);

		close(sup);
		if (ll_enforce(see))
			_exit(2);
		opener(pipe_fds[1]);
	}
	close(pipe_fds[1]);
	for (;;) {
		struct landlock_supervisor_event event;
		struct landlock_supervisor_response response = {};
		struct pollfd pfd[2] = { { .fd = sup, .events = POLLIN },
					 { .fd = pipe_fds[0], .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0 || pfd[1].revents)
			break;
		if (ioctl(sup, LANDLOCK_IOCTL_RECV_EVENT, &event))
			continue;
		/* Grants exactly this file, then commits with the rule. */
		struct landlock_path_beneath_attr rule = {
			.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
			.parent_fd = event.object_fd,
		};
		syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_PATH_BENEATH, &rule,
			LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR);
		close(event.object_fd);
		response.cookie = event.cookie;
		response.decision = LANDLOCK_SUPERVISOR_ALLOW;
		ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
	}
	report("landlock", pipe_fds[0], child);
	close(sup);
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void seccomp_rtt(const bool sync)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = filter };
	int pipe_fds[2], sock[2], notify_fd = -1;
	pid_t child;

	if (pipe(pipe_fds) || socketpair(AF_UNIX, SOCK_STREAM, 0, sock))
		return;
	child = fork();
	if (child == 0) {
		int fd;

		close(sock[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(2);
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			     &prog);
		if (fd < 0 || write(sock[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(2);
		/* The parent takes the listener through pidfd_getfd(). */
		if (read(sock[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(2);
		opener(pipe_fds[1]);
	}
	close(pipe_fds[1]);
	{
		int remote_fd, pidfd;

		if (read(sock[0], &remote_fd, sizeof(remote_fd)) != sizeof(remote_fd))
			return;
		pidfd = syscall(SYS_pidfd_open, child, 0);
		notify_fd = syscall(SYS_pidfd_getfd, pidfd, remote_fd, 0);
		close(pidfd);
		if (notify_fd < 0) {
			printf("rtt seccomp%s unavailable (%s)\n", sync ? "-sync" : "",
			       strerror(errno));
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			return;
		}
		if (sync && ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
				  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP))
			printf("# seccomp sync wake-up unavailable: %s\n", strerror(errno));
		if (write(sock[0], &remote_fd, sizeof(remote_fd)) != sizeof(remote_fd))
			return;
	}
	for (;;) {
		struct seccomp_notif req = {};
		struct seccomp_notif_resp resp = {};
		struct pollfd pfd[2] = { { .fd = notify_fd, .events = POLLIN },
					 { .fd = pipe_fds[0], .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0 || pfd[1].revents)
			break;
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req))
			continue;
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	report(sync ? "seccomp-sync" : "seccomp", pipe_fds[0], child);
	close(notify_fd);
}

int main(void)
{
	char path[128];
	int rep, i;

	for (i = 0; i < 2; i++) {
		repeat = i;
		/* New files for each mode: Landlock grants last. */
		snprintf(dir, sizeof(dir), "/tmp/ll-bench-rtt%d", i);
		mkdir(dir, 0755);
		for (rep = 0; rep < REPS; rep++) {
			int f;

			for (f = 0; f < FILES; f++) {
				path_of(path, sizeof(path), rep, f);
				close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
			}
		}
		landlock_rtt();
		seccomp_rtt(false);
		seccomp_rtt(true);
	}
	return 0;
}
