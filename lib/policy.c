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

const char *ll_version(void)
{
	return LL_SUPERVISE_VERSION_STRING;
}

unsigned int ll_version_number(void)
{
	return LL_SUPERVISE_VERSION;
}

/* --- The rule indexes ------------------------------------------------------ */

static size_t hash_path(const char *s)
{
	size_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t hash_port(uint64_t port)
{
	const uint64_t h = port * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

/* The slot of @path: its rule's, or the empty one where it would go. */
static size_t *path_slot(const struct ll_policy *p, const char *path)
{
	const size_t mask = p->num_path_slots - 1;
	size_t i = hash_path(path) & mask;

	for (;; i = (i + 1) & mask) {
		size_t *slot = &p->path_slots[i];

		if (!*slot || !strcmp(p->paths[*slot - 1].path, path))
			return slot;
	}
}

static size_t *port_slot(const struct ll_policy *p, uint64_t port)
{
	const size_t mask = p->num_port_slots - 1;
	size_t i = hash_port(port) & mask;

	for (;; i = (i + 1) & mask) {
		size_t *slot = &p->port_slots[i];

		if (!*slot || p->ports[*slot - 1].port == port)
			return slot;
	}
}

/* Slots for @count rules, at most half full. */
static size_t slots_for(size_t count)
{
	size_t n = 64;

	while (n < (count + 1) * 2)
		n *= 2;
	return n;
}

static int reindex_paths(struct ll_policy *p)
{
	const size_t n = slots_for(p->num_paths);
	size_t *slots = calloc(n, sizeof(*slots)), i;

	if (!slots)
		return -1;
	free(p->path_slots);
	p->path_slots = slots;
	p->num_path_slots = n;
	for (i = 0; i < p->num_paths; i++) {
		size_t *slot = path_slot(p, p->paths[i].path);

		if (!*slot)
			*slot = i + 1;
	}
	return 0;
}

static int reindex_ports(struct ll_policy *p)
{
	const size_t n = slots_for(p->num_ports);
	size_t *slots = calloc(n, sizeof(*slots)), i;

	if (!slots)
		return -1;
	free(p->port_slots);
	p->port_slots = slots;
	p->num_port_slots = n;
	for (i = 0; i < p->num_ports; i++) {
		size_t *slot = port_slot(p, p->ports[i].port);

		if (!*slot)
			*slot = i + 1;
	}
	return 0;
}

int ll_policy_reindex(struct ll_policy *policy)
{
	return reindex_paths(policy) || reindex_ports(policy) ? -1 : 0;
}

/* --- Policies ------------------------------------------------------------- */

struct ll_policy *ll_policy_new(void)
{
	return calloc(1, sizeof(struct ll_policy));
}

void ll_policy_clear(struct ll_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->num_paths; i++)
		free(policy->paths[i].path);
	free(policy->paths);
	free(policy->ports);
	free(policy->path_slots);
	free(policy->port_slots);
	memset(policy, 0, sizeof(*policy));
}

void ll_policy_free(struct ll_policy *policy)
{
	if (!policy)
		return;
	ll_policy_clear(policy);
	free(policy);
}

struct ll_policy *ll_policy_dup(const struct ll_policy *policy)
{
	struct ll_policy *copy = ll_policy_new();

	/* The union of an empty policy and @policy is @policy. */
	if (copy && ll_policy_union(copy, policy)) {
		ll_policy_free(copy);
		return NULL;
	}
	return copy;
}

int ll_policy_abi(const struct ll_policy *policy)
{
	return policy->abi;
}

uint64_t ll_policy_handled_fs(const struct ll_policy *policy)
{
	return policy->handled_fs;
}

uint64_t ll_policy_handled_net(const struct ll_policy *policy)
{
	return policy->handled_net;
}

uint64_t ll_policy_scoped(const struct ll_policy *policy)
{
	return policy->scoped;
}

void ll_policy_set_abi(struct ll_policy *policy, int abi)
{
	policy->abi = abi;
}

void ll_policy_set_handled(struct ll_policy *policy, uint64_t handled_fs, uint64_t handled_net,
			   uint64_t scoped)
{
	policy->handled_fs = handled_fs;
	policy->handled_net = handled_net;
	policy->scoped = scoped;
}

size_t ll_policy_num_paths(const struct ll_policy *policy)
{
	return policy->num_paths;
}

size_t ll_policy_num_ports(const struct ll_policy *policy)
{
	return policy->num_ports;
}

const char *ll_policy_path(const struct ll_policy *policy, size_t index, uint64_t *access)
{
	if (index >= policy->num_paths) {
		errno = ERANGE;
		return NULL;
	}
	if (access)
		*access = policy->paths[index].access;
	return policy->paths[index].path;
}

int ll_policy_port(const struct ll_policy *policy, size_t index, uint64_t *port, uint64_t *access)
{
	if (index >= policy->num_ports) {
		errno = ERANGE;
		return -1;
	}
	if (port)
		*port = policy->ports[index].port;
	if (access)
		*access = policy->ports[index].access;
	return 0;
}

uint64_t ll_policy_path_access(const struct ll_policy *policy, const char *path)
{
	const size_t *slot;
	size_t i;

	if (!policy->num_path_slots) {
		/* No index (memory ran out after a compaction). */
		for (i = 0; i < policy->num_paths; i++)
			if (!strcmp(policy->paths[i].path, path))
				return policy->paths[i].access;
		return 0;
	}
	slot = path_slot(policy, path);
	return *slot ? policy->paths[*slot - 1].access : 0;
}

uint64_t ll_policy_port_access(const struct ll_policy *policy, uint64_t port)
{
	const size_t *slot;
	size_t i;

	if (!policy->num_port_slots) {
		for (i = 0; i < policy->num_ports; i++)
			if (policy->ports[i].port == port)
				return policy->ports[i].access;
		return 0;
	}
	slot = port_slot(policy, port);
	return *slot ? policy->ports[*slot - 1].access : 0;
}

/* Grows an array of @size-byte items to hold one more than @count. */
static int grow(void *array, size_t *cap, size_t count, size_t size)
{
	void **p = array;
	void *bigger;
	size_t n;

	if (count < *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	bigger = reallocarray(*p, n, size);
	if (!bigger)
		return -1;
	*p = bigger;
	*cap = n;
	return 0;
}

int ll_policy_put_path(struct ll_policy *policy, char *path, uint64_t access)
{
	size_t *slot;

	if ((policy->num_paths + 1) * 2 > policy->num_path_slots && reindex_paths(policy))
		goto fail;
	slot = path_slot(policy, path);
	if (*slot) {
		policy->paths[*slot - 1].access |= access;
		free(path);
		return 0;
	}
	if (grow(&policy->paths, &policy->cap_paths, policy->num_paths, sizeof(*policy->paths)))
		goto fail;
	policy->paths[policy->num_paths].path = path;
	policy->paths[policy->num_paths++].access = access;
	*slot = policy->num_paths;
	return 0;
fail:
	free(path);
	errno = ENOMEM;
	return -1;
}

int ll_policy_add_path(struct ll_policy *policy, const char *path, uint64_t access)
{
	char *copy;

	if (policy->num_path_slots) {
		const size_t *slot = path_slot(policy, path);

		if (*slot) {
			policy->paths[*slot - 1].access |= access;
			return 0;
		}
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	return ll_policy_put_path(policy, copy, access);
}

int ll_policy_add_port(struct ll_policy *policy, uint64_t port, uint64_t access)
{
	size_t *slot;

	if ((policy->num_ports + 1) * 2 > policy->num_port_slots && reindex_ports(policy))
		return -1;
	slot = port_slot(policy, port);
	if (*slot) {
		policy->ports[*slot - 1].access |= access;
		return 0;
	}
	if (grow(&policy->ports, &policy->cap_ports, policy->num_ports, sizeof(*policy->ports)))
		return -1;
	policy->ports[policy->num_ports].port = port;
	policy->ports[policy->num_ports++].access = access;
	*slot = policy->num_ports;
	return 0;
}

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
		ll_policy_clear(&out);
		return -1;
	}
	out.handled_fs = dst->handled_fs & src->handled_fs;
	out.handled_net = dst->handled_net & src->handled_net;
	out.scoped = dst->scoped & src->scoped;
	out.abi = dst->abi && (!src->abi || dst->abi < src->abi) ? dst->abi : src->abi;
	ll_policy_mask(&out);
	ll_policy_clear(dst);
	*dst = out;
	return 0;
}

static int load_one(struct ll_policy *policy, const char *name, const char *text, char *err,
		    size_t err_len)
{
	struct ll_config *cfg = ll_config_new();
	struct ll_policy one = { 0 };
	int ret;

	if (!cfg) {
		snprintf(err, err_len, "%s: out of memory", name);
		return -1;
	}
	ret = text ? ll_config_load_string(cfg, name, text, strlen(text), LL_CONFIG_JSON, err,
					   err_len)
		   : ll_config_load(cfg, name, err, err_len);
	if (!ret)
		ret = ll_config_resolve(cfg, &one, err, err_len);
	if (!ret && compose_resolved(policy, &one)) {
		snprintf(err, err_len, "%s: out of memory", name);
		ret = -1;
	}
	ll_policy_clear(&one);
	ll_config_free(cfg);
	return ret;
}

int ll_policy_load_string(struct ll_policy *policy, const char *name, const char *json, char *err,
			  size_t err_len)
{
	return load_one(policy, name, json, err, err_len);
}

int ll_policy_load(struct ll_policy *policy, const char *file, char *err, size_t err_len)
{
	return load_one(policy, file, NULL, err, err_len);
}

/*
 * Keeps the rules with rights left, in order; the indexes are rebuilt (if
 * memory runs out for them, they are dropped and rebuilt at the next add,
 * and lookups see an empty index).
 */
static void compact(struct ll_policy *policy)
{
	size_t i, kept = 0;

	for (i = 0; i < policy->num_paths; i++) {
		if (policy->paths[i].access)
			policy->paths[kept++] = policy->paths[i];
		else
			free(policy->paths[i].path);
	}
	policy->num_paths = kept;
	kept = 0;
	for (i = 0; i < policy->num_ports; i++)
		if (policy->ports[i].access)
			policy->ports[kept++] = policy->ports[i];
	policy->num_ports = kept;
	if (ll_policy_reindex(policy)) {
		free(policy->path_slots);
		free(policy->port_slots);
		policy->path_slots = policy->port_slots = NULL;
		policy->num_path_slots = policy->num_port_slots = 0;
	}
}

/* Drops the rights of each rule that are not handled (and empty rules). */
void ll_policy_mask(struct ll_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->num_paths; i++)
		policy->paths[i].access &= policy->handled_fs;
	for (i = 0; i < policy->num_ports; i++)
		policy->ports[i].access &= policy->handled_net;
	compact(policy);
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

/* Keeps per object (path string or port) the rights both have, or not. */
static void filter(struct ll_policy *dst, const struct ll_policy *src, bool intersect)
{
	size_t i;

	for (i = 0; i < dst->num_paths; i++) {
		const uint64_t other = ll_policy_path_access(src, dst->paths[i].path);

		dst->paths[i].access &= intersect ? other : ~other;
	}
	for (i = 0; i < dst->num_ports; i++) {
		const uint64_t other = ll_policy_port_access(src, dst->ports[i].port);

		dst->ports[i].access &= intersect ? other : ~other;
	}
	compact(dst);
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
