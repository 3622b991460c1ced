/*
 * palette.c -- the colour and marker shape of each component.
 *
 * The first eight colours are Okabe and Ito's set for colour-vision
 * deficiency (without its yellow, too pale on white, and its black, kept
 * for the means); then Paul Tol's "muted" and "dark" sets, also chosen to
 * stay apart under the common deficiencies. Past about eight colours no
 * palette keeps every pair apart for every reader, so the marker shape
 * cycles too (circle, square, triangle, diamond): neighbouring components
 * differ in both.
 */
#include "plot.h"

#include <math.h>

static const unsigned palette[PLOT_N_COLOURS] = {
    0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x332288,
    0x117733, 0x882255, 0x44AA99, 0x999933, 0xAA4499, 0xCC6677, 0xDDCC77,
    0x88CCEE, 0x4477AA, 0xEE6677, 0x228833, 0xAA3377, 0x666666};

void plot_colour(size_t k, double rgb[3]) {
  unsigned c = palette[k % PLOT_N_COLOURS];
  rgb[0] = ((c >> 16) & 0xFF) / 255.0;
  rgb[1] = ((c >> 8) & 0xFF) / 255.0;
  rgb[2] = (c & 0xFF) / 255.0;
}

void plot_set_colour(cairo_t *cr, size_t k, double alpha) {
  double rgb[3];
  plot_colour(k, rgb);
  cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], alpha);
}

#define N_SHAPES 4

void plot_marker(cairo_t *cr, size_t k, double x, double y, double r) {
  switch (k % N_SHAPES) {
  case 0:
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * PLOT_PI);
    break;
  case 1: /* a square of the circle's area */
    r *= 0.886;
    cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
    break;
  case 2: /* a triangle pointing up, centred on its centroid */
    r *= 1.35;
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + 0.866 * r, y + 0.5 * r);
    cairo_line_to(cr, x - 0.866 * r, y + 0.5 * r);
    cairo_close_path(cr);
    break;
  default: /* a diamond */
    r *= 1.25;
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
  }
}

void plot_mean_mark(cairo_t *cr, double x, double y, double r) {
  cairo_save(cr);
  cairo_move_to(cr, x, y - r);
  cairo_line_to(cr, x + r, y);
  cairo_line_to(cr, x, y + r);
  cairo_line_to(cr, x - r, y);
  cairo_close_path(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 3);
  cairo_stroke_preserve(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_fill(cr);
  cairo_restore(cr);
}
