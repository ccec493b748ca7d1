/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Learning a policy from a run (--permissive, and --ask=OUT).
 *
 * Rules bind to objects that exist when a policy is applied: an object the
 * run created does not exist when the policy is replayed from a clean state,
 * so what the run did to it is learned on its nearest ancestor that existed
 * before the run.  The learner knows what the run created from its events
 * (a creation that no rule allowed) and, beneath the directories where it
 * was allowed to create entries without asking (its "zones"), from a
 * listing of what was there before: each zone is listed (path and inode)
 * just before the first right to create in it is granted.
 */
#ifndef LL_LEARN_H
#define LL_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "landlock-supervise.h"
#include "strmap.h"

struct learn {
	struct strmap rules;	/* path -> filesystem rights */
	struct strmap ports;	/* decimal port -> network rights */
	struct strmap created;	/* paths the run created, from its events */
	struct strmap zones;	/* directories where creations need no event */
	struct strmap snapshot; /* beneath them, what existed: path -> inode */
	struct strmap unlisted; /* beneath zones, not listed: counts as existed */
	size_t max_snapshot;	/* most entries listed, all zones together */
	bool incomplete;	/* a listing stopped: see learn_zone() */
};

/* Filesystem rights that create an entry in a directory. */
#define LEARN_MAKE_RIGHTS                                               \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
/*
 * Rights that let a directory get new entries, also moved in (refer alone
 * does not: a rename or link needs the make right of its destination too).
 */
#define LEARN_ZONE_RIGHTS LEARN_MAKE_RIGHTS
/* Rights the kernel checks on files (the others on directories). */
#define LEARN_FILE_RIGHTS                                             \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* Default learn->max_snapshot. */
#define LEARN_MAX_SNAPSHOT 500000

void learn_init(struct learn *learn);
void learn_free(struct learn *learn);

/*
 * The rights that allow @ev.  A regular file that an open() creates is
 * checked for that open right away: unless the kernel asks about that open
 * (@open_notified: an event of its own, ll_event_created(), whose rights go
 * on the new file), it denies it with no event, and the directory's rule
 * must also carry the open's rights: both read_file and write_file, since
 * the rule covers the directory's next creations too.  @open_flags are
 * ll_event_open_flags() of @ev: LL_OPEN_OTHER (mknod, rename...) needs no
 * open's rights.  Never truncate: a file just created is not truncated by
 * O_TRUNC.
 */
uint64_t learn_rights(const struct ll_event *ev, long open_flags, bool open_notified);

/*
 * Makes @dir a zone (if neither it nor an ancestor is one): lists what is
 * beneath it, recursively, without following symbolic links or crossing
 * into another filesystem (such a directory is "unlisted": what is beneath
 * it counts as having existed).  Call it before a right in
 * LEARN_ZONE_RIGHTS on @dir takes effect.  After learn->max_snapshot
 * entries, the rest is unlisted too and learn->incomplete is set.  0, or -1
 * with errno (ENOMEM; a @dir that cannot be listed is no error).
 */
int learn_zone(struct learn *learn, const char *dir);
/* learn_zone() on the directories that @ev's grant of @access opens. */
int learn_prepare(struct learn *learn, const struct ll_event *ev, uint64_t access);
/*
 * Whether the object at @path existed before the run: not created in an
 * event, and beneath a zone, listed with the same inode when the zone began.
 */
bool learn_existed(const struct learn *learn, const char *path);

/* Whether @path is /proc/PID or beneath it (PID: digits). */
bool learn_is_proc_pid(const char *path);

/*
 * Records that @access was granted for @ev; 0, or -1 with errno.  The
 * rights on /proc/PID and what is beneath it are learned on /proc.  The
 * open of a file that its call created (ll_event_created()) notes the file
 * as created, and its rights, with make_reg, go where the rights on what
 * the run created go.
 */
int learn_event(struct learn *learn, const struct ll_event *ev, uint64_t access);
/* Records @access on @path (or its nearest ancestor that existed before). */
int learn_path(struct learn *learn, const char *path, uint64_t access);
int learn_port(struct learn *learn, uint64_t port, uint64_t access);

/*
 * What a learned rule allows in the policy, for the states the same command
 * meets next.  A rule with a right to create entries (a directory where the
 * run created entries, or the nearest existing ancestor of ones it created)
 * also gets truncate if it has write_file (a rerun overwrites the files it
 * created), and remove_file if it creates entries other than directories (a
 * rerun replaces them: ld unlinks its output first).  Other rules stay as
 * the run used them.
 */
uint64_t learn_generalise(uint64_t rights);

/* What --fold may not fold into. */
struct fold_limits {
	unsigned int min_entries;     /* fold a directory with this many rules */
	unsigned int min_depth;	      /* never into a directory with fewer components */
	const char *const *forbidden; /* never into these or their ancestors */
	size_t num_forbidden;
};

/* Components of @path: "/" is 0, "/etc" 1, "/home/user" 2. */
unsigned int learn_depth(const char *path);
/* Whether @name is that of a directory that holds credentials (".ssh"...). */
bool learn_is_credential_dir(const char *name);
/*
 * Whether --fold may put a rule on directory @dir: deep enough, not
 * forbidden nor an ancestor of a forbidden one, and no component of it a
 * credential directory.
 */
bool learn_may_fold(const char *dir, const struct fold_limits *limits);
/*
 * Replaces the rules of the entries of each directory that has at least
 * limits->min_entries of them by one rule on the directory, if
 * learn_may_fold() lets it and the rule widens nothing that exists: its
 * rights are those every such entry has, and every object beneath the
 * directory (listed now, recursively) must already have them from the
 * learned rules; none may be a credential directory.  Entries keep rules
 * for what they have beyond it.  One pass: a folded directory is not folded
 * again into its parent.  Rules beneath a folded directory that it now
 * covers go.  0, or -1 with errno (then unchanged).
 */
int learn_fold(struct learn *learn, const struct fold_limits *limits);

/*
 * Adds the learned rules, generalised (learn_generalise()), to @policy:
 * handled rights, ABI and scopes are the caller's.  0, or -1 with errno
 * (then @policy has some of them).
 */
int learn_policy(const struct learn *learn, struct ll_policy *policy);

#endif /* LL_LEARN_H */
