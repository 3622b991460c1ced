/*
 * info.c -- `gmix info`: a readable summary of a model file.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const info_manual[] = {
    "NAME\n"
    "       gmix info - describe a model file\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix info MODEL.json [--history]\n"
    "\n"
    "DESCRIPTION\n"
    "       Prints the shape of the model (components, features and their\n"
    "       names, covariance type, number of free parameters), how it was\n"
    "       fitted (converged or not, iterations, log-likelihood, rows,\n"
    "       time, the log-likelihood after each iteration), and each\n"
    "       component's weight, mean and covariance. The file is fully\n"
    "       validated first, so 'gmix info' also checks a model file.\n"
    "\n"
    "OPTIONS\n"
    "       --history\n"
    "              List the mean log-likelihood after every EM iteration\n"
    "              of the fit, with its change; without it a long history\n"
    "              shows only its first and last iterations.\n"
    "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix info faithful.json\n"
    "       gmix info faithful.json --history\n",
    NULL};

enum { OPT_HISTORY = OPT_FIRST_COMMAND_OPTION };

/* Iterations shown at each end of a long history without --history. */
#define HISTORY_ENDS 5

/* Print a row of numbers, aligned, after a label column. */
static void print_row(const char *label, const double *v, size_t n) {
  printf("  %-12s", label);
  for (size_t j = 0; j < n; j++)
    printf(" %12.6g", v[j]);
  putchar('\n');
}

/* The parameters, component by component. Covariances are shown as the
 * model stores them (gmix_covariance_shape): per component a matrix, a row
 * of variances or one variance; a matrix shared by every component is
 * printed once after the components. */
static void print_covariance(const double *cov, size_t ndim, const size_t *dims,
                             const char *label) {
  if (ndim == 2) { /* one d x d matrix */
    for (size_t i = 0; i < dims[0]; i++)
      print_row(i ? "" : label, cov + i * dims[1], dims[1]);
  } else {
    print_row(label, cov, ndim == 1 ? dims[0] : 1);
  }
}

static int print_components(const gmix_model *m) {
  gmix_covariance_type type = gmix_model_covariance_type(m);
  size_t k = gmix_model_n_components(m), d = gmix_model_n_features(m);
  size_t dims[3];
  int per_component = 1;
  size_t ndim = gmix_covariance_shape(type, k, d, dims, &per_component);
  double *w = malloc(k * sizeof *w);
  double *mu = malloc(k * d * sizeof *mu);
  double *cov = malloc(gmix_covariance_size(type, k, d) * sizeof *cov);
  if (!w || !mu || !cov) {
    free(w), free(mu), free(cov);
    cli_error("out of memory");
    return EXIT_DATA;
  }
  gmix_model_weights(m, w);
  gmix_model_means(m, mu);
  gmix_model_covariances(m, cov);
  /* One component's share: the dimensions after the first. */
  size_t each = 1;
  for (size_t i = 1; i < ndim; i++)
    each *= dims[i];
  for (size_t c = 0; c < k; c++) {
    printf("\ncomponent %zu: weight %.6g\n", c, w[c]);
    print_row("mean", mu + c * d, d);
    if (per_component)
      print_covariance(cov + c * each, ndim - 1, dims + 1,
                       ndim == 3   ? "covariance"
                       : ndim == 2 ? "variances"
                                   : "variance");
  }
  if (!per_component) {
    printf("\nshared covariance:\n");
    print_covariance(cov, ndim, dims, "");
  }
  free(w), free(mu), free(cov);
  return EXIT_OK;
}

/* The fit report and, optionally, the lower bound after each iteration. */
static int print_fit(const gmix_model *m, int history) {
  gmix_fit_report r;
  r = *gmix_model_report(m);
  if (!r.has_fit) {
    printf("fit            none (a model given by its parameters)\n");
    return EXIT_OK;
  }
  printf("fit            %s after %zu iteration%s",
         r.converged ? "converged" : "did not converge", r.n_iter,
         r.n_iter == 1 ? "" : "s");
  if (r.n_init > 1)
    printf(" (best of %zu starts: #%zu)", r.n_init, r.best_init + 1);
  printf("\n");
  printf("rows           %zu (total weight %.10g)\n", r.n_samples,
         r.sum_weights);
  printf("log-likelihood %.10g (mean per row)\n", r.log_likelihood);
  printf("lower bound    %.10g\n", r.lower_bound);
  if (r.n_reseeds)
    printf("re-seeds       %zu\n", r.n_reseeds);
  printf("seconds        %.3f\n", r.seconds);
  size_t nh = gmix_model_history(m, NULL, 0);
  if (nh == 0)
    return EXIT_OK;
  double *h = malloc(nh * sizeof *h);
  if (!h) {
    cli_error("out of memory");
    return EXIT_DATA;
  }
  gmix_model_history(m, h, nh);
  printf("\niteration  log-likelihood      change\n");
  for (size_t i = 0; i < nh; i++) {
    /* A long history is shortened to its ends unless --history asks. */
    if (!history && nh > 2 * HISTORY_ENDS + 1 && i == HISTORY_ENDS) {
      printf("      ...  (%zu more; --history shows all)\n",
             nh - 2 * HISTORY_ENDS);
      i = nh - HISTORY_ENDS - 1;
      continue;
    }
    printf("%9zu  %14.10g", i + 1, h[i]);
    if (i)
      printf("  %10.3e", h[i] - h[i - 1]);
    printf("\n");
  }
  free(h);
  return EXIT_OK;
}

static int run_info(int argc, char **argv) {
  static const struct option longopts[] = {
      {"history", no_argument, NULL, OPT_HISTORY},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *cmd = "info";
  int history = 0, c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_HISTORY:
      history = 1;
      break;
    default:
      if ((rc = cli_common_option(&cli_info, c, optarg, NULL)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_expect_operands(cmd, argc - optind, 1, "one MODEL.json")) !=
      EXIT_OK)
    return rc;
  const char *path = argv[optind];
  gmix_model *m = NULL;
  if ((rc = cli_load_model(path, &m)) != EXIT_OK)
    return rc;
  size_t k = gmix_model_n_components(m), d = gmix_model_n_features(m);
  printf("model          %s\n", path);
  printf("covariance     %s\n",
         gmix_covariance_type_name(gmix_model_covariance_type(m)));
  printf("components     %zu\n", k);
  printf("features       %zu", d);
  if (gmix_model_feature_name(m, 0)) {
    printf(" (");
    for (size_t j = 0; j < d; j++)
      printf("%s%s", j ? ", " : "", gmix_model_feature_name(m, j));
    printf(")");
  }
  printf("\nparameters     %zu\n", gmix_model_n_parameters(m));
  rc = print_fit(m, history);
  if (rc == EXIT_OK)
    rc = print_components(m);
  gmix_model_free(m);
  return rc;
}

const cli_command cli_info = {"info", "describe a model file", run_info,
                              info_manual};
