/*
 * mstep.c -- new parameters from merged sufficient statistics.
 *
 * With N_k, s1_k = sum r (x - c_k) and the scatter accumulated around the
 * shift c_k:
 *   pi_k    = N_k / sum w,
 *   delta_k = s1_k / N_k,  mu_k = c_k + delta_k,
 * and the covariances by the model's own rule (src/cov), e.g. for full
 *   Sigma_k = s2_k / N_k - delta_k delta_k^T + reg_covar I.
 * These are scikit-learn's estimators, so a fit from the same start follows
 * the same path.
 */
#include <string.h>

#include <omp.h>

#include "cov.h"
#include "engine.h"

int gmix__mstep(gmix_model *m, const double *s, const gmix__stats_layout *l,
                const double *shift, double weight_total,
                const gmix__mstep_ctl *ctl, const unsigned char *exempt,
                double *delta, unsigned char *bad_flags) {
  double min_weight = ctl->min_weight;
  size_t k = m->k, d = m->d;
  const double *nk = s + l->nk, *s1 = s + l->s1;
  int nbad = 0;
  for (size_t c = 0; c < k; c++) {
    bad_flags[c] = 0;
    double n_c = nk[c];
    m->weights[c] = n_c / weight_total;
    double floor = exempt && exempt[c] ? 0.0 : min_weight * weight_total;
    if (!(n_c > 0.0) || !(n_c >= floor)) {
      bad_flags[c] = 1;
      nbad++;
      continue;
    }
    double inv = 1.0 / n_c;
    const double *sh = shift + c * d, *m1 = s1 + c * d;
    double *mean = m->means + c * d, *dc = delta + c * d;
    for (size_t j = 0; j < d; j++) {
      dc[j] = m1[j] * inv;
      mean[j] = sh[j] + dc[j];
    }
  }
  gmix__mstep_in in = {.nk = nk,
                       .s1 = s1,
                       .s2 = s + l->s2,
                       .delta = delta,
                       .reg_covar = ctl->reg_covar,
                       .tol = ctl->tol,
                       .max_iter = ctl->max_iter,
                       .n_unconverged = ctl->n_unconverged};
  /* The M-steps of mclust's models make many LAPACK and BLAS calls on
   * d x d matrices (eigen-decompositions, polar factors): in a team of one
   * thread, as engine/reduce.c does, so that the OpenMP OpenBLAS does not
   * start (and spin-wait on) its own threads for each. */
  int more = 0;
#pragma omp parallel num_threads(1)
  {
    omp_set_num_threads(1);
    more = m->ops->mstep(m, &in, bad_flags);
  }
  if (more < 0)
    return -1;
  gmix__model_update_log_weights(m);
  return nbad + more;
}
