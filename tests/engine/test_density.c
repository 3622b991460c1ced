/*
 * test_density.c -- log densities, responsibilities and labels of models
 * built from given parameters, against the direct formula evaluated by the
 * test's own Cholesky factorisation (testutil.c).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static gmix_model *make(gmix_covariance_type type, size_t k, size_t d,
                        const double *w, const double *mu, const double *cov) {
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(type, k, d, w, mu, cov, &m, &err), &err);
  assert_non_null(m);
  return m;
}

static double score1(const gmix_model *m, const double *x, size_t d) {
  double lp = NAN;
  gmix_error err;
  TU_OK(gmix_score_samples(m, x, 1, d, 0, &lp, &err), &err);
  return lp;
}

/* Values worked by hand; the only rounding is in the library and in the
 * constants, so a few ulps of the result suffice. */
static void test_hand_worked(void **state) {
  (void)state;
  const double half_log_2pi = 0.5 * TU_LOG_2PI;
  gmix_model *m;
  double one = 1, zero = 0, unit = 1;

  /* N(0, 1) at 0 and at 2. */
  m = make(GMIX_COV_FULL, 1, 1, &one, &zero, &unit);
  double x = 0;
  TU_NEAR(score1(m, &x, 1), -half_log_2pi, 4 * TU_EPS, "N(0,1) at 0");
  x = 2;
  TU_NEAR(score1(m, &x, 1), -half_log_2pi - 2, 8 * TU_EPS * 3, "N(0,1) at 2");
  gmix_model_free(m);

  /* diag: variances (1, 4), mean (1, -1), x = (2, 1):
   * -log 2pi - 1/2 log 4 - 1/2 (1 + 4/4). */
  double mu2[2] = {1, -1}, var2[2] = {1, 4}, x2[2] = {2, 1};
  m = make(GMIX_COV_DIAG, 1, 2, &one, mu2, var2);
  TU_NEAR(score1(m, x2, 2), -TU_LOG_2PI - log(2.0) - 1, 16 * TU_EPS * 4,
          "diag (1,4)");
  gmix_model_free(m);

  /* full: S = [[2,1],[1,2]], |S| = 3, S^-1 = [[2,-1],[-1,2]]/3, x - mu =
   * (1, 1): quadratic form 2/3. */
  double s2[4] = {2, 1, 1, 2}, zero2[2] = {0, 0}, ones2[2] = {1, 1};
  m = make(GMIX_COV_FULL, 1, 2, &one, zero2, s2);
  TU_NEAR(score1(m, ones2, 2), -TU_LOG_2PI - 0.5 * log(3.0) - 1.0 / 3,
          16 * TU_EPS * 4, "full [[2,1],[1,2]]");
  gmix_model_free(m);
  /* The same as tied. */
  m = make(GMIX_COV_TIED, 1, 2, &one, zero2, s2);
  TU_NEAR(score1(m, ones2, 2), -TU_LOG_2PI - 0.5 * log(3.0) - 1.0 / 3,
          16 * TU_EPS * 4, "tied [[2,1],[1,2]]");
  gmix_model_free(m);

  /* spherical, two components at -1 and +1, equal weights, x = 0: both
   * terms equal, so log p = -1/2 log 2pi - 1/2. */
  double w2[2] = {0.5, 0.5}, mpm[2] = {-1, 1}, v11[2] = {1, 1};
  m = make(GMIX_COV_SPHERICAL, 2, 1, w2, mpm, v11);
  x = 0;
  TU_NEAR(score1(m, &x, 1), -half_log_2pi - 0.5, 8 * TU_EPS * 2,
          "two components at +-1");
  gmix_model_free(m);

  /* Far from both components at 0 and 1 (variance 1, equal weights):
   * log p = -1/2 log 2pi - log 2 - (x-1)^2/2 + log(1 + e^{-(2x-1)/2}), the
   * last term 0 in double for x = 1e4. Raw densities underflow to 0 long
   * before this point; log-sum-exp must not. */
  double m01[2] = {0, 1};
  m = make(GMIX_COV_SPHERICAL, 2, 1, w2, m01, v11);
  x = 1e4;
  double expect = -half_log_2pi - log(2.0) - 0.5 * 9999.0 * 9999.0;
  double got = score1(m, &x, 1);
  TU_TRUE(isfinite(got), "far point gives %g", got);
  /* The quadratic form of ~1e8 carries a few ulps of it. */
  TU_NEAR(got, expect, 8 * TU_EPS * fabs(expect), "x = 1e4");
  gmix_model_free(m);
}

/* Bound on the rounding error of one log density. Each component term
 * log w - d/2 log 2pi - 1/2 log|S| - 1/2 q is a sum of quantities computed
 * from O(d) products each: the quadratic form q is evaluated through a
 * triangular factor whose rounding is relative to (|x| + |mu|)^2 / lambda_min
 * (an implementation may form x U - mu U rather than (x - mu) U), amplified
 * by at most cond(S), and log|S| to d ulps of |log lambda|. The log-sum-exp
 * adds K ulps. 8 (d + K) ulps of that magnitude times cond bounds both the
 * library's and the reference's error with margin. */
static double point_tol(const double *x, const double *mu, size_t k, size_t d,
                        double lo, double hi) {
  double xn = 0, mn = 0;
  for (size_t j = 0; j < d; j++)
    xn += x[j] * x[j];
  for (size_t c = 0; c < k; c++) {
    double s = 0;
    for (size_t j = 0; j < d; j++)
      s += mu[c * d + j] * mu[c * d + j];
    mn = fmax(mn, s);
  }
  double r = sqrt(xn) + sqrt(mn);
  double mag = 1 +
               (double)d * (TU_LOG_2PI + fmax(fabs(log(lo)), fabs(log(hi)))) +
               r * r / lo;
  return 8.0 * (double)(d + k) * (hi / lo) * TU_EPS * mag;
}

enum { NPOINTS = 16 };

/* Points: each mean, draws near the components, and points 40, 1e3 and 1e6
 * units away from all of them. */
static void make_points(tu_rng *r, size_t k, size_t d, const double *mu,
                        double *x) {
  for (size_t i = 0; i < NPOINTS; i++) {
    size_t c = i % k;
    for (size_t j = 0; j < d; j++) {
      double base = mu[c * d + j];
      if (i < k)
        x[i * d + j] = base;
      else if (i < 10)
        x[i * d + j] = base + tu_normal(r);
      else if (i < 12)
        x[i * d + j] = base + 40.0 * (j == 0 ? 1 : 0.5);
      else if (i < 14)
        x[i * d + j] = 1e3 * (tu_uniform(r) - 0.5);
      else
        x[i * d + j] = (i == 14 ? 1e6 : -1e6) * (j + 1.0);
    }
  }
}

static void check_case(gmix_covariance_type type, size_t k, size_t d,
                       uint64_t seed, int from_precisions) {
  const double lo = 0.5, hi = 2.0; /* eigenvalues, so cond <= 4 */
  tu_rng r;
  tu_rng_seed(&r, seed);
  size_t nc = gmix_covariance_size(type, k, d);
  double w[3], mu[15], cov[75], full[75], prec[75], x[NPOINTS * 5];
  double lp[NPOINTS], proba[NPOINTS * 3], logk[3];
  size_t labels[NPOINTS];
  const char *tn = gmix_covariance_type_name(type);
  gmix_error err;
  gmix_model *m = NULL;

  assert_true(nc > 0 && nc <= 75);
  tu_random_params(&r, type, k, d, lo, hi, w, mu, cov);
  tu_expand_covariances(type, k, d, cov, full);
  if (from_precisions) {
    tu_precisions_of(type, k, d, cov, prec);
    TU_OK(gmix_model_create_from_precisions(type, k, d, w, mu, prec, &m, &err),
          &err);
  } else {
    TU_OK(gmix_model_create(type, k, d, w, mu, cov, &m, &err), &err);
  }
  make_points(&r, k, d, mu, x);

  TU_OK(gmix_score_samples(m, x, NPOINTS, d, 0, lp, &err), &err);
  TU_OK(gmix_predict_proba(m, x, NPOINTS, d, 0, proba, &err), &err);
  TU_OK(gmix_predict(m, x, NPOINTS, d, 0, labels, &err), &err);

  for (size_t i = 0; i < NPOINTS; i++) {
    const double *xi = x + i * d;
    double ref = tu_log_mixture(k, d, w, mu, full, xi, logk);
    /* Precisions given: the covariances the library derives carry another
     * cond(S) ulps. */
    double tol = point_tol(xi, mu, k, d, lo, hi) * (from_precisions ? 4 : 1);
    TU_TRUE(isfinite(lp[i]), "%s K=%zu d=%zu point %zu: log density %g", tn, k,
            d, i, lp[i]);
    TU_NEAR(lp[i], ref, tol, "%s K=%zu d=%zu point %zu%s", tn, k, d, i,
            from_precisions ? " (from precisions)" : "");

    /* Responsibilities: exp(T_k - lse), each an error of at most 2 tol
     * relative; the row sum to K ulps. */
    double sum = 0;
    size_t best = 0;
    for (size_t c = 0; c < k; c++) {
      double p = proba[i * k + c];
      TU_TRUE(p >= 0 && p <= 1, "%s K=%zu d=%zu point %zu: proba %g", tn, k, d,
              i, p);
      TU_NEAR(p, exp(logk[c] - ref), 2 * tol + 4 * TU_EPS,
              "%s K=%zu d=%zu point %zu component %zu responsibility", tn, k, d,
              i, c);
      sum += p;
      if (p > proba[i * k + best])
        best = c;
    }
    /* Normalised responsibilities sum to one within K ulps. Points far
     * from all components are checked on their own in
     * test_proba_far_point, so that a failure there does not hide the
     * rest. */
    if (i < 10)
      TU_NEAR(sum, 1.0, 4 * (double)k * TU_EPS,
              "%s K=%zu d=%zu point %zu: responsibilities sum", tn, k, d, i);
    TU_TRUE(labels[i] == best,
            "%s K=%zu d=%zu point %zu: predict %zu, argmax "
            "of predict_proba %zu",
            tn, k, d, i, labels[i], best);
    /* The label is the reference's most probable component up to the
     * rounding of the terms. */
    double tmax = -INFINITY;
    for (size_t c = 0; c < k; c++)
      tmax = fmax(tmax, logk[c]);
    TU_TRUE(logk[labels[i]] >= tmax - 2 * tol,
            "%s K=%zu d=%zu point %zu: label %zu has term %.17g, best %.17g",
            tn, k, d, i, labels[i], logk[labels[i]], tmax);
  }

  /* n = 0 is a valid, empty call. */
  TU_OK(gmix_score_samples(m, x, 0, d, 0, lp, &err), &err);
  gmix_model_free(m);
}

static void test_direct_formula(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++)
    for (size_t d = 1; d <= 5; d++)
      for (size_t k = 1; k <= 3; k++)
        check_case(tu_types[t], k, d, 1000 * (uint64_t)t + 10 * d + k, 0);
}

static void test_direct_formula_from_precisions(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++)
    for (size_t d = 1; d <= 5; d++)
      for (size_t k = 1; k <= 3; k++)
        check_case(tu_types[t], k, d, 7000 + 1000 * (uint64_t)t + 10 * d + k,
                   1);
}

/* A zero-weight component never gets responsibility or a label, and does
 * not change the density. */
static void test_zero_weight_component(void **state) {
  (void)state;
  double w[2] = {1, 0}, mu[2] = {0, 0.5}, v[2] = {1, 1}, x[3] = {0, 0.5, -7};
  double lp[3], pr[6];
  size_t lab[3];
  gmix_model *m = make(GMIX_COV_SPHERICAL, 2, 1, w, mu, v);
  gmix_error err;
  TU_OK(gmix_score_samples(m, x, 3, 1, 0, lp, &err), &err);
  TU_OK(gmix_predict_proba(m, x, 3, 1, 0, pr, &err), &err);
  TU_OK(gmix_predict(m, x, 3, 1, 0, lab, &err), &err);
  for (size_t i = 0; i < 3; i++) {
    double ref = -0.5 * TU_LOG_2PI - 0.5 * x[i] * x[i];
    TU_NEAR(lp[i], ref, 8 * TU_EPS * fabs(ref), "row %zu", i);
    TU_NEAR(pr[2 * i], 1.0, 0, "row %zu: responsibility of component 0", i);
    TU_NEAR(pr[2 * i + 1], 0.0, 0, "row %zu: responsibility of component 1", i);
    TU_TRUE(lab[i] == 0, "row %zu: label %zu", i, lab[i]);
  }
  gmix_model_free(m);
}

/* Far from two components whose terms are equal there (tied covariance
 * S, means (0, 1) and (0, -1); along x = t S e_1 the linear term
 * (mu_0 - mu_1)^T S^{-1} x vanishes, so both log terms are equal): each
 * responsibility is 1/2 whatever t, up to the rounding of the terms.
 * Forming exp(L_k - log p) loses ulps of |log p| ~ t^2 in each
 * responsibility and in their sum; normalising relative to the largest term
 * keeps the sum within K ulps of one, for log densities down to -5e13. */
static void test_proba_far_point(void **state) {
  (void)state;
  double w[2] = {0.5, 0.5}, mu[4] = {0, 1, 0, -1}, s[4] = {1, 0.3, 0.3, 2};
  gmix_model *m = make(GMIX_COV_TIED, 2, 2, w, mu, s);
  const double t[5] = {1, 40, 1e3, 1e5, 1e7};
  gmix_error err;
  for (size_t i = 0; i < 5; i++) {
    double x[2] = {t[i], 0.3 * t[i]}, p[2], lp;
    TU_OK(gmix_predict_proba(m, x, 1, 2, 0, p, &err), &err);
    TU_OK(gmix_score_samples(m, x, 1, 2, 0, &lp, &err), &err);
    TU_TRUE(isfinite(lp), "t = %g: log density %g", t[i], lp);
    TU_NEAR(p[0] + p[1], 1.0, 4 * 2 * TU_EPS,
            "t = %g (log density %g): p[0] + p[1] (p = %.17g, %.17g)", t[i], lp,
            p[0], p[1]);
    /* Each term itself is rounded to ulps of |log p|: the two
     * responsibilities may differ by that much, no more. */
    TU_NEAR(p[0], 0.5, 4 * 2 * TU_EPS * (1 + fabs(lp)),
            "t = %g (log density %g): p[0]", t[i], lp);
  }
  gmix_model_free(m);
}

/* Ties go to the lowest index: two identical components. */
static void test_predict_ties(void **state) {
  (void)state;
  double w[3] = {0.25, 0.5, 0.25}, mu[6] = {5, 5, 1, 1, 1, 1};
  double v[3] = {1, 2, 2}, x[2] = {1, 1};
  size_t lab = 99;
  double w2[3] = {0.2, 0.4, 0.4};
  gmix_model *m = make(GMIX_COV_SPHERICAL, 3, 2, w, mu, v);
  gmix_error err;
  TU_OK(gmix_predict(m, x, 1, 2, 0, &lab, &err), &err);
  TU_TRUE(lab == 1, "label %zu", lab);
  gmix_model_free(m);
  m = make(GMIX_COV_SPHERICAL, 3, 2, w2, mu, v);
  TU_OK(gmix_predict(m, x, 1, 2, 0, &lab, &err), &err);
  TU_TRUE(lab == 1, "tie between 1 and 2 gives %zu", lab);
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_worked),
      cmocka_unit_test(test_direct_formula),
      cmocka_unit_test(test_direct_formula_from_precisions),
      cmocka_unit_test(test_zero_weight_component),
      cmocka_unit_test(test_predict_ties),
      cmocka_unit_test(test_proba_far_point),
  };
  return cmocka_run_group_tests_name("density", tests, NULL, NULL);
}
