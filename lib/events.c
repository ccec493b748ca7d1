// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Receiving and answering supervisor events.  The kernel writes the paths of
 * the events' objects (LANDLOCK_RECV_PATH), for display and for the
 * one-call grants (ll_event_answer_grant()), and opens descriptors of them
 * only on request (LL_RECV_FDS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "internal.h"

_Static_assert(LL_RECV_MAX == LANDLOCK_RECV_MAX_EVENTS, "LL_RECV_MAX is the kernel's");

struct ll_event *ll_event_new(void)
{
	struct ll_event *event = calloc(1, sizeof(*event));

	if (event) {
		event->object_fd = -1;
		event->dest_fd = -1;
	}
	return event;
}

void ll_event_free(struct ll_event *event)
{
	if (!event)
		return;
	ll_event_release(event);
	free(event);
}

/* Copies the kernel's string field @src, always NUL-terminated. */
static void copy_string(char *dst, const char *src, size_t size)
{
	memcpy(dst, src, size);
	dst[size - 1] = '\0';
}

static void from_kernel(struct ll_event *event, const struct landlock_supervisor_event *raw)
{
	_Static_assert(sizeof(event->object_path) == sizeof(raw->path), "path size");
	_Static_assert(sizeof(event->name) == sizeof(raw->name), "name size");

	event->cookie = raw->cookie;
	event->access = raw->access;
	event->net = raw->type == LANDLOCK_EVENT_NET;
	event->pid = raw->tgid;
	event->tid = raw->tid;
	event->object_fd = raw->object_fd;
	event->dest_fd = raw->dest_fd;
	event->port = raw->port;
	copy_string(event->name, raw->name, sizeof(event->name));
	copy_string(event->dest_name, raw->dest_name, sizeof(event->dest_name));
	copy_string(event->object_path, raw->path, sizeof(event->object_path));
	copy_string(event->dest_path, raw->dest_path, sizeof(event->dest_path));
	event->object_is_dir = raw->flags & LANDLOCK_EVENT_OBJECT_DIR;
	event->allow_once = raw->flags & LANDLOCK_EVENT_ALLOW_ONCE;
	event->created = raw->flags & LANDLOCK_EVENT_CREATED;
}

int ll_event_recv_batch(int supervisor_fd, struct ll_event *const *events, size_t count,
			unsigned int flags)
{
	struct landlock_supervisor_recv recv = { 0 };
	struct landlock_supervisor_event *raw;
	int received, saved;
	size_t i;

	if (!count || (flags & ~LL_RECV_FDS)) {
		errno = EINVAL;
		return -1;
	}
	if (count > LL_RECV_MAX)
		count = LL_RECV_MAX;
	for (i = 0; i < count; i++)
		ll_event_release(events[i]);
	/* 8.7 kB an event: on the heap, for the time of the call. */
	raw = malloc(count * sizeof(*raw));
	if (!raw)
		return -1;
	recv.events = (uintptr_t)raw;
	recv.event_size = sizeof(*raw);
	recv.count = count;
	recv.flags = LANDLOCK_RECV_PATH | (flags & LL_RECV_FDS ? LANDLOCK_RECV_OBJECT_FD : 0);
	received = ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENTS, &recv);
	saved = errno;
	for (i = 0; received > 0 && i < (size_t)received && i < count; i++)
		from_kernel(events[i], &raw[i]);
	free(raw);
	if (received < 0) {
		errno = saved;
		return saved == EAGAIN ? 0 : -1;
	}
	return received;
}

int ll_event_recv_flags(int supervisor_fd, struct ll_event *event, unsigned int flags)
{
	return ll_event_recv_batch(supervisor_fd, &event, 1, flags);
}

/*
 * ll_event_recv() has two versions (lib/liblandlock-supervise.map): 0.2's
 * opens no descriptor, 0.1's, for the programs linked against 0.1, opened
 * them.
 */
#define LL_SYMVER(name) __attribute__((visibility("default"), symver(name)))

LL_SYMVER("ll_event_recv@@LANDLOCK_SUPERVISE_0.2")
int ll_event_recv_0_2(int supervisor_fd, struct ll_event *event);
LL_SYMVER("ll_event_recv@LANDLOCK_SUPERVISE_0.1")
int ll_event_recv_0_1(int supervisor_fd, struct ll_event *event);

int ll_event_recv_0_2(int supervisor_fd, struct ll_event *event)
{
	return ll_event_recv_flags(supervisor_fd, event, 0);
}

int ll_event_recv_0_1(int supervisor_fd, struct ll_event *event)
{
	return ll_event_recv_flags(supervisor_fd, event, LL_RECV_FDS);
}

int ll_event_answer(int supervisor_fd, const struct ll_event *event, bool allow)
{
	const struct landlock_supervisor_response response = {
		.cookie = event->cookie,
		.decision = allow ? LANDLOCK_SUPERVISOR_ALLOW : LANDLOCK_SUPERVISOR_DENY,
	};

	return ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
}

/* Whether the event's object and destination are the same directory. */
static bool same_directory(const struct ll_event *event)
{
	struct stat a, b;

	if (event->object_fd >= 0 && event->dest_fd >= 0)
		return !fstat(event->object_fd, &a) && !fstat(event->dest_fd, &b) &&
		       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return event->object_path[0] && !strcmp(event->object_path, event->dest_path);
}

uint64_t ll_event_grant_access(const struct ll_event *event, enum ll_event_target target)
{
	const bool two_dirs = !event->net && event->dest_name[0] && !same_directory(event);

	switch (target) {
	case LL_TARGET_OBJECT:
		/*
		 * A file that an open() created is opened without asking: the
		 * restarted call would not create it again.
		 */
		if (!event->net && event->name[0] && !event->dest_name[0] &&
		    (event->access & LANDLOCK_ACCESS_FS_MAKE_REG))
			return event->access | LANDLOCK_ACCESS_FS_READ_FILE |
			       LANDLOCK_ACCESS_FS_WRITE_FILE;
		return event->access;
	case LL_TARGET_DEST:
		return two_dirs ? event->access : 0;
	}
	return 0;
}

uint64_t ll_event_answer_rule(const struct ll_event *event, enum ll_answer_scope scope, char *path,
			      size_t len, uint64_t *transient)
{
	const uint64_t access = ll_event_grant_access(event, LL_TARGET_OBJECT);
	const bool entry = !event->net && (event->name[0] || event->dest_name[0]);
	uint64_t gone = 0;
	char *slash;

	if (transient)
		*transient = 0;
	if (len)
		path[0] = '\0';
	if (scope != LL_ANSWER_ONCE && scope != LL_ANSWER_OBJECT && scope != LL_ANSWER_TREE)
		return 0;
	/* The kernel's one-off answer: no rule at all. */
	if (scope == LL_ANSWER_ONCE && event->allow_once)
		return 0;
	if (scope == LL_ANSWER_ONCE || (scope == LL_ANSWER_OBJECT && entry))
		gone = access;
	if (!event->net && strlen(event->object_path) < len) {
		strcpy(path, event->object_path);
		/* The tree of a file: its directory. */
		if (scope == LL_ANSWER_TREE && !entry && !event->object_is_dir &&
		    (slash = strrchr(path, '/')))
			slash[slash == path] = '\0';
	}
	if (transient)
		*transient = gone;
	return access;
}

void ll_event_release(struct ll_event *event)
{
	if (event->object_fd >= 0)
		close(event->object_fd);
	if (event->dest_fd >= 0)
		close(event->dest_fd);
	event->object_fd = -1;
	event->dest_fd = -1;
}

const char *ll_event_object(const struct ll_event *event, char *buf, size_t len)
{
	if (event->net)
		snprintf(buf, len, "tcp port %llu", (unsigned long long)event->port);
	else if (event->name[0])
		snprintf(buf, len, "%s/%s",
			 strcmp(event->object_path, "/") ? event->object_path : "", event->name);
	else
		snprintf(buf, len, "%s", event->object_path);
	return buf;
}

uint64_t ll_event_cookie(const struct ll_event *event)
{
	return event->cookie;
}

uint64_t ll_event_access(const struct ll_event *event)
{
	return event->access;
}

bool ll_event_is_net(const struct ll_event *event)
{
	return event->net;
}

pid_t ll_event_pid(const struct ll_event *event)
{
	return event->pid;
}

pid_t ll_event_tid(const struct ll_event *event)
{
	return event->tid;
}

uint64_t ll_event_port(const struct ll_event *event)
{
	return event->port;
}

int ll_event_object_fd(const struct ll_event *event)
{
	return event->object_fd;
}

int ll_event_dest_fd(const struct ll_event *event)
{
	return event->dest_fd;
}

const char *ll_event_name(const struct ll_event *event)
{
	return event->name;
}

const char *ll_event_dest_name(const struct ll_event *event)
{
	return event->dest_name;
}

const char *ll_event_object_path(const struct ll_event *event)
{
	return event->object_path;
}

const char *ll_event_dest_path(const struct ll_event *event)
{
	return event->dest_path;
}

bool ll_event_object_is_dir(const struct ll_event *event)
{
	return event->object_is_dir;
}

bool ll_event_allow_once(const struct ll_event *event)
{
	return event->allow_once;
}

bool ll_event_created(const struct ll_event *event)
{
	return event->created;
}

/* --- What the kernel notifies ---------------------------------------------- */

/* Most time the probe waits for its child (a kernel that never answers). */
#define PROBE_TIMEOUT_MS 5000

/*
 * Waits for the probe's child to be denied: the flags of its event, or 0 if
 * it ended without one (@done, the end of a pipe that only the child holds,
 * hangs up), or after PROBE_TIMEOUT_MS.  The event is denied.
 */
static uint32_t probe_wait(int supervisor_fd, int done)
{
	struct landlock_supervisor_event *raw = calloc(1, sizeof(*raw));
	struct landlock_supervisor_recv recv = {
		.events = (uintptr_t)raw,
		.event_size = sizeof(*raw),
		.count = 1,
	};
	struct landlock_supervisor_response response = {
		.decision = LANDLOCK_SUPERVISOR_DENY,
	};
	uint32_t flags = 0;

	while (raw) {
		struct pollfd fds[2] = { { .fd = supervisor_fd, .events = POLLIN },
					 { .fd = done, .events = POLLIN } };
		const int n = poll(fds, 2, PROBE_TIMEOUT_MS);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((fds[0].revents & POLLIN) &&
		    ioctl(supervisor_fd, LANDLOCK_IOCTL_RECV_EVENTS, &recv) == 1) {
			flags = raw->flags & (LANDLOCK_EVENT_ALLOW_ONCE | LANDLOCK_EVENT_CREATED);
			response.cookie = raw->cookie;
			ioctl(supervisor_fd, LANDLOCK_IOCTL_SEND_RESPONSE, &response);
			break;
		}
		if (fds[1].revents)
			break;
	}
	free(raw);
	return flags;
}

/*
 * A sandboxed child creates a file in a new directory of @base, where its
 * supervisor lets it create files but not write them: a kernel that asks
 * about the open of a file its call created sends an event with
 * LANDLOCK_EVENT_CREATED (and LANDLOCK_EVENT_ALLOW_ONCE); an older one
 * denies the open without one.  Writes the flags of the event (or 0) into
 * *@flags; false if no directory could be made there.
 */
static bool probe_in(const char *base, uint32_t *flags)
{
	const uint64_t handled = LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_WRITE_FILE;
	char dir[4096], file[4200];
	int sup = -1, see = -1, dir_fd = -1, done[2] = { -1, -1 };
	pid_t child;

	*flags = 0;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/ll-probe.XXXXXX", base) >= sizeof(dir) ||
	    !mkdtemp(dir))
		return false;
	snprintf(file, sizeof(file), "%s/created", dir);
	sup = ll_supervisor_create(handled, 0, 0, true);
	dir_fd = open(dir, O_PATH | O_CLOEXEC);
	if (sup < 0 || dir_fd < 0 || ll_rule_fd(sup, dir_fd, LANDLOCK_ACCESS_FS_MAKE_REG, 0) ||
	    ll_commit(sup) || (see = ll_supervisee_get(sup)) < 0 || pipe2(done, O_CLOEXEC))
		goto out;
	child = fork();
	if (child == 0) {
		/* Only system calls: the caller may have other threads. */
		close(done[0]);
		if (!ll_restrict_self(see))
			open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		_exit(0);
	}
	close(done[1]);
	done[1] = -1;
	if (child > 0) {
		*flags = probe_wait(sup, done[0]);
		kill(child, SIGKILL);
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	}
out:
	if (done[0] >= 0)
		close(done[0]);
	if (done[1] >= 0)
		close(done[1]);
	if (see >= 0)
		close(see);
	if (dir_fd >= 0)
		close(dir_fd);
	if (sup >= 0)
		close(sup);
	unlink(file);
	rmdir(dir);
	return true;
}

static uint32_t probe(void)
{
	const char *bases[] = { getenv("TMPDIR"), "/tmp", "/dev/shm", "/var/tmp" };
	uint32_t flags = 0;
	size_t i;

	if (ll_missing_feature(true))
		return 0;
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (bases[i] && bases[i][0] == '/' && probe_in(bases[i], &flags))
			break;
	return flags;
}

/* The probe's result plus 1; 0 until it ran. */
static uint32_t probed;

uint32_t ll_kernel_event_flags(void)
{
	uint32_t flags = __atomic_load_n(&probed, __ATOMIC_ACQUIRE);

	if (!flags) {
		flags = probe() + 1;
		__atomic_store_n(&probed, flags, __ATOMIC_RELEASE);
	}
	return flags - 1;
}

/* File systems that create and open in one step (->atomic_open). */
static bool opens_in_one_step(long type)
{
	static const unsigned long types[] = {
		0x6969,	    /* NFS */
		0x01021997, /* 9p */
		0x65735546, /* FUSE */
		0xff534d42, /* CIFS */
		0xfe534d42, /* SMB2 */
		0x00c36400, /* Ceph */
		0x01161970, /* GFS2 */
		0x786f4256, /* vboxsf */
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((unsigned long)type == types[i] || (unsigned int)type == types[i])
			return true;
	return false;
}

/*
 * The type of the file system mounted on @dev, from /proc/self/mountinfo
 * (over 9p, fstatfs() gives the type of the server's file system instead).
 */
int ll_mount_type(dev_t dev, char *type, size_t size)
{
	unsigned int major_nr, minor_nr;
	char *line = NULL, found[64];
	const char *sep;
	size_t len = 0;
	int ret = -1;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	while (ret && getline(&line, &len, f) > 0) {
		if (sscanf(line, "%*d %*d %u:%u", &major_nr, &minor_nr) != 2 ||
		    makedev(major_nr, minor_nr) != dev)
			continue;
		sep = strstr(line, " - ");
		if (sep && sscanf(sep + 3, "%63s", found) == 1 &&
		    snprintf(type, size, "%s", found) < (int)size)
			ret = 0;
	}
	free(line);
	fclose(f);
	return ret;
}

/* Whether the file system mounted on @dev creates and opens in one step. */
static bool mount_opens_in_one_step(dev_t dev)
{
	static const char *const types[] = { "9p",   "nfs",  "nfs4",   "cifs", "smb3",
					     "ceph", "gfs2", "vboxsf", "fuse", "fuseblk" };
	char type[64];
	size_t i;

	if (ll_mount_type(dev, type, sizeof(type)))
		return false;
	/* "fuse.sshfs" and the like are FUSE too. */
	if (!strncmp(type, "fuse.", 5))
		type[4] = '\0';
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

/*
 * Reads @len bytes at @addr in the memory of thread @tid: process_vm_readv(),
 * or /proc/TID/mem on a kernel built without it (CONFIG_CROSS_MEMORY_ATTACH;
 * the same right to attach is checked).  Returns 0, or -1.
 */
static int read_task_memory(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	char path[64];
	ssize_t n;
	int fd;

	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n >= 0 || errno != ENOSYS)
		return n == (ssize_t)len ? 0 : -1;
	snprintf(path, sizeof(path), "/proc/%d/mem", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = addr <= INT64_MAX ? pread(fd, buf, len, (off_t)addr) : -1;
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

long ll_event_open_flags(const struct ll_event *event)
{
	const pid_t tid = event->tid;
	unsigned long long args[6] = { 0 };
	char path[64];
	long nr = -1;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	f = tid > 0 ? fopen(path, "re") : NULL;
	if (!f)
		return tid > 0 && access("/proc/self/syscall", F_OK) && errno == ENOENT &&
				       !access("/proc/self/stat", F_OK)
			       ? LL_OPEN_UNTOLD
			       : LL_OPEN_UNKNOWN;
	n = fscanf(f, "%ld %llx %llx %llx %llx %llx %llx", &nr, &args[0], &args[1], &args[2],
		   &args[3], &args[4], &args[5]);
	fclose(f);
	/* "running", or a task between two system calls: no arguments. */
	if (n < 4)
		return LL_OPEN_UNKNOWN;
	switch (nr) {
#ifdef SYS_open
	case SYS_open:
		return (long)(unsigned int)args[1];
#endif
#ifdef SYS_creat
	case SYS_creat:
		return O_CREAT | O_WRONLY | O_TRUNC;
#endif
	case SYS_openat:
		return (long)(unsigned int)args[2];
#ifdef SYS_openat2
	case SYS_openat2: {
		uint64_t flags;

		/* struct open_how begins with the flags. */
		if (read_task_memory(tid, args[2], &flags, sizeof(flags)))
			return LL_OPEN_UNKNOWN;
		return (long)(unsigned int)flags;
	}
#endif
	default:
		return LL_OPEN_OTHER; /* mknod(), rename(), link(), bind()... */
	}
}

bool ll_event_open_notified(const struct ll_event *event)
{
	struct statfs fs;
	struct stat st;
	long flags;

	if (event->net || !event->name[0] || event->dest_name[0] ||
	    !(event->access & LANDLOCK_ACCESS_FS_MAKE_REG))
		return false;
	if (event->object_fd >= 0 ? fstatfs(event->object_fd, &fs) || fstat(event->object_fd, &st)
				  : !event->object_path[0] || statfs(event->object_path, &fs) ||
					    stat(event->object_path, &st))
		return false;
	if (opens_in_one_step(fs.f_type) || mount_opens_in_one_step(st.st_dev))
		return false;
	/*
	 * The open of a file that an open() created waits in its check,
	 * whatever its flags (with O_NONBLOCK too, as touch(1) opens): not
	 * another system call (mknod() opens nothing), nor one that cannot be
	 * told.  Without the system calls in /proc, a creation is taken for an
	 * open(): if it was mknod(), the creation right alone was all it needed.
	 */
	flags = ll_event_open_flags(event);
	if (flags == LL_OPEN_OTHER || flags == LL_OPEN_UNKNOWN)
		return false;
	return ll_kernel_event_flags() & LANDLOCK_EVENT_CREATED;
}
