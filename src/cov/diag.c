/*
 * diag.c -- "diag" (mclust's VVI): d variances per component, axes
 * aligned with the features.
 */
#include <math.h>

#include "cov.h"

static size_t size(size_t k, size_t d) {
  size_t n;
  return gmix__mul(k, d, &n) ? n : 0;
}

static size_t shape(size_t k, size_t d, size_t dims[3]) {
  dims[0] = k, dims[1] = d;
  return 2;
}

static size_t n_free(size_t k, size_t d) {
  return k * d;
}

static gmix_status factor(gmix_model *m, size_t c) {
  size_t d = m->d;
  double ld = 0.0;
  for (size_t j = 0; j < d; j++) {
    if (gmix__cov_factor_variance(m->cov[c * d + j],
                                  &m->prec_chol[c * d + j]) != GMIX_OK)
      return GMIX_ENOTPD;
    ld += log(m->prec_chol[c * d + j]);
  }
  m->log_det_chol[c] = ld;
  return GMIX_OK;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  size_t k = m->k, d = m->d;
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    double inv = 1.0 / in->nk[c];
    const double *delta = in->delta + c * d;
    for (size_t j = 0; j < d; j++)
      m->cov[c * d + j] =
          in->s2[c * d + j] * inv - delta[j] * delta[j] + in->reg_covar;
  }
  return gmix__cov_factor_unflagged(m, bad);
}

static gmix_status from_precisions(gmix_model *m, size_t *bad) {
  size_t i = 0;
  if (gmix__cov_invert_variances(m->cov, m->k * m->d, &i) != GMIX_OK) {
    *bad = i / m->d;
    return GMIX_ENOTPD;
  }
  for (size_t c = 0; c < m->k; c++)
    if (factor(m, c) != GMIX_OK) {
      *bad = c;
      return GMIX_ENOTPD;
    }
  return GMIX_OK;
}

static void precisions(const gmix_model *m, double *out) {
  gmix__cov_squares(m->prec_chol, m->k * m->d, out);
}

/* The feature of largest variance. */
static int axis(const gmix_model *m, size_t s, double *v, double *lambda,
                double *work, size_t work_size) {
  size_t d = m->d, jmax = 0;
  const double *var = m->cov + s * d;
  (void)work, (void)work_size;
  for (size_t j = 1; j < d; j++)
    if (var[j] > var[jmax])
      jmax = j;
  v[jmax] = 1.0;
  *lambda = var[jmax];
  return 0;
}

static void split(gmix_model *m, size_t c, size_t s, const double *v,
                  double shrink) {
  size_t d = m->d;
  for (size_t j = 0; j < d; j++) {
    m->cov[s * d + j] -= shrink * v[j] * v[j];
    m->cov[c * d + j] = m->cov[s * d + j];
  }
}

static gmix_status sample_factor(const gmix_model *m, double *f, size_t *bad) {
  (void)bad;
  for (size_t i = 0; i < m->k * m->d; i++)
    f[i] = sqrt(m->cov[i]);
  return GMIX_OK;
}

static void sample_row(const gmix_model *m, const double *f, size_t c,
                       const double *z, double *x) {
  size_t d = m->d;
  for (size_t j = 0; j < d; j++)
    x[j] = m->means[c * d + j] + f[c * d + j] * z[j];
}

const gmix__cov_model gmix__cov_diag = {
    .type = GMIX_COV_DIAG,
    .name = "diag",
    .mclust_name = "VVI",
    .scatter = GMIX__SCATTER_DIAG,
    .kernel = GMIX__KERNEL_DIAG,
    .shared = 0,
    .size = size,
    .shape = shape,
    .n_free = n_free,
    .extra_size = gmix__cov_no_extra,
    .mstep = mstep,
    .factor = factor,
    .from_precisions = from_precisions,
    .symmetrise = NULL,
    .precisions = precisions,
    .axis = axis,
    .split = split,
    .sample_factor = sample_factor,
    .sample_row = sample_row,
};
