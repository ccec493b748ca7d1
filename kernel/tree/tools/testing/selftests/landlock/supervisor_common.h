/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Landlock test helpers - Supervisor rulesets and notification
 *
 * Copyright © 2026 The landlock-supervisor authors
 *
 * Included after common.h.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Adds a path rule (with a NULL @path, one with an invalid parent fd).
 * Returns 0 or -1 with errno, as landlock_add_rule().
 */
static int __maybe_unused path_rule(const int ruleset_fd,
				    const char *const path, const __u64 access,
				    const __u32 flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = path ? open(path, O_PATH | O_CLOEXEC) : -1,
	};
	int err, saved_errno;

	if (path && attr.parent_fd < 0)
		return -1;
	err = landlock_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr,
				flags);
	saved_errno = errno;
	if (attr.parent_fd >= 0)
		close(attr.parent_fd);
	errno = saved_errno;
	return err;
}

static int __maybe_unused port_rule(const int ruleset_fd, const __u64 port,
				    const __u64 access, const __u32 flags)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	return landlock_add_rule(ruleset_fd, LANDLOCK_RULE_NET_PORT, &attr,
				 flags);
}

/* Returns 0 if @path can be opened with @flags, or the errno. */
static int __maybe_unused test_open(const char *const path, const int flags)
{
	const int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Returns 0 if a TCP connection to @port on the loopback works, or the errno. */
static int __maybe_unused test_connect(const __u16 port)
{
	const struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)))
		err = errno;
	close(fd);
	return err;
}

/* Returns the exit status of @child, or 1000 if a signal ended it. */
static int __maybe_unused child_status(const pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) != child)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1000;
}

/* For nftw(): removes the test directories. */
static int __maybe_unused remove_entry(const char *path, const struct stat *st,
				       int type, struct FTW *ftw)
{
	return remove(path);
}
