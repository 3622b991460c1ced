/*
 * test_alloc.c -- allocation failure. For N = 1, 2, ... the N-th allocation
 * and all later ones fail; until the call succeeds each attempt must return
 * GMIX_ENOMEM and leave *out alone. Leaks on any of these paths are caught
 * by LeakSanitizer in the sanitizer build.
 *
 * Fault injection counts allocations per thread, so the fits here run with
 * threads = 1: every allocation then happens on the calling thread.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Generous bound on the allocations of one call: reaching it means the
 * loop does not terminate. */
#define MAX_ALLOCS 100000

enum { N = 60, D = 3 };
static double data[N * D], weights[N];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 7);
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < D; j++)
      data[i * D + j] = tu_normal(&r) + (i % 3 == 0 ? 5.0 : 0.0) * (j + 1.0);
    weights[i] = tu_uniform_in(&r, 0.5, 2);
  }
  return 0;
}

typedef gmix_status (*alloc_call)(const void *ctx, gmix_model **out,
                                  gmix_error *err);

/* Run `call` with the N-th allocation failing for N = 1, 2, ... until it
 * succeeds; return the model and the number of failing attempts. */
static gmix_model *nomem_loop(const char *what, alloc_call call,
                              const void *ctx, size_t *failures) {
  for (size_t n = 1; n < MAX_ALLOCS; n++) {
    gmix_model *out = NULL;
    gmix_error err;
    memset(&err, 0, sizeof err);
    gmix__fault_inject(n);
    gmix_status st = call(ctx, &out, &err);
    size_t made = gmix__fault_inject(0);
    if (st == GMIX_OK) {
      TU_TRUE(out != NULL, "%s: success without a model", what);
      /* The successful attempt made fewer than n allocations: none of
       * them was refused. */
      TU_TRUE(made < n, "%s: succeeded at N = %zu after %zu allocations", what,
              n, made);
      *failures = n - 1;
      return out;
    }
    if (st != GMIX_ENOMEM) {
      print_error("%s: allocation %zu failing gave %d (%s): %s\n", what, n,
                  (int)st, gmix_strerror(st), err.message);
      fail();
    }
    TU_TRUE(out == NULL, "%s: *out written on ENOMEM at N = %zu", what, n);
    TU_TRUE(err.status == GMIX_ENOMEM && err.message[0] != '\0',
            "%s: error report at N = %zu: status %d message \"%s\"", what, n,
            (int)err.status, err.message);
  }
  fail_msg("%s: still failing after %d allocations", what, MAX_ALLOCS);
  return NULL;
}

typedef struct fit_ctx {
  const double *x, *w;
  size_t n;
  gmix_options o;
} fit_ctx;

static gmix_status call_fit(const void *ctx, gmix_model **out,
                            gmix_error *err) {
  const fit_ctx *c = ctx;
  return gmix_fit(c->x, c->n, D, c->w, &c->o, out, err);
}

static void fit_loop(const char *what, const fit_ctx *c) {
  size_t failures = 0;
  gmix_model *m = nomem_loop(what, call_fit, c, &failures);
  TU_TRUE(failures >= 1, "%s: gmix_fit made no allocation", what);
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  TU_TRUE(rep.has_fit == 1, "%s: report", what);
  gmix_model_free(m);
}

static void test_fit(void **state) {
  (void)state;
  for (int t = 0; t < TU_NTYPES; t++) {
    fit_ctx c = {data, NULL, N, {0}};
    char what[64];
    gmix_options_init(&c.o);
    c.o.n_components = 3;
    c.o.covariance_type = tu_types[t];
    c.o.threads = 1;
    c.o.max_iter = 5;
    c.o.n_init = 2;
    snprintf(what, sizeof what, "gmix_fit %s",
             gmix_covariance_type_name(tu_types[t]));
    fit_loop(what, &c);
    /* Weighted, another init. */
    c.w = weights;
    c.o.init = GMIX_INIT_RANDOM_FROM_DATA;
    snprintf(what, sizeof what, "gmix_fit %s weighted",
             gmix_covariance_type_name(tu_types[t]));
    fit_loop(what, &c);
    /* The hierarchical start on every row, and on a subsample extended by
     * an E-step; both on standardised data. */
    c.o.init = GMIX_INIT_HC;
    c.o.standardize = 1;
    snprintf(what, sizeof what, "gmix_fit %s hc standardised",
             gmix_covariance_type_name(tu_types[t]));
    fit_loop(what, &c);
    c.o.hc_max_rows = N / 3;
    snprintf(what, sizeof what, "gmix_fit %s hc on a subsample",
             gmix_covariance_type_name(tu_types[t]));
    fit_loop(what, &c);
  }
}

/* The re-seed path: an outlier that gets a component of its own, below
 * min_weight. */
static void test_fit_reseed(void **state) {
  (void)state;
  double x[N * D];
  memcpy(x, data, sizeof x);
  for (size_t j = 0; j < D; j++)
    x[(N - 1) * D + j] = 1e4;
  for (int t = 0; t < TU_NTYPES; t++) {
    fit_ctx c = {x, NULL, N, {0}};
    gmix_options_init(&c.o);
    c.o.n_components = 2;
    c.o.covariance_type = tu_types[t];
    c.o.threads = 1;
    c.o.max_iter = 5;
    c.o.min_weight = 0.05;
    c.o.init = GMIX_INIT_KMEANSPP;
    size_t failures = 0;
    gmix_model *m =
        nomem_loop("gmix_fit with re-seeds", call_fit, &c, &failures);
    gmix_fit_report rep;
    rep = *gmix_model_report(m);
    /* Informative only: the loop is meaningful either way. */
    if (rep.n_reseeds == 0)
      print_message("note: %s outlier fit had no re-seed\n",
                    gmix_covariance_type_name(tu_types[t]));
    gmix_model_free(m);
  }
}

/* Stepwise EM: gmix_em_start then gmix_em_model. */
static gmix_status call_em(const void *ctx, gmix_model **out, gmix_error *err) {
  const fit_ctx *c = ctx;
  gmix_em *em = NULL;
  gmix_status st = gmix_em_start(c->x, c->n, D, c->w, &c->o, 0, &em, err);
  for (int i = 0; st == GMIX_OK && i < 3; i++)
    st = gmix_em_step(em, c->x, c->n, D, c->w, NULL, NULL, err);
  if (st == GMIX_OK)
    st = gmix_em_model(em, out, err);
  gmix_em_free(em);
  return st;
}

static void test_em_steps(void **state) {
  (void)state;
  fit_ctx c = {data, weights, N, {0}};
  gmix_options_init(&c.o);
  c.o.n_components = 2;
  c.o.threads = 1;
  size_t failures = 0;
  gmix_model *m = nomem_loop("gmix_em_*", call_em, &c, &failures);
  TU_TRUE(failures >= 1, "no allocation");
  gmix_model_free(m);
}

typedef struct create_ctx {
  gmix_covariance_type type;
  size_t k, d;
  const double *w, *mu, *cov;
  int precisions;
} create_ctx;

static gmix_status call_create(const void *ctx, gmix_model **out,
                               gmix_error *err) {
  const create_ctx *c = ctx;
  if (c->precisions)
    return gmix_model_create_from_precisions(c->type, c->k, c->d, c->w, c->mu,
                                             c->cov, out, err);
  return gmix_model_create(c->type, c->k, c->d, c->w, c->mu, c->cov, out, err);
}

static gmix_status call_copy(const void *ctx, gmix_model **out,
                             gmix_error *err) {
  gmix_status st = gmix_model_copy(ctx, out, NULL);
  if (err && st != GMIX_OK) { /* gmix_model_copy has no error report */
    err->status = st;
    strcpy(err->message, "(copy)");
  }
  return st;
}

static void test_create_and_copy(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 99);
  for (int t = 0; t < TU_NTYPES; t++) {
    double w[3], mu[3 * D], cov[3 * D * D];
    tu_random_params(&r, tu_types[t], 3, D, 0.5, 2, w, mu, cov);
    for (int p = 0; p < 2; p++) {
      create_ctx c = {tu_types[t], 3, D, w, mu, cov, p};
      size_t failures = 0;
      gmix_model *m = nomem_loop(p ? "create_from_precisions" : "create",
                                 call_create, &c, &failures);
      TU_TRUE(failures >= 1, "create made no allocation");
      gmix_model_free(m);
    }

    /* Copy a fitted model with names, history and a report. */
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = 2;
    o.covariance_type = tu_types[t];
    o.threads = 1;
    gmix_model *fitted = NULL, *cp;
    gmix_error err;
    TU_OK(gmix_fit(data, N, D, NULL, &o, &fitted, &err), &err);
    const char *names[D] = {"alpha", "beta", "gamma"};
    TU_OK(gmix_model_set_feature_names(fitted, names, NULL), NULL);
    size_t failures = 0;
    cp = nomem_loop("copy", call_copy, fitted, &failures);
    TU_TRUE(failures >= 1, "copy made no allocation");
    assert_string_equal(gmix_model_feature_name(cp, 1), "beta");
    gmix_model_free(cp);

    /* set_feature_names: on ENOMEM the previous names stay. */
    const char *other[D] = {"x", "y", "z"};
    for (size_t n = 1; n < MAX_ALLOCS; n++) {
      gmix__fault_inject(n);
      gmix_status st = gmix_model_set_feature_names(fitted, other, NULL);
      gmix__fault_inject(0);
      if (st == GMIX_OK)
        break;
      TU_STATUS(st, GMIX_ENOMEM, NULL);
      const char *now = gmix_model_feature_name(fitted, 0);
      TU_TRUE(now && strcmp(now, "alpha") == 0,
              "names changed on ENOMEM at N = %zu: %s", n, now ? now : "NULL");
    }
    assert_string_equal(gmix_model_feature_name(fitted, 2), "z");
    gmix_model_free(fitted);
  }
}

/* Calls that use a model may allocate work space: they fail cleanly. */
static void test_model_use(void **state) {
  (void)state;
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 3;
  o.threads = 1;
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_fit(data, N, D, NULL, &o, &m, &err), &err);
  double out[N * 3], s;
  size_t lab[N];
  for (int which = 0; which < 7; which++) {
    for (size_t n = 1; n < MAX_ALLOCS; n++) {
      gmix_status st = GMIX_OK;
      gmix__fault_inject(n);
      switch (which) {
      case 0:
        st = gmix_score_samples(m, data, N, D, 0, out, &err);
        break;
      case 1:
        st = gmix_predict_proba(m, data, N, D, 0, out, &err);
        break;
      case 2:
        st = gmix_predict(m, data, N, D, 0, lab, &err);
        break;
      case 3:
        st = gmix_score(m, data, N, D, weights, 0, &s, &err);
        break;
      case 4:
        st = gmix_bic(m, data, N, D, NULL, 0, &s, &err);
        break;
      case 5:
        st = gmix_sample(m, N, 3, out, lab, &err);
        break;
      case 6:
        st = gmix_icl(m, data, N, D, weights, 0, &s, &err);
        break;
      }
      gmix__fault_inject(0);
      if (st == GMIX_OK)
        break;
      TU_STATUS(st, GMIX_ENOMEM, &err);
    }
  }
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fit),       cmocka_unit_test(test_fit_reseed),
      cmocka_unit_test(test_em_steps),  cmocka_unit_test(test_create_and_copy),
      cmocka_unit_test(test_model_use),
  };
  return cmocka_run_group_tests_name("alloc", tests, setup, NULL);
}
