/*
 * collective.c -- the collective steps every distributed computation here
 * is made of: agreeing on a status, summing arrays in rank order, and one
 * pass of every rank's rows into statistics.
 *
 * Why a gather and not MPI_Allreduce: the MPI standard lets a reduction
 * associate the ranks' values in any order (and implementations pick the
 * order from the message sizes and the network), so floating-point sums
 * can change from run to run. Gathering the arrays to rank 0 and adding
 * them there left to right in rank order gives one fixed order for a
 * given number of ranks. Even a user-defined non-commutative MPI_Op would
 * only fix the order of the operands, not their bracketing. The price is
 * rank 0 receiving P arrays rather than a log P tree of partial sums;
 * for statistics of K d^2 doubles that is small next to the pass that
 * produced them (README, "Distributed fit").
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Rows whose responsibilities are written at once by a resp_fn: 4096 rows
 * keep the block of K doubles per row in cache for moderate K while each
 * accumulate call still has rows enough to amortise its set-up. */
#define RESP_BLOCK_ROWS 4096

gmix_status gmix__mpi_error(gmix_error *err, gmix_status status,
                            const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = status;
  }
  return status;
}

gmix_status gmix__mpi_check(int rc, const char *call, gmix_error *err) {
  if (rc == MPI_SUCCESS)
    return GMIX_OK;
  char reason[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, reason, &len) != MPI_SUCCESS)
    snprintf(reason, sizeof reason, "MPI error %d", rc);
  return gmix__mpi_error(err, GMIX_EIO, "%s failed: %s", call, reason);
}

/* The message a failing rank broadcasts: its status and text. */
typedef struct agreed {
  int status;
  char message[GMIX_ERROR_MESSAGE_SIZE];
} agreed;

gmix_status gmix_mpi_agree(MPI_Comm comm, gmix_status status, gmix_error *err) {
  int rank, size, first;
  gmix_status st =
      gmix__mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size", err);
  if (st != GMIX_OK)
    return st;
  int mine = status != GMIX_OK ? rank : size;
  st = gmix__mpi_check(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm),
                       "MPI_Allreduce", err);
  if (st != GMIX_OK || first == size)
    return st;
  agreed a;
  memset(&a, 0, sizeof a);
  if (rank == first) {
    a.status = (int)status;
    const char *text =
        err && err->message[0] ? err->message : gmix_strerror(status);
    snprintf(a.message, sizeof a.message, "%s", text);
  }
  st = gmix__mpi_check(MPI_Bcast(&a, (int)sizeof a, MPI_BYTE, first, comm),
                       "MPI_Bcast", err);
  if (st != GMIX_OK)
    return st;
  a.message[sizeof a.message - 1] = '\0';
  if (err) {
    err->status = (gmix_status)a.status;
    memcpy(err->message, a.message, sizeof err->message);
  }
  return (gmix_status)a.status;
}

/* Broadcast len doubles from rank 0, in pieces MPI's int counts can
 * hold. */
static gmix_status bcast(MPI_Comm comm, double *buf, size_t len,
                         gmix_error *err) {
  for (size_t off = 0; off < len;) {
    size_t m = len - off < (size_t)INT_MAX ? len - off : (size_t)INT_MAX;
    gmix_status st = gmix__mpi_check(
        MPI_Bcast(buf + off, (int)m, MPI_DOUBLE, 0, comm), "MPI_Bcast", err);
    if (st != GMIX_OK)
      return st;
    off += m;
  }
  return GMIX_OK;
}

gmix_status gmix_mpi_sum(MPI_Comm comm, double *buf, size_t len,
                         gmix_error *err) {
  int rank, size;
  gmix_status st =
      gmix__mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size", err);
  if (st != GMIX_OK || size == 1 || len == 0)
    return st;
  if (!buf)
    return gmix__mpi_error(err, GMIX_EINVAL, "argument 'buf' is NULL");
  /* Each piece: `seg` doubles from every rank, at most
   * GMIX_MPI_GATHER_DOUBLES at rank 0 in all. */
  size_t ranks = (size_t)size;
  size_t seg = GMIX_MPI_GATHER_DOUBLES / ranks;
  if (seg == 0)
    seg = 1;
  if (seg > len)
    seg = len;
  if (seg > (size_t)INT_MAX)
    seg = (size_t)INT_MAX;
  double *all = NULL;
  if (rank == 0) {
    all = malloc(seg * ranks * sizeof *all);
    if (!all)
      st = gmix__mpi_error(err, GMIX_ENOMEM,
                           "rank 0: out of memory gathering %zu doubles from "
                           "%d ranks",
                           seg, size);
  }
  if ((st = gmix_mpi_agree(comm, st, err)) != GMIX_OK) {
    free(all);
    return st;
  }
  for (size_t off = 0; off < len && st == GMIX_OK; off += seg) {
    size_t m = len - off < seg ? len - off : seg;
    st = gmix__mpi_check(MPI_Gather(buf + off, (int)m, MPI_DOUBLE, all, (int)m,
                                    MPI_DOUBLE, 0, comm),
                         "MPI_Gather", err);
    if (st == GMIX_OK && rank == 0)
      for (size_t j = 0; j < m; j++) {
        double s = all[j];
        for (size_t r = 1; r < ranks; r++)
          s += all[r * m + j];
        buf[off + j] = s;
      }
  }
  free(all);
  return st == GMIX_OK ? bcast(comm, buf, len, err) : st;
}

/* This rank's rows into s, the E-step's or resp_fn's responsibilities. */
static gmix_status accumulate_local(const gmix__mpi_data *dd, gmix_stats *s,
                                    gmix__mpi_resp_fn resp_fn, const void *ctx,
                                    gmix_error *err) {
  /* A rank whose rows all weigh 0 adds nothing (and the statistics API
   * refuses weights that sum to 0). */
  if (dd->n == 0 || !(dd->local_sum_w > 0.0))
    return GMIX_OK;
  if (!resp_fn)
    return gmix_stats_accumulate(s, dd->x, dd->n, dd->d, dd->w, err);
  double *resp = malloc(RESP_BLOCK_ROWS * dd->k * sizeof *resp);
  if (!resp)
    return gmix__mpi_error(err, GMIX_ENOMEM,
                           "rank %d: out of memory for initial "
                           "responsibilities",
                           dd->rank);
  gmix_status st = GMIX_OK;
  for (size_t r0 = 0; r0 < dd->n && st == GMIX_OK; r0 += RESP_BLOCK_ROWS) {
    size_t rows = dd->n - r0 < RESP_BLOCK_ROWS ? dd->n - r0 : RESP_BLOCK_ROWS;
    st = resp_fn(dd, ctx, r0, rows, resp, err);
    if (st == GMIX_OK)
      st = gmix_stats_accumulate_resp(s, dd->x + r0 * dd->d, rows, dd->d,
                                      dd->w ? dd->w + r0 : NULL, resp, err);
  }
  free(resp);
  return st;
}

gmix_status gmix__mpi_pass(const gmix__mpi_data *dd, gmix_stats *s,
                           gmix_status local, gmix__mpi_resp_fn resp_fn,
                           const void *ctx, gmix_error *err) {
  if (local == GMIX_OK)
    local = accumulate_local(dd, s, resp_fn, ctx, err);
  /* Only the independent entries travel (gmix_stats_pack). */
  size_t len = gmix_stats_packed_size(s);
  double *packed = NULL;
  if (local == GMIX_OK && !(packed = malloc(len * sizeof *packed)))
    local = gmix__mpi_error(err, GMIX_ENOMEM,
                            "rank %d: out of memory packing %zu statistics",
                            dd->rank, len);
  if (local == GMIX_OK)
    local = gmix_stats_pack(s, packed, len, err);
  gmix_status st = gmix_mpi_agree(dd->comm, local, err);
  if (st == GMIX_OK)
    st = gmix_mpi_sum(dd->comm, packed, len, err);
  if (st == GMIX_OK)
    st = gmix_stats_unpack(s, packed, len, err);
  free(packed);
  return st;
}
