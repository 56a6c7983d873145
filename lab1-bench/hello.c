/* hello.c: `lab1-bench hello`, the workshop's hello world on the fan-out core: one
 * call_async, a map, a map_reduce, and a word count of a text split into byte ranges.
 * Results go to stdout and to OUT (JSON, per-task CSV, a timeline figure, the lab page). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart.h"
#include "cli.h"
#include "fanout.h"
#include "lab1.h"
#include "site.h"
#include "store.h"

static const struct cw_task *const tables[] = {lab1_tasks, NULL};

struct hello_options {
    const char *text;
    long chunk_size;
    const char *out;
};

/* Prints a failure summary; returns the exit status for a run with failures. */
static int report_failed(struct cw_future *const *fs, size_t n, const char *what)
{
    size_t failed = cw_report_failures(stderr, fs, n);
    fprintf(stderr, "lab1-bench hello: %zu of %zu %s tasks failed\n", failed, n, what);
    return 1;
}

static int run_call_async(struct cw_executor *ex, json_t *summary)
{
    struct cw_error err;
    json_t *three = json_integer(3);
    struct cw_future *f = cw_call_async(ex, "lab1.add7", three, &err);
    json_decref(three);
    cw_wait(ex, &f, 1, CW_ALL_COMPLETED, -1);
    if (cw_future_state(f) != CW_FUTURE_OK)
        return report_failed(&f, 1, "call_async");
    printf("call_async(add7, 3) = %lld\n", (long long)json_integer_value(cw_future_result(f)));
    json_object_set(summary, "call_async", (json_t *)cw_future_result(f));
    return 0;
}

static int run_map(struct cw_executor *ex, json_t *summary)
{
    struct cw_error err;
    json_t *inputs = json_array();
    for (int i = 0; i < 10; i++)
        json_array_append_new(inputs, json_integer(i));
    size_t n;
    struct cw_future **fs = cw_map(ex, "lab1.add7", inputs, 1, &n, &err);
    json_decref(inputs);
    json_t *results;
    int rc = cw_get_results(ex, fs, n, &results, &err);
    if (rc == 0) {
        char *text = json_dumps(results, JSON_COMPACT);
        printf("map(add7, 0..9) = %s\n", text);
        free(text);
        json_object_set(summary, "map", results);
    } else {
        rc = report_failed(fs, n, "map");
    }
    json_decref(results);
    free(fs);
    return rc;
}

static int run_map_reduce(struct cw_executor *ex, json_t *summary)
{
    struct cw_error err;
    json_t *inputs = json_pack("[i,i,i,i]", 1, 2, 3, 4);
    struct cw_future *r =
        cw_map_reduce(ex, "lab1.add7", inputs, 1, "lab1.sum", NULL, NULL, &err);
    json_decref(inputs);
    cw_wait(ex, &r, 1, CW_ALL_COMPLETED, -1);
    if (cw_future_state(r) != CW_FUTURE_OK)
        return report_failed(&r, 1, "map_reduce");
    printf("map_reduce(add7, [1, 2, 3, 4], sum) = %lld\n",
           (long long)json_integer_value(cw_future_result(r)));
    json_object_set(summary, "map_reduce", (json_t *)cw_future_result(r));
    return 0;
}

/* Copies the text into the store under a key named after it. */
static int upload_text(const struct cw_config *cfg, const char *path, char *key, size_t cap,
                       size_t *size, struct cw_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cw_error_set(err, CW_EIO, "cannot read %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *data = malloc(len > 0 ? (size_t)len : 1);
    size_t got = fread(data, 1, (size_t)(len > 0 ? len : 0), f);
    fclose(f);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(key, cap, "lab1-hello/%s", base);
    struct cw_store *store = cw_store_open(cfg->store_url, err);
    int rc = store ? cw_store_put(store, key, data, got, err) : err->code;
    cw_store_close(store);
    free(data);
    *size = got;
    return rc;
}

static int draw_timeline(struct cw_future *const *fs, size_t n, const char *out,
                         struct cw_error *err)
{
    double t0 = cw_future_timing(fs[0])->host_submit;
    double *x0 = calloc(n, sizeof *x0), *x1 = calloc(n, sizeof *x1), *y = calloc(n, sizeof *y);
    for (size_t i = 0; i < n; i++) {
        x0[i] = (cw_future_timing(fs[i])->worker_start - t0) * 1000;
        x1[i] = (cw_future_timing(fs[i])->worker_end - t0) * 1000;
        y[i] = (double)i;
    }
    struct cw_chart *chart = cw_chart_new(800, 450);
    cw_chart_title(chart, "Word count tasks");
    cw_chart_xlabel(chart, "time since submit (ms)");
    cw_chart_ylabel(chart, "task");
    cw_chart_segments(chart, x0, x1, y, n, CW_COLOR_AUTO, "task running");
    char path[4096];
    snprintf(path, sizeof path, "%s/hello-timeline.png", out);
    int rc = cw_chart_write_png(chart, path, err);
    snprintf(path, sizeof path, "%s/hello-timeline.svg", out);
    if (rc == 0)
        rc = cw_chart_write_svg(chart, path, err);
    cw_chart_free(chart);
    free(x0);
    free(x1);
    free(y);
    return rc;
}

static int run_wordcount(struct cw_executor *ex, const struct cw_config *cfg,
                         const struct hello_options *o, json_t *summary, struct cw_error *err)
{
    char key[1024];
    size_t size = 0;
    if (upload_text(cfg, o->text, key, sizeof key, &size, err) < 0)
        return -1;
    json_t *inputs = json_array();
    for (size_t start = 0; start < size || (size == 0 && start == 0); start += (size_t)o->chunk_size) {
        size_t end = start + (size_t)o->chunk_size < size ? start + (size_t)o->chunk_size : size;
        json_array_append_new(inputs, json_pack("{s:s, s:s, s:I, s:I}", "store", cfg->store_url,
                                                "key", key, "start", (json_int_t)start, "end",
                                                (json_int_t)end));
        if (size == 0)
            break;
    }
    struct cw_future **maps;
    size_t n;
    cw_executor_set_label(ex, "word count");
    struct cw_future *r = cw_map_reduce(ex, "lab1.wordcount", inputs, 1, "lab1.wordcount_sum",
                                        &maps, &n, err);
    json_decref(inputs);
    if (!r)
        return -1;
    cw_wait(ex, &r, 1, CW_ALL_COMPLETED, -1);
    int rc = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/hello-wordcount.csv", o->out);
    if (cw_write_records(maps, n, path, NULL, err) < 0 || draw_timeline(maps, n, o->out, err) < 0)
        rc = -1;
    else if (cw_future_state(r) != CW_FUTURE_OK)
        rc = report_failed(maps, n, "word count");
    if (rc == 0) {
        json_int_t words = json_integer_value(json_object_get(cw_future_result(r), "words"));
        printf("word count of %s: %lld words (%zu tasks of %ld bytes)\n", o->text,
               (long long)words, n, o->chunk_size);
        json_object_set_new(summary, "wordcount",
                            json_pack("{s:s, s:I, s:I, s:I, s:I}", "file", o->text, "bytes",
                                      (json_int_t)size, "chunk_size", (json_int_t)o->chunk_size,
                                      "tasks", (json_int_t)n, "words", words));
    }
    free(maps);
    return rc;
}

static int write_page(const char *out, const json_t *summary, struct cw_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", out);
    FILE *page = cw_html_begin(path, "Lab 1: hello world and benchmarks", err);
    if (!page)
        return -1;
    fputs("<h2>Hello world</h2>\n<table>\n", page);
    const char *keys[] = {"call_async", "map", "map_reduce", "wordcount"};
    for (size_t i = 0; i < 4; i++) {
        char *text = json_dumps(json_object_get(summary, keys[i]), JSON_COMPACT | JSON_ENCODE_ANY);
        fprintf(page, "<tr><th class=l>%s</th><td class=l><code>", keys[i]);
        cw_html_text(page, text ? text : "null");
        fputs("</code></td></tr>\n", page);
        free(text);
    }
    fputs("</table>\n<p>Word count tasks over time (one line per task):</p>\n"
          "<img src=\"hello-timeline.png\" alt=\"word count task timeline\">\n"
          "<p>Numbers: <a href=\"hello.json\">hello.json</a>, per-task timings: "
          "<a href=\"hello-wordcount.csv\">hello-wordcount.csv</a>.</p>\n",
          page);
    return cw_html_end(page, path, err);
}

static int write_outputs(const char *out, json_t *summary, struct cw_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/hello.json", out);
    if (json_dump_file(summary, path, JSON_INDENT(2)) != 0)
        return cw_error_set(err, CW_EIO, "cannot write %s", path);
    if (write_page(out, summary, err) < 0)
        return -1;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s/..", out);
    return cw_site_update_index(parent, err);
}

int lab1_hello_command(int argc, char **argv)
{
    struct cw_config cfg;
    struct hello_options o = {"data/hello/sample.txt", 65536, "out/lab1-bench"};
    const struct cw_option options[] = {
        {"text", CW_OPT_STRING, &o.text, "FILE", "text to count words in [data/hello/sample.txt]"},
        {"chunk-size", CW_OPT_INT, &o.chunk_size, "BYTES", "bytes of text per task [65536]"},
        {"out", CW_OPT_STRING, &o.out, "DIR", "where results go [out/lab1-bench]"},
        {NULL, 0, NULL, NULL, NULL},
    };
    const struct cw_command_spec spec = {
        "lab1-bench", "hello", NULL,
        "The workshop's hello world: call_async of x+7 on 3, map of x+7 over 0..9,\n"
        "map_reduce summing x+7 over 1..4, and a word count of a text split into byte\n"
        "ranges (each task counts the lines that start in its range; reduce = sum).\n"
        "Writes OUT/hello.json, OUT/hello-wordcount.csv, OUT/hello-timeline.png/.svg\n"
        "and OUT/index.html.",
        options, &cfg};
    int n_args;
    int rc = cw_cli_parse(&spec, argc, argv, &n_args);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (n_args > 0)
        return cw_cli_usage_error(&spec, "unexpected argument '%s'", argv[0]);
    if (o.chunk_size < 1)
        return cw_cli_usage_error(&spec, "--chunk-size must be at least 1, got %ld", o.chunk_size);
    struct stat st;
    errno = 0;
    if (stat(o.text, &st) != 0 || !S_ISREG(st.st_mode))
        return cw_cli_usage_error(&spec, "--text %s: %s", o.text,
                                  errno ? strerror(errno) : "not a regular file");
    struct cw_error err;
    if (cw_make_dirs(o.out, &err) < 0) {
        fprintf(stderr, "lab1-bench hello: %s\n", err.message);
        return 1;
    }
    struct cw_executor *ex = cw_executor_new(&cfg, tables, &err);
    if (!ex) {
        fprintf(stderr, "lab1-bench hello: %s\n", err.message);
        return 1;
    }
    json_t *summary = json_object();
    int failed = run_call_async(ex, summary);
    failed |= run_map(ex, summary);
    failed |= run_map_reduce(ex, summary);
    int wc = run_wordcount(ex, &cfg, &o, summary, &err);
    cw_executor_free(ex);
    if (wc < 0) {
        fprintf(stderr, "lab1-bench hello: %s\n", err.message);
        failed = 1;
    } else if (wc > 0) {
        failed = 1;
    }
    if (write_outputs(o.out, summary, &err) < 0) {
        fprintf(stderr, "lab1-bench hello: %s\n", err.message);
        failed = 1;
    }
    json_decref(summary);
    return failed ? 1 : 0;
}
