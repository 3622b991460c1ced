/*
 * test_em_stats.c -- EM over statistics the caller gathers
 * (gmix_em_start_stats / gmix_em_stats / gmix_em_step_stats /
 * gmix_em_finish) and responsibilities the caller gives
 * (gmix_stats_accumulate_resp): the driver an MPI rank runs, played here
 * in one process over parts of the rows, follows gmix_fit from the same
 * start for every covariance model, with and without weights and through
 * re-seeds; an initial M-step on one-hot labels gives the groups' moments;
 * and every argument error and allocation failure is reported.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* gmix__fault_inject */

/* The brief of the distributed fit: the same model as one process from
 * the same start, to 1e-12 relative. Splitting the rows changes only the
 * order of each pass's sums (a few ulps of each statistic), and EM near
 * its fixed point contracts such perturbations instead of growing them,
 * so the observed gap is a few hundred eps at most. */
#define SAME_FIT_REL 1e-12

/* |a - b| <= rel * max(|b|, scale): relative, with `scale` (the size of
 * the values compared) standing in near zero. */
static void check_rel(const double *a, const double *b, size_t n, double scale,
                      const char *what, const char *tn) {
  for (size_t i = 0; i < n; i++)
    TU_NEAR(a[i], b[i], SAME_FIT_REL * fmax(fabs(b[i]), scale), "%s %s[%zu]",
            tn, what, i);
}

static double max_abs(const double *v, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(v[i]));
  return m;
}

/* Statistics of rows [r0, r1) under em's parameters, added to `total`'s
 * flat buffer: what one rank contributes to the sum. */
static void add_part(const gmix_em *em, gmix_stats *total, const double *x,
                     const double *w, size_t r0, size_t r1, size_t d) {
  gmix_stats *s = NULL;
  gmix_error err;
  TU_OK(gmix_em_stats(em, &s, &err), &err);
  TU_OK(
      gmix_stats_accumulate(s, x + r0 * d, r1 - r0, d, w ? w + r0 : NULL, &err),
      &err);
  size_t len, len_total;
  const double *b = gmix_stats_buffer(s, &len);
  double *t = gmix_stats_buffer(total, &len_total);
  assert_int_equal(len, len_total);
  for (size_t i = 0; i < len; i++)
    t[i] += b[i];
  gmix_stats_free(s);
}

/* The statistics of all rows, accumulated in `parts` uneven parts (the
 * first part empty when there are more than two) and summed in part
 * order. */
static gmix_stats *gather(const gmix_em *em, const double *x, const double *w,
                          size_t n, size_t d, size_t parts) {
  gmix_stats *total = NULL;
  gmix_error err;
  TU_OK(gmix_em_stats(em, &total, &err), &err);
  size_t r0 = 0;
  for (size_t p = 0; p < parts; p++) {
    size_t r1 = p + 1 == parts ? n : parts > 2 && p == 0 ? 0 : r0 + n / 3 + p;
    add_part(em, total, x, w, r0, r1, d);
    r0 = r1;
  }
  return total;
}

/* One restart of EM driven from outside on `parts` parts of the rows,
 * from o->warm_start or from init statistics: a single-process picture of
 * the MPI driver. */
static gmix_model *fit_in_parts(const double *x, const double *w, size_t n,
                                size_t d, const gmix_options *o,
                                const gmix_stats *init, size_t parts) {
  double sum_w = 0.0;
  for (size_t i = 0; i < n; i++)
    sum_w += w ? w[i] : 1.0;
  gmix_em *em = NULL;
  gmix_error err;
  TU_OK(gmix_em_start_stats(init, n, sum_w, o, 0, &em, &err), &err);
  for (size_t it = 0; it < o->max_iter; it++) {
    gmix_stats *s = gather(em, x, w, n, d, parts);
    gmix_iteration info;
    int conv = -1;
    TU_OK(gmix_em_step_stats(em, s, &info, &conv, &err), &err);
    TU_TRUE(info.iteration == it + 1, "iteration %zu", info.iteration);
    gmix_stats_free(s);
    if (conv)
      break;
  }
  gmix_stats *s = gather(em, x, w, n, d, parts);
  double ll = gmix_stats_log_likelihood(s) / gmix_stats_weight(s);
  gmix_stats_free(s);
  gmix_model *m = NULL;
  TU_OK(gmix_em_finish(em, ll, 0.0, &m, &err), &err);
  gmix_em_free(em);
  return m;
}

/* Parameters, report and history of two fits agree to SAME_FIT_REL. */
static void check_same_fit(const gmix_model *a, const gmix_model *b,
                           const char *tn) {
  size_t k = gmix_model_n_components(a), d = gmix_model_n_features(a);
  gmix_covariance_type type = gmix_model_covariance_type(a);
  size_t nc = gmix_covariance_size(type, k, d);
  double *pa = malloc((k + k * d + nc) * sizeof *pa);
  double *pb = malloc((k + k * d + nc) * sizeof *pb);
  assert_non_null(pa);
  assert_non_null(pb);
  gmix_model_weights(a, pa);
  gmix_model_weights(b, pb);
  check_rel(pa, pb, k, 0.0, "weights", tn);
  gmix_model_means(a, pa);
  gmix_model_means(b, pb);
  check_rel(pa, pb, k * d, max_abs(pb, k * d), "means", tn);
  gmix_model_covariances(a, pa);
  gmix_model_covariances(b, pb);
  check_rel(pa, pb, nc, max_abs(pb, nc), "covariances", tn);
  const gmix_fit_report *ra = gmix_model_report(a), *rb = gmix_model_report(b);
  TU_TRUE(ra->n_iter == rb->n_iter && ra->converged == rb->converged &&
              ra->n_reseeds == rb->n_reseeds && ra->n_init == rb->n_init &&
              ra->n_samples == rb->n_samples,
          "%s report: n_iter %zu/%zu converged %d/%d reseeds %zu/%zu n_init "
          "%zu/%zu n %zu/%zu",
          tn, ra->n_iter, rb->n_iter, ra->converged, rb->converged,
          ra->n_reseeds, rb->n_reseeds, ra->n_init, rb->n_init, ra->n_samples,
          rb->n_samples);
  check_rel(&ra->lower_bound, &rb->lower_bound, 1, 1.0, "lower_bound", tn);
  check_rel(&ra->log_likelihood, &rb->log_likelihood, 1, 1.0, "log_likelihood",
            tn);
  check_rel(&ra->sum_weights, &rb->sum_weights, 1, 0.0, "sum_weights", tn);
  size_t nh = gmix_model_history(a, NULL, 0);
  assert_int_equal(gmix_model_history(b, NULL, 0), nh);
  double *ha = malloc((nh + 1) * sizeof *ha),
         *hb = malloc((nh + 1) * sizeof *hb);
  assert_non_null(ha);
  assert_non_null(hb);
  gmix_model_history(a, ha, nh);
  gmix_model_history(b, hb, nh);
  check_rel(ha, hb, nh, 1.0, "history", tn);
  free(ha);
  free(hb);
  for (size_t i = 0; i < gmix_model_n_reseeds(a); i++) {
    const gmix_reseed_event *ea = gmix_model_reseed(a, i),
                            *eb = gmix_model_reseed(b, i);
    /* Field by field: the struct's padding is not part of its value. */
    TU_TRUE(ea && eb && ea->init == eb->init &&
                ea->iteration == eb->iteration &&
                ea->component == eb->component && ea->source == eb->source &&
                ea->reason == eb->reason,
            "%s re-seed event %zu differs", tn, i);
  }
  free(pa);
  free(pb);
}

/* From the same warm start, EM on summed statistics of 1, 2 or 3 parts is
 * gmix_fit, for every covariance model, on faithful and iris, with and
 * without sample weights. */
static void test_equals_fit(void **state) {
  (void)state;
  const char *files[] = {"faithful.csv", "iris.csv"};
  const size_t ks[] = {2, 3};
  tu_rng r;
  tu_rng_seed(&r, 11);
  for (size_t f = 0; f < 2; f++) {
    size_t n, d;
    double *x = tu_read_csv(files[f], &n, &d);
    double *w = malloc(n * sizeof *w);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++)
      w[i] = tu_uniform_in(&r, 0.5, 2.0);
    for (int t = 0; t < TU_NTYPES; t++) {
      const char *tn = gmix_covariance_type_name(tu_types[t]);
      gmix_options o;
      gmix_options_init(&o);
      o.covariance_type = tu_types[t];
      o.n_components = ks[f];
      o.max_iter = 3; /* a rough start, far from the optimum */
      o.seed = 5;
      gmix_model *start = NULL;
      gmix_error err;
      TU_OK(gmix_fit(x, n, d, NULL, &o, &start, &err), &err);
      o.max_iter = 200;
      o.tol = 1e-8;
      o.warm_start = start;
      for (int weighted = 0; weighted < 2; weighted++) {
        const double *wt = weighted ? w : NULL;
        gmix_model *ref = NULL;
        TU_OK(gmix_fit(x, n, d, wt, &o, &ref, &err), &err);
        for (size_t parts = 1; parts <= 3; parts++) {
          gmix_model *m = fit_in_parts(x, wt, n, d, &o, NULL, parts);
          check_same_fit(m, ref, tn);
          gmix_model_free(m);
        }
        gmix_model_free(ref);
      }
      gmix_model_free(start);
    }
    free(w);
    free(x);
  }
}

/* The collapse policy keeps its state across steps as in gmix_fit: a
 * component started far from every row (over 100 standard deviations, so
 * its responsibilities underflow to zero; not so far that the tied
 * model's shift, the weighted centre of the means, costs the statistics
 * their digits) is re-seeded at iteration 1, the
 * event is recorded with its iteration, and the limits apply to the whole
 * restart (max_reseed 0 refuses the re-seed, naming the component). */
static void test_reseed_as_fit(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  for (int t = 0; t < TU_NTYPES; t++) {
    const char *tn = gmix_covariance_type_name(tu_types[t]);
    gmix_covariance_type type = tu_types[t];
    double w[2] = {0.5, 0.5}, mu[4] = {3.5, 70.0, 3.5, 200.0}, cov[8];
    size_t nc = gmix_covariance_size(type, 2, d);
    for (size_t i = 0; i < nc; i++)
      cov[i] = 1.0;
    size_t dims[3];
    if (gmix_covariance_shape(type, 2, d, dims, NULL) == 3 ||
        type == GMIX_COV_TIED) /* full, tied and mclust's other ten */
      for (size_t c = 0; c < nc / (d * d); c++)
        cov[c * 4 + 1] = cov[c * 4 + 2] = 0.0;
    gmix_model *start = NULL, *ref = NULL;
    gmix_error err;
    TU_OK(gmix_model_create(type, 2, d, w, mu, cov, &start, &err), &err);
    gmix_options o;
    gmix_options_init(&o);
    o.covariance_type = type;
    o.n_components = 2;
    o.warm_start = start;
    o.tol = 1e-8;
    TU_OK(gmix_fit(x, n, d, NULL, &o, &ref, &err), &err);
    TU_TRUE(gmix_model_n_reseeds(ref) >= 1, "%s: no re-seed", tn);
    assert_int_equal(gmix_model_reseed(ref, 0)->iteration, 1);
    gmix_model *m = fit_in_parts(x, NULL, n, d, &o, NULL, 2);
    check_same_fit(m, ref, tn);
    gmix_model_free(m);

    o.max_reseed = 0;
    gmix_em *em = NULL;
    TU_OK(gmix_em_start_stats(NULL, n, (double)n, &o, 0, &em, &err), &err);
    gmix_stats *s = gather(em, x, NULL, n, d, 2);
    TU_STATUS(gmix_em_step_stats(em, s, NULL, NULL, &err), GMIX_ECOLLAPSE,
              &err);
    TU_TRUE(strstr(err.message, "component 1") &&
                strstr(err.message, "iteration 1"),
            "%s: %s", tn, err.message);
    gmix_stats_free(s);
    gmix_em_free(em);
    gmix_model_free(start);
    gmix_model_free(ref);
  }
  free(x);
}

/* One-hot responsibilities of the three iris species: the initial M-step
 * gives each species' weight, mean and (biased) covariance plus
 * reg_covar, computed here directly; accumulated in parts or at once, the
 * statistics agree. */
static void test_start_from_labels(void **state) {
  (void)state;
  enum { K = 3, SPECIES = 50 };
  size_t n, d;
  double *x = tu_read_csv("iris.csv", &n, &d);
  assert_int_equal(n, K * SPECIES);
  double *resp = calloc(n * K, sizeof *resp);
  assert_non_null(resp);
  for (size_t i = 0; i < n; i++)
    resp[i * K + i / SPECIES] = 1.0;
  /* The species' moments by the direct formulas. */
  double mean[K * 4] = {0}, cov[K * 16] = {0};
  for (size_t c = 0; c < K; c++) {
    for (size_t i = c * SPECIES; i < (c + 1) * SPECIES; i++)
      for (size_t j = 0; j < d; j++)
        mean[c * d + j] += x[i * d + j] / SPECIES;
    for (size_t i = c * SPECIES; i < (c + 1) * SPECIES; i++)
      for (size_t j = 0; j < d; j++)
        for (size_t l = 0; l < d; l++)
          cov[c * d * d + j * d + l] += (x[i * d + j] - mean[c * d + j]) *
                                        (x[i * d + l] - mean[c * d + l]) /
                                        SPECIES;
  }
  /* Any model of the right shape carries the statistics; its means are
   * the shift they are taken around. */
  double w0[K] = {0.2, 0.3, 0.5}, mu0[K * 4] = {0}, cov0[K * 16] = {0};
  for (size_t c = 0; c < K; c++)
    for (size_t j = 0; j < d; j++)
      cov0[c * d * d + j * d + j] = 1.0;
  gmix_model *carrier = NULL, *m = NULL;
  gmix_stats *s = NULL, *parts = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_FULL, K, d, w0, mu0, cov0, &carrier, &err),
        &err);
  TU_OK(gmix_stats_create(carrier, &s, &err), &err);
  TU_OK(gmix_stats_create(carrier, &parts, &err), &err);
  TU_OK(gmix_stats_accumulate_resp(s, x, n, d, NULL, resp, &err), &err);
  for (size_t r0 = 0; r0 < n; r0 += 7) {
    size_t rows = n - r0 < 7 ? n - r0 : 7;
    TU_OK(gmix_stats_accumulate_resp(parts, x + r0 * d, rows, d, NULL,
                                     resp + r0 * K, &err),
          &err);
  }
  size_t len;
  const double *a = gmix_stats_buffer(s, &len),
               *b = gmix_stats_buffer(parts, &len);
  for (size_t i = 0; i < len; i++)
    TU_NEAR(b[i], a[i], 1e2 * TU_EPS * fmax(1.0, fabs(a[i])), "parts [%zu]", i);
  TU_NEAR(gmix_stats_weight(s), (double)n, 0.0, "weight");
  TU_NEAR(gmix_stats_log_likelihood(s), 0.0, 0.0, "no log-likelihood");

  gmix_options o;
  gmix_options_init(&o);
  o.n_components = K;
  gmix_em *em = NULL;
  TU_OK(gmix_em_start_stats(s, n, (double)n, &o, 0, &em, &err), &err);
  TU_OK(gmix_em_model(em, &m, &err), &err);
  double got_w[K], got_mu[K * 4], got_cov[K * 16];
  gmix_model_weights(m, got_w);
  gmix_model_means(m, got_mu);
  gmix_model_covariances(m, got_cov);
  /* Sums of 50 rows of values below 8: a few hundred eps of 8. */
  double tol = 1e3 * TU_EPS * 8.0;
  for (size_t c = 0; c < K; c++) {
    TU_NEAR(got_w[c], 1.0 / K, 4 * TU_EPS, "weight %zu", c);
    for (size_t j = 0; j < d; j++)
      TU_NEAR(got_mu[c * d + j], mean[c * d + j], tol, "mean %zu,%zu", c, j);
    for (size_t j = 0; j < d * d; j++)
      TU_NEAR(got_cov[c * d * d + j],
              cov[c * d * d + j] + (j % (d + 1) == 0 ? o.reg_covar : 0.0),
              tol * 8.0, "covariance %zu[%zu]", c, j);
  }
  gmix_em_free(em);
  gmix_model_free(m);

  /* The same start, then EM on the statistics, is gmix_fit from the
   * parameters that start gives. */
  TU_OK(gmix_em_start_stats(s, n, (double)n, &o, 0, &em, &err), &err);
  TU_OK(gmix_em_model(em, &m, &err), &err);
  gmix_em_free(em);
  o.tol = 1e-8;
  gmix_model *ref = NULL, *fit = NULL;
  o.warm_start = m;
  TU_OK(gmix_fit(x, n, d, NULL, &o, &ref, &err), &err);
  o.warm_start = NULL;
  fit = fit_in_parts(x, NULL, n, d, &o, s, 3);
  check_same_fit(fit, ref, "full from labels");
  gmix_model_free(ref);
  gmix_model_free(fit);
  gmix_model_free(m);
  gmix_stats_free(s);
  gmix_stats_free(parts);
  gmix_model_free(carrier);
  free(resp);
  free(x);
}

/* max_iter 0: the start is evaluated, not changed, and the report's lower
 * bound is the caller's log-likelihood, as gmix_fit's. */
static void test_max_iter_zero(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 2;
  o.n_init = 3;
  gmix_model *start = NULL, *ref = NULL, *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(x, n, d, NULL, &o, &start, &err), &err);
  o.warm_start = start;
  o.max_iter = 0;
  TU_OK(gmix_fit(x, n, d, NULL, &o, &ref, &err), &err);
  gmix_em *em = NULL;
  TU_OK(gmix_em_start_stats(NULL, n, (double)n, &o, 0, &em, &err), &err);
  gmix_stats *s = gather(em, x, NULL, n, d, 3);
  double ll = gmix_stats_log_likelihood(s) / gmix_stats_weight(s);
  TU_OK(gmix_em_finish(em, ll, 1.5, &m, &err), &err);
  const gmix_fit_report *r = gmix_model_report(m), *rr = gmix_model_report(ref);
  TU_TRUE(r->has_fit && r->n_iter == 0 && r->n_init == 3 && r->seconds == 1.5,
          "report: has_fit %d n_iter %zu n_init %zu seconds %g", r->has_fit,
          r->n_iter, r->n_init, r->seconds);
  TU_NEAR(r->lower_bound, ll, 0.0, "lower bound is the evaluation");
  TU_NEAR(r->log_likelihood, rr->log_likelihood,
          SAME_FIT_REL * fabs(rr->log_likelihood), "log-likelihood");
  double a[2 * 2], b[2 * 2];
  gmix_model_means(m, a);
  gmix_model_means(start, b);
  TU_TRUE(memcmp(a, b, sizeof a) == 0, "means changed");
  gmix_stats_free(s);
  gmix_em_free(em);
  gmix_model_free(m);
  gmix_model_free(ref);
  gmix_model_free(start);
  free(x);
}

/* Every argument error names what is wrong; a failed call leaves the
 * statistics unchanged. */
static void test_errors(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  double w[2] = {0.5, 0.5}, mu[4] = {2, 60, 4, 80}, cov[2] = {1, 1};
  gmix_model *m = NULL, *other = NULL, *out = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_SPHERICAL, 2, d, w, mu, cov, &m, &err),
        &err);
  TU_OK(gmix_model_create(GMIX_COV_SPHERICAL, 2, d, w, mu, cov, &other, &err),
        &err);
  gmix_stats *s = NULL;
  TU_OK(gmix_stats_create(m, &s, &err), &err);

  /* Given responsibilities must be finite and >= 0. */
  double resp[3 * 2] = {1, 0, 0, -1, 0.5, 0.5};
  TU_STATUS(gmix_stats_accumulate_resp(s, x, 3, d, NULL, resp, &err),
            GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "row 2, component 1") != NULL, "%s", err.message);
  resp[3] = NAN;
  TU_STATUS(gmix_stats_accumulate_resp(s, x, 3, d, NULL, resp, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(gmix_stats_accumulate_resp(s, x, 3, d, NULL, NULL, &err),
            GMIX_EINVAL, &err);
  assert_string_equal(err.message, "argument 'resp' is NULL");
  TU_STATUS(gmix_stats_accumulate_resp(s, x, 3, 3, NULL, resp, &err), GMIX_EDIM,
            &err);
  TU_STATUS(gmix_stats_accumulate_resp(NULL, x, 3, d, NULL, resp, &err),
            GMIX_EINVAL, &err);
  TU_OK(gmix_stats_accumulate_resp(s, NULL, 0, d, NULL, NULL, &err), &err);
  TU_NEAR(gmix_stats_weight(s), 0.0, 0.0, "failures add nothing");

  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 2;
  o.covariance_type = GMIX_COV_SPHERICAL;
  gmix_em *em = NULL;
  TU_STATUS(gmix_em_start_stats(NULL, n, 1.0, &o, 0, &em, &err), GMIX_EINVAL,
            &err);
  TU_TRUE(strstr(err.message, "neither") != NULL, "%s", err.message);
  /* Empty initial statistics: nothing to build parameters from. */
  TU_STATUS(gmix_em_start_stats(s, n, 1.0, &o, 0, &em, &err), GMIX_EINVAL,
            &err);
  TU_STATUS(gmix_em_start_stats(s, n, 1.0, &o, 0, NULL, &err), GMIX_EINVAL,
            &err);
  o.warm_start = m;
  TU_STATUS(gmix_em_start_stats(NULL, 1, 1.0, &o, 0, &em, &err), GMIX_ETOOFEW,
            &err);
  TU_STATUS(gmix_em_start_stats(NULL, n, 0.0, &o, 0, &em, &err), GMIX_EWEIGHTS,
            &err);
  TU_STATUS(gmix_em_start_stats(NULL, n, NAN, &o, 0, &em, &err), GMIX_EWEIGHTS,
            &err);
  o.covariance_type = GMIX_COV_DIAG;
  TU_STATUS(gmix_em_start_stats(NULL, n, 1.0, &o, 0, &em, &err), GMIX_EDIM,
            &err);
  TU_TRUE(strstr(err.message, "warm start model has 2 components") != NULL,
          "%s", err.message);
  o.covariance_type = GMIX_COV_SPHERICAL;
  assert_null(em);

  TU_OK(gmix_em_start_stats(NULL, n, (double)n, &o, 0, &em, &err), &err);
  TU_STATUS(gmix_em_step_stats(em, s, NULL, NULL, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "no rows of positive weight") != NULL, "%s",
          err.message);
  TU_STATUS(gmix_em_step_stats(em, NULL, NULL, NULL, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_em_step_stats(NULL, s, NULL, NULL, &err), GMIX_EINVAL, &err);
  /* Statistics under other parameters: one step moves the fit on. */
  gmix_stats *first = gather(em, x, NULL, n, d, 1);
  TU_OK(gmix_em_step_stats(em, first, NULL, NULL, &err), &err);
  TU_STATUS(gmix_em_step_stats(em, first, NULL, NULL, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "other parameters") != NULL, "%s", err.message);
  TU_STATUS(gmix_em_stats(NULL, &s, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_em_finish(NULL, 0.0, 0.0, &out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_em_finish(em, 0.0, 0.0, NULL, &err), GMIX_EINVAL, &err);
  assert_null(out);
  gmix_stats_free(first);
  gmix_em_free(em);
  gmix_stats_free(s);
  gmix_model_free(m);
  gmix_model_free(other);
  free(x);
}

/* Every allocation of a start, a step and the finish can fail: the call
 * reports GMIX_ENOMEM and leaves nothing behind (the sanitizer build checks
 * for leaks). */
static void test_allocation_failures(void **state) {
  (void)state;
  size_t n, d;
  double *x = tu_read_csv("faithful.csv", &n, &d);
  double resp[2 * 2] = {1, 0, 0, 1}, w[2] = {0.5, 0.5}, mu[4] = {2, 60, 4, 80},
                  cov[2] = {1, 1};
  gmix_model *carrier = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(GMIX_COV_SPHERICAL, 2, d, w, mu, cov, &carrier, &err),
        &err);
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 2;
  o.covariance_type = GMIX_COV_SPHERICAL;
  for (size_t k = 1;; k++) {
    gmix_stats *init = NULL, *s = NULL;
    gmix_em *em = NULL;
    gmix_model *m = NULL;
    gmix__fault_inject(k);
    gmix_status st = gmix_stats_create(carrier, &init, &err);
    if (st == GMIX_OK)
      st = gmix_stats_accumulate_resp(init, x, 2, d, NULL, resp, &err);
    if (st == GMIX_OK)
      st = gmix_em_start_stats(init, n, (double)n, &o, 0, &em, &err);
    if (st == GMIX_OK)
      st = gmix_em_stats(em, &s, &err);
    if (st == GMIX_OK)
      st = gmix_stats_accumulate(s, x, n, d, NULL, &err);
    if (st == GMIX_OK)
      st = gmix_em_step_stats(em, s, NULL, NULL, &err);
    if (st == GMIX_OK)
      st = gmix_em_finish(em, -1.0, 0.0, &m, &err);
    size_t made = gmix__fault_inject(0);
    gmix_stats_free(init);
    gmix_stats_free(s);
    gmix_em_free(em);
    gmix_model_free(m);
    if (st == GMIX_OK) {
      assert_true(made < k);
      break;
    }
    TU_STATUS(st, GMIX_ENOMEM, &err);
    assert_true(k < 1000);
  }
  gmix_model_free(carrier);
  free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_equals_fit),
      cmocka_unit_test(test_reseed_as_fit),
      cmocka_unit_test(test_start_from_labels),
      cmocka_unit_test(test_max_iter_zero),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests_name("em_stats", tests, NULL, NULL);
}
