/*
 * alloc.c -- the library's allocator and checked size arithmetic.
 *
 * Every allocation goes through gmix__malloc and friends. A test build
 * (GMIX_FAULT_INJECTION) counts allocations per thread and can make the
 * N-th and all later ones fail, so tests can walk every failure path.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef GMIX_FAULT_INJECTION
static _Thread_local size_t fault_count; /* allocations since last set */
static _Thread_local size_t fault_at;    /* 0 = never fail             */

size_t gmix__fault_inject(size_t n) {
  size_t made = fault_count;
  fault_count = 0;
  fault_at = n;
  return made;
}
#endif

/* One definition for both builds, so that coverage tools merging the two
 * find the function at one line. */
static int fault_now(void) {
#ifdef GMIX_FAULT_INJECTION
  fault_count++;
  return fault_at != 0 && fault_count >= fault_at;
#else
  return 0;
#endif
}

void *gmix__malloc(size_t size) {
  if (fault_now())
    return NULL;
  return malloc(size ? size : 1);
}

void *gmix__calloc(size_t count, size_t size) {
  if (fault_now())
    return NULL;
  if (count == 0 || size == 0)
    count = size = 1;
  return calloc(count, size);
}

void *gmix__realloc(void *p, size_t size) {
  if (fault_now())
    return NULL;
  return realloc(p, size ? size : 1);
}

void gmix__free(void *p) {
  free(p);
}

char *gmix__strdup(const char *s) {
  size_t len = strlen(s) + 1;
  char *copy = gmix__malloc(len);
  if (copy)
    memcpy(copy, s, len);
  return copy;
}

int gmix__mul(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a)
    return 0;
  *out = a * b;
  return 1;
}

int gmix__mul3(size_t a, size_t b, size_t c, size_t *out) {
  size_t ab;
  return gmix__mul(a, b, &ab) && gmix__mul(ab, c, out);
}

void *gmix__malloc_array(size_t count, size_t size, int *overflow) {
  size_t bytes;
  if (!gmix__mul(count, size, &bytes)) {
    *overflow = 1;
    return NULL;
  }
  *overflow = 0;
  return gmix__malloc(bytes);
}

void gmix_free(void *p) {
  free(p);
}
