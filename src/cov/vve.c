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

const gmix__cov_model gmix__cov_vve = {
    .type = GMIX_COV_VVE,
    .name = "VVE",
    .mclust_name = "VVE",
    .scatter = GMIX__SCATTER_FULL,
    .n_free = n_free,
    .extra_size = gmix__decomp_extra_size,
    .mstep = mstep,
    .decompose = gmix__decomp_from_common,
    GMIX__COV_MATRICES_OPS,
};
