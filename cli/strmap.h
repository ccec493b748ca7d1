/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A string-keyed hash map keeping insertion order: entries are appended to
 * an array (iterate with entries[0..count)), and an open-addressing table of
 * indices finds them.  Each entry carries a 64-bit value (access rights, or
 * nothing for a set).
 */
#ifndef LL_STRMAP_H
#define LL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	char *key;
	uint64_t value;
};

struct strmap {
	struct strmap_entry *entries;
	size_t count, capacity; /* entries */
	size_t *slots;		/* index + 1, or 0 when empty */
	size_t num_slots;	/* a power of two, or 0 */
};

void strmap_init(struct strmap *map);
void strmap_free(struct strmap *map);
/* The entry of @key, or NULL. */
struct strmap_entry *strmap_find(const struct strmap *map, const char *key);
bool strmap_contains(const struct strmap *map, const char *key);
/*
 * The entry of @key, added (with value 0) if it was not there; NULL with
 * errno ENOMEM if it cannot be added (the map is then unchanged).
 */
struct strmap_entry *strmap_add(struct strmap *map, const char *key);
/* Adds @key and ORs @value into its value; 0, or -1 with errno. */
int strmap_or(struct strmap *map, const char *key, uint64_t value);

#endif /* LL_STRMAP_H */
