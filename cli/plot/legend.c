/*
 * legend.c -- the key of a figure: one line per entry, a symbol then its
 * text, drawn beside the panels so that it never hides data.
 */
#include "plot.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#define LEGEND_FONT 12.0
#define LINE_HEIGHT 19.0
#define SYMBOL_WIDTH 26.0
#define SYMBOL_GAP 6.0
#define HEADING_GAP 6.0 /* extra space above a heading */

void plot_legend_add(plot_legend *l, plot_legend_kind kind, size_t comp,
                     const char *fmt, ...) {
  if (l->n >= PLOT_LEGEND_MAX)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->items[l->n].text, PLOT_LEGEND_TEXT, fmt, ap);
  va_end(ap);
  l->items[l->n].kind = kind;
  l->items[l->n].comp = comp;
  l->n++;
}

static int indented(plot_legend_kind kind) {
  return kind != PLOT_LEGEND_NOTE && kind != PLOT_LEGEND_HEADING;
}

double plot_legend_width(cairo_t *cr, const plot_legend *l) {
  double w = 0;
  for (size_t i = 0; i < l->n; i++) {
    plot_legend_kind kind = l->items[i].kind;
    double tw = plot_text_width(cr, LEGEND_FONT, kind == PLOT_LEGEND_HEADING,
                                l->items[i].text);
    if (indented(kind))
      tw += SYMBOL_WIDTH + SYMBOL_GAP;
    w = fmax(w, tw);
  }
  return w;
}

double plot_legend_height(const plot_legend *l) {
  double h = 0;
  for (size_t i = 0; i < l->n; i++)
    h += LINE_HEIGHT +
         (i > 0 && l->items[i].kind == PLOT_LEGEND_HEADING ? HEADING_GAP : 0);
  return h;
}

/* The symbol of an entry, centred vertically on y, from x. */
static void symbol(cairo_t *cr, plot_legend_kind kind, size_t comp, double x,
                   double y) {
  double mid = x + SYMBOL_WIDTH / 2;
  cairo_save(cr);
  switch (kind) {
  case PLOT_LEGEND_COMPONENT:
    plot_marker(cr, comp, mid, y, 4.5);
    plot_set_colour(cr, comp, 1);
    cairo_fill(cr);
    break;
  case PLOT_LEGEND_LINE:
    plot_set_colour(cr, comp, 1);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + SYMBOL_WIDTH, y);
    cairo_stroke(cr);
    plot_marker(cr, comp, mid, y, 4);
    cairo_fill(cr);
    break;
  case PLOT_LEGEND_SOLID:
  case PLOT_LEGEND_DASHED: {
    static const double dash[] = {5, 3};
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, kind == PLOT_LEGEND_SOLID ? 2 : 1.5);
    if (kind == PLOT_LEGEND_DASHED)
      cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + SYMBOL_WIDTH, y);
    cairo_stroke(cr);
    break;
  }
  case PLOT_LEGEND_MEAN:
    plot_mean_mark(cr, mid, y, 5);
    break;
  case PLOT_LEGEND_UNCERTAIN: {
    static const double radii[] = PLOT_UNCERTAIN_RADII;
    cairo_new_sub_path(cr);
    cairo_arc(cr, mid, y, radii[comp < 3 ? comp : 2], 0, 2 * PLOT_PI);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_fill(cr);
    break;
  }
  case PLOT_LEGEND_BEST:
    cairo_new_sub_path(cr);
    cairo_arc(cr, mid, y, 7, 0, 2 * PLOT_PI);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    break;
  case PLOT_LEGEND_SHADE: {
    /* a ramp from white to the darkest shade */
    cairo_pattern_t *p = cairo_pattern_create_linear(x, 0, x + SYMBOL_WIDTH, 0);
    cairo_pattern_add_color_stop_rgb(p, 0, 1, 1, 1);
    cairo_pattern_add_color_stop_rgb(p, 1, PLOT_SHADE_DARK);
    cairo_rectangle(cr, x, y - 6, SYMBOL_WIDTH, 12);
    cairo_set_source(cr, p);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(p);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    break;
  }
  default:
    break;
  }
  cairo_restore(cr);
}

void plot_legend_draw(cairo_t *cr, const plot_legend *l, double x, double y) {
  for (size_t i = 0; i < l->n; i++) {
    plot_legend_kind kind = l->items[i].kind;
    if (i > 0 && kind == PLOT_LEGEND_HEADING)
      y += HEADING_GAP;
    double mid = y + LINE_HEIGHT / 2, tx = x;
    if (indented(kind)) {
      symbol(cr, kind, l->items[i].comp, x, mid);
      tx += SYMBOL_WIDTH + SYMBOL_GAP;
    }
    double grey = kind == PLOT_LEGEND_NOTE ? 0.35 : 0.1;
    cairo_set_source_rgb(cr, grey, grey, grey);
    plot_text(cr, tx, mid, LEGEND_FONT, 0, 0.5, 0, kind == PLOT_LEGEND_HEADING,
              l->items[i].text);
    y += LINE_HEIGHT;
  }
}
