/*
 * eii.c -- mclust's EII: Sigma_k = lambda I, one variance shared by every
 * component and feature. Closed form: lambda = tr(sum_k W_k) / (n d).
 */
#include "decomp.h"

/* One variance. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return 1;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 0,
                                 gmix__decomp_equal_volume_identity_shape);
}

const gmix__cov_model gmix__cov_eii = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EII, "EII", GMIX__SCATTER_DIAG, gmix__decomp_from_diagonal)};
