/*
 * rng.h -- the library's random numbers (rng.c). A header of its own, with
 * no other internal dependency, because libgmix_mpi compiles rng.c into
 * itself: its distributed starts draw from the same streams as gmix_fit's,
 * so that both start alike from the same seed.
 */
#ifndef GMIX_RNG_H
#define GMIX_RNG_H

#include <stdint.h>

/* xoshiro256** seeded by splitmix64. */
typedef struct gmix__rng {
  uint64_t s[4];
} gmix__rng;
void gmix__rng_seed(gmix__rng *r, uint64_t seed, uint64_t stream);
uint64_t gmix__rng_next(gmix__rng *r);
double gmix__rng_uniform(gmix__rng *r); /* [0, 1) with 53 random bits */
double gmix__rng_normal(gmix__rng *r);  /* standard normal */
/* A stateless hash of (seed, a, b) to a uniform double in [0, 1). */
double gmix__hash_uniform(uint64_t seed, uint64_t a, uint64_t b);

#endif /* GMIX_RNG_H */
