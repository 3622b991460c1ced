/*
 * scatter.c -- a scatter panel of two features: the rows coloured (and
 * shaped) by their most probable component, or binned when there are
 * many; each component's 1-sigma and 2-sigma ellipses of its marginal over
 * the two features; and the means.
 */
#include "plot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Point radius (pixels): plain, many points (over MANY_POINTS) and over
 * a density shade; PLOT_UNCERTAIN_RADII for --uncertainty. */
#define POINT_RADIUS 3.0
#define MANY_POINTS 2000
#define SMALL_POINT_RADIUS 2.2
#define SHADED_POINT_RADIUS 2.0
#define POINT_ALPHA 0.75
/* A binned cell's opacity: from MIN_BIN_ALPHA for the lightest to 1 for
 * the heaviest, on a log scale of the weight it holds. */
#define MIN_BIN_ALPHA 0.25
/* Ellipses: line widths of the 1- and 2-sigma ellipses and the dashes of
 * the second; the radius of the mean marks. */
#define ELLIPSE_1_WIDTH 2.0
#define ELLIPSE_2_WIDTH 1.5
#define MEAN_RADIUS 5.5
/* Over binned rows, which take the component colours themselves, the
 * ellipses are drawn darker (a factor on the colour). */
#define BINNED_ELLIPSE_DARKEN 0.45

int plot_scene_binned(const plot_scene *s) {
  return s->data->n > s->set->max_points;
}

/* 1 - 1/K, the largest uncertainty a row can have (at least a tiny
 * positive number, for K = 1). */
static double max_uncertainty(const plot_scene *s) {
  double u = 1 - 1.0 / (double)s->model->k;
  return u > 0 ? u : 1;
}

static double radius(const plot_scene *s, size_t row) {
  if (s->set->uncertainty) {
    static const double radii[] = PLOT_UNCERTAIN_RADII;
    double u = s->data->uncertainty[row];
    const double *q = s->data->uncertainty_q;
    return radii[u <= q[0] ? 0 : u <= q[1] ? 1 : 2];
  }
  if (s->set->density)
    return SHADED_POINT_RADIUS;
  return s->data->n > MANY_POINTS ? SMALL_POINT_RADIUS : POINT_RADIUS;
}

/* Every row of positive weight, one path and fill per component. */
static void draw_points(cairo_t *cr, const plot_scene *s, const plot_axes *a,
                        size_t i, size_t j) {
  const plot_data *pd = s->data;
  for (size_t k = 0; k < s->model->k; k++) {
    for (size_t r = 0; r < pd->n; r++) {
      if (pd->labels[r] != k || (pd->w && !(pd->w[r] > 0)))
        continue;
      const double *x = pd->x + r * pd->d;
      plot_marker(cr, k, plot_px(a, x[i]), plot_py(a, x[j]), radius(s, r));
    }
    plot_set_colour(cr, k, POINT_ALPHA);
    cairo_fill(cr);
  }
}

/* Rows binned into square cells of --bin-size pixels: a cell takes the
 * colour of the component holding most of its weight, and an opacity that
 * grows with the log of its weight (with --uncertainty: with the mean
 * uncertainty of its rows). */
static int draw_bins(cairo_t *cr, const plot_scene *s, const plot_axes *a,
                     size_t i, size_t j) {
  const plot_data *pd = s->data;
  double bs = s->set->bin_size;
  size_t cols = (size_t)ceil(a->area.w / bs);
  size_t rows = (size_t)ceil(a->area.h / bs);
  size_t k = s->model->k, cells = cols * rows;
  if (cells == 0)
    return EXIT_OK;
  /* per cell: the weight of each component, then the total and the
   * weighted uncertainty */
  size_t per = k + 2;
  double *mass = NULL;
  if (per <= SIZE_MAX / sizeof(double) / cells)
    mass = calloc(cells * per, sizeof *mass);
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)cols, (int)rows);
  if (!mass || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    free(mass);
    cairo_surface_destroy(img);
    cli_error("out of memory for %zu x %zu bins", cols, rows);
    return EXIT_DATA;
  }
  double top = 0;
  for (size_t r = 0; r < pd->n; r++) {
    const double *x = pd->x + r * pd->d;
    double cx = (plot_px(a, x[i]) - a->area.x) / bs;
    double cy = (plot_py(a, x[j]) - a->area.y) / bs;
    double w = pd->w ? pd->w[r] : 1;
    if (!(cx >= 0 && cy >= 0 && cx < (double)cols && cy < (double)rows) ||
        !(w > 0))
      continue;
    double *m = mass + ((size_t)cy * cols + (size_t)cx) * per;
    m[pd->labels[r]] += w;
    m[k] += w;
    m[k + 1] += w * pd->uncertainty[r];
    if (m[k] > top)
      top = m[k];
  }
  cairo_surface_flush(img);
  unsigned char *pix = cairo_image_surface_get_data(img);
  size_t stride = (size_t)cairo_image_surface_get_stride(img);
  for (size_t c = 0; c < cells; c++) {
    const double *m = mass + c * per;
    uint32_t *p = (uint32_t *)(pix + (c / cols) * stride) + c % cols;
    *p = 0;
    if (!(m[k] > 0))
      continue;
    size_t best = 0;
    for (size_t q = 1; q < k; q++)
      if (m[q] > m[best])
        best = q;
    double shade = s->set->uncertainty ? m[k + 1] / m[k] / max_uncertainty(s)
                                       : log1p(m[k]) / log1p(top);
    double alpha = MIN_BIN_ALPHA + (1 - MIN_BIN_ALPHA) * shade, rgb[3];
    plot_colour(best, rgb);
    /* cairo's ARGB32 is premultiplied */
    *p = (uint32_t)lround(alpha * 255) << 24 |
         (uint32_t)lround(rgb[0] * alpha * 255) << 16 |
         (uint32_t)lround(rgb[1] * alpha * 255) << 8 |
         (uint32_t)lround(rgb[2] * alpha * 255);
  }
  free(mass);
  cairo_surface_mark_dirty(img);
  cairo_save(cr);
  cairo_translate(cr, a->area.x, a->area.y);
  cairo_scale(cr, bs, bs);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);
  return EXIT_OK;
}

/* The ellipse {mu + r L u : |u| = 1} of component k in features (i, j),
 * L the Cholesky factor of its 2 x 2 marginal covariance, as a path: the
 * unit circle under the map from u to image coordinates. The path is
 * kept in image coordinates, so the stroke width is not distorted. */
static void ellipse(cairo_t *cr, const plot_scene *s, const plot_axes *a,
                    size_t k, size_t i, size_t j, double r) {
  const plot_model *pm = s->model;
  double sii = plot_model_cov(pm, k, i, i), sij = plot_model_cov(pm, k, i, j),
         sjj = plot_model_cov(pm, k, j, j);
  double l11 = sqrt(sii), l21 = sij / l11, l22 = sqrt(sjj - l21 * l21);
  double sx = a->area.w / (a->x.hi - a->x.lo),
         sy = a->area.h / (a->y.hi - a->y.lo);
  cairo_matrix_t m;
  cairo_matrix_init(&m, sx * l11, -sy * l21, 0, -sy * l22,
                    plot_px(a, pm->means[k * pm->d + i]),
                    plot_py(a, pm->means[k * pm->d + j]));
  double det = sx * l11 * sy * l22;
  if (!isfinite(det) || !(det > 0) || !isfinite(m.yx))
    return; /* a covariance too thin to draw at this scale */
  cairo_save(cr);
  cairo_transform(cr, &m);
  cairo_new_path(cr);
  cairo_arc(cr, 0, 0, r, 0, 2 * PLOT_PI);
  cairo_close_path(cr);
  cairo_restore(cr);
}

static void draw_ellipses(cairo_t *cr, const plot_scene *s, const plot_axes *a,
                          size_t i, size_t j) {
  static const double dash[] = {6, 4};
  for (size_t k = 0; k < s->model->k; k++)
    for (int level = 1; level <= 2; level++) {
      ellipse(cr, s, a, k, i, j, level);
      double rgb[3], f = plot_scene_binned(s) ? BINNED_ELLIPSE_DARKEN : 1;
      plot_colour(k, rgb);
      cairo_set_source_rgb(cr, rgb[0] * f, rgb[1] * f, rgb[2] * f);
      cairo_set_line_width(cr, level == 1 ? ELLIPSE_1_WIDTH : ELLIPSE_2_WIDTH);
      cairo_set_dash(cr, dash, level == 1 ? 0 : 2, 0);
      cairo_stroke(cr);
    }
  cairo_set_dash(cr, NULL, 0, 0);
}

int plot_scatter_panel(plot_canvas *c, const plot_scene *s, const plot_axes *a,
                       size_t i, size_t j) {
  cairo_t *cr = c->cr;
  int rc = EXIT_OK;
  cairo_save(cr);
  plot_axes_clip(cr, a);
  if (plot_scene_binned(s))
    rc = draw_bins(cr, s, a, i, j);
  else
    draw_points(cr, s, a, i, j);
  draw_ellipses(cr, s, a, i, j);
  for (size_t k = 0; k < s->model->k; k++)
    plot_mean_mark(cr, plot_px(a, s->model->means[k * s->model->d + i]),
                   plot_py(a, s->model->means[k * s->model->d + j]),
                   MEAN_RADIUS);
  cairo_restore(cr);
  return rc;
}
