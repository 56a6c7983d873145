/* progress.h: progress of a batch of tasks on stderr: a live bar redrawn in place when
 * stderr is a terminal, plain log lines (every 10% or 10 s) when it is not. */
#ifndef CW_PROGRESS_H
#define CW_PROGRESS_H

#include <stddef.h>

struct cw_progress_counts {
    size_t total, done, failed, running;
};

struct cw_progress {
    int is_tty;
    int active;
    double started;   /* monotonic */
    double last_draw; /* monotonic */
    int last_decile;
    char label[64];
    size_t bar_width;
};

void cw_progress_begin(struct cw_progress *p, const char *label);
/* Redraws if enough time passed since the last draw (or force). */
void cw_progress_update(struct cw_progress *p, const struct cw_progress_counts *c, int force);
/* Final line: counts, elapsed time, rate. */
void cw_progress_end(struct cw_progress *p, const struct cw_progress_counts *c);

/* Formats the bar line (no newline) into buf; exposed for tests. */
void cw_progress_format(const struct cw_progress *p, const struct cw_progress_counts *c,
                        double now, char *buf, size_t cap);

#endif
