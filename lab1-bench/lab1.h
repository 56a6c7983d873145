/* lab1.h: what the parts of lab1-bench share: its task table and its commands. */
#ifndef LAB1_H
#define LAB1_H

#include "task.h"

extern const struct cw_task lab1_tasks[];

int lab1_hello_command(int argc, char **argv);

/* Tasks (hello_tasks.c). */
int lab1_add7(const json_t *input, json_t **output, struct cw_error *err);
int lab1_sum(const json_t *input, json_t **output, struct cw_error *err);
int lab1_wordcount(const json_t *input, json_t **output, struct cw_error *err);
int lab1_wordcount_sum(const json_t *input, json_t **output, struct cw_error *err);

#endif
