/*
 * internal.h -- definitions shared by the library's source files only.
 * Names with the gmix__ prefix are internal and not exported.
 */
#ifndef GMIX_INTERNAL_H
#define GMIX_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gmix.h"

#if defined(__GNUC__)
#define GMIX__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GMIX__HIDDEN __attribute__((visibility("hidden")))
#else
#define GMIX__PRINTF(f, a)
#define GMIX__HIDDEN
#endif

/* ---- allocation (alloc.c). Every allocation of the library goes through
 * these so that a test build can make the N-th one fail. */
void *gmix__malloc(size_t size);
void *gmix__calloc(size_t count, size_t size);
void *gmix__realloc(void *p, size_t size);
void gmix__free(void *p);
char *gmix__strdup(const char *s);
/* Allocate count * size bytes, or NULL with *overflow set when the product
 * does not fit in size_t. */
void *gmix__malloc_array(size_t count, size_t size, int *overflow);

#ifdef GMIX_FAULT_INJECTION
/* Test builds only: make the allocation number `n` (1-based, counted from
 * this call) and every later one fail; 0 disables. Returns how many
 * allocations were made since the previous call. Thread-local. */
size_t gmix__fault_inject(size_t n);
#endif

/* Checked size arithmetic: 0 on overflow, else 1 with *out set. */
int gmix__mul(size_t a, size_t b, size_t *out);
int gmix__mul3(size_t a, size_t b, size_t c, size_t *out);

/* ---- errors (status.c) */
/* Fill err (if non-NULL) with status and a formatted message; return
 * status. */
gmix_status gmix__error(gmix_error *err, gmix_status status, const char *fmt,
                        ...) GMIX__PRINTF(3, 4);

/* The one wording for a required argument that is NULL: GMIX_EINVAL with
 * "argument 'name' is NULL". */
gmix_status gmix__null_argument(gmix_error *err, const char *name);

/* ---- cancellation (gmix_options.cancel) */
/* 1 when the caller's cancellation flag (may be NULL) is set. The load is
 * atomic, so that another thread may set the flag while passes run, and
 * relaxed: the flag orders nothing else. */
/* Initialise a growable options struct of the caller's `size` bytes
 * (>= its first version's size) from this library's defaults `full`
 * (full_size bytes): the common prefix copied, a newer caller's fields
 * this library does not know zeroed and never read. */
static inline void gmix__init_sized(void *dst, size_t size, const void *full,
                                    size_t full_size) {
  size_t n = size < full_size ? size : full_size;
  memcpy(dst, full, n);
  memset((char *)dst + n, 0, size - n);
}

static inline int gmix__cancel_requested(const volatile sig_atomic_t *flag) {
#if defined(__GNUC__)
  return flag && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
#else
  return flag && *flag != 0;
#endif
}

/* ---- the model (model.c) */
struct gmix__cov_model;
struct gmix_model {
  gmix_covariance_type type;
  const struct gmix__cov_model *ops; /* the covariance model (src/cov)  */
  size_t k, d;
  double *weights; /* K                                                     */
  double *log_weights; /* K, log of weights (-inf for zero)                  */
  double *means; /* K*d                                                   */
  double *cov;   /* gmix_covariance_size doubles                          */
  /* Precision Cholesky factor: full K x (d x d) upper U_k, row-major, with
   * precision = U U^T; tied one d x d; diag K*d values 1/sigma; spherical K
   * values 1/sigma. */
  double *prec_chol;
  double *log_det_chol; /* K: sum of log diag(U_k), i.e. -0.5 log det Sigma_k */
  double *scratch;      /* covariance-sized work space for refactoring     */
  double *extra;        /* ops->extra_size doubles of model-specific
                           parameters (a decomposition), or NULL          */
  char **names;         /* d feature names or NULL                         */

  gmix_fit_report report;
  double *history; /* report.n_iter lower bounds (n_history entries)  */
  size_t n_history;
  gmix_reseed_event *reseeds;
  size_t n_reseeds;
};

/* Allocate a model of the given shape with uninitialised parameters. */
gmix_status gmix__model_alloc(gmix_covariance_type type, size_t k, size_t d,
                              gmix_model **out, gmix_error *err);

/* Recompute prec_chol and log_det_chol from cov. On a covariance that is not
 * positive definite returns GMIX_ENOTPD and sets *bad to the component
 * (0 for tied). */
gmix_status gmix__model_update_cholesky(gmix_model *m, size_t *bad);
/* The same for one component only; for a model whose covariance is shared
 * by every component, the shared factor. */
gmix_status gmix__model_update_cholesky_one(gmix_model *m, size_t c);

/* Replace the decomposition of a model that has one
 * (gmix_model_decomposition's layout), as a model file gives it. */
void gmix__model_set_decomposition(gmix_model *m, const double *scale,
                                   const double *shape,
                                   const double *orientation);

/* Recompute log_weights from weights. */
void gmix__model_update_log_weights(gmix_model *m);

/* Copy the parameters (not report/names) of src into dst, same shape. */
void gmix__model_copy_params(gmix_model *dst, const gmix_model *src);
/* 1 when a and b have the same shape and bit-identical parameters. */
int gmix__model_same_params(const gmix_model *a, const gmix_model *b);
/* Attach a fit report and lower-bound history (n_history values, history
 * may be NULL when 0), replacing any. GMIX_OK, GMIX_ENOMEM, GMIX_EOVERFLOW. */
gmix_status gmix__model_set_report(gmix_model *m, const gmix_fit_report *report,
                                   const double *history, size_t n_history);
/* Attach re-seed events (copied), replacing any. GMIX_OK, GMIX_ENOMEM. */
gmix_status gmix__model_set_reseeds(gmix_model *m,
                                    const gmix_reseed_event *events, size_t n);

/* Check x is n x d and finite; names the first bad row/column. */
gmix_status gmix__check_data(const double *x, size_t n, size_t d,
                             gmix_error *err);
/* Check weights: finite, >= 0, positive sum; *sum receives the sum. */
gmix_status gmix__check_weights(const double *w, size_t n, double *sum,
                                gmix_error *err);

/* ---- linear algebra (linalg.c): thin wrappers over CBLAS/LAPACKE */
/* In place Cholesky a = L L^T of a row-major d x d SPD matrix (lower
 * triangle read); the lower triangle receives L and the strict upper
 * triangle is zeroed. Returns 0 or
 * the 1-based order of the leading minor that is not positive definite. */
int gmix__cholesky_lower(double *a, size_t d);
/* From the lower Cholesky factor L of Sigma, write U = L^{-T} (upper) with
 * precision = U U^T, and return sum log diag(U) in *log_det. 0 or nonzero
 * on a singular factor. */
int gmix__precision_cholesky(const double *l, size_t d, double *u,
                             double *log_det);
/* In place inverse of a symmetric positive definite matrix from its lower
 * Cholesky factor L (as gmix__cholesky_lower leaves it): the full matrix
 * (L L^T)^{-1} is written. 0 or nonzero. */
int gmix__cholesky_inverse(double *a, size_t d);
/* P = U U^T of a row-major d x d matrix U. */
void gmix__gram(const double *u, size_t d, double *p);
/* Top eigenvector (unit length) and eigenvalue of a symmetric d x d matrix
 * (lower triangle read). `work` holds work_size doubles, at least
 * gmix__eigen_work(d) (0 on overflow). 0 or nonzero. None of these
 * linear-algebra calls allocates: a nonzero result is numerical. */
size_t gmix__eigen_work(size_t d);
/* Every eigenpair of a symmetric d x d matrix (lower triangle read), in
 * `work` (work_size >= gmix__eigen_work(d) doubles): eigenvalue j,
 * ascending, at work[d*d + j]; its unit eigenvector in row j of the d x d
 * block at work[0]. 0 or nonzero. */
int gmix__sym_eigen(const double *a, size_t d, double *work, size_t work_size);
int gmix__top_eigen(const double *a, size_t d, double *vec, double *val,
                    double *work, size_t work_size);
/* The orthogonal polar factor Q = U V^T of a d x d matrix F = U S V^T
 * (its singular value decomposition): the orthogonal matrix that
 * maximises tr(Q^T F). `work` holds work_size >= gmix__polar_work(d)
 * doubles (0 on overflow). 0 or nonzero when the SVD fails. */
size_t gmix__polar_work(size_t d);
int gmix__polar(const double *f, size_t d, double *q, double *work,
                size_t work_size);

/* ---- random numbers (rng.c) */
#include "rng.h"

#endif /* GMIX_INTERNAL_H */
