/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing the command's outputs: atomically, and policies as JSON. */
#ifndef LL_OUTPUT_H
#define LL_OUTPUT_H

#include <stdio.h>

#include "landlock-supervise.h"

/*
 * Writes @path atomically: @write(@ctx, TMP) writes a temporary file in the
 * same directory, which is synced and renamed over @path (mode 0666 less
 * the umask).  0, or -1 with errno (then @path is untouched).
 */
int write_atomic(const char *path, int (*write)(void *ctx, const char *tmp), void *ctx);

/*
 * Whether write_atomic() can write @path: not a directory, and a file can
 * be created next to it (one is, and removed); 0, or -1 with errno.
 */
int output_writable(const char *path);

/* Writes the resolved rules of @policy as landlockconfig JSON to @out (--print-policy). */
int print_policy(const struct ll_policy *policy, FILE *out);

#endif /* LL_OUTPUT_H */
