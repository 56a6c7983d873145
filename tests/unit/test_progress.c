/* test_progress.c: the progress line cw_progress_format builds from counts and times: the bar,
 * the counts, the rate and the ETA, including an empty batch, a finished one and a batch
 * that has not made any progress yet. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "progress.h"

/* A progress state as cw_progress_begin leaves it, started at a fixed time. */
static struct cw_progress at(double started, const char *label)
{
    struct cw_progress p;
    memset(&p, 0, sizeof p);
    p.active = 1;
    p.started = started;
    p.last_draw = started;
    p.bar_width = 24;
    snprintf(p.label, sizeof p.label, "%s", label);
    return p;
}

static const char *format(const struct cw_progress *p, size_t total, size_t done, size_t failed,
                          size_t running, double now)
{
    static char line[512];
    struct cw_progress_counts c = {
        .total = total, .done = done, .failed = failed, .running = running};
    memset(line, 'Z', sizeof line);
    cw_progress_format(p, &c, now, line, sizeof line);
    return line;
}

Test(progress, partway_through_a_batch)
{
    struct cw_progress p = at(1000.0, "tasks");
    /* 47 finished in 10 s: 4.7/s, 53 left: 11.3 s */
    cr_assert_str_eq(format(&p, 100, 45, 2, 4, 1010.0),
                     "tasks [###########.............] 45/100 done, 2 failed, 4 running, 4.7/s, "
                     "ETA 0:11");
}

Test(progress, bar_counts_failed_tasks_as_finished)
{
    struct cw_progress p = at(0.0, "map");
    /* 6 of 12 finished: half the bar */
    cr_assert_str_eq(format(&p, 12, 0, 6, 0, 3.0),
                     "map [############............] 0/12 done, 6 failed, 0 running, 2.0/s, "
                     "ETA 0:03");
}

Test(progress, long_eta_uses_hours)
{
    struct cw_progress p = at(50.0, "tasks");
    /* 1 of 10000 in 2 s: 9999 left at 0.5/s = 19998 s = 5:33:18 */
    cr_assert_str_eq(format(&p, 10000, 1, 0, 8, 52.0),
                     "tasks [........................] 1/10000 done, 0 failed, 8 running, 0.5/s, "
                     "ETA 5:33:18");
}

Test(progress, zero_total)
{
    struct cw_progress p = at(100.0, "tasks");
    cr_assert_str_eq(
        format(&p, 0, 0, 0, 0, 105.0),
        "tasks [........................] 0/0 done, 0 failed, 0 running, 0.0/s, ETA ?");
}

Test(progress, nothing_finished_yet_has_no_eta)
{
    struct cw_progress p = at(100.0, "tasks");
    cr_assert_str_eq(
        format(&p, 8, 0, 0, 8, 130.0),
        "tasks [........................] 0/8 done, 0 failed, 8 running, 0.0/s, ETA ?");
}

Test(progress, no_time_elapsed_has_no_rate)
{
    struct cw_progress p = at(100.0, "tasks");
    cr_assert_str_eq(
        format(&p, 4, 2, 0, 2, 100.0),
        "tasks [############............] 2/4 done, 0 failed, 2 running, 0.0/s, ETA ?");
}

Test(progress, everything_done)
{
    struct cw_progress p = at(20.0, "tasks");
    cr_assert_str_eq(format(&p, 100, 100, 0, 0, 45.0),
                     "tasks [########################] 100/100 done, 0 failed, 0 running, 4.0/s, "
                     "ETA 0:00");
}

Test(progress, everything_finished_with_failures)
{
    struct cw_progress p = at(0.0, "tasks");
    cr_assert_str_eq(format(&p, 10, 7, 3, 0, 4.0),
                     "tasks [########################] 7/10 done, 3 failed, 0 running, 2.5/s, "
                     "ETA 0:00");
}

Test(progress, output_is_cut_to_the_buffer)
{
    struct cw_progress p = at(0.0, "tasks");
    struct cw_progress_counts c = {.total = 100, .done = 50};
    char buf[16];
    memset(buf, 'Z', sizeof buf);
    cw_progress_format(&p, &c, 10.0, buf, 12);
    cr_assert_str_eq(buf, "tasks [####");
    cr_assert_eq(buf[12], 'Z', "wrote past the given capacity");
}

Test(progress, begin_sets_label_width_and_start)
{
    struct cw_progress p;
    memset(&p, 0x5a, sizeof p);
    cw_progress_begin(&p, "lab1.add7");
    cr_assert_str_eq(p.label, "lab1.add7");
    cr_assert_eq(p.bar_width, 24);
    cr_assert_eq(p.active, 1);
    cr_assert_eq(p.last_decile, 0);
    cr_assert_float_eq(p.last_draw, p.started, 1e-12);
    /* started is the monotonic clock now: a second on, one of two tasks gives 1.0/s */
    struct cw_progress_counts c = {.total = 2, .done = 1};
    char line[256];
    cw_progress_format(&p, &c, p.started + 1.0, line, sizeof line);
    cr_assert_str_eq(line, "lab1.add7 [############............] 1/2 done, 0 failed, 0 running, "
                           "1.0/s, ETA 0:01");
    cw_progress_begin(&p, NULL);
    cr_assert_str_eq(p.label, "tasks");
}
