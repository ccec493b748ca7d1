// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A supervisor applying policies: rules are tracked per object (inode or
 * port) with an O_PATH file descriptor kept open, so that a later policy can
 * narrow or remove them even if their paths moved or vanished.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h"

struct ll_supervisor *ll_supervisor_new(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped,
					bool notify)
{
	struct ll_supervisor *sup = calloc(1, sizeof(*sup));

	if (!sup)
		return NULL;
	sup->handled_fs = handled_fs;
	sup->handled_net = handled_net;
	sup->fd = ll_supervisor_create(handled_fs, handled_net, scoped, notify);
	if (sup->fd < 0) {
		const int saved = errno;

		free(sup);
		errno = saved;
		return NULL;
	}
	return sup;
}

int ll_supervisor_fd(const struct ll_supervisor *sup)
{
	return sup->fd;
}

uint64_t ll_supervisor_handled_fs(const struct ll_supervisor *sup)
{
	return sup->handled_fs;
}

uint64_t ll_supervisor_handled_net(const struct ll_supervisor *sup)
{
	return sup->handled_net;
}

unsigned long ll_supervisor_commits(const struct ll_supervisor *sup)
{
	return sup->commits;
}

size_t ll_supervisor_num_objects(const struct ll_supervisor *sup)
{
	return sup->num_objects;
}

/*
 * An index of an array of objects (by inode or port): an open-addressing
 * table of positions in the array, so that a supervisor with 100,000 rules
 * finds one in constant time.
 */
struct objindex {
	size_t *slots;	  /* position + 1, or 0 when empty */
	size_t num_slots; /* a power of two, or 0 */
};

static uint64_t object_hash(const struct ll_object *obj)
{
	uint64_t h;

	if (obj->fd < 0)
		h = obj->port * 0x9e3779b97f4a7c15ULL + 1;
	else
		h = (uint64_t)obj->dev * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)obj->ino * 0xc2b2ae3d27d4eb4fULL;
	return h ^ (h >> 31);
}

static bool same_object(const struct ll_object *a, const struct ll_object *b);

static size_t *index_slot(const struct objindex *index, const struct ll_object *objects,
			  const struct ll_object *key)
{
	const size_t mask = index->num_slots - 1;
	size_t i = object_hash(key) & mask;

	for (;; i = (i + 1) & mask) {
		size_t *slot = &index->slots[i];

		if (!*slot || same_object(&objects[*slot - 1], key))
			return slot;
	}
}

/* Indexes @count objects, in a table kept at most half full. */
static int index_build(struct objindex *index, const struct ll_object *objects, size_t count)
{
	struct objindex built = { .num_slots = 64 };
	size_t i;

	while (built.num_slots < (count + 1) * 2)
		built.num_slots *= 2;
	built.slots = calloc(built.num_slots, sizeof(*built.slots));
	if (!built.slots)
		return -1;
	for (i = 0; i < count; i++) {
		size_t *slot = index_slot(&built, objects, &objects[i]);

		if (!*slot)
			*slot = i + 1;
	}
	free(index->slots);
	*index = built;
	return 0;
}

static void index_free(struct objindex *index)
{
	free(index->slots);
	index->slots = NULL;
	index->num_slots = 0;
}

static void release_objects(struct ll_object *objects, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (objects[i].fd >= 0)
			close(objects[i].fd);
	free(objects);
}

void ll_supervisor_free(struct ll_supervisor *sup)
{
	if (!sup)
		return;
	if (sup->index) {
		index_free(sup->index);
		free(sup->index);
	}
	release_objects(sup->objects, sup->num_objects);
	if (sup->fd >= 0)
		close(sup->fd);
	free(sup);
}

static bool same_object(const struct ll_object *a, const struct ll_object *b)
{
	if ((a->fd < 0) != (b->fd < 0))
		return false;
	if (a->fd < 0)
		return a->port == b->port;
	return a->dev == b->dev && a->ino == b->ino;
}

static struct ll_object *find_object(const struct objindex *index, struct ll_object *objects,
				     const struct ll_object *key)
{
	size_t *slot;

	if (!index || !index->num_slots)
		return NULL;
	slot = index_slot(index, objects, key);
	return *slot ? &objects[*slot - 1] : NULL;
}

/* Room for @count objects: grows by doubling (16, 32, 64...). */
static bool full(size_t count)
{
	return count == 0 || (count >= 16 && !(count & (count - 1)));
}

/* Makes room for one more object in the indexed set; 0 or -1 (ENOMEM). */
static int make_room(struct ll_object **objects, size_t count, struct objindex *index)
{
	struct ll_object *grown = *objects;

	if (full(count)) {
		const size_t capacity = count ? count * 2 : 16;

		grown = capacity < SIZE_MAX / sizeof(*grown)
				? realloc(*objects, capacity * sizeof(*grown))
				: NULL;
		if (!grown)
			return -1;
		*objects = grown;
	}
	if ((count + 1) * 2 > index->num_slots && index_build(index, grown, count))
		return -1;
	return 0;
}

/*
 * Adds @obj (taking its fd) to the indexed set, or merges its rights, in the
 * room that make_room() made: allocates nothing, cannot fail.
 */
static void put_object(struct ll_object *objects, size_t *count, struct objindex *index,
		       struct ll_object obj)
{
	struct ll_object *found = find_object(index, objects, &obj);

	if (found) {
		found->access |= obj.access;
		if (obj.fd >= 0)
			close(obj.fd);
		return;
	}
	objects[*count] = obj;
	*index_slot(index, objects, &obj) = ++*count;
}

/* Adds @obj (taking its fd) to the indexed set, or merges its rights. */
static int add_object(struct ll_object **objects, size_t *count, struct objindex *index,
		      struct ll_object obj)
{
	if (!find_object(index, *objects, &obj) && make_room(objects, *count, index)) {
		if (obj.fd >= 0)
			close(obj.fd);
		return -1;
	}
	put_object(*objects, count, index, obj);
	return 0;
}

/* The index of the supervisor's committed objects. */
static struct objindex *sup_index(struct ll_supervisor *sup)
{
	if (!sup->index) {
		struct objindex *index = calloc(1, sizeof(*index));

		if (!index || index_build(index, sup->objects, sup->num_objects)) {
			free(index);
			return NULL;
		}
		sup->index = index;
	}
	return sup->index;
}

/*
 * Fills @obj for the object of @fd (which it does not take), with the rights
 * of @access that a rule on it may carry in this layer; 0 or -1.
 */
static int fd_object(const struct ll_supervisor *sup, int fd, uint64_t access,
		     struct ll_object *obj)
{
	struct stat st;

	memset(obj, 0, sizeof(*obj));
	obj->fd = fd;
	if (fstat(fd, &st))
		return -1;
	obj->dev = st.st_dev;
	obj->ino = st.st_ino;
	obj->is_dir = S_ISDIR(st.st_mode);
	obj->access = access & sup->handled_fs;
	if (!obj->is_dir)
		obj->access &= ll_file_rights();
	return 0;
}

/*
 * As fd_object(), but @obj takes @fd, a descriptor just opened (or -1 after
 * a failed open): it is closed on error, with errno kept; 0 or -1.
 */
static int own_object(const struct ll_supervisor *sup, int fd, uint64_t access,
		      struct ll_object *obj)
{
	int saved;

	if (fd < 0)
		return -1;
	if (!fd_object(sup, fd, access, obj))
		return 0;
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Opens @path as an object with the rights it may get in this layer. */
static int open_object(const struct ll_supervisor *sup, const char *path, uint64_t access,
		       struct ll_object *obj)
{
	return own_object(sup, open(path, O_PATH | O_CLOEXEC), access, obj);
}

static int stage(const struct ll_supervisor *sup, const struct ll_object *obj, uint64_t access,
		 uint32_t flags)
{
	if (obj->fd >= 0)
		return ll_rule_fd(sup->fd, obj->fd, access, flags);
	return ll_rule_port(sup->fd, obj->port, access, flags);
}

/* Brings the staged rules back to the committed ones after a failure. */
static void restage_committed(const struct ll_supervisor *sup, const struct objindex *committed_ix,
			      const struct ll_object *desired, size_t count)
{
	size_t i;

	for (i = 0; i < sup->num_objects; i++)
		stage(sup, &sup->objects[i], sup->objects[i].access, 0);
	for (i = 0; i < count; i++) {
		const struct ll_object *committed =
			find_object(committed_ix, sup->objects, &desired[i]);

		stage(sup, &desired[i], committed ? committed->access : 0,
		      LANDLOCK_ADD_RULE_INTERSECT);
	}
}

int ll_apply_strategy_parse(const char *name)
{
	static const char *const names[] = { "intersect", "replace", "clear", "commit-ruleset",
					     "intersect-ruleset" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* A ruleset with @count objects of @objects (those with @only, if set). */
static int build_ruleset(const struct ll_supervisor *sup, const struct ll_object *objects,
			 size_t count, struct ll_object *only, const struct objindex *only_ix)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = sup->handled_fs,
		.handled_access_net = sup->handled_net,
	};
	const struct ll_supervisor view = { .fd = syscall(SYS_landlock_create_ruleset, &attr,
							  sizeof(attr), 0) };
	size_t i;

	if (view.fd < 0)
		return -1;
	for (i = 0; i < count; i++) {
		if (only && !find_object(only_ix, only, &objects[i]))
			continue;
		if (stage(&view, &objects[i], objects[i].access, 0)) {
			const int saved = errno;

			close(view.fd);
			errno = saved;
			return -1;
		}
	}
	return view.fd;
}

/* Stages @desired with @strategy; returns 0, or -1 with staged rules to undo. */
static int stage_policy(struct ll_supervisor *sup, const struct objindex *committed_ix,
			struct ll_object *desired, size_t count, const struct objindex *desired_ix,
			enum ll_apply_strategy strategy)
{
	struct landlock_ruleset_operand operand;
	size_t i;
	int err;

	switch (strategy) {
	case LL_APPLY_INTERSECT:
		/* Narrows what was committed and is not wanted anymore... */
		for (i = 0; i < sup->num_objects; i++) {
			const struct ll_object *want =
				find_object(desired_ix, desired, &sup->objects[i]);
			const uint64_t keep = want ? want->access : 0;

			if ((sup->objects[i].access & ~keep) &&
			    stage(sup, &sup->objects[i], keep, LANDLOCK_ADD_RULE_INTERSECT))
				return -1;
		}
		/* ...and adds the rest. */
		for (i = 0; i < count; i++)
			if (stage(sup, &desired[i], desired[i].access, 0))
				return -1;
		return 0;
	case LL_APPLY_REPLACE:
		for (i = 0; i < sup->num_objects; i++)
			if (!find_object(desired_ix, desired, &sup->objects[i]) &&
			    stage(sup, &sup->objects[i], 0, LANDLOCK_ADD_RULE_REPLACE))
				return -1;
		for (i = 0; i < count; i++) {
			const struct ll_object *had =
				find_object(committed_ix, sup->objects, &desired[i]);

			if ((!had || had->access != desired[i].access) &&
			    stage(sup, &desired[i], desired[i].access, LANDLOCK_ADD_RULE_REPLACE))
				return -1;
		}
		return 0;
	case LL_APPLY_CLEAR:
		if (ioctl(sup->fd, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 0))
			return -1;
		for (i = 0; i < count; i++)
			if (stage(sup, &desired[i], desired[i].access, 0))
				return -1;
		return 0;
	case LL_APPLY_INTERSECT_RULESET:
		/* What stays narrows the staged rules; then all is added. */
		operand.operand = build_ruleset(sup, desired, count, sup->objects, committed_ix);
		if (operand.operand < 0)
			return -1;
		err = syscall(SYS_landlock_add_rule, sup->fd, LANDLOCK_RULE_INTERSECT_RULESET,
			      &operand, 0);
		close(operand.operand);
		if (err)
			return -1;
		for (i = 0; i < count; i++)
			if (stage(sup, &desired[i], desired[i].access, 0))
				return -1;
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

int ll_supervisor_apply(struct ll_supervisor *sup, const struct ll_policy *policy,
			unsigned int flags, char *err, size_t err_len)
{
	return ll_supervisor_apply_with(sup, policy, LL_APPLY_INTERSECT, flags, err, err_len);
}

int ll_supervisor_apply_with(struct ll_supervisor *sup, const struct ll_policy *policy,
			     enum ll_apply_strategy strategy, unsigned int flags, char *err,
			     size_t err_len)
{
	struct ll_object *desired = NULL, obj;
	struct objindex desired_ix = { 0 }, *committed_ix;
	size_t count = 0, i, used = 0;
	int saved;

	if (err_len)
		err[0] = '\0';
	committed_ix = sup_index(sup);
	if (!committed_ix)
		goto fail_errno;
	for (i = 0; i < policy->num_paths; i++) {
		const struct ll_path_rule *rule = &policy->paths[i];

		if (open_object(sup, rule->path, rule->access, &obj)) {
			if (errno == ENOENT && (flags & LL_IGNORE_MISSING)) {
				if (used < err_len)
					used += snprintf(err + used, err_len - used,
							 "%smissing %s (ignored)", used ? "; " : "",
							 rule->path);
				continue;
			}
			snprintf(err, err_len, "%s: %s", rule->path, strerror(errno));
			goto fail;
		}
		if (!obj.access) {
			close(obj.fd);
			continue;
		}
		if (add_object(&desired, &count, &desired_ix, obj))
			goto fail_errno;
	}
	for (i = 0; i < policy->num_ports; i++) {
		obj = (struct ll_object){ .fd = -1,
					  .port = policy->ports[i].port,
					  .access = policy->ports[i].access & sup->handled_net };
		if (obj.access && add_object(&desired, &count, &desired_ix, obj))
			goto fail_errno;
	}

	if (strategy == LL_APPLY_COMMIT_RULESET) {
		/* All or nothing in the kernel: nothing to undo. */
		const int fd = build_ruleset(sup, desired, count, NULL, NULL);

		if (fd < 0)
			goto fail_errno;
		if (ioctl(sup->fd, LANDLOCK_IOCTL_COMMIT_RULESET, &fd)) {
			saved = errno;
			close(fd);
			errno = saved;
			goto fail_errno;
		}
		close(fd);
	} else if (stage_policy(sup, committed_ix, desired, count, &desired_ix, strategy) ||
		   ll_commit(sup->fd)) {
		goto fail_restage;
	}
	sup->commits++;
	release_objects(sup->objects, sup->num_objects);
	sup->objects = desired;
	sup->num_objects = count;
	index_free(committed_ix);
	*committed_ix = desired_ix;
	return 0;

fail_restage:
	saved = errno;
	restage_committed(sup, committed_ix, desired, count);
	errno = saved;
fail_errno:
	snprintf(err, err_len, "cannot apply the policy: %s", strerror(errno));
fail:
	saved = errno;
	release_objects(desired, count);
	index_free(&desired_ix);
	errno = saved;
	return -1;
}

int ll_supervisor_grant_fd(struct ll_supervisor *sup, int fd, uint64_t access)
{
	struct ll_object obj;

	if (fd_object(sup, fd, access, &obj))
		return -1;
	if (!obj.access)
		return 0;
	if (ll_rule_fd(sup->fd, fd, obj.access, 0))
		return -1;
	if (!sup_index(sup))
		return -1;
	obj.fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (obj.fd < 0)
		return -1;
	return add_object(&sup->objects, &sup->num_objects, sup->index, obj);
}

int ll_supervisor_grant_port(struct ll_supervisor *sup, uint64_t port, uint64_t access)
{
	const struct ll_object obj = { .fd = -1,
				       .port = port,
				       .access = access & sup->handled_net };

	if (!obj.access)
		return 0;
	if (ll_rule_port(sup->fd, port, obj.access, 0) || !sup_index(sup))
		return -1;
	return add_object(&sup->objects, &sup->num_objects, sup->index, obj);
}

/*
 * Answers @event: allowed, with @obj's rights added to the supervisor's rule
 * for the event's object, or with @target for @obj's object (or port), and
 * committed.  Then records @obj (taking its descriptor) as committed; on
 * error, the event is not answered and @obj's descriptor is closed.
 */
static int answer_grant(struct ll_supervisor *sup, const struct ll_event *event,
			struct ll_object obj, bool target, unsigned int flags)
{
	const struct landlock_supervisor_response response = {
		.cookie = event->cookie,
		.decision = LANDLOCK_SUPERVISOR_ALLOW,
		.flags = LANDLOCK_RESPONSE_GRANT | (target ? LANDLOCK_RESPONSE_GRANT_TARGET : 0) |
			 (flags & LL_GRANT_COMMIT_STAGED ? LANDLOCK_RESPONSE_COMMIT_STAGED : 0),
		.grant_access = obj.access,
		.grant_port = target && obj.fd < 0 ? obj.port : 0,
		.grant_fd = target && obj.fd >= 0 ? obj.fd : 0,
	};
	int saved;

	if (flags & ~LL_GRANT_COMMIT_STAGED)
		errno = EINVAL;
	else if (!obj.access)
		errno = ENOMSG;
	/* Room to record it first: once the kernel has the rule, so must we. */
	else if (sup_index(sup) && !make_room(&sup->objects, sup->num_objects, sup->index) &&
		 !ioctl(sup->fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response)) {
		sup->commits++;
		put_object(sup->objects, &sup->num_objects, sup->index, obj);
		return 0;
	}
	saved = errno;
	if (obj.fd >= 0)
		close(obj.fd);
	errno = saved;
	return -1;
}

/* @obj for the filesystem object of @fd (duplicated), with @access masked. */
static int dup_object(const struct ll_supervisor *sup, int fd, uint64_t access,
		      struct ll_object *obj)
{
	return own_object(sup, fcntl(fd, F_DUPFD_CLOEXEC, 3), access, obj);
}

int ll_event_answer_grant(struct ll_supervisor *sup, const struct ll_event *event, uint64_t access,
			  unsigned int flags)
{
	struct ll_object obj;

	if (event->net) {
		obj = (struct ll_object){ .fd = -1,
					  .port = event->port,
					  .access = access & sup->handled_net };
		return answer_grant(sup, event, obj, false, flags);
	}
	/* The event's own object, which the descriptor is. */
	if (event->object_fd >= 0) {
		if (dup_object(sup, event->object_fd, access, &obj))
			return -1;
		return answer_grant(sup, event, obj, false, flags);
	}
	/*
	 * Without a descriptor, the object its path names now: the rule goes
	 * where the record says it is, even if the path changed meanwhile (the
	 * access is then asked about again).
	 */
	if (!event->object_path[0]) {
		errno = ENOENT;
		return -1;
	}
	if (open_object(sup, event->object_path, access, &obj))
		return -1;
	return answer_grant(sup, event, obj, true, flags);
}

int ll_event_answer_grant_fd(struct ll_supervisor *sup, const struct ll_event *event, int fd,
			     uint64_t access, unsigned int flags)
{
	struct ll_object obj;

	if (event->net) {
		errno = EINVAL;
		return -1;
	}
	if (dup_object(sup, fd, access, &obj))
		return -1;
	return answer_grant(sup, event, obj, true, flags);
}

int ll_event_answer_grant_port(struct ll_supervisor *sup, const struct ll_event *event,
			       uint64_t port, uint64_t access, unsigned int flags)
{
	const struct ll_object obj = { .fd = -1,
				       .port = port,
				       .access = access & sup->handled_net };

	if (!event->net || port > 65535) {
		errno = EINVAL;
		return -1;
	}
	return answer_grant(sup, event, obj, true, flags);
}

int ll_event_answer_allow(struct ll_supervisor *sup, const struct ll_event *event,
			  unsigned int flags)
{
	const uint64_t dest = ll_event_grant_access(event, LL_TARGET_DEST);
	int fd, err;

	if (flags & ~LL_GRANT_COMMIT_STAGED) {
		errno = EINVAL;
		return -1;
	}
	if (dest) {
		/* The destination's rule, committed with the grant. */
		if (event->dest_fd >= 0) {
			fd = event->dest_fd;
		} else {
			fd = event->dest_path[0] ? open(event->dest_path, O_PATH | O_CLOEXEC) : -1;
			if (!event->dest_path[0])
				errno = ENOENT;
			if (fd < 0)
				return -1;
		}
		err = ll_supervisor_grant_fd(sup, fd, dest);
		if (fd != event->dest_fd)
			close(fd);
		if (err)
			return -1;
		flags |= LL_GRANT_COMMIT_STAGED;
	}
	return ll_event_answer_grant(sup, event, ll_event_grant_access(event, LL_TARGET_OBJECT),
				     flags);
}

int ll_supervisor_commit(struct ll_supervisor *sup)
{
	if (ll_commit(sup->fd))
		return -1;
	sup->commits++;
	return 0;
}

/* The recorded object of @key (fd or port), or NULL. */
static struct ll_object *recorded(const struct ll_supervisor *sup, const struct ll_object *key)
{
	return find_object(sup->index, sup->objects, key);
}

uint64_t ll_supervisor_fd_access(const struct ll_supervisor *sup, int fd)
{
	struct ll_object key, *obj;

	if (fd_object(sup, fd, 0, &key))
		return 0;
	obj = recorded(sup, &key);
	return obj ? obj->access : 0;
}

uint64_t ll_supervisor_port_access(const struct ll_supervisor *sup, uint64_t port)
{
	const struct ll_object key = { .fd = -1, .port = port };
	const struct ll_object *obj = recorded(sup, &key);

	return obj ? obj->access : 0;
}

/* Narrows @obj, a recorded object, to @access. */
static int narrow(struct ll_supervisor *sup, struct ll_object *obj, uint64_t access)
{
	if (!obj || !(obj->access & ~access))
		return 0;
	if (stage(sup, obj, obj->access & access, LANDLOCK_ADD_RULE_INTERSECT))
		return -1;
	obj->access &= access;
	return 0;
}

int ll_supervisor_narrow_fd(struct ll_supervisor *sup, int fd, uint64_t access)
{
	struct ll_object key;

	if (fd_object(sup, fd, 0, &key))
		return -1;
	return narrow(sup, recorded(sup, &key), access);
}

int ll_supervisor_narrow_port(struct ll_supervisor *sup, uint64_t port, uint64_t access)
{
	const struct ll_object key = { .fd = -1, .port = port };

	return narrow(sup, recorded(sup, &key), access);
}

int ll_supervisee_add_policy(int supervisee_fd, const struct ll_policy *policy, unsigned int flags,
			     char *err, size_t err_len)
{
	/*
	 * A policy that handles no right at all (as ll_policy_new() makes it,
	 * before ll_policy_set_handled()) is taken to handle the rights of its
	 * rules, which are then added as they are: masking them with nothing
	 * would add no rule at all, silently.
	 */
	const bool as_is = !policy->handled_fs && !policy->handled_net;
	struct ll_supervisor view = { .fd = supervisee_fd,
				      .handled_fs = as_is ? ~0ULL : policy->handled_fs,
				      .handled_net = as_is ? ~0ULL : policy->handled_net };
	struct ll_object obj;
	size_t i;

	if (err_len)
		err[0] = '\0';
	for (i = 0; i < policy->num_paths; i++) {
		int ret;

		if (open_object(&view, policy->paths[i].path, policy->paths[i].access, &obj)) {
			if (errno == ENOENT && (flags & LL_IGNORE_MISSING))
				continue;
			snprintf(err, err_len, "%s: %s", policy->paths[i].path, strerror(errno));
			return -1;
		}
		ret = obj.access ? ll_rule_fd(supervisee_fd, obj.fd, obj.access, 0) : 0;
		close(obj.fd);
		if (ret) {
			snprintf(err, err_len, "%s: %s", policy->paths[i].path, strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < policy->num_ports; i++) {
		const uint64_t access = policy->ports[i].access & view.handled_net;

		if (access && ll_rule_port(supervisee_fd, policy->ports[i].port, access, 0)) {
			snprintf(err, err_len, "port %llu: %s",
				 (unsigned long long)policy->ports[i].port, strerror(errno));
			return -1;
		}
	}
	return 0;
}
