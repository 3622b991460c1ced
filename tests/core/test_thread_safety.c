/*
 * test_thread_safety.c -- the promise at the top of gmix.h: distinct
 * objects may be used from distinct threads at once, and one object may be
 * read (scored, sampled, copied) from several threads at once. Several
 * threads each fit, score and sample a model of their own while also
 * scoring, predicting, sampling, copying and writing one shared model, and
 * every result must equal, bit for bit, the same call made from a single
 * thread beforehand. The ThreadSanitizer build (make tsan) runs this test
 * and must report nothing.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { THREADS = 4, ROUNDS = 3, N = 300, D = 3, K = 2, DRAWS = 50 };

/* What one thread computes, from its own data and the shared model. */
typedef struct results {
  double w[K], mu[K * D], cov[K * D * D];       /* own fit                  */
  double own_lp[N], own_draws[DRAWS * D];       /* own model used           */
  double lp[N], proba[N * K], draws[DRAWS * D]; /* shared model used */
  size_t labels[N];
  char *json; /* the shared model's copy, as JSON */
  gmix_status status;
} results;

typedef struct job {
  int index;
  gmix_covariance_type type; /* chosen by the main thread: tu_types is
                                filled lazily and is not thread-safe */
  const double *x;           /* this job's data, N x D */
  const gmix_model *shared;
  const double *shared_x; /* data scored with the shared model */
  results out;
} job;

static double data[THREADS][N * D], shared_data[N * D];
static gmix_model *shared;

static void fill(double *x, uint64_t seed) {
  tu_rng r;
  tu_rng_seed(&r, seed);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < D; j++)
      x[i * D + j] = tu_normal(&r) + (i % 2 ? 5.0 : 0.0) * (double)(j + 1);
}

static int setup(void **state) {
  (void)state;
  for (int t = 0; t < THREADS; t++)
    fill(data[t], 100 + (uint64_t)t);
  fill(shared_data, 7);
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = K;
  o.threads = 1;
  return gmix_fit(shared_data, N, D, NULL, &o, &shared, NULL) == GMIX_OK ? 0
                                                                         : -1;
}

static int teardown(void **state) {
  (void)state;
  gmix_model_free(shared);
  return 0;
}

/* Every call of one job; the first failing status is kept. */
static void *run_job(void *arg) {
  job *j = arg;
  results *r = &j->out;
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = K;
  o.covariance_type = j->type;
  o.threads = 1;
  o.seed = (uint64_t)j->index;
  gmix_model *own = NULL, *copy = NULL;
  gmix_status s = gmix_fit(j->x, N, D, NULL, &o, &own, NULL);
  if (s == GMIX_OK) {
    gmix_model_weights(own, r->w);
    gmix_model_means(own, r->mu);
    gmix_model_covariances(own, r->cov);
    s = gmix_score_samples(own, j->x, N, D, 1, r->own_lp, NULL);
  }
  if (s == GMIX_OK)
    s = gmix_sample(own, DRAWS, 11, r->own_draws, NULL, NULL);
  if (s == GMIX_OK)
    s = gmix_score_samples(j->shared, j->shared_x, N, D, 1, r->lp, NULL);
  if (s == GMIX_OK)
    s = gmix_predict_proba(j->shared, j->shared_x, N, D, 1, r->proba, NULL);
  if (s == GMIX_OK)
    s = gmix_predict(j->shared, j->shared_x, N, D, 1, r->labels, NULL);
  if (s == GMIX_OK)
    s = gmix_sample(j->shared, DRAWS, 5, r->draws, NULL, NULL);
  if (s == GMIX_OK)
    s = gmix_model_copy(j->shared, &copy, NULL);
  if (s == GMIX_OK)
    s = gmix_model_to_json(copy, &r->json, NULL);
  gmix_model_free(copy);
  gmix_model_free(own);
  r->status = s;
  return NULL;
}

static void compare(const results *a, const results *b, int index,
                    gmix_covariance_type type) {
  TU_TRUE(a->status == GMIX_OK && b->status == GMIX_OK,
          "job %d: statuses %s and %s", index, gmix_strerror(a->status),
          gmix_strerror(b->status));
  size_t nc = gmix_covariance_size(type, K, D);
  TU_TRUE(memcmp(a->w, b->w, sizeof a->w) == 0, "job %d: weights", index);
  TU_TRUE(memcmp(a->mu, b->mu, sizeof a->mu) == 0, "job %d: means", index);
  TU_TRUE(memcmp(a->cov, b->cov, nc * sizeof *a->cov) == 0,
          "job %d: covariances", index);
  TU_TRUE(memcmp(a->own_lp, b->own_lp, sizeof a->own_lp) == 0,
          "job %d: own scores", index);
  TU_TRUE(memcmp(a->own_draws, b->own_draws, sizeof a->own_draws) == 0,
          "job %d: own draws", index);
  TU_TRUE(memcmp(a->lp, b->lp, sizeof a->lp) == 0, "job %d: shared scores",
          index);
  TU_TRUE(memcmp(a->proba, b->proba, sizeof a->proba) == 0,
          "job %d: shared responsibilities", index);
  TU_TRUE(memcmp(a->labels, b->labels, sizeof a->labels) == 0,
          "job %d: shared labels", index);
  TU_TRUE(memcmp(a->draws, b->draws, sizeof a->draws) == 0,
          "job %d: shared draws", index);
  TU_TRUE(strcmp(a->json, b->json) == 0, "job %d: shared copy's JSON", index);
}

static void init_job(job *j, int t) {
  memset(j, 0, sizeof *j);
  j->index = t;
  j->type = tu_types[t % TU_NTYPES];
  j->x = data[t];
  j->shared = shared;
  j->shared_x = shared_data;
}

static void test_threads_at_once(void **state) {
  (void)state;
  static job alone[THREADS], together[THREADS];
  for (int t = 0; t < THREADS; t++) {
    init_job(&alone[t], t);
    run_job(&alone[t]);
  }
  for (int round = 0; round < ROUNDS; round++) {
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++) {
      init_job(&together[t], t);
      assert_int_equal(pthread_create(&tid[t], NULL, run_job, &together[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
      assert_int_equal(pthread_join(tid[t], NULL), 0);
    for (int t = 0; t < THREADS; t++) {
      compare(&alone[t].out, &together[t].out, t, alone[t].type);
      gmix_free(together[t].out.json);
    }
  }
  for (int t = 0; t < THREADS; t++)
    gmix_free(alone[t].out.json);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_at_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
