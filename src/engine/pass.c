/*
 * pass.c -- the engine: work buffers sized once per (model shape, thread
 * count), kernel parameters derived from a model, and the blocked pass
 * over rows that every fit, score and prediction runs.
 */
#include <math.h>
#include <string.h>

#include <omp.h>

#include "engine.h"

size_t gmix__engine_row_cost(const gmix__cov_model *ops, size_t k, size_t d) {
  size_t row_cost = k * d;
  if (ops->kernel == GMIX__KERNEL_FULL)
    row_cost += k * d * d;
  else if (ops->kernel == GMIX__KERNEL_SHARED)
    row_cost += d * d;
  return row_cost;
}

void gmix__default_sizes(const gmix__cov_model *ops, size_t k, size_t d,
                         size_t n, size_t *block, size_t *chunk) {
  /* A block: the widest per-block buffer near 4096 doubles (32 KiB), so a
   * block of responsibilities and the rows it is read against stay in the
   * L1 cache while the statistics sweep them component by component (with
   * 256 KiB blocks, in L2, the diag, spherical and tied passes took 10-30%
   * longer), and at least 64 rows so each BLAS call has work enough to
   * amortise its overhead. */
  size_t width = k + d, row_cost = gmix__engine_row_cost(ops, k, d);
  if (ops->kernel == GMIX__KERNEL_FULL)
    width += k * d;
  else if (ops->kernel == GMIX__KERNEL_SHARED)
    width += d;
  size_t b = 4096 / width;
  b = b < 64 ? 64 : b > 1024 ? 1024 : b;
  b = (b + 7) / 8 * 8;
  *block = b;
  /* A chunk: about 2^27 multiply-adds of work (milliseconds), so that the
   * ordered merge of chunk statistics, where threads wait for each other,
   * is rare; but at least 16 chunks when the data allow, so that threads
   * share the work evenly. Depends on n and the shape, never on the thread
   * count. */
  size_t by_work = ((size_t)1 << 27) / (row_cost * b) + 1;
  size_t by_rows = n / (16 * b) + 1;
  size_t blocks = by_work < by_rows ? by_work : by_rows;
  *chunk = (blocks > 256 ? 256 : blocks) * b;
}

void gmix__engine_free(gmix__engine *e) {
  if (!e)
    return;
  gmix__free(e->work);
  gmix__free(e->block_mem);
  gmix__free(e);
}

void gmix__engine_sizes(const gmix__cov_model *ops, size_t k, size_t d,
                        size_t n, size_t *block, size_t *chunk) {
  size_t def_block, def_chunk;
  gmix__default_sizes(ops, k, d, n, &def_block, &def_chunk);
  if (*block == 0)
    *block = def_block;
  if (*chunk == 0)
    *chunk = *block > def_chunk ? *block : def_chunk;
  if (*block > *chunk)
    *block = *chunk;
}

gmix_status gmix__engine_create(const gmix__cov_model *ops, size_t k, size_t d,
                                size_t n, size_t block, size_t chunk,
                                size_t threads, gmix__engine **out) {
  gmix__engine_sizes(ops, k, d, n, &block, &chunk);
  if (threads == 0)
    threads = (size_t)omp_get_max_threads();
  if (threads == 0)
    threads = 1;

  gmix__engine *e = gmix__calloc(1, sizeof *e);
  if (!e)
    return GMIX_ENOMEM;
  e->ops = ops;
  e->k = k;
  e->d = d;
  e->block = block;
  e->chunk = chunk;
  e->threads = threads;
  if (!gmix__stats_layout_init(&e->layout, ops, k, d)) {
    gmix__free(e);
    return GMIX_EOVERFLOW;
  }

  /* Sizes of the shared parameters and of one thread's work buffer; each
   * product is checked (the model's own sizes were checked already, but
   * block * (K d) is new). */
  size_t kd = k * d, ucat = 0, prec_t = 0, ywidth = 0, tmp;
  if (ops->kernel == GMIX__KERNEL_FULL) {
    ucat = kd * d;
    ywidth = kd;
  } else if (ops->kernel == GMIX__KERNEL_SHARED) {
    ucat = d * d;
    ywidth = d;
  } else {
    prec_t = kd;
  }
  size_t shared = d + ucat + kd + prec_t + k + 2 * kd + e->layout.size;
  size_t work = 0;
  int ok = gmix__mul(block, d, &tmp) && (work += 2 * tmp) >= tmp &&
           gmix__mul(block, ywidth, &tmp) && (work += tmp) >= tmp &&
           gmix__mul(block, k, &tmp) && (work += tmp) >= tmp &&
           (work += block) >= block &&
           (work += e->layout.size) >= e->layout.size;
  size_t all, bytes;
  ok = ok && gmix__mul(work, threads, &all) && (all += shared) >= shared &&
       gmix__mul(all, sizeof(double), &bytes);
  if (!ok) {
    gmix__free(e);
    return GMIX_EOVERFLOW;
  }
  e->block_mem = gmix__malloc(bytes);
  e->work = gmix__calloc(threads, sizeof *e->work);
  if (!e->block_mem || !e->work) {
    gmix__engine_free(e);
    return GMIX_ENOMEM;
  }
  double *p = e->block_mem;
  e->c0 = p;
  p += d;
  e->ucat = p;
  p += ucat;
  e->mu_t = p;
  p += kd;
  e->prec_t = p;
  p += prec_t;
  e->cst = p;
  p += k;
  e->shift = p;
  p += kd;
  e->delta = p;
  p += kd;
  e->total = p;
  p += e->layout.size;
  e->work_size = work;
  for (size_t t = 0; t < threads; t++) {
    e->work[t] = p;
    p += work;
  }
  memset(e->c0, 0, d * sizeof *e->c0);
  *out = e;
  return GMIX_OK;
}

void gmix__engine_prepare(gmix__engine *e, const gmix_model *m) {
  size_t k = e->k, d = e->d;
  const double log2pi = log(2.0 * 3.14159265358979323846);
  for (size_t c = 0; c < k; c++)
    e->cst[c] =
        m->log_weights[c] + m->log_det_chol[c] - 0.5 * (double)d * log2pi;
  memcpy(e->shift, m->means, k * d * sizeof *e->shift);
  gmix__kernel kern = e->ops->kernel;
  if (kern == GMIX__KERNEL_DIAG || kern == GMIX__KERNEL_ISOTROPIC) {
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) {
        e->mu_t[j * k + c] = m->means[c * d + j];
        if (kern == GMIX__KERNEL_DIAG)
          e->prec_t[j * k + c] = m->prec_chol[c * d + j];
      }
    if (kern == GMIX__KERNEL_ISOTROPIC)
      for (size_t c = 0; c < k; c++)
        e->prec_t[c] = m->prec_chol[c] * m->prec_chol[c];
    return;
  }
  /* c0: the weighted centre of the means, subtracted from rows and means
   * before multiplying by U so that the two products stay small. */
  for (size_t j = 0; j < d; j++) {
    double s = 0.0;
    for (size_t c = 0; c < k; c++)
      s += m->weights[c] * m->means[c * d + j];
    e->c0[j] = s;
  }
  size_t kd = k * d;
  for (size_t c = 0; c < k; c++) {
    const double *u =
        kern == GMIX__KERNEL_FULL ? m->prec_chol + c * d * d : m->prec_chol;
    for (size_t l = 0; l < d; l++) {
      double s = 0.0;
      for (size_t j = 0; j < d; j++)
        s += (m->means[c * d + j] - e->c0[j]) * u[j * d + l];
      e->mu_t[l * k + c] = s;
    }
    if (kern == GMIX__KERNEL_FULL)
      for (size_t j = 0; j < d; j++)
        for (size_t l = 0; l < d; l++)
          e->ucat[j * kd + l * k + c] = u[j * d + l];
  }
  if (kern == GMIX__KERNEL_SHARED) {
    memcpy(e->ucat, m->prec_chol, d * d * sizeof *e->ucat);
    for (size_t c = 0; c < k; c++)
      memcpy(e->shift + c * d, e->c0, d * sizeof *e->shift);
  }
}

/* What one pass does, for the chunk function. */
typedef struct pass_ctx {
  const gmix__engine *e;
  const double *x, *w;
  gmix__pass_mode mode;
  void *out;
  gmix__resp_fn resp_fn;
  const void *resp_ctx;
  int *stopped; /* set (atomically) by a chunk that saw e->cancel */
} pass_ctx;

/* -sum_k r_k log r_k of one row of responsibilities, with 0 log 0 = 0:
 * a component whose responsibility underflowed to zero adds nothing, as
 * its limit says. The ICL's classification entropy is the weighted sum of
 * this over rows, accumulated here so no n x K matrix is ever stored. */
static double row_entropy(const double *r, size_t k) {
  double h = 0.0;
  for (size_t c = 0; c < k; c++)
    if (r[c] > 0.0)
      h -= r[c] * log(r[c]);
  return h;
}

/* Process one chunk [r0, r1) with the work buffer ws; accumulate into
 * `local` (statistics modes) or write per-row outputs. */
static void pass_chunk(const void *vctx, size_t r0, size_t r1, double *local,
                       double *ws) {
  const pass_ctx *p = vctx;
  const gmix__engine *e = p->e;
  const double *x = p->x, *w = p->w;
  gmix__pass_mode mode = p->mode;
  void *out = p->out;
  size_t k = e->k, d = e->d, B = e->block;
  size_t ywidth = e->ops->kernel == GMIX__KERNEL_FULL     ? k * d
                  : e->ops->kernel == GMIX__KERNEL_SHARED ? d
                                                          : 0;
  double *xs = ws, *z = xs + B * d, *y = z + B * d, *L = y + B * ywidth,
         *lp = L + B * k;
  for (size_t b0 = r0; b0 < r1; b0 += B) {
    if (gmix__cancel_requested(e->cancel)) {
#pragma omp atomic write
      *p->stopped = 1;
      return;
    }
    size_t rows = r1 - b0 < B ? r1 - b0 : B;
    const double *xb = x + b0 * d;
    const double *wb = w ? w + b0 : NULL;
    if (mode == GMIX__PASS_RESP) {
      p->resp_fn(p->resp_ctx, x, b0, rows, d, k, L);
    } else {
      gmix__estep_block(e, xb, rows, xs, y, L);
      if (mode != GMIX__PASS_LABELS)
        gmix__logsumexp_rows(L, rows, k, lp,
                             mode == GMIX__PASS_STATS ||
                                 mode == GMIX__PASS_PROBA ||
                                 mode == GMIX__PASS_ENTROPY);
    }
    int stats = mode == GMIX__PASS_STATS || mode == GMIX__PASS_RESP;
    switch (mode) {
    case GMIX__PASS_STATS:
    case GMIX__PASS_RESP:
    case GMIX__PASS_SCORE:
    case GMIX__PASS_ENTROPY:
      for (size_t b = 0; b < rows; b++) {
        double wi = wb ? wb[b] : 1.0;
        local[GMIX__TOTAL_WEIGHT] += wi;
        if (mode != GMIX__PASS_RESP)
          local[GMIX__TOTAL_LOGLIK] += wi * lp[b];
        if (mode == GMIX__PASS_ENTROPY)
          local[GMIX__TOTAL_ENTROPY] += wi * row_entropy(L + b * k, k);
        if (wb && stats)
          for (size_t c = 0; c < k; c++)
            L[b * k + c] *= wi;
      }
      if (stats)
        gmix__stats_accumulate(e, xb, rows, L, local, z);
      break;
    case GMIX__PASS_LOGP:
      memcpy((double *)out + b0, lp, rows * sizeof *lp);
      break;
    case GMIX__PASS_PROBA:
      memcpy((double *)out + b0 * k, L, rows * k * sizeof *L);
      break;
    case GMIX__PASS_LABELS:
      for (size_t b = 0; b < rows; b++) {
        const double *row = L + b * k;
        size_t best = 0;
        for (size_t c = 1; c < k; c++)
          if (row[c] > row[best])
            best = c;
        ((size_t *)out)[b0 + b] = best;
      }
      break;
    }
  }
}

void gmix__engine_pass(gmix__engine *e, const double *x, size_t n,
                       const double *w, gmix__pass_mode mode, void *out,
                       gmix__resp_fn resp_fn, const void *resp_ctx) {
  size_t acc_size = 0; /* per-row outputs accumulate nothing */
  if (mode == GMIX__PASS_STATS || mode == GMIX__PASS_RESP)
    acc_size = e->layout.size;
  else if (mode == GMIX__PASS_SCORE)
    acc_size = GMIX__TOTAL_SCORE_SIZE;
  else if (mode == GMIX__PASS_ENTROPY)
    acc_size = GMIX__TOTAL_ENTROPY_SIZE;
  int stopped = 0;
  pass_ctx ctx = {e, x, w, mode, out, resp_fn, resp_ctx, &stopped};
  gmix__reduce_chunks(n, e->chunk, e->threads, e->work[0], e->work_size,
                      e->work_size - e->layout.size, acc_size, e->total,
                      pass_chunk, &ctx);
  if (acc_size == e->layout.size)
    gmix__stats_clear_lower(&e->layout, e->d, e->total);
  e->cancelled = stopped;
}
