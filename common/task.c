/* task.c: looking tasks up by name. Tables are small; a linear scan is plenty. */
#include "task.h"

#include <string.h>

const struct cw_task *cw_task_find(const struct cw_task *const *tables, const char *name)
{
    if (!tables || !name)
        return NULL;
    for (size_t t = 0; tables[t]; t++)
        for (const struct cw_task *task = tables[t]; task->name; task++)
            if (strcmp(task->name, name) == 0)
                return task;
    return NULL;
}
