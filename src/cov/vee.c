/*
 * vee.c -- mclust's VEE: Sigma_k = lambda_k C with C = D A D^T of
 * determinant one shared by every component, each its own volume. No
 * closed form: the M-step alternates (Celeux & Govaert 1995)
 *   lambda_k = tr(W_k C^-1) / (d N_k),
 *   C = sum_k W_k / lambda_k, normalised to determinant one,
 * from the previous M-step's C (mclust's start C = I the first time),
 * until the objective sum_k N_k d log lambda_k + tr(W_k C^-1) / lambda_k
 * changes by at most mstep_tol relative. tr(W_k C^-1) is tr(L^-1 W_k
 * L^-T) for the Cholesky factor L of C: two triangular solves, no
 * inverse.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "decomp.h"

/* K volumes and one matrix of determinant one. */
static size_t n_free(size_t k, size_t d) {
  return k + d * (d + 1) / 2 - 1;
}

/* tr(L^-1 W L^-T) for the lower factor l of C; x is d x d work space. */
static double trace_solve(const double *l, const double *w, size_t d,
                          double *x) {
  memcpy(x, w, d * d * sizeof *x);
  /* X = L^-1 W, then X = X L^-T. */
  cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
              (int)d, (int)d, 1.0, l, (int)d, x, (int)d);
  cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
              (int)d, (int)d, 1.0, l, (int)d, x, (int)d);
  double t = 0.0;
  for (size_t i = 0; i < d; i++)
    t += x[i * d + i];
  return t;
}

static int mstep(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t k = m->k, d = m->d, first = 0;
  int before = gmix__decomp_count_flags(m, bad);
  gmix__decomp_full_scatter(&v, in, bad);
  /* A component without scatter would have volume zero and an infinite
   * weight in C: it is flagged, and the others fit alone. */
  for (size_t c = 0; c < k; c++) {
    double t = 0.0;
    for (size_t j = 0; j < d && !bad[c]; j++)
      t += v.w[c * d * d + j * d + j];
    if (!bad[c] && !(t > 0.0 && isfinite(t)))
      bad[c] = 2;
  }
  while (first < k && bad[first])
    first++;
  if (first == k)
    return gmix__decomp_count_flags(m, bad) - before;
  /* C in t1 (from the previous decomposition, else I), its factor in t2,
   * work in t3. */
  double *cm = v.t1, *l = v.t2, *x = v.t3;
  memset(cm, 0, d * d * sizeof *cm);
  if (gmix__decomp_has_start(&v)) {
    const double *o = v.orient + first * d * d, *a = v.shape + first * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        for (size_t p = 0; p < d; p++)
          cm[i * d + j] += o[i * d + p] * a[p] * o[j * d + p];
  } else {
    for (size_t j = 0; j < d; j++)
      cm[j * d + j] = 1.0;
  }
  double f_prev = INFINITY;
  size_t it = 0;
  int done = 0, failed = 0;
  while (!done && it < in->max_iter) {
    it++;
    memcpy(l, cm, d * d * sizeof *l);
    if (gmix__cholesky_lower(l, d) != 0) {
      failed = 1;
      break;
    }
    double f = 0.0;
    for (size_t c = 0; c < k; c++) {
      if (bad[c])
        continue;
      double t = trace_solve(l, v.w + c * d * d, d, x);
      v.scale[c] = t / ((double)d * in->nk[c]);
      f += in->nk[c] * (double)d * log(v.scale[c]) + t / v.scale[c];
    }
    memset(cm, 0, d * d * sizeof *cm);
    for (size_t c = 0; c < k; c++)
      if (!bad[c])
        for (size_t e = 0; e < d * d; e++)
          cm[e] += v.w[c * d * d + e] / v.scale[c];
    /* det(C)^(1/d) from its Cholesky factor. */
    memcpy(l, cm, d * d * sizeof *l);
    if (gmix__cholesky_lower(l, d) != 0) {
      failed = 1;
      break;
    }
    double logdet = 0.0;
    for (size_t j = 0; j < d; j++)
      logdet += 2.0 * log(l[j * d + j]);
    double g = exp(logdet / (double)d);
    for (size_t e = 0; e < d * d; e++)
      cm[e] /= g;
    done = !isfinite(f) || gmix__decomp_converged(f, f_prev, in->tol);
    f_prev = f;
  }
  if (!done && !failed && in->n_unconverged)
    (*in->n_unconverged)++;
  /* The decomposition of C: D its eigenvectors, A its eigenvalues. */
  if (failed ||
      gmix__decomp_eigen_of(&v, cm, v.omega, v.orient + first * d * d)) {
    for (size_t c = 0; c < k; c++)
      bad[c] = bad[c] ? bad[c] : 2;
    return gmix__decomp_count_flags(m, bad) - before;
  }
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    memcpy(v.orient + c * d * d, v.orient + first * d * d,
           d * d * sizeof *v.orient);
    memcpy(v.shape + c * d, v.omega, d * sizeof *v.omega);
  }
  gmix__decomp_compose(m, &v, bad);
  return gmix__decomp_count_flags(m, bad) - before;
}

const gmix__cov_model gmix__cov_vee = {GMIX__COV_DECOMP_MODEL(
    GMIX_COV_VEE, "VEE", GMIX__SCATTER_FULL, gmix__decomp_from_common)};
