/*
 * test_hc.c -- the hierarchical start (init hc) and standardised
 * initialisation: a merge sequence worked out by hand, every merge checked
 * against the criterion computed directly, agreement with mclust's merges,
 * recovery of separated blobs, determinism across seeds and threads, the
 * subsample path, and initialisation on standardised data (statistics
 * taken back to the original units exactly, and a data set with features
 * of very different scales where it finds the structure k-means on the
 * raw data misses).
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc.h"
#include "internal.h"

static gmix_options options(size_t k, gmix_init_method init) {
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = k;
  o.init = init;
  return o;
}

static gmix_model *fit(const double *x, size_t n, size_t d, const double *w,
                       const gmix_options *o) {
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(x, n, d, w, o, &m, &err), &err);
  return m;
}

/* 1 when labels a and b (n rows) describe the same partition. */
static int same_partition(const size_t *a, const size_t *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if ((a[i] == a[j]) != (b[i] == b[j]))
        return 0;
  return 1;
}

/* ---- the criterion by its definition, from the rows of a cluster ---- */

/* term(C) = n_C log(det(W_C / n_C) + (tr W_C + alpha) / n_C), with the
 * determinant taken as 0 for at most q rows (hc.c): mean and scatter by
 * plain loops, the determinant from the test's own Cholesky factor. */
static double direct_term(const double *z, size_t q, const double *w,
                          const size_t *label, size_t n, size_t name,
                          double alpha) {
  double nc = 0.0, mean[8] = {0}, scat[64] = {0}, l[64];
  size_t rows = 0;
  assert_true(q <= 8);
  for (size_t i = 0; i < n; i++)
    if (label[i] == name) {
      double wi = w ? w[i] : 1.0;
      nc += wi;
      rows++;
      for (size_t j = 0; j < q; j++)
        mean[j] += wi * z[i * q + j];
    }
  for (size_t j = 0; j < q; j++)
    mean[j] /= nc;
  double tr = 0.0;
  for (size_t i = 0; i < n; i++)
    if (label[i] == name) {
      double wi = w ? w[i] : 1.0;
      for (size_t a = 0; a < q; a++)
        for (size_t b = 0; b < q; b++)
          scat[a * q + b] +=
              wi * (z[i * q + a] - mean[a]) * (z[i * q + b] - mean[b]);
    }
  for (size_t a = 0; a < q; a++) {
    tr += scat[a * q + a];
    for (size_t b = 0; b < q; b++)
      scat[a * q + b] /= nc;
  }
  double det = 0.0;
  if (rows > q && tu_cholesky(scat, q, l) == 0) {
    det = 1.0;
    for (size_t a = 0; a < q; a++)
      det *= l[a * q + a] * l[a * q + a];
  }
  return nc * log(det + (tr + alpha) / nc);
}

/* The cost of merging clusters a and b under `label` (names: smallest
 * row), by the direct formula. `label` is overwritten (b's rows join a). */
static double direct_cost(const double *z, size_t q, const double *w,
                          size_t *label, size_t n, size_t a, size_t b,
                          double alpha) {
  double ta = direct_term(z, q, w, label, n, a, alpha);
  double tb = direct_term(z, q, w, label, n, b, alpha);
  for (size_t i = 0; i < n; i++)
    if (label[i] == b)
      label[i] = a;
  return direct_term(z, q, w, label, n, a, alpha) - ta - tb;
}

/* ---- a merge sequence by hand ----------------------------------------- */

/* Four values on a line, 0 1 3 7 (q = 1). alpha is the data's variance,
 * 28.75 / 4 = 7.1875; a single row's term is log(alpha). With one feature
 * a cluster of m >= 2 rows has det(W / m) = W / m = tr / m, so its term is
 * m log((2 W + alpha) / m).
 *  1. Pairs: 2 log(W + alpha/2) - 2 log(alpha), least for the closest
 *     pair {0, 1} (W = 1/2).
 *  2. {0,1} + {3}: W = 42/9 = 14/3, cost 3 log((28/3 + alpha) / 3)
 *     - 2 log(1/2 + alpha/2) - log(alpha) = 0.327; {3} + {7}: W = 8,
 *     cost 0.956; {0,1} + {7} more still. So row 2 joins {0, 1}.
 *  3. The last merge, everything: W = 28.75, term 4 log((57.5 + alpha)/4).
 */
static void test_hand_sequence(void **state) {
  (void)state;
  const double z[4] = {0, 1, 3, 7}, alpha = 7.1875;
  gmix__hc_merge m[3];
  gmix_error err;
  TU_OK(gmix__hc_merges(z, 4, 1, NULL, 1, 1, m, &err), &err);
  double t01 = 2 * log(0.5 + alpha / 2), t012 = 3 * log((28.0 / 3 + alpha) / 3);
  double expect[3] = {t01 - 2 * log(alpha), t012 - t01 - log(alpha),
                      4 * log((57.5 + alpha) / 4) - t012 - log(alpha)};
  size_t ea[3] = {0, 0, 0}, eb[3] = {1, 2, 3};
  for (int s = 0; s < 3; s++) {
    TU_TRUE(m[s].a == ea[s] && m[s].b == eb[s],
            "merge %d is (%zu, %zu), expected (%zu, %zu)", s + 1, m[s].a,
            m[s].b, ea[s], eb[s]);
    /* A few logarithms of numbers near 10: a few ulps of 10. */
    TU_NEAR(m[s].cost, expect[s], 16 * TU_EPS * 10, "cost of merge %d", s + 1);
  }
  size_t labels[4];
  gmix__hc_labels(m, 4, 2, labels);
  TU_TRUE(labels[0] == 0 && labels[1] == 0 && labels[2] == 0 && labels[3] == 1,
          "K = 2 labels %zu %zu %zu %zu", labels[0], labels[1], labels[2],
          labels[3]);
  gmix__hc_labels(m, 4, 3, labels);
  TU_TRUE(labels[0] == 0 && labels[1] == 0 && labels[2] == 1 && labels[3] == 2,
          "K = 3 labels %zu %zu %zu %zu", labels[0], labels[1], labels[2],
          labels[3]);
}

/* ---- every merge is the cheapest, by the direct formula --------------- */

static void check_against_direct(const char *what, const double *z, size_t n,
                                 size_t q, const double *w) {
  gmix__hc_merge *m = malloc(n * sizeof *m);
  size_t *label = malloc(n * sizeof *label),
         *scratch = malloc(n * sizeof *scratch);
  gmix_error err;
  TU_OK(gmix__hc_merges(z, n, q, w, 1, 1, m, &err), &err);
  /* alpha as hc.c defines it: tr W / (sum w * q). */
  double sw = 0.0, mean[8] = {0}, tr = 0.0;
  for (size_t i = 0; i < n; i++) {
    sw += w ? w[i] : 1.0;
    for (size_t j = 0; j < q; j++)
      mean[j] += (w ? w[i] : 1.0) * z[i * q + j];
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < q; j++) {
      double t = z[i * q + j] - mean[j] / sw;
      tr += (w ? w[i] : 1.0) * t * t;
    }
  double alpha = tr / (sw * (double)q);
  for (size_t i = 0; i < n; i++)
    label[i] = i;
  for (size_t s = 0; s + 1 < n; s++) {
    double best = INFINITY, mine = NAN;
    for (size_t a = 0; a < n; a++) {
      if (label[a] != a)
        continue;
      for (size_t b = a + 1; b < n; b++) {
        if (label[b] != b)
          continue;
        memcpy(scratch, label, n * sizeof *label);
        double c = direct_cost(z, q, w, scratch, n, a, b, alpha);
        if (c < best)
          best = c;
        if (a == m[s].a && b == m[s].b)
          mine = c;
      }
    }
    /* Terms are sums over up to n rows of logs of O(1) numbers: the two
     * evaluations differ by rounding, a few hundred ulps of |term|. */
    double tol = 1e3 * TU_EPS * (double)n * (1.0 + fabs(best));
    TU_TRUE(!isnan(mine), "%s: merge %zu (%zu, %zu) is not a pair of clusters",
            what, s + 1, m[s].a, m[s].b);
    TU_NEAR(m[s].cost, mine, tol, "%s: reported cost of merge %zu", what,
            s + 1);
    TU_TRUE(mine <= best + tol,
            "%s: merge %zu (%zu, %zu) costs %.17g, but %.17g was possible",
            what, s + 1, m[s].a, m[s].b, mine, best);
    for (size_t i = 0; i < n; i++)
      if (label[i] == m[s].b)
        label[i] = m[s].a;
  }
  free(m);
  free(label);
  free(scratch);
}

static void test_direct_criterion(void **state) {
  (void)state;
  enum { N = 24 };
  double z[N * 3], w[N];
  tu_rng r;
  tu_rng_seed(&r, 11);
  for (size_t q = 1; q <= 3; q++) {
    for (size_t i = 0; i < N; i++) {
      for (size_t j = 0; j < q; j++)
        z[i * q + j] = tu_normal(&r) + 4.0 * (double)(i % 3) * (j == 0);
      w[i] = tu_uniform_in(&r, 0.5, 2.0);
    }
    char what[32];
    snprintf(what, sizeof what, "q = %zu", q);
    check_against_direct(what, z, N, q, NULL);
    snprintf(what, sizeof what, "q = %zu weighted", q);
    check_against_direct(what, z, N, q, w);
  }
}

/* ---- agreement with mclust ------------------------------------------- */

/* tests/ref/mclust_hc_wreath.csv holds mclust's merges on wreath (see
 * tests/ref/gen_mclust_hc_ref.R). The data have no ties, so the merge
 * sequences are the same until the last three merges, which join the four
 * largest clusters (K <= 3). There mclust's Fortran carries costs that
 * have drifted from the criterion (its own last costs read 206.5354 and
 * 327.1235 where the criterion evaluated directly in R gives 206.6147 and
 * 327.5351, as gmix does), and at four clusters it merges the pair costing
 * 443.117 while another costs 442.605; gmix takes the cheaper, as the
 * direct-formula test above checks of every merge. */
#define MCLUST_AGREE 996

static void test_mclust_reference(void **state) {
  (void)state;
  size_t n, d, nr, dr;
  double *x = tu_read_csv("wreath.csv", &n, &d);
  /* The reference lives beside the other reference values. */
  double *ref = tu_read_csv("../tests/ref/mclust_hc_wreath.csv", &nr, &dr);
  assert_int_equal(n, 1000);
  assert_int_equal(nr, n - 1);
  assert_int_equal(dr, 2);
  double *z = NULL;
  size_t q = 0;
  gmix_error err;
  TU_OK(gmix__hc_transform(x, n, d, NULL, &z, &q, &err), &err);
  assert_int_equal(q, 2);
  gmix__hc_merge *m = malloc(n * sizeof *m);
  TU_OK(gmix__hc_merges(z, n, q, NULL, 1, 2, m, &err), &err);
  for (size_t s = 0; s < MCLUST_AGREE; s++)
    TU_TRUE(m[s].a + 1 == (size_t)ref[2 * s] &&
                m[s].b + 1 == (size_t)ref[2 * s + 1],
            "merge %zu: gmix (%zu, %zu), mclust (%g, %g)", s + 1, m[s].a + 1,
            m[s].b + 1, ref[2 * s], ref[2 * s + 1]);
  free(x);
  free(ref);
  free(z);
  free(m);
}

/* ---- separated blobs are recovered exactly ---------------------------- */

/* Three blobs in 3-D, 25 apart with spreads of at most 3 per feature,
 * interleaved (row i is in blob (7 i) mod 3): x[n][3], truth[n], and the
 * sums of each blob's rows in sum[3][3] (may be NULL). */
enum { BLOB_D = 3, BLOB_K = 3 };
static void blobs(uint64_t seed, size_t n, double *x, size_t *truth,
                  double sum[BLOB_K][BLOB_D]) {
  const double centre[BLOB_K][BLOB_D] = {{0, 0, 0}, {25, 0, 0}, {0, 25, 5}};
  const double spread[BLOB_K][BLOB_D] = {{1, 2, 0.5}, {3, 1, 1}, {0.5, 0.5, 2}};
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t i = 0; i < n; i++) {
    size_t c = (i * 7) % BLOB_K;
    truth[i] = c;
    for (size_t j = 0; j < BLOB_D; j++) {
      x[i * BLOB_D + j] = centre[c][j] + spread[c][j] * tu_normal(&r);
      if (sum)
        sum[c][j] += x[i * BLOB_D + j];
    }
  }
}

static void test_blobs(void **state) {
  (void)state;
  enum { N = 150, D = BLOB_D, K = BLOB_K };
  double x[N * D], sum[K][D] = {{0}};
  size_t truth[N], labels[N];
  blobs(3, N, x, truth, sum);
  double *z;
  size_t q;
  gmix__hc_merge m[N];
  gmix_error err;
  TU_OK(gmix__hc_transform(x, N, D, NULL, &z, &q, &err), &err);
  TU_OK(gmix__hc_merges(z, N, q, NULL, K, 1, m, &err), &err);
  gmix__hc_labels(m, N, K, labels);
  TU_TRUE(same_partition(labels, truth, N), "hc did not recover the blobs");
  free(z);

  /* Through gmix_fit: with max_iter 0 the model is the first M-step on
   * the one-hot clusters, so each mean is a blob's sample mean. */
  gmix_options o = options(K, GMIX_INIT_HC);
  o.max_iter = 0;
  gmix_model *model = fit(x, N, D, NULL, &o);
  double mu[K * D], wts[K];
  gmix_model_means(model, mu);
  gmix_model_weights(model, wts);
  for (size_t c = 0; c < K; c++) {
    size_t t = truth[0] == c ? 0 : truth[1] == c ? 1 : 2; /* first row */
    size_t comp = labels[t];
    TU_NEAR(wts[comp], 1.0 / K, 4 * TU_EPS, "weight of blob %zu", c);
    for (size_t j = 0; j < D; j++)
      TU_NEAR(mu[comp * D + j], sum[c][j] / (N / K),
              64 * TU_EPS * (1 + fabs(sum[c][j] / (N / K))),
              "mean %zu of blob %zu", j, c);
  }
  gmix_model_free(model);
}

/* ---- determinism ------------------------------------------------------ */

static double *mixture_data(size_t n, size_t d, uint64_t seed, size_t *labels) {
  enum { K = 4 };
  double w[K] = {0.4, 0.3, 0.2, 0.1}, mu[K * 8], full[K * 64];
  assert_true(d <= 8);
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t c = 0; c < K; c++) {
    for (size_t j = 0; j < d; j++)
      mu[c * d + j] = tu_uniform_in(&r, -8, 8);
    tu_random_spd(&r, d, 0.3, 2.0, full + c * d * d);
  }
  double *x = malloc(n * d * sizeof *x);
  assert_non_null(x);
  tu_sample_mixture(&r, K, d, w, mu, full, n, x, labels);
  return x;
}

static void test_deterministic(void **state) {
  (void)state;
  enum { N = 400, D = 3 };
  double *x = mixture_data(N, D, 5, NULL);
  for (int sub = 0; sub < 2; sub++) {
    gmix_options o = options(4, GMIX_INIT_HC);
    o.max_iter = 0; /* the start itself */
    o.seed = 17;
    if (sub)
      o.hc_max_rows = N / 3;
    o.threads = 1;
    gmix_model *a = fit(x, N, D, NULL, &o);
    gmix_model *b = fit(x, N, D, NULL, &o);
    o.threads = 2;
    gmix_model *c = fit(x, N, D, NULL, &o);
    TU_TRUE(gmix__model_same_params(a, b), "sub %d: same seed, other start",
            sub);
    TU_TRUE(gmix__model_same_params(a, c), "sub %d: threads 1 and 2 differ",
            sub);
    /* A subsample is drawn from the seed; on every row there is no
     * chance involved. */
    o.seed = 18;
    gmix_model *e = fit(x, N, D, NULL, &o);
    TU_TRUE(gmix__model_same_params(a, e) == !sub, "sub %d: seed 17 and 18 %s",
            sub, sub ? "gave the same start" : "gave different starts");
    gmix_model_free(a);
    gmix_model_free(b);
    gmix_model_free(c);
    gmix_model_free(e);
  }
  free(x);
  /* The merges themselves, whatever the threads: in 8 dimensions and 600
   * rows the early steps are large enough for hc.c to share them out. */
  enum { NB = 600, DB = 8 };
  x = mixture_data(NB, DB, 6, NULL);
  double *z;
  size_t q;
  gmix__hc_merge *m1 = malloc(NB * sizeof *m1), *m2 = malloc(NB * sizeof *m2);
  gmix_error err;
  TU_OK(gmix__hc_transform(x, NB, DB, NULL, &z, &q, &err), &err);
  assert_int_equal(q, DB);
  TU_OK(gmix__hc_merges(z, NB, q, NULL, 1, 1, m1, &err), &err);
  TU_OK(gmix__hc_merges(z, NB, q, NULL, 1, 2, m2, &err), &err);
  TU_TRUE(memcmp(m1, m2, (NB - 1) * sizeof *m1) == 0,
          "merges differ for 1 and 2 threads");
  free(m1);
  free(m2);
  free(z);
  free(x);
}

/* ---- more rows than hc_max_rows --------------------------------------- */

static void test_subsample(void **state) {
  (void)state;
  const size_t n = TU_SANITIZED ? 1200 : 3000, d = BLOB_D, k = BLOB_K;
  const size_t max_rows = 300;
  double *x = malloc(n * d * sizeof *x), *w = malloc(n * sizeof *w);
  size_t *truth = malloc(n * sizeof *truth),
         *labels = malloc(n * sizeof *labels);
  assert_true(x && w && truth && labels);
  blobs(12, n, x, truth, NULL);
  tu_rng r;
  tu_rng_seed(&r, 4);
  for (size_t i = 0; i < n; i++) /* a fifth of the rows weigh nothing */
    w[i] = i % 5 == 1 ? 0.0 : tu_uniform_in(&r, 0.5, 2.0);
  gmix_options o = options(k, GMIX_INIT_HC);
  for (int weighted = 0; weighted < 2; weighted++) {
    const double *wp = weighted ? w : NULL;
    /* The start alone: the subsample's clusters, extended to every row by
     * one E-step, are the blobs. */
    o.hc_max_rows = max_rows;
    o.max_iter = 0;
    gmix_model *start = fit(x, n, d, wp, &o);
    TU_OK(gmix_predict(start, x, n, d, 0, labels, NULL), NULL);
    TU_TRUE(same_partition(labels, truth, n),
            "weighted %d: the subsample's start missed the blobs", weighted);
    o.max_iter = 100;
    gmix_model *sub = fit(x, n, d, wp, &o);
    o.hc_max_rows = 0; /* every row */
    gmix_model *all = fit(x, n, d, wp, &o);
    double wts[BLOB_K], mu[BLOB_K * BLOB_D], cov[BLOB_K * BLOB_D * BLOB_D];
    double s = 0.0;
    gmix_model_weights(sub, wts);
    gmix_model_means(sub, mu);
    gmix_model_covariances(sub, cov);
    for (size_t c = 0; c < k; c++)
      s += wts[c];
    TU_NEAR(s, 1.0, 8 * TU_EPS, "weighted %d: weights sum", weighted);
    TU_TRUE(tu_all_finite(mu, k * d) && tu_all_finite(cov, k * d * d),
            "weighted %d: parameters not finite", weighted);
    gmix_fit_report rs = *gmix_model_report(sub), ra = *gmix_model_report(all);
    TU_TRUE(isfinite(rs.log_likelihood) && rs.converged,
            "weighted %d: log-likelihood %g converged %d", weighted,
            rs.log_likelihood, rs.converged);
    /* The blobs are far apart: both starts lead EM to the same optimum,
     * to within the convergence tolerance. */
    TU_NEAR(rs.log_likelihood, ra.log_likelihood, 10 * o.tol,
            "weighted %d: subsample vs every row", weighted);
    gmix_model_free(start);
    gmix_model_free(sub);
    gmix_model_free(all);
  }
  free(labels);
  free(truth);
  free(w);
  free(x);
}

/* ---- standardised initialisation -------------------------------------- */

/* Methods whose responsibilities do not depend on the data's values give
 * the same first parameters with and without standardize: the statistics
 * taken back from standardised units are those of the raw data, for every
 * covariance model's scatter family. */
/* The square of the units of covariance entry i (in the layout of
 * gmix_model_covariances) for features in units[3]: a spherical variance
 * averages the features, so the largest unit bounds it. */
static double cov_unit(gmix_covariance_type type, size_t i,
                       const double *units) {
  enum { D = 3 };
  /* One variance over every feature (VII = spherical, EII): the largest
   * unit. */
  const char *mn = gmix_covariance_type_mclust_name(type);
  switch (strcmp(mn + 1, "II") == 0 ? GMIX_COV_SPHERICAL : type) {
  case GMIX_COV_SPHERICAL:
    break;
  case GMIX_COV_DIAG:
    return units[i % D] * units[i % D];
  default: /* full, tied, mclust's other ten: d x d matrices */
    return units[(i / D) % D] * units[i % D];
  }
  double top = 0.0;
  for (size_t j = 0; j < D; j++)
    top = fmax(top, units[j] * units[j]);
  return top;
}

static void test_standardize_exact(void **state) {
  (void)state;
  enum { N = 200, D = 3, K = 3 };
  double *x = mixture_data(N, D, 21, NULL), w[N];
  const double units[D] = {2e3, 1e-2, 1.0};
  tu_rng r;
  tu_rng_seed(&r, 8);
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < D; j++)
      x[i * D + j] = units[j] * x[i * D + j] + 10 * units[j];
    w[i] = tu_uniform_in(&r, 0.5, 2.0);
  }
  const gmix_init_method methods[2] = {GMIX_INIT_RANDOM,
                                       GMIX_INIT_RANDOM_FROM_DATA};
  for (int t = 0; t < TU_NTYPES; t++)
    for (int mi = 0; mi < 2; mi++) {
      gmix_options o = options(K, methods[mi]);
      o.covariance_type = tu_types[t];
      o.max_iter = 0;
      /* The M-steps that iterate (VEI, VEV, ...) run to their fixed
       * point, not to a tolerance two slightly different paths could
       * cross at different iterations. */
      o.mstep_tol = 0;
      gmix_model *raw = fit(x, N, D, w, &o);
      o.standardize = 1;
      gmix_model *std = fit(x, N, D, w, &o);
      size_t nc = gmix_covariance_size(tu_types[t], K, D);
      double mu_a[K * D], mu_b[K * D], c_a[K * D * D], c_b[K * D * D];
      gmix_model_means(raw, mu_a);
      gmix_model_means(std, mu_b);
      gmix_model_covariances(raw, c_a);
      gmix_model_covariances(std, c_b);
      const char *name = gmix_covariance_type_name(tu_types[t]);
      /* Standardising and scaling back round each value a few times,
       * and the sums over N rows then differ by rounding: N ulps of the
       * feature's scale (squared for covariances). */
      for (size_t c = 0; c < K; c++)
        for (size_t j = 0; j < D; j++)
          TU_NEAR(mu_b[c * D + j], mu_a[c * D + j],
                  N * TU_EPS * 10 * units[j] * 10, "%s %s mean %zu,%zu", name,
                  gmix_init_method_name(methods[mi]), c, j);
      /* mclust's ten other models share a volume, shape or orientation
       * that mixes the features' units (and some iterate, amplifying the
       * differences by their conditioning): allow them 100 times more, in
       * the largest unit. */
      const int iterates =
          strcmp(gmix_covariance_type_name(tu_types[t]),
                 gmix_covariance_type_mclust_name(tu_types[t])) == 0;
      for (size_t i = 0; i < nc; i++)
        TU_NEAR(c_b[i], c_a[i],
                iterates
                    ? N * TU_EPS * 1e4 * cov_unit(GMIX_COV_SPHERICAL, i, units)
                    : N * TU_EPS * 1e2 * cov_unit(tu_types[t], i, units),
                "%s %s covariance entry %zu", name,
                gmix_init_method_name(methods[mi]), i);
      gmix_model_free(raw);
      gmix_model_free(std);
    }
  free(x);
}

/* Three clusters: two share their place in the first feature (in the
 * thousands, spread 300) and differ in the second (in hundredths, spread
 * 0.01, 10 spreads apart); the third stands 2000 away in the first. To
 * k-means on the raw data the second feature is invisible: it splits the
 * first feature's noise and never separates the twins. Standardised, the
 * three clusters are compact and far apart: k-means finds them, and so
 * does hc (which standardises as mclust does). EM from there ends far
 * higher, and the model is in the data's units. */
static void test_standardize_scales(void **state) {
  (void)state;
  enum { N = 300, D = 2, K = 3 };
  const double big[K] = {5000, 5000, 7000}, small[K] = {0.0, 0.1, 0.05};
  double x[N * D], sum[K][D] = {{0}};
  size_t truth[N];
  tu_rng r;
  tu_rng_seed(&r, 5);
  for (size_t i = 0; i < N; i++) {
    size_t c = i % K;
    truth[i] = c;
    x[i * D] = big[c] + 300 * tu_normal(&r);
    x[i * D + 1] = small[c] + 0.01 * tu_normal(&r);
    for (size_t j = 0; j < D; j++)
      sum[c][j] += x[i * D + j];
  }
  gmix_options o = options(K, GMIX_INIT_KMEANS);
  o.seed = 1;
  gmix_model *raw = fit(x, N, D, NULL, &o);
  o.standardize = 1;
  gmix_model *std = fit(x, N, D, NULL, &o);
  o.standardize = 0;
  o.init = GMIX_INIT_HC;
  gmix_model *hc = fit(x, N, D, NULL, &o);
  double l_raw = gmix_model_report(raw)->log_likelihood;
  double l_std = gmix_model_report(std)->log_likelihood;
  double l_hc = gmix_model_report(hc)->log_likelihood;
  /* Telling the twins apart gains about log(0.05 / 0.01) ~ 1.6 per row of
   * theirs in the second feature (seen: 0.6 per row overall). 0.3 is far
   * above EM's tolerance (1e-3) and far below the gain. */
  TU_TRUE(l_std > l_raw + 0.3, "standardised %.6f vs raw k-means %.6f", l_std,
          l_raw);
  TU_TRUE(l_hc > l_raw + 0.3, "hc %.6f vs raw k-means %.6f", l_hc, l_raw);

  /* Each component sits on one true cluster and its mean is that
   * cluster's sample mean, in the data's units: the clusters are 10
   * spreads apart, so the responsibilities are one-hot to far below
   * these tolerances (a millionth of each feature's size). */
  gmix_model *models[2] = {std, hc};
  for (int mi = 0; mi < 2; mi++) {
    double mu[K * D];
    gmix_model_means(models[mi], mu);
    size_t labels[N];
    TU_OK(gmix_predict(models[mi], x, N, D, 0, labels, NULL), NULL);
    TU_TRUE(same_partition(labels, truth, N), "model %d: clusters missed", mi);
    for (size_t c = 0; c < K; c++) {
      size_t comp = labels[c]; /* row c is in cluster c */
      TU_NEAR(mu[comp * D], sum[c][0] / (N / K), 1e-6 * 5000,
              "model %d: mean of feature 1, cluster %zu", mi, c);
      TU_NEAR(mu[comp * D + 1], sum[c][1] / (N / K), 1e-6 * 0.05,
              "model %d: mean of feature 2, cluster %zu", mi, c);
    }
  }
  gmix_model_free(raw);
  gmix_model_free(std);
  gmix_model_free(hc);
}

/* ---- errors ------------------------------------------------------------ */

static void test_errors(void **state) {
  (void)state;
  double x[8] = {0, 0, 1, 1, 2, 2, 3, 3}, w[4] = {1, 0, 0, 1};
  gmix_options o = options(3, GMIX_INIT_HC);
  gmix_model *m = NULL;
  gmix_error err;
  /* Three components need three rows of positive weight. */
  TU_STATUS(gmix_fit(x, 4, 2, w, &o, &m, &err), GMIX_ETOOFEW, &err);
  TU_TRUE(strstr(err.message, "positive weight") != NULL, "%s", err.message);
  assert_null(m);
  /* Rows all equal: every merge costs the same; still a valid start. */
  double same[8] = {1, 2, 1, 2, 1, 2, 1, 2};
  o.n_components = 2;
  o.max_iter = 0;
  m = fit(same, 4, 2, NULL, &o);
  double wts[2];
  gmix_model_weights(m, wts);
  TU_NEAR(wts[0] + wts[1], 1.0, 4 * TU_EPS, "weights of equal rows");
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_sequence),
      cmocka_unit_test(test_direct_criterion),
      cmocka_unit_test(test_mclust_reference),
      cmocka_unit_test(test_blobs),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_subsample),
      cmocka_unit_test(test_standardize_exact),
      cmocka_unit_test(test_standardize_scales),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests_name("hc", tests, NULL, NULL);
}
