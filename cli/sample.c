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

enum { OPT_LABELS = OPT_FIRST_COMMAND_OPTION, OPT_NO_HEADER_OUT };

/* What sample writes: n drawn rows of the model's d features, with the
 * component of each when `with_labels`, after a header when `header`. */
typedef struct samples {
  const gmix_model *m;
  size_t n, d;
  const double *x;
  const size_t *labels;
  int with_labels, header;
} samples;

static void print_samples(FILE *f, const void *data) {
  const samples *s = data;
  if (s->header) {
    for (size_t j = 0; j < s->d; j++) {
      const char *name = gmix_model_feature_name(s->m, j);
      if (j)
        fputc(',', f);
      if (name)
        cli_print_csv_field(f, name);
      else
        fprintf(f, "x%zu", j + 1);
    }
    fputs(s->with_labels ? ",label\n" : "\n", f);
  }
  for (size_t i = 0; i < s->n; i++) {
    cli_print_doubles(f, s->x + i * s->d, s->d);
    if (s->with_labels)
      fprintf(f, ",%zu", s->labels[i]);
    fputc('\n', f);
  }
}

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
  samples s = {m, n, d, x, labels, with_labels, header};
  int rc;
  if (!x || !labels) {
    cli_error("out of memory for %zu samples", n);
    rc = EXIT_DATA;
  } else if (n && gmix_sample(m, n, seed, x, labels, &err) != GMIX_OK) {
    rc = cli_fail(&err);
  } else {
    rc = cli_write_output(output, print_samples, &s);
  }
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
  int have_n = 0, with_labels = 0, header = 1, c, rc;
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
    default:
      if ((rc = cli_common_option(&cli_sample, c, optarg, NULL)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_expect_operands(cmd, argc - optind, 1, "one MODEL.json")) !=
      EXIT_OK)
    return rc;
  if (!have_n)
    return cli_usage(cmd, "missing -n N, the number of rows to draw");
  gmix_model *m = NULL;
  if ((rc = cli_load_model(argv[optind], &m)) == EXIT_OK)
    rc = write_samples(m, n, seed, with_labels, header, output);
  gmix_model_free(m);
  return rc;
}

const cli_command cli_sample = {"sample", "draw random rows from a model",
                                run_sample, sample_manual};
