// SPDX-License-Identifier: GPL-2.0-or-later
/* Writing the command's outputs: atomically, and policies as JSON. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

int write_atomic(const char *path, int (*write)(void *ctx, const char *tmp), void *ctx)
{
	const char *slash = strrchr(path, '/');
	const mode_t mask = umask(0);
	char *tmp;
	int fd, saved;

	umask(mask);
	/* ".NAME.XXXXXX" next to NAME: same file system, hidden. */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0, path,
		     slash ? slash + 1 : path) < 0)
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail_free;
	if (fchmod(fd, 0666 & ~mask) || write(ctx, tmp))
		goto fail_unlink;
	/* The writer reopened the file by name: sync what it wrote. */
	if (fsync(fd) || rename(tmp, path))
		goto fail_unlink;
	close(fd);
	free(tmp);
	return 0;

fail_unlink:
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
fail_free:
	saved = errno;
	free(tmp);
	errno = saved ?: EIO;
	return -1;
}

static struct json_object *names(uint64_t access, int kind)
{
	static const char *const scopes[] = { "abstract_unix_socket", "signal" };
	struct json_object *arr = json_object_new_array();
	char buf[512], *save = NULL, *tok;
	size_t i;

	if (kind == 2) {
		for (i = 0; i < 2; i++)
			if (access & (1ULL << i))
				json_object_array_add(arr, json_object_new_string(scopes[i]));
		return arr;
	}
	ll_access_names(access, kind == 1, buf, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(arr, json_object_new_string(tok));
	return arr;
}

int print_policy(const struct ll_policy *policy, FILE *out)
{
	struct json_object *root = json_object_new_object();
	struct json_object *paths = json_object_new_array();
	struct json_object *ports = json_object_new_array();
	uint64_t port, access;
	const char *path;
	size_t i;

	json_object_object_add(root, "abi", json_object_new_int(ll_policy_abi(policy)));
	json_object_object_add(root, "handledAccessFs", names(ll_policy_handled_fs(policy), 0));
	json_object_object_add(root, "handledAccessNet", names(ll_policy_handled_net(policy), 1));
	json_object_object_add(root, "scoped", names(ll_policy_scoped(policy), 2));
	for (i = 0; (path = ll_policy_path(policy, i, &access)); i++) {
		struct json_object *rule = json_object_new_object();

		json_object_object_add(rule, "parent", json_object_new_string(path));
		json_object_object_add(rule, "allowedAccess", names(access, 0));
		json_object_array_add(paths, rule);
	}
	for (i = 0; !ll_policy_port(policy, i, &port, &access); i++) {
		struct json_object *rule = json_object_new_object();

		json_object_object_add(rule, "port", json_object_new_int64(port));
		json_object_object_add(rule, "allowedAccess", names(access, 1));
		json_object_array_add(ports, rule);
	}
	json_object_object_add(root, "pathBeneath", paths);
	json_object_object_add(root, "netPort", ports);
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return fflush(out) ? -1 : 0;
}
