/*
 * engine.h -- the blocked reduction shared by fitting, scoring and
 * prediction (DESIGN.md, "everything is a reduction of sufficient
 * statistics").
 *
 * An engine is built once per (model shape, thread count) and owns every
 * work buffer, so a pass over the data allocates nothing. A pass splits
 * the rows into chunks of a fixed size (independent of the thread count),
 * processes chunks in parallel block by block, and merges each chunk's
 * statistics into the total in chunk order, so results are bit-identical
 * for any number of threads.
 */
#ifndef GMIX_ENGINE_H
#define GMIX_ENGINE_H

#include "cov.h"

/* What a pass does with each block's log-densities. */
typedef enum gmix__pass_mode {
  GMIX__PASS_STATS,  /* E-step + accumulate sufficient statistics       */
  GMIX__PASS_SCORE,  /* accumulate sum w * log p only                   */
  GMIX__PASS_LOGP,   /* write log p(x_i) per row                        */
  GMIX__PASS_PROBA,  /* write responsibilities per row                  */
  GMIX__PASS_LABELS, /* write the argmax component per row              */
  GMIX__PASS_RESP,   /* accumulate statistics of given responsibilities */
  GMIX__PASS_ENTROPY /* accumulate sum w * log p and the classification
                        entropy -sum w r log r (ICL), no n x K matrix    */
} gmix__pass_mode;

/* Where a SCORE or ENTROPY pass leaves its sums in e->total. */
enum {
  GMIX__TOTAL_WEIGHT = 0,  /* sum of w                                 */
  GMIX__TOTAL_LOGLIK = 1,  /* sum of w log p(x)                        */
  GMIX__TOTAL_ENTROPY = 2, /* ENTROPY only: -sum_i w_i sum_k r log r   */
  GMIX__TOTAL_SCORE_SIZE = 2,
  GMIX__TOTAL_ENTROPY_SIZE = 3
};

/* Responsibilities supplied by an initialiser instead of the E-step:
 * fill r[rows x K] for rows [row0, row0 + rows) of x (unweighted; the pass
 * multiplies by the sample weights). */
typedef void (*gmix__resp_fn)(const void *ctx, const double *x, size_t row0,
                              size_t rows, size_t d, size_t k, double *r);

/* The layout of the flat statistics buffer (doubles):
 *   [0] sum of weights, [1] sum of w * log p, [2, 2+K) N_k,
 *   s1: K x d first moments around the shift,
 *   s2: full K x d x d (upper triangles), tied d x d (upper triangle),
 *       diag and spherical K x d second moments around the shift.
 * `mats` of those are symmetric d x d matrices of which only the upper
 * triangle is ever read, the strict lower one kept zero (K for full, 1
 * for tied, 0 otherwise); `packed` is the size of the buffer with each
 * reduced to its upper triangle (gmix__stats_pack). */
typedef struct gmix__stats_layout {
  size_t nk, s1, s2, size;
  size_t mats, packed;
} gmix__stats_layout;

typedef struct gmix__engine {
  const gmix__cov_model *ops; /* statistics and kernel families          */
  size_t k, d;
  size_t block;   /* rows per BLAS block                         */
  size_t chunk;   /* rows per unit of parallel work             */
  size_t threads; /* workers (and work buffers)                 */
  gmix__stats_layout layout;

  /* Kernel parameters, derived from a model by gmix__engine_prepare. */
  double *c0; /* d: centre subtracted from rows (full, tied) */
  /* full: d x (d K), column l K + k is column l of U_k; tied: d x d U. */
  double *ucat;
  /* d x K, feature-major: full and tied ((mu_k - c0) U_k)_j; diag and
   * spherical mu_kj. */
  double *mu_t;
  /* diag: d x K precision factors 1/sigma_kj; spherical: K precisions
   * 1/sigma_k^2. */
  double *prec_t;
  double *cst;   /* K: log pi_k + log det U_k - d/2 log(2 pi) */
  double *shift; /* K x d: centres the statistics are accumulated around */
  double *delta; /* K x d: the M-step's mean moves                     */

  double *total;    /* merged statistics                               */
  double **work;    /* per-thread work buffers                         */
  size_t work_size; /* doubles per work buffer                         */
  double *block_mem;

  /* The caller's cancellation flag (gmix_options.cancel), or NULL: a pass
   * reads it before each block and skips the rest of its blocks once it
   * is set. Set by the engine's owner for the length of one public call
   * only. */
  const volatile sig_atomic_t *cancel;
  int cancelled; /* 1: the last pass stopped early; its results are void */
} gmix__engine;

/* Default block and chunk sizes for a shape and n rows (see
 * gmix_options). */
void gmix__default_sizes(const gmix__cov_model *ops, size_t k, size_t d,
                         size_t n, size_t *block, size_t *chunk);
/* The block and chunk sizes an engine uses: *block and *chunk hold the
 * options' values (0 = default) and receive the sizes chosen. */
void gmix__engine_sizes(const gmix__cov_model *ops, size_t k, size_t d,
                        size_t n, size_t *block, size_t *chunk);
/* Multiply-adds of the E-step kernel per row (the cost model behind the
 * chunk size). The caller ensures k * d * d does not overflow (the
 * model's covariance size did not). */
size_t gmix__engine_row_cost(const gmix__cov_model *ops, size_t k, size_t d);

/* Create an engine for passes over n rows; block/chunk 0 choose defaults,
 * threads 0 = all. */
gmix_status gmix__engine_create(const gmix__cov_model *ops, size_t k, size_t d,
                                size_t n, size_t block, size_t chunk,
                                size_t threads, gmix__engine **out);
void gmix__engine_free(gmix__engine *e);

/* Derive kernel parameters from a model of the engine's shape, and take its
 * means as the shift of the statistics. The model must outlive the passes
 * that use these parameters. */
void gmix__engine_prepare(gmix__engine *e, const gmix_model *m);

/*
 * One pass over rows x[n][d] with weights w (NULL = ones). When e->cancel
 * is set during the pass, the remaining blocks are skipped and
 * e->cancelled is 1 (else 0): the pass's results are then incomplete.
 * STATS/SCORE/RESP/ENTROPY leave the merged statistics in e->total (SCORE
 * and ENTROPY fill only the GMIX__TOTAL_* entries). LOGP/PROBA/LABELS
 * write `out` (double n, double n*K, size_t n). RESP takes
 * responsibilities from resp_fn(resp_ctx, ...).
 */
void gmix__engine_pass(gmix__engine *e, const double *x, size_t n,
                       const double *w, gmix__pass_mode mode, void *out,
                       gmix__resp_fn resp_fn, const void *resp_ctx);

/* ---- per-block kernels (estep.c) */
/* Log-densities plus log weights of `rows` rows: L[rows x K]. `xs` and `y`
 * are work buffers of rows*d and rows*(K d) doubles. */
void gmix__estep_block(const gmix__engine *e, const double *x, size_t rows,
                       double *xs, double *y, double *L);
/* Row-wise log-sum-exp of L[rows x K] into lp[rows]. L is overwritten:
 * with the normalised responsibilities when `resp` is non-zero. */
void gmix__logsumexp_rows(double *L, size_t rows, size_t k, double *lp,
                          int resp);

/* ---- statistics (stats.c) */
/* The layout of the statistics of a model; 0 when a size overflows. */
int gmix__stats_layout_init(gmix__stats_layout *l, const gmix__cov_model *ops,
                            size_t k, size_t d);
/* The statistics buf (layout l, d features) without the strictly lower
 * triangles of its symmetric matrices, into out[l->packed]: entries
 * before s2 as they are, then each matrix's upper triangle row by row.
 * Unpack is the inverse and writes zeros below the diagonals, where an
 * accumulation leaves them. Summing packed arrays and unpacking is
 * summing the buffers. */
void gmix__stats_pack(const gmix__stats_layout *l, size_t d, const double *buf,
                      double *out);
void gmix__stats_unpack(const gmix__stats_layout *l, size_t d, const double *in,
                        double *buf);
/* Zero the strict lower triangles of buf's symmetric scatter matrices
 * (the full block kernel writes them; a pass clears them once at its
 * end, so the statistics keep them zero). */
void gmix__stats_clear_lower(const gmix__stats_layout *l, size_t d,
                             double *buf);

/* Accumulate rows x[rows][d] with responsibilities r[rows][K] (already
 * multiplied by the sample weights) into the statistics buffer s. `z` is a
 * work buffer of rows*d doubles. */
void gmix__stats_accumulate(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s, double *z);

/* Take statistics accumulated on standardised rows (x - mean) / scale,
 * e->total with their shift e->shift, to the original units, in place:
 * afterwards they are the statistics of the same responsibilities on the
 * original rows, around the shift mean + scale * shift. N_k, the moments
 * and the scatter are exact; entry [1] (sum of w log p) is left as it
 * was. */
void gmix__stats_unscale(gmix__engine *e, const double *mean,
                         const double *scale);

/* ---- ordered reduction (reduce.c), shared by the engine's pass and the
 * k-means passes of initialisation */
/* Process rows [r0, r1) into the accumulator `acc`; `buf` is the calling
 * thread's work buffer. */
typedef void (*gmix__chunk_fn)(const void *ctx, size_t r0, size_t r1,
                               double *acc, double *buf);
/*
 * Split n rows into chunks of `chunk` rows, run f on each with up to
 * `threads` threads, and sum the chunk accumulators (acc_size doubles) into
 * total in chunk order, so the sum is bit-identical for any thread count.
 * Thread t's buffer is bufs + t * stride; its accumulator sits at offset
 * acc_offset inside it. With acc_size 0 the chunks are independent (per-row
 * outputs) and run in any order. BLAS calls inside f stay single-threaded.
 */
void gmix__reduce_chunks(size_t n, size_t chunk, size_t threads, double *bufs,
                         size_t stride, size_t acc_offset, size_t acc_size,
                         double *total, gmix__chunk_fn f, const void *ctx);

/* ---- M-step (fit/mstep.c) */
/* New parameters of m from the statistics s accumulated around `shift`.
 * Weights are N_k / weight_total. Components whose weight fraction is
 * below min_weight or whose covariance is not positive definite are
 * flagged in bad_flags[K] (1 = empty, 2 = not PD) and left with their old
 * parameters; components marked in exempt[K] (may be NULL) are held only
 * to a positive weight, not to min_weight. ctl gives reg_covar,
 * min_weight and the inner iterations of the models without a
 * closed-form M-step. `delta` is K x d work space.
 * Returns the number flagged; -1 when a shared covariance is not positive
 * definite. */
typedef struct gmix__mstep_ctl {
  double reg_covar, min_weight;
  double tol;            /* inner iterations (gmix_options.mstep_tol)   */
  size_t max_iter;       /* and their limit (mstep_max_iter)             */
  size_t *n_unconverged; /* incremented per M-step stopped by the limit */
} gmix__mstep_ctl;
int gmix__mstep(gmix_model *m, const double *s, const gmix__stats_layout *l,
                const double *shift, double weight_total,
                const gmix__mstep_ctl *ctl, const unsigned char *exempt,
                double *delta, unsigned char *bad_flags);

#endif /* GMIX_ENGINE_H */
