/*
 * decomp.h -- the eigen-decomposition Sigma_k = lambda_k D_k A_k D_k^T
 * behind mclust's ten constrained models (decomp.c), shared by their
 * model files (eii.c ... evv.c).
 *
 * Every such model keeps, in gmix_model.extra, its decomposition (scale
 * lambda [K], shape A [K][d], orientation D [K][d][d]) and the work space
 * of its M-step, so an M-step never allocates. A decomposition whose
 * scale[0] is not positive (a model just allocated: extra is zeroed)
 * means "none yet": iterative M-steps then start from mclust's start,
 * A = I and D = I.
 *
 * The M-step of each model works on W_k, the scatter of component k
 * around its new mean plus reg_covar N_k I (so a regularised W_k / N_k is
 * what full's M-step gives), or on omega_k, its diagonal (models with the
 * identity orientation) or its eigenvalues in decreasing order (models
 * with a variable orientation D_k, the eigenvectors).
 */
#ifndef GMIX_COV_DECOMP_H
#define GMIX_COV_DECOMP_H

#include "cov.h"

typedef struct gmix__decomp {
  size_t k, d;
  double *scale;        /* K: lambda_k                                       */
  double *shape;        /* K x d: diagonal of A_k, product one              */
  double *orient;       /* K x d x d: D_k row-major, column j = axis j       */
  double *w;            /* work: K x d x d scatter W_k                      */
  double *omega;        /* work: K x d diagonal or eigenvalues of W_k       */
  double *t1, *t2, *t3; /* work: d x d each                           */
  double *eig;          /* work: eigen-decomposition, eig_size doubles */
  size_t eig_size;
  double *polar; /* work: polar factor, polar_size doubles          */
  size_t polar_size;
} gmix__decomp;

/* extra_size of every constrained model: the decomposition and the work
 * space; 0 on overflow. */
size_t gmix__decomp_extra_size(size_t k, size_t d);
/* The views into m->extra. */
gmix__decomp gmix__decomp_of(const gmix_model *m);
/* 1 when the decomposition holds an earlier M-step's (or a built model's)
 * values to start from. */
int gmix__decomp_has_start(const gmix__decomp *v);

/* ---- the statistics an M-step works on, for components not in bad[] */
/* omega_kj = W_k[j][j] from diagonal statistics (GMIX__SCATTER_DIAG). */
void gmix__decomp_diag_scatter(gmix__decomp *v, const gmix__mstep_in *in,
                               const unsigned char *bad);
/* W_k from full statistics (GMIX__SCATTER_FULL). */
void gmix__decomp_full_scatter(gmix__decomp *v, const gmix__mstep_in *in,
                               const unsigned char *bad);
/* Eigenvalues of the symmetric d x d a in decreasing order into val[d],
 * their unit eigenvectors as the columns of vec (d x d row-major); runs
 * of equal eigenvalues keep LAPACK's order, so the identity gives I. 0 or
 * nonzero. */
int gmix__decomp_eigen_of(const gmix__decomp *v, const double *a, double *val,
                          double *vec);
/* omega_k and D_k: the eigenvalues of W_k in decreasing order and their
 * eigenvectors. Flags 2 a component whose decomposition fails. */
void gmix__decomp_eigen_scatter(gmix__decomp *v, unsigned char *bad);
/* D_k = I. */
void gmix__decomp_identity_orientation(gmix__decomp *v,
                                       const unsigned char *bad);

/* ---- volume and shape from omega (the closed forms of Celeux & Govaert
 * 1995 and the one iterative case). Each writes scale and shape of the
 * components not in bad[]; n is the sum of their N_k. */
/* Each may flag 2 a component it cannot fit (no scatter at all). */
typedef void (*gmix__decomp_volume_shape)(gmix__decomp *v,
                                          const gmix__mstep_in *in,
                                          unsigned char *bad);
/* Equal volume, identity shape (EII): lambda = sum omega / (n d). */
void gmix__decomp_equal_volume_identity_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad);
/* Equal volume and shape (EEI, EEV): lambda A = sum_k omega_k / n. */
void gmix__decomp_equal_volume_equal_shape(gmix__decomp *v,
                                           const gmix__mstep_in *in,
                                           unsigned char *bad);
/* Equal volume, variable shape (EVI, EVV): A_k = omega_k / |omega_k|^(1/d),
 * lambda = sum_k |omega_k|^(1/d) / n. */
void gmix__decomp_equal_volume_variable_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad);
/* Variable volume, equal shape (VEI, VEV): no closed form; alternates
 * lambda_k = sum_j omega_kj / a_j / (d N_k) and A proportional to
 * sum_k omega_k / lambda_k, from the previous shape, until the
 * objective's relative change is at most in->tol or in->max_iter
 * iterations (then *in->n_unconverged grows by one). */
void gmix__decomp_variable_volume_equal_shape(gmix__decomp *v,
                                              const gmix__mstep_in *in,
                                              unsigned char *bad);

/* The whole M-step of a model whose orientation is the identity (eigen 0:
 * omega the diagonal of W_k) or each component's own (eigen 1: omega the
 * eigenvalues of W_k, D_k its eigenvectors): omega, then volume_shape,
 * then gmix__decomp_compose. Returns the number newly flagged. */
int gmix__decomp_mstep_axes(gmix_model *m, const gmix__mstep_in *in,
                            unsigned char *bad, int eigen,
                            gmix__decomp_volume_shape volume_shape);

/* The M-step of a shared orientation with per-component shapes (EVE when
 * equal_volume is 1, VVE when 0): orientation.c. Returns the number newly
 * flagged. */
int gmix__decomp_common_orientation(gmix_model *m, const gmix__mstep_in *in,
                                    unsigned char *bad, int equal_volume);

/* The M-step's end: Sigma_k = D_k diag(lambda_k A_k) D_k^T for the
 * components not in bad[], then their factors; a component whose scale or
 * shape is not a positive finite number, or whose matrix cannot be
 * factored, is flagged 2. Returns the number newly flagged. */
int gmix__decomp_compose(gmix_model *m, gmix__decomp *v, unsigned char *bad);

/* The number of components flagged in bad[]. */
int gmix__decomp_count_flags(const gmix_model *m, const unsigned char *bad);

/* Relative change test of the inner iterations: 1 when converged. */
int gmix__decomp_converged(double f, double f_prev, double tol);

/* ---- decompose ops: the decomposition of given covariances */
/* D = I, A_k the normalised diagonal (EII, EEI, VEI, EVI). */
int gmix__decomp_from_diagonal(gmix_model *m);
/* D_k the eigenvectors of Sigma_k (EEV, VEV, EVV). */
int gmix__decomp_from_eigen(gmix_model *m);
/* D the eigenvectors of Sigma_0, A_k the normalised diagonal of
 * D^T Sigma_k D (VEE, EVE, VVE). */
int gmix__decomp_from_common(gmix_model *m);

/* The table entry of one of the ten, from its type, name (mclust's, for
 * both), scatter family and decompose op; the file defines n_free and
 * mstep. */
#define GMIX__COV_DECOMP_MODEL(t, nm, sc, dec)                                 \
  .type = t, .name = nm, .mclust_name = nm, .scatter = sc, .n_free = n_free,   \
  .extra_size = gmix__decomp_extra_size, .mstep = mstep, .decompose = dec,     \
  GMIX__COV_MATRICES_OPS

#endif /* GMIX_COV_DECOMP_H */
