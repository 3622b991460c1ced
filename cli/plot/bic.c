/*
 * bic.c -- the criterion of a model-selection sweep against the number
 * of components K: one line per covariance type named in the table, the
 * best cell circled. A failed cell leaves a gap in its line.
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_FONT 16.0
#define TITLE_HEIGHT 40.0
#define OUTER_MARGIN 12.0
#define LEGEND_GAP 24.0
#define Y_PAD 0.06 /* the criterion's range widened by this each side */
#define K_PAD 0.35 /* K's range widened by this many components      */
#define LINE_WIDTH 2.0
#define MARKER_RADIUS 4.5
#define BEST_RADIUS 10.0

/* The criteria a table holds, and which way is better. */
static const struct {
  const char *column, *axis;
  int higher_is_better;
} criteria[] = {
    {"bic", "BIC (lower is better)", 0},
    {"aic", "AIC (lower is better)", 0},
    {"icl", "ICL (lower is better)", 0},
    {"bic_mclust", "BIC, mclust's sign (higher is better)", 1},
};
#define N_CRITERIA (sizeof criteria / sizeof criteria[0])

int plot_bic_criterion(const char *name) {
  for (size_t i = 0; i < N_CRITERIA; i++)
    if (strcmp(criteria[i].column, name) == 0)
      return (int)i;
  return -1;
}

/* The cells of type `ty` in order of K (insertion sort of their indices;
 * a table holds tens of cells). Returns how many. */
static size_t cells_of(const bic_table *t, size_t ty, size_t *idx) {
  size_t n = 0;
  for (size_t c = 0; c < t->n_cells; c++) {
    if (t->type[c] != ty)
      continue;
    size_t at = n++;
    while (at > 0 && t->k[idx[at - 1]] > t->k[c]) {
      idx[at] = idx[at - 1];
      at--;
    }
    idx[at] = c;
  }
  return n;
}

static void draw_lines(cairo_t *cr, const bic_table *t, const plot_axes *a,
                       size_t *idx) {
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t ty = 0; ty < t->n_types; ty++) {
    size_t n = cells_of(t, ty, idx);
    int drawing = 0;
    for (size_t q = 0; q < n; q++) {
      size_t c = idx[q];
      if (isnan(t->value[c])) {
        drawing = 0;
        continue;
      }
      double x = plot_px(a, t->k[c]), y = plot_py(a, t->value[c]);
      if (drawing)
        cairo_line_to(cr, x, y);
      else
        cairo_move_to(cr, x, y);
      drawing = 1;
    }
    plot_set_colour(cr, ty, 1);
    cairo_set_line_width(cr, LINE_WIDTH);
    cairo_stroke(cr);
    for (size_t q = 0; q < n; q++)
      if (!isnan(t->value[idx[q]]))
        plot_marker(cr, ty, plot_px(a, t->k[idx[q]]),
                    plot_py(a, t->value[idx[q]]), MARKER_RADIUS);
    cairo_fill(cr);
  }
}

int plot_bic_figure(const plot_settings *set, const bic_table *t,
                    const char *title, const char *path) {
  int ci = plot_bic_criterion(set->criterion);
  if (ci < 0)
    return cli_usage("plot",
                     "--criterion must be bic, aic, icl or "
                     "bic_mclust, not '%s'",
                     set->criterion);
  plot_axes a;
  memset(&a, 0, sizeof a);
  a.x = plot_range_empty();
  a.y = plot_range_empty();
  size_t best = t->n_cells;
  for (size_t c = 0; c < t->n_cells; c++) {
    plot_range_add(&a.x, t->k[c]);
    if (isnan(t->value[c]))
      continue;
    plot_range_add(&a.y, t->value[c]);
    double v = criteria[ci].higher_is_better ? -t->value[c] : t->value[c];
    if (best == t->n_cells ||
        v < (criteria[ci].higher_is_better ? -t->value[best] : t->value[best]))
      best = c;
  }
  a.x.lo -= K_PAD;
  a.x.hi += K_PAD;
  plot_range_pad(&a.y, Y_PAD);
  snprintf(a.xname, sizeof a.xname, "k");
  snprintf(a.yname, sizeof a.yname, "%s", set->criterion);

  plot_legend legend = {0};
  plot_legend_add(&legend, PLOT_LEGEND_HEADING, 0, "Covariance");
  for (size_t ty = 0; ty < t->n_types && ty < PLOT_LEGEND_MAX - 4; ty++)
    plot_legend_add(&legend, PLOT_LEGEND_LINE, ty, "%s", t->types[ty]);
  if (best < t->n_cells) {
    plot_legend_add(&legend, PLOT_LEGEND_HEADING, 0, "Best");
    plot_legend_add(&legend, PLOT_LEGEND_BEST, 0, "%s, K = %.0f",
                    t->types[t->type[best]], t->k[best]);
    plot_legend_add(&legend, PLOT_LEGEND_NOTE, 0, "%s = %.6g", set->criterion,
                    t->value[best]);
  } else {
    plot_legend_add(&legend, PLOT_LEGEND_NOTE, 0, "every cell failed");
  }

  double width = set->width ? set->width : PLOT_DEFAULT_WIDTH;
  double height = set->height ? set->height : PLOT_DEFAULT_HEIGHT;
  plot_canvas c;
  int rc = plot_canvas_open(&c, set->format, width, height);
  if (rc != EXIT_OK)
    return rc;
  double lw = plot_legend_width(c.cr, &legend);
  double left = round(PLOT_MARGIN_LEFT + OUTER_MARGIN + 16);
  double right = round(width - OUTER_MARGIN - lw - LEGEND_GAP);
  double bottom = round(height - PLOT_MARGIN_BOTTOM - OUTER_MARGIN);
  if (right - left < 40 || bottom - TITLE_HEIGHT < 40) {
    plot_canvas_close(&c);
    return cli_usage("plot",
                     "--size %.0fx%.0f leaves no room for the panel; make it "
                     "larger",
                     width, height);
  }
  a.area = (plot_rect){left, TITLE_HEIGHT, right - left, bottom - TITLE_HEIGHT};
  size_t *idx = malloc(t->n_cells * sizeof *idx);
  if (!idx) {
    plot_canvas_close(&c);
    cli_error("out of memory");
    return EXIT_DATA;
  }
  cairo_t *cr = c.cr;
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  plot_text(cr, width / 2, TITLE_HEIGHT / 2 + 2, TITLE_FONT, 0.5, 0.5, 0, 1,
            title);
  plot_legend_draw(cr, &legend, right + LEGEND_GAP, TITLE_HEIGHT);
  plot_axes_grid(cr, &a, PLOT_AXIS_INTEGER_X);
  cairo_save(cr);
  plot_axes_clip(cr, &a);
  draw_lines(cr, t, &a, idx);
  if (best < t->n_cells) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, plot_px(&a, t->k[best]), plot_py(&a, t->value[best]),
              BEST_RADIUS, 0, 2 * PLOT_PI);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  plot_axes_frame(cr, &a, PLOT_AXIS_ALL | PLOT_AXIS_INTEGER_X,
                  "number of components K", criteria[ci].axis);
  free(idx);
  rc = plot_canvas_add_panel(&c, &a);
  if (rc == EXIT_OK)
    rc = plot_canvas_save(&c, path);
  if (rc == EXIT_OK) {
    plot_canvas_print_panels(&c, path, stdout);
    if (best < t->n_cells)
      printf("best %s %.0f: %s %.17g\n", t->types[t->type[best]], t->k[best],
             set->criterion, t->value[best]);
  }
  plot_canvas_close(&c);
  return rc;
}
