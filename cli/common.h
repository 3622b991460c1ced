/*
 * common.h -- what the subcommands of the gmix tool share: exit codes,
 * error reporting, option parsing, reading data and models, writing output.
 */
#ifndef GMIX_CLI_COMMON_H
#define GMIX_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "gmix.h"

/* Exit codes, as documented in `gmix --help`. */
enum {
  EXIT_OK = 0,     /* success                                        */
  EXIT_USAGE = 1,  /* bad command line                               */
  EXIT_DATA = 2,   /* unreadable or invalid data, model or output    */
  EXIT_NUMERIC = 3 /* the numerical method failed (e.g. collapse)    */
};

/* A subcommand: its name, one-line summary, entry point and manual page.
 * The manual is a NULL-terminated list of pieces printed one after the
 * other, because ISO C compilers need only support string literals of
 * 4095 characters. */
typedef struct cli_command {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  const char *const *manual;
} cli_command;

extern const cli_command cli_fit, cli_select, cli_predict, cli_score,
    cli_sample, cli_info, cli_plot;

/* The exit-status section shared by every manual page. */
#define CLI_EXIT_STATUS                                                        \
  "EXIT STATUS\n"                                                              \
  "       0  success\n"                                                        \
  "       1  usage error: unknown option, missing or malformed argument\n"     \
  "       2  data or I/O error: a file cannot be read or written, or holds\n"  \
  "          bad data (empty, ragged, non-numeric, NaN/Inf, wrong number of\n" \
  "          columns, fewer rows than components), or a model file is\n"       \
  "          invalid\n"                                                        \
  "       3  numerical failure: a covariance is not positive definite or a\n"  \
  "          component collapsed and could not be re-seeded\n"                 \
  "       130, 143\n"                                                          \
  "          interrupted by SIGINT (Ctrl-C) or SIGTERM. fit and select stop\n" \
  "          within milliseconds, even in the middle of an iteration, say\n"   \
  "          so in one line and write nothing: a file they would have\n"       \
  "          replaced is left as it was. A signal that comes once they\n"      \
  "          have begun writing their results lets the writing finish.\n"

/* The data-reading options shared by fit, predict and score. */
#define CLI_DATA_OPTIONS_HELP                                                  \
  "   Reading data\n"                                                          \
  "       DATA is a CSV, TSV or whitespace-separated text file, or a NumPy\n"  \
  "       .npy file (float64 or float32, any order or byte order), or - for\n" \
  "       standard input (text only). The delimiter and a header line are\n"   \
  "       detected; header names are carried into the model file.\n"           \
  "\n"                                                                         \
  "       --columns LIST\n"                                                    \
  "              Use only these columns, in this order: names or 1-based\n"    \
  "              indices separated by commas (\"waiting,eruptions\" or "       \
  "\"2,1\").\n"                                                                \
  "\n"                                                                         \
  "       --delimiter C\n"                                                     \
  "              Field separator: ',', ';', 'tab' or 'space' (any run of\n"    \
  "              blanks). Default: detected.\n"                                \
  "\n"                                                                         \
  "       --header, --no-header\n"                                             \
  "              The first line is (is not) a header. Default: detected.\n"    \
  "\n"                                                                         \
  "       --drop-bad-rows\n"                                                   \
  "              Skip rows with an empty, non-numeric, NaN or infinite cell\n" \
  "              or the wrong number of cells instead of stopping at the\n"    \
  "              first; the number skipped is reported on standard error.\n"

/* The sample-weight options shared by fit, score and select. */
#define CLI_WEIGHT_OPTIONS_HELP                                                \
  "   Sample weights\n"                                                        \
  "       --weights FILE\n"                                                    \
  "              Weight each row by the value on the same line of FILE (one\n" \
  "              column, one value per data row).\n"                           \
  "\n"                                                                         \
  "       --weight-column NAME\n"                                              \
  "              Read the weights from this column of DATA (a name or a\n"     \
  "              1-based index); it is not used as a feature.\n"

/* The EM settings shared by fit and select (each says itself what
 * --n-init, --seed and --threads mean for it). */
#define CLI_EM_SETTINGS_HELP CLI_EM_SETTINGS_HELP_TOL("(default 0.001).\n")
/* The same, with the end of --tol's paragraph (its default) given. */
#define CLI_EM_SETTINGS_HELP_TOL(tol_default)                                  \
  "       --max-iter N\n"                                                      \
  "              At most N EM iterations per start (default 100).\n"           \
  "\n"                                                                         \
  "       --tol T\n"                                                           \
  "              Convergence threshold on the change of the mean\n"            \
  "              log-likelihood per row " tol_default "\n"                     \
  "       --reg-covar R\n"                                                     \
  "              Added to the diagonal of every covariance, keeping it\n"      \
  "              positive definite (default 1e-06).\n"                         \
  "\n"                                                                         \
  "       --mstep-tol T, --mstep-max-iter N\n"                                 \
  "              The inner iterations of the M-steps of VEI, VEE, EVE, VVE\n"  \
  "              and VEV stop when the relative change of their objective\n"   \
  "              is at most T (default 1.49e-08, mclust's) or after N\n"       \
  "              iterations (default 1000); M-steps stopped by N are\n"        \
  "              counted in the fit report.\n"

/* getopt_long values of the shared options (above any short option
 * character). */
enum {
  OPT_COLUMNS = 256,
  OPT_DELIMITER,
  OPT_HEADER,
  OPT_NO_HEADER,
  OPT_DROP_BAD_ROWS,
  OPT_WEIGHTS,
  OPT_WEIGHT_COLUMN,
  OPT_N_INIT,
  OPT_MAX_ITER,
  OPT_TOL,
  OPT_REG_COVAR,
  OPT_SEED,
  OPT_THREADS,
  OPT_HC_MAX_ROWS,
  OPT_STANDARDIZE,
  OPT_MSTEP_TOL,
  OPT_MSTEP_MAX_ITER,
  OPT_FIRST_COMMAND_OPTION /* subcommands number their own from here */
};

#define CLI_DATA_LONG_OPTIONS                                                  \
  {"columns", required_argument, NULL, OPT_COLUMNS},                           \
      {"delimiter", required_argument, NULL, OPT_DELIMITER},                   \
      {"header", no_argument, NULL, OPT_HEADER},                               \
      {"no-header", no_argument, NULL, OPT_NO_HEADER}, {                       \
    "drop-bad-rows", no_argument, NULL, OPT_DROP_BAD_ROWS                      \
  }

#define CLI_WEIGHT_LONG_OPTIONS                                                \
  {"weights", required_argument, NULL, OPT_WEIGHTS}, {                         \
    "weight-column", required_argument, NULL, OPT_WEIGHT_COLUMN                \
  }

#define CLI_EM_LONG_OPTIONS                                                    \
  {"n-init", required_argument, NULL, OPT_N_INIT},                             \
      {"max-iter", required_argument, NULL, OPT_MAX_ITER},                     \
      {"tol", required_argument, NULL, OPT_TOL},                               \
      {"reg-covar", required_argument, NULL, OPT_REG_COVAR},                   \
      {"seed", required_argument, NULL, OPT_SEED},                             \
      {"threads", required_argument, NULL, OPT_THREADS},                       \
      {"hc-max-rows", required_argument, NULL, OPT_HC_MAX_ROWS},               \
      {"mstep-tol", required_argument, NULL, OPT_MSTEP_TOL},                   \
      {"mstep-max-iter", required_argument, NULL, OPT_MSTEP_MAX_ITER}, {       \
    "standardize", no_argument, NULL, OPT_STANDARDIZE                          \
  }

/* The options of the commands that fit models (fit, select): -k, -c, -o,
 * -h, the EM settings, the weights and the data options. */
#define CLI_FIT_LONG_OPTIONS                                                   \
  {"components", required_argument, NULL, 'k'},                                \
      {"covariance", required_argument, NULL, 'c'},                            \
      {"output", required_argument, NULL, 'o'},                                \
      {"help", no_argument, NULL, 'h'}, CLI_EM_LONG_OPTIONS,                   \
      CLI_WEIGHT_LONG_OPTIONS, CLI_DATA_LONG_OPTIONS

/* How long a command runs before a progress line appears on a terminal,
 * and how often it is redrawn: a quick run should not flash one, and
 * redrawing a terminal line thousands of times a second would slow a fast
 * one down. */
#define CLI_PROGRESS_DELAY_SECONDS 0.5
#define CLI_PROGRESS_INTERVAL_SECONDS 0.1

/* A progress line on standard error, redrawn in place. */
typedef struct cli_progress {
  int terminal; /* stderr is a terminal: show a progress line */
  int shown;    /* a progress line is on the screen           */
  double start, last_draw;
} cli_progress;

/* The program's name in messages: "gmix", or "gmix-mpi". */
extern const char *cli_program;
/* Non-zero: messages (errors, warnings, usage) are not printed. gmix-mpi
 * sets it on every rank but 0, where the same messages would repeat. */
extern int cli_quiet;

/* Print "gmix: <message>" on standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "gmix: warning: <message>" on standard error. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a usage error of subcommand `cmd` (NULL for the top level) and
 * return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report a library failure: print its message (or the status name when
 * the message is empty) and return the exit code for its status. */
int cli_fail(const gmix_error *err);

/* The exit code for a library status. */
int cli_exit_code(gmix_status status);

/* Fill err with status and a formatted message, as the library does, for
 * an error that is passed on before it is printed; return status. */
gmix_status cli_status(gmix_error *err, gmix_status status, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

/* Parse option values; on a malformed value print a usage error naming
 * the option and return 0. */
int cli_parse_count(const char *cmd, const char *opt, const char *arg,
                    size_t min, size_t *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *arg,
                  uint64_t *out);
int cli_parse_double(const char *cmd, const char *opt, const char *arg,
                     double min, double *out);

/* The end of every subcommand's option switch, for the values it does not
 * handle itself: a shared data option is applied to `ropt` (when not
 * NULL), -h prints the manual of `cmd`, anything else is a usage error
 * (getopt_long has said what is wrong). Returns -1 to go on parsing, else
 * the exit code to stop with. */
int cli_common_option(const cli_command *cmd, int c, const char *arg,
                      gmix_read_options *ropt);

/* Apply a sample-weight option (CLI_WEIGHT_LONG_OPTIONS): the column to
 * `ropt`, the file to *weights_file. Returns 1 if `c` was one, else 0. */
int cli_weight_option(int c, const char *arg, gmix_read_options *ropt,
                      const char **weights_file);

/* Check the weight options against each other and DATA (both cannot be
 * standard input). Returns EXIT_OK or EXIT_USAGE (message printed). */
int cli_check_weight_options(const char *cmd, const char *data,
                             const gmix_read_options *ropt,
                             const char *weights_file);

/* The end of the option switch of a command that fits models (fit,
 * select): an EM setting (CLI_EM_LONG_OPTIONS) goes to `opt`, a weight
 * option to `ropt` or *weights_file, anything else to cli_common_option.
 * Returns -1 to go on parsing, else the exit code to stop with. */
int cli_fit_option(const cli_command *cmd, int c, const char *arg,
                   gmix_options *opt, gmix_read_options *ropt,
                   const char **weights_file);

/* After the options of a command that fits models: the one DATA operand
 * into *data, checked with the weight options (cli_check_weight_options).
 * Returns EXIT_OK or EXIT_USAGE (message printed). */
int cli_data_operand(const char *cmd, int argc, char **argv,
                     const gmix_read_options *ropt, const char *weights_file,
                     const char **data);

/* Check the number of operands left after the options: `have` must be
 * `want`, else a usage error "expected <what>, got N arguments". Returns
 * EXIT_OK or EXIT_USAGE. */
int cli_expect_operands(const char *cmd, int have, int want, const char *what);

/* How messages name a data path: "standard input" for "-". */
const char *cli_data_name(const char *path);

/* Read a data file; on failure print the error and return its exit code.
 * A note on standard error says how many rows --drop-bad-rows skipped. */
int cli_read_data(const char *path, const gmix_read_options *ropt,
                  gmix_table **out);

/* Read sample weights for `n` data rows from a file holding one column.
 * *out is a malloc'd array. Returns an exit code. */
int cli_read_weights(const char *path, size_t n, double **out);

/* Load a model file; on failure print the error, return EXIT_DATA. */
int cli_load_model(const char *path, gmix_model **out);

/* Load a model, read a data file to apply it to and check that the data
 * has the model's number of features (cli_check_dimension). Returns an
 * exit code; on failure *m and *t hold what was loaded, for the caller to
 * free. */
int cli_load_model_and_data(const char *model_path, const char *data_path,
                            const gmix_read_options *ropt, gmix_model **m,
                            gmix_table **t);

/* The sample weights of the rows of t: those of its --weight-column (or
 * NULL), or when `weights_file` is given, read from it (cli_read_weights)
 * into *wbuf, which the caller frees. A weights file cannot be matched to
 * the rows once --drop-bad-rows has dropped some; that error names the
 * data `data_name`. Returns an exit code. */
int cli_sample_weights(const gmix_table *t, const char *data_name,
                       const char *weights_file, const double **w,
                       double **wbuf);

/* Check that a table has the model's number of features and warn when its
 * column names differ from the model's feature names. Returns an exit
 * code. */
int cli_check_dimension(const gmix_model *m, const char *model_path,
                        const gmix_table *t, const char *data_path);

/* Open an output file for writing ("-" or NULL: standard output). On
 * failure print an error naming the path and return NULL. */
FILE *cli_open_output(const char *path);
/* Flush and close an output opened by cli_open_output, reporting a write
 * error (disk full, closed pipe). Returns an exit code. */
int cli_close_output(FILE *f, const char *path, int status);

/* Write a command's result to `path` ("-" or NULL: standard output):
 * open it, let print(f, data) write everything, then flush and close it,
 * reporting a failure to open or write. Commands compute their results
 * first, so a failure leaves no half-written file. Returns an exit code. */
int cli_write_output(const char *path, void (*print)(FILE *f, const void *data),
                     const void *data);

/* Check before a possibly long run that a file can be written at `path`
 * (NULL or "-" pass): its folder must exist and be writable. The write
 * itself still reports any later failure. `what` names the file in the
 * message ("model file"). Returns an exit code. */
int cli_check_output_folder(const char *path, const char *what);

/* Write a model: to a file atomically (gmix_model_save), or as JSON to
 * standard output when `output` is "-". Returns an exit code. */
int cli_write_model(const gmix_model *m, const char *output);

/* Give a fitted model the column names of the data, or failing that those
 * of `start` (may be NULL). A model without names is fine; a failure to
 * copy them (out of memory) warns rather than losing the fit. */
void cli_name_features(gmix_model *m, const gmix_table *t,
                       const gmix_model *start);

/* Seconds on a monotonic clock, for progress lines. */
double cli_now_seconds(void);

/* Start a progress line: shown only when standard error is a terminal. */
void cli_progress_start(cli_progress *p);
/* 1 when the line is to be drawn now (on a terminal, once the command has
 * run CLI_PROGRESS_DELAY_SECONDS and at most every
 * CLI_PROGRESS_INTERVAL_SECONDS): the caller then prints it, starting
 * with '\r' and ending with "\033[K". */
int cli_progress_due(cli_progress *p);
/* Clear the line, if one was drawn. */
void cli_progress_end(cli_progress *p);

/* Print a double with 17 significant digits (exact round trip). */
void cli_print_double(FILE *f, double v);

/* Print n doubles as one CSV line (cli_print_double, comma-separated),
 * without the line break. */
void cli_print_doubles(FILE *f, const double *v, size_t n);

/* Print a CSV field, quoted (with doubled quotes) when it holds a comma, a
 * quote or a line break. */
void cli_print_csv_field(FILE *f, const char *s);

/* 1 when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Print the manual page of a command. */
void cli_print_manual(const cli_command *cmd, FILE *f);

#endif /* GMIX_CLI_COMMON_H */
