/*
 * hc.h -- model-based agglomerative hierarchical clustering (hc.c), the
 * start mclust gives EM by default. Used by the GMIX_INIT_HC
 * initialisation (init.c); the merge sequence can also be cut at several
 * K from one run.
 */
#ifndef GMIX_HC_H
#define GMIX_HC_H

#include "internal.h"

/* One merge. Clusters are named by their smallest row: merge (a, b), with
 * a < b, joins the cluster named b into the one named a. `cost` is the
 * increase of the classification criterion it caused (negative when
 * merging identical rows). */
typedef struct gmix__hc_merge {
  size_t a, b;
  double cost;
} gmix__hc_merge;

/*
 * mclust's default transformation before its hierarchical clustering
 * (hcUse "SVD"), of rows x[n][d] with weights w (NULL = ones; every row
 * must have positive weight, and n >= 1): each feature centred by its mean
 * and scaled by its standard deviation (a feature whose values are all
 * equal is dropped), then the rows are rotated onto the principal axes of
 * the scaled data and axis t is divided by the square root of its singular
 * value sigma_t. *z (n x *q, allocated with gmix__malloc) receives them.
 * Axes whose sigma_t^2 is at the rounding level of the largest (below
 * max(n, d) * DBL_EPSILON times it) are dropped where mclust would divide
 * by zero; when nothing varies, z is one column of zeros. With weights the
 * moments and the scatter are weighted, and the standard deviation divides
 * by sum_w (m - 1) / m for m rows, which is n - 1 without weights, as R's
 * sd(). GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW, GMIX_ENOTPD (the
 * eigendecomposition failed).
 */
gmix_status gmix__hc_transform(const double *x, size_t n, size_t d,
                               const double *w, double **z, size_t *q,
                               gmix_error *err);

/*
 * Agglomerate rows z[n][q] (weights w as above) from single rows down to k
 * clusters (1 <= k <= n), merging at each step the pair whose merge
 * increases the criterion least (ties: the pair of smallest names, a then
 * b); merges[n - k] receive the merges in order. Costs are evaluated by
 * `threads` threads (>= 1); the result is the same for any number.
 * GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW (the n (n - 1) / 2 pair table does
 * not fit).
 */
gmix_status gmix__hc_merges(const double *z, size_t n, size_t q,
                            const double *w, size_t k, size_t threads,
                            gmix__hc_merge *merges, gmix_error *err);

/* As gmix__hc_merges, reading the caller's flag `cancel`
 * (gmix_options.cancel, may be NULL) between the pair costs it computes
 * first and before every merge: GMIX_ECANCELLED once it is set. */
gmix_status gmix__hc_merges_cancellable(const double *z, size_t n, size_t q,
                                        const double *w, size_t k,
                                        size_t threads,
                                        const volatile sig_atomic_t *cancel,
                                        gmix__hc_merge *merges,
                                        gmix_error *err);

/* Cut a merge sequence of n rows at k clusters (merges holds at least the
 * first n - k): labels[n] receive 0 .. k-1, numbered in the order of each
 * cluster's first row (mclust's hclass numbering). */
void gmix__hc_labels(const gmix__hc_merge *merges, size_t n, size_t k,
                     size_t *labels);

#endif /* GMIX_HC_H */
