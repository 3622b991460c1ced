/*
 * histogram.c -- one feature: a histogram of the rows (weighted, as a
 * density), the mixture's marginal density over it and each component's
 * weighted density curve, with the means marked on their curves.
 */
#include "plot.h"

#include <math.h>
#include <stdlib.h>

#define BAR_GREY 0.84
#define MIXTURE_WIDTH 3.0
#define COMPONENT_WIDTH 1.4
#define MEAN_RADIUS 5.5
/* Head room above the highest bar or curve, a fraction of it. */
#define TOP_MARGIN 0.06

size_t plot_histogram_bins(const plot_settings *set, size_t n) {
  if (set->bins)
    return set->bins;
  size_t b = (size_t)ceil(2 * cbrt((double)n));
  return b ? b : 1;
}

/* Weighted bin densities of feature i over [lo, hi], into h[bins]. */
static void bin_rows(const plot_data *pd, size_t i, double lo, double hi,
                     size_t bins, double *h) {
  double width = (hi - lo) / (double)bins, total = 0;
  for (size_t r = 0; r < pd->n; r++) {
    double w = pd->w ? pd->w[r] : 1, v = pd->x[r * pd->d + i];
    if (!(w > 0))
      continue;
    size_t b = (size_t)fmax(0, floor((v - lo) / width));
    h[b < bins ? b : bins - 1] += w;
    total += w;
  }
  for (size_t b = 0; b < bins; b++)
    h[b] = total > 0 ? h[b] / (total * width) : 0;
}

/* curves[(1 + k) x cols]: the mixture's density at the x of each pixel
 * column, then each component's weighted density; peaks[k]: each
 * component's weighted density at its mean. */
static int curves(const plot_scene *s, size_t i, const double *xs, size_t cols,
                  double *y, double *peaks) {
  const plot_model *pm = s->model;
  int rc = EXIT_OK;
  for (size_t k = 0; k <= pm->k && rc == EXIT_OK; k++) {
    /* k = 0 is the mixture; k > 0 component k - 1 */
    gmix_model *marg = NULL;
    size_t comp = k == 0 ? pm->k : k - 1;
    if ((rc = plot_marginal(pm, &i, 1, comp, &marg)) != EXIT_OK)
      break;
    double *row = y + k * cols;
    rc = plot_log_density(marg, xs, cols, 1, s->set->threads, row);
    double logw = k == 0 ? 0 : log(pm->weights[comp]);
    for (size_t q = 0; rc == EXIT_OK && q < cols; q++)
      row[q] = exp(row[q] + logw);
    if (rc == EXIT_OK && k > 0) {
      double mu = pm->means[comp * pm->d + i];
      rc = plot_log_density(marg, &mu, 1, 1, 1, &peaks[comp]);
      peaks[comp] = exp(peaks[comp] + logw);
    }
    gmix_model_free(marg);
  }
  return rc;
}

static void stroke_curve(cairo_t *cr, const plot_axes *a, const double *xs,
                         const double *y, size_t cols) {
  for (size_t q = 0; q < cols; q++) {
    if (q == 0)
      cairo_move_to(cr, plot_px(a, xs[q]), plot_py(a, y[q]));
    else
      cairo_line_to(cr, plot_px(a, xs[q]), plot_py(a, y[q]));
  }
  cairo_stroke(cr);
}

int plot_histogram_panel(plot_canvas *c, const plot_scene *s, plot_axes *a,
                         size_t i, const plot_axes *grid, int marks) {
  const plot_data *pd = s->data;
  const plot_model *pm = s->model;
  cairo_t *cr = c->cr;
  size_t bins = plot_histogram_bins(s->set, pd->n);
  size_t cols = (size_t)lround(a->area.w) + 1;
  plot_range data = plot_range_empty();
  for (size_t r = 0; r < pd->n; r++)
    plot_range_add(&data, pd->x[r * pd->d + i]);
  if (!(data.lo < data.hi))
    plot_range_pad(&data, 0);
  double *h = calloc(bins, sizeof *h), *xs = calloc(cols, sizeof *xs);
  double *y = NULL, *peaks = calloc(pm->k, sizeof *peaks);
  if (pm->k + 1 <= SIZE_MAX / sizeof(double) / cols)
    y = calloc((pm->k + 1) * cols, sizeof *y);
  int rc = EXIT_OK;
  if (!h || !xs || !y || !peaks) {
    cli_error("out of memory for a histogram of %zu bins", bins);
    rc = EXIT_DATA;
    goto done;
  }
  bin_rows(pd, i, data.lo, data.hi, bins, h);
  for (size_t q = 0; q < cols; q++)
    xs[q] = plot_data_x(a, a->area.x + (double)q);
  if ((rc = curves(s, i, xs, cols, y, peaks)) != EXIT_OK)
    goto done;
  double top = 0;
  for (size_t b = 0; b < bins; b++)
    top = fmax(top, h[b]);
  for (size_t q = 0; q < cols; q++)
    top = fmax(top, y[q]);
  a->y.lo = 0;
  a->y.hi = top > 0 ? top * (1 + TOP_MARGIN) : 1;

  plot_axes_grid(cr, grid ? grid : a, PLOT_AXIS_ALL);
  cairo_save(cr);
  plot_axes_clip(cr, a);
  double width = (data.hi - data.lo) / (double)bins;
  for (size_t b = 0; b < bins; b++) {
    double x0 = plot_px(a, data.lo + (double)b * width);
    double x1 = plot_px(a, data.lo + (double)(b + 1) * width);
    cairo_rectangle(cr, x0, plot_py(a, h[b]), x1 - x0,
                    plot_py(a, 0) - plot_py(a, h[b]));
  }
  cairo_set_source_rgb(cr, BAR_GREY, BAR_GREY, BAR_GREY);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 0.8);
  cairo_stroke(cr);
  /* The mixture first, so that a component's curve shows inside it where
   * the two coincide. */
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, MIXTURE_WIDTH);
  stroke_curve(cr, a, xs, y, cols);
  for (size_t k = 0; k < pm->k; k++) {
    plot_set_colour(cr, k, 1);
    cairo_set_line_width(cr, COMPONENT_WIDTH);
    stroke_curve(cr, a, xs, y + (k + 1) * cols, cols);
  }
  if (marks)
    for (size_t k = 0; k < pm->k; k++)
      plot_mean_mark(cr, plot_px(a, pm->means[k * pm->d + i]),
                     plot_py(a, peaks[k]), MEAN_RADIUS);
  cairo_restore(cr);
done:
  free(h);
  free(xs);
  free(y);
  free(peaks);
  return rc;
}
