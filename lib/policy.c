// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolved policies: loading one landlockconfig file into a policy (the
 * parser is lib/config.c), algebra, and writing (with json-c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landlock-supervise.h"
#include "internal.h"

static bool policy_empty(const struct ll_policy *p)
{
	return !p->abi && !p->handled_fs && !p->handled_net && !p->scoped && !p->num_paths &&
	       !p->num_ports;
}

/*
 * Composes resolved @src into @dst as landlockconfig composes files: the
 * common handled rights and scopes, every rule limited to them, the lowest
 * ABI.  An empty @dst takes @src as it is.
 */
static int compose_resolved(struct ll_policy *dst, const struct ll_policy *src)
{
	struct ll_policy out = { 0 };

	if (policy_empty(dst))
		return ll_policy_union(dst, src);
	if (ll_policy_union(&out, dst) || ll_policy_union(&out, src)) {
		ll_policy_free(&out);
		return -1;
	}
	out.handled_fs = dst->handled_fs & src->handled_fs;
	out.handled_net = dst->handled_net & src->handled_net;
	out.scoped = dst->scoped & src->scoped;
	out.abi = dst->abi && (!src->abi || dst->abi < src->abi) ? dst->abi : src->abi;
	ll_policy_mask(&out);
	ll_policy_free(dst);
	*dst = out;
	return 0;
}

static int load_one(struct ll_policy *policy, const char *name, const char *text, char *err)
{
	struct ll_config *cfg = ll_config_new();
	struct ll_policy one = { 0 };
	int ret;

	if (!cfg) {
		snprintf(err, LL_ERR_LEN, "%s: out of memory", name);
		return -1;
	}
	ret = text ? ll_config_load_string(cfg, name, text, strlen(text), LL_CONFIG_JSON, err,
					   LL_ERR_LEN)
		   : ll_config_load(cfg, name, err, LL_ERR_LEN);
	if (!ret)
		ret = ll_config_resolve(cfg, &one, err, LL_ERR_LEN);
	if (!ret && compose_resolved(policy, &one)) {
		snprintf(err, LL_ERR_LEN, "%s: out of memory", name);
		ret = -1;
	}
	ll_policy_free(&one);
	ll_config_free(cfg);
	return ret;
}

int ll_policy_load_string(struct ll_policy *policy, const char *name, const char *json, char *err)
{
	return load_one(policy, name, json, err);
}

int ll_policy_load(struct ll_policy *policy, const char *file, char *err)
{
	return load_one(policy, file, NULL, err);
}

/* Drops the rights of each rule that are not handled (and empty rules). */
void ll_policy_mask(struct ll_policy *policy)
{
	size_t i, kept = 0;

	for (i = 0; i < policy->num_paths; i++) {
		policy->paths[i].access &= policy->handled_fs;
		if (policy->paths[i].access)
			policy->paths[kept++] = policy->paths[i];
		else
			free(policy->paths[i].path);
	}
	policy->num_paths = kept;
	kept = 0;
	for (i = 0; i < policy->num_ports; i++) {
		policy->ports[i].access &= policy->handled_net;
		if (policy->ports[i].access)
			policy->ports[kept++] = policy->ports[i];
	}
	policy->num_ports = kept;
}

void ll_policy_free(struct ll_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->num_paths; i++)
		free(policy->paths[i].path);
	free(policy->paths);
	free(policy->ports);
	memset(policy, 0, sizeof(*policy));
}

int ll_policy_add_path(struct ll_policy *policy, const char *path, uint64_t access)
{
	struct ll_path_rule *grown;
	size_t i;

	for (i = 0; i < policy->num_paths; i++) {
		if (!strcmp(policy->paths[i].path, path)) {
			policy->paths[i].access |= access;
			return 0;
		}
	}
	grown = realloc(policy->paths, (policy->num_paths + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	policy->paths = grown;
	grown[policy->num_paths].path = strdup(path);
	if (!grown[policy->num_paths].path)
		return -1;
	grown[policy->num_paths++].access = access;
	return 0;
}

int ll_policy_add_port(struct ll_policy *policy, uint64_t port, uint64_t access)
{
	struct ll_port_rule *grown;
	size_t i;

	for (i = 0; i < policy->num_ports; i++) {
		if (policy->ports[i].port == port) {
			policy->ports[i].access |= access;
			return 0;
		}
	}
	grown = realloc(policy->ports, (policy->num_ports + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	policy->ports = grown;
	grown[policy->num_ports].port = port;
	grown[policy->num_ports++].access = access;
	return 0;
}

int ll_policy_union(struct ll_policy *dst, const struct ll_policy *src)
{
	size_t i;

	dst->handled_fs |= src->handled_fs;
	dst->handled_net |= src->handled_net;
	dst->scoped |= src->scoped;
	if (src->abi > dst->abi)
		dst->abi = src->abi;
	for (i = 0; i < src->num_paths; i++)
		if (ll_policy_add_path(dst, src->paths[i].path, src->paths[i].access))
			return -1;
	for (i = 0; i < src->num_ports; i++)
		if (ll_policy_add_port(dst, src->ports[i].port, src->ports[i].access))
			return -1;
	return 0;
}

static uint64_t src_path_access(const struct ll_policy *src, const char *path)
{
	size_t i;

	for (i = 0; i < src->num_paths; i++)
		if (!strcmp(src->paths[i].path, path))
			return src->paths[i].access;
	return 0;
}

static uint64_t src_port_access(const struct ll_policy *src, uint64_t port)
{
	size_t i;

	for (i = 0; i < src->num_ports; i++)
		if (src->ports[i].port == port)
			return src->ports[i].access;
	return 0;
}

/* Keeps per object (path string or port) the rights @keep() returns. */
static void filter(struct ll_policy *dst, const struct ll_policy *src, bool intersect)
{
	size_t i, kept = 0;

	for (i = 0; i < dst->num_paths; i++) {
		const uint64_t other = src_path_access(src, dst->paths[i].path);

		dst->paths[i].access &= intersect ? other : ~other;
		if (dst->paths[i].access)
			dst->paths[kept++] = dst->paths[i];
		else
			free(dst->paths[i].path);
	}
	dst->num_paths = kept;
	kept = 0;
	for (i = 0; i < dst->num_ports; i++) {
		const uint64_t other = src_port_access(src, dst->ports[i].port);

		dst->ports[i].access &= intersect ? other : ~other;
		if (dst->ports[i].access)
			dst->ports[kept++] = dst->ports[i];
	}
	dst->num_ports = kept;
}

int ll_policy_intersect(struct ll_policy *dst, const struct ll_policy *src)
{
	dst->handled_fs &= src->handled_fs;
	dst->handled_net &= src->handled_net;
	dst->scoped &= src->scoped;
	filter(dst, src, true);
	return 0;
}

int ll_policy_difference(struct ll_policy *dst, const struct ll_policy *src)
{
	filter(dst, src, false);
	return 0;
}

/* Adds @value to @obj under @key (or to array @obj); false if either failed. */
static bool put(struct json_object *obj, const char *key, struct json_object *value)
{
	if (!obj || !value) {
		json_object_put(value);
		return false;
	}
	if (key ? json_object_object_add(obj, key, value) : json_object_array_add(obj, value)) {
		json_object_put(value);
		return false;
	}
	return true;
}

/* An array of access names; @kind: 0 fs, 1 net, 2 scopes. */
static struct json_object *access_array(uint64_t access, int kind)
{
	static const char *const scopes[] = { "abstract_unix_socket", "signal" };
	struct json_object *arr = json_object_new_array();
	char names[512], *save = NULL, *tok;
	bool ok = arr != NULL;
	int bit;

	if (kind == 2) {
		for (bit = 0; bit < 2; bit++)
			if (access & (1ULL << bit))
				ok = ok && put(arr, NULL, json_object_new_string(scopes[bit]));
	} else {
		ll_access_names(access, kind == 1, names, sizeof(names));
		for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			ok = ok && put(arr, NULL, json_object_new_string(tok));
	}
	if (!ok) {
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

/* A path as a landlockconfig string: "$" is written "$$". */
static struct json_object *path_string(const char *path)
{
	struct json_object *str;
	char *escaped, *o;
	const char *c;

	if (!strchr(path, '$'))
		return json_object_new_string(path);
	escaped = malloc(strlen(path) * 2 + 1);
	if (!escaped)
		return NULL;
	for (c = path, o = escaped; *c; c++) {
		*o++ = *c;
		if (*c == '$')
			*o++ = '$';
	}
	*o = '\0';
	str = json_object_new_string(escaped);
	free(escaped);
	return str;
}

/*
 * Writes @policy so that it reads back the same: a "ruleset" only with the
 * handled rights and scopes there are (never an empty one, which
 * landlockconfig refuses), one "pathBeneath" or "netPort" entry per set of
 * rights.  A policy with nothing at all (which landlockconfig cannot say:
 * it refuses an empty file) is written as one variable without value, which
 * reads back as no handled right and no rule.
 */
int ll_policy_write(const struct ll_policy *policy, const char *file)
{
	struct json_object *root = json_object_new_object();
	struct json_object *ruleset = json_object_new_object();
	struct json_object *paths = json_object_new_array();
	struct json_object *ports = json_object_new_array();
	bool *done = calloc(policy->num_paths + policy->num_ports + 1, sizeof(*done));
	bool *done_ports = done ? done + policy->num_paths : NULL;
	bool ok = root && ruleset && paths && ports && done;
	size_t i, j;
	int ret = -1;

	if (ok && policy->abi)
		ok = put(root, "abi", json_object_new_int(policy->abi));
	if (ok && policy->handled_fs)
		ok = put(ruleset, "handledAccessFs", access_array(policy->handled_fs, 0));
	if (ok && policy->handled_net)
		ok = put(ruleset, "handledAccessNet", access_array(policy->handled_net, 1));
	if (ok && policy->scoped)
		ok = put(ruleset, "scoped", access_array(policy->scoped, 2));
	/* One entry per set of rights, listing its paths. */
	for (i = 0; ok && i < policy->num_paths; i++) {
		struct json_object *entry, *parents;

		if (done[i])
			continue;
		entry = json_object_new_object();
		parents = json_object_new_array();
		ok = entry && parents;
		for (j = i; ok && j < policy->num_paths; j++) {
			if (done[j] || policy->paths[j].access != policy->paths[i].access)
				continue;
			done[j] = true;
			ok = put(parents, NULL, path_string(policy->paths[j].path));
		}
		ok = ok && put(entry, "allowedAccess", access_array(policy->paths[i].access, 0));
		if (ok)
			ok = put(entry, "parent", parents);
		else
			json_object_put(parents);
		ok = put(paths, NULL, entry) && ok;
	}
	for (i = 0; ok && i < policy->num_ports; i++) {
		struct json_object *entry, *numbers;

		if (done_ports[i])
			continue;
		entry = json_object_new_object();
		numbers = json_object_new_array();
		ok = entry && numbers;
		for (j = i; ok && j < policy->num_ports; j++) {
			if (done_ports[j] || policy->ports[j].access != policy->ports[i].access)
				continue;
			done_ports[j] = true;
			ok = put(numbers, NULL, json_object_new_int64(policy->ports[j].port));
		}
		ok = ok && put(entry, "allowedAccess", access_array(policy->ports[i].access, 1));
		if (ok)
			ok = put(entry, "port", numbers);
		else
			json_object_put(numbers);
		ok = put(ports, NULL, entry) && ok;
	}
	if (ok && json_object_object_length(ruleset)) {
		struct json_object *rulesets = json_object_new_array();

		ok = put(rulesets, NULL, ruleset);
		ruleset = NULL;
		if (ok)
			ok = put(root, "ruleset", rulesets);
		else
			json_object_put(rulesets);
	}
	if (ok && json_object_array_length(paths)) {
		ok = put(root, "pathBeneath", paths);
		paths = NULL;
	}
	if (ok && json_object_array_length(ports)) {
		ok = put(root, "netPort", ports);
		ports = NULL;
	}
	if (ok && !json_object_object_get_ex(root, "ruleset", NULL) &&
	    !json_object_object_get_ex(root, "pathBeneath", NULL) &&
	    !json_object_object_get_ex(root, "netPort", NULL)) {
		struct json_object *var = json_object_new_object(), *vars;

		ok = put(var, "name", json_object_new_string("empty"));
		if (!ok) {
			json_object_put(var);
		} else {
			vars = json_object_new_array();
			ok = put(vars, NULL, var);
			if (ok)
				ok = put(root, "variable", vars);
			else
				json_object_put(vars);
		}
	}
	if (ok)
		ret = json_object_to_file_ext(file, root,
					      JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	else
		errno = ENOMEM;
	if (ret)
		errno = errno ?: EIO;
	free(done);
	json_object_put(ruleset);
	json_object_put(paths);
	json_object_put(ports);
	json_object_put(root);
	return ret ? -1 : 0;
}
