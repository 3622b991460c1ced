/*
 * standardize.h -- per-feature centring and scaling of the data for the
 * initialisation (standardize.c), shared by the EM driver (the
 * `standardize` option) and the hierarchical start (hc.c).
 */
#ifndef GMIX_STANDARDIZE_H
#define GMIX_STANDARDIZE_H

#include "internal.h"

/* Per column of x[n][d] over the rows of positive weight (w NULL = ones):
 * the weighted mean, the weighted sum of squared deviations from it, and
 * constant[j] = 1 when every such row holds the same value (its mean is
 * then that value exactly and its sum of squares 0). At least one row
 * must have positive weight. Two passes, in row order. */
void gmix__column_moments(const double *x, size_t n, size_t d, const double *w,
                          double *mean, double *ss, unsigned char *constant);

/* The data centred and scaled per feature: *out (n x d, allocated with
 * gmix__malloc) holds (x - mean) / scale, with mean[d] the weighted mean
 * and scale[d] the weighted standard deviation (sum of squared deviations
 * over sum_w), or 1 for a feature whose values are all equal. GMIX_OK,
 * GMIX_ENOMEM, GMIX_EOVERFLOW. */
gmix_status gmix__standardize(const double *x, size_t n, size_t d,
                              const double *w, double sum_w, double **out,
                              double *mean, double *scale, gmix_error *err);

#endif /* GMIX_STANDARDIZE_H */
