// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Wrappers over the Landlock supervisor uAPI, and access right names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h"

static int sys_create_ruleset(const struct landlock_ruleset_attr *attr, size_t size, uint32_t flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

int ll_features(void)
{
	return sys_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_FEATURES);
}

int ll_abi_version(void)
{
	return sys_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

const char *ll_missing_feature(bool need_notify)
{
	int features;

	if (ll_abi_version() < 0)
		return errno == EOPNOTSUPP ? "Landlock is disabled at boot (lsm= kernel parameter)"
					   : "this kernel has no Landlock";
	features = ll_features();
	if (features < 0 || !(features & LANDLOCK_FEATURE_SUPERVISOR))
		return "this kernel has no Landlock supervisor support (patched 6.12 kernel needed; see README: make run)";
	if (need_notify && !(features & LANDLOCK_FEATURE_NOTIFY))
		return "this kernel has no Landlock supervisor notification";
	return NULL;
}

int ll_supervisor_create(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped, bool notify)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = handled_fs,
		.handled_access_net = handled_net,
		.scoped = scoped,
	};

	return sys_create_ruleset(&attr, sizeof(attr),
				  LANDLOCK_CREATE_RULESET_SUPERVISOR |
					  (notify ? LANDLOCK_CREATE_RULESET_NOTIFY : 0));
}

int ll_supervisee_get(int supervisor_fd)
{
	return ioctl(supervisor_fd, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
}

int ll_rule_fd(int ruleset_fd, int parent_fd, uint64_t access, uint32_t flags)
{
	const struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = parent_fd,
	};

	return syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
}

int ll_rule_port(int ruleset_fd, uint64_t port, uint64_t access, uint32_t flags)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	return syscall(SYS_landlock_add_rule, ruleset_fd, LANDLOCK_RULE_NET_PORT, &attr, flags);
}

int ll_commit(int supervisor_fd)
{
	return ioctl(supervisor_fd, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0);
}

int ll_restrict_self(int ruleset_fd)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(SYS_landlock_restrict_self, ruleset_fd, 0);
}

uint64_t ll_file_rights(void)
{
	return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
	       LANDLOCK_ACCESS_FS_IOCTL_DEV;
}

uint64_t ll_fs_rights(int abi)
{
	uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return rights;
}

uint64_t ll_net_rights(int abi)
{
	return abi >= 4 ? LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP : 0;
}

uint64_t ll_scopes(int abi)
{
	return abi >= 6 ? LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL : 0;
}

static const char *const fs_names[] = {
	"execute",   "write_file", "read_file", "read_dir",  "remove_dir", "remove_file",
	"make_char", "make_dir",   "make_reg",	"make_sock", "make_fifo",  "make_block",
	"make_sym",  "refer",	   "truncate",	"ioctl_dev",
};

static const char *const net_names[] = { "bind_tcp", "connect_tcp" };

char *ll_access_names(uint64_t access, bool net, char *buf, size_t len)
{
	const char *const *names = net ? net_names : fs_names;
	const size_t count = net ? 2 : sizeof(fs_names) / sizeof(fs_names[0]);
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		if (!(access & (1ULL << i)))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "," : "",
				 names[i]);
	}
	return buf;
}

/* Index of an access name, or -1. */
int ll_access_bit(const char *name, bool net)
{
	const char *const *names = net ? net_names : fs_names;
	const size_t count = net ? 2 : sizeof(fs_names) / sizeof(fs_names[0]);
	size_t i;

	for (i = 0; i < count; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}
