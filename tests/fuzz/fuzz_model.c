/*
 * fuzz_model.c -- the model checks of fuzz_model.h.
 */
#include "fuzz_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

/* The model's parameters, copied out through the public accessors. */
typedef struct params {
  size_t k, d, ncov;
  double *w, *mu, *cov;
} params;

static void params_get(const gmix_model *m, params *p) {
  p->k = gmix_model_n_components(m);
  p->d = gmix_model_n_features(m);
  p->ncov = gmix_covariance_size(gmix_model_covariance_type(m), p->k, p->d);
  FZ_CHECK(p->k >= 1 && p->d >= 1 && p->ncov >= 1);
  p->w = malloc(p->k * sizeof *p->w);
  p->mu = malloc(p->k * p->d * sizeof *p->mu);
  p->cov = malloc(p->ncov * sizeof *p->cov);
  FZ_CHECK(p->w && p->mu && p->cov);
  gmix_model_weights(m, p->w);
  gmix_model_means(m, p->mu);
  gmix_model_covariances(m, p->cov);
}

static void params_free(params *p) {
  free(p->w);
  free(p->mu);
  free(p->cov);
}

static void check_finite(const params *p) {
  double sum = 0;
  for (size_t k = 0; k < p->k; k++) {
    FZ_CHECK(isfinite(p->w[k]) && p->w[k] >= 0);
    sum += p->w[k];
  }
  /* A loaded model's weights sum to one within the tolerance the loader
   * accepts (a fitted model's are closer still). */
  FZ_CHECK(fabs(sum - 1) <= GMIX_WEIGHT_SUM_TOLERANCE);
  for (size_t i = 0; i < p->k * p->d; i++)
    FZ_CHECK(isfinite(p->mu[i]));
  for (size_t i = 0; i < p->ncov; i++)
    FZ_CHECK(isfinite(p->cov[i]));
}

static void check_round_trip(const gmix_model *m, const params *p) {
  char *json = NULL;
  gmix_error err;
  gmix_status s = gmix_model_to_json(m, &json, &err);
  FZ_CHECK(s == GMIX_OK);
  gmix_model *back = NULL;
  s = gmix_model_from_json(json, &back, &err);
  gmix_free(json);
  FZ_CHECK(s == GMIX_OK);
  params q;
  params_get(back, &q);
  FZ_CHECK(q.k == p->k && q.d == p->d && q.ncov == p->ncov);
  FZ_CHECK(gmix_model_covariance_type(back) == gmix_model_covariance_type(m));
  FZ_CHECK(memcmp(q.w, p->w, p->k * sizeof *p->w) == 0);
  FZ_CHECK(memcmp(q.mu, p->mu, p->k * p->d * sizeof *p->mu) == 0);
  FZ_CHECK(memcmp(q.cov, p->cov, p->ncov * sizeof *p->cov) == 0);
  params_free(&q);
  gmix_model_free(back);
}

/* Score and predict at the means, and draw a few rows. */
static void check_use(const gmix_model *m, const params *p) {
  gmix_error err;
  double *lp = malloc(p->k * sizeof *lp);
  double *r = malloc(p->k * p->k * sizeof *r);
  size_t *lab = malloc(p->k * sizeof *lab);
  double *x = malloc(3 * p->d * sizeof *x);
  FZ_CHECK(lp && r && lab && x);
  gmix_status s = gmix_score_samples(m, p->mu, p->k, p->d, 1, lp, &err);
  if (s == GMIX_OK) {
    for (size_t i = 0; i < p->k; i++)
      FZ_CHECK(!isnan(lp[i]));
  } else {
    fz_check_error(s, &err);
  }
  s = gmix_predict_proba(m, p->mu, p->k, p->d, 1, r, &err);
  if (s == GMIX_OK) {
    for (size_t i = 0; i < p->k * p->k; i++)
      FZ_CHECK(r[i] >= 0 && r[i] <= 1);
  } else {
    fz_check_error(s, &err);
  }
  s = gmix_predict(m, p->mu, p->k, p->d, 1, lab, &err);
  if (s == GMIX_OK) {
    for (size_t i = 0; i < p->k; i++)
      FZ_CHECK(lab[i] < p->k);
  } else {
    fz_check_error(s, &err);
  }
  s = gmix_sample(m, 3, 7, x, NULL, &err);
  if (s == GMIX_OK) {
    for (size_t i = 0; i < 3 * p->d; i++)
      FZ_CHECK(!isnan(x[i]));
  } else {
    fz_check_error(s, &err);
  }
  free(lp);
  free(r);
  free(lab);
  free(x);
}

void fz_check_model(const gmix_model *m) {
  params p;
  params_get(m, &p);
  check_finite(&p);
  check_round_trip(m, &p);
  check_use(m, &p);
  params_free(&p);
}
