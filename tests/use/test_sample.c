/*
 * test_sample.c -- gmix_sample: moments of the draws, label frequencies,
 * determinism for a seed.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { K = 3, D = 3, N = 100000 };

static void build(gmix_covariance_type type, uint64_t seed, double *w,
                  double *mu, double *full, gmix_model **m) {
  double cov[K * D * D];
  tu_rng r;
  tu_rng_seed(&r, seed);
  tu_random_params(&r, type, K, D, 0.3, 3, w, mu, cov);
  tu_expand_covariances(type, K, D, cov, full);
  gmix_error err;
  TU_OK(gmix_model_create(type, K, D, w, mu, cov, m, &err), &err);
}

/* Sample mean and covariance of 100,000 draws against the mixture's, and
 * per component given the labels. Tolerance: 5 standard errors, the
 * standard error of a mean sqrt(S_jj / n), of a covariance entry the
 * empirical sd of the centred products over sqrt(n). */
static void test_moments(void **state) {
  (void)state;
  double *x = malloc(N * D * sizeof *x);
  size_t *lab = malloc(N * sizeof *lab);
  for (int t = 0; t < TU_NTYPES; t++) {
    const char *tn = gmix_covariance_type_name(tu_types[t]);
    double w[K], mu[K * D], full[K * D * D];
    gmix_model *m = NULL;
    gmix_error err;
    build(tu_types[t], 50 + t, w, mu, full, &m);
    TU_OK(gmix_sample(m, N, 2024, x, lab, &err), &err);

    /* Mixture moments: mean sum w mu, covariance sum w (S + mu mu^T) -
     * mean mean^T. */
    double mean[D] = {0}, cov[D * D] = {0};
    for (size_t c = 0; c < K; c++)
      for (size_t i = 0; i < D; i++)
        mean[i] += w[c] * mu[c * D + i];
    for (size_t c = 0; c < K; c++)
      for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
          cov[i * D + j] += w[c] * (full[c * D * D + i * D + j] +
                                    mu[c * D + i] * mu[c * D + j]);
    for (size_t i = 0; i < D; i++)
      for (size_t j = 0; j < D; j++)
        cov[i * D + j] -= mean[i] * mean[j];

    double smean[D] = {0}, scov[D * D] = {0}, s2[D * D] = {0};
    size_t count[K] = {0};
    for (size_t r = 0; r < N; r++) {
      TU_TRUE(lab[r] < K, "%s: label %zu of row %zu", tn, lab[r], r);
      count[lab[r]]++;
      TU_TRUE(tu_all_finite(x + r * D, D), "%s: row %zu", tn, r);
      for (size_t i = 0; i < D; i++)
        smean[i] += x[r * D + i];
    }
    for (size_t i = 0; i < D; i++)
      smean[i] /= N;
    for (size_t r = 0; r < N; r++)
      for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
          double p = (x[r * D + i] - smean[i]) * (x[r * D + j] - smean[j]);
          scov[i * D + j] += p;
          s2[i * D + j] += p * p;
        }
    for (size_t i = 0; i < D; i++) {
      TU_NEAR(smean[i], mean[i], 5 * sqrt(cov[i * D + i] / N), "%s mean %zu",
              tn, i);
      for (size_t j = 0; j < D; j++) {
        double c = scov[i * D + j] / (N - 1);
        double var = s2[i * D + j] / N - c * c;
        TU_NEAR(c, cov[i * D + j], 5 * sqrt(var / N),
                "%s covariance [%zu][%zu]", tn, i, j);
      }
    }
    /* Labels: binomial proportions; rows of a label: that component's
     * mean. */
    for (size_t c = 0; c < K; c++) {
      TU_NEAR((double)count[c] / N, w[c], 5 * sqrt(w[c] * (1 - w[c]) / N),
              "%s: frequency of label %zu", tn, c);
      double cm[D] = {0};
      for (size_t r = 0; r < N; r++)
        if (lab[r] == c)
          for (size_t i = 0; i < D; i++)
            cm[i] += x[r * D + i];
      for (size_t i = 0; i < D; i++)
        TU_NEAR(cm[i] / count[c], mu[c * D + i],
                5 * sqrt(full[c * D * D + i * D + i] / count[c]),
                "%s: mean of component %zu, feature %zu", tn, c, i);
    }
    gmix_model_free(m);
  }
  free(x);
  free(lab);
}

static void test_determinism(void **state) {
  (void)state;
  enum { M = 5000 };
  double *a = malloc(M * D * sizeof *a), *b = malloc(M * D * sizeof *b);
  size_t la[M], lb[M];
  for (int t = 0; t < TU_NTYPES; t++) {
    const char *tn = gmix_covariance_type_name(tu_types[t]);
    double w[K], mu[K * D], full[K * D * D];
    gmix_model *m = NULL;
    gmix_error err;
    build(tu_types[t], 60 + t, w, mu, full, &m);
    TU_OK(gmix_sample(m, M, 99, a, la, &err), &err);
    TU_OK(gmix_sample(m, M, 99, b, lb, &err), &err);
    TU_TRUE(memcmp(a, b, M * D * sizeof *a) == 0, "%s: same seed, other rows",
            tn);
    TU_TRUE(memcmp(la, lb, sizeof la) == 0, "%s: same seed, other labels", tn);
    /* Labels are optional and do not change the rows. */
    TU_OK(gmix_sample(m, M, 99, b, NULL, &err), &err);
    TU_TRUE(memcmp(a, b, M * D * sizeof *a) == 0,
            "%s: labels NULL changes "
            "the rows",
            tn);
    /* A copy samples the same; another seed differs. */
    gmix_model *c = NULL;
    TU_OK(gmix_model_copy(m, &c, NULL), NULL);
    TU_OK(gmix_sample(c, M, 99, b, lb, &err), &err);
    TU_TRUE(memcmp(a, b, M * D * sizeof *a) == 0,
            "%s: copy samples other "
            "rows",
            tn);
    TU_OK(gmix_sample(m, M, 100, b, lb, &err), &err);
    TU_TRUE(memcmp(a, b, M * D * sizeof *a) != 0,
            "%s: seeds 99 and 100 give "
            "the same rows",
            tn);
    /* n = 0 is valid. */
    TU_OK(gmix_sample(m, 0, 1, b, lb, &err), &err);
    gmix_model_free(c);
    gmix_model_free(m);
  }
  free(a);
  free(b);
}

/* A zero-weight component is never drawn. */
static void test_zero_weight(void **state) {
  (void)state;
  enum { M = 20000 };
  double w[3] = {0.5, 0, 0.5}, mu[3] = {-5, 0, 5}, v[3] = {1, 1, 1};
  double *x = malloc(M * sizeof *x);
  size_t *lab = malloc(M * sizeof *lab);
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_SPHERICAL, 3, 1, w, mu, v, &m, &err), &err);
  TU_OK(gmix_sample(m, M, 5, x, lab, &err), &err);
  for (size_t i = 0; i < M; i++)
    TU_TRUE(lab[i] == 0 || lab[i] == 2, "row %zu has label %zu", i, lab[i]);
  gmix_model_free(m);
  free(x);
  free(lab);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_moments),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_zero_weight),
  };
  return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
