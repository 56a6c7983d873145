/* chart_axis.c: tick positions and tick labels. Numeric steps are kept as mantissa and
 * power of ten so tick values and their label precision come out exact (0.6, not
 * 0.6000000000000001); date ticks walk the UTC calendar with gmtime_r/timegm. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Epoch seconds beyond this (about year 33700) are labelled as plain numbers. */
#define LARGEST_CALENDAR_SECONDS 1e12

struct nice_step {
    double mantissa; /* 1, 2, 2.5 or 5 */
    int exponent;
};

static const double nice_mantissas[] = {1, 2, 2.5, 5};

static double scale_by_power_of_ten(double value, int exponent)
{
    /* Dividing by an exact power of ten rounds better than multiplying by an inexact
     * 10^-k, which is what keeps 3 * 0.2 printing as 0.6. */
    if (exponent >= 0)
        return value * pow(10, exponent);
    return value / pow(10, -exponent);
}

static double step_size(struct nice_step step)
{
    return scale_by_power_of_ten(step.mantissa, step.exponent);
}

static double first_tick_index(double min, double step)
{
    return floor(min / step + 1e-9);
}

static double last_tick_index(double max, double step)
{
    return ceil(max / step - 1e-9);
}

void chart_widen_degenerate_range(double *min, double *max)
{
    if (!isfinite(*min) || !isfinite(*max)) {
        *min = 0;
        *max = 1;
        return;
    }
    if (*min > *max) {
        double swap = *min;
        *min = *max;
        *max = swap;
    }
    double magnitude = fmax(fabs(*min), fabs(*max));
    if (*max - *min > magnitude * 1e-12)
        return;
    double half_width = magnitude > 0 ? magnitude * 0.1 : 1;
    *min -= half_width;
    *max += half_width;
}

/* The smallest nice step that covers [min, max] with at most target + 1 ticks. */
static struct nice_step choose_nice_step(double min, double max, int target)
{
    double span = max - min;
    int exponent = (int)floor(log10(span / target)) - 1;
    for (int decade = 0; decade < 5; decade++) {
        for (size_t i = 0; i < sizeof nice_mantissas / sizeof nice_mantissas[0]; i++) {
            struct nice_step step = {nice_mantissas[i], exponent + decade};
            double size = step_size(step);
            double count = last_tick_index(max, size) - first_tick_index(min, size) + 1;
            if (count <= target + 1)
                return step;
        }
    }
    struct nice_step whole_span = {1, (int)ceil(log10(span))};
    return whole_span;
}

static size_t fill_nice_ticks(double min, double max, int target, double *ticks, size_t max_ticks,
                              struct nice_step *chosen)
{
    if (!ticks || max_ticks == 0 || !isfinite(min) || !isfinite(max))
        return 0;
    chart_widen_degenerate_range(&min, &max);
    if (!isfinite(max - min))
        return 0;
    if (target < 2)
        target = 2;
    struct nice_step step = choose_nice_step(min, max, target);
    if (chosen)
        *chosen = step;
    double size = step_size(step);
    double first = first_tick_index(min, size);
    double last = last_tick_index(max, size);
    size_t count = 0;
    for (double index = first; index <= last && count < max_ticks; index++) {
        double value = scale_by_power_of_ten(index * step.mantissa, step.exponent);
        ticks[count++] = index == 0 ? 0 : value;
    }
    return count;
}

size_t cw_chart_nice_ticks(double min, double max, int target, double *ticks, size_t max_ticks)
{
    return fill_nice_ticks(min, max, target, ticks, max_ticks, NULL);
}

static void strip_trailing_zeros(char *text)
{
    char *exponent = strchr(text, 'e');
    size_t mantissa_length = exponent ? (size_t)(exponent - text) : strlen(text);
    if (!memchr(text, '.', mantissa_length))
        return;
    size_t end = mantissa_length;
    while (end > 0 && text[end - 1] == '0')
        end--;
    if (end > 0 && text[end - 1] == '.')
        end--;
    memmove(text + end, text + mantissa_length, strlen(text + mantissa_length) + 1);
    if (strcmp(text, "-0") == 0)
        strcpy(text, "0");
}

/* A typographic minus is as wide as a digit, as in matplotlib, where a hyphen looks
 * cramped. */
static void use_minus_sign(char *label)
{
    static const char minus[] = "\xE2\x88\x92";
    size_t length = strlen(label);
    if (label[0] != '-' || length + sizeof minus - 1 >= CHART_TICK_LABEL_SIZE)
        return;
    memmove(label + sizeof minus - 1, label + 1, length);
    memcpy(label, minus, sizeof minus - 1);
}

static int decimal_exponent(double value)
{
    return (int)floor(log10(fabs(value)) + 1e-9);
}

/* Every label of an axis gets the precision its step needs, so 0, 0.25, 0.5 line up and
 * huge or tiny axes switch to scientific notation together. */
static void label_numeric_ticks(struct chart_ticks *ticks, struct nice_step step)
{
    double largest = 0;
    for (size_t i = 0; i < ticks->count; i++)
        largest = fmax(largest, fabs(ticks->values[i]));
    int quarter_digit = step.mantissa == 2.5;
    int scientific = largest >= 1e6 || (largest > 0 && largest < 1e-3);
    int decimals = -step.exponent + quarter_digit;
    if (decimals < 0)
        decimals = 0;
    int mantissa_digits = 0;
    if (scientific) {
        mantissa_digits = decimal_exponent(largest) - step.exponent + quarter_digit;
        if (mantissa_digits < 0)
            mantissa_digits = 0;
    }
    for (size_t i = 0; i < ticks->count; i++) {
        char *label = ticks->labels[i];
        double value = ticks->values[i];
        if (scientific && value != 0)
            snprintf(label, CHART_TICK_LABEL_SIZE, "%.*e", mantissa_digits, value);
        else
            snprintf(label, CHART_TICK_LABEL_SIZE, "%.*f", decimals, value);
        strip_trailing_zeros(label);
        use_minus_sign(label);
    }
}

void chart_numeric_ticks(double min, double max, int target, struct chart_ticks *ticks)
{
    struct nice_step step = {1, 0};
    ticks->count = fill_nice_ticks(min, max, target, ticks->values, CHART_MAX_TICKS, &step);
    label_numeric_ticks(ticks, step);
}

enum date_unit { UNIT_SECOND, UNIT_MINUTE, UNIT_HOUR, UNIT_DAY, UNIT_WEEK, UNIT_MONTH, UNIT_YEAR };

struct date_step {
    enum date_unit unit;
    int count;
};

/* Weekly ticks fall on fixed days of the month so they read as dates, not as weekdays. */
static const struct date_step date_steps[] = {
    {UNIT_SECOND, 1},  {UNIT_SECOND, 2},  {UNIT_SECOND, 5}, {UNIT_SECOND, 10}, {UNIT_SECOND, 15},
    {UNIT_SECOND, 30}, {UNIT_MINUTE, 1},  {UNIT_MINUTE, 2}, {UNIT_MINUTE, 5},  {UNIT_MINUTE, 10},
    {UNIT_MINUTE, 15}, {UNIT_MINUTE, 30}, {UNIT_HOUR, 1},   {UNIT_HOUR, 2},    {UNIT_HOUR, 3},
    {UNIT_HOUR, 6},    {UNIT_HOUR, 12},   {UNIT_DAY, 1},    {UNIT_DAY, 2},     {UNIT_WEEK, 1},
    {UNIT_WEEK, 2},    {UNIT_MONTH, 1},   {UNIT_MONTH, 2},  {UNIT_MONTH, 3},   {UNIT_MONTH, 6},
};

static const struct date_step whole_units[] = {
    {UNIT_YEAR, 1}, {UNIT_MONTH, 1},  {UNIT_DAY, 1},
    {UNIT_HOUR, 1}, {UNIT_MINUTE, 1}, {UNIT_SECOND, 1},
};

static const int year_counts[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

/* Collects ticks from the last one at or before min to the first at or after max, and
 * notices when there would be more than fit. */
struct tick_collector {
    double *values;
    size_t count;
    size_t capacity;
    double min;
    double max;
    int overflowed;
    int done;
};

static void collect_tick(struct tick_collector *collector, double value)
{
    if (collector->done)
        return;
    if (value <= collector->min)
        collector->count = 0;
    if (collector->count >= collector->capacity) {
        collector->overflowed = 1;
        collector->done = 1;
        return;
    }
    collector->values[collector->count++] = value;
    if (value >= collector->max)
        collector->done = 1;
}

static double utc_seconds(int year, int month, int day)
{
    struct tm date = {0};
    date.tm_year = year - 1900;
    date.tm_mon = month;
    date.tm_mday = day;
    return (double)timegm(&date);
}

static int floor_to_multiple(int value, int multiple)
{
    int remainder = value % multiple;
    if (remainder < 0)
        remainder += multiple;
    return value - remainder;
}

static void collect_fixed_ticks(struct tick_collector *collector, double step_seconds)
{
    for (double when = floor(collector->min / step_seconds) * step_seconds; !collector->done;
         when += step_seconds)
        collect_tick(collector, when);
}

static void collect_calendar_ticks(struct tick_collector *collector, struct date_step step,
                                   const struct tm *start)
{
    static const int weekly_days[] = {1, 8, 15, 22};
    static const int fortnightly_days[] = {1, 15};
    int year = start->tm_year + 1900;
    int month = start->tm_mon;
    if (step.unit == UNIT_YEAR) {
        year = floor_to_multiple(year, step.count);
        month = 0;
    } else if (step.unit == UNIT_MONTH) {
        month = floor_to_multiple(month, step.count);
    }
    while (!collector->done) {
        if (step.unit == UNIT_WEEK) {
            const int *days = step.count == 1 ? weekly_days : fortnightly_days;
            size_t day_count = step.count == 1 ? 4 : 2;
            for (size_t i = 0; i < day_count; i++)
                collect_tick(collector, utc_seconds(year, month, days[i]));
        } else {
            collect_tick(collector, utc_seconds(year, month, 1));
        }
        int months_ahead = step.unit == UNIT_YEAR    ? 12 * step.count
                           : step.unit == UNIT_MONTH ? step.count
                                                     : 1;
        year += (month + months_ahead) / 12;
        month = (month + months_ahead) % 12;
    }
}

static double unit_seconds(enum date_unit unit)
{
    switch (unit) {
    case UNIT_SECOND: return 1;
    case UNIT_MINUTE: return 60;
    case UNIT_HOUR: return 3600;
    default: return 86400;
    }
}

/* Returns how many ticks step needs for [min, max], or capacity + 1 when too many. */
static size_t collect_date_ticks(double min, double max, struct date_step step, double *values,
                                 size_t capacity)
{
    struct tick_collector collector = {values, 0, capacity, min, max, 0, 0};
    if (step.unit <= UNIT_DAY) {
        collect_fixed_ticks(&collector, unit_seconds(step.unit) * step.count);
    } else {
        time_t start_seconds = (time_t)floor(min);
        struct tm start;
        if (!gmtime_r(&start_seconds, &start))
            return capacity + 1;
        collect_calendar_ticks(&collector, step, &start);
    }
    return collector.overflowed ? capacity + 1 : collector.count;
}

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void format_date_label(double when, enum date_unit unit, char *label, size_t size)
{
    time_t seconds = (time_t)llround(when);
    struct tm date;
    if (!gmtime_r(&seconds, &date)) {
        snprintf(label, size, "%.0f", when);
        return;
    }
    int midnight = date.tm_hour == 0 && date.tm_min == 0 && date.tm_sec == 0;
    switch (unit) {
    case UNIT_YEAR: snprintf(label, size, "%d", date.tm_year + 1900); break;
    case UNIT_MONTH: snprintf(label, size, "%d-%02d", date.tm_year + 1900, date.tm_mon + 1); break;
    case UNIT_SECOND:
        snprintf(label, size, "%02d:%02d:%02d", date.tm_hour, date.tm_min, date.tm_sec);
        break;
    case UNIT_MINUTE:
    case UNIT_HOUR:
        /* A day boundary among hour ticks is where a reader needs the date. */
        if (!midnight) {
            snprintf(label, size, "%02d:%02d", date.tm_hour, date.tm_min);
            break;
        }
        /* fall through */
    default: snprintf(label, size, "%s %02d", month_names[date.tm_mon], date.tm_mday); break;
    }
}

static void label_date_ticks(struct chart_ticks *ticks, enum date_unit unit)
{
    for (size_t i = 0; i < ticks->count; i++)
        format_date_label(ticks->values[i], unit, ticks->labels[i], CHART_TICK_LABEL_SIZE);
}

void chart_date_ticks(double min, double max, int target, struct chart_ticks *ticks)
{
    if (!(fabs(min) < LARGEST_CALENDAR_SECONDS && fabs(max) < LARGEST_CALENDAR_SECONDS)) {
        chart_numeric_ticks(min, max, target, ticks);
        return;
    }
    if (max - min < 1) {
        min -= 1800;
        max += 1800;
    }
    if (target < 2)
        target = 2;
    size_t capacity = (size_t)target + 1;
    if (capacity > CHART_MAX_TICKS)
        capacity = CHART_MAX_TICKS;
    /* Whole years (or months, days...) read best, when there are enough of them. */
    for (size_t i = 0; i < sizeof whole_units / sizeof whole_units[0]; i++) {
        ticks->count = collect_date_ticks(min, max, whole_units[i], ticks->values, capacity);
        if (ticks->count >= 4 && ticks->count <= capacity) {
            label_date_ticks(ticks, whole_units[i].unit);
            return;
        }
    }
    for (size_t i = 0; i < sizeof date_steps / sizeof date_steps[0]; i++) {
        ticks->count = collect_date_ticks(min, max, date_steps[i], ticks->values, capacity);
        if (ticks->count <= capacity) {
            label_date_ticks(ticks, date_steps[i].unit);
            return;
        }
    }
    for (size_t i = 0; i < sizeof year_counts / sizeof year_counts[0]; i++) {
        struct date_step step = {UNIT_YEAR, year_counts[i]};
        ticks->count = collect_date_ticks(min, max, step, ticks->values, capacity);
        if (ticks->count <= capacity) {
            label_date_ticks(ticks, UNIT_YEAR);
            return;
        }
    }
    chart_numeric_ticks(min, max, target, ticks);
}
