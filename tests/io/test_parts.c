/*
 * test_parts.c -- reading one file in parts (gmix_table_read_part) and as
 * a stream of blocks (gmix_reader_*): whatever the split, the rows are
 * those of gmix_table_read, row for row and bit for bit, and messages
 * number lines and rows in the whole file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_internal.h"
#include "io_test.h"

/* The part counts every split test walks through. */
#define MAX_PARTS 7

/* Block sizes of the stream tests: one row, a size that divides nothing
 * evenly, and more than most files hold. */
static const size_t block_sizes[] = {1, 7, 1000};
#define N_BLOCK_SIZES (sizeof block_sizes / sizeof block_sizes[0])

/* ---- the expected rows: gmix_table_read, flattened ---------------------- */

/* Rows gathered from parts or blocks, to compare with a whole read. */
typedef struct rows {
  double *x, *w;
  size_t n, cols, cap;
  int has_w;
} rows;

static void rows_add(rows *r, const double *x, const double *w, size_t n,
                     size_t cols) {
  if (r->n + n > r->cap) {
    r->cap = (r->n + n) * 2 + 16;
    r->x = realloc(r->x, r->cap * (cols ? cols : 1) * sizeof *r->x);
    r->w = realloc(r->w, r->cap * sizeof *r->w);
    assert_non_null(r->x);
    assert_non_null(r->w);
  }
  if (n) {
    memcpy(r->x + r->n * cols, x, n * cols * sizeof *x);
    if (w)
      memcpy(r->w + r->n, w, n * sizeof *w);
  }
  r->cols = cols;
  r->has_w = w != NULL || r->has_w;
  r->n += n;
}

static void rows_free(rows *r) {
  free(r->x);
  free(r->w);
  memset(r, 0, sizeof *r);
}

/* Compare gathered rows with the whole-file table, bit for bit. */
static void assert_same_rows(const rows *got, const gmix_table *want,
                             const char *what) {
  size_t n = gmix_table_rows(want), d = gmix_table_cols(want);
  if (got->n != n)
    fail_msg("%s: %zu rows, the whole file gives %zu", what, got->n, n);
  assert_int_equal(got->cols, d);
  if (n && memcmp(got->x, gmix_table_data(want), n * d * sizeof(double)))
    fail_msg("%s: the values differ from the whole file's", what);
  const double *w = gmix_table_weights(want);
  assert_int_equal(got->has_w, w != NULL);
  if (w && memcmp(got->w, w, n * sizeof(double)))
    fail_msg("%s: the weights differ from the whole file's", what);
}

/* Read `path` in 1 .. MAX_PARTS parts and compare the union with the whole
 * read: same rows in order, same names and dropped count, every part with
 * the file's columns. */
static void check_parts(const char *path, const gmix_read_options *opt) {
  gmix_table *whole = io_test_read_ok(path, opt);
  for (size_t n_parts = 1; n_parts <= MAX_PARTS; n_parts++) {
    rows got = {0};
    size_t dropped = 0;
    for (size_t part = 0; part < n_parts; part++) {
      gmix_table *t = NULL;
      gmix_error err = {GMIX_OK, ""};
      gmix_status st = gmix_table_read_part(path, opt, part, n_parts, &t, &err);
      if (st != GMIX_OK)
        fail_msg("%s, part %zu of %zu: %s", path, part, n_parts, err.message);
      assert_int_equal(gmix_table_cols(t), gmix_table_cols(whole));
      for (size_t j = 0; j < gmix_table_cols(t); j++) {
        const char *a = gmix_table_column_name(t, j);
        const char *b = gmix_table_column_name(whole, j);
        if (b)
          assert_string_equal(a, b);
        else
          assert_null(a);
      }
      if (gmix_table_rows(t) == 0)
        assert_null(gmix_table_data(t));
      rows_add(&got, gmix_table_data(t), gmix_table_weights(t),
               gmix_table_rows(t), gmix_table_cols(t));
      if (gmix_table_weights(whole) && gmix_table_rows(t) == 0)
        got.has_w = 1;
      dropped += gmix_table_dropped_rows(t);
      gmix_table_free(t);
    }
    char what[600];
    snprintf(what, sizeof what, "%s in %zu parts", path, n_parts);
    assert_same_rows(&got, whole, what);
    assert_int_equal(dropped, gmix_table_dropped_rows(whole));
    rows_free(&got);
  }
  gmix_table_free(whole);
}

/* Read `path` as a stream in blocks of each of block_sizes, twice (the
 * second pass after a rewind), and compare with the whole read. */
static void check_stream(const char *path, const gmix_read_options *opt) {
  gmix_table *whole = io_test_read_ok(path, opt);
  for (size_t b = 0; b < N_BLOCK_SIZES; b++) {
    gmix_reader *r = NULL;
    gmix_error err = {GMIX_OK, ""};
    if (gmix_reader_open(path, opt, &r, &err) != GMIX_OK)
      fail_msg("%s: %s", path, err.message);
    assert_int_equal(gmix_reader_cols(r), gmix_table_cols(whole));
    for (size_t j = 0; j <= gmix_table_cols(whole); j++) {
      const char *a = gmix_reader_column_name(r, j);
      const char *want = gmix_table_column_name(whole, j);
      if (want)
        assert_string_equal(a, want);
      else
        assert_null(a);
    }
    rows first = {0};
    for (int pass = 0; pass < 2; pass++) {
      rows got = {0};
      size_t blocks = 0;
      for (;;) {
        const double *x = NULL, *w = NULL;
        size_t n = SIZE_MAX;
        if (gmix_reader_next(r, block_sizes[b], &x, &w, &n, &err) != GMIX_OK)
          fail_msg("%s, block %zu: %s", path, blocks, err.message);
        if (n == 0) {
          assert_null(x);
          break;
        }
        assert_true(n <= block_sizes[b]);
        if (gmix_table_weights(whole))
          assert_non_null(w);
        else
          assert_null(w);
        rows_add(&got, x, w, n, gmix_reader_cols(r));
        blocks++;
        /* Every block is full but the last. */
        assert_true(n == block_sizes[b] || got.n == gmix_table_rows(whole));
      }
      /* The end stays the end. */
      const double *x;
      size_t n = 1;
      assert_int_equal(gmix_reader_next(r, 3, &x, NULL, &n, &err), GMIX_OK);
      assert_int_equal(n, 0);
      char what[600];
      snprintf(what, sizeof what, "%s in blocks of %zu, pass %d", path,
               block_sizes[b], pass + 1);
      assert_same_rows(&got, whole, what);
      assert_int_equal(gmix_reader_dropped_rows(r),
                       gmix_table_dropped_rows(whole));
      if (pass == 0) {
        first = got;
        assert_int_equal(gmix_reader_rewind(r, &err), GMIX_OK);
      } else {
        assert_int_equal(got.n, first.n);
        rows_free(&got);
      }
    }
    rows_free(&first);
    gmix_reader_free(r);
  }
  gmix_table_free(whole);
}

/* ---- text files ---------------------------------------------------------- */

/* A text file of `n` rows in one of several styles. The values have many
 * digits so that any row mixed up with another would show. */
typedef struct text_style {
  const char *header; /* first line, or NULL                             */
  const char *eol;    /* "\n" or "\r\n"                                  */
  char sep;           /* ',', ';', '\t' or ' '                           */
  int quoted;         /* quote every other cell                          */
  int comments;       /* blank and comment lines among the rows          */
  int final_newline;  /* 0: the last line has no newline                 */
  int bom;            /* start with a UTF-8 byte order mark              */
} text_style;

static char *make_text(const text_style *st, size_t n, size_t *len_out) {
  size_t cap = 256 + n * 160, len = 0;
  char *t = malloc(cap);
  assert_non_null(t);
#define PUT(...) len += (size_t)snprintf(t + len, cap - len, __VA_ARGS__)
  if (st->bom)
    PUT("\xEF\xBB\xBF");
  if (st->comments)
    PUT("# made by test_parts%s%s", st->eol, st->eol);
  if (st->header)
    PUT("%s%s", st->header, st->eol);
  for (size_t i = 0; i < n; i++) {
    if (st->comments && i % 5 == 2)
      PUT("  # row %zu follows%s  %s", i, st->eol, st->eol);
    double v[3] = {(double)i / 7.0 - 3.0, sqrt((double)i + 0.5) * 1e-3,
                   1.0 + (double)(i % 11)};
    for (int j = 0; j < 3; j++) {
      const char *q = st->quoted && (i + (size_t)j) % 2 ? "\"" : "";
      PUT("%s%s%.17g%s", j ? (char[]){st->sep, 0} : "", q, v[j], q);
    }
    if (i + 1 < n || st->final_newline)
      PUT("%s", st->eol);
  }
#undef PUT
  *len_out = len;
  return t;
}

static const char *write_text(const char *name, const text_style *st,
                              size_t n) {
  size_t len;
  char *text = make_text(st, n, &len);
  const char *p = io_test_write(name, text, len);
  free(text);
  return p;
}

static const text_style styles[] = {
    {"a,b,c", "\n", ',', 0, 0, 1, 0},
    {NULL, "\n", ',', 0, 0, 1, 0},
    {"a,b,c", "\r\n", ',', 0, 0, 0, 0},
    {NULL, "\r\n", ';', 0, 1, 1, 1},
    {"\"a\",\"b\",\"c\"", "\n", ',', 1, 1, 0, 0},
    {"a\tb\tc", "\n", '\t', 1, 0, 1, 1},
    {"a b c", "\r\n", ' ', 0, 1, 0, 0},
    {NULL, "\n", ' ', 0, 0, 0, 0},
    {NULL, "\n", ',', 0, 0, 1, 1},
};
#define N_STYLES (sizeof styles / sizeof styles[0])

/* Row counts: none, fewer rows than parts, and many. */
static const size_t row_counts[] = {0, 1, 3, 50, 2000};
#define N_ROW_COUNTS (sizeof row_counts / sizeof row_counts[0])

static void test_text_parts(void **state) {
  (void)state;
  gmix_read_options sel;
  gmix_read_options_init(&sel);
  sel.columns = "3,1";
  sel.weight_column = "2";
  for (size_t s = 0; s < N_STYLES; s++)
    for (size_t k = 0; k < N_ROW_COUNTS; k++) {
      /* A file of no rows and no header has nothing to read at all. */
      if (row_counts[k] == 0 && !styles[s].header)
        continue;
      const char *p = write_text("parts.csv", &styles[s], row_counts[k]);
      if (row_counts[k] == 0) {
        /* The whole file has no data; every part is empty and fine. */
        for (size_t part = 0; part < 3; part++) {
          gmix_table *t = NULL;
          assert_int_equal(gmix_table_read_part(p, NULL, part, 3, &t, NULL),
                           GMIX_OK);
          assert_int_equal(gmix_table_rows(t), 0);
          assert_int_equal(gmix_table_cols(t), 3);
          gmix_table_free(t);
        }
        continue;
      }
      check_parts(p, NULL);
      check_parts(p, &sel);
    }
}

static void test_text_stream(void **state) {
  (void)state;
  gmix_read_options sel;
  gmix_read_options_init(&sel);
  sel.columns = "3,1";
  sel.weight_column = "2";
  for (size_t s = 0; s < N_STYLES; s++)
    for (size_t k = 1; k < N_ROW_COUNTS; k++) {
      const char *p = write_text("stream.csv", &styles[s], row_counts[k]);
      check_stream(p, NULL);
      check_stream(p, &sel);
    }
}

/* Bad rows dropped: each part and block drops its own, and the counts add
 * up to the whole file's. */
static void test_drop_bad_rows(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.drop_bad_rows = 1;
  const char *p = io_test_write_text(
      "drop.csv", "a,b\n1,2\nx,3\n4,5,6\n7\nnan,1\n8,9\n,1\n10,11\n"
                  "12,\"13\"\n14,zz\n");
  check_parts(p, &opt);
  check_stream(p, &opt);
  /* All bad: the whole read refuses, parts and blocks are empty. */
  p = io_test_write_text("bad.csv", "a,b\nx,1\n2,y\n");
  io_test_read_fail(p, &opt, GMIX_EPARSE);
  gmix_table *t = NULL;
  assert_int_equal(gmix_table_read_part(p, &opt, 0, 1, &t, NULL), GMIX_OK);
  assert_int_equal(gmix_table_rows(t), 0);
  assert_int_equal(gmix_table_dropped_rows(t), 2);
  gmix_table_free(t);
  gmix_reader *r = NULL;
  assert_int_equal(gmix_reader_open(p, &opt, &r, NULL), GMIX_OK);
  const double *x;
  size_t n;
  assert_int_equal(gmix_reader_next(r, 1, &x, NULL, &n, NULL), GMIX_OK);
  assert_int_equal(n, 0);
  assert_int_equal(gmix_reader_dropped_rows(r), 2);
  gmix_reader_free(r);
}

/* A line much longer than a part, and a part range that falls inside the
 * header line: the line belongs to the part where it starts. */
static void test_long_lines(void **state) {
  (void)state;
  size_t cols = 3000, cap = cols * 24 * 4 + 64, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (size_t j = 0; j < cols; j++)
    len += (size_t)snprintf(text + len, cap - len, "%scolumn_%zu", j ? "," : "",
                            j);
  text[len++] = '\n';
  for (int i = 0; i < 3; i++)
    for (size_t j = 0; j < cols; j++)
      len += (size_t)snprintf(text + len, cap - len, "%d.%zu%c", i, j,
                              j + 1 < cols ? ',' : '\n');
  const char *p = io_test_write("long.csv", text, len);
  free(text);
  check_parts(p, NULL);
  check_stream(p, NULL);
}

/* A part larger than a read block of the text reader, to cross the
 * buffer's refills while skipping and parsing. */
static void test_large_text(void **state) {
  (void)state;
  static const text_style big = {"x,y,z", "\n", ',', 0, 1, 1, 0};
  size_t n = 200000;
  const char *p = write_text("big.csv", &big, n);
  struct stat sb;
  assert_int_equal(stat(p, &sb), 0);
  assert_true((size_t)sb.st_size > 2 * GMIX__CSV_BLOCK_BYTES);
  check_parts(p, NULL);
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.columns = "z";
  check_stream(p, &opt);
}

/* Messages number lines in the whole file: the part or block that meets a
 * bad line reports exactly what the whole read does. */
static void test_text_error_lines(void **state) {
  (void)state;
  static const char *bad[] = {"oops", "1e999", "", "1,2"};
  static const gmix_status want_status[] = {GMIX_EPARSE, GMIX_ENONFINITE,
                                            GMIX_EPARSE, GMIX_EPARSE};
  for (size_t k = 0; k < 4; k++) {
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "# comment\r\nu,v\r\n");
    for (int i = 0; i < 300; i++) {
      if (i == 211)
        len += (size_t)snprintf(text + len, cap - len, "5,%s\r\n", bad[k]);
      else
        len += (size_t)snprintf(text + len, cap - len, "%d,%d.5\r\n%s", i, i,
                                i % 17 ? "" : "\r\n");
    }
    const char *p = io_test_write("err.csv", text, len);
    free(text);
    char want[GMIX_ERROR_MESSAGE_SIZE], line[32];
    snprintf(want, sizeof want, "%s",
             io_test_read_fail(p, NULL, want_status[k]));
    /* The comment, the header, 211 rows and the blank line after every
     * 17th row come before it. */
    snprintf(line, sizeof line, ":%d:", 2 + 211 + (210 / 17 + 1) + 1);
    assert_non_null(strstr(want, line));
    for (size_t n_parts = 1; n_parts <= MAX_PARTS; n_parts++) {
      size_t failures = 0;
      for (size_t part = 0; part < n_parts; part++) {
        gmix_table *t = NULL;
        gmix_error err = {GMIX_OK, ""};
        gmix_status st = gmix_table_read_part(p, NULL, part, n_parts, &t, &err);
        if (st == GMIX_OK) {
          gmix_table_free(t);
          continue;
        }
        assert_int_equal(st, want_status[k]);
        assert_string_equal(err.message, want);
        assert_null(t);
        failures++;
      }
      assert_int_equal(failures, 1);
    }
    for (size_t b = 0; b < N_BLOCK_SIZES; b++) {
      gmix_reader *r = NULL;
      assert_int_equal(gmix_reader_open(p, NULL, &r, NULL), GMIX_OK);
      gmix_error err = {GMIX_OK, ""};
      const double *x;
      size_t n, total = 0;
      gmix_status st;
      while ((st = gmix_reader_next(r, block_sizes[b], &x, NULL, &n, &err)) ==
                 GMIX_OK &&
             n > 0)
        total += n;
      assert_int_equal(st, want_status[k]);
      assert_string_equal(err.message, want);
      assert_true(total <= 211);
      /* Stopped until rewound; then the same blocks again. */
      assert_int_equal(gmix_reader_next(r, 1, &x, NULL, &n, &err), GMIX_EINVAL);
      assert_non_null(strstr(err.message, "rewind"));
      assert_int_equal(gmix_reader_rewind(r, NULL), GMIX_OK);
      assert_int_equal(gmix_reader_next(r, 1, &x, NULL, &n, &err), GMIX_OK);
      assert_int_equal(n, 1);
      assert_true(x[0] == 0.0 && x[1] == 0.5);
      /* The second pass meets the bad line under the same number. */
      err.message[0] = '\0';
      while (gmix_reader_next(r, block_sizes[b], &x, NULL, &n, &err) ==
                 GMIX_OK &&
             n > 0)
        ;
      assert_string_equal(err.message, want);
      gmix_reader_free(r);
    }
  }
}

/* ---- .npy files ---------------------------------------------------------- */

/* Store v as `size` bytes in the given byte order. */
static void put(unsigned char *p, double v, size_t size, int big) {
  unsigned char b[8];
  if (size == 8) {
    memcpy(b, &v, 8);
  } else {
    float f = (float)v;
    memcpy(b, &f, 4);
  }
  const uint16_t one = 1;
  int host_big = *(const unsigned char *)&one == 0;
  for (size_t k = 0; k < size; k++)
    p[k] = big == host_big ? b[k] : b[size - 1 - k];
}

/* An n x d .npy file of distinct values, with `nan_row` (if < n) holding
 * a NaN in its last column. */
static const char *write_npy(const char *name, const char *descr, int fortran,
                             size_t n, size_t d, size_t nan_row) {
  size_t size = descr[2] == '8' ? 8 : 4;
  int big = descr[0] == '>';
  unsigned char *data = malloc(n * d * size + 1);
  assert_non_null(data);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      double v = i == nan_row && j == d - 1 ? NAN : (double)i + (double)j / 8.0;
      size_t at = fortran ? j * n + i : i * d + j;
      put(data + at * size, v, size, big);
    }
  char dict[256];
  snprintf(dict, sizeof dict,
           "{'descr': '%s', 'fortran_order': %s, 'shape': (%zu, %zu), }", descr,
           fortran ? "True" : "False", n, d);
  size_t len;
  unsigned char *img = io_test_npy_image(1, dict, data, n * d * size, &len);
  const char *p = io_test_write(name, img, len);
  free(img);
  free(data);
  return p;
}

static void test_npy_parts_and_stream(void **state) {
  (void)state;
  static const char *descrs[] = {"<f8", ">f8", "<f4", ">f4"};
  static const size_t ns[] = {1, 5, 300};
  gmix_read_options sel, mapped;
  gmix_read_options_init(&sel);
  sel.columns = "3,1";
  sel.weight_column = "2";
  gmix_read_options_init(&mapped);
  mapped.allow_mmap = 1;
  for (size_t k = 0; k < 4; k++)
    for (int fortran = 0; fortran <= 1; fortran++)
      for (size_t i = 0; i < 3; i++) {
        const char *p =
            write_npy("p.npy", descrs[k], fortran, ns[i], 3, SIZE_MAX);
        check_parts(p, NULL);
        check_parts(p, &sel);
        check_stream(p, NULL);
        check_stream(p, &sel);
      }
  /* Large enough for halves to be mapped. */
  const size_t n = 80000, d = 4;
  assert_true(n / 2 * d * 8 >= GMIX__NPY_MMAP_MIN_BYTES);
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  for (size_t q = 0; q < n * d; q++)
    x[q] = (double)q * 0.5 - 11;
  const char *p = io_test_path(1, "big.npy");
  assert_int_equal(gmix_npy_write(p, x, n, d, NULL), GMIX_OK);
  free(x);
  check_parts(p, NULL);
  check_parts(p, &mapped);
  gmix_table *t = NULL;
  assert_int_equal(gmix_table_read_part(p, &mapped, 1, 2, &t, NULL), GMIX_OK);
  assert_int_equal(gmix_table_is_mapped(t), 1);
  assert_int_equal(gmix_table_rows(t), n / 2);
  assert_true(gmix_table_data(t)[0] == (double)(n / 2 * d) * 0.5 - 11);
  gmix_table_free(t);
  check_stream(p, NULL);

  /* A shape of no rows: every part is empty. */
  p = write_npy("empty.npy", "<f8", 0, 0, 3, SIZE_MAX);
  for (size_t part = 0; part < 2; part++) {
    assert_int_equal(gmix_table_read_part(p, NULL, part, 2, &t, NULL), GMIX_OK);
    assert_int_equal(gmix_table_rows(t), 0);
    assert_int_equal(gmix_table_cols(t), 3);
    gmix_table_free(t);
  }
}

/* Rows in messages are numbered in the whole file, and a part that does
 * not hold the bad row reads well. */
static void test_npy_error_rows(void **state) {
  (void)state;
  for (int fortran = 0; fortran <= 1; fortran++) {
    const char *p = write_npy("nan.npy", "<f4", fortran, 40, 3, 29);
    char want[GMIX_ERROR_MESSAGE_SIZE];
    snprintf(want, sizeof want, "%s: row 30, column 3 is nan", p);
    assert_string_equal(io_test_read_fail(p, NULL, GMIX_ENONFINITE), want);
    for (size_t n_parts = 1; n_parts <= MAX_PARTS; n_parts++)
      for (size_t part = 0; part < n_parts; part++) {
        gmix_table *t = NULL;
        gmix_error err = {GMIX_OK, ""};
        gmix_status st = gmix_table_read_part(p, NULL, part, n_parts, &t, &err);
        size_t first = 40 * part / n_parts, end = 40 * (part + 1) / n_parts;
        if (first <= 29 && 29 < end) {
          assert_int_equal(st, GMIX_ENONFINITE);
          assert_string_equal(err.message, want);
        } else {
          assert_int_equal(st, GMIX_OK);
          assert_int_equal(gmix_table_rows(t), end - first);
          gmix_table_free(t);
        }
      }
    gmix_reader *r = NULL;
    assert_int_equal(gmix_reader_open(p, NULL, &r, NULL), GMIX_OK);
    const double *x;
    size_t n;
    gmix_error err;
    assert_int_equal(gmix_reader_next(r, 25, &x, NULL, &n, &err), GMIX_OK);
    assert_int_equal(n, 25);
    assert_int_equal(gmix_reader_next(r, 25, &x, NULL, &n, &err),
                     GMIX_ENONFINITE);
    assert_string_equal(err.message, want);
    gmix_reader_free(r);
  }
}

/* ---- arguments and inputs that cannot be split --------------------------- */

static void test_invalid(void **state) {
  (void)state;
  const char *p = io_test_write_text("inv.csv", "a\n1\n2\n");
  gmix_table *t = NULL;
  gmix_error err;
  assert_int_equal(gmix_table_read_part(p, NULL, 0, 0, &t, &err), GMIX_EINVAL);
  assert_int_equal(gmix_table_read_part(p, NULL, 3, 3, &t, &err), GMIX_EINVAL);
  assert_non_null(strstr(err.message, "part 3 of 3"));
  assert_int_equal(gmix_table_read_part(NULL, NULL, 0, 1, &t, &err),
                   GMIX_EINVAL);
  assert_int_equal(gmix_table_read_part(p, NULL, 0, 1, NULL, &err),
                   GMIX_EINVAL);
  assert_int_equal(gmix_table_read_part("-", NULL, 0, 1, &t, &err),
                   GMIX_EINVAL);
  assert_non_null(strstr(err.message, "standard input"));
  assert_null(t);

  /* A pipe has no byte count to split. */
  const char *fifo = io_test_path(2, "fifo");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  int keep = open(fifo, O_RDWR); /* so that opening for reading returns */
  assert_true(keep >= 0);
  assert_int_equal(gmix_table_read_part(fifo, NULL, 0, 2, &t, &err),
                   GMIX_EINVAL);
  assert_non_null(strstr(err.message, "not a regular file"));
  close(keep);
  unlink(fifo);

  gmix_reader *r = NULL;
  assert_int_equal(gmix_reader_open(NULL, NULL, &r, &err), GMIX_EINVAL);
  assert_int_equal(gmix_reader_open(p, NULL, NULL, &err), GMIX_EINVAL);
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.header = 5;
  assert_int_equal(gmix_reader_open(p, &opt, &r, &err), GMIX_EINVAL);
  assert_int_equal(
      gmix_reader_open(io_test_path(2, "none.csv"), NULL, &r, &err), GMIX_EIO);
  assert_non_null(strstr(err.message, "none.csv"));
  p = io_test_write_text("blank.csv", "\n# nothing\n\n");
  assert_int_equal(gmix_reader_open(p, NULL, &r, &err), GMIX_EPARSE);
  assert_non_null(strstr(err.message, "no data rows"));
  assert_int_equal(gmix_table_read_part(p, NULL, 0, 2, &t, &err), GMIX_EPARSE);
  assert_null(r);

  p = io_test_write_text("inv.csv", "a\n1\n2\n");
  assert_int_equal(gmix_reader_open(p, NULL, &r, &err), GMIX_OK);
  const double *x = NULL;
  size_t n = 0;
  assert_int_equal(gmix_reader_next(r, 0, &x, NULL, &n, &err), GMIX_EINVAL);
  assert_int_equal(gmix_reader_next(r, 1, NULL, NULL, &n, &err), GMIX_EINVAL);
  assert_int_equal(gmix_reader_next(r, 1, &x, NULL, NULL, &err), GMIX_EINVAL);
  assert_int_equal(gmix_reader_next(NULL, 1, &x, NULL, &n, &err), GMIX_EINVAL);
  assert_int_equal(gmix_reader_rewind(NULL, &err), GMIX_EINVAL);
  /* Nothing was consumed by the refused calls. */
  assert_int_equal(gmix_reader_next(r, 5, &x, NULL, &n, &err), GMIX_OK);
  assert_int_equal(n, 2);
  gmix_reader_free(r);
  gmix_reader_free(NULL);
  assert_int_equal(gmix_reader_cols(NULL), 0);
  assert_null(gmix_reader_column_name(NULL, 0));
  assert_int_equal(gmix_reader_dropped_rows(NULL), 0);
}

/* Standard input streams once; it cannot be rewound. */
static void test_stdin_stream(void **state) {
  (void)state;
  const char *p = io_test_write_text("in.csv", "a;b\n1;2\n3;4\n5;6\n");
  int saved = dup(STDIN_FILENO);
  int fd = open(p, O_RDONLY);
  assert_true(saved >= 0 && fd >= 0);
  assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  close(fd);
  gmix_reader *r = NULL;
  gmix_error err;
  assert_int_equal(gmix_reader_open("-", NULL, &r, &err), GMIX_OK);
  assert_string_equal(gmix_reader_column_name(r, 1), "b");
  const double *x;
  size_t n;
  assert_int_equal(gmix_reader_next(r, 2, &x, NULL, &n, &err), GMIX_OK);
  assert_int_equal(n, 2);
  assert_true(x[0] == 1 && x[3] == 4);
  assert_int_equal(gmix_reader_next(r, 2, &x, NULL, &n, &err), GMIX_OK);
  assert_int_equal(n, 1);
  assert_true(x[1] == 6);
  assert_int_equal(gmix_reader_rewind(r, &err), GMIX_EINVAL);
  assert_string_equal(err.message, "<stdin>: standard input cannot be rewound");
  gmix_reader_free(r);
  assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
}

/* Where a share starts: exact for any sizes, no overflow, shares that
 * tile [0, n). Checked against 128-bit arithmetic. */
__extension__ typedef unsigned __int128 u128;

static void test_share_bound(void **state) {
  (void)state;
  uint64_t s = 0x243F6A8885A308D3u;
  for (int k = 0; k < 100000; k++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    uint64_t n = k % 3 == 0 ? s : s >> (s % 64);
    uint64_t parts = (s * 0x9E3779B97F4A7C15u) >> (k % 64);
    if (parts == 0)
      parts = 1;
    uint64_t part = (s >> 7) % parts;
    u128 want = (u128)n * part / parts;
    assert_true(gmix__share_bound(n, part, parts) == (uint64_t)want);
    assert_true(gmix__share_bound(n, part, parts) <=
                gmix__share_bound(n, part + 1, parts));
  }
  assert_true(gmix__share_bound(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX) ==
              UINT64_MAX - 1);
  assert_true(gmix__share_bound(10, 3, 3) == 10);
  assert_true(gmix__share_bound(10, 1, 3) == 3);
  assert_true(gmix__share_bound(0, 1, 3) == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_parts),
      cmocka_unit_test(test_text_stream),
      cmocka_unit_test(test_drop_bad_rows),
      cmocka_unit_test(test_long_lines),
      cmocka_unit_test(test_large_text),
      cmocka_unit_test(test_text_error_lines),
      cmocka_unit_test(test_npy_parts_and_stream),
      cmocka_unit_test(test_npy_error_rows),
      cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_stdin_stream),
      cmocka_unit_test(test_share_bound),
  };
  return cmocka_run_group_tests_name("io_parts", tests, NULL, io_test_teardown);
}
