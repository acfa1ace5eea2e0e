/*
 * What a run does with its bundle once written, given by the caller: the
 * measuring side calls these and includes no renderer.
 */
#ifndef SPAWNBENCH_RUN_RENDERER_H
#define SPAWNBENCH_RUN_RENDERER_H

struct run_renderer {
	void (*render)(const char *dir);           /* charts and reports, into the bundle not yet published */
	void (*print_tables)(const char *path);    /* the summary tables on stdout, from the published bundle */
};

#endif
