/*
 * plot.h -- the pictures of `gmix plot`, drawn with cairo: what the files
 * of cli/plot/ share. Only the gmix command links cairo; libgmix does not.
 *
 *   canvas.c     the output surface (PNG, SVG or PDF by extension), text,
 *                and the atomic write of the finished file
 *   axes.c       data-to-pixel mapping, nice ticks, the frame and labels
 *   palette.c    component colours and marker shapes
 *   legend.c     the legend, drawn beside the panels
 *   marginal.c   the model's parameters read once: covariance entries,
 *                2-D and 1-D marginal models, labels and uncertainty
 *   scatter.c    one scatter panel: points (drawn or binned), ellipses,
 *                means
 *   density.c    the log-density shading of a panel
 *   histogram.c  a histogram panel with the mixture and component curves
 *   figure.c     the model figure: one panel, a histogram, or a matrix
 *   bic_table.c  reading the table of `gmix select --table`
 *   bic.c        the criterion against K, one line per covariance type
 */
#ifndef GMIX_CLI_PLOT_H
#define GMIX_CLI_PLOT_H

#include <cairo.h>

#include "../common.h"

/* Pi, for arcs and rotations (M_PI is not ISO C). */
#define PLOT_PI 3.14159265358979323846

/* ---- settings (cli/plot.c fills them from the command line) */

typedef enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF } plot_format;

/* Defaults of the options, documented in the manual page. */
#define PLOT_DEFAULT_WIDTH 860
#define PLOT_DEFAULT_HEIGHT 600
#define PLOT_DEFAULT_MATRIX_WIDTH 1200 /* a matrix and its legend */
#define PLOT_DEFAULT_MATRIX_HEIGHT 980
#define PLOT_DEFAULT_MAX_POINTS 20000
#define PLOT_DEFAULT_BIN_SIZE 3
#define PLOT_DEFAULT_LEVELS 10
#define PLOT_DEFAULT_MAX_DIMS 6
#define PLOT_MAX_SIZE 20000 /* pixels or points, each side */
#define PLOT_MAX_LEVELS 100

typedef struct plot_settings {
  plot_format format;
  double width, height;  /* 0: the default of the figure */
  int density;           /* shade the log density */
  int uncertainty;       /* size points by 1 - max responsibility */
  size_t max_points;     /* draw up to this many points, else bin them */
  double bin_size;       /* side of a bin, pixels */
  size_t bins;           /* histogram bins; 0: Rice's rule */
  size_t levels;         /* density bands */
  size_t max_dims;       /* dimensions of a matrix without --dims */
  const char *title;     /* NULL: made from the inputs */
  const char *criterion; /* BIC plot: the column drawn */
  size_t threads;
} plot_settings;

/* ---- canvas.c */

/* A panel's mapping from data to image coordinates, kept for the summary
 * the command prints. */
typedef struct plot_rect {
  double x, y, w, h;
} plot_rect;
typedef struct plot_range {
  double lo, hi;
} plot_range;
typedef struct plot_axes {
  plot_rect area; /* the plotting area, in pixels (or points)       */
  plot_range x, y;
  char xname[64], yname[64]; /* what the summary calls the two axes */
} plot_axes;

typedef struct plot_canvas {
  plot_format format;
  double width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  unsigned char *bytes; /* the encoded file, as cairo writes it */
  size_t len, cap;
  int nomem;
  plot_axes *panels; /* the panels drawn, for the summary */
  size_t n_panels, cap_panels;
} plot_canvas;

/* The format named by a path's extension (.png, .svg, .pdf, any case).
 * Returns 1 and sets *out, else 0. */
int plot_format_from_path(const char *path, plot_format *out);
/* "png", "svg", "pdf". */
const char *plot_format_name(plot_format f);

/* A white canvas of width x height pixels (PNG) or points (SVG, PDF).
 * Returns an exit code (message printed). */
int plot_canvas_open(plot_canvas *c, plot_format f, double width,
                     double height);
/* Remember a panel for plot_canvas_print_panels. Returns an exit code. */
int plot_canvas_add_panel(plot_canvas *c, const plot_axes *a);
/* Finish the drawing and write the file atomically. Returns an exit code
 * (message printed). */
int plot_canvas_save(plot_canvas *c, const char *path);
/* Print the file written and each panel's data ranges and their image
 * coordinates. */
void plot_canvas_print_panels(const plot_canvas *c, const char *path, FILE *f);
void plot_canvas_close(plot_canvas *c);

/* The darkest shade of the density bands (red, green, blue), a neutral
 * grey on which every component colour stays visible. */
#define PLOT_SHADE_DARK 0.62, 0.65, 0.70

/* Release the font caches cairo and fontconfig keep for the life of the
 * process, once every canvas is closed, so that a leak checker sees
 * what the command itself leaves. */
void plot_release_fonts(void);

/* The typeface of every text, from fonts-dejavu-core. */
#define PLOT_FONT "DejaVu Sans"

/* Draw s with its anchor point (ax, ay) in 0..1 of its box (0,0 top left,
 * 0.5,0.5 centre) at (x, y); rotated a quarter turn counter-clockwise
 * when `vertical`. `bold` picks the bold face. */
void plot_text(cairo_t *cr, double x, double y, double size, double ax,
               double ay, int vertical, int bold, const char *s);
/* The advance width of s at this size. */
double plot_text_width(cairo_t *cr, double size, int bold, const char *s);

/* ---- axes.c */

/* Image coordinates of data values. */
double plot_px(const plot_axes *a, double v);
double plot_py(const plot_axes *a, double v);
/* Data values of image coordinates. */
double plot_data_x(const plot_axes *a, double px);
double plot_data_y(const plot_axes *a, double py);

/* Widen r by `frac` of its width on each side; an empty range (lo = hi)
 * becomes one unit wide around its value. */
void plot_range_pad(plot_range *r, double frac);
/* Extend r to hold v. */
void plot_range_add(plot_range *r, double v);
/* The empty range, which plot_range_add grows. */
plot_range plot_range_empty(void);

/* Which tick labels and axis names a panel shows. */
enum {
  PLOT_AXIS_X_TICKS = 1,
  PLOT_AXIS_Y_TICKS = 2,
  PLOT_AXIS_X_NAME = 4,
  PLOT_AXIS_Y_NAME = 8,
  PLOT_AXIS_INTEGER_X = 16, /* x ticks only at whole numbers */
  PLOT_AXIS_ALL = 15
};
/* The space around a panel that its tick labels and names need. */
#define PLOT_TICK_FONT 12.0
#define PLOT_NAME_FONT 14.0
#define PLOT_MARGIN_LEFT 74.0
#define PLOT_MARGIN_BOTTOM 54.0

/* Draw the background grid lines of a panel, under the data. */
void plot_axes_grid(cairo_t *cr, const plot_axes *a, unsigned flags);
/* Draw the frame, ticks, tick labels and axis names of a panel, over the
 * data. */
void plot_axes_frame(cairo_t *cr, const plot_axes *a, unsigned flags,
                     const char *xname, const char *yname);
/* Clip drawing to the panel's area (cairo_save first; cairo_restore
 * ends it). */
void plot_axes_clip(cairo_t *cr, const plot_axes *a);

/* ---- palette.c */

/* Colours of components 0, 1, ...: 20 distinct ones for readers with
 * normal and with deficient colour vision, then repeating (the marker
 * shape still differs). */
#define PLOT_N_COLOURS 20
void plot_colour(size_t k, double rgb[3]);
void plot_set_colour(cairo_t *cr, size_t k, double alpha);
/* Add the marker of component k, of radius r, centred at (x, y), to the
 * current path (a circle, square, triangle or diamond). */
void plot_marker(cairo_t *cr, size_t k, double x, double y, double r);
/* The mark of a component mean: a black diamond edged in white. */
void plot_mean_mark(cairo_t *cr, double x, double y, double r);

/* ---- legend.c */

typedef enum plot_legend_kind {
  PLOT_LEGEND_COMPONENT, /* marker in the component's colour   */
  PLOT_LEGEND_LINE,      /* a line in the component's colour   */
  PLOT_LEGEND_SOLID,     /* a solid grey line (1 sigma)         */
  PLOT_LEGEND_DASHED,    /* a dashed grey line (2 sigma)        */
  PLOT_LEGEND_MEAN,      /* the mean mark                      */
  PLOT_LEGEND_BEST,      /* a black ring (the best cell)       */
  PLOT_LEGEND_UNCERTAIN, /* a grey point of uncertainty class comp */
  PLOT_LEGEND_SHADE,     /* a density shade swatch             */
  PLOT_LEGEND_NOTE,      /* text only                          */
  PLOT_LEGEND_HEADING    /* bold text                          */
} plot_legend_kind;

#define PLOT_LEGEND_TEXT 96
#define PLOT_LEGEND_MAX 48

typedef struct plot_legend {
  struct {
    plot_legend_kind kind;
    size_t comp;
    char text[PLOT_LEGEND_TEXT];
  } items[PLOT_LEGEND_MAX];
  size_t n;
} plot_legend;

/* Add an entry (ignored beyond PLOT_LEGEND_MAX). */
void plot_legend_add(plot_legend *l, plot_legend_kind kind, size_t comp,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The width and height the legend takes. */
double plot_legend_width(cairo_t *cr, const plot_legend *l);
double plot_legend_height(const plot_legend *l);
/* Draw it with its top left corner at (x, y). */
void plot_legend_draw(cairo_t *cr, const plot_legend *l, double x, double y);

/* ---- marginal.c */

/* A model's parameters, copied out once, and what the data say about it. */
typedef struct plot_model {
  const gmix_model *m;
  size_t k, d;
  double *weights, *means, *cov; /* cov in the shape the model gives */
  size_t cov_rank;   /* 2: d x d matrices, 1: d variances, 0: one value */
  int per_component; /* covariances indexed by component first */
} plot_model;

int plot_model_read(plot_model *pm, const gmix_model *m);
void plot_model_free(plot_model *pm);
/* Entry (a, b) of component k's covariance. */
double plot_model_cov(const plot_model *pm, size_t k, size_t a, size_t b);
/* The mixture's marginal over the nd features dims[] (full covariances):
 * of every component, or of component `comp` alone (weight 1) when comp <
 * k. Marginals of Gaussians are exact. Returns an exit code. */
int plot_marginal(const plot_model *pm, const size_t *dims, size_t nd,
                  size_t comp, gmix_model **out);

/* log p(x_i) of the rows x[n][d] under `m` into out[n] (the public
 * gmix_score_samples; its error printed). Returns an exit code. */
int plot_log_density(const gmix_model *m, const double *x, size_t n, size_t d,
                     size_t threads, double *out);

/* The data as drawn: rows, their weights, the most probable component
 * and the uncertainty 1 - max responsibility of each row, and a name per
 * feature. */
typedef struct plot_data {
  const double *x;
  size_t n, d;
  const double *w; /* NULL: every row weighs 1 */
  size_t *labels;
  double *uncertainty;
  /* The uncertainty quantiles PLOT_UNCERTAIN_Q1 and _Q2 over the rows of
   * positive weight: the class limits of --uncertainty. */
  double uncertainty_q[2];
  char **names;
} plot_data;

/* --uncertainty draws rows in three sizes, as mclust's uncertainty plot:
 * up to the Q1 quantile of the uncertainty, up to Q2, and above. */
#define PLOT_UNCERTAIN_Q1 0.75
#define PLOT_UNCERTAIN_Q2 0.95
/* The point radius (pixels) of each class. */
#define PLOT_UNCERTAIN_RADII                                                   \
  { 1.4, 3.0, 5.0 }

/* Classify the rows of x (labels, uncertainty and its quantiles) under
 * pm. Returns an exit code. */
int plot_data_classify(plot_data *pd, const plot_model *pm, size_t threads);
void plot_data_free(plot_data *pd);

/* ---- scatter.c, density.c, histogram.c */

/* What a panel draws: the data, the model and the settings. */
typedef struct plot_scene {
  const plot_data *data;
  const plot_model *model;
  const plot_settings *set;
  plot_range *ranges; /* per feature, padded */
} plot_scene;

/* Does the scene bin its points instead of drawing each? */
int plot_scene_binned(const plot_scene *s);

/* Scatter panel of features i (x) and j (y). Returns an exit code. */
int plot_scatter_panel(plot_canvas *c, const plot_scene *s, const plot_axes *a,
                       size_t i, size_t j);
/* Shade the log density of the marginal over (i, j) under the panel,
 * `levels` bands of equal width from the lowest density at a data row to
 * the highest in the panel. Returns an exit code. */
int plot_density_panel(plot_canvas *c, const plot_scene *s, const plot_axes *a,
                       size_t i, size_t j);
/* Histogram panel of feature i with the mixture's marginal density and
 * each weighted component's curve. The y range of `a` is chosen here.
 * The grid under it follows `grid` (NULL: a). With `marks`, the means are
 * marked on their component's curve. Returns an exit code. */
int plot_histogram_panel(plot_canvas *c, const plot_scene *s, plot_axes *a,
                         size_t i, const plot_axes *grid, int marks);
/* The number of histogram bins: the setting, else Rice's rule
 * ceil(2 n^(1/3)). */
size_t plot_histogram_bins(const plot_settings *set, size_t n);

/* ---- figure.c, bic.c */

/* The model figure of `dims` (nd of them: 1 a histogram, 2 a scatter
 * panel, more a matrix) to `path`. Returns an exit code. */
int plot_model_figure(const plot_settings *set, const plot_model *pm,
                      const plot_data *pd, const size_t *dims, size_t nd,
                      const char *title, const char *path);

/* The table of `gmix select --table`: the criterion of each (covariance
 * type, K) cell, NaN where it failed. */
typedef struct bic_table {
  size_t n_types, n_cells;
  char **types; /* in order of first appearance */
  size_t *type; /* per cell: index into types */
  double *k, *value;
} bic_table;

/* Read the table at `path`, the column named `criterion`. Returns an exit
 * code (message naming the file and line printed). */
int bic_table_read(const char *path, const char *criterion, bic_table *t);
void bic_table_free(bic_table *t);

/* The index of a criterion column the BIC plot knows (bic, aic, icl,
 * bic_mclust), or -1. */
int plot_bic_criterion(const char *name);

/* The criterion against K to `path`. Returns an exit code. */
int plot_bic_figure(const plot_settings *set, const bic_table *t,
                    const char *title, const char *path);

#endif /* GMIX_CLI_PLOT_H */
