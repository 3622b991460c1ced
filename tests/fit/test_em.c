/*
 * test_em.c -- properties of the EM fit: the likelihood never decreases,
 * K = 1 gives the weighted sample moments, integer weights equal repeated
 * rows, known parameters are recovered from sampled data, the collapse
 * policy re-seeds instead of producing NaN, and the report agrees with the
 * model.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gmix_options options(gmix_covariance_type type, size_t k) {
  gmix_options o;
  gmix_options_init(&o);
  o.covariance_type = type;
  o.n_components = k;
  return o;
}

static size_t history(const gmix_model *m, double **out) {
  size_t n = gmix_model_history(m, NULL, 0);
  *out = malloc((n + 1) * sizeof **out);
  assert_non_null(*out);
  assert_int_equal(gmix_model_history(m, *out, n), n);
  return n;
}

/* ---- EM never lowers the likelihood ---------------------------------- */

/* Tolerance for one step. In exact arithmetic EM's lower bound is
 * non-decreasing; in floating point each reported value is a weighted mean
 * of n log densities, each carrying O(d^2) rounded operations (triangular
 * solve, log-determinant) relative to |log p|, and the M-step parameters
 * are rounded too (which moves the bound only to second order, since the
 * M-step is a maximum). So near convergence, where the true increase is
 * below rounding, a step may appear to go down by a few hundred ulps of
 * |ll| scaled by d^2 + K. 1e2 eps |ll| (d^2 + K) covers that, and is many
 * orders below any real decrease (a wrong M-step loses O(tol) or more). */
static double monotone_tol(double ll, size_t d, size_t k) {
  return 1e2 * TU_EPS * fmax(1.0, fabs(ll)) * (double)(d * d + k);
}

static int check_monotone(const char *what, const double *x, size_t n, size_t d,
                          const double *w, gmix_covariance_type type, size_t k,
                          uint64_t seed) {
  gmix_options o = options(type, k);
  o.tol = 0; /* run all iterations, into the rounding regime */
  o.max_iter = 150;
  o.seed = seed;
  /* EM is monotone for the likelihood it maximises; reg_covar adds a
   * ridge the M-step does not maximise over, and near convergence the bound
   * then drifts down smoothly by O(reg_covar^2) (seen on iris, tied:
   * -1.8e-11 over 25 iterations with the default 1e-6). So none here;
   * singular components are handled by the re-seed policy and such fits
   * are skipped below. */
  o.reg_covar = 0;
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(x, n, d, w, &o, &m, &err), &err);
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  if (rep.n_reseeds != 0) { /* a re-seed may lower the bound by design */
    gmix_model_free(m);
    return 0;
  }
  double *h;
  size_t nh = history(m, &h);
  TU_TRUE(nh == rep.n_iter && nh == o.max_iter,
          "%s: %zu history entries, n_iter %zu", what, nh, rep.n_iter);
  for (size_t i = 0; i + 1 < nh; i++) {
    TU_TRUE(isfinite(h[i]), "%s: history[%zu] = %g", what, i, h[i]);
    if (h[i + 1] < h[i] - monotone_tol(h[i], d, k)) {
      print_error("%s %s K=%zu: the bound went down at iteration %zu: "
                  "%.17g -> %.17g (%.3g, tol %.3g)\n",
                  what, gmix_covariance_type_name(type), k, i + 2, h[i],
                  h[i + 1], h[i + 1] - h[i], monotone_tol(h[i], d, k));
      fail();
    }
  }
  /* The returned model's final E-step comes after one more M-step. */
  TU_TRUE(rep.log_likelihood >= h[nh - 1] - monotone_tol(h[nh - 1], d, k),
          "%s: final log-likelihood %.17g below the last bound %.17g", what,
          rep.log_likelihood, h[nh - 1]);
  TU_NEAR(rep.lower_bound, h[nh - 1], 0, "%s: lower_bound is the last bound",
          what);
  /* And it is what gmix_score says about the same data. */
  double s;
  TU_OK(gmix_score(m, x, n, d, w, 0, &s, &err), &err);
  TU_NEAR(s, rep.log_likelihood, monotone_tol(s, d, k),
          "%s: report log_likelihood vs gmix_score", what);
  free(h);
  gmix_model_free(m);
  return 1;
}

static void test_monotone(void **state) {
  (void)state;
  size_t nf, df, ni, di;
  double *faithful = tu_read_csv("faithful.csv", &nf, &df);
  double *iris = tu_read_csv("iris.csv", &ni, &di);
  assert_int_equal(nf, 272);
  assert_int_equal(df, 2);
  assert_int_equal(ni, 150);
  assert_int_equal(di, 4);

  enum { NS = 600, DS = 3 };
  double *syn = malloc(NS * DS * sizeof *syn), *wts = malloc(NS * sizeof *wts);
  tu_rng r;
  tu_rng_seed(&r, 2024);
  for (size_t i = 0; i < NS; i++) {
    for (size_t j = 0; j < DS; j++)
      syn[i * DS + j] =
          tu_normal(&r) * (1 + j) + 3.0 * (double)(i % 3) * (j == 1);
    wts[i] = tu_uniform_in(&r, 0.2, 2);
  }

  size_t checked = 0, total = 0;
  char what[64];
  for (int t = 0; t < TU_NTYPES; t++) {
    for (size_t k = 2; k <= 4; k++) {
      for (uint64_t seed = 0; seed < 2; seed++) {
        snprintf(what, sizeof what, "faithful seed %d", (int)seed);
        checked +=
            check_monotone(what, faithful, nf, df, NULL, tu_types[t], k, seed);
        snprintf(what, sizeof what, "iris seed %d", (int)seed);
        checked +=
            check_monotone(what, iris, ni, di, NULL, tu_types[t], k, seed);
        snprintf(what, sizeof what, "synthetic weighted seed %d", (int)seed);
        checked += check_monotone(what, syn, NS, DS, wts, tu_types[t], k, seed);
        total += 3;
      }
    }
  }
  print_message("monotone: %zu of %zu fits had no re-seed and were checked\n",
                checked, total);
  TU_TRUE(checked * 2 >= total, "only %zu of %zu fits were free of re-seeds",
          checked, total);
  free(faithful);
  free(iris);
  free(syn);
  free(wts);
}

/* ---- K = 1: weighted sample mean and covariance ------------------------ */

static void test_single_component(void **state) {
  (void)state;
  enum { N = 250, D = 3 };
  static double x[N * D], w[N];
  tu_rng r;
  tu_rng_seed(&r, 11);
  /* An offset of 10 against a spread of 1 to 3: accumulating x x^T from
   * the origin would lose two digits, a shifted accumulation none. */
  for (size_t i = 0; i < N; i++) {
    double z0 = tu_normal(&r), z1 = tu_normal(&r), z2 = tu_normal(&r);
    x[i * D + 0] = 10 + z0;
    x[i * D + 1] = -10 + 2 * z1 + 0.5 * z0;
    x[i * D + 2] = 10 + 3 * z2 - z1;
    w[i] = tu_uniform_in(&r, 0.1, 5);
  }
  /* Reference in long double: two-pass, weighted. */
  long double sw = 0, mean[D] = {0}, cov[D][D] = {{0}}, acov[D][D] = {{0}};
  for (size_t i = 0; i < N; i++) {
    sw += w[i];
    for (size_t j = 0; j < D; j++)
      mean[j] += (long double)w[i] * x[i * D + j];
  }
  for (size_t j = 0; j < D; j++)
    mean[j] /= sw;
  for (size_t i = 0; i < N; i++)
    for (size_t a = 0; a < D; a++)
      for (size_t b = 0; b < D; b++) {
        long double p = (long double)w[i] * (x[i * D + a] - mean[a]) *
                        (x[i * D + b] - mean[b]);
        cov[a][b] += p;
        acov[a][b] += fabsl(p);
      }
  for (size_t a = 0; a < D; a++)
    for (size_t b = 0; b < D; b++) {
      cov[a][b] /= sw;
      acov[a][b] /= sw;
    }
  const double reg = 1e-3;

  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *tn = gmix_covariance_type_name(type);
    gmix_options o = options(type, 1);
    o.reg_covar = reg;
    o.tol = 0;
    o.max_iter = 3;
    /* The inner iterations (EVE, VVE, ...) run to the end: with one
     * component their fixed point is the sample covariance, which the
     * check below wants to rounding. */
    o.mstep_tol = 0;
    o.mstep_max_iter = 100000;
    gmix_model *m = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, N, D, w, &o, &m, &err), &err);
    double wt, mu[D], c[D * D];
    gmix_model_weights(m, &wt);
    gmix_model_means(m, mu);
    gmix_model_covariances(m, c);
    TU_NEAR(wt, 1.0, 0, "%s weight", tn);
    /* A weighted sum of N terms carries at most ~N ulps of the sum of
     * absolute terms (any summation order); means are ~10, so that
     * bounds the error of a mean, and of the covariances relative to
     * the absolute scatter, when accumulated around a shift near the
     * mean. 2 N eps gives a margin of 2. */
    for (size_t j = 0; j < D; j++)
      TU_NEAR(mu[j], (double)mean[j], 2.0 * N * TU_EPS * fabsl(mean[j]),
              "%s mean %zu", tn, j);
    /* With one component every model is one of three: mclust's letters
     * say which (orientation I: diagonal, and shape I too: spherical). The
     * covariance is read from the model's own storage: one value, d
     * values, or a d x d matrix. */
    const char *mn = gmix_covariance_type_mclust_name(type);
    size_t nc = gmix_covariance_size(type, 1, D);
#define COV_AT(a, b) (nc == D * D ? c[(a)*D + (b)] : nc == D ? c[a] : c[0])
    /* EVE and VVE find their orientation by an iteration whose objective
     * is flat to second order at the optimum: rounding of the objective
     * (~N eps relative) leaves D, and so the covariance, known to about
     * sqrt(N eps). */
    const double orient_tol = mn[2] == 'E' && mn[1] == 'V'
                                  ? 2.0 * sqrt(N * TU_EPS)
                                  : 2.0 * N * TU_EPS;
    if (mn[2] != 'I') {
      for (size_t a = 0; a < D; a++)
        for (size_t b = 0; b < D; b++)
          TU_NEAR(COV_AT(a, b), (double)cov[a][b] + (a == b ? reg : 0.0),
                  orient_tol * (double)(acov[a][b] + acov[a][a]),
                  "%s covariance [%zu][%zu]", tn, a, b);
    } else if (mn[1] != 'I') {
      for (size_t a = 0; a < D; a++)
        TU_NEAR(COV_AT(a, a), (double)cov[a][a] + reg,
                2.0 * N * TU_EPS * (double)acov[a][a], "%s variance %zu", tn,
                a);
    } else {
      long double v = 0;
      for (size_t a = 0; a < D; a++)
        v += cov[a][a];
      v /= D;
      for (size_t a = 0; a < D; a++)
        TU_NEAR(COV_AT(a, a), (double)v + reg, 2.0 * N * TU_EPS * (double)v,
                "%s variance", tn);
    }
#undef COV_AT
    gmix_fit_report rep;
    rep = *gmix_model_report(m);
    TU_NEAR(rep.sum_weights, (double)sw, N * TU_EPS * (double)sw,
            "%s sum_weights", tn);
    assert_int_equal(rep.n_samples, N);
    gmix_model_free(m);
  }
}

/* ---- integer weights equal repeated rows ------------------------------ */

static void test_integer_weights(void **state) {
  (void)state;
  enum { N = 90, D = 2, K = 3, MAXREP = 4 };
  static double x[N * D], w[N], xr[N * MAXREP * D];
  tu_rng r;
  tu_rng_seed(&r, 31);
  size_t nr = 0;
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < D; j++)
      x[i * D + j] = tu_normal(&r) + 4.0 * (double)(i % 3) * (j ? 1 : -0.5);
    w[i] = (double)(tu_rng_next(&r) % MAXREP); /* 0 .. 3: zero drops a row */
    for (size_t c = 0; c < (size_t)w[i]; c++) {
      memcpy(xr + nr * D, x + i * D, D * sizeof *x);
      nr++;
    }
  }
  const double wi[K] = {0.3, 0.3, 0.4}, mi[K * D] = {0.5, 0.5, -2, 3, -3, 7};
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *tn = gmix_covariance_type_name(type);
    double cov[K * D * D], prec[K * D * D];
    tu_rng_seed(&r, 100 + t);
    double wdummy[K], mdummy[K * D];
    tu_random_params(&r, type, K, D, 0.5, 2, wdummy, mdummy, cov);
    tu_precisions_of(type, K, D, cov, prec);
    gmix_options o = options(type, K);
    o.tol = 0;
    o.max_iter = 20;
    o.weights_init = wi;
    o.means_init = mi;
    o.precisions_init = prec;
    gmix_model *a = NULL, *b = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, N, D, w, &o, &a, &err), &err);
    TU_OK(gmix_fit(xr, nr, D, NULL, &o, &b, &err), &err);
    size_t nc = gmix_covariance_size(type, K, D);
    double pa[K * D * D], pb[K * D * D], scale[K * D * D];
    /* 1e-12 relative, as specified: summation order differs between the
     * two, and EM near its fixed point does not amplify that. */
    const double rel = 1e-12;
    gmix_model_weights(a, pa);
    gmix_model_weights(b, pb);
    for (size_t c = 0; c < K; c++)
      TU_NEAR(pa[c], pb[c], rel * fabs(pb[c]), "%s weight %zu", tn, c);
    gmix_model_means(a, pa);
    gmix_model_means(b, pb);
    for (size_t c = 0; c < K * D; c++)
      TU_NEAR(pa[c], pb[c], rel * fmax(fabs(pb[c]), 1.0), "%s mean %zu", tn, c);
    gmix_model_covariances(a, pa);
    gmix_model_covariances(b, pb);
    /* Off-diagonal entries relative to their diagonal scale. */
    tu_expand_covariances(type, K, D, pb, scale);
    for (size_t c = 0; c < nc; c++) {
      double s = fabs(pb[c]);
      if (type == GMIX_COV_FULL || type == GMIX_COV_TIED) {
        size_t comp = c / (D * D), i = c % (D * D) / D, j = c % D;
        const double *f = scale + comp * D * D;
        s = sqrt(f[i * D + i] * f[j * D + j]);
      }
      TU_NEAR(pa[c], pb[c], rel * s, "%s covariance entry %zu", tn, c);
    }
    double *ha, *hb;
    size_t na = history(a, &ha), nb = history(b, &hb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
      TU_NEAR(ha[i], hb[i], rel * fabs(hb[i]), "%s history %zu", tn, i);
    gmix_fit_report ra, rb;
    ra = *gmix_model_report(a);
    rb = *gmix_model_report(b);
    TU_NEAR(ra.sum_weights, (double)nr, 0, "%s sum_weights", tn);
    TU_NEAR(ra.log_likelihood, rb.log_likelihood, rel * fabs(rb.log_likelihood),
            "%s log_likelihood", tn);
    free(ha);
    free(hb);
    gmix_model_free(a);
    gmix_model_free(b);
  }
}

/* ---- recovery of known parameters ------------------------------------- */

/* Match each true component to the nearest fitted mean (a permutation is
 * required: the components are far apart). */
static void match(const double *true_mu, const double *fit_mu, size_t k,
                  size_t d, size_t *perm) {
  for (size_t c = 0; c < k; c++) {
    double best = INFINITY;
    for (size_t f = 0; f < k; f++) {
      double s = 0;
      for (size_t j = 0; j < d; j++)
        s += (true_mu[c * d + j] - fit_mu[f * d + j]) *
             (true_mu[c * d + j] - fit_mu[f * d + j]);
      if (s < best) {
        best = s;
        perm[c] = f;
      }
    }
    for (size_t p = 0; p < c; p++)
      TU_TRUE(perm[p] != perm[c], "components %zu and %zu matched to %zu", p, c,
              perm[c]);
  }
}

static void recover(size_t d, uint64_t seed) {
  enum { K = 3, N = 20000 };
  const double w[K] = {0.5, 0.3, 0.2};
  double mu[K * 3], cov[K * 9];
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t c = 0; c < K; c++) {
    for (size_t j = 0; j < d; j++)
      mu[c * d + j] = (j == c % d ? 8.0 : 0.0) * (c + 1.0) - 4.0;
    tu_random_spd(&r, d, 0.3, 2.0, cov + c * d * d);
  }
  gmix_model *truth = NULL, *fit = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_FULL, K, d, w, mu, cov, &truth, &err), &err);
  double *x = malloc(N * d * sizeof *x);
  TU_OK(gmix_sample(truth, N, seed, x, NULL, &err), &err);
  gmix_options o = options(GMIX_COV_FULL, K);
  o.n_init = 3;
  o.tol = 1e-8;
  o.max_iter = 500;
  TU_OK(gmix_fit(x, N, d, NULL, &o, &fit, &err), &err);
  double fw[K], fmu[K * 3], fcov[K * 9];
  gmix_model_weights(fit, fw);
  gmix_model_means(fit, fmu);
  gmix_model_covariances(fit, fcov);
  size_t perm[K];
  match(mu, fmu, K, d, perm);
  /* Statistical tolerances: 5 standard errors of the maximum-likelihood
   * estimates for well separated components: a weight's sd is that of a
   * binomial proportion, a mean's sqrt(S_jj / (N w)), a covariance entry's
   * sqrt((S_ii S_jj + S_ij^2) / (N w)). */
  for (size_t c = 0; c < K; c++) {
    size_t f = perm[c];
    double nk = N * w[c];
    TU_NEAR(fw[f], w[c], 5 * sqrt(w[c] * (1 - w[c]) / N),
            "d=%zu component %zu weight", d, c);
    const double *s = cov + c * d * d, *fs = fcov + f * d * d;
    for (size_t j = 0; j < d; j++)
      TU_NEAR(fmu[f * d + j], mu[c * d + j], 5 * sqrt(s[j * d + j] / nk),
              "d=%zu component %zu mean %zu", d, c, j);
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++) {
        double se = sqrt(
            (s[i * d + i] * s[j * d + j] + s[i * d + j] * s[i * d + j]) / nk);
        TU_NEAR(fs[i * d + j], s[i * d + j], 5 * se,
                "d=%zu component %zu covariance [%zu][%zu]", d, c, i, j);
      }
  }
  gmix_fit_report rep;
  rep = *gmix_model_report(fit);
  TU_TRUE(rep.converged == 1 && rep.n_init == 3 && rep.best_init < 3,
          "report: converged %d n_init %zu best %zu", rep.converged, rep.n_init,
          rep.best_init);
  free(x);
  gmix_model_free(truth);
  gmix_model_free(fit);
}

static void test_recovery(void **state) {
  (void)state;
  recover(2, 123);
  recover(3, 456);
}

/* ---- collapse policy -------------------------------------------------- */

static void check_no_nan(const gmix_model *m, const char *what) {
  tu_check_model_finite(m, what);
  double *h;
  size_t nh = history(m, &h);
  TU_TRUE(tu_all_finite(h, nh), "%s: history not finite", what);
  free(h);
}

static void check_reseeds(const gmix_model *m, const char *what) {
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  TU_TRUE(rep.n_reseeds > 0, "%s: no re-seed reported", what);
  size_t n = gmix_model_n_reseeds(m);
  assert_int_equal(n, rep.n_reseeds);
  assert_null(gmix_model_reseed(m, n));
  gmix_reseed_event *ev = calloc(n, sizeof *ev);
  for (size_t i = 0; i < n; i++)
    ev[i] = *gmix_model_reseed(m, i);
  size_t k = gmix_model_n_components(m);
  for (size_t i = 0; i < n; i++) {
    TU_TRUE(ev[i].component < k && ev[i].source < k &&
                ev[i].source != ev[i].component,
            "%s: event %zu: component %zu from %zu", what, i, ev[i].component,
            ev[i].source);
    /* Iteration 0 is the initialisation (not in the header yet). */
    TU_TRUE(ev[i].iteration <= rep.n_iter,
            "%s: event %zu at iteration %zu of %zu", what, i, ev[i].iteration,
            rep.n_iter);
    TU_TRUE(ev[i].init == rep.best_init, "%s: event %zu of restart %zu", what,
            i, ev[i].init);
    TU_TRUE(ev[i].reason == GMIX_RESEED_EMPTY ||
                ev[i].reason == GMIX_RESEED_NOT_PD,
            "%s: reason %d", what, (int)ev[i].reason);
    if (i > 0)
      TU_TRUE(ev[i].iteration >= ev[i - 1].iteration, "%s: events out of order",
              what);
  }
  free(ev);
}

static void test_collapse_identical_means(void **state) {
  (void)state;
  /* Two clusters holding 70% and 30% of the rows; components 1 and 2 start
   * identical on the small one, so each can hold at most 15% < min_weight
   * 0.2 and must be re-seeded. */
  enum { N = 500, D = 2, K = 3 };
  static double x[N * D];
  tu_rng r;
  tu_rng_seed(&r, 8);
  for (size_t i = 0; i < N; i++) {
    int small = i < N * 3 / 10;
    x[i * D] = tu_normal(&r) + (small ? 10 : 0);
    x[i * D + 1] = tu_normal(&r);
  }
  const double wi[K] = {0.4, 0.3, 0.3}, mi[K * D] = {0, 0, 10, 0, 10, 0};
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    double cov[K * D * D], prec[K * D * D];
    /* Identity matrices for the models that store matrices (full, tied
     * and mclust's other ten), ones for variances. */
    const size_t nc = gmix_covariance_size(type, K, D);
    const int matrices = nc == K * D * D || nc == D * D;
    for (size_t i = 0; i < K * D * D; i++)
      cov[i] = matrices ? (i % (D * D) % (D + 1) == 0 ? 1 : 0) : 1;
    tu_precisions_of(type, K, D, cov, prec);
    gmix_options o = options(type, K);
    o.weights_init = wi;
    o.means_init = mi;
    o.precisions_init = prec;
    o.min_weight = 0.2;
    gmix_model *m = NULL;
    gmix_error err;
    char what[64];
    snprintf(what, sizeof what, "identical means, %s",
             gmix_covariance_type_name(type));
    TU_OK(gmix_fit(x, N, D, NULL, &o, &m, &err), &err);
    check_reseeds(m, what);
    check_no_nan(m, what);
    gmix_model_free(m);
  }
}

static void test_collapse_outlier(void **state) {
  (void)state;
  /* One far outlier: k-means++ gives it a centre of its own, a component
   * of weight 1/N < min_weight. */
  enum { N = 300, D = 3, K = 2 };
  static double x[N * D];
  tu_rng r;
  tu_rng_seed(&r, 9);
  for (size_t i = 0; i < N * D; i++)
    x[i] = tu_normal(&r) + (i / D % 2 ? 6 : 0);
  for (size_t j = 0; j < D; j++)
    x[(N / 2) * D + j] = 1e5;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = options(tu_types[t], K);
    o.init = GMIX_INIT_KMEANS;
    o.min_weight = 0.01;
    gmix_model *m = NULL;
    gmix_error err;
    char what[64];
    snprintf(what, sizeof what, "outlier, %s",
             gmix_covariance_type_name(tu_types[t]));
    TU_OK(gmix_fit(x, N, D, NULL, &o, &m, &err), &err);
    check_reseeds(m, what);
    check_no_nan(m, what);
    gmix_model_free(m);

    /* A per-component cap stops the cycle: the outlier's component is
     * re-seeded at most that many times, then keeps the outlier. */
    /* mclust's ten models beyond scikit-learn's four. */
    const int constrained =
        strcmp(gmix_covariance_type_name(tu_types[t]),
               gmix_covariance_type_mclust_name(tu_types[t])) == 0;
    for (size_t cap = 1; cap <= 3; cap++) {
      o.max_reseed_per_component = cap;
      gmix_status st = gmix_fit(x, N, D, NULL, &o, &m, &err);
      /* A component that keeps the outlier alone has the scatter
       * reg_covar N_k I, far below the rounding of a scatter accumulated
       * around a shift 1e5 away (the previous mean): the constrained
       * models, whose M-steps take eigenvalues, geometric means or
       * rotated diagonals of that scatter, may find one below zero, and
       * then the fit fails cleanly, naming the component. */
      if (constrained && st == GMIX_ENOTPD) {
        TU_TRUE(strstr(err.message, "component") != NULL, "%s: %s", what,
                err.message);
        continue;
      }
      TU_OK(st, &err);
      size_t n = gmix_model_n_reseeds(m), per[K] = {0};
      for (size_t i = 0; i < n; i++)
        per[gmix_model_reseed(m, i)->component]++;
      for (size_t c = 0; c < K; c++)
        assert_true(per[c] <= cap);
      check_no_nan(m, what);
      gmix_model_free(m);
    }
    o.max_reseed_per_component = 10;

    /* The same, one step at a time: the parameters after every step,
     * re-seeded or not, are a valid mixture (weights summing to one). */
    gmix_em *em = NULL;
    TU_OK(gmix_em_start(x, N, D, NULL, &o, 0, &em, &err), &err);
    for (int step = 1; step <= 6; step++) {
      TU_OK(gmix_em_step(em, x, N, D, NULL, NULL, NULL, &err), &err);
      TU_OK(gmix_em_model(em, &m, &err), &err);
      gmix_fit_report rep;
      rep = *gmix_model_report(m);
      snprintf(what, sizeof what, "outlier, %s, after step %d (%zu re-seeds)",
               gmix_covariance_type_name(tu_types[t]), step, rep.n_reseeds);
      check_no_nan(m, what);
      gmix_model_free(m);
    }
    gmix_em_free(em);
  }
}

/* ---- report, callback, stepwise API, warm start ----------------------- */

typedef struct cb_log {
  size_t n;
  gmix_iteration it[512];
} cb_log;

static int record(const gmix_iteration *it, void *user) {
  cb_log *log = user;
  if (log->n < 512)
    log->it[log->n] = *it;
  log->n++;
  return 0;
}

static void test_report_and_callback(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  for (int t = 0; t < TU_NTYPES; t++) {
    const char *tn = gmix_covariance_type_name(tu_types[t]);
    static cb_log log;
    log.n = 0;
    gmix_options o = options(tu_types[t], 2);
    o.n_init = 3;
    o.tol = 1e-6;
    o.callback = record;
    o.callback_data = &log;
    gmix_model *m = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &m, &err), &err);
    gmix_fit_report rep;
    rep = *gmix_model_report(m);
    TU_TRUE(rep.has_fit == 1 && rep.n_init == 3 && rep.best_init < 3 &&
                rep.n_samples == n,
            "%s report: has_fit %d n_init %zu best %zu n %zu", tn, rep.has_fit,
            rep.n_init, rep.best_init, rep.n_samples);
    TU_NEAR(rep.sum_weights, (double)n, 0, "%s sum_weights", tn);
    double *h;
    size_t nh = history(m, &h);
    TU_TRUE(nh == rep.n_iter && nh >= 1, "%s: %zu history, n_iter %zu", tn, nh,
            rep.n_iter);
    if (rep.converged)
      TU_TRUE(nh >= 2 && fabs(h[nh - 1] - h[nh - 2]) < o.tol,
              "%s: converged but last change %g", tn,
              nh >= 2 ? h[nh - 1] - h[nh - 2] : NAN);
    /* The callback saw every iteration of every restart, numbered from 1,
     * and the best restart's bounds are the history. */
    size_t seen = 0;
    for (size_t i = 0; i < log.n && i < 512; i++) {
      const gmix_iteration *it = &log.it[i];
      TU_TRUE(it->init < 3 && it->iteration >= 1,
              "%s: callback %zu: init "
              "%zu iteration %zu",
              tn, i, it->init, it->iteration);
      if (i > 0 && log.it[i - 1].init == it->init)
        TU_NEAR(it->change, it->lower_bound - log.it[i - 1].lower_bound, 0,
                "%s: callback %zu change", tn, i);
      if (it->init == rep.best_init) {
        TU_TRUE(it->iteration == seen + 1, "%s: iteration %zu after %zu", tn,
                it->iteration, seen);
        TU_TRUE(seen < nh, "%s: more callbacks than history", tn);
        TU_NEAR(it->lower_bound, h[seen], 0, "%s: callback vs history %zu", tn,
                seen);
        seen++;
      }
    }
    assert_int_equal(seen, nh);

    /* predict after fit agrees with the fit's final E-step. */
    double s;
    TU_OK(gmix_score(m, x, n, d, NULL, 0, &s, &err), &err);
    TU_NEAR(s, rep.log_likelihood, monotone_tol(s, d, 2),
            "%s: score vs log_likelihood", tn);
    free(h);
    gmix_model_free(m);
  }
  free(x);
}

/* gmix_fit with n_init = 1 is the stepwise API driven to the same end. */
static void test_stepwise_equals_fit(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("iris.csv", &n, &d);
  for (int t = 0; t < TU_NTYPES; t++) {
    const char *tn = gmix_covariance_type_name(tu_types[t]);
    gmix_options o = options(tu_types[t], 3);
    o.seed = 17;
    o.tol = 0;
    o.max_iter = 15;
    gmix_model *a = NULL, *b = NULL;
    gmix_em *em = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &a, &err), &err);
    TU_OK(gmix_em_start(x, n, d, NULL, &o, 0, &em, &err), &err);
    for (size_t i = 0; i < o.max_iter; i++) {
      gmix_iteration info;
      int conv = -1;
      TU_OK(gmix_em_step(em, x, n, d, NULL, &info, &conv, &err), &err);
      TU_TRUE(info.iteration == i + 1 && conv == 0,
              "%s step %zu: iteration %zu converged %d", tn, i, info.iteration,
              conv);
    }
    TU_OK(gmix_em_model(em, &b, &err), &err);
    gmix_em_free(em);
    double *ha, *hb;
    size_t na = history(a, &ha), nb = history(b, &hb);
    assert_int_equal(na, nb);
    TU_TRUE(memcmp(ha, hb, na * sizeof *ha) == 0, "%s: histories differ", tn);
    double ma[3 * 4], mb[3 * 4];
    gmix_model_means(a, ma);
    gmix_model_means(b, mb);
    TU_TRUE(memcmp(ma, mb, sizeof ma) == 0, "%s: means differ", tn);
    free(ha);
    free(hb);
    gmix_model_free(a);
    gmix_model_free(b);
  }
  free(x);
}

/* max_iter = 0 evaluates the start without changing it: from a warm start
 * and from fully given *_init parameters. */
static void test_start_only(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("iris.csv", &n, &d);
  tu_rng r;
  tu_rng_seed(&r, 3);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    const char *tn = gmix_covariance_type_name(type);
    double w[2], mu[2 * 4], cov[2 * 16], prec[2 * 16], got[2 * 16];
    tu_random_params(&r, type, 2, d, 0.5, 2, w, mu, cov);
    for (size_t i = 0; i < 2 * d; i++)
      mu[i] += 4;
    tu_precisions_of(type, 2, d, cov, prec);
    gmix_model *start = NULL, *a = NULL, *b = NULL;
    gmix_error err;
    TU_OK(gmix_model_create(type, 2, d, w, mu, cov, &start, &err), &err);
    gmix_options o = options(type, 2);
    o.max_iter = 0;
    o.warm_start = start;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &a, &err), &err);
    o.warm_start = NULL;
    o.weights_init = w;
    o.means_init = mu;
    o.precisions_init = prec;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &b, &err), &err);
    size_t nc = gmix_covariance_size(type, 2, d);
    gmix_model_means(a, got);
    TU_TRUE(memcmp(got, mu, 2 * d * sizeof *mu) == 0, "%s warm means", tn);
    gmix_model_covariances(a, got);
    TU_TRUE(memcmp(got, cov, nc * sizeof *cov) == 0, "%s warm covariances", tn);
    gmix_model_means(b, got);
    TU_TRUE(memcmp(got, mu, 2 * d * sizeof *mu) == 0, "%s init means", tn);
    gmix_model_covariances(b, got);
    /* Covariances from given precisions: an inversion, d cond ulps with
     * cond <= 4 here. */
    for (size_t i = 0; i < nc; i++)
      TU_NEAR(got[i], cov[i], 8.0 * (double)d * 4 * TU_EPS * 2,
              "%s covariance %zu from precisions_init", tn, i);
    /* The report's log-likelihood is the start's score. */
    double s;
    gmix_fit_report rep;
    TU_OK(gmix_score(start, x, n, d, NULL, 0, &s, &err), &err);
    rep = *gmix_model_report(a);
    TU_NEAR(rep.log_likelihood, s, monotone_tol(s, d, 2),
            "%s: log_likelihood of the warm start", tn);
    TU_TRUE(rep.n_iter == 0, "%s: n_iter %zu", tn, rep.n_iter);
    gmix_model_free(start);
    gmix_model_free(a);
    gmix_model_free(b);
  }
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_monotone),
      cmocka_unit_test(test_single_component),
      cmocka_unit_test(test_integer_weights),
      cmocka_unit_test(test_recovery),
      cmocka_unit_test(test_collapse_identical_means),
      cmocka_unit_test(test_collapse_outlier),
      cmocka_unit_test(test_report_and_callback),
      cmocka_unit_test(test_stepwise_equals_fit),
      cmocka_unit_test(test_start_only),
  };
  return cmocka_run_group_tests_name("em", tests, NULL, NULL);
}
