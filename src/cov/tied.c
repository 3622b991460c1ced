/*
 * tied.c -- "tied" (mclust's EEE): one full d x d covariance shared by
 * every component.
 */
#include <string.h>

#include "cov.h"

static size_t size(size_t k, size_t d) {
  size_t n;
  (void)k;
  return gmix__mul(d, d, &n) ? n : 0;
}

static size_t shape(size_t k, size_t d, size_t dims[3]) {
  (void)k;
  dims[0] = d, dims[1] = d;
  return 2;
}

static size_t n_free(size_t k, size_t d) {
  (void)k;
  return d * (d + 1) / 2;
}

/* The shared factor, and its log-determinant for every component. */
static gmix_status factor(gmix_model *m, size_t c) {
  double ld = 0.0;
  (void)c;
  gmix_status st =
      gmix__cov_factor_matrix(m->cov, m->d, m->prec_chol, &ld, m->scratch);
  if (st != GMIX_OK)
    return st;
  for (size_t j = 0; j < m->k; j++)
    m->log_det_chol[j] = ld;
  return GMIX_OK;
}

/* The pooled scatter around the new means, sum_k s2_k - N_k delta_k
 * delta_k^T, over sum_k N_k. The scatter of every component was
 * accumulated into one matrix around a common shift. */
static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  size_t k = m->k, d = m->d;
  const double *nk = in->nk, *s1 = in->s1, *s2 = in->s2;
  double nk_sum = 0.0;
  memset(m->cov, 0, d * d * sizeof *m->cov);
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    const double *delta = in->delta + c * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = i; j < d; j++)
        m->cov[i * d + j] -= nk[c] * delta[i] * delta[j];
    nk_sum += nk[c];
  }
  /* Components flagged empty still hold (tiny) responsibilities; their
   * scatter is in s2 already, so count their N_k too, as scikit-learn's
   * nk.sum() does. Divided before multiplying: s1 s1^T alone overflows
   * once N_k passes about 1e154 (sample weights up to 1e300). */
  for (size_t c = 0; c < k; c++)
    if (bad[c] && nk[c] > 0.0) {
      nk_sum += nk[c];
      for (size_t i = 0; i < d; i++)
        for (size_t j = i; j < d; j++)
          m->cov[i * d + j] -= s1[c * d + i] / nk[c] * s1[c * d + j];
    }
  double inv = 1.0 / nk_sum;
  for (size_t i = 0; i < d; i++)
    for (size_t j = i; j < d; j++) {
      double v = (s2[i * d + j] + m->cov[i * d + j]) * inv;
      if (i == j)
        v += in->reg_covar;
      m->cov[i * d + j] = v;
      m->cov[j * d + i] = v;
    }
  return factor(m, 0) == GMIX_OK ? 0 : -1;
}

static gmix_status from_precisions(gmix_model *m, size_t *bad) {
  gmix__cov_mirror_lower(m->cov, 1, m->d);
  *bad = 0;
  if (gmix__cov_from_precision_matrix(m->cov, m->prec_chol, &m->log_det_chol[0],
                                      m->d) != GMIX_OK)
    return GMIX_ENOTPD;
  for (size_t c = 1; c < m->k; c++)
    m->log_det_chol[c] = m->log_det_chol[0];
  return GMIX_OK;
}

static void symmetrise(gmix_model *m) {
  gmix__cov_mirror_lower(m->cov, 1, m->d);
}

static void precisions(const gmix_model *m, double *out) {
  gmix__cov_precision_matrices(m->prec_chol, 1, m->d, out);
}

static int axis(const gmix_model *m, size_t s, double *v, double *lambda,
                double *work, size_t work_size) {
  (void)s;
  return gmix__top_eigen(m->cov, m->d, v, lambda, work, work_size);
}

/* The covariance is shared: a split moves only the means. */
static void split(gmix_model *m, size_t c, size_t s, const double *v,
                  double shrink) {
  (void)m, (void)c, (void)s, (void)v, (void)shrink;
}

static gmix_status sample_factor(const gmix_model *m, double *f, size_t *bad) {
  return gmix__cov_cholesky_matrices(m->cov, 1, m->d, f, bad);
}

static void sample_row(const gmix_model *m, const double *f, size_t c,
                       const double *z, double *x) {
  gmix__cov_lower_times(f, m->means + c * m->d, z, m->d, x);
}

const gmix__cov_model gmix__cov_tied = {
    .type = GMIX_COV_TIED,
    .name = "tied",
    .mclust_name = "EEE",
    .scatter = GMIX__SCATTER_POOLED,
    .kernel = GMIX__KERNEL_SHARED,
    .shared = 1,
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
