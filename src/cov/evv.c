/*
 * evv.c -- mclust's EVV: Sigma_k = lambda D_k A_k D_k^T, one volume, each
 * component's own shape and orientation. Closed form: Sigma_k = lambda
 * W_k / det(W_k)^(1/d), lambda = sum_k det(W_k)^(1/d) / n.
 */
#include "decomp.h"

/* One volume and K matrices of determinant one. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return 1 + k * (d * (d + 1) / 2 - 1);
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 1,
                                 gmix__decomp_equal_volume_variable_shape);
}

const gmix__cov_model gmix__cov_evv = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EVV, "EVV", GMIX__SCATTER_FULL, gmix__decomp_from_eigen)};
