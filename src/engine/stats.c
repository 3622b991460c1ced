/*
 * stats.c -- sufficient statistics of a block of rows, one accumulation per
 * scatter family (full per component, pooled, diagonal).
 *
 * The statistics of a set of rows under responsibilities r are
 *   N_k = sum_i r_ik,  s1_k = sum_i r_ik (x_i - c_k),
 *   s2_k = sum_i r_ik (x_i - c_k)(x_i - c_k)^T  (or its diagonal),
 * accumulated around a shift c_k, the component's previous mean. Near
 * convergence x_i - c_k is the deviation from the new mean to within a small
 * correction, so the M-step's subtraction N_k delta delta^T loses almost
 * nothing; the textbook sum r x x^T - N mu mu^T from the origin would lose
 * digits in proportion to |mu|^2 / sigma^2.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "engine.h"

int gmix__stats_layout_init(gmix__stats_layout *l, const gmix__cov_model *ops,
                            size_t k, size_t d) {
  size_t kd, scatter = 0;
  if (!gmix__mul(k, d, &kd))
    return 0;
  switch (ops->scatter) {
  case GMIX__SCATTER_FULL:
    if (!gmix__mul(kd, d, &scatter))
      return 0;
    break;
  case GMIX__SCATTER_POOLED:
    if (!gmix__mul(d, d, &scatter))
      return 0;
    break;
  case GMIX__SCATTER_DIAG:
    scatter = kd;
    break;
  }
  l->nk = 2;
  l->s1 = l->nk + k;
  l->s2 = l->s1 + kd;
  l->size = l->s2 + scatter;
  l->mats = ops->scatter == GMIX__SCATTER_FULL     ? k
            : ops->scatter == GMIX__SCATTER_POOLED ? 1
                                                   : 0;
  /* d (d - 1) / 2 fewer doubles per matrix; d^2 did not overflow. */
  l->packed = l->size - l->mats * (d * d - d) / 2;
  return l->s1 >= k && l->s2 >= kd && l->size >= scatter;
}

void gmix__stats_pack(const gmix__stats_layout *l, size_t d, const double *buf,
                      double *out) {
  size_t mat_end = l->s2 + l->mats * d * d;
  memcpy(out, buf, l->s2 * sizeof *out);
  double *o = out + l->s2;
  for (size_t c = 0; c < l->mats; c++)
    for (size_t i = 0; i < d; i++) {
      const double *row = buf + l->s2 + (c * d + i) * d;
      memcpy(o, row + i, (d - i) * sizeof *o);
      o += d - i;
    }
  memcpy(o, buf + mat_end, (l->size - mat_end) * sizeof *o);
}

void gmix__stats_clear_lower(const gmix__stats_layout *l, size_t d,
                             double *buf) {
  for (size_t c = 0; c < l->mats; c++)
    for (size_t i = 1; i < d; i++)
      memset(buf + l->s2 + (c * d + i) * d, 0, i * sizeof *buf);
}

void gmix__stats_unpack(const gmix__stats_layout *l, size_t d, const double *in,
                        double *buf) {
  size_t mat_end = l->s2 + l->mats * d * d;
  memcpy(buf, in, l->s2 * sizeof *buf);
  const double *p = in + l->s2;
  for (size_t c = 0; c < l->mats; c++)
    for (size_t i = 0; i < d; i++) {
      double *row = buf + l->s2 + (c * d + i) * d;
      memset(row, 0, i * sizeof *row);
      memcpy(row + i, p, (d - i) * sizeof *row);
      p += d - i;
    }
  memcpy(buf + mat_end, p, (l->size - mat_end) * sizeof *buf);
}

/* Full: per component, the product Z^T Z of the sqrt(r)-scaled, shifted
 * rows Z. Rows whose responsibility is exactly zero add nothing and are
 * skipped. The product is a GEMM, not a SYRK: it does twice the
 * multiply-adds, but for the small d x d outputs of a block OpenBLAS's
 * GEMM runs without packing its operands and finishes sooner (d = 16 and
 * 32), and no later at d = 128. Its strict lower triangle is cleared
 * once per pass (gmix__stats_clear_lower), not here. */
static void accumulate_full(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2,
                            double *z) {
  size_t k = e->k, d = e->d;
  for (size_t c = 0; c < k; c++) {
    const double *sh = e->shift + c * d;
    double *m1 = s1 + c * d;
    size_t used = 0;
    for (size_t b = 0; b < rows; b++) {
      double rb = r[b * k + c];
      if (rb == 0.0)
        continue;
      double sq = sqrt(rb);
      const double *xb = x + b * d;
      double *zb = z + used * d;
      for (size_t j = 0; j < d; j++) {
        double t = xb[j] - sh[j];
        m1[j] += rb * t;
        zb[j] = sq * t;
      }
      used++;
    }
    if (!used)
      continue;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d,
                (int)used, 1.0, z, (int)d, z, (int)d, 1.0, s2 + c * d * d,
                (int)d);
  }
}

/* Pooled (tied): only the pooled scatter is needed, and every component shares
 * one shift c (the weighted centre of the means, which at convergence is the
 * weighted mean of the data), so sum_k r_bk (x_b - c)(x_b - c)^T is
 * (sum_k r_bk) (x_b - c)(x_b - c)^T: one SYRK per block whatever K. */
static void accumulate_tied(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2,
                            double *z) {
  size_t k = e->k, d = e->d;
  const double *sh = e->shift; /* the same for every component */
  for (size_t b = 0; b < rows; b++) {
    const double *xb = x + b * d, *rb = r + b * k;
    double *zb = z + b * d, rs = 0.0;
    for (size_t c = 0; c < k; c++)
      rs += rb[c];
    double sq = sqrt(rs);
    for (size_t j = 0; j < d; j++)
      zb[j] = xb[j] - sh[j];
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++)
        s1[c * d + j] += rb[c] * zb[j];
    for (size_t j = 0; j < d; j++)
      zb[j] *= sq;
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)rows, 1.0, z,
              (int)d, 1.0, s2, (int)d);
}

/* Diagonal (diag, spherical): first and second moments per feature. For each
 * component, a group of LANES features is summed over the block's rows in
 * vector registers and added to the statistics once per block. */
#define LANES 8
static void accumulate_diag(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2) {
  size_t k = e->k, d = e->d;
  for (size_t c = 0; c < k; c++) {
    const double *sh = e->shift + c * d;
    size_t j0 = 0;
    for (; j0 + LANES <= d; j0 += LANES) {
      double a1[LANES] = {0}, a2[LANES] = {0};
      for (size_t b = 0; b < rows; b++) {
        double rb = r[b * k + c];
        const double *xb = x + b * d + j0;
#pragma omp simd
        for (size_t l = 0; l < LANES; l++) {
          double t = xb[l] - sh[j0 + l], rt = rb * t;
          a1[l] += rt;
          a2[l] += rt * t;
        }
      }
      for (size_t l = 0; l < LANES; l++) {
        s1[c * d + j0 + l] += a1[l];
        s2[c * d + j0 + l] += a2[l];
      }
    }
    for (; j0 < d; j0++) {
      double a1 = 0.0, a2 = 0.0;
      for (size_t b = 0; b < rows; b++) {
        double t = x[b * d + j0] - sh[j0], rt = r[b * k + c] * t;
        a1 += rt;
        a2 += rt * t;
      }
      s1[c * d + j0] += a1;
      s2[c * d + j0] += a2;
    }
  }
}

void gmix__stats_accumulate(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s, double *z) {
  size_t k = e->k;
  double *nk = s + e->layout.nk, *s1 = s + e->layout.s1, *s2 = s + e->layout.s2;
  for (size_t b = 0; b < rows; b++)
    for (size_t c = 0; c < k; c++)
      nk[c] += r[b * k + c];
  switch (e->ops->scatter) {
  case GMIX__SCATTER_FULL:
    accumulate_full(e, x, rows, r, s1, s2, z);
    break;
  case GMIX__SCATTER_POOLED:
    accumulate_tied(e, x, rows, r, s1, s2, z);
    break;
  case GMIX__SCATTER_DIAG:
    accumulate_diag(e, x, rows, r, s1, s2);
    break;
  }
}

void gmix__stats_unscale(gmix__engine *e, const double *mean,
                         const double *scale) {
  size_t k = e->k, d = e->d;
  double *s1 = e->total + e->layout.s1, *s2 = e->total + e->layout.s2;
  /* Deviations from the shift scale with their feature, products of two
   * deviations with both; N_k and the sums of weights do not change. */
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) {
      s1[c * d + j] *= scale[j];
      e->shift[c * d + j] = mean[j] + scale[j] * e->shift[c * d + j];
    }
  for (size_t c = 0; c < e->layout.mats; c++)
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        s2[(c * d + i) * d + j] *= scale[i] * scale[j];
  if (e->ops->scatter == GMIX__SCATTER_DIAG)
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++)
        s2[c * d + j] *= scale[j] * scale[j];
}
