/*
 * eei.c -- mclust's EEI: Sigma_k = lambda A, one diagonal matrix shared by
 * every component. Closed form: lambda A = diag(sum_k W_k) / n.
 */
#include "decomp.h"

/* One variance per feature. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return d;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 0,
                                 gmix__decomp_equal_volume_equal_shape);
}

const gmix__cov_model gmix__cov_eei = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EEI, "EEI", GMIX__SCATTER_DIAG, gmix__decomp_from_diagonal)};
