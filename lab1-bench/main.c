/* main.c: lab1-bench, the workshop's first lab: hello world on the fan-out core, and the
 * compute and storage benchmarks. When started as a worker it serves tasks instead. */
#include "cli.h"
#include "fanout.h"
#include "lab1.h"

static const struct cw_task *const tables[] = {lab1_tasks, NULL};

static const struct cw_command commands[] = {
    {"hello", lab1_hello_command, "hello world: call_async, map, map_reduce, chunked word count"},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    cw_worker_main_if_requested(tables);
    return cw_cli_dispatch("lab1-bench",
                           "Lab 1 of the workshop: hello world on parallel workers, and what a\n"
                           "fleet of workers computes and moves per second.",
                           commands, argc, argv);
}
