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
 * nothing cancels: K d operations per row, against the K d^2 of full.
 */
#include <math.h>

#include <cblas.h>

#include "engine.h"

/* The kernels accumulate q[k] = sum_j t_jk^2 feature by feature, with the
 * components in the inner loop: the inner loop is contiguous and free of
 * reductions, so it vectorises without reassociating any sum, and every
 * q[k] is summed over j in the same order on every machine and for every
 * thread count. Parameters are stored feature-major (d x K) for this. */

/* xs = x - c0, row by row. */
static void centre_rows(const double *x, size_t rows, size_t d,
                        const double *c0, double *xs) {
  for (size_t b = 0; b < rows; b++)
    for (size_t j = 0; j < d; j++)
      xs[b * d + j] = x[b * d + j] - c0[j];
}

/* L[k] = cst[k] - q[k] / 2 */
static void finish_row(const double *cst, size_t k, double *L) {
#pragma omp simd
  for (size_t c = 0; c < k; c++)
    L[c] = cst[c] - 0.5 * L[c];
}

void gmix__estep_block(const gmix__engine *e, const double *x, size_t rows,
                       double *xs, double *y, double *L) {
  size_t k = e->k, d = e->d, kd = k * d;
  const double *mt = e->mu_t, *pt = e->prec_t;
  switch (e->type) {
  case GMIX_COV_FULL:
    /* One GEMM for all components: y = (X_B - c0) [U_1 ... U_K], with the
     * columns interleaved feature-major (column l K + k is column l of
     * U_k). */
    centre_rows(x, rows, d, e->c0, xs);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)kd,
                (int)d, 1.0, xs, (int)d, e->ucat, (int)kd, 0.0, y, (int)kd);
    for (size_t b = 0; b < rows; b++) {
      double *q = L + b * k;
      const double *yb = y + b * kd;
      for (size_t c = 0; c < k; c++)
        q[c] = 0.0;
      for (size_t j = 0; j < d; j++) {
#pragma omp simd
        for (size_t c = 0; c < k; c++) {
          double t = yb[j * k + c] - mt[j * k + c];
          q[c] += t * t;
        }
      }
      finish_row(e->cst, k, q);
    }
    break;
  case GMIX_COV_TIED:
    centre_rows(x, rows, d, e->c0, xs);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d,
                (int)d, 1.0, xs, (int)d, e->ucat, (int)d, 0.0, y, (int)d);
    for (size_t b = 0; b < rows; b++) {
      double *q = L + b * k;
      const double *yb = y + b * d;
      for (size_t c = 0; c < k; c++)
        q[c] = 0.0;
      for (size_t j = 0; j < d; j++) {
        double v = yb[j];
#pragma omp simd
        for (size_t c = 0; c < k; c++) {
          double t = v - mt[j * k + c];
          q[c] += t * t;
        }
      }
      finish_row(e->cst, k, q);
    }
    break;
  case GMIX_COV_DIAG:
  case GMIX_COV_SPHERICAL:
    /* Differences x - mu are formed before scaling, so nothing cancels. */
    for (size_t b = 0; b < rows; b++) {
      double *q = L + b * k;
      const double *xb = x + b * d;
      for (size_t c = 0; c < k; c++)
        q[c] = 0.0;
      for (size_t j = 0; j < d; j++) {
        double v = xb[j];
#pragma omp simd
        for (size_t c = 0; c < k; c++) {
          double t = (v - mt[j * k + c]) * pt[j * k + c];
          q[c] += t * t;
        }
      }
      finish_row(e->cst, k, q);
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
