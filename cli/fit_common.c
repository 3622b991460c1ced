/*
 * fit_common.c -- the command line, starting model, per-iteration display
 * and summary shared by `gmix fit` and `gmix-mpi fit`.
 */
#include "fit_common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_INIT = OPT_FIRST_COMMAND_OPTION, OPT_INIT_MODEL };

/* The per-iteration callback: a log line with --verbose, else (on a
 * terminal, once the fit has run for a moment) a progress line redrawn in
 * place with a carriage return. Never cancels. */
static int on_iteration(const gmix_iteration *it, void *user) {
  fit_progress *p = user;
  if (p->verbose) {
    fprintf(stderr,
            "%s: init %zu/%zu  iteration %3zu  log-likelihood %.10g  "
            "change %.3e  %.3f s\n",
            cli_program, it->init + 1, p->n_init, it->iteration,
            it->lower_bound, it->change, it->seconds);
    return 0;
  }
  if (!cli_progress_due(&p->line))
    return 0;
  fprintf(stderr,
          "\r%s: init %zu/%zu, iteration %zu/%zu, log-likelihood %.8g, "
          "change %.2e\033[K",
          cli_program, it->init + 1, p->n_init, it->iteration, p->max_iter,
          it->lower_bound, it->change);
  fflush(stderr);
  return 0;
}

void cli_fit_progress_start(fit_progress *p, fit_args *a) {
  memset(p, 0, sizeof *p);
  p->verbose = a->verbose;
  p->n_init = a->opt.n_init;
  p->max_iter = a->opt.max_iter;
  cli_progress_start(&p->line);
  a->opt.callback = on_iteration;
  a->opt.callback_data = p;
}

void cli_fit_progress_end(fit_progress *p) {
  cli_progress_end(&p->line);
}

/* The DATA operands left after the options: one, or with `many_data` one
 * or more, checked with the weight options. */
static int data_operands(const char *cmd, int argc, char **argv, fit_args *a,
                         int many_data) {
  if (!many_data) {
    const char *data = NULL;
    int rc =
        cli_data_operand(cmd, argc, argv, &a->ropt, a->weights_file, &data);
    if (rc != EXIT_OK)
      return rc;
  } else if (optind >= argc) {
    return cli_usage(cmd, "missing the DATA file");
  } else {
    int rc =
        cli_check_weight_options(cmd, argv[optind], &a->ropt, a->weights_file);
    if (rc != EXIT_OK)
      return rc;
  }
  a->data = argv + optind;
  a->n_data = argc - optind;
  return EXIT_OK;
}

int cli_fit_parse(const cli_command *command, int argc, char **argv,
                  fit_args *a, int many_data) {
  static const struct option longopts[] = {
      CLI_FIT_LONG_OPTIONS,
      {"verbose", no_argument, NULL, 'v'},
      {"init", required_argument, NULL, OPT_INIT},
      {"init-model", required_argument, NULL, OPT_INIT_MODEL},
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
                         "--init must be kmeans, k-means++, random, "
                         "random-from-data or hc, not '%s'",
                         optarg);
      break;
    case OPT_INIT_MODEL:
      a->init_model = optarg;
      break;
    default:
      if ((rc = cli_fit_option(command, c, optarg, &a->opt, &a->ropt,
                               &a->weights_file)) >= 0)
        return rc;
    }
  }
  if ((rc = data_operands(cmd, argc, argv, a, many_data)) != EXIT_OK)
    return rc;
  if (!a->have_k && !a->init_model)
    return cli_usage(cmd, "missing -k K, the number of components");
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
  if (r.n_mstep_unconverged)
    fprintf(f,
            "M-steps         %zu stopped at --mstep-max-iter before "
            "--mstep-tol\n",
            r.n_mstep_unconverged);
  fprintf(f, "log-likelihood  %.10g (mean per %s)\n", r.log_likelihood,
          a->weights_file || a->ropt.weight_column ? "unit weight" : "row");
  fprintf(f, "BIC             %.10g\n", bic);
  fprintf(f, "AIC             %.10g\n", aic);
  fprintf(f, "seconds         %.3f\n", r.seconds);
  if (a->output && strcmp(a->output, "-") != 0)
    fprintf(f, "model           %s\n", a->output);
}
