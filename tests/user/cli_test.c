// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the command's internals on the host (no kernel feature
 * needed): the hash map, learning (narrow rules, what existed before the
 * run, rules moved off created files, generalised rules, --fold limits and
 * what it may not widen), and tracing, at 100,000 files.  Built with
 * AddressSanitizer and UBSan.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h" /* struct ll_event, to make events */
#include "learn.h"
#include "output.h"
#include "strmap.h"
#include "trace.h"
#include "check.h"

#define R LANDLOCK_ACCESS_FS_READ_FILE
#define W LANDLOCK_ACCESS_FS_WRITE_FILE
#define T LANDLOCK_ACCESS_FS_TRUNCATE
#define X LANDLOCK_ACCESS_FS_EXECUTE
#define RM LANDLOCK_ACCESS_FS_REMOVE_FILE
#define RD LANDLOCK_ACCESS_FS_READ_DIR
#define MREG LANDLOCK_ACCESS_FS_MAKE_REG
#define MDIR LANDLOCK_ACCESS_FS_MAKE_DIR

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* An access to a file, or (@name) the creation of an entry in a directory. */
static struct ll_event *event(const char *path, const char *name, uint64_t access)
{
	/* The layout is the library's (lib/internal.h): tests fill it in. */
	static struct ll_event ev;

	memset(&ev, 0, sizeof(ev));
	/* As received by the command: paths, no descriptor. */
	ev.object_fd = -1;
	ev.dest_fd = -1;
	ev.access = access;
	snprintf(ev.object_path, sizeof(ev.object_path), "%s", path);
	snprintf(ev.name, sizeof(ev.name), "%s", name ? name : "");
	ev.object_is_dir = name != NULL;
	return &ev;
}

static uint64_t rule(const struct learn *l, const char *path)
{
	const struct strmap_entry *e = strmap_find(&l->rules, path);

	return e ? e->value : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the tree at @dir. */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes @text to @dir/@name (directories made on the way); its path in @buf. */
static const char *put(char *buf, size_t len, const char *dir, const char *name, const char *text)
{
	char sub[512];
	FILE *f;
	char *p;

	snprintf(buf, len, "%s/%s", dir, name);
	snprintf(sub, sizeof(sub), "%s", buf);
	for (p = sub + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(sub, 0755);
		*p = '/';
	}
	f = fopen(buf, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return buf;
}

/* @dir/@name in a static buffer (one at a time). */
static const char *at(const char *dir, const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void test_strmap(void)
{
	struct strmap m;
	char key[32];
	size_t i;

	strmap_init(&m);
	CHECK(!strmap_find(&m, "x"));
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		CHECK(!strmap_or(&m, key, i));
	}
	CHECK(m.count == 1000);
	CHECK(!strmap_or(&m, "k7", 8));
	CHECK(m.count == 1000 && strmap_find(&m, "k7")->value == 15);
	CHECK(!strcmp(m.entries[500].key, "k500")); /* insertion order */
	CHECK(!strmap_contains(&m, "k1000"));
	strmap_free(&m);
}

/* Creating a file grants only what its open needs on the directory. */
static void test_narrow_rights(void)
{
	struct ll_event *ev = event("/p", "new", MREG);

	/* Any later creation there may open read-write. */
	CHECK(learn_rights(ev, O_WRONLY | O_CREAT | O_TRUNC, false) == (MREG | W | R));
	CHECK(learn_rights(ev, O_RDONLY | O_CREAT, false) == (MREG | W | R));
	CHECK(learn_rights(ev, O_RDWR | O_CREAT, false) == (MREG | W | R));
	CHECK(learn_rights(ev, LL_OPEN_OTHER, false) == MREG);	/* mknod: no open */
	CHECK(!(learn_rights(ev, LL_OPEN_UNKNOWN, false) & T)); /* unknown: never truncate */
	/* No system call told (User-Mode Linux): taken for an open. */
	CHECK(learn_rights(ev, LL_OPEN_UNTOLD, false) == (MREG | W | R));
	/* A kernel that asks about the open: its rights go on the new file. */
	CHECK(learn_rights(ev, O_WRONLY | O_CREAT, true) == MREG);
	ev = event("/p", "d", MDIR);
	CHECK(learn_rights(ev, LL_OPEN_UNKNOWN, false) == MDIR);
	/* An open of the new file, a rename: their own rights. */
	ev = event("/p/new", NULL, W);
	ev->allow_once = ev->created = true;
	CHECK(learn_rights(ev, O_WRONLY | O_CREAT, false) == W);
}

/* Reads and writes are per file; created files move to their directory. */
static void test_learn_created(void)
{
	struct learn l;

	learn_init(&l);
	CHECK(!learn_event(&l, event("/p/in", NULL, R), R));
	CHECK(!learn_event(&l, event("/p", "sub", MDIR), MDIR));
	CHECK(!learn_event(&l, event("/p/sub", "new", MREG), MREG | W));
	CHECK(!learn_event(&l, event("/p/sub/new", NULL, R), R));
	CHECK(rule(&l, "/p/in") == R);
	CHECK(rule(&l, "/p") == (MDIR | MREG | W | R));
	CHECK(!strmap_contains(&l.rules, "/p/sub"));
	CHECK(!strmap_contains(&l.rules, "/p/sub/new"));
	learn_free(&l);
	/* Process directories go with their process: learned on /proc. */
	CHECK(learn_is_proc_pid("/proc/12/status") && learn_is_proc_pid("/proc/7"));
	CHECK(!learn_is_proc_pid("/proc/filesystems") && !learn_is_proc_pid("/proc/1x"));
	CHECK(!learn_is_proc_pid("/procs/1") && !learn_is_proc_pid("/proc/"));
	learn_init(&l);
	CHECK(!learn_event(&l, event("/proc/4242/status", NULL, R), R));
	CHECK(!learn_event(&l, event("/proc/4242/fd", NULL, RD), RD));
	CHECK(!learn_event(&l, event("/proc/filesystems", NULL, R), R));
	CHECK(rule(&l, "/proc") == (R | RD) && rule(&l, "/proc/filesystems") == R);
	CHECK(l.rules.count == 2);
	learn_free(&l);
}

/*
 * A kernel that asks about the open of a file that its call created: the
 * creation is learned with make_reg alone, and the open's own event (its
 * object the new file) as a creation there, with the rights it used: not
 * read_file for a file only written.
 */
static void test_learn_created_open(void)
{
	char dir[] = "/tmp/cli_test_created.XXXXXX", path[256];
	struct ll_event *ev;
	struct ll_trace trace;
	struct learn l;

	learn_init(&l);
	ll_trace_init(&trace);
	CHECK(!learn_event(&l, event("/p/out", "a.o", MREG), MREG));
	ev = event("/p/out/a.o", NULL, W);
	ev->allow_once = ev->created = true;
	CHECK(!learn_event(&l, ev, W));
	CHECK(!ll_trace_event(&trace, ev, -1));
	/* Created where a rule allowed it (no event for the creation). */
	ev = event("/p/out/b.o", NULL, W | R);
	ev->allow_once = ev->created = true;
	CHECK(!learn_event(&l, ev, W | R));
	CHECK(rule(&l, "/p/out") == (MREG | W | R));
	CHECK(!strmap_contains(&l.rules, "/p/out/a.o") && !strmap_contains(&l.rules, "/p/out/b.o"));
	CHECK(strmap_contains(&l.created, "/p/out/b.o"));
	/* Generalised as a creation: a rerun truncates and replaces. */
	CHECK(learn_generalise(rule(&l, "/p/out")) == (MREG | W | R | T | RM));
	learn_free(&l);
	learn_init(&l);
	ev = event("/p/out/c.o", NULL, W);
	ev->allow_once = ev->created = true;
	CHECK(!learn_event(&l, ev, W));
	CHECK(rule(&l, "/p/out") == (MREG | W));
	learn_free(&l);
	/*
	 * Traced as created and written, not read; not at all once gone
	 * ("DIR/#123 (deleted)").
	 */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.o", dir);
	CHECK(!close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)));
	ll_trace_free(&trace);
	ll_trace_init(&trace);
	ev = event(path, NULL, W | R);
	ev->allow_once = ev->created = true;
	CHECK(!ll_trace_event(&trace, ev, -1));
	CHECK(strmap_contains(&trace.create, path) && strmap_contains(&trace.write, path) &&
	      !trace.read.count && !trace.first.count);
	CHECK(!unlink(path) && !rmdir(dir));
	snprintf(path, sizeof(path), "%s/#123 (deleted)", dir);
	ev = event(path, NULL, W);
	ev->allow_once = ev->created = true;
	CHECK(!ll_trace_event(&trace, ev, -1) && trace.create.count == 1);
	ll_trace_free(&trace);
}

/* A rename: rules on both directories; traced as a rename and a creation. */
static void test_rename(void)
{
	struct ll_event *ev = event("/p/src", "old", LANDLOCK_ACCESS_FS_REMOVE_FILE | MREG);
	struct ll_trace trace;
	struct learn l;

	snprintf(ev->dest_path, sizeof(ev->dest_path), "/p/dst");
	snprintf(ev->dest_name, sizeof(ev->dest_name), "new");
	learn_init(&l);
	ll_trace_init(&trace);
	CHECK(learn_rights(ev, LL_OPEN_OTHER, false) == ll_event_access(ev));
	CHECK(!learn_event(&l, ev, ll_event_access(ev)));
	CHECK(rule(&l, "/p/src") == ll_event_access(ev) &&
	      rule(&l, "/p/dst") == ll_event_access(ev));
	CHECK(strmap_contains(&l.created, "/p/dst/new"));
	CHECK(!ll_trace_event(&trace, ev, -1));
	CHECK(trace.rename.count == 1 &&
	      !strcmp(trace.rename.entries[0].key, "/p/src/old\n/p/dst/new"));
	CHECK(strmap_contains(&trace.create, "/p/dst/new") && !trace.remove.count);
	/* An event whose path the supervisor could not get: not traced. */
	ev = event("", NULL, R);
	CHECK(!ll_trace_event(&trace, ev, -1) && !trace.read.count);
	learn_free(&l);
	ll_trace_free(&trace);
}

/* Reads the file at @path into @buf (at most @len - 1 bytes). */
static const char *slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/*
 * The make format: one rule per output, listing what the run had read when
 * the process that wrote it was gone; everything read for an output whose
 * process no event named.  Processes that do not exist are gone at once.
 */
static void test_trace_rules(void)
{
	char dir[] = "/tmp/cli_test_trace.XXXXXX", path[256], text[4096], want[1024];
	const char *files[] = { "in1", "in2", "out1", "out2", "out3" };
	const pid_t gone1 = 0x3ffff0, gone2 = 0x3ffff1;
	struct ll_trace trace;
	struct ll_event *ev;
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fclose(fopen(path, "we"));
	}
	ll_trace_init(&trace);
	snprintf(path, sizeof(path), "%s/in1", dir);
	ev = event(path, NULL, R);
	ev->pid = gone1;
	CHECK(!ll_trace_event(&trace, ev, -1));
	snprintf(path, sizeof(path), "%s/out1", dir);
	ev = event(path, NULL, W | T);
	ev->pid = gone1;
	CHECK(!ll_trace_event(&trace, ev, -1));
	/* Before the next answers: gone1 is gone. */
	CHECK(!ll_trace_inotify(&trace, -1) && trace.gone.count == 1);
	snprintf(path, sizeof(path), "%s/in2", dir);
	ev = event(path, NULL, R);
	ev->pid = gone2;
	CHECK(!ll_trace_event(&trace, ev, -1));
	ev = event(dir, "out2", MREG);
	ev->pid = gone2;
	CHECK(!ll_trace_event(&trace, ev, -1));
	/* out3: written, but no event named its process. */
	snprintf(path, sizeof(path), "%s/out3", dir);
	CHECK(strmap_add(&trace.write, path) != NULL);
	snprintf(path, sizeof(path), "%s/deps.d", dir);
	CHECK(!ll_trace_write(&trace, path, true));
	slurp(path, text, sizeof(text));
	unlink(path);
	snprintf(want, sizeof(want),
		 "%1$s/out1: \\\n %1$s/in1\n"
		 "%1$s/out3: \\\n %1$s/in1 \\\n %1$s/in2\n"
		 "%1$s/out2: \\\n %1$s/in1 \\\n %1$s/in2\n",
		 dir);
	CHECK(!strcmp(text, want));
	if (strcmp(text, want))
		printf("got:\n%s\nwanted:\n%s\n", text, want);
	/* Nothing to warn about here. */
	snprintf(path, sizeof(path), "%s/warnings", dir);
	{
		FILE *f = fopen(path, "w+e");

		CHECK(f && ll_trace_warn(&trace, f, true) == 0);
		fclose(f);
	}
	/* An overflow, and a depfile with no rule: warned. */
	ll_trace_free(&trace);
	ll_trace_init(&trace);
	trace.overflow = true;
	{
		FILE *f = fopen(path, "w+e");

		CHECK(f && ll_trace_warn(&trace, f, true) == 2);
		fclose(f);
	}
	slurp(path, text, sizeof(text));
	CHECK(strstr(text, "queue overflowed") && strstr(text, "depfile has no rule"));
	unlink(path);
	ll_trace_free(&trace);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static const char *const forbidden[] = { "/etc", "/home/user", "/root" };

static void test_fold_limits(void)
{
	const struct fold_limits limits = {
		.min_entries = 2, .min_depth = 2, .forbidden = forbidden, .num_forbidden = 3
	};
	struct learn l;

	CHECK(learn_depth("/") == 0 && learn_depth("/etc") == 1 && learn_depth("/a/b/") == 2);
	CHECK(!learn_may_fold("/", &limits));
	CHECK(!learn_may_fold("/tmp", &limits));
	CHECK(!learn_may_fold("/etc", &limits));
	CHECK(!learn_may_fold("/home/user", &limits));
	CHECK(!learn_may_fold("/home", &limits)); /* an ancestor of a home */
	CHECK(learn_may_fold("/home/user/src", &limits));
	CHECK(learn_may_fold("/var/tmp", &limits));

	/* The case: nothing may fold into / any more. */
	learn_init(&l);
	learn_path(&l, "/etc/passwd", R);
	learn_path(&l, "/etc/group", R);
	learn_path(&l, "/etc/hosts", R);
	learn_path(&l, "/var/tmp/x", R);
	learn_path(&l, "/tmp/a", R);
	learn_path(&l, "/tmp/b", W);
	CHECK(!learn_fold(&l, &limits));
	CHECK(l.rules.count == 6 && !strmap_contains(&l.rules, "/"));
	CHECK(rule(&l, "/etc/passwd") == R && rule(&l, "/tmp/b") == W);
	learn_free(&l);

	/* Credential directories, at any depth, and what is beneath them. */
	CHECK(learn_is_credential_dir(".ssh") && learn_is_credential_dir(".gnupg"));
	CHECK(!learn_is_credential_dir("ssh") && !learn_is_credential_dir(".sshx"));
	CHECK(!learn_may_fold("/srv/u/.ssh", &limits));
	CHECK(!learn_may_fold("/srv/u/.gnupg/private-keys-v1.d", &limits));
	CHECK(!learn_may_fold("/srv/u/.local/share/keyrings", &limits));
	CHECK(learn_may_fold("/srv/u/.sshd", &limits));
	/* A directory that does not exist here is not folded (nothing to check). */
	learn_init(&l);
	learn_path(&l, "/nonexistent-dir/x/1", R);
	learn_path(&l, "/nonexistent-dir/x/2", R);
	CHECK(!learn_fold(&l, &limits) && l.rules.count == 2);
	learn_free(&l);
}

/*
 * --fold widens nothing that exists: a directory is folded only if every
 * object beneath it already has the rights, and never holds credentials.
 */
static void test_fold_tight(void)
{
	const struct fold_limits limits = { .min_entries = 2, .min_depth = 2 };
	char dir[] = "/tmp/cli_test.XXXXXX", p[512], q[512];
	struct learn l;

	CHECK(mkdtemp(dir) != NULL);
	put(p, sizeof(p), dir, "all/1", "1");
	put(p, sizeof(p), dir, "all/2", "2");
	put(p, sizeof(p), dir, "part/1", "1");
	put(p, sizeof(p), dir, "part/2", "2");
	put(p, sizeof(p), dir, "part/3", "3");
	put(p, sizeof(p), dir, "deep/1", "1");
	put(p, sizeof(p), dir, "deep/2", "2");
	put(p, sizeof(p), dir, "deep/sub/unread", "x");
	put(p, sizeof(p), dir, "mixed/r", "r");
	put(p, sizeof(p), dir, "mixed/rw", "rw");
	put(p, sizeof(p), dir, "home/.ssh/config", "c");
	put(p, sizeof(p), dir, "home/.ssh/known_hosts", "k");
	put(p, sizeof(p), dir, "home/.ssh/id_ed25519", "key");
	put(p, sizeof(p), dir, "keys/.gnupg/a", "a");
	put(p, sizeof(p), dir, "keys/.gnupg/b", "b");
	put(p, sizeof(p), dir, "keys/1", "1");
	put(p, sizeof(p), dir, "keys/2", "2");
	learn_init(&l);
	learn_path(&l, at(dir, "all/1"), R);
	learn_path(&l, at(dir, "all/2"), R);
	learn_path(&l, at(dir, "part/1"), R);
	learn_path(&l, at(dir, "part/2"), R);
	learn_path(&l, at(dir, "deep/1"), R);
	learn_path(&l, at(dir, "deep/2"), R);
	learn_path(&l, at(dir, "mixed/r"), R);
	learn_path(&l, at(dir, "mixed/rw"), R | W);
	learn_path(&l, at(dir, "home/.ssh/config"), R);
	learn_path(&l, at(dir, "home/.ssh/known_hosts"), R);
	learn_path(&l, at(dir, "keys/.gnupg/a"), R);
	learn_path(&l, at(dir, "keys/.gnupg/b"), R);
	learn_path(&l, at(dir, "keys/1"), R);
	learn_path(&l, at(dir, "keys/2"), R);
	CHECK(!learn_fold(&l, &limits));
	/* Everything read: one rule. */
	CHECK(rule(&l, at(dir, "all")) == R && !rule(&l, at(dir, "all/1")));
	/* part/3 was not read, nor deep/sub/unread: per file. */
	CHECK(!rule(&l, at(dir, "part")) && rule(&l, at(dir, "part/1")) == R);
	CHECK(!rule(&l, at(dir, "deep")) && rule(&l, at(dir, "deep/2")) == R);
	/* What all have is folded; rw keeps its own rule. */
	CHECK(rule(&l, at(dir, "mixed")) == R && !rule(&l, at(dir, "mixed/r")));
	CHECK(rule(&l, at(dir, "mixed/rw")) == (R | W));
	/* Never into a credential directory, nor over one (even all read). */
	CHECK(!rule(&l, at(dir, "home/.ssh")) && rule(&l, at(dir, "home/.ssh/config")) == R);
	CHECK(!rule(&l, at(dir, "keys/.gnupg")) && !rule(&l, at(dir, "keys")));
	CHECK(rule(&l, at(dir, "keys/1")) == R);
	learn_free(&l);

	/* One pass: d folds, its parent (now with d and c) does not. */
	snprintf(q, sizeof(q), "%s/p", dir);
	CHECK(!mkdir(q, 0755));
	put(p, sizeof(p), q, "d/1", "1");
	put(p, sizeof(p), q, "d/2", "2");
	put(p, sizeof(p), q, "c", "c");
	learn_init(&l);
	learn_path(&l, at(q, "d/1"), R);
	learn_path(&l, at(q, "d/2"), R);
	learn_path(&l, at(q, "c"), W);
	CHECK(!learn_fold(&l, &limits));
	CHECK(rule(&l, at(q, "d")) == R && rule(&l, at(q, "c")) == W);
	CHECK(!strmap_contains(&l.rules, q) && l.rules.count == 2);
	learn_free(&l);
	remove_tree(dir);
}

/*
 * What existed before the run: beneath a directory where creations need no
 * event (a zone), what its listing did not hold, or held with another inode,
 * was created by the run, and its rights go to the nearest ancestor that
 * existed (the gcc temporary files, out/prog and .git files).
 */
static void test_zones(void)
{
	char dir[] = "/tmp/cli_test.XXXXXX", p[512], q[512];
	struct ll_event *ev;
	struct learn l;

	CHECK(mkdtemp(dir) != NULL);
	put(p, sizeof(p), dir, "src/main.c", "int main;");
	put(p, sizeof(p), dir, "out/old.o", "o");
	put(p, sizeof(p), dir, "out/stale", "s");
	learn_init(&l);
	/* Nothing is a zone yet: whatever has no creation event existed. */
	CHECK(learn_existed(&l, at(dir, "src/main.c")));
	CHECK(learn_existed(&l, "/nonexistent-dir/f"));
	/* The first creation in out/: an event, and out/ becomes a zone. */
	ev = event(at(dir, "out"), "a.o", MREG);
	CHECK(!learn_prepare(&l, ev, MREG | R | W));
	CHECK(!learn_event(&l, ev, MREG | R | W));
	CHECK(strmap_contains(&l.zones, at(dir, "out")));
	put(p, sizeof(p), dir, "out/a.o", "a");
	/* Later ones, with no event; a directory too, and files in it. */
	put(p, sizeof(p), dir, "out/prog", "p");
	put(p, sizeof(p), dir, "out/bin/tool", "t");
	/* out/stale is replaced: another inode at its path. */
	put(q, sizeof(q), dir, "out/stale.new", "n");
	CHECK(!rename(q, at(dir, "out/stale")));
	CHECK(!learn_existed(&l, at(dir, "out/a.o")));
	CHECK(!learn_existed(&l, at(dir, "out/prog")));
	CHECK(!learn_existed(&l, at(dir, "out/bin")));
	CHECK(!learn_existed(&l, at(dir, "out/bin/tool")));
	CHECK(!learn_existed(&l, at(dir, "out/stale")));
	CHECK(learn_existed(&l, at(dir, "out/old.o")));
	CHECK(learn_existed(&l, at(dir, "out")));
	CHECK(learn_existed(&l, at(dir, "src/main.c")));
	/* Running what was built: the rule goes to out/, which existed. */
	CHECK(!learn_event(&l, event(at(dir, "out/prog"), NULL, X), X));
	CHECK(!learn_event(&l, event(at(dir, "out/bin/tool"), NULL, X | R), X | R));
	CHECK(!learn_event(&l, event(at(dir, "out/old.o"), NULL, X), X));
	CHECK(rule(&l, at(dir, "out")) == (MREG | R | W | X));
	CHECK(!strmap_contains(&l.rules, at(dir, "out/prog")));
	CHECK(!strmap_contains(&l.rules, at(dir, "out/bin")));
	CHECK(rule(&l, at(dir, "out/old.o")) == X);
	/* A zone beneath a zone keeps the older listing. */
	CHECK(!learn_zone(&l, at(dir, "out/bin")));
	CHECK(!strmap_contains(&l.zones, at(dir, "out/bin")));
	CHECK(!learn_existed(&l, at(dir, "out/bin/tool")));
	/* A zone above older ones: their entries keep their verdict. */
	CHECK(!learn_zone(&l, dir));
	CHECK(learn_existed(&l, at(dir, "out")) && learn_existed(&l, at(dir, "src")));
	CHECK(!learn_existed(&l, at(dir, "out/prog")));
	put(p, sizeof(p), dir, "src/gen.h", "g");
	CHECK(!learn_existed(&l, at(dir, "src/gen.h")));
	CHECK(learn_existed(&l, at(dir, "src/main.c")));
	learn_free(&l);

	/* A listing that stops: what it did not list counts as existed. */
	learn_init(&l);
	l.max_snapshot = 1;
	CHECK(!learn_zone(&l, dir) && l.incomplete);
	CHECK(l.snapshot.count == 1 && l.unlisted.count >= 1);
	CHECK(learn_existed(&l, at(dir, "src/main.c")) && learn_existed(&l, at(dir, "out/prog")));
	/* What the zone gets after its listing is still created. */
	put(p, sizeof(p), dir, "late", "l");
	CHECK(!learn_existed(&l, at(dir, "late")));
	learn_free(&l);

	/* A link creates its destination only: the source existed. */
	learn_init(&l);
	ev = event(at(dir, "src"), "main.c", MREG | LANDLOCK_ACCESS_FS_REFER);
	snprintf(ev->dest_path, sizeof(ev->dest_path), "%s", at(dir, "out"));
	snprintf(ev->dest_name, sizeof(ev->dest_name), "main.c");
	CHECK(!learn_event(&l, ev, ll_event_access(ev)));
	CHECK(!strmap_contains(&l.created, at(dir, "src/main.c")));
	CHECK(strmap_contains(&l.created, at(dir, "out/main.c")));
	CHECK(learn_existed(&l, at(dir, "src/main.c")));
	learn_free(&l);
	remove_tree(dir);
}

/*
 * Learned rules serve the next states: where the run created files, a rerun
 * overwrites (truncate) and replaces (remove_file) them; elsewhere, exact.
 */
static void test_generalise(void)
{
	struct ll_policy *policy = ll_policy_new();
	uint64_t access = 0;
	struct learn l;

	CHECK(learn_generalise(MREG | R | W) == (MREG | R | W | T | RM));
	CHECK(learn_generalise(MREG) == (MREG | RM));
	CHECK(learn_generalise(MDIR | RD) == (MDIR | RD)); /* never remove_dir */
	CHECK(learn_generalise(R | W) == (R | W));	   /* a file that existed */
	CHECK(learn_generalise(R | X) == (R | X));
	learn_init(&l);
	learn_path(&l, "/p/o", MREG | R | W);
	CHECK(policy && !learn_policy(&l, policy));
	CHECK(policy && ll_policy_path(policy, 0, &access) && access == (MREG | R | W | T | RM));
	learn_free(&l);
	ll_policy_free(policy);
}

static void test_scale(void)
{
	struct ll_trace trace;
	struct ll_policy *policy = ll_policy_new();
	struct learn l;
	char path[64], out[] = "/tmp/cli_test.XXXXXX";
	double start = now();
	size_t i, bad = 0;
	int fd;

	learn_init(&l);
	ll_trace_init(&trace);
	for (i = 0; i < 100000; i++) {
		snprintf(path, sizeof(path), "/data/d%zu/f%zu", i / 500, i);
		bad += !!learn_event(&l, event(path, NULL, R), R);
		bad += !!ll_trace_event(&trace, event(path, NULL, R), -1);
		/* Again: sets stay sets. */
		bad += !!learn_event(&l, event(path, NULL, R), R);
	}
	CHECK(!bad);
	CHECK(l.rules.count == 100000 && trace.read.count == 100000);
	CHECK(policy && !learn_policy(&l, policy) && ll_policy_num_paths(policy) == 100000);
	ll_policy_set_abi(policy, 6);
	ll_policy_set_handled(policy, ll_fs_rights(6), 0, 0);
	fd = mkstemp(out);
	CHECK(fd >= 0);
	close(fd);
	CHECK(!ll_policy_write(policy, out));
	CHECK(!ll_trace_write(&trace, out, true));
	unlink(out);
	ll_policy_free(policy);
	printf("100,000 learned and traced files: %.2f s\n", now() - start);
	CHECK(now() - start < 20);
	learn_free(&l);
	ll_trace_free(&trace);
}

/*
 * 100,000 files that exist, in 200 directories of 500: listed as a zone,
 * learned, then folded (which lists them again).
 */
static void test_scale_fold(void)
{
	const struct fold_limits limits = { .min_entries = 1000, .min_depth = 2 };
	char dir[] = "/tmp/cli_test.XXXXXX", path[128];
	double start;
	size_t i, bad = 0;
	struct learn l;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < 100000; i++) {
		int fd;

		if (!(i % 500)) {
			snprintf(path, sizeof(path), "%s/d%zu", dir, i / 500);
			bad += !!mkdir(path, 0755);
		}
		snprintf(path, sizeof(path), "%s/d%zu/f%zu", dir, i / 500, i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		bad += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	CHECK(!bad);
	start = now();
	learn_init(&l);
	CHECK(!learn_zone(&l, dir) && l.snapshot.count == 100200 && !l.incomplete);
	for (i = 0; i < 100000; i++) {
		snprintf(path, sizeof(path), "%s/d%zu/f%zu", dir, i / 500, i);
		bad += !!learn_event(&l, event(path, NULL, R), R);
	}
	CHECK(!bad && l.rules.count == 100000);
	/* No fold at 1000, one rule each at 500. */
	CHECK(!learn_fold(&l, &limits) && l.rules.count == 100000);
	((struct fold_limits *)&limits)->min_entries = 500;
	CHECK(!learn_fold(&l, &limits) && l.rules.count == 200);
	printf("100,000 existing files listed, learned and folded: %.2f s\n", now() - start);
	learn_free(&l);
	remove_tree(dir);
}

static int write_text(void *ctx, const char *tmp)
{
	FILE *f = fopen(tmp, "we");

	if (!f)
		return -1;
	fputs(ctx, f);
	return fclose(f);
}

static int fail_writer(void *ctx, const char *tmp)
{
	(void)ctx;
	(void)tmp;
	return -1;
}

static void test_write_atomic(void)
{
	char dir[] = "/tmp/cli_test.XXXXXX", path[64], buf[16] = "";
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/out.json", dir);
	CHECK(!write_atomic(path, write_text, "one"));
	CHECK(!write_atomic(path, write_text, "two"));
	f = fopen(path, "re");
	CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "two"));
	if (f)
		fclose(f);
	/* A failed writer leaves the previous file and no temporary. */
	CHECK(write_atomic(path, fail_writer, NULL));
	CHECK(!unlink(path));
	CHECK(!rmdir(dir)); /* empty: no temporary left */
}

int main(void)
{
	test_strmap();
	test_narrow_rights();
	test_learn_created();
	test_learn_created_open();
	test_rename();
	test_trace_rules();
	test_fold_limits();
	test_fold_tight();
	test_zones();
	test_generalise();
	test_scale();
	test_scale_fold();
	test_write_atomic();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
