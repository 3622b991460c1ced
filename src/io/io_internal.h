/*
 * io_internal.h -- what the files of src/io share: the gmix_table object,
 * the block readers behind every data-file call (reader.c over csv.c and
 * npy.c), message helpers and the atomic file writer (atomic_write.c).
 * Not part of the public API.
 */
#ifndef GMIX_IO_INTERNAL_H
#define GMIX_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Rows of a .npy file that span at least this many bytes, stored as
 * little-endian float64 in C order, are memory-mapped instead of copied
 * when gmix_read_options.allow_mmap is set. Below it a copy is as cheap as
 * the mapping and keeps the mapping count down. (The fuzz build sets both
 * sizes small, so that its small inputs reach the mapping and cross
 * block boundaries.) */
#ifndef GMIX__NPY_MMAP_MIN_BYTES
#define GMIX__NPY_MMAP_MIN_BYTES ((size_t)1 << 20)
#endif

/* The text reader reads its input in blocks of this many bytes (a line
 * longer than a block makes the buffer grow to hold it). */
#ifndef GMIX__CSV_BLOCK_BYTES
#define GMIX__CSV_BLOCK_BYTES ((size_t)1 << 22)
#endif

struct gmix_table {
  size_t rows, cols;
  const double *data; /* rows x cols: `owned`, or a pointer into `map`    */
  double *owned;      /* malloc'd data, or NULL when mapped               */
  double *weights;    /* rows weights, or NULL                            */
  char **names;       /* cols names (selected columns), or NULL           */
  size_t dropped;     /* rows dropped under drop_bad_rows                 */
  void *map;          /* mmap'd file, or NULL                             */
  size_t map_len;
};

/* A resolved column selection: the data columns to keep, in output order,
 * and the weight column, as 0-based indices into the file's columns. */
typedef struct gmix__selection {
  size_t *keep; /* n_keep indices (allocated)                            */
  size_t n_keep;
  int has_weight; /* 1 when a weight column was asked for                  */
  size_t weight;  /* its index                                             */
} gmix__selection;

/* Resolve opt->columns and opt->weight_column against a file of `ncols`
 * columns named `names` (NULL when the file has no header): each item is a
 * column name, or else a 1-based index. With no columns given every column
 * but the weight column is kept. GMIX_EINVAL names an unknown column;
 * GMIX_ENOMEM. `file` is used in messages only. On failure nothing is left
 * allocated. A column selected twice, or both as data and as the weight,
 * is GMIX_EINVAL too, so each file column has at most one destination. */
gmix_status gmix__selection_resolve(gmix__selection *sel, const char *file,
                                    char *const *names, size_t ncols,
                                    const gmix_read_options *opt,
                                    gmix_error *err);
void gmix__selection_free(gmix__selection *sel);

/* Copy the caller's read options, of whatever version, into a full struct
 * of this library's version (NULL gives the defaults). GMIX_EINVAL for a
 * struct that gmix_read_options_init did not fill. */
gmix_status gmix__read_options_read(const gmix_read_options *in,
                                    gmix_read_options *out, gmix_error *err);

/* floor(n * part / n_parts) without overflow, for part <= n_parts and
 * n_parts >= 1: where share `part` of n items (bytes or rows) starts. The
 * shares of parts 0 .. n_parts-1 cover [0, n) with no gap or overlap. */
uint64_t gmix__share_bound(uint64_t n, uint64_t part, uint64_t n_parts);

/*
 * The two block readers. Each reads from an open descriptor `fd` (not
 * closed here) whose input is named `file` in messages; `file` and `opt`
 * must outlive the reader, and opt->columns and opt->weight_column are
 * read only while opening. After opening, the reader stands at the first
 * data row of the file; _part moves it to the first row of one share of
 * the file (right after opening only); _next reads the next block of at
 * most max_rows (>= 1) good rows into buffers the reader owns (valid until
 * the next call; weights NULL without a weight column), 0 rows at the end
 * of the file or share; _take moves every row left into an empty table;
 * _rewind goes back to where _part (or opening) left the reader. Errors
 * name rows and lines in the whole file.
 */

/* Delimited text (csv.c). Opening reads up to the first content line,
 * which fixes the delimiter, the number of fields and whether it is a
 * header; a file without one is GMIX_EPARSE "no data rows". A share of a
 * file of `size` bytes holds the lines that start in its byte range. */
typedef struct gmix__text gmix__text;
gmix_status gmix__text_open(int fd, const char *file,
                            const gmix_read_options *opt, gmix__text **out,
                            gmix_error *err);
gmix_status gmix__text_part(gmix__text *t, uint64_t size, size_t part,
                            size_t n_parts, gmix_error *err);
gmix_status gmix__text_next(gmix__text *t, size_t max_rows, const double **data,
                            const double **weights, size_t *rows,
                            gmix_error *err);
/* Also needs a descriptor that can seek (not a pipe). */
gmix_status gmix__text_rewind(gmix__text *t, gmix_error *err);
gmix_status gmix__text_take(gmix__text *t, gmix_table *tab, gmix_error *err);
size_t gmix__text_cols(const gmix__text *t);
const char *gmix__text_column_name(const gmix__text *t, size_t j);
size_t gmix__text_dropped(const gmix__text *t);
void gmix__text_free(gmix__text *t);

/* NumPy .npy (npy.c): a descriptor that can pread. A share holds the rows
 * [n*part/n_parts, n*(part+1)/n_parts). A table may map the file; the
 * mapping stays valid after the descriptor is closed. */
typedef struct gmix__npy gmix__npy;
gmix_status gmix__npy_open(int fd, const char *file,
                           const gmix_read_options *opt, gmix__npy **out,
                           gmix_error *err);
void gmix__npy_part(gmix__npy *z, size_t part, size_t n_parts);
gmix_status gmix__npy_next(gmix__npy *z, size_t max_rows, const double **data,
                           const double **weights, size_t *rows,
                           gmix_error *err);
void gmix__npy_rewind(gmix__npy *z);
gmix_status gmix__npy_take(gmix__npy *z, gmix_table *t, gmix_error *err);
size_t gmix__npy_cols(const gmix__npy *z);
size_t gmix__npy_dropped(const gmix__npy *z);
void gmix__npy_free(gmix__npy *z);

/* The reader behind gmix_table_read, gmix_table_read_part and the public
 * stream (reader.c): opens `path` ("-" is standard input), checks `opt`
 * (NULL for defaults) and chooses the format from the first bytes.
 * `for_parts` refuses standard input and anything but a regular file.
 * `caller` names the public call in messages about arguments. */
gmix_status gmix__reader_open(const char *path, const gmix_read_options *opt,
                              const char *caller, int for_parts,
                              gmix_reader **out, gmix_error *err);
/* Restrict a reader that was just opened for parts to share `part` of
 * `n_parts` (part < n_parts). */
gmix_status gmix__reader_part(gmix_reader *r, size_t part, size_t n_parts,
                              gmix_error *err);
/* Read every row left into the empty table `t`. */
gmix_status gmix__reader_take(gmix_reader *r, gmix_table *t, gmix_error *err);

/* Parse the decimal number in [s, e) exactly as strtod would, requiring the
 * whole range to be consumed. The byte at e must be writable (it is
 * restored). Returns 0 with *out set, 1 when the text is not a number, 2
 * when it is a number that is not finite (nan, inf, overflow). Exposed for
 * the tests. */
int gmix__parse_double(char *s, char *e, double *out);

/* Bytes of a buffer that holds any system error message for the library's
 * messages. */
#define GMIX__ERRNO_TEXT_SIZE 128

/* Copy the system's message for errno value `e` into buf (thread-safe,
 * unlike strerror). */
void gmix__errno_text(int e, char *buf, size_t cap);

/* ---- atomic_write.c */

/* Write all `len` bytes of buf to fd, retrying short writes and
 * interruptions. 0, or the errno value of the failure. */
int gmix__write_all(int fd, const void *buf, size_t len);

/* Writes the whole new content to the open descriptor `fd` (not closed
 * here). Returns 0, or an errno value saying why it could not. */
typedef int (*gmix__writer)(int fd, void *ctx);

/* Replace the file `path` atomically: `writer(fd, ctx)` fills a new
 * temporary file in the same folder, which is flushed to disk (fsync),
 * renamed over `path`, and the folder is flushed too. The new file has the
 * mode of the regular file it replaces, else 0666 minus the process umask.
 * On any failure before the rename the temporary file is removed and
 * `path` is left untouched. GMIX_OK, GMIX_EINVAL, GMIX_ENOMEM,
 * GMIX_EOVERFLOW, or GMIX_EIO with a message naming `path`, the step and
 * the system's reason; the one failure after the rename (flushing the
 * folder) leaves the new content in place and says so. */
gmix_status gmix__atomic_write(const char *path, gmix__writer writer, void *ctx,
                               gmix_error *err);

/* gmix__atomic_write of the `len` bytes at `data`. */
gmix_status gmix__atomic_write_buffer(const char *path, const void *data,
                                      size_t len, gmix_error *err);

/* For messages: copy at most `cap - 1` bytes of
 * [s, e) into buf, ending in "..." when cut. */
void gmix__clip_text(char *buf, size_t cap, const char *s, const char *e);

#endif /* GMIX_IO_INTERNAL_H */
