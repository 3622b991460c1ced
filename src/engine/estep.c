/*
 * estep.c -- per-block log-density kernels, one per covariance type, and
 * the row-wise log-sum-exp that turns them into responsibilities.
 *
 * Every density is evaluated through the precision Cholesky factor U_k:
 *   log N(x | k) = -d/2 log(2 pi) + log det U_k - 1/2 ||(x - mu_k)^T U_k||^2
 * For full covariances the products of all K components come from a few
 * GEMMs per block, (X_B - c0) [U_1 ... U_K] in panels that skip the zero
 * triangle of the U_k, from which the precomputed rows
 * (mu_k - c0) U_k are subtracted; the common centre c0 keeps both terms
 * small so the subtraction loses little. Diagonal and spherical types need
 * only elementwise work, done on the differences x - mu_k directly so that
 * nothing cancels: K d operations per row, against the K d^2 of full.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cblas.h>

#include "engine.h"

/* The kernels accumulate q[k] = sum_j t_jk^2 feature by feature for a
 * group of LANES components at a time: the group's partial sums stay in
 * one vector register across all d features, and lanes never mix, so no
 * sum is reassociated: every q[k] is added up over j in the same order on
 * every machine and for every thread count. Parameters are stored
 * feature-major (d x K) so a group's parameters for one feature are
 * contiguous. KERNEL(name, TERM) defines name(y, m, p, k, d, c0, w, q) for
 * components c0 .. c0+w-1 (w <= LANES), TERM being t for lane l of
 * feature j. */
#define LANES 8
#define KERNEL(name, TERM)                                                     \
  static void name(const double *y, const double *m, const double *p,          \
                   size_t k, size_t d, size_t c0, size_t w, double *q) {       \
    double acc[LANES] = {0};                                                   \
    if (w == LANES) {                                                          \
      for (size_t j = 0; j < d; j++)                                           \
        _Pragma("omp simd") for (size_t l = 0; l < LANES; l++) {               \
          double t = (TERM);                                                   \
          acc[l] += t * t;                                                     \
        }                                                                      \
    } else {                                                                   \
      for (size_t j = 0; j < d; j++)                                           \
        for (size_t l = 0; l < w; l++) {                                       \
          double t = (TERM);                                                   \
          acc[l] += t * t;                                                     \
        }                                                                      \
    }                                                                          \
    (void)p;                                                                   \
    for (size_t l = 0; l < w; l++)                                             \
      q[c0 + l] = acc[l];                                                      \
  }

/* full: y is the row of (x - c0) [U_1 ... U_K], feature-major. */
KERNEL(group_full, y[j * k + c0 + l] - m[j * k + c0 + l])
/* tied: y is the row (x - c0) U, shared by all components. */
KERNEL(group_tied, y[j] - m[j * k + c0 + l])
/* diag, spherical: differences x - mu formed before scaling: no
 * cancellation. */
KERNEL(group_diag, (y[j] - m[j * k + c0 + l]) * p[j * k + c0 + l])

typedef void (*group_fn)(const double *y, const double *m, const double *p,
                         size_t k, size_t d, size_t c0, size_t w, double *q);

/* xs = x - c0, row by row. */
static void centre_rows(const double *x, size_t rows, size_t d,
                        const double *c0, double *xs) {
  for (size_t b = 0; b < rows; b++)
    for (size_t j = 0; j < d; j++)
      xs[b * d + j] = x[b * d + j] - c0[j];
}

/* Columns of y per GEMM of the triangular product below: enough for
 * OpenBLAS's kernels to run near their peak (a tuning of speed only; any
 * value gives the same numbers). */
#define PANEL_COLUMNS 128

/* y = xs [U_1 ... U_K] for upper-triangular U_k, columns feature-major
 * (column l K + k is column l of U_k). Column l of every U_k is zero below
 * row l, so the columns of features [l0, l1) need only the first l1
 * features of xs: the product is done in panels of features, each a GEMM
 * whose inner dimension stops at the panel's last feature. With P panels
 * the multiply-adds fall from d^2 to about d^2 (P + 1) / (2 P) per row and
 * component; the terms skipped are exact zeros, so y is the same as the
 * full product's. */
static void triangular_products(const double *xs, size_t rows, size_t d,
                                size_t k, const double *ucat, double *y) {
  size_t kd = k * d;
  size_t width = (PANEL_COLUMNS + k - 1) / k; /* features per panel */
  for (size_t l0 = 0; l0 < d; l0 += width) {
    size_t l1 = d - l0 < width ? d : l0 + width;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                (int)((l1 - l0) * k), (int)l1, 1.0, xs, (int)d, ucat + l0 * k,
                (int)kd, 0.0, y + l0 * k, (int)kd);
  }
}

void gmix__estep_block(const gmix__engine *e, const double *x, size_t rows,
                       double *xs, double *y, double *L) {
  size_t k = e->k, d = e->d, kd = k * d, ystride = d;
  const double *rows_in = x;
  group_fn group = group_diag;
  switch (e->ops->kernel) {
  case GMIX__KERNEL_FULL:
    /* One GEMM for all components: y = (X_B - c0) [U_1 ... U_K], with the
     * columns interleaved feature-major (column l K + k is column l of
     * U_k). */
    centre_rows(x, rows, d, e->c0, xs);
    triangular_products(xs, rows, d, k, e->ucat, y);
    rows_in = y;
    ystride = kd;
    group = group_full;
    break;
  case GMIX__KERNEL_SHARED:
    centre_rows(x, rows, d, e->c0, xs);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d,
                (int)d, 1.0, xs, (int)d, e->ucat, (int)d, 0.0, y, (int)d);
    rows_in = y;
    group = group_tied;
    break;
  case GMIX__KERNEL_DIAG:
    break;
  case GMIX__KERNEL_ISOTROPIC:
    /* One variance per component: sum the unscaled squares, scale once. */
    group = group_tied;
    break;
  }
  for (size_t b = 0; b < rows; b++) {
    double *q = L + b * k;
    for (size_t c0 = 0; c0 < k; c0 += LANES)
      group(rows_in + b * ystride, e->mu_t, e->prec_t, k, d, c0,
            k - c0 < LANES ? k - c0 : LANES, q);
    if (e->ops->kernel == GMIX__KERNEL_ISOTROPIC)
      for (size_t c = 0; c < k; c++)
        q[c] *= e->prec_t[c]; /* 1 / sigma_k^2 */
    /* L = log pi + log det U - d/2 log 2 pi - q / 2 */
    for (size_t c = 0; c < k; c++)
      q[c] = e->cst[c] - 0.5 * q[c];
  }
}

/* exp of every element of v[n] (all <= about 1), in a form the compiler
 * vectorises: x = k ln 2 + r with k = round(x / ln 2) and |r| <= ln 2 / 2
 * (ln 2 split in two parts so that k ln 2 is exact), exp(r) by its Taylor
 * series to degree 12 (truncation below 2e-16 relative), and 2^k put
 * straight into the exponent bits. Arguments below EXP_UNDERFLOW, where
 * the result would be subnormal (< 2.3e-308), give 0: a responsibility that
 * small is zero to every digit that matters. The library's libm exp has no
 * vector form without -ffast-math, which gmix does not use. */
#define EXP_UNDERFLOW (-708.0)
static void exp_array(double *v, size_t n) {
  const double log2e = 1.4426950408889634074;
  const double ln2_hi = 6.93147180369123816490e-01; /* exact in 32 bits */
  const double ln2_lo = 1.90821492927058770002e-10;
  const double shifter = 6755399441055744.0; /* 1.5 * 2^52: rounds to int */
#pragma omp simd
  for (size_t i = 0; i < n; i++) {
    double x = v[i];
    /* NaN (a log-density that overflowed) gives 0 too: converting it to
     * an integer below would be undefined. The caller sees the overflow in
     * the log-likelihood, which stays non-finite. */
    int under = !(x >= EXP_UNDERFLOW);
    x = under ? 0.0 : x;
    double kd = (x * log2e + shifter) - shifter;
    double r = (x - kd * ln2_hi) - kd * ln2_lo;
    double p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int64_t k = (int64_t)kd;
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    v[i] = under ? 0.0 : p * scale;
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
    lp[b] = mx;
    for (size_t c = 0; c < k; c++)
      row[c] -= mx;
  }
  exp_array(L, rows * k);
  for (size_t b = 0; b < rows; b++) {
    double *row = L + b * k;
    double sum = 0.0;
    for (size_t c = 0; c < k; c++)
      sum += row[c];
    lp[b] += log(sum);
    if (resp) {
      /* exp(L - lp) = exp(L - max) / sum: no second exponential. */
      double inv = 1.0 / sum;
      for (size_t c = 0; c < k; c++)
        row[c] *= inv;
    }
  }
}
