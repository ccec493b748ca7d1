// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock tests - Alternatives to rule-by-rule supervisor changes: clear,
 * replace, ruleset union and intersection with commit, and intersection
 * with a ruleset
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "supervisor_common.h"

#define RW (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE)
#define R LANDLOCK_ACCESS_FS_READ_FILE

static int ruleset(const __u64 handled, const __u32 flags)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = handled,
	};

	return landlock_create_ruleset(&attr, sizeof(attr), flags);
}

static int supervisor(void)
{
	return ruleset(RW, LANDLOCK_CREATE_RULESET_SUPERVISOR);
}

static int compose(const int left, const int right, const __u32 flags)
{
	const struct landlock_ruleset_compose_attr attr = {
		.left_fd = left,
		.right_fd = right,
	};

	return landlock_create_ruleset((void *)&attr, sizeof(attr), flags);
}

static int rule(const int fd, const char *const path, const __u64 access,
		const __u32 flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = open(path, O_PATH | O_CLOEXEC),
	};
	int err;

	if (attr.parent_fd < 0)
		return -1;
	err = landlock_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
	close(attr.parent_fd);
	return err;
}

static int intersect_with(const int fd, const int operand, const __u32 flags)
{
	const struct landlock_ruleset_operand attr = {
		.operand = operand,
	};

	return landlock_add_rule(fd, LANDLOCK_RULE_INTERSECT_RULESET, &attr,
				 flags);
}

static int enforce(const int fd)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return landlock_restrict_self(fd, 0);
}

static int enforce_supervisee(const int supervisor_fd)
{
	const int supervisee_fd =
		ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);

	return enforce(supervisee_fd);
}

FIXTURE(alt)
{
	char dir[64], a[80], af[96], ab[80], abf[96], c[80], cf[96];
};

FIXTURE_SETUP(alt)
{
	const char *files[3];
	int i, fd;

	snprintf(self->dir, sizeof(self->dir), "al_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/a", self->dir);
	snprintf(self->ab, sizeof(self->ab), "%s/a/b", self->dir);
	snprintf(self->c, sizeof(self->c), "%s/c", self->dir);
	snprintf(self->af, sizeof(self->af), "%s/f", self->a);
	snprintf(self->abf, sizeof(self->abf), "%s/f", self->ab);
	snprintf(self->cf, sizeof(self->cf), "%s/f", self->c);
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->ab, 0755));
	ASSERT_EQ(0, mkdir(self->c, 0755));
	files[0] = self->af;
	files[1] = self->abf;
	files[2] = self->cf;
	for (i = 0; i < 3; i++) {
		fd = open(files[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		ASSERT_LE(0, fd);
		close(fd);
	}
}

FIXTURE_TEARDOWN(alt)
{
	nftw(self->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TEST(features)
{
	const int f = landlock_create_ruleset(NULL, 0,
					      LANDLOCK_CREATE_RULESET_FEATURES);
	const int all = LANDLOCK_FEATURE_CLEAR | LANDLOCK_FEATURE_REPLACE |
			LANDLOCK_FEATURE_COMPOSE |
			LANDLOCK_FEATURE_INTERSECT_RULESET;

	EXPECT_EQ(all, f & all);
}

TEST_F(alt, clear_takes_effect_on_commit)
{
	const int sup = supervisor();

	ASSERT_EQ(0, rule(sup, self->a, R, 0));
	ASSERT_EQ(0, rule(sup, self->c, R, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, enforce_supervisee(sup));
	EXPECT_EQ(-1, ioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 0));
	/* Staged only: still in force. */
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	/* Clear, re-add from a "config", commit. */
	ASSERT_EQ(0, rule(sup, self->ab, R, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
	EXPECT_EQ(0, test_open(self->abf, O_RDONLY));
}

TEST_F(alt, replace_sets_the_rights)
{
	const int sup = supervisor();
	const int plain = ruleset(RW, 0);

	ASSERT_EQ(0, rule(sup, self->a, RW, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, enforce_supervisee(sup));
	EXPECT_EQ(0, test_open(self->af, O_RDWR));
	ASSERT_EQ(0, rule(sup, self->a, R,
			  LANDLOCK_ADD_RULE_REPLACE |
				  LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDWR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	/* Replacing a missing rule creates it; replacing with 0 removes. */
	ASSERT_EQ(0, rule(sup, self->c, LANDLOCK_ACCESS_FS_WRITE_FILE,
			  LANDLOCK_ADD_RULE_REPLACE |
				  LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->cf, O_WRONLY));
	ASSERT_EQ(0, rule(sup, self->a, 0,
			  LANDLOCK_ADD_RULE_REPLACE |
				  LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));

	/* Intersecting and replacing exclude each other. */
	EXPECT_EQ(-1, rule(sup, self->a, R,
			   LANDLOCK_ADD_RULE_REPLACE |
				   LANDLOCK_ADD_RULE_INTERSECT));
	EXPECT_EQ(EINVAL, errno);
	/* Ordinary rulesets too. */
	ASSERT_LE(0, plain);
	EXPECT_EQ(0, rule(plain, self->a, RW, 0));
	EXPECT_EQ(0, rule(plain, self->a, 0, LANDLOCK_ADD_RULE_REPLACE));
}

TEST_F(alt, union_of_rulesets)
{
	const int left = ruleset(RW, 0), right = ruleset(RW, 0);
	int both;

	ASSERT_EQ(0, rule(left, self->a, R, 0));
	ASSERT_EQ(0, rule(right, self->c, RW, 0));
	both = compose(left, right, LANDLOCK_CREATE_RULESET_UNION);
	ASSERT_LE(0, both);
	ASSERT_EQ(0, enforce(both));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_WRONLY));
	EXPECT_EQ(0, test_open(self->cf, O_RDWR));
}

/* A right that only one operand handles is allowed everywhere by the other. */
TEST_F(alt, union_handles_what_both_handle)
{
	const int left = ruleset(RW, 0), right = ruleset(R, 0);
	int both;

	ASSERT_EQ(0, rule(left, self->a, R, 0));
	ASSERT_EQ(0, rule(right, self->a, R, 0));
	both = compose(left, right, LANDLOCK_CREATE_RULESET_UNION);
	ASSERT_LE(0, both);
	ASSERT_EQ(0, enforce(both));
	EXPECT_EQ(0, test_open(self->cf, O_WRONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

TEST_F(alt, intersection_of_rulesets)
{
	const int left = ruleset(RW, 0), right = ruleset(RW, 0);
	int both;

	ASSERT_EQ(0, rule(left, self->a, RW, 0));
	ASSERT_EQ(0, rule(right, self->a, R, 0));
	ASSERT_EQ(0, rule(left, self->c, R, 0));
	both = compose(left, right, LANDLOCK_CREATE_RULESET_INTERSECT);
	ASSERT_LE(0, both);
	ASSERT_EQ(0, enforce(both));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_WRONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

/*
 * Both operands allow reading a/b/f (one through a rule on a/, the other
 * through a rule on a/b/), but the intersection object by object has no
 * rule: it is not the intersection of what the operands allow.
 */
TEST_F(alt, intersection_is_object_by_object)
{
	const int left = ruleset(R, 0), right = ruleset(R, 0);
	int both;

	ASSERT_EQ(0, rule(left, self->a, R, 0));
	ASSERT_EQ(0, rule(right, self->ab, R, 0));
	both = compose(left, right, LANDLOCK_CREATE_RULESET_INTERSECT);
	ASSERT_LE(0, both);
	ASSERT_EQ(0, enforce(both));
	EXPECT_EQ(EACCES, test_open(self->abf, O_RDONLY));
}

TEST_F(alt, composition_errors)
{
	const int left = ruleset(RW, 0), right = ruleset(RW, 0);
	const int sup = supervisor();
	struct landlock_ruleset_compose_attr attr = {
		.left_fd = left,
		.right_fd = right,
	};

	EXPECT_EQ(-1, compose(left, right,
			      LANDLOCK_CREATE_RULESET_UNION |
				      LANDLOCK_CREATE_RULESET_INTERSECT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, compose(left, right,
			      LANDLOCK_CREATE_RULESET_UNION |
				      LANDLOCK_CREATE_RULESET_SUPERVISOR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, compose(left, sup, LANDLOCK_CREATE_RULESET_UNION));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, compose(left, -1, LANDLOCK_CREATE_RULESET_UNION));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, landlock_create_ruleset((void *)&attr, 4,
					      LANDLOCK_CREATE_RULESET_UNION));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, landlock_create_ruleset(NULL, sizeof(attr),
					      LANDLOCK_CREATE_RULESET_UNION));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(alt, commit_ruleset_replaces_atomically)
{
	const int sup = supervisor();
	const int config = ruleset(RW, 0);
	const int wider = ruleset(RW | LANDLOCK_ACCESS_FS_EXECUTE, 0);
	int supervisee, fd;

	ASSERT_EQ(0, rule(sup, self->a, R, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	supervisee = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	ASSERT_LE(0, supervisee);
	/* Only the supervisor commits: the supervisee can reach the sandbox. */
	EXPECT_EQ(-1, ioctl(supervisee, LANDLOCK_IOCTL_COMMIT_RULESET, &config));
	EXPECT_EQ(ENOTTY, errno);
	ASSERT_EQ(0, enforce(supervisee));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));

	ASSERT_EQ(0, rule(config, self->ab, R, 0));
	ASSERT_EQ(0, ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &config));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
	EXPECT_EQ(0, test_open(self->abf, O_RDONLY));

	/* A right the layer does not handle: nothing changes. */
	ASSERT_EQ(0, rule(wider, self->c, LANDLOCK_ACCESS_FS_EXECUTE, 0));
	EXPECT_EQ(-1, ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &wider));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, test_open(self->abf, O_RDONLY));
	/* Neither a supervisor nor a bad file descriptor. */
	EXPECT_EQ(-1, ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &sup));
	EXPECT_EQ(EBADFD, errno);
	fd = -1;
	EXPECT_EQ(-1, ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &fd));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, test_open(self->abf, O_RDONLY));
}

TEST_F(alt, intersect_with_ruleset)
{
	const int sup = supervisor();
	const int operand = ruleset(RW, 0);
	const int plain = ruleset(RW, 0);

	ASSERT_EQ(0, rule(sup, self->a, RW, 0));
	ASSERT_EQ(0, rule(sup, self->c, R, LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, rule(operand, self->a, R, 0));
	EXPECT_EQ(-1, intersect_with(sup, operand, LANDLOCK_ADD_RULE_INTERSECT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, intersect_with(sup, sup, 0));
	EXPECT_EQ(EBADFD, errno);
	ASSERT_EQ(0, intersect_with(sup, operand,
				    LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));

	/* On an ordinary ruleset, and with itself. */
	ASSERT_EQ(0, rule(plain, self->a, RW, 0));
	ASSERT_EQ(0, rule(plain, self->c, RW, 0));
	ASSERT_EQ(0, intersect_with(plain, plain, 0));
	ASSERT_EQ(0, intersect_with(plain, operand, 0));

	ASSERT_EQ(0, enforce_supervisee(sup));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_WRONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
	ASSERT_EQ(0, enforce(plain));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

TEST_HARNESS_MAIN
