/*
 * init.h -- initial responsibilities (init.c), used by the EM driver.
 */
#ifndef GMIX_INIT_H
#define GMIX_INIT_H

#include "engine.h"
#include "hc.h"

/* The tree of the hierarchical start for one restart, built once and cut
 * at any K >= k_stop: the rows it clustered and their merges. A sweep over
 * K builds it once instead of once per K (mclust, too, cuts one tree). */
typedef struct gmix__hc_tree {
  size_t n_rows;          /* m: rows clustered                         */
  size_t n_positive;      /* rows of positive weight (m when no subsample) */
  size_t *rows;           /* the m rows' indices, ascending            */
  gmix__hc_merge *merges; /* the m - k_stop merges, in order           */
  size_t k_stop;          /* clusters left after the last merge        */
} gmix__hc_tree;

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
  /* The hierarchical start's tree for this data, seed, restart and
   * hc_max_rows (gmix__hc_tree_build), or NULL to build one. */
  const gmix__hc_tree *hc_tree;
} gmix__init_data;

/* Accumulate into e->total the statistics of the initial responsibilities
 * chosen by in->method, around shifts that this call sets in e->shift.
 * GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW, GMIX_ETOOFEW; for hc on a
 * subsample also the statuses of its M-step (GMIX_ENOTPD,
 * GMIX_ECOLLAPSE). */
gmix_status gmix__init_stats(gmix__engine *e, const gmix__init_data *in,
                             gmix_error *err);

/* The tree that init = GMIX_INIT_HC cuts at in->k (in->k is not read):
 * the same subsample of rows, drawn from the stream of in->seed and
 * in->init_index, and the same merges, down to k_stop clusters. Free with
 * gmix__hc_tree_free. GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW, GMIX_ENOTPD
 * (as gmix__hc_transform). */
gmix_status gmix__hc_tree_build(const gmix__init_data *in, size_t k_stop,
                                gmix__hc_tree **out, gmix_error *err);
void gmix__hc_tree_free(gmix__hc_tree *t);

#endif /* GMIX_INIT_H */
