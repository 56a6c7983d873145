/* records.c: what happened to every input of a run, as CSV, JSON and failure lines, so
 * figures can be redrawn from files and failures read without re-running anything. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fanout.h"

static const char *state_name(enum cw_future_state s)
{
    switch (s) {
    case CW_FUTURE_OK: return "ok";
    case CW_FUTURE_FAILED: return "failed";
    case CW_FUTURE_RUNNING: return "running";
    default: return "pending";
    }
}

/* Input as compact JSON, cut to max characters for one-line reports. */
static void input_text(const struct cw_future *f, char *buf, size_t max)
{
    const json_t *input = cw_future_input(f);
    char *text = input ? json_dumps(input, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    snprintf(buf, max, "%s", text ? text : "null");
    if (text && strlen(text) >= max && max > 4)
        memcpy(buf + max - 4, "...", 4);
    free(text);
}

size_t cw_report_failures(FILE *out, struct cw_future *const *futures, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cw_future *f = futures[i];
        if (cw_future_state(f) != CW_FUTURE_FAILED)
            continue;
        char input[120];
        input_text(f, input, sizeof input);
        fprintf(out, "failed: input %zu (task %s, attempt %d, input %s): %s\n",
                cw_future_index(f), cw_future_task(f), cw_future_timing(f)->attempt, input,
                cw_future_error(f));
        failed++;
    }
    return failed;
}

static void csv_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\n\r")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static int write_csv(struct cw_future *const *futures, size_t n, const char *path,
                     struct cw_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return cw_error_set(err, CW_EIO, "cannot write %s: %s", path, strerror(errno));
    fputs("index,task,status,attempt,worker,host_submit,worker_start,worker_end,"
          "result_received,worker_setup,error\n", f);
    for (size_t i = 0; i < n; i++) {
        const struct cw_timing *t = cw_future_timing(futures[i]);
        fprintf(f, "%zu,%s,%s,%d,", cw_future_index(futures[i]), cw_future_task(futures[i]),
                state_name(cw_future_state(futures[i])), t->attempt);
        csv_field(f, t->worker_id);
        fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6f,", t->host_submit, t->worker_start, t->worker_end,
                t->result_received, t->worker_setup);
        const char *error = cw_future_error(futures[i]);
        csv_field(f, error ? error : "");
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        return cw_error_set(err, CW_EIO, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

static int write_json(struct cw_future *const *futures, size_t n, const char *path,
                      struct cw_error *err)
{
    json_t *records = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct cw_future *f = futures[i];
        const struct cw_timing *t = cw_future_timing(f);
        const char *error = cw_future_error(f);
        json_array_append_new(
            records, json_pack("{s:I, s:s, s:s, s:i, s:s, s:f, s:f, s:f, s:f, s:f, s:s?}",
                               "index", (json_int_t)cw_future_index(f), "task", cw_future_task(f),
                               "status", state_name(cw_future_state(f)), "attempt", t->attempt,
                               "worker", t->worker_id, "host_submit", t->host_submit,
                               "worker_start", t->worker_start, "worker_end", t->worker_end,
                               "result_received", t->result_received, "worker_setup",
                               t->worker_setup, "error", error));
    }
    int rc = json_dump_file(records, path, JSON_INDENT(1) | JSON_REAL_PRECISION(16));
    json_decref(records);
    if (rc != 0)
        return cw_error_set(err, CW_EIO, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int cw_write_records(struct cw_future *const *futures, size_t n, const char *csv_path,
                     const char *json_path, struct cw_error *err)
{
    if (csv_path && write_csv(futures, n, csv_path, err) < 0)
        return err ? err->code : CW_EIO;
    if (json_path && write_json(futures, n, json_path, err) < 0)
        return err ? err->code : CW_EIO;
    return 0;
}
