/* chart.c: the chart's public face: copying series in, and writing PNG or SVG. Both
 * formats render through the same drawing code into an in-memory stream, and only then
 * touch the file, so a failed write never leaves a half-drawn chart behind. */
#include "chart_internal.h"

#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* seaborn "deep" */
static const unsigned deep_palette[] = {0x4C72B0, 0xDD8452, 0x55A868, 0xC44E52, 0x8172B3,
                                        0x937860, 0xDA8BC3, 0x8C8C8C, 0xCCB974, 0x64B5CD};

/* cairo's image surfaces are limited to this many pixels a side. */
#define LARGEST_SIDE 32767
#define LARGEST_HISTOGRAM_BINS 10000

struct cw_chart *cw_chart_new(int width, int height)
{
    struct cw_chart *chart = calloc(1, sizeof *chart);
    if (!chart)
        return NULL;
    chart->width = width;
    chart->height = height;
    return chart;
}

static void free_series(struct chart_series *series)
{
    if (series->categories)
        for (size_t i = 0; i < series->count; i++)
            free(series->categories[i]);
    free(series->categories);
    free(series->label);
    free(series->xs);
    free(series->x_ends);
    free(series->ys);
}

void cw_chart_free(struct cw_chart *chart)
{
    if (!chart)
        return;
    for (size_t i = 0; i < chart->series_count; i++)
        free_series(&chart->series[i]);
    free(chart->series);
    free(chart->title);
    free(chart->xlabel);
    free(chart->ylabel);
    free(chart);
}

static char *copy_string(struct cw_chart *chart, const char *text)
{
    if (!text)
        return NULL;
    char *copy = strdup(text);
    if (!copy)
        chart->out_of_memory = 1;
    return copy;
}

static void replace_string(struct cw_chart *chart, char **field, const char *text)
{
    free(*field);
    *field = copy_string(chart, text);
}

void cw_chart_title(struct cw_chart *chart, const char *title)
{
    if (chart)
        replace_string(chart, &chart->title, title);
}

void cw_chart_xlabel(struct cw_chart *chart, const char *label)
{
    if (chart)
        replace_string(chart, &chart->xlabel, label);
}

void cw_chart_ylabel(struct cw_chart *chart, const char *label)
{
    if (chart)
        replace_string(chart, &chart->ylabel, label);
}

static void set_limits(double *limits, int *has_limits, double min, double max)
{
    if (!isfinite(min) || !isfinite(max))
        return;
    chart_widen_degenerate_range(&min, &max);
    limits[0] = min;
    limits[1] = max;
    *has_limits = 1;
}

void cw_chart_xlim(struct cw_chart *chart, double min, double max)
{
    if (chart)
        set_limits(chart->xlim, &chart->has_xlim, min, max);
}

void cw_chart_ylim(struct cw_chart *chart, double min, double max)
{
    if (chart)
        set_limits(chart->ylim, &chart->has_ylim, min, max);
}

void cw_chart_x_dates(struct cw_chart *chart)
{
    if (chart)
        chart->x_is_date = 1;
}

void cw_chart_legend(struct cw_chart *chart, enum cw_legend_place place)
{
    if (!chart)
        return;
    chart->has_legend = 1;
    chart->legend_place = place <= CW_LEGEND_OUTSIDE_RIGHT ? place : CW_LEGEND_BEST;
}

static unsigned resolve_color(struct cw_chart *chart, int color)
{
    if (color >= 0)
        return (unsigned)color & 0xFFFFFF;
    size_t palette_size = sizeof deep_palette / sizeof deep_palette[0];
    return deep_palette[chart->next_palette_index++ % palette_size];
}

/* A new zeroed series at the end of the chart, or NULL (remembered) when out of memory. */
static struct chart_series *add_series(struct cw_chart *chart, enum chart_series_kind kind,
                                       int color, const char *label)
{
    if (chart->series_count == chart->series_capacity) {
        size_t capacity = chart->series_capacity ? chart->series_capacity * 2 : 8;
        struct chart_series *grown = realloc(chart->series, capacity * sizeof *grown);
        if (!grown) {
            chart->out_of_memory = 1;
            return NULL;
        }
        chart->series = grown;
        chart->series_capacity = capacity;
    }
    struct chart_series *series = &chart->series[chart->series_count++];
    memset(series, 0, sizeof *series);
    series->kind = kind;
    series->rgb = resolve_color(chart, color);
    series->label = copy_string(chart, label);
    return series;
}

static double *copy_doubles(struct cw_chart *chart, const double *values, size_t count)
{
    if (count == 0)
        return NULL;
    if (count > SIZE_MAX / sizeof(double)) {
        chart->out_of_memory = 1;
        return NULL;
    }
    double *copy = malloc(count * sizeof *copy);
    if (!copy) {
        chart->out_of_memory = 1;
        return NULL;
    }
    if (values)
        memcpy(copy, values, count * sizeof *copy);
    else
        for (size_t i = 0; i < count; i++)
            copy[i] = 0;
    return copy;
}

/* On a failed copy the series keeps no data rather than half of it. */
static void settle_count(struct chart_series *series, size_t count, int copied)
{
    series->count = copied ? count : 0;
}

static void add_categorical(struct cw_chart *chart, enum chart_series_kind kind,
                            const char *const *labels, const double *values, size_t n, int color,
                            const char *series_label)
{
    if (!chart)
        return;
    struct chart_series *series = add_series(chart, kind, color, series_label);
    if (!series || !values || n == 0)
        return;
    series->ys = copy_doubles(chart, values, n);
    series->categories = calloc(n, sizeof *series->categories);
    if (!series->categories)
        chart->out_of_memory = 1;
    settle_count(series, n, series->ys && series->categories);
    if (!series->categories || !labels)
        return;
    for (size_t i = 0; i < n; i++)
        series->categories[i] = copy_string(chart, labels[i]);
}

void cw_chart_bars(struct cw_chart *chart, const char *const *labels, const double *values,
                   size_t n, int color, const char *series_label)
{
    add_categorical(chart, CHART_BARS, labels, values, n, color, series_label);
}

void cw_chart_barh(struct cw_chart *chart, const char *const *labels, const double *values,
                   size_t n, int color, const char *series_label)
{
    add_categorical(chart, CHART_BARH, labels, values, n, color, series_label);
}

static int finite_range(const double *values, size_t n, double *min, double *max,
                        size_t *finite_count)
{
    *min = INFINITY;
    *max = -INFINITY;
    *finite_count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            continue;
        *min = fmin(*min, values[i]);
        *max = fmax(*max, values[i]);
        (*finite_count)++;
    }
    return *finite_count > 0 && isfinite(*max - *min);
}

static int sturges_bins(size_t finite_count)
{
    return (int)ceil(log2((double)finite_count) + 1);
}

static void count_into_bins(struct chart_series *series, const double *values, size_t n, double min,
                            double bin_width)
{
    size_t bins = series->count;
    for (size_t i = 0; i < bins; i++) {
        series->xs[i] = min + (double)i * bin_width;
        series->x_ends[i] = min + (double)(i + 1) * bin_width;
        series->ys[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            continue;
        double position = (values[i] - min) / bin_width;
        /* The maximum belongs to the last bin, as in numpy. */
        size_t bin = position >= (double)bins ? bins - 1 : (size_t)fmax(position, 0);
        series->ys[bin]++;
    }
}

void cw_chart_histogram(struct cw_chart *chart, const double *values, size_t n, int bins, int color,
                        const char *series_label)
{
    if (!chart)
        return;
    struct chart_series *series = add_series(chart, CHART_HISTOGRAM, color, series_label);
    double min, max;
    size_t finite_count;
    if (!series || !values || !finite_range(values, n, &min, &max, &finite_count))
        return;
    if (min == max) {
        min -= 0.5;
        max += 0.5;
    }
    if (bins <= 0)
        bins = sturges_bins(finite_count);
    if (bins > LARGEST_HISTOGRAM_BINS)
        bins = LARGEST_HISTOGRAM_BINS;
    size_t bin_count = (size_t)bins;
    series->xs = copy_doubles(chart, NULL, bin_count);
    series->x_ends = copy_doubles(chart, NULL, bin_count);
    series->ys = copy_doubles(chart, NULL, bin_count);
    settle_count(series, bin_count, series->xs && series->x_ends && series->ys);
    if (series->count > 0)
        count_into_bins(series, values, n, min, (max - min) / bins);
}

void cw_chart_line(struct cw_chart *chart, const double *xs, const double *ys, size_t n, int color,
                   enum cw_line_style style, enum cw_marker marker, const char *series_label)
{
    if (!chart)
        return;
    struct chart_series *series = add_series(chart, CHART_LINE, color, series_label);
    if (!series)
        return;
    series->line_style = style <= CW_LINE_NONE ? style : CW_LINE_SOLID;
    series->marker = marker <= CW_MARKER_SQUARE ? marker : CW_MARKER_NONE;
    if (!xs || !ys || n == 0)
        return;
    series->xs = copy_doubles(chart, xs, n);
    series->ys = copy_doubles(chart, ys, n);
    settle_count(series, n, series->xs && series->ys);
}

void cw_chart_segments(struct cw_chart *chart, const double *x0s, const double *x1s,
                       const double *ys, size_t n, int color, const char *series_label)
{
    if (!chart)
        return;
    struct chart_series *series = add_series(chart, CHART_SEGMENTS, color, series_label);
    if (!series || !x0s || !x1s || !ys || n == 0)
        return;
    series->xs = copy_doubles(chart, x0s, n);
    series->x_ends = copy_doubles(chart, x1s, n);
    series->ys = copy_doubles(chart, ys, n);
    settle_count(series, n, series->xs && series->x_ends && series->ys);
}

/* Output ------------------------------------------------------------------------------ */

/* Where cairo streams the encoded file before it is written out. */
struct memory_stream {
    unsigned char *data;
    size_t size;
    size_t capacity;
};

static cairo_status_t append_to_memory(void *closure, const unsigned char *data,
                                       unsigned int length)
{
    struct memory_stream *stream = closure;
    if (stream->size + length > stream->capacity) {
        size_t capacity = stream->capacity ? stream->capacity : 65536;
        while (capacity < stream->size + length)
            capacity *= 2;
        unsigned char *grown = realloc(stream->data, capacity);
        if (!grown)
            return CAIRO_STATUS_NO_MEMORY;
        stream->data = grown;
        stream->capacity = capacity;
    }
    memcpy(stream->data + stream->size, data, length);
    stream->size += length;
    return CAIRO_STATUS_SUCCESS;
}

static int check_chart(const struct cw_chart *chart, const char *path, struct cw_error *err)
{
    if (!path)
        return cw_error_set(err, CW_EINVAL, "writing chart: no path given");
    if (!chart)
        return cw_error_set(err, CW_EINVAL, "writing chart %s: no chart", path);
    if (chart->out_of_memory)
        return cw_error_set(err, CW_ENOMEM, "writing chart %s: out of memory adding data", path);
    if (chart->width < 1 || chart->height < 1 || chart->width > LARGEST_SIDE ||
        chart->height > LARGEST_SIDE)
        return cw_error_set(err, CW_EINVAL, "writing chart %s: size %dx%d is out of range", path,
                            chart->width, chart->height);
    return 0;
}

static int cairo_failure(cairo_status_t status, const char *path, struct cw_error *err)
{
    int code = status == CAIRO_STATUS_NO_MEMORY ? CW_ENOMEM : CW_EIO;
    return cw_error_set(err, code, "writing chart %s: %s", path, cairo_status_to_string(status));
}

struct file_piece {
    const void *data;
    size_t size;
};

static int write_file(const char *path, const struct file_piece *pieces, size_t piece_count,
                      struct cw_error *err)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return cw_error_set(err, CW_EIO, "writing chart %s: %s", path, strerror(errno));
    int failed = 0;
    for (size_t i = 0; i < piece_count && !failed; i++)
        failed =
            pieces[i].size > 0 && fwrite(pieces[i].data, 1, pieces[i].size, file) != pieces[i].size;
    int saved_errno = errno;
    if (fclose(file) != 0 && !failed) {
        failed = 1;
        saved_errno = errno;
    }
    if (!failed)
        return 0;
    if (saved_errno == 0)
        saved_errno = EIO;
    unlink(path);
    return cw_error_set(err, CW_EIO, "writing chart %s: %s", path, strerror(saved_errno));
}

static cairo_status_t render_onto(const struct cw_chart *chart, cairo_surface_t *surface)
{
    cairo_t *cr = cairo_create(surface);
    chart_render(chart, cr);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    return status;
}

int cw_chart_write_png(struct cw_chart *chart, const char *path, struct cw_error *err)
{
    int rc = check_chart(chart, path, err);
    if (rc < 0)
        return rc;
    cairo_surface_t *surface =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, chart->width, chart->height);
    cairo_status_t status = cairo_surface_status(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = render_onto(chart, surface);
    struct memory_stream png = {0};
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream(surface, append_to_memory, &png);
    cairo_surface_destroy(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        rc = write_file(path, &(struct file_piece){png.data, png.size}, 1, err);
    else
        rc = cairo_failure(status, path, err);
    free(png.data);
    return rc;
}

static char *append_text(char *out, const char *text)
{
    size_t length = strlen(text);
    memcpy(out, text, length);
    return out + length;
}

/* cairo draws text as glyph outlines, so the SVG would otherwise hold no words at all;
 * a <title> element keeps the chart findable and readable to screen readers. */
static char *svg_title_element(const char *title)
{
    char clean[CHART_TEXT_SIZE];
    chart_clean_text(title, clean, sizeof clean);
    /* Escaping at most quintuples a character ("&" -> "&amp;"). */
    char *element = malloc(strlen("\n<title></title>") + 5 * strlen(clean) + 1);
    if (!element)
        return NULL;
    char *out = append_text(element, "\n<title>");
    for (const char *c = clean; *c; c++) {
        if (*c == '&')
            out = append_text(out, "&amp;");
        else if (*c == '<')
            out = append_text(out, "&lt;");
        else if (*c == '>')
            out = append_text(out, "&gt;");
        else
            *out++ = *c;
    }
    out = append_text(out, "</title>");
    *out = '\0';
    return element;
}

static int write_svg_file(const struct cw_chart *chart, const char *path,
                          const struct memory_stream *svg, struct cw_error *err)
{
    const unsigned char *svg_start = svg->size ? memmem(svg->data, svg->size, "<svg", 4) : NULL;
    const unsigned char *svg_tag_end =
        svg_start ? memchr(svg_start, '>', svg->size - (size_t)(svg_start - svg->data)) : NULL;
    if (!chart_has_text(chart->title) || !svg_tag_end)
        return write_file(path, &(struct file_piece){svg->data, svg->size}, 1, err);
    char *title = svg_title_element(chart->title);
    if (!title)
        return cw_error_set(err, CW_ENOMEM, "writing chart %s: out of memory", path);
    size_t head_size = (size_t)(svg_tag_end - svg->data) + 1;
    struct file_piece pieces[] = {{svg->data, head_size},
                                  {title, strlen(title)},
                                  {svg->data + head_size, svg->size - head_size}};
    int rc = write_file(path, pieces, 3, err);
    free(title);
    return rc;
}

int cw_chart_write_svg(struct cw_chart *chart, const char *path, struct cw_error *err)
{
    int rc = check_chart(chart, path, err);
    if (rc < 0)
        return rc;
    struct memory_stream svg = {0};
    cairo_surface_t *surface =
        cairo_svg_surface_create_for_stream(append_to_memory, &svg, chart->width, chart->height);
    cairo_status_t status = cairo_surface_status(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = render_onto(chart, surface);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        rc = write_svg_file(chart, path, &svg, err);
    else
        rc = cairo_failure(status, path, err);
    free(svg.data);
    return rc;
}
