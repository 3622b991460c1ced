/*
 * score.c -- using a fitted model: log densities, mean log-likelihood,
 * labels, responsibilities, and the information criteria BIC, AIC and ICL
 * that choose the number of components.
 *
 * Each call runs one pass of the engine in the matching mode, so scoring
 * shares the E-step kernels (and their numerics) with the fit.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "use.h"

/* Check the arguments common to every call and build an engine for m. */
static gmix_status begin(const gmix_model *m, const double *x, size_t n,
                         size_t d, size_t threads, const void *out,
                         gmix__engine **e, gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!out)
    return gmix__null_argument(err, "out");
  if (d != m->d)
    return gmix__error(err, GMIX_EDIM,
                       "data have %zu columns but the model has %zu features",
                       d, m->d);
  gmix_status st = gmix__check_data(x, n, d, err);
  if (st != GMIX_OK)
    return st;
  st = gmix__engine_create(m->ops, m->k, m->d, n, 0, 0, threads, e);
  if (st != GMIX_OK)
    return gmix__error(err, st, "cannot allocate scoring work space");
  gmix__engine_prepare(*e, m);
  return GMIX_OK;
}

static gmix_status run(const gmix_model *m, const double *x, size_t n, size_t d,
                       size_t threads, gmix__pass_mode mode, void *out,
                       gmix_error *err) {
  gmix__engine *e = NULL;
  gmix_status st = begin(m, x, n, d, threads, out, &e, err);
  if (st != GMIX_OK)
    return st;
  gmix__engine_pass(e, x, n, NULL, mode, out, NULL, NULL);
  gmix__engine_free(e);
  return GMIX_OK;
}

gmix_status gmix_score_samples(const gmix_model *m, const double *x, size_t n,
                               size_t d, size_t threads, double *out,
                               gmix_error *err) {
  return run(m, x, n, d, threads, GMIX__PASS_LOGP, out, err);
}

gmix_status gmix_predict(const gmix_model *m, const double *x, size_t n,
                         size_t d, size_t threads, size_t *labels,
                         gmix_error *err) {
  return run(m, x, n, d, threads, GMIX__PASS_LABELS, labels, err);
}

gmix_status gmix_predict_proba(const gmix_model *m, const double *x, size_t n,
                               size_t d, size_t threads, double *out,
                               gmix_error *err) {
  return run(m, x, n, d, threads, GMIX__PASS_PROBA, out, err);
}

/* The sums every criterion needs, from one pass: the weight, sum w log p
 * and, in ENTROPY mode, the classification entropy (else 0). */
static gmix_status totals(const gmix_model *m, const double *x, size_t n,
                          size_t d, const double *w, size_t threads,
                          const volatile sig_atomic_t *cancel,
                          gmix__pass_mode mode, const void *out,
                          double sums[GMIX__TOTAL_ENTROPY_SIZE],
                          gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!out)
    return gmix__null_argument(err, "out");
  if (n == 0)
    return gmix__error(err, GMIX_EINVAL, "no rows to score");
  double sw;
  gmix_status st = gmix__check_weights(w, n, &sw, err);
  if (st != GMIX_OK)
    return st;
  gmix__engine *e = NULL;
  st = begin(m, x, n, d, threads, out, &e, err);
  if (st != GMIX_OK)
    return st;
  e->cancel = cancel;
  gmix__engine_pass(e, x, n, w, mode, NULL, NULL, NULL);
  if (e->cancelled) {
    gmix__engine_free(e);
    return gmix__error(err, GMIX_ECANCELLED, "cancelled while scoring");
  }
  sums[GMIX__TOTAL_WEIGHT] = e->total[GMIX__TOTAL_WEIGHT];
  sums[GMIX__TOTAL_LOGLIK] = e->total[GMIX__TOTAL_LOGLIK];
  sums[GMIX__TOTAL_ENTROPY] =
      mode == GMIX__PASS_ENTROPY ? e->total[GMIX__TOTAL_ENTROPY] : 0.0;
  gmix__engine_free(e);
  return GMIX_OK;
}

gmix_status gmix_score(const gmix_model *m, const double *x, size_t n, size_t d,
                       const double *w, size_t threads, double *out,
                       gmix_error *err) {
  double sums[GMIX__TOTAL_ENTROPY_SIZE] = {0};
  gmix_status st =
      totals(m, x, n, d, w, threads, NULL, GMIX__PASS_SCORE, out, sums, err);
  if (st == GMIX_OK)
    *out = sums[GMIX__TOTAL_LOGLIK] / sums[GMIX__TOTAL_WEIGHT];
  return st;
}

/* Every criterion from the sums of a pass: -2 sum w log p plus p times
 * log(sum w) for BIC or 2 for AIC; ICL adds twice the entropy. */
void gmix__criteria_from_sums(const gmix_model *m, const double *sums,
                              gmix__criteria *c) {
  c->sum_weights = sums[GMIX__TOTAL_WEIGHT];
  c->log_likelihood = sums[GMIX__TOTAL_LOGLIK];
  c->entropy = sums[GMIX__TOTAL_ENTROPY];
  c->n_parameters = gmix_model_n_parameters(m);
  double p = (double)c->n_parameters, deviance = -2.0 * c->log_likelihood;
  c->bic = deviance + p * log(c->sum_weights);
  c->aic = deviance + 2.0 * p;
  c->icl = c->bic + 2.0 * c->entropy;
}

/* One criterion: BIC and AIC need only a SCORE pass; ICL the entropy too. */
static gmix_status criterion(const gmix_model *m, const double *x, size_t n,
                             size_t d, const double *w, size_t threads,
                             gmix_criterion which, double *out,
                             gmix_error *err) {
  double sums[GMIX__TOTAL_ENTROPY_SIZE] = {0};
  gmix__pass_mode mode =
      which == GMIX_CRITERION_ICL ? GMIX__PASS_ENTROPY : GMIX__PASS_SCORE;
  gmix_status st = totals(m, x, n, d, w, threads, NULL, mode, out, sums, err);
  if (st != GMIX_OK)
    return st;
  gmix__criteria c;
  gmix__criteria_from_sums(m, sums, &c);
  *out = gmix__criteria_value(&c, which);
  return GMIX_OK;
}

double gmix__criteria_value(const gmix__criteria *c, gmix_criterion which) {
  switch (which) {
  case GMIX_CRITERION_BIC:
    return c->bic;
  case GMIX_CRITERION_AIC:
    return c->aic;
  case GMIX_CRITERION_ICL:
    return c->icl;
  }
  return NAN;
}

gmix_status gmix_bic(const gmix_model *m, const double *x, size_t n, size_t d,
                     const double *w, size_t threads, double *out,
                     gmix_error *err) {
  return criterion(m, x, n, d, w, threads, GMIX_CRITERION_BIC, out, err);
}

gmix_status gmix_aic(const gmix_model *m, const double *x, size_t n, size_t d,
                     const double *w, size_t threads, double *out,
                     gmix_error *err) {
  return criterion(m, x, n, d, w, threads, GMIX_CRITERION_AIC, out, err);
}

gmix_status gmix_icl(const gmix_model *m, const double *x, size_t n, size_t d,
                     const double *w, size_t threads, double *out,
                     gmix_error *err) {
  return criterion(m, x, n, d, w, threads, GMIX_CRITERION_ICL, out, err);
}

/* Names of the criteria, indexed by gmix_criterion. */
static const char *const criterion_names[] = {"bic", "aic", "icl"};
#define N_CRITERIA (sizeof criterion_names / sizeof criterion_names[0])

const char *gmix_criterion_name(gmix_criterion which) {
  return (size_t)which < N_CRITERIA ? criterion_names[which] : NULL;
}

gmix_status gmix_criterion_parse(const char *name, gmix_criterion *out,
                                 gmix_error *err) {
  if (!name)
    return gmix__null_argument(err, "name");
  if (!out)
    return gmix__null_argument(err, "out");
  for (size_t i = 0; i < N_CRITERIA; i++)
    if (strcmp(name, criterion_names[i]) == 0) {
      *out = (gmix_criterion)i;
      return GMIX_OK;
    }
  char known[64] = "";
  for (size_t i = 0; i < N_CRITERIA; i++) {
    size_t used = strlen(known);
    snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
             criterion_names[i]);
  }
  return gmix__error(err, GMIX_EINVAL, "unknown criterion '%s' (%s)", name,
                     known);
}
