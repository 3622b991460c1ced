/*
 * io_test.c -- helpers shared by the data-file reader tests.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_test.h"

static char dir[256];
static char paths[4][512];

const char *io_test_dir(void) {
  if (!dir[0]) {
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gmix_io_test_XXXXXX",
             base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
  }
  return dir;
}

int io_test_teardown(void **state) {
  (void)state;
  io_test_cleanup();
  return 0;
}

void io_test_cleanup(void) {
  if (!dir[0])
    return;
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char p[768];
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      remove(p);
    }
    closedir(d);
  }
  rmdir(dir);
  dir[0] = '\0';
}

size_t io_test_dir_entries(void) {
  size_t n = 0;
  DIR *d = opendir(io_test_dir());
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

const char *io_test_path(int slot, const char *name) {
  snprintf(paths[slot], sizeof paths[slot], "%s/%s", io_test_dir(), name);
  return paths[slot];
}

const char *io_test_write(const char *name, const void *bytes, size_t len) {
  const char *p = io_test_path(0, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(bytes, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  return p;
}

const char *io_test_write_text(const char *name, const char *text) {
  return io_test_write(name, text, strlen(text));
}

unsigned char *io_test_npy_image(int major, const char *dict, const void *data,
                                 size_t data_len, size_t *len) {
  size_t pre = major == 1 ? 10 : 12;
  size_t dlen = strlen(dict);
  size_t header = (pre + dlen + 1 + 63) / 64 * 64 - pre;
  *len = pre + header + data_len;
  unsigned char *buf = malloc(*len ? *len : 1);
  assert_non_null(buf);
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)major;
  buf[7] = 0;
  buf[8] = (unsigned char)(header & 0xff);
  buf[9] = (unsigned char)(header >> 8);
  if (pre == 12) {
    buf[10] = (unsigned char)(header >> 16);
    buf[11] = (unsigned char)(header >> 24);
  }
  memcpy(buf + pre, dict, dlen);
  memset(buf + pre + dlen, ' ', header - dlen - 1);
  buf[pre + header - 1] = '\n';
  if (data_len)
    memcpy(buf + pre + header, data, data_len);
  return buf;
}

gmix_table *io_test_read_ok(const char *path, const gmix_read_options *opt) {
  gmix_table *t = NULL;
  gmix_error err = {GMIX_OK, ""};
  gmix_status st = gmix_table_read(path, opt, &t, &err);
  if (st != GMIX_OK)
    fail_msg("reading %s failed: %s (%s)", path, err.message,
             gmix_strerror(st));
  assert_non_null(t);
  return t;
}

const char *io_test_read_fail(const char *path, const gmix_read_options *opt,
                              gmix_status status) {
  static char message[GMIX_ERROR_MESSAGE_SIZE];
  gmix_table *t = (gmix_table *)&message; /* must stay untouched */
  gmix_table *const sentinel = t;
  gmix_error err = {GMIX_OK, ""};
  gmix_status st = gmix_table_read(path, opt, &t, &err);
  if (st != status)
    fail_msg("reading %s: expected status %d (%s), got %d: %s", path,
             (int)status, gmix_strerror(status), (int)st, err.message);
  assert_ptr_equal(t, sentinel);
  assert_int_equal(err.status, status);
  assert_true(strlen(err.message) > 0);
  snprintf(message, sizeof message, "%s", err.message);
  return message;
}
