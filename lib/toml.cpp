// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TOML front-end of the policy parser: builds the document tree of
 * lib/tree.h, the same as the JSON front-end, so that one pass checks
 * both formats (lib/config.c).
 *
 * Why toml++ (Debian's libtomlplusplus-dev) in this one C++ file: Debian 12
 * packages no C TOML library (tomlc99 is not in bookworm), and toml++ is
 * a maintained TOML 1.0 parser that keeps the line and column of every
 * value and key and refuses duplicate keys itself.  Nothing else of the
 * library is C++: this file only copies its tree into ours, and no C++
 * exception leaves it.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <toml++/toml.h>

#include "tree.h"

namespace
{

struct failure {
	const char *message;
	unsigned int line, col;
};

struct ll_node *add(struct ll_node *parent, const toml::node &value, unsigned int depth);

void fill(struct ll_node *node, const toml::node &value, unsigned int depth)
{
	if (depth > LL_TREE_MAX_DEPTH)
		throw failure{ "nested too deeply", node->line, node->col };
	if (const toml::table *table = value.as_table()) {
		for (auto &&[key, member] : *table) {
			struct ll_node *child = add(node, member, depth + 1);
			const std::string_view name = key.str();

			if (ll_node_set_key(child, name.data(), name.size(),
					    key.source().begin.line ?: child->line,
					    key.source().begin.column ?: child->col))
				throw std::bad_alloc();
		}
	} else if (const toml::array *array = value.as_array()) {
		for (const toml::node &item : *array)
			add(node, item, depth + 1);
	} else if (const auto *text = value.as_string()) {
		const std::string &s = text->get();

		if (ll_node_set_text(node, s.data(), s.size()))
			throw std::bad_alloc();
	} else if (const auto *integer = value.as_integer()) {
		const std::string s = std::to_string(integer->get());

		if (ll_node_set_text(node, s.data(), s.size()))
			throw std::bad_alloc();
	} else if (const auto *real = value.as_floating_point()) {
		char s[64];
		const int n = std::snprintf(s, sizeof(s), "%g", real->get());

		if (ll_node_set_text(node, s, n > 0 ? (size_t)n : 0))
			throw std::bad_alloc();
	}
}

enum ll_node_kind kind_of(const toml::node &value)
{
	switch (value.type()) {
	case toml::node_type::table:
		return LL_NODE_OBJECT;
	case toml::node_type::array:
		return LL_NODE_ARRAY;
	case toml::node_type::string:
		return LL_NODE_STRING;
	case toml::node_type::integer:
	case toml::node_type::floating_point:
		return LL_NODE_NUMBER;
	case toml::node_type::boolean:
		return LL_NODE_BOOL;
	default:
		return LL_NODE_OTHER;
	}
}

struct ll_node *add(struct ll_node *parent, const toml::node &value, unsigned int depth)
{
	const toml::source_region &at = value.source();
	struct ll_node *node = ll_node_add(parent, kind_of(value), at.begin.line ?: 1,
					   at.begin.column ?: 1);

	if (!node)
		throw std::bad_alloc();
	try {
		fill(node, value, depth);
	} catch (...) {
		if (!parent)
			ll_node_free(node);
		throw;
	}
	return node;
}

} // namespace

extern "C" struct ll_node *ll_toml_parse(const char *name, const char *text, size_t size,
					 char *err, size_t len)
{
	try {
		const toml::table doc = toml::parse(std::string_view(text, size),
						    std::string_view(name));

		return add(nullptr, doc, 0);
	} catch (const toml::parse_error &e) {
		const std::string_view what = e.description();

		std::snprintf(err, len, "%s:%u:%u: %.*s", name, e.source().begin.line,
			      e.source().begin.column, (int)what.size(), what.data());
		errno = EINVAL;
	} catch (const failure &e) {
		std::snprintf(err, len, "%s:%u:%u: %s", name, e.line, e.col, e.message);
		errno = EINVAL;
	} catch (...) {
		std::snprintf(err, len, "%s: out of memory", name);
		errno = ENOMEM;
	}
	return nullptr;
}
