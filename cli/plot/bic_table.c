/*
 * bic_table.c -- read the CSV table that `gmix select --table` writes:
 * one line per (covariance type, K) cell, its criteria and status. The
 * covariance types are read as names, whatever they are, so a table of
 * any models can be drawn. Fields may be quoted ("..." with "" for a
 * quote), as the message column is.
 */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* A whole text file in memory, NUL-terminated (getdelim reads up to a
 * NUL byte, which a text table does not hold, or the end). */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_error("%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = NULL;
  size_t cap = 0;
  errno = 0;
  ssize_t n = getdelim(&buf, &cap, '\0', f);
  int failed = ferror(f) || (n < 0 && errno != 0);
  int e = errno;
  fclose(f);
  if (failed) {
    cli_error("%s: cannot read: %s", path, strerror(e ? e : EIO));
    free(buf);
    return NULL;
  }
  if (n < 0) { /* an empty file */
    free(buf);
    buf = calloc(1, 1);
    if (!buf)
      cli_error("%s: out of memory", path);
  }
  return buf;
}

/* Split the record at *p into fields, in place: each field is
 * NUL-terminated and unquoted, fields[] points at them. Advances *p past
 * the record and *line past its line breaks. Returns the number of
 * fields (at most cap; the rest are dropped), or -1 for a quote that is
 * never closed. */
static long split_record(char **p, size_t *line, char **fields, size_t cap) {
  char *s = *p, *out = s;
  size_t n = 0;
  for (;;) {
    char *start = out;
    if (*s == '"') {
      s++;
      for (;;) {
        if (*s == '\0')
          return -1;
        if (*s == '"' && s[1] == '"') {
          *out++ = '"';
          s += 2;
        } else if (*s == '"') {
          s++;
          break;
        } else {
          if (*s == '\n')
            (*line)++;
          *out++ = *s++;
        }
      }
    }
    while (*s && *s != ',' && *s != '\n' && *s != '\r')
      *out++ = *s++;
    /* The terminator may overwrite the separator (out <= s), so the
     * separator is read and stepped over first. */
    char sep = *s;
    if (sep)
      s++;
    if (sep == '\r' && *s == '\n')
      s++;
    if (sep == '\r' || sep == '\n')
      (*line)++;
    *out++ = '\0';
    if (n < cap)
      fields[n] = start;
    n++;
    if (sep != ',')
      break;
  }
  *p = s;
  return (long)(n < cap ? n : cap);
}

#define MAX_FIELDS 64

/* The index of the column called `name` in the header, or -1. */
static long column(char **fields, long n, const char *name) {
  for (long i = 0; i < n; i++)
    if (strcmp(fields[i], name) == 0)
      return i;
  return -1;
}

/* Add cell (type, k, value) to the table; returns 0 when out of memory. */
static int add_cell(bic_table *t, const char *type, double k, double value) {
  size_t ti = 0;
  while (ti < t->n_types && strcmp(t->types[ti], type) != 0)
    ti++;
  if (ti == t->n_types) {
    char **p = realloc(t->types, (t->n_types + 1) * sizeof *p);
    if (!p)
      return 0;
    t->types = p;
    if (!(t->types[ti] = strdup(type)))
      return 0;
    t->n_types++;
  }
  size_t n = t->n_cells + 1;
  size_t *ty = realloc(t->type, n * sizeof *ty);
  if (ty)
    t->type = ty;
  double *kk = realloc(t->k, n * sizeof *kk);
  if (kk)
    t->k = kk;
  double *v = realloc(t->value, n * sizeof *v);
  if (v)
    t->value = v;
  if (!ty || !kk || !v)
    return 0;
  t->type[t->n_cells] = ti;
  t->k[t->n_cells] = k;
  t->value[t->n_cells] = value;
  t->n_cells = n;
  return 1;
}

/* A number, or NaN for an empty field. 0 for anything else. */
static int parse_number(const char *s, double *out) {
  if (*s == '\0') {
    *out = NAN;
    return 1;
  }
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return end != s && *end == '\0' && errno != ERANGE;
}

int bic_table_read(const char *path, const char *criterion, bic_table *t) {
  memset(t, 0, sizeof *t);
  size_t line = 1;
  char *text = slurp(path), *p = text, *fields[MAX_FIELDS];
  if (!text)
    return EXIT_DATA;
  int rc = EXIT_DATA;
  long n = split_record(&p, &line, fields, MAX_FIELDS);
  long ccov = n > 0 ? column(fields, n, "covariance") : -1;
  long ck = n > 0 ? column(fields, n, "k") : -1;
  long cval = n > 0 ? column(fields, n, criterion) : -1;
  long cstatus = n > 0 ? column(fields, n, "status") : -1;
  if (ccov < 0 || ck < 0 || cval < 0) {
    cli_error("%s:1: not a table of 'gmix select --table': the header needs "
              "the columns covariance, k and %s",
              path, criterion);
    goto done;
  }
  long need = ccov > ck ? ccov : ck;
  need = (cval > need ? cval : need) + 1;
  while (*p) {
    size_t at = line;
    if ((n = split_record(&p, &line, fields, MAX_FIELDS)) < 0) {
      cli_error("%s:%zu: a quoted field is not closed", path, at);
      goto done;
    }
    if (n == 1 && fields[0][0] == '\0')
      continue; /* a blank line */
    if (n < need) {
      cli_error("%s:%zu: %ld fields, the header has at least %ld", path, at, n,
                need);
      goto done;
    }
    double k, value;
    if (!parse_number(fields[ck], &k) || !(k >= 1) || k != floor(k)) {
      cli_error("%s:%zu: k is '%s', not a whole number >= 1", path, at,
                fields[ck]);
      goto done;
    }
    if (!parse_number(fields[cval], &value)) {
      cli_error("%s:%zu: %s is '%s', not a number", path, at, criterion,
                fields[cval]);
      goto done;
    }
    if (cstatus >= 0 && cstatus < n && strcmp(fields[cstatus], "success") != 0)
      value = NAN; /* a failed cell: a gap in its line */
    if (!isfinite(value))
      value = NAN;
    if (!add_cell(t, fields[ccov], k, value)) {
      cli_error("%s: out of memory", path);
      goto done;
    }
  }
  if (t->n_cells == 0) {
    cli_error("%s: the table has no rows", path);
    goto done;
  }
  rc = EXIT_OK;
done:
  free(text);
  if (rc != EXIT_OK)
    bic_table_free(t);
  return rc;
}

void bic_table_free(bic_table *t) {
  for (size_t i = 0; i < t->n_types; i++)
    free(t->types[i]);
  free(t->types);
  free(t->type);
  free(t->k);
  free(t->value);
  memset(t, 0, sizeof *t);
}
