// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the policy model (parsing, errors, variables, composition,
 * algebra, writing).  Built with AddressSanitizer and UBSan.
 */
#define _GNU_SOURCE
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "landlock-supervise.h"

static int passed, failed;

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (cond) {                                                       \
			passed++;                                                 \
		} else {                                                          \
			failed++;                                                 \
			printf("not ok: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                 \
	} while (0)

static uint64_t path_access(const struct ll_policy *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->num_paths; i++)
		if (!strcmp(p->paths[i].path, path))
			return p->paths[i].access;
	return 0;
}

static void test_parse_example(void)
{
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];

	CHECK(!ll_policy_load(&p, "examples/shell.json", err));
	CHECK(p.abi == 6);
	CHECK(p.handled_fs == ll_fs_rights(6));
	/* landlockconfig's abi.read_execute has refer from ABI 2 on. */
	CHECK(path_access(&p, "/usr") ==
	      (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
	       LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REFER));
	CHECK(path_access(&p, "/dev/null") & LANDLOCK_ACCESS_FS_WRITE_FILE);
	ll_policy_free(&p);
}

static void test_syntax_error_position(void)
{
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];

	CHECK(ll_policy_load_string(&p, "x.json", "{\n  \"abi\": 6,\n  oops\n}", err));
	CHECK(!strncmp(err, "x.json:3:", 9));
	CHECK(p.num_paths == 0);
}

static void test_semantic_error_position(void)
{
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];

	CHECK(ll_policy_load_string(
		&p, "y.json",
		"{\"pathBeneath\": [\n {\"allowedAccess\": [\"read_fil\"],\n  \"parent\": [\"/\"]}]}",
		err));
	CHECK(strstr(err, "y.json:2:21:") != NULL);
	CHECK(strstr(err, "pathBeneath[0].allowedAccess") != NULL);
	CHECK(strstr(err, "read_fil") != NULL);
	CHECK(ll_policy_load_string(&p, "z.json", "{\"unknown\": 1}", err));
	CHECK(strstr(err, "unknown key") != NULL);
	CHECK(ll_policy_load_string(
		&p, "w.json",
		"{\"netPort\": [{\"allowedAccess\": [\"bind_tcp\"], \"port\": [70000]}]}", err));
	CHECK(strstr(err, "port") != NULL);
	CHECK(ll_policy_load(&p, "/nonexistent.json", err));
	CHECK(strstr(err, "No such file") != NULL);
}

/* Found by tests/fuzz: containers of the wrong type. */
static void test_wrong_types(void)
{
	static const char *const inputs[] = {
		"{\"abi\": 6, \"ruleset\": [\"/sys\"]}",
		"{\"ruleset\": {\"handledAccessFs\": [\"execute\"]}}",
		"{\"pathBeneath\": [3]}",
		"{\"pathBeneath\": {}}",
		"{\"netPort\": [[]]}",
		"{\"variable\": [\"x\"]}",
		"{\"variable\": [{\"name\": 1, \"literal\": [\"/\"]}]}",
		"{\"variable\": [{\"name\": \"v\", \"literal\": [1]}]}",
		"[]",
		"7",
	};
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		CHECK(ll_policy_load_string(&p, "t.json", inputs[i], err) == -1);
		CHECK(!strncmp(err, "t.json", 6));
	}
	CHECK(p.num_paths == 0 && p.num_ports == 0);
}

/*
 * Found by tests/fuzz: a value naming its own variable recursed without end,
 * and a few uses of many-valued variables asked for billions of paths.
 */
static void test_variable_expansion_bounds(void)
{
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];
	char json[1024];

	/* Values are literal: "${x}" in a value is not expanded again. */
	CHECK(!ll_policy_load_string(
		&p, "r.json",
		"{\"variable\": [{\"name\": \"x\", \"literal\": [\"/a${x}\"]}],"
		" \"pathBeneath\": [{\"allowedAccess\": [\"read_file\"], \"parent\": [\"${x}/${x}\"]}]}",
		err));
	/* Paths are normalized: the double slash goes. */
	CHECK(p.num_paths == 1 && !strcmp(p.paths[0].path, "/a${x}/a${x}"));
	ll_policy_free(&p);

	/* 8 values used 8 times: 16,777,216 paths, refused at once. */
	snprintf(json, sizeof(json),
		 "{\"variable\": [{\"name\": \"v\", \"literal\": [\"a\", \"b\", \"c\", \"d\","
		 " \"e\", \"f\", \"g\", \"h\"]}], \"pathBeneath\": [{\"allowedAccess\":"
		 " [\"read_file\"], \"parent\": [\"/${v}/${v}/${v}/${v}/${v}/${v}/${v}/${v}\"]}]}");
	CHECK(ll_policy_load_string(&p, "b.json", json, err) == -1);
	CHECK(strstr(err, "variables expand to more than") != NULL);
	CHECK(p.num_paths == 0);
	/* 8 values used 3 times: 512 paths, fine. */
	snprintf(json, sizeof(json),
		 "{\"variable\": [{\"name\": \"v\", \"literal\": [\"a\", \"b\", \"c\", \"d\","
		 " \"e\", \"f\", \"g\", \"h\"]}], \"pathBeneath\": [{\"allowedAccess\":"
		 " [\"read_file\"], \"parent\": [\"/${v}/${v}/${v}\"]}]}");
	CHECK(!ll_policy_load_string(&p, "s.json", json, err));
	CHECK(p.num_paths == 512);
	ll_policy_free(&p);
}

static void test_variables_and_composition(void)
{
	struct ll_policy p = { 0 };
	char err[LL_ERR_LEN];

	CHECK(!ll_policy_load_string(
		&p, "v.json",
		"{\"abi\": 6, \"variable\": [{\"name\": \"tmp\", \"literal\": [\"/tmp\", \"/var/tmp\"]}],"
		" \"pathBeneath\": [{\"allowedAccess\": [\"abi.read_write\"], \"parent\": [\"${tmp}/x\"]}]}",
		err));
	CHECK(p.num_paths == 2);
	CHECK(path_access(&p, "/tmp/x") & LANDLOCK_ACCESS_FS_WRITE_FILE);
	CHECK(!(path_access(&p, "/var/tmp/x") & LANDLOCK_ACCESS_FS_EXECUTE));
	CHECK(ll_policy_load_string(
		&p, "u.json",
		"{\"pathBeneath\": [{\"allowedAccess\": [\"read_file\"], \"parent\": [\"${nope}\"]}]}",
		err));
	CHECK(strstr(err, "u.json:1:62: variable \"nope\" not found") != NULL);
	/*
	 * Composition (landlockconfig's): the common handled rights (the
	 * second file handles execute, the first its read-write rights, so
	 * none), rules limited to them; a port rule makes its right handled.
	 */
	CHECK(!ll_policy_load_string(
		&p, "c.json",
		"{\"ruleset\": [{\"handledAccessNet\": [\"connect_tcp\"]}],"
		" \"pathBeneath\": [{\"allowedAccess\": [\"execute\"], \"parent\": [\"/tmp/x\"]}],"
		" \"netPort\": [{\"allowedAccess\": [\"connect_tcp\"], \"port\": [443]}]}",
		err));
	CHECK(p.handled_fs == 0 && p.num_paths == 0);
	CHECK(p.handled_net == 0 && p.num_ports == 0);
	ll_policy_free(&p);
}

static void test_algebra(void)
{
	struct ll_policy a = { 0 }, b = { 0 };

	ll_policy_add_path(&a, "/a", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE);
	ll_policy_add_path(&a, "/c", LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_add_path(&b, "/a", LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_add_path(&b, "/a/b", LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_add_port(&a, 80, LANDLOCK_ACCESS_NET_BIND_TCP);
	a.handled_fs = b.handled_fs = ll_fs_rights(6);

	ll_policy_difference(&a, &b);
	CHECK(path_access(&a, "/a") == LANDLOCK_ACCESS_FS_WRITE_FILE);
	CHECK(path_access(&a, "/c") == LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_union(&a, &b);
	CHECK(path_access(&a, "/a") ==
	      (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE));
	CHECK(path_access(&a, "/a/b") == LANDLOCK_ACCESS_FS_READ_FILE);
	/* Per object: /c and the port are not in b, so they go. */
	ll_policy_intersect(&a, &b);
	CHECK(path_access(&a, "/a") == LANDLOCK_ACCESS_FS_READ_FILE);
	CHECK(path_access(&a, "/c") == 0);
	CHECK(a.num_ports == 0);
	ll_policy_free(&a);
	ll_policy_free(&b);
}

static void test_write_round_trip(void)
{
	struct ll_policy p = { 0 }, q = { 0 };
	char err[LL_ERR_LEN], file[] = "/tmp/ll-policy-XXXXXX";
	const int fd = mkstemp(file);

	CHECK(fd >= 0);
	close(fd);
	p.abi = 6;
	p.handled_fs = ll_fs_rights(6);
	p.handled_net = ll_net_rights(6);
	ll_policy_add_path(&p, "/x y", LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_add_path(&p, "/z", LANDLOCK_ACCESS_FS_READ_FILE);
	ll_policy_add_path(&p, "/w", LANDLOCK_ACCESS_FS_MAKE_REG);
	ll_policy_add_port(&p, 8080, LANDLOCK_ACCESS_NET_BIND_TCP);
	CHECK(!ll_policy_write(&p, file));
	CHECK(!ll_policy_load(&q, file, err));
	CHECK(q.handled_fs == p.handled_fs && q.handled_net == p.handled_net);
	CHECK(q.num_paths == 3 && path_access(&q, "/x y") == LANDLOCK_ACCESS_FS_READ_FILE);
	CHECK(path_access(&q, "/w") == LANDLOCK_ACCESS_FS_MAKE_REG);
	CHECK(q.num_ports == 1 && q.ports[0].access == LANDLOCK_ACCESS_NET_BIND_TCP);
	unlink(file);
	ll_policy_free(&p);
	ll_policy_free(&q);
}

static void test_access_names(void)
{
	char buf[256];

	CHECK(!strcmp(ll_access_names(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_REFER,
				      false, buf, sizeof(buf)),
		      "read_file,refer"));
	CHECK(!strcmp(ll_access_names(LANDLOCK_ACCESS_NET_CONNECT_TCP, true, buf, sizeof(buf)),
		      "connect_tcp"));
	CHECK((ll_file_rights() & LANDLOCK_ACCESS_FS_READ_DIR) == 0);
}

int main(void)
{
	test_parse_example();
	test_syntax_error_position();
	test_semantic_error_position();
	test_wrong_types();
	test_variables_and_composition();
	test_variable_expansion_bounds();
	test_algebra();
	test_write_round_trip();
	test_access_names();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
