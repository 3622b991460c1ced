/*
 * test_csv.c -- the delimited-text reader: formats, headers, selection,
 * weights, every error message, and values bit-identical to strtod.
 */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_internal.h"
#include "io_test.h"

/* Values read from text must equal strtod's exactly: compared as bits. */
static void assert_same_double(double got, double want) {
  uint64_t a, b;
  memcpy(&a, &got, 8);
  memcpy(&b, &want, 8);
  if (a != b)
    fail_msg("got %.17g (0x%016llx), want %.17g (0x%016llx)", got,
             (unsigned long long)a, want, (unsigned long long)b);
}

static void assert_row(const gmix_table *t, size_t i, const double *want) {
  size_t d = gmix_table_cols(t);
  for (size_t j = 0; j < d; j++)
    assert_same_double(gmix_table_data(t)[i * d + j], want[j]);
}

static void assert_name(const gmix_table *t, size_t j, const char *want) {
  const char *got = gmix_table_column_name(t, j);
  assert_non_null(got);
  assert_string_equal(got, want);
}

static void test_header_and_values(void **state) {
  (void)state;
  const char *p =
      io_test_write_text("basic.csv", "a,b,c\n1,2,3\n4.5,-6,7e-3\n");
  gmix_table *t = io_test_read_ok(p, NULL);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_int_equal(gmix_table_cols(t), 3);
  assert_name(t, 0, "a");
  assert_name(t, 1, "b");
  assert_name(t, 2, "c");
  assert_null(gmix_table_column_name(t, 3));
  assert_row(t, 0, (double[]){1, 2, 3});
  assert_row(t, 1, (double[]){4.5, -6, 7e-3});
  assert_null(gmix_table_weights(t));
  assert_int_equal(gmix_table_dropped_rows(t), 0);
  assert_int_equal(gmix_table_is_mapped(t), 0);
  gmix_table_free(t);
}

static void test_delimiters(void **state) {
  (void)state;
  static const char *texts[] = {
      "x\ty\tz\n1\t2\t3\n4\t5\t6\n",
      "x;y;z\n1;2;3\n4;5;6\n",
      "x y z\n1 2 3\n4 5 6\n",
      "  x  y   z  \n1   2\t\t3\n  4 5 6   \n",
      "x, y , z\n1, 2 ,3\n 4 ,5,  6\n",
  };
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    gmix_table *t =
        io_test_read_ok(io_test_write_text("d.txt", texts[k]), NULL);
    assert_int_equal(gmix_table_rows(t), 2);
    assert_int_equal(gmix_table_cols(t), 3);
    assert_name(t, 0, "x");
    assert_name(t, 1, "y");
    assert_name(t, 2, "z");
    assert_row(t, 0, (double[]){1, 2, 3});
    assert_row(t, 1, (double[]){4, 5, 6});
    gmix_table_free(t);
  }
}

static void test_no_header(void **state) {
  (void)state;
  gmix_table *t =
      io_test_read_ok(io_test_write_text("nh.csv", "1,2\n3,4\n5,6\n"), NULL);
  assert_int_equal(gmix_table_rows(t), 3);
  assert_int_equal(gmix_table_cols(t), 2);
  assert_null(gmix_table_column_name(t, 0));
  assert_row(t, 2, (double[]){5, 6});
  gmix_table_free(t);

  /* One column, whitespace mode. */
  t = io_test_read_ok(io_test_write_text("one.txt", "1.5\n-2.5\n"), NULL);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_int_equal(gmix_table_cols(t), 1);
  assert_row(t, 1, (double[]){-2.5});
  gmix_table_free(t);
}

static void test_forced_options(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  const char *p = io_test_write_text("f.csv", "1;2\n3;4\n");
  opt.header = 1;
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_rows(t), 1);
  assert_name(t, 0, "1");
  assert_name(t, 1, "2");
  gmix_table_free(t);

  /* An explicit delimiter: the commas are then part of the cells. */
  opt.header = 0;
  opt.delimiter = ';';
  p = io_test_write_text("f2.csv", "1,5;2\n");
  const char *msg = io_test_read_fail(p, &opt, GMIX_EPARSE);
  assert_non_null(strstr(msg, ":1:1: '1,5' is not a number"));

  opt.delimiter = '\n';
  io_test_read_fail(p, &opt, GMIX_EINVAL);
  gmix_read_options_init(&opt);
  opt.header = 2;
  io_test_read_fail(p, &opt, GMIX_EINVAL);
}

static void test_quoted_header(void **state) {
  (void)state;
  gmix_table *t = io_test_read_ok(
      io_test_write_text("q.csv", "\"a,b\",c,\"say \"\"hi\"\"\"\n1,2,\"3\"\n"),
      NULL);
  assert_int_equal(gmix_table_cols(t), 3);
  assert_name(t, 0, "a,b");
  assert_name(t, 1, "c");
  assert_name(t, 2, "say \"hi\"");
  assert_row(t, 0, (double[]){1, 2, 3});
  gmix_table_free(t);

  /* The quoted comma must not win the delimiter vote. */
  t = io_test_read_ok(io_test_write_text("q2.csv", "\"x,y,z\";w\n1;2\n"), NULL);
  assert_int_equal(gmix_table_cols(t), 2);
  assert_name(t, 0, "x,y,z");
  assert_name(t, 1, "w");
  gmix_table_free(t);
}

static void test_crlf_blank_comments(void **state) {
  (void)state;
  const char *text = "\xEF\xBB\xBF# produced by a test\r\n\r\n"
                     "a,b\r\n1,2\r\n   \r\n# mid comment\r\n  # indented\r\n"
                     "3,4"; /* no final newline */
  gmix_table *t = io_test_read_ok(io_test_write_text("crlf.csv", text), NULL);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_name(t, 0, "a");
  assert_name(t, 1, "b");
  assert_row(t, 0, (double[]){1, 2});
  assert_row(t, 1, (double[]){3, 4});
  gmix_table_free(t);

  /* Line numbers in messages count every physical line. */
  const char *p = io_test_write_text("crlf2.csv", "# c\r\na,b\r\n\r\n1,2\r\n"
                                                  "# c\r\n3,x\r\n");
  const char *msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  char want[600];
  snprintf(want, sizeof want, "%s:6:2: 'x' is not a number", p);
  assert_string_equal(msg, want);
}

static void test_column_selection(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  const char *p = io_test_write_text("sel.csv", "a,b,c,label\n1,2,3,setosa\n"
                                                "4,5,6,\"virginica, x\"\n");
  opt.columns = "c, a";
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_cols(t), 2);
  assert_name(t, 0, "c");
  assert_name(t, 1, "a");
  assert_row(t, 0, (double[]){3, 1});
  assert_row(t, 1, (double[]){6, 4});
  gmix_table_free(t);

  opt.columns = "2,b"; /* index and name of the same column */
  const char *msg = io_test_read_fail(p, &opt, GMIX_EINVAL);
  assert_non_null(strstr(msg, "selected twice"));

  opt.columns = "3,1";
  t = io_test_read_ok(p, &opt);
  assert_name(t, 0, "c");
  assert_row(t, 1, (double[]){6, 4});
  gmix_table_free(t);

  opt.columns = "a,zz";
  msg = io_test_read_fail(p, &opt, GMIX_EINVAL);
  char want[600];
  snprintf(want, sizeof want, "%s: unknown column 'zz'", p);
  assert_string_equal(msg, want);

  opt.columns = "5";
  msg = io_test_read_fail(p, &opt, GMIX_EINVAL);
  assert_non_null(strstr(msg, "column 5 is out of range"));
  opt.columns = "0";
  io_test_read_fail(p, &opt, GMIX_EINVAL);
  opt.columns = "a,,b";
  io_test_read_fail(p, &opt, GMIX_EINVAL);

  /* Without selection the label column is data, and refused. */
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  assert_non_null(strstr(msg, ":2:4: 'setosa' is not a number"));

  /* Names need a header. */
  p = io_test_write_text("sel2.csv", "1,2\n3,4\n");
  opt.columns = "a";
  msg = io_test_read_fail(p, &opt, GMIX_EINVAL);
  assert_non_null(strstr(msg, "unknown column 'a'"));
  assert_non_null(strstr(msg, "no header"));
  opt.columns = "2";
  t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_cols(t), 1);
  assert_row(t, 1, (double[]){4});
  gmix_table_free(t);
}

static void test_weight_column(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  const char *p = io_test_write_text("w.csv", "x,w,y\n1,0.5,2\n3,2,4\n");
  opt.weight_column = "w";
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_cols(t), 2);
  assert_name(t, 0, "x");
  assert_name(t, 1, "y");
  assert_row(t, 1, (double[]){3, 4});
  assert_non_null(gmix_table_weights(t));
  assert_same_double(gmix_table_weights(t)[0], 0.5);
  assert_same_double(gmix_table_weights(t)[1], 2);
  gmix_table_free(t);

  opt.weight_column = "2";
  opt.columns = "y";
  t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_cols(t), 1);
  assert_row(t, 0, (double[]){2});
  assert_same_double(gmix_table_weights(t)[1], 2);
  gmix_table_free(t);

  opt.columns = "x,w";
  io_test_read_fail(p, &opt, GMIX_EINVAL);
  opt.columns = NULL;
  opt.weight_column = "nope";
  io_test_read_fail(p, &opt, GMIX_EINVAL);

  /* A bad weight is a bad cell like any other. */
  p = io_test_write_text("w2.csv", "x,w\n1,inf\n");
  opt.weight_column = "w";
  const char *msg = io_test_read_fail(p, &opt, GMIX_ENONFINITE);
  assert_non_null(strstr(msg, ":2:2: 'inf' is not finite"));

  /* A single column that is the weight leaves no data. */
  p = io_test_write_text("w3.csv", "w\n1\n");
  io_test_read_fail(p, &opt, GMIX_EINVAL);
}

static void test_error_messages(void **state) {
  (void)state;
  char want[700];
  const char *p, *msg;

  p = io_test_write_text("e1.csv", "a,b,c\n1,2,3\n4,abc,6\n");
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  snprintf(want, sizeof want, "%s:3:2: 'abc' is not a number", p);
  assert_string_equal(msg, want);

  p = io_test_write_text("e2.csv", "a,b,c,d\n1,2,3,4\n\n\n1,2,3\n");
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  snprintf(want, sizeof want, "%s:5: row has 3 fields, expected 4", p);
  assert_string_equal(msg, want);

  p = io_test_write_text("e3.csv", "a,b\n1,2,3\n");
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  snprintf(want, sizeof want, "%s:2: row has 3 fields, expected 2", p);
  assert_string_equal(msg, want);

  /* A ragged row is reported before a bad cell in it. */
  p = io_test_write_text("e4.csv", "a,b\nx\n");
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  snprintf(want, sizeof want, "%s:2: row has 1 field, expected 2", p);
  assert_string_equal(msg, want);

  p = io_test_write_text("e5.csv", "a,b\n1,\n");
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  snprintf(want, sizeof want, "%s:2:2: empty cell", p);
  assert_string_equal(msg, want);

  static const char *not_numbers[] = {"1.5abc", "1e",  "--1", ".", "1.2.3",
                                      "0x",     "1 2", "e5",  "+", "\"\"x"};
  for (size_t k = 0; k < sizeof not_numbers / sizeof *not_numbers; k++) {
    char text[64];
    snprintf(text, sizeof text, "a,b\n1,%s\n", not_numbers[k]);
    p = io_test_write_text("e6.csv", text);
    msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
    assert_non_null(strstr(msg, ":2:2: '"));
  }

  static const char *nonfinite[] = {"nan",   "NaN",    "-inf",    "Infinity",
                                    "1e999", "-1e400", "nan(123)"};
  for (size_t k = 0; k < sizeof nonfinite / sizeof *nonfinite; k++) {
    char text[64];
    snprintf(text, sizeof text, "a,b\n1,2\n%s,1\n", nonfinite[k]);
    p = io_test_write_text("e7.csv", text);
    msg = io_test_read_fail(p, NULL, GMIX_ENONFINITE);
    snprintf(want, sizeof want, "%s:3:1: '%s' is not finite", p, nonfinite[k]);
    assert_string_equal(msg, want);
  }

  /* Long offending text is clipped in the message. */
  char longcell[400];
  memset(longcell, 'z', sizeof longcell);
  memcpy(longcell, "a,b\n1,", 6);
  memcpy(longcell + sizeof longcell - 1, "\n", 1);
  p = io_test_write("e8.csv", longcell, sizeof longcell);
  msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
  assert_non_null(strstr(msg, "...' is not a number"));
  assert_true(strlen(msg) < strlen(p) + 100);

  msg = io_test_read_fail(io_test_path(1, "missing.csv"), NULL, GMIX_EIO);
  assert_non_null(strstr(msg, "missing.csv"));
}

static void test_accepted_forms(void **state) {
  (void)state;
  const char *p = io_test_write_text(
      "forms.csv", "x\n0x10\n+.5\n5.\n-0\n1E+2\n 7 \n\"8\"\n1e-400\n");
  gmix_table *t = io_test_read_ok(p, NULL);
  static const double want[] = {16, 0.5, 5, -0.0, 100, 7, 8, 0};
  assert_int_equal(gmix_table_rows(t), 8);
  for (size_t i = 0; i < 8; i++)
    assert_same_double(gmix_table_data(t)[i], want[i]);
  gmix_table_free(t);
}

static void test_drop_bad_rows(void **state) {
  (void)state;
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  opt.drop_bad_rows = 1;
  const char *p = io_test_write_text(
      "drop.csv", "a,b\n1,2\nx,3\n4,5,6\n7\nnan,1\n8,9\n,1\n");
  gmix_table *t = io_test_read_ok(p, &opt);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_int_equal(gmix_table_dropped_rows(t), 5);
  assert_row(t, 0, (double[]){1, 2});
  assert_row(t, 1, (double[]){8, 9});
  gmix_table_free(t);

  p = io_test_write_text("drop2.csv", "a,b\nx,1\n");
  const char *msg = io_test_read_fail(p, &opt, GMIX_EPARSE);
  assert_non_null(strstr(msg, "no data rows (1 bad row dropped)"));
}

static void test_no_data_rows(void **state) {
  (void)state;
  static const char *texts[] = {"", "\n\n", "a,b,c\n", "# only\n# comments\n",
                                "a b\n\n  \n"};
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    const char *p = io_test_write_text("empty.csv", texts[k]);
    const char *msg = io_test_read_fail(p, NULL, GMIX_EPARSE);
    char want[600];
    snprintf(want, sizeof want, "%s: no data rows", p);
    assert_string_equal(msg, want);
  }
}

/* A random decimal string of one of many shapes: short and long
 * mantissas, leading zeros, exponents near and beyond the fast path's
 * limits, subnormals, signs. */
static void random_number(char *buf, size_t cap, uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  uint64_t r = *s;
  int shape = (int)(r % 8);
  double v = (double)((r >> 8) % 2000001) / 1000.0 - 1000.0;
  int digits = 1 + (int)((r >> 40) % 20);
  int exp10 = (int)((r >> 48) % 700) - 350;
  switch (shape) {
  case 0:
    snprintf(buf, cap, "%.*g", digits, v);
    break;
  case 1:
    snprintf(buf, cap, "%.*e", digits, v * pow(10, exp10 % 40));
    break;
  case 2:
    snprintf(buf, cap, "%.17g", (double)(r >> 11) * 0x1.0p-53 * 1e5);
    break;
  case 3:
    snprintf(buf, cap, "%llu", (unsigned long long)(r >> (r % 64)));
    break;
  case 4:
    snprintf(buf, cap, "%se%d", r & 1 ? "-1.25" : "9", exp10);
    break;
  case 5:
    snprintf(buf, cap, "0.000%llu", (unsigned long long)(r >> 20));
    break;
  case 6:
    snprintf(buf, cap, "%.*f", digits % 10, v);
    break;
  default:
    snprintf(buf, cap, "%.25g", ldexp((double)(r >> 12), (int)(r % 90) - 45));
    break;
  }
}

static void test_bit_identical_to_strtod(void **state) {
  (void)state;
  enum { N = 200000 };
  uint64_t s = 0x9E3779B97F4A7C15u;
  char cell[128];
  /* Through the parser entry point. */
  for (int k = 0; k < N; k++) {
    random_number(cell, sizeof cell - 1, &s);
    double got = 0;
    char *end = cell + strlen(cell);
    double want = strtod(cell, NULL);
    int kind = gmix__parse_double(cell, end, &got);
    if (!isfinite(want)) {
      assert_int_equal(kind, 2);
      continue;
    }
    if (kind != 0)
      fail_msg("'%s' refused", cell);
    assert_same_double(got, want);
  }
  /* Through a file, which takes the in-row fast path. */
  size_t cap = (size_t)N * 40, len = 0;
  char *text = malloc(cap);
  double *want = malloc(sizeof(double) * N);
  assert_non_null(text);
  assert_non_null(want);
  size_t rows = 0;
  s = 12345;
  while (rows < N) {
    random_number(cell, sizeof cell, &s);
    double v = strtod(cell, NULL);
    if (!isfinite(v))
      continue;
    want[rows++] = v;
    len += (size_t)snprintf(text + len, cap - len, "%s%s", cell,
                            rows % 2 ? "," : "\n");
  }
  const char *p = io_test_write("fuzz.csv", text, len);
  gmix_table *t = io_test_read_ok(p, NULL);
  assert_int_equal(gmix_table_rows(t), N / 2);
  assert_int_equal(gmix_table_cols(t), 2);
  for (size_t i = 0; i < (size_t)N; i++)
    assert_same_double(gmix_table_data(t)[i], want[i]);
  gmix_table_free(t);
  free(text);
  free(want);
}

/* Many rows across several read blocks, and a line longer than a block. */
static void test_large_inputs(void **state) {
  (void)state;
  const size_t rows = 120000;
  size_t cap = rows * 64, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  len += (size_t)snprintf(text, cap, "u,v,w\n");
  for (size_t i = 0; i < rows; i++)
    len += (size_t)snprintf(text + len, cap - len, "%.17g,%zu,%.6e\n",
                            (double)i / 7.0, i, -(double)i * 1.1);
  assert_true(len > GMIX__CSV_BLOCK_BYTES);
  gmix_table *t = io_test_read_ok(io_test_write("big.csv", text, len), NULL);
  assert_int_equal(gmix_table_rows(t), rows);
  for (size_t i = 0; i < rows; i += 997) {
    char c[64];
    snprintf(c, sizeof c, "%.17g", (double)i / 7.0);
    assert_same_double(gmix_table_data(t)[i * 3], strtod(c, NULL));
    assert_same_double(gmix_table_data(t)[i * 3 + 1], (double)i);
  }
  gmix_table_free(t);
  free(text);

  /* Two rows of 600000 columns: each line is longer than a block. */
  const size_t cols = 600000;
  cap = 2 * cols * 8 + 16;
  text = malloc(cap);
  assert_non_null(text);
  len = 0;
  for (size_t r = 0; r < 2; r++)
    for (size_t j = 0; j < cols; j++)
      len += (size_t)snprintf(text + len, cap - len, "%zu.5%c", j % 1000,
                              j + 1 < cols ? ' ' : '\n');
  assert_true(len / 2 > GMIX__CSV_BLOCK_BYTES / 8);
  t = io_test_read_ok(io_test_write("wide.txt", text, len), NULL);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_int_equal(gmix_table_cols(t), cols);
  assert_same_double(gmix_table_data(t)[cols + 999], 999.5);
  gmix_table_free(t);
  free(text);
}

static void test_stdin(void **state) {
  (void)state;
  const char *p = io_test_write_text("in.csv", "a;b\n1;2\n3;4\n");
  int saved = dup(STDIN_FILENO);
  int fd = open(p, O_RDONLY);
  assert_true(saved >= 0 && fd >= 0);
  assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  close(fd);
  gmix_table *t = io_test_read_ok("-", NULL);
  assert_int_equal(gmix_table_rows(t), 2);
  assert_name(t, 1, "b");
  assert_row(t, 1, (double[]){3, 4});
  gmix_table_free(t);

  /* Errors name standard input. */
  p = io_test_write_text("in2.csv", "a;b\n1;q\n");
  fd = open(p, O_RDONLY);
  assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  close(fd);
  const char *msg = io_test_read_fail("-", NULL, GMIX_EPARSE);
  assert_string_equal(msg, "<stdin>:2:2: 'q' is not a number");
  assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
}

static void test_invalid_arguments(void **state) {
  (void)state;
  gmix_table *t = NULL;
  gmix_error err;
  assert_int_equal(gmix_table_read(NULL, NULL, &t, &err), GMIX_EINVAL);
  assert_int_equal(gmix_table_read("x.csv", NULL, NULL, NULL), GMIX_EINVAL);
  assert_null(t);
  gmix_table_free(NULL);
  assert_int_equal(gmix_table_rows(NULL), 0);
  assert_null(gmix_table_data(NULL));
  gmix_read_options opt;
  gmix_read_options_init(&opt);
  assert_int_equal(opt.delimiter, 0);
  assert_int_equal(opt.header, -1);
  assert_null(opt.columns);
  assert_null(opt.weight_column);
  assert_int_equal(opt.drop_bad_rows, 0);
  assert_int_equal(opt.allow_mmap, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_and_values),
      cmocka_unit_test(test_delimiters),
      cmocka_unit_test(test_no_header),
      cmocka_unit_test(test_forced_options),
      cmocka_unit_test(test_quoted_header),
      cmocka_unit_test(test_crlf_blank_comments),
      cmocka_unit_test(test_column_selection),
      cmocka_unit_test(test_weight_column),
      cmocka_unit_test(test_error_messages),
      cmocka_unit_test(test_accepted_forms),
      cmocka_unit_test(test_drop_bad_rows),
      cmocka_unit_test(test_no_data_rows),
      cmocka_unit_test(test_bit_identical_to_strtod),
      cmocka_unit_test(test_large_inputs),
      cmocka_unit_test(test_stdin),
      cmocka_unit_test(test_invalid_arguments),
  };
  return cmocka_run_group_tests_name("io_csv", tests, NULL, io_test_teardown);
}
