/*
 * collapse.c -- the collapse policy. After each M-step a component whose
 * weight is below min_weight, or whose covariance is not positive definite
 * after reg_covar, is re-seeded by splitting the heaviest healthy
 * component along its principal axis; every re-seed is recorded. A fit
 * re-seeds at most max_reseed times in all. A component re-seeded
 * max_reseed_per_component times is no longer held to min_weight (only to
 * a positive weight and a positive definite covariance), so one that keeps
 * collapsing onto an isolated outlier under a high min_weight keeps the
 * outlier instead of cycling every few iterations.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collapse.h"

gmix_status gmix__collapse_init(gmix__collapse *c, size_t k, size_t d,
                                const gmix_options *opt, size_t init) {
  int overflow = 0;
  size_t eig, max_reseed = opt->max_reseed ? opt->max_reseed : 1;
  memset(c, 0, sizeof *c);
  c->k = k;
  c->d = d;
  c->max_reseed = opt->max_reseed;
  c->max_per_component = opt->max_reseed_per_component;
  c->reg_covar = opt->reg_covar;
  c->min_weight = opt->min_weight;
  c->mstep_tol = opt->mstep_tol;
  c->mstep_max_iter = opt->mstep_max_iter;
  c->init = init;
  /* The eigen solver's work space, then the axis v. */
  c->eig_size = gmix__eigen_work(d);
  eig = c->eig_size + d;
  if (c->eig_size == 0 || eig < d)
    return GMIX_EOVERFLOW;
  c->eig = gmix__malloc_array(eig, sizeof *c->eig, &overflow);
  c->bad = gmix__calloc(k, 1);
  c->exempt = gmix__calloc(k, 1);
  c->count = gmix__calloc(k, sizeof *c->count);
  c->events = gmix__malloc_array(max_reseed, sizeof *c->events, &overflow);
  if (!c->eig || !c->bad || !c->exempt || !c->count || !c->events) {
    gmix__collapse_free(c);
    return overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
  }
  return GMIX_OK;
}

void gmix__collapse_free(gmix__collapse *c) {
  gmix__free(c->eig);
  gmix__free(c->bad);
  gmix__free(c->exempt);
  gmix__free(c->count);
  gmix__free(c->events);
  c->eig = NULL, c->bad = NULL, c->exempt = NULL, c->count = NULL;
  c->events = NULL;
}

/* "initialisation" or "iteration N", for messages. */
static const char *when(size_t iter, char *buf, size_t size) {
  if (iter == 0)
    return "initialisation";
  if (iter == GMIX__ITER_UNKNOWN)
    return "this M-step";
  snprintf(buf, size, "iteration %zu", iter);
  return buf;
}

/* Re-seed component c by splitting component s along its principal axis:
 * the two halves of a Gaussian cut through its mean along the axis v have
 * means mu +- sqrt(2/pi) sqrt(lambda) v and variance (1 - 2/pi) lambda
 * along v, so both get those moments and half of the weight. How the
 * covariances follow is the model's own rule (src/cov: a shared covariance
 * is kept, a spherical one copied). */
static gmix_status split(gmix__collapse *cp, gmix_model *m, size_t c,
                         size_t s) {
  const gmix__cov_model *ops = m->ops;
  size_t d = m->d;
  double *v = cp->eig + cp->eig_size, lambda = 0.0;
  memset(v, 0, d * sizeof *v);
  if (ops->axis(m, s, v, &lambda, cp->eig, cp->eig_size) != 0)
    return GMIX_ENOTPD;
  const double two_over_pi = 2.0 / 3.14159265358979323846;
  double step = sqrt(two_over_pi * lambda);
  for (size_t j = 0; j < d; j++) {
    double mu = m->means[s * d + j];
    m->means[c * d + j] = mu + step * v[j];
    m->means[s * d + j] = mu - step * v[j];
  }
  ops->split(m, c, s, v, two_over_pi * lambda);
  /* The two share what both held, so the weights still sum to one. */
  m->weights[s] = m->weights[c] = 0.5 * (m->weights[s] + m->weights[c]);
  if (!ops->shared) {
    if (gmix__model_update_cholesky_one(m, s) != GMIX_OK ||
        gmix__model_update_cholesky_one(m, c) != GMIX_OK)
      return GMIX_ENOTPD;
  } else {
    m->log_det_chol[c] = m->log_det_chol[s];
  }
  gmix__model_update_log_weights(m);
  return GMIX_OK;
}

static gmix_status collapse_error(const gmix__collapse *cp, size_t c,
                                  int reason, size_t iter, gmix_error *err) {
  char buf[48];
  if (cp->exempt[c])
    return gmix__error(
        err, reason == GMIX_RESEED_NOT_PD ? GMIX_ENOTPD : GMIX_ECOLLAPSE,
        "component %zu %s at %s after %zu re-seeds "
        "(max_reseed_per_component); use fewer components",
        c,
        reason == GMIX_RESEED_NOT_PD
            ? "has a covariance that is not positive definite"
            : "is empty",
        when(iter, buf, sizeof buf), cp->count[c]);
  if (reason == GMIX_RESEED_NOT_PD)
    return gmix__error(
        err, GMIX_ENOTPD,
        "component %zu: covariance is not positive definite after "
        "reg_covar=%g at %s; increase reg_covar or scale the data",
        c, cp->reg_covar, when(iter, buf, sizeof buf));
  return gmix__error(err, GMIX_ECOLLAPSE,
                     "component %zu: weight fell below min_weight=%g at %s "
                     "and it could not be re-seeded",
                     c, cp->min_weight, when(iter, buf, sizeof buf));
}

/* Re-seed every flagged component. */
static gmix_status reseed(gmix__collapse *cp, gmix_model *m, size_t iter,
                          gmix_error *err) {
  unsigned char *bad = cp->bad;
  for (size_t c = 0; c < m->k; c++) {
    if (!bad[c])
      continue;
    int reason = bad[c] == 1 ? GMIX_RESEED_EMPTY : GMIX_RESEED_NOT_PD;
    /* The source is the heaviest healthy component. */
    size_t s = m->k;
    for (size_t j = 0; j < m->k; j++)
      if (!bad[j] && (s == m->k || m->weights[j] > m->weights[s]))
        s = j;
    if (s == m->k || cp->n_events >= cp->max_reseed || cp->exempt[c] ||
        split(cp, m, c, s) != GMIX_OK)
      return collapse_error(cp, c, reason, iter, err);
    gmix_reseed_event ev = {cp->init, iter, c, s, (gmix_reseed_reason)reason};
    cp->events[cp->n_events++] = ev;
    if (++cp->count[c] == cp->max_per_component)
      cp->exempt[c] = 1;
    bad[c] = 0;
  }
  return GMIX_OK;
}

gmix_status gmix__collapse_mstep(gmix__collapse *cp, gmix_model *m,
                                 const double *s, const gmix__stats_layout *l,
                                 const double *shift, double *delta,
                                 double weight_total, size_t iter,
                                 gmix_error *err) {
  gmix__mstep_ctl ctl = {cp->reg_covar, cp->min_weight, cp->mstep_tol,
                         cp->mstep_max_iter, &cp->n_unconverged};
  int nbad = gmix__mstep(m, s, l, shift, weight_total, &ctl, cp->exempt, delta,
                         cp->bad);
  if (nbad < 0) {
    char buf[48];
    return gmix__error(err, GMIX_ENOTPD,
                       "the %s covariance is not positive definite after "
                       "reg_covar=%g at %s; increase reg_covar or scale the "
                       "data",
                       m->ops->name, cp->reg_covar,
                       when(iter, buf, sizeof buf));
  }
  return nbad > 0 ? reseed(cp, m, iter, err) : GMIX_OK;
}
