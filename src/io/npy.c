/*
 * npy.c -- NumPy .npy files (format versions 1.0, 2.0 and 3.0).
 *
 * A .npy file is the magic "\x93NUMPY", a version, a header length, a
 * header that is a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (1000, 3), }
 * and then the raw array. We read float64 and float32 in either byte order
 * and either memory order, 1-D (n,) as n x 1 and 2-D (n, d), into a fresh
 * row-major double array. Large little-endian float64 C-order files may be
 * memory-mapped instead when the caller allows it (allow_mmap), since a
 * mapping of a file that another process truncates raises SIGBUS.
 *
 * The whole-file reader, the part reader and the block stream share one
 * path: the header is read once, and any run of rows is then read by file
 * offset (pread), in either memory order, without touching other rows.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* A header longer than this is refused as malformed (numpy itself refuses
 * headers over 10000 bytes unless told otherwise). */
#define NPY_MAX_HEADER ((size_t)1 << 20)
/* Nesting depth of Python literals skipped in a header. */
#define NPY_MAX_DEPTH 32
/* Bytes converted per read when the data need converting. */
#define NPY_CHUNK_BYTES ((size_t)1 << 20)
/* At most this many bytes per read call: some systems refuse or split
 * larger requests. */
#define NPY_MAX_READ_BYTES ((size_t)1 << 30)
/* numpy aligns the start of the data to this many bytes. */
#define NPY_ALIGN 64

static int host_is_little(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 1;
}

/* Read up to len bytes, retrying short reads; returns the count read (less
 * than len only at end of file) or -1 with errno set. */
static ssize_t read_full(int fd, void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    size_t want = len - done;
    if (want > NPY_MAX_READ_BYTES)
      want = NPY_MAX_READ_BYTES;
    ssize_t got = read(fd, (char *)buf + done, want);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (got == 0)
      break;
    done += (size_t)got;
  }
  return (ssize_t)done;
}

/* ---- the header dict ---------------------------------------------------- */

typedef struct npy_header {
  char descr[16]; /* the dtype string, clipped                            */
  int has_descr, descr_is_string;
  int fortran;
  int has_fortran;
  size_t shape[2];
  size_t ndim;
  int has_shape;
  int shape_overflow;
} npy_header;

typedef struct cursor {
  const char *p, *e;
} cursor;

static void skip_space(cursor *c) {
  while (c->p < c->e &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* A Python string literal ('...' or "..."); sets [*s, *end) to its body
 * (escapes are left as written). */
static int parse_string(cursor *c, const char **s, const char **end) {
  if (c->p >= c->e || (*c->p != '\'' && *c->p != '"'))
    return 0;
  char quote = *c->p++;
  *s = c->p;
  while (c->p < c->e && *c->p != quote) {
    if (*c->p == '\\')
      c->p++;
    c->p++;
  }
  if (c->p >= c->e)
    return 0;
  *end = c->p++;
  return 1;
}

/* Skip any Python literal: string, name, number, or a bracketed sequence.
 */
static int skip_value(cursor *c, int depth) {
  const char *s, *e;
  skip_space(c);
  if (c->p >= c->e || depth > NPY_MAX_DEPTH)
    return 0;
  char open = *c->p;
  if (open == '\'' || open == '"')
    return parse_string(c, &s, &e);
  if (open == '(' || open == '[' || open == '{') {
    char close = open == '(' ? ')' : open == '[' ? ']' : '}';
    c->p++;
    for (;;) {
      skip_space(c);
      if (c->p < c->e && *c->p == close) {
        c->p++;
        return 1;
      }
      if (!skip_value(c, depth + 1))
        return 0;
      skip_space(c);
      if (c->p < c->e && (*c->p == ',' || *c->p == ':'))
        c->p++;
      else if (c->p >= c->e || *c->p != close)
        return 0;
    }
  }
  const char *start = c->p;
  while (c->p < c->e && (isalnum((unsigned char)*c->p) || *c->p == '_' ||
                         *c->p == '.' || *c->p == '-' || *c->p == '+'))
    c->p++;
  return c->p > start;
}

/* The shape tuple: "()" , "(n,)", "(n, d)", ... with optional Python 2 'L'
 * suffixes. Dimensions beyond two are counted, not stored. */
static int parse_shape(cursor *c, npy_header *h) {
  skip_space(c);
  if (c->p >= c->e || *c->p != '(')
    return 0;
  c->p++;
  h->ndim = 0;
  for (;;) {
    skip_space(c);
    if (c->p < c->e && *c->p == ')') {
      c->p++;
      return 1;
    }
    if (c->p >= c->e || !isdigit((unsigned char)*c->p))
      return 0;
    size_t v = 0;
    while (c->p < c->e && isdigit((unsigned char)*c->p)) {
      size_t digit = (size_t)(*c->p++ - '0');
      if (v > (SIZE_MAX - digit) / 10)
        h->shape_overflow = 1;
      else
        v = v * 10 + digit;
    }
    if (c->p < c->e && (*c->p == 'L' || *c->p == 'l'))
      c->p++;
    if (h->ndim < 2)
      h->shape[h->ndim] = v;
    h->ndim++;
    skip_space(c);
    if (c->p < c->e && *c->p == ',')
      c->p++;
    else if (c->p >= c->e || *c->p != ')')
      return 0;
  }
}

/* Parse the header dict into h. Returns NULL or a description of what is
 * wrong. Unknown keys are skipped. */
static const char *parse_header(const char *text, size_t len, npy_header *h) {
  cursor c = {text, text + len};
  memset(h, 0, sizeof *h);
  skip_space(&c);
  if (c.p >= c.e || *c.p != '{')
    return "it does not start with '{'";
  c.p++;
  for (;;) {
    const char *ks, *ke;
    skip_space(&c);
    if (c.p < c.e && *c.p == '}')
      break;
    if (!parse_string(&c, &ks, &ke))
      return "a key is not a string";
    skip_space(&c);
    if (c.p >= c.e || *c.p != ':')
      return "a key is not followed by ':'";
    c.p++;
    skip_space(&c);
    size_t klen = (size_t)(ke - ks);
    if (klen == 5 && memcmp(ks, "descr", 5) == 0) {
      const char *vs, *ve;
      h->has_descr = 1;
      if (c.p < c.e && (*c.p == '\'' || *c.p == '"')) {
        if (!parse_string(&c, &vs, &ve))
          return "the 'descr' string is not closed";
        h->descr_is_string = 1;
        gmix__clip_text(h->descr, sizeof h->descr, vs, ve);
      } else if (!skip_value(&c, 0)) {
        return "the 'descr' value is malformed";
      }
    } else if (klen == 13 && memcmp(ks, "fortran_order", 13) == 0) {
      if ((size_t)(c.e - c.p) >= 4 && memcmp(c.p, "True", 4) == 0) {
        h->fortran = 1;
        c.p += 4;
      } else if ((size_t)(c.e - c.p) >= 5 && memcmp(c.p, "False", 5) == 0) {
        h->fortran = 0;
        c.p += 5;
      } else {
        return "'fortran_order' is neither True nor False";
      }
      h->has_fortran = 1;
    } else if (klen == 5 && memcmp(ks, "shape", 5) == 0) {
      if (!parse_shape(&c, h))
        return "'shape' is not a tuple of integers";
      h->has_shape = 1;
    } else if (!skip_value(&c, 0)) {
      return "a value is malformed";
    }
    skip_space(&c);
    if (c.p < c.e && *c.p == ',')
      c.p++;
    else if (c.p >= c.e || *c.p != '}')
      return "entries are not separated by ','";
  }
  if (!h->has_descr)
    return "the key 'descr' is missing";
  if (!h->has_fortran)
    return "the key 'fortran_order' is missing";
  if (!h->has_shape)
    return "the key 'shape' is missing";
  return NULL;
}

/* ---- data --------------------------------------------------------------- */

struct gmix__npy {
  int fd;
  const char *file;
  const gmix_read_options *opt;
  size_t n, d;     /* the shape: n rows of d values                    */
  size_t size;     /* bytes per item: 8 (float64) or 4 (float32)       */
  int swap;        /* the file's byte order is not the host's          */
  int fortran;     /* column-major with n and d above 1                */
  uint64_t offset; /* where the data start in the file                 */
  uint64_t file_size;
  int regular; /* a regular file (file_size is known)              */
  gmix__selection sel;
  int identity;      /* every column kept, in order, and no weights      */
  size_t first, end; /* rows [first, end) are read: the part            */
  size_t next;       /* the next row to read                             */
  size_t dropped;    /* rows dropped since opening or rewinding          */
  /* Buffers of the block stream, for cap_rows rows. */
  double *raw;     /* cap_rows x d values as read                      */
  double *data;    /* cap_rows x sel.n_keep kept values                */
  double *weights; /* cap_rows weights, or NULL                        */
  size_t cap_rows;
  unsigned char *chunk; /* NPY_CHUNK_BYTES for converting items          */
};

/* Decode one item of `size` bytes (4 or 8) at p, swapping when `swap`. */
static double load_item(const unsigned char *p, size_t size, int swap) {
  unsigned char b[8];
  if (swap)
    for (size_t k = 0; k < size; k++)
      b[k] = p[size - 1 - k];
  else
    memcpy(b, p, size);
  if (size == 8) {
    double v;
    memcpy(&v, b, 8);
    return v;
  }
  float f;
  memcpy(&f, b, 4);
  return (double)f;
}

/* Read `len` bytes at file offset `at` into buf, retrying short reads:
 * GMIX_OK, GMIX_EIO on a read error, GMIX_EPARSE when the file ends
 * first. */
static gmix_status read_at(const gmix__npy *z, void *buf, size_t len,
                           uint64_t at, gmix_error *err) {
  size_t done = 0;
  while (done < len) {
    size_t want = len - done;
    if (want > NPY_MAX_READ_BYTES)
      want = NPY_MAX_READ_BYTES;
    ssize_t got = pread(z->fd, (char *)buf + done, want, (off_t)(at + done));
    if (got < 0) {
      char why[GMIX__ERRNO_TEXT_SIZE];
      if (errno == EINTR)
        continue;
      gmix__errno_text(errno, why, sizeof why);
      return gmix__error(err, GMIX_EIO, "%s: read error: %s", z->file, why);
    }
    if (got == 0)
      return gmix__error(err, GMIX_EPARSE,
                         "%s: truncated: the data of shape (%zu, %zu) end "
                         "at byte %ju",
                         z->file, z->n, z->d, (uintmax_t)(at + done));
    done += (size_t)got;
  }
  return GMIX_OK;
}

/* Read `count` items that lie one after another from file offset `at`,
 * converting each to a double stored at out[k * stride]. */
static gmix_status read_items(gmix__npy *z, uint64_t at, size_t count,
                              double *out, size_t stride, gmix_error *err) {
  if (z->size == sizeof(double) && !z->swap && stride == 1)
    return read_at(z, out, count * sizeof(double), at, err);
  if (!z->chunk && !(z->chunk = gmix__malloc(NPY_CHUNK_BYTES)))
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", z->file);
  const size_t per_chunk = NPY_CHUNK_BYTES / z->size;
  for (size_t done = 0; done < count;) {
    size_t want = count - done < per_chunk ? count - done : per_chunk;
    gmix_status st = read_at(z, z->chunk, want * z->size, at, err);
    if (st != GMIX_OK)
      return st;
    for (size_t k = 0; k < want; k++)
      out[(done + k) * stride] =
          load_item(z->chunk + k * z->size, z->size, z->swap);
    done += want;
    at += want * z->size;
  }
  return GMIX_OK;
}

/* Read rows [r0, r0 + m) of the file into the row-major m x d `out`. In C
 * order they are one run of bytes; in Fortran order each column holds
 * them as one run. No byte of another row is read. */
static gmix_status read_rows(gmix__npy *z, size_t r0, size_t m, double *out,
                             gmix_error *err) {
  if (m == 0)
    return GMIX_OK;
  if (!z->fortran)
    return read_items(z, z->offset + (uint64_t)r0 * z->d * z->size, m * z->d,
                      out, 1, err);
  for (size_t j = 0; j < z->d; j++) {
    uint64_t at = z->offset + ((uint64_t)j * z->n + r0) * z->size;
    gmix_status st = read_items(z, at, m, out + j, z->d, err);
    if (st != GMIX_OK)
      return st;
  }
  return GMIX_OK;
}

static const char *nonfinite_name(double v) {
  return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/*
 * Keep the selected columns of the m x d rows `src`, which are rows
 * row_base, row_base + 1, ... of the file: the good ones go to `dst` (m x
 * n_keep) and `w` (m, or NULL without a weight column), *kept says how
 * many. A row with a non-finite value in a kept column is an error naming
 * its row and column (1-based, in the whole file), or dropped and counted
 * under drop_bad_rows.
 */
static gmix_status filter_rows(gmix__npy *z, const double *src, size_t m,
                               size_t row_base, double *dst, double *w,
                               size_t *kept, gmix_error *err) {
  const gmix__selection *sel = &z->sel;
  const size_t d = z->d, k_out = sel->n_keep;
  size_t rows = 0;
  for (size_t i = 0; i < m; i++) {
    const double *row = src + i * d;
    size_t bad = d;
    for (size_t k = 0; k < k_out && bad == d; k++) {
      double v = row[sel->keep[k]];
      if (!isfinite(v))
        bad = sel->keep[k];
      dst[rows * k_out + k] = v;
    }
    if (bad == d && sel->has_weight) {
      if (!isfinite(row[sel->weight]))
        bad = sel->weight;
      else
        w[rows] = row[sel->weight];
    }
    if (bad == d)
      rows++;
    else if (z->opt->drop_bad_rows)
      z->dropped++;
    else
      return gmix__error(err, GMIX_ENONFINITE, "%s: row %zu, column %zu is %s",
                         z->file, row_base + i + 1, bad + 1,
                         nonfinite_name(row[bad]));
  }
  *kept = rows;
  return GMIX_OK;
}

/*
 * Move the m x d rows `src` (rows row_base, ... of the file) into the
 * table, applying the column selection and the finiteness check. When
 * every column is kept in order and every value is finite the table takes
 * src itself: `owned` when src was allocated, else src points into the
 * table's mapping. Otherwise the kept rows are copied and src (or the
 * mapping) released. `owned` is freed on failure.
 */
static gmix_status finish(gmix__npy *z, gmix_table *t, const double *src,
                          double *owned, size_t m, size_t row_base,
                          gmix_error *err) {
  const size_t d = z->d, k_out = z->sel.n_keep;
  gmix_status st = GMIX_OK;
  if (z->identity) {
    size_t x = 0;
    while (x < m * d && isfinite(src[x]))
      x++;
    if (x == m * d) { /* nothing to change */
      t->rows = m;
      t->cols = d;
      t->owned = owned;
      t->data = src;
      return GMIX_OK;
    }
  }

  int overflow;
  double *data = gmix__malloc_array(m, k_out * sizeof(double), &overflow);
  double *w = z->sel.has_weight
                  ? gmix__malloc_array(m, sizeof(double), &overflow)
                  : NULL;
  size_t rows = 0;
  if (!data || (z->sel.has_weight && !w))
    st = gmix__error(err, GMIX_ENOMEM, "%s: out of memory", z->file);
  else
    st = filter_rows(z, src, m, row_base, data, w, &rows, err);
  gmix__free(owned);
  if (t->map) {
    munmap(t->map, t->map_len);
    t->map = NULL;
    t->map_len = 0;
  }
  if (st != GMIX_OK || rows == 0) {
    gmix__free(data);
    gmix__free(w);
    data = w = NULL;
    if (st != GMIX_OK)
      return st;
  }
  t->rows = rows;
  t->cols = k_out;
  t->owned = data;
  t->data = data;
  t->weights = w;
  t->dropped = z->dropped;
  return GMIX_OK;
}

/* Read the preamble and header dict, check the dtype and shape, and fill
 * the layout fields of z. */
static gmix_status read_header(gmix__npy *z, gmix_error *err) {
  unsigned char pre[12];
  const char *file = z->file;
  char why[GMIX__ERRNO_TEXT_SIZE];
  int fd = z->fd;
  ssize_t got = read_full(fd, pre, 8);
  if (got < 0) {
    gmix__errno_text(errno, why, sizeof why);
    return gmix__error(err, GMIX_EIO, "%s: read error: %s", file, why);
  }
  if (got < 8 || memcmp(pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: not a .npy file (bad magic string)", file);
  unsigned major = pre[6], minor = pre[7];
  size_t pre_len, header_len;
  if (major == 1) {
    pre_len = 10;
  } else if (major == 2 || major == 3) {
    pre_len = 12;
  } else {
    return gmix__error(err, GMIX_EPARSE,
                       "%s: unsupported .npy format version %u.%u (1.0, 2.0 "
                       "and 3.0 are read)",
                       file, major, minor);
  }
  got = read_full(fd, pre + 8, pre_len - 8);
  if (got < 0) {
    gmix__errno_text(errno, why, sizeof why);
    return gmix__error(err, GMIX_EIO, "%s: read error: %s", file, why);
  }
  if ((size_t)got < pre_len - 8)
    return gmix__error(err, GMIX_EPARSE, "%s: truncated .npy header", file);
  header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
  if (pre_len == 12)
    header_len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
  if (header_len > NPY_MAX_HEADER)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: bad .npy header: %zu bytes long (at most %zu "
                       "accepted)",
                       file, header_len, NPY_MAX_HEADER);

  char *text = gmix__malloc(header_len + 1);
  if (!text)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
  got = read_full(fd, text, header_len);
  if (got < 0 || (size_t)got < header_len) {
    if (got < 0)
      gmix__errno_text(errno, why, sizeof why);
    gmix__free(text);
    return got < 0 ? gmix__error(err, GMIX_EIO, "%s: read error: %s", file, why)
                   : gmix__error(err, GMIX_EPARSE, "%s: truncated .npy header",
                                 file);
  }
  text[header_len] = '\0';
  npy_header h;
  const char *bad = parse_header(text, header_len, &h);
  gmix__free(text);
  if (bad)
    return gmix__error(err, GMIX_EPARSE, "%s: bad .npy header: %s", file, bad);

  /* dtype */
  const int little = host_is_little();
  size_t size = 0;
  int file_little = little;
  if (h.descr_is_string && strlen(h.descr) == 3 && h.descr[1] == 'f' &&
      (h.descr[2] == '8' || h.descr[2] == '4') &&
      (h.descr[0] == '<' || h.descr[0] == '>' || h.descr[0] == '=')) {
    size = h.descr[2] == '8' ? 8 : 4;
    if (h.descr[0] != '=')
      file_little = h.descr[0] == '<';
  }
  if (size == 0) {
    if (!h.descr_is_string)
      return gmix__error(err, GMIX_EPARSE,
                         "%s: unsupported dtype: structured arrays are not "
                         "read (only float64 and float32)",
                         file);
    return gmix__error(err, GMIX_EPARSE,
                       "%s: unsupported dtype '%s' (only float64 and float32 "
                       "are read)",
                       file, h.descr);
  }

  /* shape */
  if (h.shape_overflow)
    return gmix__error(err, GMIX_EOVERFLOW, "%s: the shape is too large", file);
  if (h.ndim != 1 && h.ndim != 2)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: unsupported shape with %zu dimensions (1 or 2 are "
                       "read)",
                       file, h.ndim);
  size_t n = h.shape[0], d = h.ndim == 2 ? h.shape[1] : 1, total, bytes;
  if (!gmix__mul(n, d, &total) || !gmix__mul(total, size, &bytes) ||
      !gmix__mul(total, sizeof(double), &(size_t){0}) ||
      bytes > SIZE_MAX - (pre_len + header_len))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "%s: the shape (%zu, %zu) is too large", file, n, d);
  if (d == 0)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: the shape (%zu, 0) has no columns", file, n);
  z->n = n;
  z->d = d;
  z->size = size;
  z->swap = file_little != little;
  z->fortran = h.fortran && n > 1 && d > 1;
  z->offset = pre_len + header_len;

  struct stat sb;
  z->regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
  z->file_size = z->regular ? (uint64_t)sb.st_size : 0;
  if (z->regular && z->file_size < z->offset + bytes)
    return gmix__error(
        err, GMIX_EPARSE,
        "%s: truncated: the shape (%zu, %zu) needs %zu bytes "
        "of data, the file has %ju",
        file, n, d, bytes,
        (uintmax_t)(z->file_size > z->offset ? z->file_size - z->offset : 0));
  return GMIX_OK;
}

void gmix__npy_free(gmix__npy *z) {
  if (!z)
    return;
  gmix__selection_free(&z->sel);
  gmix__free(z->raw);
  gmix__free(z->data);
  gmix__free(z->weights);
  gmix__free(z->chunk);
  gmix__free(z);
}

gmix_status gmix__npy_open(int fd, const char *file,
                           const gmix_read_options *opt, gmix__npy **out,
                           gmix_error *err) {
  gmix__npy *z = gmix__calloc(1, sizeof *z);
  if (!z)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
  z->fd = fd;
  z->file = file;
  z->opt = opt;
  gmix_status st = read_header(z, err);
  if (st == GMIX_OK)
    st = gmix__selection_resolve(&z->sel, file, NULL, z->d, opt, err);
  if (st != GMIX_OK) {
    gmix__npy_free(z);
    return st;
  }
  z->identity = !z->sel.has_weight && z->sel.n_keep == z->d;
  for (size_t k = 0; z->identity && k < z->sel.n_keep; k++)
    z->identity = z->sel.keep[k] == k;
  z->end = z->n;
  *out = z;
  return GMIX_OK;
}

void gmix__npy_part(gmix__npy *z, size_t part, size_t n_parts) {
  z->first = (size_t)gmix__share_bound(z->n, part, n_parts);
  z->end = (size_t)gmix__share_bound(z->n, part + 1, n_parts);
  z->next = z->first;
}

void gmix__npy_rewind(gmix__npy *z) {
  z->next = z->first;
  z->dropped = 0;
}

size_t gmix__npy_cols(const gmix__npy *z) {
  return z->sel.n_keep;
}

size_t gmix__npy_dropped(const gmix__npy *z) {
  return z->dropped;
}

gmix_status gmix__npy_take(gmix__npy *z, gmix_table *t, gmix_error *err) {
  const size_t m = z->end - z->next, row_base = z->next, d = z->d;
  z->next = z->end;
  t->cols = z->sel.n_keep;
  if (m == 0)
    return GMIX_OK;
  /* Sizes were checked against the whole shape when the header was read. */
  const size_t bytes = m * d * sizeof(double);
  const uint64_t start = z->offset + (uint64_t)row_base * d * sizeof(double);
  if (z->opt->allow_mmap && z->regular && z->size == sizeof(double) &&
      !z->swap && !z->fortran && z->offset % sizeof(double) == 0 &&
      bytes >= GMIX__NPY_MMAP_MIN_BYTES) {
    /* Map the rows' bytes only, from the page that holds the first. */
    long page = sysconf(_SC_PAGESIZE);
    uint64_t from = page > 0 ? start - start % (uint64_t)page : 0;
    if (start + bytes - from <= SIZE_MAX) {
      size_t len = (size_t)(start + bytes - from);
      void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, z->fd, (off_t)from);
      /* A file cut short since its header was read would raise SIGBUS on
       * the first page past its new end: see that it is still whole once
       * mapped. (One cut later is the caller's risk: gmix.h,
       * allow_mmap.) */
      struct stat sb;
      uint64_t now = fstat(z->fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
      if (map != MAP_FAILED && now < start + bytes) {
        munmap(map, len);
        return gmix__error(err, GMIX_EPARSE,
                           "%s: truncated while being read: rows %zu to %zu "
                           "end at byte %ju, the file now has %ju bytes",
                           z->file, row_base + 1, row_base + m,
                           (uintmax_t)(start + bytes), (uintmax_t)now);
      }
      if (map != MAP_FAILED) {
        posix_madvise(map, len, POSIX_MADV_SEQUENTIAL);
        t->map = map;
        t->map_len = len;
        return finish(z, t, (const double *)((char *)map + (start - from)),
                      NULL, m, row_base, err);
      }
    }
    /* A file system that cannot map falls back to a copy. */
  }
  double *out = gmix__malloc(bytes);
  if (!out)
    return gmix__error(err, GMIX_ENOMEM,
                       "%s: out of memory for %zu x %zu doubles", z->file, m,
                       d);
  gmix_status st = read_rows(z, row_base, m, out, err);
  if (st != GMIX_OK) {
    gmix__free(out);
    return st;
  }
  return finish(z, t, out, out, m, row_base, err);
}

gmix_status gmix__npy_next(gmix__npy *z, size_t max_rows, const double **data,
                           const double **weights, size_t *rows,
                           gmix_error *err) {
  const size_t d = z->d, k_out = z->sel.n_keep;
  size_t want = z->end - z->next < max_rows ? z->end - z->next : max_rows;
  if (want > z->cap_rows) {
    /* want x d doubles fit: the whole shape was checked. */
    double *raw = gmix__realloc(z->raw, want * d * sizeof(double));
    if (raw)
      z->raw = raw;
    double *out =
        raw ? gmix__realloc(z->data, want * k_out * sizeof(double)) : NULL;
    if (out)
      z->data = out;
    double *w = out && z->sel.has_weight
                    ? gmix__realloc(z->weights, want * sizeof(double))
                    : NULL;
    if (w)
      z->weights = w;
    if (!raw || !out || (z->sel.has_weight && !w))
      return gmix__error(err, GMIX_ENOMEM,
                         "%s: out of memory for a block of %zu rows", z->file,
                         want);
    z->cap_rows = want;
  }
  size_t kept = 0;
  while (kept < want && z->next < z->end) {
    size_t m = want - kept, got;
    if (m > z->end - z->next)
      m = z->end - z->next;
    gmix_status st = read_rows(z, z->next, m, z->raw, err);
    if (st == GMIX_OK)
      st = filter_rows(z, z->raw, m, z->next, z->data + kept * k_out,
                       z->weights ? z->weights + kept : NULL, &got, err);
    if (st != GMIX_OK)
      return st;
    kept += got;
    z->next += m;
  }
  *data = z->data;
  *weights = z->weights;
  *rows = kept;
  return GMIX_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* What write_npy writes: the n x d matrix x. */
typedef struct npy_image {
  const double *x;
  size_t n, d;
} npy_image;

/* Write the v1.0 preamble, header and data of the image `ctx` to fd (the
 * gmix__writer of gmix_npy_write). 0 or an errno value. */
static int write_npy(int fd, void *ctx) {
  const npy_image *img = ctx;
  char head[256];
  int len = snprintf(head + 10, sizeof head - 10,
                     "{'descr': '<f8', 'fortran_order': False, "
                     "'shape': (%zu, %zu), }",
                     img->n, img->d);
  size_t hlen = (size_t)len + 1; /* plus the final newline */
  size_t padded = (10 + hlen + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN - 10;
  memset(head + 10 + len, ' ', padded - (size_t)len - 1);
  head[10 + padded - 1] = '\n';
  memcpy(head, NPY_MAGIC, NPY_MAGIC_LEN);
  head[6] = 1;
  head[7] = 0;
  head[8] = (char)(padded & 0xff);
  head[9] = (char)(padded >> 8);
  int e = gmix__write_all(fd, head, 10 + padded);
  if (e != 0)
    return e;
  size_t total = img->n * img->d;
  if (host_is_little())
    return gmix__write_all(fd, img->x, total * sizeof(double));
  unsigned char buf[4096];
  const size_t per = sizeof buf / 8;
  for (size_t done = 0; done < total;) {
    size_t m = total - done < per ? total - done : per;
    for (size_t k = 0; k < m; k++) {
      unsigned char b[8];
      memcpy(b, &img->x[done + k], 8);
      for (size_t q = 0; q < 8; q++)
        buf[k * 8 + q] = b[7 - q];
    }
    if ((e = gmix__write_all(fd, buf, m * 8)) != 0)
      return e;
    done += m;
  }
  return 0;
}

gmix_status gmix_npy_write(const char *path, const double *x, size_t n,
                           size_t d, gmix_error *err) {
  size_t total;
  if (!path || !*path)
    return gmix__error(err, GMIX_EINVAL, "gmix_npy_write: no path given");
  if (!gmix__mul3(n, d, sizeof(double), &total))
    return gmix__error(err, GMIX_EINVAL,
                       "gmix_npy_write: %zu x %zu doubles overflow", n, d);
  if (!x && total > 0)
    return gmix__null_argument(err, "x");
  npy_image img = {x, n, d};
  return gmix__atomic_write(path, write_npy, &img, err);
}
