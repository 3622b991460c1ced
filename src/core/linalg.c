/*
 * linalg.c -- thin wrappers over CBLAS and LAPACKE for the small dense
 * problems of one component: Cholesky factors, the precision factor
 * U = L^{-T}, and the principal axis used by the re-seeding policy.
 *
 * The library keeps matrices row-major. LAPACKE's row-major entry points
 * allocate a transposed copy inside the call (and its high-level ones a
 * work array), and a failure of that allocation would look like a
 * numerical failure. A row-major matrix is the transpose of the same buffer
 * read column-major, so these wrappers call the column-major _work
 * routines on the caller's buffer, transposing in place where the
 * triangle read matters: nothing is allocated, a nonzero result is always
 * numerical, and LAPACK runs the same routine on the same numbers as the
 * row-major entry points did.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "internal.h"

/* a = a^T in place. */
static void transpose(double *a, size_t d) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++) {
      double t = a[i * d + j];
      a[i * d + j] = a[j * d + i];
      a[j * d + i] = t;
    }
}

/* Copy the lower triangle onto the upper: the matrix then reads the same
 * column-major, whose lower triangle is the row-major upper one. */
static void mirror_lower(double *a, size_t d) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      a[i * d + j] = a[j * d + i];
}

int gmix__cholesky_lower(double *a, size_t d) {
  /* The factor lands in the column-major lower triangle, the row-major
   * upper one. */
  mirror_lower(a, d);
  lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)d, a,
                                        (lapack_int)d);
  if (info != 0)
    return info > 0 ? (int)info : -1;
  transpose(a, d);
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
  transpose(u, d); /* column-major upper = U */
  lapack_int info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'U', 'N',
                                        (lapack_int)d, u, (lapack_int)d);
  transpose(u, d);
  if (info != 0)
    return 1;
  *log_det = ld;
  return 0;
}

size_t gmix__eigen_work(size_t d) {
  double a = 0.0, w = 0.0, opt = 0.0;
  /* A workspace query reads neither matrix nor eigenvalues. */
  if (LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)d, &a,
                         (lapack_int)(d ? d : 1), &w, &opt, -1) != 0 ||
      !(opt >= 1.0))
    opt = 3.0 * (double)d;
  size_t lwork = (size_t)opt, n;
  if (!gmix__mul(d, d + 1, &n) || (n += lwork) < lwork)
    return 0;
  return n;
}

/* All eigenpairs through dsyev: d is small (a covariance or a scatter
 * matrix of d features). The eigenvalues land at work + d*d, ascending,
 * and eigenvector j (unit length) in row j of the d x d block at work:
 * column j of the column-major result is row j here. */
int gmix__sym_eigen(const double *a, size_t d, double *work, size_t work_size) {
  double *m = work;      /* d*d copy, overwritten by the eigenvectors */
  double *w = m + d * d; /* d eigenvalues, ascending                  */
  double *lw = w + d;    /* the rest: dsyev's work space              */
  memcpy(m, a, d * d * sizeof *m);
  mirror_lower(m, d);
  lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'L',
                                       (lapack_int)d, m, (lapack_int)d, w, lw,
                                       (lapack_int)(work_size - d * d - d));
  return info != 0;
}

/* The principal axis of a covariance, for the re-seeding policy: the top
 * eigenpair (this runs only when a component is re-seeded). */
int gmix__top_eigen(const double *a, size_t d, double *vec, double *val,
                    double *work, size_t work_size) {
  if (gmix__sym_eigen(a, d, work, work_size))
    return 1;
  memcpy(vec, work + (d - 1) * d, d * sizeof *vec);
  *val = work[d * d + d - 1];
  return 0;
}

int gmix__cholesky_inverse(double *a, size_t d) {
  transpose(a, d); /* column-major lower = L */
  if (LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'L', (lapack_int)d, a,
                          (lapack_int)d) != 0)
    return 1;
  transpose(a, d);
  for (size_t i = 0; i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      a[i * d + j] = a[j * d + i];
  return 0;
}

void gmix__gram(const double *u, size_t d, double *p) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d, (int)d, (int)d,
              1.0, u, (int)d, u, (int)d, 0.0, p, (int)d);
}

/* The polar factor through dgesvd. Read column-major, the row-major
 * buffer of F is F^T = V S U^T, so LAPACK's left vectors are V and its
 * right ones U^T; stored column-major, V^T and U read row-major. Q = U V^T
 * is then the row-major product of LAPACK's "VT" output with its "U"
 * output. */
size_t gmix__polar_work(size_t d) {
  double a = 0.0, s = 0.0, u = 0.0, vt = 0.0, opt = 0.0;
  lapack_int ld = (lapack_int)(d ? d : 1);
  if (LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'A', 'A', (lapack_int)d,
                          (lapack_int)d, &a, ld, &s, &u, ld, &vt, ld, &opt,
                          -1) != 0 ||
      !(opt >= 1.0))
    opt = 5.0 * (double)d;
  size_t lwork = (size_t)opt, dd, n;
  if (!gmix__mul(d, d, &dd) || !gmix__mul(dd, 3, &n) || (n += d) < d ||
      (n += lwork) < lwork)
    return 0;
  return n;
}

int gmix__polar(const double *f, size_t d, double *q, double *work,
                size_t work_size) {
  double *a = work, *lu = a + d * d, *lvt = lu + d * d, *s = lvt + d * d;
  double *lw = s + d;
  memcpy(a, f, d * d * sizeof *a);
  lapack_int info = LAPACKE_dgesvd_work(
      LAPACK_COL_MAJOR, 'A', 'A', (lapack_int)d, (lapack_int)d, a,
      (lapack_int)d, s, lu, (lapack_int)d, lvt, (lapack_int)d, lw,
      (lapack_int)(work_size - 3 * d * d - d));
  if (info != 0)
    return 1;
  /* Row-major: lvt holds U, lu holds V^T. */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)d, (int)d,
              1.0, lvt, (int)d, lu, (int)d, 0.0, q, (int)d);
  return 0;
}
