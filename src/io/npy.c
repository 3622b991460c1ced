/*
 * io_npy.c -- NumPy .npy files (format versions 1.0, 2.0 and 3.0).
 *
 * A .npy file is the magic "\x93NUMPY", a version, a header length, a
 * header that is a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (1000, 3), }
 * and then the raw array. We read float64 and float32 in either byte order
 * and either memory order, 1-D (n,) as n x 1 and 2-D (n, d). Large
 * little-endian float64 C-order files are memory-mapped; everything else is
 * converted into a fresh row-major double array.
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
    if (want > ((size_t)1 << 30))
      want = (size_t)1 << 30;
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

/* Read the n x d array (total = n * d items) that follows the header into
 * the row-major `out`, converting from items of `size` bytes, swapped when
 * `swap`, stored in Fortran order when `fortran`. GMIX_EPARSE when the file
 * ends early, GMIX_EIO on a read error, GMIX_ENOMEM. */
static gmix_status read_data(int fd, const char *file, double *out, size_t n,
                             size_t d, size_t size, int swap, int fortran,
                             size_t total, gmix_error *err) {
  char why[GMIX__ERRNO_TEXT_SIZE];
  if (size == 8 && !swap && (!fortran || n == 1 || d == 1)) {
    ssize_t got = read_full(fd, out, total * 8);
    if (got < 0) {
      gmix__errno_text(errno, why, sizeof why);
      return gmix__error(err, GMIX_EIO, "%s: read error: %s", file, why);
    }
    if ((size_t)got < total * 8)
      return gmix__error(err, GMIX_EPARSE,
                         "%s: truncated: the shape (%zu, %zu) needs %zu bytes "
                         "of data, the file has %zu",
                         file, n, d, total * 8, (size_t)got);
    return GMIX_OK;
  }
  unsigned char *chunk = gmix__malloc(NPY_CHUNK_BYTES);
  if (!chunk)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
  /* (i, j) of the next item in file order. */
  size_t i = 0, j = 0, done = 0;
  const size_t per_chunk = NPY_CHUNK_BYTES / size;
  gmix_status st = GMIX_OK;
  while (done < total) {
    size_t want = total - done < per_chunk ? total - done : per_chunk;
    ssize_t got = read_full(fd, chunk, want * size);
    if (got < 0) {
      gmix__errno_text(errno, why, sizeof why);
      st = gmix__error(err, GMIX_EIO, "%s: read error: %s", file, why);
      break;
    }
    if ((size_t)got < want * size) {
      st = gmix__error(err, GMIX_EPARSE,
                       "%s: truncated: the shape (%zu, %zu) needs %zu bytes "
                       "of data, the file has %zu",
                       file, n, d, total * size, done * size + (size_t)got);
      break;
    }
    for (size_t k = 0; k < want; k++) {
      out[i * d + j] = load_item(chunk + k * size, size, swap);
      if (fortran) {
        if (++i == n) {
          i = 0;
          j++;
        }
      } else if (++j == d) {
        j = 0;
        i++;
      }
    }
    done += want;
  }
  gmix__free(chunk);
  return st;
}

static const char *nonfinite_name(double v) {
  return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/*
 * Move the full n x d matrix `src` into the table, applying the column
 * selection and weight column of `opt` and checking every value it keeps
 * is finite: a row with a non-finite value is an error naming its row and
 * column (1-based, in the file), or dropped under drop_bad_rows. `owned`
 * is src when src was allocated (it then belongs to the table or is
 * freed), NULL when src points into the table's mapping (which is released
 * if the data have to be copied after all).
 */
static gmix_status finish(gmix_table *t, const char *file,
                          const gmix_read_options *opt, const double *src,
                          double *owned, size_t n, size_t d, gmix_error *err) {
  gmix__selection sel;
  gmix_status st = gmix__selection_resolve(&sel, file, NULL, d, opt, err);
  if (st != GMIX_OK) {
    gmix__free(owned);
    return st;
  }
  int identity = !sel.has_weight && sel.n_keep == d;
  for (size_t k = 0; identity && k < sel.n_keep; k++)
    identity = sel.keep[k] == k;

  size_t bad_row = n, bad_col = 0;
  if (identity) {
    for (size_t x = 0; x < n * d; x++) {
      if (!isfinite(src[x])) {
        bad_row = x / d;
        bad_col = x % d;
        break;
      }
    }
    if (bad_row == n) { /* nothing to change */
      gmix__selection_free(&sel);
      t->rows = n;
      t->cols = d;
      t->owned = owned;
      t->data = src;
      return GMIX_OK;
    }
    if (!opt->drop_bad_rows) {
      st = gmix__error(err, GMIX_ENONFINITE, "%s: row %zu, column %zu is %s",
                       file, bad_row + 1, bad_col + 1,
                       nonfinite_name(src[bad_row * d + bad_col]));
      gmix__selection_free(&sel);
      gmix__free(owned);
      return st;
    }
  }

  /* Copy the kept columns row by row, dropping or refusing bad rows. */
  const size_t k_out = sel.n_keep;
  int overflow;
  double *data = gmix__malloc_array(n, k_out * sizeof(double), &overflow);
  double *w =
      sel.has_weight ? gmix__malloc_array(n, sizeof(double), &overflow) : NULL;
  size_t rows = 0, dropped = 0;
  if (!data || (sel.has_weight && !w)) {
    st = gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    const double *row = src + i * d;
    size_t bad = d;
    for (size_t k = 0; k < k_out && bad == d; k++) {
      double v = row[sel.keep[k]];
      if (!isfinite(v))
        bad = sel.keep[k];
      data[rows * k_out + k] = v;
    }
    if (bad == d && sel.has_weight) {
      if (!isfinite(row[sel.weight]))
        bad = sel.weight;
      else
        w[rows] = row[sel.weight];
    }
    if (bad == d) {
      rows++;
    } else if (opt->drop_bad_rows) {
      dropped++;
    } else {
      st = gmix__error(err, GMIX_ENONFINITE, "%s: row %zu, column %zu is %s",
                       file, i + 1, bad + 1, nonfinite_name(row[bad]));
      goto fail;
    }
  }
  if (rows == 0) {
    st = gmix__error(err, GMIX_EPARSE,
                     "%s: no data rows (%zu bad row%s dropped)", file, dropped,
                     dropped == 1 ? "" : "s");
    goto fail;
  }
  gmix__selection_free(&sel);
  gmix__free(owned);
  if (t->map) {
    munmap(t->map, t->map_len);
    t->map = NULL;
    t->map_len = 0;
  }
  t->rows = rows;
  t->cols = k_out;
  t->owned = data;
  t->data = data;
  t->weights = w;
  t->dropped = dropped;
  return GMIX_OK;

fail:
  gmix__selection_free(&sel);
  gmix__free(data);
  gmix__free(w);
  gmix__free(owned);
  return st;
}

gmix_status gmix__npy_read(int fd, const char *file,
                           const gmix_read_options *opt, gmix_table *t,
                           gmix_error *err) {
  unsigned char pre[12];
  char why[GMIX__ERRNO_TEXT_SIZE];
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
  const int swap = file_little != little;

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
  if (n == 0)
    return gmix__error(err, GMIX_EPARSE, "%s: no data rows", file);
  if (d == 0)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: the shape (%zu, 0) has no columns", file, n);
  const size_t offset = pre_len + header_len;

  struct stat sb;
  int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
  if (regular && (uintmax_t)sb.st_size < (uintmax_t)offset + bytes)
    return gmix__error(err, GMIX_EPARSE,
                       "%s: truncated: the shape (%zu, %zu) needs %zu bytes "
                       "of data, the file has %ju",
                       file, n, d, bytes,
                       (uintmax_t)sb.st_size > offset
                           ? (uintmax_t)sb.st_size - offset
                           : (uintmax_t)0);

  const int c_layout = !h.fortran || n == 1 || d == 1;
  if (opt->allow_mmap && regular && size == 8 && !swap && c_layout &&
      offset % sizeof(double) == 0 &&
      (uintmax_t)sb.st_size >= GMIX__NPY_MMAP_MIN_BYTES &&
      (uintmax_t)sb.st_size <= SIZE_MAX) {
    size_t len = (size_t)sb.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      posix_madvise(map, len, POSIX_MADV_SEQUENTIAL);
      t->map = map;
      t->map_len = len;
      return finish(t, file, opt, (const double *)((char *)map + offset), NULL,
                    n, d, err);
    }
    /* A file system that cannot map falls back to a copy. */
  }

  double *out = gmix__malloc(total * sizeof(double));
  if (!out)
    return gmix__error(err, GMIX_ENOMEM,
                       "%s: out of memory for %zu x %zu doubles", file, n, d);
  gmix_status st =
      read_data(fd, file, out, n, d, size, swap, h.fortran, total, err);
  if (st != GMIX_OK) {
    gmix__free(out);
    return st;
  }
  return finish(t, file, opt, out, out, n, d, err);
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
    return gmix__error(err, GMIX_EINVAL, "gmix_npy_write: x is NULL");
  npy_image img = {x, n, d};
  return gmix__atomic_write(path, write_npy, &img, err);
}
