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

/* --- Version and ABI ------------------------------------------------------ */

/* The version of this header; ll_version() gives the library's. */
#define LL_SUPERVISE_VERSION_MAJOR 0
#define LL_SUPERVISE_VERSION_MINOR 2
#define LL_SUPERVISE_VERSION_PATCH 0
#define LL_SUPERVISE_VERSION_STRING "0.2.0"
/* One number to compare: LL_SUPERVISE_VERSION >= LL_SUPERVISE_VERSION_AT(0, 1, 0). */
#define LL_SUPERVISE_VERSION_AT(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define LL_SUPERVISE_VERSION                                                            \
	LL_SUPERVISE_VERSION_AT(LL_SUPERVISE_VERSION_MAJOR, LL_SUPERVISE_VERSION_MINOR, \
				LL_SUPERVISE_VERSION_PATCH)

/*
 * The library exports only the functions declared here (symbol versions
 * LANDLOCK_SUPERVISE_0.1, and LANDLOCK_SUPERVISE_0.2 for those that 0.2
 * added or changed); its types are opaque, so that their layout can change
 * without breaking the ABI.
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define LL_EXPORT __attribute__((visibility("default")))
#else
#define LL_EXPORT
#endif

/* The library's version, "MAJOR.MINOR.PATCH"; never NULL. */
LL_EXPORT const char *ll_version(void);
/* The same as LL_SUPERVISE_VERSION_AT(MAJOR, MINOR, PATCH). */
LL_EXPORT unsigned int ll_version_number(void);

/*
 * Functions with an error buffer take @err and its size @err_len (@err may
 * be NULL when @err_len is 0); messages are truncated to fit, always
 * NUL-terminated.  LL_ERR_LEN bytes hold any message but the longest paths.
 */
#define LL_ERR_LEN 512

/* --- uAPI --------------------------------------------------------------- */

/* Supported features (LANDLOCK_FEATURE_* bits), or -1 with errno. */
LL_EXPORT int ll_features(void);
/* Landlock ABI version, or -1 with errno. */
LL_EXPORT int ll_abi_version(void);
/* A readable reason why the supervisor feature is missing, or NULL. */
LL_EXPORT const char *ll_missing_feature(bool need_notify);

/* Creates a supervisor ruleset (close-on-exec); -1 with errno on error. */
LL_EXPORT int ll_supervisor_create(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped,
				   bool notify);
/* A new supervisee ruleset of @supervisor_fd, or -1 with errno. */
LL_EXPORT int ll_supervisee_get(int supervisor_fd);
/* Adds (or with LANDLOCK_ADD_RULE_INTERSECT narrows) a rule; 0 or -1. */
LL_EXPORT int ll_rule_fd(int ruleset_fd, int parent_fd, uint64_t access, uint32_t flags);
LL_EXPORT int ll_rule_port(int ruleset_fd, uint64_t port, uint64_t access, uint32_t flags);
/* Makes the staged rules of @supervisor_fd take effect; 0 or -1. */
LL_EXPORT int ll_commit(int supervisor_fd);
/* Sets no_new_privs and enforces @ruleset_fd on the calling thread. */
LL_EXPORT int ll_restrict_self(int ruleset_fd);

/* Rights a path rule may carry for a file (not a directory). */
LL_EXPORT uint64_t ll_file_rights(void);
/* All filesystem / network rights / scopes known up to @abi. */
LL_EXPORT uint64_t ll_fs_rights(int abi);
LL_EXPORT uint64_t ll_net_rights(int abi);
LL_EXPORT uint64_t ll_scopes(int abi);

/* Writes "read_file,write_file" (or "bind_tcp") into @buf; returns @buf. */
LL_EXPORT char *ll_access_names(uint64_t access, bool net, char *buf, size_t len);

/* --- Policies (landlockconfig JSON and TOML) ------------------------------ */

/*
 * A resolved policy: ABI, handled rights, scopes, and rules (a path or a
 * port with rights), one per object.  Rules keep the order in which they
 * were added; adding and looking up a rule take constant time.
 */
struct ll_policy;

/* An empty policy (no ABI, nothing handled, no rule), or NULL (ENOMEM). */
LL_EXPORT struct ll_policy *ll_policy_new(void);
/* A copy of @policy, or NULL (ENOMEM). */
LL_EXPORT struct ll_policy *ll_policy_dup(const struct ll_policy *policy);
/* Frees @policy (NULL: nothing). */
LL_EXPORT void ll_policy_free(struct ll_policy *policy);

/* The landlockconfig ABI (0: none given), handled rights and scopes. */
LL_EXPORT int ll_policy_abi(const struct ll_policy *policy);
LL_EXPORT uint64_t ll_policy_handled_fs(const struct ll_policy *policy);
LL_EXPORT uint64_t ll_policy_handled_net(const struct ll_policy *policy);
LL_EXPORT uint64_t ll_policy_scoped(const struct ll_policy *policy);
LL_EXPORT void ll_policy_set_abi(struct ll_policy *policy, int abi);
/* Sets the handled rights and scopes (rules keep their rights). */
LL_EXPORT void ll_policy_set_handled(struct ll_policy *policy, uint64_t handled_fs,
				     uint64_t handled_net, uint64_t scoped);

/* Rules: @index from 0 to the count - 1, in the order they were added. */
LL_EXPORT size_t ll_policy_num_paths(const struct ll_policy *policy);
LL_EXPORT size_t ll_policy_num_ports(const struct ll_policy *policy);
/* The path of rule @index (its rights in *@access if not NULL), or NULL. */
LL_EXPORT const char *ll_policy_path(const struct ll_policy *policy, size_t index,
				     uint64_t *access);
/* The port of rule @index in *@port (rights in *@access); 0, or -1 (ERANGE). */
LL_EXPORT int ll_policy_port(const struct ll_policy *policy, size_t index, uint64_t *port,
			     uint64_t *access);
/* The rights of the rule of @path / @port, 0 if there is none. */
LL_EXPORT uint64_t ll_policy_path_access(const struct ll_policy *policy, const char *path);
LL_EXPORT uint64_t ll_policy_port_access(const struct ll_policy *policy, uint64_t port);

/* Adds @access to the rule of @path / @port (creating it); 0 or -1 (ENOMEM). */
LL_EXPORT int ll_policy_add_path(struct ll_policy *policy, const char *path, uint64_t access);
LL_EXPORT int ll_policy_add_port(struct ll_policy *policy, uint64_t port, uint64_t access);
/* Drops from each rule the rights that @policy does not handle. */
LL_EXPORT void ll_policy_mask(struct ll_policy *policy);

/*
 * Parses one landlockconfig file (JSON, or TOML if its name ends in
 * ".toml"; a directory: its files) and composes it into @policy as
 * landlockconfig composes (handled rights and scopes intersected, rules
 * united within them, lowest ABI); an empty @policy takes the file as it
 * is.  Variables are the file's own: to share them between files, use
 * ll_policy_load_files().  On error, returns -1, leaves @policy as it was,
 * and writes "FILE:LINE:COLUMN: JSON.PATH: message" into @err.
 */
LL_EXPORT int ll_policy_load(struct ll_policy *policy, const char *file, char *err, size_t err_len);
/* The same with JSON text @json, named @name in messages. */
LL_EXPORT int ll_policy_load_string(struct ll_policy *policy, const char *name, const char *json,
				    char *err, size_t err_len);
/*
 * Writes @policy as landlockconfig JSON that reads back to the same policy
 * (handled rights, scopes, rules; "$" in paths written "$$"); 0 or -1 with
 * errno.
 */
LL_EXPORT int ll_policy_write(const struct ll_policy *policy, const char *file);

/*
 * landlockconfig configurations before resolution: files (JSON, or TOML for
 * names ending in ".toml") and directories (their *.json and *.toml files)
 * composed as landlockconfig does (handled rights intersected, rules
 * united, variables shared, lowest ABI), then resolved into a policy.
 * Errors are "FILE:LINE:COLUMN: JSON.PATH: message", in @err.
 */
struct ll_config;
enum ll_config_format {
	LL_CONFIG_JSON,
	LL_CONFIG_TOML,
};

LL_EXPORT struct ll_config *ll_config_new(void);
LL_EXPORT void ll_config_free(struct ll_config *config);
/* Parses a file or a directory and composes it in; on error, @config stays. */
LL_EXPORT int ll_config_load(struct ll_config *config, const char *path, char *err, size_t err_len);
LL_EXPORT int ll_config_load_string(struct ll_config *config, const char *name, const char *text,
				    size_t size, enum ll_config_format format, char *err,
				    size_t err_len);
/* Resolves variables: @policy's content is replaced by the rules; 0 or -1. */
LL_EXPORT int ll_config_resolve(const struct ll_config *config, struct ll_policy *policy, char *err,
				size_t err_len);
/*
 * Composes and resolves @paths (files or directories) into @policy, whose
 * content is replaced: landlockconfig's result for these files (an error if
 * none).
 */
LL_EXPORT int ll_policy_load_files(struct ll_policy *policy, const char *const *paths, size_t count,
				   char *err, size_t err_len);
/*
 * Where the resolved path @path comes from: writes "FILE:LINE:COLUMN" of
 * the first "parent" entry of @config that resolves to it into @where;
 * 0, or -1 with errno ENOENT if none does.
 */
LL_EXPORT int ll_config_path_origin(const struct ll_config *config, const char *path, char *where,
				    size_t where_len);

/* User space policy algebra, on path strings and ports; 0 or -1 (ENOMEM). */
LL_EXPORT int ll_policy_union(struct ll_policy *dst, const struct ll_policy *src);
/* Keeps, per object, the rights both have (objects missing in @src go). */
LL_EXPORT int ll_policy_intersect(struct ll_policy *dst, const struct ll_policy *src);
/* Removes from @dst, per object, the rights of @src. */
LL_EXPORT int ll_policy_difference(struct ll_policy *dst, const struct ll_policy *src);

/* --- A supervisor applying policies --------------------------------------- */

/*
 * A supervisor ruleset and the objects (inodes or ports) it has committed
 * rules on, each kept open (O_PATH) to narrow it later.
 */
struct ll_supervisor;

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
LL_EXPORT int ll_apply_strategy_parse(const char *name);

/* Creates a supervisor (see ll_supervisor_create()), or NULL with errno. */
LL_EXPORT struct ll_supervisor *ll_supervisor_new(uint64_t handled_fs, uint64_t handled_net,
						  uint64_t scoped, bool notify);
/* Closes the supervisor and its objects' descriptors (NULL: nothing). */
LL_EXPORT void ll_supervisor_free(struct ll_supervisor *sup);
/* Its supervisor ruleset descriptor (for poll(), ll_event_recv()...). */
LL_EXPORT int ll_supervisor_fd(const struct ll_supervisor *sup);
LL_EXPORT uint64_t ll_supervisor_handled_fs(const struct ll_supervisor *sup);
LL_EXPORT uint64_t ll_supervisor_handled_net(const struct ll_supervisor *sup);
/* Successful commits so far, and objects with committed rules. */
LL_EXPORT unsigned long ll_supervisor_commits(const struct ll_supervisor *sup);
LL_EXPORT size_t ll_supervisor_num_objects(const struct ll_supervisor *sup);

/*
 * Makes @policy the supervisor's rules, in one commit: rules it lacks are
 * narrowed or removed (with LANDLOCK_ADD_RULE_INTERSECT on the objects that
 * were committed, even if their paths moved), the others are added.  On any
 * error, nothing is committed and the previous rules stay in force.  Missing
 * paths are an error, or skipped with LL_IGNORE_MISSING (then listed in
 * @err, if any, as a warning; @err is "" when there is none).
 */
LL_EXPORT int ll_supervisor_apply(struct ll_supervisor *sup, const struct ll_policy *policy,
				  unsigned int flags, char *err, size_t err_len);
/* The same, with another strategy; same guarantees. */
LL_EXPORT int ll_supervisor_apply_with(struct ll_supervisor *sup, const struct ll_policy *policy,
				       enum ll_apply_strategy strategy, unsigned int flags,
				       char *err, size_t err_len);

/* Stages @access on the object of @fd (kept, dup'ed); commit with ll_commit. */
LL_EXPORT int ll_supervisor_grant_fd(struct ll_supervisor *sup, int fd, uint64_t access);
LL_EXPORT int ll_supervisor_grant_port(struct ll_supervisor *sup, uint64_t port, uint64_t access);
LL_EXPORT int ll_supervisor_commit(struct ll_supervisor *sup);
/* The rights committed (or staged by the calls above) on the object of @fd / @port; 0: none. */
LL_EXPORT uint64_t ll_supervisor_fd_access(const struct ll_supervisor *sup, int fd);
LL_EXPORT uint64_t ll_supervisor_port_access(const struct ll_supervisor *sup, uint64_t port);
/*
 * Stages narrowing the rule of the object of @fd (of @port) to the rights of
 * @access it has (LANDLOCK_ADD_RULE_INTERSECT; 0 removes them all), and
 * records it; commit with ll_supervisor_commit().  0 (also if it had no
 * rule), or -1 with errno.
 */
LL_EXPORT int ll_supervisor_narrow_fd(struct ll_supervisor *sup, int fd, uint64_t access);
LL_EXPORT int ll_supervisor_narrow_port(struct ll_supervisor *sup, uint64_t port, uint64_t access);

/*
 * Adds the rules of @policy to @supervisee_fd (any ruleset: the fixed,
 * base rules of a supervisee ruleset), each with the rights @policy
 * handles; a policy that handles no right at all (ll_policy_new() without
 * ll_policy_set_handled()) gives its rules as they are.  Missing paths are
 * an error (ENOENT), or skipped with LL_IGNORE_MISSING.  0, or -1 with
 * errno and "PATH: reason" in @err (the rules before it stay added).
 */
LL_EXPORT int ll_supervisee_add_policy(int supervisee_fd, const struct ll_policy *policy,
				       unsigned int flags, char *err, size_t err_len);

/* --- Events --------------------------------------------------------------- */

/* A denied access the supervisor is asked about. */
struct ll_event;

/* An event to receive into (reusable), or NULL (ENOMEM). */
LL_EXPORT struct ll_event *ll_event_new(void);
/* Releases and frees @event (NULL: nothing). */
LL_EXPORT void ll_event_free(struct ll_event *event);

/*
 * Receiving flags: LL_RECV_FDS also opens O_PATH descriptors of the object
 * and of the destination (ll_event_object_fd(), ll_event_dest_fd()), which
 * the event owns; without it, they are -1 and no descriptor is opened.
 */
#define LL_RECV_FDS (1U << 0)
/* The most events one ll_event_recv_batch() call receives. */
#define LL_RECV_MAX 64

/*
 * Receives one event into @event (releasing what it held), with its paths
 * and no descriptor: 1, 0 if none is ready (non-blocking fd), -1 with errno.
 * (Version 0.1 opened the descriptors: programs linked against it still get
 * them; see ll_event_recv_flags().)
 */
LL_EXPORT int ll_event_recv(int supervisor_fd, struct ll_event *event);
/* The same with @flags: 0 or LL_RECV_FDS. */
LL_EXPORT int ll_event_recv_flags(int supervisor_fd, struct ll_event *event, unsigned int flags);
/*
 * Receives up to @count events (at most LL_RECV_MAX) in one system call,
 * into @events[0], @events[1]...: how many (from 1), 0 if none is ready
 * (non-blocking fd), -1 with errno.  A blocking fd waits for the first one
 * only.  The @count events are released first.
 */
LL_EXPORT int ll_event_recv_batch(int supervisor_fd, struct ll_event *const *events, size_t count,
				  unsigned int flags);
/*
 * Allows or denies the access.  For an event with ll_event_allow_once(),
 * allowing allows this access once, with no rule; for the others, the call
 * is restarted if a rule was committed since the denial (commit one first).
 */
LL_EXPORT int ll_event_answer(int supervisor_fd, const struct ll_event *event, bool allow);

/* ll_event_answer_grant() flags: also commit the rules staged before. */
#define LL_GRANT_COMMIT_STAGED (1U << 0)

/*
 * Allows @event in one call: the kernel adds @access to the supervisor's
 * rule for the event's object (its port, or its file or directory: the
 * object of ll_event_object_fd() if the event has one, else the object its
 * path names now) and commits that rule alone (with LL_GRANT_COMMIT_STAGED,
 * with all that is staged) before the requester sees the answer.  @access
 * is masked as ll_supervisor_grant_fd() masks it (handled rights, and only
 * rights on files for a file).  The rule is recorded as
 * ll_supervisor_grant_fd() and ll_supervisor_commit() record theirs, so that
 * ll_supervisor_apply() can narrow it later.  0, or -1 with errno and the
 * event not answered: ENOMSG (no right left to grant), ENOENT (no path, or
 * the event was answered already), EINVAL, or an error of opening the path.
 */
LL_EXPORT int ll_event_answer_grant(struct ll_supervisor *sup, const struct ll_event *event,
				    uint64_t access, unsigned int flags);
/* The same with the rule on the object of @fd (a filesystem event). */
LL_EXPORT int ll_event_answer_grant_fd(struct ll_supervisor *sup, const struct ll_event *event,
				       int fd, uint64_t access, unsigned int flags);
/* The same with the rule on @port (a network event). */
LL_EXPORT int ll_event_answer_grant_port(struct ll_supervisor *sup, const struct ll_event *event,
					 uint64_t port, uint64_t access, unsigned int flags);

/* The objects of an event that rules may be needed on. */
enum ll_event_target {
	/*
	 * The file or directory accessed; the directory in which an entry is
	 * created or removed; the source directory of a rename or a link; the
	 * port of a network event.
	 */
	LL_TARGET_OBJECT,
	/* The destination directory of a rename or a link. */
	LL_TARGET_DEST,
};

/*
 * The rights that a rule on @target must carry so that the access of @event
 * succeeds (once allowed, for an event with ll_event_allow_once(); in the
 * restarted call for the others), and later ones like it (0: no rule
 * needed there):
 * - an open, a read of a directory, an execution, a truncation, an IOCTL, a
 *   removal, the creation of anything but a regular file, a port: the
 *   rights denied, on the object;
 * - the creation of a regular file (LANDLOCK_ACCESS_FS_MAKE_REG, by open()
 *   with O_CREAT or mknod()): on the directory, the rights denied plus
 *   LANDLOCK_ACCESS_FS_READ_FILE and LANDLOCK_ACCESS_FS_WRITE_FILE, whatever
 *   the mode of the open (the rule covers the next creations in that
 *   directory too), so that one answer is enough: a kernel that does not
 *   ask about the open of a file that the call itself created fails it
 *   without an event, and one that asks (ll_event_open_notified()) would
 *   ask again.  To grant the open's rights on the new file alone, grant
 *   ll_event_access() on the directory when ll_event_open_notified(), and
 *   answer the event of the open (ll_event_created()) with its own grant;
 * - a rename or a link: the rights denied on both directories (the event
 *   does not say which directory denied which right), on the object only
 *   if the entry stays in its directory.
 * Rights the supervisor does not handle are masked when granting.
 */
LL_EXPORT uint64_t ll_event_grant_access(const struct ll_event *event, enum ll_event_target target);
/*
 * Allows @event with the rules that ll_event_grant_access() says it needs,
 * on exactly its objects, in one call: as ll_event_answer_grant() on the
 * object; for a rename or a link to another directory, the destination's
 * rule (on ll_event_dest_fd(), or else the directory that
 * ll_event_dest_path() names now) is staged with ll_supervisor_grant_fd()
 * and committed with the grant (LL_GRANT_COMMIT_STAGED).  @flags: 0 or
 * LL_GRANT_COMMIT_STAGED.  0, or -1 with errno and the event not answered:
 * the errors of ll_event_answer_grant() and ll_supervisor_grant_fd()
 * (ENOENT: the destination has no descriptor and no path, or its path
 * names nothing any more; the destination's rule, if staged, stays staged).
 */
LL_EXPORT int ll_event_answer_allow(struct ll_supervisor *sup, const struct ll_event *event,
				    unsigned int flags);
/* Closes the event's descriptors. */
LL_EXPORT void ll_event_release(struct ll_event *event);

/* How far an answer reaches (ll_event_answer_rule()). */
enum ll_answer_scope {
	LL_ANSWER_ONCE,	  /* this call only */
	LL_ANSWER_OBJECT, /* the object asked about, from now on */
	LL_ANSWER_TREE,	  /* the directory tree of the object */
};

/*
 * Where an answer to @event with @scope puts its rule, and which rights of
 * it must go again once the call is over.  Writes the object's path into
 * @path (@len bytes; "" for a network event, whose rule is on its port, or
 * if the path does not fit) and returns the rights to grant there (those of
 * ll_event_grant_access() for the object); *@transient (if not NULL) gets
 * the part of them to withdraw when the call is over:
 * - a file or directory accessed: the object; @scope LL_ANSWER_TREE: the
 *   directory of a file (a directory: itself); nothing transient;
 * - a creation, removal, rename or link of an entry: the directory (for a
 *   rename or a link, the destination directory ll_event_dest_path() needs
 *   the same rights; ll_event_grant_access() says if it does).  A rule on a
 *   directory covers everything beneath it, and the kernel checks the open
 *   of a file that a call created against the directory's rule (read_file
 *   and write_file), so with LL_ANSWER_OBJECT all of it is transient: the
 *   entry alone was allowed.  With LL_ANSWER_TREE nothing is;
 * - a port: the port; nothing transient;
 * - LL_ANSWER_ONCE: for an event with ll_event_allow_once(), no rule at all:
 *   returns 0 (and @path ""), and ll_event_answer() allows this access
 *   alone.  For the other events, which have no one-off answer, the same
 *   object as LL_ANSWER_OBJECT, and all of it is transient.
 * The open of a file that its call created (ll_event_created()) is a file
 * accessed: LL_ANSWER_OBJECT puts the rule on the new file alone.
 * Returns 0 (and *@transient 0) for an unknown @scope.
 */
LL_EXPORT uint64_t ll_event_answer_rule(const struct ll_event *event, enum ll_answer_scope scope,
					char *path, size_t len, uint64_t *transient);

LL_EXPORT uint64_t ll_event_cookie(const struct ll_event *event);
/* The rights denied (LANDLOCK_ACCESS_FS_* or LANDLOCK_ACCESS_NET_*). */
LL_EXPORT uint64_t ll_event_access(const struct ll_event *event);
LL_EXPORT bool ll_event_is_net(const struct ll_event *event);
/* The process (thread group) and thread that was denied. */
LL_EXPORT pid_t ll_event_pid(const struct ll_event *event);
LL_EXPORT pid_t ll_event_tid(const struct ll_event *event);
LL_EXPORT uint64_t ll_event_port(const struct ll_event *event);
/*
 * The object (O_PATH, or -1): the file, or the directory in which
 * ll_event_name() is created or removed; the destination directory of a
 * rename or link (or -1) and its entry.  Owned by the event; only received
 * with LL_RECV_FDS.
 */
LL_EXPORT int ll_event_object_fd(const struct ll_event *event);
LL_EXPORT int ll_event_dest_fd(const struct ll_event *event);
/* Entry names ("" if none). */
LL_EXPORT const char *ll_event_name(const struct ll_event *event);
LL_EXPORT const char *ll_event_dest_name(const struct ll_event *event);
/*
 * The paths of the object and of the destination directory when the event
 * was received ("" if none, or if it did not fit in PATH_MAX); a path may
 * name another object by the time it is read.
 */
LL_EXPORT const char *ll_event_object_path(const struct ll_event *event);
LL_EXPORT const char *ll_event_dest_path(const struct ll_event *event);
/* Whether the object is a directory. */
LL_EXPORT bool ll_event_object_is_dir(const struct ll_event *event);
/*
 * Whether the requester waits in the access check (LANDLOCK_EVENT_ALLOW_ONCE:
 * the open of a file, TCP bind and connect): then the answer decides this
 * access, and ll_event_answer() allowing it allows it once, with no rule (a
 * later identical access asks again).  Otherwise the call fails and is
 * restarted after an answer that allows it, only if the supervisor
 * committed since the denial: a one-off answer needs a rule, withdrawn once
 * the call is over (ll_event_answer_rule()).
 */
LL_EXPORT bool ll_event_allow_once(const struct ll_event *event);
/*
 * Whether the event is the open of a regular file that the same call has
 * just created (LANDLOCK_EVENT_CREATED, with O_CREAT; always with
 * ll_event_allow_once()): its object is the new file, and a grant on it
 * is a rule on that file alone.  Denied, the file stays.
 */
LL_EXPORT bool ll_event_created(const struct ll_event *event);
/*
 * The flags beyond LANDLOCK_EVENT_OBJECT_DIR that this kernel's events can
 * have (LANDLOCK_EVENT_ALLOW_ONCE, LANDLOCK_EVENT_CREATED), from their
 * flags: the first call makes a sandboxed child create a file that its
 * supervisor lets it create but not open, in a new directory of $TMPDIR
 * (or /tmp, /dev/shm, /var/tmp; both removed after), and sees whether the
 * kernel asks about the open.  0 if it does not, or if the probe cannot run.
 * Later calls return the first one's answer.
 */
LL_EXPORT uint32_t ll_kernel_event_flags(void);
/*
 * For the creation of a regular file by open() (LANDLOCK_ACCESS_FS_MAKE_REG
 * on a directory), whether the kernel will ask about the open of the new
 * file (an event with ll_event_created()) if the directory's rules do not
 * allow it: this kernel's events have LANDLOCK_EVENT_CREATED, the call is an
 * open(), openat(), openat2() or creat(), whatever its flags (with
 * O_NONBLOCK too, as touch(1) opens), and not mknod()
 * (ll_event_open_flags(); a kernel that tells no system call, as User-Mode
 * Linux, lets any creation be taken for an open), and the directory is not
 * on a file system that creates and opens in one step (NFS, 9p, FUSE, CIFS,
 * Ceph, GFS2, vboxsf).  Then a grant of the creation right alone creates
 * the file, and the open's rights can be granted on the new file alone.
 * False for anything else, or when it cannot tell.
 */
LL_EXPORT bool ll_event_open_notified(const struct ll_event *event);

/* ll_event_open_flags() when the requester is in no open. */
#define LL_OPEN_OTHER (-1)   /* another system call: mknod(), rename(), bind()... */
#define LL_OPEN_UNKNOWN (-2) /* cannot tell: the thread is gone, not visible, running */
#define LL_OPEN_UNTOLD (-3)  /* no /proc/TID/syscall in this kernel (User-Mode Linux) */
/*
 * The flags of the open() that the requester of @event is in (open(),
 * openat(), openat2(), or creat(): O_CREAT | O_WRONLY | O_TRUNC), read from
 * /proc/TID/syscall (and, for openat2(), its struct open_how in the
 * requester's memory): call it before answering, while the requester
 * waits.  0 or more, or LL_OPEN_OTHER, LL_OPEN_UNKNOWN, LL_OPEN_UNTOLD.
 */
LL_EXPORT long ll_event_open_flags(const struct ll_event *event);

/* "/dir/name", "/path" or "tcp port N" of the event's object, for display. */
LL_EXPORT const char *ll_event_object(const struct ll_event *event, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LANDLOCK_SUPERVISE_H */
