// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock LSM - Supervisors of mutable domains
 *
 * Copyright © 2026 The landlock-supervisor authors
 *
 * A supervisor owns a set of rules that it may change at any time, for the
 * layers enforced from its supervisee rulesets.  Changes are staged, then
 * made visible all at once by a commit.  For each layer, an access is allowed
 * if the layer's own (supervisee) rules or the supervisor's committed rules
 * allow it.  The supervisee rules are folded into the domain as usual; the
 * supervisor rules are not (they may change), and are only consulted for the
 * layers that deny an access.
 */

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "limits.h"
#include "object.h"
#include "ruleset.h"
#include "supervisor.h"
#include "trie.h"

static unsigned int key_type_index(const enum landlock_key_type key_type)
{
	static_assert(LANDLOCK_KEY_INODE == 1);
	static_assert(LANDLOCK_KEY_NET_PORT == LANDLOCK_NUM_KEY_TYPES);
	return key_type - 1;
}

/**
 * landlock_create_supervisor - Create a supervisor without any rule
 *
 * @notify: Whether the supervisor gets events for the accesses that its
 *          layers deny.
 *
 * Returns: a new supervisor (with one reference), or an ERR_PTR().
 */
struct landlock_supervisor *landlock_create_supervisor(const bool notify)
{
	struct landlock_supervisor *supervisor;

	supervisor = kzalloc(sizeof(*supervisor), GFP_KERNEL_ACCOUNT);
	if (!supervisor)
		return ERR_PTR(-ENOMEM);
	refcount_set(&supervisor->usage, 1);
	mutex_init(&supervisor->lock);
	landlock_notify_init(&supervisor->notify, notify);
	return supervisor;
}

static void free_version(struct landlock_supervisor_version *const version)
{
	might_sleep();
	landlock_trie_put(version->roots[key_type_index(LANDLOCK_KEY_INODE)],
			  LANDLOCK_KEY_INODE);
	landlock_trie_put(version->roots[key_type_index(LANDLOCK_KEY_NET_PORT)],
			  LANDLOCK_KEY_NET_PORT);
	kfree(version);
}

static void free_version_work(struct work_struct *const work)
{
	free_version(container_of(work, struct landlock_supervisor_version,
				  work_free));
}

/*
 * Releases a version from any context: the last reference may be dropped by
 * a check running in a hook, or by an RCU callback.
 */
static void put_version_deferred(struct landlock_supervisor_version *const version)
{
	if (version && refcount_dec_and_test(&version->usage)) {
		INIT_WORK(&version->work_free, free_version_work);
		schedule_work(&version->work_free);
	}
}

static void put_version_rcu(struct rcu_head *const head)
{
	struct landlock_supervisor_version *const version =
		container_of(head, struct landlock_supervisor_version, rcu);

	put_version_deferred(version);
}

/**
 * landlock_put_supervisor - Release a reference to a supervisor
 *
 * @supervisor: Supervisor, or NULL.
 *
 * Frees the supervisor and its rules with the last reference.  No task can
 * reach it anymore then, so its committed version needs no grace period.
 */
void landlock_put_supervisor(struct landlock_supervisor *const supervisor)
{
	struct landlock_supervisor_version *committed;
	unsigned int i;

	might_sleep();
	if (!supervisor || !refcount_dec_and_test(&supervisor->usage))
		return;

	committed = rcu_dereference_protected(supervisor->committed, true);
	if (committed && refcount_dec_and_test(&committed->usage))
		free_version(committed);
	for (i = 0; i < LANDLOCK_NUM_KEY_TYPES; i++)
		landlock_trie_put(supervisor->staged[i], i + 1);
	landlock_notify_destroy(&supervisor->notify);
	mutex_destroy(&supervisor->lock);
	kfree(supervisor);
}

/**
 * landlock_supervisor_stage - Change a staged rule of a supervisor
 *
 * @supervisor: Supervisor whose staged rules change.
 * @id: Key of the rule.  For an inode, the caller holds the object.
 * @access: Access rights, where the rights that the layer does not handle
 *          are set (cf. landlock_append_fs_rule()).
 * @handled: Access rights handled by the layer, for @id's type.
 * @op: %LANDLOCK_RULE_OP_ADD to add @access to the rule (creating it if
 *      needed), %LANDLOCK_RULE_OP_INTERSECT to keep only the rights of the
 *      rule that are in @access (a missing rule stays missing).
 * @quiet: Also mark the object as quiet (cf. %LANDLOCK_ADD_RULE_QUIET).
 *
 * A rule left without any handled right nor quiet mark is removed.  The change is not seen
 * by supervised tasks before landlock_supervisor_commit().
 *
 * Returns: 0, -E2BIG if the supervisor has too many rules, or -ENOMEM.
 */
int landlock_supervisor_stage(struct landlock_supervisor *const supervisor,
			      const struct landlock_id id,
			      const access_mask_t access,
			      const access_mask_t handled,
			      const enum landlock_rule_op op, const bool quiet)
{
	struct landlock_trie_node **const root =
		&supervisor->staged[key_type_index(id.type)];
	const struct landlock_trie_slot *slot;
	struct landlock_trie_node *new_root;
	access_mask_t old_access, new_access;
	bool old_quiet, new_quiet;
	int err = 0;

	mutex_lock(&supervisor->lock);
	slot = landlock_trie_find(*root, id.key.data);
	old_access = slot ? slot->access : 0;
	old_quiet = slot && slot->quiet;
	new_quiet = old_quiet || quiet;
	switch (op) {
	case LANDLOCK_RULE_OP_ADD:
		new_access = old_access | access;
		break;
	case LANDLOCK_RULE_OP_INTERSECT:
		new_access = old_access & access;
		break;
	default:
		WARN_ON_ONCE(1);
		err = -EINVAL;
		goto out_unlock;
	}
	/* A rule without any handled right would allow nothing. */
	if (!(new_access & handled))
		new_access = 0;
	/* A missing rule stays missing, and loses no quiet mark. */
	if (!slot && op == LANDLOCK_RULE_OP_INTERSECT)
		new_quiet = false;
	if (!new_access && op == LANDLOCK_RULE_OP_INTERSECT)
		new_quiet = false;
	if (new_access == old_access && new_quiet == old_quiet)
		goto out_unlock;

	if (!slot && supervisor->num_staged_rules >= LANDLOCK_MAX_NUM_RULES) {
		err = -E2BIG;
		goto out_unlock;
	}
	new_root = landlock_trie_set(*root, id.type, id.key.data, new_access,
				     new_quiet);
	if (IS_ERR(new_root)) {
		err = PTR_ERR(new_root);
		goto out_unlock;
	}
	landlock_trie_put(*root, id.type);
	*root = new_root;
	if (!slot)
		supervisor->num_staged_rules++;
	else if (!new_access && !new_quiet)
		supervisor->num_staged_rules--;

out_unlock:
	mutex_unlock(&supervisor->lock);
	return err;
}

/**
 * landlock_supervisor_commit - Make the staged rules the rules in force
 *
 * @supervisor: Supervisor to commit.
 *
 * Atomic for supervised tasks: a check sees either the previous version or
 * this one, entirely.  O(1): the new version shares the staged tries.  The
 * previous version is released after an RCU grace period, without waiting
 * for it.
 *
 * Returns: 0, or -ENOMEM (then nothing changed).
 */
int landlock_supervisor_commit(struct landlock_supervisor *const supervisor)
{
	struct landlock_supervisor_version *version, *old;
	unsigned int i;

	version = kzalloc(sizeof(*version), GFP_KERNEL_ACCOUNT);
	if (!version)
		return -ENOMEM;
	refcount_set(&version->usage, 1);

	mutex_lock(&supervisor->lock);
	for (i = 0; i < LANDLOCK_NUM_KEY_TYPES; i++)
		version->roots[i] = landlock_trie_get(supervisor->staged[i]);
	version->generation = ++supervisor->generation;
	old = rcu_replace_pointer(supervisor->committed, version,
				  lockdep_is_held(&supervisor->lock));
	mutex_unlock(&supervisor->lock);

	if (old)
		call_rcu(&old->rcu, put_version_rcu);
	return 0;
}

/**
 * landlock_supervisor_clear - Remove all staged rules
 *
 * @supervisor: Supervisor whose staged rules go; O(1).
 *
 * The committed rules stay in force until the next commit.
 */
void landlock_supervisor_clear(struct landlock_supervisor *const supervisor)
{
	struct landlock_trie_node *old[LANDLOCK_NUM_KEY_TYPES];
	unsigned int i;

	mutex_lock(&supervisor->lock);
	for (i = 0; i < LANDLOCK_NUM_KEY_TYPES; i++) {
		old[i] = supervisor->staged[i];
		supervisor->staged[i] = NULL;
	}
	supervisor->num_staged_rules = 0;
	mutex_unlock(&supervisor->lock);
	for (i = 0; i < LANDLOCK_NUM_KEY_TYPES; i++)
		landlock_trie_put(old[i], i + 1);
}

/**
 * landlock_supervisor_pin - Pin the committed rules of supervised layers
 *
 * @domain: Domain of the checking task.
 * @layers: Layers of interest; those without a supervisor are ignored.
 * @pins: Where to record the pinned versions; release them with
 *        landlock_supervisor_unpin().
 *
 * Lockless.  A layer whose supervisor never committed is not pinned: it has
 * no supervisor rule.
 */
void landlock_supervisor_pin(const struct landlock_ruleset *const domain,
			     const layer_mask_t layers,
			     struct landlock_supervisor_pins *const pins)
{
	const struct landlock_hierarchy *hierarchy = domain->hierarchy;
	const layer_mask_t wanted = layers & domain->supervised_layers;
	int level;

	pins->layers = 0;
	pins->only_supervisors = false;
	if (!wanted)
		return;

	rcu_read_lock();
	/* The domain's hierarchy node is its last layer's. */
	for (level = domain->num_layers - 1; level >= 0 && hierarchy;
	     level--, hierarchy = hierarchy->parent) {
		struct landlock_supervisor_version *version;

		if (!(wanted & BIT(level)))
			continue;
		if (WARN_ON_ONCE(!hierarchy->supervisor))
			continue;
		version = rcu_dereference(hierarchy->supervisor->committed);
		if (!version)
			continue;
		/*
		 * The supervisor's reference to its committed version is only
		 * dropped after a grace period.
		 */
		if (WARN_ON_ONCE(!refcount_inc_not_zero(&version->usage)))
			continue;
		pins->versions[level] = version;
		pins->layers |= BIT(level);
	}
	rcu_read_unlock();
}

/**
 * landlock_supervisor_unpin - Release versions pinned for a check
 *
 * @pins: Versions pinned by landlock_supervisor_pin().
 */
void landlock_supervisor_unpin(struct landlock_supervisor_pins *const pins)
{
	unsigned long layers = pins->layers;
	unsigned long level;

	for_each_set_bit(level, &layers, LANDLOCK_MAX_NUM_LAYERS)
		put_version_deferred(pins->versions[level]);
	pins->layers = 0;
}

/**
 * landlock_supervisor_unmask - Clear the layers that supervisor rules allow
 *
 * @pins: Pinned versions.
 * @key_type: Type of @key.
 * @key: Rule key of the object being checked (e.g. an inode's object).  For
 *       an object, the caller is in an RCU read-side critical section, which
 *       keeps @key from being recycled.
 * @access_request: Requested access rights.
 * @layer_masks: Array of @masks_array_size entries: per access right, the
 *               layers that still deny it.  The bits of the pinned layers
 *               whose rule for @key allows the right are cleared.
 * @masks_array_size: Number of entries of @layer_masks.
 *
 * Returns: true if no layer denies any access right of @access_request
 * anymore.
 */
bool landlock_supervisor_unmask(const struct landlock_supervisor_pins *const pins,
				const enum landlock_key_type key_type,
				const uintptr_t key,
				const access_mask_t access_request,
				layer_mask_t *const layer_masks,
				const size_t masks_array_size)
{
	const unsigned int type = key_type_index(key_type);
	const unsigned long access_req = access_request;
	unsigned long layers = pins->layers;
	unsigned long level, access_bit;

	for_each_set_bit(level, &layers, LANDLOCK_MAX_NUM_LAYERS) {
		const struct landlock_trie_slot *rule;

		rule = landlock_trie_find(pins->versions[level]->roots[type],
					  key);
		if (!rule)
			continue;
		for_each_set_bit(access_bit, &access_req, masks_array_size) {
			if (rule->access & BIT_ULL(access_bit))
				layer_masks[access_bit] &= ~BIT(level);
		}
	}
	return !landlock_denying_layers(access_request, layer_masks,
					masks_array_size);
}

/**
 * landlock_supervisor_allows - Check a denied single-object access against the
 *				supervisor rules of the layers that deny it
 *
 * @domain: Domain of the checking task.
 * @key_type: Type of @key.
 * @key: Rule key of the object (e.g. a network port).
 * @access_request: Requested access rights.
 * @layer_masks: Array of @masks_array_size layer masks left by the check of
 *               the domain's own rules; updated.
 * @masks_array_size: Number of entries of @layer_masks.
 *
 * This is the slow path: it runs only when the domain's own rules deny, and
 * does nothing unless every denying layer is supervised.
 *
 * Returns: true if the supervisor rules allow what the domain's rules denied.
 */
bool landlock_supervisor_allows(const struct landlock_ruleset *const domain,
				const enum landlock_key_type key_type,
				const uintptr_t key,
				const access_mask_t access_request,
				layer_mask_t *const layer_masks,
				const size_t masks_array_size)
{
	struct landlock_supervisor_pins pins;
	layer_mask_t denying;
	bool allowed;

	denying = landlock_denying_layers(access_request, layer_masks,
					  masks_array_size);
	if (!denying || (denying & ~domain->supervised_layers))
		return false;
	landlock_supervisor_pin(domain, denying, &pins);
	allowed = !(denying & ~pins.layers) &&
		  landlock_supervisor_unmask(&pins, key_type, key,
					     access_request, layer_masks,
					     masks_array_size);
	landlock_supervisor_unpin(&pins);
	return allowed;
}
