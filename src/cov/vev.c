/*
 * vev.c -- mclust's VEV: Sigma_k = lambda_k D_k A D_k^T, one shape, each
 * component's own volume and orientation. D_k the eigenvectors of W_k;
 * the volumes and the shape have no closed form and alternate as in VEI,
 * on the eigenvalues (Celeux & Govaert 1995).
 */
#include "decomp.h"

/* K volumes, one shape and K orientations. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return k + d - 1 + k * d * (d - 1) / 2;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 1,
                                 gmix__decomp_variable_volume_equal_shape);
}

const gmix__cov_model gmix__cov_vev = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_VEV, "VEV", GMIX__SCATTER_FULL, gmix__decomp_from_eigen)};
