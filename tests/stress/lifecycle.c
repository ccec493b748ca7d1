// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stress test of the life of supervisor events (run in the patched kernel:
 * QEMU with several CPUs and KASAN or KCSAN, and UML):
 *
 *   lifecycle SECONDS SEED [all|abandon|flood|checks]
 *
 * A notifying supervisor (this process) answers events from three receiving
 * threads at random: allowed with a rule in the same call
 * (LANDLOCK_RESPONSE_GRANT, sometimes with LANDLOCK_RESPONSE_COMMIT_STAGED),
 * allowed, denied, or kept for a later answer; a fourth thread clears and
 * commits its rules every few milliseconds, so that the accesses keep being
 * denied.  Its sandboxed processes, which come and go, run threads that read,
 * write, truncate and create files in a loop, and give up their waits:
 *
 * - the process's main thread sends SIGUSR1 to its threads at random times,
 *   and the receivers send it to the requester of an event just before
 *   answering it with a grant: the handler siglongjmp()s out of the wait,
 *   so that the event stays queued (an orphan) and the next request of the
 *   thread gives it up while the grant is being made;
 * - SIGUSR2 does the same, then the thread exits (an orphan of a thread that
 *   is gone), and whole processes exit or are killed while they wait;
 * - with "all" or "flood", a flood process fills the queue up to its limit
 *   (4096 events): first, threads that each make one request (a directory
 *   creation) and park for good once the receiver signals them (their
 *   events stay queued), then threads that each make one request (a
 *   directory read) and exit once signalled.  Near the limit, the receivers
 *   stop receiving and answer the oldest events of threads that are gone
 *   with grants, while three more threads receive into a read-only buffer
 *   (each call takes the first queued event and puts it back, EFAULT), until
 *   the next request makes the kernel drop the events of the threads that
 *   are gone; the queue then fills again from the parked events.

 * The run is made of epochs (one per 120 s); each one ends with the
 * supervisor's last file descriptor closed while a sandboxed process waits
 * for it, and the next one starts with a new supervisor.  Before that, once
 * the sandboxed processes are gone and every event is answered, it checks
 * that:
 *
 * - a new sandboxed process of the same supervisor still gets events for its
 *   denied read, truncation and creation (the count of queued events did not
 *   drift: a plain EACCES without an event fails the run);
 * - two threads that create and open the same new file at once, in a layer
 *   with quiet masks, both succeed once the supervisor grants the creation
 *   and the opening in the directory (no EACCES);
 * - the waiting process's system call fails with EACCES when the supervisor
 *   is closed.
 *
 * During the run: accesses fail with EACCES only (no restart code or EINTR
 * leaks), answers fail with ENOENT only (a withdrawn or given up event),
 * receives with EAGAIN or EINTR only, no event is about a quiet denial, and
 * every process ends in time.  The kernel's own reports (KASAN, list
 * corruption, refcount, lockdep) are the harness's to catch
 * (tests/guest/smp.sh, scripts/qemu-run).  "abandon" leaves out the full
 * queue, "flood" the other sandboxed processes, "checks" runs the checks
 * only.  LL_LIFECYCLE_PROGRESS=1 prints counts every 10 s.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILES 16
#define WORKERS 4
#define THREADS 6
#define FLOOD_THREADS 64
#define RECEIVERS 3
/* Threads whose receives fail and put the event back. */
#define BAD_RECEIVERS 3
#define RECV_BATCH 8
/* The documented limit of events that a supervisor holds. */
#define QUEUE_LIMIT 4096
/* Flood events kept unanswered, at most (the queue's limit and more). */
#define MAX_HOARD 8192
/*
 * Events given up by flood threads that stay alive (parked): the kernel
 * keeps them, so that a few more given up by threads that exit fill the
 * queue again after each time it drops those.
 */
#define PARKED (QUEUE_LIMIT - 512)
/*
 * Kept events from which the receivers stop receiving, so that the queue
 * fills up with queued events (up to FLOOD_THREADS parking and as many
 * exiting flood threads wait besides those kept).
 */
#define NEAR_LIMIT (QUEUE_LIMIT - 384)
/* Parking threads made, at most. */
#define MAX_PARKS (PARKED + 256)
/* Worker events kept for a later answer, at most. */
#define LATE 16
#define EPOCH_SECONDS 120
/* Creations by two threads at once, over the whole run. */
#define QUIET_ROUNDS 300
/* A process or a check that takes longer hangs. */
#define HANG_SECONDS 60

#define R LANDLOCK_ACCESS_FS_READ_FILE
#define W LANDLOCK_ACCESS_FS_WRITE_FILE
#define MK LANDLOCK_ACCESS_FS_MAKE_REG
#define TR LANDLOCK_ACCESS_FS_TRUNCATE
/*
 * Rights that only the flood process is denied: the receivers tell its
 * events by them (its threads are often gone, and their identifiers with
 * them, when their events are received).
 */
#define FLOOD_RIGHT LANDLOCK_ACCESS_FS_READ_DIR
#define PARK_RIGHT LANDLOCK_ACCESS_FS_MAKE_DIR
#define HANDLED (R | W | MK | TR | FLOOD_RIGHT | PARK_RIGHT)

/* Counters of the sandboxed processes (MAP_SHARED). */
struct shared {
	int stop; /* the epoch ends: finish */
	unsigned long ops, allowed, denied, bad_errors, abandoned, exited_threads;
	unsigned long flood_requests, parked, hangs;
	int flood_phase; /* 0: threads park with an event given up, 1: they exit */
	int last_bad_error;
};

static struct shared *shared;
static char root[64];
static int sup = -1;
static const char *mode = "all";
static double until;

/* Supervisor side. */
static volatile bool recv_stop;
static unsigned long received, grants, answers, withdrawn, bad_answers, bad_events, bad_recvs;
static unsigned long quiet_events, commits, flood_hoarded, flood_reclaimed, failures, untakes;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

/* Flood events received and not answered yet: a ring of cookies. */
static pthread_mutex_t hoard_lock = PTHREAD_MUTEX_INITIALIZER;
static __u64 hoard[MAX_HOARD];
static double hoard_time[MAX_HOARD]; /* when received */
/* Flag of a kept cookie: its requester was gone when it was received. */
#define HIDDEN (1ULL << 63)
static unsigned int hoard_head, hoard_len;
/* Set when an answer to a flood event found it given up: drop the rest. */
static bool hoard_reclaimed;
/* Events of parked flood threads (under hoard_lock). */
static __u64 park[QUEUE_LIMIT];
static unsigned int park_len;

/* Worker events kept for a later answer. */
static pthread_mutex_t late_lock = PTHREAD_MUTEX_INITIALIZER;
static struct late {
	__u64 cookie, access;
	pid_t tgid, tid;
} late[LATE];
static unsigned int num_late;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_us(long us)
{
	const struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void count(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* A failure of a check, with its message. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&stats_lock);
	failures++;
	va_start(ap, fmt);
	printf("lifecycle: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	pthread_mutex_unlock(&stats_lock);
}

static int path_rule(int ruleset, const char *path, __u64 access, __u32 flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = open(path, O_PATH | O_CLOEXEC),
	};
	int err;

	if (attr.parent_fd < 0)
		return -1;
	err = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
	close(attr.parent_fd);
	return err;
}

/*
 * Sandboxes the calling (new, single-threaded) process in a new layer of the
 * supervisor, whose own rules only mark <root>/quiet as quiet; exits on
 * error.
 */
static void sandbox(void)
{
	char quiet[128];
	const int see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);

	close(sup);
	snprintf(quiet, sizeof(quiet), "%s/quiet", root);
	if (see < 0 || path_rule(see, quiet, 0, LANDLOCK_ADD_RULE_QUIET) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, see, 0))
		_exit(100 + errno % 100);
	close(see);
}

/* Supervisor: clears its rules and commits, so that accesses are denied again. */
static int clear_rules(void)
{
	if (ioctl(sup, LANDLOCK_IOCTL_CLEAR_SUPERVISOR, 0) ||
	    ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0))
		return -1;
	count(&commits);
	return 0;
}

/*
 * Answers event @cookie (of rights @access); with a grant, of these rights
 * (and reading and writing for a creation) on the event's object.  0, or
 * ENOENT for an event given up or withdrawn; other errors are counted.  A
 * grant on the object of an event whose requester the receiver did not see
 * (@hidden: gone when received) may fail with EPERM (the kernels that keep
 * no event of a thread that is gone): it is allowed without a grant then.
 */
static int answer(__u64 cookie, __u64 access, __u32 decision, bool grant, bool commit_staged,
		  bool hidden)
{
	struct landlock_supervisor_response response = {
		.cookie = cookie,
		.decision = decision,
	};

	if (grant) {
		response.decision = LANDLOCK_SUPERVISOR_ALLOW;
		response.flags = LANDLOCK_RESPONSE_GRANT;
		if (commit_staged)
			response.flags |= LANDLOCK_RESPONSE_COMMIT_STAGED;
		response.grant_access = access | (access & MK ? R | W : 0);
	}
	if (!ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response)) {
		count(&answers);
		if (grant)
			count(&grants);
		return 0;
	}
	if (errno == ENOENT) {
		count(&withdrawn);
		return ENOENT;
	}
	if (errno == EPERM && grant && hidden)
		return answer(cookie, access, LANDLOCK_SUPERVISOR_ALLOW, false, false, false);
	if (__atomic_fetch_add(&bad_answers, 1, __ATOMIC_RELAXED) < 5)
		fail("answer %s to event %llu failed: %s", grant ? "grant" : "allow/deny",
		     (unsigned long long)cookie, strerror(errno));
	return errno;
}

/*
 * Receives up to @max events into @events, with their paths or not, and
 * checks them: how many, 0 if there is none now, -1 on error.
 */
static int receive(struct landlock_supervisor_event *events, unsigned int max, bool paths)
{
	struct landlock_supervisor_recv recv = {
		.events = (__u64)(uintptr_t)events,
		.event_size = sizeof(*events),
		.count = max,
		.flags = paths ? LANDLOCK_RECV_PATH : 0,
	};
	const int n = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
	int i;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0 || n > (int)max) {
		if (__atomic_fetch_add(&bad_recvs, 1, __ATOMIC_RELAXED) < 5)
			fail("receive returned %d: %s", n, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct landlock_supervisor_event *event = &events[i];

		count(&received);
		if (event->type != LANDLOCK_EVENT_FS || !event->access ||
		    (event->access & ~(__u64)HANDLED)) {
			if (__atomic_fetch_add(&bad_events, 1, __ATOMIC_RELAXED) < 5)
				fail("event %llu of type %u for rights %#llx",
				     (unsigned long long)event->cookie, event->type,
				     (unsigned long long)event->access);
		}
		/* Denials under <root>/quiet are quiet: never notified. */
		if (strstr(event->path, "/quiet/") &&
		    __atomic_fetch_add(&quiet_events, 1, __ATOMIC_RELAXED) < 5)
			fail("event for a quiet denial: %s", event->path);
	}
	return n;
}

/* Keeps a flood event for later, or denies it if there are too many. */
static void hoard_push(__u64 cookie)
{
	bool full;

	pthread_mutex_lock(&hoard_lock);
	full = hoard_len == MAX_HOARD;
	if (!full) {
		hoard_time[(hoard_head + hoard_len) % MAX_HOARD] = now();
		hoard[(hoard_head + hoard_len++) % MAX_HOARD] = cookie;
	}
	pthread_mutex_unlock(&hoard_lock);
	if (full)
		answer(cookie & ~HIDDEN, FLOOD_RIGHT, LANDLOCK_SUPERVISOR_DENY, false, false,
		       false);
	else
		count(&flood_hoarded);
}

/* Keeps the event of a parked flood thread until the end of the epoch. */
static void park_push(__u64 cookie)
{
	bool full;

	pthread_mutex_lock(&hoard_lock);
	full = park_len == QUEUE_LIMIT;
	if (!full)
		park[park_len++] = cookie;
	if (park_len >= PARKED)
		__atomic_store_n(&shared->flood_phase, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&hoard_lock);
	if (full)
		answer(cookie, PARK_RIGHT, LANDLOCK_SUPERVISOR_DENY, false, false, false);
}

/* Whether the flood events kept bring the queue near its limit. */
static bool near_limit(void)
{
	return __atomic_load_n(&park_len, __ATOMIC_RELAXED) +
		       __atomic_load_n(&hoard_len, __ATOMIC_RELAXED) >=
	       NEAR_LIMIT;
}

/* When the receivers stopped receiving near the limit (0: they receive). */
static double pause_start, pause_again;
static unsigned long pause_drops;

/*
 * Whether the receivers stop receiving: from when the kept flood events
 * bring the queue near its limit, until the kernel dropped the events of
 * threads that are gone (or for 15 s at most, then not for 15 s).
 */
static bool pausing(void)
{
	bool paused;

	pthread_mutex_lock(&hoard_lock);
	if (!pause_start && now() > pause_again && near_limit()) {
		pause_start = now();
		pause_drops = __atomic_load_n(&flood_reclaimed, __ATOMIC_RELAXED);
	}
	if (pause_start && __atomic_load_n(&flood_reclaimed, __ATOMIC_RELAXED) != pause_drops) {
		pause_start = 0;
	} else if (pause_start && now() - pause_start > 15) {
		/*
		 * No drop (the kernel keeps nothing of threads that are
		 * gone): receive for a while, so that the other events are
		 * answered.
		 */
		pause_start = 0;
		pause_again = now() + 15;
	}
	paused = pause_start != 0;
	pthread_mutex_unlock(&hoard_lock);
	return paused;
}

/*
 * Whether the oldest flood event kept was received more than 5 s ago: its
 * thread still waits (a kernel that keeps nothing of threads that are gone
 * does not end a received wait on a signal), and so may the whole flood.
 */
static bool hoard_stale(void)
{
	bool stale;

	pthread_mutex_lock(&hoard_lock);
	stale = hoard_len && now() - hoard_time[hoard_head] > 5;
	pthread_mutex_unlock(&hoard_lock);
	return stale;
}

/* The oldest flood event kept, and whether the kernel dropped them. */
static bool hoard_pop(__u64 *cookie, bool *dropped)
{
	bool got;

	pthread_mutex_lock(&hoard_lock);
	got = hoard_len > 0;
	if (got) {
		*cookie = hoard[hoard_head];
		hoard_head = (hoard_head + 1) % MAX_HOARD;
		hoard_len--;
	}
	*dropped = hoard_reclaimed;
	if (!hoard_len)
		hoard_reclaimed = false;
	pthread_mutex_unlock(&hoard_lock);
	return got;
}

/*
 * While the receivers stop receiving (@paused), or if it waits for more
 * than 5 s, answers the oldest flood event with a grant: the kernel is making a grant for an event of a thread
 * that is gone while the next flood request makes it drop such events.
 * Once an answer finds its event dropped, denies the rest (the flood refills
 * the queue).  With @all, denies every flood event kept (with @paused too,
 * only 64 of the parked threads' ones).
 */
static void answer_flood(unsigned int *seed, bool all, bool paused)
{
	bool dropped;
	__u64 cookie;
	unsigned int i;

	if (all) {
		/*
		 * 64 at a time, without the lock: the parked threads may wait
		 * (each answer wakes one), while the other receivers answer
		 * the other events.
		 */
		__u64 taken[64];
		unsigned int n;

		do {
			pthread_mutex_lock(&hoard_lock);
			n = park_len < 64 ? park_len : 64;
			park_len -= n;
			memcpy(taken, park + park_len, n * sizeof(taken[0]));
			pthread_mutex_unlock(&hoard_lock);
			for (i = 0; i < n; i++)
				answer(taken[i], PARK_RIGHT, LANDLOCK_SUPERVISOR_DENY, false, false,
				       false);
		} while (n && !paused);
	}
	if (!all && !__atomic_load_n(&hoard_reclaimed, __ATOMIC_RELAXED) && !paused &&
	    !hoard_stale())
		return;
	while (hoard_pop(&cookie, &dropped)) {
		if (dropped || all) {
			answer(cookie & ~HIDDEN, FLOOD_RIGHT, LANDLOCK_SUPERVISOR_DENY, false,
			       false, false);
			continue;
		}
		if (answer(cookie & ~HIDDEN, FLOOD_RIGHT, LANDLOCK_SUPERVISOR_ALLOW, true,
			   rand_r(seed) % 4 == 0, cookie & HIDDEN) == ENOENT) {
			pthread_mutex_lock(&hoard_lock);
			hoard_reclaimed = true;
			pthread_mutex_unlock(&hoard_lock);
			count(&flood_reclaimed);
		}
		break;
	}
}

/*
 * Answers the worker events kept for later: the requesters of half of them
 * get SIGUSR1 first (they give up their waits while the grants are made).
 */
static void answer_late(unsigned int *seed, bool deny)
{
	struct late taken[LATE];
	unsigned int n, i;

	pthread_mutex_lock(&late_lock);
	n = num_late;
	memcpy(taken, late, sizeof(taken[0]) * n);
	num_late = 0;
	pthread_mutex_unlock(&late_lock);
	for (i = 0; i < n && !deny; i++)
		if (taken[i].tid > 0 && rand_r(seed) % 2)
			syscall(SYS_tgkill, taken[i].tgid, taken[i].tid, SIGUSR1);
	for (i = 0; i < n; i++)
		answer(taken[i].cookie, taken[i].access, LANDLOCK_SUPERVISOR_DENY, !deny,
		       rand_r(seed) % 4 == 0, taken[i].tid <= 0);
}

/* An event of a sandboxed worker thread: a random answer. */
static void answer_worker(const struct landlock_supervisor_event *event, unsigned int *seed)
{
	const unsigned int r = rand_r(seed) % 100;
	bool full, kept;

	if (r < 20 && event->tid > 0) {
		/* The wait is given up (and the thread exits) while the grant is made. */
		syscall(SYS_tgkill, event->tgid, event->tid, r < 3 ? SIGUSR2 : SIGUSR1);
		/* At times, while the thread makes its next request. */
		if (r % 2)
			sleep_us(rand_r(seed) % 3000);
		answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_ALLOW, true,
		       rand_r(seed) % 4 == 0, event->tid <= 0);
	} else if (r < 50) {
		answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_ALLOW, true,
		       rand_r(seed) % 4 == 0, event->tid <= 0);
	} else if (r < 62) {
		answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_ALLOW, false, false,
		       false);
	} else if (r < 80) {
		answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_DENY, false, false, false);
	} else {
		/*
		 * Another receiver may have filled the array and not emptied
		 * it yet: the event is then answered now (before, it was
		 * written past the array's end, and the copy of the array
		 * overflowed answer_late()'s stack: a rare crash on arm64).
		 */
		pthread_mutex_lock(&late_lock);
		kept = num_late < LATE;
		if (kept)
			late[num_late++] = (struct late){ event->cookie, event->access, event->tgid,
							  event->tid };
		full = num_late == LATE;
		pthread_mutex_unlock(&late_lock);
		if (!kept)
			answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_DENY, false, false,
			       false);
		if (full)
			answer_late(seed, false);
	}
}

/* A receiving thread of the supervisor. */
static void *receiver(void *arg)
{
	unsigned int seed = *(unsigned int *)arg;
	struct landlock_supervisor_event *const events = calloc(RECV_BATCH, sizeof(*events));
	int n, i;

	while (events && !recv_stop) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };
		const bool stopping = __atomic_load_n(&shared->stop, __ATOMIC_RELAXED);

		/*
		 * Near the limit, new events stay queued (the flood process
		 * ends their threads itself, and the failing receives keep
		 * putting them back) until the queue is full.
		 */
		const bool paused = !stopping && pausing();

		/* While stopping, one batch of parked threads' events per turn. */
		answer_flood(&seed, stopping, paused || stopping);
		if (stopping)
			answer_late(&seed, true);
		if (paused) {
			sleep_us(1000000);
			continue;
		}
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = receive(events, 1 + rand_r(&seed) % RECV_BATCH, rand_r(&seed) % 4 == 0);
		for (i = 0; i < n; i++) {
			const struct landlock_supervisor_event *event = &events[i];

			if (!stopping && event->access == PARK_RIGHT) {
				/* Its thread gives up and parks. */
				if (event->tid > 0)
					syscall(SYS_tgkill, event->tgid, event->tid, SIGUSR1);
				park_push(event->cookie);
			} else if (!stopping && event->access == FLOOD_RIGHT) {
				/* Its thread exits: an event of a thread that is gone. */
				if (event->tid > 0)
					syscall(SYS_tgkill, event->tgid, event->tid, SIGUSR2);
				hoard_push(event->cookie | (event->tid <= 0 ? HIDDEN : 0));
			} else if (stopping) {
				answer(event->cookie, event->access, LANDLOCK_SUPERVISOR_DENY,
				       false, false, false);
			} else {
				answer_worker(event, &seed);
			}
		}
	}
	free(events);
	return NULL;
}

/*
 * Receives into a read-only buffer: each call takes the first queued event
 * and puts it back (EFAULT), so that an event is often being put back while
 * a request makes the kernel drop the events of threads that are gone.
 */
static void *bad_receiver(void *arg)
{
	const size_t size = sizeof(struct landlock_supervisor_event);
	void *const ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	while (ro != MAP_FAILED && !recv_stop) {
		struct landlock_supervisor_recv recv = {
			.events = (__u64)(uintptr_t)ro,
			.event_size = size,
			.count = 1,
			.flags = LANDLOCK_RECV_OBJECT_FD | LANDLOCK_RECV_PATH,
		};
		struct pollfd pfd = { .fd = sup, .events = POLLIN };
		int n;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = ioctl(sup, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
		if (n < 0 && errno == EFAULT)
			count(&untakes);
		else if ((n >= 0 || (errno != EAGAIN && errno != EINTR)) &&
			 __atomic_fetch_add(&bad_recvs, 1, __ATOMIC_RELAXED) < 5)
			fail("receive into a read-only buffer returned %d: %s", n,
			     n < 0 ? strerror(errno) : "no error");
	}
	if (ro != MAP_FAILED)
		munmap(ro, size);
	return NULL;
}

/* Clears and commits every few milliseconds: accesses are denied again. */
static void *committer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg;

	while (!recv_stop) {
		sleep_us(500 + rand_r(&seed) % 2500);
		if (clear_rules() && __atomic_fetch_add(&bad_answers, 1, __ATOMIC_RELAXED) < 5)
			fail("clear and commit: %s", strerror(errno));
	}
	return NULL;
}

/* Sandboxed side. */

static char file_path[FILES][128], new_path[FILES][128], park_path[FILES][128];
static char flood_dir[128], quiet_path[128];

enum op {
	OP_READ,
	OP_WRITE,
	OP_TRUNCATE,
	OP_CREATE,
	OP_QUIET,
	NUM_OPS,
	OP_FLOOD = NUM_OPS,
	OP_PARK
};

static const char *const op_name[] = { "read", "write", "truncate", "creation", "quiet read" };

/* Makes access @op to file @k: 0 or the error. */
static int do_op(int op, int k)
{
	int fd = -1;

	switch (op) {
	case OP_READ:
		fd = open(file_path[k], O_RDONLY | O_CLOEXEC);
		break;
	case OP_WRITE:
		fd = open(file_path[k], O_WRONLY | O_CLOEXEC);
		break;
	case OP_TRUNCATE:
		return truncate(file_path[k], 0) ? errno : 0;
	case OP_FLOOD:
		/* Only grants near the queue's limit allow it. */
		fd = open(flood_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case OP_PARK:
		/* Never allowed. */
		if (mkdir(park_path[k], 0755))
			return errno;
		rmdir(park_path[k]);
		return 0;
	case OP_CREATE:
		fd = open(new_path[k], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd >= 0)
			unlink(new_path[k]);
		break;
	case OP_QUIET:
		fd = open(quiet_path, O_RDONLY | O_CLOEXEC);
		break;
	}
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* A thread of a sandboxed process. */
struct tslot {
	pid_t tid;
	int running; /* set by the creator, cleared by the thread at its end */
	bool flood, park;
	volatile double since; /* of the current flood request */
	double signalled;      /* the request that the flood process signalled */
	unsigned int seed;
	int last_op, last_k;
};

static __thread sigjmp_buf jump;
static __thread volatile sig_atomic_t armed, quit;
static volatile bool local_stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR2)
		quit = 1;
	if (armed) {
		armed = 0;
		siglongjmp(jump, 1);
	}
}

static void record(int op, int err)
{
	count(&shared->ops);
	if (!err && op != OP_QUIET) {
		count(&shared->allowed);
	} else if (err == EACCES) {
		count(&shared->denied);
	} else {
		/* A quiet denial is never notified, so never granted. */
		count(&shared->bad_errors);
		__atomic_store_n(&shared->last_bad_error, err ? err : -op, __ATOMIC_RELAXED);
	}
}

static void *sandboxed_thread(void *arg)
{
	struct tslot *const slot = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	__atomic_store_n(&slot->tid, gettid(), __ATOMIC_RELEASE);
	/* Signals are blocked here, and again after a jump. */
	if (sigsetjmp(jump, 1)) {
		count(&shared->abandoned);
		if (slot->park && slot->last_op == OP_PARK && !quit) {
			/* Parked for good: the event given up stays queued. */
			count(&shared->parked);
			__atomic_store_n(&slot->running, 0, __ATOMIC_RELEASE);
			for (;;)
				pause();
		}
	}
	while (!quit && !local_stop && !__atomic_load_n(&shared->stop, __ATOMIC_RELAXED)) {
		int op = rand_r(&slot->seed) % NUM_OPS, k = rand_r(&slot->seed) % FILES, err;

		if (slot->flood) {
			op = slot->park ? OP_PARK : OP_FLOOD;
			count(&shared->flood_requests);
			slot->since = now();
		} else if (slot->last_op >= 0 && rand_r(&slot->seed) % 2) {
			/* The request given up, again: it takes its event back. */
			op = slot->last_op;
			k = slot->last_k;
		}
		slot->last_op = op;
		slot->last_k = k;
		armed = 1;
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		err = do_op(op, k);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		armed = 0;
		slot->last_op = -1;
		record(op, err);
	}
	if (quit) {
		count(&shared->exited_threads);
	} else if (!slot->flood) {
		/* A last request, answered: gives up the thread's earlier event. */
		record(OP_READ, do_op(OP_READ, rand_r(&slot->seed) % FILES));
	}
	__atomic_store_n(&slot->running, 0, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A sandboxed process: THREADS threads (FLOOD_THREADS with @flood) kept
 * running, signals to them, and an end at a random time (or at the epoch's
 * end), gracefully or at once while threads wait.
 */
static void sandboxed_process(bool flood, unsigned int seed)
{
	const int threads = flood ? FLOOD_THREADS : THREADS;
	const double end = flood ? until : now() + 0.3 + (rand_r(&seed) % 1700) / 1000.0;
	struct sigaction sa = { .sa_handler = on_signal };
	static struct tslot slots[FLOOD_THREADS], parks[MAX_PARKS];
	static int num_parks;
	pthread_attr_t attr;
	sigset_t set;
	double deadline;
	int i, left;

	sandbox();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!__atomic_load_n(&shared->stop, __ATOMIC_RELAXED) && now() < end) {
		const bool parking =
			flood && !__atomic_load_n(&shared->flood_phase, __ATOMIC_ACQUIRE);

		/* First, threads that park with their event, a few at a time. */
		for (i = 0; parking && i < 16 && num_parks < MAX_PARKS; i++) {
			struct tslot *const slot = &parks[num_parks++];
			pthread_t thread;

			*slot = (struct tslot){ .running = 1,
						.flood = true,
						.park = true,
						.seed = rand_r(&seed),
						.last_op = -1 };
			if (pthread_create(&thread, &attr, sandboxed_thread, slot)) {
				slot->running = 0;
				break;
			}
		}
		for (i = 0; i < threads && !parking; i++) {
			pthread_t thread;

			if (__atomic_load_n(&slots[i].running, __ATOMIC_ACQUIRE))
				continue;
			slots[i] = (struct tslot){
				.running = 1, .flood = flood, .seed = rand_r(&seed), .last_op = -1
			};
			if (pthread_create(&thread, &attr, sandboxed_thread, &slots[i]))
				slots[i].running = 0;
		}
		/*
		 * A flood thread that waits a while (the receivers stop
		 * receiving near the queue's limit) gives up and exits.  So
		 * does a parking thread whose event is not received within a
		 * second: its event would stay first in the queue.
		 */
		for (i = 0; flood && i < threads + num_parks; i++) {
			struct tslot *const slot = i < threads ? &slots[i] : &parks[i - threads];
			const double since = slot->since;

			if (__atomic_load_n(&slot->running, __ATOMIC_ACQUIRE) && slot->tid > 0 &&
			    since > 0 && slot->signalled != since &&
			    now() - since > (slot->park ? 1 : 0.002 + (i % 8) * 0.002)) {
				slot->signalled = since;
				syscall(SYS_tgkill, getpid(), slot->tid, SIGUSR2);
			}
		}
		if (!flood && rand_r(&seed) % 3 == 0) {
			const pid_t tid = __atomic_load_n(&slots[rand_r(&seed) % threads].tid,
							  __ATOMIC_ACQUIRE);

			if (tid > 0)
				syscall(SYS_tgkill, getpid(), tid,
					rand_r(&seed) % 16 ? SIGUSR1 : SIGUSR2);
		}
		sleep_us(rand_r(&seed) % (flood ? 200 : 2000));
	}
	/* Exits while threads wait (they are killed: their events withdrawn). */
	if (!__atomic_load_n(&shared->stop, __ATOMIC_RELAXED) && rand_r(&seed) % 2)
		_exit(0);
	local_stop = true;
	deadline = now() + HANG_SECONDS;
	do {
		for (i = left = 0; i < threads; i++)
			left += __atomic_load_n(&slots[i].running, __ATOMIC_ACQUIRE);
		if (left)
			sleep_us(5000);
	} while (left && now() < deadline);
	if (left)
		count(&shared->hangs);
	_exit(left ? 3 : 0);
}

/* Supervisor: the checks at the end of an epoch. */

/* A new sandboxed process for one access, waiting for its answers. */
struct probe {
	pid_t pid;
	int status, events;
};

static pid_t probe_start(int op, int k)
{
	const pid_t pid = fork();

	if (pid == 0) {
		sandbox();
		_exit(do_op(op, k));
	}
	return pid;
}

/*
 * Waits for probe @pid, answering its events with grants (@grant) or
 * denials: the number of events, its exit status in *@status (-1: hang).
 */
static int probe_wait(pid_t pid, bool grant, int *status)
{
	struct landlock_supervisor_event event;
	const double deadline = now() + HANG_SECONDS;
	int got = 0;

	for (;;) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };

		if (poll(&pfd, 1, 20) > 0 && receive(&event, 1, true) == 1) {
			if (event.tgid == pid)
				got++;
			answer(event.cookie, event.access, LANDLOCK_SUPERVISOR_DENY,
			       grant && event.tgid == pid, false, false);
		}
		if (waitpid(pid, status, WNOHANG) == pid)
			break;
		if (now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			*status = -1;
			break;
		}
	}
	return got;
}

/*
 * The queue's count did not drift: a new sandboxed process gets an event for
 * each of its denied accesses, and succeeds once granted.
 */
static void check_fresh(int epoch)
{
	static const int ops[] = { OP_READ, OP_TRUNCATE, OP_CREATE };
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		pid_t pid;
		int status, got;

		if (clear_rules()) {
			fail("epoch %d: clear and commit: %s", epoch, strerror(errno));
			return;
		}
		pid = probe_start(ops[i], 0);
		if (pid < 0) {
			fail("fork: %s", strerror(errno));
			return;
		}
		got = probe_wait(pid, true, &status);
		if (status == -1)
			fail("epoch %d: a new supervisee's %s hangs", epoch, op_name[ops[i]]);
		else if (!got)
			fail("epoch %d: lost event: a new supervisee's denied %s got no event (exit %d: a plain denial; the queue's count drifted)",
			     epoch, op_name[ops[i]], WEXITSTATUS(status));
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail("epoch %d: a new supervisee's %s failed after its grant (status %#x)",
			     epoch, op_name[ops[i]], status);
	}
	if (clear_rules())
		fail("epoch %d: clear and commit: %s", epoch, strerror(errno));
}

/* Two threads of a sandboxed process create and open the same new file. */
struct pair {
	pthread_barrier_t *barrier;
	const char *path;
	int err;
};

static void *pair_open(void *arg)
{
	struct pair *const p = arg;
	int fd;

	pthread_barrier_wait(p->barrier);
	fd = open(p->path, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	p->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void pair_process(int epoch, int cmd, int res)
{
	int round;

	sandbox();
	while (read(cmd, &round, sizeof(round)) == sizeof(round) && round >= 0) {
		pthread_barrier_t barrier;
		struct pair pairs[2];
		pthread_t threads[2];
		char path[160];
		int errs[2], i;

		snprintf(path, sizeof(path), "%s/q/e%d-r%d/new", root, epoch, round);
		pthread_barrier_init(&barrier, NULL, 2);
		for (i = 0; i < 2; i++) {
			pairs[i] = (struct pair){ &barrier, path, -1 };
			if (pthread_create(&threads[i], NULL, pair_open, &pairs[i]))
				_exit(2);
		}
		for (i = 0; i < 2; i++) {
			pthread_join(threads[i], NULL);
			errs[i] = pairs[i].err;
		}
		pthread_barrier_destroy(&barrier);
		if (write(res, errs, sizeof(errs)) != sizeof(errs))
			_exit(2);
	}
	_exit(0);
}

/*
 * Item 3: in a layer with quiet masks, two threads that create and open the
 * same new file, granted the creation and the opening in its directory,
 * both succeed.  Up to @rounds rounds, until @deadline.
 */
static void check_pairs(int epoch, int rounds, double deadline)
{
	int cmd[2], res[2], round, failed = 0, done = 0, first = 0, status;
	struct landlock_supervisor_event event;
	pid_t pid;

	if (pipe2(cmd, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) {
		fail("pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(cmd[1]);
		close(res[0]);
		pair_process(epoch, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	for (round = 0; pid > 0 && round < rounds && now() < deadline; round++) {
		const double hang = now() + HANG_SECONDS;
		char dir[160];
		int errs[2];

		snprintf(dir, sizeof(dir), "%s/q/e%d-r%d", root, epoch, round);
		if (mkdir(dir, 0755) || write(cmd[1], &round, sizeof(round)) != sizeof(round))
			break;
		for (;;) {
			struct pollfd pfds[2] = { { .fd = sup, .events = POLLIN },
						  { .fd = res[0], .events = POLLIN } };

			if (poll(pfds, 2, 20) > 0 && (pfds[0].revents & POLLIN) &&
			    receive(&event, 1, true) == 1)
				answer(event.cookie, event.access, LANDLOCK_SUPERVISOR_DENY,
				       event.tgid == pid, false, false);
			if (pfds[1].revents & (POLLIN | POLLHUP)) {
				if (read(res[0], errs, sizeof(errs)) != sizeof(errs))
					errs[0] = errs[1] = -1;
				break;
			}
			if (now() > hang) {
				errs[0] = errs[1] = -2;
				break;
			}
		}
		if (errs[0] < 0) {
			fail("epoch %d: the creation by two threads hangs or ended (%d)", epoch,
			     errs[0]);
			break;
		}
		done += 2;
		failed += !!errs[0] + !!errs[1];
		if (!first)
			first = errs[0] ? errs[0] : errs[1];
	}
	round = -1;
	if (write(cmd[1], &round, sizeof(round)) < 0)
		kill(pid, SIGKILL);
	close(cmd[1]);
	close(res[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && status)
		fail("epoch %d: the creating process ended with status %#x", epoch, status);
	if (failed)
		fail("epoch %d: %d of %d granted opens of a new file by two threads at once failed (first: %s)",
		     epoch, failed, done, strerror(first));
	printf("lifecycle: epoch %d: %d granted opens of a new file by two threads at once, %d failed\n",
	       epoch, done, failed);
}

/*
 * Closing the supervisor while a process waits for it (its event received
 * or not) makes its access fail with EACCES.
 */
static void check_close(int epoch, bool receive_first)
{
	struct landlock_supervisor_event event;
	const double deadline = now() + HANG_SECONDS;
	struct pollfd pfd = { .fd = sup, .events = POLLIN };
	const pid_t pid = probe_start(OP_READ, 1);
	int status = -1;

	if (pid < 0) {
		fail("fork: %s", strerror(errno));
		return;
	}
	while (poll(&pfd, 1, 20) <= 0 && now() < deadline)
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	if (receive_first && status == -1)
		receive(&event, 1, false);
	close(sup);
	sup = -1;
	while (status == -1 && waitpid(pid, &status, WNOHANG) != pid && now() < deadline)
		sleep_us(5000);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail("epoch %d: a waiting process hangs after the supervisor was closed", epoch);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != EACCES) {
		fail("epoch %d: a waiting process got status %#x, not EACCES, when the supervisor was closed",
		     epoch, status);
	}
}

/* Supervisor: an epoch, with a new supervisor. */

static const struct landlock_ruleset_attr sup_attr = {
	.handled_access_fs = HANDLED,
	.quiet_access_fs = HANDLED,
};

static bool with_workers, with_flood, progress;

static pid_t spawn(bool flood, unsigned int seed)
{
	const pid_t pid = fork();

	if (pid == 0)
		sandboxed_process(flood, seed);
	return pid;
}

/* Answers whatever is left: flood and late events, then every queued one. */
static void drain(void)
{
	struct landlock_supervisor_event *const events = calloc(RECV_BATCH, sizeof(*events));
	unsigned int seed = 0;
	int n, i;

	answer_flood(&seed, true, false);
	answer_late(&seed, true);
	while (events && (n = receive(events, RECV_BATCH, true)) > 0)
		for (i = 0; i < n; i++)
			answer(events[i].cookie, events[i].access, LANDLOCK_SUPERVISOR_DENY, false,
			       false, false);
	free(events);
}

static void run_epoch(int epoch, double end, unsigned int seed, int pair_rounds)
{
	unsigned int seeds[RECEIVERS + 1];
	pthread_t threads[RECEIVERS + 1 + BAD_RECEIVERS];
	pid_t pids[WORKERS + 1] = {};
	unsigned long before[4];
	double deadline, next_progress;
	int i, status, left;

	sup = syscall(SYS_landlock_create_ruleset, &sup_attr, sizeof(sup_attr),
		      LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	if (sup < 0 || fcntl(sup, F_SETFL, O_NONBLOCK)) {
		fail("supervisor: %s", strerror(errno));
		return;
	}
	__atomic_store_n(&shared->stop, 0, __ATOMIC_RELEASE);
	recv_stop = false;
	hoard_len = 0;
	park_len = 0;
	pause_start = 0;
	shared->flood_phase = 0;
	hoard_reclaimed = false;
	num_late = 0;
	before[0] = received;
	before[1] = grants;
	before[2] = flood_reclaimed;
	before[3] = shared->abandoned;
	for (i = 0; i <= RECEIVERS; i++) {
		seeds[i] = seed + i * 7919;
		pthread_create(&threads[i], NULL, i < RECEIVERS ? receiver : committer, &seeds[i]);
	}
	for (i = RECEIVERS + 1; i < RECEIVERS + 1 + BAD_RECEIVERS; i++)
		pthread_create(&threads[i], NULL, bad_receiver, NULL);
	until = end;
	next_progress = now() + 10;
	while (now() < end) {
		for (i = 0; i <= WORKERS; i++) {
			if (pids[i] || (i < WORKERS ? !with_workers : !with_flood))
				continue;
			pids[i] = spawn(i == WORKERS, rand_r(&seed));
		}
		while ((left = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i <= WORKERS && pids[i] != left; i++)
				;
			if (i <= WORKERS)
				pids[i] = 0;
			if (!(WIFEXITED(status) && !WEXITSTATUS(status)) &&
			    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
				fail("epoch %d: a sandboxed process ended with status %#x", epoch,
				     status);
		}
		/* Killed while its threads wait: their events are withdrawn. */
		if (with_workers && rand_r(&seed) % 100 == 0) {
			i = rand_r(&seed) % WORKERS;
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
		}
		if (progress && now() > next_progress) {
			next_progress = now() + 10;
			printf("lifecycle: epoch %d: %lu events, %lu grants, %lu waits given up, %lu parked, %u kept, %lu times dropped, %lu put back\n",
			       epoch, received - before[0], grants - before[1],
			       shared->abandoned - before[3], shared->parked, hoard_len,
			       flood_reclaimed - before[2], untakes);
			fflush(stdout);
		}
		sleep_us(10000);
	}
	__atomic_store_n(&shared->stop, 1, __ATOMIC_RELEASE);
	deadline = now() + HANG_SECONDS;
	for (i = 0; i <= WORKERS; i++) {
		while (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) != pids[i]) {
			if (now() > deadline) {
				fail("epoch %d: a sandboxed process hangs", epoch);
				kill(pids[i], SIGKILL);
				waitpid(pids[i], &status, 0);
				break;
			}
			sleep_us(5000);
		}
		if (pids[i] > 0 && !(WIFEXITED(status) && !WEXITSTATUS(status)) &&
		    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			fail("epoch %d: a sandboxed process ended with status %#x", epoch, status);
	}
	recv_stop = true;
	for (i = 0; i < RECEIVERS + 1 + BAD_RECEIVERS; i++)
		pthread_join(threads[i], NULL);
	drain();
	printf("lifecycle: epoch %d: %lu events (%lu answered with a grant), %lu waits given up, %lu times the queue's given up events were dropped\n",
	       epoch, received - before[0], grants - before[1], shared->abandoned - before[3],
	       flood_reclaimed - before[2]);
	fflush(stdout);
	check_fresh(epoch);
	check_pairs(epoch, pair_rounds, now() + (end - until + 5 > 30 ? 30 : 5 + end - until));
	check_close(epoch, seed % 2);
	fflush(stdout);
}

static void make_file(const char *path)
{
	const int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const double seconds = argc > 1 ? atof(argv[1]) : 3;
	const unsigned int seed = argc > 2 ? (unsigned int)atoi(argv[2]) : (unsigned int)time(NULL);
	const int features =
		syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_FEATURES);
	const __u32 needed =
		LANDLOCK_FEATURE_NOTIFY | LANDLOCK_FEATURE_QUIET | LANDLOCK_FEATURE_CLEAR;
	int epochs, e, k;
	double start;
	char path[160];

	if (argc > 3)
		mode = argv[3];
	if (argc < 3 || argc > 4 || seconds < 0 ||
	    (strcmp(mode, "all") && strcmp(mode, "abandon") && strcmp(mode, "flood") &&
	     strcmp(mode, "checks"))) {
		fprintf(stderr, "usage: lifecycle SECONDS SEED [all|abandon|flood|checks]\n");
		return 2;
	}
	with_workers = !strcmp(mode, "all") || !strcmp(mode, "abandon");
	with_flood = !strcmp(mode, "all") || !strcmp(mode, "flood");
	progress = getenv("LL_LIFECYCLE_PROGRESS") && !strcmp(getenv("LL_LIFECYCLE_PROGRESS"), "1");
	printf("lifecycle: %.0f s, seed %u, mode %s\n", seconds, seed, mode);
	fflush(stdout);
	if (features < 0 || (features & needed) != needed) {
		fprintf(stderr,
			"lifecycle: the kernel lacks notification, quiet flags or clearing\n");
		return 2;
	}
	snprintf(root, sizeof(root), "/tmp/ll-lifecycle-XXXXXX");
	if (!mkdtemp(root))
		return 2;
	for (k = 0; k < 5; k++) {
		snprintf(path, sizeof(path), "%s/%s", root,
			 (const char *[]){ "d", "g", "p", "q", "quiet" }[k]);
		if (mkdir(path, 0755))
			return 2;
	}
	for (k = 0; k < FILES; k++) {
		snprintf(file_path[k], sizeof(file_path[k]), "%s/d/f%d", root, k);
		snprintf(new_path[k], sizeof(new_path[k]), "%s/d/n%d", root, k);
		make_file(file_path[k]);
		snprintf(park_path[k], sizeof(park_path[k]), "%s/p/d%d", root, k);
	}
	snprintf(quiet_path, sizeof(quiet_path), "%s/quiet/f", root);
	snprintf(flood_dir, sizeof(flood_dir), "%s/g", root);
	make_file(quiet_path);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (shared == MAP_FAILED)
		return 2;
	signal(SIGPIPE, SIG_IGN);

	epochs = seconds / EPOCH_SECONDS < 1 ? 1 : (int)(seconds / EPOCH_SECONDS);
	start = now();
	for (e = 0; e < epochs; e++)
		run_epoch(e, start + seconds * (e + 1) / epochs, seed + e * 104729,
			  (QUIET_ROUNDS + epochs - 1) / epochs);

	printf("lifecycle: %lu events, %lu answers (%lu grants, %lu given up or withdrawn), %lu commits; sandboxed: %lu accesses (%lu allowed, %lu denied), %lu waits given up, %lu threads exited while waiting, %lu flood requests, %lu flood threads parked, %lu flood events kept, %lu times dropped by the kernel, %lu events put back by a failed receive\n",
	       received, answers, grants, withdrawn, commits, shared->ops, shared->allowed,
	       shared->denied, shared->abandoned, shared->exited_threads, shared->flood_requests,
	       shared->parked, flood_hoarded, flood_reclaimed, untakes);
	if (shared->bad_errors)
		fail("%lu accesses failed with another error than EACCES (last: %d, %s)",
		     shared->bad_errors, shared->last_bad_error,
		     shared->last_bad_error > 0 ? strerror(shared->last_bad_error)
						: "a quiet read allowed");
	if (shared->hangs)
		fail("%lu sandboxed processes' threads hang", shared->hangs);
	if (failures) {
		printf("lifecycle: FAILED (seed %u, mode %s): %lu failures\n", seed, mode,
		       failures);
		return 1;
	}
	printf("lifecycle: ok\n");
	return 0;
}
