#include "primitive.h"

#include <string.h>

extern const struct primitive primitive_fork;
extern const struct primitive primitive_vfork;
extern const struct primitive primitive_posix_spawn;
extern const struct primitive primitive_clone;
extern const struct primitive primitive_clone_vm;

const struct primitive *const primitive_table[] = {
	&primitive_fork,
	&primitive_vfork,
	&primitive_posix_spawn,
	&primitive_clone,
	&primitive_clone_vm,
};

const size_t primitive_count = sizeof primitive_table / sizeof primitive_table[0];

int primitive_index(const char *name)
{
	for (size_t i = 0; i < primitive_count; i++)
		if (strcmp(primitive_table[i]->name, name) == 0)
			return (int)i;
	return -1;
}
