/*
 * csv_read.c -- measures gmix_table_read on a generated CSV file.
 *
 * Usage: csv_read [rows] [cols] [digits] [file]
 * Writes rows x cols standard-normal-ish values with `digits` significant
 * digits (printf "%.*g") to `file` (default: a temporary file, removed at
 * the end; an existing `file` is reused as it is), reads it back five times and
 * prints the best rate in MB/s (10^6 bytes per second of file size). Part
 * of `make bench`.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gmix.h"

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A small deterministic generator so the file is the same on every run. */
static double uniform(uint64_t *s) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return (double)(*s >> 11) * 0x1.0p-53;
}

int main(int argc, char **argv) {
  size_t rows = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
  size_t cols = argc > 2 ? strtoull(argv[2], NULL, 10) : 16;
  int digits = argc > 3 ? atoi(argv[3]) : 10;
  char path[256];
  int temp = argc <= 4;
  if (temp) {
    snprintf(path, sizeof path, "/tmp/gmix_csv_bench_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
      perror("mkstemp");
      return 1;
    }
    close(fd);
  } else {
    snprintf(path, sizeof path, "%s", argv[4]);
  }
  long size;
  FILE *f = temp ? NULL : fopen(path, "r");
  if (f) {
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fclose(f);
    goto measure;
  }
  f = fopen(path, "w");
  if (!f) {
    perror(path);
    return 1;
  }
  uint64_t s = 42;
  for (size_t j = 0; j < cols; j++)
    fprintf(f, "%sx%zu", j ? "," : "", j + 1);
  fputc('\n', f);
  for (size_t i = 0; i < rows; i++) {
    for (size_t j = 0; j < cols; j++) {
      /* Box-Muller normal, scaled per column. */
      double u1 = uniform(&s), u2 = uniform(&s);
      double z = sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
      fprintf(f, "%s%.*g", j ? "," : "", digits, z * (double)(j + 1) * 3.7);
    }
    fputc('\n', f);
  }
  size = ftell(f);
  fclose(f);
measure:;

  gmix_read_options opt;
  gmix_read_options_init(&opt);
  /* Wall time suffers from other processes on a shared machine; the
   * process CPU time (user + system) is reported next to it. */
  double best = 1e300, best_cpu = 1e300;
  for (int rep = 0; rep < 5; rep++) {
    gmix_table *t = NULL;
    gmix_error err;
    double t0 = clock_seconds(CLOCK_MONOTONIC);
    double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    gmix_status st = gmix_table_read(path, &opt, &t, &err);
    double dt = clock_seconds(CLOCK_MONOTONIC) - t0;
    double dc = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (st != GMIX_OK) {
      fprintf(stderr, "read failed: %s\n", err.message);
      return 1;
    }
    if (gmix_table_rows(t) != rows || gmix_table_cols(t) != cols) {
      fprintf(stderr, "wrong shape\n");
      return 1;
    }
    gmix_table_free(t);
    if (dt < best)
      best = dt;
    if (dc < best_cpu)
      best_cpu = dc;
  }
  printf("%zu x %zu, %%.%dg, %.1f MB: best of 5: wall %.3f s = %.0f MB/s, "
         "cpu %.3f s = %.0f MB/s\n",
         rows, cols, digits, (double)size / 1e6, best,
         (double)size / 1e6 / best, best_cpu, (double)size / 1e6 / best_cpu);
  if (temp)
    remove(path);
  return 0;
}
