/*
 * init.c -- initial responsibilities: k-means (k-means++ seeding then Lloyd
 * iterations), k-means++ centres, random, random rows from the data, and
 * the hierarchical start of hc.c.
 *
 * Each method ends the way scikit-learn's GaussianMixture does: it defines
 * responsibilities (one-hot labels, one-hot chosen rows, random rows, or
 * one-hot hierarchical clusters; for hc on a subsample, an E-step of the
 * subsample's parameters, as mclust), and the first parameters are an
 * M-step on them. Nothing here stores an
 * n x K matrix: responsibilities are produced block by block inside the
 * engine's pass. All random choices come from gmix__rng seeded by the fit's
 * seed and the restart index, so a restart is reproducible on its own.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "collapse.h"
#include "engine.h"
#include "hc.h"
#include "init.h"
#include "kmeans_common.h"

/* GMIX_ECANCELLED when the caller's flag (gmix_options.cancel) is set:
 * read between the rounds of the k-means passes, whose own passes do not
 * read it. The engine's passes read it before every block and leave
 * e->cancelled for the fit driver. */
static gmix_status cancel_error(const gmix__init_data *in, gmix_error *err) {
  return gmix__error(err, GMIX_ECANCELLED,
                     "cancelled in the initialisation of restart %zu",
                     in->init_index);
}

static gmix_status check_cancel(const gmix__init_data *in, gmix_error *err) {
  return gmix__cancel_requested(in->opt->cancel) ? cancel_error(in, err)
                                                 : GMIX_OK;
}

/* ---- the k-means passes run on the engine's ordered reduction */

/* Rows per GEMM block in the k-means passes, and the doubles of work space
 * each thread needs for a block against up to `cols` centres. */
#define KM_BLOCK 256
static size_t km_work(size_t cols) {
  return KM_BLOCK * cols + KM_BLOCK;
}

/* Sum f's per-chunk accumulators (acc_size doubles) over chunks in chunk
 * order into total; `scratch` holds threads * (acc_size + work_size)
 * doubles, a work buffer followed by an accumulator per thread. */
static void reduce_chunks(size_t n, size_t chunk, size_t threads,
                          size_t acc_size, size_t work_size, double *scratch,
                          double *total, gmix__chunk_fn f, const void *ctx) {
  gmix__reduce_chunks(n, chunk, threads, scratch, acc_size + work_size,
                      work_size, acc_size, total, f, ctx);
}

/* Squared distances of rows x[rows][d] to centres c[m][d] through one GEMM,
 * |x|^2 + |c|^2 - 2 x.c, clipped at zero: dist[rows][m]. `cn` holds |c|^2.
 * The expansion can cancel for points very close to a centre; k-means only
 * compares distances, and this is how every fast k-means computes them. */
static void block_dist(const double *x, size_t rows, size_t d, const double *c,
                       const double *cn, size_t m, double *dist) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m,
              (int)d, -2.0, x, (int)d, c, (int)d, 0.0, dist, (int)m);
  for (size_t b = 0; b < rows; b++) {
    double xn = 0.0;
    for (size_t j = 0; j < d; j++)
      xn += x[b * d + j] * x[b * d + j];
    for (size_t t = 0; t < m; t++) {
      double v = dist[b * m + t] + xn + cn[t];
      dist[b * m + t] = v > 0.0 ? v : 0.0;
    }
  }
}

static void row_norms(const double *c, size_t m, size_t d, double *cn) {
  for (size_t t = 0; t < m; t++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
      s += c[t * d + j] * c[t * d + j];
    cn[t] = s;
  }
}

/* ---- k-means++ seeding */

typedef struct pp_ctx {
  const double *x, *w;
  size_t d;
  double *closest;    /* n: squared distance to the nearest centre */
  const double *cand; /* trials x d candidate centres               */
  const double *cn;   /* trials: |cand|^2                           */
  size_t trials;
  int update; /* 1: fold candidate 0 into closest and sum the potential */
} pp_ctx;

/* Without update: acc[t] = sum_i w_i min(closest_i, |x_i - cand_t|^2).
 * With update: closest_i = min(closest_i, |x_i - cand_0|^2) and acc[0] the
 * new potential. */
static void pp_pass(const void *vctx, size_t r0, size_t r1, double *acc,
                    double *work) {
  const pp_ctx *p = vctx;
  size_t d = p->d, m = p->trials;
  for (size_t b0 = r0; b0 < r1; b0 += KM_BLOCK) {
    size_t rows = r1 - b0 < KM_BLOCK ? r1 - b0 : KM_BLOCK;
    block_dist(p->x + b0 * d, rows, d, p->cand, p->cn, m, work);
    for (size_t b = 0; b < rows; b++) {
      size_t i = b0 + b;
      double wi = p->w ? p->w[i] : 1.0;
      if (p->update) {
        if (work[b * m] < p->closest[i])
          p->closest[i] = work[b * m];
        acc[0] += wi * p->closest[i];
      } else {
        for (size_t t = 0; t < m; t++) {
          double dd = work[b * m + t];
          acc[t] += wi * (dd < p->closest[i] ? dd : p->closest[i]);
        }
      }
    }
  }
}

/* Greedy k-means++ (Arthur and Vassilvitskii, with 2 + floor(log K) local
 * trials per centre as scikit-learn): writes K row indices to idx. */
static gmix_status kmeanspp(const gmix__init_data *in, gmix__rng *rng,
                            size_t *idx, gmix_error *err) {
  size_t n = in->n, d = in->d, k = in->k;
  size_t trials = 2 + (size_t)floor(log((double)k));
  int overflow = 0;
  double *closest = gmix__malloc_array(n, sizeof *closest, &overflow);
  double *cand = gmix__malloc_array(trials * d, sizeof *cand, &overflow);
  size_t work = km_work(trials);
  double *scratch = gmix__malloc_array(in->threads * (trials + work),
                                       sizeof *scratch, &overflow);
  double *pots = gmix__malloc((2 * trials + 1) * sizeof *pots);
  size_t *cidx = gmix__malloc(trials * sizeof *cidx);
  double *targets = gmix__malloc(trials * sizeof *targets);
  gmix_status st = GMIX_OK;
  if (!closest || !cand || !scratch || !pots || !cidx || !targets) {
    st = gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                     "out of memory in k-means++ initialisation");
    goto done;
  }
  for (size_t i = 0; i < n; i++)
    closest[i] = INFINITY;
  double *cn = pots + trials + 1;
  pp_ctx ctx = {in->x, in->w, d, closest, cand, cn, 1, 1};

  /* First centre: a row drawn with probability proportional to its weight. */
  idx[0] =
      gmix__search_cumsum(in->w, NULL, n, gmix__rng_uniform(rng) * in->sum_w);
  memcpy(cand, in->x + idx[0] * d, d * sizeof *cand);
  row_norms(cand, 1, d, cn);
  reduce_chunks(n, in->chunk, in->threads, 1, work, scratch, pots, pp_pass,
                &ctx);
  double pot = pots[0];

  for (size_t c = 1; c < k && (st = check_cancel(in, err)) == GMIX_OK; c++) {
    for (size_t t = 0; t < trials; t++) {
      targets[t] = gmix__rng_uniform(rng) * pot;
      cidx[t] = gmix__search_cumsum(in->w, closest, n, targets[t]);
      memcpy(cand + t * d, in->x + cidx[t] * d, d * sizeof *cand);
    }
    ctx.trials = trials;
    ctx.update = 0;
    row_norms(cand, trials, d, cn);
    reduce_chunks(n, in->chunk, in->threads, trials, work, scratch, pots,
                  pp_pass, &ctx);
    size_t best = 0;
    for (size_t t = 1; t < trials; t++)
      if (pots[t] < pots[best])
        best = t;
    idx[c] = cidx[best];
    memcpy(cand, in->x + idx[c] * d, d * sizeof *cand);
    ctx.trials = 1;
    ctx.update = 1;
    row_norms(cand, 1, d, cn);
    reduce_chunks(n, in->chunk, in->threads, 1, work, scratch, pots, pp_pass,
                  &ctx);
    pot = pots[0];
  }
done:
  gmix__free(closest);
  gmix__free(cand);
  gmix__free(scratch);
  gmix__free(pots);
  gmix__free(cidx);
  gmix__free(targets);
  return st;
}

/* ---- Lloyd iterations */

typedef struct lloyd_ctx {
  const double *x, *w;
  size_t d, k;
  const double *centres;
  const double *cn; /* K: |centre|^2 */
} lloyd_ctx;

/* acc: K x d weighted sums, then K weights. Each block's distances to all
 * centres come from one GEMM. */
static void lloyd_assign(const void *vctx, size_t r0, size_t r1, double *acc,
                         double *work) {
  const lloyd_ctx *l = vctx;
  size_t d = l->d, k = l->k;
  double *cnt = acc + k * d;
  for (size_t b0 = r0; b0 < r1; b0 += KM_BLOCK) {
    size_t rows = r1 - b0 < KM_BLOCK ? r1 - b0 : KM_BLOCK;
    block_dist(l->x + b0 * d, rows, d, l->centres, l->cn, k, work);
    for (size_t b = 0; b < rows; b++) {
      const double *row = work + b * k;
      size_t c = 0;
      for (size_t t = 1; t < k; t++)
        if (row[t] < row[c])
          c = t;
      const double *xi = l->x + (b0 + b) * d;
      double wi = l->w ? l->w[b0 + b] : 1.0;
      for (size_t j = 0; j < d; j++)
        acc[c * d + j] += wi * xi[j];
      cnt[c] += wi;
    }
  }
}

/* acc: d shifted sums, d shifted squares (around row 0), then weight. */
static void moments(const void *vctx, size_t r0, size_t r1, double *acc,
                    double *work) {
  const lloyd_ctx *l = vctx;
  (void)work;
  size_t d = l->d;
  for (size_t i = r0; i < r1; i++) {
    double wi = l->w ? l->w[i] : 1.0;
    for (size_t j = 0; j < d; j++) {
      double t = l->x[i * d + j] - l->x[j];
      acc[j] += wi * t;
      acc[d + j] += wi * t * t;
    }
    acc[2 * d] += wi;
  }
}

static gmix_status lloyd(const gmix__init_data *in, double *centres,
                         gmix_error *err) {
  size_t d = in->d, k = in->k;
  size_t acc_size = k * d + k;
  if (2 * d + 1 > acc_size)
    acc_size = 2 * d + 1;
  size_t work = km_work(k);
  double *total = gmix__malloc((acc_size + k) * sizeof *total);
  double *scratch =
      gmix__malloc(in->threads * (acc_size + work) * sizeof *scratch);
  if (!total || !scratch) {
    gmix__free(total);
    gmix__free(scratch);
    return gmix__error(err, GMIX_ENOMEM, "out of memory in k-means");
  }
  double *cn = total + acc_size;
  lloyd_ctx ctx = {in->x, in->w, d, k, centres, cn};

  /* The tolerance is relative to the mean per-feature variance of the data
   * (scikit-learn's convention), computed around row 0 to avoid
   * cancellation. */
  reduce_chunks(in->n, in->chunk, in->threads, 2 * d + 1, work, scratch, total,
                moments, &ctx);
  double var = 0.0;
  for (size_t j = 0; j < d; j++) {
    double m = total[j] / total[2 * d];
    var += total[d + j] / total[2 * d] - m * m;
  }
  double tol = in->kmeans_tol * var / (double)d;

  gmix_status st = GMIX_OK;
  for (size_t it = 0; it < in->kmeans_max_iter; it++) {
    if ((st = check_cancel(in, err)) != GMIX_OK)
      break;
    row_norms(centres, k, d, cn);
    reduce_chunks(in->n, in->chunk, in->threads, k * d + k, work, scratch,
                  total, lloyd_assign, &ctx);
    double shift = 0.0;
    for (size_t c = 0; c < k; c++) {
      double cnt = total[k * d + c];
      if (!(cnt > 0.0))
        continue; /* an empty cluster keeps its centre */
      for (size_t j = 0; j < d; j++) {
        double v = total[c * d + j] / cnt;
        double t = v - centres[c * d + j];
        shift += t * t;
        centres[c * d + j] = v;
      }
    }
    if (shift <= tol)
      break;
  }
  gmix__free(total);
  gmix__free(scratch);
  return st;
}

/* ---- responsibility functions for the engine's RESP pass */

static void resp_labels(const void *vctx, const double *x, size_t row0,
                        size_t rows, size_t d, size_t k, double *r) {
  const double *centres = vctx;
  memset(r, 0, rows * k * sizeof *r);
  for (size_t b = 0; b < rows; b++)
    r[b * k + gmix__nearest(x + (row0 + b) * d, centres, k, d)] = 1.0;
}

typedef struct rows_ctx {
  const size_t *idx;
  size_t k;
} rows_ctx;

static void resp_rows(const void *vctx, const double *x, size_t row0,
                      size_t rows, size_t d, size_t k, double *r) {
  const rows_ctx *rc = vctx;
  (void)x;
  (void)d;
  memset(r, 0, rows * k * sizeof *r);
  for (size_t c = 0; c < k; c++)
    if (rc->idx[c] >= row0 && rc->idx[c] < row0 + rows)
      r[(rc->idx[c] - row0) * k + c] = 1.0;
}

static void resp_random(const void *vctx, const double *x, size_t row0,
                        size_t rows, size_t d, size_t k, double *r) {
  uint64_t seed = *(const uint64_t *)vctx;
  (void)x;
  (void)d;
  for (size_t b = 0; b < rows; b++) {
    double s = 0.0;
    for (size_t c = 0; c < k; c++) {
      /* A stateless draw per (row, component): the same for any split of
       * the rows into blocks and threads. */
      double u = gmix__hash_uniform(seed, row0 + b, c);
      r[b * k + c] = u;
      s += u;
    }
    for (size_t c = 0; c < k; c++)
      r[b * k + c] /= s;
  }
}

/* The number of rows with positive weight, up to `limit`. */
static size_t positive_rows(const gmix__init_data *in, size_t limit) {
  size_t positive = 0;
  for (size_t i = 0; i < in->n && positive < limit; i++)
    positive += !in->w || in->w[i] > 0.0;
  return positive;
}

/* GMIX_ETOOFEW unless at least K rows have positive weight. */
static gmix_status need_k_rows(const gmix__init_data *in, gmix_error *err) {
  size_t positive = positive_rows(in, in->k);
  if (positive < in->k)
    return gmix__error(err, GMIX_ETOOFEW,
                       "only %zu rows have positive weight; %zu components "
                       "need as many",
                       positive, in->k);
  return GMIX_OK;
}

/* K distinct rows with positive weight, uniformly at random. */
static gmix_status random_rows(const gmix__init_data *in, gmix__rng *rng,
                               size_t *idx, gmix_error *err) {
  gmix_status st = need_k_rows(in, err);
  if (st != GMIX_OK)
    return st;
  for (size_t c = 0; c < in->k; c++) {
    for (;;) {
      size_t i = (size_t)(gmix__rng_uniform(rng) * (double)in->n);
      if (i >= in->n || (in->w && !(in->w[i] > 0.0)))
        continue;
      size_t j = 0;
      while (j < c && idx[j] != i)
        j++;
      if (j == c) {
        idx[c] = i;
        break;
      }
    }
  }
  return GMIX_OK;
}

/* k-means on a Bernoulli subsample of about in->kmeans_max_rows rows:
 * *sub describes the subsample, whose rows and weights are allocated in
 * *xs and *ws (both NULL, and *sub = *in, when no subsampling is needed).
 * Each row is kept when a stateless hash of (seed, row) falls below
 * max_rows / n, so the choice does not depend on threads or blocks. */
static gmix_status subsample(const gmix__init_data *in, uint64_t seed,
                             gmix__init_data *sub, double **xs, double **ws,
                             gmix_error *err) {
  *sub = *in;
  *xs = *ws = NULL;
  if (in->kmeans_max_rows == 0 || in->n <= in->kmeans_max_rows)
    return GMIX_OK;
  double p = (double)in->kmeans_max_rows / (double)in->n;
  size_t m = 0;
  for (size_t i = 0; i < in->n; i++)
    m += gmix__hash_uniform(seed, i, 0) < p && (!in->w || in->w[i] > 0.0);
  if (m < in->k)
    return GMIX_OK; /* too few: use every row */
  *xs = gmix__malloc(m * in->d * sizeof **xs);
  *ws = in->w ? gmix__malloc(m * sizeof **ws) : NULL;
  if (!*xs || (in->w && !*ws)) {
    gmix__free(*xs);
    gmix__free(*ws);
    *xs = *ws = NULL;
    return gmix__error(err, GMIX_ENOMEM, "out of memory in k-means");
  }
  double sum = 0.0;
  for (size_t i = 0, r = 0; i < in->n; i++) {
    if (!(gmix__hash_uniform(seed, i, 0) < p && (!in->w || in->w[i] > 0.0)))
      continue;
    memcpy(*xs + r * in->d, in->x + i * in->d, in->d * sizeof **xs);
    if (*ws)
      (*ws)[r] = in->w[i];
    sum += in->w ? in->w[i] : 1.0;
    r++;
  }
  sub->x = *xs;
  sub->w = *ws;
  sub->n = m;
  sub->sum_w = sum;
  return GMIX_OK;
}

/* k-means++ seeding then Lloyd on (a subsample of) the data: centres[K][d]. */
static gmix_status kmeans(const gmix__init_data *in, gmix__rng *rng,
                          size_t *idx, double *centres, gmix_error *err) {
  gmix__init_data sub;
  double *xs, *ws;
  gmix_status st = subsample(in, gmix__rng_next(rng), &sub, &xs, &ws, err);
  if (st != GMIX_OK)
    return st;
  st = kmeanspp(&sub, rng, idx, err);
  if (st == GMIX_OK) {
    for (size_t c = 0; c < in->k; c++)
      memcpy(centres + c * in->d, sub.x + idx[c] * in->d,
             in->d * sizeof *centres);
    st = lloyd(&sub, centres, err);
  }
  gmix__free(xs);
  gmix__free(ws);
  return st;
}

/* ---- the hierarchical start (hc.c) */

/* A row without a label (zero weight, or outside the clustered rows). */
#define NO_LABEL SIZE_MAX

/* One-hot responsibilities from labels[row] (NO_LABEL: none). */
static void resp_label_array(const void *vctx, const double *x, size_t row0,
                             size_t rows, size_t d, size_t k, double *r) {
  const size_t *labels = vctx;
  (void)x;
  (void)d;
  memset(r, 0, rows * k * sizeof *r);
  for (size_t b = 0; b < rows; b++)
    if (labels[row0 + b] != NO_LABEL)
      r[b * k + labels[row0 + b]] = 1.0;
}

/* m of the npos rows of positive weight, uniformly without replacement
 * and in row order, into idx (selection sampling, Knuth's Algorithm S:
 * one uniform per row, so the choice depends on the seed alone); all of
 * them when m == npos. */
static void pick_rows(const gmix__init_data *in, gmix__rng *rng, size_t m,
                      size_t npos, size_t *idx) {
  size_t seen = 0, taken = 0;
  for (size_t i = 0; i < in->n && taken < m; i++) {
    if (in->w && !(in->w[i] > 0.0))
      continue;
    if (m == npos ||
        (double)(npos - seen) * gmix__rng_uniform(rng) < (double)(m - taken))
      idx[taken++] = i;
    seen++;
  }
}

/* Parameters of the fit's covariance model from the hc partition of a
 * subsample (labels of its rows xs[m][d], weights ws), then one E-step
 * over every row from them: e->total receives the statistics of those
 * responsibilities, as mclust starts EM from a subsample's hierarchy. */
static gmix_status hc_extend(gmix__engine *e, const gmix__init_data *in,
                             const double *xs, const double *ws, size_t m,
                             const size_t *labels, gmix_error *err) {
  gmix_model *sub = NULL;
  gmix__collapse col;
  memset(&col, 0, sizeof col);
  gmix_status st = gmix__model_alloc(e->ops->type, in->k, in->d, &sub, err);
  if (st == GMIX_OK && (st = gmix__collapse_init(&col, in->k, in->d, in->opt,
                                                 in->init_index)) != GMIX_OK)
    gmix__error(err, st, "out of memory in hc initialisation");
  if (st == GMIX_OK) {
    gmix__engine_pass(e, xs, m, ws, GMIX__PASS_RESP, NULL, resp_label_array,
                      labels);
    if (e->cancelled)
      st = cancel_error(in, err);
  }
  if (st == GMIX_OK) {
    double nk_sum = 0.0;
    for (size_t c = 0; c < in->k; c++)
      nk_sum += e->total[e->layout.nk + c];
    st = gmix__collapse_mstep(&col, sub, e->total, &e->layout, e->shift,
                              e->delta, nk_sum, 0, err);
  }
  if (st == GMIX_OK) {
    gmix__engine_prepare(e, sub);
    gmix__engine_pass(e, in->x, in->n, in->w, GMIX__PASS_STATS, NULL, NULL,
                      NULL);
  }
  gmix__collapse_free(&col);
  gmix_model_free(sub);
  return st;
}

void gmix__hc_tree_free(gmix__hc_tree *t) {
  if (!t)
    return;
  gmix__free(t->rows);
  gmix__free(t->merges);
  gmix__free(t);
}

/* The rows the tree clustered, xs[m][d], and their weights ws (when the
 * data have weights). */
static void tree_rows(const gmix__init_data *in, const gmix__hc_tree *t,
                      double *xs, double *ws) {
  size_t d = in->d;
  for (size_t r = 0; r < t->n_rows; r++) {
    memcpy(xs + r * d, in->x + t->rows[r] * d, d * sizeof *xs);
    if (ws)
      ws[r] = in->w[t->rows[r]];
  }
}

/* The tree of the hierarchical start: hc on the rows of positive weight,
 * or on a subsample of hc_max_rows of them (drawn from `rng`), merged down
 * to k_stop clusters. */
static gmix_status hc_tree(const gmix__init_data *in, gmix__rng *rng,
                           size_t k_stop, gmix__hc_tree **out,
                           gmix_error *err) {
  size_t d = in->d;
  size_t npos = positive_rows(in, in->n);
  size_t m = in->hc_max_rows && npos > in->hc_max_rows ? in->hc_max_rows : npos;
  size_t n_merges = m > k_stop ? m - k_stop : 0;
  int overflow = 0;
  gmix__hc_tree *t = gmix__calloc(1, sizeof *t);
  double *xs = gmix__malloc_array(m, d * sizeof *xs, &overflow);
  double *ws = in->w ? gmix__malloc_array(m, sizeof *ws, &overflow) : NULL;
  double *z = NULL;
  size_t q = 0;
  gmix_status st = GMIX_OK;
  if (t) {
    t->rows = gmix__malloc_array(m, sizeof *t->rows, &overflow);
    t->merges = gmix__malloc_array(n_merges ? n_merges : 1, sizeof *t->merges,
                                   &overflow);
  }
  if (!t || !t->rows || !t->merges || !xs || (in->w && !ws)) {
    st = gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                     "out of memory in hc initialisation (%zu rows)", m);
    goto done;
  }
  t->n_rows = m;
  t->n_positive = npos;
  t->k_stop = k_stop;
  pick_rows(in, rng, m, npos, t->rows);
  tree_rows(in, t, xs, ws);
  st = gmix__hc_transform(xs, m, d, ws, &z, &q, err);
  if (st == GMIX_OK)
    st = gmix__hc_merges_cancellable(z, m, q, ws, k_stop, in->threads,
                                     in->opt->cancel, t->merges, err);
  if (st == GMIX_ECANCELLED)
    st = cancel_error(in, err);
done:
  gmix__free(xs);
  gmix__free(ws);
  gmix__free(z);
  if (st == GMIX_OK)
    *out = t;
  else
    gmix__hc_tree_free(t);
  return st;
}

gmix_status gmix__hc_tree_build(const gmix__init_data *in, size_t k_stop,
                                gmix__hc_tree **out, gmix_error *err) {
  gmix__rng rng;
  gmix__rng_seed(&rng, in->seed, in->init_index);
  return hc_tree(in, &rng, k_stop < 1 ? 1 : k_stop, out, err);
}

/* The hierarchical start: the tree of in->hc_tree (or one built here,
 * drawing from `rng` as gmix__hc_tree_build does) cut at K clusters. */
static gmix_status hc_start(gmix__engine *e, const gmix__init_data *in,
                            gmix__rng *rng, gmix_error *err) {
  size_t n = in->n, d = in->d, k = in->k;
  gmix_status st = need_k_rows(in, err);
  if (st != GMIX_OK)
    return st;
  gmix__hc_tree *own = NULL;
  const gmix__hc_tree *t = in->hc_tree;
  if (!t || t->k_stop > k) {
    if ((st = hc_tree(in, rng, k, &own, err)) != GMIX_OK)
      return st;
    t = own;
  }
  size_t m = t->n_rows;
  int overflow = 0;
  size_t *labels = gmix__malloc_array(n, sizeof *labels, &overflow);
  double *xs = NULL, *ws = NULL;
  if (labels && m < t->n_positive) {
    xs = gmix__malloc_array(m, d * sizeof *xs, &overflow);
    ws = in->w ? gmix__malloc_array(m, sizeof *ws, &overflow) : NULL;
  }
  if (!labels || (m < t->n_positive && (!xs || (in->w && !ws)))) {
    st = gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                     "out of memory in hc initialisation (%zu rows)", m);
    goto done;
  }
  gmix__hc_labels(t->merges, m, k, labels);
  if (m < t->n_positive) {
    tree_rows(in, t, xs, ws);
    st = hc_extend(e, in, xs, ws, m, labels, err);
    goto done;
  }
  /* Every row of positive weight was clustered: spread the labels to
   * their rows (backwards, since rows[r] >= r), the others get none. */
  for (size_t i = n, r = m; i-- > 0;) {
    if (r > 0 && t->rows[r - 1] == i)
      labels[i] = labels[--r];
    else
      labels[i] = NO_LABEL;
  }
  gmix__engine_pass(e, in->x, n, in->w, GMIX__PASS_RESP, NULL, resp_label_array,
                    labels);
done:
  gmix__free(labels);
  gmix__free(xs);
  gmix__free(ws);
  gmix__hc_tree_free(own);
  return st;
}

gmix_status gmix__init_stats(gmix__engine *e, const gmix__init_data *in,
                             gmix_error *err) {
  size_t k = in->k, d = in->d;
  gmix__rng rng;
  gmix__rng_seed(&rng, in->seed, in->init_index);
  /* Initial statistics are accumulated around row 0, a point inside the
   * data, since no previous means exist. */
  for (size_t c = 0; c < k; c++)
    memcpy(e->shift + c * d, in->x, d * sizeof *e->shift);

  gmix_status st = GMIX_OK;
  size_t *idx = NULL;
  double *centres = NULL;
  switch (in->method) {
  case GMIX_INIT_RANDOM: {
    uint64_t seed = gmix__rng_next(&rng);
    gmix__engine_pass(e, in->x, in->n, in->w, GMIX__PASS_RESP, NULL,
                      resp_random, &seed);
    return GMIX_OK;
  }
  case GMIX_INIT_KMEANSPP:
  case GMIX_INIT_RANDOM_FROM_DATA: {
    idx = gmix__malloc(k * sizeof *idx);
    if (!idx)
      return gmix__error(err, GMIX_ENOMEM, "out of memory in initialisation");
    st = in->method == GMIX_INIT_RANDOM_FROM_DATA
             ? random_rows(in, &rng, idx, err)
             : kmeanspp(in, &rng, idx, err);
    if (st != GMIX_OK)
      break;
    rows_ctx rc = {idx, k};
    gmix__engine_pass(e, in->x, in->n, in->w, GMIX__PASS_RESP, NULL, resp_rows,
                      &rc);
    break;
  }
  case GMIX_INIT_KMEANS:
    idx = gmix__malloc(k * sizeof *idx);
    centres = gmix__malloc(k * d * sizeof *centres);
    if (!idx || !centres) {
      st = gmix__error(err, GMIX_ENOMEM, "out of memory in initialisation");
      break;
    }
    st = kmeans(in, &rng, idx, centres, err);
    if (st == GMIX_OK)
      gmix__engine_pass(e, in->x, in->n, in->w, GMIX__PASS_RESP, NULL,
                        resp_labels, centres);
    break;
  case GMIX_INIT_HC:
    st = hc_start(e, in, &rng, err);
    break;
  }
  gmix__free(idx);
  gmix__free(centres);
  return st;
}
