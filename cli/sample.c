/*
 * sample.c -- `gmix sample`: draw rows from a model, as CSV.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const sample_manual[] = {
    "NAME\n"
    "       gmix sample - draw random rows from a model\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix sample MODEL.json -n N [--seed S] [--labels] [-o OUT.csv]\n"
    "\n"
    "DESCRIPTION\n"
    "       Draws N rows from the mixture and writes them as CSV with 17\n"
    "       significant digits. The header line holds the model's feature\n"
    "       names (x1, x2, ... when it has none). The same seed gives the "
    "same\n"
    "       rows on every machine.\n"
    "\n"
    "OPTIONS\n"
    "       -n, --samples N\n"
    "              Number of rows to draw (required).\n"
    "\n"
    "       --seed S\n"
    "              Seed of the random draws (default 0).\n"
    "\n"
    "       --labels\n"
    "              Add a last column 'label': the 0-based component each row\n"
    "              was drawn from.\n"
    "\n"
    "       --no-header\n"
    "              Leave out the header line.\n"
    "\n"
    "       -o, --output OUT.csv\n"
    "              Write to this file instead of standard output.\n"
    "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix sample faithful.json -n 5 --seed 1\n"
    "       gmix sample m.json -n 100000 --labels -o synthetic.csv\n",
    NULL};

enum { OPT_SEED = OPT_FIRST_COMMAND_OPTION, OPT_LABELS, OPT_NO_HEADER_OUT };

/* Draw the rows, then open the output and write them. */
static int write_samples(const gmix_model *m, size_t n, uint64_t seed,
                         int with_labels, int header, const char *output) {
  size_t d = gmix_model_n_features(m);
  if (n && d > SIZE_MAX / sizeof(double) / n) {
    cli_error("%zu samples of %zu features is too large", n, d);
    return EXIT_DATA;
  }
  double *x = malloc((n ? n * d : 1) * sizeof *x);
  size_t *labels = malloc((n ? n : 1) * sizeof *labels);
  gmix_error err;
  err.message[0] = '\0';
  int rc = EXIT_OK;
  FILE *f = NULL;
  if (!x || !labels) {
    cli_error("out of memory for %zu samples", n);
    rc = EXIT_DATA;
    goto done;
  }
  if (n && gmix_sample(m, n, seed, x, labels, &err) != GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  if (!(f = cli_open_output(output))) {
    rc = EXIT_DATA;
    goto done;
  }
  if (header) {
    for (size_t j = 0; j < d; j++) {
      const char *name = gmix_model_feature_name(m, j);
      if (j)
        fputc(',', f);
      if (name)
        cli_print_csv_field(f, name);
      else
        fprintf(f, "x%zu", j + 1);
    }
    fputs(with_labels ? ",label\n" : "\n", f);
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d; j++) {
      if (j)
        fputc(',', f);
      cli_print_double(f, x[i * d + j]);
    }
    if (with_labels)
      fprintf(f, ",%zu", labels[i]);
    fputc('\n', f);
  }
  rc = cli_close_output(f, output, EXIT_OK);
done:
  free(x);
  free(labels);
  return rc;
}

static int run_sample(int argc, char **argv) {
  static const struct option longopts[] = {
      {"samples", required_argument, NULL, 'n'},
      {"seed", required_argument, NULL, OPT_SEED},
      {"labels", no_argument, NULL, OPT_LABELS},
      {"no-header", no_argument, NULL, OPT_NO_HEADER_OUT},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *cmd = "sample", *output = NULL;
  size_t n = 0;
  uint64_t seed = 0;
  int have_n = 0, with_labels = 0, header = 1, c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "n:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (!cli_parse_count(cmd, "-n", optarg, 0, &n))
        return EXIT_USAGE;
      have_n = 1;
      break;
    case OPT_SEED:
      if (!cli_parse_u64(cmd, "--seed", optarg, &seed))
        return EXIT_USAGE;
      break;
    case OPT_LABELS:
      with_labels = 1;
      break;
    case OPT_NO_HEADER_OUT:
      header = 0;
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      cli_print_manual(&cli_sample, stdout);
      return EXIT_OK;
    default:
      return cli_usage(cmd, "invalid command line");
    }
  }
  if (argc - optind != 1)
    return cli_usage(cmd, "expected one MODEL.json, got %d argument%s",
                     argc - optind, argc - optind == 1 ? "" : "s");
  if (!have_n)
    return cli_usage(cmd, "missing -n N, the number of rows to draw");
  gmix_model *m = NULL;
  int rc = cli_load_model(argv[optind], &m);
  if (rc == EXIT_OK)
    rc = write_samples(m, n, seed, with_labels, header, output);
  gmix_model_free(m);
  return rc;
}

const cli_command cli_sample = {"sample", "draw random rows from a model",
                                run_sample, sample_manual};
