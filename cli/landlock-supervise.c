// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * landlock-supervise: run a command in a supervised Landlock layer and stay
 * its supervisor: live-reloaded policies, permissive mode writing a policy,
 * an interactive prompt, JSON-lines logs, and dependency tracing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "trace.h"

/* Exit codes of the tool's own failures (otherwise: COMMAND's status). */
enum {
	EXIT_USAGE = 2,	     /* bad option */
	EXIT_POLICY = 3,     /* bad or missing policy, or missing path */
	EXIT_KERNEL = 4,     /* the kernel lacks the feature */
	EXIT_SETUP = 5,	     /* supervisor setup failed */
	EXIT_NOTFOUND = 127, /* COMMAND not found */
	EXIT_NOEXEC = 126,   /* COMMAND not executable */
};

struct options {
	const char **policies, **bases;
	size_t num_policies, num_bases;
	bool watch, ask, permissive, ignore_missing, trace;
	const char *permissive_out, *log, *trace_out;
	bool trace_make;
	int fold;
	enum ll_apply_strategy strategy;
	char **command;
};

struct state {
	struct options *opt;
	struct ll_supervisor sup;
	struct ll_policy policy;	/* live policy (--policy) */
	struct ll_policy learned;	/* permissive mode */
	struct ll_policy denied_always; /* --ask "never" answers */
	char **created;			/* paths the run created */
	size_t num_created;
	struct ll_trace trace;
	FILE *log;
	FILE *tty;
	int inotify_fd;
	char trace_tmpdir[64]; /* the command's TMPDIR when tracing */
	bool warned_ancestor;
	pid_t child;
	unsigned long events;
};

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("landlock-supervise: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void usage(FILE *out)
{
	fputs("usage: landlock-supervise [options] -- COMMAND [ARGS...]\n"
	      "  --policy FILE        live rules (supervisor), repeatable, composed\n"
	      "  --base FILE          rules that can never be revoked (supervisee)\n"
	      "  --watch              reload the --policy files when they change\n"
	      "  --ask                ask on the terminal about each denied access\n"
	      "  --permissive[=OUT]   allow and record every denied access; write\n"
	      "                       a landlockconfig policy to OUT at exit\n"
	      "  --fold N             with --permissive, fold N or more entries of\n"
	      "                       one directory into a rule on the directory\n"
	      "  --trace[=OUT]        record every file the command reads, executes,\n"
	      "                       writes, creates, removes or renames\n"
	      "  --trace-format=json|make\n"
	      "  --log FILE           every event and decision as JSON lines\n"
	      "  --ignore-missing     skip policy paths that do not exist\n"
	      "  --strategy=S         how reloads change the rules: intersect\n"
	      "                       (default), replace, clear, commit-ruleset,\n"
	      "                       intersect-ruleset (docs/alternatives.md)\n"
	      "exit status: COMMAND's, or 2 usage, 3 policy, 4 kernel without the\n"
	      "feature, 5 setup failure, 126/127 COMMAND not executable/found\n",
	      out);
}

static void push(const char ***list, size_t *count, const char *item)
{
	*list = realloc(*list, (*count + 1) * sizeof(**list));
	if (!*list)
		die(EXIT_SETUP, "out of memory");
	(*list)[(*count)++] = item;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option long_options[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "base", required_argument, NULL, 'b' },
		{ "watch", no_argument, NULL, 'w' },
		{ "ask", no_argument, NULL, 'a' },
		{ "permissive", optional_argument, NULL, 'P' },
		{ "fold", required_argument, NULL, 'f' },
		{ "trace", optional_argument, NULL, 't' },
		{ "trace-format", required_argument, NULL, 'T' },
		{ "log", required_argument, NULL, 'l' },
		{ "ignore-missing", no_argument, NULL, 'i' },
		{ "strategy", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "+p:b:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			push(&opt->policies, &opt->num_policies, optarg);
			break;
		case 'b':
			push(&opt->bases, &opt->num_bases, optarg);
			break;
		case 'w':
			opt->watch = true;
			break;
		case 'a':
			opt->ask = true;
			break;
		case 'P':
			opt->permissive = true;
			opt->permissive_out = optarg;
			break;
		case 'f':
			opt->fold = atoi(optarg);
			if (opt->fold < 1)
				die(EXIT_USAGE, "--fold needs a number >= 1");
			break;
		case 't':
			opt->trace = true;
			opt->trace_out = optarg;
			break;
		case 'T':
			if (!strcmp(optarg, "make"))
				opt->trace_make = true;
			else if (strcmp(optarg, "json"))
				die(EXIT_USAGE, "--trace-format is json or make");
			break;
		case 'l':
			opt->log = optarg;
			break;
		case 'i':
			opt->ignore_missing = true;
			break;
		case 's':
			c = ll_apply_strategy_parse(optarg);
			if (c < 0)
				die(EXIT_USAGE,
				    "--strategy is intersect, replace, clear, commit-ruleset or intersect-ruleset");
			opt->strategy = c;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		die(EXIT_USAGE, "no COMMAND given");
	}
	if ((opt->ask + opt->permissive + opt->trace) > 1)
		die(EXIT_USAGE, "--ask, --permissive and --trace exclude each other");
	if (opt->watch && !opt->num_policies)
		die(EXIT_USAGE, "--watch needs a --policy file");
	opt->command = argv + optind;
}

static int load_policies(const char **files, size_t count, struct ll_policy *out, char *err)
{
	struct ll_policy policy = { 0 };
	size_t i;

	for (i = 0; i < count; i++) {
		if (ll_policy_load(&policy, files[i], err)) {
			ll_policy_free(&policy);
			return -1;
		}
	}
	ll_policy_free(out);
	*out = policy;
	return 0;
}

/* --- Logging ---------------------------------------------------------- */

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = pid > 0 ? fopen(path, "re") : NULL;
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void log_event(struct state *st, const struct ll_event *ev, const char *decision,
		      long wait_us)
{
	struct json_object *line, *access;
	char names[512], object[8192], comm[64], *save = NULL, *tok;
	struct timespec now;

	if (!st->log)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	read_comm(ev->pid, comm, sizeof(comm));
	line = json_object_new_object();
	access = json_object_new_array();
	ll_access_names(ev->access, ev->net, names, sizeof(names));
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(access, json_object_new_string(tok));
	json_object_object_add(line, "time",
			       json_object_new_double(now.tv_sec + now.tv_nsec / 1e9));
	json_object_object_add(line, "pid", json_object_new_int(ev->pid));
	json_object_object_add(line, "tid", json_object_new_int(ev->tid));
	json_object_object_add(line, "comm", json_object_new_string(comm));
	json_object_object_add(line, "type", json_object_new_string(ev->net ? "net" : "fs"));
	json_object_object_add(line, "access", access);
	if (ev->net)
		json_object_object_add(line, "port", json_object_new_int64(ev->port));
	else
		json_object_object_add(
			line, "object",
			json_object_new_string(ll_event_object(ev, object, sizeof(object))));
	if (ev->dest_fd >= 0) {
		snprintf(object, sizeof(object), "%s/%s", ev->dest_path, ev->dest_name);
		json_object_object_add(line, "dest", json_object_new_string(object));
	}
	/* The supervised layer is the one this command added. */
	json_object_object_add(line, "layer", json_object_new_string("landlock-supervise"));
	json_object_object_add(line, "decision", json_object_new_string(decision));
	json_object_object_add(line, "wait_us", json_object_new_int64(wait_us));
	fprintf(st->log, "%s\n",
		json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(st->log);
	json_object_put(line);
}

/* --- Permissive mode and tracing: what the run touched ------------------- */

static uint64_t rights_for(const struct ll_event *ev);

static bool was_created(const struct state *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->num_created; i++)
		if (!strcmp(st->created[i], path))
			return true;
	return false;
}

static void note_created(struct state *st, const char *dir, const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0)
		return;
	st->created = realloc(st->created, (st->num_created + 1) * sizeof(char *));
	if (st->created)
		st->created[st->num_created++] = path;
}

#define MAKE_RIGHTS                                                     \
	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |   \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

/*
 * Records in the learned policy a rule allowing @access on @path.  Rules bind
 * to inodes: a file or directory the run created does not exist when the
 * policy is replayed, so the rule goes to its nearest ancestor that existed
 * before the run.
 */
static void learn_path(struct state *st, const char *path, uint64_t access)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	while (was_created(st, buf) && strcmp(buf, "/"))
		dirname(buf);
	ll_policy_add_path(&st->learned, buf, access);
}

/* Records in the learned policy what allows @ev. */
static void learn(struct state *st, const struct ll_event *ev)
{
	if (ev->net) {
		ll_policy_add_port(&st->learned, ev->port, ev->access);
		return;
	}
	if (ev->name[0]) {
		learn_path(st, ev->object_path, rights_for(ev));
		if (ev->access & MAKE_RIGHTS)
			note_created(st, ev->object_path, ev->name);
		if (ev->dest_fd >= 0) {
			learn_path(st, ev->dest_path, rights_for(ev));
			note_created(st, ev->dest_path, ev->dest_name);
		}
		return;
	}
	learn_path(st, ev->object_path, ev->access);
}

/* Folds directories holding @fold or more rules into one rule each. */
static void fold_policy(struct ll_policy *policy, int fold)
{
	size_t i, j;

	for (i = 0; i < policy->num_paths; i++) {
		char dir[4096];
		uint64_t access = 0;
		int count = 0;

		snprintf(dir, sizeof(dir), "%s", policy->paths[i].path);
		dirname(dir);
		for (j = 0; j < policy->num_paths; j++) {
			char other[4096];

			snprintf(other, sizeof(other), "%s", policy->paths[j].path);
			if (!strcmp(dirname(other), dir)) {
				count++;
				access |= policy->paths[j].access;
			}
		}
		if (count < fold)
			continue;
		for (j = 0; j < policy->num_paths;) {
			char other[4096];

			snprintf(other, sizeof(other), "%s", policy->paths[j].path);
			if (!strcmp(dirname(other), dir)) {
				free(policy->paths[j].path);
				policy->paths[j] = policy->paths[--policy->num_paths];
			} else {
				j++;
			}
		}
		ll_policy_add_path(policy, dir, access);
		i = (size_t)-1;
	}
}

/* --- Deciding ------------------------------------------------------------ */

/*
 * Rights that allow @ev.  A regular file created under a rule for its
 * directory is then opened for writing under the same rule, and that open
 * is denied without an event (the file was just created): creating a file
 * comes with the rights to open it.
 */
static uint64_t rights_for(const struct ll_event *ev)
{
	uint64_t access = ev->access;

	if (!ev->net && (access & LANDLOCK_ACCESS_FS_MAKE_REG))
		access |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
			  LANDLOCK_ACCESS_FS_TRUNCATE;
	return access;
}

/* Stages rules that allow @ev: on its objects, or on their @tree. */
static int grant(struct state *st, const struct ll_event *ev, bool tree)
{
	int fd = ev->object_fd;
	int err = 0;

	if (ev->net)
		return ll_supervisor_grant_port(&st->sup, ev->port, ev->access);
	if (tree && !ev->object_is_dir && !ev->name[0]) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s", ev->object_path);
		fd = open(dirname(dir), O_PATH | O_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	if (fd >= 0)
		err = ll_supervisor_grant_fd(&st->sup, fd, rights_for(ev));
	if (fd != ev->object_fd)
		close(fd);
	if (!err && ev->dest_fd >= 0)
		err = ll_supervisor_grant_fd(&st->sup, ev->dest_fd, rights_for(ev));
	return err;
}

static bool denied_always(const struct state *st, const struct ll_event *ev)
{
	char object[8192];
	size_t i;

	ll_event_object(ev, object, sizeof(object));
	for (i = 0; i < st->denied_always.num_paths; i++)
		if (!strcmp(st->denied_always.paths[i].path, object) &&
		    !(ev->access & ~st->denied_always.paths[i].access))
			return true;
	return false;
}

/* Asks on the terminal; returns 'o', 't', 'd' or 'n'. */
static int ask(struct state *st, const struct ll_event *ev)
{
	char names[512], object[8192], comm[64], line[64];

	if (!st->tty)
		return 'd';
	read_comm(ev->pid, comm, sizeof(comm));
	fprintf(st->tty,
		"\nlandlock-supervise: %s (pid %d) wants %s on %s%s%s\n"
		"  [o] allow this object  [t] allow its directory tree\n"
		"  [d] deny  [n] deny always  > ",
		comm, ev->pid, ll_access_names(ev->access, ev->net, names, sizeof(names)),
		ll_event_object(ev, object, sizeof(object)), ev->dest_fd >= 0 ? " to " : "",
		ev->dest_fd >= 0 ? ev->dest_path : "");
	fflush(st->tty);
	if (!fgets(line, sizeof(line), st->tty))
		return 'd';
	switch (line[0]) {
	case 'o':
	case 'y':
		return 'o';
	case 't':
	case 'a':
		return 't';
	case 'n':
		return 'n';
	default:
		return 'd';
	}
}

static long elapsed_us(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000000L + (now.tv_nsec - since->tv_nsec) / 1000;
}

/*
 * Rules cover whole hierarchies: once a directory may get new files, what
 * happens beneath it needs no event.  Tracing watches such directories with
 * inotify, which is not recursive: warns when the working directory is
 * beneath one of them.
 */
static void warn_if_ancestor(struct state *st, const struct ll_event *ev)
{
	char cwd[4096];
	size_t len;

	if (st->warned_ancestor || !ev->name[0] || !getcwd(cwd, sizeof(cwd)))
		return;
	len = strlen(ev->object_path);
	if (strncmp(cwd, ev->object_path, len) ||
	    (cwd[len] && cwd[len] != '/' && strcmp(ev->object_path, "/")))
		return;
	st->warned_ancestor = true;
	fprintf(stderr,
		"landlock-supervise: trace: %s gets new entries and contains the working directory: accesses beneath it are no longer traced\n",
		ev->object_path);
}

#define BATCH 64

/* Answers a burst of events with (at most) one commit. */
static void handle_events(struct state *st)
{
	struct ll_event events[BATCH];
	bool allow[BATCH];
	struct timespec received[BATCH];
	size_t count = 0, i;
	bool staged = false;
	int ret;

	while (count < BATCH && (ret = ll_event_recv(st->sup.fd, &events[count])) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &received[count]);
		count++;
	}
	for (i = 0; i < count; i++) {
		struct ll_event *ev = &events[i];

		st->events++;
		allow[i] = false;
		if (st->opt->permissive || st->opt->trace) {
			if (st->opt->trace)
				warn_if_ancestor(st, ev);
			allow[i] = !grant(st, ev, false);
			if (st->opt->permissive)
				learn(st, ev);
			else
				ll_trace_event(&st->trace, ev, st->inotify_fd);
		} else if (st->opt->ask && !denied_always(st, ev)) {
			const int answer = ask(st, ev);

			if (answer == 'o' || answer == 't')
				allow[i] = !grant(st, ev, answer == 't');
			if (answer == 'n') {
				char object[8192];

				ll_policy_add_path(&st->denied_always,
						   ll_event_object(ev, object, sizeof(object)),
						   ev->access);
			}
		}
		staged = staged || allow[i];
	}
	if (staged && ll_supervisor_commit(&st->sup)) {
		fprintf(stderr, "landlock-supervise: commit failed: %s\n", strerror(errno));
		memset(allow, 0, sizeof(allow));
	}
	for (i = 0; i < count; i++) {
		ll_event_answer(st->sup.fd, &events[i], allow[i]);
		log_event(st, &events[i], allow[i] ? "allow" : "deny", elapsed_us(&received[i]));
		ll_event_release(&events[i]);
	}
}

/* --- Live reload ----------------------------------------------------------- */

static int watch_policies(struct state *st)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	size_t i;

	if (fd < 0)
		return -1;
	for (i = 0; i < st->opt->num_policies; i++) {
		char dir[4096];

		/* Watches directories: editors replace files. */
		snprintf(dir, sizeof(dir), "%s", st->opt->policies[i]);
		if (inotify_add_watch(fd, dirname(dir), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) <
		    0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void reload(struct state *st, int watch_fd)
{
	char buf[4096] __attribute__((aligned(8))), err[LL_ERR_LEN], warn[LL_ERR_LEN];
	struct ll_policy policy = { 0 };

	while (read(watch_fd, buf, sizeof(buf)) > 0)
		;
	if (load_policies(st->opt->policies, st->opt->num_policies, &policy, err)) {
		fprintf(stderr, "landlock-supervise: reload failed, previous policy kept: %s\n",
			err);
		return;
	}
	if (policy.handled_fs & ~st->sup.handled_fs || policy.handled_net & ~st->sup.handled_net)
		fprintf(stderr,
			"landlock-supervise: reload: handled rights cannot change in a running layer; extra ones ignored\n");
	if (ll_supervisor_apply_with(&st->sup, &policy, st->opt->strategy,
				     st->opt->ignore_missing ? LL_IGNORE_MISSING : 0, warn)) {
		fprintf(stderr, "landlock-supervise: reload failed, previous policy kept: %s\n",
			warn);
		ll_policy_free(&policy);
		return;
	}
	if (warn[0])
		fprintf(stderr, "landlock-supervise: reload: %s\n", warn);
	fprintf(stderr, "landlock-supervise: policy reloaded (%zu path rules, %zu port rules)\n",
		policy.num_paths, policy.num_ports);
	ll_policy_free(&st->policy);
	st->policy = policy;
}

/* --- Main ------------------------------------------------------------------ */

static pid_t spawn(struct state *st, int supervisee_fd)
{
	int status_pipe[2];
	pid_t child;
	int err = 0;

	if (pipe2(status_pipe, O_CLOEXEC))
		die(EXIT_SETUP, "pipe: %s", strerror(errno));
	/* fork, never vfork: a vfork parent would wait for its supervisee. */
	child = fork();
	if (child < 0)
		die(EXIT_SETUP, "fork: %s", strerror(errno));
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Temporary files go to a directory of their own (cf. trace.c). */
		if (st->trace_tmpdir[0])
			setenv("TMPDIR", st->trace_tmpdir, 1);
		close(status_pipe[0]);
		close(st->sup.fd);
		if (ll_restrict_self(supervisee_fd)) {
			err = errno;
		} else {
			execvp(st->opt->command[0], st->opt->command);
			err = errno;
		}
		/* Tells the parent why the command did not start. */
		if (write(status_pipe[1], &err, sizeof(err)) != sizeof(err))
			_exit(EXIT_SETUP);
		_exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}
	close(status_pipe[1]);
	if (read(status_pipe[0], &err, sizeof(err)) == sizeof(err)) {
		waitpid(child, NULL, 0);
		if (err == ENOENT)
			die(EXIT_NOTFOUND, "%s: command not found", st->opt->command[0]);
		die(EXIT_NOEXEC, "%s: %s", st->opt->command[0], strerror(err));
	}
	close(status_pipe[0]);
	return child;
}

static void write_outputs(struct state *st)
{
	if (st->opt->permissive) {
		const char *out = st->opt->permissive_out ?: "landlock-permissive.json";

		st->learned.abi = 6;
		st->learned.handled_fs = st->sup.handled_fs;
		st->learned.handled_net = st->sup.handled_net;
		if (st->opt->fold)
			fold_policy(&st->learned, st->opt->fold);
		if (ll_policy_write(&st->learned, out))
			fprintf(stderr, "landlock-supervise: cannot write %s: %s\n", out,
				strerror(errno));
		else
			fprintf(stderr, "landlock-supervise: %lu events; policy written to %s\n",
				st->events, out);
	}
	if (st->opt->trace) {
		const char *out = st->opt->trace_out
					  ?: (st->opt->trace_make ? "landlock-trace.d"
								  : "landlock-trace.json");

		if (ll_trace_write(&st->trace, out, st->opt->trace_make))
			fprintf(stderr, "landlock-supervise: cannot write %s: %s\n", out,
				strerror(errno));
		else
			fprintf(stderr, "landlock-supervise: %lu events; trace written to %s\n",
				st->events, out);
	}
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct state st = { .opt = &opt, .inotify_fd = -1 };
	struct ll_policy base = { 0 };
	char err[LL_ERR_LEN];
	const char *missing;
	uint64_t handled_fs, handled_net, scoped;
	int supervisee_fd, watch_fd = -1, signal_fd, status = 0;
	bool notify;
	sigset_t mask;

	parse_options(argc, argv, &opt);
	notify = opt.ask || opt.permissive || opt.trace || opt.log;
	missing = ll_missing_feature(notify);
	if (missing)
		die(EXIT_KERNEL, "%s", missing);
	if (load_policies(opt.policies, opt.num_policies, &st.policy, err) ||
	    load_policies(opt.bases, opt.num_bases, &base, err))
		die(EXIT_POLICY, "%s", err);

	handled_fs = st.policy.handled_fs | base.handled_fs;
	handled_net = st.policy.handled_net | base.handled_net;
	scoped = st.policy.scoped | base.scoped;
	if (!handled_fs && !handled_net)
		handled_fs = ll_fs_rights(6);
	if (ll_supervisor_init(&st.sup, handled_fs, handled_net, scoped, notify))
		die(EXIT_SETUP, "cannot create the supervisor: %s", strerror(errno));
	if (ll_supervisor_apply(&st.sup, &st.policy, opt.ignore_missing ? LL_IGNORE_MISSING : 0,
				err))
		die(EXIT_POLICY, "%s", err);
	if (err[0])
		fprintf(stderr, "landlock-supervise: %s\n", err);
	supervisee_fd = ll_supervisee_get(st.sup.fd);
	if (supervisee_fd < 0)
		die(EXIT_SETUP, "cannot get the supervisee ruleset: %s", strerror(errno));
	base.handled_fs = handled_fs;
	base.handled_net = handled_net;
	if (ll_supervisee_add_policy(supervisee_fd, &base,
				     opt.ignore_missing ? LL_IGNORE_MISSING : 0, err))
		die(EXIT_POLICY, "%s", err);
	if (opt.log) {
		st.log = fopen(opt.log, "ae");
		if (!st.log)
			die(EXIT_SETUP, "%s: %s", opt.log, strerror(errno));
	}
	if (opt.ask) {
		st.tty = fopen("/dev/tty", "r+e");
		if (!st.tty)
			fprintf(stderr,
				"landlock-supervise: no terminal: every denial is denied\n");
	}
	if (opt.trace) {
		const char *tmp = getenv("TMPDIR");

		st.inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		ll_trace_init(&st.trace);
		/*
		 * A rule that lets the command create its temporary files in /tmp
		 * would cover a project under /tmp: its own TMPDIR cannot be an
		 * ancestor of anything else.
		 */
		snprintf(st.trace_tmpdir, sizeof(st.trace_tmpdir), "%s/landlock-trace.XXXXXX",
			 tmp && tmp[0] ? tmp : "/tmp");
		if (strlen(st.trace_tmpdir) >= sizeof(st.trace_tmpdir) - 1 ||
		    !mkdtemp(st.trace_tmpdir))
			st.trace_tmpdir[0] = '\0';
	}
	if (opt.watch) {
		watch_fd = watch_policies(&st);
		if (watch_fd < 0)
			die(EXIT_SETUP, "inotify: %s", strerror(errno));
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0 || fcntl(st.sup.fd, F_SETFL, O_NONBLOCK))
		die(EXIT_SETUP, "signalfd: %s", strerror(errno));

	st.child = spawn(&st, supervisee_fd);
	close(supervisee_fd);

	for (;;) {
		struct pollfd fds[4] = {
			{ .fd = st.sup.fd, .events = POLLIN },
			{ .fd = signal_fd, .events = POLLIN },
			{ .fd = watch_fd, .events = POLLIN },
			{ .fd = st.inotify_fd, .events = POLLIN },
		};
		pid_t done;

		if (poll(fds, 4, -1) < 0 && errno != EINTR)
			die(EXIT_SETUP, "poll: %s", strerror(errno));
		if (fds[0].revents & POLLIN)
			handle_events(&st);
		if (fds[2].revents & POLLIN)
			reload(&st, watch_fd);
		if (fds[3].revents & POLLIN)
			ll_trace_inotify(&st.trace, st.inotify_fd);
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo info;

			while (read(signal_fd, &info, sizeof(info)) > 0)
				;
			done = waitpid(st.child, &status, WNOHANG);
			if (done == st.child)
				break;
		}
	}
	/* Late inotify records of the last writes. */
	if (opt.trace) {
		ll_trace_inotify(&st.trace, st.inotify_fd);
		if (st.trace_tmpdir[0] && rmdir(st.trace_tmpdir) && errno == ENOTEMPTY)
			fprintf(stderr, "landlock-supervise: trace: %s is left with files in it\n",
				st.trace_tmpdir);
	}
	write_outputs(&st);
	if (st.log)
		fclose(st.log);
	ll_supervisor_release(&st.sup);
	ll_policy_free(&st.policy);
	ll_policy_free(&base);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
