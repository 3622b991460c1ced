/*
 * fit_faithful.c -- the smallest complete use of libgmix: read a CSV file,
 * fit a two-component full-covariance mixture, print what was found.
 *
 *   fit_faithful examples/faithful.csv
 */
#include <stdio.h>

#include "gmix.h"

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "examples/faithful.csv";
  gmix_error err;
  gmix_table *data = NULL;
  if (gmix_table_read(path, NULL, &data, &err) != GMIX_OK) {
    fprintf(stderr, "fit_faithful: %s\n", err.message);
    return 2;
  }
  size_t n = gmix_table_rows(data), d = gmix_table_cols(data);

  gmix_options opt;
  gmix_options_init(&opt);
  opt.n_components = 2;
  opt.covariance_type = GMIX_COV_FULL;
  gmix_model *model = NULL;
  if (gmix_fit(gmix_table_data(data), n, d, NULL, &opt, &model, &err) !=
      GMIX_OK) {
    fprintf(stderr, "fit_faithful: %s\n", err.message);
    gmix_table_free(data);
    return 3;
  }

  const gmix_fit_report *rep = gmix_model_report(model);
  printf("%zu rows, %zu features: converged=%d after %zu iterations, "
         "mean log-likelihood %.6f\n",
         n, d, rep->converged, rep->n_iter, rep->log_likelihood);
  double w[2], mu[4];
  gmix_model_weights(model, w);
  gmix_model_means(model, mu);
  for (size_t k = 0; k < 2; k++)
    printf("component %zu: weight %.4f, mean (%.4f, %.4f)\n", k, w[k],
           mu[2 * k], mu[2 * k + 1]);
  gmix_model_free(model);
  gmix_table_free(data);
  return 0;
}
