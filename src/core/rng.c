/*
 * rng.c -- a seeded, portable random number generator of our own state.
 *
 * xoshiro256** (Blackman and Vigna), seeded through splitmix64 from a
 * 64-bit seed and a stream number, so restarts and threads draw
 * independent, reproducible streams on every platform. Normals use the
 * polar Box-Muller method, which needs only log and sqrt.
 */
#include <math.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

void gmix__rng_seed(gmix__rng *r, uint64_t seed, uint64_t stream) {
  uint64_t state = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&state);
}

uint64_t gmix__rng_next(gmix__rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double gmix__rng_uniform(gmix__rng *r) {
  return (double)(gmix__rng_next(r) >> 11) * 0x1.0p-53;
}

double gmix__rng_normal(gmix__rng *r) {
  double u, v, s;
  do {
    u = 2.0 * gmix__rng_uniform(r) - 1.0;
    v = 2.0 * gmix__rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  /* Only one of the pair is used, so the generator keeps no hidden state. */
  return u * sqrt(-2.0 * log(s) / s);
}

double gmix__hash_uniform(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t state = seed ^ (a * UINT64_C(0x9E3779B97F4A7C15));
  state ^= splitmix64(&state) + b * UINT64_C(0xC2B2AE3D27D4EB4F);
  return (double)(splitmix64(&state) >> 11) * 0x1.0p-53;
}
