/*
 * vve.c -- mclust's VVE: Sigma_k = lambda_k D A_k D^T, one orientation,
 * each component's own volume and shape. No closed form: the M-step
 * iterates (Browne & McNicholas 2014; orientation.c), with each S_k =
 * lambda_k A_k the diagonal of D^T W_k D / N_k.
 */
#include "decomp.h"

/* K diagonals of d values and one orientation. */
static size_t n_free(size_t k, size_t d) {
  return k * d + d * (d - 1) / 2;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_common_orientation(m, in, bad, 0);
}

const gmix__cov_model gmix__cov_vve = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_VVE, "VVE", GMIX__SCATTER_FULL, gmix__decomp_from_common)};
