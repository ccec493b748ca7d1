/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the library's files. */
#ifndef LL_INTERNAL_H
#define LL_INTERNAL_H

#include <stdbool.h>

int ll_access_bit(const char *name, bool net);

#endif /* LL_INTERNAL_H */
