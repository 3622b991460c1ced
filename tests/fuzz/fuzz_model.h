/*
 * fuzz_model.h -- checks on a model a fuzz target obtained (loaded from
 * fuzzed JSON, or fitted to fuzzed data): its parameters are finite and
 * consistent, it survives a JSON round trip unchanged, and it can be
 * used (scored, predicted, sampled) without a NaN.
 */
#ifndef GMIX_FUZZ_MODEL_H
#define GMIX_FUZZ_MODEL_H

#include "gmix.h"

void fz_check_model(const gmix_model *m);

#endif /* GMIX_FUZZ_MODEL_H */
