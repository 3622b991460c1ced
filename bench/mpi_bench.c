/*
 * mpi_bench.c -- the distributed fit's row of the benchmark, run under
 * mpiexec by run_bench.py (BENCH_ONLY=mpi, or a full `make bench`):
 *
 *   mpiexec -n P mpi_bench N D K ITERS THREADS SUM_REPEATS
 *
 * The N rows come from a fixed K-component full-covariance mixture in D
 * dimensions, drawn by gmix_sample in blocks of BLOCK rows, each seeded by
 * its index; every rank draws its share, whole blocks (N / BLOCK / P of
 * them, the first ranks one more), so the data do not depend on P and
 * neither does the fitted model (its lower bound is printed). Then:
 *  - fits by gmix_mpi_fit from that mixture as a warm start, with tol 0
 *    and max_iter ITERS, THREADS threads per rank: the median of the
 *    per-iteration times of rank 0's callback (each iteration's pass, the
 *    agreement, the rank-order sum and the M-step);
 *  - times gmix_mpi_sum alone on one iteration's statistics (the packed
 *    array the fit sends: gmix_stats_packed_size doubles), SUM_REPEATS
 *    times, each after a barrier: the median is the time in the
 *    reduction, without the waiting for slower ranks that the fit's sum
 *    also absorbs.
 * Rank 0 prints one JSON object: those times, the bytes reduced per
 * iteration (packed and, for comparison, the unpacked buffer), the rows
 * per second of one rank's pass and the fit's final lower bound.
 */
#include <gmix_mpi.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank, size;

/* Rows drawn per gmix_sample call, with a seed of their own. */
#define BLOCK 1000

static void die(const char *what, const gmix_error *err) {
  fprintf(stderr, "mpi_bench: rank %d: %s: %s\n", rank, what,
          err ? err->message : "out of memory");
  MPI_Abort(MPI_COMM_WORLD, 1);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The mixture the data come from: means on a lattice of spacing 3 in
 * every coordinate's sign pattern, unit variances with a 0.3 correlation
 * between neighbouring features; equal weights. */
static gmix_model *mixture(size_t d, size_t k) {
  double *w = malloc(k * sizeof *w), *mu = malloc(k * d * sizeof *mu);
  double *cov = malloc(k * d * d * sizeof *cov);
  if (!w || !mu || !cov)
    die("mixture", NULL);
  for (size_t c = 0; c < k; c++) {
    w[c] = 1.0 / (double)k;
    for (size_t i = 0; i < d; i++) {
      mu[c * d + i] = 3.0 * (double)((c >> (i % 16)) & 1) + 0.1 * (double)c;
      for (size_t j = 0; j < d; j++)
        cov[(c * d + i) * d + j] = i == j                       ? 1.0
                                   : (i + 1 == j || j + 1 == i) ? 0.3
                                                                : 0.0;
    }
  }
  gmix_model *m = NULL;
  gmix_error err;
  if (gmix_model_create(GMIX_COV_FULL, k, d, w, mu, cov, &m, &err) != GMIX_OK)
    die("mixture", &err);
  free(w);
  free(mu);
  free(cov);
  return m;
}

typedef struct times {
  double *v;
  size_t n, cap;
} times;

static int record(const gmix_iteration *it, void *user) {
  times *t = user;
  if (t->n < t->cap)
    t->v[t->n++] = it->seconds;
  return 0;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 7) {
    if (rank == 0)
      fprintf(stderr, "usage: mpi_bench N D K ITERS THREADS SUM_REPEATS\n");
    MPI_Finalize();
    return 2;
  }
  size_t n = strtoull(argv[1], NULL, 10), d = strtoull(argv[2], NULL, 10);
  size_t k = strtoull(argv[3], NULL, 10), iters = strtoull(argv[4], NULL, 10);
  size_t threads = strtoull(argv[5], NULL, 10);
  size_t repeats = strtoull(argv[6], NULL, 10);
  size_t p = (size_t)size, r = (size_t)rank, blocks = (n + BLOCK - 1) / BLOCK;
  size_t b0 = r * (blocks / p) + (r < blocks % p ? r : blocks % p);
  size_t b1 = b0 + blocks / p + (r < blocks % p);
  size_t row0 = b0 * BLOCK, row1 = b1 * BLOCK < n ? b1 * BLOCK : n;
  size_t mine = row1 > row0 ? row1 - row0 : 0;

  gmix_model *m = mixture(d, k);
  gmix_error err;
  double *x = malloc((mine ? mine : 1) * d * sizeof *x);
  if (!x)
    die("data", NULL);
  for (size_t b = b0; b < b1; b++) {
    size_t at = b * BLOCK - row0, rows = BLOCK;
    if (b * BLOCK + rows > n)
      rows = n - b * BLOCK;
    if (gmix_sample(m, rows, 1000003 + b, x + at * d, NULL, &err) != GMIX_OK)
      die("gmix_sample", &err);
  }

  gmix_options o;
  gmix_options_init(&o);
  o.covariance_type = GMIX_COV_FULL;
  o.n_components = k;
  o.warm_start = m;
  o.tol = 0.0;
  o.max_iter = iters;
  o.threads = threads;
  times t = {malloc(iters * sizeof(double)), 0, iters};
  if (!t.v)
    die("times", NULL);
  o.callback = record;
  o.callback_data = &t;
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  gmix_model *fit = NULL;
  if (gmix_mpi_fit(MPI_COMM_WORLD, x, mine, d, NULL, &o, &fit, &err) != GMIX_OK)
    die("gmix_mpi_fit", &err);
  double fit_seconds = MPI_Wtime() - t0;

  /* One iteration's statistics: their packed size is what the fit sums. */
  gmix_stats *s = NULL;
  if (gmix_stats_create(m, &s, &err) != GMIX_OK)
    die("gmix_stats_create", &err);
  size_t full_len = 0, packed = gmix_stats_packed_size(s);
  gmix_stats_buffer(s, &full_len);
  double *buf = malloc(packed * sizeof *buf);
  double *sums = malloc((repeats ? repeats : 1) * sizeof *sums);
  if (!buf || !sums)
    die("sum buffer", NULL);
  if (gmix_stats_pack(s, buf, packed, &err) != GMIX_OK)
    die("gmix_stats_pack", &err);
  for (size_t i = 0; i < repeats; i++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double a = MPI_Wtime();
    if (gmix_mpi_sum(MPI_COMM_WORLD, buf, packed, &err) != GMIX_OK)
      die("gmix_mpi_sum", &err);
    double b = MPI_Wtime() - a, worst = 0.0;
    /* The slowest rank's time: the sum ends on every rank. */
    MPI_Allreduce(&b, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    sums[i] = worst;
  }
  if (rank == 0) {
    double per_iter = t.n ? median(t.v, t.n) : NAN;
    double sum_s = repeats ? median(sums, repeats) : NAN;
    printf("{\"ranks\": %d, \"threads\": %zu, \"n\": %zu, \"d\": %zu, "
           "\"k\": %zu, \"iterations\": %zu, \"seconds_per_iteration\": "
           "%.6g, \"fit_seconds\": %.6g, \"reduction_seconds\": %.6g, "
           "\"bytes_reduced\": %zu, \"bytes_unpacked\": %zu, "
           "\"rows_per_second_per_rank\": %.6g, \"lower_bound\": %.17g}\n",
           size, threads, n, d, k, t.n, per_iter, fit_seconds, sum_s,
           packed * sizeof(double), full_len * sizeof(double),
           (double)n / (double)p / per_iter,
           gmix_model_report(fit)->lower_bound);
  }
  free(buf);
  free(sums);
  free(t.v);
  free(x);
  gmix_stats_free(s);
  gmix_model_free(fit);
  gmix_model_free(m);
  MPI_Finalize();
  return 0;
}
