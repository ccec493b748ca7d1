/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The document tree that both policy front-ends (JSON: lib/json.c, TOML:
 * lib/toml.cpp) build, so that one pass (lib/policy.c) checks and reads
 * either format the same way.  Every node keeps the line and column where
 * its token starts, as the tokenizer saw it, for error messages.
 */
#ifndef LL_TREE_H
#define LL_TREE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ll_node_kind {
	LL_NODE_NULL,
	LL_NODE_BOOL,
	LL_NODE_NUMBER, /* text: the number as written (integers: decimal) */
	LL_NODE_STRING, /* text, len: UTF-8, may hold a NUL (then refused) */
	LL_NODE_ARRAY,
	LL_NODE_OBJECT,
	LL_NODE_OTHER, /* TOML dates and times */
};

struct ll_node {
	enum ll_node_kind kind;
	unsigned int line, col;
	char *text;
	size_t len;
	/* Member of an object: its key, and where the key is. */
	char *key;
	size_t key_len;
	unsigned int key_line, key_col;
	struct ll_node *parent, *first, *last, *next;
	size_t count;
};

/* Deepest nesting accepted: policies are 4 levels deep. */
#define LL_TREE_MAX_DEPTH 32

/* Appends a new child to @parent (NULL: a root); NULL if out of memory. */
struct ll_node *ll_node_add(struct ll_node *parent, enum ll_node_kind kind, unsigned int line,
			    unsigned int col);
/* Sets a copy of @len bytes as the node's text (or key); 0 or -1. */
int ll_node_set_text(struct ll_node *node, const char *text, size_t len);
int ll_node_set_key(struct ll_node *node, const char *key, size_t len, unsigned int line,
		    unsigned int col);
void ll_node_free(struct ll_node *node);

/*
 * Parsers: a tree, or NULL with "NAME:LINE:COLUMN: message" in @err (@len
 * bytes).  The JSON one is strict (no comments, no trailing commas, no
 * trailing garbage, valid UTF-8); both refuse nesting deeper than
 * LL_TREE_MAX_DEPTH.  Duplicate keys are refused by the TOML parser, and
 * for JSON by the policy pass (lib/policy.c), which knows every key.
 */
struct ll_node *ll_json_parse(const char *name, const char *text, size_t size, char *err,
			      size_t len);
struct ll_node *ll_toml_parse(const char *name, const char *text, size_t size, char *err,
			      size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LL_TREE_H */
