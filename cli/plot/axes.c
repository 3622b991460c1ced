/*
 * axes.c -- a panel's mapping from data to image coordinates, its ticks
 * at round numbers, grid, frame and labels.
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double plot_px(const plot_axes *a, double v) {
  return a->area.x + (v - a->x.lo) / (a->x.hi - a->x.lo) * a->area.w;
}

double plot_py(const plot_axes *a, double v) {
  return a->area.y + a->area.h -
         (v - a->y.lo) / (a->y.hi - a->y.lo) * a->area.h;
}

double plot_data_x(const plot_axes *a, double px) {
  return a->x.lo + (px - a->area.x) / a->area.w * (a->x.hi - a->x.lo);
}

double plot_data_y(const plot_axes *a, double py) {
  return a->y.lo +
         (a->area.y + a->area.h - py) / a->area.h * (a->y.hi - a->y.lo);
}

plot_range plot_range_empty(void) {
  plot_range r = {INFINITY, -INFINITY};
  return r;
}

void plot_range_add(plot_range *r, double v) {
  if (v < r->lo)
    r->lo = v;
  if (v > r->hi)
    r->hi = v;
}

void plot_range_pad(plot_range *r, double frac) {
  if (!(r->lo <= r->hi)) { /* nothing was added */
    r->lo = 0;
    r->hi = 1;
  }
  double w = r->hi - r->lo;
  if (w <= 0) {
    double c = r->lo;
    w = fabs(c) > 0 ? fabs(c) * 0.1 : 1;
    r->lo = c - w / 2;
    r->hi = c + w / 2;
    return;
  }
  r->lo -= frac * w;
  r->hi += frac * w;
}

/* How many pixels apart ticks should be at least: about one every 80 on
 * a long axis, never fewer than 3 on a short one. */
#define TICK_SPACING 80.0
#define MIN_TICKS 3.0

/* Ticks at round multiples (1, 2 or 5 times a power of ten) inside r,
 * about one per TICK_SPACING of `length`: the first and the step. */
static void ticks(plot_range r, double length, int integer, double *first,
                  double *step) {
  double want = fmax(MIN_TICKS, length / TICK_SPACING);
  double raw = (r.hi - r.lo) / want;
  double p = pow(10, floor(log10(raw)));
  double f = raw / p;
  double s = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  *step = s * p;
  if (integer && *step < 1)
    *step = 1;
  *first = ceil(r.lo / *step - 1e-9) * *step;
}

/* A tick label with as many decimals as the step needs, and no "-0". */
static void tick_label(char *buf, size_t size, double v, double step) {
  int decimals = 0;
  if (step < 1)
    decimals = (int)ceil(-log10(step) - 1e-9);
  if (step >= 1e6 || step < 1e-4) {
    snprintf(buf, size, "%.3g", v);
    return;
  }
  if (fabs(v) < step * 1e-9)
    v = 0;
  snprintf(buf, size, "%.*f", decimals, v);
}

/* Grey of the grid, the frame and the tick labels. */
#define GRID_GREY 0.91
#define FRAME_GREY 0.25
#define TEXT_GREY 0.15
#define TICK_LENGTH 5.0

/* A function called at each tick of one axis (`vertical`: the y axis). */
typedef void (*tick_fn)(cairo_t *cr, const plot_axes *a, int vertical, double v,
                        double step, unsigned flags);

static void for_each_tick(cairo_t *cr, const plot_axes *a, int vertical,
                          unsigned flags, tick_fn fn) {
  plot_range r = vertical ? a->y : a->x;
  double first, step;
  ticks(r, vertical ? a->area.h : a->area.w,
        !vertical && (flags & PLOT_AXIS_INTEGER_X), &first, &step);
  for (double v = first; v <= r.hi + step * 1e-9; v += step)
    fn(cr, a, vertical, v, step, flags);
}

/* The line across the panel at tick v, on a pixel's centre. */
static void grid_line(cairo_t *cr, const plot_axes *a, int vertical, double v,
                      double step, unsigned flags) {
  (void)step, (void)flags;
  if (vertical) {
    double y = round(plot_py(a, v)) + 0.5;
    cairo_move_to(cr, a->area.x, y);
    cairo_line_to(cr, a->area.x + a->area.w, y);
  } else {
    double x = round(plot_px(a, v)) + 0.5;
    cairo_move_to(cr, x, a->area.y);
    cairo_line_to(cr, x, a->area.y + a->area.h);
  }
}

void plot_axes_grid(cairo_t *cr, const plot_axes *a, unsigned flags) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, GRID_GREY, GRID_GREY, GRID_GREY);
  cairo_set_line_width(cr, 1);
  for_each_tick(cr, a, 0, flags, grid_line);
  for_each_tick(cr, a, 1, flags, grid_line);
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* A tick mark outside the panel's bottom (x) or left (y) edge, and its
 * label when the flags ask for it. */
static void tick(cairo_t *cr, const plot_axes *a, int vertical, double v,
                 double step, unsigned flags) {
  double x = vertical ? a->area.x : round(plot_px(a, v)) + 0.5;
  double y = vertical ? round(plot_py(a, v)) + 0.5 : a->area.y + a->area.h;
  cairo_set_source_rgb(cr, FRAME_GREY, FRAME_GREY, FRAME_GREY);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, vertical ? x - TICK_LENGTH : x,
                vertical ? y : y + TICK_LENGTH);
  cairo_stroke(cr);
  if (!(flags & (vertical ? PLOT_AXIS_Y_TICKS : PLOT_AXIS_X_TICKS)))
    return;
  char buf[32];
  tick_label(buf, sizeof buf, v, step);
  cairo_set_source_rgb(cr, TEXT_GREY, TEXT_GREY, TEXT_GREY);
  if (vertical)
    plot_text(cr, x - TICK_LENGTH - 3, y, PLOT_TICK_FONT, 1, 0.5, 0, 0, buf);
  else
    plot_text(cr, x, y + TICK_LENGTH + 2, PLOT_TICK_FONT, 0.5, 0, 0, 0, buf);
}

void plot_axes_frame(cairo_t *cr, const plot_axes *a, unsigned flags,
                     const char *xname, const char *yname) {
  cairo_save(cr);
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, FRAME_GREY, FRAME_GREY, FRAME_GREY);
  cairo_rectangle(cr, round(a->area.x) + 0.5, round(a->area.y) + 0.5,
                  round(a->area.w), round(a->area.h));
  cairo_stroke(cr);
  for_each_tick(cr, a, 0, flags, tick);
  for_each_tick(cr, a, 1, flags, tick);
  cairo_set_source_rgb(cr, TEXT_GREY, TEXT_GREY, TEXT_GREY);
  if ((flags & PLOT_AXIS_X_NAME) && xname)
    plot_text(cr, a->area.x + a->area.w / 2,
              a->area.y + a->area.h + PLOT_MARGIN_BOTTOM - 4, PLOT_NAME_FONT,
              0.5, 1, 0, 0, xname);
  if ((flags & PLOT_AXIS_Y_NAME) && yname)
    plot_text(cr, a->area.x - PLOT_MARGIN_LEFT + 2, a->area.y + a->area.h / 2,
              PLOT_NAME_FONT, 0.5, 0, 1, 0, yname);
  cairo_restore(cr);
}

void plot_axes_clip(cairo_t *cr, const plot_axes *a) {
  cairo_rectangle(cr, a->area.x, a->area.y, a->area.w, a->area.h);
  cairo_clip(cr);
}
