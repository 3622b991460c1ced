/*
 * fuzz_model_json.c -- libFuzzer target for the model file loader
 * (gmix_model_from_json, which gmix_model_load runs on a file's text). A
 * loaded model is checked by fuzz_model.c; a refused one must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_model.h"
#include "gmix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  FZ_CHECK(text != NULL);
  memcpy(text, data, size);
  text[size] = '\0';
  gmix_model *m = NULL;
  gmix_error err;
  gmix_status s = gmix_model_from_json(text, &m, &err);
  free(text);
  if (s != GMIX_OK) {
    fz_check_error(s, &err);
    FZ_CHECK(m == NULL);
    return 0;
  }
  fz_check_model(m);
  gmix_model_free(m);
  return 0;
}
