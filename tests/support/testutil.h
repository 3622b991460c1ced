/*
 * testutil.h -- helpers shared by the unit tests: checks that print both
 * sides, an independent random generator, a tiny CSV reader, and the
 * reference linear algebra and Gaussian log densities the library is
 * checked against. Nothing here calls the library except the model helpers
 * at the end, so a reference value never depends on the code under test.
 */
#ifndef GMIX_TESTUTIL_H
#define GMIX_TESTUTIL_H

#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gmix.h"

/* Sanitizer builds are several times slower: tests shrink their largest
 * problems there. */
#if defined(__SANITIZE_ADDRESS__)
#define TU_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_SANITIZED 1
#endif
#endif
#ifndef TU_SANITIZED
#define TU_SANITIZED 0
#endif

#define TU_LOG_2PI 1.8378770664093454835606594728112
#define TU_EPS DBL_EPSILON

/* Every registered covariance model (src/cov/registry.c), in registration
 * order: a test that loops over tu_types runs on a new model for free. */
size_t tu_ntypes(void);
const gmix_covariance_type *tu_type_list(void);
#define TU_NTYPES ((int)tu_ntypes())
#define tu_types (tu_type_list())

/* ---- checks. Each prints the expression, both values and the tolerance,
 * plus a printf-style context, then fails the test at the caller's line. */
void tu_check_near(double actual, double expected, double tol, const char *expr,
                   const char *file, int line, const char *fmt, ...);
void tu_check_status(gmix_status actual, gmix_status expected,
                     const gmix_error *err, const char *expr, const char *file,
                     int line);
void tu_check_true(int cond, const char *expr, const char *file, int line,
                   const char *fmt, ...);

/* |actual - expected| <= tol, with a context message. */
#define TU_NEAR(actual, expected, tol, ...)                                    \
  tu_check_near((actual), (expected), (tol), #actual, __FILE__, __LINE__,      \
                __VA_ARGS__)
/* Status equality; prints both names and err->message when err != NULL. */
#define TU_STATUS(expr, expected, err)                                         \
  tu_check_status((expr), (expected), (err), #expr, __FILE__, __LINE__)
#define TU_OK(expr, err) TU_STATUS(expr, GMIX_OK, err)
/* A condition with a context message. */
#define TU_TRUE(cond, ...)                                                     \
  tu_check_true((cond) ? 1 : 0, #cond, __FILE__, __LINE__, __VA_ARGS__)

/* ---- random numbers: splitmix64, independent of the library's RNG. */
typedef struct tu_rng {
  uint64_t s;
} tu_rng;
void tu_rng_seed(tu_rng *r, uint64_t seed);
uint64_t tu_rng_next(tu_rng *r);
double tu_uniform(tu_rng *r); /* [0, 1)          */
double tu_uniform_in(tu_rng *r, double a, double b);
double tu_normal(tu_rng *r); /* standard normal */

/* ---- data files. Reads a comma-separated file of numbers whose first line
 * may be a header; returns a malloc'ed row-major array or fails the test. */
double *tu_read_csv(const char *name, size_t *n, size_t *d);
/* Path of a bundled example file (a static buffer). */
const char *tu_example_path(const char *name);

/* ---- reference linear algebra on row-major d x d matrices. */
/* Lower Cholesky factor of the lower triangle of a into l; 0 or -1 if not
 * positive definite. */
int tu_cholesky(const double *a, size_t d, double *l);
/* Inverse of an SPD matrix via its Cholesky factor; 0 or -1. */
int tu_spd_inverse(const double *a, size_t d, double *inv);
/* c = a * b for d x d matrices. */
void tu_matmul(const double *a, const double *b, size_t d, double *c);

/* A random SPD matrix Q diag(lambda) Q^T with Q a Householder reflection
 * and lambda uniform in [lo, hi], so its condition number is at most hi/lo
 * by construction. */
void tu_random_spd(tu_rng *r, size_t d, double lo, double hi, double *out);

/* Expand covariances of a type into K full d x d matrices (out K*d*d). */
void tu_expand_covariances(gmix_covariance_type type, size_t k, size_t d,
                           const double *cov, double *out);
/* log N(x | mu, S) by the direct formula through the test's own Cholesky:
 * -d/2 log 2pi - 1/2 log|S| - 1/2 |L^{-1}(x-mu)|^2. */
double tu_log_gauss(const double *x, const double *mu, const double *s,
                    size_t d);
/* log_k[k] = log pi_k + log N(x | k) from full covariances; returns the
 * log-sum-exp of them. */
double tu_log_mixture(size_t k, size_t d, const double *w, const double *mu,
                      const double *full, const double *x, double *log_k);

/* Random parameters of a K-component model of a type: weights summing to
 * one, means in [-3, 3], covariances with eigenvalues in [lo, hi]. cov
 * holds gmix_covariance_size(type, k, d) doubles. */
void tu_random_params(tu_rng *r, gmix_covariance_type type, size_t k, size_t d,
                      double lo, double hi, double *w, double *mu, double *cov);

/* Precisions of covariances of a type (same layout), for precisions_init. */
void tu_precisions_of(gmix_covariance_type type, size_t k, size_t d,
                      const double *cov, double *prec);

/* ---- small model helpers (these call the library). */
/* Fill x[n][d] with draws from a K-component mixture whose parameters are
 * given in full form, by the test's own sampler; labels may be NULL. */
void tu_sample_mixture(tu_rng *r, size_t k, size_t d, const double *w,
                       const double *mu, const double *full, size_t n,
                       double *x, size_t *labels);

/* 1 if all n values are finite. */
int tu_all_finite(const double *v, size_t n);

/* Fail the test unless every parameter of `m` is finite: weights (>= 0,
 * summing to one), means, covariances, precisions and their factors. */
void tu_check_model_finite(const gmix_model *m, const char *what);

#endif /* GMIX_TESTUTIL_H */
