/*
 * version.c -- a program built against an installed gmix. It prints
 * gmix_version(), then the mean log-likelihood of the origin under a
 * standard normal model read from JSON: reading the model uses cJSON and
 * LAPACKE's Cholesky factorisation, scoring uses BLAS and OpenMP, so a
 * static link must resolve every private dependency, not just one symbol.
 */
#include <stdio.h>

#include <gmix.h>

static const char model_json[] =
    "{\"format\": \"gmix-model\", \"version\": 1, \"covariance_type\": "
    "\"full\", \"n_components\": 1, \"n_features\": 2, \"weights\": [1.0], "
    "\"means\": [[0.0, 0.0]], \"covariances\": [[[1.0, 0.0], [0.0, 1.0]]]}";

int main(void) {
  printf("%s\n", gmix_version());

  gmix_model *m = NULL;
  gmix_error err;
  if (gmix_model_from_json(model_json, &m, &err) != GMIX_OK) {
    fprintf(stderr, "version: %s\n", err.message);
    return 1;
  }
  const double origin[2] = {0.0, 0.0};
  double ll = 0.0;
  gmix_status st = gmix_score(m, origin, 1, 2, NULL, 1, &ll, &err);
  gmix_model_free(m);
  if (st != GMIX_OK) {
    fprintf(stderr, "version: %s\n", err.message);
    return 1;
  }
  /* log N(0; 0, I) in two dimensions is -log(2 pi) = -1.837877. */
  printf("%.6f\n", ll);
  return 0;
}
