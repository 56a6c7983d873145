/* faultprog.c: a test program on the fan-out core whose task misbehaves on request
 * (crash, hang, exit, error, garbage to the Runtime API), so the end-to-end tests can
 * check that each failure is reported as such and every other result is intact. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "fanout.h"

/* Sends raw bytes to the Runtime API this worker serves. */
static void send_raw(const char *bytes, size_t len)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    const char *colon = api ? strrchr(api, ':') : NULL;
    if (!colon)
        return;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(colon + 1));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        ssize_t ignored = write(fd, bytes, len);
        (void)ignored;
        char reply[512];
        ignored = read(fd, reply, sizeof reply);
    }
    if (fd >= 0)
        close(fd);
}

/* Posts a body that is not JSON as this invocation's response, the way a broken runtime
 * would, after sending a request that is not HTTP at all. */
static void answer_with_garbage(void)
{
    send_raw("\x01\x02 not http at all\r\n\r\n", 22);
    const char *body = "%%% this is not json {{{";
    char request[512];
    int n = snprintf(request, sizeof request,
                     "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n"
                     "Host: x\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     cw_worker_current_request_id(), strlen(body), body);
    send_raw(request, (size_t)n);
}

/* input: {"value": number, "do": "ok|crash|hang|exit|error|garbage|crash_once|sleep",
 *         "marker": path (crash_once), "seconds": s (sleep)} -> value * 2 */
static int behave(const json_t *input, json_t **output, struct cw_error *err)
{
    const char *what = json_string_value(json_object_get(input, "do"));
    double value = json_number_value(json_object_get(input, "value"));
    if (!what)
        what = "ok";
    if (strcmp(what, "crash") == 0) {
        signal(SIGSEGV, SIG_DFL); /* a real crash, even under AddressSanitizer */
        raise(SIGSEGV);
    }
    if (strcmp(what, "abort") == 0)
        abort();
    if (strcmp(what, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(what, "exit") == 0)
        exit(3);
    if (strcmp(what, "error") == 0)
        return cw_error_set(err, CW_ETASK, "asked to fail on value %g", value);
    if (strcmp(what, "garbage") == 0)
        answer_with_garbage();
    if (strcmp(what, "crash_once") == 0) {
        const char *marker = json_string_value(json_object_get(input, "marker"));
        int fd = marker ? open(marker, O_CREAT | O_EXCL | O_WRONLY, 0600) : -1;
        if (fd >= 0) {
            close(fd);
            raise(SIGKILL);
        }
    }
    if (strcmp(what, "sleep") == 0)
        usleep((useconds_t)(json_number_value(json_object_get(input, "seconds")) * 1e6));
    *output = json_real(value * 2);
    return 0;
}

static int noop(const json_t *input, json_t **output, struct cw_error *err)
{
    (void)err;
    *output = json_incref((json_t *)input);
    return 0;
}

static int sum(const json_t *input, json_t **output, struct cw_error *err)
{
    double total = 0;
    size_t i;
    json_t *v;
    json_array_foreach(input, i, v)
    {
        if (!json_is_number(v))
            return cw_error_set(err, CW_EINVAL, "element %zu is not a number", i);
        total += json_number_value(v);
    }
    *output = json_real(total);
    return 0;
}

static const struct cw_task test_tasks[] = {
    {"test.behave", behave, "misbehaves as its input says"},
    {"test.noop", noop, "returns its input"},
    {"test.sum", sum, "sum of numbers"},
    {NULL, NULL, NULL},
};
static const struct cw_task *const tables[] = {test_tasks, NULL};

static void print_outcomes(struct cw_future *const *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct cw_timing *t = cw_future_timing(fs[i]);
        if (cw_future_state(fs[i]) == CW_FUTURE_OK) {
            char *text = json_dumps(cw_future_result(fs[i]), JSON_COMPACT | JSON_ENCODE_ANY);
            printf("%zu ok attempt=%d %s\n", cw_future_index(fs[i]), t->attempt, text);
            free(text);
        } else {
            printf("%zu failed attempt=%d %s: %s\n", cw_future_index(fs[i]), t->attempt,
                   cw_status_name(cw_future_error_code(fs[i])), cw_future_error(fs[i]));
        }
    }
}

/* faultprog map INPUTS_JSON [--chunk N] [--task NAME] [--reduce NAME] [--records CSV] */
static int map_command(int argc, char **argv)
{
    struct cw_config cfg;
    const char *task = "test.behave", *reduce = NULL, *records = NULL;
    long chunk = 0;
    const struct cw_option options[] = {
        {"task", CW_OPT_STRING, &task, "NAME", "task to map [test.behave]"},
        {"chunk", CW_OPT_INT, &chunk, "N", "inputs per invocation [configured chunksize]"},
        {"reduce", CW_OPT_STRING, &reduce, "NAME", "map_reduce with this reduce task"},
        {"records", CW_OPT_STRING, &records, "CSV", "write per-task records here"},
        {NULL, 0, NULL, NULL, NULL},
    };
    const struct cw_command_spec spec = {"faultprog", "map", "INPUTS_JSON",
                                         "Maps a task over a JSON array and prints each outcome.",
                                         options, &cfg};
    int n_args, rc = cw_cli_parse(&spec, argc, argv, &n_args);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (n_args != 1)
        return cw_cli_usage_error(&spec, "needs one JSON array of inputs");
    json_error_t jerr;
    json_t *inputs = json_loads(argv[0], 0, &jerr);
    if (!json_is_array(inputs))
        return cw_cli_usage_error(&spec, "inputs are not a JSON array: %s", jerr.text);
    struct cw_error err;
    struct cw_executor *ex = cw_executor_new(&cfg, tables, &err);
    if (!ex) {
        fprintf(stderr, "faultprog: %s\n", err.message);
        return 1;
    }
    size_t n = 0;
    struct cw_future **fs = NULL, *reduced = NULL;
    if (reduce)
        reduced = cw_map_reduce(ex, task, inputs, (size_t)chunk, reduce, &fs, &n, &err);
    else
        fs = cw_map(ex, task, inputs, (size_t)chunk, &n, &err);
    json_decref(inputs);
    if (!fs) {
        fprintf(stderr, "faultprog: %s\n", err.message);
        cw_executor_free(ex);
        return 1;
    }
    cw_wait(ex, fs, n, CW_ALL_COMPLETED, -1);
    print_outcomes(fs, n);
    if (reduced) {
        cw_wait(ex, &reduced, 1, CW_ALL_COMPLETED, -1);
        printf("reduce: ");
        print_outcomes(&reduced, 1);
    }
    size_t failed = cw_report_failures(stderr, fs, n);
    if (records && cw_write_records(fs, n, records, NULL, &err) < 0)
        fprintf(stderr, "faultprog: %s\n", err.message);
    free(fs);
    cw_executor_free(ex);
    return failed ? 1 : 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* faultprog wait: ANY_COMPLETED and ALWAYS on a fast and a slow call, and call_async
 * round-trip latency on a warm pool. */
static int wait_command(int argc, char **argv)
{
    struct cw_config cfg;
    long rounds = 200;
    const struct cw_option options[] = {
        {"rounds", CW_OPT_INT, &rounds, "N", "call_async round trips to time [200]"},
        {NULL, 0, NULL, NULL, NULL},
    };
    const struct cw_command_spec spec = {"faultprog", "wait", NULL,
                                         "Checks wait modes and times call_async round trips.",
                                         options, &cfg};
    int n_args, rc = cw_cli_parse(&spec, argc, argv, &n_args);
    if (rc)
        return rc == 1 ? 0 : rc;
    struct cw_error err;
    struct cw_executor *ex = cw_executor_new(&cfg, tables, &err);
    if (!ex) {
        fprintf(stderr, "faultprog: %s\n", err.message);
        return 1;
    }
    json_t *slow = json_pack("{s:f, s:s, s:f}", "value", 1.0, "do", "sleep", "seconds", 1.0);
    json_t *fast = json_pack("{s:f}", "value", 2.0);
    struct cw_future *fs[2];
    fs[0] = cw_call_async(ex, "test.behave", slow, &err);
    fs[1] = cw_call_async(ex, "test.behave", fast, &err);
    size_t now_done = cw_wait(ex, fs, 2, CW_ALWAYS, -1);
    size_t any_done = cw_wait(ex, fs, 2, CW_ANY_COMPLETED, -1);
    printf("always=%zu any=%zu fast=%s slow=%s\n", now_done, any_done,
           cw_future_done(fs[1]) ? "done" : "pending", cw_future_done(fs[0]) ? "done" : "pending");
    size_t all_done = cw_wait(ex, fs, 2, CW_ALL_COMPLETED, -1);
    printf("all=%zu\n", all_done);
    json_decref(slow);
    json_decref(fast);
    double *ms = calloc((size_t)rounds, sizeof *ms);
    json_t *one = json_integer(1);
    for (long i = 0; i < rounds; i++) {
        double t0 = cw_mono_now();
        struct cw_future *f = cw_call_async(ex, "test.noop", one, &err);
        cw_wait(ex, &f, 1, CW_ALL_COMPLETED, -1);
        ms[i] = (cw_mono_now() - t0) * 1000;
    }
    json_decref(one);
    qsort(ms, (size_t)rounds, sizeof *ms, compare_doubles);
    if (rounds > 0)
        printf("call_async round trip: median %.3f ms, p90 %.3f ms over %ld calls\n",
               ms[rounds / 2], ms[rounds * 9 / 10], rounds);
    free(ms);
    cw_executor_free(ex);
    return 0;
}

static const struct cw_command commands[] = {
    {"map", map_command, "map a misbehaving task and print every outcome"},
    {"wait", wait_command, "wait modes and call_async latency"},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    /* A worker that cannot start, for the "workers cannot start" path. */
    if (getenv("CWREN_WORKER") && getenv("FAULTPROG_BROKEN_WORKER")) {
        cw_worker_report_init_error("MissingData", "faultprog was told it is broken");
        return 1;
    }
    cw_worker_main_if_requested(tables);
    return cw_cli_dispatch("faultprog", "Fault injection for the fan-out core's tests.", commands,
                           argc, argv);
}
