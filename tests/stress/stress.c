// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Concurrency stress test of Landlock supervisors (run in the patched
 * kernel, also the debug one):
 *
 *   stress SECONDS SEED [fork-storm|exec-storm|nested [LAYERS]]
 *
 * Sandboxed workers (processes with threads) open, create, unlink and bind
 * in a loop (with "fork-storm", a quarter of their operations are bursts of
 * four short-lived children that read once and exit; with "exec-storm", the
 * children execute this program again to read, so that the domain crosses
 * execve() while commits land), while the supervisor
 * commits random changes (add, intersect, clear, replace) in one thread and
 * answers events at random in another: denied, allowed, or allowed with a
 * rule for the event's directory or port in the same call
 * (LANDLOCK_RESPONSE_GRANT, with or without _GRANT_TARGET and
 * _COMMIT_STAGED), received in batches of 1 to 4 with elements of the older,
 * current and a larger size, with paths or not.
 * Checks that every access that succeeded was allowed by a version committed
 * during it (a grant's commit included) or, for an open or bind waiting in
 * the hook (LANDLOCK_EVENT_ALLOW_ONCE), by a plain "allow" of this access,
 * that accesses fail with EACCES only
 * (no restart code or EINTR leaks), that every event got one answer, that
 * received events are what the kernel says (filled size, zeroed tail, the
 * path that readlink() gives for the object's descriptor, the directory
 * flag), and that the supervisor's memory is given back (slab) once it is
 * closed.
 *
 * With "nested", the workers run under LAYERS (2 or 3; by default 2 or 3
 * according to the seed) supervised layers, each with its own notifying
 * supervisor and a few supervisee rules of its own: the outer supervisor is
 * this process, each inner one is a sandboxed process of the layers outside
 * it, with the same committer and an answerer that allows (after committing a
 * rule that allows the event's access, in two steps or with the answer, or
 * without committing) or denies at random.  The committers also intersect their rules with a shared ordinary
 * ruleset (LANDLOCK_RULE_INTERSECT_RULESET) and commit unions and
 * intersections of it with random rulesets, in both argument orders
 * (LANDLOCK_IOCTL_COMMIT_RULESET), while a third thread of each supervisor
 * composes with it too: compositions of the same ruleset from several
 * threads and processes at once, whose results the versions check.
 * Besides the checks above, for every layer, it checks that:
 *
 * - an access succeeded only if every layer allowed it (its supervisee rules
 *   or a version committed by its supervisor during the access);
 * - an access was denied only if some layer could have denied it;
 * - a supervisor never got an event for a right that its layer allowed
 *   throughout the time in which the access could have been checked (from
 *   the start of the access, or from the previous answer to it, to the
 *   event's reception);
 * - a supervisor never got an event while a younger (inner) layer denied the
 *   right throughout that time: the youngest denying layer is asked;
 * - no supervisor gets more than LOOP_BOUND events for one access (beyond,
 *   it denies, so that a loop ends, and the run fails);
 * - the supervisor processes and their sandboxes end in time (no hang).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIRS 4
#define PORTS 4
#define WORKERS 3
#define THREADS 2
#ifndef MAX_VERSIONS
#define MAX_VERSIONS 200000
#endif
#define MAX_RECORDS 400000
#define MAX_LAYERS 3
#define MAX_SLOTS 4096
#define MAX_EVENTS 200000
/* Events for one access that one supervisor may get (nested runs). */
#define LOOP_BOUND 40

#define R LANDLOCK_ACCESS_FS_READ_FILE
#define MK LANDLOCK_ACCESS_FS_MAKE_REG
#define RM LANDLOCK_ACCESS_FS_REMOVE_FILE
#define BIND LANDLOCK_ACCESS_NET_BIND_TCP

/* A committed version: the rights of each directory and port. */
struct version {
	double start, end; /* commit call started and returned */
	__u64 dir[DIRS], port[PORTS];
};

enum op { OP_READ, OP_CREATE, OP_UNLINK, OP_BIND };

static const __u64 op_right[] = { R, MK, RM, BIND };

struct record {
	double start, end;
	int op, object, err;
	/* Layers whose supervisor allowed this access once (in the hook). */
	unsigned int once;
};

/*
 * A supervised layer (0 is the outermost): the rules of its supervisee
 * ruleset, never changed, and the versions that its supervisor committed.
 */
struct layer {
	struct version see;
	unsigned long num_versions, events, answers, grants, unidentified, loops, bad_events;
	struct version versions[MAX_VERSIONS];
};

/* A worker thread's current access, for the supervisors that get its events. */
struct slot {
	int tid;
	unsigned int seq; /* of the current access */
	double start;
	/* The last answer to an event of the access numbered ans_seq. */
	unsigned int ans_seq;
	double ans_time;
	/* Events of the access numbered ev_seq[L] that layer L's supervisor got. */
	unsigned int ev_seq[MAX_LAYERS], ev_count[MAX_LAYERS];
	/*
	 * The access that layer L's supervisor allowed once, without a rule
	 * (LANDLOCK_EVENT_ALLOW_ONCE), plus one; 0 if none.
	 */
	unsigned int once_seq[MAX_LAYERS];
};

/* An event as received (nested runs). */
struct event_record {
	double after, received; /* the access was checked in between */
	__u64 access;
	int layer, net, object;
	/* Inner layers that had allowed this access once (in the hook). */
	unsigned int once;
};

/* Shared by all the processes of a run (MAP_SHARED). */
struct shared {
	unsigned long num_records, num_slots, num_events;
	struct record records[MAX_RECORDS];
	struct slot slots[MAX_SLOTS];
	struct event_record events[MAX_EVENTS];
	struct layer layers[MAX_LAYERS];
};

static struct shared *shared;
/* This process's layer, as supervisor. */
static struct layer *lv;
static int layer_index, num_layers = 1;
static char root[64];
static ino_t dir_ino[DIRS], file_ino[DIRS];
static dev_t dir_dev;
static int sup;
static volatile bool stop;
static bool fork_storm, exec_storm, nested;
static char self[4096];
static double until;
/* Serializes the changes and commits of a supervisor's threads. */
static pthread_mutex_t commit_lock = PTHREAD_MUTEX_INITIALIZER;
/* The staged (and, after each commit, the committed) rules, under commit_lock. */
static struct version state;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void dir_path(char *buf, size_t len, int d)
{
	snprintf(buf, len, "%s/d%d", root, d);
}

static int dir_fd(int d)
{
	char path[128];

	dir_path(path, sizeof(path), d);
	return open(path, O_PATH | O_CLOEXEC);
}

static int rule_dir_on(int ruleset, int d, __u64 access, __u32 flags)
{
	const struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = dir_fd(d),
	};
	int err = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);

	close(attr.parent_fd);
	return err;
}

static int rule_port_on(int ruleset, int p, __u64 access, __u32 flags)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = 20000 + p,
	};

	return syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_NET_PORT, &attr, flags);
}

static int rule_dir(int d, __u64 access, __u32 flags)
{
	return rule_dir_on(sup, d, access, flags);
}

static int rule_port(int p, __u64 access, __u32 flags)
{
	return rule_port_on(sup, p, access, flags);
}

/*
 * Commits the staged rules (@state), or the rules of @ruleset if it is not
 * -1 (LANDLOCK_IOCTL_COMMIT_RULESET), and records the version; under
 * commit_lock.
 */
static void commit_locked(int ruleset)
{
	state.start = now();
	if (ruleset >= 0 ? ioctl(sup, LANDLOCK_IOCTL_COMMIT_RULESET, &ruleset)
			 : ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0)) {
		fprintf(stderr, "stress: commit failed: %s\n", strerror(errno));
		exit(1);
	}
	state.end = now();
	lv->versions[lv->num_versions] = state;
	__atomic_store_n(&lv->num_versions, lv->num_versions + 1, __ATOMIC_RELEASE);
}

/*
 * Nested runs: an ordinary ruleset that every supervisor's threads compose
 * with, in both argument orders, from all the layers' processes at once.
 * Its rules (@shared_rules) never change.
 */
static int shared_ruleset = -1;
static struct version shared_rules;

/* What every layer and every ruleset of the run handles. */
static const struct landlock_ruleset_attr layer_access = {
	.handled_access_fs = R | MK | RM,
	.handled_access_net = BIND,
};

/* A new ordinary ruleset with random rules, stored in @rules; or -1. */
static int random_ruleset(struct version *rules, unsigned int *seed)
{
	const int fd = syscall(SYS_landlock_create_ruleset, &layer_access, sizeof(layer_access), 0);
	int i, err = fd < 0;

	memset(rules, 0, sizeof(*rules));
	for (i = 0; i < DIRS && !err; i++) {
		rules->dir[i] = (rand_r(seed) % 2 ? R : 0) | (rand_r(seed) % 2 ? MK : 0) |
				(rand_r(seed) % 2 ? RM : 0);
		if (rules->dir[i])
			err = rule_dir_on(fd, i, rules->dir[i], 0);
	}
	for (i = 0; i < PORTS && !err; i++) {
		rules->port[i] = rand_r(seed) % 2 ? BIND : 0;
		if (rules->port[i])
			err = rule_port_on(fd, i, BIND, 0);
	}
	if (err && fd >= 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Stages the intersection of @ruleset's (a supervisor's) rules with the shared ruleset's. */
static int intersect_shared(int ruleset, struct version *rules)
{
	const struct landlock_ruleset_operand operand = { .operand = shared_ruleset };
	int i;

	for (i = 0; i < DIRS; i++)
		rules->dir[i] &= shared_rules.dir[i];
	for (i = 0; i < PORTS; i++)
		rules->port[i] &= shared_rules.port[i];
	return syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_INTERSECT_RULESET, &operand,
		       0);
}

/*
 * The union or intersection of the shared ruleset and a new random one, in
 * a random order, with its rules in @rules; or -1.
 */
static int compose_shared(struct version *rules, unsigned int *seed)
{
	struct version other;
	const int fd = random_ruleset(&other, seed);
	const bool intersect = rand_r(seed) % 2, swapped = rand_r(seed) % 2;
	const struct landlock_ruleset_compose_attr attr = {
		.left_fd = swapped ? fd : shared_ruleset,
		.right_fd = swapped ? shared_ruleset : fd,
	};
	int composed, i;

	if (fd < 0)
		return -1;
	composed = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			   intersect ? LANDLOCK_CREATE_RULESET_INTERSECT
				     : LANDLOCK_CREATE_RULESET_UNION);
	close(fd);
	for (i = 0; i < DIRS; i++)
		rules->dir[i] = intersect ? shared_rules.dir[i] & other.dir[i]
					  : shared_rules.dir[i] | other.dir[i];
	for (i = 0; i < PORTS; i++)
		rules->port[i] = intersect ? shared_rules.port[i] & other.port[i]
					   : shared_rules.port[i] | other.port[i];
	return composed;
}

/*
 * Nested runs: compositions with the shared ruleset in both orders, and
 * intersections of a random ruleset with it, that nothing commits, while
 * the committers of all the layers compose with it too.
 */
static void *composer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg + 2;

	while (!stop) {
		struct version rules;
		const int fd = compose_shared(&rules, &seed);

		if (fd < 0 || intersect_shared(fd, &rules)) {
			fprintf(stderr, "stress: composition failed: %s\n", strerror(errno));
			exit(1);
		}
		close(fd);
		/* Leave most of the time to the accesses. */
		usleep(rand_r(&seed) % 4000);
	}
	return NULL;
}

/* The committer: random changes, one commit each, all recorded. */
static void *committer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg;

	while (!stop) {
		const int kind = rand_r(&seed) % (nested ? 8 : 6), d = rand_r(&seed) % DIRS;
		const int p = rand_r(&seed) % PORTS;
		const __u64 rights[] = { R, MK | RM, R | MK | RM, MK };
		const __u64 some = rights[rand_r(&seed) % 4];
		int err = 0, composed = -1;

		pthread_mutex_lock(&commit_lock);
		if (lv->num_versions >= MAX_VERSIONS - 1) {
			pthread_mutex_unlock(&commit_lock);
			break;
		}
		switch (kind) {
		case 0: /* add */
			err = rule_dir(d, some, 0);
			state.dir[d] |= some;
			break;
		case 1: /* intersect */
			err = rule_dir(d, some, LANDLOCK_ADD_RULE_INTERSECT);
			state.dir[d] &= some;
			break;
		case 2: /* replace */
			err = rule_dir(d, some, LANDLOCK_ADD_RULE_REPLACE);
			state.dir[d] = some;
			break;
		case 3: /* clear */
			err = ioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 0);
			memset(&state, 0, sizeof(state));
			break;
		case 4: /* port */
			err = rule_port(p, BIND, 0);
			state.port[p] = BIND;
			break;
		case 5: /* port removal */
			err = rule_port(p, 0, LANDLOCK_ADD_RULE_INTERSECT);
			state.port[p] = 0;
			break;
		case 6: /* intersect with the shared ruleset */
			err = intersect_shared(sup, &state);
			break;
		case 7: /* commit a composition of the shared ruleset and another */
			composed = compose_shared(&state, &seed);
			err = composed < 0;
			break;
		}
		if (err) {
			fprintf(stderr, "stress: change %d failed: %s\n", kind, strerror(errno));
			exit(1);
		}
		commit_locked(composed);
		if (composed >= 0)
			close(composed);
		pthread_mutex_unlock(&commit_lock);
		/* Nested runs have a committer per layer: leave time to the accesses. */
		if (nested && rand_r(&seed) % 4 == 0)
			usleep(rand_r(&seed) % 2000);
		else if (rand_r(&seed) % 4 == 0)
			sched_yield();
	}
	return NULL;
}

/* The worker thread's slot whose thread identifier is @tid, the youngest first. */
static struct slot *find_slot(int tid)
{
	unsigned long i = __atomic_load_n(&shared->num_slots, __ATOMIC_ACQUIRE);

	if (i > MAX_SLOTS)
		i = MAX_SLOTS;
	while (tid > 0 && i-- > 0)
		if (__atomic_load_n(&shared->slots[i].tid, __ATOMIC_ACQUIRE) == tid)
			return &shared->slots[i];
	return NULL;
}

/* The directory or port that @event is about, or -1. */
static int event_object(const struct landlock_supervisor_event *event)
{
	struct stat st;
	int d;

	if (event->type == LANDLOCK_EVENT_NET)
		return event->port >= 20000 && event->port < 20000 + PORTS
			       ? (int)event->port - 20000
			       : -1;
	if (event->object_fd < 0 || fstat(event->object_fd, &st) || st.st_dev != dir_dev)
		return -1;
	for (d = 0; d < DIRS; d++)
		if (st.st_ino == dir_ino[d] || st.st_ino == file_ino[d])
			return d;
	return -1;
}

/* How an event is answered. */
enum answer {
	ANSWER_DENY,
	ANSWER_ALLOW, /* plain (restarts only after a commit) */
	ANSWER_GRANT, /* allow with a rule for its access, in one call */
};

/*
 * A nested run's answer: check and record the event, then allow it after a
 * commit that allows it (in two steps, or in one with the answer), allow it
 * without a commit, or deny it.
 */
static enum answer nested_answer(const struct landlock_supervisor_event *event, double received,
				 unsigned int *seed)
{
	const bool net = event->type == LANDLOCK_EVENT_NET;
	const __u64 handled = net ? BIND : R | MK | RM;
	const int object = event_object(event);
	struct slot *const slot = find_slot(event->tid);
	unsigned int seq, once = 0;
	unsigned long i;
	double after;
	int k;

	/* Each access needs one right: its event is about this right only. */
	if (!event->access || (event->access & (event->access - 1)) || (event->access & ~handled) ||
	    (event->type != LANDLOCK_EVENT_NET && event->type != LANDLOCK_EVENT_FS)) {
		if (lv->bad_events++ < 5)
			fprintf(stderr, "stress: layer %d: event of type %u for access %#llx\n",
				layer_index, event->type, (unsigned long long)event->access);
		return ANSWER_DENY;
	}
	if (!slot || object < 0) {
		lv->unidentified++;
		return rand_r(seed) % 2 ? ANSWER_ALLOW : ANSWER_DENY;
	}
	/* The worker waits in this access: its slot does not change meanwhile. */
	seq = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
	after = slot->start;
	/*
	 * Asked again after an answer of a restarting event: checked again
	 * after this answer.  In the hook (LANDLOCK_EVENT_ALLOW_ONCE), the
	 * layers are asked one after the other about the same check.
	 */
	if (!(event->flags & LANDLOCK_EVENT_ALLOW_ONCE) &&
	    __atomic_load_n(&slot->ans_seq, __ATOMIC_ACQUIRE) == seq && slot->ans_time > after)
		after = slot->ans_time;
	for (k = 0; k < MAX_LAYERS; k++)
		if (__atomic_load_n(&slot->once_seq[k], __ATOMIC_ACQUIRE) == seq + 1)
			once |= 1U << k;
	i = __atomic_fetch_add(&shared->num_events, 1, __ATOMIC_RELAXED);
	if (i < MAX_EVENTS)
		shared->events[i] =
			(struct event_record){ after, received, event->access, layer_index,
					       net,   object,	once };
	if (slot->ev_seq[layer_index] != seq) {
		slot->ev_seq[layer_index] = seq;
		slot->ev_count[layer_index] = 0;
	}
	if (++slot->ev_count[layer_index] > LOOP_BOUND) {
		if (slot->ev_count[layer_index] == LOOP_BOUND + 1 && lv->loops++ < 5)
			fprintf(stderr,
				"stress: layer %d: more than %d events for one %s access to %d (%#llx)\n",
				layer_index, LOOP_BOUND, net ? "port" : "file", object,
				(unsigned long long)event->access);
		return ANSWER_DENY;
	}
	switch (rand_r(seed) % 4) {
	case 0: /* commit a rule that allows it, then allow */
		pthread_mutex_lock(&commit_lock);
		if (lv->num_versions < MAX_VERSIONS - 1) {
			const int err = net ? rule_port(object, BIND, 0)
					    : rule_dir(object, event->access, 0);

			if (err) {
				fprintf(stderr, "stress: layer %d: rule for event failed: %s\n",
					layer_index, strerror(errno));
				exit(1);
			}
			if (net)
				state.port[object] |= BIND;
			else
				state.dir[object] |= event->access;
			commit_locked(-1);
		}
		pthread_mutex_unlock(&commit_lock);
		return ANSWER_ALLOW;
	case 1: /* the same in one call */
		return ANSWER_GRANT;
	case 2: /* allow (only a commit in between restarts the call) */
		return ANSWER_ALLOW;
	default:
		return ANSWER_DENY;
	}
}

/*
 * Sends @response, allowing @event with a rule for its access on its
 * directory or port (LANDLOCK_RESPONSE_GRANT, at random with
 * LANDLOCK_RESPONSE_GRANT_TARGET and LANDLOCK_RESPONSE_COMMIT_STAGED), and
 * records the version it commits.  The model's rules are on the directories:
 * for a file, the rule goes to its directory (GRANT_TARGET).  The staged
 * rules are the committed ones (commit_lock), so committing them changes
 * nothing else.  Returns the ioctl's result.
 */
static int send_grant(const struct landlock_supervisor_event *event,
		      struct landlock_supervisor_response *response, unsigned int *seed)
{
	const bool net = event->type == LANDLOCK_EVENT_NET;
	const int object = event_object(event);
	const bool on_file = !net && !(event->flags & LANDLOCK_EVENT_OBJECT_DIR);
	int ret;

	pthread_mutex_lock(&commit_lock);
	if (object < 0 || lv->num_versions >= MAX_VERSIONS - 1) {
		pthread_mutex_unlock(&commit_lock);
		/*
		 * No grant, hence no version to record: a plain "allow" would
		 * allow an access waiting in the hook once, unknown to the
		 * model (this happened once the versions were all used).
		 */
		response->decision = LANDLOCK_SUPERVISOR_DENY;
		return ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, response);
	}
	response->flags = LANDLOCK_RESPONSE_GRANT;
	if (on_file || rand_r(seed) % 2)
		response->flags |= LANDLOCK_RESPONSE_GRANT_TARGET;
	if (rand_r(seed) % 2)
		response->flags |= LANDLOCK_RESPONSE_COMMIT_STAGED;
	response->grant_access = net ? BIND : event->access;
	if (response->flags & LANDLOCK_RESPONSE_GRANT_TARGET) {
		if (net)
			response->grant_port = 20000 + object;
		else
			response->grant_fd = dir_fd(object);
	}
	state.start = now();
	ret = ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, response);
	state.end = now();
	if (response->grant_fd > 0)
		close(response->grant_fd);
	/* On error, nothing was committed. */
	if (!ret) {
		if (net)
			state.port[object] |= BIND;
		else
			state.dir[object] |= event->access;
		lv->versions[lv->num_versions] = state;
		__atomic_store_n(&lv->num_versions, lv->num_versions + 1, __ATOMIC_RELEASE);
		lv->grants++;
	}
	pthread_mutex_unlock(&commit_lock);
	return ret;
}

/*
 * What the kernel wrote of a received event: the size it says it filled,
 * the path of its object as readlink() reads it from its descriptor, the
 * directory flag; counted as a bad event otherwise.
 */
static void check_received(const struct landlock_supervisor_event *event, __u32 flags)
{
	char link[64], path[sizeof(event->path)];
	const char *bad = NULL;
	struct stat st;
	ssize_t len;

	if (event->type != LANDLOCK_EVENT_FS || event->object_fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", event->object_fd);
	len = readlink(link, path, sizeof(path) - 1);
	path[len < 0 ? 0 : len] = '\0';
	if (fstat(event->object_fd, &st))
		bad = "no object";
	else if (!(event->flags & LANDLOCK_EVENT_OBJECT_DIR) != !S_ISDIR(st.st_mode))
		bad = "directory flag";
	else if ((flags & LANDLOCK_RECV_PATH) ? strcmp(path, event->path) : !!event->path[0])
		bad = "path";
	if (bad && lv->bad_events++ < 5)
		fprintf(stderr, "stress: layer %d: event %s: \"%s\" for \"%s\"\n", layer_index, bad,
			event->path, path);
}

/* Events received at once, at most. */
#define RECV_BATCH 4

/*
 * Receives up to RECV_BATCH events into @events, with elements of a random
 * size (as an older or a newer program would give), descriptors, and paths
 * at random; the kernel's part checked.  How many, or -1.
 */
static int receive(struct landlock_supervisor_event *events, __u32 *flags, unsigned int *seed)
{
	static const __u32 sizes[] = { LANDLOCK_SUPERVISOR_EVENT_SIZE_VER0,
				       LANDLOCK_SUPERVISOR_EVENT_SIZE_VER1, sizeof(*events) + 64 };
	static __thread unsigned char buf[RECV_BATCH * (sizeof(*events) + 64)];
	const __u32 size = sizes[rand_r(seed) % 3];
	const size_t kept = size < sizeof(*events) ? size : sizeof(*events);
	struct landlock_supervisor_recv recv = {
		.events = (__u64)(uintptr_t)buf,
		.event_size = size,
		.count = 1 + rand_r(seed) % RECV_BATCH,
	};
	int n, i;
	size_t k;

	*flags = LANDLOCK_RECV_OBJECT_FD;
	if (size >= LANDLOCK_SUPERVISOR_EVENT_SIZE_VER1 && rand_r(seed) % 2)
		*flags |= LANDLOCK_RECV_PATH;
	recv.flags = *flags;
	memset(buf, 0xa5, recv.count * size);
	n = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
	if (n > (int)recv.count || (n > 0 && recv.event_size != kept)) {
		if (lv->bad_events++ < 5)
			fprintf(stderr, "stress: layer %d: %d events of %u bytes for %u of %u\n",
				layer_index, n, recv.event_size, recv.count, size);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memset(&events[i], 0, sizeof(events[i]));
		memcpy(&events[i], buf + (size_t)i * size, kept);
		/* The kernel zeroes what it does not know. */
		for (k = kept; k < size; k++)
			if (buf[(size_t)i * size + k] && lv->bad_events++ < 5)
				fprintf(stderr,
					"stress: layer %d: byte %zu of an event not zeroed\n",
					layer_index, k);
	}
	return n;
}

/* The answerer: every event gets one random answer. */
static void *answerer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg + 1;

	while (!stop) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };
		struct landlock_supervisor_event events[RECV_BATCH];
		double received;
		__u32 flags;
		int n, i;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = receive(events, &flags, &seed);
		received = now();
		for (i = 0; i < n; i++) {
			const struct landlock_supervisor_event *event = &events[i];
			struct landlock_supervisor_response response = { .cookie = event->cookie };
			struct slot *slot = NULL;
			enum answer answer;
			int err;

			lv->events++;
			check_received(event, flags);
			slot = find_slot(event->tid);
			if (nested) {
				answer = nested_answer(event, received, &seed);
			} else {
				answer = rand_r(&seed) % 2   ? ANSWER_DENY
					 : rand_r(&seed) % 3 ? ANSWER_ALLOW
							     : ANSWER_GRANT;
			}
			/*
			 * A one-off allow for a task without a slot (a child of
			 * a fork storm) could not be told from the versions.
			 */
			if (!slot && answer == ANSWER_ALLOW &&
			    (event->flags & LANDLOCK_EVENT_ALLOW_ONCE))
				answer = ANSWER_DENY;
			response.decision = answer == ANSWER_DENY ? LANDLOCK_SUPERVISOR_DENY
								  : LANDLOCK_SUPERVISOR_ALLOW;
			if (slot) {
				slot->ans_time = now();
				__atomic_store_n(&slot->ans_seq, slot->seq, __ATOMIC_RELEASE);
				/* Waiting in the hook: this access is allowed, once. */
				if (answer == ANSWER_ALLOW &&
				    (event->flags & LANDLOCK_EVENT_ALLOW_ONCE))
					__atomic_store_n(&slot->once_seq[layer_index],
							 slot->seq + 1, __ATOMIC_RELEASE);
			}
			if (answer == ANSWER_GRANT)
				err = send_grant(event, &response, &seed);
			else
				err = ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
			/* A withdrawn event (killed requester) is ENOENT. */
			if (!err || errno == ENOENT)
				lv->answers++;
			if (event->object_fd >= 0)
				close(event->object_fd);
			if (event->dest_fd >= 0)
				close(event->dest_fd);
		}
	}
	return NULL;
}

static void record(const struct slot *slot, int op, int object, double start, int err)
{
	const unsigned long i = __atomic_fetch_add(&shared->num_records, 1, __ATOMIC_RELAXED);
	unsigned int once = 0;
	int k;

	for (k = 0; slot && k < MAX_LAYERS; k++)
		if (__atomic_load_n(&slot->once_seq[k], __ATOMIC_ACQUIRE) == slot->seq + 1)
			once |= 1U << k;
	if (i >= MAX_RECORDS)
		return;
	shared->records[i] = (struct record){ start, now(), op, object, err, once };
}

struct worker_arg {
	unsigned int seed;
	int id;
	double until;
};

/* An access starts (nested runs: published for the supervisors); its start time. */
static double begin(struct slot *slot)
{
	const double start = now();

	if (slot) {
		slot->start = start;
		__atomic_store_n(&slot->seq, slot->seq + 1, __ATOMIC_RELEASE);
	}
	return start;
}

static void *work(void *data)
{
	struct worker_arg *const arg = data;
	struct slot *slot = NULL;
	char path[160];
	int n = 0;

	{
		const unsigned long i = __atomic_fetch_add(&shared->num_slots, 1, __ATOMIC_RELAXED);

		if (i < MAX_SLOTS) {
			slot = &shared->slots[i];
			__atomic_store_n(&slot->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
		}
	}
	while (now() < arg->until) {
		const int op = rand_r(&arg->seed) % 4;
		const int d = rand_r(&arg->seed) % DIRS;
		const double start = begin(slot);
		int fd, err = 0;

		switch (op) {
		case OP_READ:
			snprintf(path, sizeof(path), "%s/d%d/f", root, d);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			err = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
			record(slot, op, d, start, err);
			break;
		case OP_CREATE:
			/* Unique: a denied removal leaves the file there. */
			snprintf(path, sizeof(path), "%s/d%d/w%d-%d-%d", root, d, (int)getpid(),
				 arg->id, n++);
			if (nested) {
				/* Only MAKE_REG: every denial of it can be notified. */
				err = mknod(path, S_IFREG | 0644, 0) ? errno : 0;
				fd = err ? -1 : 0;
			} else {
				fd = open(path, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0644);
				err = fd < 0 ? errno : 0;
			}
			record(slot, op, d, start, err);
			if (fd < 0)
				break;
			if (fd > 0)
				close(fd);
			/* Removing it needs its own right. */
			{
				const double s2 = begin(slot);

				err = unlink(path) ? errno : 0;
				record(slot, OP_UNLINK, d, s2, err);
			}
			break;
		case OP_BIND: {
			const struct sockaddr_in addr = {
				.sin_family = AF_INET,
				.sin_port = htons(20000 + d),
			};
			const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

			err = bind(s, (const struct sockaddr *)&addr, sizeof(addr)) ? errno : 0;
			close(s);
			/* EADDRINUSE: another worker holds the port right now. */
			record(slot, op, d, start, err == EADDRINUSE ? 0 : err);
			break;
		}
		default: {
			/*
			 * A fork storm inside the sandbox: short-lived children
			 * inherit the domain, read once and exit with the errno,
			 * while commits and answers go on.
			 */
			int k, status;

			/* Forks are slow in UML: only in fork-storm runs. */
			for (k = fork_storm ? 0 : 4; k < 4; k++) {
				const double s2 = now();
				const pid_t child = fork();

				if (child == 0) {
					snprintf(path, sizeof(path), "%s/d%d/f", root, d);
					if (exec_storm) {
						execl(self, "stress", "--read", path, (char *)NULL);
						_exit(ENOEXEC);
					}
					fd = open(path, O_RDONLY | O_CLOEXEC);
					_exit(fd < 0 ? errno : 0);
				}
				if (child < 0 || waitpid(child, &status, 0) != child)
					break;
				record(NULL, OP_READ, d, s2,
				       WIFEXITED(status) ? WEXITSTATUS(status) : EINTR);
			}
			break;
		}
		}
	}
	return NULL;
}

/*
 * For exec storms: the supervisee rules let the sandbox read (so execute) this
 * program and its libraries, outside the directories the supervisor changes.
 */
static int allow_executables(int see)
{
	static const char *const dirs[] = { "/usr", "/lib", "/lib64", "/bin", "/etc" };
	char dir[4096];
	unsigned int i;
	int err = 0;

	snprintf(dir, sizeof(dir), "%s", self);
	*strrchr(dir, '/') = '\0';
	for (i = 0; i <= sizeof(dirs) / sizeof(dirs[0]) && !err; i++) {
		struct landlock_path_beneath_attr attr = {
			.allowed_access = R,
			.parent_fd = open(i < sizeof(dirs) / sizeof(dirs[0]) ? dirs[i] : dir,
					  O_PATH | O_CLOEXEC),
		};

		if (attr.parent_fd < 0)
			continue; /* e.g. no /lib64 */
		err = syscall(SYS_landlock_add_rule, see, LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
		close(attr.parent_fd);
	}
	return err;
}

/* A new supervisee ruleset of this process's supervisor, with its layer's own rules. */
static int make_see(void)
{
	const int see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	int i, err = see < 0;

	for (i = 0; i < DIRS && !err; i++)
		if (lv->see.dir[i])
			err = rule_dir_on(see, i, lv->see.dir[i], 0);
	for (i = 0; i < PORTS && !err; i++)
		if (lv->see.port[i])
			err = rule_port_on(see, i, lv->see.port[i], 0);
	if (err && see >= 0) {
		close(see);
		return -1;
	}
	return see;
}

static void run_worker(int id, unsigned int seed, double gen_until)
{
	const int see = make_see();
	struct worker_arg args[THREADS];
	pthread_t threads[THREADS];
	int t;

	if (nested)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(sup);
	if (see < 0 || (exec_storm && allow_executables(see)) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, see, 0))
		_exit(2);
	for (t = 0; t < THREADS; t++) {
		args[t] = (struct worker_arg){ seed + t * 7919, id * THREADS + t, gen_until };
		pthread_create(&threads[t], NULL, work, &args[t]);
	}
	for (t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	_exit(0);
}

/* Waits for @child, until @deadline at the latest (then kills it): its status, or -1. */
static int wait_until(pid_t child, double deadline)
{
	int status;
	pid_t r;

	while ((r = waitpid(child, &status, WNOHANG)) == 0 && now() < deadline)
		usleep(20000);
	if (r == child)
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	kill(child, SIGKILL);
	return -1;
}

/*
 * Supervises layer @index: its supervisor commits and answers while the
 * next layer's supervisor (a sandboxed child), or for the innermost layer
 * the workers, run.  0, or non-zero if a process of the layers inside failed
 * or hung (-1).
 */
static int supervise(int index, unsigned int seed)
{
	pthread_t commit_thread, answer_thread, compose_thread;
	int result = 0, w, see, generation = 0;
	pid_t child = -1;

	layer_index = index;
	lv = &shared->layers[index];
	sup = syscall(SYS_landlock_create_ruleset, &layer_access, sizeof(layer_access),
		      LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	if (sup < 0) {
		perror("stress: supervisor");
		return 2;
	}
	/* Version 0: nothing allowed, from the start. */
	memset(&lv->versions[0], 0, sizeof(lv->versions[0]));
	lv->num_versions = 1;
	if (index + 1 < num_layers) {
		/* The next layer's supervisor, sandboxed in this layer. */
		see = make_see();
		if (see < 0) {
			perror("stress: supervisee ruleset");
			return 2;
		}
		child = fork();
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(sup);
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
			    syscall(SYS_landlock_restrict_self, see, 0))
				_exit(2);
			close(see);
			_exit(supervise(index + 1, seed + 1000003));
		}
		close(see);
		if (child < 0)
			return 2;
	}
	pthread_create(&commit_thread, NULL, committer, &seed);
	pthread_create(&answer_thread, NULL, answerer, &seed);
	if (nested)
		pthread_create(&compose_thread, NULL, composer, &seed);
	if (index + 1 < num_layers) {
		result = wait_until(child, index ? 1e18 : until + 60);
		if (result < 0)
			fprintf(stderr, "stress: layer %d's supervisor and sandbox hang\n",
				index + 1);
	} else {
		/* Workers join and leave: a new generation every second. */
		while (now() < until) {
			pid_t pids[WORKERS];
			const double gen_until = now() + 1 < until ? now() + 1 : until;

			for (w = 0; w < WORKERS; w++) {
				pids[w] = fork();
				if (pids[w] == 0)
					run_worker(w, seed + w * 104729 + generation * 7,
						   gen_until);
			}
			for (w = 0; w < WORKERS; w++)
				waitpid(pids[w], NULL, 0);
			generation++;
		}
	}
	stop = true;
	pthread_join(commit_thread, NULL);
	pthread_join(answer_thread, NULL);
	if (nested)
		pthread_join(compose_thread, NULL);
	close(sup);
	return result;
}

/* Versions of @l possibly in force during [a, b]: [*lo, *hi). */
static void in_force(const struct layer *l, double a, double b, unsigned long *lo,
		     unsigned long *hi)
{
	const unsigned long n = l->num_versions;
	unsigned long low = 0, high = n;

	/* Version k is in force from its commit to the end of the next one. */
	while (low < high) {
		const unsigned long mid = (low + high) / 2;

		if (mid + 1 < n && l->versions[mid + 1].end < a)
			low = mid + 1;
		else
			high = mid;
	}
	*lo = low;
	high = n;
	while (low < high) {
		const unsigned long mid = (low + high) / 2;

		if (l->versions[mid].start <= b)
			low = mid + 1;
		else
			high = mid;
	}
	*hi = low;
}

static __u64 rights(const struct version *v, bool net, int object)
{
	return net ? v->port[object] : v->dir[object];
}

/* Did layer @l allow @right at some time during [a, b]? */
static bool some_allow(const struct layer *l, bool net, int object, __u64 right, double a, double b)
{
	unsigned long k, hi;

	if (rights(&l->see, net, object) & right)
		return true;
	for (in_force(l, a, b, &k, &hi); k < hi; k++)
		if (rights(&l->versions[k], net, object) & right)
			return true;
	return false;
}

/* Did layer @l allow @right throughout [a, b]? */
static bool all_allow(const struct layer *l, bool net, int object, __u64 right, double a, double b)
{
	unsigned long k, hi;

	if (rights(&l->see, net, object) & right)
		return true;
	for (in_force(l, a, b, &k, &hi); k < hi; k++)
		if (!(rights(&l->versions[k], net, object) & right))
			return false;
	return true;
}

/* Nested runs: events that went to a layer that could not deny, or past one that did. */
static unsigned long check_events(void)
{
	unsigned long i, bad = 0;
	int j;

	for (i = 0; i < shared->num_events && i < MAX_EVENTS; i++) {
		const struct event_record *e = &shared->events[i];
		const struct layer *l = &shared->layers[e->layer];
		const __u64 right = e->access & -e->access;

		if (all_allow(l, e->net, e->object, right, e->after, e->received)) {
			if (bad++ < 5)
				fprintf(stderr,
					"stress: layer %d got an event for right %#llx on %s %d, which it allowed from %.6f to %.6f\n",
					e->layer, (unsigned long long)right,
					e->net ? "port" : "dir", e->object, e->after, e->received);
			continue;
		}
		for (j = e->layer + 1; j < num_layers; j++) {
			if ((e->once & (1U << j)) ||
			    some_allow(&shared->layers[j], e->net, e->object, right, e->after,
				       e->received))
				continue;
			if (bad++ < 5)
				fprintf(stderr,
					"stress: layer %d got an event for right %#llx on %s %d, which inner layer %d denied from %.6f to %.6f\n",
					e->layer, (unsigned long long)right,
					e->net ? "port" : "dir", e->object, j, e->after,
					e->received);
			break;
		}
	}
	return bad;
}

/*
 * Active objects of the kmalloc caches, where trie nodes, versions, events
 * and candidates live (without memcg, accounted allocations land there).
 */
static long kmalloc_objects(void)
{
	char line[512], name[64];
	long total = 0, active;
	FILE *f = fopen("/proc/slabinfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &active) == 2 && !strncmp(name, "kmalloc-", 8))
			total += active;
	if (f)
		fclose(f);
	return f ? total : -1;
}

/* Each layer's supervisee rules: a few rights, fixed by the seed. */
static void layer_rules(unsigned int seed)
{
	const __u64 some[] = { R, MK | RM, MK, RM };
	int i, k;

	for (i = 0; nested && i < num_layers; i++) {
		for (k = 0; k < DIRS; k++)
			if (rand_r(&seed) % 4 == 0)
				shared->layers[i].see.dir[k] = some[rand_r(&seed) % 4];
		for (k = 0; k < PORTS; k++)
			if (rand_r(&seed) % 4 == 0)
				shared->layers[i].see.port[k] = BIND;
	}
}

int main(int argc, char **argv)
{
	const double seconds = argc > 1 ? atof(argv[1]) : 3;
	unsigned int seed = argc > 2 ? (unsigned int)atoi(argv[2]) : (unsigned int)time(NULL);
	unsigned long i, unexplained = 0, bad_errors = 0, allowed = 0, denied = 0;
	unsigned long unexplained_denials = 0, bad_events = 0, loops = 0, lost_answers = 0;
	long objects_before, objects_after;
	struct stat st;
	int w, k, result;

	/* An exec storm's child: read once, exit with the errno. */
	if (argc == 3 && !strcmp(argv[1], "--read")) {
		const int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

		return fd < 0 ? errno : 0;
	}
	exec_storm = argc > 3 && !strcmp(argv[3], "exec-storm");
	fork_storm = exec_storm || (argc > 3 && !strcmp(argv[3], "fork-storm"));
	nested = argc > 3 && !strcmp(argv[3], "nested");
	if (nested)
		num_layers = argc > 4 ? atoi(argv[4]) : 2 + (int)(seed % 2);
	if (num_layers < 1 || num_layers > MAX_LAYERS) {
		fprintf(stderr, "stress: LAYERS must be 1 to %d\n", MAX_LAYERS);
		return 2;
	}
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		return 2;
	if (nested)
		printf("stress: %.0f s, seed %u, %d nested supervised layers\n", seconds, seed,
		       num_layers);
	else
		printf("stress: %.0f s, seed %u%s\n", seconds, seed,
		       exec_storm   ? ", exec storm"
		       : fork_storm ? ", fork storm"
				    : "");
	fflush(stdout);
	snprintf(root, sizeof(root), "/tmp/ll-stress-XXXXXX");
	if (!mkdtemp(root))
		return 2;
	for (w = 0; w < DIRS; w++) {
		char path[128];

		dir_path(path, sizeof(path), w);
		mkdir(path, 0755);
		if (stat(path, &st))
			return 2;
		dir_ino[w] = st.st_ino;
		dir_dev = st.st_dev;
		strcat(path, "/f");
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		if (stat(path, &st))
			return 2;
		file_ino[w] = st.st_ino;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (shared == MAP_FAILED)
		return 2;
	layer_rules(seed ^ 0x5eed);
	if (nested) {
		unsigned int rules_seed = seed ^ 0xc0de;

		shared_ruleset = random_ruleset(&shared_rules, &rules_seed);
		if (shared_ruleset < 0) {
			perror("stress: shared ruleset");
			return 2;
		}
	}

	objects_before = kmalloc_objects();
	until = now() + seconds;
	result = supervise(0, seed);

	for (i = 0; i < shared->num_records && i < MAX_RECORDS; i++) {
		const struct record *r = &shared->records[i];
		const bool net = r->op == OP_BIND;
		const __u64 right = op_right[r->op];

		if (r->err == 0) {
			allowed++;
			for (k = 0; k < num_layers; k++) {
				if ((r->once & (1U << k)) ||
				    some_allow(&shared->layers[k], net, r->object, right, r->start,
					       r->end))
					continue;
				if (unexplained++ < 5)
					fprintf(stderr,
						"stress: op %d on %d at %.6f-%.6f allowed by no committed version of layer %d\n",
						r->op, r->object, r->start, r->end, k);
				break;
			}
		} else if (r->err == EACCES || (r->err == EEXIST && !nested)) {
			denied++;
			/* Some layer must have denied it at some time. */
			for (k = 0; nested && k < num_layers; k++)
				if (!all_allow(&shared->layers[k], net, r->object, right, r->start,
					       r->end))
					break;
			if (nested && k == num_layers && unexplained_denials++ < 5)
				fprintf(stderr,
					"stress: op %d on %d at %.6f-%.6f denied while every layer allowed it\n",
					r->op, r->object, r->start, r->end);
		} else {
			bad_errors++;
			if (bad_errors <= 5)
				fprintf(stderr, "stress: op %d failed with %s (%d)\n", r->op,
					strerror(r->err), r->err);
		}
	}
	if (nested)
		bad_events = check_events();
	for (k = 0; k < num_layers; k++) {
		const struct layer *l = &shared->layers[k];

		bad_events += l->bad_events;
		loops += l->loops;
		lost_answers += l->events - l->answers;
		if (nested)
			printf("stress: layer %d: %lu commits, %lu events (%lu unidentified), %lu answers (%lu granting a rule)\n",
			       k, l->num_versions - 1, l->events, l->unidentified, l->answers,
			       l->grants);
	}
	/* Freed versions and events go after a grace period and a work. */
	sleep(1);
	objects_after = kmalloc_objects();
	printf("stress: %lu commits, %lu accesses (%lu allowed, %lu denied), %lu events, %lu answers (%lu granting a rule), kmalloc objects %+ld\n",
	       shared->layers[0].num_versions - 1, allowed + denied + bad_errors, allowed, denied,
	       shared->layers[0].events, shared->layers[0].answers, shared->layers[0].grants,
	       objects_after - objects_before);
	/*
	 * A leak per event or commit would be thousands of objects.  Under
	 * KASAN, freed objects wait in its quarantine and still count: debug
	 * runs set LL_STRESS_SLAB_CHECK=0 and scan with kmemleak instead.
	 */
	if (objects_before >= 0 && objects_after - objects_before > 1000 &&
	    !(getenv("LL_STRESS_SLAB_CHECK") && !strcmp(getenv("LL_STRESS_SLAB_CHECK"), "0"))) {
		printf("stress: FAILED (seed %u): %ld kmalloc objects not given back\n", seed,
		       objects_after - objects_before);
		return 1;
	}
	if (unexplained || bad_errors || lost_answers || unexplained_denials || bad_events ||
	    loops || result) {
		printf("stress: FAILED (seed %u): %lu unexplained, %lu bad errors, %lu unanswered events",
		       seed, unexplained, bad_errors, lost_answers);
		if (nested)
			printf(", %lu unexplained denials, %lu misrouted or bad events, %lu loops, inner layers' status %d",
			       unexplained_denials, bad_events, loops, result);
		printf("\n");
		return 1;
	}
	printf("stress: ok\n");
	return 0;
}
