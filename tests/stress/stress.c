// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Concurrency stress test of Landlock supervisors (run in the patched
 * kernel, also the debug one):
 *
 *   stress SECONDS SEED [fork-storm|exec-storm]
 *
 * Sandboxed workers (processes with threads) open, create, unlink and bind
 * in a loop (with "fork-storm", a quarter of their operations are bursts of
 * four short-lived children that read once and exit; with "exec-storm", the
 * children execute this program again to read, so that the domain crosses
 * execve() while commits land), while the supervisor
 * commits random changes (add, intersect, clear, replace) in one thread and
 * answers events at random in another.
 * Checks that every access that succeeded was allowed by a version committed
 * during it, that accesses fail with EACCES only (no restart code or EINTR
 * leaks), that every event got one answer, and that the supervisor's memory
 * is given back (slab) once it is closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIRS 4
#define PORTS 4
#define WORKERS 3
#define THREADS 2
#define MAX_VERSIONS 200000
#define MAX_RECORDS 400000

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

struct record {
	double start, end;
	int op, object, err;
};

/* Shared with the workers (MAP_SHARED). */
struct shared {
	unsigned long num_records;
	struct record records[MAX_RECORDS];
};

static struct version *versions;
static unsigned long num_versions;
static struct shared *shared;
static char root[64];
static int sup;
static volatile bool stop;
static bool fork_storm, exec_storm;
static char self[4096];
static unsigned long events, answers;

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

static int rule_dir(int d, __u64 access, __u32 flags)
{
	const struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = dir_fd(d),
	};
	int err = syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);

	close(attr.parent_fd);
	return err;
}

static int rule_port(int p, __u64 access, __u32 flags)
{
	const struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = 20000 + p,
	};

	return syscall(SYS_landlock_add_rule, sup, LANDLOCK_RULE_NET_PORT, &attr, flags);
}

/* The committer: random changes, one commit each, all recorded. */
static void *committer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg;
	struct version state = { 0 };

	while (!stop && num_versions < MAX_VERSIONS - 1) {
		const int kind = rand_r(&seed) % 6, d = rand_r(&seed) % DIRS;
		const int p = rand_r(&seed) % PORTS;
		const __u64 rights[] = { R, MK | RM, R | MK | RM, MK };
		const __u64 some = rights[rand_r(&seed) % 4];
		int err = 0;

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
		}
		if (err) {
			fprintf(stderr, "stress: change %d failed: %s\n", kind, strerror(errno));
			exit(1);
		}
		state.start = now();
		if (ioctl(sup, LANDLOCK_IOCTL_COMMIT_SUPERVISOR, 0)) {
			fprintf(stderr, "stress: commit failed: %s\n", strerror(errno));
			exit(1);
		}
		state.end = now();
		versions[num_versions] = state;
		__atomic_store_n(&num_versions, num_versions + 1, __ATOMIC_RELEASE);
		if (rand_r(&seed) % 4 == 0)
			sched_yield();
	}
	return NULL;
}

/* The answerer: every event gets one random answer. */
static void *answerer(void *arg)
{
	unsigned int seed = *(unsigned int *)arg + 1;

	while (!stop) {
		struct pollfd pfd = { .fd = sup, .events = POLLIN };
		struct landlock_supervisor_event event;
		struct landlock_supervisor_response response = {};

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if (ioctl(sup, LANDLOCK_IOCTL_RECV_EVENT, &event))
			continue;
		events++;
		if (event.object_fd >= 0)
			close(event.object_fd);
		if (event.dest_fd >= 0)
			close(event.dest_fd);
		response.cookie = event.cookie;
		response.decision =
			rand_r(&seed) % 2 ? LANDLOCK_SUPERVISOR_ALLOW : LANDLOCK_SUPERVISOR_DENY;
		/* A withdrawn event (killed requester) is ENOENT. */
		if (!ioctl(sup, LANDLOCK_IOCTL_SEND_RESPONSE, &response) || errno == ENOENT)
			answers++;
	}
	return NULL;
}

static void record(int op, int object, double start, int err)
{
	const unsigned long i = __atomic_fetch_add(&shared->num_records, 1, __ATOMIC_RELAXED);

	if (i >= MAX_RECORDS)
		return;
	shared->records[i] = (struct record){ start, now(), op, object, err };
}

struct worker_arg {
	unsigned int seed;
	int id;
	double until;
};

static void *work(void *data)
{
	struct worker_arg *const arg = data;
	char path[160];
	int n = 0;

	while (now() < arg->until) {
		const int op = rand_r(&arg->seed) % 4;
		const int d = rand_r(&arg->seed) % DIRS;
		const double start = now();
		int fd, err = 0;

		switch (op) {
		case OP_READ:
			snprintf(path, sizeof(path), "%s/d%d/f", root, d);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			err = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
			record(op, d, start, err);
			break;
		case OP_CREATE:
			snprintf(path, sizeof(path), "%s/d%d/w%d-%d", root, d, arg->id, n++);
			fd = open(path, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0644);
			err = fd < 0 ? errno : 0;
			record(op, d, start, err);
			if (fd < 0)
				break;
			close(fd);
			/* Removing it needs its own right. */
			{
				const double s2 = now();

				err = unlink(path) ? errno : 0;
				record(OP_UNLINK, d, s2, err);
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
			record(op, d, start, err == EADDRINUSE ? 0 : err);
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
				record(OP_READ, d, s2,
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

static void run_worker(int id, unsigned int seed, double until)
{
	const int see = ioctl(sup, LANDLOCK_IOCTL_GET_SUPERVISEE_RULESET, 0);
	struct worker_arg args[THREADS];
	pthread_t threads[THREADS];
	int t;

	close(sup);
	if (see < 0 || (exec_storm && allow_executables(see)) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_landlock_restrict_self, see, 0))
		_exit(2);
	for (t = 0; t < THREADS; t++) {
		args[t] = (struct worker_arg){ seed + t * 7919, id * THREADS + t, until };
		pthread_create(&threads[t], NULL, work, &args[t]);
	}
	for (t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	_exit(0);
}

/* Was @r allowed by a version in force at some time during it? */
static bool explained(const struct record *r)
{
	const __u64 need[] = { R, MK, RM, BIND };
	unsigned long k;

	for (k = 0; k < num_versions; k++) {
		const struct version *v = &versions[k];
		/* In force from its commit to the end of the next one. */
		const double until = k + 1 < num_versions ? versions[k + 1].end : 1e18;
		const __u64 have = r->op == OP_BIND ? v->port[r->object] : v->dir[r->object];

		if (v->start <= r->end && until >= r->start && (have & need[r->op]))
			return true;
	}
	return false;
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

int main(int argc, char **argv)
{
	const double seconds = argc > 1 ? atof(argv[1]) : 3;
	unsigned int seed = argc > 2 ? (unsigned int)atoi(argv[2]) : (unsigned int)time(NULL);
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = R | MK | RM,
		.handled_access_net = BIND,
	};
	unsigned long i, unexplained = 0, bad_errors = 0, allowed = 0, denied = 0;
	pthread_t commit_thread, answer_thread;
	long objects_before, objects_after;
	double until;
	int w;

	/* An exec storm's child: read once, exit with the errno. */
	if (argc == 3 && !strcmp(argv[1], "--read")) {
		const int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

		return fd < 0 ? errno : 0;
	}
	exec_storm = argc > 3 && !strcmp(argv[3], "exec-storm");
	fork_storm = exec_storm || (argc > 3 && !strcmp(argv[3], "fork-storm"));
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		return 2;
	printf("stress: %.0f s, seed %u%s\n", seconds, seed,
	       exec_storm   ? ", exec storm"
	       : fork_storm ? ", fork storm"
			    : "");
	snprintf(root, sizeof(root), "/tmp/ll-stress-XXXXXX");
	if (!mkdtemp(root))
		return 2;
	for (w = 0; w < DIRS; w++) {
		char path[128];

		dir_path(path, sizeof(path), w);
		mkdir(path, 0755);
		strcat(path, "/f");
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}
	versions = calloc(MAX_VERSIONS, sizeof(*versions));
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (!versions || shared == MAP_FAILED)
		return 2;

	objects_before = kmalloc_objects();
	sup = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
		      LANDLOCK_CREATE_RULESET_SUPERVISOR | LANDLOCK_CREATE_RULESET_NOTIFY);
	if (sup < 0) {
		perror("stress: supervisor");
		return 2;
	}
	/* Version 0: nothing allowed, from the start. */
	versions[0].start = versions[0].end = 0;
	num_versions = 1;
	pthread_create(&commit_thread, NULL, committer, &seed);
	pthread_create(&answer_thread, NULL, answerer, &seed);

	until = now() + seconds;
	/* Workers join and leave: a new generation every second. */
	while (now() < until) {
		pid_t pids[WORKERS];
		const double gen_until = now() + 1 < until ? now() + 1 : until;

		for (w = 0; w < WORKERS; w++) {
			pids[w] = fork();
			if (pids[w] == 0)
				run_worker(w, seed + w * 104729 + (unsigned int)now(), gen_until);
		}
		for (w = 0; w < WORKERS; w++)
			waitpid(pids[w], NULL, 0);
	}
	stop = true;
	pthread_join(commit_thread, NULL);
	pthread_join(answer_thread, NULL);
	close(sup);

	for (i = 0; i < shared->num_records && i < MAX_RECORDS; i++) {
		const struct record *r = &shared->records[i];

		if (r->err == 0) {
			allowed++;
			if (!explained(r)) {
				unexplained++;
				if (unexplained <= 5)
					fprintf(stderr,
						"stress: op %d on %d at %.6f-%.6f allowed by no committed version\n",
						r->op, r->object, r->start, r->end);
			}
		} else if (r->err == EACCES || r->err == EEXIST) {
			denied++;
		} else {
			bad_errors++;
			if (bad_errors <= 5)
				fprintf(stderr, "stress: op %d failed with %s\n", r->op,
					strerror(r->err));
		}
	}
	/* Freed versions and events go after a grace period and a work. */
	sleep(1);
	objects_after = kmalloc_objects();
	printf("stress: %lu commits, %lu accesses (%lu allowed, %lu denied), %lu events, %lu answers, kmalloc objects %+ld\n",
	       num_versions - 1, allowed + denied + bad_errors, allowed, denied, events, answers,
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
	if (unexplained || bad_errors || events != answers) {
		printf("stress: FAILED (seed %u): %lu unexplained, %lu bad errors\n", seed,
		       unexplained, bad_errors);
		return 1;
	}
	printf("stress: ok\n");
	return 0;
}
