/*
 * csv.c -- delimited text: CSV, TSV, ';'-separated and
 * whitespace-separated numbers, with an optional header row.
 *
 * The input is read in large blocks and split into lines in place; each
 * line is parsed field by field without copying. One parser serves the
 * whole-file reader, the part reader and the block stream: opening reads
 * up to the first content line (delimiter, header, column selection),
 * after which rows are parsed in blocks of at most a given count, from
 * wherever the input was positioned (the start of the data, or the first
 * line of a byte range), until the input or the range ends.
 *
 * Numbers take a fast path that is exact for the common case (at most 19
 * significant digits, a mantissa below 2^53 and a decimal exponent within +-22:
 * one correctly rounded multiplication or division of two exact doubles) and
 * fall back to strtod for everything else, so every value is bit-identical to
 * strtod's.
 *
 * strtod follows the C locale's decimal point; a program that changes
 * LC_NUMERIC may see the (rare) fallback cases parsed differently.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_internal.h"

#define SKIP ((size_t)-1)   /* column not read                      */
#define WEIGHT ((size_t)-2) /* column read as the sample weight     */
#define INITIAL_ROWS ((size_t)1024)
#define TEXT_CLIP 48 /* bytes of offending text quoted in a message      */

enum cell_kind {
  CELL_OK = 0,
  CELL_NOT_NUMBER = 1,
  CELL_NONFINITE = 2,
  CELL_EMPTY = 3
};

typedef struct reader {
  const char *file;
  const gmix_read_options *opt;
  gmix_error *err;

  char delim;   /* ' ' means any run of blanks                          */
  size_t line;  /* 1-based number of the line being parsed              */
  size_t ncols; /* fields per row, from the first content line          */
  size_t *dest; /* per file column: output column, SKIP or WEIGHT       */
  size_t nkeep; /* output columns                                       */
  int has_weight;

  double *data; /* cap_rows x nkeep: the rows of the current block      */
  double *weights;
  size_t rows, cap_rows, dropped;
  size_t row_limit; /* the block ends at this many rows                  */
  char **names;     /* nkeep names of the selected columns, or NULL         */

  /* The first bad cell of the row being parsed. */
  size_t bad_col;
  int bad_kind;
  char bad_text[TEXT_CLIP];
} reader;

static int is_digit(char c) {
  return (unsigned char)(c - '0') < 10;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t';
}

/* Powers of ten that are exact doubles. */
static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Eight digits at a time (the SWAR trick of simdjson and fast_float): on a
 * little-endian host, load eight bytes as one integer, check that all are
 * ASCII digits and combine them with three multiplications. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HAVE_SWAR 1
static ALWAYS_INLINE int eight_digits(const char *p, uint64_t *value) {
  uint64_t x;
  memcpy(&x, p, 8);
  if ((((x + 0x4646464646464646u) | (x - 0x3030303030303030u)) &
       0x8080808080808080u) != 0)
    return 0;
  x -= 0x3030303030303030u;
  x = x * 10 + (x >> 8);
  x = (((x & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
       (((x >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >>
      32;
  *value = x;
  return 1;
}
#else
#define HAVE_SWAR 0
static int eight_digits(const char *p, uint64_t *value) {
  (void)p;
  (void)value;
  return 0;
}
#endif

#if HAVE_SWAR && defined(__GNUC__)
#define HAVE_CTZ 1
#else
#define HAVE_CTZ 0
#endif

static const uint64_t pow10_u64[9] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* Append the digits at *pp to m, stopping at the first non-digit. Eight
 * bytes are loaded at a time while they lie below `lim`: a full word of
 * digits is combined at once, and a word that starts with 1 to 7 digits
 * keeps just those (shifted to the top, the following bytes and any borrow
 * from them fall off), so a short run costs no data-dependent branch. */
static ALWAYS_INLINE uint64_t digits(const char **pp, const char *lim,
                                     uint64_t m) {
  const char *p = *pp;
#if HAVE_CTZ
  while (lim - p >= 8) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t nondigit =
        ((x + 0x4646464646464646u) | (x - 0x3030303030303030u)) &
        0x8080808080808080u;
    uint64_t v;
    if (nondigit == 0) {
      eight_digits(p, &v);
      m = m * 100000000u + v;
      p += 8;
      continue;
    }
    unsigned nd = (unsigned)__builtin_ctzll(nondigit) >> 3;
    if (nd > 0) {
      uint64_t y = (x - 0x3030303030303030u) << (8 * (8 - nd));
      y = y * 10 + (y >> 8);
      y = (((y & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
           (((y >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >>
          32;
      m = m * pow10_u64[nd] + y;
      p += nd;
    }
    *pp = p;
    return m;
  }
#else
  uint64_t eight;
  while (HAVE_SWAR && lim - p >= 8 && eight_digits(p, &eight)) {
    m = m * 100000000u + eight;
    p += 8;
  }
#endif
  while (is_digit(*p))
    m = m * 10 + (uint64_t)(*p++ - '0');
  *pp = p;
  return m;
}

/*
 * The fast path: parse [+-]digits[.digits][(e|E)[+-]digits] starting at p.
 * Returns 1 with *out and *end set when the number is one whose value this
 * path computes exactly (the decimal mantissa, at most 19 significant
 * digits, is below 2^53 and the decimal exponent within +-22, so the
 * mantissa and the power of ten are exact doubles and one IEEE operation
 * rounds their product or quotient correctly, exactly as strtod does);
 * returns 0 otherwise, and the caller asks strtod. It reads single bytes
 * only up to the first byte that cannot continue a number, so a line
 * ending is a sufficient sentinel, and multi-byte loads only below `lim`.
 */
static ALWAYS_INLINE int fast_number(const char *p, const char *lim,
                                     const char **end, double *out) {
  int neg = 0;
  if (*p == '-') {
    neg = 1;
    p++;
  } else if (*p == '+') {
    p++;
  }
  const char *start = p;
  while (*p == '0')
    p++;
  int seen = p > start;
  const char *sig = p;
  uint64_t m = digits(&p, lim, 0);
  size_t n_sig = (size_t)(p - sig);
  seen |= n_sig > 0;
  int64_t e10 = 0;
  if (*p == '.') {
    const char *frac = ++p;
    if (n_sig == 0)
      while (*p == '0')
        p++;
    const char *fsig = p;
    m = digits(&p, lim, m);
    n_sig += (size_t)(p - fsig);
    seen |= p > frac;
    e10 = -(int64_t)(p - frac);
  }
  if (!seen || n_sig > 19)
    return 0;
  if (*p == 'e' || *p == 'E') {
    const char *q = p + 1;
    int eneg = 0;
    if (*q == '-') {
      eneg = 1;
      q++;
    } else if (*q == '+') {
      q++;
    }
    if (!is_digit(*q))
      return 0;
    int64_t ev = 0;
    while (is_digit(*q)) {
      if (ev < 100000)
        ev = ev * 10 + (*q - '0');
      q++;
    }
    e10 += eneg ? -ev : ev;
    p = q;
  }
  double v;
  if (m == 0) {
    v = 0.0;
  } else {
    if (m > ((uint64_t)1 << 53) || e10 < -22 || e10 > 22)
      return 0;
    v = (double)m;
    v = e10 < 0 ? v / exact_pow10[-e10] : v * exact_pow10[e10];
  }
  *out = neg ? -v : v;
  *end = p;
  return 1;
}

int gmix__parse_double(char *s, char *e, double *out) {
  const char *fe;
  if (s == e)
    return CELL_NOT_NUMBER;
  if (fast_number(s, e, &fe, out) && fe == e)
    return CELL_OK;
  /* strtod skips leading space, which the range must not have. */
  if (is_blank(*s) || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
    return CELL_NOT_NUMBER;
  char saved = *e;
  char *stop;
  *e = '\0';
  double v = strtod(s, &stop);
  *e = saved;
  if (stop != e)
    return CELL_NOT_NUMBER;
  if (!isfinite(v))
    return CELL_NONFINITE;
  *out = v;
  return CELL_OK;
}

/* The end of the field that starts at p (blanks already skipped): the next
 * delimiter outside double quotes, or e. */
static char *field_end(char *p, char *e, char delim) {
  if (p < e && *p == '"') {
    p++;
    for (;;) {
      char *q = memchr(p, '"', (size_t)(e - p));
      if (!q)
        return e;
      p = q + 1;
      if (p < e && *p == '"') {
        p++;
        continue;
      }
      break;
    }
  }
  if (delim == ' ') {
    while (p < e && !is_blank(*p))
      p++;
    return p;
  }
  char *q = memchr(p, delim, (size_t)(e - p));
  return q ? q : e;
}

/* The start of the field after one that ends at fe (a delimiter, or e at
 * the end of the line), skipping runs of blanks when fields are
 * blank-separated; NULL when the line has no more fields. */
static char *next_field(char *fe, char *e, int ws) {
  if (fe >= e)
    return NULL;
  char *p = fe + 1;
  if (ws) {
    while (p < e && is_blank(*p))
      p++;
    if (p >= e)
      return NULL;
  }
  return p;
}

/* Trim the cell [*s, *e) and remove one pair of surrounding quotes. Returns
 * 1 when the cell was quoted. */
static int cell_bounds(char **s, char **e) {
  while (*s < *e && is_blank(**s))
    (*s)++;
  while (*e > *s && is_blank((*e)[-1]))
    (*e)--;
  if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"') {
    (*s)++;
    (*e)--;
    return 1;
  }
  return 0;
}

/* Classify and parse one cell [s, e). */
static int parse_cell(char *s, char *e, double *out) {
  int quoted = cell_bounds(&s, &e);
  if (quoted)
    while (s < e && is_blank(*s))
      s++;
  if (quoted)
    while (e > s && is_blank(e[-1]))
      e--;
  if (s == e)
    return CELL_EMPTY;
  return gmix__parse_double(s, e, out);
}

/* Make room for one more row: the block doubles, up to its row limit
 * (which the caller keeps above r->rows). */
static gmix_status ensure_row(reader *r) {
  if (r->rows < r->cap_rows)
    return GMIX_OK;
  size_t cap = r->cap_rows ? r->cap_rows : INITIAL_ROWS, bytes;
  if (r->cap_rows && !gmix__mul(cap, 2, &cap))
    cap = SIZE_MAX;
  if (cap > r->row_limit)
    cap = r->row_limit;
  if (!gmix__mul3(cap, r->nkeep, sizeof(double), &bytes))
    return gmix__error(r->err, GMIX_EOVERFLOW, "%s: too many rows", r->file);
  double *d = gmix__realloc(r->data, bytes);
  if (!d)
    return gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory at line %zu",
                       r->file, r->line);
  r->data = d;
  if (r->has_weight) {
    double *w = gmix__realloc(r->weights, cap * sizeof(double));
    if (!w)
      return gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory at line %zu",
                         r->file, r->line);
    r->weights = w;
  }
  r->cap_rows = cap;
  return GMIX_OK;
}

/* Parse one data row [s, e) (e is the line end: '\r' or '\n', which stops
 * every scan). A good row is appended; a bad one is dropped and counted
 * under drop_bad_rows, else reported: a wrong field count first, then the
 * first bad cell. */
static gmix_status parse_row(reader *r, char *s, char *e) {
  gmix_status st = ensure_row(r);
  if (st != GMIX_OK)
    return st;
  const char delim = r->delim;
  const int ws = delim == ' ';
  const int tab_blank = delim != '\t';
  double *row = r->data + r->rows * r->nkeep;
  size_t j = 0;
  char *p = s;
  r->bad_kind = CELL_OK;
  if (ws)
    while (p < e && is_blank(*p))
      p++;
  for (;;) {
    char *fe;
    if (!ws)
      while (p < e && (*p == ' ' || (tab_blank && *p == '\t')))
        p++;
    size_t dst = j < r->ncols ? r->dest[j] : SKIP;
    if (dst == SKIP) {
      fe = field_end(p, e, delim);
    } else {
      double v;
      const char *q;
      int ok = 0;
      if (fast_number(p, e, &q, &v)) {
        fe = (char *)q;
        if (!ws)
          while (fe < e && (*fe == ' ' || (tab_blank && *fe == '\t')))
            fe++;
        ok = fe == e || (ws ? is_blank(*fe) : *fe == delim);
      }
      if (!ok) {
        fe = field_end(p, e, delim);
        int kind = parse_cell(p, fe, &v);
        if (kind != CELL_OK && r->bad_kind == CELL_OK) {
          char *cs = p, *ce = fe;
          cell_bounds(&cs, &ce);
          r->bad_kind = kind;
          r->bad_col = j + 1;
          gmix__clip_text(r->bad_text, sizeof r->bad_text, cs, ce);
        }
        ok = kind == CELL_OK;
      }
      if (ok) {
        if (dst == WEIGHT)
          r->weights[r->rows] = v;
        else
          row[dst] = v;
      }
    }
    j++;
    if (!(p = next_field(fe, e, ws)))
      break;
  }

  if (j == r->ncols && r->bad_kind == CELL_OK) {
    r->rows++;
    return GMIX_OK;
  }
  if (r->opt->drop_bad_rows) {
    r->dropped++;
    return GMIX_OK;
  }
  if (j != r->ncols)
    return gmix__error(r->err, GMIX_EPARSE,
                       "%s:%zu: row has %zu field%s, expected %zu", r->file,
                       r->line, j, j == 1 ? "" : "s", r->ncols);
  switch (r->bad_kind) {
  case CELL_EMPTY:
    return gmix__error(r->err, GMIX_EPARSE, "%s:%zu:%zu: empty cell", r->file,
                       r->line, r->bad_col);
  case CELL_NONFINITE:
    return gmix__error(r->err, GMIX_ENONFINITE,
                       "%s:%zu:%zu: '%s' is not finite", r->file, r->line,
                       r->bad_col, r->bad_text);
  default:
    return gmix__error(r->err, GMIX_EPARSE, "%s:%zu:%zu: '%s' is not a number",
                       r->file, r->line, r->bad_col, r->bad_text);
  }
}

/* Choose the delimiter of the first content line: the most frequent of
 * tab, comma and semicolon outside double quotes (ties in that order), or
 * runs of blanks when none occurs. */
static char detect_delimiter(const char *s, const char *e) {
  static const char candidates[3] = {'\t', ',', ';'};
  size_t count[3] = {0, 0, 0};
  int quoted = 0;
  for (const char *p = s; p < e; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (!quoted)
      for (int k = 0; k < 3; k++)
        count[k] += *p == candidates[k];
  }
  int best = -1;
  for (int k = 0; k < 3; k++)
    if (count[k] > 0 && (best < 0 || count[k] > count[best]))
      best = k;
  return best < 0 ? ' ' : candidates[best];
}

/* A copy of the header cell [s, e): trimmed, unquoted, "" read as ". */
static char *header_name(char *s, char *e) {
  int quoted = cell_bounds(&s, &e);
  char *name = gmix__malloc((size_t)(e - s) + 1);
  if (!name)
    return NULL;
  size_t n = 0;
  for (char *p = s; p < e; p++) {
    name[n++] = *p;
    if (quoted && *p == '"' && p + 1 < e && p[1] == '"')
      p++;
  }
  name[n] = '\0';
  return name;
}

static void free_names(char **names, size_t n) {
  if (!names)
    return;
  for (size_t j = 0; j < n; j++)
    gmix__free(names[j]);
  gmix__free(names);
}

/* Split the first content line into fields, decide whether it is a header,
 * resolve the column selection and set up the row parser. Returns in
 * *is_header whether the line still has to be parsed as data (0) or not. */
static gmix_status first_line(reader *r, char *s, char *e, int *is_header) {
  gmix_status st = GMIX_OK;
  r->delim = r->opt->delimiter ? r->opt->delimiter : detect_delimiter(s, e);
  const int ws = r->delim == ' ';

  /* Field boundaries: a list of start/end pairs. */
  size_t n = 0, cap = 16;
  char **bounds = gmix__malloc(2 * cap * sizeof *bounds);
  char **all_names = NULL;
  gmix__selection sel = {0};
  if (!bounds)
    return gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
  char *p = s;
  if (ws)
    while (p < e && is_blank(*p))
      p++;
  for (;;) {
    if (!ws)
      while (p < e && is_blank(*p) && *p != r->delim)
        p++;
    char *fe = field_end(p, e, r->delim);
    if (n == cap) {
      size_t bytes;
      char **b = NULL;
      if (gmix__mul3(cap, 4, sizeof *bounds, &bytes))
        b = gmix__realloc(bounds, bytes);
      if (!b) {
        st = gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
        goto done;
      }
      bounds = b;
      cap *= 2;
    }
    bounds[2 * n] = p;
    bounds[2 * n + 1] = fe;
    n++;
    if (!(p = next_field(fe, e, ws)))
      break;
  }
  r->ncols = n;

  int header = r->opt->header;
  if (header < 0) {
    header = 0;
    for (size_t j = 0; j < n && !header; j++) {
      double v;
      header =
          parse_cell(bounds[2 * j], bounds[2 * j + 1], &v) == CELL_NOT_NUMBER;
    }
  }
  *is_header = header;

  if (header) {
    all_names = gmix__calloc(n, sizeof *all_names);
    if (!all_names) {
      st = gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
      goto done;
    }
    for (size_t j = 0; j < n; j++) {
      all_names[j] = header_name(bounds[2 * j], bounds[2 * j + 1]);
      if (!all_names[j]) {
        st = gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
        goto done;
      }
    }
  }

  st = gmix__selection_resolve(&sel, r->file, all_names, n, r->opt, r->err);
  if (st != GMIX_OK)
    goto done;
  r->nkeep = sel.n_keep;
  r->has_weight = sel.has_weight;
  r->dest = gmix__malloc(n * sizeof *r->dest);
  if (!r->dest) {
    st = gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
    goto done;
  }
  for (size_t j = 0; j < n; j++)
    r->dest[j] = SKIP;
  for (size_t k = 0; k < sel.n_keep; k++)
    r->dest[sel.keep[k]] = k;
  if (sel.has_weight)
    r->dest[sel.weight] = WEIGHT;

  if (header) {
    r->names = gmix__calloc(sel.n_keep, sizeof *r->names);
    if (!r->names) {
      st = gmix__error(r->err, GMIX_ENOMEM, "%s: out of memory", r->file);
      goto done;
    }
    for (size_t k = 0; k < sel.n_keep; k++) {
      /* Move each kept name; columns are never selected twice. */
      r->names[k] = all_names[sel.keep[k]];
      all_names[sel.keep[k]] = NULL;
    }
  }

done:
  gmix__selection_free(&sel);
  free_names(all_names, n);
  gmix__free(bounds);
  return st;
}

/* Count the physical line [*s, *e) (where **e is its '\n') and trim its
 * '\r' and, on line 1, a UTF-8 byte order mark. Returns 0 when the line is
 * blank or a comment. */
static int content(reader *r, char **s, char **e) {
  r->line++;
  if (*e > *s && (*e)[-1] == '\r')
    (*e)--;
  if (r->line == 1 && *e - *s >= 3 && memcmp(*s, "\xEF\xBB\xBF", 3) == 0)
    *s += 3;
  const char *p = *s;
  while (p < *e && is_blank(*p))
    p++;
  return p != *e && *p != '#';
}

/* ---- the input, handed out line by line -------------------------------- */

typedef struct input {
  int fd;
  char *buf;       /* cap + 1 bytes: one spare for the '\n' that ends a
                      last line without one                              */
  size_t cap, len; /* buf[0, len) holds input                            */
  size_t pos;      /* first byte not yet handed out                      */
  size_t scanned;  /* bytes from pos known to hold no '\n'               */
  size_t last;     /* where the line handed out last starts              */
  uint64_t base;   /* input offset of buf[0]                             */
  int eof;
} input;

struct gmix__text {
  reader r;
  input in;
  uint64_t data_from; /* offset of the first line that can hold data     */
  size_t data_line;   /* physical lines before it                        */
  uint64_t end;       /* lines starting at or after this are not read    */
  int done;           /* the input or the range has ended                */
};

/* Read more input after the bytes held: first move the bytes not handed
 * out to the front, and grow the buffer when they fill it (a line longer
 * than the buffer). Sets in->eof at the end of the input. */
static gmix_status refill(gmix__text *t) {
  input *in = &t->in;
  if (in->pos > 0) {
    memmove(in->buf, in->buf + in->pos, in->len - in->pos);
    in->base += in->pos;
    in->len -= in->pos;
    in->pos = 0;
  }
  if (in->len == in->cap) {
    size_t bigger;
    char *b = NULL;
    if (gmix__mul(in->cap, 2, &bigger) && bigger < SIZE_MAX)
      b = gmix__realloc(in->buf, bigger + 1);
    if (!b)
      return gmix__error(t->r.err, GMIX_ENOMEM,
                         "%s: out of memory for a line of %zu bytes at line "
                         "%zu",
                         t->r.file, in->len, t->r.line + 1);
    in->buf = b;
    in->cap = bigger;
  }
  for (;;) {
    ssize_t got = read(in->fd, in->buf + in->len, in->cap - in->len);
    if (got < 0) {
      char why[GMIX__ERRNO_TEXT_SIZE];
      if (errno == EINTR)
        continue;
      gmix__errno_text(errno, why, sizeof why);
      return gmix__error(t->r.err, GMIX_EIO, "%s: read error: %s", t->r.file,
                         why);
    }
    if (got == 0)
      in->eof = 1;
    in->len += (size_t)got;
    return GMIX_OK;
  }
}

/* The next physical line: [*s, *e) where **e is its '\n' (written into
 * the spare byte for a last line without one), starting at input offset
 * *at. *have is 0 at the end of the input. The line stays in place until
 * the next call. */
static gmix_status next_line(gmix__text *t, char **s, char **e, uint64_t *at,
                             int *have) {
  input *in = &t->in;
  for (;;) {
    char *from = in->buf + in->pos + in->scanned;
    char *nl = memchr(from, '\n', in->len - in->pos - in->scanned);
    if (nl || (in->eof && in->pos < in->len)) {
      *s = in->buf + in->pos;
      *at = in->base + in->pos;
      in->last = in->pos;
      if (nl) {
        in->pos = (size_t)(nl - in->buf) + 1;
      } else {
        nl = in->buf + in->len;
        *nl = '\n';
        in->pos = in->len;
      }
      *e = nl;
      in->scanned = 0;
      *have = 1;
      return GMIX_OK;
    }
    if (in->eof) {
      *have = 0;
      return GMIX_OK;
    }
    in->scanned = in->len - in->pos;
    gmix_status st = refill(t);
    if (st != GMIX_OK)
      return st;
  }
}

/* Hand the line returned last out again at the next call. */
static void unread_line(input *in) {
  in->pos = in->last;
  in->scanned = 0;
}

/* Move to the first line that starts after input offset `target`: past
 * the first '\n' at or after it, counting the newlines passed into
 * r->line. Bytes are read and dropped; the buffer never grows. */
static gmix_status skip_past(gmix__text *t, uint64_t target) {
  input *in = &t->in;
  for (;;) {
    if (in->pos == in->len) {
      if (in->eof)
        break;
      gmix_status st = refill(t);
      if (st != GMIX_OK)
        return st;
      continue;
    }
    char *p = in->buf + in->pos, *lim = in->buf + in->len;
    uint64_t here = in->base + in->pos;
    if (here < target) {
      if (target - here < (uint64_t)(lim - p))
        lim = p + (target - here);
      while ((p = memchr(p, '\n', (size_t)(lim - p))) != NULL) {
        t->r.line++;
        p++;
      }
      in->pos = (size_t)(lim - in->buf);
      continue;
    }
    char *nl = memchr(p, '\n', (size_t)(lim - p));
    if (nl) {
      t->r.line++;
      in->pos = (size_t)(nl - in->buf) + 1;
      break;
    }
    in->pos = in->len;
  }
  in->scanned = 0;
  return GMIX_OK;
}

/* ---- the reader's entry points ----------------------------------------- */

void gmix__text_free(gmix__text *t) {
  if (!t)
    return;
  gmix__free(t->r.dest);
  gmix__free(t->r.data);
  gmix__free(t->r.weights);
  free_names(t->r.names, t->r.nkeep);
  gmix__free(t->in.buf);
  gmix__free(t);
}

gmix_status gmix__text_open(int fd, const char *file,
                            const gmix_read_options *opt, gmix__text **out,
                            gmix_error *err) {
  gmix__text *t = gmix__calloc(1, sizeof *t);
  if (!t)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
  t->r.file = file;
  t->r.opt = opt;
  t->r.err = err;
  t->r.row_limit = SIZE_MAX;
  t->in.fd = fd;
  t->in.cap = GMIX__CSV_BLOCK_BYTES;
  t->end = UINT64_MAX;
  t->in.buf = gmix__malloc(t->in.cap + 1);
  gmix_status st = GMIX_OK;
  if (!t->in.buf) {
    st = gmix__error(err, GMIX_ENOMEM, "%s: out of memory", file);
    goto fail;
  }
  /* Up to the first content line, which sets the delimiter, the number of
   * fields and the columns, and may be the header. */
  for (;;) {
    char *s, *e;
    uint64_t at;
    int have, is_header = 0;
    if ((st = next_line(t, &s, &e, &at, &have)) != GMIX_OK)
      goto fail;
    if (!have) {
      st = gmix__error(err, GMIX_EPARSE, "%s: no data rows", file);
      goto fail;
    }
    if (!content(&t->r, &s, &e))
      continue;
    if ((st = first_line(&t->r, s, e, &is_header)) != GMIX_OK)
      goto fail;
    if (is_header) {
      t->data_from = t->in.base + t->in.pos;
    } else {
      t->data_from = at;
      t->r.line--;
      unread_line(&t->in);
    }
    t->data_line = t->r.line;
    break;
  }
  *out = t;
  return GMIX_OK;
fail:
  gmix__text_free(t);
  return st;
}

gmix_status gmix__text_part(gmix__text *t, uint64_t size, size_t part,
                            size_t n_parts, gmix_error *err) {
  uint64_t from = gmix__share_bound(size, part, n_parts);
  t->r.err = err;
  t->end = gmix__share_bound(size, part + 1, n_parts);
  /* The input stands at data_from. A share that starts later begins with
   * the first line that starts in it: the one after the first newline at
   * or after its byte from - 1. */
  if (from > t->data_from)
    return skip_past(t, from - 1);
  return GMIX_OK;
}

gmix_status gmix__text_next(gmix__text *t, size_t max_rows, const double **data,
                            const double **weights, size_t *rows,
                            gmix_error *err) {
  reader *r = &t->r;
  r->err = err;
  r->rows = 0;
  r->row_limit = max_rows;
  while (!t->done && r->rows < max_rows) {
    char *s, *e;
    uint64_t at;
    int have;
    gmix_status st = next_line(t, &s, &e, &at, &have);
    if (st != GMIX_OK)
      return st;
    if (!have || at >= t->end) {
      t->done = 1;
      break;
    }
    if (content(r, &s, &e) && (st = parse_row(r, s, e)) != GMIX_OK)
      return st;
  }
  *data = r->data;
  *weights = r->weights;
  *rows = r->rows;
  return GMIX_OK;
}

gmix_status gmix__text_rewind(gmix__text *t, gmix_error *err) {
  if (lseek(t->in.fd, (off_t)t->data_from, SEEK_SET) < 0) {
    char why[GMIX__ERRNO_TEXT_SIZE];
    gmix__errno_text(errno, why, sizeof why);
    return gmix__error(err, GMIX_EIO, "%s: cannot rewind: %s", t->r.file, why);
  }
  t->in.base = t->data_from;
  t->in.len = t->in.pos = t->in.scanned = 0;
  t->in.eof = 0;
  t->r.line = t->data_line;
  t->r.rows = t->r.dropped = 0;
  t->done = 0;
  return GMIX_OK;
}

size_t gmix__text_cols(const gmix__text *t) {
  return t->r.nkeep;
}

const char *gmix__text_column_name(const gmix__text *t, size_t j) {
  return t->r.names && j < t->r.nkeep ? t->r.names[j] : NULL;
}

size_t gmix__text_dropped(const gmix__text *t) {
  return t->r.dropped;
}

gmix_status gmix__text_take(gmix__text *t, gmix_table *tab, gmix_error *err) {
  reader *r = &t->r;
  const double *data, *weights;
  size_t rows;
  gmix_status st = gmix__text_next(t, SIZE_MAX, &data, &weights, &rows, err);
  if (st != GMIX_OK)
    return st;
  /* Give back the unused tail of the doubling growth; a failure to shrink
   * only keeps the larger block. */
  if (r->cap_rows > r->rows && r->rows > 0) {
    double *d = gmix__realloc(r->data, r->rows * r->nkeep * sizeof(double));
    if (d)
      r->data = d;
    if (r->weights) {
      double *w = gmix__realloc(r->weights, r->rows * sizeof(double));
      if (w)
        r->weights = w;
    }
  }
  tab->rows = r->rows;
  tab->cols = r->nkeep;
  tab->owned = r->rows ? r->data : NULL;
  tab->data = tab->owned;
  tab->weights = r->rows ? r->weights : NULL;
  tab->names = r->names;
  tab->dropped = r->dropped;
  if (r->rows) {
    r->data = NULL;
    r->weights = NULL;
  }
  r->names = NULL;
  r->rows = r->cap_rows = 0;
  return GMIX_OK;
}
