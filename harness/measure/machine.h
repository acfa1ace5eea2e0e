/* The machine and kernel a bundle was measured on, for meta.json. */
#ifndef SPAWNBENCH_MACHINE_H
#define SPAWNBENCH_MACHINE_H

#include <jansson.h>

/* A new JSON object: host, kernel, CPU, memory, virtualisation, THP, mitigations... */
json_t *machine_describe(void);

/* The kernel release (uname -r) and the short host name. */
const char *machine_kernel_release(void);
const char *machine_host_name(void);

#endif
