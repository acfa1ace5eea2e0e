/*
 * Fuzz target: a suite file's text, as config_parse_text reads it (the INI
 * checks, inih, every option's parser, sweeps), then each sweep's
 * configuration as the planner builds it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), why[1024];
	memcpy(text, data, size);
	text[size] = '\0';
	struct suite_config config;
	config_init(&config);
	if (config_parse_text(&config, text, "fuzz.conf", why, sizeof why) == 0)
		for (size_t i = 0; i < config.sweep_count; i++) {
			struct suite_config sweep;
			config_for_sweep(&config, i, &sweep);
			config_free(&sweep);
		}
	config_free(&config);
	free(text);
	return 0;
}
