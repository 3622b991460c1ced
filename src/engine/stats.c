/*
 * stats.c -- sufficient statistics and the blocked pass that reduces them.
 *
 * The statistics of a set of rows under responsibilities r are
 *   N_k = sum_i r_ik,  s1_k = sum_i r_ik (x_i - c_k),
 *   s2_k = sum_i r_ik (x_i - c_k)(x_i - c_k)^T  (or its diagonal),
 * accumulated around a shift c_k, the component's previous mean. Near
 * convergence x_i - c_k is the deviation from the new mean to within a small
 * correction, so the M-step's subtraction N_k delta delta^T loses almost
 * nothing; the textbook sum r x x^T - N mu mu^T from the origin would lose
 * digits in proportion to |mu|^2 / sigma^2.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "engine.h"

void gmix__stats_layout_init(gmix__stats_layout *l, gmix_covariance_type type,
                             size_t k, size_t d) {
  l->nk = 2;
  l->s1 = l->nk + k;
  l->s2 = l->s1 + k * d;
  switch (type) {
  case GMIX_COV_FULL:
    l->size = l->s2 + k * d * d;
    break;
  case GMIX_COV_TIED:
    l->size = l->s2 + d * d;
    break;
  case GMIX_COV_DIAG:
  case GMIX_COV_SPHERICAL:
    l->size = l->s2 + k * d;
    break;
  }
}

/* Full: per component, one SYRK of the sqrt(r)-scaled, shifted rows. Rows
 * whose responsibility is exactly zero add nothing and are skipped. */
static void accumulate_full(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2,
                            double *z) {
  size_t k = e->k, d = e->d;
  for (size_t c = 0; c < k; c++) {
    const double *sh = e->shift + c * d;
    double *m1 = s1 + c * d;
    size_t used = 0;
    for (size_t b = 0; b < rows; b++) {
      double rb = r[b * k + c];
      if (rb == 0.0)
        continue;
      double sq = sqrt(rb);
      const double *xb = x + b * d;
      double *zb = z + used * d;
      for (size_t j = 0; j < d; j++) {
        double t = xb[j] - sh[j];
        m1[j] += rb * t;
        zb[j] = sq * t;
      }
      used++;
    }
    if (used)
      cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)used, 1.0,
                  z, (int)d, 1.0, s2 + c * d * d, (int)d);
  }
}

/* Tied: only the pooled scatter is needed, and every component shares one
 * shift c (the weighted centre of the means, which at convergence is the
 * weighted mean of the data), so sum_k r_bk (x_b - c)(x_b - c)^T is
 * (sum_k r_bk) (x_b - c)(x_b - c)^T: one SYRK per block whatever K. */
static void accumulate_tied(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2,
                            double *z) {
  size_t k = e->k, d = e->d;
  const double *sh = e->shift; /* the same for every component */
  for (size_t b = 0; b < rows; b++) {
    const double *xb = x + b * d, *rb = r + b * k;
    double *zb = z + b * d, rs = 0.0;
    for (size_t c = 0; c < k; c++)
      rs += rb[c];
    double sq = sqrt(rs);
    for (size_t j = 0; j < d; j++)
      zb[j] = xb[j] - sh[j];
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++)
        s1[c * d + j] += rb[c] * zb[j];
    for (size_t j = 0; j < d; j++)
      zb[j] *= sq;
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)rows, 1.0, z,
              (int)d, 1.0, s2, (int)d);
}

/* Diag and spherical: first and second moments per feature. For each
 * component, a group of LANES features is summed over the block's rows in
 * vector registers and added to the statistics once per block. */
#define LANES 8
static void accumulate_diag(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s1, double *s2) {
  size_t k = e->k, d = e->d;
  for (size_t c = 0; c < k; c++) {
    const double *sh = e->shift + c * d;
    size_t j0 = 0;
    for (; j0 + LANES <= d; j0 += LANES) {
      double a1[LANES] = {0}, a2[LANES] = {0};
      for (size_t b = 0; b < rows; b++) {
        double rb = r[b * k + c];
        const double *xb = x + b * d + j0;
#pragma omp simd
        for (size_t l = 0; l < LANES; l++) {
          double t = xb[l] - sh[j0 + l], rt = rb * t;
          a1[l] += rt;
          a2[l] += rt * t;
        }
      }
      for (size_t l = 0; l < LANES; l++) {
        s1[c * d + j0 + l] += a1[l];
        s2[c * d + j0 + l] += a2[l];
      }
    }
    for (; j0 < d; j0++) {
      double a1 = 0.0, a2 = 0.0;
      for (size_t b = 0; b < rows; b++) {
        double t = x[b * d + j0] - sh[j0], rt = r[b * k + c] * t;
        a1 += rt;
        a2 += rt * t;
      }
      s1[c * d + j0] += a1;
      s2[c * d + j0] += a2;
    }
  }
}

void gmix__stats_accumulate(const gmix__engine *e, const double *x, size_t rows,
                            const double *r, double *s, double *z) {
  size_t k = e->k;
  double *nk = s + e->layout.nk, *s1 = s + e->layout.s1, *s2 = s + e->layout.s2;
  for (size_t b = 0; b < rows; b++)
    for (size_t c = 0; c < k; c++)
      nk[c] += r[b * k + c];
  switch (e->type) {
  case GMIX_COV_FULL:
    accumulate_full(e, x, rows, r, s1, s2, z);
    break;
  case GMIX_COV_TIED:
    accumulate_tied(e, x, rows, r, s1, s2, z);
    break;
  case GMIX_COV_DIAG:
  case GMIX_COV_SPHERICAL:
    accumulate_diag(e, x, rows, r, s1, s2);
    break;
  }
}

void gmix__default_sizes(gmix_covariance_type type, size_t k, size_t d,
                         size_t n, size_t *block, size_t *chunk) {
  /* A block: the widest per-block buffer near 32768 doubles (256 KiB), so a
   * block and its products stay in L2, and at least 64 rows so each BLAS
   * call has work enough to amortise its overhead. */
  size_t width = k + d, row_cost = k * d;
  if (type == GMIX_COV_FULL) {
    width += k * d;
    row_cost += k * d * d;
  } else if (type == GMIX_COV_TIED) {
    width += d;
    row_cost += d * d;
  }
  size_t b = 32768 / width;
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

gmix_status gmix__engine_create(gmix_covariance_type type, size_t k, size_t d,
                                size_t n, size_t block, size_t chunk,
                                size_t threads, gmix__engine **out) {
  size_t def_block, def_chunk;
  gmix__default_sizes(type, k, d, n, &def_block, &def_chunk);
  if (block == 0)
    block = def_block;
  if (chunk == 0)
    chunk = block > def_chunk ? block : def_chunk;
  if (block > chunk)
    block = chunk;
  if (threads == 0)
    threads = (size_t)omp_get_max_threads();
  if (threads == 0)
    threads = 1;

  gmix__engine *e = gmix__calloc(1, sizeof *e);
  if (!e)
    return GMIX_ENOMEM;
  e->type = type;
  e->k = k;
  e->d = d;
  e->block = block;
  e->chunk = chunk;
  e->threads = threads;
  gmix__stats_layout_init(&e->layout, type, k, d);

  /* Sizes of the shared parameters and of one thread's work buffer; each
   * product is checked (the model's own sizes were checked already, but
   * block * (K d) is new). */
  size_t kd = k * d, ucat = 0, prec_t = 0, ywidth = 0, tmp;
  if (type == GMIX_COV_FULL) {
    ucat = kd * d;
    ywidth = kd;
  } else if (type == GMIX_COV_TIED) {
    ucat = d * d;
    ywidth = d;
  } else {
    prec_t = kd;
  }
  size_t shared = d + ucat + kd + prec_t + k + kd + e->layout.size;
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
  if (e->type == GMIX_COV_DIAG || e->type == GMIX_COV_SPHERICAL) {
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) {
        e->mu_t[j * k + c] = m->means[c * d + j];
        if (e->type == GMIX_COV_DIAG)
          e->prec_t[j * k + c] = m->prec_chol[c * d + j];
      }
    if (e->type == GMIX_COV_SPHERICAL)
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
        e->type == GMIX_COV_FULL ? m->prec_chol + c * d * d : m->prec_chol;
    for (size_t l = 0; l < d; l++) {
      double s = 0.0;
      for (size_t j = 0; j < d; j++)
        s += (m->means[c * d + j] - e->c0[j]) * u[j * d + l];
      e->mu_t[l * k + c] = s;
    }
    if (e->type == GMIX_COV_FULL)
      for (size_t j = 0; j < d; j++)
        for (size_t l = 0; l < d; l++)
          e->ucat[j * kd + l * k + c] = u[j * d + l];
  }
  if (e->type == GMIX_COV_TIED) {
    memcpy(e->ucat, m->prec_chol, d * d * sizeof *e->ucat);
    for (size_t c = 0; c < k; c++)
      memcpy(e->shift + c * d, e->c0, d * sizeof *e->shift);
  }
}

/* Process one chunk [r0, r1) with the work buffer ws; accumulate into
 * `local` (statistics modes) or write per-row outputs. */
static void pass_chunk(const gmix__engine *e, const double *x, size_t r0,
                       size_t r1, const double *w, gmix__pass_mode mode,
                       void *out, gmix__resp_fn resp_fn, const void *resp_ctx,
                       double *ws) {
  size_t k = e->k, d = e->d, B = e->block;
  size_t ywidth = e->type == GMIX_COV_FULL   ? k * d
                  : e->type == GMIX_COV_TIED ? d
                                             : 0;
  double *xs = ws, *z = xs + B * d, *y = z + B * d, *L = y + B * ywidth,
         *lp = L + B * k, *local = lp + B;
  for (size_t b0 = r0; b0 < r1; b0 += B) {
    size_t rows = r1 - b0 < B ? r1 - b0 : B;
    const double *xb = x + b0 * d;
    const double *wb = w ? w + b0 : NULL;
    if (mode == GMIX__PASS_RESP) {
      resp_fn(resp_ctx, x, b0, rows, d, k, L);
    } else {
      gmix__estep_block(e, xb, rows, xs, y, L);
      if (mode != GMIX__PASS_LABELS)
        gmix__logsumexp_rows(L, rows, k, lp,
                             mode == GMIX__PASS_STATS ||
                                 mode == GMIX__PASS_PROBA);
    }
    switch (mode) {
    case GMIX__PASS_STATS:
    case GMIX__PASS_RESP:
    case GMIX__PASS_SCORE:
      for (size_t b = 0; b < rows; b++) {
        double wi = wb ? wb[b] : 1.0;
        local[0] += wi;
        if (mode != GMIX__PASS_RESP)
          local[1] += wi * lp[b];
        if (wb && mode != GMIX__PASS_SCORE)
          for (size_t c = 0; c < k; c++)
            L[b * k + c] *= wi;
      }
      if (mode != GMIX__PASS_SCORE)
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
  size_t nchunks = n == 0 ? 0 : (n - 1) / e->chunk + 1;
  int accumulate = mode == GMIX__PASS_STATS || mode == GMIX__PASS_RESP ||
                   mode == GMIX__PASS_SCORE;
  size_t acc_size = mode == GMIX__PASS_SCORE ? 2 : e->layout.size;
  if (accumulate)
    memset(e->total, 0, acc_size * sizeof *e->total);
  size_t threads = e->threads < nchunks ? e->threads : nchunks;
  if (threads == 0)
    return;
  size_t local_off = e->work_size - e->layout.size;
  double *total = e->total;

#pragma omp parallel num_threads((int)threads)
  {
    /* BLAS calls inside this region must stay single-threaded: with a
     * team of one the OpenMP OpenBLAS would otherwise start its own. This
     * ICV belongs to this task only and ends with the region. */
    omp_set_num_threads(1);
    double *ws = e->work[omp_get_thread_num()];
    double *local = ws + local_off;
    long nc = (long)nchunks;
    if (accumulate) {
#pragma omp for ordered schedule(static, 1)
      for (long c = 0; c < nc; c++) {
        size_t r0 = (size_t)c * e->chunk;
        size_t r1 = r0 + e->chunk < n ? r0 + e->chunk : n;
        memset(local, 0, acc_size * sizeof *local);
        pass_chunk(e, x, r0, r1, w, mode, out, resp_fn, resp_ctx, ws);
        /* Merge in chunk order: the sums are the same for any thread
         * count. */
#pragma omp ordered
        {
          for (size_t i = 0; i < acc_size; i++)
            total[i] += local[i];
        }
      }
    } else {
      /* Per-row outputs: chunks are independent and need no order. */
#pragma omp for schedule(dynamic, 1)
      for (long c = 0; c < nc; c++) {
        size_t r0 = (size_t)c * e->chunk;
        size_t r1 = r0 + e->chunk < n ? r0 + e->chunk : n;
        pass_chunk(e, x, r0, r1, w, mode, out, resp_fn, resp_ctx, ws);
      }
    }
  }
}
