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
#include <limits.h>
#include <linux/landlock.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "landlock-supervise.h"
#include "learn.h"
#include "output.h"
#include "strmap.h"
#include "trace.h"

#ifndef LL_PACKAGE_VERSION
#define LL_PACKAGE_VERSION "0.1.0"
#endif

/*
 * Exit codes of the tool's own failures, above those a command usually
 * returns (as env(1) and timeout(1) do); otherwise: COMMAND's status.
 */
enum {
	EXIT_INVALID = 1,    /* --check, --print-policy: a file has an error */
	EXIT_FAIL = 125,     /* usage, policy, kernel or setup failure */
	EXIT_NOEXEC = 126,   /* COMMAND not executable */
	EXIT_NOTFOUND = 127, /* COMMAND not found */
};

/* Default --fold-min-depth: never fold into /tmp, /usr, /home... */
#define FOLD_MIN_DEPTH 2

struct options {
	const char **policies, **bases;
	size_t num_policies, num_bases;
	struct ll_policy *extra; /* --ro, --rx, --rw, --bind-tcp, --connect-tcp */
	bool watch, ask, permissive, ignore_missing, trace, check, print;
	bool net, no_scope, no_tmpdir, clearenv, dry_run, quiet, require_supervisor;
	const char **env; /* --env NAME=VALUE or NAME, --unsetenv NAME as "-NAME" */
	size_t num_env;
	const char **explain; /* --explain PATH */
	size_t num_explain;
	uint64_t explain_access; /* --access, or 0 */
	const char *permissive_out, *ask_out, *log, *trace_out;
	bool trace_make;
	unsigned int fold, fold_min_depth;
	enum ll_apply_strategy strategy;
	char **command; /* or the files of --check and --print-policy */
};

struct watched {
	int wd;
	char *name; /* base name of a --policy file or directory in that directory */
	int dir_wd; /* a --policy directory itself (its policy files), or -1 */
};

struct state {
	struct options *opt;
	struct ll_supervisor *sup;
	struct ll_policy *policy; /* live policy (--policy) */
	struct learn learned;	  /* --permissive, --ask=OUT */
	struct strmap denied;	  /* --ask "never" answers: object -> rights */
	struct strmap denials;	  /* "comm: rights object" -> how many, for the summary */
	unsigned long num_denials;
	struct ll_event **events; /* a batch, on the heap */
	struct ll_trace trace;
	int log_fd;
	FILE *tty;
	int tty_fd;	  /* fileno(tty), or -1 */
	pid_t cmd_pgid;	  /* the command's own process group (--ask on a terminal), or 0 */
	int signal_fd;	  /* SIGINT... come here, also while a question waits */
	bool child_event; /* SIGCHLD read while asking: wait for the child */
	struct transient *transients; /* --ask: rights to withdraw when calls are over */
	size_t num_transients;
	int ask_inotify_fd; /* --ask: sees the allowed calls done, or -1 */
	int inotify_fd;
	struct watched *watched; /* --watch */
	size_t num_watched;
	struct timespec reload_at; /* a reload is due then, if reload_due */
	bool reload_due;
	char trace_tmpdir[64]; /* the command's TMPDIR when tracing */
	bool learn_failed;     /* memory ran out: the learned policy is incomplete */
	bool failed;	       /* an output is lost or incomplete: exit 125 */
	pid_t child;
	int exec_err; /* why COMMAND did not start, or 0 */
	unsigned long events_seen;
};

static void vwarn(const char *fmt, va_list ap)
{
	fputs("landlock-supervise: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --quiet: no progress messages, no summary (warnings and errors stay). */
static bool quiet;

/* The command's private TMPDIR (removed with its content at exit), or "". */
static char private_tmpdir[PATH_MAX];

static void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

static void usage(FILE *out)
{
	fputs("usage: landlock-supervise [options] -- COMMAND [ARGS...]\n"
	      "       landlock-supervise --check FILE...\n"
	      "       landlock-supervise --print-policy FILE...\n"
	      "  --policy FILE        live rules (supervisor), repeatable, composed\n"
	      "  --base FILE          rules that can never be revoked (supervisee)\n"
	      "  --ro PATHS, --rx PATHS (--rox), --rw PATHS, --rwx PATHS\n"
	      "                       base rules: read, read and execute, read and\n"
	      "                       write, everything beneath each PATH\n"
	      "                       (comma-separated, repeatable)\n"
	      "  --bind-tcp PORTS, --connect-tcp PORTS\n"
	      "                       base rules on TCP ports (comma-separated)\n"
	      "  --net                do not restrict TCP (denied by default)\n"
	      "  --no-scope           allow signals and abstract unix sockets to\n"
	      "                       processes outside the sandbox\n"
	      "  --env NAME[=VALUE], --unsetenv NAME, --clearenv\n"
	      "                       the command's environment\n"
	      "  --no-tmpdir          no private TMPDIR for the command\n"
	      "  --require-supervisor fail on a kernel without Landlock supervisors\n"
	      "  --quiet              no summary of denials, no progress messages\n"
	      "  --dry-run            check everything, print the layer, run nothing\n"
	      "  --explain PATH       say which rule allows what on PATH, run nothing\n"
	      "  --access RIGHTS      with --explain: exit 1 unless all RIGHTS allowed\n"
	      "  --watch              reload the --policy files when they change\n"
	      "  --strategy=S         how reloads change the rules: intersect\n"
	      "                       (default), replace, clear, commit-ruleset,\n"
	      "                       intersect-ruleset (docs/alternatives.md)\n"
	      "  --ask[=OUT]          ask on the terminal about each denied access;\n"
	      "                       write what was allowed as a policy to OUT\n"
	      "  --permissive[=OUT]   allow and record every denied access; write\n"
	      "                       a landlockconfig policy to OUT at exit\n"
	      "  --fold N             with --permissive, fold N or more entries of\n"
	      "                       one directory into a rule on the directory\n"
	      "  --fold-min-depth D   never fold into a directory with fewer than D\n"
	      "                       components (default 2)\n"
	      "  --trace[=OUT]        record every file the command reads, executes,\n"
	      "                       writes, creates, removes or renames\n"
	      "  --trace-format=json|make\n"
	      "  --log FILE           every event and decision as JSON lines\n"
	      "  --ignore-missing     skip policy paths that do not exist\n"
	      "  --check FILE...      check policy files, print their errors\n"
	      "  --print-policy FILE...\n"
	      "                       print the rules of the composed files as a\n"
	      "                       landlockconfig policy\n"
	      "  --version, --help\n"
	      "Optional values need '=': --permissive=OUT, --trace=OUT, --ask=OUT.\n"
	      "exit status: COMMAND's, or 125 when landlock-supervise fails (usage,\n"
	      "policy, kernel without the feature, setup), 126 COMMAND not executable,\n"
	      "127 COMMAND not found; --check and --print-policy: 0, or 1 if a file\n"
	      "has an error; --explain: 0, or 1 if a right of --access is denied\n",
	      out);
}

static void push(const char ***list, size_t *count, const char *item)
{
	const char **grown = realloc(*list, (*count + 1) * sizeof(**list));

	if (!grown)
		die(EXIT_FAIL, "out of memory");
	*list = grown;
	grown[(*count)++] = item;
}

static void info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

/* Strict: decimal digits only, within [min, max]. */
static unsigned long parse_number(const char *option, const char *arg, unsigned long min,
				  unsigned long max)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(arg, &end, 10);
	if (!arg[0] || arg[0] == '-' || arg[0] == '+' || *end || errno || value < min ||
	    value > max)
		die(EXIT_FAIL, "%s: \"%s\" is not a number from %lu to %lu", option, arg, min, max);
	return value;
}

/*
 * Calls @add for each item of the comma-separated list @arg (as landrun
 * takes them); an empty item is an error.
 */
static void each_item(struct options *opt, const char *option, const char *arg, uint64_t access,
		      void (*add)(struct options *, const char *, const char *, uint64_t))
{
	char *list = strdup(arg), *item, *save = NULL;

	if (!list)
		die(EXIT_FAIL, "out of memory");
	if (!arg[0] || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
		die(EXIT_FAIL, "%s \"%s\": an empty item in the list", option, arg);
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save))
		add(opt, option, item, access);
	free(list);
}

static void add_shorthand_path(struct options *opt, const char *option, const char *path,
			       uint64_t access)
{
	(void)option;
	ll_policy_set_handled(opt->extra, ll_fs_rights(6), ll_policy_handled_net(opt->extra),
			      ll_policy_scoped(opt->extra));
	if (ll_policy_add_path(opt->extra, path, access))
		die(EXIT_FAIL, "out of memory");
}

static void add_shorthand_port(struct options *opt, const char *option, const char *arg,
			       uint64_t access)
{
	ll_policy_set_handled(opt->extra, ll_policy_handled_fs(opt->extra), ll_net_rights(6),
			      ll_policy_scoped(opt->extra));
	if (ll_policy_add_port(opt->extra, parse_number(option, arg, 0, 65535), access))
		die(EXIT_FAIL, "out of memory");
}

/* --access: right names and groups, as in a policy ("read_file,abi.read_write"). */
static uint64_t parse_rights(const char *arg)
{
	char text[1024], err[LL_ERR_LEN];
	struct ll_policy *policy = ll_policy_new();
	uint64_t access = 0;
	const char *p;
	size_t used;

	if (!policy)
		die(EXIT_FAIL, "out of memory");
	used = snprintf(
		text, sizeof(text),
		"{\"abi\": 6, \"pathBeneath\": [{\"parent\": [\"/\"], \"allowedAccess\": [");
	for (p = arg; used < sizeof(text);) {
		const size_t len = strcspn(p, ",");

		used += snprintf(text + used, sizeof(text) - used, "%s\"%.*s\"",
				 p == arg ? "" : ", ", (int)len, p);
		if (!p[len])
			break;
		p += len + 1;
	}
	if (used < sizeof(text))
		used += snprintf(text + used, sizeof(text) - used, "]}]}");
	if (used >= sizeof(text) || strchr(arg, '"') || strchr(arg, '\\') ||
	    ll_policy_load_string(policy, "--access", text, err, sizeof(err)) ||
	    !ll_policy_path(policy, 0, &access))
		die(EXIT_FAIL,
		    "--access \"%s\": not a list of filesystem rights (read_file,write_file... or abi.read_write...)",
		    arg);
	ll_policy_free(policy);
	return access;
}

#define RIGHTS_RO (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define RIGHTS_RX (RIGHTS_RO | LANDLOCK_ACCESS_FS_EXECUTE)
#define RIGHTS_RW (ll_fs_rights(6) & ~LANDLOCK_ACCESS_FS_EXECUTE)
#define RIGHTS_RWX ll_fs_rights(6)

static void parse_options(int argc, char **argv, struct options *opt)
{
	enum {
		OPT_FOLD_MIN_DEPTH = 256,
		OPT_RO,
		OPT_RX,
		OPT_RW,
		OPT_RWX,
		OPT_NET,
		OPT_NO_SCOPE,
		OPT_ENV,
		OPT_UNSETENV,
		OPT_CLEARENV,
		OPT_NO_TMPDIR,
		OPT_REQUIRE_SUPERVISOR,
		OPT_QUIET,
		OPT_DRY_RUN,
		OPT_EXPLAIN,
		OPT_ACCESS,
		OPT_BIND_TCP,
		OPT_CONNECT_TCP,
		OPT_CHECK,
		OPT_PRINT,
		OPT_VERSION,
	};
	static const struct option long_options[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "base", required_argument, NULL, 'b' },
		{ "watch", no_argument, NULL, 'w' },
		{ "ask", optional_argument, NULL, 'a' },
		{ "permissive", optional_argument, NULL, 'P' },
		{ "fold", required_argument, NULL, 'f' },
		{ "fold-min-depth", required_argument, NULL, OPT_FOLD_MIN_DEPTH },
		{ "trace", optional_argument, NULL, 't' },
		{ "trace-format", required_argument, NULL, 'T' },
		{ "log", required_argument, NULL, 'l' },
		{ "ignore-missing", no_argument, NULL, 'i' },
		{ "strategy", required_argument, NULL, 's' },
		{ "ro", required_argument, NULL, OPT_RO },
		{ "rx", required_argument, NULL, OPT_RX },
		{ "rox", required_argument, NULL, OPT_RX },
		{ "rw", required_argument, NULL, OPT_RW },
		{ "rwx", required_argument, NULL, OPT_RWX },
		{ "net", no_argument, NULL, OPT_NET },
		{ "unrestricted-network", no_argument, NULL, OPT_NET },
		{ "no-scope", no_argument, NULL, OPT_NO_SCOPE },
		{ "env", required_argument, NULL, OPT_ENV },
		{ "unsetenv", required_argument, NULL, OPT_UNSETENV },
		{ "clearenv", no_argument, NULL, OPT_CLEARENV },
		{ "no-tmpdir", no_argument, NULL, OPT_NO_TMPDIR },
		{ "require-supervisor", no_argument, NULL, OPT_REQUIRE_SUPERVISOR },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ "access", required_argument, NULL, OPT_ACCESS },
		{ "bind-tcp", required_argument, NULL, OPT_BIND_TCP },
		{ "connect-tcp", required_argument, NULL, OPT_CONNECT_TCP },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "print-policy", no_argument, NULL, OPT_PRINT },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *bare = NULL; /* an optional-value option given without '=' */
	bool fold_depth = false, trace_format = false, strategy = false, net_rules = false;
	int c, bare_next = 0, index;

	opt->fold_min_depth = FOLD_MIN_DEPTH;
	/* getopt's own messages name the program. */
	opterr = 1;
	while ((c = getopt_long(argc, argv, "+p:b:h", long_options, &index)) != -1) {
		switch (c) {
		case 'a':
		case 'P':
		case 't':
			if (!optarg) {
				bare = long_options[index].name;
				bare_next = optind;
			}
			if (c == 'a') {
				opt->ask = true;
				opt->ask_out = optarg;
			} else if (c == 'P') {
				opt->permissive = true;
				opt->permissive_out = optarg;
			} else {
				opt->trace = true;
				opt->trace_out = optarg;
			}
			if (optarg && !optarg[0])
				die(EXIT_FAIL, "--%s=: an empty file name",
				    long_options[index].name);
			break;
		case 'p':
			push(&opt->policies, &opt->num_policies, optarg);
			break;
		case 'b':
			push(&opt->bases, &opt->num_bases, optarg);
			break;
		case 'w':
			opt->watch = true;
			break;
		case 'f':
			opt->fold = parse_number("--fold", optarg, 1, 1000000);
			break;
		case OPT_FOLD_MIN_DEPTH:
			opt->fold_min_depth = parse_number("--fold-min-depth", optarg, 1, 4096);
			fold_depth = true;
			break;
		case 'T':
			trace_format = true;
			if (!strcmp(optarg, "make"))
				opt->trace_make = true;
			else if (strcmp(optarg, "json"))
				die(EXIT_FAIL, "--trace-format is json or make");
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
				die(EXIT_FAIL,
				    "--strategy is intersect, replace, clear, commit-ruleset or intersect-ruleset");
			opt->strategy = c;
			strategy = true;
			break;
		case OPT_RO:
			each_item(opt, "--ro", optarg, RIGHTS_RO, add_shorthand_path);
			break;
		case OPT_RX:
			each_item(opt, "--rx", optarg, RIGHTS_RX, add_shorthand_path);
			break;
		case OPT_RW:
			each_item(opt, "--rw", optarg, RIGHTS_RW, add_shorthand_path);
			break;
		case OPT_RWX:
			each_item(opt, "--rwx", optarg, RIGHTS_RWX, add_shorthand_path);
			break;
		case OPT_BIND_TCP:
			each_item(opt, "--bind-tcp", optarg, LANDLOCK_ACCESS_NET_BIND_TCP,
				  add_shorthand_port);
			net_rules = true;
			break;
		case OPT_CONNECT_TCP:
			each_item(opt, "--connect-tcp", optarg, LANDLOCK_ACCESS_NET_CONNECT_TCP,
				  add_shorthand_port);
			net_rules = true;
			break;
		case OPT_NET:
			opt->net = true;
			break;
		case OPT_NO_SCOPE:
			opt->no_scope = true;
			break;
		case OPT_ENV:
		case OPT_UNSETENV:
			if (!optarg[0] || optarg[0] == '=' || optarg[0] == '-' ||
			    (c == OPT_UNSETENV && strchr(optarg, '=')))
				die(EXIT_FAIL, "--%s \"%s\": not a variable name%s",
				    long_options[index].name, optarg,
				    c == OPT_ENV ? " (NAME or NAME=VALUE)" : "");
			if (c == OPT_UNSETENV) {
				char *unset;

				if (asprintf(&unset, "-%s", optarg) < 0)
					die(EXIT_FAIL, "out of memory");
				push(&opt->env, &opt->num_env, unset);
			} else {
				push(&opt->env, &opt->num_env, optarg);
			}
			break;
		case OPT_CLEARENV:
			opt->clearenv = true;
			break;
		case OPT_NO_TMPDIR:
			opt->no_tmpdir = true;
			break;
		case OPT_REQUIRE_SUPERVISOR:
			opt->require_supervisor = true;
			break;
		case OPT_QUIET:
			opt->quiet = true;
			break;
		case OPT_DRY_RUN:
			opt->dry_run = true;
			break;
		case OPT_EXPLAIN:
			if (!optarg[0])
				die(EXIT_FAIL, "--explain: an empty path");
			push(&opt->explain, &opt->num_explain, optarg);
			break;
		case OPT_ACCESS:
			opt->explain_access = parse_rights(optarg);
			break;
		case OPT_CHECK:
			opt->check = true;
			break;
		case OPT_PRINT:
			opt->print = true;
			break;
		case OPT_VERSION:
			printf("landlock-supervise %s\n", LL_PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fputs("landlock-supervise: --help lists the options\n", stderr);
			exit(EXIT_FAIL);
		}
	}
	opt->command = argv + optind;
	/* Companion options. */
	if (opt->fold && !opt->permissive)
		die(EXIT_FAIL, "--fold needs --permissive");
	if (fold_depth && !opt->fold)
		die(EXIT_FAIL, "--fold-min-depth needs --fold");
	if (trace_format && !opt->trace)
		die(EXIT_FAIL, "--trace-format needs --trace");
	if (strategy && !opt->watch)
		die(EXIT_FAIL, "--strategy needs --watch (it says how reloads change the rules)");
	if (opt->watch && !opt->num_policies)
		die(EXIT_FAIL, "--watch needs a --policy file");
	if ((opt->ask + opt->permissive + opt->trace) > 1)
		die(EXIT_FAIL, "--ask, --permissive and --trace exclude each other");
	if (opt->net && net_rules)
		die(EXIT_FAIL,
		    "--net allows all of TCP: --bind-tcp and --connect-tcp would restrict it");
	if (opt->explain_access && !opt->num_explain)
		die(EXIT_FAIL, "--access needs --explain");
	if (opt->num_explain) {
		if (opt->check || opt->print || opt->dry_run)
			die(EXIT_FAIL, "--explain excludes --check, --print-policy and --dry-run");
		if (optind < argc)
			die(EXIT_FAIL, "--explain runs nothing: no COMMAND");
		opt->command = argv + optind;
		return;
	}
	if (opt->dry_run && (opt->check || opt->print))
		die(EXIT_FAIL, "--dry-run excludes --check and --print-policy");
	if (opt->check || opt->print) {
		if (opt->check && opt->print)
			die(EXIT_FAIL, "--check and --print-policy exclude each other");
		if (opt->ask || opt->permissive || opt->trace || opt->watch || opt->log ||
		    opt->num_policies || opt->num_bases)
			die(EXIT_FAIL, "--%s takes policy files as arguments and runs nothing",
			    opt->check ? "check" : "print-policy");
		if (optind >= argc && (opt->check || !(ll_policy_num_paths(opt->extra) +
						       ll_policy_num_ports(opt->extra))))
			die(EXIT_FAIL, "--%s needs policy files",
			    opt->check ? "check" : "print-policy");
		return;
	}
	/*
	 * "--permissive out.json -- make" would run out.json: an optional
	 * value must be attached with '='.
	 */
	if (bare && optind == bare_next && optind < argc)
		die(EXIT_FAIL,
		    "--%s: an optional value needs '=' (--%s=FILE); if \"%s\" is the command, put -- before it",
		    bare, bare, argv[optind]);
	if (optind >= argc) {
		usage(stderr);
		die(EXIT_FAIL, "no COMMAND given");
	}
}

/* --- Policies ---------------------------------------------------------- */

/* A new empty policy; exits if memory runs out. */
static struct ll_policy *new_policy(void)
{
	struct ll_policy *policy = ll_policy_new();

	if (!policy)
		die(EXIT_FAIL, "out of memory");
	return policy;
}

/*
 * Composes @files as landlockconfig does (shared variables...) into *@out,
 * which is replaced (none: *@out stays, an empty policy if it was NULL).
 */
static int load_policies(const char **files, size_t count, struct ll_policy **out, char *err,
			 size_t err_len)
{
	struct ll_policy *policy;

	if (!count) {
		if (!*out)
			*out = new_policy();
		return 0;
	}
	policy = new_policy();
	if (ll_policy_load_files(policy, files, count, err, err_len)) {
		ll_policy_free(policy);
		return -1;
	}
	ll_policy_free(*out);
	*out = policy;
	return 0;
}

/* Adds the shorthand rules (--ro...) to @policy. */
static void add_extra(struct ll_policy *policy, const struct ll_policy *extra)
{
	uint64_t port, access;
	const char *path;
	size_t i;

	ll_policy_set_handled(policy, ll_policy_handled_fs(policy) | ll_policy_handled_fs(extra),
			      ll_policy_handled_net(policy) | ll_policy_handled_net(extra),
			      ll_policy_scoped(policy));
	if (!ll_policy_abi(policy))
		ll_policy_set_abi(policy, 6);
	for (i = 0; (path = ll_policy_path(extra, i, &access)); i++)
		if (ll_policy_add_path(policy, path, access))
			die(EXIT_FAIL, "out of memory");
	for (i = 0; !ll_policy_port(extra, i, &port, &access); i++)
		if (ll_policy_add_port(policy, port, access))
			die(EXIT_FAIL, "out of memory");
}

/* The first path of @policy that does not exist, or NULL. */
static const char *missing_path(const struct ll_policy *policy)
{
	const char *path;
	size_t i;

	for (i = 0; (path = ll_policy_path(policy, i, NULL)); i++)
		if (access(path, F_OK) && errno == ENOENT)
			return path;
	return NULL;
}

/*
 * "FILE:LINE:COLUMN: " of the rule of @path in the policy @files, or ""
 * (a rule of --ro, --rx...).
 */
static void path_origin(const char *const *files, size_t count, const char *path, char *buf,
			size_t len)
{
	struct ll_config *cfg = ll_config_new();
	char err[LL_ERR_LEN];
	size_t i;
	int ret = cfg && len > 2 ? 0 : -1;

	buf[0] = '\0';
	for (i = 0; i < count && !ret; i++)
		ret = ll_config_load(cfg, files[i], err, sizeof(err));
	if (!ret && !ll_config_path_origin(cfg, path, buf, len - 2))
		strcat(buf, ": ");
	else if (len)
		buf[0] = '\0';
	ll_config_free(cfg);
}

/* --check FILE...: each file on its own; never needs the kernel feature. */
static int check_files(char **files)
{
	int status = 0;

	for (; *files; files++) {
		struct ll_policy *policy = new_policy();
		char err[LL_ERR_LEN];
		const char *path;
		size_t i;

		if (ll_policy_load(policy, *files, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			status = EXIT_INVALID;
			ll_policy_free(policy);
			continue;
		}
		for (i = 0; (path = ll_policy_path(policy, i, NULL)); i++)
			if (access(path, F_OK) && errno == ENOENT)
				fprintf(stderr, "%s: warning: %s does not exist here\n", *files,
					path);
		printf("%s: ok (%zu path rules, %zu port rules)\n", *files,
		       ll_policy_num_paths(policy), ll_policy_num_ports(policy));
		ll_policy_free(policy);
	}
	return status;
}

/* --print-policy FILE...: the composed rules, resolved. */
static int print_files(char **files, const struct ll_policy *extra)
{
	struct ll_policy *policy = NULL;
	char err[LL_ERR_LEN];
	size_t count = 0;

	while (files[count])
		count++;
	if (load_policies((const char **)files, count, &policy, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_INVALID;
	}
	add_extra(policy, extra);
	if (print_policy(policy, stdout)) {
		ll_policy_free(policy);
		die(EXIT_FAIL, "stdout: %s", strerror(errno));
	}
	ll_policy_free(policy);
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

/*
 * One JSON line per event, written with one write(2) to a file opened with
 * O_APPEND: a line is never torn, even with other writers or a signal.
 */
static void log_event(struct state *st, const struct ll_event *ev, const char *decision,
		      long wait_us)
{
	struct json_object *line, *access;
	char names[512], object[8192], comm[64], *save = NULL, *tok, *text;
	struct timespec now;
	int len;

	if (st->log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	read_comm(ll_event_pid(ev), comm, sizeof(comm));
	line = json_object_new_object();
	access = json_object_new_array();
	ll_access_names(ll_event_access(ev), ll_event_is_net(ev), names, sizeof(names));
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(access, json_object_new_string(tok));
	json_object_object_add(line, "time",
			       json_object_new_double(now.tv_sec + now.tv_nsec / 1e9));
	json_object_object_add(line, "pid", json_object_new_int(ll_event_pid(ev)));
	json_object_object_add(line, "tid", json_object_new_int(ll_event_tid(ev)));
	json_object_object_add(line, "comm", json_object_new_string(comm));
	json_object_object_add(line, "type",
			       json_object_new_string(ll_event_is_net(ev) ? "net" : "fs"));
	json_object_object_add(line, "access", access);
	if (ll_event_is_net(ev))
		json_object_object_add(line, "port", json_object_new_int64(ll_event_port(ev)));
	else
		json_object_object_add(
			line, "object",
			json_object_new_string(ll_event_object(ev, object, sizeof(object))));
	/* The open of a file that the same call created (LANDLOCK_EVENT_CREATED). */
	if (!ll_event_is_net(ev))
		json_object_object_add(line, "created",
				       json_object_new_boolean(ll_event_created(ev)));
	if (ll_event_dest_path(ev)[0]) {
		snprintf(object, sizeof(object), "%s/%s", ll_event_dest_path(ev),
			 ll_event_dest_name(ev));
		json_object_object_add(line, "dest", json_object_new_string(object));
	}
	/* The supervised layer is the one this command added. */
	json_object_object_add(line, "layer", json_object_new_string("landlock-supervise"));
	json_object_object_add(line, "decision", json_object_new_string(decision));
	json_object_object_add(line, "wait_us", json_object_new_int64(wait_us));
	len = asprintf(&text, "%s\n",
		       json_object_to_json_string_ext(
			       line, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (len < 0 || write(st->log_fd, text, len) != len) {
		if (!st->failed)
			warn("log: %s", len < 0 ? "out of memory" : strerror(errno));
		st->failed = true;
	}
	if (len >= 0)
		free(text);
	json_object_put(line);
}

/* --- The summary of denials ------------------------------------------------ */

#define SUMMARY_LINES 10

static void record_denial(struct state *st, const struct ll_event *ev)
{
	char line[8192 + 600], names[512], object[8192], comm[64];
	struct strmap_entry *entry;

	st->num_denials++;
	read_comm(ll_event_pid(ev), comm, sizeof(comm));
	snprintf(line, sizeof(line), "%s: %s %s", comm,
		 ll_access_names(ll_event_access(ev), ll_event_is_net(ev), names, sizeof(names)),
		 ll_event_object(ev, object, sizeof(object)));
	entry = strmap_add(&st->denials, line);
	if (entry)
		entry->value++;
}

/* On stderr at exit: what was denied, the first distinct ones. */
static void print_summary(const struct state *st)
{
	size_t i;

	if (quiet || !st->num_denials)
		return;
	warn("%lu access%s denied:", st->num_denials, st->num_denials > 1 ? "es" : "");
	for (i = 0; i < st->denials.count && i < SUMMARY_LINES; i++)
		fprintf(stderr, "  %s%s\n", st->denials.entries[i].key,
			st->denials.entries[i].value > 1 ? " (repeated)" : "");
	if (st->denials.count > SUMMARY_LINES)
		fprintf(stderr, "  and %zu more%s\n", st->denials.count - SUMMARY_LINES,
			st->opt->log ? "" : " (--log FILE records every event)");
}

/* --- Deciding ------------------------------------------------------------ */

/*
 * The rights that allow @ev: see learn_rights().  With @tight, a creation
 * whose open the kernel will ask about gets the creation right alone: the
 * open's rights go on the new file, when its own event comes (--permissive
 * and --trace; --ask asks once per creation).
 */
static uint64_t rights_for(const struct ll_event *ev, bool tight)
{
	long flags = LL_OPEN_OTHER;

	if (!ll_event_is_net(ev) && ll_event_name(ev)[0] && !ll_event_dest_name(ev)[0] &&
	    (ll_event_access(ev) & LANDLOCK_ACCESS_FS_MAKE_REG))
		flags = ll_event_open_flags(ev);
	return learn_rights(ev, flags, tight && ll_event_open_notified(ev));
}

/* Stages @access on the object at @path; 0 or -1. */
static int stage_path(struct state *st, const char *path, uint64_t access)
{
	const int fd = path[0] ? open(path, O_PATH | O_CLOEXEC) : -1;
	int err;

	if (fd < 0)
		return -1;
	err = ll_supervisor_grant_fd(st->sup, fd, access);
	close(fd);
	return err;
}

/*
 * Allows @ev with rules for @access on its object, or with @tree on the
 * directory of a file: in one call (the answer carries the rule, committed
 * with it), which returns 0.  A rename or link needs rules on two
 * directories: they are staged for the batch's commit, and 1 says to answer
 * after it.  -1: not answered, to deny.  An access that waits in the
 * kernel's check on an object that its path no longer names (a file
 * removed meanwhile, one made with O_TMPFILE) is allowed once, without a
 * rule.
 */
static int allow(struct state *st, const struct ll_event *ev, bool tree, uint64_t access)
{
	char dir[4096];
	int fd, err;

	if (ll_event_is_net(ev))
		return ll_event_answer_grant(st->sup, ev, ll_event_access(ev), 0);
	if (ll_event_dest_name(ev)[0])
		return stage_path(st, ll_event_object_path(ev), access) ||
				       stage_path(st, ll_event_dest_path(ev), access)
			       ? -1
			       : 1;
	if (!tree || ll_event_object_is_dir(ev) || ll_event_name(ev)[0]) {
		err = ll_event_answer_grant(st->sup, ev, access, 0);
		if (err && errno == ENOENT && ll_event_allow_once(ev))
			err = ll_event_answer(ll_supervisor_fd(st->sup), ev, true);
		return err;
	}
	if (!ll_event_object_path(ev)[0])
		return -1;
	snprintf(dir, sizeof(dir), "%s", ll_event_object_path(ev));
	fd = open(dirname(dir), O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = ll_event_answer_grant_fd(st->sup, ev, fd, access, 0);
	close(fd);
	return err;
}

static bool denied_always(const struct state *st, const struct ll_event *ev)
{
	const struct strmap_entry *entry;
	char object[8192];

	ll_event_object(ev, object, sizeof(object));
	entry = strmap_find(&st->denied, object);
	return entry && !(ll_event_access(ev) & ~entry->value);
}

/* --- Asking ----------------------------------------------------------------- */

/*
 * The prompt owns the terminal while it asks, as job control does: the
 * command runs in its own process group (when the supervisor starts in the
 * terminal's foreground), which the prompt stops and puts in the background
 * while a question waits, so that no process of the command reads the
 * answer (a reader already blocked in read() is interrupted by the stop,
 * and stopped again by SIGTTIN if it reads before the prompt gives the
 * terminal back); then the command gets the foreground back and SIGCONT.
 */
static void take_terminal(struct state *st)
{
	if (!st->cmd_pgid)
		return;
	tcsetpgrp(st->tty_fd, getpgrp());
	kill(-st->cmd_pgid, SIGSTOP);
}

static void give_terminal(struct state *st)
{
	if (!st->cmd_pgid)
		return;
	tcsetpgrp(st->tty_fd, st->cmd_pgid);
	kill(-st->cmd_pgid, SIGCONT);
}

/* Sends @sig to the command (its process group if it has its own). */
static void signal_command(const struct state *st, int sig)
{
	if (st->cmd_pgid)
		kill(-st->cmd_pgid, sig);
	else if (st->child > 0)
		kill(st->child, sig);
}

/* An answer: 'o', '1', 't', 'd', 'n'; 0 for anything else (asked again). */
static int parse_answer(const char *line)
{
	char word[16];

	if (sscanf(line, " %15s", word) != 1 || word[1])
		return 0;
	switch (word[0] | 0x20) {
	case 'o':
	case 'y':
		return 'o';
	case '1':
		return '1';
	case 't':
	case 'a':
		return 't';
	case 'd':
		return 'd';
	case 'n':
		return 'n';
	default:
		return 0;
	}
}

/*
 * Reads one answer line from the terminal, or a signal meanwhile: SIGINT,
 * SIGTERM or SIGHUP (the terminal's Ctrl-C reaches the supervisor while it
 * asks) withdraw the question: 'i', after sending the signal on to the
 * command.  End of file: 'd'.  A line that is no answer: 0.
 */
static int read_answer(struct state *st)
{
	char line[256];

	for (;;) {
		struct pollfd fds[2] = { { .fd = st->tty_fd, .events = POLLIN },
					 { .fd = st->signal_fd, .events = POLLIN } };
		struct signalfd_siginfo info;
		int sig = 0;
		ssize_t n;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 'd';
		}
		while ((fds[1].revents & POLLIN) &&
		       read(st->signal_fd, &info, sizeof(info)) == sizeof(info)) {
			if (info.ssi_signo == SIGCHLD)
				st->child_event = true;
			else
				sig = info.ssi_signo;
		}
		if (sig) {
			signal_command(st, sig);
			fprintf(st->tty, "\n  %s: denied, and sent to the command\n",
				strsignal(sig));
			fflush(st->tty);
			return 'i';
		}
		if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(st->tty_fd, line, sizeof(line) - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 'd';
		line[n] = '\0';
		return parse_answer(line);
	}
}

/*
 * Asks on the terminal; returns 'o' (this object), '1' (once), 't' (its
 * tree), 'd' (deny), 'n' (deny always) or 'i' (interrupted: denied).
 */
static int ask(struct state *st, const struct ll_event *ev)
{
	char names[512], object[8192], comm[64];
	int answer;

	if (!st->tty)
		return 'd';
	read_comm(ll_event_pid(ev), comm, sizeof(comm));
	take_terminal(st);
	/* "Once" says how: the kernel's one-off answer, or a rule for the call. */
	fprintf(st->tty,
		"\nlandlock-supervise: %s (pid %d) wants %s on %s%s%s%s\n"
		"  [o] allow this object  [1] allow once (%s)  [t] allow its directory tree\n"
		"  [d] deny  [n] deny always  > ",
		comm, ll_event_pid(ev),
		ll_access_names(ll_event_access(ev), ll_event_is_net(ev), names, sizeof(names)),
		ll_event_object(ev, object, sizeof(object)),
		ll_event_dest_path(ev)[0] ? " to " : "", ll_event_dest_path(ev),
		ll_event_created(ev) ? " (a file it has just created)" : "",
		ll_event_allow_once(ev) ? "this access, no rule" : "a rule until the call is over");
	fflush(st->tty);
	while (!(answer = read_answer(st))) {
		fputs("  please answer o, 1, t, d or n > ", st->tty);
		fflush(st->tty);
	}
	give_terminal(st);
	return answer;
}

/*
 * Rights that an answer granted for one call only ("once", or what a
 * creation, removal, rename or link needs on its directory: see
 * ll_event_answer_rule()): withdrawn once the call is over, that is when
 * inotify shows it done (the entry created and, for a regular file,
 * opened; removed; moved or linked; the file opened, read or changed), or
 * when the requesting thread has exited, whichever comes first.  The
 * supervisor checks before it answers any event.
 */
struct transient {
	pid_t tid;
	int fd; /* O_PATH of the rule's object, or -1 for a port */
	uint64_t port;
	uint64_t access; /* to withdraw */
	int wd;		 /* the watch that shows the call done, or -1 */
	char name[256];	 /* the entry awaited there ("": the watched object itself) */
	uint32_t done;	 /* the inotify events that say it is done */
	char keep[4096]; /* [o] on a creation: the new file keeps read and write */
	bool over;
};

#define ASK_WATCH_MASK                                                                     \
	(IN_OPEN | IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | \
	 IN_CREATE | IN_DELETE | IN_MOVED_TO)

/* Records a transient grant (taking @fd); 0 or -1 (not recorded: @fd closed). */
static int add_transient(struct state *st, const struct ll_event *ev, int fd, uint64_t access,
			 const char *watch_path, const char *name, uint32_t done, const char *keep)
{
	struct transient *grown =
		realloc(st->transients, (st->num_transients + 1) * sizeof(*grown));
	struct transient *t;

	if (!grown) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	st->transients = grown;
	t = &grown[st->num_transients++];
	memset(t, 0, sizeof(*t));
	t->tid = ll_event_tid(ev);
	t->fd = fd;
	t->port = ll_event_port(ev);
	t->access = access;
	t->wd = -1;
	t->done = done;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "");
	snprintf(t->keep, sizeof(t->keep), "%s", keep ? keep : "");
	if (st->ask_inotify_fd >= 0 && watch_path && watch_path[0] && done)
		t->wd = inotify_add_watch(st->ask_inotify_fd, watch_path, ASK_WATCH_MASK);
	return 0;
}

/* Forgets the transient grant just recorded (its grant failed). */
static void drop_last_transient(struct state *st)
{
	struct transient *t = &st->transients[--st->num_transients];
	size_t i;

	if (t->fd >= 0)
		close(t->fd);
	for (i = 0; t->wd >= 0 && i < st->num_transients; i++)
		if (st->transients[i].wd == t->wd)
			return;
	if (t->wd >= 0)
		inotify_rm_watch(st->ask_inotify_fd, t->wd);
}

static bool same_object_fd(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Withdraws the transient rights of the calls that are over (keeping those
 * that a pending one on the same object still needs), in one commit.
 */
static void settle_transients(struct state *st)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool staged = false;
	size_t i, j, kept;
	ssize_t len;

	while (st->ask_inotify_fd >= 0 && (len = read(st->ask_inotify_fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const void *)p;

			p += sizeof(*ie) + ie->len;
			for (i = 0; i < st->num_transients; i++) {
				struct transient *t = &st->transients[i];

				if (t->wd == ie->wd && (ie->mask & t->done) &&
				    (t->name[0] ? ie->len && !strcmp(ie->name, t->name) : !ie->len))
					t->over = true;
			}
		}
	}
	for (i = 0; i < st->num_transients; i++)
		if (!st->transients[i].over && task_gone(st->transients[i].tid))
			st->transients[i].over = true;
	for (i = 0; i < st->num_transients; i++) {
		struct transient *t = &st->transients[i];
		uint64_t needed = 0, now;

		if (!t->over)
			continue;
		for (j = 0; j < st->num_transients; j++) {
			const struct transient *o = &st->transients[j];

			if (!o->over && (t->fd < 0 ? o->fd < 0 && o->port == t->port
						   : o->fd >= 0 && same_object_fd(t->fd, o->fd)))
				needed |= o->access;
		}
		now = t->fd < 0 ? ll_supervisor_port_access(st->sup, t->port)
				: ll_supervisor_fd_access(st->sup, t->fd);
		if (now & t->access & ~needed) {
			const uint64_t keep = now & ~(t->access & ~needed);

			if (t->fd < 0 ? ll_supervisor_narrow_port(st->sup, t->port, keep)
				      : ll_supervisor_narrow_fd(st->sup, t->fd, keep))
				warn("--ask: cannot withdraw a transient right: %s",
				     strerror(errno));
			else
				staged = true;
		}
		/* The file created keeps what [o] allowed on it. */
		if (t->keep[0] &&
		    !stage_path(st, t->keep,
				LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE))
			staged = true;
	}
	if (staged && ll_supervisor_commit(st->sup))
		warn("--ask: cannot withdraw transient rights: %s", strerror(errno));
	for (i = kept = 0; i < st->num_transients; i++) {
		struct transient *t = &st->transients[i];

		if (!t->over) {
			st->transients[kept++] = *t;
			continue;
		}
		if (t->fd >= 0)
			close(t->fd);
		for (j = 0; t->wd >= 0 && j < st->num_transients; j++)
			if (j != i && st->transients[j].wd == t->wd && !st->transients[j].over)
				break;
		if (t->wd >= 0 && j == st->num_transients)
			inotify_rm_watch(st->ask_inotify_fd, t->wd);
	}
	st->num_transients = kept;
}

/* The inotify events that show the call of @ev done, on its entry or object. */
static uint32_t done_mask(const struct ll_event *ev)
{
	if (ll_event_dest_name(ev)[0])
		return IN_MOVED_TO | IN_CREATE;
	if (!ll_event_name(ev)[0])
		return IN_OPEN | IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
		       IN_CLOSE_NOWRITE;
	if (ll_event_access(ev) & LANDLOCK_ACCESS_FS_MAKE_REG)
		return IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
	if (ll_event_access(ev) & LEARN_MAKE_RIGHTS)
		return IN_CREATE;
	return IN_DELETE | IN_MOVED_TO;
}

/*
 * Grants @access on the object at @path for @ev, the part @transient of it
 * (minus what it had already) only until the call is over; with @answer,
 * in the answer itself (0), else staged for the batch's commit (1).
 * -1: not granted.
 */
static int grant_scoped(struct state *st, const struct ll_event *ev, const char *path,
			uint64_t access, uint64_t transient, bool answer, const char *keep)
{
	const int fd = path[0] ? open(path, O_PATH | O_CLOEXEC) : -1;
	const bool entry = ll_event_name(ev)[0] || ll_event_dest_name(ev)[0];
	char watch_path[4096];
	bool recorded = false;
	uint64_t before;
	int err;

	if (fd < 0)
		return -1;
	before = ll_supervisor_fd_access(st->sup, fd);
	/*
	 * Watched before the answer: once answered, the requester may finish
	 * its call before this function returns, and the watch would miss it
	 * (the right would then stay until the thread exits).
	 */
	if (transient & ~before) {
		const int transient_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

		snprintf(watch_path, sizeof(watch_path), "%s",
			 ll_event_dest_name(ev)[0] ? ll_event_dest_path(ev) : path);
		if (transient_fd < 0 ||
		    add_transient(st, ev, transient_fd, transient & ~before, watch_path,
				  !entry		      ? ""
				  : ll_event_dest_name(ev)[0] ? ll_event_dest_name(ev)
							      : ll_event_name(ev),
				  done_mask(ev), keep))
			warn("--ask: out of memory: a transient right stays until the end");
		else
			recorded = true;
	}
	err = answer ? ll_event_answer_grant_fd(st->sup, ev, fd, access, 0)
		     : ll_supervisor_grant_fd(st->sup, fd, access);
	close(fd);
	if (err) {
		if (recorded)
			drop_last_transient(st);
		return -1;
	}
	return !answer;
}

/*
 * Allows @ev as @answer says ('o', '1' or 't'), with the rule that
 * ll_event_answer_rule() gives: 0 answered with the rule, 1 staged (a
 * rename or a link: rules on both directories), -1 not allowed.
 */
static int allow_answer(struct state *st, const struct ll_event *ev, int answer)
{
	const enum ll_answer_scope scope = answer == '1'   ? LL_ANSWER_ONCE
					   : answer == 't' ? LL_ANSWER_TREE
							   : LL_ANSWER_OBJECT;
	char path[4096], keep[4096] = "";
	uint64_t transient, dest;
	const uint64_t access = ll_event_answer_rule(ev, scope, path, sizeof(path), &transient);
	int ret;

	/* The kernel's one-off answer: this access alone, no rule at all. */
	if (scope == LL_ANSWER_ONCE && ll_event_allow_once(ev))
		return ll_event_answer(ll_supervisor_fd(st->sup), ev, true) ? -1 : 0;
	if (ll_event_is_net(ev)) {
		const uint64_t before = ll_supervisor_port_access(st->sup, ll_event_port(ev));

		if (ll_event_answer_grant(st->sup, ev, access, 0))
			return -1;
		if ((transient & ~before) &&
		    add_transient(st, ev, -1, transient & ~before, NULL, NULL, 0, NULL))
			warn("--ask: out of memory: a transient right stays until the end");
		return 0;
	}
	if (ll_event_dest_name(ev)[0]) {
		dest = ll_event_grant_access(ev, LL_TARGET_DEST);
		if (grant_scoped(st, ev, path, access, transient, false, NULL) < 0 ||
		    (dest && grant_scoped(st, ev, ll_event_dest_path(ev), dest,
					  transient ? dest : 0, false, NULL) < 0))
			return -1;
		return 1;
	}
	if (scope == LL_ANSWER_OBJECT && ll_event_name(ev)[0] &&
	    (access & LANDLOCK_ACCESS_FS_MAKE_REG) &&
	    (size_t)snprintf(keep, sizeof(keep), "%s/%s", strcmp(path, "/") ? path : "",
			     ll_event_name(ev)) >= sizeof(keep))
		keep[0] = '\0';
	ret = grant_scoped(st, ev, path, access, transient, true, keep);
	/*
	 * A file that its path no longer names (removed meanwhile, or made
	 * with O_TMPFILE) gets no rule: an access that waits in the check is
	 * allowed once.
	 */
	if (ret < 0 && errno == ENOENT && ll_event_allow_once(ev) &&
	    !ll_event_answer(ll_supervisor_fd(st->sup), ev, true)) {
		fprintf(st->tty, "  %s: no rule, allowed once\n", path[0] ? path : "no path");
		return 0;
	}
	return ret;
}

/* Records what --ask allowed, for --ask=OUT. */
static int learn_answer(struct state *st, const struct ll_event *ev, bool tree, uint64_t access)
{
	char dir[4096];

	if (!st->opt->ask_out)
		return 0;
	if (!tree || ll_event_is_net(ev) || ll_event_object_is_dir(ev) || ll_event_name(ev)[0])
		return learn_event(&st->learned, ev, access);
	snprintf(dir, sizeof(dir), "%s", ll_event_object_path(ev));
	return learn_path(&st->learned, dirname(dir), access);
}

static long elapsed_us(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000000L + (now.tv_nsec - since->tv_nsec) / 1000;
}

/* The rights whose accesses --trace records. */
#define TRACED_RIGHTS                                                                   \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |                 \
	 LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE | LEARN_MAKE_RIGHTS | \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |               \
	 LANDLOCK_ACCESS_FS_REFER)

/*
 * --trace: a rule of @policy lets the command access beneath its path
 * without an event, so none of that is traced.  Says so for the rules on
 * the working directory, on an ancestor of it, or beneath it.
 */
static void warn_untraced(const struct ll_policy *policy, const char *what)
{
	char cwd[4096], names[512];
	const char *path;
	uint64_t access;
	size_t i;

	if (!getcwd(cwd, sizeof(cwd)))
		return;
	for (i = 0; (path = ll_policy_path(policy, i, &access)); i++) {
		const size_t len = strlen(path), cwd_len = strlen(cwd);
		const bool above = !strcmp(path, "/") ||
				   (!strncmp(cwd, path, len) && (!cwd[len] || cwd[len] == '/'));
		const bool below = len > cwd_len && !strncmp(path, cwd, cwd_len) &&
				   (path[cwd_len] == '/' || !strcmp(cwd, "/"));

		if (!(access & TRACED_RIGHTS) || !(above || below))
			continue;
		warn("trace: the %s rule on %s allows %s without an event: what the command does beneath it is not traced",
		     what, path,
		     ll_access_names(access & TRACED_RIGHTS, false, names, sizeof(names)));
	}
}

static void out_of_memory(struct state *st, const char *what)
{
	if (!st->learn_failed && !st->trace.failed)
		warn("%s: out of memory: the output will be incomplete and is not written", what);
	if (strcmp(what, "trace"))
		st->learn_failed = true;
}

#define BATCH LL_RECV_MAX

/* What became of an event of a batch. */
enum outcome {
	DENY,	 /* to deny */
	STAGED,	 /* to allow after the batch's commit */
	GRANTED, /* allowed, with its rule */
};

/*
 * Answers a batch of events: each one in one call, but for renames and
 * links, whose rules are staged for (at most) one commit, answered after it.
 * The log lists them in the order they came.
 */
static void handle_events(struct state *st)
{
	enum outcome outcome[BATCH];
	long wait_us[BATCH];
	struct timespec received;
	bool staged = false, interrupted = false;
	int count, i;

	/* What "once" allowed goes before anything else is answered. */
	if (st->num_transients)
		settle_transients(st);
	/*
	 * Tracing: what the processes gone by now did is recorded before what
	 * anyone does after these answers.
	 */
	if (st->opt->trace && ll_trace_inotify(&st->trace, st->inotify_fd))
		out_of_memory(st, "trace");
	count = ll_event_recv_batch(ll_supervisor_fd(st->sup), st->events, BATCH, 0);
	clock_gettime(CLOCK_MONOTONIC, &received);
	for (i = 0; i < count; i++) {
		struct ll_event *ev = st->events[i];
		int ret = -1;

		st->events_seen++;
		if (st->opt->permissive || st->opt->trace) {
			const uint64_t access = rights_for(ev, true);

			/* Watched before the grant lets later accesses through. */
			if (st->opt->trace && ll_trace_event(&st->trace, ev, st->inotify_fd))
				out_of_memory(st, "trace");
			/* What existed where creations will need no event. */
			if (st->opt->permissive && learn_prepare(&st->learned, ev, access))
				out_of_memory(st, "permissive");
			ret = allow(st, ev, false, access);
			if (st->opt->permissive && learn_event(&st->learned, ev, access))
				out_of_memory(st, "permissive");
		} else if (st->opt->ask && !interrupted && !denied_always(st, ev)) {
			const int answer = ask(st, ev);

			/* Ctrl-C: this question and the others of the moment are denied. */
			interrupted = answer == 'i';
			if (answer == 'o' || answer == '1' || answer == 't') {
				/*
				 * --ask=OUT learns as --permissive does, with the
				 * rights read before the answer: after it, the
				 * requester has gone on, and its system call (which
				 * tells a creation's rights) is another one.
				 */
				const uint64_t learned = answer != '1' ? rights_for(ev, false) : 0;

				if (st->opt->ask_out && learned &&
				    learn_prepare(&st->learned, ev, learned))
					out_of_memory(st, "ask");
				ret = allow_answer(st, ev, answer);
				if (ret >= 0 && learned &&
				    learn_answer(st, ev, answer == 't', learned))
					out_of_memory(st, "ask");
			}
			if (answer == 'n') {
				char object[8192];

				if (strmap_or(&st->denied,
					      ll_event_object(ev, object, sizeof(object)),
					      ll_event_access(ev)))
					out_of_memory(st, "ask");
			}
		}
		outcome[i] = ret < 0 ? DENY : ret ? STAGED : GRANTED;
		if (outcome[i] == GRANTED)
			wait_us[i] = elapsed_us(&received);
		staged = staged || outcome[i] == STAGED;
	}
	if (staged && ll_supervisor_commit(st->sup)) {
		warn("commit failed: %s", strerror(errno));
		for (i = 0; i < count; i++)
			if (outcome[i] == STAGED)
				outcome[i] = DENY;
	}
	for (i = 0; i < count; i++) {
		/* While the process waits: its name is still there to read. */
		if (outcome[i] == DENY)
			record_denial(st, st->events[i]);
		if (outcome[i] != GRANTED) {
			ll_event_answer(ll_supervisor_fd(st->sup), st->events[i],
					outcome[i] == STAGED);
			wait_us[i] = elapsed_us(&received);
		}
		log_event(st, st->events[i], outcome[i] == DENY ? "deny" : "allow", wait_us[i]);
		ll_event_release(st->events[i]);
	}
}

/* --- Live reload ----------------------------------------------------------- */

/* Reloads this long after the last change: one reload per save. */
#define RELOAD_DELAY_MS 100

/* What a change is: written, moved in or out, created, removed. */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

/* A file that a --policy directory stands for: *.json or *.toml, no dot first. */
static bool is_policy_name(const char *name)
{
	const size_t len = strlen(name);

	return name[0] != '.' && len > 5 &&
	       (!strcmp(name + len - 5, ".json") || !strcmp(name + len - 5, ".toml"));
}

/*
 * Watches the files of each --policy directory (again after a reload: the
 * directory may have been replaced); -1 where it is not a directory now.
 */
static void watch_policy_dirs(struct state *st, int fd)
{
	size_t i;

	for (i = 0; i < st->num_watched; i++) {
		struct stat sb;

		st->watched[i].dir_wd = -1;
		if (!stat(st->opt->policies[i], &sb) && S_ISDIR(sb.st_mode))
			st->watched[i].dir_wd = inotify_add_watch(fd, st->opt->policies[i],
								  WATCH_MASK | IN_ONLYDIR);
	}
}

/*
 * Watches the policies' directories (editors replace files), and remembers
 * the names to react to: other files there (swap files...) are ignored; in
 * a --policy directory, its policy files.
 */
static int watch_policies(struct state *st)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	size_t i;

	if (fd < 0)
		return -1;
	st->watched = calloc(st->opt->num_policies, sizeof(*st->watched));
	if (!st->watched)
		die(EXIT_FAIL, "out of memory");
	for (i = 0; i < st->opt->num_policies; i++) {
		char dir[PATH_MAX], name[PATH_MAX];
		int wd;

		snprintf(dir, sizeof(dir), "%s", st->opt->policies[i]);
		snprintf(name, sizeof(name), "%s", st->opt->policies[i]);
		/* "dir/" is "dir" in "." */
		while (strlen(name) > 1 && name[strlen(name) - 1] == '/')
			name[strlen(name) - 1] = dir[strlen(name) - 1] = '\0';
		wd = inotify_add_watch(fd, dirname(dir), WATCH_MASK);
		if (wd < 0) {
			close(fd);
			return -1;
		}
		st->watched[i].wd = wd;
		st->watched[i].name = strdup(basename(name));
		if (!st->watched[i].name)
			die(EXIT_FAIL, "out of memory");
		st->num_watched++;
	}
	watch_policy_dirs(st, fd);
	return fd;
}

static void add_ms(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_nsec += ms * 1000000L;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

/* Reads the changes: a reload gets due if a policy file changed. */
static void policy_changed(struct state *st, int watch_fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(watch_fd, buf, sizeof(buf))) > 0) {
		const char *p = buf;

		while (p < buf + len) {
			const struct inotify_event *ie = (const void *)p;
			size_t i;

			p += sizeof(*ie) + ie->len;
			for (i = 0; ie->len && i < st->num_watched; i++)
				if ((st->watched[i].wd == ie->wd &&
				     !strcmp(st->watched[i].name, ie->name)) ||
				    (st->watched[i].dir_wd == ie->wd && is_policy_name(ie->name))) {
					add_ms(&st->reload_at, RELOAD_DELAY_MS);
					st->reload_due = true;
				}
		}
	}
}

static void reload(struct state *st, int watch_fd)
{
	char err[LL_ERR_LEN], warning[LL_ERR_LEN];
	struct ll_policy *policy = NULL;
	const char *missing;

	st->reload_due = false;
	watch_policy_dirs(st, watch_fd);
	if (load_policies(st->opt->policies, st->opt->num_policies, &policy, err, sizeof(err))) {
		warn("reload failed, previous policy kept: %s", err);
		return;
	}
	if (!st->opt->ignore_missing && (missing = missing_path(policy))) {
		path_origin(st->opt->policies, st->opt->num_policies, missing, err, sizeof(err));
		warn("reload failed, previous policy kept: %s%s: %s (--ignore-missing skips it)",
		     err, missing, strerror(ENOENT));
		ll_policy_free(policy);
		return;
	}
	if (ll_policy_handled_fs(policy) & ~ll_supervisor_handled_fs(st->sup) ||
	    ll_policy_handled_net(policy) & ~ll_supervisor_handled_net(st->sup))
		warn("reload: handled rights cannot change in a running layer; extra ones ignored");
	if (ll_supervisor_apply_with(st->sup, policy, st->opt->strategy,
				     st->opt->ignore_missing ? LL_IGNORE_MISSING : 0, warning,
				     sizeof(warning))) {
		warn("reload failed, previous policy kept: %s", warning);
		ll_policy_free(policy);
		return;
	}
	if (warning[0])
		warn("reload: %s", warning);
	info("policy reloaded (%zu path rules, %zu port rules)", ll_policy_num_paths(policy),
	     ll_policy_num_ports(policy));
	ll_policy_free(st->policy);
	st->policy = policy;
}

/* Milliseconds until the due reload (-1: none). */
static int reload_timeout(const struct state *st)
{
	struct timespec now;
	long ms;

	if (!st->reload_due)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (st->reload_at.tv_sec - now.tv_sec) * 1000L +
	     (st->reload_at.tv_nsec - now.tv_nsec) / 1000000L;
	return ms < 0 ? 0 : ms;
}

/* --- Running the command ---------------------------------------------------- */

/* The command's limit on open files: the supervisor raises its own. */
static struct rlimit command_nofile;
static bool nofile_raised;

/*
 * The library keeps a descriptor open per object with rules (to narrow it
 * later): raises the limit on open files as far as allowed, for runs that
 * touch thousands of files.
 */
static void raise_nofile(void)
{
	struct rlimit limit;
	unsigned long nr_open = 0;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &command_nofile))
		return;
	f = fopen("/proc/sys/fs/nr_open", "re");
	if (f) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	limit.rlim_cur = limit.rlim_max = nr_open;
	if (nr_open > command_nofile.rlim_max && !setrlimit(RLIMIT_NOFILE, &limit)) {
		nofile_raised = true;
		return;
	}
	limit = command_nofile;
	limit.rlim_cur = limit.rlim_max;
	nofile_raised = !setrlimit(RLIMIT_NOFILE, &limit);
}

/*
 * The command's environment (in the child): --clearenv empties it, then
 * the private TMPDIR, then --env and --unsetenv in their order; "--env NAME"
 * keeps NAME's value from before --clearenv.
 */
static void set_environment(const struct options *opt)
{
	char **kept = calloc(opt->num_env + 1, sizeof(*kept));
	size_t i;

	for (i = 0; kept && i < opt->num_env; i++)
		if (opt->env[i][0] != '-' && !strchr(opt->env[i], '=') && getenv(opt->env[i]))
			kept[i] = strdup(getenv(opt->env[i]));
	if (opt->clearenv)
		clearenv();
	if (private_tmpdir[0])
		setenv("TMPDIR", private_tmpdir, 1);
	for (i = 0; i < opt->num_env; i++) {
		const char *item = opt->env[i], *eq = strchr(item, '=');

		if (item[0] == '-') {
			unsetenv(item + 1);
		} else if (eq) {
			char *name = strndup(item, eq - item);

			if (name)
				setenv(name, eq + 1, 1);
			free(name);
		} else if (kept && kept[i]) {
			setenv(item, kept[i], 1);
		}
	}
}

/* Removes the private TMPDIR and what the command left in it (at exit). */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		warn("%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

static void remove_private_tmpdir(void)
{
	if (private_tmpdir[0])
		nftw(private_tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	private_tmpdir[0] = '\0';
}

/*
 * Starts the command; returns at once with @status_fd, which says (an errno)
 * why it did not start or closes when it did.  The caller must answer
 * events meanwhile: the command's execve() (of a binary, an interpreter or
 * libraries that no rule allows) waits for the supervisor.
 */
static pid_t spawn(struct state *st, int supervisee_fd, int *status_fd)
{
	int status_pipe[2];
	pid_t child;
	int err = 0;

	if (pipe2(status_pipe, O_CLOEXEC))
		die(EXIT_FAIL, "pipe: %s", strerror(errno));
	/* fork, never vfork: a vfork parent would wait for its supervisee. */
	child = fork();
	if (child < 0)
		die(EXIT_FAIL, "fork: %s", strerror(errno));
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (nofile_raised)
			setrlimit(RLIMIT_NOFILE, &command_nofile);
		set_environment(st->opt);
		/* --ask on a terminal: a process group of its own, in the foreground. */
		if (st->cmd_pgid) {
			setpgid(0, 0);
			tcsetpgrp(st->tty_fd, getpid());
			signal(SIGTTOU, SIG_DFL);
		}
		/* Temporary files go to a directory of their own (cf. trace.c). */
		if (st->trace_tmpdir[0])
			setenv("TMPDIR", st->trace_tmpdir, 1);
		close(status_pipe[0]);
		if (st->sup)
			close(ll_supervisor_fd(st->sup));
		if (ll_restrict_self(supervisee_fd)) {
			err = errno;
		} else {
			execvp(st->opt->command[0], st->opt->command);
			err = errno;
		}
		/* Tells the parent why the command did not start. */
		if (write(status_pipe[1], &err, sizeof(err)) != sizeof(err))
			_exit(EXIT_FAIL);
		_exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}
	close(status_pipe[1]);
	*status_fd = status_pipe[0];
	if (st->cmd_pgid) {
		setpgid(child, child);
		tcsetpgrp(st->tty_fd, child);
	}
	return child;
}

/* Reads the exec status: -1 while it is not known, else 0 (closed). */
static int exec_status(struct state *st, int *status_fd)
{
	int err;
	ssize_t n = read(*status_fd, &err, sizeof(err));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n == sizeof(err))
		st->exec_err = err;
	close(*status_fd);
	*status_fd = -1;
	return 0;
}

struct policy_out {
	const struct ll_policy *policy;
};

static int write_policy_file(void *ctx, const char *tmp)
{
	return ll_policy_write(ctx, tmp);
}

struct trace_out {
	const struct ll_trace *trace;
	bool make;
};

static int write_trace_file(void *ctx, const char *tmp)
{
	const struct trace_out *out = ctx;

	return ll_trace_write(out->trace, tmp, out->make);
}

/* The forbidden directories of --fold: /etc and every user's home. */
static void fold_forbidden(struct strmap *dirs)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	strmap_add(dirs, "/etc");
	if (home && home[0] == '/')
		strmap_add(dirs, home);
	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_dir && pw->pw_dir[0] == '/' && pw->pw_dir[1])
			strmap_add(dirs, pw->pw_dir);
	endpwent();
}

/*
 * --permissive: the command may create entries without an event where a
 * base or live rule lets it: the learner lists what was there before.
 */
static void learn_zones(struct state *st, const struct ll_policy *base)
{
	const struct ll_policy *policies[] = { base, st->policy };
	uint64_t access;
	const char *path;
	size_t i, j;

	for (j = 0; j < 2; j++)
		for (i = 0; (path = ll_policy_path(policies[j], i, &access)); i++)
			if ((access & LEARN_ZONE_RIGHTS) && learn_zone(&st->learned, path))
				out_of_memory(st, "permissive");
}

static int write_learned(struct state *st, const char *out)
{
	struct ll_policy *policy;
	int ret;

	if (st->learned.incomplete)
		warn("--permissive: directories where the command created files held more than %zu entries: some files it created may be learned as if they existed before",
		     st->learned.max_snapshot);
	if (st->opt->fold) {
		struct strmap forbidden;
		const char **list;
		struct fold_limits limits = { .min_entries = st->opt->fold,
					      .min_depth = st->opt->fold_min_depth };
		size_t i;

		strmap_init(&forbidden);
		fold_forbidden(&forbidden);
		list = calloc(forbidden.count + 1, sizeof(*list));
		for (i = 0; list && i < forbidden.count; i++)
			list[i] = forbidden.entries[i].key;
		limits.forbidden = list;
		limits.num_forbidden = list ? forbidden.count : 0;
		ret = list ? learn_fold(&st->learned, &limits) : -1;
		free(list);
		strmap_free(&forbidden);
		if (ret)
			warn("--fold: %s: rules not folded", strerror(errno));
	}
	policy = ll_policy_new();
	if (!policy || learn_policy(&st->learned, policy)) {
		ll_policy_free(policy);
		errno = ENOMEM;
		return -1;
	}
	ll_policy_set_abi(policy, 6);
	ll_policy_set_handled(policy, ll_supervisor_handled_fs(st->sup),
			      ll_supervisor_handled_net(st->sup), 0);
	ret = write_atomic(out, write_policy_file, policy);
	ll_policy_free(policy);
	return ret;
}

/* Writes the policy or trace: atomically, whatever ended the run. */
static void write_outputs(struct state *st)
{
	const char *out = NULL;
	int ret = 0;

	if (st->opt->permissive)
		out = st->opt->permissive_out ?: "landlock-permissive.json";
	else if (st->opt->ask)
		out = st->opt->ask_out;
	if (out && st->learn_failed) {
		ret = -1;
		warn("%s not written: memory ran out during the run", out);
	} else if (out) {
		ret = write_learned(st, out);
		if (ret)
			warn("cannot write %s: %s", out, strerror(errno));
		else
			info("%lu events; policy written to %s", st->events_seen, out);
	}
	if (st->opt->trace) {
		const struct trace_out trace = { &st->trace, st->opt->trace_make };

		out = st->opt->trace_out
			      ?: (st->opt->trace_make ? "landlock-trace.d" : "landlock-trace.json");
		if (st->trace.failed) {
			st->failed = true;
			warn("%s not written: memory ran out during the run", out);
		} else if (write_atomic(out, write_trace_file, (void *)&trace)) {
			st->failed = true;
			warn("cannot write %s: %s", out, strerror(errno));
		} else {
			info("%lu events; trace written to %s", st->events_seen, out);
		}
	}
	if (ret)
		st->failed = true;
}

/*
 * SIGINT, SIGTERM and SIGHUP go to the command (unless the terminal sent
 * them to its process group, the command's too); the supervisor keeps
 * answering until the command exits, then writes its outputs.
 */
static void forward(const struct state *st, const struct signalfd_siginfo *info)
{
	if (info->ssi_signo == SIGCHLD || st->child <= 0)
		return;
	if (info->ssi_code == SI_KERNEL && getpgid(st->child) == getpgrp())
		return;
	kill(st->child, info->ssi_signo);
}

/* --- Before the run ------------------------------------------------------ */

/*
 * Checks every output before the command runs (a run whose policy or
 * trace cannot be written would be lost); opens the log, whose descriptor
 * it returns (or -1).
 */
static int check_outputs(const struct options *opt)
{
	const char *outs[2] = { NULL, NULL };
	struct stat sb;
	size_t i;
	int fd;

	if (opt->permissive)
		outs[0] = opt->permissive_out ?: "landlock-permissive.json";
	else if (opt->ask)
		outs[0] = opt->ask_out;
	if (opt->trace)
		outs[1] = opt->trace_out
				  ?: (opt->trace_make ? "landlock-trace.d" : "landlock-trace.json");
	for (i = 0; i < 2; i++)
		if (outs[i] && output_writable(outs[i]))
			die(EXIT_FAIL, "%s: %s (an output: nothing was run)", outs[i],
			    strerror(errno));
	if (!opt->log)
		return -1;
	/* A dry run creates nothing: the log is checked as the others. */
	if (opt->dry_run && output_writable(opt->log))
		die(EXIT_FAIL, "%s: %s (the log: nothing was run)", opt->log, strerror(errno));
	if (opt->dry_run)
		return -1;
	if (!stat(opt->log, &sb) && S_ISDIR(sb.st_mode))
		die(EXIT_FAIL, "%s: %s (the log: nothing was run)", opt->log, strerror(EISDIR));
	fd = open(opt->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		die(EXIT_FAIL, "%s: %s (the log: nothing was run)", opt->log, strerror(errno));
	return fd;
}

/*
 * Whether to run best effort (a plain Landlock ruleset): on a kernel with
 * Landlock but without supervisors, unless an option needs them (then
 * exits).  *@abi: the running kernel's Landlock ABI.
 */
static bool kernel_mode(const struct options *opt, int *abi)
{
	const char *missing = ll_missing_feature(false), *needs = NULL;
	const bool notify = opt->ask || opt->permissive || opt->trace || opt->log;

	*abi = ll_abi_version();
	if (*abi > 6)
		*abi = 6;
	if (!missing) {
		missing = notify ? ll_missing_feature(true) : NULL;
		if (missing)
			die(EXIT_FAIL, "%s: --ask, --permissive, --trace and --log need it",
			    missing);
		return false;
	}
	if (*abi < 1)
		die(EXIT_FAIL, "%s: nothing can be enforced", missing);
	if (opt->require_supervisor)
		needs = "--require-supervisor";
	else if (opt->permissive)
		needs = "--permissive";
	else if (opt->ask)
		needs = "--ask";
	else if (opt->trace)
		needs = "--trace";
	else if (opt->watch)
		needs = "--watch";
	else if (opt->log)
		needs = "--log";
	if (needs)
		die(EXIT_FAIL, "%s: %s needs it", missing, needs);
	return true;
}

/* Says what a best-effort run cannot enforce. */
static void warn_best_effort(int abi, uint64_t fs, uint64_t net, uint64_t scoped)
{
	char lost[1024] = "", names[512];
	size_t used = 0;

	if (fs & ~ll_fs_rights(abi))
		used += snprintf(
			lost + used, sizeof(lost) - used, "; not enforced: %s",
			ll_access_names(fs & ~ll_fs_rights(abi), false, names, sizeof(names)));
	if (net & ~ll_net_rights(abi) && used < sizeof(lost))
		used += snprintf(
			lost + used, sizeof(lost) - used, "%s%s", used ? ", " : "; not enforced: ",
			ll_access_names(net & ~ll_net_rights(abi), true, names, sizeof(names)));
	if (scoped & ~ll_scopes(abi) && used < sizeof(lost))
		snprintf(lost + used, sizeof(lost) - used, "%s%s", used ? ", " : "; not enforced: ",
			 "scoped signals and abstract unix sockets");
	warn("no Landlock supervisor in this kernel: the policy is enforced as a fixed Landlock ruleset (ABI %d), without live reload, events or summary%s",
	     abi, lost);
}

/* Base and live rules in one fixed ruleset (best effort); its descriptor. */
static int plain_ruleset(const struct options *opt, struct ll_policy *base,
			 const struct ll_policy *live, uint64_t scoped)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = ll_policy_handled_fs(base),
		.handled_access_net = ll_policy_handled_net(base),
		.scoped = scoped,
	};
	char err[LL_ERR_LEN];
	int fd;

	if (ll_policy_union(base, live))
		die(EXIT_FAIL, "out of memory");
	/* The union handles what either handles: back to the layer's rights. */
	ll_policy_set_handled(base, attr.handled_access_fs, attr.handled_access_net, scoped);
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		die(EXIT_FAIL, "cannot create a Landlock ruleset: %s", strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (ll_supervisee_add_policy(fd, base, opt->ignore_missing ? LL_IGNORE_MISSING : 0, err,
				     sizeof(err)))
		die(EXIT_FAIL, "%s", err);
	return fd;
}

/*
 * A private TMPDIR with every right (so that "--rw $PWD -- make" has
 * somewhere to put its temporary files), removed with its content at exit.
 * Not when tracing: trace.c gives the command a TMPDIR of its own.
 */
static void make_private_tmpdir(const struct options *opt, struct ll_policy *base)
{
	const char *tmp = getenv("TMPDIR");

	if (opt->no_tmpdir || opt->trace)
		return;
	if ((size_t)snprintf(private_tmpdir, sizeof(private_tmpdir), "%s/landlock-supervise.XXXXXX",
			     tmp && tmp[0] == '/' ? tmp : "/tmp") >= sizeof(private_tmpdir) ||
	    !mkdtemp(private_tmpdir)) {
		warn("cannot create a private TMPDIR in %s: %s",
		     tmp && tmp[0] == '/' ? tmp : "/tmp", strerror(errno));
		private_tmpdir[0] = '\0';
		return;
	}
	atexit(remove_private_tmpdir);
	if (ll_policy_add_path(base, private_tmpdir, RIGHTS_RWX))
		die(EXIT_FAIL, "out of memory");
}

/* --dry-run: the layer as it would be enforced, as a policy; runs nothing. */
static int dry_run(const struct options *opt, const struct ll_policy *base,
		   const struct ll_policy *live, uint64_t handled_fs, uint64_t handled_net,
		   uint64_t scoped, bool best_effort, int abi)
{
	struct ll_policy *layer = ll_policy_dup(base);

	if (!layer || ll_policy_union(layer, live))
		die(EXIT_FAIL, "out of memory");
	ll_policy_set_handled(layer, handled_fs, handled_net, scoped);
	ll_policy_set_abi(layer, 6);
	ll_policy_mask(layer);
	if (best_effort)
		warn_best_effort(
			abi, ll_policy_handled_fs(base) | ll_policy_handled_fs(live) | handled_fs,
			opt->net ? 0 : ll_net_rights(6), opt->no_scope ? 0 : ll_scopes(6));
	warn("dry run: %s would run in %s with these rules%s", opt->command[0],
	     best_effort ? "a fixed Landlock ruleset" : "a supervised Landlock layer",
	     opt->no_tmpdir || opt->trace ? "" : " and a private TMPDIR");
	if (print_policy(layer, stdout))
		die(EXIT_FAIL, "stdout: %s", strerror(errno));
	ll_policy_free(layer);
	return 0;
}

/* Whether the rule on @rule (resolved) covers the resolved @path. */
static bool beneath(const char *rule, const char *path)
{
	const size_t len = strlen(rule);

	return !strcmp(rule, "/") ||
	       (!strncmp(rule, path, len) && (!path[len] || path[len] == '/'));
}

/* @path resolved: its directory's real path and its name if it does not exist. */
static char *resolve(const char *path)
{
	char *real = realpath(path, NULL), *dir, *copy, *name, *out;

	if (real)
		return real;
	copy = strdup(path);
	dir = copy ? realpath(dirname(copy), NULL) : NULL;
	free(copy);
	copy = strdup(path);
	name = copy ? basename(copy) : NULL;
	if (!dir || !name || asprintf(&out, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0)
		out = NULL;
	free(dir);
	free(copy);
	return out;
}

/* Prints each rule of @policy (@kind) that covers @real, with @asked rights. */
static uint64_t explain_rules(const char *path, const char *real, const struct ll_policy *policy,
			      const char *kind, uint64_t asked)
{
	uint64_t allowed = 0, access;
	char names[512];
	const char *rule;
	size_t i;

	for (i = 0; (rule = ll_policy_path(policy, i, &access)); i++) {
		char *rule_real = realpath(rule, NULL);

		if (rule_real && beneath(rule_real, real) && (access & asked)) {
			printf("%s: allowed %s by the %s rule on %s\n", path,
			       ll_access_names(access & asked, false, names, sizeof(names)), kind,
			       rule);
			allowed |= access & asked;
		}
		free(rule_real);
	}
	return allowed;
}

/*
 * --explain PATH...: which rules allow what on each path, in user space
 * (rules bind to the files their paths name now, as here); exit 1 if a
 * right of --access is denied on one of them.
 */
static int explain_paths(const struct options *opt, const struct ll_policy *base,
			 const struct ll_policy *live, uint64_t handled_fs)
{
	int status = 0;
	size_t i;

	for (i = 0; i < opt->num_explain; i++) {
		const char *path = opt->explain[i];
		char *real = resolve(path), names[512];
		uint64_t asked, allowed;
		struct stat sb;

		if (!real)
			die(EXIT_FAIL, "--explain %s: %s", path, strerror(errno));
		asked = opt->explain_access ?: handled_fs;
		/* Rights on directories mean nothing on a file. */
		if (!opt->explain_access && !stat(real, &sb) && !S_ISDIR(sb.st_mode))
			asked &= ll_file_rights();
		allowed = explain_rules(path, real, base, "base", asked);
		allowed |= explain_rules(path, real, live, "live (--policy)", asked);
		if (asked & handled_fs & ~allowed) {
			printf("%s: denied %s\n", path,
			       ll_access_names(asked & handled_fs & ~allowed, false, names,
					       sizeof(names)));
			if (opt->explain_access)
				status = EXIT_INVALID;
		}
		if (asked & ~handled_fs)
			printf("%s: not restricted %s (not handled)\n", path,
			       ll_access_names(asked & ~handled_fs, false, names, sizeof(names)));
		free(real);
	}
	return fflush(stdout) ? EXIT_FAIL : status;
}

/*
 * Whether the command exited (its status in *@status).  Stopped from the
 * terminal (Ctrl-Z) while it has a process group of its own, the supervisor
 * stops too, so that the shell that started it regains the terminal; when
 * continued, it gives the command the terminal back (if it has it) and
 * continues it.
 */
static bool child_exited(struct state *st, int *status)
{
	const pid_t pid = waitpid(st->child, status, WNOHANG | (st->cmd_pgid ? WUNTRACED : 0));

	if (pid != st->child)
		return false;
	if (!WIFSTOPPED(*status))
		return true;
	tcsetpgrp(st->tty_fd, getpgrp());
	raise(SIGTSTP);
	if (tcgetpgrp(st->tty_fd) == getpgrp())
		tcsetpgrp(st->tty_fd, st->cmd_pgid);
	kill(-st->cmd_pgid, SIGCONT);
	return false;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct state st = {
		.opt = &opt, .inotify_fd = -1, .log_fd = -1, .tty_fd = -1, .ask_inotify_fd = -1
	};
	struct ll_policy *base = NULL;
	char err[LL_ERR_LEN];
	size_t i;
	const char *missing;
	uint64_t handled_fs, handled_net, scoped;
	int supervisee_fd, watch_fd = -1, signal_fd, status_fd = -1, status = 0, abi;
	bool notify, best_effort, exited = false;
	sigset_t mask;

	opt.extra = new_policy();
	parse_options(argc, argv, &opt);
	quiet = opt.quiet;
	if (opt.check)
		return check_files(opt.command);
	if (opt.print)
		return print_files(opt.command, opt.extra);

	/* The policies first: a typo is a policy error on any kernel. */
	if (load_policies(opt.policies, opt.num_policies, &st.policy, err, sizeof(err)) ||
	    load_policies(opt.bases, opt.num_bases, &base, err, sizeof(err)))
		die(EXIT_FAIL, "%s", err);
	add_extra(base, opt.extra);
	handled_fs = ll_policy_handled_fs(st.policy) | ll_policy_handled_fs(base);
	handled_net = ll_policy_handled_net(st.policy) | ll_policy_handled_net(base);
	scoped = ll_policy_scoped(st.policy) | ll_policy_scoped(base);
	if (!handled_fs && !handled_net)
		handled_fs = ll_fs_rights(6);
	if (opt.num_explain)
		return explain_paths(&opt, base, st.policy, handled_fs);
	/* The defaults of landrun, nono and bubblewrap: no network, scoped. */
	if (!opt.net)
		handled_net |= ll_net_rights(6);
	if (!opt.no_scope)
		scoped |= ll_scopes(6);
	if (!opt.ignore_missing) {
		if ((missing = missing_path(st.policy)))
			path_origin(opt.policies, opt.num_policies, missing, err, sizeof(err));
		else if ((missing = missing_path(base)))
			path_origin(opt.bases, opt.num_bases, missing, err, sizeof(err));
		if (missing)
			die(EXIT_FAIL, "%s%s: %s (--ignore-missing skips it)", err, missing,
			    strerror(ENOENT));
	}
	if (opt.trace) {
		warn_untraced(base, "base");
		warn_untraced(st.policy, "--policy");
	}
	/* The outputs before the run, which would be lost otherwise. */
	st.log_fd = check_outputs(&opt);

	/*
	 * A kernel without supervisors gets what plain Landlock enforces of
	 * the policy, unless an option needs the supervisor.
	 */
	best_effort = kernel_mode(&opt, &abi);
	/* Events for the summary, unless --quiet (each denial is a round trip). */
	notify = !best_effort && !ll_missing_feature(true) &&
		 (!opt.quiet || opt.ask || opt.permissive || opt.trace || opt.log);
	if (best_effort) {
		handled_fs &= ll_fs_rights(abi);
		handled_net &= ll_net_rights(abi);
		scoped &= ll_scopes(abi);
	}
	if (opt.dry_run)
		return dry_run(&opt, base, st.policy, handled_fs, handled_net, scoped, best_effort,
			       abi);
	if (best_effort)
		warn_best_effort(abi,
				 ll_policy_handled_fs(base) | ll_policy_handled_fs(st.policy) |
					 handled_fs,
				 opt.net ? 0 : ll_net_rights(6), opt.no_scope ? 0 : ll_scopes(6));
	raise_nofile();
	make_private_tmpdir(&opt, base);
	ll_policy_set_handled(base, handled_fs, handled_net, ll_policy_scoped(base));
	if (best_effort) {
		supervisee_fd = plain_ruleset(&opt, base, st.policy, scoped);
	} else {
		st.sup = ll_supervisor_new(handled_fs, handled_net, scoped, notify);
		if (!st.sup)
			die(EXIT_FAIL, "cannot create the supervisor: %s", strerror(errno));
		if (ll_supervisor_apply(st.sup, st.policy,
					opt.ignore_missing ? LL_IGNORE_MISSING : 0, err,
					sizeof(err)))
			die(EXIT_FAIL, "%s", err);
		if (err[0])
			warn("%s", err);
		/*
		 * Whether the kernel asks about the opens of the files that calls
		 * create (learning and tracing grant their rights on the files
		 * then): probed now, before signals are handled, with a child of
		 * its own.
		 */
		if (notify && (opt.permissive || opt.trace))
			ll_kernel_event_flags();
		supervisee_fd = ll_supervisee_get(ll_supervisor_fd(st.sup));
		if (supervisee_fd < 0)
			die(EXIT_FAIL, "cannot get the supervisee ruleset: %s", strerror(errno));
		if (ll_supervisee_add_policy(supervisee_fd, base,
					     opt.ignore_missing ? LL_IGNORE_MISSING : 0, err,
					     sizeof(err)))
			die(EXIT_FAIL, "%s", err);
	}
	st.events = calloc(BATCH, sizeof(*st.events));
	if (!st.events)
		die(EXIT_FAIL, "out of memory");
	for (i = 0; i < BATCH; i++) {
		st.events[i] = ll_event_new();
		if (!st.events[i])
			die(EXIT_FAIL, "out of memory");
	}
	learn_init(&st.learned);
	if (opt.permissive)
		learn_zones(&st, base);
	strmap_init(&st.denied);
	ll_trace_init(&st.trace);
	strmap_init(&st.denials);
	if (opt.ask) {
		st.tty = fopen("/dev/tty", "r+e");
		if (!st.tty)
			warn("no terminal: every denial is denied");
		st.tty_fd = st.tty ? fileno(st.tty) : -1;
		/*
		 * In the terminal's foreground, the command gets a process group of
		 * its own (its pid), so that the prompt can take the terminal.
		 */
		if (st.tty && tcgetpgrp(st.tty_fd) == getpgrp()) {
			signal(SIGTTOU, SIG_IGN);
			st.cmd_pgid = -1; /* the child's pid, once known */
		}
		st.ask_inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	}
	if (opt.trace) {
		const char *tmp = getenv("TMPDIR");

		st.inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
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
			die(EXIT_FAIL, "inotify: %s", strerror(errno));
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0 || (st.sup && fcntl(ll_supervisor_fd(st.sup), F_SETFL, O_NONBLOCK)))
		die(EXIT_FAIL, "signalfd: %s", strerror(errno));

	st.signal_fd = signal_fd;
	st.child = spawn(&st, supervisee_fd, &status_fd);
	if (st.cmd_pgid)
		st.cmd_pgid = st.child;
	close(supervisee_fd);

	while (!exited) {
		struct pollfd fds[6] = {
			{ .fd = st.sup ? ll_supervisor_fd(st.sup) : -1, .events = POLLIN },
			{ .fd = signal_fd, .events = POLLIN },
			{ .fd = watch_fd, .events = POLLIN },
			{ .fd = st.inotify_fd, .events = POLLIN },
			{ .fd = status_fd, .events = POLLIN },
			{ .fd = st.num_transients ? st.ask_inotify_fd : -1, .events = POLLIN },
		};
		const int timeout = reload_timeout(&st);

		if (poll(fds, 6, timeout) < 0 && errno != EINTR) {
			warn("poll: %s", strerror(errno));
			st.failed = true;
			kill(st.child, SIGKILL);
			waitpid(st.child, &status, 0);
			break;
		}
		if (fds[0].revents & POLLIN)
			handle_events(&st);
		if (fds[2].revents & POLLIN)
			policy_changed(&st, watch_fd);
		if (st.reload_due && !reload_timeout(&st))
			reload(&st, watch_fd);
		if ((fds[3].revents & POLLIN) && ll_trace_inotify(&st.trace, st.inotify_fd))
			out_of_memory(&st, "trace");
		if (fds[4].revents)
			exec_status(&st, &status_fd);
		if (fds[5].revents & POLLIN)
			settle_transients(&st);
		if ((fds[1].revents & POLLIN) || st.child_event) {
			struct signalfd_siginfo info;

			st.child_event = false;
			while (read(signal_fd, &info, sizeof(info)) == sizeof(info))
				forward(&st, &info);
			exited = child_exited(&st, &status);
		}
	}
	/* The terminal goes back to where the supervisor was started from. */
	if (st.cmd_pgid)
		tcsetpgrp(st.tty_fd, getpgrp());
	/* The child is gone: its exec status is there (or the pipe closed). */
	if (status_fd >= 0) {
		fcntl(status_fd, F_SETFL, 0);
		exec_status(&st, &status_fd);
	}
	if (st.exec_err == ENOENT)
		die(EXIT_NOTFOUND, "%s: command not found", opt.command[0]);
	if (st.exec_err)
		die(EXIT_NOEXEC, "%s: %s", opt.command[0], strerror(st.exec_err));
	/* Late inotify records of the last writes. */
	if (opt.trace) {
		if (ll_trace_inotify(&st.trace, st.inotify_fd))
			out_of_memory(&st, "trace");
		if (st.trace_tmpdir[0] && rmdir(st.trace_tmpdir) && errno == ENOTEMPTY)
			warn("trace: %s is left with files in it", st.trace_tmpdir);
		ll_trace_warn(&st.trace, stderr, opt.trace_make);
	}
	write_outputs(&st);
	print_summary(&st);
	if (st.log_fd >= 0)
		close(st.log_fd);
	ll_supervisor_free(st.sup);
	ll_policy_free(st.policy);
	ll_policy_free(base);
	ll_policy_free(opt.extra);
	learn_free(&st.learned);
	strmap_free(&st.denied);
	strmap_free(&st.denials);
	ll_trace_free(&st.trace);
	for (i = 0; i < BATCH; i++)
		ll_event_free(st.events[i]);
	free(st.events);
	if (st.failed)
		return EXIT_FAIL;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
