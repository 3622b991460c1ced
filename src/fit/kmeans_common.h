/*
 * kmeans_common.h -- the k-means pieces shared by the in-process start
 * (init.c) and the distributed one (mpi/init.c): the exact squared
 * distance, the nearest centre, and the draw from a running sum that
 * k-means++ and weighted row choices make.
 *
 * Pure functions of their arguments, with no other internal dependency:
 * libgmix_mpi compiles kmeans_common.c (and core/rng.c) into itself as
 * hidden symbols. So libgmix exports nothing beyond gmix.h, libgmix_mpi
 * does not carry a second copy of the whole library, and both starts make
 * the same choices from the same seed.
 */
#ifndef GMIX_KMEANS_COMMON_H
#define GMIX_KMEANS_COMMON_H

#include <stddef.h>

/* |a - b|^2 over d features, by differences (no cancellation). */
double gmix__sqdist(const double *a, const double *b, size_t d);

/* The nearest of centres[k][d] to xi by gmix__sqdist (ties: lowest
 * index). */
size_t gmix__nearest(const double *xi, const double *centres, size_t k,
                     size_t d);

/* The first index whose running sum of w_i * dist_i (w or dist NULL for
 * ones) exceeds target. Rounding can leave the target at or above the
 * total: then the last index that carries any of it, or n - 1 when none
 * does. n > 0. */
size_t gmix__search_cumsum(const double *w, const double *dist, size_t n,
                           double target);

#endif /* GMIX_KMEANS_COMMON_H */
