/*
 * stats_api.c -- sufficient statistics as a public object (gmix_stats_*):
 * a pass over rows under a model yields statistics, statistics of
 * disjoint rows merge (or sum as a flat buffer, which is what
 * MPI_Allreduce does), and the M-step turns them into a new model.
 *
 * This is the same engine as gmix_fit: the pass is gmix__engine_pass in
 * statistics mode and the M-step is the collapse-policy M-step of the EM
 * driver, so a driver outside the library (MPI, out-of-core, online EM,
 * the Python binding) follows exactly the fit's numerics.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <omp.h>

#include "collapse.h"
#include "stats.h"

/* An engine for passes over n rows, prepared under s->model. */
static gmix_status engine_for(gmix_stats *s, size_t n) {
  gmix_model *m = s->model;
  size_t block, chunk;
  gmix__default_sizes(m->ops, m->k, m->d, n, &block, &chunk);
  size_t threads = s->threads ? s->threads : (size_t)omp_get_max_threads();
  if (s->eng && s->eng->block == block && s->eng->chunk == chunk &&
      s->eng->threads == threads)
    return GMIX_OK;
  gmix__engine *e = NULL;
  gmix_status st =
      gmix__engine_create(m->ops, m->k, m->d, n, 0, 0, threads, &e);
  if (st != GMIX_OK)
    return st;
  gmix__engine_prepare(e, m);
  gmix__engine_free(s->eng);
  s->eng = e;
  return GMIX_OK;
}

void gmix_stats_free(gmix_stats *s) {
  if (!s)
    return;
  gmix_model_free(s->model);
  gmix__engine_free(s->eng);
  gmix__free(s->buf);
  gmix__free(s);
}

gmix_status gmix_stats_create(const gmix_model *m, gmix_stats **out,
                              gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_stats *s = gmix__calloc(1, sizeof *s);
  gmix_status st = s ? GMIX_OK : GMIX_ENOMEM;
  if (st == GMIX_OK)
    st = gmix__model_alloc(m->type, m->k, m->d, &s->model, NULL);
  if (st == GMIX_OK) {
    gmix__model_copy_params(s->model, m);
    st = engine_for(s, 0);
  }
  if (st == GMIX_OK) {
    size_t kd = m->k * m->d, total; /* K d fits: the model holds K x d */
    int overflow = 0;
    s->layout = s->eng->layout;
    total = s->layout.size + 2 * kd;
    if (total < kd)
      overflow = 1;
    s->buf =
        overflow ? NULL : gmix__malloc_array(total, sizeof *s->buf, &overflow);
    if (!s->buf)
      st = overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
  }
  if (st != GMIX_OK) {
    gmix_stats_free(s);
    return gmix__error(err, st,
                       "cannot allocate statistics of %zu "
                       "components in %zu dimensions",
                       m->k, m->d);
  }
  memset(s->buf, 0, s->layout.size * sizeof *s->buf);
  s->shift = s->buf + s->layout.size;
  s->delta = s->shift + m->k * m->d;
  memcpy(s->shift, s->eng->shift, m->k * m->d * sizeof *s->shift);
  *out = s;
  return GMIX_OK;
}

/* Responsibilities the caller gave, for the engine's RESP pass: ctx is
 * the n x K array. */
static void resp_given(const void *ctx, const double *x, size_t row0,
                       size_t rows, size_t d, size_t k, double *r) {
  (void)x;
  (void)d;
  memcpy(r, (const double *)ctx + row0 * k, rows * k * sizeof *r);
}

/* Check given responsibilities: finite and >= 0, the first bad one
 * named (NULL only for no rows, as x). */
static gmix_status check_resp(const double *resp, size_t n, size_t k,
                              gmix_error *err) {
  if (!resp)
    return n ? gmix__null_argument(err, "resp") : GMIX_OK;
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < k; c++) {
      double r = resp[i * k + c];
      if (!(r >= 0.0) || !isfinite(r))
        return gmix__error(err, GMIX_EINVAL,
                           "row %zu, component %zu: responsibility %g is not "
                           "finite and >= 0",
                           i + 1, c, r);
    }
  return GMIX_OK;
}

/* The E-step (resp NULL) or the given responsibilities of rows x, added
 * to s. */
static gmix_status accumulate(gmix_stats *s, const double *x, size_t n,
                              size_t d, const double *w, const double *resp,
                              int given, gmix_error *err) {
  if (!s)
    return gmix__null_argument(err, "stats");
  if (d != s->model->d)
    return gmix__error(err, GMIX_EDIM,
                       "data have %zu columns but the model has %zu features",
                       d, s->model->d);
  double sum_w;
  gmix_status st = gmix__check_data(x, n, d, err);
  if (st != GMIX_OK)
    return st;
  if (given && (st = check_resp(resp, n, s->model->k, err)) != GMIX_OK)
    return st;
  if (n == 0)
    return GMIX_OK;
  if (w && (st = gmix__check_weights(w, n, &sum_w, err)) != GMIX_OK)
    return st;
  if ((st = engine_for(s, n)) != GMIX_OK)
    return gmix__error(err, st,
                       "cannot allocate the work space of a pass "
                       "over %zu rows",
                       n);
  if (given)
    gmix__engine_pass(s->eng, x, n, w, GMIX__PASS_RESP, NULL, resp_given, resp);
  else
    gmix__engine_pass(s->eng, x, n, w, GMIX__PASS_STATS, NULL, NULL, NULL);
  const double *t = s->eng->total;
  for (size_t i = 0; i < s->layout.size; i++)
    s->buf[i] += t[i];
  return GMIX_OK;
}

gmix_status gmix_stats_accumulate(gmix_stats *s, const double *x, size_t n,
                                  size_t d, const double *w, gmix_error *err) {
  return accumulate(s, x, n, d, w, NULL, 0, err);
}

gmix_status gmix_stats_accumulate_resp(gmix_stats *s, const double *x, size_t n,
                                       size_t d, const double *w,
                                       const double *resp, gmix_error *err) {
  return accumulate(s, x, n, d, w, resp, 1, err);
}

gmix_status gmix_stats_merge(gmix_stats *into, const gmix_stats *from,
                             gmix_error *err) {
  if (!into)
    return gmix__null_argument(err, "into");
  if (!from)
    return gmix__null_argument(err, "from");
  if (!gmix__model_same_params(into->model, from->model))
    return gmix__error(err, GMIX_EINVAL,
                       "cannot merge statistics taken under different "
                       "models (shape or parameters differ)");
  for (size_t i = 0; i < into->layout.size; i++)
    into->buf[i] += from->buf[i];
  return GMIX_OK;
}

gmix_status gmix_stats_mstep(const gmix_stats *s, const gmix_options *opt,
                             gmix_model **out, gmix_error *err) {
  gmix_options defaults, o;
  if (!s)
    return gmix__null_argument(err, "stats");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_options_init(&defaults);
  gmix_status st = gmix__options_read(opt ? opt : &defaults, &o, err);
  if (st != GMIX_OK)
    return st;
  double total = s->buf[0];
  if (!(total > 0.0))
    return gmix__error(err, GMIX_EINVAL,
                       "the statistics hold no rows of positive weight");
  const gmix_model *m = s->model;
  gmix_model *next = NULL;
  gmix__collapse col;
  if ((st = gmix__model_alloc(m->type, m->k, m->d, &next, err)) != GMIX_OK)
    return st;
  gmix__model_copy_params(next, m);
  if ((st = gmix__collapse_init(&col, m->k, m->d, &o, 0)) != GMIX_OK) {
    gmix_model_free(next);
    return gmix__error(err, st, "cannot allocate the M-step's work space");
  }
  /* The statistics object keeps its delta buffer const-correct for the
   * caller; the M-step writes it as scratch only. */
  st = gmix__collapse_mstep(&col, next, s->buf, &s->layout, s->shift, s->delta,
                            total, GMIX__ITER_UNKNOWN, err);
  if (st == GMIX_OK && col.n_events)
    st = gmix__model_set_reseeds(next, col.events, col.n_events);
  gmix__collapse_free(&col);
  if (st != GMIX_OK) {
    gmix_model_free(next);
    return st == GMIX_ENOMEM ? gmix__error(err, st, "out of memory") : st;
  }
  *out = next;
  return GMIX_OK;
}

double gmix_stats_weight(const gmix_stats *s) {
  return s ? s->buf[0] : 0.0;
}

double gmix_stats_log_likelihood(const gmix_stats *s) {
  return s ? s->buf[1] : NAN;
}

double *gmix_stats_buffer(gmix_stats *s, size_t *len) {
  if (len)
    *len = s ? s->layout.size : 0;
  return s ? s->buf : NULL;
}

size_t gmix_stats_packed_size(const gmix_stats *s) {
  return s ? s->layout.packed : 0;
}

/* GMIX_EINVAL unless s and buf are given and len is s's packed size. */
static gmix_status check_packed(const gmix_stats *s, const double *buf,
                                const char *name, size_t len, gmix_error *err) {
  if (!s)
    return gmix__null_argument(err, "stats");
  if (!buf)
    return gmix__null_argument(err, name);
  if (len != s->layout.packed)
    return gmix__error(err, GMIX_EINVAL,
                       "packed statistics hold %zu doubles, not %zu",
                       s->layout.packed, len);
  return GMIX_OK;
}

gmix_status gmix_stats_pack(const gmix_stats *s, double *out, size_t len,
                            gmix_error *err) {
  gmix_status st = check_packed(s, out, "out", len, err);
  if (st == GMIX_OK)
    gmix__stats_pack(&s->layout, s->model->d, s->buf, out);
  return st;
}

gmix_status gmix_stats_unpack(gmix_stats *s, const double *in, size_t len,
                              gmix_error *err) {
  gmix_status st = check_packed(s, in, "in", len, err);
  if (st == GMIX_OK)
    gmix__stats_unpack(&s->layout, s->model->d, in, s->buf);
  return st;
}
