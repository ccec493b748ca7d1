// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs the landlockconfig conformance corpus (the .case files of tests/conformance,
 * described in tests/conformance/README) against the library: for each
 * case, writes its files into a temporary directory, loads them with
 * ll_policy_load_files() and compares the resolved policy, or the error
 * with its file:line:column, with what the case expects.
 *   conformance DIR [CASE...]
 * Prints "ok NAME" or "not ok NAME" and the differences, then
 * "N passed, N failed".  Built with AddressSanitizer and UBSan.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock-supervise.h"

#define MAX_LOADS 16

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* Creates @dir/@name (and its directories) with @len bytes of @data. */
static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char *path, *slash;
	FILE *f;
	int ret = -1;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -1;
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "we");
	if (f) {
		ret = fwrite(data, 1, len, f) == len ? 0 : -1;
		ret = fclose(f) ? -1 : ret;
	}
	free(path);
	return ret;
}

static void names(FILE *out, const char *what, uint64_t access, int kind)
{
	char buf[512];

	if (kind == 2)
		snprintf(buf, sizeof(buf), "%s%s%s",
			 access & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET ? "abstract_unix_socket" : "",
			 access == (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL)
				 ? ","
				 : "",
			 access & LANDLOCK_SCOPE_SIGNAL ? "signal" : "");
	else
		ll_access_names(access, kind == 1, buf, sizeof(buf));
	fprintf(out, "%s %s\n", what, access ? buf : "-");
}

struct rule {
	const char *path;
	uint64_t port, access;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->path, ((const struct rule *)b)->path);
}

static int by_port(const void *a, const void *b)
{
	const uint64_t x = ((const struct rule *)a)->port;
	const uint64_t y = ((const struct rule *)b)->port;

	return x < y ? -1 : x > y;
}

/* The resolved policy, in the corpus's text form (sorted). */
static void dump(FILE *out, const struct ll_policy *p)
{
	const size_t num_paths = ll_policy_num_paths(p), num_ports = ll_policy_num_ports(p);
	struct rule *rules = calloc(num_paths + num_ports + 1, sizeof(*rules));
	size_t i;

	fprintf(out, "abi %d\n", ll_policy_abi(p));
	names(out, "handled_fs", ll_policy_handled_fs(p), 0);
	names(out, "handled_net", ll_policy_handled_net(p), 1);
	names(out, "scoped", ll_policy_scoped(p), 2);
	if (!rules) {
		fprintf(out, "out of memory\n");
		return;
	}
	for (i = 0; i < num_paths; i++)
		rules[i].path = ll_policy_path(p, i, &rules[i].access);
	for (i = 0; i < num_ports; i++)
		ll_policy_port(p, i, &rules[num_paths + i].port, &rules[num_paths + i].access);
	qsort(rules, num_paths, sizeof(*rules), by_path);
	qsort(rules + num_paths, num_ports, sizeof(*rules), by_port);
	for (i = 0; i < num_paths; i++) {
		char what[4200];

		snprintf(what, sizeof(what), "path %s", rules[i].path);
		names(out, what, rules[i].access, 0);
	}
	for (i = num_paths; i < num_paths + num_ports; i++) {
		char what[64];

		snprintf(what, sizeof(what), "port %llu", (unsigned long long)rules[i].port);
		names(out, what, rules[i].access, 1);
	}
	free(rules);
}

/*
 * Runs one case.  Sections start with a line "--- file NAME", "--- load
 * PATH..." or "--- expect"; lines before the first are comments.
 */
static int run_case(const char *name, char *text)
{
	char tmp[] = "/tmp/ll-conformance-XXXXXX";
	const char *loads[MAX_LOADS], *expect = NULL;
	char *paths[MAX_LOADS] = { 0 }, *files[MAX_LOADS] = { 0 };
	size_t num_loads = 0, num_files = 0, i;
	char err[LL_ERR_LEN], *line = text, *got = NULL;
	struct ll_policy *policy = ll_policy_new();
	size_t got_len = 0;
	int ok = 0;
	FILE *out;

	if (!policy || !mkdtemp(tmp)) {
		ll_policy_free(policy);
		return 0;
	}
	while (line && *line) {
		char *next = strchr(line, '\n');

		if (strncmp(line, "--- ", 4)) {
			line = next ? next + 1 : NULL;
			continue;
		}
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "--- file ", 9)) {
			/* Content: up to the next section line. */
			char *end = next ? strstr(next, "\n--- ") : NULL;
			size_t len;

			if (next && !strncmp(next, "--- ", 4))
				end = next - 1; /* an empty file */
			len = end ? (size_t)(end - next + 1) : next ? strlen(next) : 0;

			if (num_files < MAX_LOADS)
				files[num_files++] = line + 9;
			if (write_file(tmp, line + 9, next ? next : "", len)) {
				printf("not ok %s: cannot write %s\n", name, line + 9);
				goto out;
			}
			line = end ? end + 1 : NULL;
		} else if (!strncmp(line, "--- load ", 9)) {
			char *save = NULL, *tok;

			for (tok = strtok_r(line + 9, " ", &save); tok && num_loads < MAX_LOADS;
			     tok = strtok_r(NULL, " ", &save))
				loads[num_loads++] = tok;
			line = next;
		} else if (!strcmp(line, "--- expect")) {
			expect = next ? next : "";
			break;
		} else {
			printf("not ok %s: unknown section \"%s\"\n", name, line);
			goto out;
		}
	}
	if (!expect) {
		printf("not ok %s: no \"--- expect\"\n", name);
		goto out;
	}
	if (!num_loads)
		for (i = 0; i < num_files; i++)
			loads[num_loads++] = files[i];
	for (i = 0; i < num_loads; i++)
		if (asprintf(&paths[i], "%s/%s", tmp, loads[i]) < 0)
			goto out;
	out = open_memstream(&got, &got_len);
	if (!out)
		goto out;
	if (ll_policy_load_files(policy, (const char *const *)paths, num_loads, err, sizeof(err))) {
		/* Errors name the files as given: show them relative. */
		const char *e = err;
		char *at;

		while ((at = strstr(e, tmp))) {
			fprintf(out, "%.*s", (int)(at - e), e);
			e = at + strlen(tmp) + 1;
		}
		fprintf(out, "error %s\n", e);
		fclose(out);
		/* An expected error is a prefix of the message. */
		ok = !strncmp(expect, "error ", 6) && !strncmp(got, expect, strcspn(expect, "\n"));
	} else {
		dump(out, policy);
		fclose(out);
		ok = !strcmp(got, expect);
	}
	if (ok)
		printf("ok %s\n", name);
	else
		printf("not ok %s\n# expected:\n%s# got:\n%s", name, expect, got);
out:
	for (i = 0; i < num_loads; i++)
		free(paths[i]);
	free(got);
	ll_policy_free(policy);
	nftw(tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	return ok;
}

static int is_case(const struct dirent *d)
{
	const size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".case");
}

int main(int argc, char **argv)
{
	struct dirent **list;
	int passed = 0, failed = 0, n, i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [CASE...]\n", argv[0]);
		return 2;
	}
	n = scandir(argv[1], &list, is_case, alphasort);
	if (n < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < n; i++) {
		char *path, *text;
		int j, wanted = argc == 2;

		for (j = 2; j < argc; j++)
			wanted = wanted || !strncmp(list[i]->d_name, argv[j], strlen(argv[j]));
		if (wanted && asprintf(&path, "%s/%s", argv[1], list[i]->d_name) >= 0) {
			text = read_all(path);
			if (text && run_case(list[i]->d_name, text))
				passed++;
			else
				failed++;
			free(text);
			free(path);
		}
		free(list[i]);
	}
	free(list);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
