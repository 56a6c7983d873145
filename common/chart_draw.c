/* chart_draw.c: painting a laid-out chart: grid behind the data, data clipped to the plot
 * area, then spines, labels and legend on top. Thin lines and bar edges are snapped to
 * whole pixels so the PNG stays crisp; the SVG gets the very same calls. */
#include "chart_internal.h"

#include <math.h>

#define GRID_COLOR 0xDDDDDD
#define SPINE_COLOR 0x404040
#define MARKER_SIZE 3.2
#define SQRT_HALF 0.70710678118654752
/* cairo's tessellation slows down more than linearly with the pieces of one path, so long
 * series are stroked and filled a few hundred pieces at a time. */
#define PIECES_PER_PATH 256

void chart_set_color(cairo_t *cr, unsigned rgb, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                          (rgb & 0xFF) / 255.0, alpha);
}

/* A 1-pixel line through a pixel center covers exactly one row or column of pixels. */
double chart_snap_to_pixel_center(double coordinate)
{
    return floor(coordinate) + 0.5;
}

void chart_draw_text(cairo_t *cr, const char *text, double x, double y, double angle,
                     enum chart_horizontal_anchor horizontal, enum chart_vertical_anchor vertical)
{
    cairo_font_extents_t font;
    cairo_font_extents(cr, &font);
    double width = chart_text_width(cr, text);
    double dx = horizontal == CHART_ANCHOR_LEFT     ? 0
                : horizontal == CHART_ANCHOR_CENTER ? -width / 2
                                                    : -width;
    double dy = vertical == CHART_ANCHOR_TOP      ? font.ascent
                : vertical == CHART_ANCHOR_MIDDLE ? (font.ascent - font.descent) / 2
                                                  : -font.descent;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, dx, dy);
    cairo_show_text(cr, text);
    cairo_restore(cr);
    cairo_new_path(cr);
}

/* Where to center text of this width near `center` without leaving the chart. */
static double center_within_chart(double center, double width, double chart_width)
{
    double lowest = CHART_PADDING + width / 2;
    double highest = chart_width - CHART_PADDING - width / 2;
    if (highest < lowest)
        return chart_width / 2;
    return fmax(lowest, fmin(highest, center));
}

/* Series ------------------------------------------------------------------------------ */

static void snap_span(double *start, double *length)
{
    double snapped_start = round(*start);
    double snapped_end = round(*start + *length);
    if (snapped_end - snapped_start >= 1) {
        *start = snapped_start;
        *length = snapped_end - snapped_start;
    }
}

static void fill_bars(const struct cw_chart *chart, cairo_t *cr, const struct chart_layout *layout,
                      size_t series_index, double alpha)
{
    const struct chart_series *series = &chart->series[series_index];
    size_t group_index, group_size;
    chart_bar_group(chart, series_index, &group_index, &group_size);
    double total_width = 0;
    size_t drawn = 0;
    cairo_new_path(cr);
    for (size_t i = 0; i < series->count; i++) {
        struct chart_rect bar;
        if (!chart_bar_rectangle(layout, series, i, group_index, group_size, &bar))
            continue;
        snap_span(&bar.x, &bar.width);
        snap_span(&bar.y, &bar.height);
        cairo_rectangle(cr, bar.x, bar.y, bar.width, bar.height);
        total_width += bar.width;
        drawn++;
    }
    chart_set_color(cr, series->rgb, alpha);
    /* Histogram bins touch; thin white edges keep them apart, as seaborn draws them. */
    if (series->kind == CHART_HISTOGRAM && drawn > 0 && total_width / (double)drawn > 4) {
        cairo_fill_preserve(cr);
        chart_set_color(cr, 0xFFFFFF, 1);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
}

void chart_set_line_style(cairo_t *cr, enum cw_line_style style, double dash_offset)
{
    static const double dashed[] = {6.5, 3.5};
    /* Zero-length dashes with round caps are dots. */
    static const double dotted[] = {0, 3.5};
    cairo_set_line_cap(cr, style == CW_LINE_DOTTED ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    if (style == CW_LINE_DASHED)
        cairo_set_dash(cr, dashed, 2, dash_offset);
    else if (style == CW_LINE_DOTTED)
        cairo_set_dash(cr, dotted, 2, dash_offset);
    else
        cairo_set_dash(cr, NULL, 0, 0);
}

void chart_trace_marker(cairo_t *cr, enum cw_marker marker, double x, double y)
{
    cairo_new_sub_path(cr);
    switch (marker) {
    case CW_MARKER_DOT: cairo_arc(cr, x, y, MARKER_SIZE * 0.8, 0, 2 * M_PI); break;
    case CW_MARKER_CIRCLE: cairo_arc(cr, x, y, MARKER_SIZE, 0, 2 * M_PI); break;
    case CW_MARKER_SQUARE:
        cairo_rectangle(cr, x - MARKER_SIZE, y - MARKER_SIZE, 2 * MARKER_SIZE, 2 * MARKER_SIZE);
        break;
    case CW_MARKER_X:
        cairo_move_to(cr, x - MARKER_SIZE, y - MARKER_SIZE);
        cairo_line_to(cr, x + MARKER_SIZE, y + MARKER_SIZE);
        cairo_move_to(cr, x - MARKER_SIZE, y + MARKER_SIZE);
        cairo_line_to(cr, x + MARKER_SIZE, y - MARKER_SIZE);
        break;
    case CW_MARKER_NONE: break;
    }
}

/* Circles are open (white inside) so they read differently from dots. */
void chart_paint_markers(cairo_t *cr, enum cw_marker marker, unsigned rgb)
{
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.5);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    if (marker == CW_MARKER_CIRCLE) {
        chart_set_color(cr, 0xFFFFFF, 1);
        cairo_fill_preserve(cr);
    }
    chart_set_color(cr, rgb, 1);
    if (marker == CW_MARKER_X || marker == CW_MARKER_CIRCLE)
        cairo_stroke(cr);
    else
        cairo_fill(cr);
}

static void stroke_line(cairo_t *cr, const struct chart_layout *layout,
                        const struct chart_series *series)
{
    enum cw_line_style style = series->line_style;
    int pen_down = 0;
    size_t pieces = 0;
    double run_length = 0, last_x = 0, last_y = 0;
    chart_set_line_style(cr, style, 0);
    cairo_set_line_width(cr, CHART_LINE_WIDTH);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    chart_set_color(cr, series->rgb, 1);
    cairo_new_path(cr);
    for (size_t i = 0; i < series->count; i++) {
        if (!isfinite(series->xs[i]) || !isfinite(series->ys[i])) {
            cairo_stroke(cr);
            chart_set_line_style(cr, style, 0);
            pen_down = 0;
            pieces = 0;
            continue;
        }
        double x = chart_x_to_device(layout, series->xs[i]);
        double y = chart_y_to_device(layout, series->ys[i]);
        if (!pen_down) {
            cairo_move_to(cr, x, y);
            run_length = 0;
            pen_down = 1;
        } else {
            cairo_line_to(cr, x, y);
            run_length += hypot(x - last_x, y - last_y);
            if (++pieces == PIECES_PER_PATH) {
                /* Carry on the dash pattern where this stretch left it. */
                cairo_stroke(cr);
                chart_set_line_style(cr, style, run_length);
                cairo_move_to(cr, x, y);
                pieces = 0;
            }
        }
        last_x = x;
        last_y = y;
    }
    cairo_stroke(cr);
}

static void draw_markers(cairo_t *cr, const struct chart_layout *layout,
                         const struct chart_series *series)
{
    size_t pieces = 0;
    cairo_new_path(cr);
    for (size_t i = 0; i < series->count; i++) {
        if (!isfinite(series->xs[i]) || !isfinite(series->ys[i]))
            continue;
        chart_trace_marker(cr, series->marker, chart_x_to_device(layout, series->xs[i]),
                           chart_y_to_device(layout, series->ys[i]));
        if (++pieces == PIECES_PER_PATH) {
            chart_paint_markers(cr, series->marker, series->rgb);
            pieces = 0;
        }
    }
    chart_paint_markers(cr, series->marker, series->rgb);
}

static void draw_line(cairo_t *cr, const struct chart_layout *layout,
                      const struct chart_series *series)
{
    if (series->line_style != CW_LINE_NONE)
        stroke_line(cr, layout, series);
    if (series->marker != CW_MARKER_NONE)
        draw_markers(cr, layout, series);
}

static void draw_segments(cairo_t *cr, const struct chart_layout *layout,
                          const struct chart_series *series)
{
    size_t pieces = 0;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_width(cr, CHART_SEGMENT_WIDTH);
    chart_set_color(cr, series->rgb, 1);
    cairo_new_path(cr);
    for (size_t i = 0; i < series->count; i++) {
        if (!isfinite(series->xs[i]) || !isfinite(series->x_ends[i]) || !isfinite(series->ys[i]))
            continue;
        double start = chart_x_to_device(layout, fmin(series->xs[i], series->x_ends[i]));
        double end = chart_x_to_device(layout, fmax(series->xs[i], series->x_ends[i]));
        /* An instant job still shows as a pixel. A 2-pixel line on a pixel edge is sharp. */
        end = fmax(end, start + 1);
        double y = round(chart_y_to_device(layout, series->ys[i]));
        cairo_move_to(cr, start, y);
        cairo_line_to(cr, end, y);
        if (++pieces == PIECES_PER_PATH) {
            cairo_stroke(cr);
            pieces = 0;
        }
    }
    cairo_stroke(cr);
}

static size_t count_series_of_kind(const struct cw_chart *chart, enum chart_series_kind kind)
{
    size_t count = 0;
    for (size_t i = 0; i < chart->series_count; i++)
        count += chart->series[i].kind == kind;
    return count;
}

double chart_histogram_alpha(const struct cw_chart *chart)
{
    return count_series_of_kind(chart, CHART_HISTOGRAM) > 1 ? 0.5 : 1;
}

static void draw_series(const struct cw_chart *chart, cairo_t *cr,
                        const struct chart_layout *layout)
{
    const struct chart_rect *plot = &layout->plot;
    /* Some slack so a line or marker on the frame is not cut in half. */
    cairo_save(cr);
    cairo_rectangle(cr, plot->x - 5, plot->y - 5, plot->width + 10, plot->height + 10);
    cairo_clip(cr);
    for (size_t i = 0; i < chart->series_count; i++) {
        const struct chart_series *series = &chart->series[i];
        switch (series->kind) {
        case CHART_BARS:
        case CHART_BARH: fill_bars(chart, cr, layout, i, 1); break;
        case CHART_HISTOGRAM: fill_bars(chart, cr, layout, i, chart_histogram_alpha(chart)); break;
        case CHART_LINE: draw_line(cr, layout, series); break;
        case CHART_SEGMENTS: draw_segments(cr, layout, series); break;
        }
    }
    cairo_restore(cr);
}

/* Frame and labels -------------------------------------------------------------------- */

static void draw_grid(cairo_t *cr, const struct chart_layout *layout)
{
    const struct chart_rect *plot = &layout->plot;
    cairo_new_path(cr);
    for (size_t i = 0; i < layout->x.ticks.count; i++) {
        double x = chart_snap_to_pixel_center(chart_x_to_device(layout, layout->x.ticks.values[i]));
        cairo_move_to(cr, x, plot->y);
        cairo_line_to(cr, x, plot->y + plot->height);
    }
    for (size_t i = 0; i < layout->y.ticks.count; i++) {
        double y = chart_snap_to_pixel_center(chart_y_to_device(layout, layout->y.ticks.values[i]));
        cairo_move_to(cr, plot->x, y);
        cairo_line_to(cr, plot->x + plot->width, y);
    }
    cairo_set_line_width(cr, 1);
    chart_set_color(cr, GRID_COLOR, 1);
    cairo_stroke(cr);
}

/* Left and bottom only, just outside the plot area so bars stand on the bottom spine. */
static void draw_spines(cairo_t *cr, const struct chart_layout *layout)
{
    const struct chart_rect *plot = &layout->plot;
    double left = chart_snap_to_pixel_center(plot->x - 1);
    double bottom = chart_snap_to_pixel_center(plot->y + plot->height);
    cairo_new_path(cr);
    cairo_move_to(cr, left, plot->y);
    cairo_line_to(cr, left, bottom);
    cairo_line_to(cr, plot->x + plot->width, bottom);
    cairo_set_line_width(cr, 1);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    chart_set_color(cr, SPINE_COLOR, 1);
    cairo_stroke(cr);
}

static void draw_x_category_labels(const struct cw_chart *chart, cairo_t *cr,
                                   const struct chart_layout *layout, double top)
{
    const struct chart_axis *axis = &layout->x;
    char buffer[CHART_TEXT_SIZE];
    double tick_height = chart_font_height(cr);
    for (size_t i = 0; i < axis->category_count; i += axis->label_stride) {
        const char *name = chart_fit_text(cr, chart_category_name(chart, CHART_BARS, i),
                                          axis->label_limit, buffer, sizeof buffer);
        double x = chart_x_to_device(layout, (double)i);
        if (axis->label_angle == 0)
            chart_draw_text(cr, name, x, top, 0, CHART_ANCHOR_CENTER, CHART_ANCHOR_TOP);
        else if (axis->label_angle > -M_PI / 3)
            /* Slanted labels end under their bar, their top corner at the gap. */
            chart_draw_text(cr, name, x, top + SQRT_HALF * tick_height / 2, axis->label_angle,
                            CHART_ANCHOR_RIGHT, CHART_ANCHOR_MIDDLE);
        else
            chart_draw_text(cr, name, x, top, axis->label_angle, CHART_ANCHOR_RIGHT,
                            CHART_ANCHOR_MIDDLE);
    }
}

static void draw_y_category_labels(const struct cw_chart *chart, cairo_t *cr,
                                   const struct chart_layout *layout, double right)
{
    const struct chart_axis *axis = &layout->y;
    char buffer[CHART_TEXT_SIZE];
    for (size_t i = 0; i < axis->category_count; i += axis->label_stride) {
        const char *name = chart_fit_text(cr, chart_category_name(chart, CHART_BARH, i),
                                          axis->label_limit, buffer, sizeof buffer);
        double y = chart_y_to_device(layout, (double)(axis->category_count - 1 - i));
        chart_draw_text(cr, name, right, y, 0, CHART_ANCHOR_RIGHT, CHART_ANCHOR_MIDDLE);
    }
}

static void draw_tick_labels(const struct cw_chart *chart, cairo_t *cr,
                             const struct chart_layout *layout)
{
    const struct chart_rect *plot = &layout->plot;
    double below_plot = plot->y + plot->height + CHART_TICK_LABEL_GAP;
    double left_of_plot = plot->x - CHART_TICK_LABEL_GAP;
    chart_use_font(cr, CHART_FONT_TICK);
    chart_set_color(cr, CHART_TEXT_COLOR, 1);
    if (layout->x.categorical)
        draw_x_category_labels(chart, cr, layout, below_plot);
    for (size_t i = 0; i < layout->x.ticks.count; i++)
        chart_draw_text(cr, layout->x.ticks.labels[i],
                        chart_x_to_device(layout, layout->x.ticks.values[i]), below_plot, 0,
                        CHART_ANCHOR_CENTER, CHART_ANCHOR_TOP);
    if (layout->y.categorical)
        draw_y_category_labels(chart, cr, layout, left_of_plot);
    for (size_t i = 0; i < layout->y.ticks.count; i++)
        chart_draw_text(cr, layout->y.ticks.labels[i], left_of_plot,
                        chart_y_to_device(layout, layout->y.ticks.values[i]), 0, CHART_ANCHOR_RIGHT,
                        CHART_ANCHOR_MIDDLE);
}

static void draw_titles(const struct cw_chart *chart, cairo_t *cr,
                        const struct chart_layout *layout)
{
    char buffer[CHART_TEXT_SIZE];
    const struct chart_rect *plot = &layout->plot;
    double plot_center = plot->x + plot->width / 2;
    double widest = chart->width - 2 * CHART_PADDING;
    chart_set_color(cr, CHART_TEXT_COLOR, 1);
    chart_use_font(cr, CHART_FONT_AXIS_LABEL);
    if (chart_has_text(chart->xlabel)) {
        chart_fit_text(cr, chart->xlabel, widest, buffer, sizeof buffer);
        double x = center_within_chart(plot_center, chart_text_width(cr, buffer), chart->width);
        chart_draw_text(cr, buffer, x, chart->height - CHART_PADDING, 0, CHART_ANCHOR_CENTER,
                        CHART_ANCHOR_BOTTOM);
    }
    if (chart_has_text(chart->ylabel)) {
        chart_fit_text(cr, chart->ylabel, chart->height - 2 * CHART_PADDING, buffer, sizeof buffer);
        double y = center_within_chart(plot->y + plot->height / 2, chart_text_width(cr, buffer),
                                       chart->height);
        chart_draw_text(cr, buffer, CHART_PADDING, y, -M_PI / 2, CHART_ANCHOR_CENTER,
                        CHART_ANCHOR_TOP);
    }
    if (chart_has_text(chart->title)) {
        chart_use_font(cr, CHART_FONT_TITLE);
        chart_fit_text(cr, chart->title, widest, buffer, sizeof buffer);
        double x = center_within_chart(plot_center, chart_text_width(cr, buffer), chart->width);
        chart_draw_text(cr, buffer, x, CHART_PADDING, 0, CHART_ANCHOR_CENTER, CHART_ANCHOR_TOP);
    }
}

/* Unhinted metrics make text measure the same on the PNG and the SVG surface. */
static void configure_text(cairo_t *cr)
{
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);
}

void chart_render(const struct cw_chart *chart, cairo_t *cr)
{
    struct chart_layout layout;
    configure_text(cr);
    chart_compute_layout(chart, cr, &layout);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_grid(cr, &layout);
    draw_series(chart, cr, &layout);
    draw_spines(cr, &layout);
    draw_tick_labels(chart, cr, &layout);
    draw_titles(chart, cr, &layout);
    chart_draw_legend(chart, cr, &layout);
}
