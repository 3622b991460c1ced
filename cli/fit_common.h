/*
 * fit_common.h -- what `gmix fit` and `gmix-mpi fit` share beyond
 * common.h: their command line (options, manual text), reconciling -k and
 * -c with a starting model, the per-iteration display and the summary.
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
  "              or spherical (one variance per component); or any of\n"       \
  "              mclust's fourteen names, Sigma_k = lambda_k D_k A_k D_k^T\n"  \
  "              with volume lambda, shape A and orientation D Equal,\n"       \
  "              Variable or the Identity: EII, VII, EEI, VEI, EVI, VVI,\n"    \
  "              EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV (VII = spherical,\n"   \
  "              VVI = diag, EEE = tied, VVV = full).\n"                       \
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
  "              random (random responsibilities), random-from-data (K\n"      \
  "              random rows as means) or hc (mclust's default start:\n"       \
  "              model-based agglomerative hierarchical clustering of the\n"   \
  "              rows, on the data centred, scaled and rotated as mclust\n"    \
  "              does, down to K clusters; deterministic, so restarts\n"       \
  "              differ only when it subsamples).\n"                           \
  "\n"                                                                         \
  "       --hc-max-rows N\n"                                                   \
  "              --init hc clusters at most N rows (default 2000, mclust's\n"  \
  "              subset): on more it clusters a random subsample of N and\n"   \
  "              one E-step extends it to every row. Its time and memory\n"    \
  "              grow as N squared; 0 clusters every row.\n"                   \
  "\n"                                                                         \
  "       --standardize\n"                                                     \
  "              Run the initialisation (any --init) on the features\n"        \
  "              centred and scaled to unit standard deviation, so that a\n"   \
  "              feature in the thousands does not drown one in\n"             \
  "              hundredths. EM and the model stay in the original units.\n"   \
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
  "\n" CLI_EM_SETTINGS_HELP "\n"                                               \
  "       --seed S\n"                                                          \
  "              Seed of every random choice (default 0). The same seed and\n" \
  "              data give the same model on any machine and thread count.\n"  \
  "\n"                                                                         \
  "       --threads N\n"                                                       \
  "              Worker threads; 0 (the default) uses all processors.\n"       \
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

/* The summary of a fit of n rows of d features: to standard output, or
 * to standard error when the model went to standard output. */
void cli_fit_print_summary(const fit_args *a, const gmix_model *m, size_t n,
                           size_t d, double bic, double aic);

/* The per-iteration display: a log line with --verbose, else (on a
 * terminal, once the fit has run for a moment) a progress line. */
typedef struct fit_progress {
  int verbose; /* print every iteration */
  size_t n_init, max_iter;
  cli_progress line;
} fit_progress;

/* Set up the display for a fit of `a` and make it the fit's callback. */
void cli_fit_progress_start(fit_progress *p, fit_args *a);
/* Clear a progress line left on the screen. */
void cli_fit_progress_end(fit_progress *p);

#endif /* GMIX_CLI_FIT_COMMON_H */
