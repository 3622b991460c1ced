/*
 * read_options.c -- the options of the data-file readers: defaults,
 * reading a caller's struct of any version, and resolving the column
 * selection against a file's columns. Used by every reader; uses none.
 */
#include <stddef.h>
#include <string.h>

#include "io_internal.h"

/* This library's defaults, in a struct of this library's version. */
static void defaults(gmix_read_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->struct_size = sizeof *opt;
  opt->delimiter = 0;
  opt->header = -1;
  opt->columns = NULL;
  opt->weight_column = NULL;
  opt->drop_bad_rows = 0;
  opt->allow_mmap = 0;
}

/* The first gmix_read_options that carried struct_size ends with
 * allow_mmap; fields after it take their defaults for an older caller. */
#define READ_OPTIONS_MIN_SIZE                                                  \
  (offsetof(gmix_read_options, allow_mmap) + sizeof(int))

void gmix_read_options_init_size(gmix_read_options *opt, size_t size) {
  gmix_read_options full;
  if (!opt || size < READ_OPTIONS_MIN_SIZE)
    return;
  defaults(&full);
  full.struct_size = size;
  gmix__init_sized(opt, size, &full, sizeof full);
}

gmix_status gmix__read_options_read(const gmix_read_options *in,
                                    gmix_read_options *out, gmix_error *err) {
  defaults(out);
  if (!in)
    return GMIX_OK; /* NULL means the defaults */
  if (in->struct_size < READ_OPTIONS_MIN_SIZE)
    return gmix__error(err, GMIX_EINVAL,
                       "read options struct_size is %zu: fill them with "
                       "gmix_read_options_init() first",
                       in->struct_size);
  size_t n = in->struct_size < sizeof *out ? in->struct_size : sizeof *out;
  memcpy(out, in, n);
  out->struct_size = sizeof *out;
  return GMIX_OK;
}

void gmix__selection_free(gmix__selection *sel) {
  gmix__free(sel->keep);
  sel->keep = NULL;
  sel->n_keep = 0;
}

/* Find the column named by the item [s, e): a header name first, else a
 * 1-based index. Returns GMIX_OK with *index set, or GMIX_EINVAL with a
 * message naming the item. */
static gmix_status find_column(const char *s, const char *e, const char *file,
                               char *const *names, size_t ncols, size_t *index,
                               gmix_error *err) {
  char text[64];
  size_t len = (size_t)(e - s);
  gmix__clip_text(text, sizeof text, s, e);
  if (len == 0)
    return gmix__error(err, GMIX_EINVAL, "%s: empty item in the column list",
                       file);
  if (names) {
    for (size_t j = 0; j < ncols; j++) {
      if (strlen(names[j]) == len && memcmp(names[j], s, len) == 0) {
        *index = j;
        return GMIX_OK;
      }
    }
  }
  size_t value = 0;
  const char *p = s;
  for (; p < e && *p >= '0' && *p <= '9'; p++) {
    if (value > ncols) /* already out of range; avoid overflow */
      continue;
    value = value * 10 + (size_t)(*p - '0');
  }
  if (p != e) {
    if (names)
      return gmix__error(err, GMIX_EINVAL, "%s: unknown column '%s'", file,
                         text);
    return gmix__error(err, GMIX_EINVAL,
                       "%s: unknown column '%s' (the file has no header; "
                       "give 1-based column numbers)",
                       file, text);
  }
  if (value < 1 || value > ncols)
    return gmix__error(err, GMIX_EINVAL,
                       "%s: column %s is out of range (the file has %zu "
                       "columns)",
                       file, text, ncols);
  *index = value - 1;
  return GMIX_OK;
}

/* Trim blanks from both ends of [*s, *e). */
static void trim(const char **s, const char **e) {
  while (*s < *e && (**s == ' ' || **s == '\t'))
    (*s)++;
  while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
    (*e)--;
}

gmix_status gmix__selection_resolve(gmix__selection *sel, const char *file,
                                    char *const *names, size_t ncols,
                                    const gmix_read_options *opt,
                                    gmix_error *err) {
  gmix_status st;
  memset(sel, 0, sizeof *sel);
  if (opt->weight_column) {
    const char *s = opt->weight_column, *e = s + strlen(s);
    trim(&s, &e);
    st = find_column(s, e, file, names, ncols, &sel->weight, err);
    if (st != GMIX_OK)
      return st;
    sel->has_weight = 1;
  }

  size_t count = 0;
  if (opt->columns) {
    count = 1;
    for (const char *p = opt->columns; *p; p++)
      count += *p == ',';
  } else {
    count = ncols - (size_t)sel->has_weight;
  }
  if (count == 0)
    return gmix__error(err, GMIX_EINVAL,
                       "%s: no data columns left besides the weight column",
                       file);
  int overflow;
  sel->keep = gmix__malloc_array(count, sizeof *sel->keep, &overflow);
  if (!sel->keep)
    return gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                       "%s: out of memory for the column list", file);

  if (!opt->columns) {
    for (size_t j = 0; j < ncols; j++)
      if (!sel->has_weight || j != sel->weight)
        sel->keep[sel->n_keep++] = j;
    return GMIX_OK;
  }
  const char *p = opt->columns;
  for (;;) {
    const char *q = strchr(p, ',');
    const char *s = p, *e = q ? q : p + strlen(p);
    trim(&s, &e);
    size_t index;
    st = find_column(s, e, file, names, ncols, &index, err);
    if (st == GMIX_OK && sel->has_weight && index == sel->weight)
      st = gmix__error(err, GMIX_EINVAL,
                       "%s: column %zu is both a data column and the weight "
                       "column",
                       file, index + 1);
    for (size_t k = 0; st == GMIX_OK && k < sel->n_keep; k++)
      if (sel->keep[k] == index)
        st = gmix__error(err, GMIX_EINVAL, "%s: column %zu is selected twice",
                         file, index + 1);
    if (st != GMIX_OK) {
      gmix__selection_free(sel);
      return st;
    }
    sel->keep[sel->n_keep++] = index;
    if (!q)
      break;
    p = q + 1;
  }
  return GMIX_OK;
}
