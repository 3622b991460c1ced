/*
 * eve.c -- mclust's EVE: Sigma_k = lambda D A_k D^T, one volume and one
 * orientation, each component's own shape. No closed form: the M-step
 * iterates (Browne & McNicholas 2014; orientation.c).
 */
#include "decomp.h"

/* One volume, K shapes of d - 1 free values, one orientation. */
static size_t n_free(size_t k, size_t d) {
  return 1 + k * (d - 1) + d * (d - 1) / 2;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_common_orientation(m, in, bad, 1);
}

const gmix__cov_model gmix__cov_eve = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_EVE, "EVE", GMIX__SCATTER_FULL, gmix__decomp_from_common)};
