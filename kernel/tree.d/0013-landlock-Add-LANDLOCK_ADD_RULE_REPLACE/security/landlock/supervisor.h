/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock LSM - Supervisors of mutable domains
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#ifndef _SECURITY_LANDLOCK_SUPERVISOR_H
#define _SECURITY_LANDLOCK_SUPERVISOR_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "limits.h"
#include "notify.h"
#include "ruleset.h"
#include "trie.h"

/* Number of &enum landlock_key_type values, i.e. rule trees. */
#define LANDLOCK_NUM_KEY_TYPES 2

/**
 * struct landlock_supervisor_version - Committed supervisor rules
 *
 * An immutable set of rules, made by one commit.  A check pins the version
 * of each supervised layer it looks at, so that it sees one version per layer
 * even if a commit lands during its path walk.
 */
struct landlock_supervisor_version {
	/**
	 * @usage: References from the supervisor (while this is its committed
	 * version) and from pinning checks.
	 */
	refcount_t usage;
	/**
	 * @generation: Number of commits of the supervisor up to and including
	 * this one.
	 */
	u64 generation;
	/**
	 * @roots: Rule tries, indexed by &enum landlock_key_type minus one.
	 */
	struct landlock_trie_node *roots[LANDLOCK_NUM_KEY_TYPES];
	/**
	 * @rcu: Delays the supervisor's release until lockless readers that
	 * may still see this version have pinned it.
	 */
	struct rcu_head rcu;
	/**
	 * @work_free: Frees the tries in process context (releasing inodes may
	 * sleep).
	 */
	struct work_struct work_free;
};

/**
 * struct landlock_supervisor - Shared state of a supervisor
 *
 * Referenced by the supervisor ruleset (its file descriptor), by each
 * supervisee ruleset, and by the hierarchy node of each layer enforced from a
 * supervisee ruleset.
 */
struct landlock_supervisor {
	/**
	 * @usage: Number of references described above.
	 */
	refcount_t usage;
	/**
	 * @lock: Serializes changes of @staged and commits.
	 */
	struct mutex lock;
	/**
	 * @committed: Rules in force for the supervised layers, or NULL before
	 * the first commit (which behaves as an empty set of rules).  Read
	 * locklessly with RCU, replaced under @lock.
	 */
	struct landlock_supervisor_version __rcu *committed;
	/**
	 * @staged: Rules being prepared, indexed as
	 * &landlock_supervisor_version.roots; they share all unchanged nodes
	 * with the committed version.  Protected by @lock.
	 */
	struct landlock_trie_node *staged[LANDLOCK_NUM_KEY_TYPES];
	/**
	 * @num_staged_rules: Number of rules in @staged.  Protected by @lock.
	 */
	u32 num_staged_rules;
	/**
	 * @generation: Number of commits so far.  Protected by @lock.
	 */
	u64 generation;
	/**
	 * @notify: Queue of the events sent to this supervisor.
	 */
	struct landlock_notify notify;
};

/**
 * struct landlock_supervisor_pins - Versions pinned for one access check
 */
struct landlock_supervisor_pins {
	/**
	 * @layers: Layers whose committed version is pinned in @versions.
	 */
	layer_mask_t layers;
	/**
	 * @only_supervisors: Set when the domain's own rules were already
	 * accounted for in the layer masks: a path walk then only looks up
	 * the pinned versions.
	 */
	bool only_supervisors;
	/**
	 * @versions: Pinned versions, indexed by layer level (from 0).
	 */
	struct landlock_supervisor_version *versions[LANDLOCK_MAX_NUM_LAYERS];
};

struct landlock_supervisor *landlock_create_supervisor(const bool notify);

void landlock_put_supervisor(struct landlock_supervisor *const supervisor);

/**
 * landlock_get_supervisor - Take a reference to a supervisor
 *
 * @supervisor: Supervisor, or NULL.
 *
 * Returns: @supervisor.
 */
static inline struct landlock_supervisor *
landlock_get_supervisor(struct landlock_supervisor *const supervisor)
{
	if (supervisor)
		refcount_inc(&supervisor->usage);
	return supervisor;
}

int landlock_supervisor_stage(struct landlock_supervisor *const supervisor,
			      const struct landlock_id id,
			      const access_mask_t access,
			      const access_mask_t handled,
			      const enum landlock_rule_op op, const bool quiet);

int landlock_supervisor_commit(struct landlock_supervisor *const supervisor);

void landlock_supervisor_clear(struct landlock_supervisor *const supervisor);

void landlock_supervisor_pin(const struct landlock_ruleset *const domain,
			     const layer_mask_t layers,
			     struct landlock_supervisor_pins *const pins);

void landlock_supervisor_unpin(struct landlock_supervisor_pins *const pins);

bool landlock_supervisor_unmask(const struct landlock_supervisor_pins *const pins,
				const enum landlock_key_type key_type,
				const uintptr_t key,
				const access_mask_t access_request,
				layer_mask_t *const layer_masks,
				const size_t masks_array_size);

bool landlock_supervisor_allows(const struct landlock_ruleset *const domain,
				const enum landlock_key_type key_type,
				const uintptr_t key,
				const access_mask_t access_request,
				layer_mask_t *const layer_masks,
				const size_t masks_array_size);

#endif /* _SECURITY_LANDLOCK_SUPERVISOR_H */
