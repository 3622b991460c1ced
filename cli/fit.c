/*
 * fit.c -- `gmix fit`: fit a mixture to a data file and save the model.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const fit_manual[] = {
    "NAME\n"
    "       gmix fit - fit a Gaussian mixture to data by EM\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix fit DATA -k K [-o MODEL.json] [OPTIONS]\n"
    "       gmix fit DATA --init-model START.json [-o MODEL.json] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Fits a mixture of K Gaussians to the rows of DATA by expectation-\n"
    "       maximisation, saves it to MODEL.json and prints a summary: the\n"
    "       number of rows n, of features d and of components K, the\n"
    "       covariance type, whether EM converged and after how many\n"
    "       iterations, the mean log-likelihood per row, BIC, AIC and the\n"
    "       time taken. EM stops when the mean log-likelihood changes by less\n"
    "       than --tol, or after --max-iter iterations; not converging is\n"
    "       reported, not an error.\n"
    "\n"
    "OPTIONS\n"
    "   The model\n"
    "       -k, --components K\n"
    "              Number of mixture components (>= 1). Required unless\n"
    "              --init-model gives it.\n"
    "\n"
    "       -c, --covariance TYPE\n"
    "              full (one d x d matrix per component; the default), tied\n"
    "              (one matrix shared by all), diag (per-component variances)\n"
    "              or spherical (one variance per component).\n"
    "\n"
    "       -o, --output MODEL.json\n"
    "              Write the model here (atomically: an existing file is\n"
    "              replaced only once the new one is complete). '-' writes\n"
    "              the JSON to standard output and the summary to standard\n"
    "              error. Without -o the model is not saved.\n"
    "\n",
    "   EM\n"
    "       --init METHOD\n"
    "              How each restart starts: kmeans (k-means++ seeding then\n"
    "              Lloyd iterations; the default), k-means++ (seeding only),\n"
    "              random (random responsibilities), random-from-data (K\n"
    "              random rows as means) or hc (mclust's default start:\n"
    "              model-based agglomerative hierarchical clustering of the\n"
    "              rows, on the data centred, scaled and rotated as mclust\n"
    "              does, down to K clusters; deterministic, so restarts\n"
    "              differ only when it subsamples).\n"
    "\n"
    "       --hc-max-rows N\n"
    "              --init hc clusters at most N rows (default 2000, mclust's\n"
    "              subset): on more it clusters a random subsample of N and\n"
    "              one E-step extends it to every row. Its time and memory\n"
    "              grow as N squared; 0 clusters every row.\n"
    "\n"
    "       --standardize\n"
    "              Run the initialisation (any --init) on the features\n"
    "              centred and scaled to unit standard deviation, so that a\n"
    "              feature in the thousands does not drown one in\n"
    "              hundredths. EM and the model stay in the original units.\n"
    "\n"
    "       --init-model START.json\n"
    "              Start EM from the parameters of this model file instead\n"
    "              (only the required keys need be present): the first E-step\n"
    "              uses exactly its weights, means and covariances. Its K and\n"
    "              covariance type are used unless -k or -c say otherwise,\n"
    "              which must then agree. With --max-iter 0 the model is\n"
    "              evaluated on DATA without being changed.\n"
    "\n"
    "       --n-init N\n"
    "              Run EM from N starting points and keep the best (default\n"
    "              1).\n"
    "\n" CLI_EM_SETTINGS_HELP "\n"
    "       --seed S\n"
    "              Seed of every random choice (default 0). The same seed and\n"
    "              data give the same model on any machine and thread count.\n"
    "\n"
    "       --threads N\n"
    "              Worker threads; 0 (the default) uses all processors.\n"
    "\n",
    CLI_WEIGHT_OPTIONS_HELP "\n",
    CLI_DATA_OPTIONS_HELP
    "\n"
    "   Output\n"
    "       -v, --verbose\n"
    "              Print one line per EM iteration on standard error: the\n"
    "              start, the iteration, the mean log-likelihood, its change\n"
    "              and the time of the iteration. Without it, a fit that runs\n"
    "              longer than a moment shows a progress line when standard\n"
    "              error is a terminal.\n"
    "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n",
    CLI_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "       gmix fit examples/faithful.csv -k 2 -o faithful.json\n"
    "       gmix fit data.npy -k 5 -c diag --n-init 4 --seed 7 -o m.json\n"
    "       gmix fit data.csv -k 4 --init hc --standardize -o m.json\n"
    "       gmix fit data.csv --columns x,y --weight-column w -k 3 -o m.json\n"
    "       gmix fit new.csv --init-model m.json --max-iter 0\n",
    NULL};

enum { OPT_INIT = OPT_FIRST_COMMAND_OPTION, OPT_INIT_MODEL };

typedef struct progress {
  int verbose; /* print every iteration */
  size_t n_init, max_iter;
  cli_progress line;
} progress;

/* The per-iteration callback: a log line with --verbose, else (on a
 * terminal, once the fit has run for a moment) a progress line redrawn in
 * place with a carriage return. Never cancels. */
static int on_iteration(const gmix_iteration *it, void *user) {
  progress *p = user;
  if (p->verbose) {
    fprintf(stderr,
            "gmix: init %zu/%zu  iteration %3zu  log-likelihood %.10g  "
            "change %.3e  %.3f s\n",
            it->init + 1, p->n_init, it->iteration, it->lower_bound, it->change,
            it->seconds);
    return 0;
  }
  if (!cli_progress_due(&p->line))
    return 0;
  fprintf(stderr,
          "\rgmix: init %zu/%zu, iteration %zu/%zu, log-likelihood %.8g, "
          "change %.2e\033[K",
          it->init + 1, p->n_init, it->iteration, p->max_iter, it->lower_bound,
          it->change);
  fflush(stderr);
  return 0;
}

typedef struct fit_args {
  const char *data, *output, *init_model, *weights_file;
  gmix_options opt;
  gmix_read_options ropt;
  int have_k, have_cov, verbose;
} fit_args;

/* Parse the command line into `a`. Returns -1 to go on, else an exit
 * code. */
static int parse_args(int argc, char **argv, fit_args *a) {
  static const struct option longopts[] = {
      CLI_FIT_LONG_OPTIONS,
      {"verbose", no_argument, NULL, 'v'},
      {"init", required_argument, NULL, OPT_INIT},
      {"init-model", required_argument, NULL, OPT_INIT_MODEL},
      {NULL, 0, NULL, 0}};
  const char *cmd = "fit";
  int c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "k:o:c:vh", longopts, NULL)) != -1) {
    switch (c) {
    case 'k':
      if (!cli_parse_count(cmd, "-k", optarg, 1, &a->opt.n_components))
        return EXIT_USAGE;
      a->have_k = 1;
      break;
    case 'o':
      a->output = optarg;
      break;
    case 'c': {
      gmix_error perr;
      if (gmix_covariance_type_parse(optarg, &a->opt.covariance_type,
                                     &perr) != GMIX_OK)
        return cli_usage(cmd, "--covariance: %s", perr.message);
      a->have_cov = 1;
      break;
    }
    case 'v':
      a->verbose = 1;
      break;
    case OPT_INIT:
      if (gmix_init_method_parse(optarg, &a->opt.init, NULL) != GMIX_OK)
        return cli_usage(cmd,
                         "--init must be kmeans, k-means++, random, "
                         "random-from-data or hc, not '%s'",
                         optarg);
      break;
    case OPT_INIT_MODEL:
      a->init_model = optarg;
      break;
    default:
      if ((rc = cli_fit_option(&cli_fit, c, optarg, &a->opt, &a->ropt,
                               &a->weights_file)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_data_operand(cmd, argc, argv, &a->ropt, a->weights_file,
                             &a->data)) != EXIT_OK)
    return rc;
  if (!a->have_k && !a->init_model)
    return cli_usage(cmd, "missing -k K, the number of components");
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_options_validate(&a->opt, &err) != GMIX_OK)
    return cli_usage(cmd, "%s", err.message);
  return -1;
}

/* Reconcile -k and -c with the starting model: they are taken from it
 * when not given, and must agree with it when they are. */
static int use_init_model(fit_args *a, const gmix_model *start) {
  size_t k = gmix_model_n_components(start);
  gmix_covariance_type type = gmix_model_covariance_type(start);
  if (a->have_k && a->opt.n_components != k)
    return cli_usage("fit",
                     "-k %zu disagrees with %s, which has %zu "
                     "components",
                     a->opt.n_components, a->init_model, k);
  if (a->have_cov && a->opt.covariance_type != type)
    return cli_usage("fit",
                     "--covariance %s disagrees with %s, which has %s "
                     "covariances",
                     gmix_covariance_type_name(a->opt.covariance_type),
                     a->init_model, gmix_covariance_type_name(type));
  a->opt.n_components = k;
  a->opt.covariance_type = type;
  a->opt.warm_start = start;
  return -1;
}

static void print_summary(FILE *f, const fit_args *a, const gmix_model *m,
                          size_t n, size_t d, double bic, double aic) {
  gmix_fit_report r;
  r = *gmix_model_report(m);
  fprintf(f, "n               %zu\n", n);
  fprintf(f, "d               %zu\n", d);
  fprintf(f, "K               %zu\n", gmix_model_n_components(m));
  fprintf(f, "covariance      %s\n",
          gmix_covariance_type_name(gmix_model_covariance_type(m)));
  fprintf(f, "converged       %s\n", r.converged ? "yes" : "no");
  fprintf(f, "iterations      %zu\n", r.n_iter);
  if (r.n_init > 1)
    fprintf(f, "best init       %zu of %zu\n", r.best_init + 1, r.n_init);
  if (r.n_reseeds)
    fprintf(f, "re-seeds        %zu\n", r.n_reseeds);
  fprintf(f, "log-likelihood  %.10g (mean per %s)\n", r.log_likelihood,
          a->weights_file || a->ropt.weight_column ? "unit weight" : "row");
  fprintf(f, "BIC             %.10g\n", bic);
  fprintf(f, "AIC             %.10g\n", aic);
  fprintf(f, "seconds         %.3f\n", r.seconds);
  if (a->output && strcmp(a->output, "-") != 0)
    fprintf(f, "model           %s\n", a->output);
}

static int run_fit(int argc, char **argv) {
  fit_args a;
  memset(&a, 0, sizeof a);
  gmix_options_init(&a.opt);
  gmix_read_options_init(&a.ropt);
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0)
    return rc;

  if ((rc = cli_check_output_folder(a.output, "model file")) != EXIT_OK)
    return rc;
  gmix_model *start = NULL, *m = NULL;
  gmix_table *t = NULL;
  double *wbuf = NULL;
  if (a.init_model) {
    if ((rc = cli_load_model(a.init_model, &start)) != EXIT_OK)
      goto done;
    if ((rc = use_init_model(&a, start)) >= 0)
      goto done;
  }
  if ((rc = cli_read_data(a.data, &a.ropt, &t)) != EXIT_OK)
    goto done;
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  const char *data_name = cli_data_name(a.data);
  if (start && (rc = cli_check_dimension(start, a.init_model, t, a.data)))
    goto done;
  if (n < a.opt.n_components) {
    cli_error("%s has %zu data row%s, fewer than the %zu components asked "
              "for",
              data_name, n, n == 1 ? "" : "s", a.opt.n_components);
    rc = EXIT_DATA;
    goto done;
  }
  const double *w;
  if ((rc = cli_sample_weights(t, data_name, a.weights_file, &w, &wbuf)) !=
      EXIT_OK)
    goto done;

  progress p = {a.verbose, a.opt.n_init, a.opt.max_iter, {0}};
  cli_progress_start(&p.line);
  a.opt.callback = on_iteration;
  a.opt.callback_data = &p;
  gmix_error err;
  err.message[0] = '\0';
  gmix_status s = gmix_fit(gmix_table_data(t), n, d, w, &a.opt, &m, &err);
  cli_progress_end(&p.line);
  if (s != GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  cli_name_features(m, t, start);

  double bic = NAN, aic = NAN;
  if (gmix_bic(m, gmix_table_data(t), n, d, w, a.opt.threads, &bic,
               &err) != GMIX_OK ||
      gmix_aic(m, gmix_table_data(t), n, d, w, a.opt.threads, &aic,
               &err) != GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  if (a.output && (rc = cli_write_model(m, a.output)) != EXIT_OK)
    goto done;
  print_summary(a.output && strcmp(a.output, "-") == 0 ? stderr : stdout, &a, m,
                n, d, bic, aic);
  rc = EXIT_OK;
done:
  gmix_model_free(m);
  gmix_model_free(start);
  gmix_table_free(t);
  free(wbuf);
  return rc;
}

const cli_command cli_fit = {"fit",
                             "fit a mixture to a data file and save the model",
                             run_fit, fit_manual};
