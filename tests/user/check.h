/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host unit tests' check macro: counts passed and failed checks, and
 * prints the failed ones.  Each test program prints "N passed, N failed".
 */
#ifndef LL_TESTS_CHECK_H
#define LL_TESTS_CHECK_H

#include <stdio.h>

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

#endif /* LL_TESTS_CHECK_H */
