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

/* What predict writes: a label per row, or (when `proba` is not NULL)
 * the k responsibilities of each row. */
typedef struct predictions {
  size_t n, k;
  const size_t *labels;
  const double *proba;
} predictions;

static void print_predictions(FILE *f, const void *data) {
  const predictions *p = data;
  if (!p->proba) {
    fputs("label\n", f);
    for (size_t i = 0; i < p->n; i++)
      fprintf(f, "%zu\n", p->labels[i]);
    return;
  }
  for (size_t c = 0; c < p->k; c++)
    fprintf(f, "%sp%zu", c ? "," : "", c);
  fputc('\n', f);
  for (size_t i = 0; i < p->n; i++) {
    cli_print_doubles(f, p->proba + i * p->k, p->k);
    fputc('\n', f);
  }
}

/* Write labels or responsibilities of the rows of t under model m to
 * `output`. Everything is computed before the output is opened, so a
 * failure leaves no half-written file behind. */
static int write_predictions(const gmix_model *m, const gmix_table *t,
                             int proba, const char *output) {
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  size_t k = gmix_model_n_components(m);
  size_t *labels = NULL;
  double *r = NULL;
  gmix_error err;
  err.message[0] = '\0';
  gmix_status s;
  if (!proba) {
    labels = malloc((n ? n : 1) * sizeof *labels);
    if (!labels) {
      cli_error("out of memory for %zu labels", n);
      return EXIT_DATA;
    }
    s = gmix_predict(m, gmix_table_data(t), n, d, 0, labels, &err);
  } else {
    if (n && k > SIZE_MAX / sizeof(double) / n) {
      cli_error("%zu rows x %zu components is too large", n, k);
      return EXIT_DATA;
    }
    r = malloc((n ? n * k : 1) * sizeof *r);
    if (!r) {
      cli_error("out of memory for %zu x %zu responsibilities", n, k);
      return EXIT_DATA;
    }
    s = gmix_predict_proba(m, gmix_table_data(t), n, d, 0, r, &err);
  }
  predictions p = {n, k, labels, r};
  int rc = s != GMIX_OK ? cli_fail(&err)
                        : cli_write_output(output, print_predictions, &p);
  free(labels);
  free(r);
  return rc;
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
  int proba = 0, c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_PROBA:
      proba = 1;
      break;
    case 'o':
      output = optarg;
      break;
    default:
      if ((rc = cli_common_option(&cli_predict, c, optarg, &ropt)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_expect_operands(cmd, argc - optind, 2,
                                "MODEL.json and DATA")) != EXIT_OK)
    return rc;
  const char *model_path = argv[optind], *data_path = argv[optind + 1];

  gmix_model *m = NULL;
  gmix_table *t = NULL;
  rc = cli_load_model_and_data(model_path, data_path, &ropt, &m, &t);
  if (rc == EXIT_OK)
    rc = write_predictions(m, t, proba, output);
  gmix_model_free(m);
  gmix_table_free(t);
  return rc;
}

const cli_command cli_predict = {
    "predict", "write the most probable component (or all probabilities)",
    run_predict, predict_manual};
