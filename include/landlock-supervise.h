/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * liblandlock-supervise: user space side of Landlock supervisors.
 *
 * Thin wrappers over the supervisor uAPI (feature probing, supervisor and
 * supervisee rulesets, rules, commits, events), a landlockconfig policy
 * model, and the application of a policy to a running supervisor.
 */
#ifndef LANDLOCK_SUPERVISE_H
#define LANDLOCK_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error messages written by the library fit in this many bytes. */
#define LL_ERR_LEN 512

/* --- uAPI --------------------------------------------------------------- */

/* Supported features (LANDLOCK_FEATURE_* bits), or -1 with errno. */
int ll_features(void);
/* Landlock ABI version, or -1 with errno. */
int ll_abi_version(void);
/* A readable reason why the supervisor feature is missing, or NULL. */
const char *ll_missing_feature(bool need_notify);

/* Creates a supervisor ruleset (close-on-exec); -1 with errno on error. */
int ll_supervisor_create(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped, bool notify);
/* A new supervisee ruleset of @supervisor_fd, or -1 with errno. */
int ll_supervisee_get(int supervisor_fd);
/* Adds (or with LANDLOCK_ADD_RULE_INTERSECT narrows) a rule; 0 or -1. */
int ll_rule_fd(int ruleset_fd, int parent_fd, uint64_t access, uint32_t flags);
int ll_rule_port(int ruleset_fd, uint64_t port, uint64_t access, uint32_t flags);
/* Makes the staged rules of @supervisor_fd take effect; 0 or -1. */
int ll_commit(int supervisor_fd);
/* Sets no_new_privs and enforces @ruleset_fd on the calling thread. */
int ll_restrict_self(int ruleset_fd);

/* Rights a path rule may carry for a file (not a directory). */
uint64_t ll_file_rights(void);
/* All filesystem / network rights / scopes known up to @abi. */
uint64_t ll_fs_rights(int abi);
uint64_t ll_net_rights(int abi);
uint64_t ll_scopes(int abi);

/* Writes "read_file,write_file" (or "bind_tcp") into @buf; returns @buf. */
char *ll_access_names(uint64_t access, bool net, char *buf, size_t len);

/* --- Policies (landlockconfig JSON) --------------------------------------- */

struct ll_path_rule {
	char *path;
	uint64_t access;
};

struct ll_port_rule {
	uint64_t port;
	uint64_t access;
};

struct ll_policy {
	int abi;
	uint64_t handled_fs, handled_net, scoped;
	struct ll_path_rule *paths;
	size_t num_paths;
	struct ll_port_rule *ports;
	size_t num_ports;
};

/*
 * Parses one landlockconfig file (JSON, or TOML if its name ends in
 * ".toml"; a directory: its files) and composes it into @policy as
 * landlockconfig composes (handled rights and scopes intersected, rules
 * united within them, lowest ABI); an empty @policy (all zero) takes the
 * file as it is.  Variables are the file's own: to share them between
 * files, use ll_policy_load_files().  On error, returns -1, leaves @policy
 * as it was, and writes "FILE:LINE:COLUMN: JSON.PATH: message" into @err.
 */
int ll_policy_load(struct ll_policy *policy, const char *file, char *err);
int ll_policy_load_string(struct ll_policy *policy, const char *name, const char *json, char *err);
void ll_policy_free(struct ll_policy *policy);
/* Adds @access to the rule of @path (creating it). */
int ll_policy_add_path(struct ll_policy *policy, const char *path, uint64_t access);
int ll_policy_add_port(struct ll_policy *policy, uint64_t port, uint64_t access);
/* Drops from each rule the rights that @policy does not handle. */
void ll_policy_mask(struct ll_policy *policy);
/*
 * Writes @policy as landlockconfig JSON that reads back to the same policy
 * (handled rights, scopes, rules; "$" in paths written "$$"); 0 or -1 with
 * errno.
 */
int ll_policy_write(const struct ll_policy *policy, const char *file);

/*
 * landlockconfig configurations before resolution: files (JSON, or TOML for
 * names ending in ".toml") and directories (their *.json and *.toml files)
 * composed as landlockconfig does (handled rights intersected, rules
 * united, variables shared, lowest ABI), then resolved into a policy.
 * Errors are "FILE:LINE:COLUMN: JSON.PATH: message", in @err (@len bytes).
 */
struct ll_config;
enum ll_config_format {
	LL_CONFIG_JSON,
	LL_CONFIG_TOML,
};

struct ll_config *ll_config_new(void);
void ll_config_free(struct ll_config *config);
/* Parses a file or a directory and composes it in; on error, @config stays. */
int ll_config_load(struct ll_config *config, const char *path, char *err, size_t len);
int ll_config_load_string(struct ll_config *config, const char *name, const char *text, size_t size,
			  enum ll_config_format format, char *err, size_t len);
/* Resolves variables: @policy (freed first) gets the rules; 0 or -1. */
int ll_config_resolve(const struct ll_config *config, struct ll_policy *policy, char *err,
		      size_t len);
/*
 * Composes and resolves @paths (files or directories) into @policy, which
 * is replaced: landlockconfig's result for these files (an error if none).
 */
int ll_policy_load_files(struct ll_policy *policy, const char *const *paths, size_t count,
			 char *err);

/* User space policy algebra, on path strings and ports. */
int ll_policy_union(struct ll_policy *dst, const struct ll_policy *src);
/* Keeps, per object, the rights both have (objects missing in @src go). */
int ll_policy_intersect(struct ll_policy *dst, const struct ll_policy *src);
/* Removes from @dst, per object, the rights of @src. */
int ll_policy_difference(struct ll_policy *dst, const struct ll_policy *src);

/* --- A supervisor applying policies --------------------------------------- */

/* An object with supervisor rules, kept open to narrow it later. */
struct ll_object {
	int fd; /* O_PATH, or -1 for a port */
	dev_t dev;
	ino_t ino;
	uint64_t port;
	uint64_t access; /* rights committed */
	bool is_dir;
};

struct ll_supervisor {
	int fd;
	uint64_t handled_fs, handled_net;
	struct ll_object *objects; /* committed rules we put there */
	size_t num_objects;
	unsigned long commits;
	void *index; /* the library's index of @objects */
};

#define LL_IGNORE_MISSING (1U << 0)

/*
 * How ll_supervisor_apply_with() turns the committed rules into a new
 * policy's (the alternatives of the kernel thread; docs/alternatives.md):
 */
enum ll_apply_strategy {
	LL_APPLY_INTERSECT,	    /* narrow what goes, add the rest (default) */
	LL_APPLY_REPLACE,	    /* set the rights of what changed */
	LL_APPLY_CLEAR,		    /* clear all staged rules, re-add the policy */
	LL_APPLY_COMMIT_RULESET,    /* build a ruleset, commit it (ALT #1) */
	LL_APPLY_INTERSECT_RULESET, /* narrow to a ruleset, add (ALT #2) */
};

/* Parses "intersect", "replace", "clear", "commit-ruleset" or
 * "intersect-ruleset"; -1 if unknown. */
int ll_apply_strategy_parse(const char *name);

int ll_supervisor_init(struct ll_supervisor *sup, uint64_t handled_fs, uint64_t handled_net,
		       uint64_t scoped, bool notify);
void ll_supervisor_release(struct ll_supervisor *sup);

/*
 * Makes @policy the supervisor's rules, in one commit: rules it lacks are
 * narrowed or removed (with LANDLOCK_ADD_RULE_INTERSECT on the objects that
 * were committed, even if their paths moved), the others are added.  On any
 * error, nothing is committed and the previous rules stay in force.  Missing
 * paths are an error, or skipped with LL_IGNORE_MISSING (then listed in
 * @err, if not NULL, as a warning).
 */
int ll_supervisor_apply(struct ll_supervisor *sup, const struct ll_policy *policy,
			unsigned int flags, char *err);
/* The same, with another strategy; same guarantees. */
int ll_supervisor_apply_with(struct ll_supervisor *sup, const struct ll_policy *policy,
			     enum ll_apply_strategy strategy, unsigned int flags, char *err);

/* Stages @access on the object of @fd (kept, dup'ed); commit with ll_commit. */
int ll_supervisor_grant_fd(struct ll_supervisor *sup, int fd, uint64_t access);
int ll_supervisor_grant_port(struct ll_supervisor *sup, uint64_t port, uint64_t access);
int ll_supervisor_commit(struct ll_supervisor *sup);

/* Adds the supervisee (base) rules of @policy to @supervisee_fd. */
int ll_supervisee_add_policy(int supervisee_fd, const struct ll_policy *policy, unsigned int flags,
			     char *err);

/* --- Events --------------------------------------------------------------- */

struct ll_event {
	uint64_t cookie;
	uint64_t access;
	bool net;
	pid_t pid, tid;
	int object_fd, dest_fd; /* O_PATH or -1; owned by the event */
	uint64_t port;
	char name[256], dest_name[256];
	char object_path[4096]; /* for display, never for decisions */
	char dest_path[4096];
	bool object_is_dir;
};

/* Receives one event: 1, 0 if none is ready (non-blocking fd), -1. */
int ll_event_recv(int supervisor_fd, struct ll_event *event);
int ll_event_answer(int supervisor_fd, const struct ll_event *event, bool allow);
void ll_event_release(struct ll_event *event);

/* "/dir/name" or "/path" of the event's object, for display. */
const char *ll_event_object(const struct ll_event *event, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LANDLOCK_SUPERVISE_H */
