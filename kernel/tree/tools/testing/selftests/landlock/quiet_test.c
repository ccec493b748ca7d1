// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock tests - Quiet flag
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "supervisor_common.h"

#define HANDLED (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE)

static int create_notifier(const __u64 quiet_fs)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = HANDLED,
		.quiet_access_fs = quiet_fs,
	};

	return landlock_create_ruleset(&attr, sizeof(attr),
				       LANDLOCK_CREATE_RULESET_SUPERVISOR |
					       LANDLOCK_CREATE_RULESET_NOTIFY);
}

/* Sandboxes a child in a new layer of @supervisor_fd, then opens @path. */
static pid_t spawn_open(const int supervisor_fd, const char *const path,
			const int flags)
{
	const pid_t child = fork();
	int supervisee_fd, fd;

	if (child)
		return child;
	supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	close(supervisor_fd);
	if (supervisee_fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    landlock_restrict_self(supervisee_fd, 0))
		_exit(200);
	fd = open(path, flags | O_CLOEXEC);
	_exit(fd < 0 ? errno : 0);
}

static int has_event(const int supervisor_fd, const int ms)
{
	struct pollfd pfd = {
		.fd = supervisor_fd,
		.events = POLLIN,
	};

	return poll(&pfd, 1, ms);
}

/* Answers the pending event with a denial. */
static void deny_event(struct __test_metadata *const _metadata,
		       const int supervisor_fd)
{
	struct landlock_supervisor_event event;
	struct landlock_supervisor_response response = {};

	ASSERT_EQ(0, ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENT, &event));
	response.cookie = event.cookie;
	response.decision = LANDLOCK_SUPERVISOR_DENY;
	ASSERT_EQ(0, ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE,
			   &response));
	if (event.object_fd >= 0)
		close(event.object_fd);
}

FIXTURE(quiet)
{
	char dir[64], q[80], qf[96], l[80], lf[96];
};

FIXTURE_SETUP(quiet)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "qt_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->q, sizeof(self->q), "%s/quiet", self->dir);
	snprintf(self->qf, sizeof(self->qf), "%s/f", self->q);
	snprintf(self->l, sizeof(self->l), "%s/loud", self->dir);
	snprintf(self->lf, sizeof(self->lf), "%s/f", self->l);
	ASSERT_EQ(0, mkdir(self->q, 0755));
	ASSERT_EQ(0, mkdir(self->l, 0755));
	fd = open(self->qf, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	fd = open(self->lf, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
}

FIXTURE_TEARDOWN(quiet)
{
	nftw(self->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TEST(quiet_uapi)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
		.quiet_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE,
	};
	int fd;

	EXPECT_EQ(LANDLOCK_FEATURE_QUIET,
		  landlock_create_ruleset(NULL, 0,
					  LANDLOCK_CREATE_RULESET_FEATURES) &
			  LANDLOCK_FEATURE_QUIET);
	/* Quiet masks are subsets of the handled ones. */
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr), 0));
	EXPECT_EQ(EINVAL, errno);
	attr.quiet_access_fs = 0;
	attr.quiet_access_net = LANDLOCK_ACCESS_NET_BIND_TCP;
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr), 0));
	EXPECT_EQ(EINVAL, errno);
	attr.quiet_access_net = 0;
	attr.quiet_scoped = LANDLOCK_SCOPE_SIGNAL;
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr), 0));
	EXPECT_EQ(EINVAL, errno);
	attr.quiet_scoped = 0;

	/* The sizes of older attributes keep working. */
	fd = landlock_create_ruleset(&attr, 24, 0);
	ASSERT_LE(0, fd);
	/* A quiet mark may come without any right. */
	EXPECT_EQ(0, path_rule(fd, ".", 0, LANDLOCK_ADD_RULE_QUIET));
	EXPECT_EQ(0, path_rule(fd, ".", LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_QUIET));
	EXPECT_EQ(0, close(fd));
	fd = landlock_create_ruleset(&attr, 16, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

TEST_F(quiet, quiet_hierarchy_is_not_notified)
{
	const int supervisor_fd = create_notifier(HANDLED);
	pid_t child;

	ASSERT_LE(0, supervisor_fd);
	/* Marks the hierarchy through a supervisor rule without right. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->q, 0,
			       LANDLOCK_ADD_RULE_QUIET |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	child = spawn_open(supervisor_fd, self->qf, O_RDONLY);
	EXPECT_EQ(EACCES, child_status(child));
	EXPECT_EQ(0, has_event(supervisor_fd, 0));

	/* Elsewhere, denials are notified. */
	child = spawn_open(supervisor_fd, self->lf, O_RDONLY);
	ASSERT_EQ(1, has_event(supervisor_fd, 5000));
	deny_event(_metadata, supervisor_fd);
	EXPECT_EQ(EACCES, child_status(child));
}

TEST_F(quiet, quiet_mask_selects_the_rights)
{
	/* Only denials of reading are quiet. */
	const int supervisor_fd =
		create_notifier(LANDLOCK_ACCESS_FS_READ_FILE);
	pid_t child;

	ASSERT_LE(0, supervisor_fd);
	ASSERT_EQ(0, path_rule(supervisor_fd, self->q, 0,
			       LANDLOCK_ADD_RULE_QUIET |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	child = spawn_open(supervisor_fd, self->qf, O_RDONLY);
	EXPECT_EQ(EACCES, child_status(child));
	EXPECT_EQ(0, has_event(supervisor_fd, 0));

	child = spawn_open(supervisor_fd, self->qf, O_WRONLY);
	ASSERT_EQ(1, has_event(supervisor_fd, 5000));
	deny_event(_metadata, supervisor_fd);
	EXPECT_EQ(EACCES, child_status(child));
}

TEST_F(quiet, quiet_mark_of_the_supervisee_rules)
{
	const int supervisor_fd = create_notifier(HANDLED);
	int supervisee_fd;
	pid_t child;

	ASSERT_LE(0, supervisor_fd);
	supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	ASSERT_LE(0, supervisee_fd);
	/* The supervisee inherits the quiet masks; its own rule marks. */
	ASSERT_EQ(0, path_rule(supervisee_fd, self->dir, 0,
			       LANDLOCK_ADD_RULE_QUIET));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(supervisor_fd);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    landlock_restrict_self(supervisee_fd, 0))
			_exit(200);
		_exit(open(self->lf, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0);
	}
	EXPECT_EQ(EACCES, child_status(child));
	EXPECT_EQ(0, has_event(supervisor_fd, 0));
	close(supervisee_fd);
}

/* A committed removal of the mark makes denials notified again. */
TEST_F(quiet, removing_the_mark)
{
	const int supervisor_fd = create_notifier(HANDLED);
	pid_t child;

	ASSERT_LE(0, supervisor_fd);
	ASSERT_EQ(0, path_rule(supervisor_fd, self->q, 0,
			       LANDLOCK_ADD_RULE_QUIET |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->q, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	child = spawn_open(supervisor_fd, self->qf, O_RDONLY);
	ASSERT_EQ(1, has_event(supervisor_fd, 5000));
	deny_event(_metadata, supervisor_fd);
	EXPECT_EQ(EACCES, child_status(child));
}

TEST_HARNESS_MAIN
