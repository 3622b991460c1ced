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
    "\n" CLI_WEIGHT_OPTIONS_HELP "\n" CLI_DATA_OPTIONS_HELP "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix score faithful.json examples/faithful.csv\n"
    "       gmix score m.json test.npy --per-sample > logp.txt\n",
    NULL};

enum { OPT_PER_SAMPLE = OPT_FIRST_COMMAND_OPTION };

/* What score writes: n numbers, one per line. */
typedef struct scores {
  size_t n;
  const double *v;
} scores;

static void print_scores(FILE *f, const void *data) {
  const scores *sc = data;
  for (size_t i = 0; i < sc->n; i++) {
    cli_print_double(f, sc->v[i]);
    fputc('\n', f);
  }
}

/* Compute and print the score(s); the output is opened only once they are
 * known, so a failure leaves no half-written file. */
static int write_scores(const gmix_model *m, const gmix_table *t,
                        const double *w, int per_sample, const char *output) {
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  gmix_error err;
  err.message[0] = '\0';
  if (!per_sample) {
    double mean;
    if (gmix_score(m, gmix_table_data(t), n, d, w, 0, &mean, &err) != GMIX_OK)
      return cli_fail(&err);
    scores sc = {1, &mean};
    return cli_write_output(output, print_scores, &sc);
  }
  double *lp = malloc((n ? n : 1) * sizeof *lp);
  if (!lp) {
    cli_error("out of memory for %zu scores", n);
    return EXIT_DATA;
  }
  scores sc = {n, lp};
  int rc =
      gmix_score_samples(m, gmix_table_data(t), n, d, 0, lp, &err) != GMIX_OK
          ? cli_fail(&err)
          : cli_write_output(output, print_scores, &sc);
  free(lp);
  return rc;
}

static int run_score(int argc, char **argv) {
  static const struct option longopts[] = {
      {"per-sample", no_argument, NULL, OPT_PER_SAMPLE},
      {"output", required_argument, NULL, 'o'},
      CLI_WEIGHT_LONG_OPTIONS,
      {"help", no_argument, NULL, 'h'},
      CLI_DATA_LONG_OPTIONS,
      {NULL, 0, NULL, 0}};
  const char *cmd = "score", *output = NULL, *weights_file = NULL;
  gmix_read_options ropt;
  gmix_read_options_init(&ropt);
  int per_sample = 0, c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_PER_SAMPLE:
      per_sample = 1;
      break;
    case 'o':
      output = optarg;
      break;
    default:
      if (!cli_weight_option(c, optarg, &ropt, &weights_file) &&
          (rc = cli_common_option(&cli_score, c, optarg, &ropt)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_expect_operands(cmd, argc - optind, 2,
                                "MODEL.json and DATA")) != EXIT_OK)
    return rc;
  const char *model_path = argv[optind], *data_path = argv[optind + 1];
  if ((rc = cli_check_weight_options(cmd, data_path, &ropt, weights_file)) !=
      EXIT_OK)
    return rc;

  gmix_model *m = NULL;
  gmix_table *t = NULL;
  double *wbuf = NULL;
  const double *w;
  if ((rc = cli_load_model_and_data(model_path, data_path, &ropt, &m, &t)) !=
          EXIT_OK ||
      (rc = cli_sample_weights(t, data_path, weights_file, &w, &wbuf)) !=
          EXIT_OK)
    goto done;
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
