// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock LSM - Persistent rule trie for supervisor rulesets
 *
 * Copyright © 2026 The landlock-supervisor authors
 *
 * Supervisor rules change while sandboxed tasks check them.  Each change
 * builds a new version of the rule set that shares all but the changed path
 * with the previous one (a hash array mapped trie with path copying), so that
 * committing a version is O(1), a change is O(log n), and a version that a
 * check pinned never changes under it.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "object.h"
#include "trie.h"

/* Mixes the key: the multiplication by an odd constant is a bijection. */
static u64 key_hash(const uintptr_t key)
{
	return (u64)key * GOLDEN_RATIO_64;
}

/* Index of @hash at @level, taken from the best mixed (high) bits first. */
static unsigned int slot_index(const u64 hash, const unsigned int level)
{
	const int shift = 64 - LANDLOCK_TRIE_BITS * (level + 1);

	if (shift >= 0)
		return (hash >> shift) & (LANDLOCK_TRIE_FANOUT - 1);
	return (hash << -shift) & (LANDLOCK_TRIE_FANOUT - 1);
}

static unsigned int slot_pos(const struct landlock_trie_node *const node,
			     const unsigned int index)
{
	return hweight64(node->occupied & (BIT_ULL(index) - 1));
}

static bool is_object_key(const enum landlock_key_type key_type)
{
	return key_type == LANDLOCK_KEY_INODE;
}

static void slot_get(const struct landlock_trie_slot *const slot,
		     const bool is_leaf, const enum landlock_key_type key_type)
{
	if (!is_leaf)
		refcount_inc(&slot->child->usage);
	else if (is_object_key(key_type))
		landlock_get_object((struct landlock_object *)slot->key);
}

static void slot_put(const struct landlock_trie_slot *const slot,
		     const bool is_leaf, const enum landlock_key_type key_type)
{
	if (!is_leaf)
		landlock_trie_put(slot->child, key_type);
	else if (is_object_key(key_type))
		landlock_put_object((struct landlock_object *)slot->key);
}

/**
 * landlock_trie_put - Release a reference to a trie node
 *
 * @node: Node to release, or NULL.
 * @key_type: Type of the keys of the trie.
 *
 * Frees @node and releases its slots when this was the last reference.  Might
 * sleep (it may release inodes).
 */
void landlock_trie_put(struct landlock_trie_node *const node,
		       const enum landlock_key_type key_type)
{
	u64 occupied;
	unsigned int pos = 0;

	might_sleep();
	if (!node || !refcount_dec_and_test(&node->usage))
		return;

	/* The recursion is bounded by LANDLOCK_TRIE_MAX_DEPTH. */
	for (occupied = node->occupied; occupied; occupied &= occupied - 1) {
		const unsigned int index = __ffs64(occupied);

		slot_put(&node->slots[pos++], node->leaves & BIT_ULL(index),
			 key_type);
	}
	kfree(node);
}

/**
 * landlock_trie_find - Find the rule of a key
 *
 * @root: Root of the trie, or NULL for an empty trie.
 * @key: Key to look for.
 *
 * Lockless: the caller holds a reference to @root.
 *
 * Returns: the leaf slot of @key, or NULL if there is none.  Its lifetime is
 * tied to @root.
 */
const struct landlock_trie_slot *
landlock_trie_find(const struct landlock_trie_node *root, const uintptr_t key)
{
	const u64 hash = key_hash(key);
	unsigned int level;

	for (level = 0; root && level < LANDLOCK_TRIE_MAX_DEPTH; level++) {
		const unsigned int index = slot_index(hash, level);
		const struct landlock_trie_slot *slot;

		if (!(root->occupied & BIT_ULL(index)))
			return NULL;
		slot = &root->slots[slot_pos(root, index)];
		if (root->leaves & BIT_ULL(index))
			return slot->key == key ? slot : NULL;
		root = slot->child;
	}
	WARN_ON_ONCE(root);
	return NULL;
}

static struct landlock_trie_node *node_alloc(const unsigned int num_slots)
{
	struct landlock_trie_node *node;

	node = kzalloc(struct_size(node, slots, num_slots), GFP_KERNEL_ACCOUNT);
	if (!node)
		return NULL;
	refcount_set(&node->usage, 1);
	node->num_slots = num_slots;
	return node;
}

/*
 * Returns a new node equal to @old (NULL is an empty node) except for the slot
 * at @index, which becomes @slot (a leaf if @is_leaf, else a sub-node) or is
 * removed if @slot is NULL.  The new node takes its own references to the
 * other slots of @old, and takes over the reference that @slot holds, but only
 * on success.  Returns NULL if the new node would be empty.
 */
static struct landlock_trie_node *
node_derive(const struct landlock_trie_node *const old,
	    const enum landlock_key_type key_type, const unsigned int index,
	    const struct landlock_trie_slot *const slot, const bool is_leaf)
{
	const u64 bit = BIT_ULL(index);
	const u64 old_occupied = old ? old->occupied : 0;
	u64 occupied = old_occupied, leaves = old ? old->leaves : 0, walk;
	struct landlock_trie_node *node;
	unsigned int src = 0, dst = 0;

	if (slot) {
		occupied |= bit;
		leaves = is_leaf ? leaves | bit : leaves & ~bit;
	} else {
		occupied &= ~bit;
		leaves &= ~bit;
	}
	if (!occupied)
		return NULL;

	node = node_alloc(hweight64(occupied));
	if (!node)
		return ERR_PTR(-ENOMEM);
	node->occupied = occupied;
	node->leaves = leaves;

	for (walk = occupied | old_occupied; walk; walk &= walk - 1) {
		const unsigned int i = __ffs64(walk);

		if (i == index) {
			if (slot)
				node->slots[dst++] = *slot;
			if (old_occupied & bit)
				src++;
			continue;
		}
		node->slots[dst] = old->slots[src++];
		slot_get(&node->slots[dst++], old->leaves & BIT_ULL(i),
			 key_type);
	}
	WARN_ON_ONCE(dst != node->num_slots);
	return node;
}

/*
 * Returns a new sub-trie, rooted at @level, holding the two leaves @old and
 * (@key, @access), whose hashes share the indexes of all the levels above.
 */
static struct landlock_trie_node *
node_split(const struct landlock_trie_slot *const old,
	   const enum landlock_key_type key_type, const uintptr_t key,
	   const access_mask_t access, const bool quiet,
	   const unsigned int level)
{
	const u64 old_hash = key_hash(old->key), new_hash = key_hash(key);
	struct landlock_trie_node *node;
	unsigned int fork, old_index, new_index;
	int wrap;

	for (fork = level; fork < LANDLOCK_TRIE_MAX_DEPTH; fork++)
		if (slot_index(old_hash, fork) != slot_index(new_hash, fork))
			break;
	/* Different keys have different hashes. */
	if (WARN_ON_ONCE(fork >= LANDLOCK_TRIE_MAX_DEPTH))
		return ERR_PTR(-EINVAL);

	node = node_alloc(2);
	if (!node)
		return ERR_PTR(-ENOMEM);
	old_index = slot_index(old_hash, fork);
	new_index = slot_index(new_hash, fork);
	node->occupied = BIT_ULL(old_index) | BIT_ULL(new_index);
	node->leaves = node->occupied;
	node->slots[old_index > new_index] = *old;
	node->slots[new_index > old_index] = (struct landlock_trie_slot){
		.key = key,
		.access = access,
		.quiet = quiet,
	};
	slot_get(&node->slots[0], true, key_type);
	slot_get(&node->slots[1], true, key_type);

	/* Chains single-slot nodes up to @level. */
	for (wrap = (int)fork - 1; wrap >= (int)level; wrap--) {
		const struct landlock_trie_slot child = { .child = node };
		struct landlock_trie_node *parent;

		parent = node_derive(NULL, key_type, slot_index(new_hash, wrap),
				     &child, false);
		if (IS_ERR(parent)) {
			landlock_trie_put(node, key_type);
			return parent;
		}
		node = parent;
	}
	return node;
}

/**
 * landlock_trie_set - Derive a trie with one rule set, changed or removed
 *
 * @root: Root of the original trie (NULL if empty); it is left unchanged.
 * @key_type: Type of the keys of the trie.
 * @key: Key of the rule.  For inode keys, the caller holds a reference to the
 *       object; the new trie takes its own.
 * @access: New access rights of the rule.
 * @quiet: New quiet mark of the rule; with no @access, false removes the
 *         rule.
 *
 * Copies the nodes on the path of @key (at most %LANDLOCK_TRIE_MAX_DEPTH) and
 * shares all the others with @root.
 *
 * Returns: a new reference to the root of the derived trie (which is @root
 * itself when nothing changes, and NULL when it is empty), or an ERR_PTR().
 */
struct landlock_trie_node *
landlock_trie_set(struct landlock_trie_node *const root,
		  const enum landlock_key_type key_type, const uintptr_t key,
		  const access_mask_t access, const bool quiet)
{
	const u64 hash = key_hash(key);
	struct landlock_trie_node *path[LANDLOCK_TRIE_MAX_DEPTH];
	struct landlock_trie_node *node = root, *sub;
	const struct landlock_trie_node *last;
	struct landlock_trie_slot new_slot = {};
	unsigned int depth = 0, index = 0;
	bool new_is_leaf = true;

	might_sleep();
	/* Finds the deepest node on the path of @key. */
	while (node) {
		if (WARN_ON_ONCE(depth >= LANDLOCK_TRIE_MAX_DEPTH))
			return ERR_PTR(-EINVAL);
		index = slot_index(hash, depth);
		path[depth++] = node;
		if (!(node->occupied & BIT_ULL(index)) ||
		    (node->leaves & BIT_ULL(index)))
			break;
		node = node->slots[slot_pos(node, index)].child;
	}
	last = depth ? path[depth - 1] : NULL;
	if (!last)
		index = slot_index(hash, 0);

	if (last && (last->occupied & BIT_ULL(index))) {
		const struct landlock_trie_slot *const leaf =
			&last->slots[slot_pos(last, index)];

		if (leaf->key == key && leaf->access == access &&
		    leaf->quiet == quiet)
			return landlock_trie_get(root);
		if (leaf->key != key && !access && !quiet)
			return landlock_trie_get(root);
		if (leaf->key == key && !access && !quiet) {
			sub = node_derive(last, key_type, index, NULL, false);
			goto copy_path;
		}
		if (leaf->key != key) {
			new_slot.child = node_split(leaf, key_type, key, access,
						    quiet, depth);
			if (IS_ERR(new_slot.child))
				return new_slot.child;
			new_is_leaf = false;
		}
	} else if (!access && !quiet) {
		return landlock_trie_get(root);
	}

	if (new_is_leaf) {
		new_slot.key = key;
		new_slot.access = access;
		new_slot.quiet = quiet;
		slot_get(&new_slot, true, key_type);
	}
	sub = node_derive(last, key_type, index, &new_slot, new_is_leaf);
	if (IS_ERR(sub))
		slot_put(&new_slot, new_is_leaf, key_type);

copy_path:
	/* Copies the ancestors of the changed node, up to the root. */
	while (depth-- > 1 && !IS_ERR(sub)) {
		const struct landlock_trie_slot child = { .child = sub };
		struct landlock_trie_node *parent;

		parent = node_derive(path[depth - 1], key_type,
				     slot_index(hash, depth - 1),
				     sub ? &child : NULL, false);
		if (IS_ERR(parent))
			landlock_trie_put(sub, key_type);
		sub = parent;
	}
	return sub;
}

static int visit_node(const struct landlock_trie_node *const node,
		      landlock_trie_visit_t *const visit, void *const ctx)
{
	u64 occupied;
	unsigned int pos = 0;
	int err;

	for (occupied = node->occupied; occupied; occupied &= occupied - 1) {
		const struct landlock_trie_slot *const slot =
			&node->slots[pos++];

		if (node->leaves & BIT_ULL(__ffs64(occupied)))
			err = visit(ctx, slot);
		else
			err = visit_node(slot->child, visit, ctx);
		if (err)
			return err;
	}
	return 0;
}

/**
 * landlock_trie_for_each - Call a function on each rule of a trie
 *
 * @root: Root of the trie, or NULL.
 * @visit: Function to call, in no particular order.
 * @ctx: Argument passed to @visit.
 *
 * Returns: 0, or the first error returned by @visit.
 */
int landlock_trie_for_each(const struct landlock_trie_node *const root,
			   landlock_trie_visit_t *const visit, void *const ctx)
{
	return root ? visit_node(root, visit, ctx) : 0;
}

#ifdef CONFIG_SECURITY_LANDLOCK_KUNIT_TEST

/* Port-like keys: no object references involved. */
#define TEST_KEY_TYPE LANDLOCK_KEY_NET_PORT

static access_mask_t find_access(const struct landlock_trie_node *const root,
				 const uintptr_t key)
{
	const struct landlock_trie_slot *const slot =
		landlock_trie_find(root, key);

	return slot ? slot->access : 0;
}

static struct landlock_trie_node *set(struct kunit *const test,
				      struct landlock_trie_node *const root,
				      const uintptr_t key,
				      const access_mask_t access)
{
	struct landlock_trie_node *const new_root =
		landlock_trie_set(root, TEST_KEY_TYPE, key, access, false);

	KUNIT_ASSERT_FALSE(test, IS_ERR(new_root));
	landlock_trie_put(root, TEST_KEY_TYPE);
	return new_root;
}

static int count_rule(void *const ctx,
		      const struct landlock_trie_slot *const rule)
{
	(*(size_t *)ctx)++;
	return 0;
}

static size_t count_rules(const struct landlock_trie_node *const root)
{
	size_t count = 0;

	landlock_trie_for_each(root, count_rule, &count);
	return count;
}

static void test_trie_set_find_remove(struct kunit *const test)
{
	struct landlock_trie_node *root = NULL;
	uintptr_t key;

	for (key = 1; key <= 1000; key++)
		root = set(test, root, key, key & 0xff ?: 1);
	KUNIT_EXPECT_EQ(test, 1000, count_rules(root));
	for (key = 1; key <= 1000; key++)
		KUNIT_EXPECT_EQ(test, key & 0xff ?: 1, find_access(root, key));
	KUNIT_EXPECT_EQ(test, 0, find_access(root, 1001));

	/* Changes and removes half of the rules. */
	for (key = 1; key <= 1000; key += 2)
		root = set(test, root, key, 0);
	for (key = 2; key <= 1000; key += 2)
		root = set(test, root, key, 0x4000);
	KUNIT_EXPECT_EQ(test, 500, count_rules(root));
	for (key = 1; key <= 1000; key++)
		KUNIT_EXPECT_EQ(test, key % 2 ? 0 : 0x4000,
				find_access(root, key));

	/* Removing a missing rule changes nothing. */
	KUNIT_EXPECT_PTR_EQ(test, root,
			    landlock_trie_set(root, TEST_KEY_TYPE, 1, 0, false));
	landlock_trie_put(root, TEST_KEY_TYPE);

	for (key = 2; key <= 1000; key += 2)
		root = set(test, root, key, 0);
	KUNIT_EXPECT_PTR_EQ(test, NULL, root);
}

static void test_trie_versions_are_immutable(struct kunit *const test)
{
	struct landlock_trie_node *v1 = NULL, *v2;
	uintptr_t key;

	for (key = 0; key < 300; key++)
		v1 = set(test, v1, key, 1);
	v2 = landlock_trie_get(v1);
	for (key = 0; key < 300; key += 3)
		v2 = set(test, v2, key, 0);
	v2 = set(test, v2, 12345, 2);

	for (key = 0; key < 300; key++) {
		KUNIT_EXPECT_EQ(test, 1, find_access(v1, key));
		KUNIT_EXPECT_EQ(test, key % 3 ? 1 : 0, find_access(v2, key));
	}
	KUNIT_EXPECT_EQ(test, 0, find_access(v1, 12345));
	KUNIT_EXPECT_EQ(test, 2, find_access(v2, 12345));
	landlock_trie_put(v1, TEST_KEY_TYPE);
	landlock_trie_put(v2, TEST_KEY_TYPE);
}

/* Inverse of GOLDEN_RATIO_64 modulo 2^64 (Newton's iteration). */
static u64 hash_inverse(const u64 hash)
{
	u64 inverse = GOLDEN_RATIO_64;
	int i;

	for (i = 0; i < 6; i++)
		inverse *= 2 - GOLDEN_RATIO_64 * inverse;
	return hash * inverse;
}

static void test_trie_deepest_split(struct kunit *const test)
{
	/* Two keys whose hashes only differ in their lowest bit. */
	const uintptr_t key1 = hash_inverse(0xabcdef0123456780ULL);
	const uintptr_t key2 = hash_inverse(0xabcdef0123456781ULL);
	struct landlock_trie_node *root = NULL;

	if (sizeof(uintptr_t) < sizeof(u64))
		kunit_skip(test, "needs 64-bit keys");
	KUNIT_ASSERT_EQ(test, key_hash(key1), 0xabcdef0123456780ULL);
	root = set(test, root, key1, 1);
	root = set(test, root, key2, 2);
	KUNIT_EXPECT_EQ(test, 1, find_access(root, key1));
	KUNIT_EXPECT_EQ(test, 2, find_access(root, key2));
	root = set(test, root, key1, 0);
	KUNIT_EXPECT_EQ(test, 0, find_access(root, key1));
	KUNIT_EXPECT_EQ(test, 2, find_access(root, key2));
	root = set(test, root, key2, 0);
	KUNIT_EXPECT_PTR_EQ(test, NULL, root);
}

/* Counts the nodes of @new that are not shared with @old. */
static size_t count_new_nodes(const struct landlock_trie_node *const new,
			      const struct landlock_trie_node *const old)
{
	u64 occupied;
	unsigned int pos = 0;
	size_t count = 1;

	if (!new || new == old)
		return 0;
	for (occupied = new->occupied; occupied; occupied &= occupied - 1) {
		const unsigned int index = __ffs64(occupied);
		const struct landlock_trie_node *old_child = NULL;

		if (new->leaves & BIT_ULL(index)) {
			pos++;
			continue;
		}
		if (old && (old->occupied & ~old->leaves & BIT_ULL(index)))
			old_child = old->slots[slot_pos(old, index)].child;
		count += count_new_nodes(new->slots[pos++].child, old_child);
	}
	return count;
}

/*
 * A change copies at most one node per level, whatever the size of the trie:
 * this is what keeps a supervisor commit's cost tied to the size of the
 * change (the timing comparison lives in bench/).
 */
static void test_trie_change_cost_is_logarithmic(struct kunit *const test)
{
	static const size_t sizes[] = { 10, 100000 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct landlock_trie_node *root = NULL, *changed;
		uintptr_t key;

		for (key = 0; key < sizes[i]; key++)
			root = set(test, root, key * 7919, 1);
		changed = landlock_trie_set(root, TEST_KEY_TYPE, 424242, 3,
					    false);
		KUNIT_ASSERT_FALSE(test, IS_ERR(changed));
		KUNIT_EXPECT_LE(test, count_new_nodes(changed, root),
				LANDLOCK_TRIE_MAX_DEPTH);
		KUNIT_EXPECT_EQ(test, sizes[i] + 1, count_rules(changed));
		landlock_trie_put(changed, TEST_KEY_TYPE);
		landlock_trie_put(root, TEST_KEY_TYPE);
	}
}

/* A quiet mark without any right is a rule of its own. */
static void test_trie_quiet_mark(struct kunit *const test)
{
	struct landlock_trie_node *root, *marked;
	const struct landlock_trie_slot *slot;

	root = landlock_trie_set(NULL, TEST_KEY_TYPE, 7, 0, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(root));
	slot = landlock_trie_find(root, 7);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_EXPECT_EQ(test, 0, slot->access);
	KUNIT_EXPECT_TRUE(test, slot->quiet);
	marked = landlock_trie_set(root, TEST_KEY_TYPE, 7, 2, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(marked));
	KUNIT_EXPECT_EQ(test, 2, landlock_trie_find(marked, 7)->access);
	landlock_trie_put(root, TEST_KEY_TYPE);
	root = landlock_trie_set(marked, TEST_KEY_TYPE, 7, 0, false);
	KUNIT_EXPECT_PTR_EQ(test, NULL, root);
	landlock_trie_put(marked, TEST_KEY_TYPE);
}

static struct kunit_case test_cases[] = {
	/* clang-format off */
	KUNIT_CASE(test_trie_quiet_mark),
	KUNIT_CASE(test_trie_set_find_remove),
	KUNIT_CASE(test_trie_versions_are_immutable),
	KUNIT_CASE(test_trie_deepest_split),
	KUNIT_CASE(test_trie_change_cost_is_logarithmic),
	{}
	/* clang-format on */
};

static struct kunit_suite test_suite = {
	.name = "landlock_trie",
	.test_cases = test_cases,
};

kunit_test_suite(test_suite);

#endif /* CONFIG_SECURITY_LANDLOCK_KUNIT_TEST */
