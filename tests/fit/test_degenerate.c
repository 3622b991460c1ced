/*
 * test_degenerate.c -- gmix_fit on degenerate data: extreme weights,
 * single rows, constant and nearly constant columns, K close to n, data at
 * the edges of the double range, wildly different scales, rank-deficient
 * covariances and data far from the origin. For every covariance model
 * each case must give either a finite model (weights summing to one,
 * finite means, covariances, precisions and report) or the exact status
 * the header promises, with a message that names the problem; never a
 * crash, a NaN or a half-filled output.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sentinel that a failing fit must leave in *out. */
static char sentinel_storage;
static gmix_model *const SENTINEL = (gmix_model *)&sentinel_storage;

static gmix_options opts(gmix_covariance_type type, size_t k) {
  gmix_options o;
  gmix_options_init(&o);
  o.covariance_type = type;
  o.n_components = k;
  o.threads = 1;
  o.seed = 3;
  return o;
}

/* Every parameter of `m` finite, weights a distribution, the report's
 * likelihoods finite. */
static void check_finite(const gmix_model *m, const char *what) {
  tu_check_model_finite(m, what);
  const gmix_fit_report *r = gmix_model_report(m);
  TU_TRUE(r->has_fit, "%s: no report", what);
  TU_TRUE(isfinite(r->lower_bound) && isfinite(r->log_likelihood),
          "%s: lower bound %g, log-likelihood %g", what, r->lower_bound,
          r->log_likelihood);
}

/* A fit that must succeed with a finite model; the caller frees it. */
static gmix_model *fit_ok(const double *x, size_t n, size_t d, const double *w,
                          const gmix_options *o, const char *what) {
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(x, n, d, w, o, &m, &err), &err);
  check_finite(m, what);
  return m;
}

/* A fit that must fail with `expect` and a message containing `needle`;
 * *out is untouched. */
static void fit_fails(const double *x, size_t n, size_t d, const double *w,
                      const gmix_options *o, gmix_status expect,
                      const char *needle) {
  gmix_model *m = SENTINEL;
  gmix_error err;
  memset(&err, 0, sizeof err);
  TU_STATUS(gmix_fit(x, n, d, w, o, &m, &err), expect, &err);
  TU_TRUE(m == SENTINEL, "*out was written on failure");
  TU_TRUE(err.status == expect, "err.status %d", (int)err.status);
  TU_TRUE(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'",
          err.message, needle);
}

/* n rows of d features from two separated normal clusters. */
static double *two_clusters(size_t n, size_t d, uint64_t seed) {
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      x[i * d + j] = tu_normal(&r) + (i % 2 ? 6.0 : 0.0);
  return x;
}

/* Weights from 1e-300 to 1e300, log-uniformly spread: the fit weighs each
 * row by its weight, so it is the fit of the few heaviest rows, and it
 * stays finite (the weights are normalised before they are summed). */
static void test_weights_extreme_range(void **state) {
  (void)state;
  enum { N = 60, D = 2 };
  double *x = two_clusters(N, D, 1), w[N];
  for (size_t i = 0; i < N; i++)
    w[i] = pow(10.0, -300.0 + 600.0 * (double)i / (N - 1));
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    gmix_model *m = fit_ok(x, N, D, w, &o, "weights 1e-300..1e300");
    double sum = 0;
    for (size_t i = 0; i < N; i++)
      sum += w[i];
    TU_NEAR(gmix_model_report(m)->sum_weights, sum, 4 * N * TU_EPS * sum,
            "sum of weights");
    gmix_model_free(m);
  }
  free(x);
}

/* All weights zero but one: the only row that counts is that one. One
 * component sits on it (its covariance is reg_covar); two components
 * share it (the rows, not their weights, are counted against K) and stay
 * finite. */
static void test_weights_all_zero_but_one(void **state) {
  (void)state;
  enum { N = 20, D = 3 };
  double *x = two_clusters(N, D, 2), w[N] = {0};
  w[7] = 2.5;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 1);
    gmix_model *m = fit_ok(x, N, D, w, &o, "one weighted row");
    double mu[D];
    gmix_model_means(m, mu);
    for (size_t j = 0; j < D; j++)
      TU_NEAR(mu[j], x[7 * D + j], 4 * TU_EPS * fabs(x[7 * D + j]),
              "%s: mean %zu is the weighted row",
              gmix_covariance_type_name(tu_types[t]), j);
    gmix_model_free(m);
    o = opts(tu_types[t], 2);
    m = fit_ok(x, N, D, w, &o, "one weighted row, K = 2");
    gmix_model_free(m);
  }
  free(x);
}

/* A single row: K = 1 gives a model centred on it; K = 2 is too few. */
static void test_single_row(void **state) {
  (void)state;
  const double x[3] = {1.5, -2.0, 7.25};
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 1);
    gmix_model *m = fit_ok(x, 1, 3, NULL, &o, "n = 1");
    double mu[3];
    gmix_model_means(m, mu);
    for (size_t j = 0; j < 3; j++)
      TU_NEAR(mu[j], x[j], 0, "mean %zu", j);
    gmix_model_free(m);
    o = opts(tu_types[t], 2);
    fit_fails(x, 1, 3, NULL, &o, GMIX_ETOOFEW, "2");
  }
}

/* One constant column (d = 1): the variance is reg_covar alone, and with
 * reg_covar = 0 the covariance is singular, which the collapse policy
 * cannot mend: GMIX_ENOTPD naming the component. */
static void test_constant_column_d1(void **state) {
  (void)state;
  enum { N = 30 };
  double x[N];
  for (size_t i = 0; i < N; i++)
    x[i] = 4.0;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 1);
    gmix_model *m = fit_ok(x, N, 1, NULL, &o, "constant column");
    double cov[1];
    gmix_model_covariances(m, cov);
    TU_NEAR(cov[0], o.reg_covar, 4 * TU_EPS * o.reg_covar,
            "variance of a constant column");
    gmix_model_free(m);
    o.reg_covar = 0;
    fit_fails(x, N, 1, NULL, &o, GMIX_ENOTPD, "not positive definite");
  }
}

/* K close to n: 12 rows in 11 components. */
static void test_k_close_to_n(void **state) {
  (void)state;
  enum { N = 12, D = 2, K = 11 };
  double *x = two_clusters(N, D, 3);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], K);
    gmix_model *m = fit_ok(x, N, D, NULL, &o, "K = n - 1");
    assert_int_equal(gmix_model_n_components(m), K);
    gmix_model_free(m);
    o = opts(tu_types[t], N + 1);
    fit_fails(x, N, D, NULL, &o, GMIX_ETOOFEW, "13");
  }
  free(x);
}

/* Rows one ulp apart: the spread is far below reg_covar, which then
 * dominates every variance. */
static void test_rows_one_ulp_apart(void **state) {
  (void)state;
  enum { N = 40, D = 2 };
  double x[N * D];
  double v = 1.0;
  for (size_t i = 0; i < N; i++) {
    x[i * D] = v;
    x[i * D + 1] = -v;
    v = nextafter(v, 2.0);
  }
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    gmix_model *m = fit_ok(x, N, D, NULL, &o, "rows one ulp apart");
    gmix_model_free(m);
  }
}

/* Data near the largest double: the deviations' squares overflow, so no
 * covariance is finite. The fit says so (not positive definite, with the
 * advice to scale the data) instead of returning infinities or NaN, with
 * or without standardisation of the start. */
static void test_near_dbl_max(void **state) {
  (void)state;
  enum { N = 20, D = 2 };
  double x[N * D];
  tu_rng r;
  tu_rng_seed(&r, 5);
  for (size_t i = 0; i < N * D; i++)
    x[i] = DBL_MAX * tu_uniform_in(&r, -0.9, 0.9);
  for (int t = 0; t < TU_NTYPES; t++)
    for (int standardize = 0; standardize < 2; standardize++) {
      gmix_options o = opts(tu_types[t], 2);
      o.standardize = standardize;
      fit_fails(x, N, D, NULL, &o, GMIX_ENOTPD, "scale the data");
    }
}

/* Values so far apart that a row's squared distance to every component
 * overflows while the covariances stay finite (the spread lies in one
 * row): the log-likelihood is not finite, which the fit reports as
 * GMIX_EOVERFLOW with advice instead of running on NaN. */
static void test_distance_overflow(void **state) {
  (void)state;
  enum { N = 41, D = 2 };
  double *x = two_clusters(N, D, 4);
  x[(N - 1) * D] = 1e200;
  x[(N - 1) * D + 1] = -1e200;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    gmix_model *m = SENTINEL;
    gmix_error err;
    gmix_status s = gmix_fit(x, N, D, NULL, &o, &m, &err);
    TU_TRUE(s != GMIX_OK, "%s: a fit of rows 1e200 apart succeeded",
            gmix_covariance_type_name(tu_types[t]));
    TU_TRUE(m == SENTINEL, "*out was written on failure");
    TU_TRUE(strstr(err.message, "scale the data") != NULL, "%s: %s: %s",
            gmix_covariance_type_name(tu_types[t]), gmix_strerror(s),
            err.message);
  }
  free(x);
}

/* A column whose variance is subnormal (values around 1e-160 apart, so
 * squares near 1e-320) beside an ordinary one. */
static void test_subnormal_variance(void **state) {
  (void)state;
  enum { N = 50, D = 2 };
  double *x = two_clusters(N, D, 6);
  for (size_t i = 0; i < N; i++)
    x[i * D + 1] *= 1e-160;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    gmix_model *m = fit_ok(x, N, D, NULL, &o, "subnormal variance");
    gmix_model_free(m);
    o.reg_covar = 0;
    o.standardize = 1;
    gmix_model *m2 = SENTINEL;
    gmix_error err;
    gmix_status s = gmix_fit(x, N, D, NULL, &o, &m2, &err);
    if (s == GMIX_OK) {
      check_finite(m2, "subnormal variance, reg_covar 0");
      gmix_model_free(m2);
    } else {
      TU_TRUE(m2 == SENTINEL, "*out was written on failure");
      TU_TRUE(s == GMIX_ENOTPD || s == GMIX_ECOLLAPSE, "status %s: %s",
              gmix_strerror(s), err.message);
      TU_TRUE(strstr(err.message, "not positive definite") != NULL ||
                  strstr(err.message, "component") != NULL,
              "message '%s'", err.message);
    }
  }
  free(x);
}

/* Columns whose scales differ by 1e12: standardisation finds the two
 * clusters that split both columns, in their own units. */
static void test_scales_differ_1e12(void **state) {
  (void)state;
  enum { N = 200, D = 2 };
  double *x = two_clusters(N, D, 7);
  for (size_t i = 0; i < N; i++) {
    x[i * D] *= 1e6;
    x[i * D + 1] *= 1e-6;
  }
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    o.standardize = 1;
    gmix_model *m = fit_ok(x, N, D, NULL, &o, "scales 1e12 apart");
    size_t lab[N];
    gmix_error err;
    TU_OK(gmix_predict(m, x, N, D, 1, lab, &err), &err);
    /* Rows alternate between the clusters 6 sd apart: each label must
     * follow the row's parity (up to the label permutation). */
    size_t agree = 0;
    for (size_t i = 0; i < N; i++)
      agree += lab[i] == (i % 2 ? lab[1] : lab[0]);
    TU_TRUE(lab[0] != lab[1] && agree == N, "%s: %zu of %d rows agree",
            gmix_covariance_type_name(tu_types[t]), agree, N);
    gmix_model_free(m);
  }
  free(x);
}

/* Tied covariance of rank n - 1 < d: reg_covar makes it positive definite;
 * without it the fit fails with GMIX_ENOTPD. */
static void test_tied_rank_deficient(void **state) {
  (void)state;
  enum { N = 4, D = 6 };
  double *x = two_clusters(N, D, 8);
  gmix_options o = opts(GMIX_COV_TIED, 2);
  gmix_model *m = fit_ok(x, N, D, NULL, &o, "tied, d > n");
  gmix_model_free(m);
  o.reg_covar = 0;
  fit_fails(x, N, D, NULL, &o, GMIX_ENOTPD, "not positive definite");
  free(x);
}

/* Data 1e9 from the origin: the same fit as of the data at the origin,
 * shifted. Covariances are accumulated around a shift, so they keep their
 * accuracy (relative error well below what a one-pass sum of squares
 * around 0 would give, about 1e18 * eps / variance). */
static void test_far_from_origin(void **state) {
  (void)state;
  enum { N = 300, D = 2 };
  const double off = 1e9;
  double *x = two_clusters(N, D, 9), *y = malloc(N * D * sizeof *y);
  assert_non_null(y);
  for (size_t i = 0; i < N * D; i++)
    y[i] = x[i] + off;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(tu_types[t], 2);
    o.init = GMIX_INIT_KMEANS;
    gmix_model *a = fit_ok(x, N, D, NULL, &o, "at the origin");
    gmix_model *b = fit_ok(y, N, D, NULL, &o, "1e9 from the origin");
    size_t k = 2, nc = gmix_covariance_size(tu_types[t], k, D);
    double wa[2], wb[2], ma[2 * D], mb[2 * D], ca[2 * D * D], cb[2 * D * D];
    gmix_model_weights(a, wa);
    gmix_model_weights(b, wb);
    gmix_model_means(a, ma);
    gmix_model_means(b, mb);
    gmix_model_covariances(a, ca);
    gmix_model_covariances(b, cb);
    /* The same labelling: component 0 of each is the one at the origin. */
    size_t pa = ma[0] > 3, pb = mb[0] - off > 3;
    for (size_t c = 0; c < k; c++) {
      size_t ca_i = c ^ pa, cb_i = c ^ pb;
      /* Rounding the data by 1e9 * eps ~ 1e-7 moves a weight by about as
       * much; 1e-5 leaves margin for EM's few iterations. */
      TU_NEAR(wb[cb_i], wa[ca_i], 1e-5, "%s: weight %zu",
              gmix_covariance_type_name(tu_types[t]), c);
      for (size_t j = 0; j < D; j++)
        TU_NEAR(mb[cb_i * D + j] - off, ma[ca_i * D + j], 1e-5, "mean %zu,%zu",
                c, j);
    }
    size_t per = nc / (tu_types[t] == GMIX_COV_TIED ? 1 : k);
    for (size_t c = 0; c < nc / per; c++)
      for (size_t e = 0; e < per; e++) {
        size_t ia = (tu_types[t] == GMIX_COV_TIED ? 0 : c ^ pa) * per + e;
        size_t ib = (tu_types[t] == GMIX_COV_TIED ? 0 : c ^ pb) * per + e;
        TU_NEAR(cb[ib], ca[ia], 1e-5 * (1 + fabs(ca[ia])),
                "%s: covariance %zu,%zu",
                gmix_covariance_type_name(tu_types[t]), c, e);
      }
    gmix_model_free(a);
    gmix_model_free(b);
  }
  free(x);
  free(y);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_weights_extreme_range),
      cmocka_unit_test(test_weights_all_zero_but_one),
      cmocka_unit_test(test_single_row),
      cmocka_unit_test(test_constant_column_d1),
      cmocka_unit_test(test_k_close_to_n),
      cmocka_unit_test(test_rows_one_ulp_apart),
      cmocka_unit_test(test_near_dbl_max),
      cmocka_unit_test(test_distance_overflow),
      cmocka_unit_test(test_subnormal_variance),
      cmocka_unit_test(test_scales_differ_1e12),
      cmocka_unit_test(test_tied_rank_deficient),
      cmocka_unit_test(test_far_from_origin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
