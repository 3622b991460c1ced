/*
 * fit_common.h -- what `gmix fit` and `gmix-mpi fit` share: the options
 * (their parsing and their manual text), reconciling -k and -c with a
 * starting model, the progress display, the summary and writing the model.
 * Each program keeps only how it reads its data and runs the fit.
 */
#ifndef GMIX_CLI_FIT_COMMON_H
#define GMIX_CLI_FIT_COMMON_H

#include "common.h"

/* The option sections of the manual pages of both fit commands. */
#define CLI_FIT_MODEL_HELP                                                     \
  "   The model\n"                                                             \
  "       -k, --components K\n"                                                \
  "              Number of mixture components (>= 1). Required unless\n"       \
  "              --init-model gives it.\n"                                     \
  "\n"                                                                         \
  "       -c, --covariance TYPE\n"                                             \
  "              full (one d x d matrix per component; the default), tied\n"   \
  "              (one matrix shared by all), diag (per-component variances)\n" \
  "              or spherical (one variance per component).\n"                 \
  "\n"                                                                         \
  "       -o, --output MODEL.json\n"                                           \
  "              Write the model here (atomically: an existing file is\n"      \
  "              replaced only once the new one is complete). '-' writes\n"    \
  "              the JSON to standard output and the summary to standard\n"    \
  "              error. Without -o the model is not saved.\n"                  \
  "\n"

#define CLI_FIT_EM_HELP                                                        \
  "   EM\n"                                                                    \
  "       --init METHOD\n"                                                     \
  "              How each restart starts: kmeans (k-means++ seeding then\n"    \
  "              Lloyd iterations; the default), k-means++ (seeding only),\n"  \
  "              random (random responsibilities) or random-from-data (K\n"    \
  "              random rows as means).\n"                                     \
  "\n"                                                                         \
  "       --init-model START.json\n"                                           \
  "              Start EM from the parameters of this model file instead\n"    \
  "              (only the required keys need be present): the first E-step\n" \
  "              uses exactly its weights, means and covariances. Its K and\n" \
  "              covariance type are used unless -k or -c say otherwise,\n"    \
  "              which must then agree. With --max-iter 0 the model is\n"      \
  "              evaluated on DATA without being changed.\n"                   \
  "\n"                                                                         \
  "       --n-init N\n"                                                        \
  "              Run EM from N starting points and keep the best (default\n"   \
  "              1).\n"                                                        \
  "\n"                                                                         \
  "       --max-iter N\n"                                                      \
  "              At most N EM iterations per start (default 100).\n"           \
  "\n"                                                                         \
  "       --tol T\n"                                                           \
  "              Convergence threshold on the change of the mean\n"            \
  "              log-likelihood per row (default 0.001).\n"                    \
  "\n"                                                                         \
  "       --reg-covar R\n"                                                     \
  "              Added to the diagonal of every covariance, keeping it\n"      \
  "              positive definite (default 1e-06).\n"                         \
  "\n"                                                                         \
  "       --seed S\n"                                                          \
  "              Seed of every random choice (default 0). The same seed and\n" \
  "              data give the same model on any machine and thread count.\n"  \
  "\n"                                                                         \
  "       --threads N\n"                                                       \
  "              Worker threads; 0 (the default) uses all processors.\n"       \
  "\n"

#define CLI_FIT_WEIGHTS_HELP                                                   \
  "   Sample weights\n"                                                        \
  "       --weights FILE\n"                                                    \
  "              Weight each row by the value on the same line of FILE (one\n" \
  "              column, one value per data row).\n"                           \
  "\n"                                                                         \
  "       --weight-column NAME\n"                                              \
  "              Read the weights from this column of DATA (a name or a\n"     \
  "              1-based index); it is not used as a feature.\n"               \
  "\n"

#define CLI_FIT_OUTPUT_HELP                                                    \
  "   Output\n"                                                                \
  "       -v, --verbose\n"                                                     \
  "              Print one line per EM iteration on standard error: the\n"     \
  "              start, the iteration, the mean log-likelihood, its change\n"  \
  "              and the time of the iteration. Without it, a fit that runs\n" \
  "              longer than a moment shows a progress line when standard\n"   \
  "              error is a terminal.\n"                                       \
  "\n"                                                                         \
  "       -h, --help\n"                                                        \
  "              Show this manual.\n"                                          \
  "\n"

/* A fit command line. */
typedef struct fit_args {
  char **data; /* the DATA operands, n_data of them (argv entries) */
  int n_data;
  const char *output, *init_model, *weights_file;
  gmix_options opt;
  gmix_read_options ropt;
  int have_k, have_cov, verbose;
} fit_args;

/* Fill `a` with the defaults and parse the command line of `cmd` into
 * it. One DATA operand, or with `many_data` one or more. Returns -1 to go
 * on, else the exit code to stop with (usage errors are printed). */
int cli_fit_parse(const cli_command *cmd, int argc, char **argv, fit_args *a,
                  int many_data);

/* Reconcile -k and -c with the starting model of --init-model: they are
 * taken from it when not given, and must agree with it when they are; the
 * model becomes the fit's warm start. Returns -1 to go on, else
 * EXIT_USAGE. */
int cli_fit_use_init_model(const char *cmd, fit_args *a,
                           const gmix_model *start);

/* Check before a possibly long fit that the model can be written where -o
 * says. Returns an exit code. */
int cli_fit_check_output_folder(const char *output);

/* Give the model the column names of the data, or failing that those of
 * the starting model (may be NULL). */
void cli_fit_name_features(gmix_model *m, const gmix_table *t,
                           const gmix_model *start);

/* Write the model where -o says: a file atomically, or "-" as JSON on
 * standard output. Returns an exit code. */
int cli_fit_write_model(const gmix_model *m, const char *output);

/* The summary of a fit of n rows of d features: to standard output, or
 * to standard error when the model went to standard output. */
void cli_fit_print_summary(const fit_args *a, const gmix_model *m, size_t n,
                           size_t d, double bic, double aic);

/* The per-iteration display: a log line with --verbose, else (on a
 * terminal, once the fit has run for a moment) a progress line. */
typedef struct cli_progress {
  int verbose;  /* print every iteration                     */
  int terminal; /* stderr is a terminal: show a progress line */
  int shown;    /* a progress line is on the screen           */
  size_t n_init, max_iter;
  double start, last_draw;
} cli_progress;

/* Set up the display for a fit of `a` and make it the fit's callback. */
void cli_progress_start(cli_progress *p, fit_args *a);
/* Clear a progress line left on the screen. */
void cli_progress_end(cli_progress *p);

#endif /* GMIX_CLI_FIT_COMMON_H */
