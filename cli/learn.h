/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Learning a policy from a run (--permissive, and --ask=OUT): the rules that
 * the run was granted, moved off the files it created (they do not exist
 * when the policy is replayed) to their nearest ancestor that existed, and
 * optionally folded into directories.
 */
#ifndef LL_LEARN_H
#define LL_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "landlock-supervise.h"
#include "strmap.h"

struct learn {
	struct strmap rules;   /* path -> filesystem rights */
	struct strmap ports;   /* decimal port -> network rights */
	struct strmap created; /* paths the run created */
};

/* Filesystem rights that create an entry in a directory. */
#define LEARN_MAKE_RIGHTS                                               \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

void learn_init(struct learn *learn);
void learn_free(struct learn *learn);

/*
 * The rights that allow @ev.  A regular file that an open() creates is
 * checked for that open right away, with no event (the kernel cannot restart
 * such an open): the directory's rule must also carry the open's rights.
 * @open_flags are that open's flags (O_RDONLY, O_WRONLY or O_RDWR), or -1 if
 * the event does not come from an open() (mknod, rename); -2 if unknown
 * (then both read_file and write_file).  Never truncate: a file just created
 * is not truncated by O_TRUNC.
 */
uint64_t learn_rights(const struct ll_event *ev, int open_flags);
/* The open flags of the system call that @tid is blocked in, or -2. */
int learn_open_flags(pid_t tid);

/* Records that @access was granted for @ev; 0, or -1 with errno. */
int learn_event(struct learn *learn, const struct ll_event *ev, uint64_t access);
/* Records @access on @path (or its nearest ancestor the run did not create). */
int learn_path(struct learn *learn, const char *path, uint64_t access);
int learn_port(struct learn *learn, uint64_t port, uint64_t access);

/* What --fold may not fold into. */
struct fold_limits {
	unsigned int min_entries;     /* fold a directory with this many rules */
	unsigned int min_depth;	      /* never into a directory with fewer components */
	const char *const *forbidden; /* never into these or their ancestors */
	size_t num_forbidden;
};

/* Components of @path: "/" is 0, "/etc" 1, "/home/user" 2. */
unsigned int learn_depth(const char *path);
/* Whether --fold may put a rule on directory @dir. */
bool learn_may_fold(const char *dir, const struct fold_limits *limits);
/*
 * Replaces the rules of the entries of each directory that has at least
 * limits->min_entries of them by one rule on the directory (with the union
 * of their rights), if learn_may_fold() lets it.  One pass: a folded
 * directory is not folded again into its parent.  Rules beneath a folded
 * directory that it now covers go.  0, or -1 with errno (then unchanged).
 */
int learn_fold(struct learn *learn, const struct fold_limits *limits);

/*
 * Adds the learned rules to @policy: handled rights, ABI and scopes are
 * the caller's.  0, or -1 with errno (then @policy has some of them).
 */
int learn_policy(const struct learn *learn, struct ll_policy *policy);

#endif /* LL_LEARN_H */
