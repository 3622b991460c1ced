/*
 * select.c -- `gmix select`: choose the number of components and the
 * covariance type by BIC, AIC or ICL, print the table of every candidate,
 * save the best model and the table.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "interrupt.h"

/* The EM settings, with the sweep's default tol. */
#define SELECT_EM_SETTINGS_HELP                                                \
  CLI_EM_SETTINGS_HELP_TOL(                                                    \
      "(default 1e-05, tighter\n"                                              \
      "              than gmix fit's 0.001: candidates are compared by\n"      \
      "              their log-likelihoods, and mclust's EM stops at a\n"      \
      "              relative change of 1e-05 of the total).\n")

static const char *const select_manual[] = {
    "NAME\n"
    "       gmix select - choose K and the covariance type by BIC, AIC or "
    "ICL\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix select DATA [-k KMIN..KMAX] [-c LIST] [--criterion C]\n"
    "                   [-o BEST.json] [--table TABLE.csv] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Fits a mixture for every K in a range and every covariance type\n"
    "       in a list (each candidate the best of its starts: mclust's\n"
    "       hierarchical agglomeration and k-means, each with its restarts),\n"
    "       prints the chosen criterion as a table, K by row and covariance\n"
    "       type by column, with the best candidate marked '*', and saves\n"
    "       the best model. A candidate that cannot be fitted (more free\n"
    "       parameters than data rows, a covariance that cannot be made\n"
    "       positive definite, a component that collapses) is shown as\n"
    "       failed, with the reason below the table, and does not stop the\n"
    "       others.\n"
    "\n"
    "       Every criterion is lower-is-better, as scikit-learn's: BIC =\n"
    "       -2 log-likelihood + p log n, AIC = -2 log-likelihood + 2 p, ICL =\n"
    "       BIC + 2 x the classification entropy, for p free parameters.\n"
    "       R's mclust prints BIC with the opposite sign (higher is better);\n"
    "       the CSV table has that too, as bic_mclust. full, tied, diag and\n"
    "       spherical are mclust's VVV, EEE, VVI and VII.\n"
    "\n"
    "OPTIONS\n"
    "   The candidates\n"
    "       -k, --components KMIN..KMAX\n"
    "              The numbers of components tried: a range such as 2..6,\n"
    "              or one K (default 1..9).\n"
    "\n"
    "       -c, --covariance LIST\n"
    "              Covariance types separated by commas, in the order of the\n"
    "              table's columns (full,tied,diag,spherical, or mclust's\n"
    "              names such as VEV,EVE), or sklearn for the four of\n"
    "              scikit-learn (the default), or all for mclust's fourteen\n"
    "              in mclust's order (EII, VII, EEI, VEI, EVI, VVI, EEE, VEE,\n"
    "              EVE, VVE, EEV, VEV, EVV, VVV).\n"
    "\n"
    "       --criterion C\n"
    "              bic (the default), aic or icl: the one printed and used\n"
    "              to choose.\n"
    "\n",
    "   EM\n"
    "       --n-init N\n"
    "              Restarts from each start in every candidate; the one of\n"
    "              highest log-likelihood is kept (default 1).\n"
    "\n" SELECT_EM_SETTINGS_HELP "\n"
    "       --seed S\n"
    "              Seed of every random choice (default 0). The table is the\n"
    "              same for any thread count, and `gmix fit -k K -c TYPE\n"
    "              --init START --n-init N --seed S --tol T` refits any\n"
    "              candidate (START its best start, hc or kmeans, in the\n"
    "              CSV table; T the sweep's tol, 1e-05 by default).\n"
    "\n"
    "       --threads N\n"
    "              Worker threads; 0 (the default) uses all processors.\n"
    "              Candidates run in parallel, one thread per fit (a start\n"
    "              or restart), unless one of them outweighs all the others\n"
    "              per thread and has rows enough for its fit to use every\n"
    "              thread.\n"
    "\n",
    CLI_WEIGHT_OPTIONS_HELP "\n",
    CLI_DATA_OPTIONS_HELP
    "\n"
    "   Output\n"
    "       -o, --output BEST.json\n"
    "              Write the best model here (atomically, as gmix fit does).\n"
    "              '-' writes its JSON to standard output and the table to\n"
    "              standard error.\n"
    "\n"
    "       --table TABLE.csv\n"
    "              Write every candidate as one CSV row: covariance, k, bic,\n"
    "              aic, icl, bic_mclust, log_likelihood (the sum over rows,\n"
    "              not the mean), n_parameters, converged, n_iter, start\n"
    "              (the start of the fit kept: hc, kmeans, ...), status\n"
    "              ('success' or why it failed) and message. '-' writes it\n"
    "              to standard output and the table to standard error.\n"
    "\n"
    "       While candidates are fitted, a progress line is shown on\n"
    "       standard error when it is a terminal.\n"
    "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n",
    CLI_EXIT_STATUS
    "       When every candidate fails, the table is printed and the exit\n"
    "       status is that of the first failure.\n"
    "\n"
    "EXAMPLES\n"
    "       gmix select examples/faithful.csv -o best.json\n"
    "       gmix select examples/iris.csv -k 1..6 -c full,diag --n-init 4\n"
    "       gmix select data.csv --criterion icl --table table.csv\n",
    NULL};

enum { OPT_CRITERION = OPT_FIRST_COMMAND_OPTION, OPT_TABLE };

typedef struct select_args {
  const char *data, *output, *table, *weights_file;
  gmix_select_options opt;
  gmix_read_options ropt;
  gmix_covariance_type *types; /* malloc'd, or NULL for the default */
} select_args;

/* -k: "K" or "KMIN..KMAX". */
static int parse_k_range(const char *arg, size_t *k_min, size_t *k_max) {
  const char *dots = strstr(arg, "..");
  if (!dots) {
    if (!cli_parse_count("select", "-k", arg, 1, k_min))
      return 0;
    *k_max = *k_min;
    return 1;
  }
  size_t len = (size_t)(dots - arg);
  char first[32];
  if (len == 0 || len >= sizeof first) {
    cli_usage("select", "-k needs K or KMIN..KMAX, not '%s'", arg);
    return 0;
  }
  memcpy(first, arg, len);
  first[len] = '\0';
  if (!cli_parse_count("select", "-k", first, 1, k_min) ||
      !cli_parse_count("select", "-k", dots + 2, 1, k_max))
    return 0;
  if (*k_max < *k_min) {
    cli_usage("select", "-k %s: KMAX is below KMIN", arg);
    return 0;
  }
  return 1;
}

/* -c: a list of names, "sklearn" (the library's default) or "all". */
static int parse_covariances(const char *arg, select_args *a) {
  free(a->types);
  a->types = NULL;
  a->opt.covariance_types = NULL;
  a->opt.n_covariance_types = 0;
  if (strcmp(arg, "sklearn") == 0)
    return 1;
  size_t cap = 1;
  if (strcmp(arg, "all") == 0) {
    cap = gmix_covariance_types(NULL, 0);
  } else {
    for (const char *p = arg; *p; p++)
      cap += *p == ',';
  }
  a->types = malloc(cap * sizeof *a->types);
  char *copy = malloc(strlen(arg) + 1);
  if (!a->types || !copy) {
    free(copy);
    cli_error("out of memory");
    return 0;
  }
  size_t n = 0;
  if (strcmp(arg, "all") == 0) {
    n = gmix_covariance_types(a->types, cap);
  } else {
    strcpy(copy, arg);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
      gmix_error perr;
      if (gmix_covariance_type_parse(tok, &a->types[n], &perr) != GMIX_OK) {
        free(copy);
        cli_usage("select", "--covariance: %s", perr.message);
        return 0;
      }
      for (size_t j = 0; j < n; j++)
        if (a->types[j] == a->types[n]) {
          cli_usage("select", "--covariance lists '%s' twice", tok);
          free(copy);
          return 0;
        }
      n++;
    }
  }
  free(copy);
  if (n == 0) {
    cli_usage("select", "--covariance needs at least one covariance type");
    return 0;
  }
  a->opt.covariance_types = a->types;
  a->opt.n_covariance_types = n;
  return 1;
}

/* Parse the command line into `a`. Returns -1 to go on, else an exit
 * code. */
static int parse_args(int argc, char **argv, select_args *a) {
  static const struct option longopts[] = {
      CLI_FIT_LONG_OPTIONS,
      {"criterion", required_argument, NULL, OPT_CRITERION},
      {"table", required_argument, NULL, OPT_TABLE},
      {NULL, 0, NULL, 0}};
  const char *cmd = "select";
  int c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "k:c:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'k':
      if (!parse_k_range(optarg, &a->opt.k_min, &a->opt.k_max))
        return EXIT_USAGE;
      break;
    case 'c':
      if (!parse_covariances(optarg, a))
        return EXIT_USAGE;
      break;
    case 'o':
      a->output = optarg;
      break;
    case OPT_CRITERION: {
      gmix_error perr;
      if (gmix_criterion_parse(optarg, &a->opt.criterion, &perr) != GMIX_OK)
        return cli_usage(cmd, "--criterion: %s", perr.message);
      break;
    }
    case OPT_TABLE:
      a->table = optarg;
      break;
    default:
      if ((rc = cli_fit_option(&cli_select, c, optarg, &a->opt.fit, &a->ropt,
                               &a->weights_file)) >= 0)
        return rc;
    }
  }
  if ((rc = cli_data_operand(cmd, argc, argv, &a->ropt, a->weights_file,
                             &a->data)) != EXIT_OK)
    return rc;
  if (a->output && a->table && strcmp(a->output, "-") == 0 &&
      strcmp(a->table, "-") == 0)
    return cli_usage(cmd, "-o and --table cannot both be standard output");
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_select_options_validate(&a->opt, &err) != GMIX_OK)
    return cli_usage(cmd, "%s", err.message);
  return -1;
}

/* ---- progress */

/* After each candidate: on a terminal, once the sweep has run for a
 * moment, a line redrawn in place. Never cancels. */
static int on_cell(const gmix_select_cell *cell, size_t done, size_t total,
                   void *user) {
  if (!cli_progress_due(user))
    return 0;
  fprintf(stderr,
          "\rgmix: select: %zu of %zu candidates done (last: %s, K = "
          "%zu)\033[K",
          done, total, gmix_covariance_type_name(cell->covariance_type),
          cell->n_components);
  fflush(stderr);
  return 0;
}

/* ---- output */

/* The value of the chosen criterion in a cell. */
static double criterion_of(const gmix_select_cell *c, gmix_criterion which) {
  switch (which) {
  case GMIX_CRITERION_AIC:
    return c->aic;
  case GMIX_CRITERION_ICL:
    return c->icl;
  case GMIX_CRITERION_BIC:
    break;
  }
  return c->bic;
}

/* Decimals of the criteria in the printed table: enough to tell close
 * candidates apart at the size these numbers have (the CSV table has
 * every digit). */
#define TABLE_DECIMALS 3
/* Spaces between the columns of the table. */
#define TABLE_GAP 2
/* What the table shows for a candidate that could not be fitted. */
#define TABLE_FAILED "failed"

/* What the table shows for a cell: its criterion, or TABLE_FAILED. */
static void cell_text(const gmix_select_cell *c, gmix_criterion which,
                      char *buf, size_t size) {
  if (c->status != GMIX_OK)
    snprintf(buf, size, "%s", TABLE_FAILED);
  else
    snprintf(buf, size, "%.*f", TABLE_DECIMALS, criterion_of(c, which));
}

typedef struct select_output {
  const select_args *a;
  const gmix_select_result *r;
  size_t n, d;
} select_output;

/* The table: a row per K, a column per covariance type, each entry right
 * aligned and followed by a one-character slot for the '*' of the best,
 * left out at the end of a line so that no line ends in a space. */
static void print_grid(FILE *f, const gmix_select_result *r, size_t n_types,
                       const char *upper) {
  gmix_criterion which = gmix_select_result_criterion(r);
  size_t n_cells = gmix_select_result_n_cells(r);
  size_t best = gmix_select_result_best(r);
  char buf[64];
  int width = 0, kwidth = (int)strlen("K");
  for (size_t i = 0; i < n_cells; i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    cell_text(c, which, buf, sizeof buf);
    int len = (int)strlen(buf);
    int name = (int)strlen(gmix_covariance_type_name(c->covariance_type));
    int k = snprintf(buf, sizeof buf, "%zu", c->n_components);
    width = len > width ? len : width;
    width = name > width ? name : width;
    kwidth = k > kwidth ? k : kwidth;
  }
  fprintf(f, "%s (lower is better)\n%*s", upper, kwidth, "K");
  for (size_t t = 0; t < n_types; t++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, t);
    fprintf(f, "%*s%*s%s", TABLE_GAP, "", width,
            gmix_covariance_type_name(c->covariance_type),
            t + 1 < n_types ? " " : "");
  }
  fputc('\n', f);
  for (size_t i = 0; i < n_cells; i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    int last = i % n_types == n_types - 1;
    if (i % n_types == 0)
      fprintf(f, "%*zu", kwidth, c->n_components);
    cell_text(c, which, buf, sizeof buf);
    fprintf(f, "%*s%*s%s", TABLE_GAP, "", width, buf,
            i == best ? "*"
            : last    ? ""
                      : " ");
    if (last)
      fputc('\n', f);
  }
}

static void print_table(FILE *f, const void *data) {
  const select_output *o = data;
  const gmix_select_result *r = o->r;
  const gmix_select_options *opt = &o->a->opt;
  gmix_criterion which = gmix_select_result_criterion(r);
  size_t n_cells = gmix_select_result_n_cells(r);
  size_t n_types = n_cells / (opt->k_max - opt->k_min + 1);
  size_t best = gmix_select_result_best(r);
  char upper[8];
  snprintf(upper, sizeof upper, "%s", gmix_criterion_name(which));
  for (char *p = upper; *p; p++)
    *p = (char)(*p - 'a' + 'A');

  fprintf(f, "%zu rows, %zu columns\n", o->n, o->d);
  print_grid(f, r, n_types, upper);
  for (size_t i = 0; i < n_cells; i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    if (c->status != GMIX_OK)
      fprintf(f, "%s: %s, K = %zu: %s\n", TABLE_FAILED,
              gmix_covariance_type_name(c->covariance_type), c->n_components,
              c->message);
  }
  if (best == GMIX_SELECT_NONE) {
    fputs("best: none (no candidate could be fitted)\n", f);
    return;
  }
  const gmix_select_cell *b = gmix_select_result_cell(r, best);
  fprintf(f, "best: %s, K = %zu (marked *), %s %.10g\n",
          gmix_covariance_type_name(b->covariance_type), b->n_components, upper,
          criterion_of(b, which));
  fprintf(f,
          "      log-likelihood %.10g, %zu parameters, %s after %zu "
          "iterations\n",
          b->log_likelihood, b->n_parameters,
          b->converged ? "converged" : "not converged", b->n_iter);
  if (o->a->output && strcmp(o->a->output, "-") != 0)
    fprintf(f, "model: %s\n", o->a->output);
}

static void print_csv(FILE *f, const void *data) {
  const select_output *o = data;
  const gmix_select_result *r = o->r;
  fputs("covariance,k,bic,aic,icl,bic_mclust,log_likelihood,n_parameters,"
        "converged,n_iter,start,status,message\n",
        f);
  for (size_t i = 0; i < gmix_select_result_n_cells(r); i++) {
    const gmix_select_cell *c = gmix_select_result_cell(r, i);
    double v[] = {c->bic, c->aic, c->icl, c->bic_mclust, c->log_likelihood};
    fprintf(f, "%s,%zu,", gmix_covariance_type_name(c->covariance_type),
            c->n_components);
    cli_print_doubles(f, v, sizeof v / sizeof v[0]);
    fprintf(f, ",%zu,%d,%zu,%s,", c->n_parameters, c->converged, c->n_iter,
            c->status == GMIX_OK ? gmix_init_method_name(c->best_start) : "");
    cli_print_csv_field(f, gmix_strerror(c->status));
    fputc(',', f);
    cli_print_csv_field(f, c->message);
    fputc('\n', f);
  }
}

/* Save the best model, named after the data's columns. */
static int save_best(const gmix_select_result *r, const gmix_table *t,
                     const char *output) {
  gmix_model *m = NULL;
  gmix_error err;
  err.message[0] = '\0';
  if (gmix_model_copy(gmix_select_result_best_model(r), &m, &err) != GMIX_OK)
    return cli_fail(&err);
  cli_name_features(m, t, NULL);
  int rc = cli_write_model(m, output);
  gmix_model_free(m);
  return rc;
}

/* The exit status when every candidate failed: that of the first. */
static int none_fitted(const gmix_select_result *r) {
  const gmix_select_cell *c = gmix_select_result_cell(r, 0);
  cli_error("no candidate could be fitted; the first failed with: %s",
            c->message);
  return cli_exit_code(c->status);
}

static int run_select(int argc, char **argv) {
  select_args a;
  memset(&a, 0, sizeof a);
  gmix_select_options_init(&a.opt);
  gmix_read_options_init(&a.ropt);
  gmix_table *t = NULL;
  gmix_select_result *r = NULL;
  double *wbuf = NULL;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0)
    goto done;
  cli_interrupt_install();
  if ((rc = cli_check_output_folder(a.output, "model file")) != EXIT_OK ||
      (rc = cli_check_output_folder(a.table, "table")) != EXIT_OK ||
      (rc = cli_read_data(a.data, &a.ropt, &t)) != EXIT_OK)
    goto done;
  const double *w;
  if ((rc = cli_sample_weights(t, cli_data_name(a.data), a.weights_file, &w,
                               &wbuf)) != EXIT_OK)
    goto done;

  cli_progress p;
  cli_progress_start(&p);
  a.opt.callback = on_cell;
  a.opt.callback_data = &p;
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  gmix_error err;
  err.message[0] = '\0';
  a.opt.fit.cancel = cli_interrupt_flag();
  gmix_status s = gmix_select(gmix_table_data(t), n, d, w, &a.opt, &r, &err);
  cli_progress_end(&p);
  if ((rc = cli_interrupt_check()) >= 0)
    goto done;
  if (s != GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  int have_best = gmix_select_result_best(r) != GMIX_SELECT_NONE;
  select_output out = {&a, r, n, d};
  cli_interrupt_commit();
  if ((a.table && (rc = cli_write_output(a.table, print_csv, &out)) != 0) ||
      (a.output && have_best && (rc = save_best(r, t, a.output)) != 0))
    goto done;
  int to_stderr = (a.output && strcmp(a.output, "-") == 0) ||
                  (a.table && strcmp(a.table, "-") == 0);
  print_table(to_stderr ? stderr : stdout, &out);
  rc = have_best ? EXIT_OK : none_fitted(r);
done:
  gmix_select_result_free(r);
  gmix_table_free(t);
  free(wbuf);
  free(a.types);
  return rc;
}

const cli_command cli_select = {
    "select", "choose K and the covariance type by BIC, AIC or ICL", run_select,
    select_manual};
