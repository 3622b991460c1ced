/*
 * canvas.c -- the surface a picture is drawn on, its text, and the file
 * it becomes. cairo encodes the file into memory; the bytes then go to
 * the path through gmix_write_file, so a failure never leaves half a
 * picture and an existing file is replaced only by a whole new one.
 */
#include "plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *ext;
  plot_format format;
} formats[] = {{"png", PLOT_PNG}, {"svg", PLOT_SVG}, {"pdf", PLOT_PDF}};
#define N_FORMATS (sizeof formats / sizeof formats[0])

int plot_format_from_path(const char *path, plot_format *out) {
  const char *dot = strrchr(path, '.');
  if (!dot || strchr(dot, '/'))
    return 0;
  for (size_t i = 0; i < N_FORMATS; i++)
    if (strcasecmp(dot + 1, formats[i].ext) == 0) {
      *out = formats[i].format;
      return 1;
    }
  return 0;
}

const char *plot_format_name(plot_format f) {
  for (size_t i = 0; i < N_FORMATS; i++)
    if (formats[i].format == f)
      return formats[i].ext;
  return "?";
}

/* cairo's write function: append to the canvas's buffer. */
static cairo_status_t append(void *closure, const unsigned char *data,
                             unsigned int length) {
  plot_canvas *c = closure;
  if (length > SIZE_MAX - c->len) {
    c->nomem = 1;
    return CAIRO_STATUS_NO_MEMORY;
  }
  if (c->len + length > c->cap) {
    size_t cap = c->cap ? c->cap : 65536;
    while (cap < c->len + length)
      cap = cap > SIZE_MAX / 2 ? c->len + length : cap * 2;
    unsigned char *p = realloc(c->bytes, cap);
    if (!p) {
      c->nomem = 1;
      return CAIRO_STATUS_NO_MEMORY;
    }
    c->bytes = p;
    c->cap = cap;
  }
  memcpy(c->bytes + c->len, data, length);
  c->len += length;
  return CAIRO_STATUS_SUCCESS;
}

int plot_canvas_open(plot_canvas *c, plot_format f, double width,
                     double height) {
  memset(c, 0, sizeof *c);
  c->format = f;
  c->width = width;
  c->height = height;
  switch (f) {
  case PLOT_PNG:
    c->surface =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    break;
  case PLOT_SVG:
    c->surface = cairo_svg_surface_create_for_stream(append, c, width, height);
    break;
  case PLOT_PDF:
    c->surface = cairo_pdf_surface_create_for_stream(append, c, width, height);
    break;
  }
  c->cr = cairo_create(c->surface);
  if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
    cli_error("cannot make a %.0f x %.0f %s picture: %s", width, height,
              plot_format_name(f), cairo_status_to_string(cairo_status(c->cr)));
    plot_canvas_close(c);
    return EXIT_DATA;
  }
  cairo_set_source_rgb(c->cr, 1, 1, 1);
  cairo_paint(c->cr);
  cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_GOOD);
  return EXIT_OK;
}

int plot_canvas_add_panel(plot_canvas *c, const plot_axes *a) {
  if (c->n_panels == c->cap_panels) {
    size_t cap = c->cap_panels ? 2 * c->cap_panels : 16;
    plot_axes *p = realloc(c->panels, cap * sizeof *p);
    if (!p) {
      cli_error("out of memory for the panels of a picture");
      return EXIT_DATA;
    }
    c->panels = p;
    c->cap_panels = cap;
  }
  c->panels[c->n_panels++] = *a;
  return EXIT_OK;
}

int plot_canvas_save(plot_canvas *c, const char *path) {
  cairo_status_t st = cairo_status(c->cr);
  cairo_destroy(c->cr);
  c->cr = NULL;
  if (st == CAIRO_STATUS_SUCCESS && c->format == PLOT_PNG)
    st = cairo_surface_write_to_png_stream(c->surface, append, c);
  cairo_surface_finish(c->surface);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status(c->surface);
  if (st != CAIRO_STATUS_SUCCESS || c->nomem) {
    cli_error("%s: cannot draw the picture: %s", path,
              c->nomem ? "out of memory" : cairo_status_to_string(st));
    return EXIT_DATA;
  }
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_write_file(path, c->bytes, c->len, &err) != GMIX_OK)
    return cli_fail(&err);
  return EXIT_OK;
}

void plot_canvas_print_panels(const plot_canvas *c, const char *path, FILE *f) {
  fprintf(f, "picture %s: %s, %.0f x %.0f %s, %zu panel%s\n", path,
          plot_format_name(c->format), c->width, c->height,
          c->format == PLOT_PNG ? "pixels" : "points", c->n_panels,
          c->n_panels == 1 ? "" : "s");
  for (size_t i = 0; i < c->n_panels; i++) {
    const plot_axes *a = c->panels + i;
    fprintf(f,
            "panel %s %s: x [%.17g, %.17g] -> [%.2f, %.2f], "
            "y [%.17g, %.17g] -> [%.2f, %.2f]\n",
            a->xname, a->yname, a->x.lo, a->x.hi, a->area.x,
            a->area.x + a->area.w, a->y.lo, a->y.hi, a->area.y + a->area.h,
            a->area.y);
  }
}

void plot_canvas_close(plot_canvas *c) {
  if (c->cr)
    cairo_destroy(c->cr);
  if (c->surface)
    cairo_surface_destroy(c->surface);
  free(c->bytes);
  free(c->panels);
  memset(c, 0, sizeof *c);
}

void plot_release_fonts(void) {
  cairo_debug_reset_static_data();
  FcFini();
}

static void set_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, PLOT_FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double plot_text_width(cairo_t *cr, double size, int bold, const char *s) {
  cairo_text_extents_t te;
  set_font(cr, size, bold);
  cairo_text_extents(cr, s, &te);
  return te.x_advance;
}

/* The box of a line of text is its advance width by the font's ascent
 * plus descent, so that labels of one row share a baseline whatever
 * their letters. */
void plot_text(cairo_t *cr, double x, double y, double size, double ax,
               double ay, int vertical, int bold, const char *s) {
  cairo_text_extents_t te;
  cairo_font_extents_t fe;
  set_font(cr, size, bold);
  cairo_text_extents(cr, s, &te);
  cairo_font_extents(cr, &fe);
  double h = fe.ascent + fe.descent;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  if (vertical)
    cairo_rotate(cr, -PLOT_PI / 2);
  cairo_move_to(cr, -ax * te.x_advance, -ay * h + fe.ascent);
  cairo_show_text(cr, s);
  cairo_restore(cr);
}
