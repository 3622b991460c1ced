/*
 * test_models.c -- the battery every registered covariance model runs.
 *
 * Each test loops over tu_types, which is read from the model registry
 * (src/cov/registry.c): a new model gets every check here without a line
 * of test code, except the test's own reference for it in testutil.c.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { K = 3, D = 4 };

/* |a - b| within rel relative to the larger magnitude of the array. */
static void near_arrays(const double *a, const double *b, size_t n, double rel,
                        const char *what) {
  double scale = 0.0;
  for (size_t i = 0; i < n; i++)
    scale = fmax(scale, fmax(fabs(a[i]), fabs(b[i])));
  for (size_t i = 0; i < n; i++)
    TU_NEAR(a[i], b[i], rel * scale, "%s[%zu]", what, i);
}

static gmix_model *random_model(gmix_covariance_type type, uint64_t seed) {
  tu_rng r;
  double w[K], mu[K * D], cov[K * D * D];
  gmix_model *m = NULL;
  gmix_error err;
  tu_rng_seed(&r, seed);
  tu_random_params(&r, type, K, D, 0.5, 2.0, w, mu, cov);
  TU_OK(gmix_model_create(type, K, D, w, mu, cov, &m, &err), &err);
  return m;
}

static void params(const gmix_model *m, double *w, double *mu, double *cov) {
  gmix_model_weights(m, w);
  gmix_model_means(m, mu);
  gmix_model_covariances(m, cov);
}

/* Names, sizes and shapes agree with each other. */
static void test_names_and_shapes(void **state) {
  (void)state;
  TU_TRUE(TU_NTYPES >= 4, "%d registered models", TU_NTYPES);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t], back;
    const char *name = gmix_covariance_type_name(type);
    assert_non_null(name);
    TU_OK(gmix_covariance_type_parse(name, &back, NULL), NULL);
    assert_int_equal(back, type);
    size_t dims[3] = {0, 0, 0}, prod = 1;
    int per_component = -1;
    size_t ndim = gmix_covariance_shape(type, K, D, dims, &per_component);
    TU_TRUE(ndim >= 1 && ndim <= 3, "%s: %zu dimensions", name, ndim);
    for (size_t i = 0; i < ndim; i++)
      prod *= dims[i];
    assert_int_equal(prod, gmix_covariance_size(type, K, D));
    if (per_component)
      assert_int_equal(dims[0], K);
    gmix_model *m = random_model(type, 1 + (uint64_t)t);
    size_t p = gmix_model_n_parameters(m);
    /* Between one variance per component and a full matrix each. */
    TU_TRUE(p >= (K - 1) + K * D + 1 &&
                p <= (K - 1) + K * D + K * D * (D + 1) / 2,
            "%s: %zu parameters", name, p);
    gmix_model_free(m);
  }
}

/* Covariances -> precisions -> covariances, and the precision Cholesky
 * factor: upper triangular (the one documented triangle), U U^T equal to
 * the precisions, whichever way the model was built. */
static void check_factor(const gmix_model *m, const char *what) {
  gmix_covariance_type type = gmix_model_covariance_type(m);
  size_t n = gmix_covariance_size(type, K, D), dims[3];
  int per_component;
  size_t ndim = gmix_covariance_shape(type, K, D, dims, &per_component);
  double *u = malloc(n * sizeof *u), *p = malloc(n * sizeof *p);
  assert_true(u && p);
  gmix_model_precisions_cholesky(m, u);
  gmix_model_precisions(m, p);
  /* Matrices: ndim 3, or ndim 2 shared by every component. */
  int matrices = ndim == 3 || (ndim == 2 && !per_component);
  if (matrices) {
    size_t nmat = ndim == 3 ? K : 1;
    for (size_t c = 0; c < nmat; c++) {
      const double *uc = u + c * D * D, *pc = p + c * D * D;
      for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
          if (j < i)
            TU_NEAR(uc[i * D + j], 0.0, 0.0, "%s: U[%zu][%zu] below diagonal",
                    what, i, j);
          double s = 0.0;
          for (size_t l = 0; l < D; l++)
            s += uc[i * D + l] * uc[j * D + l];
          TU_NEAR(s, pc[i * D + j], 1e-12 * fabs(pc[i * D + i]), "%s: UU^T",
                  what);
        }
    }
  } else {
    for (size_t i = 0; i < n; i++)
      TU_NEAR(u[i] * u[i], p[i], 1e-14 * p[i], "%s: u^2", what);
  }
  free(u);
  free(p);
}

static void test_precisions_round_trip(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *name = gmix_covariance_type_name(type);
    gmix_model *m = random_model(type, 10 + (uint64_t)t), *back = NULL;
    size_t n = gmix_covariance_size(type, K, D);
    double w[K], mu[K * D], cov[K * D * D], prec[K * D * D], cov2[K * D * D];
    gmix_error err;
    params(m, w, mu, cov);
    gmix_model_precisions(m, prec);
    TU_OK(
        gmix_model_create_from_precisions(type, K, D, w, mu, prec, &back, &err),
        &err);
    gmix_model_covariances(back, cov2);
    near_arrays(cov2, cov, n, 1e-12, name);
    check_factor(m, name);
    check_factor(back, name);
    /* Both give the same densities. */
    double x[5 * D], l1[5], l2[5];
    tu_rng r;
    tu_rng_seed(&r, 5);
    for (size_t i = 0; i < 5 * D; i++)
      x[i] = tu_normal(&r);
    TU_OK(gmix_score_samples(m, x, 5, D, 0, l1, &err), &err);
    TU_OK(gmix_score_samples(back, x, 5, D, 0, l2, &err), &err);
    for (size_t i = 0; i < 5; i++)
      TU_NEAR(l2[i], l1[i], 1e-11 * fabs(l1[i]), "%s: log p row %zu", name, i);
    gmix_model_free(m);
    gmix_model_free(back);
  }
}

/* The model file keeps every parameter exactly. */
static void test_json_round_trip(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    gmix_model *m = random_model(type, 20 + (uint64_t)t), *back = NULL;
    char *json = NULL;
    gmix_error err;
    TU_OK(gmix_model_to_json(m, &json, &err), &err);
    TU_OK(gmix_model_from_json(json, &back, &err), &err);
    gmix_free(json);
    assert_int_equal(gmix_model_covariance_type(back), type);
    size_t n = gmix_covariance_size(type, K, D);
    double a[K * D * D], b[K * D * D];
    gmix_model_covariances(m, a);
    gmix_model_covariances(back, b);
    assert_memory_equal(a, b, n * sizeof *a);
    gmix_model_means(m, a);
    gmix_model_means(back, b);
    assert_memory_equal(a, b, K * D * sizeof *a);
    gmix_model_free(m);
    gmix_model_free(back);
  }
}

/* Draws have the model's moments (one component, many rows). */
static void test_sampling_moments(void **state) {
  (void)state;
  enum { N = 40000 };
  double *x = malloc(N * D * sizeof *x);
  assert_non_null(x);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *name = gmix_covariance_type_name(type);
    tu_rng r;
    double w[1] = {1.0}, mu[D], cov[D * D], full[D * D];
    gmix_model *m = NULL;
    gmix_error err;
    tu_rng_seed(&r, 30 + (uint64_t)t);
    tu_random_params(&r, type, 1, D, 0.5, 2.0, w, mu, cov);
    w[0] = 1.0;
    TU_OK(gmix_model_create(type, 1, D, w, mu, cov, &m, &err), &err);
    tu_expand_covariances(type, 1, D, cov, full);
    TU_OK(gmix_sample(m, N, 7, x, NULL, &err), &err);
    for (size_t i = 0; i < D; i++) {
      double s = 0.0;
      for (size_t r2 = 0; r2 < N; r2++)
        s += x[r2 * D + i];
      double mean = s / N;
      /* Five standard errors: fails by chance with probability < 1e-6. */
      TU_NEAR(mean, mu[i], 5.0 * sqrt(full[i * D + i] / N), "%s mean %zu", name,
              i);
      for (size_t j = 0; j <= i; j++) {
        double c = 0.0;
        for (size_t r2 = 0; r2 < N; r2++)
          c += (x[r2 * D + i] - mu[i]) * (x[r2 * D + j] - mu[j]);
        c /= N;
        double se = sqrt((full[i * D + i] * full[j * D + j] +
                          full[i * D + j] * full[i * D + j]) /
                         N);
        TU_NEAR(c, full[i * D + j], 5.0 * se, "%s cov %zu %zu", name, i, j);
      }
    }
    gmix_model_free(m);
  }
  free(x);
}

static gmix_options options(gmix_covariance_type type, size_t k) {
  gmix_options o;
  gmix_options_init(&o);
  o.covariance_type = type;
  o.n_components = k;
  return o;
}

/* EM never decreases the lower bound (up to rounding and the small bias of
 * reg_covar), and gives the same model for any thread count. */
static void test_fit_monotone_and_threads(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("iris.csv", &n, &d);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *name = gmix_covariance_type_name(type);
    gmix_options o = options(type, 3);
    o.tol = 0.0;
    o.max_iter = 40;
    o.threads = 1;
    gmix_model *a = NULL, *b = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &a, &err), &err);
    o.threads = 2;
    o.chunk_rows = 16; /* several chunks, so both threads work */
    TU_OK(gmix_fit(x, n, d, NULL, &o, &b, &err), &err);
    double h[64];
    size_t nh = gmix_model_history(a, h, 64);
    for (size_t i = 1; i < nh && i < 64; i++)
      TU_TRUE(h[i] >= h[i - 1] - 1e-9, "%s: bound fell at %zu: %.17g < %.17g",
              name, i, h[i], h[i - 1]);
    gmix_model_free(b);
    /* Same chunks, one thread against two: bit-identical. */
    o.threads = 1;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &b, &err), &err);
    gmix_model *c = NULL;
    o.threads = 2;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &c, &err), &err);
    size_t nc = gmix_covariance_size(type, 3, d);
    double *p = malloc(2 * nc * sizeof *p);
    assert_non_null(p);
    gmix_model_covariances(b, p);
    gmix_model_covariances(c, p + nc);
    assert_memory_equal(p, p + nc, nc * sizeof *p);
    free(p);
    gmix_model_free(a);
    gmix_model_free(b);
    gmix_model_free(c);
  }
  free(x);
}

/* The statistics API: two halves accumulated apart and merged (or their
 * buffers summed) then stepped give the parameters of one gmix_fit
 * iteration from the same start (gmix fit --init-model START
 * --max-iter 1) to 1e-12 relative. */
static void test_stats_equal_one_step(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *name = gmix_covariance_type_name(type);
    enum { KK = 3 };
    gmix_options o = options(type, KK);
    o.max_iter = 3;
    gmix_model *start = NULL, *ref = NULL, *m1 = NULL, *m2 = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &start, &err), &err);
    o.warm_start = start;
    o.max_iter = 1;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &ref, &err), &err);

    size_t half = n / 2 + 7;
    gmix_stats *a = NULL, *b = NULL, *c = NULL, *whole = NULL;
    TU_OK(gmix_stats_create(start, &a, &err), &err);
    TU_OK(gmix_stats_create(start, &b, &err), &err);
    TU_OK(gmix_stats_create(start, &c, &err), &err);
    TU_OK(gmix_stats_create(start, &whole, &err), &err);
    TU_OK(gmix_stats_accumulate(a, x, half, d, NULL, &err), &err);
    TU_OK(gmix_stats_accumulate(b, x + half * d, n - half, d, NULL, &err),
          &err);
    TU_OK(gmix_stats_accumulate(c, x + half * d, n - half, d, NULL, &err),
          &err);
    TU_OK(gmix_stats_accumulate(whole, x, n, d, NULL, &err), &err);
    TU_NEAR(gmix_stats_weight(whole), (double)n, 0.0, "%s weight", name);
    double score;
    TU_OK(gmix_score(start, x, n, d, NULL, 0, &score, &err), &err);
    TU_NEAR(gmix_stats_log_likelihood(whole) / (double)n, score,
            1e-13 * fabs(score), "%s log-likelihood", name);

    /* Summing buffers element by element is merging: c held the second
     * half, a the first. */
    size_t la, lc;
    double *ba = gmix_stats_buffer(a, &la), *bc = gmix_stats_buffer(c, &lc);
    assert_int_equal(la, lc);
    for (size_t i = 0; i < lc; i++)
      bc[i] += ba[i];
    TU_OK(gmix_stats_merge(a, b, &err), &err);
    assert_memory_equal(ba, bc, la * sizeof *ba);
    TU_OK(gmix_stats_mstep(a, NULL, &m1, &err), &err);
    TU_OK(gmix_stats_mstep(whole, NULL, &m2, &err), &err);

    size_t nc = gmix_covariance_size(type, KK, d);
    double *p = malloc((2 * nc + 4 * KK * d) * sizeof *p);
    assert_non_null(p);
    double *q = p + nc, *mu = q + nc, *mu2 = mu + KK * d;
    for (int which = 0; which < 2; which++) {
      const gmix_model *got = which ? m2 : m1;
      gmix_model_covariances(got, p);
      gmix_model_covariances(ref, q);
      near_arrays(p, q, nc, 1e-12, name);
      gmix_model_means(got, mu);
      gmix_model_means(ref, mu2);
      near_arrays(mu, mu2, KK * d, 1e-12, name);
      gmix_model_weights(got, mu);
      gmix_model_weights(ref, mu2);
      near_arrays(mu, mu2, KK, 1e-12, name);
    }
    free(p);
    gmix_stats_free(a);
    gmix_stats_free(b);
    gmix_stats_free(c);
    gmix_stats_free(whole);
    gmix_model_free(start);
    gmix_model_free(ref);
    gmix_model_free(m1);
    gmix_model_free(m2);
  }
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_shapes),
      cmocka_unit_test(test_precisions_round_trip),
      cmocka_unit_test(test_json_round_trip),
      cmocka_unit_test(test_sampling_moments),
      cmocka_unit_test(test_fit_monotone_and_threads),
      cmocka_unit_test(test_stats_equal_one_step),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
