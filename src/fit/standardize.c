/*
 * standardize.c -- the data centred and scaled per feature, for an
 * initialisation that should not depend on the units of each feature.
 *
 * k-means and the hierarchical start measure distances or scatter across
 * features, so a feature in the thousands outweighs one in hundredths by
 * a factor of 10^10. Running them on (x - mean) / sd removes the units; the
 * EM driver then maps the start's statistics back (gmix__stats_unscale),
 * so the model stays in the data's own units.
 */
#include <math.h>
#include <string.h>

#include "standardize.h"

void gmix__column_moments(const double *x, size_t n, size_t d, const double *w,
                          double *mean, double *ss, unsigned char *constant) {
  double sum_w = 0.0;
  size_t first = n; /* the first row of positive weight */
  for (size_t j = 0; j < d; j++)
    mean[j] = ss[j] = 0.0;
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    if (!(wi > 0.0))
      continue;
    if (first == n)
      first = i;
    sum_w += wi;
    for (size_t j = 0; j < d; j++)
      mean[j] += wi * x[i * d + j];
  }
  for (size_t j = 0; j < d; j++) {
    mean[j] /= sum_w;
    constant[j] = 1;
  }
  for (size_t i = first; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    if (!(wi > 0.0))
      continue;
    for (size_t j = 0; j < d; j++) {
      double v = x[i * d + j];
      double t = v - mean[j];
      ss[j] += wi * t * t;
      constant[j] &= v == x[first * d + j];
    }
  }
  /* A weighted mean of equal values can differ from them by rounding:
   * give a constant feature its value and no spread, exactly. */
  for (size_t j = 0; j < d; j++)
    if (constant[j]) {
      mean[j] = x[first * d + j];
      ss[j] = 0.0;
    }
}

gmix_status gmix__standardize(const double *x, size_t n, size_t d,
                              const double *w, double sum_w, double **out,
                              double *mean, double *scale, gmix_error *err) {
  int overflow = 0;
  size_t nd = 0;
  double *z = gmix__mul(n, d, &nd)
                  ? gmix__malloc_array(nd, sizeof *z, &overflow)
                  : (overflow = 1, NULL);
  unsigned char *constant = gmix__malloc(d);
  if (!z || !constant) {
    gmix__free(z);
    gmix__free(constant);
    return gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                       "cannot allocate the standardised copy of %zu x %zu "
                       "data",
                       n, d);
  }
  gmix__column_moments(x, n, d, w, mean, scale, constant);
  /* scale[] holds the sums of squares here. A spread too small or too
   * large for a double's range is left unscaled like a constant one. */
  for (size_t j = 0; j < d; j++) {
    double sd = sqrt(scale[j] / sum_w);
    scale[j] = constant[j] || !(sd > 0.0) || !isfinite(sd) ? 1.0 : sd;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      z[i * d + j] = (x[i * d + j] - mean[j]) / scale[j];
  gmix__free(constant);
  *out = z;
  return GMIX_OK;
}
