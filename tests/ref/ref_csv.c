/*
 * ref_csv.c -- the small file readers of the reference tests. The tests
 * read their two CSV files here rather than through the library's reader,
 * so that a fault in the reader cannot hide in the comparison.
 */
#include "ref_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *ref_read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  while (buf != NULL) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len < cap - 1)
      break;
    char *bigger = realloc(buf, cap * 2);
    if (bigger == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  if (buf != NULL && ferror(f)) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf != NULL)
    buf[len] = '\0';
  return buf;
}

/* A header line, then lines of comma-separated numbers, all with the same
 * number of fields. Blank lines are skipped. Returns 0 on success. */
int ref_read_csv(const char *path, double **out, size_t *n_out, size_t *d_out) {
  char *text = ref_read_file(path);
  if (text == NULL)
    return -1;
  size_t cap = 1024, count = 0, d = 0, n = 0, line_no = 1;
  double *x = malloc(cap * sizeof *x);
  char *p = strchr(text, '\n');
  int ok = x != NULL && p != NULL;
  while (ok && *p != '\0') {
    p++; /* past '\n' */
    line_no++;
    size_t fields = 0;
    while (*p == '\r')
      p++;
    if (*p == '\n' || *p == '\0')
      continue;
    for (;;) {
      char *end;
      errno = 0;
      double v = strtod(p, &end);
      if (end == p || errno != 0 || !isfinite(v)) {
        fprintf(stderr, "%s:%zu: field %zu is not a number\n", path, line_no,
                fields + 1);
        ok = 0;
        break;
      }
      if (count == cap) {
        double *bigger = realloc(x, 2 * cap * sizeof *x);
        if (bigger == NULL) {
          ok = 0;
          break;
        }
        x = bigger;
        cap *= 2;
      }
      x[count++] = v;
      fields++;
      p = end;
      while (*p == ' ' || *p == '\r')
        p++;
      if (*p != ',')
        break;
      p++;
    }
    if (!ok)
      break;
    if (*p != '\n' && *p != '\0') {
      fprintf(stderr, "%s:%zu: unexpected text after field %zu\n", path,
              line_no, fields);
      ok = 0;
    } else if (n > 0 && fields != d) {
      fprintf(stderr, "%s:%zu: %zu fields, expected %zu\n", path, line_no,
              fields, d);
      ok = 0;
    }
    d = fields;
    n++;
  }
  free(text);
  if (!ok || n == 0) {
    if (ok)
      fprintf(stderr, "%s: no data rows\n", path);
    free(x);
    return -1;
  }
  *out = x;
  *n_out = n;
  *d_out = d;
  return 0;
}
