/*
 * table.c -- the gmix_table object: the whole-file and part readers (built
 * on the block reader of reader.c), accessors and release.
 */
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "io_internal.h"

/* Open `path` with the block reader, restrict it to share `part` of
 * `n_parts` when `whole` is 0, and take every row into a new table. The
 * whole file must give at least one row; a share may give none. */
static gmix_status read_table(const char *path, const gmix_read_options *opt,
                              const char *caller, int whole, size_t part,
                              size_t n_parts, gmix_table **out,
                              gmix_error *err) {
  if (!path)
    return gmix__null_argument(err, "path");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_reader *r = NULL;
  gmix_status st = gmix__reader_open(path, opt, caller, !whole, &r, err);
  if (st != GMIX_OK)
    return st;
  gmix_table *t = gmix__calloc(1, sizeof *t);
  if (!t)
    st = gmix__error(err, GMIX_ENOMEM, "%s: out of memory", path);
  if (st == GMIX_OK && !whole)
    st = gmix__reader_part(r, part, n_parts, err);
  if (st == GMIX_OK)
    st = gmix__reader_take(r, t, err);
  if (st == GMIX_OK && whole && t->rows == 0) {
    const char *file = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (t->dropped)
      st = gmix__error(err, GMIX_EPARSE,
                       "%s: no data rows (%zu bad row%s dropped)", file,
                       t->dropped, t->dropped == 1 ? "" : "s");
    else
      st = gmix__error(err, GMIX_EPARSE, "%s: no data rows", file);
  }
  gmix_reader_free(r);
  if (st != GMIX_OK) {
    gmix_table_free(t);
    return st;
  }
  *out = t;
  return GMIX_OK;
}

gmix_status gmix_table_read(const char *path, const gmix_read_options *opt,
                            gmix_table **out, gmix_error *err) {
  return read_table(path, opt, "gmix_table_read", 1, 0, 1, out, err);
}

gmix_status gmix_table_read_part(const char *path, const gmix_read_options *opt,
                                 size_t part, size_t n_parts, gmix_table **out,
                                 gmix_error *err) {
  /* NULL pointers are reported first, by read_table. */
  if (path && out && (n_parts == 0 || part >= n_parts))
    return gmix__error(err, GMIX_EINVAL,
                       "gmix_table_read_part: part %zu of %zu parts (parts "
                       "are numbered from 0 and there must be at least one)",
                       part, n_parts);
  return read_table(path, opt, "gmix_table_read_part", 0, part, n_parts, out,
                    err);
}

size_t gmix_table_rows(const gmix_table *t) {
  return t ? t->rows : 0;
}

size_t gmix_table_cols(const gmix_table *t) {
  return t ? t->cols : 0;
}

const double *gmix_table_data(const gmix_table *t) {
  return t ? t->data : NULL;
}

const double *gmix_table_weights(const gmix_table *t) {
  return t ? t->weights : NULL;
}

const char *gmix_table_column_name(const gmix_table *t, size_t j) {
  if (!t || !t->names || j >= t->cols)
    return NULL;
  return t->names[j];
}

size_t gmix_table_dropped_rows(const gmix_table *t) {
  return t ? t->dropped : 0;
}

int gmix_table_is_mapped(const gmix_table *t) {
  return t && t->map != NULL;
}

void gmix_table_free(gmix_table *t) {
  if (!t)
    return;
  if (t->names) {
    for (size_t j = 0; j < t->cols; j++)
      gmix__free(t->names[j]);
    gmix__free(t->names);
  }
  gmix__free(t->owned);
  gmix__free(t->weights);
  if (t->map)
    munmap(t->map, t->map_len);
  gmix__free(t);
}
