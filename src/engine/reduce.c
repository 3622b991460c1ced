/*
 * reduce.c -- the ordered parallel reduction over chunks of rows.
 *
 * Rows are split into chunks of a fixed size (independent of the thread
 * count); threads take chunks in turn, each chunk is reduced into its
 * thread's accumulator, and accumulators are added to the total in chunk
 * order. Floating-point sums therefore happen in one order whatever the
 * number of threads, and results are bit-identical for any of them.
 */
#include <string.h>

#include <omp.h>

#include "engine.h"

void gmix__reduce_chunks(size_t n, size_t chunk, size_t threads, double *bufs,
                         size_t stride, size_t acc_offset, size_t acc_size,
                         double *total, gmix__chunk_fn f, const void *ctx) {
  size_t nchunks = n == 0 ? 0 : (n - 1) / chunk + 1;
  if (acc_size)
    memset(total, 0, acc_size * sizeof *total);
  if (threads > nchunks)
    threads = nchunks;
  if (threads == 0)
    return;
#pragma omp parallel num_threads((int)threads)
  {
    /* BLAS calls inside this region must stay single-threaded: with a
     * team of one the OpenMP OpenBLAS would otherwise start its own. This
     * ICV belongs to this task only and ends with the region. */
    omp_set_num_threads(1);
    double *buf = bufs + (size_t)omp_get_thread_num() * stride;
    double *acc = buf + acc_offset;
    long nc = (long)nchunks;
    if (acc_size) {
#pragma omp for ordered schedule(static, 1)
      for (long c = 0; c < nc; c++) {
        size_t r0 = (size_t)c * chunk;
        size_t r1 = r0 + chunk < n ? r0 + chunk : n;
        memset(acc, 0, acc_size * sizeof *acc);
        f(ctx, r0, r1, acc, buf);
#pragma omp ordered
        {
          for (size_t i = 0; i < acc_size; i++)
            total[i] += acc[i];
        }
      }
    } else {
      /* Per-row outputs: chunks are independent and need no order. */
#pragma omp for schedule(dynamic, 1)
      for (long c = 0; c < nc; c++) {
        size_t r0 = (size_t)c * chunk;
        size_t r1 = r0 + chunk < n ? r0 + chunk : n;
        f(ctx, r0, r1, NULL, buf);
      }
    }
  }
}
