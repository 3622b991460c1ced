/*
 * bench_common.h -- small helpers shared by the benchmark programs: a wall
 * clock, peak RSS, a median, and a minimal reader and writer of the .npy
 * files through which every program sees exactly the same data and start.
 *
 * Only the benchmark uses this; it is not part of libgmix. The .npy code
 * handles what the benchmark writes (little-endian float64, C order, any
 * shape) and refuses anything else with a message.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Peak resident set size of this process so far, in MiB. */
double bench_peak_rss_mib(void);

/* Median of n values (n >= 1); sorts `v` in place. */
double bench_median(double *v, size_t n);

/* Write v (prod(shape) doubles) as a float64 C-order .npy file of the given
 * shape (ndim 1 to 3). Returns 0 or -1 with a message on stderr. */
int bench_npy_write(const char *path, const double *v, const size_t *shape,
                    size_t ndim);

/* Read a float64 C-order little-endian .npy file. On success returns a
 * malloc'ed array, writes its shape into shape[0..*ndim-1] (at most 3 axes)
 * and the number of axes into *ndim. NULL with a message on failure. */
double *bench_npy_read(const char *path, size_t *shape, size_t *ndim);

/* Join dir and name into buf (size cap); exits with a message when it does
 * not fit. */
void bench_path(char *buf, size_t cap, const char *dir, const char *name);

#endif /* BENCH_COMMON_H */
