/*
 * test_stats.c -- the statistics API beyond the equality with one EM step
 * (which the covariance-model battery checks for every model): argument
 * errors, batches of any size, merging refused across models, re-seeding
 * in the M-step, and allocation failures.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* gmix__fault_inject */

enum { N = 200, D = 2, K = 2 };

static double data[N * D];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 3);
  for (size_t i = 0; i < N; i++) {
    data[i * D] = tu_normal(&r) + (i % 2 ? 5.0 : 0.0);
    data[i * D + 1] = tu_normal(&r);
  }
  return 0;
}

static gmix_model *two_components(double far) {
  double w[K] = {0.5, 0.5}, mu[K * D] = {0.0, 0.0, far, 0.0},
         cov[K * D] = {1.0, 1.0, 1.0, 1.0};
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_DIAG, K, D, w, mu, cov, &m, &err), &err);
  return m;
}

static void test_errors(void **state) {
  (void)state;
  gmix_model *m = two_components(5.0), *other = two_components(4.0);
  gmix_stats *s = NULL, *t = NULL;
  gmix_model *out = NULL;
  gmix_error err;
  TU_STATUS(gmix_stats_create(NULL, &s, &err), GMIX_EINVAL, &err);
  assert_string_equal(err.message, "argument 'model' is NULL");
  TU_STATUS(gmix_stats_create(m, NULL, &err), GMIX_EINVAL, &err);
  TU_OK(gmix_stats_create(m, &s, &err), &err);
  TU_OK(gmix_stats_create(other, &t, &err), &err);

  /* No rows yet: nothing to step on. */
  TU_STATUS(gmix_stats_mstep(s, NULL, &out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_stats_accumulate(s, data, N, 3, NULL, &err), GMIX_EDIM, &err);
  TU_OK(gmix_stats_accumulate(s, NULL, 0, D, NULL, &err), &err);
  assert_true(gmix_stats_weight(s) == 0.0);

  double bad[2 * D] = {1.0, 2.0, 3.0, NAN};
  TU_STATUS(gmix_stats_accumulate(s, bad, 2, D, NULL, &err), GMIX_ENONFINITE,
            &err);
  /* Rows and columns count from 1 in messages. */
  TU_TRUE(strstr(err.message, "row 2, column 2") != NULL, "message: %s",
          err.message);
  double w[2] = {1.0, -1.0};
  TU_STATUS(gmix_stats_accumulate(s, data, 2, D, w, &err), GMIX_EWEIGHTS, &err);
  assert_true(gmix_stats_weight(s) == 0.0); /* failures add nothing */

  /* Statistics under different parameters do not merge. */
  TU_OK(gmix_stats_accumulate(t, data, N, D, NULL, &err), &err);
  TU_STATUS(gmix_stats_merge(s, t, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_stats_merge(s, NULL, &err), GMIX_EINVAL, &err);

  /* NULL-safe accessors. */
  assert_true(gmix_stats_weight(NULL) == 0.0);
  assert_true(isnan(gmix_stats_log_likelihood(NULL)));
  size_t len = 7;
  assert_null(gmix_stats_buffer(NULL, &len));
  assert_int_equal(len, 0);
  gmix_stats_free(NULL);

  gmix_stats_free(s);
  gmix_stats_free(t);
  gmix_model_free(m);
  gmix_model_free(other);
}

/* Batches of any size and sample weights: the same statistics as one
 * call, to rounding; integer weights are repeated rows. */
static void test_batches_and_weights(void **state) {
  (void)state;
  gmix_model *m = two_components(5.0);
  gmix_stats *one = NULL, *many = NULL, *wt = NULL;
  gmix_error err;
  TU_OK(gmix_stats_create(m, &one, &err), &err);
  TU_OK(gmix_stats_create(m, &many, &err), &err);
  TU_OK(gmix_stats_create(m, &wt, &err), &err);
  TU_OK(gmix_stats_accumulate(one, data, N, D, NULL, &err), &err);
  TU_OK(gmix_stats_accumulate(one, data, N, D, NULL, &err), &err);
  for (size_t r0 = 0; r0 < N; r0 += 7) {
    size_t rows = N - r0 < 7 ? N - r0 : 7;
    TU_OK(gmix_stats_accumulate(many, data + r0 * D, rows, D, NULL, &err),
          &err);
    TU_OK(gmix_stats_accumulate(many, data + r0 * D, rows, D, NULL, &err),
          &err);
  }
  double w[N];
  for (size_t i = 0; i < N; i++)
    w[i] = 2.0;
  TU_OK(gmix_stats_accumulate(wt, data, N, D, w, &err), &err);
  size_t l1, l2, l3;
  const double *a = gmix_stats_buffer(one, &l1),
               *b = gmix_stats_buffer(many, &l2),
               *c = gmix_stats_buffer(wt, &l3);
  assert_int_equal(l1, l2);
  assert_int_equal(l1, l3);
  for (size_t i = 0; i < l1; i++) {
    TU_NEAR(b[i], a[i], 1e-12 * fmax(1.0, fabs(a[i])), "batches [%zu]", i);
    TU_NEAR(c[i], a[i], 1e-12 * fmax(1.0, fabs(a[i])), "weights [%zu]", i);
  }
  TU_NEAR(gmix_stats_weight(one), 2.0 * N, 0.0, "weight");
  gmix_stats_free(one);
  gmix_stats_free(many);
  gmix_stats_free(wt);
  gmix_model_free(m);
}

/* A component far from every row empties: the M-step re-seeds it, as the
 * fit would, and the event is on the new model. */
static void test_mstep_reseeds(void **state) {
  (void)state;
  gmix_model *m = two_components(1e4), *next = NULL;
  gmix_stats *s = NULL;
  gmix_error err;
  TU_OK(gmix_stats_create(m, &s, &err), &err);
  TU_OK(gmix_stats_accumulate(s, data, N, D, NULL, &err), &err);
  TU_OK(gmix_stats_mstep(s, NULL, &next, &err), &err);
  assert_int_equal(gmix_model_n_reseeds(next), 1);
  const gmix_reseed_event *ev = gmix_model_reseed(next, 0);
  assert_non_null(ev);
  assert_int_equal(ev->component, 1);
  assert_int_equal(ev->source, 0);
  assert_int_equal(ev->reason, GMIX_RESEED_EMPTY);
  double wt[K];
  gmix_model_weights(next, wt);
  TU_NEAR(wt[0] + wt[1], 1.0, 1e-15, "weights");
  assert_false(gmix_model_report(next)->has_fit);

  /* With re-seeding forbidden the same M-step fails, naming the
   * component. */
  gmix_options o;
  gmix_options_init(&o);
  o.max_reseed = 0;
  gmix_model *none = NULL;
  TU_STATUS(gmix_stats_mstep(s, &o, &none, &err), GMIX_ECOLLAPSE, &err);
  TU_TRUE(strstr(err.message, "component 1") != NULL, "%s", err.message);
  assert_null(none);

  /* Options that were never initialised are refused. */
  gmix_options raw;
  memset(&raw, 0, sizeof raw);
  TU_STATUS(gmix_stats_mstep(s, &raw, &none, &err), GMIX_EINVAL, &err);
  gmix_stats_free(s);
  gmix_model_free(m);
  gmix_model_free(next);
}

/* Every allocation of create, accumulate and mstep can fail: the call
 * reports GMIX_ENOMEM and leaves nothing behind (the sanitizer build
 * checks for leaks). */
static void test_allocation_failures(void **state) {
  (void)state;
  gmix_model *m = two_components(5.0);
  gmix_error err;
  for (size_t n = 1;; n++) {
    gmix_stats *s = NULL;
    gmix_model *next = NULL;
    gmix__fault_inject(n);
    gmix_status st = gmix_stats_create(m, &s, &err);
    if (st == GMIX_OK)
      st = gmix_stats_accumulate(s, data, N, D, NULL, &err);
    if (st == GMIX_OK)
      st = gmix_stats_mstep(s, NULL, &next, &err);
    size_t made = gmix__fault_inject(0);
    gmix_stats_free(s);
    gmix_model_free(next);
    if (st == GMIX_OK) {
      assert_true(made < n);
      break;
    }
    TU_STATUS(st, GMIX_ENOMEM, &err);
    assert_true(n < 1000);
  }
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_batches_and_weights),
      cmocka_unit_test(test_mstep_reseeds),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
