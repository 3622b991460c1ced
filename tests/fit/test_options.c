/*
 * test_options.c -- the options structs across versions of gmix.h: a
 * caller's struct carries its own size; an older (shorter) one gets the
 * defaults of the fields it lacks, a newer (longer) one has its unknown
 * tail ignored, and a struct that was never initialised is refused.
 */
#include "testutil.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"         /* GMIX__OPTIONS_MIN_SIZE */
#include "io_internal.h" /* gmix__read_options_read */

enum { N = 120, D = 2 };

static double data[N * D];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 11);
  for (size_t i = 0; i < N * D; i++)
    data[i] = tu_normal(&r) + (i / D % 2 ? 4.0 : 0.0);
  return 0;
}

static gmix_model *fit_with(const gmix_options *o) {
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(data, N, D, NULL, o, &m, &err), &err);
  return m;
}

static void same_means(const gmix_model *a, const gmix_model *b) {
  double ma[2 * D], mb[2 * D];
  gmix_model_means(a, ma);
  gmix_model_means(b, mb);
  assert_memory_equal(ma, mb, sizeof ma);
}

static void test_fit_options_versions(void **state) {
  (void)state;
  gmix_options o;
  gmix_options_init(&o);
  assert_int_equal(o.struct_size, sizeof o);
  o.n_components = 2;
  gmix_model *ref = fit_with(&o);

  /* A newer caller: a longer struct whose tail this library ignores. */
  unsigned char *big = malloc(sizeof o + 64);
  assert_non_null(big);
  memset(big, 0xA5, sizeof o + 64);
  memcpy(big, &o, sizeof o);
  ((gmix_options *)(void *)big)->struct_size = sizeof o + 64;
  gmix_model *m = fit_with((const gmix_options *)(const void *)big);
  same_means(ref, m);
  gmix_model_free(m);
  free(big);

  /* An older caller: the first versioned struct, every later field
   * defaulted (here: whatever follows in memory is not read). */
  gmix_options old = o;
  old.struct_size = GMIX__OPTIONS_MIN_SIZE;
  m = fit_with(&old);
  same_means(ref, m);
  gmix_model_free(m);

  /* Never initialised, or shorter than any version: refused. */
  gmix_options raw;
  memset(&raw, 0, sizeof raw);
  raw.n_components = 2;
  gmix_error err;
  TU_STATUS(gmix_fit(data, N, D, NULL, &raw, &m, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "gmix_options_init") != NULL, "%s", err.message);
  raw.struct_size = GMIX__OPTIONS_MIN_SIZE - 1;
  TU_STATUS(gmix_options_validate(&raw, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_options_validate(NULL, &err), GMIX_EINVAL, &err);
  gmix_model_free(ref);
}

/* The init calls write exactly the caller's struct: an older caller's
 * shorter struct is not overrun, a newer caller's longer one has the tail
 * this library does not know zeroed. */
static void check_init(void (*init)(void *, size_t), size_t min_size,
                       size_t ours, const char *what) {
  enum { GUARD = 64 };
  unsigned char buf[1024];
  assert_true(ours + GUARD <= sizeof buf);
  memset(buf, 0xA5, sizeof buf);
  init(buf, min_size);
  for (size_t i = min_size; i < sizeof buf; i++)
    TU_TRUE(buf[i] == 0xA5, "%s: byte %zu written past an older struct", what,
            i);
  size_t size;
  memcpy(&size, buf, sizeof size);
  assert_int_equal(size, min_size);
  memset(buf, 0xA5, sizeof buf);
  init(buf, ours + GUARD);
  for (size_t i = ours; i < ours + GUARD; i++)
    TU_TRUE(buf[i] == 0, "%s: byte %zu of a newer struct not zeroed", what, i);
  for (size_t i = ours + GUARD; i < sizeof buf; i++)
    TU_TRUE(buf[i] == 0xA5, "%s: byte %zu written past a newer struct", what,
            i);
  memset(buf, 0xA5, sizeof buf);
  init(buf, min_size - 1); /* too short to be any version: untouched */
  for (size_t i = 0; i < sizeof buf; i++)
    assert_int_equal(buf[i], 0xA5);
}

static void init_fit(void *p, size_t size) {
  gmix_options_init_size(p, size);
}
static void init_read(void *p, size_t size) {
  gmix_read_options_init_size(p, size);
}
static void init_select(void *p, size_t size) {
  /* The caller's fit of the first versioned size, everything else as
   * given. */
  size_t head = offsetof(gmix_select_options, fit);
  gmix_select_options_init_size(
      p, size,
      size - head < sizeof(gmix_options) ? size - head : sizeof(gmix_options));
}

static void test_init_sizes(void **state) {
  (void)state;
  check_init(init_fit, GMIX__OPTIONS_MIN_SIZE, sizeof(gmix_options), "fit");
  check_init(init_read, offsetof(gmix_read_options, allow_mmap) + sizeof(int),
             sizeof(gmix_read_options), "read");
  check_init(init_select,
             offsetof(gmix_select_options, fit) + GMIX__OPTIONS_MIN_SIZE,
             sizeof(gmix_select_options), "select");
}

static void test_read_options_versions(void **state) {
  (void)state;
  gmix_read_options in, out;
  gmix_error err;
  gmix_read_options_init(&in);
  assert_int_equal(in.struct_size, sizeof in);
  in.header = 0;
  TU_OK(gmix__read_options_read(&in, &out, &err), &err);
  assert_int_equal(out.header, 0);
  TU_OK(gmix__read_options_read(NULL, &out, &err), &err);
  assert_int_equal(out.header, -1); /* the defaults */
  memset(&in, 0, sizeof in);
  TU_STATUS(gmix__read_options_read(&in, &out, &err), GMIX_EINVAL, &err);
  gmix_table *t = NULL;
  TU_STATUS(gmix_table_read(tu_example_path("faithful.csv"), &in, &t, &err),
            GMIX_EINVAL, &err);
  assert_null(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit_options_versions),
      cmocka_unit_test(test_read_options_versions),
      cmocka_unit_test(test_init_sizes),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
