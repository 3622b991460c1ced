/*
 * score.c -- `gmix score`: the log-likelihood of data under a model.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const score_manual[] = {
    "NAME\n"
    "       gmix score - log-likelihood of data under a model\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix score MODEL.json DATA [--per-sample] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Prints the mean log-likelihood per row of DATA under the model\n"
    "       (the weighted mean with --weights or --weight-column) as a bare\n"
    "       number with 17 significant digits, so that scripts can read it\n"
    "       and a saved and reloaded model gives identical output. With\n"
    "       --per-sample it prints instead the log density log p(x) of each\n"
    "       row, one per line. DATA must have as many columns as the model\n"
    "       has features.\n"
    "\n"
    "OPTIONS\n"
    "       --per-sample\n"
    "              One log density per row instead of the mean.\n"
    "\n"
    "       -o, --output FILE\n"
    "              Write to this file instead of standard output.\n"
    "\n"
    "       --weights FILE\n"
    "              Weight each row by the value on the same line of FILE.\n"
    "\n"
    "       --weight-column NAME\n"
    "              Read the weights from this column of DATA (a name or a\n"
    "              1-based index).\n"
    "\n" CLI_DATA_OPTIONS_HELP "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix score faithful.json examples/faithful.csv\n"
    "       gmix score m.json test.npy --per-sample > logp.txt\n",
    NULL};

enum {
  OPT_PER_SAMPLE = OPT_FIRST_COMMAND_OPTION,
  OPT_WEIGHTS,
  OPT_WEIGHT_COLUMN
};

/* Compute and print the score(s); the output is opened only once they are
 * known, so a failure leaves no half-written file. */
static int write_scores(const gmix_model *m, const gmix_table *t,
                        const double *w, int per_sample, const char *output) {
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  gmix_error err;
  err.message[0] = '\0';
  FILE *f;
  if (!per_sample) {
    double mean;
    if (gmix_score(m, gmix_table_data(t), n, d, w, &mean, &err) != GMIX_OK)
      return cli_fail(&err);
    if (!(f = cli_open_output(output)))
      return EXIT_DATA;
    cli_print_double(f, mean);
    fputc('\n', f);
    return cli_close_output(f, output, EXIT_OK);
  }
  double *lp = malloc((n ? n : 1) * sizeof *lp);
  if (!lp) {
    cli_error("out of memory for %zu scores", n);
    return EXIT_DATA;
  }
  if (gmix_score_samples(m, gmix_table_data(t), n, d, lp, &err) != GMIX_OK) {
    free(lp);
    return cli_fail(&err);
  }
  if (!(f = cli_open_output(output))) {
    free(lp);
    return EXIT_DATA;
  }
  for (size_t i = 0; i < n; i++) {
    cli_print_double(f, lp[i]);
    fputc('\n', f);
  }
  free(lp);
  return cli_close_output(f, output, EXIT_OK);
}

static int run_score(int argc, char **argv) {
  static const struct option longopts[] = {
      {"per-sample", no_argument, NULL, OPT_PER_SAMPLE},
      {"output", required_argument, NULL, 'o'},
      {"weights", required_argument, NULL, OPT_WEIGHTS},
      {"weight-column", required_argument, NULL, OPT_WEIGHT_COLUMN},
      {"help", no_argument, NULL, 'h'},
      CLI_DATA_LONG_OPTIONS,
      {NULL, 0, NULL, 0}};
  const char *cmd = "score", *output = NULL, *weights_file = NULL;
  gmix_read_options ropt;
  gmix_read_options_init(&ropt);
  int per_sample = 0, c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    int r = cli_data_option(cmd, c, optarg, &ropt);
    if (r < 0)
      return EXIT_USAGE;
    if (r > 0)
      continue;
    switch (c) {
    case OPT_PER_SAMPLE:
      per_sample = 1;
      break;
    case 'o':
      output = optarg;
      break;
    case OPT_WEIGHTS:
      weights_file = optarg;
      break;
    case OPT_WEIGHT_COLUMN:
      ropt.weight_column = optarg;
      break;
    case 'h':
      cli_print_manual(&cli_score, stdout);
      return EXIT_OK;
    default:
      return cli_usage(cmd, "invalid command line");
    }
  }
  if (argc - optind != 2)
    return cli_usage(cmd, "expected MODEL.json and DATA, got %d argument%s",
                     argc - optind, argc - optind == 1 ? "" : "s");
  if (weights_file && ropt.weight_column)
    return cli_usage(cmd, "--weights and --weight-column exclude each other");
  const char *model_path = argv[optind], *data_path = argv[optind + 1];

  gmix_model *m = NULL;
  gmix_table *t = NULL;
  double *wbuf = NULL;
  int rc;
  if ((rc = cli_load_model(model_path, &m)) != EXIT_OK ||
      (rc = cli_read_data(data_path, &ropt, &t)) != EXIT_OK ||
      (rc = cli_check_dimension(m, model_path, t, data_path)) != EXIT_OK)
    goto done;
  const double *w = gmix_table_weights(t);
  if (weights_file) {
    if (gmix_table_dropped_rows(t)) {
      cli_error("--weights cannot be matched to the rows of %s once "
                "--drop-bad-rows has dropped some; use --weight-column",
                data_path);
      rc = EXIT_DATA;
      goto done;
    }
    if ((rc = cli_read_weights(weights_file, gmix_table_rows(t), &wbuf)))
      goto done;
    w = wbuf;
  }
  if (!per_sample && gmix_table_rows(t) == 0) {
    cli_error("%s has no data rows to score", data_path);
    rc = EXIT_DATA;
    goto done;
  }
  rc = write_scores(m, t, w, per_sample, output);
done:
  gmix_model_free(m);
  gmix_table_free(t);
  free(wbuf);
  return rc;
}

const cli_command cli_score = {"score",
                               "print the log-likelihood of data under a model",
                               run_score, score_manual};
