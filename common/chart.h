/* chart.h: figures on cairo that every lab draws with, styled like seaborn's
 * "whitegrid" (light grey grid, no top/right spines, DejaVu Sans, muted palette).
 * A chart collects series, then lays itself out when written, so ranges and ticks
 * come from all the data at once. Output: PNG or SVG. */
#ifndef CW_CHART_H
#define CW_CHART_H

#include <stddef.h>

#include "error.h"

struct cw_chart;

/* Colours are 0xRRGGBB. CW_COLOR_AUTO takes the next colour of the palette
 * (seaborn "deep": 4C72B0 DD8452 55A868 C44E52 8172B3 937860 DA8BC3 8C8C8C CCB974 64B5CD). */
#define CW_COLOR_AUTO (-1)

enum cw_line_style { CW_LINE_SOLID, CW_LINE_DASHED, CW_LINE_DOTTED, CW_LINE_NONE };
enum cw_marker { CW_MARKER_NONE, CW_MARKER_DOT, CW_MARKER_CIRCLE, CW_MARKER_X, CW_MARKER_SQUARE };
enum cw_legend_place { CW_LEGEND_BEST, CW_LEGEND_UPPER_LEFT, CW_LEGEND_UPPER_RIGHT,
                       CW_LEGEND_LOWER_LEFT, CW_LEGEND_LOWER_RIGHT, CW_LEGEND_OUTSIDE_RIGHT };

/* A new empty chart of width x height pixels (PNG; SVG uses the same size in points).
 * Free with cw_chart_free. Returns NULL only when out of memory. */
struct cw_chart *cw_chart_new(int width, int height);
void cw_chart_free(struct cw_chart *chart);

void cw_chart_title(struct cw_chart *chart, const char *title);
void cw_chart_xlabel(struct cw_chart *chart, const char *label);
void cw_chart_ylabel(struct cw_chart *chart, const char *label);

/* Fixes an axis range; without it the range covers the data with a small margin
 * (bars and histograms start at 0) and is widened to nice tick values. */
void cw_chart_xlim(struct cw_chart *chart, double min, double max);
void cw_chart_ylim(struct cw_chart *chart, double min, double max);

/* x values are Unix epoch seconds (UTC): ticks and labels become dates or times,
 * chosen by the span (years, months, days, hours, minutes). */
void cw_chart_x_dates(struct cw_chart *chart);

/* Categorical bars, one per label, in the order given. Vertical bars have labels on
 * the x axis (rotated when they would overlap); horizontal bars list labels top to
 * bottom on the y axis. */
void cw_chart_bars(struct cw_chart *chart, const char *const *labels, const double *values,
                   size_t n, int color, const char *series_label);
void cw_chart_barh(struct cw_chart *chart, const char *const *labels, const double *values,
                   size_t n, int color, const char *series_label);

/* Histogram of n values into `bins` equal bins over [min, max] of the data (bins <= 0:
 * Sturges' rule). Several histograms on one chart are drawn half transparent. */
void cw_chart_histogram(struct cw_chart *chart, const double *values, size_t n, int bins,
                        int color, const char *series_label);

/* A line through (xs[i], ys[i]), with an optional marker at each point. NaN ys break
 * the line. style CW_LINE_NONE with a marker gives a scatter. */
void cw_chart_line(struct cw_chart *chart, const double *xs, const double *ys, size_t n,
                   int color, enum cw_line_style style, enum cw_marker marker,
                   const char *series_label);

/* Horizontal segments from (x0s[i], ys[i]) to (x1s[i], ys[i]): job timelines. */
void cw_chart_segments(struct cw_chart *chart, const double *x0s, const double *x1s,
                       const double *ys, size_t n, int color, const char *series_label);

/* Draws a legend of every series that has a label. */
void cw_chart_legend(struct cw_chart *chart, enum cw_legend_place place);

/* Writes the chart. Errors name the path. */
int cw_chart_write_png(struct cw_chart *chart, const char *path, struct cw_error *err);
int cw_chart_write_svg(struct cw_chart *chart, const char *path, struct cw_error *err);

/* Nice tick positions covering [min, max] with about `target` ticks (1, 2, 2.5, 5 x 10^k
 * steps). Fills at most max_ticks values into ticks and returns how many. Exposed for tests. */
size_t cw_chart_nice_ticks(double min, double max, int target, double *ticks, size_t max_ticks);

#endif
