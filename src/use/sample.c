/*
 * sample.c -- drawing rows from a mixture.
 *
 * A row picks its component from the weights, then x = mu_k + L_k z with z
 * standard normal and L_k the Cholesky factor of Sigma_k (recomputed here
 * from the covariance, once per component). Each row draws from its own
 * stream, seeded by (seed, row), so the output is the same on every
 * platform and for any split of the work.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

gmix_status gmix_sample(const gmix_model *m, size_t n, uint64_t seed, double *x,
                        size_t *labels, gmix_error *err) {
  if (!m || (n > 0 && !x))
    return gmix__error(err, GMIX_EINVAL, "NULL argument");
  size_t k = m->k, d = m->d, nd, ncov;
  if (!gmix__mul(n, d, &nd))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "%zu samples of %zu features overflow size_t", n, d);
  /* Lower Cholesky factors of the covariances (full, tied); variances
   * need only square roots. */
  double *chol = NULL;
  if (m->type == GMIX_COV_FULL || m->type == GMIX_COV_TIED) {
    ncov = gmix_covariance_size(m->type, k, d);
    chol = gmix__malloc(ncov * sizeof *chol);
    if (!chol)
      return gmix__error(err, GMIX_ENOMEM, "out of memory");
    memcpy(chol, m->cov, ncov * sizeof *chol);
    size_t nmat = m->type == GMIX_COV_FULL ? k : 1;
    for (size_t c = 0; c < nmat; c++)
      if (gmix__cholesky_lower(chol + c * d * d, d) != 0) {
        gmix__free(chol);
        return gmix__error(err, GMIX_ENOTPD,
                           "component %zu: covariance is not positive "
                           "definite",
                           c);
      }
  }
  double *z = gmix__malloc(d * sizeof *z);
  if (!z) {
    gmix__free(chol);
    return gmix__error(err, GMIX_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    gmix__rng rng;
    gmix__rng_seed(&rng, seed, i);
    double u = gmix__rng_uniform(&rng), acc = 0.0;
    size_t c = 0;
    for (; c + 1 < k; c++) {
      acc += m->weights[c];
      if (u < acc)
        break;
    }
    /* Rounding may leave u above the last partial sum: the last component
     * with positive weight takes it. */
    while (c > 0 && m->weights[c] <= 0.0)
      c--;
    for (size_t j = 0; j < d; j++)
      z[j] = gmix__rng_normal(&rng);
    const double *mu = m->means + c * d;
    double *xi = x + i * d;
    switch (m->type) {
    case GMIX_COV_FULL:
    case GMIX_COV_TIED: {
      const double *l = m->type == GMIX_COV_FULL ? chol + c * d * d : chol;
      for (size_t r = 0; r < d; r++) {
        double s = 0.0;
        for (size_t j = 0; j <= r; j++)
          s += l[r * d + j] * z[j];
        xi[r] = mu[r] + s;
      }
      break;
    }
    case GMIX_COV_DIAG:
      for (size_t j = 0; j < d; j++)
        xi[j] = mu[j] + sqrt(m->cov[c * d + j]) * z[j];
      break;
    case GMIX_COV_SPHERICAL:
      for (size_t j = 0; j < d; j++)
        xi[j] = mu[j] + sqrt(m->cov[c]) * z[j];
      break;
    }
    if (labels)
      labels[i] = c;
  }
  (void)nd;
  gmix__free(z);
  gmix__free(chol);
  return GMIX_OK;
}
