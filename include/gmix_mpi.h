/*
 * gmix_mpi.h -- Gaussian mixtures fitted by EM over the ranks of an MPI
 * communicator (libgmix_mpi, built when MPI is found; libgmix itself never
 * links MPI).
 *
 * Each rank holds its own rows; every EM iteration each rank accumulates
 * its rows into statistics under the current parameters (gmix.h,
 * "Sufficient statistics"), the packed statistics (gmix_stats_pack) are summed
 * across the ranks in rank order, and every rank applies the same M-step. So:
 *  - the model is bit-identical run to run for a given number of ranks, on
 *    every rank, whatever order the network delivers messages in;
 *  - from the same start it is gmix_fit's model on the rows of all ranks
 *    (rank 0's rows first) up to the rounding of the sums, which depends
 *    on how the rows are split, as gmix.h says of the statistics API.
 * The parameters are not broadcast: every rank computes them from the same
 * sums, so they are the same bits on ranks that run the same libgmix on
 * the same kind of CPU. (BLAS and LAPACK may choose kernels by CPU model;
 * on a cluster of mixed CPUs the ranks' models could differ in the last
 * bits.)
 *
 * Collectives and errors. Every call here is collective over `comm`: each
 * rank calls it, with the same options, in the same order. A call agrees
 * on a status (gmix_mpi_agree) after every step that can fail on some
 * ranks only and before the next collective, so a failure on one rank
 * (bad data, no memory) returns the same status and message on every
 * rank instead of leaving the others waiting. A failure of MPI itself
 * follows the communicator's error handler: with the default
 * (MPI_ERRORS_ARE_FATAL) MPI ends the job; with MPI_ERRORS_RETURN the call
 * returns GMIX_EIO naming the MPI call, on the ranks where it failed.
 *
 * Conventions are gmix.h's (statuses, gmix_error, ownership); the library
 * never prints and never exits. Thread-safe to the extent that MPI is:
 * call from one thread per rank, or with MPI_THREAD_MULTIPLE on distinct
 * communicators.
 */
#ifndef GMIX_MPI_H
#define GMIX_MPI_H

#include <mpi.h>

#include "gmix.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Agree on a status across comm: every rank passes the status of its own
 * last step and `err` holding its message (may be NULL; a failing rank
 * without a message sends gmix_strerror's). Returns, on every rank, the
 * status of the lowest-numbered rank that failed and copies that rank's
 * message into `err` (when not NULL); GMIX_OK, leaving `err` untouched,
 * when no rank failed. One MPI_Allreduce of an int, plus a broadcast of
 * the message when some rank failed.
 */
GMIX_API gmix_status gmix_mpi_agree(MPI_Comm comm, gmix_status status,
                                    gmix_error *err);

/*
 * Sum buf[len] over the ranks of comm, in place on every rank: element j
 * becomes ((b_0[j] + b_1[j]) + b_2[j]) + ... in rank order, b_r being rank
 * r's array, so the result is the same bits in every run for a given
 * number of ranks (MPI_Allreduce may add in any order the network
 * suggests). The arrays are gathered to rank 0 in pieces of at most
 * GMIX_MPI_GATHER_DOUBLES doubles in all, added there in rank order, and
 * the sum is broadcast. `len` must be the same on every rank; buf may be
 * NULL when len is 0. Packed statistics (gmix_stats_pack) summed this way
 * and unpacked are the statistics of the rows of every rank; that is what
 * gmix_mpi_fit sends each iteration: gmix_stats_packed_size doubles, for
 * full covariances 2 + K + K d + K d (d + 1) / 2. GMIX_OK, GMIX_ENOMEM
 * (rank 0 could not allocate its gather buffer; every rank returns it),
 * GMIX_EIO (MPI failed, under MPI_ERRORS_RETURN).
 */
GMIX_API gmix_status gmix_mpi_sum(MPI_Comm comm, double *buf, size_t len,
                                  gmix_error *err);

/* The most doubles rank 0 holds at once while gmix_mpi_sum gathers: 8 MiB.
 * A buffer longer than this divided by the number of ranks is gathered in
 * several pieces, which costs a latency each but bounds rank 0's memory
 * whatever the number of ranks. */
#define GMIX_MPI_GATHER_DOUBLES ((size_t)1 << 20)

/*
 * Fit a K-component mixture by EM to the rows of every rank of comm:
 * gmix_fit over MPI. Each rank passes its own rows x[n][d] (row-major,
 * finite; n may be 0 on some ranks; d must be the same on every rank) and
 * weights w[n] (>= 0, finite; NULL for ones), and the same `opt`. On
 * success every rank receives in *out a model, the same on every rank,
 * carrying gmix_fit's fit report (n_samples and sum_weights are those of
 * all ranks); on failure *out is untouched.
 *
 * The fit is gmix_fit's: restarts (n_init, each restart its own start
 * from the seed; the highest lower bound wins, the first on a tie), the
 * convergence test, max_iter, sample weights, every covariance model, the
 * collapse policy and its limits, warm start and the *_init parameters.
 * opt->callback is called on every rank after every iteration; a non-zero
 * return on any rank cancels the fit on all (GMIX_ECANCELLED).
 * opt->threads is the number of threads of each rank.
 *
 * Initialisation (opt->init), when there is no warm start. The random
 * streams are gmix_fit's (seeded alike from opt->seed and the restart)
 * and every choice about a row is made from its index in the whole data,
 * never from its rank:
 *  - kmeans: gmix_fit's Bernoulli sample of about kmeans_max_rows rows of
 *    positive weight (the same rows: a hash of the seed and the row's
 *    index; every row when kmeans_max_rows is 0 or exceeds the data) is
 *    gathered to rank 0, which seeds K centres on it by gmix_fit's greedy
 *    k-means++ draws; Lloyd iterations then run on the sampled rows where
 *    they lie, each rank summing its rows per centre and gmix_mpi_sum
 *    adding the sums in rank order; every row is labelled by its nearest
 *    centre and the first M-step runs on those one-hot responsibilities.
 *  - k-means++: the seeding alone; the first M-step runs on the K chosen
 *    rows. gmix_fit seeds on every row: the same draws here when the data
 *    have at most kmeans_max_rows rows (or it is 0); beyond that, on the
 *    sample, so the start differs from gmix_fit's.
 *  - random: gmix_fit's responsibilities, a draw per (row of the whole
 *    data, component).
 *  - random_from_data: gmix_fit's K rows, drawn among the whole data (one
 *    small collective per draw to ask whether the row weighs more than 0).
 * What depends on the number of ranks: the sample, the seeding, the
 * random responsibilities and rows do not. Lloyd's sums and every
 * statistic do, in their last bits (the order of the additions). k-means++
 * here compares candidates by exact distances, gmix_fit by the expanded
 * |x|^2 + |c|^2 - 2 x.c, and Lloyd labels likewise; so the k-means starts
 * are gmix_fit's up to rounding except where two distances tie to within
 * it, which can give another candidate or label (rare; then the start
 * differs). From a warm start or from *_init parameters the fit is
 * gmix_fit's up to rounding.
 * The hierarchical start (GMIX_INIT_HC) and opt->standardize are not
 * available: without a warm start or all three *_init parameters they
 * are refused with GMIX_EINVAL before any rank reads a row.
 *
 * Data errors name the row in the whole data (rank 0's rows first) and
 * the rank that holds it. Returns, on every rank, GMIX_OK or a status of
 * gmix_fit: GMIX_EINVAL, GMIX_ENONFINITE, GMIX_EWEIGHTS, GMIX_ETOOFEW,
 * GMIX_EDIM (the ranks disagree on d, or a warm start of another shape),
 * GMIX_EOVERFLOW, GMIX_ENOMEM, GMIX_ENOTPD, GMIX_ECOLLAPSE,
 * GMIX_ECANCELLED; and GMIX_EIO as above.
 */
GMIX_API gmix_status gmix_mpi_fit(MPI_Comm comm, const double *x, size_t n,
                                  size_t d, const double *w,
                                  const gmix_options *opt, gmix_model **out,
                                  gmix_error *err);

#ifdef __cplusplus
}
#endif

#endif /* GMIX_MPI_H */
