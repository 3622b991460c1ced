/*
 * best_of_10.c -- gmix's best of 10 restarts on a data set, for comparison
 * with scikit-learn's GaussianMixture(n_init=10, tol=1e-6) (best_of_10.py
 * runs both and prints the table).
 *
 * Usage: best_of_10 DATA.csv [KMAX]
 *
 * For each covariance type and K = 1..KMAX (default 6) fits with n_init 10,
 * tol 1e-6, the default k-means initialisation, seed 0 and otherwise the
 * defaults (reg_covar 1e-6 and max_iter 100, as scikit-learn), and prints
 * one line per fit:
 *
 *   covariance K log_likelihood lower_bound n_iter converged best_init
 *
 * log_likelihood is the mean log-likelihood of the returned model on the
 * data (what sklearn's score(X) returns), lower_bound the one at the last
 * E-step of the best restart (sklearn's lower_bound_). A fit that fails
 * prints "error" and the message in place of the numbers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gmix.h"
#include "ref_csv.h"

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s DATA.csv [KMAX]\n", argv[0]);
    return 2;
  }
  size_t kmax = 6;
  if (argc == 3) {
    char *end;
    unsigned long v = strtoul(argv[2], &end, 10);
    if (*end != '\0' || v == 0) {
      fprintf(stderr, "%s: KMAX must be a positive integer\n", argv[0]);
      return 2;
    }
    kmax = (size_t)v;
  }
  double *x;
  size_t n, d;
  if (ref_read_csv(argv[1], &x, &n, &d) != 0)
    return 1;
  const gmix_covariance_type types[] = {GMIX_COV_FULL, GMIX_COV_TIED,
                                        GMIX_COV_DIAG, GMIX_COV_SPHERICAL};
  int status = 0;
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    for (size_t k = 1; k <= kmax; k++) {
      gmix_options opt;
      gmix_options_init(&opt);
      opt.n_components = k;
      opt.covariance_type = types[t];
      opt.n_init = 10;
      opt.tol = 1e-6;
      opt.seed = 0;
      gmix_model *m = NULL;
      gmix_error err;
      gmix_status s = gmix_fit(x, n, d, NULL, &opt, &m, &err);
      const char *name = gmix_covariance_type_name(types[t]);
      if (s != GMIX_OK) {
        printf("%s %zu error %s: %s\n", name, k, gmix_strerror(s), err.message);
        status = 1;
        continue;
      }
      gmix_fit_report rep;
      rep = *gmix_model_report(m);
      printf("%s %zu %.17g %.17g %zu %d %zu\n", name, k, rep.log_likelihood,
             rep.lower_bound, rep.n_iter, rep.converged, rep.best_init);
      gmix_model_free(m);
    }
  }
  free(x);
  return status;
}
