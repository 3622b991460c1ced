/*
 * evi.c -- mclust's EVI: Sigma_k = lambda A_k, diagonal matrices of one
 * volume and their own shapes. Closed form: A_k = diag(W_k) normalised to
 * determinant one, lambda = sum_k det(diag W_k)^(1/d) / n.
 */
#include "decomp.h"

/* One volume and K shapes. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return 1 + k * (d - 1);
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 0,
                                 gmix__decomp_equal_volume_variable_shape);
}

const gmix__cov_model gmix__cov_evi = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EVI, "EVI", GMIX__SCATTER_DIAG, gmix__decomp_from_diagonal)};
