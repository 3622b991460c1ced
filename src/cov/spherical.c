/*
 * spherical.c -- "spherical" (mclust's VII): one variance per component,
 * the same along every feature.
 */
#include <math.h>

#include "cov.h"

static size_t size(size_t k, size_t d) {
  (void)d;
  return k;
}

static size_t shape(size_t k, size_t d, size_t dims[3]) {
  (void)d;
  dims[0] = k;
  return 1;
}

static size_t n_free(size_t k, size_t d) {
  (void)d;
  return k;
}

static gmix_status factor(gmix_model *m, size_t c) {
  if (gmix__cov_factor_variance(m->cov[c], &m->prec_chol[c]) != GMIX_OK)
    return GMIX_ENOTPD;
  m->log_det_chol[c] = (double)m->d * log(m->prec_chol[c]);
  return GMIX_OK;
}

/* The mean over features of the diagonal variances. */
static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  size_t k = m->k, d = m->d;
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    double inv = 1.0 / in->nk[c], v = 0.0;
    const double *delta = in->delta + c * d;
    for (size_t j = 0; j < d; j++)
      v += in->s2[c * d + j] * inv - delta[j] * delta[j] + in->reg_covar;
    m->cov[c] = v / (double)d;
  }
  return gmix__cov_factor_unflagged(m, bad);
}

static gmix_status from_precisions(gmix_model *m, size_t *bad) {
  if (gmix__cov_invert_variances(m->cov, m->k, bad) != GMIX_OK)
    return GMIX_ENOTPD;
  for (size_t c = 0; c < m->k; c++)
    if (factor(m, c) != GMIX_OK) {
      *bad = c;
      return GMIX_ENOTPD;
    }
  return GMIX_OK;
}

static void precisions(const gmix_model *m, double *out) {
  gmix__cov_squares(m->prec_chol, m->k, out);
}

/* Every direction is principal: take the first feature. */
static int axis(const gmix_model *m, size_t s, double *v, double *lambda,
                double *work, size_t work_size) {
  (void)work, (void)work_size;
  v[0] = 1.0;
  *lambda = m->cov[s];
  return 0;
}

/* A spherical component keeps its variance. */
static void split(gmix_model *m, size_t c, size_t s, const double *v,
                  double shrink) {
  (void)v, (void)shrink;
  m->cov[c] = m->cov[s];
}

static gmix_status sample_factor(const gmix_model *m, double *f, size_t *bad) {
  (void)bad;
  for (size_t c = 0; c < m->k; c++)
    f[c] = sqrt(m->cov[c]);
  return GMIX_OK;
}

static void sample_row(const gmix_model *m, const double *f, size_t c,
                       const double *z, double *x) {
  size_t d = m->d;
  for (size_t j = 0; j < d; j++)
    x[j] = m->means[c * d + j] + f[c] * z[j];
}

const gmix__cov_model gmix__cov_spherical = {
    .type = GMIX_COV_SPHERICAL,
    .name = "spherical",
    .mclust_name = "VII",
    .scatter = GMIX__SCATTER_DIAG,
    .kernel = GMIX__KERNEL_ISOTROPIC,
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
