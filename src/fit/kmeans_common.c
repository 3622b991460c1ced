/*
 * kmeans_common.c -- k-means pieces shared by the in-process and the
 * distributed starts (kmeans_common.h).
 */
#include "kmeans_common.h"

double gmix__sqdist(const double *a, const double *b, size_t d) {
  double s = 0.0;
  for (size_t j = 0; j < d; j++) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

size_t gmix__nearest(const double *xi, const double *centres, size_t k,
                     size_t d) {
  size_t best = 0;
  double bd = gmix__sqdist(xi, centres, d);
  for (size_t c = 1; c < k; c++) {
    double dc = gmix__sqdist(xi, centres + c * d, d);
    if (dc < bd) {
      bd = dc;
      best = c;
    }
  }
  return best;
}

size_t gmix__search_cumsum(const double *w, const double *dist, size_t n,
                           double target) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) {
    s += (w ? w[i] : 1.0) * (dist ? dist[i] : 1.0);
    if (s > target)
      return i;
  }
  for (size_t i = n; i-- > 0;)
    if ((w ? w[i] : 1.0) * (dist ? dist[i] : 1.0) > 0.0)
      return i;
  return n - 1;
}
