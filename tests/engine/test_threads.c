/*
 * test_threads.c -- results are bit-identical for any number of threads:
 * the statistics of fixed chunks are merged in chunk order.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { D = 5, K = 4 };
/* The sanitizer build runs the same code paths on fewer rows. */
static const size_t N = TU_SANITIZED ? 6000 : 50000;

static double *data, *wts;

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 4242);
  data = malloc(N * D * sizeof *data);
  wts = malloc(N * sizeof *wts);
  if (!data || !wts)
    return -1;
  for (size_t i = 0; i < N; i++) {
    size_t c = tu_rng_next(&r) % K;
    for (size_t j = 0; j < D; j++)
      data[i * D + j] =
          tu_normal(&r) * (1.0 + 0.3 * (double)j) + 3.0 * (double)c * (j == c);
    wts[i] = tu_uniform_in(&r, 0.5, 1.5);
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(data);
  free(wts);
  return 0;
}

typedef struct result {
  double w[K], mu[K * D], cov[K * D * D], hist[200], ll;
  size_t nh;
  size_t labels[64];
} result;

static void run(gmix_covariance_type type, size_t threads, size_t chunk_rows,
                const double *w, result *res) {
  gmix_options o;
  gmix_options_init(&o);
  o.covariance_type = type;
  o.n_components = K;
  o.threads = threads;
  o.chunk_rows = chunk_rows;
  o.max_iter = 10;
  o.tol = 0;
  o.n_init = 1;
  o.seed = 8;
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(data, N, D, w, &o, &m, &err), &err);
  memset(res, 0, sizeof *res);
  gmix_model_weights(m, res->w);
  gmix_model_means(m, res->mu);
  gmix_model_covariances(m, res->cov);
  res->nh = gmix_model_history(m, res->hist, 200);
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  res->ll = rep.log_likelihood;
  TU_OK(gmix_predict(m, data, 64, D, 0, res->labels, &err), &err);
  gmix_model_free(m);
}

static void compare(const result *a, const result *b, const char *what) {
  TU_TRUE(memcmp(a->w, b->w, sizeof a->w) == 0, "%s: weights differ", what);
  TU_TRUE(memcmp(a->mu, b->mu, sizeof a->mu) == 0, "%s: means differ", what);
  TU_TRUE(memcmp(a->cov, b->cov, sizeof a->cov) == 0, "%s: covariances differ",
          what);
  TU_TRUE(a->nh == b->nh, "%s: %zu vs %zu iterations", what, a->nh, b->nh);
  TU_TRUE(memcmp(a->hist, b->hist, sizeof a->hist) == 0, "%s: histories differ",
          what);
  TU_TRUE(memcmp(&a->ll, &b->ll, sizeof a->ll) == 0,
          "%s: log-likelihoods differ: %.17g vs %.17g", what, a->ll, b->ll);
  TU_TRUE(memcmp(a->labels, b->labels, sizeof a->labels) == 0,
          "%s: labels differ", what);
}

static void check_type(gmix_covariance_type type, size_t chunk_rows,
                       int weighted) {
  static result one, other;
  char what[96];
  const double *w = weighted ? wts : NULL;
  run(type, 1, chunk_rows, w, &one);
  const size_t threads[] = {2, 3};
  for (size_t t = 0; t < 2; t++) {
    run(type, threads[t], chunk_rows, w, &other);
    snprintf(what, sizeof what, "%s, chunk_rows %zu, %s, 1 vs %zu threads",
             gmix_covariance_type_name(type), chunk_rows,
             weighted ? "weighted" : "unweighted", threads[t]);
    compare(&one, &other, what);
  }
}

static void test_full(void **state) {
  (void)state;
  check_type(GMIX_COV_FULL, 0, 0);
}
static void test_tied(void **state) {
  (void)state;
  check_type(GMIX_COV_TIED, 0, 0);
}
static void test_diag(void **state) {
  (void)state;
  check_type(GMIX_COV_DIAG, 0, 0);
}
static void test_spherical(void **state) {
  (void)state;
  check_type(GMIX_COV_SPHERICAL, 0, 0);
}
/* Weighted, with small chunks that do not divide N or the block size: many
 * chunks even in the sanitizer build. */
static void test_small_chunks_weighted(void **state) {
  (void)state;
  check_type(GMIX_COV_FULL, 777, 1);
  check_type(GMIX_COV_SPHERICAL, 777, 1);
}

static void test_score_repeatable(void **state) {
  (void)state;
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = K;
  o.max_iter = 10;
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(data, N, D, NULL, &o, &m, &err), &err);
  double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
  double sa, sb;
  TU_OK(gmix_score_samples(m, data, N, D, 0, a, &err), &err);
  TU_OK(gmix_score_samples(m, data, N, D, 0, b, &err), &err);
  TU_TRUE(memcmp(a, b, N * sizeof *a) == 0, "score_samples not repeatable");
  TU_OK(gmix_score(m, data, N, D, wts, 0, &sa, &err), &err);
  TU_OK(gmix_score(m, data, N, D, wts, 0, &sb, &err), &err);
  TU_TRUE(memcmp(&sa, &sb, sizeof sa) == 0,
          "score not repeatable: %.17g vs "
          "%.17g",
          sa, sb);
  free(a);
  free(b);
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full),
      cmocka_unit_test(test_tied),
      cmocka_unit_test(test_diag),
      cmocka_unit_test(test_spherical),
      cmocka_unit_test(test_small_chunks_weighted),
      cmocka_unit_test(test_score_repeatable),
  };
  return cmocka_run_group_tests_name("threads", tests, setup, teardown);
}
