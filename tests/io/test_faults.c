/*
 * test_faults.c -- allocation failure in the data-file readers (whole, in
 * parts and as block streams) and the writer. For N = 1, 2, ... the N-th
 * allocation (and every later one) fails until the call succeeds: every failing
 * call must return GMIX_ENOMEM, leave *out untouched and leak nothing (run
 * under LeakSanitizer by `make test`).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io_internal.h"
#include "io_test.h"

/* More allocations than any read below makes; a loop that reaches it means
 * the call never succeeds. */
#define MAX_FAULTS 10000

/* Run the read of `path` with every allocation failure point; returns how
 * many points there were. */
static size_t read_with_faults(const char *path, const gmix_read_options *opt,
                               size_t expect_rows) {
  for (size_t n = 1; n < MAX_FAULTS; n++) {
    gmix_table *t = NULL;
    gmix_error err = {GMIX_OK, ""};
    gmix__fault_inject(n);
    gmix_status st = gmix_table_read(path, opt, &t, &err);
    gmix__fault_inject(0);
    if (st == GMIX_OK) {
      assert_non_null(t);
      assert_int_equal(gmix_table_rows(t), expect_rows);
      gmix_table_free(t);
      return n;
    }
    if (st != GMIX_ENOMEM)
      fail_msg("%s: allocation %zu failing gave status %d: %s", path, n,
               (int)st, err.message);
    assert_null(t);
    assert_int_equal(err.status, GMIX_ENOMEM);
  }
  fail_msg("%s never succeeded", path);
  return 0;
}

/* The same for the parts of `path`: every part of `n_parts` read with
 * every failure point; the rows of the parts add up to `expect_rows`. */
static void read_parts_with_faults(const char *path,
                                   const gmix_read_options *opt, size_t n_parts,
                                   size_t expect_rows) {
  size_t total = 0;
  for (size_t part = 0; part < n_parts; part++) {
    for (size_t n = 1;; n++) {
      assert_true(n < MAX_FAULTS);
      gmix_table *t = NULL;
      gmix_error err = {GMIX_OK, ""};
      gmix__fault_inject(n);
      gmix_status st = gmix_table_read_part(path, opt, part, n_parts, &t, &err);
      gmix__fault_inject(0);
      if (st == GMIX_OK) {
        total += gmix_table_rows(t);
        gmix_table_free(t);
        break;
      }
      if (st != GMIX_ENOMEM)
        fail_msg("%s part %zu: allocation %zu failing gave status %d: %s", path,
                 part, n, (int)st, err.message);
      assert_null(t);
    }
  }
  assert_int_equal(total, expect_rows);
}

/* And for a stream: open, two passes in blocks of `max_rows` with a rewind
 * between, with every failure point. A failure leaves the reader to be
 * freed (or rewound); the outputs of a failing call are untouched. */
static void stream_with_faults(const char *path, const gmix_read_options *opt,
                               size_t max_rows, size_t expect_rows) {
  for (size_t n = 1;; n++) {
    assert_true(n < MAX_FAULTS);
    gmix_reader *r = NULL;
    gmix_error err = {GMIX_OK, ""};
    gmix__fault_inject(n);
    gmix_status st = gmix_reader_open(path, opt, &r, &err);
    size_t seen[2] = {0, 0};
    for (int pass = 0; pass < 2 && st == GMIX_OK; pass++) {
      if (pass == 1)
        st = gmix_reader_rewind(r, &err);
      for (;;) {
        const double *x = NULL;
        size_t rows = SIZE_MAX;
        if (st != GMIX_OK)
          break;
        st = gmix_reader_next(r, max_rows, &x, NULL, &rows, &err);
        if (st != GMIX_OK) {
          assert_null(x);
          assert_int_equal(rows, SIZE_MAX);
          break;
        }
        if (rows == 0)
          break;
        seen[pass] += rows;
      }
    }
    gmix__fault_inject(0);
    gmix_reader_free(r);
    if (st == GMIX_OK) {
      assert_int_equal(seen[0], expect_rows);
      assert_int_equal(seen[1], expect_rows);
      return;
    }
    if (st != GMIX_ENOMEM)
      fail_msg("%s stream: allocation %zu failing gave status %d: %s", path, n,
               (int)st, err.message);
  }
}

static void test_csv_faults(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  /* Enough rows to grow the output several times, a header with enough
   * columns to grow the field list. */
  size_t rows = 5000, cap = rows * 20 * 16, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (int j = 0; j < 20; j++)
    len += (size_t)snprintf(text + len, cap - len, "%sc%d", j ? "," : "", j);
  text[len++] = '\n';
  for (size_t i = 0; i < rows; i++)
    for (int j = 0; j < 20; j++)
      len += (size_t)snprintf(text + len, cap - len, "%zu.%d%c", i, j,
                              j < 19 ? ',' : '\n');
  const char *p = io_test_write("f.csv", text, len);
  assert_true(read_with_faults(p, NULL, rows) > 5);
  read_parts_with_faults(p, NULL, 3, rows);
  stream_with_faults(p, NULL, 1000, rows);

  opt.columns = "c3,c1,5";
  opt.weight_column = "c19";
  read_with_faults(p, &opt, rows);
  read_parts_with_faults(p, &opt, 2, rows);
  stream_with_faults(p, &opt, 7, rows);

  /* No header, dropped rows. */
  p = io_test_write_text("g.csv", "1 2\n3 x\n5 6\n7\n");
  gmix_read_options_init(&opt);
  opt.drop_bad_rows = 1;
  read_with_faults(p, &opt, 2);
  read_parts_with_faults(p, &opt, 4, 2);
  stream_with_faults(p, &opt, 1, 2);

  /* Failures that are not about memory still win when memory is fine. */
  p = io_test_write_text("h.csv", "a,b\n1,2\n3,z\n");
  for (size_t n = 1; n < MAX_FAULTS; n++) {
    gmix_table *t = NULL;
    gmix__fault_inject(n);
    gmix_status st = gmix_table_read(p, NULL, &t, NULL);
    gmix__fault_inject(0);
    assert_null(t);
    if (st == GMIX_EPARSE)
      break;
    assert_int_equal(st, GMIX_ENOMEM);
  }
  free(text);
}

static void test_npy_faults(void **state) {
  (void)state;
  io_test_cleanup(); /* start from an empty folder */
  const size_t n = 40000, d = 4;
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  for (size_t k = 0; k < n * d; k++)
    x[k] = sqrt((double)k);
  const char *p = io_test_path(1, "f.npy");
  gmix_error err;

  /* Writing: each failure leaves no file behind. */
  for (size_t k = 1; k < MAX_FAULTS; k++) {
    gmix__fault_inject(k);
    gmix_status st = gmix_npy_write(p, x, n, d, &err);
    gmix__fault_inject(0);
    if (st == GMIX_OK)
      break;
    assert_int_equal(st, GMIX_ENOMEM);
    assert_int_equal(io_test_dir_entries(), 0);
  }
  assert_int_equal(io_test_dir_entries(), 1);

  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.allow_mmap = 1;
  read_with_faults(p, &opt, n); /* mapped */
  read_parts_with_faults(p, &opt, 2, n);
  stream_with_faults(p, &opt, 4096, n);
  opt.columns = "2,1";
  opt.weight_column = "4";
  read_with_faults(p, &opt, n); /* mapped, then copied */
  read_parts_with_faults(p, &opt, 3, n);
  stream_with_faults(p, &opt, 1000, n);
  opt.allow_mmap = 0;
  read_with_faults(p, &opt, n); /* copied */

  /* Converted (float32, Fortran order) with a dropped row. */
  static const float data[6] = {1, 2, NAN, 4, 5, 6};
  size_t len;
  unsigned char *img = io_test_npy_image(
      1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", data,
      sizeof data, &len);
  p = io_test_write("g.npy", img, len);
  free(img);
  gmix_read_options_init(&opt);
  opt.drop_bad_rows = 1;
  read_with_faults(p, &opt, 2);
  read_parts_with_faults(p, &opt, 2, 2);
  stream_with_faults(p, &opt, 1, 2);
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_faults),
      cmocka_unit_test(test_npy_faults),
  };
  return cmocka_run_group_tests_name("io_faults", tests, NULL,
                                     io_test_teardown);
}
