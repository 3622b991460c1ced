/*
 * fuzz_input.h -- what the libFuzzer targets share: the fuzzed bytes as a
 * file the public readers can open by path (an anonymous in-memory file,
 * so a run writes nothing to disk), a cursor that takes option bytes off
 * the front of the input, and the check that stops the run on a broken
 * promise.
 */
#ifndef GMIX_FUZZ_INPUT_H
#define GMIX_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* A file holding `size` bytes of `data`, and a path that opens it. */
typedef struct fz_file {
  int fd;
  char path[64];
} fz_file;

/* 0 on success; the run aborts when the system refuses a memory file. */
int fz_file_open(fz_file *f, const uint8_t *data, size_t size);
void fz_file_close(fz_file *f);

/* Option bytes taken from the front of the input; 0 once it is used up. */
typedef struct fz_cursor {
  const uint8_t *p;
  size_t left;
} fz_cursor;

uint8_t fz_byte(fz_cursor *c);
/* A value in [0, n) from one byte (n <= 256). */
size_t fz_pick(fz_cursor *c, size_t n);

/* Abort (a crash libFuzzer reports, with the input) when `cond` is false:
 * a call broke a promise of gmix.h. */
#define FZ_CHECK(cond) ((cond) ? (void)0 : fz_fail(#cond, __FILE__, __LINE__))
void fz_fail(const char *what, const char *file, int line);

/* A failing call must say why: its status in err and a non-empty message. */
struct gmix_error;
void fz_check_error(int status, const struct gmix_error *err);

#endif /* GMIX_FUZZ_INPUT_H */
