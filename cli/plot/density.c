/*
 * density.c -- the log density of the mixture's marginal over two
 * features, shaded under a panel as filled contours.
 *
 * The density is evaluated once per pixel (gmix_score_samples on the
 * exact marginal mixture, so the other features are integrated out, not
 * fixed), then cut into --levels bands of equal width in log density,
 * from the lowest density at a data row to the highest in the panel:
 * lighter is less likely, white is below every data row. A pixel whose
 * band differs from its right or lower neighbour's is darkened, which
 * draws the contour lines between bands.
 */
#include "plot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Darkening of the contour pixels (a factor on the band's colour). */
#define CONTOUR_DARKEN 0.82

/* The band colour of band b of `levels` (0 = lightest). */
static void band_colour(size_t b, size_t levels, double rgb[3]) {
  static const double dark[3] = {PLOT_SHADE_DARK};
  double t = (double)(b + 1) / (double)levels;
  for (int c = 0; c < 3; c++)
    rgb[c] = 1 - t * (1 - dark[c]);
}

/* The lowest log density at a data row of positive weight. */
static int lowest_at_rows(const gmix_model *marg, const plot_scene *s, size_t i,
                          size_t j, double *lowest) {
  const plot_data *pd = s->data;
  double *xy = NULL, *lp = NULL;
  if (pd->n <= SIZE_MAX / 2 / sizeof(double)) {
    xy = malloc((pd->n ? pd->n : 1) * 2 * sizeof *xy);
    lp = malloc((pd->n ? pd->n : 1) * sizeof *lp);
  }
  if (!xy || !lp) {
    free(xy);
    free(lp);
    cli_error("out of memory for the density at %zu rows", pd->n);
    return EXIT_DATA;
  }
  for (size_t r = 0; r < pd->n; r++) {
    xy[2 * r] = pd->x[r * pd->d + i];
    xy[2 * r + 1] = pd->x[r * pd->d + j];
  }
  int rc = plot_log_density(marg, xy, pd->n, 2, s->set->threads, lp);
  *lowest = INFINITY;
  for (size_t r = 0; rc == EXIT_OK && r < pd->n; r++)
    if ((!pd->w || pd->w[r] > 0) && lp[r] < *lowest)
      *lowest = lp[r];
  free(xy);
  free(lp);
  return rc;
}

/* Paint the bands of the values v[rows][cols] (log densities) between lo
 * and hi into the image. */
static void paint(cairo_surface_t *img, const double *v, size_t cols,
                  size_t rows, double lo, double hi, size_t levels) {
  cairo_surface_flush(img);
  unsigned char *pix = cairo_image_surface_get_data(img);
  size_t stride = (size_t)cairo_image_surface_get_stride(img);
  double width = hi > lo ? hi - lo : 1;
#define BAND(q)                                                                \
  (v[q] < lo ? -1                                                              \
             : (long)fmin((double)levels - 1,                                  \
                          floor((v[q] - lo) / width * (double)levels)))
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) {
      size_t q = r * cols + c;
      long b = BAND(q);
      int edge = (c + 1 < cols && BAND(q + 1) != b) ||
                 (r + 1 < rows && BAND(q + cols) != b);
      double rgb[3] = {1, 1, 1};
      if (b >= 0)
        band_colour((size_t)b, levels, rgb);
      double f = edge ? CONTOUR_DARKEN : 1;
      uint32_t *p = (uint32_t *)(pix + r * stride) + c;
      *p = 0xFFu << 24 | (uint32_t)lround(rgb[0] * f * 255) << 16 |
           (uint32_t)lround(rgb[1] * f * 255) << 8 |
           (uint32_t)lround(rgb[2] * f * 255);
    }
#undef BAND
  cairo_surface_mark_dirty(img);
}

int plot_density_panel(plot_canvas *c, const plot_scene *s, const plot_axes *a,
                       size_t i, size_t j) {
  size_t cols = (size_t)lround(a->area.w), rows = (size_t)lround(a->area.h);
  size_t n = cols * rows;
  if (n == 0)
    return EXIT_OK;
  size_t dims[2] = {i, j};
  gmix_model *marg = NULL;
  int rc = plot_marginal(s->model, dims, 2, s->model->k, &marg);
  if (rc != EXIT_OK)
    return rc;
  double lo;
  if ((rc = lowest_at_rows(marg, s, i, j, &lo)) != EXIT_OK) {
    gmix_model_free(marg);
    return rc;
  }
  double *xy = malloc(n * 2 * sizeof *xy), *lp = malloc(n * sizeof *lp);
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)cols, (int)rows);
  if (!xy || !lp || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cli_error("out of memory for the density at %zu x %zu pixels", cols, rows);
    rc = EXIT_DATA;
    goto done;
  }
  for (size_t r = 0; r < rows; r++)
    for (size_t q = 0; q < cols; q++) {
      xy[2 * (r * cols + q)] = plot_data_x(a, a->area.x + (double)q + 0.5);
      xy[2 * (r * cols + q) + 1] = plot_data_y(a, a->area.y + (double)r + 0.5);
    }
  if ((rc = plot_log_density(marg, xy, n, 2, s->set->threads, lp)) != EXIT_OK)
    goto done;
  double hi = -INFINITY;
  for (size_t q = 0; q < n; q++)
    hi = fmax(hi, lp[q]);
  if (!(lo < hi)) /* every row is at the panel's peak: one band */
    lo = hi - 1;
  paint(img, lp, cols, rows, lo, hi, s->set->levels);
  cairo_save(c->cr);
  cairo_set_source_surface(c->cr, img, a->area.x, a->area.y);
  cairo_pattern_set_filter(cairo_get_source(c->cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle(c->cr, a->area.x, a->area.y, (double)cols, (double)rows);
  cairo_fill(c->cr);
  cairo_restore(c->cr);
done:
  cairo_surface_destroy(img);
  free(xy);
  free(lp);
  gmix_model_free(marg);
  return rc;
}
