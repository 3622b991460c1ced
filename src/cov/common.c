/*
 * common.c -- the matrix and variance helpers the covariance-model files
 * share: factorisation to precision Cholesky factors, the inverse path
 * from precisions, and the square-root factors used for sampling.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cov.h"

gmix_status gmix__cov_factor_matrix(const double *cov, size_t d, double *u,
                                    double *log_det, double *scratch) {
  memcpy(scratch, cov, d * d * sizeof *scratch);
  if (gmix__cholesky_lower(scratch, d) != 0)
    return GMIX_ENOTPD;
  if (gmix__precision_cholesky(scratch, d, u, log_det) != 0)
    return GMIX_ENOTPD;
  /* The precision P = U U^T must be representable too: its diagonal
   * bounds every entry (|P_ij| <= sqrt(P_ii P_jj)). A covariance so
   * nearly singular that P overflows is not positive definite in double
   * precision. */
  for (size_t i = 0; i < d; i++) {
    double pii = 0.0;
    for (size_t j = 0; j < d; j++)
      pii += u[i * d + j] * u[i * d + j];
    if (!isfinite(pii))
      return GMIX_ENOTPD;
  }
  return GMIX_OK;
}

gmix_status gmix__cov_factor_variance(double var, double *pc) {
  /* A subnormal variance has a precision 1 / var beyond the largest
   * double: as singular as 0 in double precision. */
  if (!(var >= DBL_MIN) || !isfinite(var))
    return GMIX_ENOTPD;
  *pc = 1.0 / sqrt(var);
  return GMIX_OK;
}

/* The upper factor U with P = U U^T comes from the Cholesky factor of P
 * with rows and columns reversed: if J P J = L L^T then P = (J L J)(J L J)^T
 * and J L J is upper triangular. The covariance P^{-1} comes from the
 * ordinary factor of P. */
gmix_status gmix__cov_from_precision_matrix(double *cov, double *u,
                                            double *log_det, size_t d) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      u[i * d + j] = cov[(d - 1 - i) * d + (d - 1 - j)];
  if (gmix__cholesky_lower(u, d) != 0)
    return GMIX_ENOTPD;
  /* Reverse in place: swapping (i, j) with (d-1-i, d-1-j) turns the lower
   * factor into the upper U. */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) {
      size_t a = i * d + j, b = (d - 1 - i) * d + (d - 1 - j);
      if (a < b) {
        double t = u[a];
        u[a] = u[b];
        u[b] = t;
      }
    }
  double ld = 0.0;
  for (size_t i = 0; i < d; i++)
    ld += log(u[i * d + i]);
  if (gmix__cholesky_lower(cov, d) != 0 || gmix__cholesky_inverse(cov, d) != 0)
    return GMIX_ENOTPD;
  *log_det = ld;
  return GMIX_OK;
}

void gmix__cov_mirror_lower(double *a, size_t n, size_t d) {
  for (size_t c = 0; c < n; c++) {
    double *m = a + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = i + 1; j < d; j++)
        m[i * d + j] = m[j * d + i];
  }
}

void gmix__cov_precision_matrices(const double *u, size_t n, size_t d,
                                  double *p) {
  for (size_t c = 0; c < n; c++)
    gmix__gram(u + c * d * d, d, p + c * d * d);
}

gmix_status gmix__cov_cholesky_matrices(const double *cov, size_t n, size_t d,
                                        double *f, size_t *bad) {
  memcpy(f, cov, n * d * d * sizeof *f);
  for (size_t c = 0; c < n; c++)
    if (gmix__cholesky_lower(f + c * d * d, d) != 0) {
      *bad = c;
      return GMIX_ENOTPD;
    }
  return GMIX_OK;
}

void gmix__cov_lower_times(const double *l, const double *mu, const double *z,
                           size_t d, double *x) {
  for (size_t r = 0; r < d; r++) {
    double s = 0.0;
    for (size_t j = 0; j <= r; j++)
      s += l[r * d + j] * z[j];
    x[r] = mu[r] + s;
  }
}

void gmix__cov_squares(const double *v, size_t n, double *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = v[i] * v[i];
}

gmix_status gmix__cov_invert_variances(double *v, size_t n, size_t *bad) {
  for (size_t i = 0; i < n; i++) {
    if (!(v[i] > 0.0)) {
      *bad = i;
      return GMIX_ENOTPD;
    }
    v[i] = 1.0 / v[i];
  }
  return GMIX_OK;
}

size_t gmix__cov_no_extra(size_t k, size_t d) {
  (void)k, (void)d;
  return 0;
}

int gmix__cov_factor_unflagged(gmix_model *m, unsigned char *bad) {
  int nbad = 0;
  for (size_t c = 0; c < m->k; c++)
    if (!bad[c] && m->ops->factor(m, c) != GMIX_OK) {
      bad[c] = 2;
      nbad++;
    }
  return nbad;
}
