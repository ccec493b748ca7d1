// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * landlockconfig configurations: reading a JSON or TOML document tree
 * (lib/tree.h), composing several files, and resolving variables into the
 * rules of a struct ll_policy.
 *
 * The semantics are landlockconfig's (landlock-lsm/landlockconfig); where
 * this library differs on purpose, man/liblandlock-supervise.3 says so:
 *  - handled rights: the "ruleset" rights, plus every right a rule names
 *    (rules whose rights resolve to none are dropped);
 *  - "abi.*" groups need "abi" and resolve with that version; a group with no
 *    right at that version is empty; the version is 1 to 2^31 - 1;
 *  - every array is non-empty, every object has a key, a ruleset has one;
 *    null (JSON) is the same as an absent optional key;
 *  - variables: names are [A-Za-z][A-Za-z0-9_]*, values are literal, a
 *    variable without "literal" has no value (a path using it gives no
 *    rule), declarations of one name add up; "$$" is a "$", "${name}" a use;
 *  - composing files: handled rights and scopes are intersected, rules are
 *    united then limited to the common handled rights, variables are shared
 *    (resolved after composition), the lowest ABI is kept;
 *  - a directory: its regular *.json and *.toml files not starting with a
 *    dot, composed (in name order, for deterministic errors).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h"
#include "tree.h"

/*
 * Most paths that variables may produce in one resolution: each use of a
 * variable multiplies the paths by its values, so a short file could
 * otherwise ask for billions of rules.
 */
#define LL_MAX_EXPANDED_PATHS 65536

/* Largest policy file read (a policy, not a data set). */
#define LL_MAX_FILE_SIZE (64 << 20)

enum key {
	K_ABI,
	K_VARIABLE,
	K_RULESET,
	K_PATH_BENEATH,
	K_NET_PORT,
	K_HANDLED_FS,
	K_HANDLED_NET,
	K_SCOPED,
	K_ALLOWED,
	K_PARENT,
	K_PORT,
	K_NAME,
	K_LITERAL,
	K_COUNT
};

#define KEY(k) (1U << (k))

/* JSON keys are camelCase, TOML ones snake_case; the tree is the same. */
static const char *const key_names[2][K_COUNT] = {
	{ "abi", "variable", "ruleset", "pathBeneath", "netPort", "handledAccessFs",
	  "handledAccessNet", "scoped", "allowedAccess", "parent", "port", "name", "literal" },
	{ "abi", "variable", "ruleset", "path_beneath", "net_port", "handled_access_fs",
	  "handled_access_net", "scoped", "allowed_access", "parent", "port", "name", "literal" },
};

enum access_kind { ACCESS_FS, ACCESS_NET, ACCESS_SCOPE };

/* A piece of a path template: literal text, or a variable's name. */
struct token {
	char *text;
	bool var;
};

struct path_rule {
	struct token *tokens;
	size_t num_tokens;
	uint64_t access;
	const char *file; /* in ll_config.files */
	unsigned int line, col;
};

struct variable {
	char *name;
	char **values;
	size_t num_values, cap_values;
};

struct ll_config {
	bool loaded;
	int abi; /* 0: none given */
	uint64_t handled_fs, handled_net, scoped;
	struct path_rule *paths;
	size_t num_paths, cap_paths;
	struct ll_port_rule *ports;
	size_t num_ports, cap_ports;
	struct variable *vars;
	size_t num_vars, cap_vars;
	char **files;
	size_t num_files;
};

struct file {
	const char *name;
	int format;
	char *err;
	size_t err_len;
	struct ll_config *cfg;
};

static int fail(const struct file *f, unsigned int line, unsigned int col, const char *where,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(const struct file *f, unsigned int line, unsigned int col, const char *where,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(f->err, f->err_len, "%s:%u:%u: %s%s%s", f->name, line, col, where,
		 where[0] ? ": " : "", msg);
	/* Errors in the text are EINVAL (see ll_policy_load(3)). */
	errno = EINVAL;
	return -1;
}

static int oom(const struct file *f)
{
	snprintf(f->err, f->err_len, "%s: out of memory", f->name);
	errno = ENOMEM;
	return -1;
}

/* Grows @*array of @size-byte items to hold @need; 0 or -1. */
static int grow(void *array, size_t *cap, size_t need, size_t size)
{
	void **p = array;
	size_t n = *cap ? *cap : 8;
	void *bigger;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	bigger = reallocarray(*p, n, size);
	if (!bigger)
		return -1;
	*p = bigger;
	*cap = n;
	return 0;
}

static const char *kind_name(enum ll_node_kind kind)
{
	switch (kind) {
	case LL_NODE_NULL:
		return "null";
	case LL_NODE_BOOL:
		return "a boolean";
	case LL_NODE_NUMBER:
		return "a number";
	case LL_NODE_STRING:
		return "a string";
	case LL_NODE_ARRAY:
		return "an array";
	case LL_NODE_OBJECT:
		return "an object";
	default:
		return "a date or time";
	}
}

/*
 * Reads the members of object @obj into @vals (indexed by enum key): each
 * must be one of @allowed, at most once.  A null member is absent.
 */
static int members(const struct file *f, const struct ll_node *obj, const char *where,
		   unsigned int allowed, const struct ll_node **vals)
{
	const struct ll_node *m;
	unsigned int seen = 0;
	int k;

	for (k = 0; k < K_COUNT; k++)
		vals[k] = NULL;
	if (obj->kind != LL_NODE_OBJECT)
		return fail(f, obj->line, obj->col, where, "expected an object, not %s",
			    kind_name(obj->kind));
	for (m = obj->first; m; m = m->next) {
		for (k = 0; k < K_COUNT; k++)
			if (allowed & KEY(k) && strlen(key_names[f->format][k]) == m->key_len &&
			    !memcmp(m->key, key_names[f->format][k], m->key_len))
				break;
		if (k == K_COUNT)
			return fail(f, m->key_line, m->key_col, where, "unknown key \"%.*s\"",
				    (int)m->key_len, m->key);
		if (seen & KEY(k))
			return fail(f, m->key_line, m->key_col, where, "duplicate key \"%s\"",
				    key_names[f->format][k]);
		seen |= KEY(k);
		if (m->kind != LL_NODE_NULL)
			vals[k] = m;
	}
	return 0;
}

/* Checks that @n is a non-empty array. */
static int nonempty_array(const struct file *f, const struct ll_node *n, const char *where)
{
	if (n->kind != LL_NODE_ARRAY)
		return fail(f, n->line, n->col, where, "expected an array, not %s",
			    kind_name(n->kind));
	if (!n->count)
		return fail(f, n->line, n->col, where, "expected at least one element");
	return 0;
}

static int string(const struct file *f, const struct ll_node *n, const char *where)
{
	if (n->kind != LL_NODE_STRING)
		return fail(f, n->line, n->col, where, "expected a string, not %s",
			    kind_name(n->kind));
	if (memchr(n->text, '\0', n->len))
		return fail(f, n->line, n->col, where, "a string holds a NUL character");
	return 0;
}

/*
 * Reads a non-negative integer written in decimal (JSON may not have a
 * fraction or an exponent; TOML integers come as decimal).  Sets
 * *@overflow when it exceeds @max.
 */
static int integer(const struct file *f, const struct ll_node *n, const char *where, uint64_t max,
		   uint64_t *value, bool *overflow)
{
	const char *c = n->text;

	*value = 0;
	*overflow = false;
	if (n->kind != LL_NODE_NUMBER)
		return fail(f, n->line, n->col, where, "expected an integer, not %s",
			    kind_name(n->kind));
	if (*c == '-') {
		/* "-0" is 0; any other negative number is out of range. */
		c++;
		*overflow = strspn(c, "0") != strlen(c);
	}
	if (!*c || c[strspn(c, "0123456789")])
		return fail(f, n->line, n->col, where, "expected an integer, not %s", n->text);
	for (; *c; c++) {
		if (*value > (max - (uint64_t)(*c - '0')) / 10)
			*overflow = true;
		else
			*value = *value * 10 + (uint64_t)(*c - '0');
	}
	return 0;
}

static uint64_t group_rights(const char *name, enum access_kind kind, int abi)
{
	switch (kind) {
	case ACCESS_FS:
		if (!strcmp(name, "abi.all"))
			return ll_fs_rights(abi);
		if (!strcmp(name, "abi.read_execute"))
			/* Reading, executing, and (from ABI 2) renaming or linking. */
			return (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
				LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REFER) &
			       ll_fs_rights(abi);
		if (!strcmp(name, "abi.read_write"))
			return ll_fs_rights(abi) & ~LANDLOCK_ACCESS_FS_EXECUTE;
		return 0;
	case ACCESS_NET:
		return ll_net_rights(abi);
	default:
		return ll_scopes(abi);
	}
}

static bool is_group(const char *name, enum access_kind kind)
{
	if (kind == ACCESS_FS)
		return !strcmp(name, "abi.all") || !strcmp(name, "abi.read_execute") ||
		       !strcmp(name, "abi.read_write");
	return !strcmp(name, "abi.all");
}

/* Parses a non-empty array of access names (or groups) into @out. */
static int access_list(const struct file *f, const struct ll_node *arr, const char *where,
		       enum access_kind kind, int abi, uint64_t *out)
{
	static const char *const scopes[] = { "abstract_unix_socket", "signal" };
	const struct ll_node *item;
	char at[160];
	size_t i = 0;

	*out = 0;
	if (nonempty_array(f, arr, where))
		return -1;
	for (item = arr->first; item; item = item->next, i++) {
		int bit = -1;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (string(f, item, at))
			return -1;
		if (is_group(item->text, kind)) {
			if (!abi)
				return fail(f, item->line, item->col, at,
					    "\"%s\" needs the \"abi\" version of the file",
					    item->text);
			*out |= group_rights(item->text, kind, abi);
			continue;
		}
		if (kind == ACCESS_SCOPE) {
			if (!strcmp(item->text, scopes[0]))
				bit = 0;
			else if (!strcmp(item->text, scopes[1]))
				bit = 1;
		} else {
			bit = ll_access_bit(item->text, kind == ACCESS_NET);
		}
		if (bit < 0)
			return fail(f, item->line, item->col, at, "unknown %s \"%s\"",
				    kind == ACCESS_SCOPE ? "scope" : "access right", item->text);
		*out |= 1ULL << bit;
	}
	return 0;
}

/* landlockconfig's variable names: an ASCII letter, then letters, digits, '_'. */
static bool valid_name(const char *name, size_t len)
{
	size_t i;

	if (!len || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	for (i = 1; i < len; i++) {
		const char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

static void free_tokens(struct token *tokens, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(tokens[i].text);
	free(tokens);
}

/* Appends a token (text is merged with a preceding text token). */
static int add_token(struct path_rule *rule, size_t *cap, const char *text, size_t len, bool var)
{
	struct token *last = rule->num_tokens ? &rule->tokens[rule->num_tokens - 1] : NULL;
	char *s;

	if (!var && !len)
		return 0;
	if (!var && last && !last->var) {
		const size_t old = strlen(last->text);

		s = realloc(last->text, old + len + 1);
		if (!s)
			return -1;
		memcpy(s + old, text, len);
		s[old + len] = '\0';
		last->text = s;
		return 0;
	}
	if (grow(&rule->tokens, cap, rule->num_tokens + 1, sizeof(*rule->tokens)))
		return -1;
	s = strndup(text, len);
	if (!s)
		return -1;
	rule->tokens[rule->num_tokens].text = s;
	rule->tokens[rule->num_tokens++].var = var;
	return 0;
}

/*
 * Splits a path template: "${name}" uses a variable, "$$" is one "$", any
 * other "$" is itself.
 */
static int parse_template(const struct file *f, const struct ll_node *n, const char *where,
			  struct path_rule *rule)
{
	const char *s = n->text;
	size_t i, start = 0, cap = 0;

	if (!n->len)
		return fail(f, n->line, n->col, where, "empty path");
	for (i = 0; i < n->len; i++) {
		size_t end;

		if (s[i] != '$' || i + 1 >= n->len)
			continue;
		if (s[i + 1] == '$') {
			/* Text up to and with the first '$'; the second is dropped. */
			if (add_token(rule, &cap, s + start, i + 1 - start, false))
				return oom(f);
			start = i + 2;
			i++;
			continue;
		}
		if (s[i + 1] != '{')
			continue;
		for (end = i + 2; end < n->len && s[end] != '}'; end++)
			;
		if (end >= n->len)
			return fail(f, n->line, n->col, where,
				    "unclosed variable reference at position %zu", i);
		if (!valid_name(s + i + 2, end - i - 2))
			return fail(f, n->line, n->col, where,
				    "invalid variable name \"%.*s\" at position %zu",
				    (int)(end - i - 2), s + i + 2, i);
		if (add_token(rule, &cap, s + start, i - start, false) ||
		    add_token(rule, &cap, s + i + 2, end - i - 2, true))
			return oom(f);
		start = end + 1;
		i = end;
	}
	if (add_token(rule, &cap, s + start, n->len - start, false))
		return oom(f);
	return 0;
}

static struct variable *find_var(const struct ll_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->num_vars; i++)
		if (!strcmp(cfg->vars[i].name, name))
			return &cfg->vars[i];
	return NULL;
}

/* Declares @name (if new) and adds @value to its set (if not NULL). */
static int var_add(struct ll_config *cfg, const char *name, const char *value)
{
	struct variable *v = find_var(cfg, name);
	size_t i;

	if (!v) {
		if (grow(&cfg->vars, &cfg->cap_vars, cfg->num_vars + 1, sizeof(*cfg->vars)))
			return -1;
		v = &cfg->vars[cfg->num_vars];
		memset(v, 0, sizeof(*v));
		v->name = strdup(name);
		if (!v->name)
			return -1;
		cfg->num_vars++;
	}
	if (!value)
		return 0;
	for (i = 0; i < v->num_values; i++)
		if (!strcmp(v->values[i], value))
			return 0;
	if (grow(&v->values, &v->cap_values, v->num_values + 1, sizeof(*v->values)))
		return -1;
	v->values[v->num_values] = strdup(value);
	if (!v->values[v->num_values])
		return -1;
	v->num_values++;
	return 0;
}

static int parse_variables(struct file *f, const struct ll_node *arr)
{
	const char *const name_key = key_names[f->format][K_VARIABLE];
	const struct ll_node *item, *vals[K_COUNT], *value;
	char where[96], at[128];
	size_t i = 0, j;

	if (nonempty_array(f, arr, name_key))
		return -1;
	for (item = arr->first; item; item = item->next, i++) {
		snprintf(where, sizeof(where), "%s[%zu]", name_key, i);
		if (members(f, item, where, KEY(K_NAME) | KEY(K_LITERAL), vals))
			return -1;
		if (!vals[K_NAME])
			return fail(f, item->line, item->col, where, "missing \"name\"");
		snprintf(at, sizeof(at), "%s.name", where);
		if (string(f, vals[K_NAME], at))
			return -1;
		if (!valid_name(vals[K_NAME]->text, vals[K_NAME]->len))
			return fail(
				f, vals[K_NAME]->line, vals[K_NAME]->col, at,
				"invalid variable name \"%s\" (an ASCII letter, then letters, digits or '_')",
				vals[K_NAME]->text);
		if (var_add(f->cfg, vals[K_NAME]->text, NULL))
			return oom(f);
		if (!vals[K_LITERAL])
			continue;
		snprintf(at, sizeof(at), "%s.literal", where);
		if (nonempty_array(f, vals[K_LITERAL], at))
			return -1;
		for (value = vals[K_LITERAL]->first, j = 0; value; value = value->next, j++) {
			snprintf(at, sizeof(at), "%s.literal[%zu]", where, j);
			if (string(f, value, at))
				return -1;
			if (var_add(f->cfg, vals[K_NAME]->text, value->text))
				return oom(f);
		}
	}
	return 0;
}

static int parse_rulesets(struct file *f, const struct ll_node *arr)
{
	static const enum key keys[] = { K_HANDLED_FS, K_HANDLED_NET, K_SCOPED };
	const struct ll_node *item, *vals[K_COUNT];
	char where[64], at[128];
	size_t i = 0, k;

	if (nonempty_array(f, arr, key_names[f->format][K_RULESET]))
		return -1;
	for (item = arr->first; item; item = item->next, i++) {
		bool any = false;

		snprintf(where, sizeof(where), "%s[%zu]", key_names[f->format][K_RULESET], i);
		if (members(f, item, where, KEY(K_HANDLED_FS) | KEY(K_HANDLED_NET) | KEY(K_SCOPED),
			    vals))
			return -1;
		for (k = 0; k < 3; k++) {
			uint64_t access;

			if (!vals[keys[k]])
				continue;
			any = true;
			snprintf(at, sizeof(at), "%s.%s", where, key_names[f->format][keys[k]]);
			if (access_list(f, vals[keys[k]], at, (enum access_kind)k, f->cfg->abi,
					&access))
				return -1;
			if (k == 0)
				f->cfg->handled_fs |= access;
			else if (k == 1)
				f->cfg->handled_net |= access;
			else
				f->cfg->scoped |= access;
		}
		if (!any)
			return fail(f, item->line, item->col, where, "empty ruleset");
	}
	return 0;
}

static int parse_paths(struct file *f, const struct ll_node *arr)
{
	struct ll_config *cfg = f->cfg;
	const struct ll_node *item, *vals[K_COUNT], *parent;
	char where[64], at[128];
	size_t i = 0, j;

	if (nonempty_array(f, arr, key_names[f->format][K_PATH_BENEATH]))
		return -1;
	for (item = arr->first; item; item = item->next, i++) {
		uint64_t access;

		snprintf(where, sizeof(where), "%s[%zu]", key_names[f->format][K_PATH_BENEATH], i);
		if (members(f, item, where, KEY(K_ALLOWED) | KEY(K_PARENT), vals))
			return -1;
		if (!vals[K_ALLOWED] || !vals[K_PARENT])
			return fail(f, item->line, item->col, where, "missing \"%s\"",
				    key_names[f->format][vals[K_ALLOWED] ? K_PARENT : K_ALLOWED]);
		snprintf(at, sizeof(at), "%s.%s", where, key_names[f->format][K_ALLOWED]);
		if (access_list(f, vals[K_ALLOWED], at, ACCESS_FS, cfg->abi, &access))
			return -1;
		snprintf(at, sizeof(at), "%s.parent", where);
		if (nonempty_array(f, vals[K_PARENT], at))
			return -1;
		/* Rights make the rule's rights handled (none: no rule). */
		cfg->handled_fs |= access;
		for (parent = vals[K_PARENT]->first, j = 0; parent; parent = parent->next, j++) {
			struct path_rule rule = { .access = access,
						  .file = cfg->files[cfg->num_files - 1],
						  .line = parent->line,
						  .col = parent->col };

			snprintf(at, sizeof(at), "%s.parent[%zu]", where, j);
			if (string(f, parent, at) || parse_template(f, parent, at, &rule)) {
				free_tokens(rule.tokens, rule.num_tokens);
				return -1;
			}
			if (!access) {
				free_tokens(rule.tokens, rule.num_tokens);
				continue;
			}
			if (grow(&cfg->paths, &cfg->cap_paths, cfg->num_paths + 1,
				 sizeof(*cfg->paths))) {
				free_tokens(rule.tokens, rule.num_tokens);
				return oom(f);
			}
			cfg->paths[cfg->num_paths++] = rule;
		}
	}
	return 0;
}

static int parse_ports(struct file *f, const struct ll_node *arr)
{
	struct ll_config *cfg = f->cfg;
	const struct ll_node *item, *vals[K_COUNT], *port;
	char where[64], at[128];
	size_t i = 0, j;

	if (nonempty_array(f, arr, key_names[f->format][K_NET_PORT]))
		return -1;
	for (item = arr->first; item; item = item->next, i++) {
		uint64_t access;

		snprintf(where, sizeof(where), "%s[%zu]", key_names[f->format][K_NET_PORT], i);
		if (members(f, item, where, KEY(K_ALLOWED) | KEY(K_PORT), vals))
			return -1;
		if (!vals[K_ALLOWED] || !vals[K_PORT])
			return fail(f, item->line, item->col, where, "missing \"%s\"",
				    key_names[f->format][vals[K_ALLOWED] ? K_PORT : K_ALLOWED]);
		snprintf(at, sizeof(at), "%s.%s", where, key_names[f->format][K_ALLOWED]);
		if (access_list(f, vals[K_ALLOWED], at, ACCESS_NET, cfg->abi, &access))
			return -1;
		snprintf(at, sizeof(at), "%s.port", where);
		if (nonempty_array(f, vals[K_PORT], at))
			return -1;
		cfg->handled_net |= access;
		for (port = vals[K_PORT]->first, j = 0; port; port = port->next, j++) {
			uint64_t value;
			bool overflow;

			snprintf(at, sizeof(at), "%s.port[%zu]", where, j);
			if (integer(f, port, at, UINT64_MAX, &value, &overflow))
				return -1;
			if (overflow || value > 65535)
				return fail(f, port->line, port->col, at,
					    "expected a port number (0 to 65535), not %s",
					    port->text);
			if (!access)
				continue;
			if (grow(&cfg->ports, &cfg->cap_ports, cfg->num_ports + 1,
				 sizeof(*cfg->ports)))
				return oom(f);
			cfg->ports[cfg->num_ports].port = value;
			cfg->ports[cfg->num_ports++].access = access;
		}
	}
	return 0;
}

static int parse_root(struct file *f, const struct ll_node *root)
{
	const struct ll_node *vals[K_COUNT];

	if (members(f, root, "(root)",
		    KEY(K_ABI) | KEY(K_VARIABLE) | KEY(K_RULESET) | KEY(K_PATH_BENEATH) |
			    KEY(K_NET_PORT),
		    vals))
		return -1;
	if (!vals[K_VARIABLE] && !vals[K_RULESET] && !vals[K_PATH_BENEATH] && !vals[K_NET_PORT])
		return fail(f, root->line, root->col, "(root)",
			    "empty configuration (no variable, ruleset, %s or %s)",
			    key_names[f->format][K_PATH_BENEATH], key_names[f->format][K_NET_PORT]);
	if (vals[K_ABI]) {
		uint64_t abi;
		bool overflow;

		if (integer(f, vals[K_ABI], "abi", INT32_MAX, &abi, &overflow))
			return -1;
		if (overflow || abi < 1)
			return fail(f, vals[K_ABI]->line, vals[K_ABI]->col, "abi",
				    "the ABI version must be between 1 and 2^31 - 1, not %s",
				    vals[K_ABI]->text);
		f->cfg->abi = (int)abi;
	}
	/* Variables first: a path may use one declared below it. */
	if (vals[K_VARIABLE] && parse_variables(f, vals[K_VARIABLE]))
		return -1;
	if (vals[K_RULESET] && parse_rulesets(f, vals[K_RULESET]))
		return -1;
	if (vals[K_PATH_BENEATH] && parse_paths(f, vals[K_PATH_BENEATH]))
		return -1;
	if (vals[K_NET_PORT] && parse_ports(f, vals[K_NET_PORT]))
		return -1;
	return 0;
}

/* --- Configurations ------------------------------------------------------ */

struct ll_config *ll_config_new(void)
{
	return calloc(1, sizeof(struct ll_config));
}

static void config_clear(struct ll_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->num_paths; i++)
		free_tokens(cfg->paths[i].tokens, cfg->paths[i].num_tokens);
	for (i = 0; i < cfg->num_vars; i++) {
		for (j = 0; j < cfg->vars[i].num_values; j++)
			free(cfg->vars[i].values[j]);
		free(cfg->vars[i].values);
		free(cfg->vars[i].name);
	}
	for (i = 0; i < cfg->num_files; i++)
		free(cfg->files[i]);
	free(cfg->paths);
	free(cfg->ports);
	free(cfg->vars);
	free(cfg->files);
	memset(cfg, 0, sizeof(*cfg));
}

void ll_config_free(struct ll_config *cfg)
{
	if (!cfg)
		return;
	config_clear(cfg);
	free(cfg);
}

/* Keeps a copy of a file name for the positions of its rules. */
static int add_file(struct ll_config *cfg, const char *name)
{
	char **files = reallocarray(cfg->files, cfg->num_files + 1, sizeof(*files));

	if (!files)
		return -1;
	cfg->files = files;
	files[cfg->num_files] = strdup(name);
	if (!files[cfg->num_files])
		return -1;
	cfg->num_files++;
	return 0;
}

/*
 * Composes @src into @dst (landlockconfig's rule), emptying @src: handled
 * rights and scopes are intersected, the lowest ABI is kept, rules and
 * variables are united.  Rules keep their own rights: they are limited to
 * the common handled rights at resolution, which gives the same result as
 * limiting them at each step (the handled rights only shrink).
 */
static int compose(struct ll_config *dst, struct ll_config *src)
{
	size_t i, j;

	if (!dst->loaded) {
		config_clear(dst);
		*dst = *src;
		memset(src, 0, sizeof(*src));
		dst->loaded = true;
		return 0;
	}
	if (grow(&dst->paths, &dst->cap_paths, dst->num_paths + src->num_paths,
		 sizeof(*dst->paths)) ||
	    grow(&dst->ports, &dst->cap_ports, dst->num_ports + src->num_ports,
		 sizeof(*dst->ports)))
		return -1;
	for (i = 0; i < src->num_vars; i++) {
		if (var_add(dst, src->vars[i].name, NULL))
			return -1;
		for (j = 0; j < src->vars[i].num_values; j++)
			if (var_add(dst, src->vars[i].name, src->vars[i].values[j]))
				return -1;
	}
	/* The file names move with the rules that point at them. */
	for (i = 0; i < src->num_files; i++) {
		char **files = reallocarray(dst->files, dst->num_files + 1, sizeof(*files));

		if (!files)
			return -1;
		dst->files = files;
		files[dst->num_files++] = src->files[i];
		src->files[i] = NULL;
	}
	if (src->num_paths)
		memcpy(dst->paths + dst->num_paths, src->paths,
		       src->num_paths * sizeof(*src->paths));
	dst->num_paths += src->num_paths;
	src->num_paths = 0;
	if (src->num_ports)
		memcpy(dst->ports + dst->num_ports, src->ports,
		       src->num_ports * sizeof(*src->ports));
	dst->num_ports += src->num_ports;
	src->num_ports = 0;
	dst->handled_fs &= src->handled_fs;
	dst->handled_net &= src->handled_net;
	dst->scoped &= src->scoped;
	if (src->abi && (!dst->abi || src->abi < dst->abi))
		dst->abi = src->abi;
	config_clear(src);
	return 0;
}

int ll_config_load_string(struct ll_config *cfg, const char *name, const char *text, size_t size,
			  enum ll_config_format format, char *err, size_t err_len)
{
	struct ll_config one = { 0 };
	struct file f = {
		.name = name, .format = format == LL_CONFIG_TOML, .err = err, .err_len = err_len
	};
	struct ll_node *root;
	int ret;

	f.cfg = &one;
	root = format == LL_CONFIG_TOML ? ll_toml_parse(name, text, size, err, err_len)
					: ll_json_parse(name, text, size, err, err_len);
	if (!root)
		return -1;
	if (add_file(&one, name))
		ret = oom(&f);
	else
		ret = parse_root(&f, root);
	ll_node_free(root);
	if (!ret && compose(cfg, &one))
		ret = oom(&f);
	config_clear(&one);
	return ret;
}

static bool has_suffix(const char *name, const char *suffix)
{
	const size_t n = strlen(name), s = strlen(suffix);

	return n > s && !strcmp(name + n - s, suffix);
}

static int load_file(struct ll_config *cfg, const char *path, char *err, size_t err_len)
{
	const int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t size = 0, cap = 0;
	char *text = NULL;
	struct stat st;
	int ret;

	if (fd < 0 || fstat(fd, &st)) {
		const int saved = errno;

		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		errno = saved;
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (size == cap) {
			char *bigger;

			if (cap >= LL_MAX_FILE_SIZE) {
				snprintf(err, err_len, "%s: larger than %d MiB", path,
					 LL_MAX_FILE_SIZE >> 20);
				free(text);
				close(fd);
				errno = EFBIG;
				return -1;
			}
			cap = cap ? cap * 2 : 4096;
			bigger = realloc(text, cap + 1);
			if (!bigger) {
				snprintf(err, err_len, "%s: out of memory", path);
				free(text);
				close(fd);
				errno = ENOMEM;
				return -1;
			}
			text = bigger;
		}
		n = read(fd, text + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			const int saved = errno;

			snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
			free(text);
			close(fd);
			errno = saved;
			return -1;
		}
		if (!n)
			break;
		size += n;
	}
	close(fd);
	text[size] = '\0';
	ret = ll_config_load_string(cfg, path, text, size,
				    has_suffix(path, ".toml") ? LL_CONFIG_TOML : LL_CONFIG_JSON,
				    err, err_len);
	free(text);
	return ret;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Its regular *.json and *.toml files not starting with a dot, composed. */
static int load_dir(struct ll_config *cfg, const char *path, char *err, size_t err_len)
{
	struct ll_config all = { 0 };
	struct dirent **list;
	int n, i, ret = 0, saved;
	bool found = false;

	n = scandir(path, &list, NULL, by_name);
	if (n < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		struct stat st;
		char *file;

		if (ret || name[0] == '.' ||
		    !(has_suffix(name, ".json") || has_suffix(name, ".toml")))
			continue;
		if (asprintf(&file, "%s/%s", path, name) < 0) {
			snprintf(err, err_len, "%s: out of memory", path);
			errno = ENOMEM;
			ret = -1;
			continue;
		}
		/* Like landlockconfig: symbolic links to regular files count. */
		if (!stat(file, &st) && S_ISREG(st.st_mode)) {
			found = true;
			ret = load_file(&all, file, err, err_len);
		}
		free(file);
	}
	saved = errno;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	errno = saved;
	if (!ret && !found) {
		snprintf(err, err_len, "%s: no configuration file (*.json, *.toml) found", path);
		errno = EINVAL;
		ret = -1;
	}
	if (!ret && compose(cfg, &all)) {
		snprintf(err, err_len, "%s: out of memory", path);
		errno = ENOMEM;
		ret = -1;
	}
	saved = errno;
	config_clear(&all);
	errno = saved;
	return ret;
}

int ll_config_load(struct ll_config *cfg, const char *path, char *err, size_t err_len)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return load_dir(cfg, path, err, err_len);
	return load_file(cfg, path, err, err_len);
}

/* --- Resolution ---------------------------------------------------------- */

/*
 * Normalizes a path as landlockconfig's (Rust's) path components do:
 * repeated and trailing slashes go, and so do "." components but a leading
 * one of a relative path; ".." stays (it depends on symbolic links).
 */
static void normalize(char *path)
{
	const bool absolute = path[0] == '/';
	char *out = path, *in = path;
	bool first = true;

	if (absolute)
		*out++ = *in++;
	while (*in) {
		const size_t len = strcspn(in, "/");

		if (!len || (len == 1 && in[0] == '.' && !(first && !absolute))) {
			in += len + (in[len] == '/');
			continue;
		}
		if (out > path && out[-1] != '/')
			*out++ = '/';
		memmove(out, in, len);
		out += len;
		in += len + (in[len] == '/');
		first = false;
	}
	*out = '\0';
}

/* Adds every path of @rule (the product of its variables' values). */
static int expand(const struct ll_config *cfg, const struct path_rule *rule, uint64_t access,
		  struct ll_policy *out, size_t *budget, char *err, size_t err_len)
{
	const struct variable **vars = calloc(rule->num_tokens + 1, sizeof(*vars));
	size_t *pick = calloc(rule->num_tokens + 1, sizeof(*pick));
	size_t i, total = 1, n;
	bool uses_vars = false;
	int ret = -1;

	if (!vars || !pick) {
		snprintf(err, err_len, "%s: out of memory", rule->file);
		errno = ENOMEM;
		goto out;
	}
	for (i = 0; i < rule->num_tokens; i++) {
		if (!rule->tokens[i].var)
			continue;
		uses_vars = true;
		vars[i] = find_var(cfg, rule->tokens[i].text);
		if (!vars[i]) {
			snprintf(err, err_len, "%s:%u:%u: variable \"%s\" not found", rule->file,
				 rule->line, rule->col, rule->tokens[i].text);
			errno = EINVAL;
			goto out;
		}
		if (!vars[i]->num_values) {
			/* A variable without value: no path. */
			ret = 0;
			goto out;
		}
		if (total > *budget / vars[i]->num_values) {
			snprintf(err, err_len, "%s:%u:%u: variables expand to more than %d paths",
				 rule->file, rule->line, rule->col, LL_MAX_EXPANDED_PATHS);
			errno = EINVAL;
			goto out;
		}
		total *= vars[i]->num_values;
	}
	if (uses_vars)
		*budget -= total;
	for (n = 0; n < total; n++) {
		size_t len = 1, carry;
		char *path;

		for (i = 0; i < rule->num_tokens; i++)
			len += strlen(vars[i] ? vars[i]->values[pick[i]] : rule->tokens[i].text);
		path = malloc(len);
		if (!path) {
			snprintf(err, err_len, "%s: out of memory", rule->file);
			errno = ENOMEM;
			goto out;
		}
		path[0] = '\0';
		for (i = 0; i < rule->num_tokens; i++)
			strcat(path, vars[i] ? vars[i]->values[pick[i]] : rule->tokens[i].text);
		normalize(path);
		if (ll_policy_put_path(out, path, access)) {
			snprintf(err, err_len, "%s: out of memory", rule->file);
			errno = ENOMEM;
			goto out;
		}
		/* Next combination: the last variable turns fastest. */
		for (carry = 1, i = rule->num_tokens; carry && i-- > 0;) {
			if (!vars[i])
				continue;
			if (++pick[i] < vars[i]->num_values)
				carry = 0;
			else
				pick[i] = 0;
		}
	}
	ret = 0;
out:
	free(vars);
	free(pick);
	return ret;
}

int ll_config_resolve(const struct ll_config *cfg, struct ll_policy *policy, char *err,
		      size_t err_len)
{
	struct ll_policy out = { .abi = cfg->abi,
				 .handled_fs = cfg->handled_fs,
				 .handled_net = cfg->handled_net,
				 .scoped = cfg->scoped };
	size_t i, budget = LL_MAX_EXPANDED_PATHS;

	for (i = 0; i < cfg->num_paths; i++) {
		const uint64_t access = cfg->paths[i].access & cfg->handled_fs;

		if (access && expand(cfg, &cfg->paths[i], access, &out, &budget, err, err_len)) {
			ll_policy_clear(&out);
			return -1;
		}
	}
	for (i = 0; i < cfg->num_ports; i++) {
		const uint64_t access = cfg->ports[i].access & cfg->handled_net;

		if (access && ll_policy_add_port(&out, cfg->ports[i].port, access)) {
			snprintf(err, err_len, "out of memory");
			errno = ENOMEM;
			ll_policy_clear(&out);
			return -1;
		}
	}
	ll_policy_clear(policy);
	*policy = out;
	return 0;
}

int ll_config_path_origin(const struct ll_config *cfg, const char *path, char *where,
			  size_t where_len)
{
	char err[LL_ERR_LEN];
	size_t i;

	for (i = 0; i < cfg->num_paths; i++) {
		struct ll_policy one = { 0 };
		size_t budget = LL_MAX_EXPANDED_PATHS;
		bool found;

		if (expand(cfg, &cfg->paths[i], cfg->paths[i].access, &one, &budget, err,
			   sizeof(err))) {
			ll_policy_clear(&one);
			continue;
		}
		found = ll_policy_path_access(&one, path) != 0;
		ll_policy_clear(&one);
		if (found) {
			snprintf(where, where_len, "%s:%u:%u", cfg->paths[i].file,
				 cfg->paths[i].line, cfg->paths[i].col);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int ll_policy_load_files(struct ll_policy *policy, const char *const *paths, size_t count,
			 char *err, size_t err_len)
{
	struct ll_config *cfg = ll_config_new();
	size_t i;
	int ret = 0;

	if (!cfg) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (i = 0; i < count && !ret; i++)
		ret = ll_config_load(cfg, paths[i], err, err_len);
	if (!ret && !count) {
		snprintf(err, err_len, "no configuration file given");
		errno = EINVAL;
		ret = -1;
	}
	if (!ret)
		ret = ll_config_resolve(cfg, policy, err, err_len);
	ll_config_free(cfg);
	return ret;
}
