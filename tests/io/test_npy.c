/*
 * test_npy.c -- the NumPy .npy reader and writer: every dtype, byte order,
 * memory order and format version we accept, memory mapping, the error
 * messages, and atomic writes.
 */
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

static void assert_same_double(double got, double want) {
  if (memcmp(&got, &want, sizeof got) != 0)
    fail_msg("got %.17g, want %.17g", got, want);
}

/* Store v as `size` bytes (8: double, 4: float) in the given byte order. */
static void put(unsigned char *p, double v, size_t size, int big) {
  unsigned char b[8];
  if (size == 8)
    memcpy(b, &v, 8);
  else {
    float f = (float)v;
    memcpy(b, &f, 4);
  }
  const uint16_t one = 1;
  int host_big = *(const unsigned char *)&one == 0;
  for (size_t k = 0; k < size; k++)
    p[k] = big == host_big ? b[k] : b[size - 1 - k];
}

/* Write a .npy file holding the n x d matrix x (row-major) with the given
 * dtype and memory order. */
static const char *write_npy(const char *name, int major, const char *descr,
                             int fortran, const double *x, size_t n, size_t d) {
  size_t size = descr[2] == '8' ? 8 : 4;
  int big = descr[0] == '>';
  unsigned char *data = malloc(n * d * size + 1);
  assert_non_null(data);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      size_t at = fortran ? j * n + i : i * d + j;
      put(data + at * size, x[i * d + j], size, big);
    }
  char dict[256];
  snprintf(dict, sizeof dict,
           "{'descr': '%s', 'fortran_order': %s, 'shape': (%zu, %zu), }", descr,
           fortran ? "True" : "False", n, d);
  size_t len;
  unsigned char *img = io_test_npy_image(major, dict, data, n * d * size, &len);
  const char *p = io_test_write(name, img, len);
  free(img);
  free(data);
  return p;
}

static const double small[6] = {1.5, -2.25, 3e10, 0.0, -1e-5, 42};

static void test_dtypes_and_orders(void **state) {
  (void)state;
  static const char *descrs[] = {"<f8", ">f8", "<f4", ">f4"};
  for (int major = 1; major <= 3; major++)
    for (size_t k = 0; k < 4; k++)
      for (int fortran = 0; fortran <= 1; fortran++) {
        const char *p =
            write_npy("t.npy", major, descrs[k], fortran, small, 2, 3);
        gmix_table *t = io_test_read_ok(p, NULL);
        assert_int_equal(gmix_table_rows(t), 2);
        assert_int_equal(gmix_table_cols(t), 3);
        assert_int_equal(gmix_table_is_mapped(t), 0);
        assert_null(gmix_table_column_name(t, 0));
        for (size_t x = 0; x < 6; x++) {
          double want =
              descrs[k][2] == '4' ? (double)(float)small[x] : small[x];
          assert_same_double(gmix_table_data(t)[x], want);
        }
        gmix_table_free(t);
      }
}

static void test_header_variants(void **state) {
  (void)state;
  double v[3] = {1, 2, 3};
  unsigned char data[24];
  for (int i = 0; i < 3; i++)
    put(data + 8 * i, v[i], 8, 0);
  static const char *dicts[] = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
      "{\"shape\": (3L, 1L), \"fortran_order\": False, \"descr\": \"<f8\"}",
      "{ 'fortran_order' : True , 'descr':'<f8','shape':( 1 , 3 ) ,}",
      "{'descr': '<f8', 'extra': [1, (2, 3), {'k': 'v'}], "
      "'fortran_order': False, 'shape': (3, 1)}",
  };
  static const size_t rows[] = {3, 3, 1, 3};
  for (size_t k = 0; k < 4; k++) {
    size_t len;
    unsigned char *img = io_test_npy_image(1, dicts[k], data, 24, &len);
    gmix_table *t = io_test_read_ok(io_test_write("h.npy", img, len), NULL);
    free(img);
    assert_int_equal(gmix_table_rows(t), rows[k]);
    assert_int_equal(gmix_table_rows(t) * gmix_table_cols(t), 3);
    for (size_t x = 0; x < 3; x++)
      assert_same_double(gmix_table_data(t)[x], v[x]);
    gmix_table_free(t);
  }
}

/* Write a header-only image with `dict` and `data_len` bytes of zeros and
 * expect `status` with `fragment` in the message. */
static void expect_bad(const char *dict, size_t data_len, gmix_status status,
                       const char *fragment) {
  unsigned char *zeros = calloc(1, data_len + 1);
  size_t len;
  unsigned char *img = io_test_npy_image(1, dict, zeros, data_len, &len);
  const char *p = io_test_write("bad.npy", img, len);
  const char *msg = io_test_read_fail(p, NULL, status);
  if (!strstr(msg, fragment))
    fail_msg("message '%s' lacks '%s'", msg, fragment);
  assert_non_null(strstr(msg, "bad.npy"));
  free(img);
  free(zeros);
}

static void test_errors(void **state) {
  (void)state;
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", 63,
             GMIX_EPARSE, "truncated");
  expect_bad("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8,
             GMIX_EPARSE, "unsupported dtype '<i4'");
  expect_bad("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16,
             GMIX_EPARSE, "unsupported dtype '|O'");
  expect_bad("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 16,
             GMIX_EPARSE, "unsupported dtype");
  expect_bad("{'descr': [('a', '<f8')], 'fortran_order': False, "
             "'shape': (2,), }",
             16, GMIX_EPARSE, "structured");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }",
             64, GMIX_EPARSE, "3 dimensions");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8,
             GMIX_EPARSE, "0 dimensions");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", 0,
             GMIX_EPARSE, "no data rows");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", 0,
             GMIX_EPARSE, "no columns");
  expect_bad("{'descr': '<f8', 'fortran_order': False}", 8, GMIX_EPARSE,
             "'shape' is missing");
  expect_bad("{'descr': '<f8', 'shape': (1,)}", 8, GMIX_EPARSE,
             "'fortran_order' is missing");
  expect_bad("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,)}", 8,
             GMIX_EPARSE, "neither True nor False");
  expect_bad("['descr', '<f8']", 8, GMIX_EPARSE, "bad .npy header");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", 8,
             GMIX_EPARSE, "bad .npy header");
  expect_bad("{'descr': '<f8', 'fortran_order': False, 'shape': (a,)}", 8,
             GMIX_EPARSE, "bad .npy header");
  expect_bad("{'descr': '<f8', 'fortran_order': False, "
             "'shape': (4611686018427387904, 4), }",
             8, GMIX_EOVERFLOW, "too large");
  expect_bad("{'descr': '<f8', 'fortran_order': False, "
             "'shape': (99999999999999999999999, 4), }",
             8, GMIX_EOVERFLOW, "too large");

  /* Magic, version and preamble. */
  const char *p = io_test_write("m.npy", "\x93NUMPX\x01\x00", 8);
  assert_non_null(strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "magic"));
  p = io_test_write("m.npy", "\x93NUM", 4);
  assert_non_null(strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "magic"));
  p = io_test_write("m.npy", "\x93NUMPY\x04\x00\x10\x00", 10);
  assert_non_null(
      strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "version 4.0"));
  p = io_test_write("m.npy", "\x93NUMPY\x01\x00\x40\x00{'descr'", 17);
  assert_non_null(
      strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "truncated .npy header"));
  p = io_test_write("m.npy", "\x93NUMPY\x02\x00\x40", 9);
  assert_non_null(
      strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "truncated .npy header"));
  p = io_test_write("m.npy", "\x93NUMPY\x02\x00\x00\x00\x00\x01", 12);
  assert_non_null(strstr(io_test_read_fail(p, NULL, GMIX_EPARSE), "header"));
}

static void test_nonfinite(void **state) {
  (void)state;
  double x[6] = {1, 2, 3, 4, NAN, 6};
  const char *p = write_npy("nf.npy", 1, ">f4", 1, x, 2, 3);
  const char *msg = io_test_read_fail(p, NULL, GMIX_ENONFINITE);
  char want[600];
  snprintf(want, sizeof want, "%s: row 2, column 2 is nan", p);
  assert_string_equal(msg, want);

  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.drop_bad_rows = 1;
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_rows(t), 1);
  assert_int_equal(gmix_table_dropped_rows(t), 1);
  assert_same_double(gmix_table_data(t)[2], 3);
  gmix_table_free(t);

  /* A bad value in a column left out does not matter. */
  opt.drop_bad_rows = 0;
  opt.columns = "3,1";
  t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_same_double(gmix_table_data(t)[2], 6);
  assert_same_double(gmix_table_data(t)[3], 4);
  gmix_table_free(t);

  x[4] = 2;
  x[5] = -INFINITY;
  p = write_npy("nf.npy", 1, "<f8", 0, x, 2, 3);
  msg = io_test_read_fail(p, NULL, GMIX_ENONFINITE);
  assert_non_null(strstr(msg, "row 2, column 3 is -inf"));
}

static void test_selection_and_weights(void **state) {
  (void)state;
  const char *p = write_npy("sel.npy", 1, "<f8", 0, small, 2, 3);
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.weight_column = "2";
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_cols(t), 2);
  assert_same_double(gmix_table_data(t)[0], 1.5);
  assert_same_double(gmix_table_data(t)[1], 3e10);
  assert_same_double(gmix_table_weights(t)[1], -1e-5);
  gmix_table_free(t);

  opt.columns = "a";
  const char *msg = io_test_read_fail(p, &opt, GMIX_EINVAL);
  assert_non_null(strstr(msg, "unknown column 'a'"));
}

/* A large little-endian float64 C-order file is mapped when the options
 * allow it (by default it is copied), and still checked for non-finite
 * values. */
static void test_mapping(void **state) {
  (void)state;
  const size_t n = 40000, d = 4; /* 1.28 MB */
  assert_true(n * d * 8 >= GMIX__NPY_MMAP_MIN_BYTES);
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  for (size_t k = 0; k < n * d; k++)
    x[k] = (double)k * 0.25 - 7;
  const char *p = io_test_path(1, "big.npy");
  gmix_error err;
  assert_int_equal(gmix_npy_write(p, x, n, d, &err), GMIX_OK);
  gmix_read_options opt, mapped;
  gmix_read_options_init(&mapped);
  mapped.allow_mmap = 1;
  gmix_table *t = io_test_read_ok(p, &mapped);
  assert_int_equal(gmix_table_is_mapped(t), 1);
  assert_int_equal(gmix_table_rows(t), n);
  assert_int_equal(gmix_table_cols(t), d);
  assert_memory_equal(gmix_table_data(t), x, n * d * sizeof *x);
  gmix_table_free(t);

  gmix_read_options_init(&opt);
  assert_int_equal(opt.allow_mmap, 0);
  t = io_test_read_ok(p, &opt); /* the default: a copy */
  assert_int_equal(gmix_table_is_mapped(t), 0);
  assert_memory_equal(gmix_table_data(t), x, n * d * sizeof *x);
  gmix_table_free(t);

  /* Selection from a mapped file copies. */
  opt.allow_mmap = 1;
  opt.columns = "4";
  t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_is_mapped(t), 0);
  assert_int_equal(gmix_table_cols(t), 1);
  assert_same_double(gmix_table_data(t)[n - 1], x[n * d - 1]);
  gmix_table_free(t);

  x[(n - 3) * d + 1] = INFINITY;
  assert_int_equal(gmix_npy_write(p, x, n, d, &err), GMIX_OK);
  const char *msg = io_test_read_fail(p, NULL, GMIX_ENONFINITE);
  char want[600];
  snprintf(want, sizeof want, "%s: row %zu, column 2 is inf", p, n - 2);
  assert_string_equal(msg, want);
  assert_string_equal(io_test_read_fail(p, &mapped, GMIX_ENONFINITE), want);

  opt.columns = NULL;
  opt.drop_bad_rows = 1;
  t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_is_mapped(t), 0);
  assert_int_equal(gmix_table_rows(t), n - 1);
  assert_int_equal(gmix_table_dropped_rows(t), 1);
  assert_same_double(gmix_table_data(t)[(n - 2) * d], x[(n - 1) * d]);
  gmix_table_free(t);
  free(x);
}

static void test_write_format(void **state) {
  (void)state;
  const char *p = io_test_path(1, "w.npy");
  gmix_error err;
  mode_t saved = umask(022);
  assert_int_equal(gmix_npy_write(p, small, 3, 2, &err), GMIX_OK);
  umask(saved);
  FILE *f = fopen(p, "rb");
  assert_non_null(f);
  unsigned char buf[256];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  assert_memory_equal(buf, "\x93NUMPY\x01\x00", 8);
  size_t hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
  assert_int_equal((10 + hlen) % 64, 0);
  assert_int_equal(len, 10 + hlen + 6 * 8);
  assert_int_equal(buf[10 + hlen - 1], '\n');
  char header[200];
  memcpy(header, buf + 10, hlen);
  header[hlen] = '\0';
  assert_non_null(strstr(header,
                         "{'descr': '<f8', 'fortran_order': False, 'shape': "
                         "(3, 2), }"));
  for (size_t k = 0; k < 6; k++) {
    unsigned char want[8];
    put(want, small[k], 8, 0);
    assert_memory_equal(buf + 10 + hlen + 8 * k, want, 8);
  }
  gmix_table *t = io_test_read_ok(p, NULL);
  assert_int_equal(gmix_table_rows(t), 3);
  assert_memory_equal(gmix_table_data(t), small, sizeof small);
  gmix_table_free(t);
  struct stat sb;
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0644);
}

static void test_write_atomic(void **state) {
  (void)state;
  gmix_error err;
  io_test_cleanup();
  const char *p = io_test_path(1, "target.npy");
  assert_int_equal(gmix_npy_write(p, small, 6, 1, &err), GMIX_OK);
  assert_int_equal(io_test_dir_entries(), 1);
  chmod(p, 0640);
  assert_int_equal(gmix_npy_write(p, small, 2, 3, &err), GMIX_OK);
  assert_int_equal(io_test_dir_entries(), 1);
  struct stat sb;
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0640);
  gmix_table *t = io_test_read_ok(p, NULL);
  assert_int_equal(gmix_table_cols(t), 3);
  gmix_table_free(t);

  /* A failed write leaves the old file and no temporary behind. */
  gmix__fault_inject(1);
  assert_int_equal(gmix_npy_write(p, small, 1, 6, &err), GMIX_ENOMEM);
  gmix__fault_inject(0);
  assert_int_equal(io_test_dir_entries(), 1);
  t = io_test_read_ok(p, NULL);
  assert_int_equal(gmix_table_cols(t), 3);
  gmix_table_free(t);

  /* Writing into a folder that does not exist, or onto a folder. */
  const char *q = io_test_path(2, "no/such/dir.npy");
  assert_int_equal(gmix_npy_write(q, small, 1, 1, &err), GMIX_EIO);
  assert_non_null(strstr(err.message, "no/such/dir.npy"));
  assert_int_equal(gmix_npy_write(io_test_dir(), small, 1, 1, &err), GMIX_EIO);
  assert_int_equal(io_test_dir_entries(), 1);

  assert_int_equal(gmix_npy_write(NULL, small, 1, 1, &err), GMIX_EINVAL);
  assert_int_equal(gmix_npy_write(p, NULL, 1, 1, &err), GMIX_EINVAL);
  assert_int_equal(gmix_npy_write(p, small, SIZE_MAX / 4, 3, &err),
                   GMIX_EINVAL);
  assert_int_equal(io_test_dir_entries(), 1);
}

/* Whether msg starts with "<path>: truncated". */
static void assert_truncated(const char *msg, const char *path) {
  char want[600];
  snprintf(want, sizeof want, "%s: truncated", path);
  if (strncmp(msg, want, strlen(want)) != 0)
    fail_msg("'%s' does not start with '%s'", msg, want);
}

/* A file cut short by another process while it is being read: between
 * the header and the data (the window inside gmix_table_read, whether it
 * maps or copies), and while a block reader has it open. Each is a clean
 * error naming the file, never a SIGBUS; a table copied before the cut
 * keeps its rows. */
static void test_truncated_while_reading(void **state) {
  (void)state;
  const size_t n = 50000, d = 4; /* 1.6 MB: large enough to be mapped */
  assert_true(n * d * 8 >= GMIX__NPY_MMAP_MIN_BYTES);
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  for (size_t k = 0; k < n * d; k++)
    x[k] = (double)k;
  const char *p = io_test_path(1, "cut.npy");
  gmix_error err;
  struct stat sb;
  for (int map = 0; map <= 1; map++) {
    assert_int_equal(gmix_npy_write(p, x, n, d, &err), GMIX_OK);
    assert_int_equal(stat(p, &sb), 0);
    off_t header = sb.st_size - (off_t)(n * d * 8);
    gmix_read_options opt;
    gmix_read_options_init(&opt);
    opt.allow_mmap = map;
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    gmix__npy *z = NULL;
    assert_int_equal(gmix__npy_open(fd, p, &opt, &z, &err), GMIX_OK);
    assert_int_equal(truncate(p, header + (off_t)(1000 * d * 8 + 3)), 0);
    gmix_table t;
    memset(&t, 0, sizeof t);
    assert_int_equal(gmix__npy_take(z, &t, &err), GMIX_EPARSE);
    assert_truncated(err.message, p);
    assert_null(t.map);
    assert_null(t.owned);
    gmix__npy_free(z);
    close(fd);
  }

  /* A block reader: the blocks before the cut, then the error. */
  assert_int_equal(gmix_npy_write(p, x, n, d, &err), GMIX_OK);
  assert_int_equal(stat(p, &sb), 0);
  off_t header = sb.st_size - (off_t)(n * d * 8);
  gmix_table *copy = io_test_read_ok(p, NULL);
  gmix_reader *r = NULL;
  assert_int_equal(gmix_reader_open(p, NULL, &r, &err), GMIX_OK);
  const double *b, *w;
  size_t rows;
  assert_int_equal(gmix_reader_next(r, 1000, &b, &w, &rows, &err), GMIX_OK);
  assert_int_equal(rows, 1000);
  assert_int_equal(truncate(p, header + (off_t)(1500 * d * 8)), 0);
  assert_int_equal(gmix_reader_next(r, 400, &b, &w, &rows, &err), GMIX_OK);
  assert_int_equal(rows, 400);
  assert_memory_equal(b, x + 1000 * d, 400 * d * sizeof *x);
  assert_int_equal(gmix_reader_next(r, 400, &b, &w, &rows, &err), GMIX_EPARSE);
  assert_truncated(err.message, p);
  gmix_reader_free(r);
  /* The copy read before the cut is whole. */
  assert_int_equal(gmix_table_rows(copy), n);
  assert_memory_equal(gmix_table_data(copy), x, n * d * sizeof *x);
  gmix_table_free(copy);
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dtypes_and_orders),
      cmocka_unit_test(test_header_variants),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_nonfinite),
      cmocka_unit_test(test_selection_and_weights),
      cmocka_unit_test(test_mapping),
      cmocka_unit_test(test_truncated_while_reading),
      cmocka_unit_test(test_write_format),
      cmocka_unit_test(test_write_atomic),
  };
  return cmocka_run_group_tests_name("io_npy", tests, NULL, io_test_teardown);
}
