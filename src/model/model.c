/*
 * model.c -- the gmix_model object: create, copy, free, copy-out accessors,
 * validation, and the cache of precision Cholesky factors through which
 * every density is evaluated.
 */
#include <math.h>
#include <string.h>

#include "cov.h"

gmix_status gmix__model_alloc(gmix_covariance_type type, size_t k, size_t d,
                              gmix_model **out, gmix_error *err) {
  const gmix__cov_model *ops = gmix__cov_model_get(type);
  if (!ops)
    return gmix__error(err, GMIX_EINVAL, "invalid covariance type %d",
                       (int)type);
  if (k == 0)
    return gmix__error(err, GMIX_EINVAL, "n_components must be at least 1");
  if (d == 0)
    return gmix__error(err, GMIX_EINVAL, "n_features must be at least 1");
  size_t kd, ncov = ops->size(k, d), extra = ops->extra_size(k, d), bytes;
  /* All parameter arrays live in one block: weights, log weights, means,
   * covariances, precision factors, log-determinants, then scratch space for
   * refactoring (as large as the covariances, so no allocation happens when
   * factors are recomputed during EM), then the model's extra parameters. */
  size_t total = k; /* weights */
  if (!gmix__mul(k, d, &kd) || ncov == 0 || (total += k) < k ||
      (total += kd) < kd || (total += ncov) < ncov || (total += ncov) < ncov ||
      (total += k) < k || (total += ncov) < ncov || (total += extra) < extra ||
      !gmix__mul(total, sizeof(double), &bytes))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "model of %zu components in %zu dimensions is too "
                       "large for this machine",
                       k, d);
  gmix_model *m = gmix__calloc(1, sizeof *m);
  double *block = m ? gmix__malloc(bytes) : NULL;
  if (!block) {
    gmix__free(m);
    return gmix__error(err, GMIX_ENOMEM, "out of memory allocating a model");
  }
  m->type = type;
  m->ops = ops;
  m->k = k;
  m->d = d;
  m->weights = block;
  m->log_weights = m->weights + k;
  m->means = m->log_weights + k;
  m->cov = m->means + kd;
  m->prec_chol = m->cov + ncov;
  m->log_det_chol = m->prec_chol + ncov;
  m->scratch = m->log_det_chol + k;
  m->extra = extra ? m->scratch + ncov : NULL;
  /* A zeroed decomposition says "none yet" (src/cov/decomp.h). */
  if (extra)
    memset(m->extra, 0, extra * sizeof *m->extra);
  *out = m;
  return GMIX_OK;
}

void gmix_model_free(gmix_model *m) {
  if (!m)
    return;
  if (m->names) {
    for (size_t j = 0; j < m->d; j++)
      gmix__free(m->names[j]);
    gmix__free(m->names);
  }
  gmix__free(m->history);
  gmix__free(m->reseeds);
  gmix__free(m->weights);
  gmix__free(m);
}

static size_t param_doubles(const gmix_model *m) {
  /* Sizes were checked for overflow when the model was allocated. */
  size_t ncov = m->ops->size(m->k, m->d);
  return 3 * m->k + m->k * m->d + 2 * ncov; /* scratch not copied */
}

void gmix__model_copy_params(gmix_model *dst, const gmix_model *src) {
  memcpy(dst->weights, src->weights, param_doubles(src) * sizeof(double));
  if (src->extra)
    memcpy(dst->extra, src->extra,
           src->ops->extra_size(src->k, src->d) * sizeof(double));
}

int gmix__model_same_params(const gmix_model *a, const gmix_model *b) {
  return a->type == b->type && a->k == b->k && a->d == b->d &&
         memcmp(a->weights, b->weights, param_doubles(a) * sizeof(double)) == 0;
}

gmix_status gmix__model_set_reseeds(gmix_model *m,
                                    const gmix_reseed_event *events, size_t n) {
  gmix_reseed_event *copy = NULL;
  if (n) {
    int overflow = 0;
    copy = gmix__malloc_array(n, sizeof *copy, &overflow);
    if (!copy)
      return overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
    memcpy(copy, events, n * sizeof *copy);
  }
  gmix__free(m->reseeds);
  m->reseeds = copy;
  m->n_reseeds = n;
  return GMIX_OK;
}

void gmix__model_update_log_weights(gmix_model *m) {
  for (size_t c = 0; c < m->k; c++)
    m->log_weights[c] = m->weights[c] > 0.0 ? log(m->weights[c]) : -INFINITY;
}

gmix_status gmix__model_update_cholesky_one(gmix_model *m, size_t c) {
  return m->ops->factor(m, c);
}

gmix_status gmix__model_update_cholesky(gmix_model *m, size_t *bad) {
  size_t n = m->ops->shared ? 1 : m->k;
  for (size_t c = 0; c < n; c++) {
    gmix_status st = m->ops->factor(m, c);
    if (st != GMIX_OK) {
      if (bad)
        *bad = c;
      return st;
    }
  }
  return GMIX_OK;
}

static gmix_status check_finite(const double *v, size_t n, const char *what,
                                gmix_error *err) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i]))
      return gmix__error(err, GMIX_ENONFINITE, "%s[%zu] is not finite", what,
                         i);
  return GMIX_OK;
}

static gmix_status check_model_weights(const double *w, size_t k,
                                       gmix_error *err) {
  double sum = 0.0;
  for (size_t c = 0; c < k; c++) {
    if (!isfinite(w[c]))
      return gmix__error(err, GMIX_ENONFINITE,
                         "weight of component %zu is not finite", c);
    if (w[c] < 0.0)
      return gmix__error(err, GMIX_EINVAL,
                         "weight of component %zu is negative (%g)", c, w[c]);
    sum += w[c];
  }
  if (!(fabs(sum - 1.0) <= GMIX_WEIGHT_SUM_TOLERANCE))
    return gmix__error(err, GMIX_EINVAL,
                       "weights sum to %.17g, not 1 (tolerance %g)", sum,
                       GMIX_WEIGHT_SUM_TOLERANCE);
  return GMIX_OK;
}

static gmix_status notpd_error(const gmix_model *m, size_t c, gmix_error *err) {
  if (m->ops->shared)
    return gmix__error(err, GMIX_ENOTPD,
                       "the %s covariance is not positive definite",
                       m->ops->name);
  return gmix__error(err, GMIX_ENOTPD,
                     "component %zu: covariance is not positive definite", c);
}

/* The decomposition of a constrained model built from matrices. */
static gmix_status decompose(gmix_model *m, gmix_error *err) {
  if (m->ops->decompose && m->ops->decompose(m) != 0)
    return gmix__error(err, GMIX_ENOTPD,
                       "the eigen-decomposition of the %s covariances failed",
                       m->ops->name);
  return GMIX_OK;
}

static gmix_status create_common(gmix_covariance_type type, size_t k, size_t d,
                                 const double *weights, const double *means,
                                 const double *params, gmix_model **out,
                                 gmix_error *err) {
  if (!weights)
    return gmix__null_argument(err, "weights");
  if (!means)
    return gmix__null_argument(err, "means");
  if (!params)
    return gmix__null_argument(err, "covariances");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_model *m = NULL;
  gmix_status st = gmix__model_alloc(type, k, d, &m, err);
  if (st != GMIX_OK)
    return st;
  size_t ncov = m->ops->size(k, d);
  if ((st = check_model_weights(weights, k, err)) != GMIX_OK ||
      (st = check_finite(means, k * d, "means", err)) != GMIX_OK ||
      (st = check_finite(params, ncov, "covariances", err)) != GMIX_OK) {
    gmix_model_free(m);
    return st;
  }
  memcpy(m->weights, weights, k * sizeof *weights);
  memcpy(m->means, means, k * d * sizeof *means);
  memcpy(m->cov, params, ncov * sizeof *params);
  *out = m;
  return GMIX_OK;
}

gmix_status gmix_model_create(gmix_covariance_type type, size_t k, size_t d,
                              const double *weights, const double *means,
                              const double *covariances, gmix_model **out,
                              gmix_error *err) {
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_model *m = NULL;
  gmix_status st =
      create_common(type, k, d, weights, means, covariances, &m, err);
  if (st != GMIX_OK)
    return st;
  if (m->ops->symmetrise)
    m->ops->symmetrise(m);
  size_t bad = 0;
  st = gmix__model_update_cholesky(m, &bad);
  if (st != GMIX_OK) {
    if (st == GMIX_ENOTPD)
      notpd_error(m, bad, err);
    else
      gmix__error(err, st, "out of memory factoring covariances");
    gmix_model_free(m);
    return st;
  }
  if ((st = decompose(m, err)) != GMIX_OK) {
    gmix_model_free(m);
    return st;
  }
  gmix__model_update_log_weights(m);
  *out = m;
  return GMIX_OK;
}

gmix_status
gmix_model_create_from_precisions(gmix_covariance_type type, size_t k, size_t d,
                                  const double *weights, const double *means,
                                  const double *precisions, gmix_model **out,
                                  gmix_error *err) {
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_model *m = NULL;
  gmix_status st =
      create_common(type, k, d, weights, means, precisions, &m, err);
  if (st != GMIX_OK)
    return st;
  /* m->cov holds the precisions for now; turn them into covariances. */
  size_t bad = 0;
  st = m->ops->from_precisions(m, &bad);
  if (st != GMIX_OK) {
    notpd_error(m, bad, err);
    gmix_model_free(m);
    return st;
  }
  if ((st = decompose(m, err)) != GMIX_OK) {
    gmix_model_free(m);
    return st;
  }
  gmix__model_update_log_weights(m);
  *out = m;
  return GMIX_OK;
}

gmix_status gmix_model_copy(const gmix_model *m, gmix_model **out,
                            gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_model *c = NULL;
  gmix_status st = gmix__model_alloc(m->type, m->k, m->d, &c, err);
  if (st != GMIX_OK)
    return st;
  gmix__model_copy_params(c, m);
  if ((m->names && gmix_model_set_feature_names(
                       c, (const char *const *)m->names, NULL) != GMIX_OK) ||
      (m->report.has_fit && gmix__model_set_report(c, &m->report, m->history,
                                                   m->n_history) != GMIX_OK) ||
      gmix__model_set_reseeds(c, m->reseeds, m->n_reseeds) != GMIX_OK) {
    gmix_model_free(c);
    return gmix__error(err, GMIX_ENOMEM, "out of memory copying a model");
  }
  *out = c;
  return GMIX_OK;
}

size_t gmix_model_n_components(const gmix_model *m) {
  return m ? m->k : 0;
}

size_t gmix_model_n_features(const gmix_model *m) {
  return m ? m->d : 0;
}

gmix_covariance_type gmix_model_covariance_type(const gmix_model *m) {
  return m ? m->type : GMIX_COV_FULL;
}

size_t gmix_model_n_parameters(const gmix_model *m) {
  if (!m)
    return 0;
  return gmix__cov_n_parameters(m->ops, m->k, m->d);
}

void gmix_model_weights(const gmix_model *m, double *out) {
  if (!m || !out)
    return;
  memcpy(out, m->weights, m->k * sizeof *out);
}

void gmix_model_means(const gmix_model *m, double *out) {
  if (!m || !out)
    return;
  memcpy(out, m->means, m->k * m->d * sizeof *out);
}

void gmix_model_covariances(const gmix_model *m, double *out) {
  if (!m || !out)
    return;
  memcpy(out, m->cov, m->ops->size(m->k, m->d) * sizeof *out);
}

void gmix_model_precisions_cholesky(const gmix_model *m, double *out) {
  if (!m || !out)
    return;
  memcpy(out, m->prec_chol, m->ops->size(m->k, m->d) * sizeof *out);
}

int gmix_model_decomposition(const gmix_model *m, double *scale, double *shape,
                             double *orientation) {
  if (!m || !m->ops->decompose)
    return 0;
  gmix__cov_decomposition(m, scale, shape, orientation);
  return 1;
}

void gmix__model_set_decomposition(gmix_model *m, const double *scale,
                                   const double *shape,
                                   const double *orientation) {
  if (m->ops->decompose)
    gmix__cov_set_decomposition(m, scale, shape, orientation);
}

void gmix_model_precisions(const gmix_model *m, double *out) {
  if (!m || !out)
    return;
  m->ops->precisions(m, out);
}

gmix_status gmix_model_set_feature_names(gmix_model *m,
                                         const char *const *names,
                                         gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  char **copy = NULL;
  if (names) {
    copy = gmix__calloc(m->d, sizeof *copy);
    if (!copy)
      return gmix__error(err, GMIX_ENOMEM, "out of memory");
    for (size_t j = 0; j < m->d; j++) {
      if (!names[j] || !(copy[j] = gmix__strdup(names[j]))) {
        for (size_t i = 0; i < j; i++)
          gmix__free(copy[i]);
        gmix__free(copy);
        if (names[j])
          return gmix__error(err, GMIX_ENOMEM, "out of memory");
        return gmix__error(err, GMIX_EINVAL, "feature name %zu is NULL", j + 1);
      }
    }
  }
  if (m->names) {
    for (size_t j = 0; j < m->d; j++)
      gmix__free(m->names[j]);
    gmix__free(m->names);
  }
  m->names = copy;
  return GMIX_OK;
}

const char *gmix_model_feature_name(const gmix_model *m, size_t j) {
  if (!m || !m->names || j >= m->d)
    return NULL;
  return m->names[j];
}

const gmix_fit_report *gmix_model_report(const gmix_model *m) {
  static const gmix_fit_report none; /* has_fit 0 and zeros */
  return m ? &m->report : &none;
}

size_t gmix_model_history(const gmix_model *m, double *out, size_t cap) {
  if (!m)
    return 0;
  size_t n = m->n_history < cap ? m->n_history : cap;
  if (n && out)
    memcpy(out, m->history, n * sizeof *out);
  return m->n_history;
}

size_t gmix_model_n_reseeds(const gmix_model *m) {
  return m ? m->n_reseeds : 0;
}

const gmix_reseed_event *gmix_model_reseed(const gmix_model *m, size_t i) {
  return m && i < m->n_reseeds ? &m->reseeds[i] : NULL;
}

gmix_status gmix__model_set_report(gmix_model *m, const gmix_fit_report *report,
                                   const double *history, size_t n_history) {
  if (!m || !report || (n_history && !history))
    return GMIX_EINVAL;
  double *h = NULL;
  if (n_history) {
    int overflow = 0;
    h = gmix__malloc_array(n_history, sizeof *h, &overflow);
    if (!h)
      return overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
    memcpy(h, history, n_history * sizeof *h);
  }
  gmix__free(m->history);
  m->history = h;
  m->n_history = n_history;
  m->report = *report;
  return GMIX_OK;
}

gmix_status gmix__check_data(const double *x, size_t n, size_t d,
                             gmix_error *err) {
  size_t nd;
  if (d == 0)
    return gmix__error(err, GMIX_EINVAL, "data have no columns (d = 0)");
  if (!gmix__mul(n, d, &nd) || nd > SIZE_MAX / sizeof(double))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "data of %zu rows x %zu columns overflow size_t", n, d);
  if (n > 0 && !x)
    return gmix__null_argument(err, "x");
  for (size_t i = 0; i < nd; i++)
    if (!isfinite(x[i]))
      return gmix__error(err, GMIX_ENONFINITE,
                         "row %zu, column %zu: value %g is not finite",
                         i / d + 1, i % d + 1, x[i]);
  return GMIX_OK;
}

gmix_status gmix__check_weights(const double *w, size_t n, double *sum,
                                gmix_error *err) {
  double s = 0.0;
  if (!w) {
    *sum = (double)n;
    return GMIX_OK;
  }
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(w[i]))
      return gmix__error(err, GMIX_EWEIGHTS,
                         "sample weight of row %zu is not finite", i + 1);
    if (w[i] < 0.0)
      return gmix__error(err, GMIX_EWEIGHTS,
                         "sample weight of row %zu is negative (%g)", i + 1,
                         w[i]);
    s += w[i];
  }
  if (!(s > 0.0) || !isfinite(s))
    return gmix__error(err, GMIX_EWEIGHTS,
                       "sample weights sum to %g; they must sum to a positive, "
                       "finite value",
                       s);
  *sum = s;
  return GMIX_OK;
}
