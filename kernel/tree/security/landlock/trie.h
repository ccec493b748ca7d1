/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock LSM - Persistent rule trie for supervisor rulesets
 *
 * Copyright © 2026 The landlock-supervisor authors
 */

#ifndef _SECURITY_LANDLOCK_TRIE_H
#define _SECURITY_LANDLOCK_TRIE_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "ruleset.h"

/*
 * A trie node consumes LANDLOCK_TRIE_BITS bits of a 64-bit key hash.  The hash
 * is a bijection of the key, so two different keys always part before
 * LANDLOCK_TRIE_MAX_DEPTH levels.
 */
#define LANDLOCK_TRIE_BITS 6
#define LANDLOCK_TRIE_FANOUT BIT(LANDLOCK_TRIE_BITS)
#define LANDLOCK_TRIE_MAX_DEPTH DIV_ROUND_UP(64, LANDLOCK_TRIE_BITS)

/**
 * struct landlock_trie_slot - Entry of a trie node
 */
struct landlock_trie_slot {
	union {
		/**
		 * @child: Sub-node, when this slot is not a leaf.  The slot
		 * holds a reference to it.
		 */
		struct landlock_trie_node *child;
		/**
		 * @key: Rule key (&union landlock_key.data), when this slot is
		 * a leaf.  For inode keys, the slot holds a reference to the
		 * &struct landlock_object.
		 */
		uintptr_t key;
	};
	/**
	 * @access: Access rights of the rule, when this slot is a leaf.
	 */
	access_mask_t access;
	/**
	 * @quiet: The rule marks its object as quiet (cf.
	 * %LANDLOCK_ADD_RULE_QUIET), when this slot is a leaf.
	 */
	bool quiet;
};

/**
 * struct landlock_trie_node - Immutable, shared node of a rule trie
 *
 * A trie maps rule keys to access rights.  Nodes are never modified once
 * linked: a change copies the nodes on the path from the root to the changed
 * leaf (at most %LANDLOCK_TRIE_MAX_DEPTH of them) and shares everything else
 * with the previous version.  A committed version of a supervisor is then just
 * a reference to a root, and a commit costs the same whatever the number of
 * rules.
 */
struct landlock_trie_node {
	/**
	 * @usage: Number of parent slots and versions referencing this node.
	 */
	refcount_t usage;
	/**
	 * @occupied: Bitmap of the used indexes, one bit per possible slot.
	 */
	u64 occupied;
	/**
	 * @leaves: Subset of @occupied whose slots are rules (not sub-nodes).
	 */
	u64 leaves;
	/**
	 * @num_slots: Number of entries in @slots, equal to the weight of
	 * @occupied.
	 */
	u8 num_slots;
	/**
	 * @slots: Used slots, in the order of their indexes.
	 */
	struct landlock_trie_slot slots[] __counted_by(num_slots);
};

static_assert(BITS_PER_TYPE(u64) == LANDLOCK_TRIE_FANOUT);

const struct landlock_trie_slot *
landlock_trie_find(const struct landlock_trie_node *root, uintptr_t key);

struct landlock_trie_node *
landlock_trie_set(struct landlock_trie_node *const root,
		  const enum landlock_key_type key_type, const uintptr_t key,
		  const access_mask_t access, const bool quiet);

void landlock_trie_put(struct landlock_trie_node *const node,
		       const enum landlock_key_type key_type);

/**
 * landlock_trie_get - Take a reference to a trie (may be empty)
 *
 * @node: Root of the trie, or NULL.
 *
 * Returns: @node.
 */
static inline struct landlock_trie_node *
landlock_trie_get(struct landlock_trie_node *const node)
{
	if (node)
		refcount_inc(&node->usage);
	return node;
}

/**
 * typedef landlock_trie_visit_t - Callback of landlock_trie_for_each()
 *
 * @ctx: Caller's context.
 * @rule: A leaf slot (key, access rights and quiet mark of a rule).
 *
 * Returns: 0 to continue, or an error to stop the walk with.
 */
typedef int landlock_trie_visit_t(void *ctx,
				  const struct landlock_trie_slot *rule);

int landlock_trie_for_each(const struct landlock_trie_node *const root,
			   landlock_trie_visit_t *const visit, void *const ctx);

#endif /* _SECURITY_LANDLOCK_TRIE_H */
