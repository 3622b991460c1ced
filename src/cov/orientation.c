/*
 * orientation.c -- the M-step of the models that share one orientation D
 * between components whose shapes differ (EVE, VVE): minimise
 *   sum_k N_k log det Sigma_k + tr(W_k Sigma_k^-1),  Sigma_k = D S_k D^T
 * with S_k diagonal, over orthogonal D and the S_k. No closed form
 * exists; the inner iteration follows Browne & McNicholas (2014): for
 * fixed S_k, two majorisation-minimisation steps for D (each the
 * orthogonal polar factor of a d x d matrix), then the S_k in closed form
 * for that D. Both halves never raise the objective, so the iteration
 * descends until its relative change is at most mstep_tol.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "decomp.h"

/* wd = W_k D for the d x d matrices of component c. */
static void times_d(const gmix__decomp *v, size_t c, const double *o,
                    double *wd) {
  int d = (int)v->d;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0,
              v->w + c * v->d * v->d, d, o, d, 0.0, wd, d);
}

/* One MM step for D (held in o). With s_kj the current diagonal of S_k
 * (held in sig) and alpha_k the largest eigenvalue of W_k:
 *  first:  D <- polar(sum_k (W_k - alpha_k I) D S_k^-1),
 *  second: D <- polar(sum_k W_k D (S_k^-1 - max_j(1/s_kj) I)).
 * Each majorises the objective's trace term by a linear function of D
 * through a bound on W_k or on S_k^-1, which the polar factor minimises.
 * 0 or nonzero when the polar factor fails. */
static int mm_step(gmix__decomp *v, const unsigned char *bad,
                   const double *alpha, const double *sig, double *o,
                   int second) {
  size_t d = v->d;
  double *f = v->t2, *wd = v->t3;
  memset(f, 0, d * d * sizeof *f);
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    const double *s = sig + c * d;
    times_d(v, c, o, wd);
    double top = 0.0;
    for (size_t j = 0; j < d; j++)
      top = fmax(top, 1.0 / s[j]);
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        f[i * d + j] += second
                            ? wd[i * d + j] * (1.0 / s[j] - top)
                            : (wd[i * d + j] - alpha[c] * o[i * d + j]) / s[j];
  }
  return gmix__polar(f, d, o, v->polar, v->polar_size);
}

/* b_kj = (D^T W_k D)_jj into b (K x d). */
static void rotated_scatter(gmix__decomp *v, const unsigned char *bad,
                            const double *o, double *b) {
  size_t d = v->d;
  double *wd = v->t3;
  for (size_t c = 0; c < v->k; c++) {
    if (bad[c])
      continue;
    times_d(v, c, o, wd);
    for (size_t j = 0; j < d; j++) {
      double t = 0.0;
      for (size_t i = 0; i < d; i++)
        t += o[i * d + j] * wd[i * d + j];
      b[c * d + j] = t;
    }
  }
}

/* The largest eigenvalue of W_k into *alpha; 0, or nonzero when it is
 * not positive (no scatter at all) or the solver fails. */
static int top_eigenvalue(const gmix__decomp *v, size_t c, double *alpha) {
  size_t d = v->d;
  if (gmix__sym_eigen(v->w + c * d * d, d, v->eig, v->eig_size) ||
      !(v->eig[d * d + d - 1] > 0.0))
    return 1;
  *alpha = v->eig[d * d + d - 1];
  return 0;
}

/* A component whose rotated scatter b_k has a value that is not positive
 * (a scatter singular along an axis of D, or rounding below zero in a
 * near-empty one) would put a zero in S_k and an infinity in the sums
 * every component shares: flag it, and let the others go on alone. */
static void flag_degenerate(const gmix__decomp *v, const double *b,
                            unsigned char *bad) {
  size_t d = v->d;
  for (size_t c = 0; c < v->k; c++)
    for (size_t j = 0; j < d && !bad[c]; j++)
      if (!(b[c * d + j] > 0.0 && isfinite(b[c * d + j])))
        bad[c] = 2;
}

int gmix__decomp_common_orientation(gmix_model *m, const gmix__mstep_in *in,
                                    unsigned char *bad, int equal_volume) {
  gmix__decomp v = gmix__decomp_of(m);
  size_t k = m->k, d = m->d, first = 0;
  const double *nk = in->nk;
  int before = gmix__decomp_count_flags(m, bad);
  double alpha;
  gmix__decomp_full_scatter(&v, in, bad);
  /* A component without scatter is flagged, and the others fit alone. */
  for (size_t c = 0; c < k; c++)
    if (!bad[c] && top_eigenvalue(&v, c, &alpha))
      bad[c] = 2;
  while (first < k && bad[first])
    first++;
  if (first == k)
    return gmix__decomp_count_flags(m, bad) - before;
  /* Work: D in t1, the diagonals S_k in shape, b_kj in omega, alpha_k in
   * scale until the end. Start from the previous decomposition, else from
   * mclust's start D = I, S_k = I. */
  double *o = v.t1, *sig = v.shape, *b = v.omega, *al = v.scale;
  int start = gmix__decomp_has_start(&v);
  if (start)
    memcpy(o, v.orient + first * d * d, d * d * sizeof *o);
  else {
    memset(o, 0, d * d * sizeof *o);
    for (size_t j = 0; j < d; j++)
      o[j * d + j] = 1.0;
  }
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    for (size_t j = 0; j < d; j++) {
      double *s = &sig[c * d + j];
      /* EVE's S_k is the shape alone: the common volume scales every
       * term of the trace alike and does not move D. */
      if (!start || !(*s > 0.0))
        *s = 1.0;
      else if (!equal_volume)
        *s *= v.scale[c];
    }
    top_eigenvalue(&v, c, &al[c]);
  }
  double f_prev = INFINITY, lambda = 1.0;
  size_t it = 0;
  int done = 0;
  while (!done && it < in->max_iter) {
    double n = 0.0;
    for (size_t c = 0; c < k; c++)
      if (!bad[c])
        n += nk[c];
    if (n == 0.0)
      break;
    it++;
    if (mm_step(&v, bad, al, sig, o, 0) || mm_step(&v, bad, al, sig, o, 1))
      break;
    rotated_scatter(&v, bad, o, b);
    flag_degenerate(&v, b, bad);
    double f = 0.0, t = 0.0;
    for (size_t c = 0; c < k; c++) {
      if (bad[c])
        continue;
      double *s = sig + c * d;
      const double *bc = b + c * d;
      if (equal_volume) {
        double g = 0.0;
        for (size_t j = 0; j < d; j++)
          g += log(bc[j]);
        g = exp(g / (double)d);
        for (size_t j = 0; j < d; j++) {
          s[j] = bc[j] / g;
          t += bc[j] / s[j];
        }
      } else {
        for (size_t j = 0; j < d; j++) {
          s[j] = bc[j] / nk[c];
          f += nk[c] * log(s[j]) + bc[j] / s[j];
        }
      }
    }
    if (equal_volume) {
      /* The volume for these shapes: lambda = sum b / a / (n d). */
      lambda = t / (n * (double)d);
      f = n * (double)d * log(lambda) + t / lambda;
    }
    done = !isfinite(f) || gmix__decomp_converged(f, f_prev, in->tol);
    f_prev = f;
  }
  if (!done && in->n_unconverged)
    (*in->n_unconverged)++;
  for (size_t c = 0; c < k; c++) {
    if (bad[c])
      continue;
    memcpy(v.orient + c * d * d, o, d * d * sizeof *o);
    if (equal_volume)
      v.scale[c] = lambda;
    else {
      double *s = sig + c * d, g = 0.0;
      for (size_t j = 0; j < d; j++)
        g += log(s[j]);
      g = exp(g / (double)d);
      v.scale[c] = g;
      for (size_t j = 0; j < d; j++)
        s[j] /= g;
    }
  }
  gmix__decomp_compose(m, &v, bad);
  return gmix__decomp_count_flags(m, bad) - before;
}
