/* chart_legend.c: the legend: its size, its place and its drawing. "Best" tries the
 * corners in matplotlib's order and takes the one covering the fewest data points,
 * counting points along lines too, since a legend on a sparse line hides it as well. */
#include "chart_internal.h"

#include <math.h>

/* Size -------------------------------------------------------------------------------- */

void chart_measure_legend(const struct cw_chart *chart, cairo_t *cr, struct chart_legend *legend)
{
    char buffer[CHART_TEXT_SIZE];
    size_t entries = 0;
    double widest = 0;
    if (!chart->has_legend)
        return;
    chart_use_font(cr, CHART_FONT_LEGEND);
    legend->text_limit = fmax(40, 0.35 * chart->width);
    for (size_t i = 0; i < chart->series_count; i++) {
        const char *label = chart->series[i].label;
        if (!chart_has_text(label))
            continue;
        entries++;
        chart_fit_text(cr, label, legend->text_limit, buffer, sizeof buffer);
        widest = fmax(widest, chart_text_width(cr, buffer));
    }
    if (entries == 0)
        return;
    legend->visible = 1;
    legend->row_height = chart_font_height(cr) + 4;
    legend->box.width =
        2 * CHART_LEGEND_PADDING + CHART_LEGEND_SWATCH + CHART_LEGEND_SWATCH_GAP + widest;
    legend->box.height = 2 * CHART_LEGEND_PADDING + (double)entries * legend->row_height;
}

/* Place ------------------------------------------------------------------------------- */

static int inside(const struct chart_rect *rect, double x, double y)
{
    return x >= rect->x && x <= rect->x + rect->width && y >= rect->y &&
           y <= rect->y + rect->height;
}

static int rectangles_overlap(const struct chart_rect *a, const struct chart_rect *b)
{
    return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
           b->y < a->y + a->height;
}

/* Points of a line, plus a few along each stretch between them, so a legend does not
 * hide a line between sparse points either. */
static size_t line_points_inside(const struct chart_layout *layout,
                                 const struct chart_series *series, const struct chart_rect *box)
{
    const int samples_between = series->line_style == CW_LINE_NONE || series->count > 20000 ? 0 : 8;
    size_t hits = 0;
    double previous_x = NAN, previous_y = NAN;
    for (size_t i = 0; i < series->count; i++) {
        if (!isfinite(series->xs[i]) || !isfinite(series->ys[i])) {
            previous_x = NAN;
            continue;
        }
        double x = chart_x_to_device(layout, series->xs[i]);
        double y = chart_y_to_device(layout, series->ys[i]);
        hits += inside(box, x, y);
        for (int step = 1; step < samples_between && !isnan(previous_x); step++) {
            double t = (double)step / samples_between;
            hits +=
                inside(box, previous_x + t * (x - previous_x), previous_y + t * (y - previous_y));
        }
        previous_x = x;
        previous_y = y;
    }
    return hits;
}

static size_t data_inside(const struct cw_chart *chart, const struct chart_layout *layout,
                          const struct chart_rect *box)
{
    size_t hits = 0;
    for (size_t s = 0; s < chart->series_count; s++) {
        const struct chart_series *series = &chart->series[s];
        size_t group_index, group_size;
        chart_bar_group(chart, s, &group_index, &group_size);
        for (size_t i = 0; i < series->count && series->kind != CHART_LINE; i++) {
            struct chart_rect bar;
            if (series->kind != CHART_SEGMENTS) {
                if (chart_bar_rectangle(layout, series, i, group_index, group_size, &bar))
                    hits += rectangles_overlap(&bar, box);
                continue;
            }
            double y = chart_y_to_device(layout, series->ys[i]);
            double start = chart_x_to_device(layout, series->xs[i]);
            double end = chart_x_to_device(layout, series->x_ends[i]);
            hits += inside(box, start, y) + inside(box, (start + end) / 2, y) + inside(box, end, y);
        }
        if (series->kind == CHART_LINE)
            hits += line_points_inside(layout, series, box);
    }
    return hits;
}

static struct chart_rect legend_at(const struct chart_layout *layout, enum cw_legend_place place)
{
    struct chart_rect box = layout->legend.box;
    const struct chart_rect *plot = &layout->plot;
    int right = place == CW_LEGEND_UPPER_RIGHT || place == CW_LEGEND_LOWER_RIGHT;
    int lower = place == CW_LEGEND_LOWER_LEFT || place == CW_LEGEND_LOWER_RIGHT;
    box.x = right ? plot->x + plot->width - CHART_LEGEND_INSET - box.width
                  : plot->x + CHART_LEGEND_INSET;
    box.y = lower ? plot->y + plot->height - CHART_LEGEND_INSET - box.height
                  : plot->y + CHART_LEGEND_INSET;
    if (place == CW_LEGEND_OUTSIDE_RIGHT) {
        box.x = plot->x + plot->width + CHART_LEGEND_INSET;
        box.y = plot->y;
    }
    return box;
}

void chart_place_legend(const struct cw_chart *chart, struct chart_layout *layout)
{
    if (!layout->legend.visible)
        return;
    if (chart->legend_place != CW_LEGEND_BEST) {
        layout->legend.box = legend_at(layout, chart->legend_place);
        return;
    }
    /* In matplotlib's order of preference, so ties look familiar. */
    static const enum cw_legend_place corners[] = {CW_LEGEND_UPPER_RIGHT, CW_LEGEND_UPPER_LEFT,
                                                   CW_LEGEND_LOWER_LEFT, CW_LEGEND_LOWER_RIGHT};
    struct chart_rect best = legend_at(layout, corners[0]);
    size_t fewest = data_inside(chart, layout, &best);
    for (size_t i = 1; i < 4 && fewest > 0; i++) {
        struct chart_rect candidate = legend_at(layout, corners[i]);
        size_t hits = data_inside(chart, layout, &candidate);
        if (hits < fewest) {
            fewest = hits;
            best = candidate;
        }
    }
    layout->legend.box = best;
}

/* Drawing ----------------------------------------------------------------------------- */

static void trace_rounded_rectangle(cairo_t *cr, struct chart_rect box, double radius)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, box.x + box.width - radius, box.y + radius, radius, -M_PI / 2, 0);
    cairo_arc(cr, box.x + box.width - radius, box.y + box.height - radius, radius, 0, M_PI / 2);
    cairo_arc(cr, box.x + radius, box.y + box.height - radius, radius, M_PI / 2, M_PI);
    cairo_arc(cr, box.x + radius, box.y + radius, radius, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

static void draw_swatch(const struct cw_chart *chart, cairo_t *cr,
                        const struct chart_series *series, double x, double y)
{
    cairo_new_path(cr);
    if (series->kind == CHART_LINE || series->kind == CHART_SEGMENTS) {
        int is_line = series->kind == CHART_LINE;
        if (!is_line || series->line_style != CW_LINE_NONE) {
            chart_set_line_style(cr, is_line ? series->line_style : CW_LINE_SOLID, 0);
            cairo_set_line_width(cr, is_line ? CHART_LINE_WIDTH : CHART_SEGMENT_WIDTH);
            chart_set_color(cr, series->rgb, 1);
            cairo_move_to(cr, x, round(y));
            cairo_line_to(cr, x + CHART_LEGEND_SWATCH, round(y));
            cairo_stroke(cr);
        }
        if (is_line && series->marker != CW_MARKER_NONE) {
            chart_trace_marker(cr, series->marker, x + CHART_LEGEND_SWATCH / 2, round(y));
            chart_paint_markers(cr, series->marker, series->rgb);
        }
        return;
    }
    double alpha = series->kind == CHART_HISTOGRAM ? chart_histogram_alpha(chart) : 1;
    cairo_rectangle(cr, round(x + (CHART_LEGEND_SWATCH - CHART_LEGEND_SQUARE) / 2),
                    round(y - CHART_LEGEND_SQUARE / 2), CHART_LEGEND_SQUARE, CHART_LEGEND_SQUARE);
    chart_set_color(cr, series->rgb, alpha);
    cairo_fill(cr);
}

void chart_draw_legend(const struct cw_chart *chart, cairo_t *cr, const struct chart_layout *layout)
{
    const struct chart_legend *legend = &layout->legend;
    if (!legend->visible)
        return;
    struct chart_rect box = legend->box;
    box.x = chart_snap_to_pixel_center(box.x);
    box.y = chart_snap_to_pixel_center(box.y);
    box.width = round(box.width);
    box.height = round(box.height);
    cairo_new_path(cr);
    trace_rounded_rectangle(cr, box, 3);
    chart_set_color(cr, 0xFFFFFF, 0.85);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    chart_set_color(cr, CHART_LEGEND_BORDER_COLOR, 1);
    cairo_stroke(cr);

    char buffer[CHART_TEXT_SIZE];
    double swatch_x = box.x + CHART_LEGEND_PADDING;
    double row_y = box.y + CHART_LEGEND_PADDING + legend->row_height / 2;
    chart_use_font(cr, CHART_FONT_LEGEND);
    for (size_t i = 0; i < chart->series_count; i++) {
        const struct chart_series *series = &chart->series[i];
        if (!chart_has_text(series->label))
            continue;
        draw_swatch(chart, cr, series, swatch_x, row_y);
        chart_fit_text(cr, series->label, legend->text_limit, buffer, sizeof buffer);
        chart_set_color(cr, CHART_TEXT_COLOR, 1);
        chart_draw_text(cr, buffer, swatch_x + CHART_LEGEND_SWATCH + CHART_LEGEND_SWATCH_GAP, row_y,
                        0, CHART_ANCHOR_LEFT, CHART_ANCHOR_MIDDLE);
        row_y += legend->row_height;
    }
}
