/* progress.c: a live bar on a terminal (redrawn at most 10 times a second), or log lines
 * at each tenth of the work and at least every 10 s when stderr is a pipe or file, so CI
 * logs stay short and still show that a long run is alive. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

void cw_progress_begin(struct cw_progress *p, const char *label)
{
    memset(p, 0, sizeof *p);
    p->is_tty = isatty(STDERR_FILENO) && cw_log_enabled(CW_LOG_INFO);
    p->active = 1;
    p->started = cw_mono_now();
    p->last_draw = p->started;
    p->bar_width = 24;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "tasks");
}

static void format_duration(double s, char *buf, size_t cap)
{
    if (s < 0 || s > 1e7) {
        snprintf(buf, cap, "?");
        return;
    }
    long total = (long)(s + 0.5);
    if (total >= 3600)
        snprintf(buf, cap, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        snprintf(buf, cap, "%ld:%02ld", total / 60, total % 60);
}

void cw_progress_format(const struct cw_progress *p, const struct cw_progress_counts *c,
                        double now, char *buf, size_t cap)
{
    size_t finished = c->done + c->failed;
    size_t width = p->bar_width;
    size_t filled = c->total ? finished * width / c->total : 0;
    char bar[128];
    for (size_t i = 0; i < width && i < sizeof bar - 1; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width < sizeof bar ? width : sizeof bar - 1] = '\0';
    double elapsed = now - p->started;
    double rate = elapsed > 0 ? (double)finished / elapsed : 0;
    char eta[32];
    format_duration(rate > 0 ? (double)(c->total - finished) / rate : -1, eta, sizeof eta);
    snprintf(buf, cap, "%s [%s] %zu/%zu done, %zu failed, %zu running, %.1f/s, ETA %s", p->label,
             bar, c->done, c->total, c->failed, c->running, rate, eta);
}

void cw_progress_update(struct cw_progress *p, const struct cw_progress_counts *c, int force)
{
    if (!p->active || !cw_log_enabled(CW_LOG_INFO))
        return;
    double now = cw_mono_now();
    char line[512];
    if (p->is_tty) {
        if (!force && now - p->last_draw < 0.1)
            return;
        cw_progress_format(p, c, now, line, sizeof line);
        fprintf(stderr, "\r\033[K%s", line);
        fflush(stderr);
        p->last_draw = now;
        return;
    }
    size_t finished = c->done + c->failed;
    int decile = c->total ? (int)(finished * 10 / c->total) : 0;
    if (!force && decile <= p->last_decile && now - p->last_draw < 10)
        return;
    if (decile >= 10)
        return; /* the end line says it */
    p->last_decile = decile;
    p->last_draw = now;
    cw_progress_format(p, c, now, line, sizeof line);
    cw_log_info("%s", line);
}

void cw_progress_end(struct cw_progress *p, const struct cw_progress_counts *c)
{
    if (!p->active)
        return;
    p->active = 0;
    if (!cw_log_enabled(CW_LOG_INFO))
        return;
    double elapsed = cw_mono_now() - p->started;
    size_t finished = c->done + c->failed;
    if (p->is_tty)
        fprintf(stderr, "\r\033[K");
    /* A lone quick call is not worth a line; batches and slow calls are. */
    enum cw_log_level level = (c->total >= 2 || elapsed >= 1) ? CW_LOG_INFO : CW_LOG_DEBUG;
    cw_log(level, "%s: %zu done, %zu failed in %.2f s (%.1f/s)", p->label, c->done, c->failed,
                elapsed, elapsed > 0 ? (double)finished / elapsed : 0.0);
}
