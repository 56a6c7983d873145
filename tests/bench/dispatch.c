/* dispatch.c: how many no-op tasks per second the local executor dispatches over 2
 * workers with chunksize 1, side by side with multiprocessing.Pool(2).map and GNU
 * parallel on the same machine, plus the round trip of one call_async on a warm pool.
 * Run from the repository root (make bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fanout.h"
#include "log.h"

#define TASKS 10000
#define ROUNDS 5
#define PARALLEL_TASKS 1000

static int noop(const json_t *input, json_t **output, struct cw_error *err)
{
    (void)err;
    *output = json_incref((json_t *)input);
    return 0;
}

static const struct cw_task bench_tasks[] = {{"bench.noop", noop, "returns its input"},
                                             {NULL, NULL, NULL}};
static const struct cw_task *const tables[] = {bench_tasks, NULL};

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One map of TASKS no-ops; returns tasks per second, or 0 if any result is wrong. */
static double map_round(struct cw_executor *ex, json_t *inputs)
{
    struct cw_error err;
    size_t n;
    double t0 = cw_mono_now();
    struct cw_future **fs = cw_map(ex, "bench.noop", inputs, 1, &n, &err);
    cw_wait(ex, fs, n, CW_ALL_COMPLETED, -1);
    double elapsed = cw_mono_now() - t0;
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= cw_future_state(fs[i]) == CW_FUTURE_OK &&
              json_integer_value(cw_future_result(fs[i])) == (json_int_t)i;
    free(fs);
    return ok ? (double)n / elapsed : 0;
}

static double latency_ms(struct cw_executor *ex)
{
    double ms[501];
    json_t *one = json_integer(1);
    struct cw_error err;
    for (size_t i = 0; i < 501; i++) {
        double t0 = cw_mono_now();
        struct cw_future *f = cw_call_async(ex, "bench.noop", one, &err);
        cw_wait(ex, &f, 1, CW_ALL_COMPLETED, -1);
        ms[i] = (cw_mono_now() - t0) * 1000;
    }
    json_decref(one);
    return median(ms, 501);
}

static double run_peer(const char *command)
{
    FILE *p = popen(command, "r");
    double value = 0;
    if (!p || fscanf(p, "%lf", &value) != 1)
        value = 0;
    if (p)
        pclose(p);
    return value;
}

int main(void)
{
    cw_worker_main_if_requested(tables);
    cw_log_set_level(CW_LOG_WARN); /* no progress lines inside the timed runs */
    struct cw_config cfg;
    struct cw_error err;
    if (cw_config_load(&cfg, &err) < 0) {
        fprintf(stderr, "dispatch: %s\n", err.message);
        return 1;
    }
    cfg.workers = 2;
    struct cw_executor *ex = cw_executor_new(&cfg, tables, &err);
    if (!ex) {
        fprintf(stderr, "dispatch: %s\n", err.message);
        return 1;
    }
    json_t *inputs = json_array();
    for (int i = 0; i < TASKS; i++)
        json_array_append_new(inputs, json_integer(i));
    map_round(ex, inputs); /* warm-up: workers started and connected */
    double rates[ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        rates[r] = map_round(ex, inputs);
    double rate = median(rates, ROUNDS);
    double latency = latency_ms(ex);
    json_decref(inputs);
    cw_executor_free(ex);

    char command[256];
    snprintf(command, sizeof command, "/usr/bin/python3 tests/bench/pool_noop.py %d %d", TASKS,
             ROUNDS);
    double pool = run_peer(command);
    /* GNU parallel starts a process per task, so fewer tasks keep the run short. */
    snprintf(command, sizeof command, "seq %d | parallel -j2 true", PARALLEL_TASKS);
    double parallel_rates[3];
    for (int r = 0; r < 3; r++) {
        double t0 = cw_mono_now();
        int rc = system(command);
        parallel_rates[r] = rc == 0 ? PARALLEL_TASKS / (cw_mono_now() - t0) : 0;
    }
    double parallel = median(parallel_rates, 3);
    printf("cwren %.0f tasks/s, multiprocessing.Pool %.0f tasks/s, GNU parallel %.0f tasks/s; "
           "call_async round trip %.3f ms\n",
           rate, pool, parallel, latency);
    printf("bench dispatch: tasks_per_s=%.0f ratio_pool=%.2f ratio_parallel=%.1f "
           "call_async_ms=%.3f\n",
           rate, pool > 0 ? rate / pool : 0, parallel > 0 ? rate / parallel : 0, latency);
    return rate > 0 ? 0 : 1;
}
