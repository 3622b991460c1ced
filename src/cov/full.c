/*
 * full.c -- "full" (mclust's VVV): one unrestricted d x d covariance per
 * component.
 */
#include <string.h>

#include "cov.h"

static size_t size(size_t k, size_t d) {
  size_t n;
  return gmix__mul3(k, d, d, &n) ? n : 0;
}

static size_t shape(size_t k, size_t d, size_t dims[3]) {
  dims[0] = k, dims[1] = d, dims[2] = d;
  return 3;
}

static size_t n_free(size_t k, size_t d) {
  return k * d * (d + 1) / 2;
}

static gmix_status factor(gmix_model *m, size_t c) {
  size_t dd = m->d * m->d;
  return gmix__cov_factor_matrix(m->cov + c * dd, m->d, m->prec_chol + c * dd,
                                 &m->log_det_chol[c], m->scratch + c * dd);
}

/* Sigma_k = s2_k / N_k - delta_k delta_k^T + reg I, from the upper
 * triangle of the scatter. */
static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  size_t k = m->k, d = m->d;
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    double inv = 1.0 / in->nk[c];
    const double *s2 = in->s2 + c * d * d, *delta = in->delta + c * d;
    double *cov = m->cov + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = i; j < d; j++) {
        double v = s2[i * d + j] * inv - delta[i] * delta[j];
        if (i == j)
          v += in->reg_covar;
        cov[i * d + j] = v;
        cov[j * d + i] = v;
      }
  }
  return gmix__cov_factor_unflagged(m, bad);
}

static gmix_status from_precisions(gmix_model *m, size_t *bad) {
  size_t d = m->d;
  gmix__cov_mirror_lower(m->cov, m->k, d);
  for (size_t c = 0; c < m->k; c++)
    if (gmix__cov_from_precision_matrix(m->cov + c * d * d,
                                        m->prec_chol + c * d * d,
                                        &m->log_det_chol[c], d) != GMIX_OK) {
      *bad = c;
      return GMIX_ENOTPD;
    }
  return GMIX_OK;
}

static void symmetrise(gmix_model *m) {
  gmix__cov_mirror_lower(m->cov, m->k, m->d);
}

static void precisions(const gmix_model *m, double *out) {
  gmix__cov_precision_matrices(m->prec_chol, m->k, m->d, out);
}

static int axis(const gmix_model *m, size_t s, double *v, double *lambda,
                double *work, size_t work_size) {
  return gmix__top_eigen(m->cov + s * m->d * m->d, m->d, v, lambda, work,
                         work_size);
}

static void split(gmix_model *m, size_t c, size_t s, const double *v,
                  double shrink) {
  size_t d = m->d;
  double *cs = m->cov + s * d * d;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      cs[i * d + j] -= shrink * v[i] * v[j];
  memcpy(m->cov + c * d * d, cs, d * d * sizeof *cs);
}

static gmix_status sample_factor(const gmix_model *m, double *f, size_t *bad) {
  return gmix__cov_cholesky_matrices(m->cov, m->k, m->d, f, bad);
}

static void sample_row(const gmix_model *m, const double *f, size_t c,
                       const double *z, double *x) {
  size_t d = m->d;
  gmix__cov_lower_times(f + c * d * d, m->means + c * d, z, d, x);
}

const gmix__cov_model gmix__cov_full = {
    .type = GMIX_COV_FULL,
    .name = "full",
    .mclust_name = "VVV",
    .scatter = GMIX__SCATTER_FULL,
    .kernel = GMIX__KERNEL_FULL,
    .shared = 0,
    .size = size,
    .shape = shape,
    .n_free = n_free,
    .extra_size = gmix__cov_no_extra,
    .mstep = mstep,
    .factor = factor,
    .from_precisions = from_precisions,
    .symmetrise = symmetrise,
    .precisions = precisions,
    .axis = axis,
    .split = split,
    .sample_factor = sample_factor,
    .sample_row = sample_row,
};
