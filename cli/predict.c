/*
 * predict.c -- `gmix predict`: the component of each row, or the
 * responsibilities of all components, as CSV.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const predict_manual[] = {
    "NAME\n"
    "       gmix predict - assign each row of a data file to a component\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix predict MODEL.json DATA [--proba] [-o OUT.csv] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Writes, as CSV with a header line, one line per row of DATA: the\n"
    "       most probable component (0-based, column 'label'; ties go to the\n"
    "       lowest index), or with --proba the posterior probability of each\n"
    "       component (columns 'p0', 'p1', ...; each line sums to one).\n"
    "       DATA must have as many columns as the model has features.\n"
    "\n"
    "OPTIONS\n"
    "       --proba\n"
    "              Write the responsibilities instead of labels, with 17\n"
    "              significant digits.\n"
    "\n"
    "       -o, --output OUT.csv\n"
    "              Write to this file instead of standard output.\n"
    "\n" CLI_DATA_OPTIONS_HELP "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix predict faithful.json examples/faithful.csv | head\n"
    "       gmix predict m.json data.npy --proba -o proba.csv\n"
    "       cat new.csv | gmix predict m.json -\n",
    NULL};

enum { OPT_PROBA = OPT_FIRST_COMMAND_OPTION };

/* Write labels or responsibilities of the rows of t under model m to
 * `output`. Everything is computed before the output is opened, so a
 * failure leaves no half-written file behind. */
static int write_predictions(const gmix_model *m, const gmix_table *t,
                             int proba, const char *output) {
  FILE *f;
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  size_t k = gmix_model_n_components(m);
  gmix_error err;
  err.message[0] = '\0';
  if (!proba) {
    size_t *labels = malloc((n ? n : 1) * sizeof *labels);
    if (!labels) {
      cli_error("out of memory for %zu labels", n);
      return EXIT_DATA;
    }
    if (gmix_predict(m, gmix_table_data(t), n, d, labels, &err) != GMIX_OK) {
      free(labels);
      return cli_fail(&err);
    }
    if (!(f = cli_open_output(output))) {
      free(labels);
      return EXIT_DATA;
    }
    fputs("label\n", f);
    for (size_t i = 0; i < n; i++)
      fprintf(f, "%zu\n", labels[i]);
    free(labels);
    return cli_close_output(f, output, EXIT_OK);
  }
  if (n && k > SIZE_MAX / sizeof(double) / n) {
    cli_error("%zu rows x %zu components is too large", n, k);
    return EXIT_DATA;
  }
  double *r = malloc((n ? n * k : 1) * sizeof *r);
  if (!r) {
    cli_error("out of memory for %zu x %zu responsibilities", n, k);
    return EXIT_DATA;
  }
  if (gmix_predict_proba(m, gmix_table_data(t), n, d, r, &err) != GMIX_OK) {
    free(r);
    return cli_fail(&err);
  }
  if (!(f = cli_open_output(output))) {
    free(r);
    return EXIT_DATA;
  }
  for (size_t c = 0; c < k; c++)
    fprintf(f, "%sp%zu", c ? "," : "", c);
  fputc('\n', f);
  for (size_t i = 0; i < n; i++) {
    for (size_t c = 0; c < k; c++) {
      if (c)
        fputc(',', f);
      cli_print_double(f, r[i * k + c]);
    }
    fputc('\n', f);
  }
  free(r);
  return cli_close_output(f, output, EXIT_OK);
}

static int run_predict(int argc, char **argv) {
  static const struct option longopts[] = {
      {"proba", no_argument, NULL, OPT_PROBA},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      CLI_DATA_LONG_OPTIONS,
      {NULL, 0, NULL, 0}};
  const char *cmd = "predict", *output = NULL;
  gmix_read_options ropt;
  gmix_read_options_init(&ropt);
  int proba = 0, c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    int r = cli_data_option(cmd, c, optarg, &ropt);
    if (r < 0)
      return EXIT_USAGE;
    if (r > 0)
      continue;
    switch (c) {
    case OPT_PROBA:
      proba = 1;
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      cli_print_manual(&cli_predict, stdout);
      return EXIT_OK;
    default:
      return cli_usage(cmd, "invalid command line");
    }
  }
  if (argc - optind != 2)
    return cli_usage(cmd, "expected MODEL.json and DATA, got %d argument%s",
                     argc - optind, argc - optind == 1 ? "" : "s");
  const char *model_path = argv[optind], *data_path = argv[optind + 1];

  gmix_model *m = NULL;
  gmix_table *t = NULL;
  int rc;
  if ((rc = cli_load_model(model_path, &m)) != EXIT_OK ||
      (rc = cli_read_data(data_path, &ropt, &t)) != EXIT_OK ||
      (rc = cli_check_dimension(m, model_path, t, data_path)) != EXIT_OK)
    goto done;
  rc = write_predictions(m, t, proba, output);
done:
  gmix_model_free(m);
  gmix_table_free(t);
  return rc;
}

const cli_command cli_predict = {
    "predict", "write the most probable component (or all probabilities)",
    run_predict, predict_manual};
