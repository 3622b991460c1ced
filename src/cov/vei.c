/*
 * vei.c -- mclust's VEI: Sigma_k = lambda_k A, diagonal matrices of one
 * shape and their own volumes. No closed form: the M-step alternates
 * between the volumes and the shape (Celeux & Govaert 1995).
 */
#include "decomp.h"

/* K volumes and a shape of d - 1 free values. */
static size_t n_free(size_t k, size_t d) {
  (void)k, (void)d;
  return k + d - 1;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  return gmix__decomp_mstep_axes(m, in, bad, 0,
                                 gmix__decomp_variable_volume_equal_shape);
}

const gmix__cov_model gmix__cov_vei = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_VEI, "VEI", GMIX__SCATTER_DIAG, gmix__decomp_from_diagonal)};
