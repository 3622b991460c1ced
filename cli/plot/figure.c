/*
 * figure.c -- the picture of a model and its data: the layout of the
 * title, the panels and the legend, and which panel goes where.
 *
 *   one feature     a histogram with the density curves
 *   two features    one scatter panel
 *   more            a matrix: scatter panels of each pair, and on the
 *                   diagonal each feature's histogram and curves
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_FONT 16.0
#define TITLE_HEIGHT 40.0
#define OUTER_MARGIN 12.0 /* at the right and bottom edges            */
#define LEGEND_GAP 24.0   /* between the panels and the legend         */
#define MATRIX_GAP 8.0    /* between the panels of a matrix             */
#define RANGE_PAD 0.04    /* data ranges widened by this on each side  */
#define MAX_LEGEND_COMPONENTS 16 /* listed one by one; then "and N more" */
#define DIAGONAL_NAME_FONT 12.0

/* Each feature's range: its rows and the component means, padded. */
static plot_range *feature_ranges(const plot_data *pd, const plot_model *pm) {
  plot_range *r = calloc(pd->d, sizeof *r);
  if (!r) {
    cli_error("out of memory");
    return NULL;
  }
  for (size_t j = 0; j < pd->d; j++) {
    r[j] = plot_range_empty();
    for (size_t i = 0; i < pd->n; i++)
      plot_range_add(&r[j], pd->x[i * pd->d + j]);
    for (size_t k = 0; k < pm->k; k++)
      plot_range_add(&r[j], pm->means[k * pm->d + j]);
    plot_range_pad(&r[j], RANGE_PAD);
  }
  return r;
}

static void build_legend(plot_legend *l, const plot_scene *s, size_t nd) {
  const plot_model *pm = s->model;
  const plot_settings *set = s->set;
  plot_legend_add(l, PLOT_LEGEND_HEADING, 0, "Component (weight)");
  size_t shown =
      pm->k > MAX_LEGEND_COMPONENTS ? MAX_LEGEND_COMPONENTS - 1 : pm->k;
  for (size_t k = 0; k < shown; k++)
    plot_legend_add(l, nd == 1 ? PLOT_LEGEND_LINE : PLOT_LEGEND_COMPONENT, k,
                    "%zu  (%.3f)", k, pm->weights[k]);
  if (shown < pm->k)
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "and %zu more", pm->k - shown);
  plot_legend_add(l, PLOT_LEGEND_HEADING, 0, "Marks");
  plot_legend_add(l, PLOT_LEGEND_MEAN, 0, "mean");
  if (nd == 1) {
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "black: mixture density");
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "colour: weight x component");
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "grey bars: %zu-bin histogram",
                    plot_histogram_bins(set, s->data->n));
  } else {
    plot_legend_add(l, PLOT_LEGEND_SOLID, 0, "1\xcf\x83 ellipse");
    plot_legend_add(l, PLOT_LEGEND_DASHED, 0, "2\xcf\x83 ellipse");
    if (set->density) {
      plot_legend_add(l, PLOT_LEGEND_SHADE, 0, "log density, %zu bands",
                      set->levels);
      if (s->data->d > 2)
        plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "of the 2-D marginal (exact:");
      if (s->data->d > 2)
        plot_legend_add(l, PLOT_LEGEND_NOTE, 0,
                        "other features integrated out)");
    }
    if (nd > 2)
      plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "diagonal: histogram, density");
  }
  if (nd > 1 && plot_scene_binned(s)) {
    plot_legend_add(l, PLOT_LEGEND_HEADING, 0, "%zu rows binned", s->data->n);
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "in %g-pixel cells, coloured by",
                    set->bin_size);
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "the heaviest component;");
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0,
                    set->uncertainty ? "darker: more uncertain"
                                     : "darker: more weight (log)");
  } else if (nd > 1 && set->uncertainty) {
    const double *q = s->data->uncertainty_q;
    plot_legend_add(l, PLOT_LEGEND_HEADING, 0, "Uncertainty");
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0,
                    "1 \xe2\x88\x92 max responsibility:");
    plot_legend_add(l, PLOT_LEGEND_UNCERTAIN, 0,
                    "\xe2\x89\xa4 %.2g (%.0f%% of rows)", q[0],
                    100 * PLOT_UNCERTAIN_Q1);
    plot_legend_add(l, PLOT_LEGEND_UNCERTAIN, 1,
                    "\xe2\x89\xa4 %.2g (next %.0f%%)", q[1],
                    100 * (PLOT_UNCERTAIN_Q2 - PLOT_UNCERTAIN_Q1));
    plot_legend_add(l, PLOT_LEGEND_UNCERTAIN, 2, "> %.2g (top %.0f%%)", q[1],
                    100 * (1 - PLOT_UNCERTAIN_Q2));
  }
  if (s->data->w)
    plot_legend_add(l, PLOT_LEGEND_NOTE, 0, "rows weighted");
}

/* Draw the title centred at the top. */
static void draw_title(cairo_t *cr, double width, const char *title) {
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  plot_text(cr, width / 2, TITLE_HEIGHT / 2 + 2, TITLE_FONT, 0.5, 0.5, 0, 1,
            title);
}

/* A scatter panel of features (i, j), shaded first when asked. */
static int scatter(plot_canvas *c, const plot_scene *s, plot_axes *a, size_t i,
                   size_t j, unsigned flags) {
  int rc = EXIT_OK;
  if (s->set->density)
    rc = plot_density_panel(c, s, a, i, j);
  else
    plot_axes_grid(c->cr, a, flags);
  if (rc == EXIT_OK)
    rc = plot_scatter_panel(c, s, a, i, j);
  if (rc == EXIT_OK) {
    plot_axes_frame(c->cr, a, flags, s->data->names[i], s->data->names[j]);
    rc = plot_canvas_add_panel(c, a);
  }
  return rc;
}

/* The histogram panel of feature i. In a matrix its frame and grid show
 * the row's scale (that of feature i, as the scatter panels beside it),
 * not the density's, and its name is written inside. */
static int histogram(plot_canvas *c, const plot_scene *s, plot_axes *a,
                     size_t i, unsigned flags, int in_matrix) {
  plot_axes h = *a;
  snprintf(h.yname, sizeof h.yname, "density");
  int rc = plot_histogram_panel(c, s, &h, i, in_matrix ? a : NULL, !in_matrix);
  if (rc != EXIT_OK)
    return rc;
  const char *name = s->data->names[i];
  if (in_matrix) {
    plot_axes_frame(c->cr, a, flags, name, name);
    /* the name, on a white label so that no curve crosses it */
    double w = plot_text_width(c->cr, DIAGONAL_NAME_FONT, 1, name);
    cairo_rectangle(c->cr, a->area.x + 2, a->area.y + 2, w + 8,
                    DIAGONAL_NAME_FONT + 8);
    cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
    cairo_fill(c->cr);
    cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
    plot_text(c->cr, a->area.x + 6, a->area.y + 4, DIAGONAL_NAME_FONT, 0, 0, 0,
              1, name);
  } else {
    plot_axes_frame(c->cr, &h, flags, name, "density");
  }
  return plot_canvas_add_panel(c, &h);
}

static void name_axes(plot_axes *a, size_t i, size_t j) {
  snprintf(a->xname, sizeof a->xname, "%zu", i + 1);
  snprintf(a->yname, sizeof a->yname, "%zu", j + 1);
}

int plot_model_figure(const plot_settings *set, const plot_model *pm,
                      const plot_data *pd, const size_t *dims, size_t nd,
                      const char *title, const char *path) {
  plot_range *ranges = feature_ranges(pd, pm);
  if (!ranges)
    return EXIT_DATA;
  plot_scene s = {pd, pm, set, ranges};
  double width = set->width, height = set->height;
  if (width == 0) {
    width = nd > 2 ? PLOT_DEFAULT_MATRIX_WIDTH : PLOT_DEFAULT_WIDTH;
    height = nd > 2 ? PLOT_DEFAULT_MATRIX_HEIGHT : PLOT_DEFAULT_HEIGHT;
  }
  plot_canvas c;
  int rc = plot_canvas_open(&c, set->format, width, height);
  if (rc != EXIT_OK) {
    free(ranges);
    return rc;
  }
  plot_legend legend = {0};
  build_legend(&legend, &s, nd);
  double lw = plot_legend_width(c.cr, &legend);
  double left = round(PLOT_MARGIN_LEFT + OUTER_MARGIN);
  double right = round(width - OUTER_MARGIN - lw - LEGEND_GAP);
  double top = TITLE_HEIGHT;
  double bottom = round(height - PLOT_MARGIN_BOTTOM - OUTER_MARGIN);
  if (right - left < 40 || bottom - top < 40) {
    plot_canvas_close(&c);
    free(ranges);
    return cli_usage("plot",
                     "--size %.0fx%.0f leaves no room for the panels; make "
                     "it larger",
                     width, height);
  }
  draw_title(c.cr, width, title);
  cairo_set_source_rgb(c.cr, 0, 0, 0);
  plot_legend_draw(c.cr, &legend, right + LEGEND_GAP, top);

  if (nd <= 2) {
    plot_axes a;
    memset(&a, 0, sizeof a);
    a.area = (plot_rect){left, top, right - left, bottom - top};
    a.x = ranges[dims[0]];
    if (nd == 1) {
      name_axes(&a, dims[0], 0);
      rc = histogram(&c, &s, &a, dims[0], PLOT_AXIS_ALL, 0);
    } else {
      a.y = ranges[dims[1]];
      name_axes(&a, dims[0], dims[1]);
      rc = scatter(&c, &s, &a, dims[0], dims[1], PLOT_AXIS_ALL);
    }
  } else {
    double side = fmin((right - left - (double)(nd - 1) * MATRIX_GAP) / nd,
                       (bottom - top - (double)(nd - 1) * MATRIX_GAP) / nd);
    side = floor(side);
    for (size_t r = 0; r < nd && rc == EXIT_OK; r++)
      for (size_t q = 0; q < nd && rc == EXIT_OK; q++) {
        plot_axes a;
        memset(&a, 0, sizeof a);
        a.area = (plot_rect){left + (double)q * (side + MATRIX_GAP),
                             top + (double)r * (side + MATRIX_GAP), side, side};
        a.x = ranges[dims[q]];
        a.y = ranges[dims[r]];
        name_axes(&a, dims[q], dims[r]);
        unsigned flags =
            (r + 1 == nd ? PLOT_AXIS_X_TICKS | PLOT_AXIS_X_NAME : 0) |
            (q == 0 ? PLOT_AXIS_Y_TICKS | PLOT_AXIS_Y_NAME : 0);
        if (r == q)
          rc = histogram(&c, &s, &a, dims[q], flags, 1);
        else
          rc = scatter(&c, &s, &a, dims[q], dims[r], flags);
      }
  }
  if (rc == EXIT_OK)
    rc = plot_canvas_save(&c, path);
  if (rc == EXIT_OK)
    plot_canvas_print_panels(&c, path, stdout);
  plot_canvas_close(&c);
  free(ranges);
  return rc;
}
