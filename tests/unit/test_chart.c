/* test_chart.c: the chart module: tick choice and labels, then real PNG and SVG files
 * read back and checked pixel by pixel, so a test fails on what a reader would see. */
#include <criterion/criterion.h>

#include <cairo.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "chart_internal.h"

#define RED 0xFF0000
#define GREEN 0x00AA00

/* fontconfig keeps its caches until exit on purpose; they are not leaks of ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

/* Ticks -------------------------------------------------------------------------------- */

static void expect_ticks(const double *ticks, size_t count, const double *expected,
                         size_t expected_count)
{
    cr_assert_eq(count, expected_count, "got %zu ticks, expected %zu", count, expected_count);
    for (size_t i = 0; i < count; i++)
        cr_expect_float_eq(ticks[i], expected[i], 1e-12, "tick %zu: %g, expected %g", i, ticks[i],
                           expected[i]);
}

Test(nice_ticks, zero_to_one_in_fifths)
{
    double ticks[32];
    const double expected[] = {0, 0.2, 0.4, 0.6, 0.8, 1};
    expect_ticks(ticks, cw_chart_nice_ticks(0, 1, 6, ticks, 32), expected, 6);
}

Test(nice_ticks, zero_to_one_in_quarters_when_fewer_wanted)
{
    double ticks[32];
    const double expected[] = {0, 0.25, 0.5, 0.75, 1};
    expect_ticks(ticks, cw_chart_nice_ticks(0, 1, 4, ticks, 32), expected, 5);
}

Test(nice_ticks, zero_to_97_in_twenties)
{
    double ticks[32];
    const double expected[] = {0, 20, 40, 60, 80, 100};
    expect_ticks(ticks, cw_chart_nice_ticks(0, 97, 6, ticks, 32), expected, 6);
}

Test(nice_ticks, ticks_are_exact_decimals_and_zero_is_zero)
{
    double ticks[32];
    size_t count = cw_chart_nice_ticks(-0.3, 0.3, 6, ticks, 32);
    cr_assert_gt(count, 2);
    int saw_zero = 0;
    for (size_t i = 0; i < count; i++) {
        if (ticks[i] == 0) {
            saw_zero = 1;
            cr_expect(!signbit(ticks[i]), "zero tick is -0");
        }
        double scaled = ticks[i] * 10;
        cr_expect_eq(scaled, round(scaled), "tick %.17g is not a round decimal", ticks[i]);
    }
    cr_expect(saw_zero);
}

Test(nice_ticks, degenerate_range_still_brackets_the_value)
{
    const double values[] = {5, 0, -3.5, 1e9, 1e-9};
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        double ticks[32];
        size_t count = cw_chart_nice_ticks(values[v], values[v], 6, ticks, 32);
        cr_assert_geq(count, 2, "value %g", values[v]);
        cr_expect_leq(ticks[0], values[v]);
        cr_expect_geq(ticks[count - 1], values[v]);
        for (size_t i = 1; i < count; i++)
            cr_expect_gt(ticks[i], ticks[i - 1], "value %g: ticks not increasing", values[v]);
    }
}

Test(nice_ticks, bad_input_gives_no_ticks_or_respects_room)
{
    double ticks[3];
    cr_expect_eq(cw_chart_nice_ticks(NAN, 1, 6, ticks, 3), 0);
    cr_expect_eq(cw_chart_nice_ticks(0, INFINITY, 6, ticks, 3), 0);
    cr_expect_eq(cw_chart_nice_ticks(0, 1, 6, NULL, 3), 0);
    cr_expect_eq(cw_chart_nice_ticks(0, 1, 6, ticks, 0), 0);
    cr_expect_eq(cw_chart_nice_ticks(0, 1, 6, ticks, 3), 3);
    double reversed[32];
    size_t count = cw_chart_nice_ticks(97, 0, 6, reversed, 32);
    cr_expect_eq(count, 6);
    cr_expect_eq(reversed[0], 0);
}

/* Tick labels ------------------------------------------------------------------------- */

static int has_label(const struct chart_ticks *ticks, const char *label)
{
    for (size_t i = 0; i < ticks->count; i++)
        if (strcmp(ticks->labels[i], label) == 0)
            return 1;
    return 0;
}

Test(tick_labels, numbers_are_compact)
{
    struct chart_ticks ticks;
    chart_numeric_ticks(0, 1, 6, &ticks);
    cr_expect(has_label(&ticks, "0") && has_label(&ticks, "0.2") && has_label(&ticks, "1"));
    chart_numeric_ticks(0, 1, 4, &ticks);
    cr_expect(has_label(&ticks, "0.25") && has_label(&ticks, "0.5"));
    chart_numeric_ticks(0, 12000, 6, &ticks);
    cr_expect(has_label(&ticks, "12000"), "first label %s", ticks.labels[1]);
    chart_numeric_ticks(0, 1.2e6, 6, &ticks);
    cr_expect(has_label(&ticks, "1.2e+06"), "last label %s", ticks.labels[ticks.count - 1]);
    chart_numeric_ticks(0, 0.05, 6, &ticks);
    cr_expect(has_label(&ticks, "0.05") && has_label(&ticks, "0.01"));
}

Test(tick_labels, negatives_use_a_minus_sign_and_no_negative_zero)
{
    struct chart_ticks ticks;
    chart_numeric_ticks(-4, 4, 6, &ticks);
    cr_expect(has_label(&ticks, "\xE2\x88\x92"
                                "2"));
    cr_expect(has_label(&ticks, "0"));
    for (size_t i = 0; i < ticks.count; i++)
        cr_expect(strchr(ticks.labels[i], '-') == NULL, "hyphen in %s", ticks.labels[i]);
}

static double utc(int year, int month, int day, int hour, int minute)
{
    struct tm date = {0};
    date.tm_year = year - 1900;
    date.tm_mon = month - 1;
    date.tm_mday = day;
    date.tm_hour = hour;
    date.tm_min = minute;
    return (double)timegm(&date);
}

static void expect_date_ticks(double min, double max, const char *first_label)
{
    struct chart_ticks ticks;
    chart_date_ticks(min, max, 6, &ticks);
    cr_assert_geq(ticks.count, 2);
    cr_expect_leq(ticks.values[0], min);
    cr_expect_geq(ticks.values[ticks.count - 1], max);
    cr_expect_str_eq(ticks.labels[0], first_label);
}

Test(tick_labels, dates_pick_their_unit_from_the_span)
{
    expect_date_ticks(utc(2017, 1, 1, 0, 0), utc(2020, 1, 1, 0, 0), "2017");
    expect_date_ticks(utc(2017, 3, 1, 0, 0), utc(2017, 10, 1, 0, 0), "2017-03");
    expect_date_ticks(utc(2017, 3, 5, 0, 0), utc(2017, 3, 12, 0, 0), "Mar 05");
    expect_date_ticks(utc(2017, 3, 5, 14, 30), utc(2017, 3, 5, 15, 30), "14:30");
    expect_date_ticks(utc(2017, 3, 5, 14, 30) + 15, utc(2017, 3, 5, 14, 30) + 45, "14:30:15");
}

/* Rendering ------------------------------------------------------------------------------ */

static char temp_dir[64];

static void make_temp_dir(void)
{
    strcpy(temp_dir, "/tmp/test_chart.XXXXXX");
    cr_assert_not_null(mkdtemp(temp_dir));
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *walk)
{
    (void)info, (void)type, (void)walk;
    return remove(path);
}

static void remove_temp_dir(void)
{
    nftw(temp_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* cppcheck-suppress unknownMacro */
TestSuite(render, .init = make_temp_dir, .fini = remove_temp_dir);

static const char *temp_path(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", temp_dir, name);
    return path;
}

/* Writes the chart as PNG, frees it and returns the image read back. */
static cairo_surface_t *render_png(struct cw_chart *chart, const char *name)
{
    struct cw_error err = {0};
    const char *path = temp_path(name);
    int rc = cw_chart_write_png(chart, path, &err);
    cw_chart_free(chart);
    cr_assert_eq(rc, 0, "writing %s: %s", path, err.message);
    cairo_surface_t *image = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(image), CAIRO_STATUS_SUCCESS, "%s is not a PNG", path);
    return image;
}

static uint32_t pixel(cairo_surface_t *image, int x, int y)
{
    const unsigned char *row = cairo_image_surface_get_data(image) +
                               (size_t)y * (size_t)cairo_image_surface_get_stride(image);
    return ((const uint32_t *)row)[x] & 0xFFFFFF;
}

struct color_area {
    long count;
    int left, right, top, bottom;
};

static struct color_area find_color(cairo_surface_t *image, uint32_t rgb, int from_x, int to_x)
{
    struct color_area area = {0, INT32_MAX, -1, INT32_MAX, -1};
    cairo_surface_flush(image);
    for (int y = 0; y < cairo_image_surface_get_height(image); y++) {
        for (int x = from_x; x < to_x; x++) {
            if (pixel(image, x, y) != rgb)
                continue;
            area.count++;
            area.left = x < area.left ? x : area.left;
            area.right = x > area.right ? x : area.right;
            area.top = y < area.top ? y : area.top;
            area.bottom = y > area.bottom ? y : area.bottom;
        }
    }
    return area;
}

Test(render, png_has_the_requested_size)
{
    struct cw_chart *chart = cw_chart_new(640, 480);
    cr_assert_not_null(chart);
    const char *labels[] = {"a", "b", "c"};
    const double values[] = {1, 2, 3};
    cw_chart_title(chart, "Size");
    cw_chart_bars(chart, labels, values, 3, CW_COLOR_AUTO, NULL);
    cairo_surface_t *image = render_png(chart, "size.png");
    cr_expect_eq(cairo_image_surface_get_width(image), 640);
    cr_expect_eq(cairo_image_surface_get_height(image), 480);
    cr_expect_eq(pixel(image, 0, 0), 0xFFFFFF, "background is not white");
    cairo_surface_destroy(image);
}

Test(render, red_bars_are_red_where_expected_and_taller_bars_cover_more)
{
    const int width = 400, height = 300;
    struct cw_chart *chart = cw_chart_new(width, height);
    const char *labels[] = {"short", "tall"};
    const double values[] = {1, 4};
    cw_chart_bars(chart, labels, values, 2, RED, "red");
    cairo_surface_t *image = render_png(chart, "bars.png");
    struct color_area all = find_color(image, RED, 0, width);
    struct color_area short_bar = find_color(image, RED, 0, width / 2);
    struct color_area tall_bar = find_color(image, RED, width / 2, width);
    cairo_surface_destroy(image);

    cr_assert_gt(short_bar.count, 100, "no red in the left half");
    cr_assert_gt(tall_bar.count, 100, "no red in the right half");
    cr_expect_eq(all.count, short_bar.count + tall_bar.count);
    cr_expect_gt(tall_bar.count, 3 * short_bar.count, "tall %ld, short %ld", tall_bar.count,
                 short_bar.count);
    cr_expect_lt(tall_bar.count, 5 * short_bar.count, "tall %ld, short %ld", tall_bar.count,
                 short_bar.count);
    cr_expect_eq(tall_bar.bottom, short_bar.bottom, "bars do not share a baseline");
    cr_expect_lt(tall_bar.top, short_bar.top);
    cr_expect_lt(tall_bar.top, height / 5, "the tallest bar should reach near the top");
    cr_expect_gt(short_bar.bottom, height * 3 / 4, "bars should stand near the bottom");
    cr_expect_lt(short_bar.right, width / 2 - 10, "bars should be apart");
}

Test(render, segment_colour_lies_on_its_row)
{
    const int width = 400, height = 300;
    struct cw_chart *chart = cw_chart_new(width, height);
    const double starts[] = {2}, ends[] = {8}, rows[] = {5};
    cw_chart_xlim(chart, 0, 10);
    cw_chart_ylim(chart, 0, 10);
    cw_chart_segments(chart, starts, ends, rows, 1, GREEN, "job");

    /* Where the layout puts row 5 and x 2..8, from the same layout code the chart uses. */
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cairo_t *cr = cairo_create(scratch);
    struct chart_layout layout;
    chart_compute_layout(chart, cr, &layout);
    double row = round(chart_y_to_device(&layout, 5));
    double start = chart_x_to_device(&layout, 2), end = chart_x_to_device(&layout, 8);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);

    cairo_surface_t *image = render_png(chart, "segments.png");
    struct color_area segment = find_color(image, GREEN, 0, width);
    cairo_surface_destroy(image);
    cr_assert_gt(segment.count, 0, "no segment colour");
    cr_expect_eq(segment.top, (int)row - 1);
    cr_expect_eq(segment.bottom, (int)row);
    cr_expect_leq(fabs(segment.left - start), 1.0);
    cr_expect_leq(fabs(segment.right + 1 - end), 1.0);
    cr_expect_gt(row, height * 0.3);
    cr_expect_lt(row, height * 0.7);
}

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    cr_assert_not_null(file, "cannot open %s", path);
    static char contents[1 << 20];
    size_t size = fread(contents, 1, sizeof contents - 1, file);
    fclose(file);
    contents[size] = '\0';
    return contents;
}

Test(render, svg_has_a_header_and_the_title)
{
    struct cw_chart *chart = cw_chart_new(500, 300);
    const double xs[] = {1, 2, 3}, ys[] = {3, 1, 2};
    char title[] = "Throughput & latency <by workers>";
    cw_chart_title(chart, title);
    /* The chart keeps its own copy. */
    memset(title, 'x', sizeof title - 1);
    cw_chart_line(chart, xs, ys, 3, CW_COLOR_AUTO, CW_LINE_DASHED, CW_MARKER_CIRCLE, "line");
    cw_chart_legend(chart, CW_LEGEND_BEST);
    struct cw_error err = {0};
    const char *path = temp_path("chart.svg");
    cr_assert_eq(cw_chart_write_svg(chart, path, &err), 0, "%s", err.message);
    cw_chart_free(chart);
    const char *svg = read_file(path);
    cr_expect(strncmp(svg, "<?xml", 5) == 0 || strncmp(svg, "<svg", 4) == 0);
    cr_expect_not_null(strstr(svg, "<svg"));
    cr_expect_not_null(strstr(svg, "Throughput &amp; latency &lt;by workers&gt;"));
    cr_expect_not_null(strstr(svg, "</svg>"));
}

static void expect_write_error(int rc, const struct cw_error *err, const char *path)
{
    cr_expect_lt(rc, 0);
    cr_expect_eq(err->code, rc);
    cr_expect_not_null(strstr(err->message, path), "message does not name the path: %s",
                       err->message);
}

Test(render, unwritable_path_is_an_error_naming_it)
{
    struct cw_chart *chart = cw_chart_new(200, 100);
    struct cw_error err = {0};
    int rc = cw_chart_write_png(chart, "/nonexistent-dir/x.png", &err);
    expect_write_error(rc, &err, "/nonexistent-dir/x.png");
    rc = cw_chart_write_svg(chart, "/nonexistent-dir/x.svg", &err);
    expect_write_error(rc, &err, "/nonexistent-dir/x.svg");
    cw_chart_free(chart);
}

Test(render, bad_arguments_are_errors_not_crashes)
{
    struct cw_error err = {0};
    cr_expect_eq(cw_chart_write_png(NULL, temp_path("none.png"), &err), CW_EINVAL);
    struct cw_chart *chart = cw_chart_new(0, -5);
    cr_assert_not_null(chart);
    cr_expect_eq(cw_chart_write_png(chart, temp_path("zero.png"), &err), CW_EINVAL);
    cr_expect_not_null(strstr(err.message, "zero.png"));
    cr_expect_eq(cw_chart_write_svg(chart, NULL, &err), CW_EINVAL);
    cr_expect_eq(cw_chart_write_png(chart, temp_path("no-err.png"), NULL), CW_EINVAL);
    cw_chart_free(chart);
    cw_chart_free(NULL);
    cw_chart_title(NULL, "x");
    cw_chart_bars(NULL, NULL, NULL, 3, CW_COLOR_AUTO, NULL);
    cw_chart_legend(NULL, CW_LEGEND_BEST);
}

static void expect_valid_png(struct cw_chart *chart, const char *name)
{
    cairo_surface_t *image = render_png(chart, name);
    cr_expect_eq(cairo_image_surface_get_width(image), 320, "%s", name);
    cairo_surface_destroy(image);
}

Test(render, degenerate_inputs_still_write_a_png)
{
    const double nans[] = {NAN, NAN, INFINITY};
    const double equal[] = {7, 7, 7, 7};
    const double xs[] = {1, 2, 3, 4};
    const double one[] = {42};
    const char *labels[] = {"a", NULL, "c", "d"};

    struct cw_chart *chart = cw_chart_new(320, 200);
    cw_chart_bars(chart, labels, equal, 0, CW_COLOR_AUTO, "empty");
    cw_chart_legend(chart, CW_LEGEND_BEST);
    expect_valid_png(chart, "no-bars.png");

    chart = cw_chart_new(320, 200);
    cw_chart_line(chart, xs, nans, 3, CW_COLOR_AUTO, CW_LINE_SOLID, CW_MARKER_DOT, "nan");
    cw_chart_histogram(chart, nans, 3, 0, CW_COLOR_AUTO, NULL);
    cw_chart_x_dates(chart);
    expect_valid_png(chart, "nan.png");

    chart = cw_chart_new(320, 200);
    cw_chart_line(chart, xs, equal, 4, CW_COLOR_AUTO, CW_LINE_DOTTED, CW_MARKER_SQUARE, "flat");
    cw_chart_histogram(chart, equal, 4, 0, CW_COLOR_AUTO, "flat");
    cw_chart_legend(chart, CW_LEGEND_OUTSIDE_RIGHT);
    expect_valid_png(chart, "equal.png");

    chart = cw_chart_new(320, 200);
    cw_chart_line(chart, one, one, 1, CW_COLOR_AUTO, CW_LINE_NONE, CW_MARKER_X, NULL);
    cw_chart_x_dates(chart);
    expect_valid_png(chart, "single-point.png");

    chart = cw_chart_new(320, 200);
    cw_chart_bars(chart, NULL, (const double[]){-3, 2, NAN, 0}, 4, 0x123456, NULL);
    cw_chart_barh(chart, labels, equal, 4, CW_COLOR_AUTO, NULL);
    cw_chart_segments(chart, nans, xs, equal, 3, CW_COLOR_AUTO, "segments");
    cw_chart_legend(chart, CW_LEGEND_LOWER_LEFT);
    expect_valid_png(chart, "mixed.png");
}

Test(render, hostile_text_does_not_break_drawing)
{
    struct cw_chart *chart = cw_chart_new(320, 200);
    const char *labels[] = {"\xff\xfe broken", "tab\there", "",
                            "a label far too long to fit "
                            "anywhere on so small a chart"};
    const double values[] = {1, 2, 3, 4};
    cw_chart_title(chart, "\xc3\x28 invalid");
    cw_chart_ylabel(chart, "");
    cw_chart_bars(chart, labels, values, 4, CW_COLOR_AUTO, "\xe2\x82");
    cw_chart_legend(chart, CW_LEGEND_BEST);
    expect_valid_png(chart, "hostile.png");
}

Test(render, outside_legend_takes_room_from_the_plot)
{
    const double xs[] = {0, 1}, ys[] = {0, 1};
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 300);
    cairo_t *cr = cairo_create(scratch);
    struct chart_layout inside_layout, outside_layout;
    struct cw_chart *chart = cw_chart_new(400, 300);
    cw_chart_line(chart, xs, ys, 2, CW_COLOR_AUTO, CW_LINE_SOLID, CW_MARKER_NONE, "series");
    cw_chart_legend(chart, CW_LEGEND_UPPER_LEFT);
    chart_compute_layout(chart, cr, &inside_layout);
    cw_chart_legend(chart, CW_LEGEND_OUTSIDE_RIGHT);
    chart_compute_layout(chart, cr, &outside_layout);
    cr_expect_lt(outside_layout.plot.width, inside_layout.plot.width - 50);
    cr_expect_geq(outside_layout.legend.box.x, outside_layout.plot.x + outside_layout.plot.width);
    cr_expect_leq(outside_layout.legend.box.x + outside_layout.legend.box.width, 400);
    cw_chart_free(chart);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
}
