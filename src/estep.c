/*
 * estep.c -- per-block log-density kernels, one per covariance type, and
 * the row-wise log-sum-exp that turns them into responsibilities.
 *
 * Every density is evaluated through the precision Cholesky factor U_k:
 *   log N(x | k) = -d/2 log(2 pi) + log det U_k - 1/2 ||(x - mu_k)^T U_k||^2
 * For full covariances the products of all K components come from one
 * GEMM per block, (X_B - c0) [U_1 ... U_K], from which the precomputed rows
 * (mu_k - c0) U_k are subtracted; the common centre c0 keeps both terms
 * small so the subtraction loses little. Diagonal and spherical types need
 * only elementwise work, done on the differences x - mu_k directly so that
 * nothing cancels.
 */
#include <math.h>

#include <cblas.h>

#include "engine.h"

/* sum_j (y_j - m_j)^2 with four independent partial sums: the compiler may
 * then use vector lanes without reassociating, and the order of additions
 * is fixed, so results do not depend on the machine's thread count. */
static double sumsq_diff(const double *y, const double *m, size_t d) {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
  size_t j = 0;
  for (; j + 4 <= d; j += 4) {
    double t0 = y[j] - m[j], t1 = y[j + 1] - m[j + 1];
    double t2 = y[j + 2] - m[j + 2], t3 = y[j + 3] - m[j + 3];
    a0 += t0 * t0;
    a1 += t1 * t1;
    a2 += t2 * t2;
    a3 += t3 * t3;
  }
  for (; j < d; j++) {
    double t = y[j] - m[j];
    a0 += t * t;
  }
  return (a0 + a1) + (a2 + a3);
}

/* sum_j ((y_j - m_j) s_j)^2, as sumsq_diff. */
static double sumsq_diff_scaled(const double *y, const double *m,
                                const double *s, size_t d) {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
  size_t j = 0;
  for (; j + 4 <= d; j += 4) {
    double t0 = (y[j] - m[j]) * s[j], t1 = (y[j + 1] - m[j + 1]) * s[j + 1];
    double t2 = (y[j + 2] - m[j + 2]) * s[j + 2];
    double t3 = (y[j + 3] - m[j + 3]) * s[j + 3];
    a0 += t0 * t0;
    a1 += t1 * t1;
    a2 += t2 * t2;
    a3 += t3 * t3;
  }
  for (; j < d; j++) {
    double t = (y[j] - m[j]) * s[j];
    a0 += t * t;
  }
  return (a0 + a1) + (a2 + a3);
}

/* xs = x - c0, row by row. */
static void centre_rows(const double *x, size_t rows, size_t d,
                        const double *c0, double *xs) {
  for (size_t b = 0; b < rows; b++)
    for (size_t j = 0; j < d; j++)
      xs[b * d + j] = x[b * d + j] - c0[j];
}

void gmix__estep_block(const gmix__engine *e, const double *x, size_t rows,
                       double *xs, double *y, double *L) {
  size_t k = e->k, d = e->d;
  switch (e->type) {
  case GMIX_COV_FULL: {
    size_t kd = k * d;
    centre_rows(x, rows, d, e->c0, xs);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)kd,
                (int)d, 1.0, xs, (int)d, e->ucat, (int)kd, 0.0, y, (int)kd);
    for (size_t b = 0; b < rows; b++)
      for (size_t c = 0; c < k; c++)
        L[b * k + c] = e->cst[c] -
                       0.5 * sumsq_diff(y + b * kd + c * d, e->mu_u + c * d, d);
    break;
  }
  case GMIX_COV_TIED:
    centre_rows(x, rows, d, e->c0, xs);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d,
                (int)d, 1.0, xs, (int)d, e->ucat, (int)d, 0.0, y, (int)d);
    for (size_t b = 0; b < rows; b++)
      for (size_t c = 0; c < k; c++)
        L[b * k + c] =
            e->cst[c] - 0.5 * sumsq_diff(y + b * d, e->mu_u + c * d, d);
    break;
  case GMIX_COV_DIAG:
    for (size_t b = 0; b < rows; b++)
      for (size_t c = 0; c < k; c++)
        L[b * k + c] =
            e->cst[c] - 0.5 * sumsq_diff_scaled(x + b * d, e->means + c * d,
                                                e->prec_chol + c * d, d);
    break;
  case GMIX_COV_SPHERICAL:
    for (size_t b = 0; b < rows; b++)
      for (size_t c = 0; c < k; c++) {
        double p = e->prec_chol[c];
        L[b * k + c] =
            e->cst[c] -
            0.5 * (p * p) * sumsq_diff(x + b * d, e->means + c * d, d);
      }
    break;
  }
}

void gmix__logsumexp_rows(double *L, size_t rows, size_t k, double *lp,
                          int resp) {
  for (size_t b = 0; b < rows; b++) {
    double *row = L + b * k;
    double mx = row[0];
    for (size_t c = 1; c < k; c++)
      mx = row[c] > mx ? row[c] : mx;
    /* Every row has a finite maximum: some weight is positive and every
     * log-density of finite data under a positive definite covariance is
     * finite. */
    double sum = 0.0;
    for (size_t c = 0; c < k; c++)
      sum += exp(row[c] - mx);
    double l = mx + log(sum);
    lp[b] = l;
    if (resp)
      for (size_t c = 0; c < k; c++)
        row[c] = exp(row[c] - l);
  }
}
