/*
 * fuzz_npy.c -- libFuzzer target for the NumPy .npy reader. The first
 * bytes of the input choose the reading options; the rest follows the
 * six-byte NumPy magic, so every input is read as .npy (version, header
 * length, dict, shape, dtype, order and the rows). See fuzz_read.c for what
 * is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_read.h"

enum { OPTION_BYTES = 8 };

static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < OPTION_BYTES)
    return 0;
  size_t body = size - OPTION_BYTES;
  uint8_t *file = malloc(sizeof magic + body);
  FZ_CHECK(file != NULL);
  memcpy(file, magic, sizeof magic);
  memcpy(file + sizeof magic, data + OPTION_BYTES, body);
  fz_cursor c = {data, OPTION_BYTES};
  fz_file f;
  if (fz_file_open(&f, file, sizeof magic + body) != 0)
    FZ_CHECK(!"memory file");
  free(file);
  fz_read_all_ways(f.path, &c);
  fz_file_close(&f);
  return 0;
}
