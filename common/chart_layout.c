/* chart_layout.c: where everything goes. Ranges come from all series at once, margins
 * from the measured tick labels, title and legend; since tick density in turn depends on
 * the plot size, the layout is settled over a few passes. */
#include "chart_internal.h"

#include <math.h>
#include <string.h>

/* Device coordinates are clamped here so absurd data cannot overflow cairo's fixed point. */
#define DEVICE_LIMIT 1e6
#define SQRT_HALF 0.70710678118654752

static const char ellipsis[] = "\xE2\x80\xA6";

/* Text -------------------------------------------------------------------------------- */

void chart_use_font(cairo_t *cr, enum chart_font font)
{
    static const double sizes[] = {10.5, 12, 14, 10.5};
    cairo_select_font_face(cr, CHART_FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           font == CHART_FONT_TITLE ? CAIRO_FONT_WEIGHT_BOLD
                                                    : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, sizes[font]);
}

double chart_text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text, &extents);
    return extents.x_advance;
}

double chart_font_height(cairo_t *cr)
{
    cairo_font_extents_t extents;
    cairo_font_extents(cr, &extents);
    return extents.ascent + extents.descent;
}

int chart_has_text(const char *text)
{
    return text && text[0];
}

/* Length of the well-formed UTF-8 sequence at text, or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *text)
{
    unsigned lead = text[0];
    if (lead < 0x80)
        return 1;
    size_t length;
    unsigned codepoint, smallest;
    if ((lead & 0xE0) == 0xC0) {
        length = 2, codepoint = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, codepoint = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, codepoint = lead & 0x07, smallest = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;
        codepoint = (codepoint << 6) | (text[i] & 0x3F);
    }
    if (codepoint < smallest || codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint < 0xE000))
        return 0;
    return length;
}

void chart_clean_text(const char *text, char *buffer, size_t size)
{
    if (size == 0)
        return;
    if (!text)
        text = "";
    const unsigned char *in = (const unsigned char *)text;
    size_t used = 0;
    while (*in) {
        size_t length = utf8_sequence_length(in);
        if (used + (length ? length : 1) >= size)
            break;
        if (length == 0) {
            buffer[used++] = '?';
            in++;
        } else if (length == 1) {
            buffer[used++] = (*in < 0x20 || *in == 0x7F) ? ' ' : (char)*in;
            in++;
        } else {
            memcpy(buffer + used, in, length);
            used += length;
            in += length;
        }
    }
    buffer[used] = '\0';
}

const char *chart_fit_text(cairo_t *cr, const char *text, double max_width, char *buffer,
                           size_t size)
{
    if (size < sizeof ellipsis + 1) {
        if (size > 0)
            buffer[0] = '\0';
        return buffer;
    }
    chart_clean_text(text, buffer, size - sizeof ellipsis);
    if (chart_text_width(cr, buffer) <= max_width)
        return buffer;
    size_t length = strlen(buffer);
    while (length > 0) {
        do
            length--;
        while (length > 0 && ((unsigned char)buffer[length] & 0xC0) == 0x80);
        memcpy(buffer + length, ellipsis, sizeof ellipsis);
        if (chart_text_width(cr, buffer) <= max_width)
            break;
    }
    return buffer;
}

/* Coordinates ------------------------------------------------------------------------- */

static double clamp_to_device(double value)
{
    if (isnan(value))
        return 0;
    return fmax(-DEVICE_LIMIT, fmin(DEVICE_LIMIT, value));
}

double chart_x_to_device(const struct chart_layout *layout, double x)
{
    const struct chart_axis *axis = &layout->x;
    double fraction = (x - axis->min) / (axis->max - axis->min);
    return clamp_to_device(layout->plot.x + fraction * layout->plot.width);
}

double chart_y_to_device(const struct chart_layout *layout, double y)
{
    const struct chart_axis *axis = &layout->y;
    double fraction = (y - axis->min) / (axis->max - axis->min);
    return clamp_to_device(layout->plot.y + layout->plot.height - fraction * layout->plot.height);
}

const char *chart_category_name(const struct cw_chart *chart, enum chart_series_kind kind,
                                size_t index)
{
    for (size_t i = 0; i < chart->series_count; i++) {
        const struct chart_series *series = &chart->series[i];
        if (series->kind == kind && index < series->count && series->categories &&
            series->categories[index])
            return series->categories[index];
    }
    return NULL;
}

void chart_bar_group(const struct cw_chart *chart, size_t series_index, size_t *group_index,
                     size_t *group_size)
{
    enum chart_series_kind kind = chart->series[series_index].kind;
    *group_index = 0;
    *group_size = 0;
    for (size_t i = 0; i < chart->series_count; i++) {
        if (chart->series[i].kind != kind)
            continue;
        if (i < series_index)
            (*group_index)++;
        (*group_size)++;
    }
}

static void set_rect_from_corners(struct chart_rect *rect, double x0, double y0, double x1,
                                  double y1)
{
    rect->x = fmin(x0, x1);
    rect->y = fmin(y0, y1);
    rect->width = fabs(x1 - x0);
    rect->height = fabs(y1 - y0);
}

int chart_bar_rectangle(const struct chart_layout *layout, const struct chart_series *series,
                        size_t index, size_t group_index, size_t group_size,
                        struct chart_rect *rect)
{
    double value = series->ys[index];
    if (!isfinite(value))
        return 0;
    /* A category slot is one unit wide; its bars together fill 80% of it. */
    double bar_width = 0.8 / (double)(group_size ? group_size : 1);
    double slot_start = -0.4 + (double)group_index * bar_width;
    double position;
    switch (series->kind) {
    case CHART_BARS:
        position = (double)index + slot_start;
        set_rect_from_corners(
            rect, chart_x_to_device(layout, position), chart_y_to_device(layout, 0),
            chart_x_to_device(layout, position + bar_width), chart_y_to_device(layout, value));
        return 1;
    case CHART_BARH:
        /* The first category is the top row. */
        position = (double)(layout->y.category_count - 1 - index) - slot_start - bar_width;
        set_rect_from_corners(rect, chart_x_to_device(layout, 0),
                              chart_y_to_device(layout, position), chart_x_to_device(layout, value),
                              chart_y_to_device(layout, position + bar_width));
        return 1;
    case CHART_HISTOGRAM:
        set_rect_from_corners(
            rect, chart_x_to_device(layout, series->xs[index]), chart_y_to_device(layout, 0),
            chart_x_to_device(layout, series->x_ends[index]), chart_y_to_device(layout, value));
        return value > 0;
    default: return 0;
    }
}

/* Ranges ------------------------------------------------------------------------------ */

struct extent {
    double min;
    double max;
    int any;
    int includes_zero; /* bars and histograms grow from 0, so 0 stays in range, unpadded */
};

static void extend(struct extent *extent, double value)
{
    if (!isfinite(value))
        return;
    if (!extent->any) {
        extent->min = extent->max = value;
        extent->any = 1;
        return;
    }
    extent->min = fmin(extent->min, value);
    extent->max = fmax(extent->max, value);
}

static void extend_by_values(struct extent *extent, const double *values, size_t count)
{
    for (size_t i = 0; i < count; i++)
        extend(extent, values[i]);
}

static void extend_by_series(struct extent *extent, const struct chart_series *series, int is_x)
{
    size_t count = series->count;
    switch (series->kind) {
    case CHART_BARS:
    case CHART_BARH:
        if ((series->kind == CHART_BARS) == is_x)
            return;
        extend_by_values(extent, series->ys, count);
        extent->includes_zero = 1;
        return;
    case CHART_HISTOGRAM:
        if (is_x) {
            extend_by_values(extent, series->xs, count);
            extend_by_values(extent, series->x_ends, count);
        } else {
            extend_by_values(extent, series->ys, count);
            extent->includes_zero = 1;
        }
        return;
    case CHART_LINE:
        for (size_t i = 0; i < count; i++)
            if (isfinite(series->xs[i]) && isfinite(series->ys[i]))
                extend(extent, is_x ? series->xs[i] : series->ys[i]);
        return;
    case CHART_SEGMENTS:
        for (size_t i = 0; i < count; i++) {
            if (!isfinite(series->xs[i]) || !isfinite(series->x_ends[i]) ||
                !isfinite(series->ys[i]))
                continue;
            extend(extent, is_x ? series->xs[i] : series->ys[i]);
            extend(extent, is_x ? series->x_ends[i] : series->ys[i]);
        }
        return;
    }
}

static void widen_empty_range(struct extent *extent, int is_date)
{
    if (extent->max > extent->min)
        return;
    if (extent->includes_zero && extent->min == 0) {
        extent->max = 1;
    } else if (is_date) {
        extent->min -= 43200;
        extent->max += 43200;
    } else {
        chart_widen_degenerate_range(&extent->min, &extent->max);
    }
}

/* A small margin so lines and markers clear the frame; bars and histograms stand on 0. */
static void pad_range(struct extent *extent)
{
    double pad = 0.02 * (extent->max - extent->min);
    if (!(extent->includes_zero && extent->min == 0))
        extent->min -= pad;
    if (!(extent->includes_zero && extent->max == 0))
        extent->max += pad;
}

static void settle_data_range(const struct cw_chart *chart, struct chart_axis *axis, int is_x)
{
    if (axis->categorical) {
        size_t count = axis->category_count ? axis->category_count : 1;
        axis->min = axis->data_min = -0.5;
        axis->max = axis->data_max = (double)count - 0.5;
        return;
    }
    int has_limits = is_x ? chart->has_xlim : chart->has_ylim;
    if (has_limits) {
        axis->data_min = is_x ? chart->xlim[0] : chart->ylim[0];
        axis->data_max = is_x ? chart->xlim[1] : chart->ylim[1];
        axis->fixed = 1;
        return;
    }
    struct extent extent = {0, 0, 0, 0};
    for (size_t i = 0; i < chart->series_count; i++)
        extend_by_series(&extent, &chart->series[i], is_x);
    if (extent.includes_zero)
        extend(&extent, 0);
    if (extent.any) {
        widen_empty_range(&extent, axis->is_date);
        pad_range(&extent);
    } else {
        extent.max = axis->is_date ? 86400 : 1;
    }
    if (!isfinite(extent.max - extent.min)) {
        extent.min = 0;
        extent.max = 1;
    }
    axis->data_min = extent.min;
    axis->data_max = extent.max;
}

static size_t count_categories(const struct cw_chart *chart, enum chart_series_kind kind,
                               int *present)
{
    size_t count = 0;
    *present = 0;
    for (size_t i = 0; i < chart->series_count; i++) {
        if (chart->series[i].kind != kind)
            continue;
        *present = 1;
        if (chart->series[i].count > count)
            count = chart->series[i].count;
    }
    return count;
}

static void setup_axes(const struct cw_chart *chart, struct chart_layout *layout)
{
    layout->x.category_count = count_categories(chart, CHART_BARS, &layout->x.categorical);
    layout->y.category_count = count_categories(chart, CHART_BARH, &layout->y.categorical);
    layout->x.is_date = chart->x_is_date && !layout->x.categorical;
    settle_data_range(chart, &layout->x, 1);
    settle_data_range(chart, &layout->y, 0);
}

/* Ticks and tick labels --------------------------------------------------------------- */

static void keep_ticks_inside(struct chart_axis *axis)
{
    double slack = (axis->max - axis->min) * 1e-9;
    size_t kept = 0;
    for (size_t i = 0; i < axis->ticks.count; i++) {
        double value = axis->ticks.values[i];
        if (value < axis->min - slack || value > axis->max + slack)
            continue;
        axis->ticks.values[kept] = value;
        memmove(axis->ticks.labels[kept], axis->ticks.labels[i], CHART_TICK_LABEL_SIZE);
        kept++;
    }
    axis->ticks.count = kept;
}

static size_t count_ticks_inside(const struct chart_ticks *ticks, double min, double max)
{
    size_t count = 0;
    for (size_t i = 0; i < ticks->count; i++)
        count += ticks->values[i] >= min && ticks->values[i] <= max;
    return count;
}

/* An automatic range reaches out to the nearest tick beyond the data when that tick is
 * within half a step: a whole step of empty space looks worse than an edge without a
 * tick. */
static void widen_to_nearby_ticks(struct chart_axis *axis)
{
    const double *values = axis->ticks.values;
    size_t count = axis->ticks.count;
    if (axis->fixed || count < 2)
        return;
    double first = values[0], last = values[count - 1];
    double min = axis->data_min - first <= (values[1] - first) / 2 ? first : axis->data_min;
    double max = last - axis->data_max <= (last - values[count - 2]) / 2 ? last : axis->data_max;
    if (count_ticks_inside(&axis->ticks, min, max) < 2) {
        min = first;
        max = last;
    }
    axis->min = fmin(min, axis->data_min);
    axis->max = fmax(max, axis->data_max);
}

static void compute_value_ticks(struct chart_axis *axis, int target)
{
    if (axis->is_date)
        chart_date_ticks(axis->data_min, axis->data_max, target, &axis->ticks);
    else
        chart_numeric_ticks(axis->data_min, axis->data_max, target, &axis->ticks);
    axis->min = axis->data_min;
    axis->max = axis->data_max;
    widen_to_nearby_ticks(axis);
    keep_ticks_inside(axis);
}

static int clamp_tick_target(double length, double pixels_per_tick)
{
    double target = floor(length / pixels_per_tick);
    return (int)fmax(2, fmin(10, target));
}

static int x_tick_labels_collide(cairo_t *cr, const struct chart_layout *layout)
{
    const struct chart_ticks *ticks = &layout->x.ticks;
    for (size_t i = 1; i < ticks->count; i++) {
        double distance = chart_x_to_device(layout, ticks->values[i]) -
                          chart_x_to_device(layout, ticks->values[i - 1]);
        double needed =
            (chart_text_width(cr, ticks->labels[i - 1]) + chart_text_width(cr, ticks->labels[i])) /
                2 +
            12;
        if (distance < needed)
            return 1;
    }
    return 0;
}

static void measure_x_value_overhang(cairo_t *cr, struct chart_layout *layout)
{
    const struct chart_ticks *ticks = &layout->x.ticks;
    layout->x.overhang_before = layout->x.overhang_after = 0;
    if (ticks->count == 0)
        return;
    double first_half = chart_text_width(cr, ticks->labels[0]) / 2;
    double last_half = chart_text_width(cr, ticks->labels[ticks->count - 1]) / 2;
    double plot_end = layout->plot.x + layout->plot.width;
    layout->x.overhang_before =
        first_half - (chart_x_to_device(layout, ticks->values[0]) - layout->plot.x);
    layout->x.overhang_after =
        last_half - (plot_end - chart_x_to_device(layout, ticks->values[ticks->count - 1]));
}

static double widest_category_label(const struct cw_chart *chart, cairo_t *cr,
                                    const struct chart_axis *axis, enum chart_series_kind kind,
                                    double *first_width)
{
    char buffer[CHART_TEXT_SIZE];
    double widest = 0;
    *first_width = 0;
    for (size_t i = 0; i < axis->category_count; i += axis->label_stride) {
        const char *name = chart_category_name(chart, kind, i);
        double width = chart_text_width(
            cr, chart_fit_text(cr, name, axis->label_limit, buffer, sizeof buffer));
        if (i == 0)
            *first_width = width;
        widest = fmax(widest, width);
    }
    return widest;
}

/* Category labels go level when they fit their slot, else slanted, else upright and
 * thinned out, as a reader would turn the page. */
static void layout_x_categories(const struct cw_chart *chart, cairo_t *cr,
                                struct chart_layout *layout)
{
    struct chart_axis *axis = &layout->x;
    double tick_height = chart_font_height(cr);
    double slot = layout->plot.width / (double)(axis->category_count ? axis->category_count : 1);
    double first_width;
    axis->label_stride = 1;
    axis->label_limit = fmax(40, 0.3 * chart->height);
    double widest = widest_category_label(chart, cr, axis, CHART_BARS, &first_width);
    axis->overhang_after = 0;
    if (widest + 8 <= slot) {
        axis->label_angle = 0;
        axis->label_extent = tick_height;
        axis->overhang_before = first_width / 2 - slot / 2;
    } else if (slot >= (tick_height + 3) / SQRT_HALF) {
        axis->label_angle = -M_PI / 4;
        axis->label_extent = SQRT_HALF * (widest + tick_height);
        axis->overhang_before = SQRT_HALF * (first_width + tick_height / 2) - slot / 2;
    } else {
        axis->label_angle = -M_PI / 2;
        axis->label_stride = (size_t)ceil((tick_height + 2) / fmax(slot, 1e-3));
        axis->label_extent = widest_category_label(chart, cr, axis, CHART_BARS, &first_width);
        axis->overhang_before = tick_height / 2 - slot / 2;
    }
}

static void layout_x_axis(const struct cw_chart *chart, cairo_t *cr, struct chart_layout *layout)
{
    struct chart_axis *axis = &layout->x;
    chart_use_font(cr, CHART_FONT_TICK);
    if (axis->categorical) {
        layout_x_categories(chart, cr, layout);
        return;
    }
    /* Fewer ticks until their labels stop touching. */
    for (int target = clamp_tick_target(layout->plot.width, 90);; target--) {
        compute_value_ticks(axis, target);
        if (target <= 2 || !x_tick_labels_collide(cr, layout))
            break;
    }
    axis->label_extent = chart_font_height(cr);
    measure_x_value_overhang(cr, layout);
}

static void layout_y_axis(const struct cw_chart *chart, cairo_t *cr, struct chart_layout *layout)
{
    struct chart_axis *axis = &layout->y;
    chart_use_font(cr, CHART_FONT_TICK);
    if (axis->categorical) {
        double slot =
            layout->plot.height / (double)(axis->category_count ? axis->category_count : 1);
        double first_width;
        axis->label_stride = (size_t)fmax(1, ceil((chart_font_height(cr) + 1) / fmax(slot, 1e-3)));
        axis->label_limit = fmax(40, 0.4 * chart->width);
        axis->label_extent = widest_category_label(chart, cr, axis, CHART_BARH, &first_width);
        return;
    }
    compute_value_ticks(axis, clamp_tick_target(layout->plot.height, 55));
    axis->label_extent = 0;
    for (size_t i = 0; i < axis->ticks.count; i++)
        axis->label_extent = fmax(axis->label_extent, chart_text_width(cr, axis->ticks.labels[i]));
}

/* Plot area --------------------------------------------------------------------------- */

static void place_plot_area(const struct cw_chart *chart, cairo_t *cr, struct chart_layout *layout)
{
    double left = CHART_PADDING, right = CHART_PADDING;
    double top = CHART_PADDING, bottom = CHART_PADDING;
    chart_use_font(cr, CHART_FONT_AXIS_LABEL);
    double label_height = chart_font_height(cr);
    if (chart_has_text(chart->ylabel))
        left += label_height + CHART_AXIS_LABEL_GAP;
    if (chart_has_text(chart->xlabel))
        bottom += label_height + CHART_AXIS_LABEL_GAP;
    if (chart_has_text(chart->title)) {
        chart_use_font(cr, CHART_FONT_TITLE);
        top += chart_font_height(cr) + CHART_TITLE_GAP;
    }
    chart_use_font(cr, CHART_FONT_TICK);
    /* The top tick label is centered on the plot's top edge. */
    top = fmax(top, CHART_PADDING + chart_font_height(cr) / 2);
    left += layout->y.label_extent + CHART_TICK_LABEL_GAP;
    bottom += layout->x.label_extent + CHART_TICK_LABEL_GAP;
    if (layout->legend.visible && chart->legend_place == CW_LEGEND_OUTSIDE_RIGHT)
        right += layout->legend.box.width + CHART_LEGEND_INSET;
    left = fmax(left, CHART_PADDING + layout->x.overhang_before);
    right = fmax(right, CHART_PADDING + layout->x.overhang_after);
    /* Whole pixels, so bars, grid and spines meet without anti-aliased seams. */
    layout->plot.x = ceil(left);
    layout->plot.y = ceil(top);
    layout->plot.width = fmax(floor(chart->width - layout->plot.x - right), 1);
    layout->plot.height = fmax(floor(chart->height - layout->plot.y - bottom), 1);
}

void chart_compute_layout(const struct cw_chart *chart, cairo_t *cr, struct chart_layout *layout)
{
    memset(layout, 0, sizeof *layout);
    setup_axes(chart, layout);
    chart_measure_legend(chart, cr, &layout->legend);
    layout->plot.x = 60;
    layout->plot.y = 30;
    layout->plot.width = fmax(chart->width - 80, 1);
    layout->plot.height = fmax(chart->height - 80, 1);
    layout->x.label_stride = layout->y.label_stride = 1;
    /* Ticks depend on the plot size and the plot size on the tick labels; three passes
     * settle it. Margins always come from the very labels that will be drawn. */
    for (int pass = 0; pass < 3; pass++) {
        layout_x_axis(chart, cr, layout);
        layout_y_axis(chart, cr, layout);
        place_plot_area(chart, cr, layout);
    }
    chart_place_legend(chart, layout);
}
