/*
 * fuzz_csv.c -- libFuzzer target for the delimited-text reader (CSV, TSV,
 * semicolons, blanks). The first bytes of the input choose the reading
 * options; the rest is the file. See fuzz_read.c for what is checked.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_input.h"
#include "fuzz_read.h"

enum { OPTION_BYTES = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < OPTION_BYTES)
    return 0;
  fz_cursor c = {data, OPTION_BYTES};
  fz_file f;
  if (fz_file_open(&f, data + OPTION_BYTES, size - OPTION_BYTES) != 0)
    FZ_CHECK(!"memory file");
  fz_read_all_ways(f.path, &c);
  fz_file_close(&f);
  return 0;
}
