// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON front-end of the policy parser: builds the document tree of
 * lib/tree.h with the position of every token.
 *
 * Why YAJL (Debian's libyajl-dev): the parser must say where each value
 * is, for an error in "pathBeneath[1]" must name that element's line, not
 * the first place its text appears.  json-c and jansson, the other JSON
 * libraries Debian packages, build a tree without positions (jansson only
 * locates syntax errors); YAJL is an event (SAX) parser that tells how far
 * its tokenizer has read at each event (yajl_get_bytes_consumed), which
 * gives every token's position without a second, hand-written scan.  It is
 * strict by default: comments, trailing commas, trailing garbage and
 * invalid UTF-8 are errors.  Its upstream is quiet, but it is small, stable
 * and kept by Debian (security updates in bookworm).  YAJL does not check
 * duplicate keys: the policy pass does (it knows every valid key, so it does
 * so in linear time), and it refuses a NUL in any string, which YAJL passes
 * through with its length.  Numbers are kept as written (yajl_number), so
 * that out-of-range values are reported by the policy pass, not overflowed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "tree.h"

struct builder {
	yajl_handle handle;
	const char *text;
	size_t size;
	/* Position cursor: offsets only grow, so lines are counted once. */
	size_t pos;
	unsigned int line, col;
	struct ll_node *root, *current; /* current: the open container */
	unsigned int depth;
	/* A key waiting for its value. */
	char *key;
	size_t key_len;
	unsigned int key_line, key_col;
	const char *error; /* set by a callback that stops the parse */
	bool oom;
};

/* Moves the cursor to @offset, counting lines and UTF-8 characters. */
static void advance(struct builder *b, size_t offset)
{
	if (offset > b->size)
		offset = b->size;
	for (; b->pos < offset; b->pos++) {
		const unsigned char c = b->text[b->pos];

		if (c == '\n') {
			b->line++;
			b->col = 1;
		} else if ((c & 0xc0) != 0x80) {
			b->col++;
		}
	}
}

/*
 * Offset where the token that ends at @end starts: YAJL reports how far it
 * has read, which is just after the token it passes to a callback.
 */
static size_t token_start(const struct builder *b, size_t end)
{
	const char *t = b->text;
	size_t i;

	if (!end)
		return 0;
	i = end - 1;
	if (t[i] == '"') {
		/* Back to the opening quote: the first quote not escaped. */
		while (i > 0) {
			size_t slashes = 0;

			i--;
			if (t[i] != '"')
				continue;
			while (slashes < i && t[i - slashes - 1] == '\\')
				slashes++;
			if (!(slashes & 1))
				return i;
		}
		return 0;
	}
	if (strchr("{}[]:,", t[i]))
		return i;
	while (i > 0 && strchr("0123456789+-.eEaelnrstuf", t[i - 1]))
		i--;
	return i;
}

/* Adds a value node whose token ends where YAJL has read. */
static struct ll_node *add(struct builder *b, enum ll_node_kind kind)
{
	const size_t end = yajl_get_bytes_consumed(b->handle);
	struct ll_node *node;

	advance(b, token_start(b, end));
	node = ll_node_add(b->current, kind, b->line, b->col);
	if (!node) {
		b->oom = true;
		return NULL;
	}
	if (!b->root)
		b->root = node;
	if (b->key) {
		node->key = b->key;
		node->key_len = b->key_len;
		node->key_line = b->key_line;
		node->key_col = b->key_col;
		b->key = NULL;
	}
	return node;
}

static int on_null(void *ctx)
{
	return add(ctx, LL_NODE_NULL) != NULL;
}

static int on_bool(void *ctx, int value)
{
	(void)value;
	return add(ctx, LL_NODE_BOOL) != NULL;
}

static int on_number(void *ctx, const char *text, size_t len)
{
	struct builder *b = ctx;
	struct ll_node *node = add(b, LL_NODE_NUMBER);

	if (node && ll_node_set_text(node, text, len))
		b->oom = true;
	return node && !b->oom;
}

static int on_string(void *ctx, const unsigned char *text, size_t len)
{
	struct builder *b = ctx;
	struct ll_node *node = add(b, LL_NODE_STRING);

	if (node && ll_node_set_text(node, (const char *)text, len))
		b->oom = true;
	if (node && memchr(text, '\0', len)) {
		b->error = "a string holds a NUL character (\\u0000)";
		return 0;
	}
	return node && !b->oom;
}

static int on_key(void *ctx, const unsigned char *text, size_t len)
{
	struct builder *b = ctx;

	advance(b, token_start(b, yajl_get_bytes_consumed(b->handle)));
	b->key = malloc(len + 1);
	if (!b->key) {
		b->oom = true;
		return 0;
	}
	memcpy(b->key, text, len);
	b->key[len] = '\0';
	b->key_len = len;
	b->key_line = b->line;
	b->key_col = b->col;
	if (memchr(text, '\0', len)) {
		b->error = "a key holds a NUL character (\\u0000)";
		return 0;
	}
	return 1;
}

static int open_container(void *ctx, enum ll_node_kind kind)
{
	struct builder *b = ctx;
	struct ll_node *node;

	if (++b->depth > LL_TREE_MAX_DEPTH) {
		b->error = "nested too deeply";
		return 0;
	}
	node = add(b, kind);
	if (node)
		b->current = node;
	return node != NULL;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, LL_NODE_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, LL_NODE_ARRAY);
}

static int on_end(void *ctx)
{
	struct builder *b = ctx;

	b->depth--;
	b->current = b->current->parent;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

struct ll_node *ll_json_parse(const char *name, const char *text, size_t size, char *err,
			      size_t len)
{
	struct builder b = { .text = text, .size = size, .line = 1, .col = 1 };
	yajl_status status;
	bool at_end = false;

	b.handle = yajl_alloc(&callbacks, NULL, &b);
	if (!b.handle) {
		snprintf(err, len, "%s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	status = yajl_parse(b.handle, (const unsigned char *)text, size);
	if (status == yajl_status_ok) {
		/* Offsets of this call are not in @text: errors are at its end. */
		status = yajl_complete_parse(b.handle);
		at_end = true;
	}
	if (status != yajl_status_ok) {
		size_t at = at_end ? size : yajl_get_bytes_consumed(b.handle);
		unsigned char *msg = NULL;

		if (b.oom) {
			snprintf(err, len, "%s: out of memory", name);
		} else if (b.error) {
			/* The cursor is at the token that a callback refused. */
			snprintf(err, len, "%s:%u:%u: %s", name, b.line, b.col, b.error);
		} else {
			msg = yajl_get_error(b.handle, 0, NULL, 0);
			/*
			 * A lexical error, trailing garbage or the end of the
			 * text are where YAJL stopped; other parse errors are
			 * reported after the token that is out of place.
			 */
			if (msg && !strncmp((char *)msg, "parse error: ", 13) &&
			    !strstr((char *)msg, "trailing garbage") && !at_end && at > b.pos)
				at = token_start(&b, at);
			advance(&b, at);
			snprintf(err, len, "%s:%u:%u: %s", name, b.line, b.col,
				 msg ? (char *)msg : "invalid JSON");
			/* One line: YAJL may end its message with a newline. */
			if (len)
				err[strcspn(err, "\n")] = '\0';
		}
		if (msg)
			yajl_free_error(b.handle, msg);
		yajl_free(b.handle);
		free(b.key);
		ll_node_free(b.root);
		/* Errors in the text are EINVAL (see ll_policy_load(3)). */
		errno = b.oom ? ENOMEM : EINVAL;
		return NULL;
	}
	yajl_free(b.handle);
	return b.root;
}

struct ll_node *ll_node_add(struct ll_node *parent, enum ll_node_kind kind, unsigned int line,
			    unsigned int col)
{
	struct ll_node *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->kind = kind;
	node->line = line;
	node->col = col;
	node->parent = parent;
	if (parent) {
		if (parent->last)
			parent->last->next = node;
		else
			parent->first = node;
		parent->last = node;
		parent->count++;
	}
	return node;
}

static char *copy(const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, text, len);
		s[len] = '\0';
	}
	return s;
}

int ll_node_set_text(struct ll_node *node, const char *text, size_t len)
{
	free(node->text);
	node->text = copy(text, len);
	node->len = len;
	return node->text ? 0 : -1;
}

int ll_node_set_key(struct ll_node *node, const char *key, size_t len, unsigned int line,
		    unsigned int col)
{
	free(node->key);
	node->key = copy(key, len);
	node->key_len = len;
	node->key_line = line;
	node->key_col = col;
	return node->key ? 0 : -1;
}

/* Frees a tree without recursion (depth is bounded, but cheaply so). */
void ll_node_free(struct ll_node *node)
{
	while (node) {
		struct ll_node *next;

		if (node->first) {
			/* Unlink the first child and free it first. */
			next = node->first;
			node->first = next->next;
			next->next = NULL;
			next->parent = node;
			node = next;
			continue;
		}
		next = node->parent;
		free(node->text);
		free(node->key);
		free(node);
		node = next;
	}
}
