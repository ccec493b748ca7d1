/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layouts of the library's opaque types, and helpers shared by its
 * files.  Not installed: callers see only include/landlock-supervise.h.
 */
#ifndef LL_INTERNAL_H
#define LL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "landlock-supervise.h"

struct ll_path_rule {
	char *path;
	uint64_t access;
};

struct ll_port_rule {
	uint64_t port;
	uint64_t access;
};

/*
 * Rules in arrays (the order they were added), each with an open-addressing
 * index of positions (+ 1, 0 for an empty slot; a power of two of slots,
 * kept at most half full), so that adding or finding a rule takes constant
 * time.  Code that rewrites the arrays calls ll_policy_reindex().
 */
struct ll_policy {
	int abi;
	uint64_t handled_fs, handled_net, scoped;
	struct ll_path_rule *paths;
	size_t num_paths, cap_paths;
	struct ll_port_rule *ports;
	size_t num_ports, cap_ports;
	size_t *path_slots, num_path_slots;
	size_t *port_slots, num_port_slots;
};

/* Frees the content of @policy and leaves it empty (the object stays). */
void ll_policy_clear(struct ll_policy *policy);
/* Rebuilds both indexes after the arrays changed; 0 or -1 (ENOMEM). */
int ll_policy_reindex(struct ll_policy *policy);
/* ll_policy_add_path() taking @path (malloc'ed; freed if merged or on error). */
int ll_policy_put_path(struct ll_policy *policy, char *path, uint64_t access);

/* An object with supervisor rules, kept open to narrow it later. */
struct ll_object {
	int fd; /* O_PATH, or -1 for a port */
	dev_t dev;
	ino_t ino;
	uint64_t port;
	uint64_t access; /* rights committed */
	bool is_dir;
};

struct objindex;

struct ll_supervisor {
	int fd;
	uint64_t handled_fs, handled_net;
	struct ll_object *objects; /* committed rules we put there */
	size_t num_objects;
	unsigned long commits;
	struct objindex *index; /* of @objects */
};

struct ll_event {
	uint64_t cookie;
	uint64_t access;
	bool net;
	pid_t pid, tid;
	int object_fd, dest_fd; /* O_PATH or -1; owned by the event */
	uint64_t port;
	char name[256], dest_name[256];
	char object_path[4096]; /* for display, never for decisions */
	char dest_path[4096];
	bool object_is_dir;
	bool allow_once; /* LANDLOCK_EVENT_ALLOW_ONCE: waits in the check */
	bool created;	 /* LANDLOCK_EVENT_CREATED: the open of a file it created */
};

int ll_access_bit(const char *name, bool net);

/* The type of the file system mounted on @dev (mountinfo's): 0 or -1. */
int ll_mount_type(dev_t dev, char *type, size_t size);

#endif /* LL_INTERNAL_H */
