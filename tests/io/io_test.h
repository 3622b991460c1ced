/*
 * io_test.h -- helpers shared by the data-file reader tests: a private
 * temporary folder per test program and small file writers.
 */
#ifndef GMIX_IO_TEST_H
#define GMIX_IO_TEST_H

#include <stddef.h>

#include "gmix.h"

/* Create the temporary folder (once per process) and return it. */
const char *io_test_dir(void);
/* Remove every file in the folder and the folder itself. */
void io_test_cleanup(void);
/* cmocka group teardown: io_test_cleanup(). */
int io_test_teardown(void **state);
/* Count the entries of the folder (other than . and ..). */
size_t io_test_dir_entries(void);

/* The full path of `name` in the folder, in a static buffer per call slot
 * (slot 0..3, so up to four paths can be live at once). */
const char *io_test_path(int slot, const char *name);

/* Write len bytes to the file `name` in the folder; returns its path
 * (slot 0). Fails the test on error. */
const char *io_test_write(const char *name, const void *bytes, size_t len);
/* Write a NUL-terminated string. */
const char *io_test_write_text(const char *name, const char *text);

/* Build a .npy file image: magic, version major.0, header `dict` padded to
 * a multiple of 64 bytes with spaces and a newline, then `data`. Returns a
 * malloc'd buffer and its size in *len. */
unsigned char *io_test_npy_image(int major, const char *dict, const void *data,
                                 size_t data_len, size_t *len);

/* Read `path` with options `opt` (NULL for defaults), asserting success. */
gmix_table *io_test_read_ok(const char *path, const gmix_read_options *opt);
/* Read `path` expecting failure with `status`; returns the message in a
 * static buffer. */
const char *io_test_read_fail(const char *path, const gmix_read_options *opt,
                              gmix_status status);

#endif
