/*
 * test_errors.c -- every status code of the core library provoked through
 * the public API, with the message checked where the header promises what
 * it names. (EIO, EPARSE and EFORMAT belong to the file readers and are
 * tested with them.)
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* gmix__fault_inject */

/* A sentinel the calls must leave in *out on failure. */
static char sentinel_storage;
static gmix_model *const SENTINEL = (gmix_model *)&sentinel_storage;

enum { N = 40, D = 3 };
static double data[N * D];

static int setup(void **state) {
  (void)state;
  tu_rng r;
  tu_rng_seed(&r, 42);
  for (size_t i = 0; i < N * D; i++)
    data[i] = tu_normal(&r) + (i / D % 2 ? 4 : 0);
  return 0;
}

static gmix_options opts(size_t k) {
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = k;
  o.threads = 1;
  return o;
}

/* Fit that must fail with `expect`; *out stays the sentinel and the error
 * report carries the same status and a message. */
#define FIT_FAILS(x, n, d, w, o, expect)                                       \
  do {                                                                         \
    gmix_model *out_ = SENTINEL;                                               \
    gmix_error err_;                                                           \
    memset(&err_, 0, sizeof err_);                                             \
    TU_STATUS(gmix_fit((x), (n), (d), (w), (o), &out_, &err_), (expect),       \
              &err_);                                                          \
    TU_TRUE(out_ == SENTINEL, "*out was written on failure");                  \
    TU_TRUE(err_.status == (expect), "err.status %d", (int)err_.status);       \
    TU_TRUE(err_.message[0] != '\0', "empty message");                         \
    /* err may be NULL */                                                      \
    TU_STATUS(gmix_fit((x), (n), (d), (w), (o), &out_, NULL), (expect), NULL); \
    TU_TRUE(out_ == SENTINEL, "*out was written on failure");                  \
  } while (0)

static gmix_model *small_model(gmix_covariance_type type) {
  double w[2] = {0.4, 0.6}, mu[2 * D] = {0, 0, 0, 4, 4, 4};
  double cov[2 * D * D] = {0};
  size_t nc = gmix_covariance_size(type, 2, D);
  for (size_t i = 0; i < nc; i++)
    cov[i] = (type == GMIX_COV_FULL || type == GMIX_COV_TIED)
                 ? (i % (D * D) % (D + 1) == 0 ? 1.5 : 0.25)
                 : 1.5;
  gmix_model *m = NULL;
  gmix_error err;
  TU_OK(gmix_model_create(type, 2, D, w, mu, cov, &m, &err), &err);
  return m;
}

/* Does `msg` contain `word` immediately followed by the number a or b (the
 * 0-based or 1-based index) as a whole number? */
static int names_index(const char *msg, const char *word, size_t a, size_t b) {
  size_t len = strlen(word);
  for (const char *p = strstr(msg, word); p; p = strstr(p + 1, word)) {
    const char *q = p + len;
    while (*q == ' ' || *q == '=' || *q == '#')
      q++;
    char *end;
    unsigned long v = strtoul(q, &end, 10);
    if (end != q && (v == a || v == b))
      return 1;
  }
  return 0;
}

static void test_einval_fit(void **state) {
  (void)state;
  gmix_options o = opts(2);
  gmix_model *out = SENTINEL;
  FIT_FAILS(NULL, N, D, NULL, &o, GMIX_EINVAL);
  FIT_FAILS(data, N, 0, NULL, &o, GMIX_EINVAL);
  FIT_FAILS(data, N, D, NULL, NULL, GMIX_EINVAL);
  TU_STATUS(gmix_fit(data, N, D, NULL, &o, NULL, NULL), GMIX_EINVAL, NULL);

  /* Each bad option alone, checked both by gmix_fit and by
   * gmix_options_validate, whose message must name the field. */
#define BAD_OPTION(field_name, assignment)                                     \
  do {                                                                         \
    gmix_options b_ = opts(2);                                                 \
    gmix_error e_;                                                             \
    assignment;                                                                \
    FIT_FAILS(data, N, D, NULL, &b_, GMIX_EINVAL);                             \
    TU_STATUS(gmix_options_validate(&b_, &e_), GMIX_EINVAL, &e_);              \
    TU_TRUE(strstr(e_.message, field_name) != NULL,                            \
            "message \"%s\" does not name %s", e_.message, field_name);        \
  } while (0)
  BAD_OPTION("n_components", b_.n_components = 0);
  BAD_OPTION("tol", b_.tol = -1e-9);
  BAD_OPTION("tol", b_.tol = NAN);
  BAD_OPTION("reg_covar", b_.reg_covar = -1e-12);
  BAD_OPTION("reg_covar", b_.reg_covar = NAN);
  BAD_OPTION("reg_covar", b_.reg_covar = INFINITY);
  BAD_OPTION("n_init", b_.n_init = 0);
  BAD_OPTION("covariance_type", b_.covariance_type = (gmix_covariance_type)14);
  BAD_OPTION("covariance_type", b_.covariance_type = (gmix_covariance_type)-1);
  BAD_OPTION("init", b_.init = (gmix_init_method)5);
  BAD_OPTION("min_weight", b_.min_weight = -0.1);
  BAD_OPTION("min_weight", b_.min_weight = NAN);
  BAD_OPTION("kmeans_tol", b_.kmeans_tol = -1);
  BAD_OPTION("standardize", b_.standardize = 2);
  BAD_OPTION("standardize", b_.standardize = -1);
  BAD_OPTION("hc_max_rows", (b_.init = GMIX_INIT_HC, b_.hc_max_rows = 1));
  BAD_OPTION("mstep_tol", b_.mstep_tol = -1e-9);
  BAD_OPTION("mstep_tol", b_.mstep_tol = NAN);
  BAD_OPTION("mstep_max_iter", b_.mstep_max_iter = 0);
#undef BAD_OPTION
  TU_STATUS(gmix_options_validate(NULL, NULL), GMIX_EINVAL, NULL);
  (void)out;
}

static void test_einval_model(void **state) {
  (void)state;
  double w[2] = {0.5, 0.5}, mu[4] = {0, 0, 1, 1}, cov[2] = {1, 1};
  gmix_model *m = SENTINEL;
  gmix_error err;
  TU_STATUS(
      gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, NULL, mu, cov, &m, &err),
      GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, NULL, cov, &m, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, mu, NULL, &m, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 0, 2, w, mu, cov, &m, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 0, w, mu, cov, &m, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(
      gmix_model_create((gmix_covariance_type)14, 2, 2, w, mu, cov, &m, &err),
      GMIX_EINVAL, &err);
  /* Weights: negative, or not summing to one within 1e-6. */
  double wneg[2] = {1.5, -0.5}, wsum[2] = {0.5, 0.51};
  TU_STATUS(
      gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, wneg, mu, cov, &m, &err),
      GMIX_EINVAL, &err);
  TU_STATUS(
      gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, wsum, mu, cov, &m, &err),
      GMIX_EINVAL, &err);
  TU_TRUE(m == SENTINEL, "*out written on failure");

  gmix_model *ok = small_model(GMIX_COV_FULL);
  double out[N * 2];
  size_t lab[N];
  TU_STATUS(gmix_score_samples(NULL, data, N, D, 0, out, &err), GMIX_EINVAL,
            &err);
  TU_STATUS(gmix_score_samples(ok, NULL, N, D, 0, out, &err), GMIX_EINVAL,
            &err);
  TU_STATUS(gmix_score_samples(ok, data, N, D, 0, NULL, &err), GMIX_EINVAL,
            &err);
  TU_STATUS(gmix_predict(ok, data, N, D, 0, NULL, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_predict_proba(ok, data, N, D, 0, NULL, &err), GMIX_EINVAL,
            &err);
  TU_STATUS(gmix_predict(NULL, data, N, D, 0, lab, &err), GMIX_EINVAL, &err);
  /* gmix_score needs n >= 1. */
  TU_STATUS(gmix_score(ok, data, 0, D, NULL, 0, out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_score(ok, data, N, D, NULL, 0, NULL, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_sample(ok, 5, 1, NULL, lab, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_sample(NULL, 5, 1, out, lab, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_bic(ok, data, N, D, NULL, 0, NULL, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_aic(NULL, data, N, D, NULL, 0, out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_icl(NULL, data, N, D, NULL, 0, out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_icl(ok, data, N, D, NULL, 0, NULL, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_icl(ok, data, 0, D, NULL, 0, out, &err), GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_copy(NULL, &m, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_model_copy(ok, NULL, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_model_set_feature_names(NULL, NULL, NULL), GMIX_EINVAL, NULL);
  const char *bad_names[D] = {"a", NULL, "c"};
  TU_STATUS(gmix_model_set_feature_names(ok, bad_names, NULL), GMIX_EINVAL,
            NULL);
  gmix_model_free(ok);
}

static void test_enonfinite(void **state) {
  (void)state;
  double *x = malloc(sizeof data);
  gmix_options o = opts(2);
  const double bad[3] = {NAN, INFINITY, -INFINITY};
  for (int b = 0; b < 3; b++) {
    memcpy(x, data, sizeof data);
    x[7 * D + 2] = bad[b];
    gmix_model *out = SENTINEL;
    gmix_error err;
    TU_STATUS(gmix_fit(x, N, D, NULL, &o, &out, &err), GMIX_ENONFINITE, &err);
    TU_TRUE(out == SENTINEL, "*out written on failure");
    /* Row 7, column 2 counted from 0 (or 8 and 3 from 1). */
    TU_TRUE(names_index(err.message, "row", 7, 8),
            "message \"%s\" does not name row 7", err.message);
    TU_TRUE(names_index(err.message, "column", 2, 3),
            "message \"%s\" does not name column 2", err.message);

    gmix_model *m = small_model(GMIX_COV_DIAG);
    double lp[N], pr[2 * N];
    size_t lab[N];
    TU_STATUS(gmix_score_samples(m, x, N, D, 0, lp, &err), GMIX_ENONFINITE,
              &err);
    TU_TRUE(names_index(err.message, "row", 7, 8) &&
                names_index(err.message, "column", 2, 3),
            "score_samples message \"%s\"", err.message);
    TU_STATUS(gmix_predict(m, x, N, D, 0, lab, &err), GMIX_ENONFINITE, &err);
    TU_STATUS(gmix_predict_proba(m, x, N, D, 0, pr, &err), GMIX_ENONFINITE,
              &err);
    TU_STATUS(gmix_score(m, x, N, D, NULL, 0, lp, &err), GMIX_ENONFINITE, &err);
    TU_STATUS(gmix_bic(m, x, N, D, NULL, 0, lp, &err), GMIX_ENONFINITE, &err);
    TU_STATUS(gmix_icl(m, x, N, D, NULL, 0, lp, &err), GMIX_ENONFINITE, &err);
    gmix_model_free(m);
  }
  /* Non-finite parameters given to gmix_model_create. */
  double w[2] = {0.5, 0.5}, mu[4] = {0, 0, 1, NAN}, cov[2] = {1, 1};
  gmix_model *m = SENTINEL;
  gmix_error err;
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, mu, cov, &m, &err),
            GMIX_ENONFINITE, &err);
  mu[3] = 1;
  cov[1] = INFINITY;
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, mu, cov, &m, &err),
            GMIX_ENONFINITE, &err);
  TU_TRUE(m == SENTINEL, "*out written on failure");
  free(x);
}

static void test_eweights(void **state) {
  (void)state;
  double w[N];
  gmix_options o = opts(2);
  const double bad[4] = {-1e-300, NAN, INFINITY, -1};
  for (int b = 0; b < 4; b++) {
    for (size_t i = 0; i < N; i++)
      w[i] = 1;
    w[11] = bad[b];
    FIT_FAILS(data, N, D, w, &o, GMIX_EWEIGHTS);
  }
  for (size_t i = 0; i < N; i++)
    w[i] = 0;
  FIT_FAILS(data, N, D, w, &o, GMIX_EWEIGHTS);

  gmix_model *m = small_model(GMIX_COV_TIED);
  double s;
  gmix_error err;
  TU_STATUS(gmix_score(m, data, N, D, w, 0, &s, &err), GMIX_EWEIGHTS, &err);
  w[3] = -2;
  w[4] = 3;
  TU_STATUS(gmix_bic(m, data, N, D, w, 0, &s, &err), GMIX_EWEIGHTS, &err);
  TU_STATUS(gmix_aic(m, data, N, D, w, 0, &s, &err), GMIX_EWEIGHTS, &err);
  TU_STATUS(gmix_icl(m, data, N, D, w, 0, &s, &err), GMIX_EWEIGHTS, &err);
  gmix_model_free(m);
}

static void test_etoofew(void **state) {
  (void)state;
  gmix_options o = opts(3);
  FIT_FAILS(data, 2, D, NULL, &o, GMIX_ETOOFEW);
  FIT_FAILS(data, 0, D, NULL, &o, GMIX_ETOOFEW);
  o.n_components = 1;
  FIT_FAILS(data, 0, D, NULL, &o, GMIX_ETOOFEW);
}

static void test_edim(void **state) {
  (void)state;
  gmix_model *m = small_model(GMIX_COV_FULL);
  double out[N * 2];
  size_t lab[N];
  gmix_error err;
  TU_STATUS(gmix_score_samples(m, data, N / 2, D - 1, 0, out, &err), GMIX_EDIM,
            &err);
  TU_STATUS(gmix_score_samples(m, data, N / 2, D + 1, 0, out, &err), GMIX_EDIM,
            &err);
  TU_STATUS(gmix_predict(m, data, N / 2, D - 1, 0, lab, &err), GMIX_EDIM, &err);
  TU_STATUS(gmix_predict_proba(m, data, N / 2, D - 1, 0, out, &err), GMIX_EDIM,
            &err);
  TU_STATUS(gmix_score(m, data, N / 2, D - 1, NULL, 0, out, &err), GMIX_EDIM,
            &err);
  TU_STATUS(gmix_bic(m, data, N / 2, 2, NULL, 0, out, &err), GMIX_EDIM, &err);
  TU_STATUS(gmix_aic(m, data, N / 2, 2, NULL, 0, out, &err), GMIX_EDIM, &err);
  TU_STATUS(gmix_icl(m, data, N / 2, 2, NULL, 0, out, &err), GMIX_EDIM, &err);

  /* Warm start of the wrong K, d or covariance type. */
  gmix_options o = opts(2);
  o.warm_start = m;
  FIT_FAILS(data, N / 2, 2, NULL, &o, GMIX_EDIM);
  o.n_components = 3;
  FIT_FAILS(data, N, D, NULL, &o, GMIX_EDIM);
  o.n_components = 2;
  o.covariance_type = GMIX_COV_DIAG;
  FIT_FAILS(data, N, D, NULL, &o, GMIX_EDIM);

  /* gmix_em_step on data of another d than gmix_em_start's. */
  gmix_options o2 = opts(2);
  gmix_em *em = NULL;
  TU_OK(gmix_em_start(data, N, D, NULL, &o2, 0, &em, &err), &err);
  TU_STATUS(gmix_em_step(em, data, N / 2, D - 1, NULL, NULL, NULL, &err),
            GMIX_EDIM, &err);
  gmix_em_free(em);
  gmix_model_free(m);
}

static void test_eoverflow(void **state) {
  (void)state;
  /* n * d does not fit in size_t. The data pointer is a valid but tiny
   * array: the library must refuse before reading past it. */
  static double dummy[4] = {0.5, 0.5, 1, 1};
  gmix_options o = opts(1);
  FIT_FAILS(dummy, SIZE_MAX / 2, 3, NULL, &o, GMIX_EOVERFLOW);
  /* n * d fits but n * d * sizeof(double) does not. */
  FIT_FAILS(dummy, SIZE_MAX / 16, 4, NULL, &o, GMIX_EOVERFLOW);

  gmix_model *m = small_model(GMIX_COV_SPHERICAL);
  double out[4];
  size_t lab[4];
  gmix_error err;
  TU_STATUS(gmix_score_samples(m, dummy, SIZE_MAX / 2, D, 0, out, &err),
            GMIX_EOVERFLOW, &err);
  TU_STATUS(gmix_predict_proba(m, dummy, SIZE_MAX / 2, D, 0, out, &err),
            GMIX_EOVERFLOW, &err);
  TU_STATUS(gmix_sample(m, SIZE_MAX / 2, 1, out, lab, &err), GMIX_EOVERFLOW,
            &err);
  gmix_model_free(m);

  /* Parameter sizes that overflow. */
  TU_TRUE(gmix_covariance_size(GMIX_COV_FULL, SIZE_MAX / 4, 3) == 0,
          "full size overflow");
  TU_TRUE(gmix_covariance_size(GMIX_COV_DIAG, SIZE_MAX / 2, 3) == 0,
          "diag size overflow");
  gmix_model *mm = SENTINEL;
  TU_STATUS(gmix_model_create(GMIX_COV_FULL, SIZE_MAX / 4, 3, dummy, dummy,
                              dummy, &mm, &err),
            GMIX_EOVERFLOW, &err);
  TU_STATUS(gmix_model_create(GMIX_COV_TIED, 2, (size_t)1 << 33, dummy, dummy,
                              dummy, &mm, &err),
            GMIX_EOVERFLOW, &err);
  TU_TRUE(mm == SENTINEL, "*out written on failure");
}

static void test_enomem(void **state) {
  (void)state;
  gmix_options o = opts(2);
  gmix_model *out = SENTINEL;
  gmix_error err;
  gmix__fault_inject(1);
  gmix_status st = gmix_fit(data, N, D, NULL, &o, &out, &err);
  gmix__fault_inject(0);
  TU_STATUS(st, GMIX_ENOMEM, &err);
  TU_TRUE(out == SENTINEL, "*out written on failure");

  double w[2] = {0.5, 0.5}, mu[4] = {0, 0, 1, 1}, cov[2] = {1, 1};
  gmix__fault_inject(1);
  st = gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, mu, cov, &out, &err);
  gmix__fault_inject(0);
  TU_STATUS(st, GMIX_ENOMEM, &err);
  TU_TRUE(out == SENTINEL, "*out written on failure");
}

static void test_enotpd_create(void **state) {
  (void)state;
  /* Component 1 of 3 has an indefinite covariance (eigenvalues 3, -1). */
  double w[3] = {0.2, 0.3, 0.5}, mu[6] = {0};
  double full[12] = {1, 0, 0, 1, 1, 2, 2, 1, 2, 0, 0, 2};
  gmix_model *m = SENTINEL;
  gmix_error err;
  TU_STATUS(gmix_model_create(GMIX_COV_FULL, 3, 2, w, mu, full, &m, &err),
            GMIX_ENOTPD, &err);
  TU_TRUE(names_index(err.message, "component", 1, 2),
          "message \"%s\" does not name component 1", err.message);
  TU_STATUS(gmix_model_create_from_precisions(GMIX_COV_FULL, 3, 2, w, mu, full,
                                              &m, &err),
            GMIX_ENOTPD, &err);
  TU_TRUE(names_index(err.message, "component", 1, 2),
          "message \"%s\" does not name component 1", err.message);
  /* diag: a zero variance in component 2; spherical: a negative one in
   * component 0; tied: singular. */
  double diag[6] = {1, 1, 1, 1, 0, 1};
  TU_STATUS(gmix_model_create(GMIX_COV_DIAG, 3, 2, w, mu, diag, &m, &err),
            GMIX_ENOTPD, &err);
  TU_TRUE(names_index(err.message, "component", 2, 3),
          "message \"%s\" does not name component 2", err.message);
  double sph[3] = {-1, 1, 1};
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 3, 2, w, mu, sph, &m, &err),
            GMIX_ENOTPD, &err);
  TU_TRUE(names_index(err.message, "component", 0, 1),
          "message \"%s\" does not name component 0", err.message);
  double tied[4] = {1, 1, 1, 1};
  TU_STATUS(gmix_model_create(GMIX_COV_TIED, 3, 2, w, mu, tied, &m, &err),
            GMIX_ENOTPD, &err);
  TU_TRUE(m == SENTINEL, "*out written on failure");
}

static void test_fit_cannot_recover(void **state) {
  (void)state;
  /* K = 1, reg_covar = 0, and a constant column: the covariance is
   * singular after the first M-step and there is no component to split. */
  double *x = malloc(sizeof data);
  memcpy(x, data, sizeof data);
  for (size_t i = 0; i < N; i++)
    x[i * D + 1] = 2.5;
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_options o = opts(1);
    o.reg_covar = 0;
    o.covariance_type = tu_types[t];
    gmix_model *out = SENTINEL;
    gmix_error err;
    memset(&err, 0, sizeof err);
    gmix_status st = gmix_fit(x, N, D, NULL, &o, &out, &err);
    if (strcmp(gmix_covariance_type_mclust_name(tu_types[t]) + 1, "II") == 0) {
      /* One variance over all columns (VII, EII) stays positive. */
      TU_OK(st, &err);
      gmix_model_free(out);
      continue;
    }
    TU_TRUE(st == GMIX_ECOLLAPSE || st == GMIX_ENOTPD, "%s: status %d (%s): %s",
            gmix_covariance_type_name(tu_types[t]), (int)st, gmix_strerror(st),
            err.message);
    TU_TRUE(out == SENTINEL, "*out written on failure");
    TU_TRUE(names_index(err.message, "component", 0, 1) ||
                (tu_types[t] == GMIX_COV_TIED &&
                 strstr(err.message, "tied") != NULL),
            "%s: message \"%s\" does not name component 0",
            gmix_covariance_type_name(tu_types[t]), err.message);
    /* With K = 1 the initial covariance is already singular: the failure
     * is at the initialisation, which the message must say. */
    TU_TRUE(strstr(err.message, "iteration") != NULL ||
                strstr(err.message, "initiali") != NULL,
            "%s: message \"%s\" does not say when",
            gmix_covariance_type_name(tu_types[t]), err.message);
  }
  free(x);
}

/* A component that becomes singular during EM, with re-seeding disabled:
 * it starts (from given parameters, so the start is valid) on an isolated
 * row, takes only that row in the first E-step, and its covariance is then
 * zero with reg_covar = 0. The message names component 1 and iteration 1. */
static void test_fit_collapse_at_iteration(void **state) {
  (void)state;
  double *x = malloc(sizeof data);
  memcpy(x, data, sizeof data);
  for (size_t j = 0; j < D; j++)
    x[5 * D + j] = 1e3; /* the isolated row */
  const double wi[2] = {0.9, 0.1}, mi[2 * D] = {2, 2, 2, 1e3, 1e3, 1e3};
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type type = tu_types[t];
    /* An equal volume and shape (EII, EEI, EEE, EEV) pools the scatter of
     * every component: never singular here. */
    const char *mn = gmix_covariance_type_mclust_name(type);
    if (mn[0] == 'E' && mn[1] != 'V')
      continue;
    const int matrices = gmix_covariance_size(type, 2, D) == 2 * D * D;
    double cov[2 * D * D], prec[2 * D * D];
    for (size_t i = 0; i < 2 * D * D; i++)
      cov[i] = matrices ? (i % (D * D) % (D + 1) == 0 ? 1 : 0) : 1;
    tu_precisions_of(type, 2, D, cov, prec);
    gmix_options o = opts(2);
    o.covariance_type = type;
    o.reg_covar = 0;
    o.max_reseed = 0;
    o.weights_init = wi;
    o.means_init = mi;
    o.precisions_init = prec;
    gmix_model *out = SENTINEL;
    gmix_error err;
    memset(&err, 0, sizeof err);
    gmix_status st = gmix_fit(x, N, D, NULL, &o, &out, &err);
    const char *tn = gmix_covariance_type_name(type);
    TU_TRUE(st == GMIX_ECOLLAPSE || st == GMIX_ENOTPD, "%s: status %d (%s): %s",
            tn, (int)st, gmix_strerror(st), err.message);
    TU_TRUE(out == SENTINEL, "*out written on failure");
    TU_TRUE(names_index(err.message, "component", 1, 2),
            "%s: message \"%s\" does not name component 1", tn, err.message);
    TU_TRUE(names_index(err.message, "iteration", 1, 1),
            "%s: message \"%s\" does not name iteration 1", tn, err.message);
  }
  free(x);
}

/* out == NULL is a NULL argument like any other (kept apart so that a
 * crash here does not hide the other checks). */
static void test_einval_create_out_null(void **state) {
  (void)state;
  double w[2] = {0.5, 0.5}, mu[4] = {0, 0, 1, 1}, cov[2] = {1, 1};
  gmix_error err;
  TU_STATUS(gmix_model_create(GMIX_COV_SPHERICAL, 2, 2, w, mu, cov, NULL, &err),
            GMIX_EINVAL, &err);
  TU_STATUS(gmix_model_create_from_precisions(GMIX_COV_SPHERICAL, 2, 2, w, mu,
                                              cov, NULL, &err),
            GMIX_EINVAL, &err);
}

static int cancel_at_two(const gmix_iteration *it, void *user) {
  int *calls = user;
  ++*calls;
  return it->iteration >= 2;
}

static void test_ecancelled(void **state) {
  (void)state;
  gmix_options o = opts(2);
  int calls = 0;
  o.tol = 0;
  o.callback = cancel_at_two;
  o.callback_data = &calls;
  FIT_FAILS(data, N, D, NULL, &o, GMIX_ECANCELLED);
  /* FIT_FAILS fits twice: two calls each. */
  TU_TRUE(calls == 4, "callback called %d times", calls);
}

/* On success the error report is untouched. */
static void test_err_untouched_on_success(void **state) {
  (void)state;
  gmix_error err;
  memset(&err, 0x5A, sizeof err);
  gmix_error copy = err;
  gmix_options o = opts(2);
  gmix_model *m = NULL;
  TU_OK(gmix_fit(data, N, D, NULL, &o, &m, &err), &err);
  TU_TRUE(memcmp(&err, &copy, sizeof err) == 0, "err written on success");
  double lp[N];
  TU_OK(gmix_score_samples(m, data, N, D, 0, lp, &err), &err);
  TU_TRUE(memcmp(&err, &copy, sizeof err) == 0, "err written on success");
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_einval_fit),
      cmocka_unit_test(test_einval_model),
      cmocka_unit_test(test_enonfinite),
      cmocka_unit_test(test_eweights),
      cmocka_unit_test(test_etoofew),
      cmocka_unit_test(test_edim),
      cmocka_unit_test(test_eoverflow),
      cmocka_unit_test(test_enomem),
      cmocka_unit_test(test_enotpd_create),
      cmocka_unit_test(test_fit_cannot_recover),
      cmocka_unit_test(test_fit_collapse_at_iteration),
      cmocka_unit_test(test_ecancelled),
      cmocka_unit_test(test_err_untouched_on_success),
      cmocka_unit_test(test_einval_create_out_null),
  };
  return cmocka_run_group_tests_name("errors", tests, setup, NULL);
}
