/*
 * test_init.c -- initialisation paths not reached by the default options:
 * k-means on a subsample (kmeans_max_rows below n), with and without
 * weights, and its allocation failure; random rows as centres when some
 * rows weigh nothing; and the M-step's per-feature statistics of models
 * with more features than one vector of lanes (d = 11 for diag and
 * spherical), checked against direct sums.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* gmix__fault_inject */

enum { N = 400, D = 2 };

/* Two clusters 10 apart: rows alternate between them. */
static void clusters(double *x, size_t n, size_t d, uint64_t seed) {
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      x[i * d + j] = tu_normal(&r) + (i % 2 ? 10.0 : 0.0);
}

/* The component whose first mean coordinate is near 10, of two. */
static size_t far_component(const gmix_model *m) {
  double mu[2 * D];
  gmix_model_means(m, mu);
  return mu[0] > mu[D] ? 0 : 1;
}

/* k-means on a subsample of about 40 rows still finds both clusters, and
 * the start it gives depends only on the seed, not on the threads. */
static void test_kmeans_subsample(void **state) {
  (void)state;
  static double x[N * D], w[N];
  clusters(x, N, D, 1);
  for (size_t i = 0; i < N; i++)
    w[i] = i % 5 == 0 ? 0.0 : 1.0 + (double)(i % 3);
  for (int weighted = 0; weighted < 2; weighted++) {
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = 2;
    o.covariance_type = GMIX_COV_DIAG;
    o.kmeans_max_rows = 40;
    o.max_iter = 0; /* the start itself */
    o.threads = 1;
    gmix_model *a = NULL, *b = NULL;
    gmix_error err;
    const double *wp = weighted ? w : NULL;
    TU_OK(gmix_fit(x, N, D, wp, &o, &a, &err), &err);
    o.threads = 2;
    TU_OK(gmix_fit(x, N, D, wp, &o, &b, &err), &err);
    tu_check_model_finite(a, "k-means on a subsample");
    double ma[2 * D], mb[2 * D];
    gmix_model_means(a, ma);
    gmix_model_means(b, mb);
    TU_TRUE(memcmp(ma, mb, sizeof ma) == 0, "threads changed the start");
    size_t f = far_component(a);
    for (size_t j = 0; j < D; j++) {
      /* Means of 200 unit-variance rows: within 5 standard errors. */
      TU_NEAR(ma[f * D + j], 10.0, 5.0 / sqrt(N / 2.0), "far mean %zu", j);
      TU_NEAR(ma[(1 - f) * D + j], 0.0, 5.0 / sqrt(N / 2.0), "near mean %zu",
              j);
    }
    gmix_model_free(a);
    gmix_model_free(b);
  }
}

/* Every allocation of the subsampled k-means may fail: a clean
 * GMIX_ENOMEM and no leak (the sanitizer and valgrind builds check). */
static void test_kmeans_subsample_nomem(void **state) {
  (void)state;
  static double x[N * D], w[N];
  clusters(x, N, D, 2);
  for (size_t i = 0; i < N; i++)
    w[i] = 1.0;
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 2;
  o.kmeans_max_rows = 40;
  o.max_iter = 2;
  o.threads = 1;
  size_t ok_at = 0;
  for (size_t at = 1; at < 200 && !ok_at; at++) {
    gmix_model *m = NULL;
    gmix_error err;
    gmix__fault_inject(at);
    gmix_status s = gmix_fit(x, N, D, w, &o, &m, &err);
    gmix__fault_inject(0);
    if (s == GMIX_OK) {
      ok_at = at;
      gmix_model_free(m);
    } else {
      TU_STATUS(s, GMIX_ENOMEM, &err);
      TU_TRUE(m == NULL, "*out written on failure");
    }
  }
  TU_TRUE(ok_at > 1, "the fit never succeeded under fault injection");
}

/* Random rows as centres never pick a row of zero weight. */
static void test_random_rows_skip_zero_weights(void **state) {
  (void)state;
  static double x[N * D], w[N];
  clusters(x, N, D, 3);
  /* Only the rows of the far cluster weigh anything. */
  for (size_t i = 0; i < N; i++)
    w[i] = i % 2 ? 1.0 : 0.0;
  for (uint64_t seed = 0; seed < 8; seed++) {
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = 2;
    o.init = GMIX_INIT_RANDOM_FROM_DATA;
    o.max_iter = 0;
    o.seed = seed;
    o.threads = 1;
    gmix_model *m = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, N, D, w, &o, &m, &err), &err);
    double mu[2 * D];
    gmix_model_means(m, mu);
    /* Both starts are rows of the far cluster, so both means are there. */
    for (size_t i = 0; i < 2 * D; i++)
      TU_NEAR(mu[i], 10.0, 6.0, "seed %llu: mean %zu", (unsigned long long)seed,
              i);
    gmix_model_free(m);
  }
}

/* Diag and spherical statistics with d = 11 (a full lane of 8 features and
 * a remainder of 3): the M-step's means and variances equal the weighted
 * sums of the responsibilities computed directly. */
static void test_wide_per_feature_stats(void **state) {
  (void)state;
  enum { M = 120, W = 11, K = 2 };
  static double x[M * W], w[M], r[M * K];
  clusters(x, M, W, 4);
  for (size_t i = 0; i < M; i++)
    w[i] = 0.5 + (double)(i % 4);
  const gmix_covariance_type types[] = {GMIX_COV_DIAG, GMIX_COV_SPHERICAL};
  for (size_t t = 0; t < 2; t++) {
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = K;
    o.covariance_type = types[t];
    o.max_iter = 1;
    o.threads = 1;
    gmix_model *m = NULL, *next = NULL;
    gmix_stats *s = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, M, W, w, &o, &m, &err), &err);
    TU_OK(gmix_stats_create(m, &s, &err), &err);
    TU_OK(gmix_stats_accumulate(s, x, M, W, w, &err), &err);
    TU_OK(gmix_stats_mstep(s, &o, &next, &err), &err);
    TU_OK(gmix_predict_proba(m, x, M, W, 1, r, &err), &err);
    double mu[K * W], cov[K * W];
    gmix_model_means(next, mu);
    gmix_model_covariances(next, cov);
    for (size_t c = 0; c < K; c++) {
      double nk = 0, var_sum = 0;
      for (size_t i = 0; i < M; i++)
        nk += w[i] * r[i * K + c];
      for (size_t j = 0; j < W; j++) {
        double s1 = 0, s2 = 0;
        for (size_t i = 0; i < M; i++)
          s1 += w[i] * r[i * K + c] * x[i * W + j];
        double mean = s1 / nk;
        for (size_t i = 0; i < M; i++) {
          double dev = x[i * W + j] - mean;
          s2 += w[i] * r[i * K + c] * dev * dev;
        }
        /* Sums of M terms of size ~10 in another order: M eps relative. */
        TU_NEAR(mu[c * W + j], mean, 4.0 * M * TU_EPS * (1 + fabs(mean)),
                "%s: mean %zu,%zu", gmix_covariance_type_name(types[t]), c, j);
        if (types[t] == GMIX_COV_DIAG)
          TU_NEAR(cov[c * W + j], s2 / nk + o.reg_covar,
                  4.0 * M * TU_EPS * (s2 / nk), "diag: variance %zu,%zu", c, j);
        var_sum += s2 / nk;
      }
      if (types[t] == GMIX_COV_SPHERICAL)
        TU_NEAR(cov[c], var_sum / W + o.reg_covar,
                4.0 * M * TU_EPS * (var_sum / W), "spherical: variance %zu", c);
    }
    gmix_stats_free(s);
    gmix_model_free(m);
    gmix_model_free(next);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kmeans_subsample),
      cmocka_unit_test(test_kmeans_subsample_nomem),
      cmocka_unit_test(test_random_rows_skip_zero_weights),
      cmocka_unit_test(test_wide_per_feature_stats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
