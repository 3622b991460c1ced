/*
 * linalg.c -- thin wrappers over CBLAS and LAPACKE for the small dense
 * problems of one component: Cholesky factors, the precision factor
 * U = L^{-T}, and the principal axis used by the re-seeding policy.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "internal.h"

int gmix__cholesky_lower(double *a, size_t d) {
  lapack_int info =
      LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, a, (lapack_int)d);
  if (info != 0)
    return info > 0 ? (int)info : -1;
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      a[i * d + j] = 0.0;
  return 0;
}

/* U = L^{-T}: invert the lower factor in place of a copy (a triangular
 * inverse, as every GMM implementation caches) and transpose. The
 * log-determinant of U is -sum log diag(L), read off the factor rather than
 * computed from a determinant. */
int gmix__precision_cholesky(const double *l, size_t d, double *u,
                             double *log_det) {
  double ld = 0.0;
  for (size_t i = 0; i < d; i++) {
    double lii = l[i * d + i];
    if (!(lii > 0.0))
      return 1;
    ld -= log(lii);
  }
  /* Write L into u's storage transposed (upper), then invert the upper
   * triangle: (L^T)^{-1} = L^{-T} = U. */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      u[i * d + j] = j >= i ? l[j * d + i] : 0.0;
  lapack_int info = LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'U', 'N', (lapack_int)d, u,
                                   (lapack_int)d);
  if (info != 0)
    return 1;
  *log_det = ld;
  return 0;
}

/* The principal axis of a covariance: all eigenpairs through dsyev (d is
 * small and this runs only when a component is re-seeded), keep the top. */
int gmix__top_eigen(const double *a, size_t d, double *vec, double *val,
                    double *work) {
  double *m = work;      /* d*d copy, overwritten by the eigenvectors */
  double *w = m + d * d; /* d eigenvalues, ascending                  */
  memcpy(m, a, d * d * sizeof *m);
  lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'L', (lapack_int)d, m,
                                  (lapack_int)d, w);
  if (info != 0)
    return 1;
  for (size_t i = 0; i < d; i++)
    vec[i] = m[i * d + (d - 1)];
  *val = w[d - 1];
  return 0;
}

int gmix__cholesky_inverse(double *a, size_t d) {
  if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, a, (lapack_int)d) !=
      0)
    return 1;
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      a[i * d + j] = a[j * d + i];
  return 0;
}

void gmix__gram(const double *u, size_t d, double *p) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d, (int)d, (int)d,
              1.0, u, (int)d, u, (int)d, 0.0, p, (int)d);
}
