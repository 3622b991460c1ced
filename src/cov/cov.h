/*
 * cov.h -- the covariance-model table.
 *
 * Everything that depends on how a component's covariance is parameterised
 * lives behind one table of operations, one file per model in this folder
 * (full.c, tied.c, diag.c, spherical.c, and mclust's eii.c ... evv.c) and
 * one registration line in registry.c. The rest of the library asks the table;
 * it never switches on gmix_covariance_type.
 *
 * What a model declares:
 *  - its storage: how many doubles its covariances (and precisions, and
 *    precision Cholesky factors) take, their array shape, and how many of
 *    them are free parameters;
 *  - the statistics it needs beyond N_k and first moments (a scatter
 *    family: full per component, one pooled matrix, or diagonals), so that
 *    diagonal-like models never pay for d x d work;
 *  - the E-step kernel family that evaluates its densities from the
 *    precision Cholesky factors;
 *  - the M-step: covariances from the statistics of all components at once
 *    (so models whose M-step couples the components, such as mclust's
 *    common volume, shape or orientation, fit the same slot; an iterative
 *    M-step reads its tolerance from gmix__mstep_in);
 *  - the factorisation of covariances into precision Cholesky factors,
 *    and the inverse path from given precisions;
 *  - the re-seed split: its principal axis and how a split shrinks it;
 *  - sampling: x = mu + L z.
 *
 * Models that store a decomposition beside the matrices (volume lambda,
 * shape A, orientation D) declare its size in `extra_size`; the model
 * object keeps that many doubles in gmix_model.extra.
 */
#ifndef GMIX_COV_H
#define GMIX_COV_H

#include "internal.h"

/* The statistics beyond N_k and first moments; the engine's layout and
 * accumulation follow the family. */
typedef enum gmix__scatter {
  GMIX__SCATTER_FULL,   /* K x d x d upper triangles, one per component  */
  GMIX__SCATTER_POOLED, /* one d x d upper triangle around a common shift */
  GMIX__SCATTER_DIAG    /* K x d per-feature second moments               */
} gmix__scatter;

/* How the engine evaluates log-densities from the precision factors. */
typedef enum gmix__kernel {
  GMIX__KERNEL_FULL,     /* one GEMM of the rows with all K factors U_k  */
  GMIX__KERNEL_SHARED,   /* one GEMM with the single shared factor U     */
  GMIX__KERNEL_DIAG,     /* per-feature scaled differences (K x d)       */
  GMIX__KERNEL_ISOTROPIC /* unscaled squares, one scale per component     */
} gmix__kernel;

/* What an M-step reads. Components flagged in `bad` (1 = weight below
 * min_weight) keep their old covariance; N_k, the first moments and the
 * scatter are accumulated around `shift` (engine/stats.c). */
typedef struct gmix__mstep_in {
  const double *nk;    /* K                                              */
  const double *s1;    /* K x d first moments around the shift            */
  const double *s2;    /* scatter, as the model's family lays it out      */
  const double *delta; /* K x d: s1_k / N_k, the move of each mean        */
  double reg_covar;    /* added to every variance                         */
  /* Inner iterations of the M-steps without a closed form: stop when the
   * objective's relative change is at most tol, or after max_iter; an
   * M-step stopped by the limit adds one to *n_unconverged. */
  double tol;
  size_t max_iter;
  size_t *n_unconverged;
} gmix__mstep_in;

typedef struct gmix__cov_model {
  gmix_covariance_type type;
  const char *name;        /* scikit-learn's name: "full"                  */
  const char *mclust_name; /* mclust's: "VVV"                               */
  gmix__scatter scatter;
  gmix__kernel kernel;
  /* 1 when one covariance (and factor) is shared by every component: the
   * factorisation then runs once for the whole model. */
  int shared;

  /* Doubles of the covariances of K components in d dimensions; 0 when the
   * count overflows size_t. */
  size_t (*size)(size_t k, size_t d);
  /* The array shape of those doubles (as in the model file): writes up to
   * three dimensions and returns their number. */
  size_t (*shape)(size_t k, size_t d, size_t dims[3]);
  /* Free covariance parameters (for BIC and AIC). */
  size_t (*n_free)(size_t k, size_t d);
  /* Doubles of model-specific parameters kept beside the matrices (a
   * decomposition); 0 for the four models of today. */
  size_t (*extra_size)(size_t k, size_t d);

  /* Covariances of every component not flagged in bad[] from the
   * statistics, then their factors. A component whose covariance cannot be
   * factored is flagged 2. Returns the number newly flagged, or -1 when a
   * shared covariance is not positive definite. */
  int (*mstep)(gmix_model *m, const gmix__mstep_in *in, unsigned char *bad);
  /* Precision Cholesky factor and log-determinant of component c from its
   * covariance (for a shared model: of the shared one, for every
   * component). GMIX_ENOTPD when not positive definite, GMIX_ENOMEM. */
  gmix_status (*factor)(gmix_model *m, size_t c);
  /* m->cov holds precisions as given by a user: make them covariances and
   * set the factors. GMIX_ENOTPD with *bad the component. */
  gmix_status (*from_precisions)(gmix_model *m, size_t *bad);
  /* Fill the extra parameters (the decomposition) from the covariances
   * of a model that was built or loaded rather than fitted (NULL when the
   * model keeps none). 0, or nonzero when an eigen-decomposition fails. */
  int (*decompose)(gmix_model *m);
  /* Given covariances hold only their lower triangle: mirror it (NULL when
   * there is nothing to mirror). */
  void (*symmetrise)(gmix_model *m);
  /* Precision matrices, in the covariances' layout. */
  void (*precisions)(const gmix_model *m, double *out);

  /* Re-seeding. The principal axis v[d] (unit) and its variance of
   * component s; `work` holds work_size >= gmix__eigen_work(d) doubles.
   * 0 or nonzero. */
  int (*axis)(const gmix_model *m, size_t s, double *v, double *lambda,
              double *work, size_t work_size);
  /* After the means of c and s moved along v: give s its covariance shrunk
   * by `shrink` along v, and c a copy of it. */
  void (*split)(gmix_model *m, size_t c, size_t s, const double *v,
                double shrink);

  /* Sampling. Square-root factors L (L L^T = Sigma) of every covariance
   * into f (size() doubles): GMIX_ENOTPD with *bad the component. Then
   * x = mu_c + L_c z for a standard normal z[d]. */
  gmix_status (*sample_factor)(const gmix_model *m, double *f, size_t *bad);
  void (*sample_row)(const gmix_model *m, const double *f, size_t c,
                     const double *z, double *x);
} gmix__cov_model;

/* The table entry of a type, or NULL for an invalid value. */
const gmix__cov_model *gmix__cov_model_get(gmix_covariance_type type);

/* Free parameters of a K-component model in d dimensions: K-1 weights,
 * K*d means and the model's n_free covariance parameters (BIC, AIC). */
size_t gmix__cov_n_parameters(const gmix__cov_model *ops, size_t k, size_t d);

/* Every registered model, in registration order; *count receives their
 * number. */
const gmix__cov_model *const *gmix__cov_models(size_t *count);

/* The models, one file each: scikit-learn's four, then mclust's other
 * ten (the volume, shape and orientation letters of Celeux & Govaert). */
extern const gmix__cov_model gmix__cov_full;
extern const gmix__cov_model gmix__cov_tied;
extern const gmix__cov_model gmix__cov_diag;
extern const gmix__cov_model gmix__cov_spherical;
extern const gmix__cov_model gmix__cov_eii;
extern const gmix__cov_model gmix__cov_eei;
extern const gmix__cov_model gmix__cov_vei;
extern const gmix__cov_model gmix__cov_evi;
extern const gmix__cov_model gmix__cov_vee;
extern const gmix__cov_model gmix__cov_eve;
extern const gmix__cov_model gmix__cov_vve;
extern const gmix__cov_model gmix__cov_eev;
extern const gmix__cov_model gmix__cov_vev;
extern const gmix__cov_model gmix__cov_evv;

/* Copy out the decomposition of a model whose ops->decompose is set
 * (decomp.c): scale [K], shape [K][d], orientation [K][d][d]; any output
 * may be NULL. */
void gmix__cov_decomposition(const gmix_model *m, double *scale, double *shape,
                             double *orientation);

/* Replace that decomposition (a model file's, read back). */
void gmix__cov_set_decomposition(gmix_model *m, const double *scale,
                                 const double *shape,
                                 const double *orientation);

/* ---- one d x d matrix per component (cov/matrices.c): the storage,
 * factorisation, re-seed split and sampling of full and of mclust's ten,
 * which differ only in their M-step. */
size_t gmix__cov_matrices_size(size_t k, size_t d);
size_t gmix__cov_matrices_shape(size_t k, size_t d, size_t dims[3]);
gmix_status gmix__cov_matrices_factor(gmix_model *m, size_t c);
gmix_status gmix__cov_matrices_from_precisions(gmix_model *m, size_t *bad);
void gmix__cov_matrices_symmetrise(gmix_model *m);
void gmix__cov_matrices_precisions(const gmix_model *m, double *out);
int gmix__cov_matrices_axis(const gmix_model *m, size_t s, double *v,
                            double *lambda, double *work, size_t work_size);
void gmix__cov_matrices_split(gmix_model *m, size_t c, size_t s,
                              const double *v, double shrink);
gmix_status gmix__cov_matrices_sample_factor(const gmix_model *m, double *f,
                                             size_t *bad);
void gmix__cov_matrices_sample_row(const gmix_model *m, const double *f,
                                   size_t c, const double *z, double *x);

/* The table fields every model stored as one matrix per component shares;
 * a model file adds its type, names, scatter, n_free, extra_size, mstep
 * and decompose. */
#define GMIX__COV_MATRICES_OPS                                                 \
  .kernel = GMIX__KERNEL_FULL, .shared = 0, .size = gmix__cov_matrices_size,   \
  .shape = gmix__cov_matrices_shape, .factor = gmix__cov_matrices_factor,      \
  .from_precisions = gmix__cov_matrices_from_precisions,                       \
  .symmetrise = gmix__cov_matrices_symmetrise,                                 \
  .precisions = gmix__cov_matrices_precisions,                                 \
  .axis = gmix__cov_matrices_axis, .split = gmix__cov_matrices_split,          \
  .sample_factor = gmix__cov_matrices_sample_factor,                           \
  .sample_row = gmix__cov_matrices_sample_row

/* ---- helpers shared by the model files (cov/common.c) */
/* extra_size of a model that keeps no parameters beside the matrices. */
size_t gmix__cov_no_extra(size_t k, size_t d);
/* The end of a per-component M-step: factor every component not flagged
 * in bad[], flag 2 those that are not positive definite, and return how
 * many were newly flagged. */
int gmix__cov_factor_unflagged(gmix_model *m, unsigned char *bad);
/* U = L^{-T} and its log-determinant from one d x d covariance; scratch
 * holds d*d doubles. GMIX_ENOTPD or GMIX_ENOMEM. */
gmix_status gmix__cov_factor_matrix(const double *cov, size_t d, double *u,
                                    double *log_det, double *scratch);
/* The factor 1/sqrt(var) of one variance; GMIX_ENOTPD when var is not a
 * positive finite number. */
gmix_status gmix__cov_factor_variance(double var, double *pc);
/* Full or shared precision matrix P in cov (symmetric): the upper factor U
 * with P = U U^T into u, P^{-1} into cov, and sum log diag(U). */
gmix_status gmix__cov_from_precision_matrix(double *cov, double *u,
                                            double *log_det, size_t d);
/* Mirror the lower triangle of n d x d matrices. */
void gmix__cov_mirror_lower(double *a, size_t n, size_t d);
/* P = U U^T for n d x d factors. */
void gmix__cov_precision_matrices(const double *u, size_t n, size_t d,
                                  double *p);
/* Lower Cholesky factors of n d x d covariances; *bad the failing one. */
gmix_status gmix__cov_cholesky_matrices(const double *cov, size_t n, size_t d,
                                        double *f, size_t *bad);
/* x = mu + L z for a lower-triangular d x d L. */
void gmix__cov_lower_times(const double *l, const double *mu, const double *z,
                           size_t d, double *x);
/* Squares of the n values of v into out (diagonal and spherical
 * precisions from their factors). */
void gmix__cov_squares(const double *v, size_t n, double *out);
/* Variances from precisions, 1/p, in place; *bad receives the index of the
 * first that is not positive. */
gmix_status gmix__cov_invert_variances(double *v, size_t n, size_t *bad);

#endif /* GMIX_COV_H */
