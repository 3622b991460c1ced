/*
 * matrices.c -- the storage shared by every model that keeps one full
 * d x d covariance per component: full (VVV) and mclust's ten constrained
 * models, whose constraint lives only in their M-step. Factorisation, the
 * path from precisions, the re-seed split and sampling act on the
 * matrices alone. (A split leaves the two halves outside a constrained
 * model's family; the next M-step brings them back.)
 */
#include <string.h>

#include "cov.h"

size_t gmix__cov_matrices_size(size_t k, size_t d) {
  size_t n;
  return gmix__mul3(k, d, d, &n) ? n : 0;
}

size_t gmix__cov_matrices_shape(size_t k, size_t d, size_t dims[3]) {
  dims[0] = k, dims[1] = d, dims[2] = d;
  return 3;
}

gmix_status gmix__cov_matrices_factor(gmix_model *m, size_t c) {
  size_t dd = m->d * m->d;
  return gmix__cov_factor_matrix(m->cov + c * dd, m->d, m->prec_chol + c * dd,
                                 &m->log_det_chol[c], m->scratch + c * dd);
}

gmix_status gmix__cov_matrices_from_precisions(gmix_model *m, size_t *bad) {
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

void gmix__cov_matrices_symmetrise(gmix_model *m) {
  gmix__cov_mirror_lower(m->cov, m->k, m->d);
}

void gmix__cov_matrices_precisions(const gmix_model *m, double *out) {
  gmix__cov_precision_matrices(m->prec_chol, m->k, m->d, out);
}

int gmix__cov_matrices_axis(const gmix_model *m, size_t s, double *v,
                            double *lambda, double *work, size_t work_size) {
  return gmix__top_eigen(m->cov + s * m->d * m->d, m->d, v, lambda, work,
                         work_size);
}

void gmix__cov_matrices_split(gmix_model *m, size_t c, size_t s,
                              const double *v, double shrink) {
  size_t d = m->d;
  double *cs = m->cov + s * d * d;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      cs[i * d + j] -= shrink * v[i] * v[j];
  memcpy(m->cov + c * d * d, cs, d * d * sizeof *cs);
}

gmix_status gmix__cov_matrices_sample_factor(const gmix_model *m, double *f,
                                             size_t *bad) {
  return gmix__cov_cholesky_matrices(m->cov, m->k, m->d, f, bad);
}

void gmix__cov_matrices_sample_row(const gmix_model *m, const double *f,
                                   size_t c, const double *z, double *x) {
  size_t d = m->d;
  gmix__cov_lower_times(f + c * d * d, m->means + c * d, z, d, x);
}
