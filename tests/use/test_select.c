/*
 * test_select.c -- the model-selection sweep (gmix_select) and ICL: a known
 * 3-component mixture selects K = 3; failed cells do not fail the sweep;
 * the table is bit-identical for any thread count and either parallel
 * plan; each cell is the gmix_fit it names; ICL is BIC plus twice the
 * entropy of gmix_predict_proba's responsibilities; every argument error;
 * the progress callback and cancelling; allocation failure.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "use.h"

/* Generous bound on the allocations of one call: reaching it means the
 * loop does not terminate. */
#define MAX_ALLOCS 100000

/* The known mixture: three well separated components in 2-d, with
 * covariances of different orientations, so that full covariances and
 * K = 3 describe it best. */
enum { K3 = 3, D2 = 2, N3 = 450 };
static const double true_w[K3] = {0.3, 0.3, 0.4};
static const double true_mu[K3 * D2] = {0, 0, 7, 0, 3.5, 6};
static const double true_cov[K3 * D2 * D2] = {1.0, 0.8,  0.8,  1.0, /* */
                                              1.0, -0.6, -0.6, 0.8, /* */
                                              0.5, 0.0,  0.0,  2.0};
static double x3[N3 * D2], w3[N3];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 2024);
  tu_sample_mixture(&r, K3, D2, true_w, true_mu, true_cov, N3, x3, NULL);
  for (size_t i = 0; i < N3; i++)
    w3[i] = tu_uniform_in(&r, 0.5, 2.0);
  return 0;
}

static gmix_select_options sweep_options(size_t k_min, size_t k_max,
                                         size_t threads) {
  gmix_select_options o;
  gmix_select_options_init(&o);
  o.k_min = k_min;
  o.k_max = k_max;
  o.fit.threads = threads;
  return o;
}

static gmix_select_result *run(const double *x, size_t n, size_t d,
                               const double *w, const gmix_select_options *o) {
  gmix_select_result *r = NULL;
  gmix_error err;
  TU_OK(gmix_select(x, n, d, w, o, &r, &err), &err);
  TU_TRUE(r != NULL, "no result");
  return r;
}

/* The lowest criterion among fitted cells, found here independently. */
static size_t lowest(const gmix_select_result *r, gmix_criterion which) {
  size_t best = GMIX_SELECT_NONE;
  double v = INFINITY;
  for (size_t i = 0; i < gmix_select_result_n_cells(r); i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    double ci = which == GMIX_CRITERION_BIC   ? c->bic
                : which == GMIX_CRITERION_AIC ? c->aic
                                              : c->icl;
    if (c->status == GMIX_OK && ci < v) {
      v = ci;
      best = i;
    }
  }
  return best;
}

/* ---- the defaults and the layout of the table */

static void test_defaults(void **state) {
  (void)state;
  gmix_select_options o;
  gmix_select_options_init(&o);
  assert_int_equal(o.struct_size, sizeof o);
  assert_int_equal(o.k_min, 1);
  assert_int_equal(o.k_max, 9);
  assert_int_equal(o.criterion, GMIX_CRITERION_BIC);
  assert_null(o.covariance_types);
  assert_null(o.starts);
  assert_null(o.callback);
  /* The fits' settings are gmix_fit's but for a tighter tol. */
  assert_true(o.fit.tol == GMIX_SELECT_TOL_DEFAULT);
  assert_true(GMIX_SELECT_TOL_DEFAULT < 1e-3);
  gmix_options f;
  gmix_options_init(&f);
  f.tol = GMIX_SELECT_TOL_DEFAULT;
  assert_memory_equal(&o.fit, &f, sizeof f);
  gmix_error err;
  TU_OK(gmix_select_options_validate(&o, &err), &err);
  gmix_select_options_init(NULL); /* does nothing */

  /* Every registered type is listed, in the table's order. */
  gmix_covariance_type all[16];
  size_t nt = gmix_covariance_types(all, 16);
  assert_int_equal(nt, tu_ntypes());
  for (size_t t = 0; t < nt; t++)
    assert_int_equal(all[t], tu_types[t]);
  assert_int_equal(gmix_covariance_types(NULL, 0), nt);

  /* Default sweep on a small K range: K-major, types in the default order
   * full, tied, diag, spherical. */
  o.k_max = 2;
  o.fit.threads = 1;
  gmix_select_result *r = run(x3, N3, D2, NULL, &o);
  static const gmix_covariance_type sklearn[] = {
      GMIX_COV_FULL, GMIX_COV_TIED, GMIX_COV_DIAG, GMIX_COV_SPHERICAL};
  assert_int_equal(gmix_select_result_n_cells(r), 8);
  for (size_t i = 0; i < 8; i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    assert_int_equal(c->n_components, 1 + i / 4);
    assert_int_equal(c->covariance_type, sklearn[i % 4]);
    assert_ptr_equal(
        gmix_select_result_find(r, c->covariance_type, c->n_components), c);
    TU_TRUE(c->status == GMIX_OK && c->message[0] == '\0', "cell %zu: %s", i,
            c->message);
    /* The default starts: mclust's hierarchical one, then k-means. */
    TU_TRUE(c->best_start == GMIX_INIT_HC || c->best_start == GMIX_INIT_KMEANS,
            "cell %zu: start %d", i, (int)c->best_start);
  }
  assert_null(gmix_select_result_cell(r, 8));
  assert_null(gmix_select_result_find(r, GMIX_COV_FULL, 3));
  assert_int_equal(gmix_select_result_criterion(r), GMIX_CRITERION_BIC);
  gmix_select_result_free(r);
}

/* ---- a known mixture */

static void test_selects_three(void **state) {
  (void)state;
  for (int crit = 0; crit < 3; crit++) {
    gmix_select_options o = sweep_options(1, 6, 0);
    o.criterion = (gmix_criterion)crit;
    gmix_select_result *r = run(x3, N3, D2, NULL, &o);
    size_t best = gmix_select_result_best(r);
    const gmix_select_cell *b = gmix_select_result_cell(r, best);
    TU_TRUE(b != NULL, "%s: no best cell", gmix_criterion_name(o.criterion));
    TU_TRUE(best == lowest(r, o.criterion), "%s: best %zu, lowest %zu",
            gmix_criterion_name(o.criterion), best, lowest(r, o.criterion));
    /* AIC penalises parameters least and may add a component; BIC and
     * ICL must find the three. */
    if (o.criterion != GMIX_CRITERION_AIC) {
      TU_TRUE(b->n_components == K3 && b->covariance_type == GMIX_COV_FULL,
              "%s chose %s K = %zu", gmix_criterion_name(o.criterion),
              gmix_covariance_type_name(b->covariance_type), b->n_components);
    }
    const gmix_model *m = gmix_select_result_best_model(r);
    assert_non_null(m);
    assert_int_equal(gmix_model_n_components(m), b->n_components);
    assert_int_equal(gmix_model_covariance_type(m), b->covariance_type);
    /* The best model is the cell's: its criteria recomputed agree to the
     * bit (the same pass). */
    double bic, aic, icl;
    gmix_error err;
    TU_OK(gmix_bic(m, x3, N3, D2, NULL, 0, &bic, &err), &err);
    TU_OK(gmix_aic(m, x3, N3, D2, NULL, 0, &aic, &err), &err);
    TU_OK(gmix_icl(m, x3, N3, D2, NULL, 0, &icl, &err), &err);
    assert_true(bic == b->bic && aic == b->aic && icl == b->icl);
    assert_true(b->bic_mclust == -b->bic);
    gmix_select_result_free(r);
  }
}

/* ---- failed cells */

static void test_failed_cells(void **state) {
  (void)state;
  /* 12 rows in 3-d: full K = 1 has 9 parameters (fits), K = 2 has 19 (too
   * many); spherical K = 2 has 9 and fits; K = 20 exceeds the rows. */
  enum { N = 12, D = 3 };
  double x[N * D];
  tu_rng rng;
  tu_rng_seed(&rng, 5);
  for (size_t i = 0; i < N * D; i++)
    x[i] = tu_normal(&rng) + (i / D % 2 ? 4.0 : 0.0);
  gmix_select_options o = sweep_options(1, 20, 1);
  gmix_select_result *r = run(x, N, D, NULL, &o);
  const gmix_select_cell *c = gmix_select_result_find(r, GMIX_COV_FULL, 1);
  TU_TRUE(c->status == GMIX_OK && c->n_parameters == 9, "full K = 1: %s",
          c->message);
  c = gmix_select_result_find(r, GMIX_COV_FULL, 2);
  TU_STATUS(c->status, GMIX_ETOOFEW, NULL);
  assert_int_equal(c->n_parameters, 19);
  TU_TRUE(strstr(c->message, "19 free parameters") &&
              strstr(c->message, "only 12 rows"),
          "message \"%s\"", c->message);
  TU_TRUE(isnan(c->bic) && isnan(c->aic) && isnan(c->icl) &&
              isnan(c->log_likelihood) && isnan(c->bic_mclust),
          "failed cell has numbers");
  assert_int_equal(c->n_iter, 0);
  c = gmix_select_result_find(r, GMIX_COV_SPHERICAL, 2);
  TU_TRUE(c->status == GMIX_OK, "spherical K = 2: %s", c->message);
  c = gmix_select_result_find(r, GMIX_COV_DIAG, 20);
  TU_STATUS(c->status, GMIX_ETOOFEW, NULL);
  /* The best is among the fitted cells. */
  size_t best = gmix_select_result_best(r);
  assert_int_equal(best, lowest(r, GMIX_CRITERION_BIC));
  gmix_select_result_free(r);

  /* A covariance that cannot be positive definite: a constant column and
   * no regularisation fail every fit of every cell whose covariance has a
   * variance per feature (not spherical, whose one variance per component
   * pools the features), which is still not a failed sweep. */
  double y[N * D];
  memcpy(y, x, sizeof y);
  for (size_t i = 0; i < N; i++)
    y[i * D + 1] = 3.0;
  static const gmix_covariance_type per_feature[] = {
      GMIX_COV_FULL, GMIX_COV_TIED, GMIX_COV_DIAG};
  o = sweep_options(1, 2, 1);
  o.covariance_types = per_feature;
  o.n_covariance_types = 3;
  o.fit.reg_covar = 0.0;
  o.fit.n_init = 2;
  static const gmix_init_method kmeans_only[] = {GMIX_INIT_KMEANS};
  o.starts = kmeans_only;
  o.n_starts = 1;
  r = run(y, N, D, NULL, &o);
  assert_int_equal(gmix_select_result_best(r), GMIX_SELECT_NONE);
  assert_null(gmix_select_result_best_model(r));
  size_t not_pd = 0;
  for (size_t i = 0; i < gmix_select_result_n_cells(r); i++) {
    c = gmix_select_result_cell(r, i);
    if (c->status == GMIX_ETOOFEW)
      continue;
    not_pd++;
    TU_TRUE(c->status == GMIX_ENOTPD || c->status == GMIX_ECOLLAPSE,
            "%s K = %zu: status %d (%s)",
            gmix_covariance_type_name(c->covariance_type), c->n_components,
            (int)c->status, c->message);
    assert_int_equal(c->n_failed, 2);
    TU_TRUE(strstr(c->message, "all 2 fits failed") != NULL, "message \"%s\"",
            c->message);
  }
  assert_int_equal(not_pd, 3); /* K = 1; every K = 2 has too few rows */
  gmix_select_result_free(r);

  /* Rows of zero weight do not count toward the parameter rule. */
  double w[N];
  for (size_t i = 0; i < N; i++)
    w[i] = i < 4 ? 1.0 : 0.0;
  o = sweep_options(1, 1, 1);
  r = run(x, N, D, w, &o);
  c = gmix_select_result_find(r, GMIX_COV_FULL, 1);
  TU_STATUS(c->status, GMIX_ETOOFEW, NULL);
  TU_TRUE(strstr(c->message, "only 4 rows of positive weight") != NULL,
          "message \"%s\"", c->message);
  gmix_select_result_free(r);
}

/* ---- the table does not depend on the thread count */

static void same_cells(const gmix_select_result *a, const gmix_select_result *b,
                       const char *what) {
  size_t n = gmix_select_result_n_cells(a);
  assert_int_equal(n, gmix_select_result_n_cells(b));
  for (size_t i = 0; i < n; i++) {
    const gmix_select_cell *p = gmix_select_result_cell(a, i);
    const gmix_select_cell *q = gmix_select_result_cell(b, i);
    double pv[] = {p->log_likelihood, p->bic, p->aic, p->icl, p->bic_mclust};
    double qv[] = {q->log_likelihood, q->bic, q->aic, q->icl, q->bic_mclust};
    TU_TRUE(memcmp(pv, qv, sizeof pv) == 0 && p->status == q->status &&
                p->n_parameters == q->n_parameters &&
                p->converged == q->converged && p->n_iter == q->n_iter &&
                p->best_start == q->best_start &&
                p->best_init == q->best_init && p->n_failed == q->n_failed &&
                strcmp(p->message, q->message) == 0,
            "%s: cell %zu (%s K = %zu) differs: BIC %.17g vs %.17g", what, i,
            gmix_covariance_type_name(p->covariance_type), p->n_components,
            p->bic, q->bic);
    /* Everything the library writes into a cell, padding included. */
    TU_TRUE(memcmp(p, q, sizeof *p) == 0, "%s: cell %zu bytes differ", what, i);
  }
  assert_int_equal(gmix_select_result_best(a), gmix_select_result_best(b));
  TU_TRUE(gmix__model_same_params(gmix_select_result_best_model(a),
                                  gmix_select_result_best_model(b)),
          "%s: best models differ", what);
}

static void test_threads(void **state) {
  (void)state;
  for (int weighted = 0; weighted < 2; weighted++) {
    const double *w = weighted ? w3 : NULL;
    gmix_select_options o = sweep_options(1, 5, 1);
    o.fit.n_init = 2;
    o.criterion = GMIX_CRITERION_ICL;
    gmix_select_result *one = run(x3, N3, D2, w, &o);
    o.fit.threads = 2;
    gmix_select_result *two = run(x3, N3, D2, w, &o);
    same_cells(one, two,
               weighted ? "weighted, 1 vs 2 threads" : "1 vs 2 threads");
    /* Both plans, forced: cells in parallel and fits on every thread. */
    static const gmix__select_plan plans[] = {GMIX__SELECT_CELLS,
                                              GMIX__SELECT_IN_TURN};
    for (int p = 0; p < 2; p++) {
      for (size_t threads = 2; threads <= 3; threads++) {
        gmix_select_result *r = NULL;
        gmix_error err;
        o.fit.threads = threads;
        TU_OK(gmix__select_run(x3, N3, D2, w, &o, plans[p], &r, &err), &err);
        same_cells(one, r, p ? "fits on every thread" : "cells in parallel");
        gmix_select_result_free(r);
      }
    }
    gmix_select_result_free(one);
    gmix_select_result_free(two);
  }
}

/* ---- each cell is the gmix_fit it names */

/* Every cell of a sweep with options o equals gmix_fit with the sweep's
 * fit settings, the cell's K and type, and its best start. */
static void check_cells_are_fits(const gmix_select_options *o) {
  gmix_select_result *r = run(x3, N3, D2, NULL, o);
  for (size_t i = 0; i < gmix_select_result_n_cells(r); i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    gmix_options f = o->fit;
    f.n_components = c->n_components;
    f.covariance_type = c->covariance_type;
    f.init = c->best_start;
    gmix_model *m = NULL;
    gmix_error err;
    TU_OK(gmix_fit(x3, N3, D2, NULL, &f, &m, &err), &err);
    const gmix_fit_report *rep = gmix_model_report(m);
    double bic;
    TU_OK(gmix_bic(m, x3, N3, D2, NULL, 0, &bic, &err), &err);
    TU_TRUE(c->log_likelihood / N3 == rep->log_likelihood && c->bic == bic &&
                c->n_iter == rep->n_iter && c->converged == rep->converged &&
                c->best_init == rep->best_init,
            "%s K = %zu: cell log-likelihood %.17g, gmix_fit's %.17g",
            gmix_covariance_type_name(c->covariance_type), c->n_components,
            c->log_likelihood, rep->log_likelihood * N3);
    gmix_model_free(m);
  }
  gmix_select_result_free(r);
}

static void test_cell_is_a_fit(void **state) {
  (void)state;
  gmix_select_options o = sweep_options(2, 4, 0);
  o.fit.seed = 77;
  check_cells_are_fits(&o);
  /* The sweep cuts one hierarchical tree per restart at every K; with a
   * subsample (a different one per restart) and standardised starts it
   * is still the tree gmix_fit builds for that K alone. */
  static const gmix_init_method hc[] = {GMIX_INIT_HC};
  o.starts = hc;
  o.n_starts = 1;
  o.fit.n_init = 3;
  o.fit.hc_max_rows = N3 / 3;
  o.fit.standardize = 1;
  check_cells_are_fits(&o);
}

/* More starts and restarts can only raise a cell's log-likelihood: the
 * fits of a smaller list are among those of a larger one. */
static void test_starts(void **state) {
  (void)state;
  gmix_select_options o = sweep_options(1, 4, 0);
  o.fit.n_init = 2;
  static const gmix_init_method one[] = {GMIX_INIT_KMEANS};
  o.starts = one;
  o.n_starts = 1;
  gmix_select_result *base = run(x3, N3, D2, NULL, &o);
  static const gmix_init_method starts[] = {GMIX_INIT_KMEANS,
                                            GMIX_INIT_RANDOM_FROM_DATA};
  o.starts = starts;
  o.n_starts = 2;
  o.fit.n_init = 3;
  gmix_select_result *more = run(x3, N3, D2, NULL, &o);
  for (size_t i = 0; i < gmix_select_result_n_cells(base); i++) {
    const gmix_select_cell *a = gmix_select_result_cell(base, i);
    const gmix_select_cell *b = gmix_select_result_cell(more, i);
    TU_TRUE(b->log_likelihood >= a->log_likelihood,
            "cell %zu: %.17g with more starts, %.17g without", i,
            b->log_likelihood, a->log_likelihood);
    TU_TRUE(b->best_init < 3 && (b->best_start == GMIX_INIT_KMEANS ||
                                 b->best_start == GMIX_INIT_RANDOM_FROM_DATA),
            "cell %zu: best start %d restart %zu", i, (int)b->best_start,
            b->best_init);
  }
  gmix_select_result_free(base);
  gmix_select_result_free(more);
}

/* ---- ICL against the entropy of gmix_predict_proba */

static void test_icl(void **state) {
  (void)state;
  double *r = malloc(N3 * 4 * sizeof *r);
  for (size_t k = 1; k <= 4; k++) {
    for (int weighted = 0; weighted < 2; weighted++) {
      const double *w = weighted ? w3 : NULL;
      gmix_options f;
      gmix_options_init(&f);
      f.n_components = k;
      gmix_model *m = NULL;
      gmix_error err;
      TU_OK(gmix_fit(x3, N3, D2, w, &f, &m, &err), &err);
      double bic, icl;
      TU_OK(gmix_bic(m, x3, N3, D2, w, 0, &bic, &err), &err);
      TU_OK(gmix_icl(m, x3, N3, D2, w, 0, &icl, &err), &err);
      TU_OK(gmix_predict_proba(m, x3, N3, D2, 0, r, &err), &err);
      double h = 0.0;
      for (size_t i = 0; i < N3; i++)
        for (size_t c = 0; c < k; c++) {
          double p = r[i * k + c];
          if (p > 0.0)
            h -= (w ? w[i] : 1.0) * p * log(p);
        }
      if (k == 1) {
        /* One component: every responsibility is 1, no entropy. */
        assert_true(icl == bic);
      } else {
        TU_TRUE(h > 0.0, "K = %zu: entropy %g", k, h);
      }
      /* The sums run in another order: N3 K ulps of each term. */
      double tol = 4.0 * N3 * (double)k * TU_EPS * (fabs(bic) + 2.0 * h);
      TU_NEAR(icl, bic + 2.0 * h, tol, "K = %zu weighted %d", k, weighted);
      gmix_model_free(m);
    }
  }
  free(r);
}

static void test_criterion_names(void **state) {
  (void)state;
  static const char *const names[] = {"bic", "aic", "icl"};
  for (int c = 0; c < 3; c++) {
    gmix_criterion parsed;
    gmix_error err;
    assert_string_equal(gmix_criterion_name((gmix_criterion)c), names[c]);
    TU_OK(gmix_criterion_parse(names[c], &parsed, &err), &err);
    assert_int_equal(parsed, c);
  }
  assert_null(gmix_criterion_name((gmix_criterion)3));
  assert_null(gmix_criterion_name((gmix_criterion)-1));
  gmix_criterion parsed;
  gmix_error err;
  TU_STATUS(gmix_criterion_parse("BIC", &parsed, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "'BIC' (bic, aic, icl)") != NULL, "\"%s\"",
          err.message);
  TU_STATUS(gmix_criterion_parse(NULL, &parsed, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_criterion_parse("bic", NULL, &err), GMIX_EINVAL, &err);
}

/* ---- argument errors */

#define SELECT_FAILS(x, n, d, w, o, status, needle)                            \
  do {                                                                         \
    gmix_select_result *r_ = (gmix_select_result *)&sentinel;                  \
    gmix_error e_;                                                             \
    memset(&e_, 0, sizeof e_);                                                 \
    TU_STATUS(gmix_select((x), (n), (d), (w), (o), &r_, &e_), (status), &e_);  \
    TU_TRUE(r_ == (gmix_select_result *)&sentinel, "*out written");            \
    TU_TRUE(strstr(e_.message, (needle)) != NULL,                              \
            "message \"%s\" lacks \"%s\"", e_.message, (needle));              \
  } while (0)

static void test_arguments(void **state) {
  (void)state;
  static int sentinel;
  gmix_select_options o = sweep_options(1, 2, 1);
  gmix_select_result *r = NULL;
  gmix_error err;
  SELECT_FAILS(NULL, N3, D2, NULL, &o, GMIX_EINVAL, "argument 'x' is NULL");
  SELECT_FAILS(x3, N3, D2, NULL, NULL, GMIX_EINVAL,
               "argument 'options' is NULL");
  TU_STATUS(gmix_select(x3, N3, D2, NULL, &o, NULL, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "argument 'out' is NULL") != NULL, "\"%s\"",
          err.message);
  SELECT_FAILS(x3, 0, D2, NULL, &o, GMIX_EINVAL, "no rows");
  SELECT_FAILS(x3, N3, 0, NULL, &o, GMIX_EINVAL, "no columns");

  gmix_select_options bad = o;
  bad.struct_size = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "gmix_select_options_init");
  bad = o;
  bad.fit.struct_size = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "fit.struct_size");
  bad = o;
  bad.k_min = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "k_min");
  bad = o;
  bad.k_min = 3;
  bad.k_max = 2;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "k_max (2) is below");
  gmix_covariance_type types[2] = {GMIX_COV_DIAG, (gmix_covariance_type)99};
  bad = o;
  bad.covariance_types = types;
  bad.n_covariance_types = 2;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "covariance_types[1]");
  types[1] = GMIX_COV_DIAG;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "repeats 'diag'");
  bad.n_covariance_types = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "n_covariance_types");
  bad = o;
  bad.criterion = (gmix_criterion)7;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "criterion 7");
  gmix_init_method starts[1] = {(gmix_init_method)42};
  bad = o;
  bad.starts = starts;
  bad.n_starts = 1;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "starts[0] = 42");
  bad.n_starts = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "n_starts");
  bad = o;
  bad.fit.tol = -1;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "tol");
  bad = o;
  bad.fit.n_init = 0;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "n_init");
  double mu[K3 * D2];
  bad = o;
  bad.fit.means_init = mu;
  SELECT_FAILS(x3, N3, D2, NULL, &bad, GMIX_EINVAL, "fit.means_init");
  TU_STATUS(gmix_select_options_validate(&bad, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_select_options_validate(NULL, &err), GMIX_EINVAL, &err);

  /* Data and weights. */
  double x[N3 * D2], w[N3];
  memcpy(x, x3, sizeof x);
  x[17 * D2 + 1] = NAN;
  SELECT_FAILS(x, N3, D2, NULL, &o, GMIX_ENONFINITE, "row 18, column 2");
  for (size_t i = 0; i < N3; i++)
    w[i] = 1.0;
  w[9] = -1.0;
  SELECT_FAILS(x3, N3, D2, w, &o, GMIX_EWEIGHTS, "row 10");

  /* Accessors accept NULL. */
  assert_int_equal(gmix_select_result_n_cells(NULL), 0);
  assert_null(gmix_select_result_cell(NULL, 0));
  assert_null(gmix_select_result_find(NULL, GMIX_COV_FULL, 1));
  assert_int_equal(gmix_select_result_best(NULL), GMIX_SELECT_NONE);
  assert_null(gmix_select_result_best_model(NULL));
  assert_int_equal(gmix_select_result_criterion(NULL), GMIX_CRITERION_BIC);
  gmix_select_result_free(NULL);
  (void)r;
}

/* ---- the progress callback */

/* What the callback saw of a default sweep over K = 1..3 (12 cells). */
enum { CB_CELLS = 12, CB_TYPES = 4 };
typedef struct seen {
  size_t calls, last_done, cancel_after;
  unsigned char reported[CB_CELLS]; /* times each cell was reported */
} seen;

static int on_cell(const gmix_select_cell *cell, size_t done, size_t total,
                   void *user) {
  static const gmix_covariance_type order[CB_TYPES] = {
      GMIX_COV_FULL, GMIX_COV_TIED, GMIX_COV_DIAG, GMIX_COV_SPHERICAL};
  seen *s = user;
  s->calls++;
  TU_TRUE(done == s->last_done + 1 && total == CB_CELLS,
          "done %zu after %zu, total %zu", done, s->last_done, total);
  s->last_done = done;
  for (size_t t = 0; t < CB_TYPES; t++)
    if (order[t] == cell->covariance_type)
      s->reported[(cell->n_components - 1) * CB_TYPES + t]++;
  return s->cancel_after && done >= s->cancel_after;
}

static void test_callback(void **state) {
  (void)state;
  for (size_t threads = 1; threads <= 2; threads++) {
    seen s;
    memset(&s, 0, sizeof s);
    gmix_select_options o = sweep_options(1, 3, threads);
    o.callback = on_cell;
    o.callback_data = &s;
    gmix_select_result *r = run(x3, N3, D2, NULL, &o);
    assert_int_equal(s.calls, CB_CELLS);
    for (size_t i = 0; i < CB_CELLS; i++)
      TU_TRUE(s.reported[i] == 1, "cell %zu reported %d times", i,
              s.reported[i]);
    gmix_select_result_free(r);

    /* Cancelling stops the sweep. */
    seen c;
    memset(&c, 0, sizeof c);
    c.cancel_after = 5;
    o.callback_data = &c;
    static int sentinel;
    SELECT_FAILS(x3, N3, D2, NULL, &o, GMIX_ECANCELLED, "cancelled");
    TU_TRUE(c.calls == 5, "%zu calls after a cancel at 5", c.calls);
  }
}

/* ---- allocation failure */

static void test_alloc(void **state) {
  (void)state;
  gmix_select_options o = sweep_options(1, 3, 1);
  static const gmix_covariance_type types[] = {GMIX_COV_TIED,
                                               GMIX_COV_SPHERICAL};
  o.covariance_types = types;
  o.n_covariance_types = 2;
  o.fit.n_init = 2;
  o.fit.max_iter = 5;
  size_t n;
  for (n = 1; n < MAX_ALLOCS; n++) {
    gmix_select_result *r = NULL;
    gmix_error err;
    memset(&err, 0, sizeof err);
    gmix__fault_inject(n);
    gmix_status st = gmix_select(x3, 90, D2, w3, &o, &r, &err);
    size_t made = gmix__fault_inject(0);
    if (st == GMIX_OK) {
      TU_TRUE(made < n, "succeeded at N = %zu after %zu allocations", n, made);
      assert_int_equal(gmix_select_result_n_cells(r), 6);
      gmix_select_result_free(r);
      break;
    }
    TU_STATUS(st, GMIX_ENOMEM, &err);
    TU_TRUE(r == NULL, "*out written on ENOMEM at N = %zu", n);
    TU_TRUE(err.status == GMIX_ENOMEM && err.message[0] != '\0',
            "error report at N = %zu: \"%s\"", n, err.message);
  }
  TU_TRUE(n > 1 && n < MAX_ALLOCS, "%zu attempts", n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_selects_three),
      cmocka_unit_test(test_failed_cells),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_cell_is_a_fit),
      cmocka_unit_test(test_starts),
      cmocka_unit_test(test_icl),
      cmocka_unit_test(test_criterion_names),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_callback),
      cmocka_unit_test(test_alloc),
  };
  return cmocka_run_group_tests_name("select", tests, setup, NULL);
}
