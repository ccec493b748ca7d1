// SPDX-License-Identifier: GPL-2.0-or-later
/* A string-keyed hash map keeping insertion order (see strmap.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

void strmap_init(struct strmap *map)
{
	memset(map, 0, sizeof(*map));
}

void strmap_free(struct strmap *map)
{
	size_t i;

	for (i = 0; i < map->count; i++)
		free(map->entries[i].key);
	free(map->entries);
	free(map->slots);
	strmap_init(map);
}

/* FNV-1a, 64 bits. */
static uint64_t hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 0x100000001b3ULL;
	return h;
}

/* The slot of @key: its entry's, or the empty one where it would go. */
static size_t *slot_of(const struct strmap *map, const char *key)
{
	const size_t mask = map->num_slots - 1;
	size_t i = hash(key) & mask;

	for (;; i = (i + 1) & mask) {
		size_t *slot = &map->slots[i];

		if (!*slot || !strcmp(map->entries[*slot - 1].key, key))
			return slot;
	}
}

struct strmap_entry *strmap_find(const struct strmap *map, const char *key)
{
	size_t *slot;

	if (!map->num_slots)
		return NULL;
	slot = slot_of(map, key);
	return *slot ? &map->entries[*slot - 1] : NULL;
}

bool strmap_contains(const struct strmap *map, const char *key)
{
	return strmap_find(map, key) != NULL;
}

/* Doubles the table (kept at most half full). */
static int grow_slots(struct strmap *map)
{
	const size_t num = map->num_slots ? map->num_slots * 2 : 64;
	struct strmap grown = *map;
	size_t i;

	if (num > SIZE_MAX / sizeof(size_t) / 2) {
		errno = ENOMEM;
		return -1;
	}
	grown.slots = calloc(num, sizeof(size_t));
	if (!grown.slots)
		return -1;
	grown.num_slots = num;
	for (i = 0; i < map->count; i++)
		*slot_of(&grown, map->entries[i].key) = i + 1;
	free(map->slots);
	map->slots = grown.slots;
	map->num_slots = num;
	return 0;
}

struct strmap_entry *strmap_add(struct strmap *map, const char *key)
{
	struct strmap_entry *entry = strmap_find(map, key);
	size_t *slot;
	char *copy;

	if (entry)
		return entry;
	if ((map->count + 1) * 2 > map->num_slots && grow_slots(map))
		return NULL;
	if (map->count == map->capacity) {
		const size_t capacity = map->capacity ? map->capacity * 2 : 16;
		struct strmap_entry *entries;

		if (capacity > SIZE_MAX / sizeof(*entries)) {
			errno = ENOMEM;
			return NULL;
		}
		entries = realloc(map->entries, capacity * sizeof(*entries));
		if (!entries)
			return NULL;
		map->entries = entries;
		map->capacity = capacity;
	}
	copy = strdup(key);
	if (!copy)
		return NULL;
	slot = slot_of(map, key);
	entry = &map->entries[map->count++];
	entry->key = copy;
	entry->value = 0;
	*slot = map->count;
	return entry;
}

int strmap_or(struct strmap *map, const char *key, uint64_t value)
{
	struct strmap_entry *entry = strmap_add(map, key);

	if (!entry)
		return -1;
	entry->value |= value;
	return 0;
}
