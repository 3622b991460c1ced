/*
 * select.c -- using a fitted model: log densities, mean log-likelihood,
 * labels, responsibilities, and the information criteria BIC and AIC that
 * choose the number of components.
 *
 * Each call runs one pass of the engine in the matching mode, so scoring
 * shares the E-step kernels (and their numerics) with the fit.
 */
#include <math.h>

#include "engine.h"

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

/* Sum of weights and of w log p, the two numbers every criterion needs. */
static gmix_status totals(const gmix_model *m, const double *x, size_t n,
                          size_t d, const double *w, size_t threads,
                          const double *out, double *sum_w, double *sum_ll,
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
  gmix__engine_pass(e, x, n, w, GMIX__PASS_SCORE, NULL, NULL, NULL);
  *sum_w = e->total[0];
  *sum_ll = e->total[1];
  gmix__engine_free(e);
  return GMIX_OK;
}

gmix_status gmix_score(const gmix_model *m, const double *x, size_t n, size_t d,
                       const double *w, size_t threads, double *out,
                       gmix_error *err) {
  double sw = 0.0, sll = 0.0;
  gmix_status st = totals(m, x, n, d, w, threads, out, &sw, &sll, err);
  if (st == GMIX_OK)
    *out = sll / sw;
  return st;
}

/* -2 sum w log p + p * penalty, with penalty log(sum w) for BIC, 2 for AIC. */
static gmix_status criterion(const gmix_model *m, const double *x, size_t n,
                             size_t d, const double *w, size_t threads,
                             double *out, int bic, gmix_error *err) {
  double sw = 0.0, sll = 0.0;
  gmix_status st = totals(m, x, n, d, w, threads, out, &sw, &sll, err);
  if (st == GMIX_OK)
    *out =
        -2.0 * sll + (double)gmix_model_n_parameters(m) * (bic ? log(sw) : 2.0);
  return st;
}

gmix_status gmix_bic(const gmix_model *m, const double *x, size_t n, size_t d,
                     const double *w, size_t threads, double *out,
                     gmix_error *err) {
  return criterion(m, x, n, d, w, threads, out, 1, err);
}

gmix_status gmix_aic(const gmix_model *m, const double *x, size_t n, size_t d,
                     const double *w, size_t threads, double *out,
                     gmix_error *err) {
  return criterion(m, x, n, d, w, threads, out, 0, err);
}
