/*
 * marginal.c -- what the pictures need from a model, through the public
 * API only: its parameters copied out once, any entry of a component's
 * covariance, the exact marginal mixture over some features, and the most
 * probable component and uncertainty of each data row.
 *
 * Covariance entries are read through the array shape the library
 * reports (gmix_covariance_shape), not by covariance type, so any model
 * the library registers is drawn: a d x d matrix per component or shared,
 * d variances, or one variance.
 */
#include "plot.h"

#include <stdlib.h>
#include <string.h>

/* calloc of n x m doubles, checked. */
static double *doubles(size_t n, size_t m) {
  if (m && n > SIZE_MAX / sizeof(double) / m)
    return NULL;
  return calloc(n && m ? n * m : 1, sizeof(double));
}

int plot_model_read(plot_model *pm, const gmix_model *m) {
  memset(pm, 0, sizeof *pm);
  pm->m = m;
  pm->k = gmix_model_n_components(m);
  pm->d = gmix_model_n_features(m);
  gmix_covariance_type type = gmix_model_covariance_type(m);
  size_t dims[3];
  size_t rank =
      gmix_covariance_shape(type, pm->k, pm->d, dims, &pm->per_component);
  size_t ncov = gmix_covariance_size(type, pm->k, pm->d);
  pm->cov_rank = rank - (pm->per_component ? 1 : 0);
  pm->weights = doubles(pm->k, 1);
  pm->means = doubles(pm->k, pm->d);
  pm->cov = doubles(ncov, 1);
  if (rank == 0 || ncov == 0 || pm->cov_rank > 2 || !pm->weights ||
      !pm->means || !pm->cov) {
    plot_model_free(pm);
    cli_error("out of memory for the parameters of a model of %zu "
              "components in %zu dimensions",
              gmix_model_n_components(m), gmix_model_n_features(m));
    return EXIT_DATA;
  }
  gmix_model_weights(m, pm->weights);
  gmix_model_means(m, pm->means);
  gmix_model_covariances(m, pm->cov);
  return EXIT_OK;
}

void plot_model_free(plot_model *pm) {
  free(pm->weights);
  free(pm->means);
  free(pm->cov);
  memset(pm, 0, sizeof *pm);
}

double plot_model_cov(const plot_model *pm, size_t k, size_t a, size_t b) {
  size_t d = pm->d;
  size_t per = pm->cov_rank == 2 ? d * d : pm->cov_rank == 1 ? d : 1;
  const double *c = pm->cov + (pm->per_component ? k * per : 0);
  if (pm->cov_rank == 2)
    return c[a * d + b];
  if (a != b)
    return 0;
  return pm->cov_rank == 1 ? c[a] : c[0];
}

int plot_marginal(const plot_model *pm, const size_t *dims, size_t nd,
                  size_t comp, gmix_model **out) {
  size_t first = comp < pm->k ? comp : 0, kk = comp < pm->k ? 1 : pm->k;
  double *w = doubles(kk, 1), *mu = doubles(kk, nd), *cov = NULL;
  if (nd && kk && nd > SIZE_MAX / nd / kk / sizeof(double))
    goto nomem;
  cov = doubles(kk * nd, nd);
  if (!w || !mu || !cov)
    goto nomem;
  for (size_t c = 0; c < kk; c++) {
    size_t k = first + c;
    w[c] = comp < pm->k ? 1 : pm->weights[k];
    for (size_t a = 0; a < nd; a++) {
      mu[c * nd + a] = pm->means[k * pm->d + dims[a]];
      for (size_t b = 0; b < nd; b++)
        cov[(c * nd + a) * nd + b] = plot_model_cov(pm, k, dims[a], dims[b]);
    }
  }
  gmix_error err;
  err.message[0] = '\0';
  gmix_status s =
      gmix_model_create(GMIX_COV_FULL, kk, nd, w, mu, cov, out, &err);
  free(w);
  free(mu);
  free(cov);
  return s == GMIX_OK ? EXIT_OK : cli_fail(&err);
nomem:
  free(w);
  free(mu);
  free(cov);
  cli_error("out of memory for a marginal model");
  return EXIT_DATA;
}

int plot_log_density(const gmix_model *m, const double *x, size_t n, size_t d,
                     size_t threads, double *out) {
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_score_samples(m, x, n, d, threads, out, &err) != GMIX_OK)
    return cli_fail(&err);
  return EXIT_OK;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The quantiles of the uncertainty over the rows of positive weight
 * (the lower order statistic at each probability). */
static int uncertainty_quantiles(plot_data *pd) {
  double *u = doubles(pd->n, 1);
  if (!u) {
    cli_error("out of memory for the uncertainty of %zu rows", pd->n);
    return EXIT_DATA;
  }
  size_t m = 0;
  for (size_t i = 0; i < pd->n; i++)
    if (!pd->w || pd->w[i] > 0)
      u[m++] = pd->uncertainty[i];
  qsort(u, m, sizeof *u, compare_doubles);
  const double p[2] = {PLOT_UNCERTAIN_Q1, PLOT_UNCERTAIN_Q2};
  for (int q = 0; q < 2; q++)
    pd->uncertainty_q[q] = m ? u[(size_t)(p[q] * (double)(m - 1))] : 0;
  free(u);
  return EXIT_OK;
}

int plot_data_classify(plot_data *pd, const plot_model *pm, size_t threads) {
  size_t n = pd->n, k = pm->k;
  double *r = doubles(n, k);
  pd->labels = calloc(n ? n : 1, sizeof *pd->labels);
  pd->uncertainty = doubles(n, 1);
  if (!r || !pd->labels || !pd->uncertainty) {
    free(r);
    cli_error("out of memory for the responsibilities of %zu rows", n);
    return EXIT_DATA;
  }
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_predict(pm->m, pd->x, n, pd->d, threads, pd->labels, &err) !=
          GMIX_OK ||
      gmix_predict_proba(pm->m, pd->x, n, pd->d, threads, r, &err) != GMIX_OK) {
    free(r);
    return cli_fail(&err);
  }
  for (size_t i = 0; i < n; i++)
    pd->uncertainty[i] = 1 - r[i * k + pd->labels[i]];
  free(r);
  return uncertainty_quantiles(pd);
}

void plot_data_free(plot_data *pd) {
  free(pd->labels);
  free(pd->uncertainty);
  if (pd->names)
    for (size_t j = 0; j < pd->d; j++)
      free(pd->names[j]);
  free(pd->names);
  memset(pd, 0, sizeof *pd);
}
