/*
 * common.c -- error reporting, option parsing and file handling shared by
 * the subcommands of the gmix tool.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *cli_program = "gmix";
int cli_quiet = 0;

/* One line on standard error: the prefix, then the formatted message. */
static void vreport(const char *prefix, const char *fmt, va_list ap) {
  if (cli_quiet)
    return;
  fprintf(stderr, "%s: ", cli_program);
  fputs(prefix, stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport("", fmt, ap);
  va_end(ap);
}

void cli_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport("warning: ", fmt, ap);
  va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  if (cli_quiet)
    return EXIT_USAGE;
  fprintf(stderr, "%s%s%s: ", cli_program, cmd ? " " : "", cmd ? cmd : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s %s%s--help' for more information.\n", cli_program,
          cmd ? cmd : "", cmd ? " " : "");
  return EXIT_USAGE;
}

/* Statuses map to the three failure exit codes: bad input (including a
 * bad model file and running out of memory on it) is 2, a failure of the
 * numerical method on valid input is 3. An invalid argument that reached
 * the library is a data problem too, since options are checked first. */
int cli_exit_code(gmix_status status) {
  switch (status) {
  case GMIX_OK:
    return EXIT_OK;
  case GMIX_ENOTPD:
  case GMIX_ECOLLAPSE:
  case GMIX_ECANCELLED:
    return EXIT_NUMERIC;
  default:
    return EXIT_DATA;
  }
}

gmix_status cli_status(gmix_error *err, gmix_status status, const char *fmt,
                       ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  err->status = status;
  return status;
}

int cli_fail(const gmix_error *err) {
  if (err->message[0])
    cli_error("%s", err->message);
  else
    cli_error("%s", gmix_strerror(err->status));
  return cli_exit_code(err->status);
}

/* A whole number with nothing after it; strtoull alone would accept a
 * leading minus sign and wrap it around. */
static int parse_u64(const char *arg, uint64_t *out) {
  const char *p = arg;
  while (*p == ' ')
    p++;
  if (*p < '0' || *p > '9')
    return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno || *end != '\0')
    return 0;
  *out = (uint64_t)v;
  return 1;
}

int cli_parse_count(const char *cmd, const char *opt, const char *arg,
                    size_t min, size_t *out) {
  uint64_t v;
  if (!parse_u64(arg, &v) || v > SIZE_MAX || v < min) {
    cli_usage(cmd, "%s needs a whole number >= %zu, not '%s'", opt, min, arg);
    return 0;
  }
  *out = (size_t)v;
  return 1;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *arg,
                  uint64_t *out) {
  if (!parse_u64(arg, out)) {
    cli_usage(cmd, "%s needs a whole number >= 0, not '%s'", opt, arg);
    return 0;
  }
  return 1;
}

int cli_parse_double(const char *cmd, const char *opt, const char *arg,
                     double min, double *out) {
  char *end;
  errno = 0;
  double v = strtod(arg, &end);
  if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v) ||
      v < min) {
    cli_usage(cmd, "%s needs a finite number >= %g, not '%s'", opt, min, arg);
    return 0;
  }
  *out = v;
  return 1;
}

/* Apply one of the shared data options to `ropt`. Returns 1 if `c` was
 * one of them (and it parsed), 0 if it is not a data option, -1 on a bad
 * value (usage error printed). */
static int data_option(const char *cmd, int c, const char *arg,
                       gmix_read_options *ropt) {
  switch (c) {
  case OPT_COLUMNS:
    ropt->columns = arg;
    return 1;
  case OPT_HEADER:
    ropt->header = 1;
    return 1;
  case OPT_NO_HEADER:
    ropt->header = 0;
    return 1;
  case OPT_DROP_BAD_ROWS:
    ropt->drop_bad_rows = 1;
    return 1;
  case OPT_DELIMITER:
    if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0 ||
        strcmp(arg, "\t") == 0)
      ropt->delimiter = '\t';
    else if (strcmp(arg, "space") == 0 || strcmp(arg, "whitespace") == 0 ||
             strcmp(arg, " ") == 0)
      ropt->delimiter = ' ';
    else if (strcmp(arg, ",") == 0 || strcmp(arg, "comma") == 0)
      ropt->delimiter = ',';
    else if (strcmp(arg, ";") == 0 || strcmp(arg, "semicolon") == 0)
      ropt->delimiter = ';';
    else {
      cli_usage(cmd, "--delimiter must be ',', ';', 'tab' or 'space', not '%s'",
                arg);
      return -1;
    }
    return 1;
  default:
    return 0;
  }
}

int cli_common_option(const cli_command *cmd, int c, const char *arg,
                      gmix_read_options *ropt) {
  if (ropt) {
    int r = data_option(cmd->name, c, arg, ropt);
    if (r < 0)
      return EXIT_USAGE;
    if (r > 0)
      return -1;
  }
  if (c == 'h') {
    cli_print_manual(cmd, stdout);
    return EXIT_OK;
  }
  return cli_usage(cmd->name, "invalid command line");
}

/* Apply one of the EM settings to `opt`. Returns 1 if `c` was one of them
 * and its value parsed, 0 if it is not one, -1 on a bad value (usage
 * error printed). */
static int em_option(const char *cmd, int c, const char *arg,
                     gmix_options *opt) {
  int ok;
  switch (c) {
  case OPT_N_INIT:
    ok = cli_parse_count(cmd, "--n-init", arg, 1, &opt->n_init);
    break;
  case OPT_MAX_ITER:
    ok = cli_parse_count(cmd, "--max-iter", arg, 0, &opt->max_iter);
    break;
  case OPT_TOL:
    ok = cli_parse_double(cmd, "--tol", arg, 0, &opt->tol);
    break;
  case OPT_REG_COVAR:
    ok = cli_parse_double(cmd, "--reg-covar", arg, 0, &opt->reg_covar);
    break;
  case OPT_SEED:
    ok = cli_parse_u64(cmd, "--seed", arg, &opt->seed);
    break;
  case OPT_THREADS:
    ok = cli_parse_count(cmd, "--threads", arg, 0, &opt->threads);
    break;
  case OPT_HC_MAX_ROWS:
    ok = cli_parse_count(cmd, "--hc-max-rows", arg, 0, &opt->hc_max_rows);
    break;
  case OPT_STANDARDIZE:
    opt->standardize = 1;
    ok = 1;
    break;
  case OPT_MSTEP_TOL:
    ok = cli_parse_double(cmd, "--mstep-tol", arg, 0, &opt->mstep_tol);
    break;
  case OPT_MSTEP_MAX_ITER:
    ok = cli_parse_count(cmd, "--mstep-max-iter", arg, 1, &opt->mstep_max_iter);
    break;
  default:
    return 0;
  }
  return ok ? 1 : -1;
}

int cli_weight_option(int c, const char *arg, gmix_read_options *ropt,
                      const char **weights_file) {
  if (c == OPT_WEIGHTS)
    *weights_file = arg;
  else if (c == OPT_WEIGHT_COLUMN)
    ropt->weight_column = arg;
  else
    return 0;
  return 1;
}

int cli_check_weight_options(const char *cmd, const char *data,
                             const gmix_read_options *ropt,
                             const char *weights_file) {
  if (weights_file && ropt->weight_column)
    return cli_usage(cmd, "--weights and --weight-column exclude each other");
  if (weights_file && strcmp(weights_file, "-") == 0 && data &&
      strcmp(data, "-") == 0)
    return cli_usage(cmd, "DATA and --weights cannot both be standard input");
  return EXIT_OK;
}

int cli_fit_option(const cli_command *cmd, int c, const char *arg,
                   gmix_options *opt, gmix_read_options *ropt,
                   const char **weights_file) {
  int rc = em_option(cmd->name, c, arg, opt);
  if (rc < 0)
    return EXIT_USAGE;
  if (rc > 0 || cli_weight_option(c, arg, ropt, weights_file))
    return -1;
  return cli_common_option(cmd, c, arg, ropt);
}

int cli_data_operand(const char *cmd, int argc, char **argv,
                     const gmix_read_options *ropt, const char *weights_file,
                     const char **data) {
  if (optind >= argc)
    return cli_usage(cmd, "missing the DATA file");
  if (optind + 1 < argc)
    return cli_usage(cmd, "unexpected argument '%s' (only one DATA file)",
                     argv[optind + 1]);
  *data = argv[optind];
  return cli_check_weight_options(cmd, *data, ropt, weights_file);
}

int cli_expect_operands(const char *cmd, int have, int want, const char *what) {
  if (have == want)
    return EXIT_OK;
  return cli_usage(cmd, "expected %s, got %d argument%s", what, have,
                   have == 1 ? "" : "s");
}

const char *cli_data_name(const char *path) {
  return strcmp(path, "-") == 0 ? "standard input" : path;
}

int cli_read_data(const char *path, const gmix_read_options *ropt,
                  gmix_table **out) {
  gmix_error err;
  err.message[0] = '\0';
  gmix_status s = gmix_table_read(path, ropt, out, &err);
  if (s != GMIX_OK)
    return cli_fail(&err);
  size_t dropped = gmix_table_dropped_rows(*out);
  if (dropped)
    cli_warn("dropped %zu bad row%s of %s", dropped, dropped == 1 ? "" : "s",
             cli_data_name(path));
  return EXIT_OK;
}

int cli_read_weights(const char *path, size_t n, double **out) {
  gmix_read_options ropt;
  gmix_read_options_init(&ropt);
  gmix_table *t = NULL;
  int rc = cli_read_data(path, &ropt, &t);
  if (rc != EXIT_OK)
    return rc;
  if (gmix_table_cols(t) != 1 || gmix_table_rows(t) != n) {
    cli_error("%s: a weights file must hold one column of %zu values (one "
              "per data row), not %zu column%s of %zu",
              path, n, gmix_table_cols(t), gmix_table_cols(t) == 1 ? "" : "s",
              gmix_table_rows(t));
    gmix_table_free(t);
    return EXIT_DATA;
  }
  double *w = malloc((n ? n : 1) * sizeof *w);
  if (!w) {
    gmix_table_free(t);
    cli_error("out of memory");
    return EXIT_DATA;
  }
  if (n)
    memcpy(w, gmix_table_data(t), n * sizeof *w);
  gmix_table_free(t);
  *out = w;
  return EXIT_OK;
}

int cli_load_model(const char *path, gmix_model **out) {
  gmix_error err;
  err.message[0] = '\0';
  gmix_status s = gmix_model_load(path, out, &err);
  if (s != GMIX_OK) {
    cli_fail(&err);
    /* Whatever is wrong with it, an unusable model file is bad input. */
    return EXIT_DATA;
  }
  return EXIT_OK;
}

int cli_load_model_and_data(const char *model_path, const char *data_path,
                            const gmix_read_options *ropt, gmix_model **m,
                            gmix_table **t) {
  int rc;
  if ((rc = cli_load_model(model_path, m)) != EXIT_OK ||
      (rc = cli_read_data(data_path, ropt, t)) != EXIT_OK)
    return rc;
  return cli_check_dimension(*m, model_path, *t, data_path);
}

int cli_sample_weights(const gmix_table *t, const char *data_name,
                       const char *weights_file, const double **w,
                       double **wbuf) {
  *w = gmix_table_weights(t);
  if (!weights_file)
    return EXIT_OK;
  if (gmix_table_dropped_rows(t)) {
    cli_error("--weights cannot be matched to the rows of %s once "
              "--drop-bad-rows has dropped some; use --weight-column",
              data_name);
    return EXIT_DATA;
  }
  int rc = cli_read_weights(weights_file, gmix_table_rows(t), wbuf);
  if (rc == EXIT_OK)
    *w = *wbuf;
  return rc;
}

int cli_check_dimension(const gmix_model *m, const char *model_path,
                        const gmix_table *t, const char *data_path) {
  size_t d = gmix_model_n_features(m), cols = gmix_table_cols(t);
  const char *data = cli_data_name(data_path);
  if (cols != d) {
    cli_error("%s has %zu column%s but the model %s has %zu feature%s%s", data,
              cols, cols == 1 ? "" : "s", model_path, d, d == 1 ? "" : "s",
              cols > d ? "; choose them with --columns" : "");
    return EXIT_DATA;
  }
  for (size_t j = 0; j < d; j++) {
    const char *have = gmix_table_column_name(t, j);
    const char *want = gmix_model_feature_name(m, j);
    if (have && want && strcmp(have, want) != 0) {
      cli_warn("column %zu of %s is '%s' but the model was fitted on '%s'",
               j + 1, data, have, want);
      break;
    }
  }
  return EXIT_OK;
}

FILE *cli_open_output(const char *path) {
  if (!path || strcmp(path, "-") == 0)
    return stdout;
  FILE *f = fopen(path, "w");
  if (!f)
    cli_error("cannot write '%s': %s", path, strerror(errno));
  return f;
}

int cli_close_output(FILE *f, const char *path, int status) {
  const char *name = f == stdout ? "standard output" : path;
  int bad = ferror(f);
  if (fflush(f) != 0)
    bad = 1;
  int e = errno;
  if (f != stdout && fclose(f) != 0) {
    bad = 1;
    e = errno;
  }
  if (bad && status == EXIT_OK) {
    cli_error("error writing %s: %s", name, strerror(e));
    return EXIT_DATA;
  }
  return status;
}

int cli_write_output(const char *path, void (*print)(FILE *f, const void *data),
                     const void *data) {
  FILE *f = cli_open_output(path);
  if (!f)
    return EXIT_DATA;
  print(f, data);
  return cli_close_output(f, path, EXIT_OK);
}

int cli_check_output_folder(const char *path, const char *what) {
  if (!path || strcmp(path, "-") == 0)
    return EXIT_OK;
  size_t len = strlen(path);
  char *dir = malloc(len + 2);
  if (!dir)
    return EXIT_OK;
  memcpy(dir, path, len + 1);
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
  free(dir);
  if (e) {
    cli_error("cannot write %s '%s': %s", what, path, strerror(e));
    return EXIT_DATA;
  }
  return EXIT_OK;
}

int cli_write_model(const gmix_model *m, const char *output) {
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

void cli_name_features(gmix_model *m, const gmix_table *t,
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

double cli_now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *p) {
  p->terminal = isatty(STDERR_FILENO);
  p->shown = 0;
  p->start = cli_now_seconds();
  p->last_draw = 0.0;
}

int cli_progress_due(cli_progress *p) {
  if (!p->terminal)
    return 0;
  double t = cli_now_seconds();
  if (t - p->start < CLI_PROGRESS_DELAY_SECONDS ||
      t - p->last_draw < CLI_PROGRESS_INTERVAL_SECONDS)
    return 0;
  p->last_draw = t;
  p->shown = 1;
  return 1;
}

void cli_progress_end(cli_progress *p) {
  if (p->shown)
    fputs("\r\033[K", stderr);
}

void cli_print_double(FILE *f, double v) {
  fprintf(f, "%.17g", v);
}

void cli_print_doubles(FILE *f, const double *v, size_t n) {
  for (size_t j = 0; j < n; j++) {
    if (j)
      fputc(',', f);
    cli_print_double(f, v[j]);
  }
}

void cli_print_csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

int cli_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      return 0;
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
      return 1;
  }
  return 0;
}

void cli_print_manual(const cli_command *cmd, FILE *f) {
  for (const char *const *piece = cmd->manual; *piece; piece++)
    fputs(*piece, f);
}
