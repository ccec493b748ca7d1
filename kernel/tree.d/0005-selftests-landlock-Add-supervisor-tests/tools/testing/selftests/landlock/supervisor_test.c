// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock tests - Supervisor rulesets (mutable domains)
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "supervisor_common.h"

#define ACCESS_RW                                                  \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	 LANDLOCK_ACCESS_FS_READ_DIR)

#define ACCESS_REFER_FILE                                       \
	(LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_MAKE_REG | \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE)

static int create_ruleset(const __u64 handled_fs, const __u64 handled_net,
			  const __u32 flags)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = handled_fs,
		.handled_access_net = handled_net,
	};

	return landlock_create_ruleset(&attr, sizeof(attr), flags);
}

static int create_supervisor(const __u64 handled_fs, const __u64 handled_net)
{
	return create_ruleset(handled_fs, handled_net,
			      LANDLOCK_CREATE_RULESET_SUPERVISOR);
}

static int commit(const int supervisor_fd)
{
	return ioctl(supervisor_fd, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
}

static int get_supervisee(const int supervisor_fd)
{
	return ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
}

static int enforce(const int ruleset_fd)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return landlock_restrict_self(ruleset_fd, 0);
}

/* A private directory with a small file hierarchy. */
FIXTURE(layout)
{
	char dir[64];
	char a[80], ab[80], c[80], s[80], d[80];
	char af[96], abf[96], cf[96], sf[96], dt[96];
};

static void make_file(struct __test_metadata *const _metadata,
		      const char *const path)
{
	const int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "data\n", 5));
	ASSERT_EQ(0, close(fd));
}

FIXTURE_SETUP(layout)
{
	snprintf(self->dir, sizeof(self->dir), "sv_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->a, sizeof(self->a), "%s/a", self->dir);
	snprintf(self->ab, sizeof(self->ab), "%s/a/b", self->dir);
	snprintf(self->c, sizeof(self->c), "%s/c", self->dir);
	snprintf(self->s, sizeof(self->s), "%s/s", self->dir);
	snprintf(self->d, sizeof(self->d), "%s/d", self->dir);
	snprintf(self->af, sizeof(self->af), "%s/f", self->a);
	snprintf(self->abf, sizeof(self->abf), "%s/f", self->ab);
	snprintf(self->cf, sizeof(self->cf), "%s/f", self->c);
	snprintf(self->sf, sizeof(self->sf), "%s/f", self->s);
	snprintf(self->dt, sizeof(self->dt), "%s/t", self->d);
	ASSERT_EQ(0, mkdir(self->a, 0755));
	ASSERT_EQ(0, mkdir(self->ab, 0755));
	ASSERT_EQ(0, mkdir(self->c, 0755));
	ASSERT_EQ(0, mkdir(self->s, 0755));
	ASSERT_EQ(0, mkdir(self->d, 0755));
	make_file(_metadata, self->af);
	make_file(_metadata, self->abf);
	make_file(_metadata, self->cf);
	make_file(_metadata, self->sf);
}

FIXTURE_TEARDOWN(layout)
{
	nftw(self->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* uAPI: creation, feature query, file descriptors, errors */

static int query(const __u32 flags)
{
	return landlock_create_ruleset(NULL, 0, flags);
}

TEST(features)
{
	const int features = query(LANDLOCK_CREATE_RULESET_FEATURES);

	ASSERT_LE(0, features);
	EXPECT_EQ(LANDLOCK_FEATURE_SUPERVISOR,
		  features & LANDLOCK_FEATURE_SUPERVISOR);
	EXPECT_EQ(LANDLOCK_FEATURE_ADD_RULE_INTERSECT,
		  features & LANDLOCK_FEATURE_ADD_RULE_INTERSECT);

	/* The ABI version does not change. */
	EXPECT_EQ(6, query(LANDLOCK_CREATE_RULESET_VERSION));

	/* A query takes no attribute and no other flag. */
	EXPECT_EQ(-1, query(LANDLOCK_CREATE_RULESET_FEATURES |
			    LANDLOCK_CREATE_RULESET_VERSION));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, query(LANDLOCK_CREATE_RULESET_FEATURES |
			    LANDLOCK_CREATE_RULESET_SUPERVISOR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, landlock_create_ruleset(NULL, 8,
					      LANDLOCK_CREATE_RULESET_FEATURES));
	EXPECT_EQ(EINVAL, errno);
}

TEST(create_errors)
{
	const __u32 sv = LANDLOCK_CREATE_RULESET_SUPERVISOR;
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	const struct landlock_ruleset_attr empty = {};

	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr),
					      sv | LANDLOCK_CREATE_RULESET_VERSION));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, query(sv | LANDLOCK_CREATE_RULESET_ERRATA));
	EXPECT_EQ(EINVAL, errno);
	/* Unused flag bit. */
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, sizeof(attr), 1U << 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, landlock_create_ruleset(NULL, sizeof(attr), sv));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, landlock_create_ruleset(&attr, 0, sv));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, landlock_create_ruleset(&empty, sizeof(empty), sv));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, create_supervisor(1ULL << 63, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(file_descriptors)
{
	struct landlock_path_beneath_attr not_a_path = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_DIR,
	};
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	int supervisee_fd, ruleset_fd;

	ASSERT_LE(0, supervisor_fd);
	supervisee_fd = get_supervisee(supervisor_fd);
	ASSERT_LE(0, supervisee_fd);
	ruleset_fd = create_ruleset(ACCESS_RW, 0, 0);
	ASSERT_LE(0, ruleset_fd);

	/* Both are close-on-exec. */
	EXPECT_EQ(FD_CLOEXEC, fcntl(supervisor_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(FD_CLOEXEC, fcntl(supervisee_fd, F_GETFD) & FD_CLOEXEC);

	/* The supervisor ioctls only exist on the supervisor. */
	EXPECT_EQ(-1, commit(supervisee_fd));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, get_supervisee(supervisee_fd));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, commit(ruleset_fd));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(supervisor_fd, _IO('L', 0x2f), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(supervisor_fd,
			    LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(supervisor_fd, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 1));
	EXPECT_EQ(EINVAL, errno);

	/* Only a supervisor ruleset can commit. */
	EXPECT_EQ(-1, path_rule(supervisee_fd, ".", LANDLOCK_ACCESS_FS_READ_DIR,
				LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, path_rule(ruleset_fd, ".", LANDLOCK_ACCESS_FS_READ_DIR,
				LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EBADFD, errno);

	/* A ruleset is not a path. */
	not_a_path.parent_fd = supervisor_fd;
	EXPECT_EQ(-1, landlock_add_rule(supervisee_fd,
					LANDLOCK_RULE_PATH_BENEATH, &not_a_path,
					0));
	EXPECT_EQ(EBADFD, errno);

	/* The supervisor cannot be enforced, its supervisee can. */
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	EXPECT_EQ(-1, landlock_restrict_self(supervisor_fd, 0));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(0, landlock_restrict_self(supervisee_fd, 0));

	EXPECT_EQ(0, close(ruleset_fd));
	EXPECT_EQ(0, close(supervisee_fd));
	EXPECT_EQ(0, close(supervisor_fd));
}

TEST(add_rule_errors)
{
	const __u64 handled_fs = LANDLOCK_ACCESS_FS_READ_FILE |
				 LANDLOCK_ACCESS_FS_READ_DIR;
	const int supervisor_fd =
		create_supervisor(handled_fs, LANDLOCK_ACCESS_NET_BIND_TCP);

	ASSERT_LE(0, supervisor_fd);
	/* Unknown flags, including the quiet flag of a later stage. */
	EXPECT_EQ(-1, path_rule(supervisor_fd, ".", LANDLOCK_ACCESS_FS_READ_DIR,
				1U << 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, path_rule(supervisor_fd, ".", LANDLOCK_ACCESS_FS_READ_DIR,
				1U << 3));
	EXPECT_EQ(EINVAL, errno);
	/* Rights outside the handled ones. */
	EXPECT_EQ(-1, path_rule(supervisor_fd, ".",
				LANDLOCK_ACCESS_FS_WRITE_FILE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, path_rule(supervisor_fd, ".",
				LANDLOCK_ACCESS_FS_WRITE_FILE,
				LANDLOCK_ADD_RULE_INTERSECT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, port_rule(supervisor_fd, 80,
				LANDLOCK_ACCESS_NET_CONNECT_TCP, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, port_rule(supervisor_fd, 65536,
				LANDLOCK_ACCESS_NET_BIND_TCP, 0));
	EXPECT_EQ(EINVAL, errno);
	/* An empty rule is useless without intersection or commit. */
	EXPECT_EQ(-1, path_rule(supervisor_fd, ".", 0, 0));
	EXPECT_EQ(ENOMSG, errno);
	/* A rule with no right is a pure commit, whatever its file. */
	EXPECT_EQ(0, path_rule(supervisor_fd, NULL, 0,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, port_rule(supervisor_fd, 1ULL << 40, 0,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	/* A bad file is still a bad file. */
	EXPECT_EQ(-1, path_rule(supervisor_fd, NULL,
				LANDLOCK_ACCESS_FS_READ_DIR,
				LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EBADF, errno);
	/* Files only get file rights. */
	EXPECT_EQ(-1, path_rule(supervisor_fd, "/proc/self/exe",
				LANDLOCK_ACCESS_FS_READ_DIR, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, landlock_add_rule(supervisor_fd,
					LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, close(supervisor_fd));
}

/* Mutable domains */

TEST_F(layout, uncommitted_changes_are_not_in_force)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);

	ASSERT_LE(0, supervisee_fd);
	ASSERT_EQ(0, enforce(supervisee_fd));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));

	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));

	/* A pure commit makes the staged rule take effect. */
	ASSERT_EQ(0, path_rule(supervisor_fd, NULL, 0,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(0, test_open(self->abf, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_WRONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

TEST_F(layout, commit_before_enforcement)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	int supervisee_fd;

	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	supervisee_fd = get_supervisee(supervisor_fd);
	ASSERT_EQ(0, enforce(supervisee_fd));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

/* The uAPI example of the RFC, with a separate supervisor process. */
TEST_F(layout, rfc_example)
{
	int supervisor_fd, supervisee_fd, to_child[2], to_parent[2], status;
	pid_t child;
	char c;

	supervisor_fd = create_supervisor(ACCESS_RW, 0);
	ASSERT_LE(0, supervisor_fd);
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	supervisee_fd = get_supervisee(supervisor_fd);
	ASSERT_LE(0, supervisee_fd);
	ASSERT_EQ(0, pipe2(to_child, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(to_parent, O_CLOEXEC));

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int ok = 1;

		close(supervisor_fd);
		if (enforce(supervisee_fd))
			_exit(2);
		ok &= test_open(self->af, O_RDONLY) == 0;
		ok &= test_open(self->cf, O_RDONLY) == EACCES;
		/* Lets the supervisor grant c/ and narrow a/. */
		if (write(to_parent[1], "1", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(2);
		ok &= test_open(self->cf, O_RDONLY) == 0;
		ok &= test_open(self->af, O_RDONLY) == EACCES;
		_exit(ok ? 0 : 1);
	}
	close(supervisee_fd);
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a, 0,
			       LANDLOCK_ADD_RULE_INTERSECT));
	ASSERT_EQ(0, commit(supervisor_fd));
	ASSERT_EQ(1, write(to_child[1], "1", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(layout, intersect_narrows_and_removes)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);

	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE |
				       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDWR));

	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE |
				       LANDLOCK_ACCESS_FS_READ_DIR,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDWR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	/* The intersection did not add READ_DIR. */
	EXPECT_EQ(EACCES, test_open(self->a, O_RDONLY | O_DIRECTORY));

	ASSERT_EQ(0, path_rule(supervisor_fd, self->a, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));

	/* A missing rule stays missing. */
	EXPECT_EQ(0, path_rule(supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

TEST_F(layout, intersect_on_ordinary_ruleset)
{
	const int ruleset_fd = create_ruleset(ACCESS_RW, 0, 0);

	ASSERT_LE(0, ruleset_fd);
	ASSERT_EQ(0, path_rule(ruleset_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE |
				       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       0));
	ASSERT_EQ(0, path_rule(ruleset_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, path_rule(ruleset_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_INTERSECT));
	ASSERT_EQ(0, path_rule(ruleset_fd, self->c, 0,
			       LANDLOCK_ADD_RULE_INTERSECT));
	ASSERT_EQ(0, enforce(ruleset_fd));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_WRONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

TEST_F(layout, supervisee_and_supervisor_rules_add_up)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);

	/* Supervisee rules: never revocable. */
	ASSERT_EQ(0, path_rule(supervisee_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, enforce(supervisee_fd));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDWR));

	/* Per right, both sets of rules count for the layer. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->ab,
			       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->abf, O_RDWR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDWR));

	/* The supervisor cannot revoke what the supervisee rules allow. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
}

TEST_F(layout, several_supervisees_follow_one_supervisor)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	const int supervisee1 = get_supervisee(supervisor_fd);
	const int supervisee2 = get_supervisee(supervisor_fd);

	ASSERT_LE(0, supervisee2);
	ASSERT_NE(supervisee1, supervisee2);
	/* Two layers ruled by the same supervisor. */
	ASSERT_EQ(0, enforce(supervisee1));
	ASSERT_EQ(0, enforce(supervisee2));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
}

TEST_F(layout, nested_supervisors)
{
	const int parent_supervisor = create_supervisor(ACCESS_RW, 0);
	int child_supervisor;

	ASSERT_EQ(0, path_rule(parent_supervisor, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, enforce(get_supervisee(parent_supervisor)));

	/* A sandboxed task supervises a nested layer. */
	child_supervisor = create_supervisor(ACCESS_RW, 0);
	ASSERT_LE(0, child_supervisor);
	ASSERT_EQ(0, enforce(get_supervisee(child_supervisor)));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));

	ASSERT_EQ(0, path_rule(child_supervisor, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));

	/* A supervisor never grants beyond its own layer. */
	ASSERT_EQ(0, path_rule(child_supervisor, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
	ASSERT_EQ(0, path_rule(parent_supervisor, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->cf, O_RDONLY));

	/* Revocation by the parent layer's supervisor. */
	ASSERT_EQ(0, path_rule(parent_supervisor, self->a, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
}

TEST_F(layout, unsupervised_layer_denies_at_once)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	const int ruleset_fd = create_ruleset(ACCESS_RW, 0, 0);

	ASSERT_EQ(0, path_rule(ruleset_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	ASSERT_EQ(0, enforce(ruleset_fd));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->dir,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->cf, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
}

TEST_F(layout, closed_supervisor_keeps_committed_rules)
{
	int supervisor_fd = create_supervisor(ACCESS_RW, 0);

	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	/* Staged, never committed. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_READ_FILE, 0));
	ASSERT_EQ(0, close(supervisor_fd));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(EACCES, test_open(self->cf, O_RDONLY));
}

/*
 * Whoever holds the supervisor fd can widen the domain: a sandbox that keeps
 * it can allow itself anything its supervisor handles (documented: the fd is
 * close-on-exec and must not be passed in).  The supervisee fd alone, or a
 * supervisor of the sandbox's own, cannot widen it.
 */
TEST_F(layout, only_the_supervisor_fd_widens)
{
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);
	int status;
	pid_t child;

	ASSERT_LE(0, supervisee_fd);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int own_fd;

		close(supervisor_fd);
		if (enforce(supervisee_fd) ||
		    test_open(self->cf, O_RDONLY) != EACCES)
			_exit(1);
		/* The supervisee cannot commit, nor be committed to. */
		if (path_rule(supervisee_fd, self->c,
			      LANDLOCK_ACCESS_FS_READ_FILE,
			      LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR) != -1 ||
		    errno != EBADFD)
			_exit(2);
		if (commit(supervisee_fd) != -1 || errno != ENOTTY)
			_exit(3);
		/* Rules added to it now only make a new, narrower layer. */
		if (path_rule(supervisee_fd, self->c,
			      LANDLOCK_ACCESS_FS_READ_FILE, 0) ||
		    enforce(supervisee_fd) ||
		    test_open(self->cf, O_RDONLY) != EACCES)
			_exit(4);
		/* A supervisor of its own only supervises a new layer. */
		own_fd = create_supervisor(ACCESS_RW, 0);
		if (own_fd < 0 ||
		    path_rule(own_fd, self->c, LANDLOCK_ACCESS_FS_READ_FILE,
			      LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR) ||
		    enforce(get_supervisee(own_fd)) ||
		    test_open(self->cf, O_RDONLY) != EACCES)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/*
	 * The holder of the supervisor fd allows itself.  (The child's rule
	 * on c/ is now in the shared supervisee ruleset, for enforcements to
	 * come, as with any ruleset: a/ is used here.)
	 */
	ASSERT_EQ(0, enforce(supervisee_fd));
	EXPECT_EQ(EACCES, test_open(self->af, O_RDONLY));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_open(self->af, O_RDONLY));
	EXPECT_EQ(0, close(supervisee_fd));
	EXPECT_EQ(0, close(supervisor_fd));
}

/* Creation and removal rights are checked on the parent directory. */
TEST_F(layout, create_and_remove)
{
	const int supervisor_fd =
		create_supervisor(LANDLOCK_ACCESS_FS_MAKE_REG |
					  LANDLOCK_ACCESS_FS_REMOVE_FILE |
					  LANDLOCK_ACCESS_FS_MAKE_DIR,
				  0);
	char path[128];

	snprintf(path, sizeof(path), "%s/new", self->c);
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	EXPECT_EQ(-1, mknod(path, S_IFREG | 0644, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, unlink(self->cf));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mkdir(path, 0755));
	EXPECT_EQ(EACCES, errno);

	ASSERT_EQ(0, path_rule(supervisor_fd, self->c,
			       LANDLOCK_ACCESS_FS_MAKE_REG |
				       LANDLOCK_ACCESS_FS_REMOVE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, mknod(path, S_IFREG | 0644, 0));
	EXPECT_EQ(0, unlink(path));
	EXPECT_EQ(0, unlink(self->cf));
	EXPECT_EQ(-1, mkdir(path, 0755));
	EXPECT_EQ(EACCES, errno);
}

/* Rename and link: the REFER comparison sees the supervisor rules. */

TEST_F(layout, refer_supervisor_rules_on_both_sides)
{
	const int supervisor_fd =
		create_supervisor(ACCESS_REFER_FILE | ACCESS_RW, 0);

	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	EXPECT_EQ(-1, rename(self->sf, self->dt));
	EXPECT_EQ(EACCES, errno);

	ASSERT_EQ(0, path_rule(supervisor_fd, self->s, ACCESS_REFER_FILE, 0));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->d, ACCESS_REFER_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, rename(self->sf, self->dt));
}

TEST_F(layout, refer_supervisor_rule_on_source)
{
	const int supervisor_fd =
		create_supervisor(ACCESS_REFER_FILE | ACCESS_RW, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);

	ASSERT_EQ(0, path_rule(supervisee_fd, self->d, ACCESS_REFER_FILE, 0));
	ASSERT_EQ(0, enforce(supervisee_fd));
	EXPECT_EQ(-1, rename(self->sf, self->dt));
	EXPECT_EQ(EACCES, errno);

	/* Moving to a more restricted place is fine. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->s,
			       ACCESS_REFER_FILE | LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, rename(self->sf, self->dt));
}

/*
 * The supervisee rules allow the move, but a supervisor rule grants write
 * access on the destination only: moving the file there would let the
 * sandbox write it.  This must be EXDEV, as with any reparenting that
 * escalates.
 */
TEST_F(layout, refer_supervisor_rule_on_destination_escalates)
{
	const int supervisor_fd =
		create_supervisor(ACCESS_REFER_FILE | ACCESS_RW, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);

	ASSERT_EQ(0, path_rule(supervisee_fd, self->s, ACCESS_REFER_FILE, 0));
	ASSERT_EQ(0, path_rule(supervisee_fd, self->d, ACCESS_REFER_FILE, 0));
	ASSERT_EQ(0, enforce(supervisee_fd));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->d,
			       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_open(self->sf, O_WRONLY));

	EXPECT_EQ(-1, rename(self->sf, self->dt));
	EXPECT_EQ(EXDEV, errno);
	EXPECT_EQ(-1, link(self->sf, self->dt));
	EXPECT_EQ(EXDEV, errno);

	/* Granting the same on the source removes the escalation. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->s,
			       LANDLOCK_ACCESS_FS_WRITE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, link(self->sf, self->dt));
	EXPECT_EQ(0, unlink(self->dt));
	EXPECT_EQ(0, rename(self->sf, self->dt));

	/* Without the supervisor rule, the move is allowed as before. */
	ASSERT_EQ(0, rename(self->dt, self->sf));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->d, 0,
			       LANDLOCK_ADD_RULE_INTERSECT));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->s, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, rename(self->sf, self->dt));
}

TEST_F(layout, same_directory_rename)
{
	const int supervisor_fd =
		create_supervisor(ACCESS_REFER_FILE | ACCESS_RW, 0);
	char to[128];

	snprintf(to, sizeof(to), "%s/g", self->s);
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	EXPECT_EQ(-1, rename(self->sf, to));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, path_rule(supervisor_fd, self->s,
			       LANDLOCK_ACCESS_FS_MAKE_REG |
				       LANDLOCK_ACCESS_FS_REMOVE_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, rename(self->sf, to));
}

/* Optional rights: truncate is checked when used if only supervisors deny. */
TEST_F(layout, truncate_is_checked_when_used)
{
	const __u64 handled = ACCESS_RW | LANDLOCK_ACCESS_FS_TRUNCATE;
	const int supervisor_fd = create_supervisor(handled, 0);
	const int supervisee_fd = get_supervisee(supervisor_fd);
	int fd;

	ASSERT_EQ(0, path_rule(supervisee_fd, self->a, ACCESS_RW, 0));
	ASSERT_EQ(0, enforce(supervisee_fd));

	/* The open is allowed by the supervisee rules alone. */
	fd = open(self->af, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, truncate(self->af, 0));
	EXPECT_EQ(EACCES, errno);

	ASSERT_EQ(0, path_rule(supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_TRUNCATE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, ftruncate(fd, 1));
	EXPECT_EQ(0, truncate(self->af, 0));
	EXPECT_EQ(0, test_open(self->abf, O_WRONLY | O_TRUNC));

	/* Revoked for later uses of the same file descriptor too. */
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a, 0,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(EACCES, test_open(self->abf, O_WRONLY | O_TRUNC));
	EXPECT_EQ(0, close(fd));
}

TEST_F(layout, truncate_not_deferred_for_unsupervised_layers)
{
	const int ruleset_fd =
		create_ruleset(ACCESS_RW | LANDLOCK_ACCESS_FS_TRUNCATE, 0, 0);
	const int supervisor_fd = create_supervisor(ACCESS_RW, 0);
	int fd;

	ASSERT_EQ(0, path_rule(ruleset_fd, self->a, ACCESS_RW, 0));
	ASSERT_EQ(0, enforce(ruleset_fd));
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	ASSERT_EQ(0, path_rule(supervisor_fd, self->a, ACCESS_RW,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	fd = open(self->af, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, close(fd));
}

/* TCP ports */

static void set_loopback_up(struct __test_metadata *const _metadata)
{
	struct ifreq ifr = {};
	const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ASSERT_EQ(0, ioctl(fd, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	ASSERT_EQ(0, ioctl(fd, SIOCSIFFLAGS, &ifr));
	close(fd);
}

/* Returns 0 or the errno of bind() on @port. */
static int test_bind(const __u16 port)
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
	if (bind(fd, (const struct sockaddr *)&addr, sizeof(addr)))
		err = errno;
	close(fd);
	return err;
}

TEST(tcp_ports)
{
	int supervisor_fd;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	set_loopback_up(_metadata);
	supervisor_fd = create_supervisor(0, LANDLOCK_ACCESS_NET_BIND_TCP |
						     LANDLOCK_ACCESS_NET_CONNECT_TCP);
	ASSERT_LE(0, supervisor_fd);
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	EXPECT_EQ(EACCES, test_bind(4242));
	EXPECT_EQ(EACCES, test_connect(4242));

	ASSERT_EQ(0, port_rule(supervisor_fd, 4242,
			       LANDLOCK_ACCESS_NET_BIND_TCP |
				       LANDLOCK_ACCESS_NET_CONNECT_TCP,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(0, test_bind(4242));
	/* Nobody listens: the connection is refused, not denied. */
	EXPECT_EQ(ECONNREFUSED, test_connect(4242));
	EXPECT_EQ(EACCES, test_bind(4243));

	ASSERT_EQ(0, port_rule(supervisor_fd, 4242,
			       LANDLOCK_ACCESS_NET_CONNECT_TCP,
			       LANDLOCK_ADD_RULE_INTERSECT |
				       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	EXPECT_EQ(EACCES, test_bind(4242));
	EXPECT_EQ(ECONNREFUSED, test_connect(4242));
}

/* Atomicity: a commit racing path walks */

struct mover {
	int supervisor_fd;
	const char *a, *ab;
	bool stop;
	unsigned int commits;
};

/*
 * Moves a read rule between a/ and a/b/, one commit per move: both versions
 * allow a/b/f, so a check that mixed two versions would see neither rule.
 */
static void *move_rule(void *const arg)
{
	struct mover *const m = arg;

	while (!__atomic_load_n(&m->stop, __ATOMIC_RELAXED)) {
		const bool to_ab = m->commits % 2 == 0;

		if (path_rule(m->supervisor_fd, to_ab ? m->ab : m->a,
			      LANDLOCK_ACCESS_FS_READ_FILE, 0) ||
		    path_rule(m->supervisor_fd, to_ab ? m->a : m->ab, 0,
			      LANDLOCK_ADD_RULE_INTERSECT |
				      LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR))
			return (void *)1;
		m->commits++;
	}
	return NULL;
}

TEST_F(layout, commit_races_checks)
{
	struct mover m = {
		.a = self->a,
		.ab = self->ab,
	};
	unsigned int i, denied = 0;
	pthread_t thread;
	void *ret;

	m.supervisor_fd = create_supervisor(ACCESS_RW, 0);
	ASSERT_LE(0, m.supervisor_fd);
	ASSERT_EQ(0, path_rule(m.supervisor_fd, self->a,
			       LANDLOCK_ACCESS_FS_READ_FILE,
			       LANDLOCK_ADD_RULE_COMMIT_SUPERVISOR));
	ASSERT_EQ(0, enforce(get_supervisee(m.supervisor_fd)));
	ASSERT_EQ(0, pthread_create(&thread, NULL, move_rule, &m));
	for (i = 0; i < 20000; i++) {
		if (test_open(self->abf, O_RDONLY))
			denied++;
		if (i % 64 == 0)
			sched_yield();
	}
	__atomic_store_n(&m.stop, true, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(thread, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0, denied);
	TH_LOG("%u commits during 20000 checks", m.commits);
}

/* Many rules: staging and commit keep working at scale. */
TEST(many_port_rules)
{
	const int supervisor_fd =
		create_supervisor(0, LANDLOCK_ACCESS_NET_BIND_TCP);
	__u64 port;

	ASSERT_LE(0, supervisor_fd);
	for (port = 1; port <= 20000; port++)
		ASSERT_EQ(0, port_rule(supervisor_fd, port,
				       LANDLOCK_ACCESS_NET_BIND_TCP, 0));
	ASSERT_EQ(0, commit(supervisor_fd));
	for (port = 1; port <= 20000; port += 2)
		ASSERT_EQ(0, port_rule(supervisor_fd, port, 0,
				       LANDLOCK_ADD_RULE_INTERSECT));
	ASSERT_EQ(0, commit(supervisor_fd));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	set_loopback_up(_metadata);
	ASSERT_EQ(0, enforce(get_supervisee(supervisor_fd)));
	EXPECT_EQ(EACCES, test_bind(10001));
	EXPECT_EQ(0, test_bind(10002));
	EXPECT_EQ(EACCES, test_bind(20001));
}

TEST_HARNESS_MAIN
