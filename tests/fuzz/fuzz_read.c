/*
 * fuzz_read.c -- one fuzzed data file read three ways (fuzz_read.h). The
 * promises checked are gmix.h's: the parts of a file, taken together, hold
 * the rows of gmix_table_read, each once, in file order; a stream gives
 * exactly those rows with the same checks; a failure names its status and
 * says why; data that were read are finite.
 */
#include "fuzz_read.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gmix.h"

static void options(fz_cursor *c, gmix_read_options *o) {
  static const char delims[] = {0, ',', '\t', ';', ' '};
  static const char *const weight[] = {NULL, "1", "2", "w"};
  static const char *const columns[] = {NULL, "1", "2,1", "a,b", "3"};
  gmix_read_options_init(o);
  o->delimiter = delims[fz_pick(c, sizeof delims)];
  o->header = (int)fz_pick(c, 3) - 1;
  o->drop_bad_rows = (int)fz_pick(c, 2);
  o->weight_column = weight[fz_pick(c, 4)];
  o->columns = columns[fz_pick(c, 5)];
  o->allow_mmap = (int)fz_pick(c, 2);
}

/* The rows read so far by one way, to compare with the whole table. */
typedef struct rows_seen {
  const gmix_table *whole;
  size_t rows; /* rows matched so far */
} rows_seen;

static void match(rows_seen *s, const double *x, const double *w, size_t rows,
                  size_t cols) {
  const gmix_table *t = s->whole;
  FZ_CHECK(cols == gmix_table_cols(t));
  FZ_CHECK(s->rows + rows <= gmix_table_rows(t));
  if (rows == 0)
    return;
  const double *tx = gmix_table_data(t) + s->rows * cols;
  FZ_CHECK(memcmp(x, tx, rows * cols * sizeof *x) == 0);
  const double *tw = gmix_table_weights(t);
  FZ_CHECK((w == NULL) == (tw == NULL));
  if (w)
    FZ_CHECK(memcmp(w, tw + s->rows, rows * sizeof *w) == 0);
  s->rows += rows;
}

static void check_table(const gmix_table *t) {
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  const double *x = gmix_table_data(t), *w = gmix_table_weights(t);
  FZ_CHECK(d >= 1);
  for (size_t i = 0; i < n * d; i++)
    FZ_CHECK(isfinite(x[i]));
  for (size_t i = 0; w && i < n; i++)
    FZ_CHECK(isfinite(w[i]));
  for (size_t j = 0; j < d; j++) {
    const char *name = gmix_table_column_name(t, j);
    FZ_CHECK(name == NULL || strlen(name) < 1u << 20);
  }
}

/* Parts 0 .. n_parts-1: with a good whole table each part reads and they
 * add up to it; with a bad one, some part fails, or else the file has no
 * data row (a header alone), which the whole read refuses with
 * GMIX_EPARSE and every part gives as 0 rows (a part cannot tell that the
 * others are empty too). */
static void by_parts(const char *path, const gmix_read_options *o,
                     size_t n_parts, const gmix_table *whole,
                     gmix_status whole_status) {
  rows_seen seen = {whole, 0};
  int failed = 0;
  size_t rows = 0;
  for (size_t p = 0; p < n_parts; p++) {
    gmix_table *t = NULL;
    gmix_error err;
    gmix_status s = gmix_table_read_part(path, o, p, n_parts, &t, &err);
    if (s != GMIX_OK) {
      fz_check_error(s, &err);
      FZ_CHECK(whole == NULL);
      failed = 1;
      continue;
    }
    check_table(t);
    rows += gmix_table_rows(t);
    if (whole)
      match(&seen, gmix_table_data(t), gmix_table_weights(t),
            gmix_table_rows(t), gmix_table_cols(t));
    gmix_table_free(t);
  }
  if (whole)
    FZ_CHECK(seen.rows == gmix_table_rows(whole));
  else
    FZ_CHECK(failed || (rows == 0 && whole_status == GMIX_EPARSE));
}

/* One pass of the stream; returns its status, and GMIX_EPARSE for a pass
 * that found no data row (which gmix_table_read refuses so). */
static gmix_status stream_pass(gmix_reader *r, size_t block,
                               const gmix_table *whole) {
  rows_seen seen = {whole, 0};
  size_t total = 0;
  for (;;) {
    const double *x = NULL, *w = NULL;
    size_t rows = 0;
    gmix_error err;
    gmix_status s = gmix_reader_next(r, block, &x, &w, &rows, &err);
    if (s != GMIX_OK) {
      fz_check_error(s, &err);
      return s;
    }
    FZ_CHECK(rows <= block);
    for (size_t i = 0; i < rows * gmix_reader_cols(r); i++)
      FZ_CHECK(isfinite(x[i]));
    total += rows;
    if (whole)
      match(&seen, x, w, rows, gmix_reader_cols(r));
    if (rows == 0)
      break;
  }
  if (whole)
    FZ_CHECK(seen.rows == gmix_table_rows(whole));
  return total == 0 ? GMIX_EPARSE : GMIX_OK;
}

static void by_stream(const char *path, const gmix_read_options *o,
                      size_t block, const gmix_table *whole,
                      gmix_status whole_status) {
  gmix_reader *r = NULL;
  gmix_error err;
  gmix_status s = gmix_reader_open(path, o, &r, &err);
  if (s != GMIX_OK) {
    fz_check_error(s, &err);
    FZ_CHECK(s == whole_status);
    return;
  }
  s = stream_pass(r, block, whole);
  FZ_CHECK(s == whole_status);
  if (gmix_reader_rewind(r, &err) == GMIX_OK)
    FZ_CHECK(stream_pass(r, block, whole) == s);
  gmix_reader_free(r);
}

void fz_read_all_ways(const char *path, fz_cursor *c) {
  gmix_read_options o;
  options(c, &o);
  size_t n_parts = 1 + fz_pick(c, 4), block = 1 + fz_pick(c, 8);

  gmix_table *whole = NULL;
  gmix_error err;
  gmix_status s = gmix_table_read(path, &o, &whole, &err);
  if (s == GMIX_OK)
    check_table(whole);
  else
    fz_check_error(s, &err);
  by_parts(path, &o, n_parts, whole, s);
  by_stream(path, &o, block, whole, s);
  gmix_table_free(whole);
}
