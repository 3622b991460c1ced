/*
 * internal.h -- what the files of libgmix_mpi share: one rank's view of
 * the distributed data, errors, and the collective steps the fit and its
 * initialisations are made of.
 */
#ifndef GMIX_MPI_INTERNAL_H
#define GMIX_MPI_INTERNAL_H

#include <stdint.h>

#include "gmix_mpi.h"

#if defined(__GNUC__)
#define GMIX__MPI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GMIX__MPI_PRINTF(f, a)
#endif

/* One rank's rows and what every rank knows of the whole data. */
typedef struct gmix__mpi_data {
  MPI_Comm comm;
  int rank, size;
  const double *x, *w; /* this rank's n x d rows, weights or NULL   */
  size_t n, d;
  size_t k;           /* components of the fit                     */
  uint64_t row0;      /* whole-data index of this rank's first row */
  uint64_t n_total;   /* rows of all ranks                         */
  double local_sum_w; /* this rank's total weight                  */
  double sum_w;       /* all ranks' total, summed in rank order    */
} gmix__mpi_data;

/* Fill err (when not NULL) with status and a formatted message; return
 * status. */
gmix_status gmix__mpi_error(gmix_error *err, gmix_status status,
                            const char *fmt, ...) GMIX__MPI_PRINTF(3, 4);

/* GMIX_OK for MPI_SUCCESS, else GMIX_EIO naming the MPI call and MPI's
 * reason. */
gmix_status gmix__mpi_check(int rc, const char *call, gmix_error *err);

/* Statistics s (empty, under some model) become those of every rank's
 * rows: this rank accumulates its own (with the E-step, or with the
 * responsibilities resp_fn writes for a block of rows when it is not
 * NULL), the ranks agree on the status, and the buffers are summed in
 * rank order. resp_fn writes rows x K responsibilities of rows
 * [r0, r0 + rows) of this rank. `local` is the status of what this rank
 * did before (a failure skips the accumulation and is agreed on with the
 * rest). */
typedef gmix_status (*gmix__mpi_resp_fn)(const gmix__mpi_data *dd,
                                         const void *ctx, size_t r0,
                                         size_t rows, double *resp,
                                         gmix_error *err);
gmix_status gmix__mpi_pass(const gmix__mpi_data *dd, gmix_stats *s,
                           gmix_status local, gmix__mpi_resp_fn resp_fn,
                           const void *ctx, gmix_error *err);

/* Initial statistics of restart `init_index` by opt->init (init.c), the
 * same on every rank. */
gmix_status gmix__mpi_init_stats(const gmix__mpi_data *dd,
                                 const gmix_options *opt, size_t init_index,
                                 gmix_stats **out, gmix_error *err);

#endif /* GMIX_MPI_INTERNAL_H */
