/*
 * test_cancel.c -- gmix_options.cancel: a flag the caller sets (from a
 * signal handler or another thread) stops gmix_fit and gmix_select with
 * GMIX_ECANCELLED, in the initialisation, inside a pass (between blocks)
 * or between iterations and cells, with the output untouched; a flag that
 * stays clear changes nothing.
 */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

enum { N = 600, D = 3, K = 3 };

static double data[N * D];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 5);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < D; j++)
      data[i * D + j] = tu_normal(&r) + 6.0 * (double)(i % K);
  return 0;
}

/* A model pointer that a failing call must leave as it was. */
#define UNTOUCHED ((gmix_model *)&data[0])

static void options(gmix_options *o, gmix_covariance_type type) {
  gmix_options_init(o);
  o->n_components = K;
  o->covariance_type = type;
  o->threads = 2;
}

static void has(const char *message, const char *part) {
  TU_TRUE(strstr(message, part) != NULL, "'%s' not in '%s'", part, message);
}

/* A clear flag is read and changes nothing: the same model bit for bit,
 * for every covariance type. */
static void test_clear_flag_changes_nothing(void **state) {
  (void)state;
  volatile sig_atomic_t flag = 0;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o;
    options(&o, tu_type_list()[t]);
    o.n_init = 2;
    gmix_model *a = NULL, *b = NULL;
    gmix_error err;
    TU_OK(gmix_fit(data, N, D, NULL, &o, &a, &err), &err);
    o.cancel = &flag;
    TU_OK(gmix_fit(data, N, D, NULL, &o, &b, &err), &err);
    double ma[K * D], mb[K * D];
    gmix_model_means(a, ma);
    gmix_model_means(b, mb);
    assert_memory_equal(ma, mb, sizeof ma);
    assert_true(gmix_model_report(a)->lower_bound ==
                gmix_model_report(b)->lower_bound);
    assert_int_equal(gmix_model_report(a)->n_iter,
                     gmix_model_report(b)->n_iter);
    gmix_model_free(a);
    gmix_model_free(b);
  }
}

/* A flag already set stops every initialisation method before EM. */
static void test_set_flag_stops_initialisation(void **state) {
  (void)state;
  volatile sig_atomic_t flag = 1;
  const gmix_init_method methods[] = {GMIX_INIT_KMEANS, GMIX_INIT_KMEANSPP,
                                      GMIX_INIT_RANDOM,
                                      GMIX_INIT_RANDOM_FROM_DATA, GMIX_INIT_HC};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    for (int standardize = 0; standardize <= 1; standardize++) {
      gmix_options o;
      options(&o, GMIX_COV_FULL);
      o.init = methods[i];
      o.standardize = standardize;
      o.cancel = &flag;
      gmix_model *m = UNTOUCHED;
      gmix_error err;
      TU_STATUS(gmix_fit(data, N, D, NULL, &o, &m, &err), GMIX_ECANCELLED,
                &err);
      assert_ptr_equal(m, UNTOUCHED);
      has(err.message, "cancelled in the initialisation of restart 0");
    }
}

/* From a warm start nothing reads the flag before the first E-step's
 * pass, so this is the poll between blocks of an iteration. With
 * max_iter 0 it is the pass that evaluates the start. */
static void test_set_flag_stops_a_pass(void **state) {
  (void)state;
  gmix_options o;
  options(&o, GMIX_COV_DIAG);
  gmix_model *start = NULL, *m = UNTOUCHED;
  gmix_error err;
  TU_OK(gmix_fit(data, N, D, NULL, &o, &start, &err), &err);
  volatile sig_atomic_t flag = 1;
  o.warm_start = start;
  o.cancel = &flag;
  o.block_rows = 16; /* many blocks, to be sure it is not the last one */
  TU_STATUS(gmix_fit(data, N, D, NULL, &o, &m, &err), GMIX_ECANCELLED, &err);
  assert_ptr_equal(m, UNTOUCHED);
  has(err.message, "cancelled during iteration 1 of restart 0");
  o.max_iter = 0;
  TU_STATUS(gmix_fit(data, N, D, NULL, &o, &m, &err), GMIX_ECANCELLED, &err);
  has(err.message, "cancelled evaluating the start of restart 0");
  assert_ptr_equal(m, UNTOUCHED);
  /* The stepwise API keeps no pointer: a gmix_em started with the flag
   * clear steps on whatever the flag becomes. */
  flag = 0;
  gmix_em *em = NULL;
  o.max_iter = 100;
  TU_OK(gmix_em_start(data, N, D, NULL, &o, 0, &em, &err), &err);
  flag = 1;
  TU_OK(gmix_em_step(em, data, N, D, NULL, NULL, NULL, &err), &err);
  gmix_em_free(em);
  gmix_model_free(start);
}

/* The per-iteration callback that sets the flag: the next thing to read
 * it is the check between iterations. */
static int set_flag(const gmix_iteration *it, void *user) {
  if (it->iteration == 2)
    *(volatile sig_atomic_t *)user = 1;
  return 0;
}

static void test_set_flag_between_iterations(void **state) {
  (void)state;
  volatile sig_atomic_t flag = 0;
  gmix_options o;
  options(&o, GMIX_COV_SPHERICAL);
  o.tol = 0.0;
  o.max_iter = 1000;
  o.cancel = &flag;
  o.callback = set_flag;
  o.callback_data = (void *)&flag;
  gmix_model *m = UNTOUCHED;
  gmix_error err;
  TU_STATUS(gmix_fit(data, N, D, NULL, &o, &m, &err), GMIX_ECANCELLED, &err);
  assert_ptr_equal(m, UNTOUCHED);
  has(err.message, "cancelled after iteration 2 of restart 0");
}

/* ---- set from another thread while a long fit runs */

enum { BIG_N = 60000, BIG_D = 4, BIG_K = 4 };

typedef struct shared {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int in_em; /* the fit has finished an iteration */
  volatile sig_atomic_t flag;
} shared;

static int signal_in_em(const gmix_iteration *it, void *user) {
  shared *s = user;
  (void)it;
  pthread_mutex_lock(&s->lock);
  s->in_em = 1;
  pthread_cond_signal(&s->cond);
  pthread_mutex_unlock(&s->lock);
  return 0;
}

static void *canceller(void *user) {
  shared *s = user;
  pthread_mutex_lock(&s->lock);
  while (!s->in_em)
    pthread_cond_wait(&s->cond, &s->lock);
  pthread_mutex_unlock(&s->lock);
  __atomic_store_n(&s->flag, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void test_flag_set_from_another_thread(void **state) {
  (void)state;
  double *x = malloc((size_t)BIG_N * BIG_D * sizeof *x);
  assert_non_null(x);
  tu_rng r;
  tu_rng_seed(&r, 9);
  for (size_t i = 0; i < (size_t)BIG_N * BIG_D; i++)
    x[i] = tu_normal(&r) + 3.0 * (double)(i / BIG_D % BIG_K);
  for (size_t threads = 1; threads <= 2; threads++) {
    shared s = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = BIG_K;
    o.threads = threads;
    /* Without the flag this would run for hours. */
    o.tol = 0.0;
    o.max_iter = (size_t)1 << 40;
    o.cancel = &s.flag;
    o.callback = signal_in_em;
    o.callback_data = &s;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, canceller, &s), 0);
    gmix_model *m = UNTOUCHED;
    gmix_error err;
    TU_STATUS(gmix_fit(x, BIG_N, BIG_D, NULL, &o, &m, &err), GMIX_ECANCELLED,
              &err);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_ptr_equal(m, UNTOUCHED);
    has(err.message, "of restart 0");
  }
  free(x);
}

/* ---- the sweep */

static int set_flag_after_a_cell(const gmix_select_cell *c, size_t done,
                                 size_t total, void *user) {
  (void)c;
  (void)total;
  if (done == 1)
    *(volatile sig_atomic_t *)user = 1;
  return 0;
}

static void test_select_cancelled(void **state) {
  (void)state;
  volatile sig_atomic_t flag = 1;
  gmix_select_options so;
  gmix_select_options_init(&so);
  so.k_max = 3;
  so.fit.threads = 1;
  so.fit.cancel = &flag;
  gmix_select_result *r = (gmix_select_result *)&data[0];
  gmix_error err;
  TU_STATUS(gmix_select(data, N, D, NULL, &so, &r, &err), GMIX_ECANCELLED,
            &err);
  assert_ptr_equal(r, (gmix_select_result *)&data[0]);
  has(err.message, "cancelled before cell 1 of 12");
  /* Set after the first cell: the second stops before it starts. */
  flag = 0;
  so.callback = set_flag_after_a_cell;
  so.callback_data = (void *)&flag;
  TU_STATUS(gmix_select(data, N, D, NULL, &so, &r, &err), GMIX_ECANCELLED,
            &err);
  assert_ptr_equal(r, (gmix_select_result *)&data[0]);
  has(err.message, "cancelled before cell 2 of 12");
  /* Clear: the sweep runs. */
  flag = 0;
  so.callback = NULL;
  TU_OK(gmix_select(data, N, D, NULL, &so, &r, &err), &err);
  assert_int_equal(gmix_select_result_n_cells(r), 12);
  gmix_select_result_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clear_flag_changes_nothing),
      cmocka_unit_test(test_set_flag_stops_initialisation),
      cmocka_unit_test(test_set_flag_stops_a_pass),
      cmocka_unit_test(test_set_flag_between_iterations),
      cmocka_unit_test(test_flag_set_from_another_thread),
      cmocka_unit_test(test_select_cancelled),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
