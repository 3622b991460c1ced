/*
 * full.c -- "full" (mclust's VVV): one unrestricted d x d covariance per
 * component.
 */
#include "cov.h"

static size_t n_free(size_t k, size_t d) {
  return k * d * (d + 1) / 2;
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

const gmix__cov_model gmix__cov_full = {
    .type = GMIX_COV_FULL,
    .name = "full",
    .mclust_name = "VVV",
    .scatter = GMIX__SCATTER_FULL,
    .n_free = n_free,
    .extra_size = gmix__cov_no_extra,
    .mstep = mstep,
    .decompose = NULL,
    GMIX__COV_MATRICES_OPS,
};
