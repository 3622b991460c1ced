/*
 * decomp.c -- the decomposition Sigma_k = lambda_k D_k A_k D_k^T of
 * mclust's constrained models: where it lives in gmix_model.extra, the
 * scatter an M-step starts from, the closed-form volume and shape
 * estimates of Celeux & Govaert (1995), the iterative one for a variable
 * volume with an equal shape, and the way back to covariance matrices.
 */
#include <math.h>
#include <string.h>

#include "decomp.h"

size_t gmix__decomp_extra_size(size_t k, size_t d) {
  size_t kd, kdd, dd, eig = gmix__eigen_work(d), pol = gmix__polar_work(d);
  size_t n = 0;
  if (!gmix__mul(k, d, &kd) || !gmix__mul3(k, d, d, &kdd) ||
      !gmix__mul(d, d, &dd) || eig == 0 || pol == 0)
    return 0;
  const size_t parts[] = {k, kd, kdd, kdd, kd, dd, dd, dd, eig, pol};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    if ((n += parts[i]) < parts[i])
      return 0;
  return n;
}

gmix__decomp gmix__decomp_of(const gmix_model *m) {
  size_t k = m->k, d = m->d;
  gmix__decomp v;
  v.k = k;
  v.d = d;
  v.scale = m->extra;
  v.shape = v.scale + k;
  v.orient = v.shape + k * d;
  v.w = v.orient + k * d * d;
  v.omega = v.w + k * d * d;
  v.t1 = v.omega + k * d;
  v.t2 = v.t1 + d * d;
  v.t3 = v.t2 + d * d;
  v.eig = v.t3 + d * d;
  v.eig_size = gmix__eigen_work(d);
  v.polar = v.eig + v.eig_size;
  v.polar_size = gmix__polar_work(d);
  return v;
}

void gmix__cov_decomposition(const gmix_model *m, double *scale, double *shape,
                             double *orientation) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t k = m->k, d = m->d;
  if (scale)
    memcpy(scale, v.scale, k * sizeof *scale);
  if (shape)
    memcpy(shape, v.shape, k * d * sizeof *shape);
  if (orientation)
    memcpy(orientation, v.orient, k * d * d * sizeof *orientation);
}

void gmix__cov_set_decomposition(gmix_model *m, const double *scale,
                                 const double *shape,
                                 const double *orientation) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t k = m->k, d = m->d;
  memcpy(v.scale, scale, k * sizeof *scale);
  memcpy(v.shape, shape, k * d * sizeof *shape);
  memcpy(v.orient, orientation, k * d * d * sizeof *orientation);
}

int gmix__decomp_has_start(const gmix__decomp *v) {
  return v->scale[0] > 0.0;
}

int gmix__decomp_converged(double f, double f_prev, double tol) {
  return fabs(f - f_prev) <= tol * (1.0 + fabs(f));
}

/* ---- statistics */

void gmix__decomp_diag_scatter(gmix__decomp *v, const gmix__mstep_in *in,
                               const unsigned char *bad) {
  size_t d = v->d;
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    const double n = in->nk[c], *delta = in->delta + c * d;
    for (size_t j = 0; j < d; j++)
      v->omega[c * d + j] =
          in->s2[c * d + j] - n * delta[j] * delta[j] + in->reg_covar * n;
  }
}

void gmix__decomp_full_scatter(gmix__decomp *v, const gmix__mstep_in *in,
                               const unsigned char *bad) {
  size_t d = v->d;
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    const double n = in->nk[c], *delta = in->delta + c * d;
    const double *s2 = in->s2 + c * d * d;
    double *w = v->w + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = i; j < d; j++) {
        double x = s2[i * d + j] - n * delta[i] * delta[j];
        if (i == j)
          x += in->reg_covar * n;
        w[i * d + j] = w[j * d + i] = x;
      }
  }
}

/* Eigenvalues of the symmetric a in decreasing order into val, and their
 * vectors as the columns of vec (d x d row-major). LAPACK gives them in
 * increasing order; runs of equal eigenvalues keep LAPACK's order, so
 * the identity gives D = I (mclust's start). 0 or nonzero. */
int gmix__decomp_eigen_of(const gmix__decomp *v, const double *a, double *val,
                          double *vec) {
  size_t d = v->d, j = 0, hi = d;
  if (gmix__sym_eigen(a, d, v->eig, v->eig_size))
    return 1;
  const double *w = v->eig + d * d;
  while (hi > 0) {
    size_t lo = hi - 1;
    while (lo > 0 && w[lo - 1] == w[hi - 1])
      lo--;
    for (size_t e = lo; e < hi; e++, j++) {
      val[j] = w[e];
      for (size_t i = 0; i < d; i++)
        vec[i * d + j] = v->eig[e * d + i];
    }
    hi = lo;
  }
  return 0;
}

void gmix__decomp_eigen_scatter(gmix__decomp *v, unsigned char *bad) {
  size_t d = v->d;
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c] && gmix__decomp_eigen_of(v, v->w + c * d * d, v->omega + c * d,
                                         v->orient + c * d * d))
      bad[c] = 2;
}

void gmix__decomp_identity_orientation(gmix__decomp *v,
                                       const unsigned char *bad) {
  size_t d = v->d;
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    double *o = v->orient + c * d * d;
    memset(o, 0, d * d * sizeof *o);
    for (size_t j = 0; j < d; j++)
      o[j * d + j] = 1.0;
  }
}

/* ---- volume and shape */

/* The geometric mean of n positive values (the d-th root of a
 * determinant), through logs so that it cannot overflow. */
static double geometric_mean(const double *x, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += log(x[i]);
  return exp(s / (double)n);
}

/* scale_k = geometric mean of sigma, shape_k = sigma / scale_k. */
static void set_volume_shape(gmix__decomp *v, size_t c, const double *sigma) {
  size_t d = v->d;
  double g = geometric_mean(sigma, d);
  v->scale[c] = g;
  for (size_t j = 0; j < d; j++)
    v->shape[c * d + j] = sigma[j] / g;
}

static double total_weight(const gmix__decomp *v, const double *nk,
                           const unsigned char *bad) {
  double n = 0.0;
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c])
      n += nk[c];
  return n;
}

void gmix__decomp_equal_volume_identity_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad) {
  size_t d = v->d;
  const double *nk = in->nk;
  double t = 0.0;
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c])
      for (size_t j = 0; j < d; j++)
        t += v->omega[c * d + j];
  double lambda = t / (total_weight(v, nk, bad) * (double)d);
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    v->scale[c] = lambda;
    for (size_t j = 0; j < d; j++)
      v->shape[c * d + j] = 1.0;
  }
}

void gmix__decomp_equal_volume_equal_shape(gmix__decomp *v,
                                           const gmix__mstep_in *in,
                                           unsigned char *bad) {
  size_t d = v->d;
  double n = total_weight(v, in->nk, bad), *sigma = v->t1;
  for (size_t j = 0; j < d; j++) {
    double s = 0.0;
    for (size_t c = 0; c < v->k; c++)
      if (!bad[c])
        s += v->omega[c * d + j];
    sigma[j] = s / n;
  }
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c])
      set_volume_shape(v, c, sigma);
}

void gmix__decomp_equal_volume_variable_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad) {
  size_t d = v->d;
  double n = total_weight(v, in->nk, bad), t = 0.0;
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c]) {
      set_volume_shape(v, c, v->omega + c * d);
      t += v->scale[c];
    }
  for (size_t c = 0; c < v->k; c++)
    if (!bad[c])
      v->scale[c] = t / n;
}

/* The objective of a variable volume and equal shape,
 * sum_k N_k d log lambda_k + sum_j omega_kj / (lambda_k a_j). */
static double vol_shape_objective(const gmix__decomp *v, const double *nk,
                                  const double *a, const unsigned char *bad) {
  size_t d = v->d;
  double f = 0.0;
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    double t = 0.0;
    for (size_t j = 0; j < d; j++)
      t += v->omega[c * d + j] / a[j];
    f += nk[c] * (double)d * log(v->scale[c]) + t / v->scale[c];
  }
  return f;
}

void gmix__decomp_variable_volume_equal_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad) {
  size_t d = v->d, k = v->k, first = 0;
  const double *nk = in->nk;
  double *a = v->t1, *sum = v->t2;
  /* A component without scatter would have volume zero and take the
   * shared shape with it: it is flagged, and the others fit alone. */
  for (size_t c = 0; c < k; c++) {
    double t = 0.0;
    for (size_t j = 0; j < d && !bad[c]; j++)
      t += v->omega[c * d + j];
    if (!bad[c] && !(t > 0.0 && isfinite(t)))
      bad[c] = 2;
  }
  while (first < k && bad[first])
    first++;
  if (first == k)
    return;
  /* The previous M-step's shape (every component holds the same), else
   * mclust's start A = I. */
  for (size_t j = 0; j < d; j++)
    a[j] = gmix__decomp_has_start(v) && v->shape[first * d + j] > 0.0
               ? v->shape[first * d + j]
               : 1.0;
  double f_prev = INFINITY;
  size_t it = 0;
  int done = 0;
  while (!done && it < in->max_iter) {
    it++;
    for (size_t c = 0; c < k; c++) {
      if (bad[c])
        continue;
      double t = 0.0;
      for (size_t j = 0; j < d; j++)
        t += v->omega[c * d + j] / a[j];
      v->scale[c] = t / ((double)d * nk[c]);
    }
    for (size_t j = 0; j < d; j++) {
      sum[j] = 0.0;
      for (size_t c = 0; c < k; c++)
        if (!bad[c])
          sum[j] += v->omega[c * d + j] / v->scale[c];
    }
    double g = geometric_mean(sum, d);
    for (size_t j = 0; j < d; j++)
      a[j] = sum[j] / g;
    double f = vol_shape_objective(v, nk, a, bad);
    done = !isfinite(f) || gmix__decomp_converged(f, f_prev, in->tol);
    f_prev = f;
  }
  if (!done && in->n_unconverged)
    (*in->n_unconverged)++;
  for (size_t c = 0; c < k; c++)
    if (!bad[c])
      memcpy(v->shape + c * d, a, d * sizeof *a);
}

int gmix__decomp_count_flags(const gmix_model *m, const unsigned char *bad) {
  int n = 0;
  for (size_t c = 0; c < m->k; c++)
    n += bad[c] != 0;
  return n;
}

int gmix__decomp_mstep_axes(gmix_model *m, const gmix__mstep_in *in,
                            unsigned char *bad, int eigen,
                            gmix__decomp_volume_shape volume_shape) {
  gmix__decomp v = gmix__decomp_of(m);
  int before = gmix__decomp_count_flags(m, bad);
  if (eigen) {
    gmix__decomp_full_scatter(&v, in, bad);
    gmix__decomp_eigen_scatter(&v, bad);
  } else {
    gmix__decomp_diag_scatter(&v, in, bad);
    gmix__decomp_identity_orientation(&v, bad);
  }
  volume_shape(&v, in, bad);
  gmix__decomp_compose(m, &v, bad);
  return gmix__decomp_count_flags(m, bad) - before;
}

/* ---- back to matrices */

int gmix__decomp_compose(gmix_model *m, gmix__decomp *v, unsigned char *bad) {
  size_t d = m->d;
  int nbad = 0;
  for (size_t c = 0; c < m->k; c++) {
    if (bad[c])
      continue;
    const double *o = v->orient + c * d * d, *a = v->shape + c * d;
    double lambda = v->scale[c], *cov = m->cov + c * d * d;
    int ok = lambda > 0.0 && isfinite(lambda);
    for (size_t j = 0; j < d; j++)
      ok = ok && a[j] > 0.0 && isfinite(a[j]);
    if (!ok) {
      bad[c] = 2;
      nbad++;
      continue;
    }
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j <= i; j++) {
        double s = 0.0;
        for (size_t p = 0; p < d; p++)
          s += o[i * d + p] * a[p] * o[j * d + p];
        cov[i * d + j] = cov[j * d + i] = lambda * s;
      }
  }
  return nbad + gmix__cov_factor_unflagged(m, bad);
}

/* ---- decompositions of given covariances */

int gmix__decomp_from_diagonal(gmix_model *m) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t d = m->d;
  for (size_t c = 0; c < m->k; c++) {
    for (size_t j = 0; j < d; j++)
      v.t1[j] = m->cov[c * d * d + j * d + j];
    set_volume_shape(&v, c, v.t1);
  }
  memset(v.orient, 0, m->k * d * d * sizeof *v.orient);
  for (size_t c = 0; c < m->k; c++)
    for (size_t j = 0; j < d; j++)
      v.orient[c * d * d + j * d + j] = 1.0;
  return 0;
}

int gmix__decomp_from_eigen(gmix_model *m) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t d = m->d;
  for (size_t c = 0; c < m->k; c++) {
    if (gmix__decomp_eigen_of(&v, m->cov + c * d * d, v.t1,
                              v.orient + c * d * d))
      return 1;
    set_volume_shape(&v, c, v.t1);
  }
  return 0;
}

/* sigma_j = (D^T S D)_jj for a symmetric S and the columns of D. */
static void rotated_diagonal(const double *s, const double *o, size_t d,
                             double *sigma) {
  for (size_t j = 0; j < d; j++) {
    double t = 0.0;
    for (size_t p = 0; p < d; p++)
      for (size_t q = 0; q < d; q++)
        t += o[p * d + j] * s[p * d + q] * o[q * d + j];
    sigma[j] = t;
  }
}

int gmix__decomp_from_common(gmix_model *m) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t d = m->d;
  if (gmix__decomp_eigen_of(&v, m->cov, v.t1, v.orient))
    return 1;
  for (size_t c = 0; c < m->k; c++) {
    memcpy(v.orient + c * d * d, v.orient, d * d * sizeof *v.orient);
    rotated_diagonal(m->cov + c * d * d, v.orient, d, v.t1);
    set_volume_shape(&v, c, v.t1);
  }
  return 0;
}
