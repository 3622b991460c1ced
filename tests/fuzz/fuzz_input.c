/*
 * fuzz_input.c -- the in-memory file and option cursor of fuzz_input.h.
 */
#define _GNU_SOURCE
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gmix.h"

int fz_file_open(fz_file *f, const uint8_t *data, size_t size) {
  f->fd = memfd_create("gmix-fuzz", MFD_CLOEXEC);
  if (f->fd < 0)
    return -1;
  size_t done = 0;
  while (done < size) {
    ssize_t w = write(f->fd, data + done, size - done);
    if (w <= 0) {
      close(f->fd);
      return -1;
    }
    done += (size_t)w;
  }
  snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
  return 0;
}

void fz_file_close(fz_file *f) {
  if (f->fd >= 0)
    close(f->fd);
  f->fd = -1;
}

uint8_t fz_byte(fz_cursor *c) {
  if (c->left == 0)
    return 0;
  c->left--;
  return *c->p++;
}

size_t fz_pick(fz_cursor *c, size_t n) {
  return (size_t)fz_byte(c) % n;
}

void fz_fail(const char *what, const char *file, int line) {
  fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
  abort();
}

void fz_check_error(int status, const gmix_error *err) {
  FZ_CHECK(status < 0);
  FZ_CHECK(err->status == status);
  FZ_CHECK(err->message[0] != '\0');
  FZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
  FZ_CHECK(strcmp(gmix_strerror((gmix_status)status), "unknown status") != 0);
}
