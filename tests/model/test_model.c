/*
 * test_model.c -- the model object: accessors, copy, free, parameter
 * counts, precisions and their Cholesky factors, BIC/AIC, the fit report.
 */
#include "testutil.h"

#include "internal.h" /* gmix__model_set_report */

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { K = 3, D = 4 };

/* Covariances with eigenvalues in [LO, HI]: cond <= HI / LO. */
#define LO 0.25
#define HI 4.0
#define COND (HI / LO)

static gmix_model *random_model(gmix_covariance_type type, uint64_t seed,
                                double *w, double *mu, double *cov) {
  tu_rng r;
  tu_rng_seed(&r, seed);
  tu_random_params(&r, type, K, D, LO, HI, w, mu, cov);
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(type, K, D, w, mu, cov, &m, &err), &err);
  return m;
}

static void test_free_null(void **state) {
  (void)state;
  gmix_model_free(NULL);
  gmix_em_free(NULL);
  gmix_free(NULL);
}

static void test_accessors_and_counts(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    double w[K], mu[K * D], cov[K * D * D], got[K * D * D];
    gmix_model *m = random_model(type, 10 + t, w, mu, cov);
    size_t nc = gmix_covariance_size(type, K, D);
    size_t expect_nc = 0, cov_params = 0;
    switch (type) {
    case GMIX_COV_FULL:
      expect_nc = K * D * D, cov_params = K * D * (D + 1) / 2;
      break;
    case GMIX_COV_TIED:
      expect_nc = D * D, cov_params = D * (D + 1) / 2;
      break;
    case GMIX_COV_DIAG:
      expect_nc = K * D, cov_params = K * D;
      break;
    case GMIX_COV_SPHERICAL:
      expect_nc = K, cov_params = K;
      break;
    default: {
      /* mclust's other ten store K full matrices; their free parameters
       * are nMclustParams' (mclust 6.0.0, R/mclust.R): 1 or K volumes,
       * 0, d - 1 or K (d - 1) shape values, and 0, d (d - 1) / 2 or
       * K d (d - 1) / 2 orientation values, by the three letters. */
      const char *mn = gmix_covariance_type_mclust_name(type);
      size_t vol = mn[0] == 'E' ? 1 : K;
      size_t shp = mn[1] == 'I' ? 0 : mn[1] == 'E' ? D - 1 : K * (D - 1);
      size_t ori = mn[2] == 'I'   ? 0
                   : mn[2] == 'E' ? D * (D - 1) / 2
                                  : K * D * (D - 1) / 2;
      expect_nc = K * D * D, cov_params = vol + shp + ori;
    }
    }
    assert_int_equal(nc, expect_nc);
    assert_int_equal(gmix_model_n_components(m), K);
    assert_int_equal(gmix_model_n_features(m), D);
    assert_int_equal(gmix_model_covariance_type(m), type);
    assert_int_equal(gmix_model_n_parameters(m), (K - 1) + K * D + cov_params);

    /* Parameters come back as given (weights within the documented sum
     * tolerance are used as given). */
    gmix_model_weights(m, got);
    for (size_t c = 0; c < K; c++)
      TU_NEAR(got[c], w[c], 2 * TU_EPS * w[c], "%s weight %zu",
              gmix_covariance_type_name(type), c);
    gmix_model_means(m, got);
    TU_TRUE(memcmp(got, mu, sizeof mu) == 0, "%s means differ",
            gmix_covariance_type_name(type));
    gmix_model_covariances(m, got);
    TU_TRUE(memcmp(got, cov, nc * sizeof *cov) == 0, "%s covariances differ",
            gmix_covariance_type_name(type));

    gmix_fit_report rep;
    memset(&rep, 0xFF, sizeof rep);
    rep = *gmix_model_report(m);
    TU_TRUE(rep.has_fit == 0 && rep.n_iter == 0 && rep.n_reseeds == 0 &&
                rep.converged == 0,
            "built model has a report");
    assert_int_equal(gmix_model_history(m, NULL, 0), 0);
    assert_int_equal(gmix_model_n_reseeds(m), 0);
    assert_null(gmix_model_feature_name(m, 0));
    gmix_model_free(m);
  }
  /* Counts for K = 1 and d = 1 too. */
  double one = 1, zero = 0;
  gmix_model *m = NULL;
  TU_OK(gmix_model_create(GMIX_COV_FULL, 1, 1, &one, &zero, &one, &m, NULL),
        NULL);
  assert_int_equal(gmix_model_n_parameters(m), 2);
  gmix_model_free(m);
  assert_int_equal(gmix_covariance_size((gmix_covariance_type)14, 2, 2), 0);
}

/* Only the lower triangle of full/tied covariances is read. */
static void test_lower_triangle(void **state) {
  (void)state;
  double w[1] = {1}, mu[2] = {0, 0};
  double cov[4] = {2, 999, 0.5, 1}, got[4];
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_FULL, 1, 2, w, mu, cov, &m, &err), &err);
  gmix_model_covariances(m, got);
  TU_NEAR(got[1], 0.5, 0, "upper entry is the symmetric of the lower");
  TU_NEAR(got[2], 0.5, 0, "lower entry");
  gmix_model_free(m);
}

/* P S = I: the precision computed from S carries cond(S) d ulps of
 * relative error, so each entry of P S - I is within c d cond eps. */
static void test_precisions(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *tn = gmix_covariance_type_name(type);
    double w[K], mu[K * D], cov[K * D * D], prec[K * D * D], u[K * D * D];
    double full_c[K * D * D], full_p[K * D * D], prod[D * D];
    gmix_model *m = random_model(type, 20 + t, w, mu, cov);
    size_t nc = gmix_covariance_size(type, K, D);
    gmix_model_precisions(m, prec);
    gmix_model_precisions_cholesky(m, u);
    tu_expand_covariances(type, K, D, cov, full_c);
    tu_expand_covariances(type, K, D, prec, full_p);
    const double tol = 8.0 * D * COND * TU_EPS;
    for (size_t c = 0; c < K; c++) {
      tu_matmul(full_p + c * D * D, full_c + c * D * D, D, prod);
      for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
          TU_NEAR(prod[i * D + j], i == j ? 1.0 : 0.0, tol,
                  "%s component %zu: (P S)[%zu][%zu]", tn, c, i, j);
    }
    /* Cholesky factor: upper triangular when derived from covariances,
     * U U^T = P within d ulps of |P| <= 1/LO. */
    if (nc == K * D * D || nc == D * D) {
      size_t nm = nc / (D * D);
      for (size_t c = 0; c < nm; c++) {
        const double *uc = u + c * D * D, *pc = prec + c * D * D;
        for (size_t i = 0; i < D; i++)
          for (size_t j = 0; j < i; j++)
            TU_NEAR(uc[i * D + j], 0.0, 0, "%s %zu: U[%zu][%zu] below diagonal",
                    tn, c, i, j);
        for (size_t i = 0; i < D; i++)
          for (size_t j = 0; j < D; j++) {
            double s = 0;
            for (size_t p = 0; p < D; p++)
              s += uc[i * D + p] * uc[j * D + p];
            TU_NEAR(s, pc[i * D + j], 8.0 * D * COND * TU_EPS / LO,
                    "%s %zu: (U U^T)[%zu][%zu]", tn, c, i, j);
          }
      }
    } else {
      for (size_t i = 0; i < nc; i++) {
        TU_NEAR(u[i], 1.0 / sqrt(cov[i]), 2 * TU_EPS / sqrt(cov[i]),
                "%s: 1/sqrt(variance) %zu", tn, i);
        TU_NEAR(u[i] * u[i], prec[i], 4 * TU_EPS * prec[i],
                "%s: U^2 = precision %zu", tn, i);
      }
    }

    /* From precisions: the covariances come back as the inverse, and the
     * (now possibly lower) factor still satisfies U U^T = P. */
    double myprec[K * D * D], back[K * D * D];
    tu_precisions_of(type, K, D, cov, myprec);
    gmix_model *mp = NULL;
    gmix_error err;
    TU_OK(
        gmix_model_create_from_precisions(type, K, D, w, mu, myprec, &mp, &err),
        &err);
    gmix_model_covariances(mp, back);
    for (size_t i = 0; i < nc; i++) {
      double scale = nc == K * D * D || nc == D * D ? HI : cov[i];
      TU_NEAR(back[i], cov[i], 8.0 * D * COND * COND * TU_EPS * scale,
              "%s from precisions: covariance %zu", tn, i);
    }
    gmix_model_precisions_cholesky(mp, u);
    if (nc == K * D * D || nc == D * D) {
      size_t nm = nc / (D * D);
      for (size_t c = 0; c < nm; c++) {
        const double *uc = u + c * D * D, *pc = myprec + c * D * D;
        int lower = 1, upper = 1;
        for (size_t i = 0; i < D; i++)
          for (size_t j = 0; j < D; j++) {
            if (j > i && uc[i * D + j] != 0)
              lower = 0;
            if (j < i && uc[i * D + j] != 0)
              upper = 0;
            double s = 0;
            for (size_t p = 0; p < D; p++)
              s += uc[i * D + p] * uc[j * D + p];
            TU_NEAR(s, pc[i * D + j], 8.0 * D * TU_EPS / LO,
                    "%s from precisions %zu: (U U^T)[%zu][%zu]", tn, c, i, j);
          }
        TU_TRUE(lower || upper, "%s from precisions: factor not triangular",
                tn);
      }
    }
    gmix_model_free(mp);
    gmix_model_free(m);
  }
}

static void test_copy(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 5);
  enum { N = 300 };
  static double x[N * D];
  for (size_t i = 0; i < N * D; i++)
    x[i] = tu_normal(&r) + (i / D % 3) * 3.0;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = K;
    o.covariance_type = tu_types[t];
    o.n_init = 2;
    gmix_model *m = NULL, *c = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, N, D, NULL, &o, &m, &err), &err);
    const char *names[D] = {"a", "bb", "ccc", "dddd"};
    TU_OK(gmix_model_set_feature_names(m, names, NULL), NULL);
    TU_OK(gmix_model_copy(m, &c, NULL), NULL);
    TU_TRUE(c != m, "copy is the same object");

    double a[K * D * D], b[K * D * D];
    size_t nc = gmix_covariance_size(tu_types[t], K, D);
    void (*get[])(const gmix_model *, double *) = {
        gmix_model_weights, gmix_model_means, gmix_model_covariances,
        gmix_model_precisions, gmix_model_precisions_cholesky};
    const size_t sizes[] = {K, K * D, nc, nc, nc};
    for (size_t g = 0; g < 5; g++) {
      get[g](m, a);
      get[g](c, b);
      TU_TRUE(memcmp(a, b, sizes[g] * sizeof *a) == 0, "%s accessor %zu",
              gmix_covariance_type_name(tu_types[t]), g);
    }
    gmix_fit_report ra, rb;
    ra = *gmix_model_report(m);
    rb = *gmix_model_report(c);
    TU_TRUE(memcmp(&ra, &rb, sizeof ra) == 0, "reports differ");
    size_t nh = gmix_model_history(m, NULL, 0);
    TU_TRUE(nh == gmix_model_history(c, NULL, 0) && nh == ra.n_iter,
            "history length %zu, n_iter %zu", nh, ra.n_iter);
    double *ha = malloc((nh + 1) * sizeof *ha),
           *hb = malloc((nh + 1) * sizeof *hb);
    gmix_model_history(m, ha, nh);
    gmix_model_history(c, hb, nh);
    TU_TRUE(memcmp(ha, hb, nh * sizeof *ha) == 0, "histories differ");
    free(ha);
    free(hb);
    for (size_t j = 0; j < D; j++) {
      const char *na = gmix_model_feature_name(m, j),
                 *nb = gmix_model_feature_name(c, j);
      assert_non_null(nb);
      assert_string_equal(na, nb);
      TU_TRUE(na != nb, "names shared between copies");
    }
    /* Independent objects: freeing the original leaves the copy usable. */
    gmix_model_free(m);
    double lp[N];
    TU_OK(gmix_score_samples(c, x, N, D, 0, lp, &err), &err);
    assert_string_equal(gmix_model_feature_name(c, 3), "dddd");
    gmix_model_free(c);
  }
}

static void test_feature_names(void **state) {
  (void)state;
  double w[K], mu[K * D], cov[K];
  gmix_model *m = random_model(GMIX_COV_SPHERICAL, 3, w, mu, cov);
  char buf[D][8] = {"w", "x", "y", "z"};
  const char *names[D] = {buf[0], buf[1], buf[2], buf[3]};
  TU_OK(gmix_model_set_feature_names(m, names, NULL), NULL);
  strcpy(buf[1], "changed"); /* the names were copied */
  assert_string_equal(gmix_model_feature_name(m, 1), "x");
  assert_null(gmix_model_feature_name(m, D));
  TU_OK(gmix_model_set_feature_names(m, NULL, NULL), NULL);
  assert_null(gmix_model_feature_name(m, 0));
  gmix_model_free(m);
}

static void test_set_report(void **state) {
  (void)state;
  double w[K], mu[K * D], cov[K * D];
  gmix_model *m = random_model(GMIX_COV_DIAG, 4, w, mu, cov);
  gmix_fit_report rep;
  memset(&rep, 0, sizeof rep);
  rep.has_fit = 1;
  rep.converged = 1;
  rep.n_iter = 3;
  rep.n_init = 1;
  rep.lower_bound = -1.5;
  rep.log_likelihood = -1.25;
  rep.n_samples = 10;
  rep.sum_weights = 10;
  const double hist[3] = {-3, -2, -1.5};
  TU_OK(gmix__model_set_report(m, &rep, hist, 3), NULL);
  gmix_fit_report back;
  back = *gmix_model_report(m);
  TU_TRUE(back.has_fit == 1 && back.n_iter == 3 && back.converged == 1 &&
              back.lower_bound == -1.5 && back.log_likelihood == -1.25,
          "report round trip");
  double h[3];
  assert_int_equal(gmix_model_history(m, h, 3), 3);
  TU_TRUE(memcmp(h, hist, sizeof h) == 0, "history round trip");
  /* cap smaller than the count copies cap values. */
  double h1[2] = {0, 42};
  assert_int_equal(gmix_model_history(m, h1, 1), 3);
  TU_TRUE(h1[0] == -3 && h1[1] == 42, "history cap: %g %g", h1[0], h1[1]);
  gmix_model_free(m);
}

/* BIC and AIC against gmix_score: -2 W s + p log W and -2 W s + 2 p with W
 * the total weight. The only rounding beyond gmix_score's is a few
 * operations on values of size |BIC|. */
static void test_bic_aic(void **state) {
  (void)state;
  enum { N = 200 };
  static double x[N * D], wts[N];
  tu_rng r;
  tu_rng_seed(&r, 77);
  for (size_t i = 0; i < N * D; i++)
    x[i] = 2.0 * tu_normal(&r);
  double wsum = 0;
  for (size_t i = 0; i < N; i++)
    wsum += wts[i] = tu_uniform_in(&r, 0.1, 3);
  for (int t = 0; t < TU_NTYPES; t++) {
    double w[K], mu[K * D], cov[K * D * D];
    gmix_model *m = random_model(tu_types[t], 30 + t, w, mu, cov);
    double p = (double)gmix_model_n_parameters(m);
    double s, bic, aic;
    gmix_error err;
    for (int weighted = 0; weighted < 2; weighted++) {
      const double *wp = weighted ? wts : NULL;
      double W = weighted ? wsum : N;
      TU_OK(gmix_score(m, x, N, D, wp, 0, &s, &err), &err);
      TU_OK(gmix_bic(m, x, N, D, wp, 0, &bic, &err), &err);
      TU_OK(gmix_aic(m, x, N, D, wp, 0, &aic, &err), &err);
      double eb = -2 * W * s + p * log(W), ea = -2 * W * s + 2 * p;
      /* W itself is a sum of N weights: N ulps of it. */
      double tol = 8.0 * N * TU_EPS * (2 * W * fabs(s) + p * log(W));
      TU_NEAR(bic, eb, tol, "%s BIC (weighted %d)",
              gmix_covariance_type_name(tu_types[t]), weighted);
      TU_NEAR(aic, ea, tol, "%s AIC (weighted %d)",
              gmix_covariance_type_name(tu_types[t]), weighted);
    }
    /* And gmix_score is the weighted mean of gmix_score_samples. */
    double lp[N], mean = 0;
    TU_OK(gmix_score_samples(m, x, N, D, 0, lp, &err), &err);
    double absum = 0;
    for (size_t i = 0; i < N; i++) {
      mean += wts[i] * lp[i];
      absum += wts[i] * fabs(lp[i]);
    }
    mean /= wsum;
    TU_OK(gmix_score(m, x, N, D, wts, 0, &s, &err), &err);
    TU_NEAR(s, mean, 4.0 * N * TU_EPS * absum / wsum, "%s weighted score",
            gmix_covariance_type_name(tu_types[t]));
    gmix_model_free(m);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_free_null),
      cmocka_unit_test(test_accessors_and_counts),
      cmocka_unit_test(test_lower_triangle),
      cmocka_unit_test(test_precisions),
      cmocka_unit_test(test_copy),
      cmocka_unit_test(test_feature_names),
      cmocka_unit_test(test_set_report),
      cmocka_unit_test(test_bic_aic),
  };
  return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
