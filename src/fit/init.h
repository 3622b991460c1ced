/*
 * init.h -- initial responsibilities (init.c), used by the EM driver.
 */
#ifndef GMIX_INIT_H
#define GMIX_INIT_H

#include "engine.h"

typedef struct gmix__init_data {
  const double *x, *w; /* n x d data, optional weights        */
  size_t n, d, k;
  double sum_w; /* total weight (n when w is NULL)     */
  gmix_init_method method;
  uint64_t seed;
  size_t init_index; /* restart: selects the random stream  */
  size_t kmeans_max_iter;
  size_t kmeans_max_rows;
  double kmeans_tol;
  size_t hc_max_rows;
  /* The fit's options: hc's M-step on a subsample follows their
   * regularisation and collapse policy. */
  const gmix_options *opt;
  size_t chunk, threads; /* as the engine's                    */
} gmix__init_data;

/* Accumulate into e->total the statistics of the initial responsibilities
 * chosen by in->method, around shifts that this call sets in e->shift.
 * GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW, GMIX_ETOOFEW; for hc on a
 * subsample also the statuses of its M-step (GMIX_ENOTPD,
 * GMIX_ECOLLAPSE). */
gmix_status gmix__init_stats(gmix__engine *e, const gmix__init_data *in,
                             gmix_error *err);

#endif /* GMIX_INIT_H */
