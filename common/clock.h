/* clock.h: wall-clock and monotonic time as double seconds. Timings that cross process
 * (or machine) boundaries use the wall clock; durations measured in one process use the
 * monotonic clock. */
#ifndef CW_CLOCK_H
#define CW_CLOCK_H

#include <time.h>

static inline double cw_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double cw_mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
