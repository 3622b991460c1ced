/*
 * sample.c -- drawing rows from a mixture.
 *
 * A row picks its component from the weights, then x = mu_k + L_k z with z
 * standard normal and L_k a square-root factor of Sigma_k (the model's
 * own, src/cov, computed once per component). Each row draws from its own
 * stream, seeded by (seed, row), so the output is the same on every
 * platform and for any split of the work.
 */
#include <math.h>
#include <string.h>

#include "cov.h"

gmix_status gmix_sample(const gmix_model *m, size_t n, uint64_t seed, double *x,
                        size_t *labels, gmix_error *err) {
  if (!m || (n > 0 && !x))
    return gmix__error(err, GMIX_EINVAL, "NULL argument");
  size_t k = m->k, d = m->d, nd, ncov;
  if (!gmix__mul(n, d, &nd))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "%zu samples of %zu features overflow size_t", n, d);
  /* Square-root factors of the covariances, once per component. */
  const gmix__cov_model *ops = m->ops;
  ncov = ops->size(k, d);
  double *chol = gmix__malloc(ncov * sizeof *chol);
  if (!chol)
    return gmix__error(err, GMIX_ENOMEM, "out of memory");
  size_t bad = 0;
  if (ops->sample_factor(m, chol, &bad) != GMIX_OK) {
    gmix__free(chol);
    return gmix__error(err, GMIX_ENOTPD,
                       "component %zu: covariance is not positive definite",
                       bad);
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
    ops->sample_row(m, chol, c, z, x + i * d);
    if (labels)
      labels[i] = c;
  }
  (void)nd;
  gmix__free(z);
  gmix__free(chol);
  return GMIX_OK;
}
