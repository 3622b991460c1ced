/*
 * mstep.c -- parameters from merged sufficient statistics, one rule per
 * covariance type.
 *
 * With N_k, s1_k = sum r (x - c_k) and s2_k = sum r (x - c_k)(x - c_k)^T
 * accumulated around the shift c_k:
 *   delta_k = s1_k / N_k,  mu_k = c_k + delta_k,
 *   Sigma_k = s2_k / N_k - delta_k delta_k^T + reg_covar I,
 *   pi_k    = N_k / sum w.
 * tied pools the scatter of all components over sum_k N_k; diag keeps the
 * diagonal; spherical averages the diagonal over features. These are
 * scikit-learn's estimators, so a fit from the same start follows the same
 * path.
 */
#include <math.h>
#include <string.h>

#include "engine.h"

/* Full covariance of one component from its upper-triangular scatter. */
static void full_cov(const double *s2, const double *delta, double inv,
                     double reg, size_t d, double *cov) {
  for (size_t i = 0; i < d; i++) {
    for (size_t j = i; j < d; j++) {
      double v = s2[i * d + j] * inv - delta[i] * delta[j];
      if (i == j)
        v += reg;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
}

int gmix__mstep(gmix_model *m, const double *s, const gmix__stats_layout *l,
                const double *shift, double weight_total, double reg_covar,
                double min_weight, unsigned char *bad_flags) {
  size_t k = m->k, d = m->d;
  const double *nk = s + l->nk, *s1 = s + l->s1, *s2 = s + l->s2;
  double delta_buf[64];
  double *delta = d <= 64 ? delta_buf : m->scratch; /* d doubles */
  int nbad = 0;
  double nk_sum = 0.0;

  if (m->type == GMIX_COV_TIED)
    memset(m->cov, 0, d * d * sizeof *m->cov);
  for (size_t c = 0; c < k; c++) {
    bad_flags[c] = 0;
    double n_c = nk[c];
    m->weights[c] = n_c / weight_total;
    if (!(n_c > 0.0) || !(n_c >= min_weight * weight_total)) {
      bad_flags[c] = 1;
      nbad++;
      continue;
    }
    double inv = 1.0 / n_c;
    const double *sh = shift + c * d, *m1 = s1 + c * d;
    double *mean = m->means + c * d;
    for (size_t j = 0; j < d; j++) {
      delta[j] = m1[j] * inv;
      mean[j] = sh[j] + delta[j];
    }
    switch (m->type) {
    case GMIX_COV_FULL:
      full_cov(s2 + c * d * d, delta, inv, reg_covar, d, m->cov + c * d * d);
      break;
    case GMIX_COV_TIED:
      /* Pooled scatter around the new means: sum_k s2_k - N_k delta delta^T.
       * The s2 of all components was accumulated into one matrix. */
      for (size_t i = 0; i < d; i++)
        for (size_t j = i; j < d; j++)
          m->cov[i * d + j] -= n_c * delta[i] * delta[j];
      nk_sum += n_c;
      break;
    case GMIX_COV_DIAG:
      for (size_t j = 0; j < d; j++)
        m->cov[c * d + j] =
            s2[c * d + j] * inv - delta[j] * delta[j] + reg_covar;
      break;
    case GMIX_COV_SPHERICAL: {
      double v = 0.0;
      for (size_t j = 0; j < d; j++)
        v += s2[c * d + j] * inv - delta[j] * delta[j] + reg_covar;
      m->cov[c] = v / (double)d;
      break;
    }
    }
  }

  if (m->type == GMIX_COV_TIED) {
    /* Components flagged empty still hold (tiny) responsibilities; their
     * scatter is in s2 already, so count their N_k too, as scikit-learn's
     * nk.sum() does. */
    for (size_t c = 0; c < k; c++)
      if (bad_flags[c] && nk[c] > 0.0) {
        nk_sum += nk[c];
        for (size_t i = 0; i < d; i++)
          for (size_t j = i; j < d; j++)
            m->cov[i * d + j] -= s1[c * d + i] * s1[c * d + j] / nk[c];
      }
    double inv = 1.0 / nk_sum;
    for (size_t i = 0; i < d; i++)
      for (size_t j = i; j < d; j++) {
        double v = (s2[i * d + j] + m->cov[i * d + j]) * inv;
        if (i == j)
          v += reg_covar;
        m->cov[i * d + j] = v;
        m->cov[j * d + i] = v;
      }
    if (gmix__model_update_cholesky(m, NULL) != GMIX_OK)
      return -1;
  } else {
    for (size_t c = 0; c < k; c++)
      if (!bad_flags[c] && gmix__model_update_cholesky_one(m, c) != GMIX_OK) {
        bad_flags[c] = 2;
        nbad++;
      }
  }
  gmix__model_update_log_weights(m);
  return nbad;
}
