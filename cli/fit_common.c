/*
 * fit_common.c -- the options, starting model, progress display, summary
 * and model output shared by `gmix fit` and `gmix-mpi fit`.
 */
#include "fit_common.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
  OPT_INIT = OPT_FIRST_COMMAND_OPTION,
  OPT_INIT_MODEL,
  OPT_N_INIT,
  OPT_MAX_ITER,
  OPT_TOL,
  OPT_REG_COVAR,
  OPT_SEED,
  OPT_THREADS,
  OPT_WEIGHTS,
  OPT_WEIGHT_COLUMN
};

/* How long a fit runs before the progress line appears, and how often it
 * is redrawn: a quick fit should not flash one, and redrawing a terminal
 * line thousands of times a second would slow a fast one down. */
#define PROGRESS_DELAY_SECONDS 0.5
#define PROGRESS_INTERVAL_SECONDS 0.1

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The per-iteration callback: a log line with --verbose, else (on a
 * terminal, once the fit has run for a moment) a progress line redrawn in
 * place with a carriage return. Never cancels. */
static int on_iteration(const gmix_iteration *it, void *user) {
  cli_progress *p = user;
  if (p->verbose) {
    fprintf(stderr,
            "%s: init %zu/%zu  iteration %3zu  log-likelihood %.10g  "
            "change %.3e  %.3f s\n",
            cli_program, it->init + 1, p->n_init, it->iteration,
            it->lower_bound, it->change, it->seconds);
    return 0;
  }
  if (!p->terminal)
    return 0;
  double t = now_seconds();
  if (t - p->start < PROGRESS_DELAY_SECONDS ||
      t - p->last_draw < PROGRESS_INTERVAL_SECONDS)
    return 0;
  p->last_draw = t;
  p->shown = 1;
  fprintf(stderr,
          "\r%s: init %zu/%zu, iteration %zu/%zu, log-likelihood %.8g, "
          "change %.2e\033[K",
          cli_program, it->init + 1, p->n_init, it->iteration, p->max_iter,
          it->lower_bound, it->change);
  fflush(stderr);
  return 0;
}

void cli_progress_start(cli_progress *p, fit_args *a) {
  memset(p, 0, sizeof *p);
  p->verbose = a->verbose;
  p->terminal = isatty(STDERR_FILENO);
  p->n_init = a->opt.n_init;
  p->max_iter = a->opt.max_iter;
  p->start = now_seconds();
  a->opt.callback = on_iteration;
  a->opt.callback_data = p;
}

void cli_progress_end(cli_progress *p) {
  if (p->shown)
    fputs("\r\033[K", stderr);
  p->shown = 0;
}

int cli_fit_parse(const cli_command *command, int argc, char **argv,
                  fit_args *a, int many_data) {
  static const struct option longopts[] = {
      {"components", required_argument, NULL, 'k'},
      {"output", required_argument, NULL, 'o'},
      {"covariance", required_argument, NULL, 'c'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {"init", required_argument, NULL, OPT_INIT},
      {"init-model", required_argument, NULL, OPT_INIT_MODEL},
      {"n-init", required_argument, NULL, OPT_N_INIT},
      {"max-iter", required_argument, NULL, OPT_MAX_ITER},
      {"tol", required_argument, NULL, OPT_TOL},
      {"reg-covar", required_argument, NULL, OPT_REG_COVAR},
      {"seed", required_argument, NULL, OPT_SEED},
      {"threads", required_argument, NULL, OPT_THREADS},
      {"weights", required_argument, NULL, OPT_WEIGHTS},
      {"weight-column", required_argument, NULL, OPT_WEIGHT_COLUMN},
      CLI_DATA_LONG_OPTIONS,
      {NULL, 0, NULL, 0}};
  const char *cmd = command->name;
  int c, rc;
  memset(a, 0, sizeof *a);
  gmix_options_init(&a->opt);
  gmix_read_options_init(&a->ropt);
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
      if (gmix_covariance_type_parse(optarg, &a->opt.covariance_type, &perr) !=
          GMIX_OK)
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
                         "--init must be kmeans, k-means++, random or "
                         "random-from-data, not '%s'",
                         optarg);
      break;
    case OPT_INIT_MODEL:
      a->init_model = optarg;
      break;
    case OPT_N_INIT:
      if (!cli_parse_count(cmd, "--n-init", optarg, 1, &a->opt.n_init))
        return EXIT_USAGE;
      break;
    case OPT_MAX_ITER:
      if (!cli_parse_count(cmd, "--max-iter", optarg, 0, &a->opt.max_iter))
        return EXIT_USAGE;
      break;
    case OPT_TOL:
      if (!cli_parse_double(cmd, "--tol", optarg, 0, &a->opt.tol))
        return EXIT_USAGE;
      break;
    case OPT_REG_COVAR:
      if (!cli_parse_double(cmd, "--reg-covar", optarg, 0, &a->opt.reg_covar))
        return EXIT_USAGE;
      break;
    case OPT_SEED:
      if (!cli_parse_u64(cmd, "--seed", optarg, &a->opt.seed))
        return EXIT_USAGE;
      break;
    case OPT_THREADS:
      if (!cli_parse_count(cmd, "--threads", optarg, 0, &a->opt.threads))
        return EXIT_USAGE;
      break;
    case OPT_WEIGHTS:
      a->weights_file = optarg;
      break;
    case OPT_WEIGHT_COLUMN:
      a->ropt.weight_column = optarg;
      break;
    default:
      if ((rc = cli_common_option(command, c, optarg, &a->ropt)) >= 0)
        return rc;
    }
  }
  if (optind >= argc)
    return cli_usage(cmd, "missing the DATA file");
  if (!many_data && optind + 1 < argc)
    return cli_usage(cmd, "unexpected argument '%s' (only one DATA file)",
                     argv[optind + 1]);
  a->data = argv + optind;
  a->n_data = argc - optind;
  if (!a->have_k && !a->init_model)
    return cli_usage(cmd, "missing -k K, the number of components");
  if (a->weights_file && a->ropt.weight_column)
    return cli_usage(cmd, "--weights and --weight-column exclude each other");
  if (a->weights_file && strcmp(a->weights_file, "-") == 0 &&
      strcmp(a->data[0], "-") == 0)
    return cli_usage(cmd, "DATA and --weights cannot both be standard input");
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_options_validate(&a->opt, &err) != GMIX_OK)
    return cli_usage(cmd, "%s", err.message);
  return -1;
}

int cli_fit_use_init_model(const char *cmd, fit_args *a,
                           const gmix_model *start) {
  size_t k = gmix_model_n_components(start);
  gmix_covariance_type type = gmix_model_covariance_type(start);
  if (a->have_k && a->opt.n_components != k)
    return cli_usage(cmd,
                     "-k %zu disagrees with %s, which has %zu "
                     "components",
                     a->opt.n_components, a->init_model, k);
  if (a->have_cov && a->opt.covariance_type != type)
    return cli_usage(cmd,
                     "--covariance %s disagrees with %s, which has %s "
                     "covariances",
                     gmix_covariance_type_name(a->opt.covariance_type),
                     a->init_model, gmix_covariance_type_name(type));
  a->opt.n_components = k;
  a->opt.covariance_type = type;
  a->opt.warm_start = start;
  return -1;
}

/* A model without names is fine; a failure to copy them (out of memory)
 * is not worth losing the fit over, so it warns. */
void cli_fit_name_features(gmix_model *m, const gmix_table *t,
                           const gmix_model *start) {
  size_t d = gmix_model_n_features(m);
  const char **names = malloc(d * sizeof *names);
  if (!names)
    return;
  int all = 1;
  for (size_t j = 0; j < d && all; j++) {
    names[j] = gmix_table_column_name(t, j);
    if (!names[j] && start)
      names[j] = gmix_model_feature_name(start, j);
    all = names[j] != NULL;
  }
  if (all && gmix_model_set_feature_names(m, names, NULL) != GMIX_OK)
    cli_warn("could not store the feature names in the model");
  free(names);
}

void cli_fit_print_summary(const fit_args *a, const gmix_model *m, size_t n,
                           size_t d, double bic, double aic) {
  FILE *f = a->output && strcmp(a->output, "-") == 0 ? stderr : stdout;
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

int cli_fit_write_model(const gmix_model *m, const char *output) {
  gmix_error err;
  err.message[0] = '\0';
  if (strcmp(output, "-") != 0) {
    if (gmix_model_save(m, output, &err) != GMIX_OK)
      return cli_fail(&err);
    return EXIT_OK;
  }
  char *json = NULL;
  if (gmix_model_to_json(m, &json, &err) != GMIX_OK)
    return cli_fail(&err);
  fputs(json, stdout);
  gmix_free(json);
  return EXIT_OK;
}

/* The model's folder must exist and be writable; the save itself still
 * reports any later failure. */
int cli_fit_check_output_folder(const char *output) {
  if (!output || strcmp(output, "-") == 0)
    return EXIT_OK;
  size_t len = strlen(output);
  char *dir = malloc(len + 2);
  if (!dir)
    return EXIT_OK;
  memcpy(dir, output, len + 1);
  char *slash = strrchr(dir, '/');
  if (!slash)
    strcpy(dir, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  struct stat st;
  int e = 0;
  if (stat(dir, &st) != 0)
    e = errno;
  else if (!S_ISDIR(st.st_mode))
    e = ENOTDIR;
  else if (access(dir, W_OK | X_OK) != 0)
    e = errno;
  int ok = e == 0;
  free(dir);
  if (!ok) {
    cli_error("cannot write model file '%s': %s", output, strerror(e));
    return EXIT_DATA;
  }
  return EXIT_OK;
}
