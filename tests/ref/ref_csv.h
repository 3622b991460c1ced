/*
 * ref_csv.h -- file readers shared by the reference tests.
 */
#ifndef GMIX_REF_CSV_H
#define GMIX_REF_CSV_H

#include <stddef.h>

/* The whole file as a NUL-terminated string allocated with malloc, or NULL
 * (with a message on stderr) when it cannot be read. */
char *ref_read_file(const char *path);

/* Read a CSV file: a header line, then lines of comma-separated numbers, all
 * with the same number of fields (blank lines are skipped). On success
 * *x receives a malloc'ed n x d row-major array and the function returns 0;
 * otherwise it prints what is wrong and where on stderr and returns -1. */
int ref_read_csv(const char *path, double **x, size_t *n, size_t *d);

#endif
