/*
 * gmix.h -- Gaussian mixture models fitted by EM.
 *
 * This is the only header a user of libgmix includes. Every public call is
 * documented here: what it does, the shape and ownership of each argument,
 * and the statuses it returns.
 *
 * Conventions that hold for every call unless its comment says otherwise:
 *  - Data are row-major n x d arrays of doubles. Pointers to caller data are
 *    read-only and never retained after the call returns.
 *  - Output buffers are owned by the caller and must hold the number of
 *    doubles the comment states; the library writes them only on success.
 *  - Fallible calls return a gmix_status: GMIX_OK (0) or a negative code.
 *    When `err` is not NULL it receives the status and a human message that
 *    says what went wrong and where (row, column, component, iteration,
 *    file:line:column). `err` may always be NULL.
 *  - Objects the library returns (gmix_model, gmix_em, gmix_table,
 *    gmix_select_result) are freed with the matching _free call; freeing
 *    NULL does nothing.
 *  - No global mutable state: distinct objects may be used from distinct
 *    threads at once; a single object may be read (scored, sampled, copied)
 *    from several threads at once but not modified concurrently.
 *  - The library never prints and never exits.
 *  - A NULL where an object or output is required gives GMIX_EINVAL and the
 *    message "argument 'NAME' is NULL". Accessors (calls that return a
 *    value rather than a status) accept NULL and return 0, NULL or NaN, as
 *    each says.
 *  - Rows and columns of data are counted from 1 in messages, as the file
 *    readers count lines and columns; components are counted from 0, as
 *    they are indexed in arrays and model files.
 *
 * A stable interface. A program built against this header keeps working,
 * unrecompiled, with a later libgmix of the same SONAME that adds options,
 * report fields or covariance models:
 *  - Structs the caller fills and the library reads (gmix_options,
 *    gmix_select_options, gmix_read_options) begin with `struct_size`,
 *    set by their _init call. The library reads the fields the caller's
 *    struct has and gives every later field its default, so new fields
 *    are only ever appended.
 *  - Structs the library fills for the caller to read (gmix_fit_report,
 *    gmix_reseed_event, gmix_iteration, gmix_select_cell) are never
 *    copied into caller memory: the library returns or passes a pointer
 *    to its own, and a program reads only the fields its header knows.
 *    New fields are appended.
 *  - Enumerations only gain values; objects (gmix_model, gmix_em,
 *    gmix_stats, gmix_table, gmix_select_result) are opaque.
 * Size fields were chosen over opaque option objects with setters because
 * the options are many plain values that C and ctypes callers set
 * directly, and a size field keeps that while letting the struct grow.
 * A change that breaks these rules changes the SONAME.
 */
#ifndef GMIX_H
#define GMIX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(GMIX_SHARED_BUILD)
#define GMIX_API __declspec(dllexport)
#elif defined(__GNUC__)
#define GMIX_API __attribute__((visibility("default")))
#else
#define GMIX_API
#endif

#define GMIX_VERSION_MAJOR 0
#define GMIX_VERSION_MINOR 1
#define GMIX_VERSION_PATCH 0
#define GMIX_VERSION_STRING "0.1.0"

/* The library's version string, "MAJOR.MINOR.PATCH". Never NULL. */
GMIX_API const char *gmix_version(void);

/* ------------------------------------------------------------------------
 * Status codes. One list generates the enum and gmix_strerror().
 * ---------------------------------------------------------------------- */
#define GMIX_STATUS_LIST(X)                                                    \
  X(OK, 0, "success")                                                          \
  X(EINVAL, -1, "invalid argument")                                            \
  X(ENOMEM, -2, "out of memory")                                               \
  X(EOVERFLOW, -3, "size overflow")                                            \
  X(ENONFINITE, -4, "data contain NaN or infinity")                            \
  X(EWEIGHTS, -5, "invalid sample weights")                                    \
  X(ETOOFEW, -6, "too few samples for the model")                              \
  X(EDIM, -7, "dimension mismatch")                                            \
  X(ENOTPD, -8, "covariance matrix is not positive definite")                  \
  X(ECOLLAPSE, -9, "component collapsed and could not be re-seeded")           \
  X(ECANCELLED, -10, "cancelled by the caller")                                \
  X(EIO, -11, "input/output error")                                            \
  X(EPARSE, -12, "malformed input")                                            \
  X(EFORMAT, -13, "invalid model file")

typedef enum gmix_status {
#define GMIX__STATUS_ENUM(name, value, text) GMIX_##name = value,
  GMIX_STATUS_LIST(GMIX__STATUS_ENUM)
#undef GMIX__STATUS_ENUM
} gmix_status;

/* A static, human-readable name for a status ("invalid argument"). Unknown
 * values give "unknown status". Never NULL. Thread-safe. */
GMIX_API const char *gmix_strerror(gmix_status status);

/* Detailed error report, filled by a failing call when passed non-NULL.
 * `message` is always NUL-terminated; on success the struct is untouched. */
#define GMIX_ERROR_MESSAGE_SIZE 512
typedef struct gmix_error {
  gmix_status status;
  char message[GMIX_ERROR_MESSAGE_SIZE];
} gmix_error;

/* ------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

/* Covariance structure. mclust parameterises each component's covariance
 * as Sigma_k = lambda_k D_k A_k D_k^T: a volume lambda (a positive scalar,
 * det(Sigma)^(1/d)), a shape A (diagonal, det(A) = 1, entries in
 * decreasing order unless the orientation is the identity) and an
 * orientation D (orthogonal), each Equal across components, Variable, or
 * the Identity; its three-letter names (volume, shape, orientation) give
 * 14 models from spherical to full (Celeux & Govaert 1995). The four of
 * scikit-learn are the same models under two names, not copies:
 * spherical = VII, diag = VVI, tied = EEE, full = VVV. They keep their
 * own storage (spherical [K], diag [K][d], tied [d][d], full [K][d][d]);
 * the other ten store one full [K][d][d] matrix per component, and their
 * decomposition beside it (gmix_model_decomposition). VEI, VEE, EVE, VVE
 * and VEV have no closed-form M-step: an inner iteration solves it
 * (gmix_options.mstep_tol, mstep_max_iter). */
typedef enum gmix_covariance_type {
  GMIX_COV_FULL = 0,      /* VVV: one full d x d matrix per component     */
  GMIX_COV_TIED = 1,      /* EEE: one full d x d matrix shared by all     */
  GMIX_COV_DIAG = 2,      /* VVI: one diagonal (d variances) per component */
  GMIX_COV_SPHERICAL = 3, /* VII: one variance per component               */
  GMIX_COV_EII = 4,       /* lambda I: one variance shared by all          */
  GMIX_COV_EEI = 5,       /* lambda A: one diagonal shared by all          */
  GMIX_COV_VEI = 6,       /* lambda_k A: diagonals of one shape            */
  GMIX_COV_EVI = 7,       /* lambda A_k: diagonals of one volume           */
  GMIX_COV_VEE = 8,       /* lambda_k D A D^T: one matrix, scaled          */
  GMIX_COV_EVE = 9,       /* lambda D A_k D^T: one orientation and volume  */
  GMIX_COV_VVE = 10,      /* lambda_k D A_k D^T: one orientation           */
  GMIX_COV_EEV = 11,      /* lambda D_k A D_k^T: one volume and shape      */
  GMIX_COV_VEV = 12,      /* lambda_k D_k A D_k^T: one shape               */
  GMIX_COV_EVV = 13,      /* lambda D_k A_k D_k^T: one volume              */
  /* mclust's names of the four above. */
  GMIX_COV_VII = GMIX_COV_SPHERICAL,
  GMIX_COV_VVI = GMIX_COV_DIAG,
  GMIX_COV_EEE = GMIX_COV_TIED,
  GMIX_COV_VVV = GMIX_COV_FULL
} gmix_covariance_type;

/* Name of a covariance type: scikit-learn's for the four it has ("full",
 * "tied", "diag", "spherical"), mclust's for the others ("VEV"); NULL for
 * an invalid value. */
GMIX_API const char *gmix_covariance_type_name(gmix_covariance_type type);
/* mclust's three-letter name of a covariance type ("VVV" for full); NULL
 * for an invalid value. */
GMIX_API const char *
gmix_covariance_type_mclust_name(gmix_covariance_type type);
/* Parse a covariance type name: scikit-learn's (exact, lower case) or
 * mclust's (exact, upper case), so "full" and "VVV" are the same type.
 * GMIX_EINVAL if unknown (the message lists the known names). */
GMIX_API gmix_status gmix_covariance_type_parse(const char *name,
                                                gmix_covariance_type *out,
                                                gmix_error *err);
/* The registered covariance types, in registration order (mclust's: EII,
 * VII, EEI, VEI, EVI, VVI, EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV): copies
 * up to `cap` of them into `out` (may be NULL when cap is 0) and returns
 * how many there are in all. Thread-safe. */
GMIX_API size_t gmix_covariance_types(gmix_covariance_type *out, size_t cap);

/* How initial responsibilities are chosen (scikit-learn's init_params,
 * and mclust's default start). */
typedef enum gmix_init_method {
  GMIX_INIT_KMEANS = 0,           /* k-means++ seeding then Lloyd iterations */
  GMIX_INIT_KMEANSPP = 1,         /* k-means++ centres only, one row each     */
  GMIX_INIT_RANDOM = 2,           /* uniform random responsibilities          */
  GMIX_INIT_RANDOM_FROM_DATA = 3, /* K distinct random rows as centres        */
  /* Model-based agglomerative hierarchical clustering (Fraley 1998), as
   * mclust's hc() starts its EM: on the data centred, scaled and rotated as
   * mclust's default transformation does (hcUse "SVD"), pairs of clusters
   * are merged, starting from single rows, by the least increase of the
   * classification likelihood criterion of the unconstrained (VVV) model,
   * down to K clusters; they give one-hot responsibilities. On more than
   * gmix_options.hc_max_rows rows it runs on a random subsample of that
   * many, and one E-step over every row from the subsample's M-step gives
   * the responsibilities. Its time grows as the square of the rows it
   * clusters (times d^3 once clusters outgrow d rows) and its memory as
   * about 4 m^2 + 4 m d^2 bytes for m rows. Deterministic: restarts
   * differ only when it subsamples. */
  GMIX_INIT_HC = 4
} gmix_init_method;

/* "kmeans", "k-means++", "random", "random_from_data", "hc"; NULL if
 * invalid. */
GMIX_API const char *gmix_init_method_name(gmix_init_method method);
/* Parse an init name; also accepts "random-from-data". GMIX_EINVAL if
 * unknown. */
GMIX_API gmix_status gmix_init_method_parse(const char *name,
                                            gmix_init_method *out,
                                            gmix_error *err);

typedef struct gmix_model gmix_model;

/* Progress of one EM iteration, passed to gmix_options.callback. */
typedef struct gmix_iteration {
  size_t init;        /* restart index, 0 .. n_init-1                     */
  size_t iteration;   /* 1-based iteration within this restart            */
  double lower_bound; /* mean log-likelihood per unit weight this step    */
  double change;      /* lower_bound minus the previous one (inf at first) */
  double seconds;     /* wall time of this iteration                      */
} gmix_iteration;

/* Called after every EM iteration; return non-zero to cancel the fit
 * (gmix_fit then returns GMIX_ECANCELLED). Called from the thread that
 * called gmix_fit. To stop a fit in the middle of an iteration, use
 * gmix_options.cancel instead. */
typedef int (*gmix_callback)(const gmix_iteration *it, void *user);

/*
 * Fit options. Always fill with gmix_options_init() first, then overwrite
 * fields. Pointers in this struct are read during the call only.
 * struct_size is set by gmix_options_init (see "A stable interface" at the
 * top of this header); calls refuse a struct whose struct_size was not
 * set.
 */
typedef struct gmix_options {
  size_t struct_size;                   /* sizeof(gmix_options); set by init */
  size_t n_components;                  /* K >= 1. Default 1.               */
  gmix_covariance_type covariance_type; /* Default GMIX_COV_FULL.           */
  double tol;       /* Stop when |change of mean log-likelihood per unit
                       weight| < tol. >= 0. Default 1e-3.                  */
  double reg_covar; /* Added to covariance diagonals. >= 0. Default 1e-6.  */
  size_t max_iter;  /* EM iterations per restart. 0 evaluates the initial
                       parameters without changing them. Default 100.      */
  size_t n_init;    /* Restarts; the best lower bound wins. >= 1. Default 1.*/
  gmix_init_method init; /* Default GMIX_INIT_KMEANS.                       */
  uint64_t seed;         /* Seed of every random choice. Default 0.         */
  size_t threads;        /* Worker threads; 0 = all available. Results are
                            bit-identical for any value. Default 0.         */

  /* Optional user-given initial parameters (scikit-learn's weights_init,
   * means_init, precisions_init). Each that is non-NULL replaces the value
   * derived from `init`; when all three are given the first E-step uses
   * exactly them. Shapes: weights [K], means [K][d]; precisions by type:
   * full [K][d][d], tied [d][d], diag [K][d], spherical [K]. */
  const double *weights_init;
  const double *means_init;
  const double *precisions_init;

  /* Warm start: when non-NULL, EM starts from this model's parameters
   * (its K, d and covariance type must match) and `init` and the *_init
   * fields are ignored. Read only; not retained. */
  const gmix_model *warm_start;

  /* Collapse policy. After each M-step a component whose weight is below
   * min_weight (a fraction of the total sample weight), or whose covariance
   * is not positive definite after reg_covar, is re-seeded by splitting the
   * heaviest component along its principal axis, and the fit report records
   * it. At most max_reseed re-seeds happen per restart. A component
   * re-seeded max_reseed_per_component times (0 = no such limit) is no
   * longer held to min_weight, only to a positive weight and a positive
   * definite covariance, so a component that keeps collapsing onto an
   * isolated outlier under a high min_weight keeps it instead of cycling.
   * Beyond these limits, or when no component can be split, the fit fails
   * with GMIX_ECOLLAPSE or GMIX_ENOTPD naming the component and
   * iteration. Defaults: min_weight 1e-10, max_reseed 100,
   * max_reseed_per_component 10. min_weight 0 re-seeds only components
   * that are exactly empty. */
  double min_weight;
  size_t max_reseed;
  size_t max_reseed_per_component;

  /* k-means initialisation: Lloyd iterations stop after kmeans_max_iter or
   * when the squared centre shift falls below kmeans_tol times the mean
   * per-feature variance of the data. Defaults 300 and 1e-4. */
  size_t kmeans_max_iter;
  double kmeans_tol;
  /* k-means (seeding and Lloyd) runs on a random subsample of about this
   * many rows when the data have more; the final labels, and so the first
   * parameters, use every row. 0 = always all rows. Default 65536. */
  size_t kmeans_max_rows;

  /* Work decomposition. chunk_rows is the unit of parallel work whose
   * statistics are merged in order (results depend on it, never on
   * `threads`); block_rows is the BLAS block inside a chunk. 0 = chosen from
   * d and K. Defaults 0. */
  size_t chunk_rows;
  size_t block_rows;

  gmix_callback callback; /* Per-iteration callback or NULL. Default NULL. */
  void *callback_data;    /* Passed to callback. Default NULL.             */

  /* Fields below were appended after the first struct with struct_size;
   * a caller whose struct ends before one gets its default. */

  /* 1: the initialisation (whatever `init`) runs on the data centred and
   * scaled per feature by their weighted mean and standard deviation (a
   * feature whose values are all equal is only centred), so that a
   * feature in the thousands does not drown one in hundredths. The start
   * is then taken back to the original units (its statistics, before the
   * first M-step), so EM and the returned model are in the original
   * units. Costs a standardised copy of the data (n x d doubles) during
   * the initialisation. Ignored when warm_start or all three *_init
   * fields are given. 0 or 1. Default 0. */
  int standardize;
  /* init = GMIX_INIT_HC clusters at most this many rows, a random
   * subsample (uniform over the rows of positive weight, seeded by `seed`
   * and the restart) when the data have more; see GMIX_INIT_HC for its
   * cost. 0 = always every row. With init hc it must be 0 or at least
   * n_components. Default 2000 (mclust's default subset). */
  size_t hc_max_rows;
  /* Cancellation flag, or NULL (the default). While the call runs it
   * reads *cancel before every block of rows of each pass over the data
   * (a block is at most 1024 rows: milliseconds of work), between the
   * rounds of its k-means initialisation and between EM iterations; once
   * it reads a non-zero value it stops, frees what it allocated and
   * returns GMIX_ECANCELLED, naming the restart and iteration it stopped
   * in, with *out untouched. So a fit stops within milliseconds of the
   * flag being set, even in the middle of a long iteration (the
   * hierarchical clustering of init hc, at most hc_max_rows rows, and an
   * M-step are not interrupted). The flag may be set from a signal
   * handler (storing to a volatile sig_atomic_t is what a handler may
   * do) or from another thread: the library reads it with an atomic
   * load, so a thread should store with one too (__atomic_store_n with
   * GCC or Clang). The library only reads it, during the call, and never
   * keeps the pointer; leave the value non-zero until the call returns.
   * gmix_select passes fit.cancel to every fit of its sweep and also
   * reads it between cells. */
  const volatile sig_atomic_t *cancel;
  /* The inner iterations of the M-steps without a closed form (VEI, VEE,
   * EVE, VVE, VEV): they alternate between the parameters of the
   * decomposition and stop when the relative change of the M-step's
   * objective, sum_k N_k log det Sigma_k + tr(W_k Sigma_k^-1) (W_k the
   * scatter of component k around its new mean), falls to mstep_tol or
   * below, |f - f_prev| <= mstep_tol (1 + |f|), or after mstep_max_iter
   * iterations; an M-step stopped by the limit is counted in the fit
   * report (n_mstep_unconverged), not an error. Each M-step starts from the
   * previous one's decomposition. mstep_tol >= 0, mstep_max_iter >= 1.
   * Defaults sqrt(DBL_EPSILON) (about 1.49e-8, mclust's) and 1000. */
  double mstep_tol;
  size_t mstep_max_iter;
} gmix_options;

/* Fill `opt` with the documented defaults. Thread-safe. gmix_options_init
 * is a macro that passes the size of the struct as the caller's gmix.h
 * declares it, so a newer library never writes past an older caller's
 * struct; bindings that cannot use the macro call gmix_options_init_size
 * with the size of their own mirror of the struct. A size below that of
 * the first versioned struct leaves `opt` untouched. */
GMIX_API void gmix_options_init_size(gmix_options *opt, size_t size);
#define gmix_options_init(opt)                                                 \
  gmix_options_init_size((opt), sizeof(gmix_options))

/* Check options alone (without data): GMIX_OK or GMIX_EINVAL with a message
 * naming the field. */
GMIX_API gmix_status gmix_options_validate(const gmix_options *opt,
                                           gmix_error *err);

/* ------------------------------------------------------------------------
 * Fitting
 * ---------------------------------------------------------------------- */

/*
 * Fit a K-component mixture to n rows of d features by EM.
 *
 * x: n x d row-major, finite. w: n sample weights (>= 0, finite, not all
 * zero) or NULL for all ones. On success *out receives a new model carrying
 * its fit report (gmix_model_report); on failure *out is untouched.
 * Non-convergence within max_iter is not an error: see report.converged.
 *
 * Returns GMIX_OK, GMIX_EINVAL (NULL pointer, d = 0, bad option: message
 * names it), GMIX_ENONFINITE (row and column named), GMIX_EWEIGHTS,
 * GMIX_ETOOFEW (n < K), GMIX_EDIM (init parameters or warm start of the
 * wrong shape), GMIX_EOVERFLOW (sizes too large, or a log-likelihood that
 * is not finite because rows lie too far from every component for double
 * precision: the iteration is named), GMIX_ENOMEM, GMIX_ENOTPD (also a
 * covariance whose precision overflows, such as a variance below DBL_MIN)
 * or GMIX_ECOLLAPSE (component and iteration named), GMIX_ECANCELLED.
 */
GMIX_API gmix_status gmix_fit(const double *x, size_t n, size_t d,
                              const double *w, const gmix_options *opt,
                              gmix_model **out, gmix_error *err);

/* Stepwise EM (gmix_fit is a driver over these). A gmix_em holds the
 * current parameters and the work space of one restart; it holds no
 * pointer to data, so each step is passed the same x, n, d, w again. */
typedef struct gmix_em gmix_em;

/* Validate data and options and choose the initial parameters of restart
 * `init_index` (0-based; its seed is derived from opt->seed and the index).
 * Statuses as gmix_fit. */
GMIX_API gmix_status gmix_em_start(const double *x, size_t n, size_t d,
                                   const double *w, const gmix_options *opt,
                                   size_t init_index, gmix_em **out,
                                   gmix_error *err);

/* One EM iteration: an E-step on the current parameters, then an M-step.
 * `info` (may be NULL) receives this step's lower bound and change;
 * *converged (may be NULL) is set to 1 when |change| < tol. Returns
 * GMIX_OK, GMIX_EDIM when the data do not match gmix_em_start's, or the
 * collapse statuses of gmix_fit. */
GMIX_API gmix_status gmix_em_step(gmix_em *em, const double *x, size_t n,
                                  size_t d, const double *w,
                                  gmix_iteration *info, int *converged,
                                  gmix_error *err);

/* Copy the current parameters (and the report so far) into a new model. */
GMIX_API gmix_status gmix_em_model(const gmix_em *em, gmix_model **out,
                                   gmix_error *err);

GMIX_API void gmix_em_free(gmix_em *em);

/* ------------------------------------------------------------------------
 * Sufficient statistics: EM driven from outside the library
 *
 * A pass over rows under a model yields statistics; statistics of disjoint
 * sets of rows merge; the M-step turns statistics into a new model. One EM
 * iteration over data split into parts (files, MPI ranks, batches) is:
 * create statistics under the current model, accumulate every part (in
 * one object, or one object per part then merge, or sum the flat buffers
 * element by element, as MPI_Allreduce does), then gmix_stats_mstep. This
 * is the engine gmix_fit runs: accumulating all rows and stepping gives the
 * parameters of one gmix_fit iteration from the same start. Sums are taken
 * in a fixed order, so results do not depend on the thread count; they do
 * depend (in the last bits) on how rows are split into parts.
 * ---------------------------------------------------------------------- */
typedef struct gmix_stats gmix_stats;

/* Empty statistics under m's parameters (copied: m may be freed after).
 * GMIX_OK, GMIX_EINVAL, GMIX_EOVERFLOW, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_stats_create(const gmix_model *m, gmix_stats **out,
                                       gmix_error *err);

/* The E-step of rows x[n][d] (weights w[n], NULL = ones) added to s. n may
 * be 0. GMIX_OK, GMIX_EINVAL, GMIX_EDIM (d differs from the model's),
 * GMIX_ENONFINITE, GMIX_EWEIGHTS, GMIX_ENOMEM. On failure s is unchanged. */
GMIX_API gmix_status gmix_stats_accumulate(gmix_stats *s, const double *x,
                                           size_t n, size_t d, const double *w,
                                           gmix_error *err);

/* Rows x[n][d] (weights w[n], NULL = ones) added to s with responsibilities
 * the caller gives instead of the E-step's: resp[n][K], row-major, each
 * finite and >= 0 (a row need not sum to one; one-hot rows are k-means
 * labels), multiplied by the row's weight as the E-step's are. This is how
 * an initialisation becomes statistics: the M-step on them gives the
 * first parameters (gmix_em_start_stats). The log-likelihood of s is not
 * changed; its weight grows by the rows' weights. n may be 0. GMIX_OK,
 * GMIX_EINVAL (NULL s, or resp NULL or negative or not finite: row and
 * component named), GMIX_EDIM, GMIX_ENONFINITE, GMIX_EWEIGHTS,
 * GMIX_ENOMEM. On failure s is unchanged. */
GMIX_API gmix_status gmix_stats_accumulate_resp(gmix_stats *s, const double *x,
                                                size_t n, size_t d,
                                                const double *w,
                                                const double *resp,
                                                gmix_error *err);

/* Add the statistics of other rows, taken under the same model, to
 * `into`. GMIX_EINVAL when the models differ. */
GMIX_API gmix_status gmix_stats_merge(gmix_stats *into, const gmix_stats *from,
                                      gmix_error *err);

/* The M-step: a new model from the statistics (opt NULL = defaults; read
 * are reg_covar and the collapse policy: min_weight, max_reseed,
 * max_reseed_per_component). Components that collapse are re-seeded as in
 * gmix_fit and the events are on the new model (gmix_model_reseed). The
 * new model has no fit report. GMIX_OK, GMIX_EINVAL (no rows of positive
 * weight), GMIX_ENOTPD, GMIX_ECOLLAPSE, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_stats_mstep(const gmix_stats *s,
                                      const gmix_options *opt, gmix_model **out,
                                      gmix_error *err);

/* Sum of the weights of the rows accumulated (0 for NULL). */
GMIX_API double gmix_stats_weight(const gmix_stats *s);
/* Sum of w log p(x) over the rows accumulated, under the model the
 * statistics were created with (NaN for NULL). Divided by
 * gmix_stats_weight it is gmix_fit's lower bound. */
GMIX_API double gmix_stats_log_likelihood(const gmix_stats *s);
/* The statistics as one flat array of *len doubles, owned by s: summing
 * the arrays of objects created under the same model, element by element,
 * is the same as gmix_stats_merge. Valid until s is freed. NULL (and *len
 * 0) for NULL s. */
GMIX_API double *gmix_stats_buffer(gmix_stats *s, size_t *len);

/* The statistics packed for sending over a network: gmix_stats_buffer's
 * array without the strictly lower triangles of its symmetric scatter
 * matrices, which are always zero and never read. Full covariances send
 * K d (d + 1) / 2 scatter doubles instead of K d^2, tied d (d + 1) / 2
 * instead of d^2; diag and spherical have no such matrix, and their
 * packed array is the buffer itself. Summing the packed arrays of
 * statistics created under the same model, element by element, and
 * unpacking the sum into one of them is gmix_stats_merge of all.
 *
 * gmix_stats_packed_size: the number of doubles (0 for NULL).
 * gmix_stats_pack: writes them to out[len] (caller-owned).
 * gmix_stats_unpack: replaces s's statistics by those packed in in[len]
 * (read-only, not retained); its log-likelihood and weight too.
 * Both return GMIX_OK, or GMIX_EINVAL for a NULL argument or a len that
 * is not gmix_stats_packed_size(s) (s then unchanged). */
GMIX_API size_t gmix_stats_packed_size(const gmix_stats *s);
GMIX_API gmix_status gmix_stats_pack(const gmix_stats *s, double *out,
                                     size_t len, gmix_error *err);
GMIX_API gmix_status gmix_stats_unpack(gmix_stats *s, const double *in,
                                       size_t len, gmix_error *err);

GMIX_API void gmix_stats_free(gmix_stats *s);

/* ---- EM over statistics that the caller gathers: a gmix_em whose passes
 * over the data happen outside it (rows spread over MPI ranks, files read
 * a block at a time). The restart, the collapse policy with its limits
 * and events, the convergence test and the fit report are gmix_fit's; only
 * the pass is the caller's. A fit is, for each restart i:
 *   gmix_em_start_stats(init statistics or warm start, ..., i, &em);
 *   repeat max_iter times or until converged:
 *     gmix_em_stats(em, &s); accumulate every row into s (accumulate
 *     locally and sum the flat buffers, gmix_stats_buffer, across parts);
 *     gmix_em_step_stats(em, s, ...); gmix_stats_free(s);
 * keep the restart with the highest lower bound (the first on a tie), then
 * gmix_em_finish. Fed the statistics of all the rows, this follows
 * gmix_fit from the same start up to the rounding of the sums. */

/*
 * Start restart `init_index` of a fit of n rows of total weight sum_w
 * (both of the whole data; they enter the report, and sum_w the weights
 * of the M-steps, as in gmix_fit). opt (read during the call; the callback
 * is not called) gives K, the covariance type and the limits; the start is
 *  - opt->warm_start, when given: `init` may then be NULL; else
 *  - the M-step on `init`: statistics of initial responsibilities
 *    (gmix_stats_accumulate_resp) of the whole data, with weights
 *    N_k / sum N_k and the collapse policy at iteration 0, as gmix_fit's
 *    initialisation; any of weights_init, means_init, precisions_init
 *    then replaces its part. opt->init is not used: choosing the
 *    responsibilities is the caller's part.
 * GMIX_OK, GMIX_EINVAL (NULL out, bad options, neither init nor a warm
 * start), GMIX_EDIM (init or the warm start of another K, d or type),
 * GMIX_ETOOFEW (n < K), GMIX_EWEIGHTS (sum_w not finite and > 0),
 * GMIX_ENOMEM, and the collapse statuses of gmix_fit.
 */
GMIX_API gmix_status gmix_em_start_stats(const gmix_stats *init, size_t n,
                                         double sum_w, const gmix_options *opt,
                                         size_t init_index, gmix_em **out,
                                         gmix_error *err);

/* New empty statistics under em's current parameters, for the caller to
 * accumulate the next E-step into; their passes use the fit's
 * opt->threads. GMIX_OK, GMIX_EINVAL, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_em_stats(const gmix_em *em, gmix_stats **out,
                                   gmix_error *err);

/* One EM iteration from s, the statistics of the whole data under em's
 * current parameters: its lower bound is s's mean log-likelihood, then the
 * M-step, the collapse policy and the convergence test of gmix_em_step
 * (info and converged likewise; info->seconds is the time of this call).
 * Works on a gmix_em from gmix_em_start too. GMIX_OK, GMIX_EINVAL (NULL,
 * statistics under other parameters, or of no positive weight), the
 * collapse statuses of gmix_fit, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_em_step_stats(gmix_em *em, const gmix_stats *s,
                                        gmix_iteration *info, int *converged,
                                        gmix_error *err);

/* The model of a finished fit, as gmix_fit returns it: em's parameters,
 * report, history and re-seed events, with report.log_likelihood set to
 * `log_likelihood` (the caller's final E-step: the mean log-likelihood per
 * unit weight of em's current parameters over the whole data; NaN when
 * unknown), report.n_init to opt->n_init and report.seconds to `seconds`.
 * When no iteration ran (max_iter 0), report.lower_bound is that
 * log-likelihood too, as in gmix_fit. GMIX_OK, GMIX_EINVAL, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_em_finish(const gmix_em *em, double log_likelihood,
                                    double seconds, gmix_model **out,
                                    gmix_error *err);

/* ------------------------------------------------------------------------
 * The fit report, carried by a fitted model
 * ---------------------------------------------------------------------- */

typedef enum gmix_reseed_reason {
  GMIX_RESEED_EMPTY = 0, /* weight fell below min_weight                    */
  GMIX_RESEED_NOT_PD = 1 /* covariance not positive definite after reg_covar */
} gmix_reseed_reason;

typedef struct gmix_reseed_event {
  size_t init;      /* restart index                                        */
  size_t iteration; /* 1-based iteration whose M-step found the problem; 0
                       for the M-step that builds the initial parameters  */
  size_t component; /* the component re-seeded (0-based)                     */
  size_t source;    /* the component split to re-seed it                     */
  gmix_reseed_reason reason;
} gmix_reseed_event;

typedef struct gmix_fit_report {
  int has_fit;           /* 0 for a model that was built, not fitted        */
  int converged;         /* 1 if |change| < tol before max_iter             */
  size_t n_iter;         /* EM iterations of the best restart               */
  size_t n_init;         /* restarts run                                    */
  size_t best_init;      /* 0-based index of the restart kept               */
  double lower_bound;    /* mean log-likelihood per unit weight at the last
                            E-step of the best restart (scikit-learn's
                            lower_bound_)                                    */
  double log_likelihood; /* mean log-likelihood per unit weight of the
                            returned parameters (a final E-step)           */
  size_t n_samples;      /* rows fitted                                     */
  double sum_weights;    /* total sample weight fitted                      */
  size_t n_reseeds;      /* re-seed events of the best restart              */
  double seconds;        /* wall time of the whole fit                      */
  /* M-steps of the best restart whose inner iterations stopped at
   * mstep_max_iter before reaching mstep_tol (always 0 for the models
   * with a closed-form M-step). Appended: the report is read through the
   * pointer gmix_model_report returns, so older callers read a prefix. */
  size_t n_mstep_unconverged;
} gmix_fit_report;

/* The fit report of `m`, owned by the model and valid until it is freed.
 * A model that was not fitted, and NULL, give a report with has_fit = 0
 * and zeros. Never NULL. */
GMIX_API const gmix_fit_report *gmix_model_report(const gmix_model *m);

/* The lower bound after each iteration of the best restart. Copies up to
 * `cap` values into `out` (may be NULL when cap is 0) and returns how many
 * there are in all (0 for NULL m). */
GMIX_API size_t gmix_model_history(const gmix_model *m, double *out,
                                   size_t cap);

/* The re-seed events of the best restart (of the M-step, for a model from
 * gmix_stats_mstep): their number, and event i (owned by the model; NULL
 * when i is out of range or m is NULL). */
GMIX_API size_t gmix_model_n_reseeds(const gmix_model *m);
GMIX_API const gmix_reseed_event *gmix_model_reseed(const gmix_model *m,
                                                    size_t i);

/* ------------------------------------------------------------------------
 * Models
 * ---------------------------------------------------------------------- */

/* Number of doubles in the covariances (and precisions) of a model of this
 * type: full K*d*d, tied d*d, diag K*d, spherical K, mclust's other ten
 * K*d*d. 0 on overflow or an invalid type. */
GMIX_API size_t gmix_covariance_size(gmix_covariance_type type, size_t k,
                                     size_t d);

/* The array shape of a model's covariances (and precisions and precision
 * Cholesky factors), as gmix_model_covariances writes them and the model
 * file stores them: writes up to three dimensions into dims and returns
 * their number (full and mclust's other ten [K][d][d], tied [d][d], diag
 * [K][d], spherical [K]);
 * 0 for an invalid type or NULL dims. *per_component (may be NULL)
 * receives 1 when the first dimension indexes components, 0 when one
 * covariance is shared by every component. */
GMIX_API size_t gmix_covariance_shape(gmix_covariance_type type, size_t k,
                                      size_t d, size_t dims[3],
                                      int *per_component);

/* How far from one the weights given to gmix_model_create, to the
 * *_init options or in a model file may sum (absolute). They are used as
 * given, not renormalised. */
#define GMIX_WEIGHT_SUM_TOLERANCE 1e-6

/*
 * Build a model from parameters. weights [K] (>= 0, finite, summing to 1
 * within GMIX_WEIGHT_SUM_TOLERANCE), means [K][d], covariances
 * by type as gmix_covariance_size (symmetric positive definite; for full,
 * tied and mclust's other ten only the lower triangle is read). No
 * regularisation is added. For mclust's ten, the matrices are used as
 * given, whether or not they satisfy the model's constraint (the first
 * M-step imposes it), and their decomposition is computed from them.
 * Returns GMIX_OK, GMIX_EINVAL, GMIX_ENONFINITE, GMIX_ENOTPD (component
 * named), GMIX_EOVERFLOW, GMIX_ENOMEM.
 */
GMIX_API gmix_status gmix_model_create(gmix_covariance_type type, size_t k,
                                       size_t d, const double *weights,
                                       const double *means,
                                       const double *covariances,
                                       gmix_model **out, gmix_error *err);

/* As gmix_model_create, from precision matrices instead of covariances
 * (scikit-learn's precisions_ layout). */
GMIX_API gmix_status gmix_model_create_from_precisions(
    gmix_covariance_type type, size_t k, size_t d, const double *weights,
    const double *means, const double *precisions, gmix_model **out,
    gmix_error *err);

/* A deep copy of `m` (report, re-seed events and feature names included).
 * GMIX_OK, GMIX_EINVAL, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_model_copy(const gmix_model *m, gmix_model **out,
                                     gmix_error *err);

GMIX_API void gmix_model_free(gmix_model *m);

GMIX_API size_t gmix_model_n_components(const gmix_model *m);
GMIX_API size_t gmix_model_n_features(const gmix_model *m);
GMIX_API gmix_covariance_type gmix_model_covariance_type(const gmix_model *m);

/* Number of free parameters: (K-1) + K*d + covariance parameters, as
 * mclust counts them (nMclustParams): full K*d*(d+1)/2, tied d*(d+1)/2,
 * diag K*d, spherical K; EII 1, EEI d, VEI K+d-1, EVI 1+K*(d-1), VEE
 * K+d*(d+1)/2-1, EVE 1+K*(d-1)+d*(d-1)/2, VVE K*d+d*(d-1)/2, EEV
 * d+K*d*(d-1)/2, VEV K+d-1+K*d*(d-1)/2, EVV 1+K*(d*(d+1)/2-1). */
GMIX_API size_t gmix_model_n_parameters(const gmix_model *m);

/* Copy-out accessors. Sizes: weights K, means K*d, covariances and
 * precisions gmix_covariance_size() in the shape gmix_covariance_shape()
 * gives, precisions_cholesky the same: for full and tied an upper
 * triangular U (zeros below the diagonal) with precision = U U^T, whether
 * the model was fitted, built from covariances or built from precisions
 * (scikit-learn's precisions_cholesky_ of a fitted model); for diag and
 * spherical 1/sqrt(variance). A NULL model or output does nothing. */
GMIX_API void gmix_model_weights(const gmix_model *m, double *out);
GMIX_API void gmix_model_means(const gmix_model *m, double *out);
GMIX_API void gmix_model_covariances(const gmix_model *m, double *out);
GMIX_API void gmix_model_precisions(const gmix_model *m, double *out);
GMIX_API void gmix_model_precisions_cholesky(const gmix_model *m, double *out);

/* The decomposition Sigma_k = lambda_k D_k A_k D_k^T of a model of one of
 * mclust's ten models beyond scikit-learn's four (EII ... EVV): scale [K]
 * (lambda_k = det(Sigma_k)^(1/d)), shape [K][d] (the diagonal of A_k,
 * product one) and orientation [K][d][d] (D_k, row-major, its columns the
 * principal axes). Models that share a volume, shape or orientation give
 * the same values in every component. For a fitted model they are the
 * M-step's own; for one built from covariances (or loaded), they are
 * computed from them (eigenvectors in decreasing order of eigenvalue; for
 * the models with the identity orientation, D = I and A the normalised
 * diagonal). Any output may be NULL. Returns 1 when the model has a
 * decomposition (outputs written), 0 otherwise (the four, NULL m). */
GMIX_API int gmix_model_decomposition(const gmix_model *m, double *scale,
                                      double *shape, double *orientation);

/* Feature names: `names` holds d NUL-terminated strings (copied), or NULL
 * to clear them. GMIX_OK, GMIX_EINVAL, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_model_set_feature_names(gmix_model *m,
                                                  const char *const *names,
                                                  gmix_error *err);
/* The name of feature j, or NULL when the model has none or j >= d. The
 * pointer is valid until the names change or the model is freed. */
GMIX_API const char *gmix_model_feature_name(const gmix_model *m, size_t j);

/* ------------------------------------------------------------------------
 * Using a model. x is n x d with d equal to the model's (else GMIX_EDIM),
 * finite (else GMIX_ENONFINITE naming row and column). n may be 0.
 * `threads` is the number of worker threads (0 = all available); results
 * are bit-identical for any value. Statuses: GMIX_OK, GMIX_EINVAL (NULL
 * model or output), GMIX_EDIM, GMIX_ENONFINITE, GMIX_EOVERFLOW,
 * GMIX_ENOMEM, and GMIX_EWEIGHTS for the calls that take weights.
 * ---------------------------------------------------------------------- */

/* log p(x_i) for each row: out[n]. */
GMIX_API gmix_status gmix_score_samples(const gmix_model *m, const double *x,
                                        size_t n, size_t d, size_t threads,
                                        double *out, gmix_error *err);

/* Weighted mean log-likelihood Σ w_i log p(x_i) / Σ w_i (w NULL = ones).
 * n must be >= 1. */
GMIX_API gmix_status gmix_score(const gmix_model *m, const double *x, size_t n,
                                size_t d, const double *w, size_t threads,
                                double *out, gmix_error *err);

/* Most probable component of each row: labels[n] (ties: lowest index). */
GMIX_API gmix_status gmix_predict(const gmix_model *m, const double *x,
                                  size_t n, size_t d, size_t threads,
                                  size_t *labels, gmix_error *err);

/* Responsibilities: out[n][K], each row summing to one. */
GMIX_API gmix_status gmix_predict_proba(const gmix_model *m, const double *x,
                                        size_t n, size_t d, size_t threads,
                                        double *out, gmix_error *err);

/* Draw n rows from the mixture into x[n][d]; labels[n] (may be NULL)
 * receives each row's component. Deterministic for a given seed on every
 * platform. */
GMIX_API gmix_status gmix_sample(const gmix_model *m, size_t n, uint64_t seed,
                                 double *x, size_t *labels, gmix_error *err);

/* Bayesian and Akaike information criteria on data x (lower is better):
 * BIC = -2 Σ w log p + p log(Σ w), AIC = -2 Σ w log p + 2 p, with p =
 * gmix_model_n_parameters (w NULL = ones, as scikit-learn). mclust
 * reports BIC with the opposite sign, 2 Σ w log p - p log(Σ w), higher
 * is better: the same number negated. n must be >= 1. */
GMIX_API gmix_status gmix_bic(const gmix_model *m, const double *x, size_t n,
                              size_t d, const double *w, size_t threads,
                              double *out, gmix_error *err);
GMIX_API gmix_status gmix_aic(const gmix_model *m, const double *x, size_t n,
                              size_t d, const double *w, size_t threads,
                              double *out, gmix_error *err);
/* Integrated completed likelihood (Biernacki, Celeux & Govaert 2000),
 * lower is better: ICL = BIC + 2 E with E the classification entropy
 * -Σ_i w_i Σ_k r_ik log r_ik of the responsibilities r (0 log 0 = 0). It
 * penalises components that overlap, so it prefers well separated
 * clusters where BIC prefers the best density. Computed in one pass
 * without storing the n x K responsibilities. n must be >= 1. */
GMIX_API gmix_status gmix_icl(const gmix_model *m, const double *x, size_t n,
                              size_t d, const double *w, size_t threads,
                              double *out, gmix_error *err);

/* The criteria, for gmix_select. Lower is better for each. */
typedef enum gmix_criterion {
  GMIX_CRITERION_BIC = 0, /* gmix_bic */
  GMIX_CRITERION_AIC = 1, /* gmix_aic */
  GMIX_CRITERION_ICL = 2  /* gmix_icl */
} gmix_criterion;

/* "bic", "aic", "icl"; NULL for an invalid value. */
GMIX_API const char *gmix_criterion_name(gmix_criterion criterion);
/* Parse a criterion name (exact, lower case). GMIX_EINVAL if unknown (the
 * message lists the known names). */
GMIX_API gmix_status gmix_criterion_parse(const char *name, gmix_criterion *out,
                                          gmix_error *err);

/* ------------------------------------------------------------------------
 * Model selection: a sweep over the number of components and the
 * covariance types
 *
 * Every candidate (a "cell": one covariance type and one K) is fitted from
 * each of a list of starts, each with restarts; the cell keeps the fit of
 * highest log-likelihood (ranked as gmix_fit ranks its restarts: by the
 * lower bound of the last iteration, ties to the first), and the sweep
 * reports, for every cell, its log-likelihood, parameter count and
 * criteria, or why it could not be fitted, and chooses the cell with the
 * lowest criterion.
 *
 * Conventions. Every criterion is lower-is-better (scikit-learn's sign);
 * each cell also carries bic_mclust = 2 Σ w log p - p log(Σ w), the
 * higher-is-better BIC that R's mclust prints, so that its tables compare
 * directly (gmix's full, tied, diag and spherical are mclust's VVV, EEE,
 * VVI and VII).
 *
 * A candidate that cannot be fitted is a failed cell, never a failed
 * sweep: its status says why and its message says what and where.
 *  - GMIX_ETOOFEW: the data have no more rows of positive weight than the
 *    candidate has free parameters (gmix_model_n_parameters): such a fit
 *    interpolates the data and its criterion means nothing, so it is not
 *    attempted. This includes every K above the number of rows.
 *  - GMIX_ENOTPD, GMIX_ECOLLAPSE: every one of its fits failed as gmix_fit
 *    does (a covariance not positive definite after reg_covar, a component
 *    that collapsed and could not be re-seeded); the message is that of
 *    the first to fail.
 *  - GMIX_EOVERFLOW: the candidate is too large for this machine.
 * A fit that fails while another of the same cell succeeds is counted in
 * the cell's n_failed and otherwise ignored.
 *
 * Parallelism. With threads > 1 the sweep either runs the cells in
 * parallel, each fit of a cell (one start, one restart) on one thread, the
 * heaviest cells first and the hierarchical start's tree built beside
 * the other starts' fits, or runs them one after another, each fit using
 * every thread. It runs them in parallel
 * unless a single cell would keep one thread busy for longer than the
 * whole sweep takes on all threads (its rows x the per-row cost of its
 * E-step exceeds the sum over all cells divided by the thread count) and
 * that cell's data split into at least as many chunks as there are
 * threads, so that its fit can use them all. Either way every fit is
 * bit-identical for any thread count (gmix_options.threads), and random
 * choices depend on the seed, K and the restart, never on the thread: the
 * whole table is bit-identical for any thread count.
 * ---------------------------------------------------------------------- */

/* Called after each cell, fitted or failed: `cell` (valid during the
 * call), `done` cells finished out of `total`. Return non-zero to cancel
 * the sweep (gmix_select then returns GMIX_ECANCELLED; fits under way
 * stop at their next iteration). Calls never overlap, but when cells run
 * in parallel they come from the sweep's worker threads, and cells finish
 * in any order. */
typedef struct gmix_select_cell gmix_select_cell;
typedef int (*gmix_select_callback)(const gmix_select_cell *cell, size_t done,
                                    size_t total, void *user);

/*
 * Sweep options. Fill with gmix_select_options_init() first, then
 * overwrite fields. Pointers are read during the call only.
 *
 * The settings of each fit are those of `fit` (gmix_options_init'ed by
 * gmix_select_options_init, except tol): reg_covar, max_iter, the
 * collapse policy, k-means settings, chunk and block sizes, and
 *  - fit.tol: GMIX_SELECT_TOL_DEFAULT (1e-5), not gmix_fit's 1e-3. A
 *    sweep compares log-likelihoods across candidates, and EM stopped
 *    early can rank a candidate below a peer that ran longer: R's mclust
 *    stops its EM when the total log-likelihood changes by less than 1e-5
 *    of itself, that is when the mean per row changes by less than
 *    1e-5 (|mean log-likelihood| + 1/n), and this default is at least as
 *    tight whenever the mean log-likelihood per row is below -1 + 1/n,
 *  - fit.n_init: restarts from each start (default 1),
 *  - fit.seed: the seed of every random choice (default 0),
 *  - fit.threads: the threads of the whole sweep (0 = all available).
 * For each fit the sweep sets fit.n_components, fit.covariance_type and
 * fit.init itself and installs its own callback, so those fields and
 * fit.callback are ignored; fit.warm_start and the *_init parameters must
 * be NULL (GMIX_EINVAL), since no one start suits every K.
 *
 * Restart r of start s of cell (type, K) is restart r of gmix_fit with
 * init = starts[s], n_components = K, covariance_type = type and the
 * sweep's seed and settings, and the cell keeps the one gmix_fit would:
 * gmix_fit with init = the cell's best_start reproduces its model (unless
 * another restart of that start failed, which gmix_fit reports as an
 * error). Every type at a given K therefore starts from the same k-means
 * partition, and from the same hierarchical one; the hierarchical tree
 * of a restart is built once for the whole sweep and cut at each K (as
 * mclust cuts one tree), which gives the tree gmix_fit builds for that K.
 *
 * Growth: `fit` is itself a growable struct. Fields added to this struct
 * go after `fit` and are found at offsetof(fit) + fit.struct_size, so the
 * two structs grow independently (see "A stable interface" above).
 */
/* The default of gmix_select_options.fit.tol (see above). */
#define GMIX_SELECT_TOL_DEFAULT 1e-5

typedef struct gmix_select_options {
  size_t struct_size; /* set by gmix_select_options_init              */
  size_t k_min;       /* smallest K tried, >= 1. Default 1.            */
  size_t k_max;       /* largest K tried, >= k_min. Default 9.         */
  /* The covariance types tried, in this order (the table's columns), each
   * at most once. NULL = the four of scikit-learn: full, tied, diag,
   * spherical. gmix_covariance_types() lists every registered one.
   * Default NULL, 0. */
  const gmix_covariance_type *covariance_types;
  size_t n_covariance_types;
  gmix_criterion criterion; /* chooses the best cell. Default BIC.     */
  /* How each cell's fits start: every start runs fit.n_init restarts.
   * NULL = the default starts: mclust's hierarchical agglomeration
   * (GMIX_INIT_HC), then k-means (GMIX_INIT_KMEANS). Default NULL, 0. */
  const gmix_init_method *starts;
  size_t n_starts;
  gmix_select_callback callback; /* after each cell, or NULL. Default NULL */
  void *callback_data;           /* passed to callback. Default NULL.     */
  gmix_options fit;              /* settings of every fit (see above)     */
} gmix_select_options;

/* Fill `opt` with the documented defaults (fit with gmix_options_init's,
 * but fit.tol = GMIX_SELECT_TOL_DEFAULT).
 * Thread-safe. A macro over gmix_select_options_init_size, which takes the
 * sizes of gmix_select_options and gmix_options as the caller's header
 * declares them (see gmix_options_init). */
GMIX_API void gmix_select_options_init_size(gmix_select_options *opt,
                                            size_t size, size_t fit_size);
#define gmix_select_options_init(opt)                                          \
  gmix_select_options_init_size((opt), sizeof(gmix_select_options),            \
                                sizeof(gmix_options))

/* Check sweep options alone (without data): GMIX_OK or GMIX_EINVAL with a
 * message naming the field. */
GMIX_API gmix_status
gmix_select_options_validate(const gmix_select_options *opt, gmix_error *err);

/* One cell of the table, filled by the library (never copy it into your
 * own struct: read it through the pointer; fields are only appended). */
struct gmix_select_cell {
  gmix_covariance_type covariance_type;
  size_t n_components; /* K                                           */
  gmix_status status;  /* GMIX_OK, or why it could not be fitted     */
  size_t n_parameters; /* free parameters (gmix_model_n_parameters)  */
  /* Of the cell's best fit; NaN when status is not GMIX_OK: */
  double log_likelihood;       /* Σ w log p(x), the total (not the mean)     */
  double bic, aic, icl;        /* as gmix_bic, gmix_aic, gmix_icl: lower is
                                  better                                     */
  double bic_mclust;           /* 2 log_likelihood - p log(Σ w) = -bic:
                                  mclust's sign, higher is better            */
  int converged;               /* the best fit converged before max_iter     */
  size_t n_iter;               /* EM iterations of the best fit              */
  gmix_init_method best_start; /* the start of the best fit              */
  size_t best_init;            /* its restart, 0 .. fit.n_init-1            */
  size_t n_failed;             /* fits of this cell that failed              */
  char message[GMIX_ERROR_MESSAGE_SIZE]; /* why it failed; "" when OK    */
};

/* The outcome of a sweep (opaque). */
typedef struct gmix_select_result gmix_select_result;

/* "No cell": gmix_select_result_best when every cell failed. */
#define GMIX_SELECT_NONE ((size_t)-1)

/*
 * Fit every cell of opt's sweep to x[n][d] (weights w[n], NULL = ones) and
 * choose the best by opt->criterion (ties: the lower cell index, so the
 * smaller K). On success *out receives the result, also when every cell
 * failed (then gmix_select_result_best gives GMIX_SELECT_NONE). Only what
 * concerns the whole sweep fails the call: GMIX_EINVAL (NULL argument,
 * n = 0, d = 0, bad option: the message names it), GMIX_ENONFINITE,
 * GMIX_EWEIGHTS, GMIX_EOVERFLOW (a table too large), GMIX_ENOMEM,
 * GMIX_ECANCELLED. On failure *out is untouched.
 */
GMIX_API gmix_status gmix_select(const double *x, size_t n, size_t d,
                                 const double *w,
                                 const gmix_select_options *opt,
                                 gmix_select_result **out, gmix_error *err);

/* Number of cells: n_covariance_types x (k_max - k_min + 1). 0 for NULL. */
GMIX_API size_t gmix_select_result_n_cells(const gmix_select_result *r);
/* Cell i, owned by the result and valid until it is freed; NULL when i is
 * out of range or r is NULL. Cells are ordered by K, then by covariance
 * type in the order of the options: cell (K, t) is number
 * (K - k_min) x n_covariance_types + t. */
GMIX_API const gmix_select_cell *
gmix_select_result_cell(const gmix_select_result *r, size_t i);
/* The cell of this type and K, or NULL when the sweep had none. */
GMIX_API const gmix_select_cell *
gmix_select_result_find(const gmix_select_result *r, gmix_covariance_type type,
                        size_t k);
/* The criterion the sweep chose by (BIC for NULL). */
GMIX_API gmix_criterion
gmix_select_result_criterion(const gmix_select_result *r);
/* Index of the best cell, or GMIX_SELECT_NONE when every cell failed (or
 * r is NULL). */
GMIX_API size_t gmix_select_result_best(const gmix_select_result *r);
/* The best cell's model, with its fit report; owned by the result and
 * valid until it is freed (gmix_model_copy keeps it longer). NULL when
 * every cell failed or r is NULL. */
GMIX_API const gmix_model *
gmix_select_result_best_model(const gmix_select_result *r);

GMIX_API void gmix_select_result_free(gmix_select_result *r);

/* ------------------------------------------------------------------------
 * Model files (JSON, the format of DESIGN.md)
 * ---------------------------------------------------------------------- */

/* Write `m` to `path` atomically: the text goes to a temporary file in the
 * same folder, which is flushed to disk and renamed over `path`, and the
 * folder is flushed too. On failure the previous file, if any, is left
 * intact and no temporary file remains. A file that is replaced keeps its
 * mode; a new one gets 0666 minus the process umask. Doubles are written
 * with 17 significant digits so a load gives identical values. GMIX_OK,
 * GMIX_EINVAL, GMIX_EIO (path, failing step and system reason named),
 * GMIX_ENOMEM. Thread-safe; two saves to one path at once leave one of
 * the two files whole. */
GMIX_API gmix_status gmix_model_save(const gmix_model *m, const char *path,
                                     gmix_error *err);

/* The JSON text of `m`, NUL-terminated, allocated with malloc: release it
 * with gmix_free(). The "fit" object holds the report, the lower-bound
 * history and the re-seed events; the events are left out when the model
 * holds fewer than its report counts (a model loaded from a file that
 * kept only the count). */
GMIX_API gmix_status gmix_model_to_json(const gmix_model *m, char **out,
                                        gmix_error *err);

/* Read a model file. Every field is validated (shapes, finite numbers,
 * weights summing to one, positive definite covariances, re-seed events
 * naming existing components and a known reason); unknown keys are
 * ignored; a wrong format name or a newer version is refused. The fit
 * report, its history and its re-seed events (gmix_model_reseed) are
 * restored when the file has them; a file without the "reseeds" list
 * gives the count alone. GMIX_OK, GMIX_EINVAL, GMIX_EIO, GMIX_EFORMAT
 * (what is wrong named), GMIX_ENOTPD, GMIX_ENOMEM. */
GMIX_API gmix_status gmix_model_load(const char *path, gmix_model **out,
                                     gmix_error *err);
/* As gmix_model_load, from a NUL-terminated JSON string. */
GMIX_API gmix_status gmix_model_from_json(const char *json, gmix_model **out,
                                          gmix_error *err);

/* Release memory the library returned as a plain buffer (gmix_model_to_json).
 */
GMIX_API void gmix_free(void *p);

/* ------------------------------------------------------------------------
 * Data files: CSV, TSV, whitespace-separated text, NumPy .npy
 * ---------------------------------------------------------------------- */

/* Fill with gmix_read_options_init() first, then overwrite fields; NULL
 * options mean the defaults. struct_size: see "A stable interface" at the
 * top of this header. */
typedef struct gmix_read_options {
  size_t struct_size; /* sizeof(gmix_read_options); set by init            */
  char delimiter; /* ',', '\t', ';', ' ' (any run of blanks), or 0 to detect.
                     Default 0.                                            */
  int header;     /* 1 present, 0 absent, -1 detect. Default -1.          */
  const char *columns;       /* Comma-separated column names or 1-based indices
                                to keep, in that order; NULL keeps all. Default
                                NULL.                                            */
  const char *weight_column; /* Name or 1-based index of a column read as
                                sample weights and removed from the data;
                                NULL for none. Default NULL.               */
  int drop_bad_rows; /* 0 refuses a bad cell or ragged row with an error;
                        1 drops such rows and counts them. Default 0.      */
  /* 1 lets large float64 C-order little-endian .npy files be memory-
   * mapped instead of copied, which saves the copy's time and memory. Only
   * for files that nothing truncates while the table lives: the table's
   * data are then the file's pages, and reading a page that another
   * process cut off the file raises SIGBUS, which kills a program that
   * does not handle it. A file found shorter than its shape when it is
   * mapped is refused (GMIX_EPARSE), as a copy would refuse it.
   * 0 copies every file, so a file that changes after gmix_table_read
   * returns cannot affect the table. Default 0. */
  int allow_mmap;
} gmix_read_options;

/* Fill `opt` with the defaults. A macro over gmix_read_options_init_size,
 * which takes the size of the caller's struct (see gmix_options_init). */
GMIX_API void gmix_read_options_init_size(gmix_read_options *opt, size_t size);
#define gmix_read_options_init(opt)                                            \
  gmix_read_options_init_size((opt), sizeof(gmix_read_options))

/* A data matrix read from a file: n rows x d columns of doubles. */
typedef struct gmix_table gmix_table;

/*
 * Read a data file. `path` "-" reads standard input (text only). A file
 * whose first bytes are the NumPy magic is read as .npy (float64 or
 * float32, C or Fortran order, either byte order); anything else as
 * delimited text. Errors name file:line:column and the offending text.
 * GMIX_OK, GMIX_EINVAL, GMIX_EIO, GMIX_EPARSE, GMIX_ENONFINITE,
 * GMIX_EOVERFLOW, GMIX_ENOMEM.
 */
GMIX_API gmix_status gmix_table_read(const char *path,
                                     const gmix_read_options *opt,
                                     gmix_table **out, gmix_error *err);

GMIX_API size_t gmix_table_rows(const gmix_table *t);
GMIX_API size_t gmix_table_cols(const gmix_table *t);
/* Row-major rows x cols data, valid until gmix_table_free (NULL for a
 * part of 0 rows). */
GMIX_API const double *gmix_table_data(const gmix_table *t);
/* Sample weights (rows values) when a weight column was read, else NULL. */
GMIX_API const double *gmix_table_weights(const gmix_table *t);
/* Name of column j (after selection), or NULL when there was no header. */
GMIX_API const char *gmix_table_column_name(const gmix_table *t, size_t j);
/* Rows dropped under drop_bad_rows. */
GMIX_API size_t gmix_table_dropped_rows(const gmix_table *t);
/* 1 if the data are memory-mapped from the file rather than copied. */
GMIX_API int gmix_table_is_mapped(const gmix_table *t);
GMIX_API void gmix_table_free(gmix_table *t);

/* ---- Reading a file in parts or in blocks: for distributed fits (each
 * process reads its own share of one file) and for data larger than
 * memory (several passes over a file, a block at a time). Both give
 * exactly the rows gmix_table_read gives, with the same options, checks
 * and messages; a line or row named in a message is numbered in the whole
 * file. */

/*
 * Read share `part` (0-based) of `n_parts` of the data file `path` into a
 * new table *out. Taken together, the tables of parts 0 .. n_parts-1 hold
 * the rows of gmix_table_read(path, opt), each once, in file order (part 0
 * first), for any n_parts.
 *
 * .npy: share `part` holds rows [n*part/n_parts, n*(part+1)/n_parts) of
 * the file's n rows (rounded down), read at their file offset: no byte of
 * another row is read (C or Fortran order alike).
 * Delimited text: the file's bytes are split the same way, and a share
 * holds the lines that start in its byte range. Every part reads the file
 * from its start up to the first content line, which gives the delimiter,
 * the number of fields and the header (never data when it is one), and
 * counts the newlines before its range so that messages give whole-file
 * line numbers; it then parses only its own lines, reading past its range
 * only to finish its last line (in blocks of a few megabytes).
 * A share may hold no row (a small file in many parts, or a share inside
 * one long line or a header): *out is then a table of 0 rows (its data
 * NULL) with the file's columns, not an error. A file with no content line
 * at all is GMIX_EPARSE, as for gmix_table_read.
 *
 * `path`: a regular file (standard input "-" and pipes are refused);
 * `opt` as gmix_table_read (NULL for defaults), read during the call only.
 * On failure *out is untouched. Thread-safe: parts of one file may be
 * read at once from several threads or processes.
 * GMIX_OK, GMIX_EINVAL (NULL path or out, n_parts = 0, part >= n_parts,
 * "-", not a regular file, bad options or columns), GMIX_EIO, GMIX_EPARSE,
 * GMIX_ENONFINITE, GMIX_EOVERFLOW, GMIX_ENOMEM.
 */
GMIX_API gmix_status gmix_table_read_part(const char *path,
                                          const gmix_read_options *opt,
                                          size_t part, size_t n_parts,
                                          gmix_table **out, gmix_error *err);

/* A data file read as a stream of row blocks, for passes over data that
 * need not fit in memory. A reader is used by one thread at a time;
 * distinct readers, even of one file, are independent. */
typedef struct gmix_reader gmix_reader;

/*
 * Open `path` ("-" reads standard input, text only) for reading in blocks
 * with gmix_reader_next. The format is chosen as by gmix_table_read, and
 * the header, delimiter and column selection are settled here from the
 * first content line, so the columns are known before the first block.
 * `opt` (NULL for defaults) is copied; its strings are read during the
 * call only; allow_mmap is ignored (blocks are always copies). The reader
 * keeps the file open until gmix_reader_free. On failure *out is
 * untouched. GMIX_OK, GMIX_EINVAL, GMIX_EIO, GMIX_EPARSE (a file with no
 * content line, a bad .npy header), GMIX_EOVERFLOW, GMIX_ENOMEM.
 */
GMIX_API gmix_status gmix_reader_open(const char *path,
                                      const gmix_read_options *opt,
                                      gmix_reader **out, gmix_error *err);

/*
 * Read the next block of at most `max_rows` (>= 1) rows. On success *x
 * points to *rows x gmix_reader_cols(r) doubles, row-major, and *w (when
 * `w` is not NULL) to *rows sample weights, or NULL when no weight column
 * was asked for. Both belong to the reader and stay valid until the next
 * call on it (next, rewind, free). *rows is 0 (and *x NULL) at the end of
 * the file, and from then on until gmix_reader_rewind. A block holds
 * max_rows rows unless the file ends first; under drop_bad_rows bad rows
 * are skipped and counted (gmix_reader_dropped_rows), and the block is
 * still filled. The memory a reader holds is bounded by the largest
 * max_rows asked for (plus, for text, a read buffer and the longest line),
 * never by the size of the file.
 * Errors name the file and the line (text, 1-based, counted in the whole
 * file) or row (.npy) and column, as gmix_table_read's; after an error the
 * reader refuses to read on (GMIX_EINVAL) until rewound. The outputs are
 * written only on success. GMIX_OK, GMIX_EINVAL (NULL r, x or rows,
 * max_rows = 0), GMIX_EIO, GMIX_EPARSE, GMIX_ENONFINITE, GMIX_EOVERFLOW,
 * GMIX_ENOMEM.
 */
GMIX_API gmix_status gmix_reader_next(gmix_reader *r, size_t max_rows,
                                      const double **x, const double **w,
                                      size_t *rows, gmix_error *err);

/* Go back to the first data row, for another pass: the blocks that follow
 * are the same as in the first pass (for a file that did not change), and
 * the count of dropped rows starts again from 0. Standard input cannot be
 * rewound (GMIX_EINVAL). GMIX_OK, GMIX_EINVAL, GMIX_EIO. */
GMIX_API gmix_status gmix_reader_rewind(gmix_reader *r, gmix_error *err);

/* Columns of every block (after selection; the weight column is not one).
 * 0 for NULL. */
GMIX_API size_t gmix_reader_cols(const gmix_reader *r);
/* Name of column j from the header, or NULL (no header, a .npy file, j out
 * of range, r NULL). Valid until gmix_reader_free. */
GMIX_API const char *gmix_reader_column_name(const gmix_reader *r, size_t j);
/* Rows dropped under drop_bad_rows since opening or the last rewind. */
GMIX_API size_t gmix_reader_dropped_rows(const gmix_reader *r);
/* Close the file and release the reader; NULL does nothing. */
GMIX_API void gmix_reader_free(gmix_reader *r);

/* Write x[n][d] (read-only, not retained) as a little-endian float64
 * C-order .npy file, atomically and with the file mode of gmix_model_save.
 * GMIX_OK, GMIX_EINVAL, GMIX_EIO (path, step and reason named),
 * GMIX_ENOMEM. */
GMIX_API gmix_status gmix_npy_write(const char *path, const double *x, size_t n,
                                    size_t d, gmix_error *err);

/* Write the `len` bytes at `data` (read-only, not retained; may be NULL
 * when len is 0) to the file `path`, atomically and with the file mode of
 * gmix_model_save: a reader sees the old file or the whole new one, never
 * a part. For front ends that produce other files (pictures, reports)
 * with the same promise. GMIX_OK, GMIX_EINVAL (NULL or empty path, NULL
 * data with len > 0), GMIX_EIO (path, step and reason named),
 * GMIX_ENOMEM. Thread-safe as gmix_model_save. */
GMIX_API gmix_status gmix_write_file(const char *path, const void *data,
                                     size_t len, gmix_error *err);

#ifdef __cplusplus
}
#endif

#endif /* GMIX_H */
