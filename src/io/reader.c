/*
 * reader.c -- one open data file read in blocks of rows: opening the
 * input, choosing the format from its first bytes, and handing each call
 * to the text or .npy reader. The block stream (gmix_reader_*) is this
 * object as it is; gmix_table_read and gmix_table_read_part (table.c)
 * open one, restrict it to a share, and take every row into a table.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

/* The first byte of the NumPy magic string "\x93NUMPY". It can never begin
 * a text file we accept, so a file starting with it goes to the .npy
 * reader, which then checks the rest of the magic and reports it if bad. */
#define NPY_FIRST_BYTE 0x93

/* The name of standard input in messages. */
#define STDIN_NAME "<stdin>"

struct gmix_reader {
  char *file;            /* the input's name in messages (a copy)        */
  int fd;                /* -1 once closed                               */
  int is_stdin;          /* fd is standard input, not ours to close      */
  gmix_read_options opt; /* a copy, without its strings once opened      */
  gmix__text *text;      /* exactly one of text and npy                  */
  gmix__npy *npy;
  int failed; /* a block failed: no reading on until rewound  */
};

uint64_t gmix__share_bound(uint64_t n, uint64_t part, uint64_t n_parts) {
  if (part >= n_parts)
    return n;
  /* n = q n_parts + r, so n part / n_parts = q part + r part / n_parts
   * where q part <= n fits and r, part < n_parts. The last term is formed
   * bit by bit (long multiplication with the remainder kept below
   * n_parts), so nothing overflows whatever the sizes. */
  uint64_t q = n / n_parts, r = n % n_parts, quot = 0, rem = 0;
  for (int bit = 63; bit >= 0; bit--) {
    quot <<= 1;
    if (rem >= n_parts - rem) {
      rem -= n_parts - rem;
      quot++;
    } else {
      rem += rem;
    }
    if ((part >> bit) & 1) {
      if (rem >= n_parts - r) {
        rem -= n_parts - r;
        quot++;
      } else {
        rem += r;
      }
    }
  }
  return q * part + quot;
}

/* Does the input start with the NumPy magic's first byte? Reads it with
 * pread so the file offset is untouched; a descriptor that cannot seek
 * (a pipe) is text. */
static int looks_like_npy(int fd) {
  unsigned char first = 0;
  ssize_t got;
  do
    got = pread(fd, &first, 1, 0);
  while (got < 0 && errno == EINTR);
  return got == 1 && first == NPY_FIRST_BYTE;
}

void gmix_reader_free(gmix_reader *r) {
  if (!r)
    return;
  gmix__text_free(r->text);
  gmix__npy_free(r->npy);
  if (r->fd >= 0 && !r->is_stdin)
    close(r->fd);
  gmix__free(r->file);
  gmix__free(r);
}

gmix_status gmix__reader_open(const char *path, const gmix_read_options *opt,
                              const char *caller, int for_parts,
                              gmix_reader **out, gmix_error *err) {
  if (!path)
    return gmix__null_argument(err, "path");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_read_options local;
  gmix_status st0 = gmix__read_options_read(opt, &local, err);
  if (st0 != GMIX_OK)
    return st0;
  opt = &local;
  if (opt->delimiter == '\n' || opt->delimiter == '\r' ||
      opt->delimiter == '"' || opt->delimiter == '#')
    return gmix__error(err, GMIX_EINVAL,
                       "%s: delimiter must not be a newline, a quote or '#'",
                       caller);
  if (opt->header < -1 || opt->header > 1)
    return gmix__error(err, GMIX_EINVAL,
                       "%s: header must be -1, 0 or 1 (got %d)", caller,
                       opt->header);
  const int use_stdin = strcmp(path, "-") == 0;
  if (use_stdin && for_parts)
    return gmix__error(err, GMIX_EINVAL,
                       "%s: standard input cannot be read in parts; give a "
                       "file",
                       caller);

  gmix_reader *r = gmix__calloc(1, sizeof *r);
  if (!r)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory",
                       use_stdin ? STDIN_NAME : path);
  r->fd = -1;
  r->opt = *opt;
  r->is_stdin = use_stdin;
  r->file = gmix__strdup(use_stdin ? STDIN_NAME : path);
  gmix_status st = GMIX_OK;
  if (!r->file) {
    st = gmix__error(err, GMIX_ENOMEM, "%s: out of memory",
                     use_stdin ? STDIN_NAME : path);
    goto fail;
  }
  if (use_stdin) {
    r->fd = STDIN_FILENO;
  } else {
    do
      r->fd = open(path, O_RDONLY | O_CLOEXEC);
    while (r->fd < 0 && errno == EINTR);
    if (r->fd < 0) {
      char why[GMIX__ERRNO_TEXT_SIZE];
      gmix__errno_text(errno, why, sizeof why);
      st = gmix__error(err, GMIX_EIO, "%s: %s", r->file, why);
      goto fail;
    }
  }
  /* Parts split a byte or row count, which only a regular file has (and
   * reading a pipe's first line could wait for ever). */
  struct stat sb;
  if (for_parts && (fstat(r->fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
    st = gmix__error(err, GMIX_EINVAL,
                     "%s: not a regular file, which reading in parts needs",
                     r->file);
    goto fail;
  }
  if (!use_stdin && looks_like_npy(r->fd))
    st = gmix__npy_open(r->fd, r->file, &r->opt, &r->npy, err);
  else
    st = gmix__text_open(r->fd, r->file, &r->opt, &r->text, err);
  if (st != GMIX_OK)
    goto fail;
  /* The selection is resolved: the caller's strings are not kept. */
  r->opt.columns = NULL;
  r->opt.weight_column = NULL;
  *out = r;
  return GMIX_OK;
fail:
  gmix_reader_free(r);
  return st;
}

gmix_status gmix__reader_part(gmix_reader *r, size_t part, size_t n_parts,
                              gmix_error *err) {
  struct stat sb;
  if (fstat(r->fd, &sb) != 0) {
    char why[GMIX__ERRNO_TEXT_SIZE];
    gmix__errno_text(errno, why, sizeof why);
    return gmix__error(err, GMIX_EIO, "%s: %s", r->file, why);
  }
  if (r->npy) {
    gmix__npy_part(r->npy, part, n_parts);
    return GMIX_OK;
  }
  return gmix__text_part(r->text, (uint64_t)sb.st_size, part, n_parts, err);
}

gmix_status gmix__reader_take(gmix_reader *r, gmix_table *t, gmix_error *err) {
  if (r->npy)
    return gmix__npy_take(r->npy, t, err);
  return gmix__text_take(r->text, t, err);
}

gmix_status gmix_reader_open(const char *path, const gmix_read_options *opt,
                             gmix_reader **out, gmix_error *err) {
  return gmix__reader_open(path, opt, "gmix_reader_open", 0, out, err);
}

gmix_status gmix_reader_next(gmix_reader *r, size_t max_rows, const double **x,
                             const double **w, size_t *rows, gmix_error *err) {
  if (!r)
    return gmix__null_argument(err, "reader");
  if (!x)
    return gmix__null_argument(err, "x");
  if (!rows)
    return gmix__null_argument(err, "rows");
  if (max_rows == 0)
    return gmix__error(err, GMIX_EINVAL,
                       "gmix_reader_next: max_rows must be at least 1");
  if (r->failed)
    return gmix__error(err, GMIX_EINVAL,
                       "%s: an earlier error stopped the reading; rewind to "
                       "read again",
                       r->file);
  const double *data, *weights;
  size_t n;
  gmix_status st =
      r->npy ? gmix__npy_next(r->npy, max_rows, &data, &weights, &n, err)
             : gmix__text_next(r->text, max_rows, &data, &weights, &n, err);
  if (st != GMIX_OK) {
    r->failed = 1;
    return st;
  }
  *x = n ? data : NULL;
  if (w)
    *w = n ? weights : NULL;
  *rows = n;
  return GMIX_OK;
}

gmix_status gmix_reader_rewind(gmix_reader *r, gmix_error *err) {
  if (!r)
    return gmix__null_argument(err, "reader");
  if (r->is_stdin)
    return gmix__error(err, GMIX_EINVAL, "%s: standard input cannot be rewound",
                       r->file);
  gmix_status st = GMIX_OK;
  if (r->npy)
    gmix__npy_rewind(r->npy);
  else
    st = gmix__text_rewind(r->text, err);
  if (st == GMIX_OK)
    r->failed = 0;
  return st;
}

size_t gmix_reader_cols(const gmix_reader *r) {
  if (!r)
    return 0;
  return r->npy ? gmix__npy_cols(r->npy) : gmix__text_cols(r->text);
}

const char *gmix_reader_column_name(const gmix_reader *r, size_t j) {
  if (!r || !r->text)
    return NULL;
  return gmix__text_column_name(r->text, j);
}

size_t gmix_reader_dropped_rows(const gmix_reader *r) {
  if (!r)
    return 0;
  return r->npy ? gmix__npy_dropped(r->npy) : gmix__text_dropped(r->text);
}
