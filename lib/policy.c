// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * landlockconfig JSON policies: parsing (with json-c), variables,
 * composition of several files, algebra, and writing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landlock-supervise.h"
#include "internal.h"

/* Default ABI when a file does not say: the one of the patched kernel. */
#define LL_DEFAULT_ABI 6

/*
 * Most variable substitutions in one file (about the paths they make): each
 * variable use multiplies the paths by its values, so a short file could
 * otherwise ask for billions of rules.
 */
#define LL_MAX_EXPANDED_PATHS 4096

struct parser {
	const char *name;
	const char *text;
	char *err;
	int abi;
	struct json_object *variables;
	size_t expanded_paths;
};

/* Finds where @needle first appears in the text, as "LINE:COLUMN". */
static void locate(const struct parser *p, const char *needle, char *buf, size_t len)
{
	const char *at = needle ? strstr(p->text, needle) : NULL;
	int line = 1, col = 1;
	const char *c;

	buf[0] = '\0';
	if (!at)
		return;
	for (c = p->text; c < at; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(buf, len, "%d:%d: ", line, col);
}

/* Error at JSON path @where, located at the first appearance of @needle. */
static int fail(const struct parser *p, const char *needle, const char *where, const char *fmt, ...)
{
	char pos[32], msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	locate(p, needle, pos, sizeof(pos));
	snprintf(p->err, LL_ERR_LEN, "%s:%s %s: %s", p->name, pos, where, msg);
	return -1;
}

static uint64_t group_rights(const char *name, bool net, int abi)
{
	if (!strcmp(name, "abi.all"))
		return net ? ll_net_rights(abi) : ll_fs_rights(abi);
	if (net)
		return 0;
	if (!strcmp(name, "abi.read_execute"))
		return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
		       LANDLOCK_ACCESS_FS_READ_DIR;
	if (!strcmp(name, "abi.read_write"))
		return ll_fs_rights(abi) & ~LANDLOCK_ACCESS_FS_EXECUTE;
	return 0;
}

/* Parses an array of access names (fs, net, or scopes) at @where. */
static int parse_access(const struct parser *p, struct json_object *array, const char *where,
			int kind, uint64_t *out)
{
	static const char *const scopes[] = { "abstract_unix_socket", "signal" };
	size_t i, n;

	*out = 0;
	if (!json_object_is_type(array, json_type_array) || !(n = json_object_array_length(array)))
		return fail(p, where, where, "expected a non-empty array of access rights");
	for (i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		const char *name = json_object_get_string(item);
		char quoted[128];
		uint64_t group;
		int bit = -1;

		snprintf(quoted, sizeof(quoted), "\"%s\"", name ? name : "");
		if (!json_object_is_type(item, json_type_string))
			return fail(p, where, where, "item %zu is not a string", i);
		group = kind == 2 ? (!strcmp(name, "abi.all") ? ll_scopes(p->abi) : 0)
				  : group_rights(name, kind == 1, p->abi);
		if (group) {
			*out |= group;
			continue;
		}
		if (kind == 2) {
			size_t s;

			for (s = 0; s < 2; s++)
				if (!strcmp(name, scopes[s]))
					bit = s;
		} else {
			bit = ll_access_bit(name, kind == 1);
		}
		if (bit < 0)
			return fail(p, quoted, where, "unknown %s \"%s\"",
				    kind == 2 ? "scope" : "access right", name);
		*out |= 1ULL << bit;
	}
	return 0;
}

/*
 * Expands the "${name}" variables of @s found from @from on into each of
 * their values; a value is literal (not expanded again).
 */
static int expand(struct parser *p, const char *s, size_t from, const char *where,
		  struct ll_policy *policy, uint64_t access)
{
	const char *start = strstr(s + from, "${"), *end;
	struct json_object *var, *literal;
	char name[128];
	size_t i, n;

	if (!start)
		return ll_policy_add_path(policy, s, access) ? fail(p, NULL, where, "out of memory")
							     : 0;
	end = strchr(start, '}');
	if (!end || (size_t)(end - start - 2) >= sizeof(name))
		return fail(p, s, where, "malformed variable in \"%s\"", s);
	memcpy(name, start + 2, end - start - 2);
	name[end - start - 2] = '\0';
	if (!p->variables || !json_object_object_get_ex(p->variables, name, &var) ||
	    !json_object_object_get_ex(var, "literal", &literal))
		return fail(p, s, where, "unknown variable \"%s\"", name);
	n = json_object_array_length(literal);
	for (i = 0; i < n; i++) {
		const char *value = json_object_get_string(json_object_array_get_idx(literal, i));
		char *expanded;
		int err;

		/* Counts substitutions: partial expansions cost work too. */
		if (++p->expanded_paths > LL_MAX_EXPANDED_PATHS)
			return fail(p, s, where, "variables expand to more than %d paths",
				    LL_MAX_EXPANDED_PATHS);
		if (asprintf(&expanded, "%.*s%s%s", (int)(start - s), s, value, end + 1) < 0)
			return fail(p, NULL, where, "out of memory");
		err = expand(p, expanded, (size_t)(start - s) + strlen(value), where, policy,
			     access);
		free(expanded);
		if (err)
			return err;
	}
	return 0;
}

static int check_keys(const struct parser *p, struct json_object *obj, const char *where,
		      const char *const *keys)
{
	if (!json_object_is_type(obj, json_type_object))
		return fail(p, NULL, where, "expected an object");
	json_object_object_foreach (obj, key, value) {
		const char *const *k;
		bool known = false;
		char quoted[128];

		(void)value;
		for (k = keys; *k; k++)
			known = known || !strcmp(key, *k);
		if (!known) {
			snprintf(quoted, sizeof(quoted), "\"%s\"", key);
			return fail(p, quoted, where, "unknown key \"%s\"", key);
		}
	}
	return 0;
}

static int parse_root(struct parser *p, struct json_object *root, struct ll_policy *policy)
{
	static const char *const root_keys[] = { "abi",		"variable", "ruleset",
						 "pathBeneath", "netPort",  NULL };
	static const char *const ruleset_keys[] = { "handledAccessFs", "handledAccessNet", "scoped",
						    NULL };
	static const char *const path_keys[] = { "allowedAccess", "parent", NULL };
	static const char *const port_keys[] = { "allowedAccess", "port", NULL };
	struct json_object *v, *arr;
	bool has_ruleset = false;
	char where[96];
	size_t i, j, n;

	if (!json_object_is_type(root, json_type_object))
		return fail(p, NULL, "(root)", "expected an object");
	if (check_keys(p, root, "(root)", root_keys))
		return -1;
	p->abi = LL_DEFAULT_ABI;
	if (json_object_object_get_ex(root, "abi", &v)) {
		p->abi = json_object_get_int(v);
		if (!json_object_is_type(v, json_type_int) || p->abi < 1)
			return fail(p, "\"abi\"", "abi", "expected an integer >= 1");
	}
	policy->abi = p->abi;

	/* Every section is an array. */
	{
		static const char *const arrays[] = { "variable", "ruleset", "pathBeneath",
						      "netPort" };
		size_t k;

		for (k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
			char quoted[32];

			snprintf(quoted, sizeof(quoted), "\"%s\"", arrays[k]);
			if (json_object_object_get_ex(root, arrays[k], &v) &&
			    !json_object_is_type(v, json_type_array))
				return fail(p, quoted, arrays[k], "expected an array");
		}
	}

	if (json_object_object_get_ex(root, "variable", &arr)) {
		p->variables = json_object_new_object();
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			struct json_object *item = json_object_array_get_idx(arr, i);
			struct json_object *name, *literal;

			snprintf(where, sizeof(where), "variable[%zu]", i);
			if (!json_object_is_type(item, json_type_object) ||
			    !json_object_object_get_ex(item, "name", &name) ||
			    !json_object_is_type(name, json_type_string) ||
			    !json_object_object_get_ex(item, "literal", &literal) ||
			    !json_object_is_type(literal, json_type_array))
				return fail(p, "\"variable\"", where,
					    "expected \"name\" and \"literal\" array");
			for (j = 0; j < json_object_array_length(literal); j++)
				if (!json_object_is_type(json_object_array_get_idx(literal, j),
							 json_type_string))
					return fail(p, "\"literal\"", where, "expected strings");
			json_object_object_add(p->variables, json_object_get_string(name),
					       json_object_get(item));
		}
	}

	if (json_object_object_get_ex(root, "ruleset", &arr)) {
		has_ruleset = true;
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			struct json_object *item = json_object_array_get_idx(arr, i);
			uint64_t access;

			snprintf(where, sizeof(where), "ruleset[%zu]", i);
			if (check_keys(p, item, where, ruleset_keys))
				return -1;
			if (json_object_object_get_ex(item, "handledAccessFs", &v)) {
				snprintf(where, sizeof(where), "ruleset[%zu].handledAccessFs", i);
				if (parse_access(p, v, where, 0, &access))
					return -1;
				policy->handled_fs |= access;
			}
			if (json_object_object_get_ex(item, "handledAccessNet", &v)) {
				snprintf(where, sizeof(where), "ruleset[%zu].handledAccessNet", i);
				if (parse_access(p, v, where, 1, &access))
					return -1;
				policy->handled_net |= access;
			}
			if (json_object_object_get_ex(item, "scoped", &v)) {
				snprintf(where, sizeof(where), "ruleset[%zu].scoped", i);
				if (parse_access(p, v, where, 2, &access))
					return -1;
				policy->scoped |= access;
			}
		}
	}

	if (json_object_object_get_ex(root, "pathBeneath", &arr)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			struct json_object *item = json_object_array_get_idx(arr, i);
			struct json_object *access_arr, *parents;
			uint64_t access;

			snprintf(where, sizeof(where), "pathBeneath[%zu]", i);
			if (check_keys(p, item, where, path_keys))
				return -1;
			if (!json_object_object_get_ex(item, "allowedAccess", &access_arr) ||
			    !json_object_object_get_ex(item, "parent", &parents) ||
			    !json_object_is_type(parents, json_type_array))
				return fail(p, "\"pathBeneath\"", where,
					    "expected \"allowedAccess\" and \"parent\" arrays");
			snprintf(where, sizeof(where), "pathBeneath[%zu].allowedAccess", i);
			if (parse_access(p, access_arr, where, 0, &access))
				return -1;
			if (!has_ruleset)
				policy->handled_fs |= ll_fs_rights(p->abi);
			for (j = 0; j < json_object_array_length(parents); j++) {
				struct json_object *parent = json_object_array_get_idx(parents, j);

				snprintf(where, sizeof(where), "pathBeneath[%zu].parent[%zu]", i,
					 j);
				if (!json_object_is_type(parent, json_type_string))
					return fail(p, "\"parent\"", where, "expected a string");
				if (expand(p, json_object_get_string(parent), 0, where, policy,
					   access))
					return -1;
			}
		}
	}

	if (json_object_object_get_ex(root, "netPort", &arr)) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			struct json_object *item = json_object_array_get_idx(arr, i);
			struct json_object *access_arr, *ports;
			uint64_t access;

			snprintf(where, sizeof(where), "netPort[%zu]", i);
			if (check_keys(p, item, where, port_keys))
				return -1;
			if (!json_object_object_get_ex(item, "allowedAccess", &access_arr) ||
			    !json_object_object_get_ex(item, "port", &ports) ||
			    !json_object_is_type(ports, json_type_array))
				return fail(p, "\"netPort\"", where,
					    "expected \"allowedAccess\" and \"port\" arrays");
			snprintf(where, sizeof(where), "netPort[%zu].allowedAccess", i);
			if (parse_access(p, access_arr, where, 1, &access))
				return -1;
			if (!has_ruleset)
				policy->handled_net |= ll_net_rights(p->abi);
			for (j = 0; j < json_object_array_length(ports); j++) {
				struct json_object *port = json_object_array_get_idx(ports, j);
				const int64_t value = json_object_get_int64(port);

				snprintf(where, sizeof(where), "netPort[%zu].port[%zu]", i, j);
				if (!json_object_is_type(port, json_type_int) || value < 0 ||
				    value > 65535)
					return fail(p, "\"port\"", where,
						    "expected a port number (0 to 65535)");
				if (ll_policy_add_port(policy, value, access))
					return fail(p, NULL, where, "out of memory");
			}
		}
	}
	return 0;
}

int ll_policy_load_string(struct ll_policy *policy, const char *name, const char *json, char *err)
{
	struct parser p = { .name = name, .text = json, .err = err };
	struct json_tokener *tok = json_tokener_new();
	struct ll_policy parsed = { 0 };
	struct json_object *root;
	int ret = -1;

	if (!tok)
		return fail(&p, NULL, "(root)", "out of memory");
	root = json_tokener_parse_ex(tok, json, strlen(json) + 1);
	if (!root) {
		const size_t offset = json_tokener_get_parse_end(tok);
		int line = 1, col = 1;
		size_t i;

		for (i = 0; i < offset && json[i]; i++) {
			if (json[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		snprintf(err, LL_ERR_LEN, "%s:%d:%d: %s", name, line, col,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	if (!parse_root(&p, root, &parsed)) {
		if (!policy->abi || parsed.abi > policy->abi)
			policy->abi = parsed.abi;
		ret = ll_policy_union(policy, &parsed);
		if (ret)
			snprintf(err, LL_ERR_LEN, "%s: out of memory", name);
	}
	json_object_put(p.variables);
	json_object_put(root);
	ll_policy_free(&parsed);
	return ret;
}

int ll_policy_load(struct ll_policy *policy, const char *file, char *err)
{
	FILE *f = fopen(file, "re");
	char *text = NULL;
	size_t size = 0;
	int ret;

	if (!f) {
		snprintf(err, LL_ERR_LEN, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (getdelim(&text, &size, '\0', f) < 0 && !text) {
		snprintf(err, LL_ERR_LEN, "%s: cannot read: %s", file, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (!text[0]) {
		snprintf(err, LL_ERR_LEN, "%s:1:1: empty file", file);
		free(text);
		return -1;
	}
	ret = ll_policy_load_string(policy, file, text, err);
	free(text);
	return ret;
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

static struct json_object *access_array(uint64_t access, bool net)
{
	struct json_object *arr = json_object_new_array();
	char names[512], *save = NULL, *tok;

	ll_access_names(access, net, names, sizeof(names));
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(arr, json_object_new_string(tok));
	return arr;
}

int ll_policy_write(const struct ll_policy *policy, const char *file)
{
	struct json_object *root = json_object_new_object();
	struct json_object *rulesets = json_object_new_array();
	struct json_object *ruleset = json_object_new_object();
	struct json_object *paths = json_object_new_array();
	struct json_object *ports = json_object_new_array();
	bool *done = calloc(policy->num_paths + 1, sizeof(*done));
	size_t i, j;
	int ret;

	json_object_object_add(root, "abi", json_object_new_int(policy->abi ?: 6));
	if (policy->handled_fs)
		json_object_object_add(ruleset, "handledAccessFs",
				       access_array(policy->handled_fs, false));
	if (policy->handled_net)
		json_object_object_add(ruleset, "handledAccessNet",
				       access_array(policy->handled_net, true));
	json_object_array_add(rulesets, ruleset);
	json_object_object_add(root, "ruleset", rulesets);
	/* One entry per set of rights, listing its paths. */
	for (i = 0; i < policy->num_paths && done; i++) {
		struct json_object *entry, *parents;

		if (done[i])
			continue;
		entry = json_object_new_object();
		parents = json_object_new_array();
		for (j = i; j < policy->num_paths; j++) {
			if (done[j] || policy->paths[j].access != policy->paths[i].access)
				continue;
			done[j] = true;
			json_object_array_add(parents,
					      json_object_new_string(policy->paths[j].path));
		}
		json_object_object_add(entry, "allowedAccess",
				       access_array(policy->paths[i].access, false));
		json_object_object_add(entry, "parent", parents);
		json_object_array_add(paths, entry);
	}
	for (i = 0; i < policy->num_ports; i++) {
		struct json_object *entry = json_object_new_object();
		struct json_object *port = json_object_new_array();

		json_object_array_add(port, json_object_new_int64(policy->ports[i].port));
		json_object_object_add(entry, "allowedAccess",
				       access_array(policy->ports[i].access, true));
		json_object_object_add(entry, "port", port);
		json_object_array_add(ports, entry);
	}
	if (json_object_array_length(paths))
		json_object_object_add(root, "pathBeneath", paths);
	else
		json_object_put(paths);
	if (json_object_array_length(ports))
		json_object_object_add(root, "netPort", ports);
	else
		json_object_put(ports);
	ret = done ? json_object_to_file_ext(file, root,
					     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE)
		   : -1;
	if (ret)
		errno = errno ?: EIO;
	free(done);
	json_object_put(root);
	return ret ? -1 : 0;
}
