/* chart_internal.h: what the chart files share and nothing else may use. Series are kept
 * as plain copied arrays and nothing is laid out until a write, so every write computes
 * ranges, ticks and margins afresh from all the data. */
#ifndef CW_CHART_INTERNAL_H
#define CW_CHART_INTERNAL_H

#include <cairo.h>
#include <stddef.h>

#include "chart.h"

#define CHART_MAX_TICKS 64
#define CHART_TICK_LABEL_SIZE 40

enum chart_series_kind {
    CHART_BARS,      /* ys: values, categories: names; x is the category index */
    CHART_BARH,      /* ys: values, categories: names; y is the category row */
    CHART_HISTOGRAM, /* one rectangle per bin: xs left edges, x_ends right edges, ys counts */
    CHART_LINE,      /* xs, ys */
    CHART_SEGMENTS,  /* xs starts, x_ends ends, ys rows */
};

struct chart_series {
    enum chart_series_kind kind;
    char *label; /* legend text; NULL keeps the series out of the legend */
    unsigned rgb;
    size_t count;
    double *xs;
    double *x_ends;
    double *ys;
    char **categories; /* count entries, any of them may be NULL */
    enum cw_line_style line_style;
    enum cw_marker marker;
};

struct cw_chart {
    int width;
    int height;
    char *title;
    char *xlabel;
    char *ylabel;
    int has_xlim;
    int has_ylim;
    double xlim[2];
    double ylim[2];
    int x_is_date;
    int has_legend;
    enum cw_legend_place legend_place;
    size_t next_palette_index;
    /* Adding functions cannot report failure, so an allocation failure is remembered
     * and reported by the next write instead of drawing a chart with data missing. */
    int out_of_memory;
    struct chart_series *series;
    size_t series_count;
    size_t series_capacity;
};

/* Tick positions with their labels, for one axis. */
struct chart_ticks {
    size_t count;
    double values[CHART_MAX_TICKS];
    char labels[CHART_MAX_TICKS][CHART_TICK_LABEL_SIZE];
};

/* Ticks (chart_axis.c) ---------------------------------------------------------------- */

/* Widens an empty or vanishingly small range around its value so it can be drawn. */
void chart_widen_degenerate_range(double *min, double *max);

/* Nice ticks covering [min, max] (the first at or below min, the last at or above max),
 * labelled compactly. */
void chart_numeric_ticks(double min, double max, int target, struct chart_ticks *ticks);

/* Calendar ticks (UTC) covering [min, max] epoch seconds, labelled for their unit. */
void chart_date_ticks(double min, double max, int target, struct chart_ticks *ticks);

/* Text (chart_layout.c) --------------------------------------------------------------- */

#define CHART_FONT_FAMILY "DejaVu Sans"
#define CHART_TEXT_SIZE 512

enum chart_font { CHART_FONT_TICK, CHART_FONT_AXIS_LABEL, CHART_FONT_TITLE, CHART_FONT_LEGEND };

void chart_use_font(cairo_t *cr, enum chart_font font);
/* Only for text that went through chart_fit_text (or plain ASCII): cairo refuses invalid
 * UTF-8 by failing the whole drawing. */
double chart_text_width(cairo_t *cr, const char *text);
double chart_font_height(cairo_t *cr);
/* Copies text (NULL reads as "") into buffer, cut at a character boundary. Labels may
 * come straight from crawled data: broken UTF-8 bytes become '?', control characters
 * spaces, because cairo refuses to draw invalid UTF-8 at all. */
void chart_clean_text(const char *text, char *buffer, size_t size);
/* Copies text (NULL reads as "") into buffer as drawable UTF-8, cut with an ellipsis to
 * max_width in the current font. Returns buffer. */
const char *chart_fit_text(cairo_t *cr, const char *text, double max_width, char *buffer,
                           size_t size);
int chart_has_text(const char *text);

/* Layout (chart_layout.c) ------------------------------------------------------------- */

/* Spacing in pixels (points in SVG). */
#define CHART_PADDING 10.0
#define CHART_TICK_LABEL_GAP 6.0
#define CHART_AXIS_LABEL_GAP 6.0
#define CHART_TITLE_GAP 10.0
#define CHART_LEGEND_INSET 8.0
#define CHART_LEGEND_PADDING 7.0
#define CHART_LEGEND_SWATCH 24.0
#define CHART_LEGEND_SWATCH_GAP 7.0

struct chart_axis {
    double min; /* the range mapped onto the plot area */
    double max;
    double data_min; /* the range the data (or the user's limits) asks for */
    double data_max;
    int fixed;       /* limits set by the user: ticks stay inside them */
    int is_date;     /* x only */
    int categorical; /* bar categories instead of numeric ticks */
    size_t category_count;
    struct chart_ticks ticks;
    double label_angle;     /* category labels of the x axis, radians */
    size_t label_stride;    /* category labels drawn: every n-th, when they cannot all fit */
    double label_limit;     /* widest a category label may be drawn */
    double label_extent;    /* room the tick labels take across the axis */
    double overhang_before; /* how far the first and last x tick labels reach past the */
    double overhang_after;  /* plot area's ends */
};

struct chart_rect {
    double x;
    double y;
    double width;
    double height;
};

struct chart_legend {
    int visible;
    struct chart_rect box;
    double row_height;
    double text_limit;
};

struct chart_layout {
    struct chart_rect plot;
    struct chart_axis x;
    struct chart_axis y;
    struct chart_legend legend;
};

void chart_compute_layout(const struct cw_chart *chart, cairo_t *cr, struct chart_layout *layout);
double chart_x_to_device(const struct chart_layout *layout, double x);
double chart_y_to_device(const struct chart_layout *layout, double y);

/* Name of category index on a bar axis: the first bar series of that kind that names it. */
const char *chart_category_name(const struct cw_chart *chart, enum chart_series_kind kind,
                                size_t index);

/* Bars of several series share each category slot side by side: where this series sits. */
void chart_bar_group(const struct cw_chart *chart, size_t series_index, size_t *group_index,
                     size_t *group_size);

/* Device rectangle of bar (or histogram bin) index; 0 when the value cannot be drawn. */
int chart_bar_rectangle(const struct chart_layout *layout, const struct chart_series *series,
                        size_t index, size_t group_index, size_t group_size,
                        struct chart_rect *rect);

/* Legend (chart_legend.c): measured before the plot area is placed, since an outside
 * legend takes room from it, and placed after, since "best" looks at the data. */
void chart_measure_legend(const struct cw_chart *chart, cairo_t *cr, struct chart_legend *legend);
void chart_place_legend(const struct cw_chart *chart, struct chart_layout *layout);
void chart_draw_legend(const struct cw_chart *chart, cairo_t *cr,
                       const struct chart_layout *layout);

/* Drawing (chart_draw.c) -------------------------------------------------------------- */

#define CHART_TEXT_COLOR 0x262626
#define CHART_LEGEND_BORDER_COLOR 0xCCCCCC
#define CHART_LINE_WIDTH 1.75
#define CHART_SEGMENT_WIDTH 2.0
#define CHART_LEGEND_SQUARE 10.0

enum chart_horizontal_anchor { CHART_ANCHOR_LEFT, CHART_ANCHOR_CENTER, CHART_ANCHOR_RIGHT };
enum chart_vertical_anchor { CHART_ANCHOR_TOP, CHART_ANCHOR_MIDDLE, CHART_ANCHOR_BOTTOM };

void chart_set_color(cairo_t *cr, unsigned rgb, double alpha);
double chart_snap_to_pixel_center(double coordinate);
/* Anchors are on the text's own box (advance width by ascent + descent), before rotation
 * about the anchor point. */
void chart_draw_text(cairo_t *cr, const char *text, double x, double y, double angle,
                     enum chart_horizontal_anchor horizontal, enum chart_vertical_anchor vertical);
/* dash_offset: how far along the pattern the next stroke starts. */
void chart_set_line_style(cairo_t *cr, enum cw_line_style style, double dash_offset);
/* Adds one marker to the path; chart_paint_markers then paints all of them at once. */
void chart_trace_marker(cairo_t *cr, enum cw_marker marker, double x, double y);
void chart_paint_markers(cairo_t *cr, enum cw_marker marker, unsigned rgb);
/* Several histograms on one chart are half transparent so each stays visible. */
double chart_histogram_alpha(const struct cw_chart *chart);

/* Draws the whole chart onto cr, whose surface is chart->width x chart->height. */
void chart_render(const struct cw_chart *chart, cairo_t *cr);

#endif
