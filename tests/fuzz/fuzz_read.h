/*
 * fuzz_read.h -- the checks both data-file targets (fuzz_csv, fuzz_npy)
 * run on one fuzzed file: the whole-table read, the same file in parts,
 * and the same file as a stream of blocks must agree.
 */
#ifndef GMIX_FUZZ_READ_H
#define GMIX_FUZZ_READ_H

#include "fuzz_input.h"

/* Read reading options off the cursor, then the file at `path` three ways
 * (gmix_table_read; gmix_table_read_part over 1..4 parts; gmix_reader
 * blocks of 1..8 rows, twice with a rewind) and check that they give the
 * same rows and weights bit for bit, or fail with the same status. */
void fz_read_all_ways(const char *path, fz_cursor *c);

#endif /* GMIX_FUZZ_READ_H */
