/*
 * eev.c -- mclust's EEV: Sigma_k = lambda D_k A D_k^T, one volume and shape,
 * each component's own orientation. Closed form: D_k the eigenvectors of
 * W_k, lambda A = sum_k Omega_k / n with Omega_k its eigenvalues in
 * decreasing order.
 */
#include "decomp.h"

/* One volume, one shape and K orientations. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return d + k * d * (d - 1) / 2;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 1,
                                 gmix__decomp_equal_volume_equal_shape);
}

const gmix__cov_model gmix__cov_eev = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EEV, "EEV", GMIX__SCATTER_FULL, gmix__decomp_from_eigen)};
