// SPDX-License-Identifier: BSD-3-Clause
/*
 * Simple interactive Landlock supervisor: executes a process that may only
 * read and execute files, and asks the user whether to allow each access that
 * this sandbox denies.
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#define _GNU_SOURCE
#define __SANE_USERSPACE_TYPES__
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <linux/prctl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef landlock_create_ruleset
static inline int
landlock_create_ruleset(const struct landlock_ruleset_attr *const attr,
			const size_t size, const __u32 flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}
#endif

#ifndef landlock_add_rule
static inline int landlock_add_rule(const int ruleset_fd,
				    const enum landlock_rule_type rule_type,
				    const void *const rule_attr,
				    const __u32 flags)
{
	return syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, rule_attr,
		       flags);
}
#endif

#ifndef landlock_restrict_self
static inline int landlock_restrict_self(const int ruleset_fd,
					 const __u32 flags)
{
	return syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */

#define ACCESS_FILE ( \
	LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE | \
	LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* clang-format on */

/* All the filesystem access rights of the Landlock ABI 5 and 6. */
#define ACCESS_FS_ALL ((LANDLOCK_ACCESS_FS_IOCTL_DEV << 1) - 1)
#define ACCESS_NET_ALL \
	(LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)

/* Rights of the supervisee ruleset itself, which are never revoked. */
#define ACCESS_ROOT                                                  \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_READ_DIR)
/* Also truncation for shell redirections, ioctl for terminal settings. */
#define ACCESS_DEV (ACCESS_FILE & ~LANDLOCK_ACCESS_FS_EXECUTE)

#define FEATURES_NEEDED (LANDLOCK_FEATURE_SUPERVISOR | LANDLOCK_FEATURE_NOTIFY)

/* Names of the access rights, indexed by bit number. */
static const char *const fs_names[] = {
	"execute",  "write_file",  "read_file", "read_dir",
	"remove_dir", "remove_file", "make_char", "make_dir",
	"make_reg", "make_sock",   "make_fifo", "make_block",
	"make_sym", "refer",       "truncate",  "ioctl_dev",
};

static const char *const net_names[] = { "bind", "connect" };

static const char help[] =
	"usage: %s [--] COMMAND [ARGS...]\n"
	"\n"
	"Execute COMMAND in a Landlock sandbox which may only read and execute\n"
	"files (and use /dev/null and /dev/tty), and ask on the terminal whether\n"
	"to allow each access that this sandbox denies.\n";

static void print_access(__u64 access, const char *const names[],
			 const size_t num_names)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < num_names; i++) {
		if (!(access & (1ULL << i)))
			continue;
		fprintf(stderr, "%s%s", sep, names[i]);
		access &= ~(1ULL << i);
		sep = ",";
	}
	if (access)
		fprintf(stderr, "%s0x%llx", sep, access);
}

/*
 * Writes the path of @fd in @buf, for display.  Returns true if it is a
 * complete path.
 */
static bool fd_path(const int fd, char *const buf, const size_t size)
{
	char proc_path[64];
	ssize_t len;

	if (fd < 0) {
		snprintf(buf, size, "(unknown)");
		return false;
	}
	snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", fd);
	len = readlink(proc_path, buf, size - 1);
	if (len < 0) {
		snprintf(buf, size, "(fd %d)", fd);
		return false;
	}
	buf[len] = '\0';
	return (size_t)len < size - 1 && buf[0] == '/';
}

static void print_object(const int fd, const char *const name)
{
	char path[PATH_MAX];
	bool sep;

	fd_path(fd, path, sizeof(path));
	sep = name[0] && path[0] && path[strlen(path) - 1] != '/';
	fprintf(stderr, "%s%s%s", path, sep ? "/" : "", name);
}

static void print_event(const struct landlock_supervisor_event *const event)
{
	fprintf(stderr, "landlock: pid %d wants ", event->tgid);
	if (event->type == LANDLOCK_EVENT_NET) {
		fprintf(stderr, "tcp ");
		print_access(event->access, net_names, ARRAY_SIZE(net_names));
		fprintf(stderr, " port %llu\n", event->port);
		return;
	}
	print_access(event->access, fs_names, ARRAY_SIZE(fs_names));
	fprintf(stderr, " on ");
	print_object(event->object_fd, event->name);
	if (event->dest_fd >= 0) {
		fprintf(stderr, " (and ");
		print_object(event->dest_fd, event->dest_name);
		fprintf(stderr, ")");
	}
	fprintf(stderr, "\n");
}

/* Returns the first character of the user's answer, or 'n'. */
static char ask_user(FILE **const tty)
{
	char line[64], answer;

	if (!*tty)
		*tty = fopen("/dev/tty", "r+e");
	if (!*tty) {
		perror("landlock: cannot open /dev/tty, denying");
		return 'n';
	}
	fprintf(*tty, "allow? [y/N/a=always for this directory tree] ");
	if (fflush(*tty) || !fgets(line, sizeof(line), *tty)) {
		fprintf(stderr, "landlock: no answer, denying\n");
		clearerr(*tty);
		return 'n';
	}
	answer = line[0];
	/* Skips the rest of a long line. */
	while (!strchr(line, '\n') && fgets(line, sizeof(line), *tty))
		;
	return answer;
}

/*
 * Opens the directory containing the file @fd, checking that the file is still
 * there.  Returns an O_PATH file descriptor, or -1.
 */
static int open_parent(const int fd)
{
	char path[PATH_MAX];
	struct stat file_stat, entry_stat;
	const char *dir;
	char *slash;
	int dir_fd;

	if (!fd_path(fd, path, sizeof(path))) {
		fprintf(stderr, "landlock: cannot find the directory of %s\n",
			path);
		return -1;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	dir = path[0] ? path : "/";
	dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		fprintf(stderr, "landlock: failed to open \"%s\": %s\n", dir,
			strerror(errno));
		return -1;
	}
	/* The file may have been moved since the event. */
	if (fstat(fd, &file_stat) ||
	    fstatat(dir_fd, slash + 1, &entry_stat, AT_SYMLINK_NOFOLLOW) ||
	    file_stat.st_dev != entry_stat.st_dev ||
	    file_stat.st_ino != entry_stat.st_ino) {
		fprintf(stderr, "landlock: \"%s\" is no longer in \"%s\"\n",
			slash + 1, dir);
		close(dir_fd);
		return -1;
	}
	return dir_fd;
}

/* Stages a rule for @fd, or its directory if @tree.  Returns 0 on success. */
static int add_fs_rule(const int supervisor_fd, const int fd, __u64 access,
		       const bool tree)
{
	struct landlock_path_beneath_attr rule = {
		.parent_fd = fd,
	};
	struct stat statbuf;
	int err;

	if (fstat(fd, &statbuf)) {
		perror("landlock: failed to stat the object");
		return -1;
	}
	if (!S_ISDIR(statbuf.st_mode)) {
		if (tree)
			rule.parent_fd = open_parent(fd);
		else
			access &= ACCESS_FILE;
	}
	if (rule.parent_fd < 0)
		return -1;
	/*
	 * open(O_CREAT) checks the new file's rights under the same rule right
	 * after creating it, and that denial cannot be notified (restarting
	 * would not create the file again): creating comes with opening.
	 */
	if (access & LANDLOCK_ACCESS_FS_MAKE_REG)
		access |= LANDLOCK_ACCESS_FS_READ_FILE |
			  LANDLOCK_ACCESS_FS_WRITE_FILE |
			  LANDLOCK_ACCESS_FS_TRUNCATE;
	rule.allowed_access = access;
	err = -1;
	if (!access)
		fprintf(stderr, "landlock: no such right for a file\n");
	else if (landlock_add_rule(supervisor_fd, LANDLOCK_RULE_PATH_BENEATH,
				   &rule, 0))
		perror("landlock: failed to add a rule");
	else
		err = 0;
	if (rule.parent_fd != fd)
		close(rule.parent_fd);
	return err;
}

/* Adds and commits the rules that allow @event.  Returns the decision. */
static __u32 allow(const int supervisor_fd,
		   const struct landlock_supervisor_event *const event,
		   const bool tree)
{
	struct landlock_net_port_attr net_rule = {
		.allowed_access = event->access & ACCESS_NET_ALL,
		.port = event->port,
	};
	const int fds[] = { event->object_fd, event->dest_fd };
	int added = 0, failed = 0;
	size_t i;

	if (event->type == LANDLOCK_EVENT_NET) {
		if (landlock_add_rule(supervisor_fd, LANDLOCK_RULE_NET_PORT,
				      &net_rule,
				      LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR)) {
			perror("landlock: failed to add and commit a rule");
			return LANDLOCK_SUPERVISOR_DENY;
		}
		return LANDLOCK_SUPERVISOR_ALLOW;
	}
	if (event->type != LANDLOCK_EVENT_FS || event->object_fd < 0) {
		fprintf(stderr, "landlock: unknown object, denying\n");
		return LANDLOCK_SUPERVISOR_DENY;
	}
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (fds[i] < 0)
			continue;
		if (add_fs_rule(supervisor_fd, fds[i], event->access, tree))
			failed++;
		else
			added++;
	}
	/* Commits what the user agreed to, even if the rest failed. */
	if (added && ioctl(supervisor_fd, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0)) {
		perror("landlock: failed to commit");
		return LANDLOCK_SUPERVISOR_DENY;
	}
	if (!added || failed)
		return LANDLOCK_SUPERVISOR_DENY;
	return LANDLOCK_SUPERVISOR_ALLOW;
}

/* Receives and answers one event.  Returns 0, or -1 on a fatal error. */
static int handle_event(const int supervisor_fd, FILE **const tty)
{
	struct landlock_supervisor_event event;
	struct landlock_supervisor_response response = {
		.decision = LANDLOCK_SUPERVISOR_DENY,
	};
	char answer;

	if (ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENT, &event)) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		perror("landlock: failed to receive an event");
		return -1;
	}
	print_event(&event);
	answer = ask_user(tty);
	if (answer == 'y' || answer == 'Y')
		response.decision = allow(supervisor_fd, &event, false);
	else if (answer == 'a' || answer == 'A')
		response.decision = allow(supervisor_fd, &event, true);
	if (event.object_fd >= 0)
		close(event.object_fd);
	if (event.dest_fd >= 0)
		close(event.dest_fd);

	response.cookie = event.cookie;
	if (ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response)) {
		if (errno == ENOENT) {
			fprintf(stderr, "landlock: pid %d is gone\n",
				event.tgid);
			return 0;
		}
		perror("landlock: failed to answer");
		return -1;
	}
	return 0;
}

static int exit_code(const int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static int supervise(int supervisor_fd, const pid_t child)
{
	struct pollfd pfd = {
		.fd = supervisor_fd,
		.events = POLLIN,
	};
	FILE *tty = NULL;
	int status, ret;
	pid_t pid;

	for (;;) {
		/* Once the supervision stopped, only waits for the child. */
		pid = waitpid(child, &status, supervisor_fd < 0 ? 0 : WNOHANG);
		if (pid < 0) {
			perror("Failed to wait for the child");
			status = W_EXITCODE(1, 0);
			break;
		}
		if (pid == child)
			break;
		ret = poll(&pfd, 1, 200);
		if (ret < 0 && errno != EINTR)
			perror("Failed to poll the supervisor");
		else if (ret <= 0 || !(pfd.revents & POLLIN) ||
			 !handle_event(supervisor_fd, &tty))
			continue;
		/* Closing the supervisor denies pending and future accesses. */
		fprintf(stderr, "landlock: stopping supervision\n");
		close(supervisor_fd);
		supervisor_fd = -1;
	}
	if (tty)
		fclose(tty);
	if (supervisor_fd >= 0)
		close(supervisor_fd);
	return exit_code(status);
}

static int add_supervisee_rule(const int ruleset_fd, const char *const path,
			       const __u64 access, const bool required)
{
	struct landlock_path_beneath_attr rule = {
		.allowed_access = access,
	};
	int err = 0;

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0) {
		if (!required && errno == ENOENT)
			return 0;
		fprintf(stderr, "Failed to open \"%s\": %s\n", path,
			strerror(errno));
		return -1;
	}
	if (landlock_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &rule,
			      0)) {
		fprintf(stderr, "Failed to update the ruleset with \"%s\": %s\n",
			path, strerror(errno));
		err = -1;
	}
	close(rule.parent_fd);
	return err;
}

/* Never returns. */
static void run_child(const int supervisor_fd, const int supervisee_fd,
		      char *const argv[])
{
	close(supervisor_fd);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("Failed to restrict privileges");
		_exit(1);
	}
	if (landlock_restrict_self(supervisee_fd, 0)) {
		perror("Failed to enforce the supervisee ruleset");
		_exit(1);
	}
	close(supervisee_fd);
	execvp(argv[0], argv);
	fprintf(stderr, "Failed to execute \"%s\": %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

int main(const int argc, char *const argv[])
{
	struct landlock_ruleset_attr ruleset_attr = {
		.handled_access_fs = ACCESS_FS_ALL,
		.handled_access_net = ACCESS_NET_ALL,
	};
	int features, supervisor_fd, supervisee_fd, flags, arg = 1;
	pid_t child;

	if (argc > 1 && strcmp(argv[1], "--") == 0)
		arg++;
	if (arg >= argc) {
		fprintf(stderr, help, argv[0]);
		return 1;
	}

	features = landlock_create_ruleset(NULL, 0,
					   LANDLOCK_CREATE_RULESET_FEATURES);
	/* Kernels without this query fail with EINVAL. */
	if (features < 0 && errno != EINVAL)
		perror("Failed to get the Landlock features");
	if (features < 0 || (features & FEATURES_NEEDED) != FEATURES_NEEDED) {
		fprintf(stderr,
			"The running kernel does not support Landlock supervisors with notifications.\n");
		return 1;
	}

	supervisor_fd = landlock_create_ruleset(&ruleset_attr,
						sizeof(ruleset_attr),
						LANDLOCK_CREATE_RULESET_SUPERVISOR |
						LANDLOCK_CREATE_RULESET_NOTIFY);
	if (supervisor_fd < 0) {
		perror("Failed to create a supervisor ruleset");
		return 1;
	}
	flags = fcntl(supervisor_fd, F_GETFL);
	if (flags < 0 || fcntl(supervisor_fd, F_SETFL, flags | O_NONBLOCK)) {
		perror("Failed to make the supervisor non-blocking");
		goto err_close_supervisor;
	}
	supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	if (supervisee_fd < 0) {
		perror("Failed to get a supervisee ruleset");
		goto err_close_supervisor;
	}
	if (add_supervisee_rule(supervisee_fd, "/", ACCESS_ROOT, true) ||
	    add_supervisee_rule(supervisee_fd, "/dev/null", ACCESS_DEV, false) ||
	    add_supervisee_rule(supervisee_fd, "/dev/tty", ACCESS_DEV, false))
		goto err_close_supervisee;

	child = fork();
	if (child < 0) {
		perror("Failed to fork");
		goto err_close_supervisee;
	}
	if (child == 0)
		run_child(supervisor_fd, supervisee_fd, argv + arg);
	close(supervisee_fd);
	return supervise(supervisor_fd, child);

err_close_supervisee:
	close(supervisee_fd);
err_close_supervisor:
	close(supervisor_fd);
	return 1;
}
