// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the landlockconfig parser: any input must give a
 * policy or an error message, without crash, leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "landlock-supervise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_policy *policy = ll_policy_new();
	char err[LL_ERR_LEN];
	char *text = malloc(size + 1);

	if (!text || !policy) {
		free(text);
		ll_policy_free(policy);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if (ll_policy_load_string(policy, "fuzz.json", text, err, sizeof(err)))
		/* An error always says where. */
		if (strncmp(err, "fuzz.json", 9))
			abort();
	ll_policy_free(policy);
	free(text);
	return 0;
}
