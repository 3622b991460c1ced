/*
 * fit.h -- declarations shared by the fit drivers (EM driver, statistics
 * API) and the options reader.
 */
#ifndef GMIX_FIT_H
#define GMIX_FIT_H

#include <stddef.h>

#include "internal.h"

/* The size of the first gmix_options that carried struct_size: every
 * field up to callback_data. Fields after it were added later; a caller's
 * struct that ends before them gets their defaults. */
#define GMIX__OPTIONS_MIN_SIZE                                                 \
  (offsetof(gmix_options, callback_data) + sizeof(void *))

/* Default of gmix_options.hc_max_rows: mclust's default subset size for
 * its hierarchical start (mclust.options("subset")), which keeps the pair
 * table near 16 MB. */
#define GMIX__HC_MAX_ROWS_DEFAULT 2000

/* Copy the caller's options, of whatever version, into a full struct of
 * this library's version (defaults for the fields the caller's lacks).
 * GMIX_EINVAL for NULL or an uninitialised struct. */
gmix_status gmix__options_read(const gmix_options *in, gmix_options *out,
                               gmix_error *err);
/* Validate a full options struct (as gmix__options_read gives). */
gmix_status gmix__options_check(const gmix_options *opt, gmix_error *err);

typedef struct gmix__hc_tree gmix__hc_tree; /* init.h */

/* Restart `init_index` of gmix_fit alone, in two steps, so that the
 * model-selection sweep runs restarts one by one (one that fails does not
 * take the others with it) and finishes only the one it keeps.
 * gmix__fit_restart_run runs the restart to its end (*seconds: how long
 * it took; statuses as gmix_fit); gmix__em_lower_bound ranks it as
 * gmix_fit ranks its restarts; gmix__fit_restart_finish makes the model
 * gmix_fit would return if that restart were its best (report.best_init
 * is init_index, report.n_init is opt->n_init; seconds: those of the
 * run), with one ENTROPY pass of the engine whose totals (sum of weights,
 * sum of w log p, classification entropy) go to sums[3]. `tree` (NULL:
 * none) is the hierarchical start's tree that gmix__fit_hc_tree built for
 * these data, options and restart, cut at opt->n_components instead of
 * building it again when opt->init is hc (ignored otherwise); the model
 * is the same. */
gmix_status gmix__fit_restart_run(const double *x, size_t n, size_t d,
                                  const double *w, const gmix_options *opt,
                                  size_t init_index, const gmix__hc_tree *tree,
                                  gmix_em **out, double *seconds,
                                  gmix_error *err);
double gmix__em_lower_bound(const gmix_em *em);
gmix_status gmix__fit_restart_finish(gmix_em *em, const double *x,
                                     const double *w, double seconds,
                                     double sums[3], gmix_model **out,
                                     gmix_error *err);

/* The tree of the hierarchical start that restart init_index of a fit
 * with options opt (read and checked; n_components is not read) on x[n][d]
 * and weights w would build, merged down to k_stop clusters, so that fits
 * of every K >= k_stop can cut it (gmix__fit_restart_run). Computed by
 * `threads` threads, the same for any number. Free with
 * gmix__hc_tree_free. GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW, GMIX_ENOTPD,
 * GMIX_EWEIGHTS. */
gmix_status gmix__fit_hc_tree(const double *x, size_t n, size_t d,
                              const double *w, const gmix_options *opt,
                              size_t init_index, size_t k_stop, size_t threads,
                              gmix__hc_tree **out, gmix_error *err);
void gmix__hc_tree_free(gmix__hc_tree *t);

#endif /* GMIX_FIT_H */
