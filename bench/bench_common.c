/*
 * bench_common.c -- helpers shared by the benchmark programs; see
 * bench_common.h.
 */
#include "bench_common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double bench_peak_rss_mib(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0.0;
  return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double bench_median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void bench_path(char *buf, size_t cap, const char *dir, const char *name) {
  int len = snprintf(buf, cap, "%s/%s", dir, name);
  if (len < 0 || (size_t)len >= cap) {
    fprintf(stderr, "path too long: %s/%s\n", dir, name);
    exit(2);
  }
}

/* The .npy format (version 1.0): the magic "\x93NUMPY", two version bytes,
 * a little-endian uint16 header length, then a Python dict literal padded
 * with spaces and a newline so that the data start on a 64-byte boundary. */
static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

int bench_npy_write(const char *path, const double *v, const size_t *shape,
                    size_t ndim) {
  char dict[256], shape_text[128];
  size_t total = 1, pos = 0;
  if (ndim < 1 || ndim > 3) {
    fprintf(stderr, "%s: unsupported number of axes %zu\n", path, ndim);
    return -1;
  }
  for (size_t a = 0; a < ndim; a++) {
    pos += (size_t)snprintf(shape_text + pos, sizeof shape_text - pos, "%zu%s",
                            shape[a],
                            ndim == 1 ? "," : (a + 1 < ndim ? ", " : ""));
    total *= shape[a];
  }
  int len = snprintf(dict, sizeof dict,
                     "{'descr': '<f8', 'fortran_order': False, "
                     "'shape': (%s), }",
                     shape_text);
  size_t hlen = (size_t)len + 1; /* + the closing newline */
  size_t padded = (10 + hlen + 63) / 64 * 64 - 10;
  FILE *f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return -1;
  }
  unsigned char pre[4] = {1, 0, (unsigned char)(padded & 0xff),
                          (unsigned char)(padded >> 8)};
  int ok = fwrite(npy_magic, 1, 6, f) == 6 && fwrite(pre, 1, 4, f) == 4 &&
           fwrite(dict, 1, (size_t)len, f) == (size_t)len;
  for (size_t i = (size_t)len; ok && i + 1 < padded; i++)
    ok = fputc(' ', f) != EOF;
  ok = ok && fputc('\n', f) != EOF;
  /* The benchmark only runs on little-endian x86-64, so the doubles are
   * written as they are in memory. */
  ok = ok && fwrite(v, sizeof *v, total, f) == total;
  if (fclose(f) != 0)
    ok = 0;
  if (!ok) {
    fprintf(stderr, "%s: write failed: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

double *bench_npy_read(const char *path, size_t *shape, size_t *ndim) {
  FILE *f = fopen(path, "rb");
  char head[10], dict[4096];
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return NULL;
  }
  if (fread(head, 1, 10, f) != 10 || memcmp(head, npy_magic, 6) != 0 ||
      head[6] != 1) {
    fprintf(stderr, "%s: not a version 1 .npy file\n", path);
    fclose(f);
    return NULL;
  }
  size_t hlen = (size_t)(unsigned char)head[8] | (size_t)(unsigned char)head[9]
                                                     << 8;
  if (hlen >= sizeof dict || fread(dict, 1, hlen, f) != hlen) {
    fprintf(stderr, "%s: bad header\n", path);
    fclose(f);
    return NULL;
  }
  dict[hlen] = '\0';
  const char *sp = strstr(dict, "'shape': (");
  if (!strstr(dict, "'descr': '<f8'") ||
      !strstr(dict, "'fortran_order': False") || !sp) {
    fprintf(stderr, "%s: only C-order little-endian float64 is read\n", path);
    fclose(f);
    return NULL;
  }
  sp += strlen("'shape': (");
  size_t total = 1;
  *ndim = 0;
  while (*sp != ')' && *ndim < 3) {
    char *end;
    unsigned long long v = strtoull(sp, &end, 10);
    if (end == sp)
      break;
    shape[(*ndim)++] = (size_t)v;
    total *= (size_t)v;
    sp = end;
    while (*sp == ',' || *sp == ' ')
      sp++;
  }
  if (*sp != ')' || *ndim == 0) {
    fprintf(stderr, "%s: unsupported shape\n", path);
    fclose(f);
    return NULL;
  }
  double *v = malloc(total > 0 ? total * sizeof *v : 1);
  if (!v || fread(v, sizeof *v, total, f) != total) {
    fprintf(stderr, "%s: short read or out of memory\n", path);
    free(v);
    fclose(f);
    return NULL;
  }
  fclose(f);
  return v;
}
