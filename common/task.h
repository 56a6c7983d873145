/* task.h: the task table. A task is a named C function from JSON to JSON; each program
 * registers its table, and the same table serves local workers and the Lambda worker,
 * so a task runs the same code wherever it runs. */
#ifndef CW_TASK_H
#define CW_TASK_H

#include <jansson.h>

#include "error.h"

/* Runs on one input. On success sets *output to a new reference and returns 0; on failure
 * fills err (message naming what was wrong) and returns a negative CW_* code. A task must
 * be pure with respect to the controller: everything it needs is in its input (and the
 * object store the input names). */
typedef int (*cw_task_fn)(const json_t *input, json_t **output, struct cw_error *err);

struct cw_task {
    const char *name; /* "lab1.add7": program prefix, dot, task */
    cw_task_fn fn;
    const char *help; /* one line */
};

/* A program's tables: NULL-terminated list of tables, each ended by a {NULL} entry. */
typedef const struct cw_task *const cw_task_tables[];

/* Finds a task by name across tables; NULL when absent. */
const struct cw_task *cw_task_find(const struct cw_task *const *tables, const char *name);

#endif
