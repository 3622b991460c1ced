/*
 * init.c -- the initial statistics of a distributed fit: k-means (a
 * sample gathered to rank 0 for greedy k-means++ seeding, then Lloyd
 * iterations where the sampled rows lie, with centre sums added in rank
 * order), k-means++ alone, random responsibilities, and random rows.
 *
 * Each method ends as gmix_fit's initialisation does: it defines
 * responsibilities of every rank's rows (one-hot labels, one-hot chosen
 * rows, or random rows), which gmix_stats_accumulate_resp turns into
 * statistics, summed in rank order; the first M-step (gmix_em_start_stats)
 * runs on them. Random choices come from the seed and the restart, and
 * every choice about a row is made from its index in the whole data (rank
 * 0's rows first), never from its rank, so that samples and draws are the
 * same for any number of ranks (gmix_mpi.h says where results still
 * depend on it). The random streams are gmix_fit's (core/rng.c, seeded
 * alike per restart) and the choices are made by its rules with its
 * helpers (fit/kmeans_common.h), so the starts are gmix_fit's up to the
 * rounding of distances and sums (gmix_mpi.h says where exactly).
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kmeans_common.h"
#include "rng.h"

/* ---- helpers */

static double weight(const gmix__mpi_data *dd, size_t i) {
  return dd->w ? dd->w[i] : 1.0;
}

static gmix_status out_of_memory(const gmix__mpi_data *dd, const char *what,
                                 gmix_error *err) {
  return gmix__mpi_error(err, GMIX_ENOMEM, "rank %d: out of memory %s",
                         dd->rank, what);
}

/* ---- the end every method shares: statistics of responsibilities */

/* A model of the fit's shape with means `centres`, to carry statistics of
 * given responsibilities: they are taken around its means, so centres near
 * the data keep them accurate. Its weights (1/K) and unit covariances are
 * never used. */
static gmix_status carrier(const gmix__mpi_data *dd, const gmix_options *o,
                           const double *centres, gmix_model **out,
                           gmix_error *err) {
  size_t k = o->n_components, d = dd->d, dims[3];
  int per_component = 0;
  size_t ncov = gmix_covariance_size(o->covariance_type, k, d);
  size_t ndim =
      gmix_covariance_shape(o->covariance_type, k, d, dims, &per_component);
  if (ncov == 0 || ndim == 0)
    return gmix__mpi_error(err, GMIX_EOVERFLOW,
                           "%zu components in %zu dimensions overflow size_t",
                           k, d);
  double *wts = malloc(k * sizeof *wts), *cov = malloc(ncov * sizeof *cov);
  gmix_status st = GMIX_OK;
  if (!wts || !cov) {
    st = out_of_memory(dd, "for the initial model", err);
  } else {
    for (size_t c = 0; c < k; c++)
      wts[c] = 1.0 / (double)k;
    /* Identity matrices where the shape ends in d x d matrices (one per
     * component, or one shared); ones for variances. */
    int matrices = ndim >= 2 && dims[ndim - 1] == d && dims[ndim - 2] == d &&
                   (ndim == 3 || !per_component);
    for (size_t i = 0; i < ncov; i++)
      cov[i] = !matrices || (i % (d * d)) % (d + 1) == 0 ? 1.0 : 0.0;
    st = gmix_model_create(o->covariance_type, k, d, wts, centres, cov, out,
                           err);
  }
  free(wts);
  free(cov);
  return st;
}

/* Statistics of every rank's rows with the responsibilities resp_fn
 * writes, taken around `centres` (the same on every rank). */
static gmix_status resp_stats(const gmix__mpi_data *dd, const gmix_options *o,
                              const double *centres, gmix__mpi_resp_fn resp_fn,
                              const void *ctx, gmix_stats **out,
                              gmix_error *err) {
  gmix_model *m = NULL;
  gmix_stats *s = NULL;
  gmix_status st = carrier(dd, o, centres, &m, err);
  if (st == GMIX_OK)
    st = gmix_stats_create(m, &s, err);
  gmix_model_free(m);
  st = gmix__mpi_pass(dd, s, st, resp_fn, ctx, err);
  if (st != GMIX_OK) {
    gmix_stats_free(s);
    return st;
  }
  *out = s;
  return GMIX_OK;
}

/* One-hot labels: the nearest of the K centres in ctx. */
static gmix_status resp_labels(const gmix__mpi_data *dd, const void *ctx,
                               size_t r0, size_t rows, double *resp,
                               gmix_error *err) {
  const double *centres = ctx;
  size_t k = dd->k, d = dd->d;
  (void)err;
  memset(resp, 0, rows * k * sizeof *resp);
  for (size_t b = 0; b < rows; b++)
    resp[b * k + gmix__nearest(dd->x + (r0 + b) * d, centres, k, d)] = 1.0;
  return GMIX_OK;
}

/* One-hot chosen rows: component c is the row of whole-data index
 * ids[c]. */
static gmix_status resp_rows(const gmix__mpi_data *dd, const void *ctx,
                             size_t r0, size_t rows, double *resp,
                             gmix_error *err) {
  const uint64_t *ids = ctx;
  size_t k = dd->k;
  uint64_t first = dd->row0 + r0;
  (void)err;
  memset(resp, 0, rows * k * sizeof *resp);
  for (size_t c = 0; c < k; c++)
    if (ids[c] >= first && ids[c] - first < rows)
      resp[(ids[c] - first) * k + c] = 1.0;
  return GMIX_OK;
}

/* Random responsibilities: a draw per (whole-data row, component),
 * normalised per row. ctx holds the seed. */
static gmix_status resp_random(const gmix__mpi_data *dd, const void *ctx,
                               size_t r0, size_t rows, double *resp,
                               gmix_error *err) {
  uint64_t seed = *(const uint64_t *)ctx;
  size_t k = dd->k;
  (void)err;
  for (size_t b = 0; b < rows; b++) {
    double s = 0.0;
    for (size_t c = 0; c < k; c++) {
      double u = gmix__hash_uniform(seed, dd->row0 + r0 + b, c);
      resp[b * k + c] = u;
      s += u;
    }
    for (size_t c = 0; c < k; c++)
      resp[b * k + c] /= s;
  }
  return GMIX_OK;
}

/* ---- the sample k-means runs on */

typedef struct sample {
  size_t *local; /* this rank's sampled rows (local indices)            */
  size_t n_local;
  uint64_t n_total; /* rows sampled on every rank                         */
  /* Rank 0 only: every sampled row in whole-data order (rank 0's first),
   * its weight and its whole-data index. */
  double *x, *w;
  uint64_t *ids;
} sample;

static void sample_free(sample *s) {
  free(s->local);
  free(s->x);
  free(s->w);
  free(s->ids);
  memset(s, 0, sizeof *s);
}

/* Pick this rank's rows of positive weight whose hash falls below p (all
 * of them when p >= 1). */
static gmix_status pick(const gmix__mpi_data *dd, uint64_t seed, double p,
                        sample *s, gmix_error *err) {
  free(s->local);
  s->n_local = 0;
  s->local = malloc((dd->n ? dd->n : 1) * sizeof *s->local);
  if (!s->local)
    return out_of_memory(dd, "for the k-means sample", err);
  for (size_t i = 0; i < dd->n; i++)
    if (weight(dd, i) > 0.0 &&
        (p >= 1.0 || gmix__hash_uniform(seed, dd->row0 + i, 0) < p))
      s->local[s->n_local++] = i;
  return GMIX_OK;
}

/* The sample: about kmeans_max_rows rows of positive weight (every such
 * row when that is 0, or more than the data, or gives fewer than K),
 * chosen by a hash of the seed and the whole-data row, then gathered to
 * rank 0 in rank order, which is whole-data order. */
static gmix_status draw_sample(const gmix__mpi_data *dd, const gmix_options *o,
                               gmix__rng *r, int refine, sample *s,
                               gmix_error *err) {
  double p = o->kmeans_max_rows == 0 || dd->n_total <= o->kmeans_max_rows
                 ? 1.0
                 : (double)o->kmeans_max_rows / (double)dd->n_total;
  /* gmix_fit draws the sample's seed for k-means always, and seeds
   * k-means++ alone on every row without drawing one: the same here
   * whenever the sample is every row, so that both make the same draws
   * after it. */
  uint64_t seed = refine || p < 1.0 ? gmix__rng_next(r) : 0;
  gmix_status st;
  for (;;) {
    st = pick(dd, seed, p, s, err);
    if ((st = gmix_mpi_agree(dd->comm, st, err)) != GMIX_OK)
      return st;
    uint64_t mine = s->n_local;
    st = gmix__mpi_check(
        MPI_Allreduce(&mine, &s->n_total, 1, MPI_UINT64_T, MPI_SUM, dd->comm),
        "MPI_Allreduce", err);
    if (st != GMIX_OK)
      return st;
    if (s->n_total >= dd->k || p >= 1.0)
      break;
    p = 1.0; /* too few: use every row */
  }
  if (s->n_total < dd->k)
    return gmix__mpi_error(err, GMIX_ETOOFEW,
                           "only %" PRIu64 " rows have positive weight; %zu "
                           "components need as many",
                           s->n_total, dd->k);
  if (s->n_total > (uint64_t)INT_MAX / dd->d)
    return gmix__mpi_error(err, GMIX_EOVERFLOW,
                           "a k-means sample of %" PRIu64 " rows x %zu columns "
                           "is too large to gather (MPI counts are int); "
                           "lower kmeans_max_rows",
                           s->n_total, dd->d);

  /* The rows, weights and indices to gather, and rank 0's room for them. */
  size_t d = dd->d, m = s->n_local, all = (size_t)s->n_total;
  double *xl = malloc((m ? m : 1) * d * sizeof *xl);
  double *wl = malloc((m ? m : 1) * sizeof *wl);
  uint64_t *il = malloc((m ? m : 1) * sizeof *il);
  int *counts = malloc((size_t)dd->size * sizeof *counts);
  int *displs = malloc((size_t)dd->size * sizeof *displs);
  st = xl && wl && il && counts && displs
           ? GMIX_OK
           : out_of_memory(dd, "gathering the k-means sample", err);
  if (st == GMIX_OK && dd->rank == 0) {
    s->x = malloc(all * d * sizeof *s->x);
    s->w = malloc(all * sizeof *s->w);
    s->ids = malloc(all * sizeof *s->ids);
    if (!s->x || !s->w || !s->ids)
      st = out_of_memory(dd, "gathering the k-means sample", err);
  }
  if (st == GMIX_OK)
    for (size_t t = 0; t < m; t++) {
      size_t i = s->local[t];
      memcpy(xl + t * d, dd->x + i * d, d * sizeof *xl);
      wl[t] = weight(dd, i);
      il[t] = dd->row0 + i;
    }
  int mine = (int)m;
  if ((st = gmix_mpi_agree(dd->comm, st, err)) == GMIX_OK)
    st = gmix__mpi_check(
        MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, dd->comm),
        "MPI_Gather", err);
  /* Three gathers with counts in rows, then in doubles. */
  if (st == GMIX_OK && dd->rank == 0)
    for (int q = 0, at = 0; q < dd->size; q++) {
      displs[q] = at;
      at += counts[q];
    }
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Gatherv(wl, mine, MPI_DOUBLE, s->w, counts, displs,
                                     MPI_DOUBLE, 0, dd->comm),
                         "MPI_Gatherv", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Gatherv(il, mine, MPI_UINT64_T, s->ids, counts,
                                     displs, MPI_UINT64_T, 0, dd->comm),
                         "MPI_Gatherv", err);
  if (st == GMIX_OK && dd->rank == 0)
    for (int q = 0; q < dd->size; q++) {
      counts[q] *= (int)d;
      displs[q] *= (int)d;
    }
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Gatherv(xl, mine * (int)d, MPI_DOUBLE, s->x,
                                     counts, displs, MPI_DOUBLE, 0, dd->comm),
                         "MPI_Gatherv", err);
  free(xl);
  free(wl);
  free(il);
  free(counts);
  free(displs);
  return st;
}

/* ---- k-means++ seeding (rank 0, on the whole sample) */

/* Sum of w_i min(closest_i, |x_i - c|^2): the potential if c were added;
 * with `update`, closest takes c in. */
static double potential(const double *x, const double *w, size_t m, size_t d,
                        const double *c, double *closest, int update) {
  double pot = 0.0;
  for (size_t i = 0; i < m; i++) {
    double t = gmix__sqdist(x + i * d, c, d);
    if (t > closest[i]) /* also when closest is +inf and t is not */
      t = closest[i];
    if (update)
      closest[i] = t;
    pot += w[i] * t;
  }
  return pot;
}

/* Greedy k-means++ (Arthur and Vassilvitskii 2007, with 2 + floor(log K)
 * candidates per centre, the best kept, as scikit-learn) over the sample
 * x[m][d] with weights w: K indices into the sample. */
static gmix_status seed_centres(const double *x, const double *w, size_t m,
                                size_t d, size_t k, gmix__rng *r, size_t *idx,
                                int rank, gmix_error *err) {
  size_t trials = 2 + (size_t)floor(log((double)k));
  double *closest = malloc(m * sizeof *closest);
  size_t *cand = malloc(trials * sizeof *cand);
  if (!closest || !cand) {
    free(closest);
    free(cand);
    return gmix__mpi_error(err, GMIX_ENOMEM,
                           "rank %d: out of memory seeding k-means", rank);
  }
  double total = 0.0;
  for (size_t i = 0; i < m; i++) {
    closest[i] = INFINITY;
    total += w[i];
  }
  idx[0] = gmix__search_cumsum(w, NULL, m, gmix__rng_uniform(r) * total);
  double pot = potential(x, w, m, d, x + idx[0] * d, closest, 1);
  for (size_t c = 1; c < k; c++) {
    size_t best = 0;
    double best_pot = INFINITY;
    for (size_t t = 0; t < trials; t++)
      cand[t] = gmix__search_cumsum(w, closest, m, gmix__rng_uniform(r) * pot);
    for (size_t t = 0; t < trials; t++) {
      double p = potential(x, w, m, d, x + cand[t] * d, closest, 0);
      if (p < best_pot) {
        best_pot = p;
        best = t;
      }
    }
    idx[c] = cand[best];
    pot = potential(x, w, m, d, x + idx[c] * d, closest, 1);
  }
  free(closest);
  free(cand);
  return GMIX_OK;
}

/* kmeans_tol times the mean per-feature variance of the sample (the
 * convergence threshold of Lloyd's squared centre shift, as gmix_fit's),
 * computed around the weighted mean. */
static double lloyd_tol(const double *x, const double *w, size_t m, size_t d,
                        double kmeans_tol) {
  double sw = 0.0, var = 0.0;
  for (size_t i = 0; i < m; i++)
    sw += w[i];
  for (size_t j = 0; j < d; j++) {
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < m; i++)
      mean += w[i] * x[i * d + j];
    mean /= sw;
    for (size_t i = 0; i < m; i++) {
      double t = x[i * d + j] - mean;
      ss += w[i] * t * t;
    }
    var += ss / sw;
  }
  return kmeans_tol * var / (double)d;
}

/* Rank 0 seeds K centres on the sample and broadcasts them, the whole-data
 * indices of the rows they are, and Lloyd's tolerance: out holds K d
 * centres, then the tolerance; ids K indices. */
static gmix_status seed(const gmix__mpi_data *dd, const gmix_options *o,
                        gmix__rng *r, const sample *s, double *out,
                        uint64_t *ids, gmix_error *err) {
  size_t k = dd->k, d = dd->d;
  gmix_status st = GMIX_OK;
  if (dd->rank == 0) {
    size_t *idx = malloc(k * sizeof *idx);
    st = idx ? seed_centres(s->x, s->w, (size_t)s->n_total, d, k, r, idx,
                            dd->rank, err)
             : out_of_memory(dd, "seeding k-means", err);
    if (st == GMIX_OK) {
      for (size_t c = 0; c < k; c++) {
        memcpy(out + c * d, s->x + idx[c] * d, d * sizeof *out);
        ids[c] = s->ids[idx[c]];
      }
      out[k * d] = lloyd_tol(s->x, s->w, (size_t)s->n_total, d, o->kmeans_tol);
    }
    free(idx);
  }
  if ((st = gmix_mpi_agree(dd->comm, st, err)) != GMIX_OK)
    return st;
  st =
      gmix__mpi_check(MPI_Bcast(out, (int)(k * d + 1), MPI_DOUBLE, 0, dd->comm),
                      "MPI_Bcast", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Bcast(ids, (int)k, MPI_UINT64_T, 0, dd->comm),
                         "MPI_Bcast", err);
  return st;
}

/* Lloyd iterations on the sampled rows where they lie: each rank sums its
 * rows per nearest centre, gmix_mpi_sum adds the sums in rank order, and
 * every rank moves the centres alike; an empty cluster keeps its centre.
 * Stops after kmeans_max_iter or when the squared shift is below tol. */
static gmix_status lloyd(const gmix__mpi_data *dd, const gmix_options *o,
                         const sample *s, double *centres, double tol,
                         gmix_error *err) {
  size_t k = dd->k, d = dd->d;
  double *acc = malloc((k * d + k) * sizeof *acc);
  gmix_status st = acc ? GMIX_OK : out_of_memory(dd, "in k-means", err);
  if ((st = gmix_mpi_agree(dd->comm, st, err)) != GMIX_OK) {
    free(acc);
    return st;
  }
  double *cnt = acc + k * d;
  for (size_t it = 0; it < o->kmeans_max_iter && st == GMIX_OK; it++) {
    memset(acc, 0, (k * d + k) * sizeof *acc);
    for (size_t t = 0; t < s->n_local; t++) {
      size_t i = s->local[t];
      const double *xi = dd->x + i * d;
      size_t c = gmix__nearest(xi, centres, k, d);
      double wi = weight(dd, i);
      for (size_t j = 0; j < d; j++)
        acc[c * d + j] += wi * xi[j];
      cnt[c] += wi;
    }
    if ((st = gmix_mpi_sum(dd->comm, acc, k * d + k, err)) != GMIX_OK)
      break;
    double shift = 0.0;
    for (size_t c = 0; c < k; c++) {
      if (!(cnt[c] > 0.0))
        continue;
      for (size_t j = 0; j < d; j++) {
        double v = acc[c * d + j] / cnt[c];
        double t = v - centres[c * d + j];
        shift += t * t;
        centres[c * d + j] = v;
      }
    }
    if (shift <= tol)
      break;
  }
  free(acc);
  return st;
}

/* k-means (or with `refine` 0, k-means++ alone): the sample, the seeding,
 * Lloyd, and the one-hot statistics of the labels (or of the chosen
 * rows). */
static gmix_status kmeans_start(const gmix__mpi_data *dd, const gmix_options *o,
                                gmix__rng *r, int refine, gmix_stats **out,
                                gmix_error *err) {
  size_t k = dd->k, d = dd->d;
  sample s;
  memset(&s, 0, sizeof s);
  double *centres = malloc((k * d + 1) * sizeof *centres);
  uint64_t *ids = malloc(k * sizeof *ids);
  gmix_status st =
      centres && ids ? GMIX_OK : out_of_memory(dd, "in k-means", err);
  if ((st = gmix_mpi_agree(dd->comm, st, err)) == GMIX_OK)
    st = draw_sample(dd, o, r, refine, &s, err);
  if (st == GMIX_OK)
    st = seed(dd, o, r, &s, centres, ids, err);
  if (st == GMIX_OK && refine)
    st = lloyd(dd, o, &s, centres, centres[k * d], err);
  if (st == GMIX_OK)
    st = refine ? resp_stats(dd, o, centres, resp_labels, centres, out, err)
                : resp_stats(dd, o, centres, resp_rows, ids, out, err);
  sample_free(&s);
  free(centres);
  free(ids);
  return st;
}

/* ---- random responsibilities, random rows */

/* The weighted mean of every rank's rows (in rank order), as the centre
 * the statistics of random responsibilities are taken around. */
static gmix_status data_mean(const gmix__mpi_data *dd, double *mean,
                             gmix_error *err) {
  size_t d = dd->d;
  memset(mean, 0, d * sizeof *mean);
  for (size_t i = 0; i < dd->n; i++)
    for (size_t j = 0; j < d; j++)
      mean[j] += weight(dd, i) * dd->x[i * d + j];
  gmix_status st = gmix_mpi_sum(dd->comm, mean, d, err);
  for (size_t j = 0; j < d && st == GMIX_OK; j++)
    mean[j] /= dd->sum_w;
  return st;
}

static gmix_status random_start(const gmix__mpi_data *dd, const gmix_options *o,
                                gmix__rng *r, gmix_stats **out,
                                gmix_error *err) {
  size_t k = dd->k, d = dd->d;
  uint64_t seed = gmix__rng_next(r);
  double *centres = malloc(k * d * sizeof *centres);
  gmix_status st = centres ? GMIX_OK : out_of_memory(dd, "initialising", err);
  if ((st = gmix_mpi_agree(dd->comm, st, err)) == GMIX_OK)
    st = data_mean(dd, centres, err);
  for (size_t c = 1; c < k && st == GMIX_OK; c++)
    memcpy(centres + c * d, centres, d * sizeof *centres);
  if (st == GMIX_OK)
    st = resp_stats(dd, o, centres, resp_random, &seed, out, err);
  free(centres);
  return st;
}

/* Whether whole-data row i has positive weight, on every rank: the rank
 * that holds it says so through a maximum. */
static gmix_status row_positive(const gmix__mpi_data *dd, uint64_t i,
                                int *positive, gmix_error *err) {
  int mine = i >= dd->row0 && i - dd->row0 < dd->n &&
             weight(dd, (size_t)(i - dd->row0)) > 0.0;
  return gmix__mpi_check(
      MPI_Allreduce(&mine, positive, 1, MPI_INT, MPI_MAX, dd->comm),
      "MPI_Allreduce", err);
}

/* K distinct rows of positive weight, uniformly, drawn as gmix_fit draws
 * them: a row of the whole data at random, again while it weighs 0 or
 * was drawn before (each draw one small collective to ask the rank that
 * holds it). The holders' rows reach the others through a sum of
 * zeros. */
static gmix_status rows_start(const gmix__mpi_data *dd, const gmix_options *o,
                              gmix__rng *r, gmix_stats **out, gmix_error *err) {
  size_t k = dd->k, d = dd->d;
  uint64_t positive = 0, total = 0;
  for (size_t i = 0; i < dd->n; i++)
    positive += weight(dd, i) > 0.0;
  gmix_status st = gmix__mpi_check(
      MPI_Allreduce(&positive, &total, 1, MPI_UINT64_T, MPI_SUM, dd->comm),
      "MPI_Allreduce", err);
  if (st != GMIX_OK)
    return st;
  if (total < k)
    return gmix__mpi_error(err, GMIX_ETOOFEW,
                           "only %" PRIu64 " rows have positive weight; %zu "
                           "components need as many",
                           total, k);
  uint64_t *ids = malloc(k * sizeof *ids);
  double *centres = malloc(k * d * sizeof *centres);
  st = ids && centres ? GMIX_OK : out_of_memory(dd, "initialising", err);
  if ((st = gmix_mpi_agree(dd->comm, st, err)) == GMIX_OK) {
    for (size_t c = 0; c < k && st == GMIX_OK;) {
      uint64_t i = (uint64_t)(gmix__rng_uniform(r) * (double)dd->n_total);
      size_t j = 0;
      while (j < c && ids[j] != i)
        j++;
      if (i >= dd->n_total || j < c)
        continue;
      int ok = 0;
      st = row_positive(dd, i, &ok, err);
      if (ok)
        ids[c++] = i;
    }
    memset(centres, 0, k * d * sizeof *centres);
    for (size_t c = 0; c < k && st == GMIX_OK; c++)
      if (ids[c] >= dd->row0 && ids[c] - dd->row0 < dd->n)
        memcpy(centres + c * d, dd->x + (ids[c] - dd->row0) * d,
               d * sizeof *centres);
    /* Every rank but the holder adds zeros: the sums are exact. */
    if (st == GMIX_OK)
      st = gmix_mpi_sum(dd->comm, centres, k * d, err);
    if (st == GMIX_OK)
      st = resp_stats(dd, o, centres, resp_rows, ids, out, err);
  }
  free(ids);
  free(centres);
  return st;
}

gmix_status gmix__mpi_init_stats(const gmix__mpi_data *dd,
                                 const gmix_options *o, size_t init_index,
                                 gmix_stats **out, gmix_error *err) {
  /* One stream per (seed, restart), as gmix_fit's restarts. */
  gmix__rng r;
  gmix__rng_seed(&r, o->seed, init_index);
  switch (o->init) {
  case GMIX_INIT_KMEANS:
    return kmeans_start(dd, o, &r, 1, out, err);
  case GMIX_INIT_KMEANSPP:
    return kmeans_start(dd, o, &r, 0, out, err);
  case GMIX_INIT_RANDOM:
    return random_start(dd, o, &r, out, err);
  case GMIX_INIT_RANDOM_FROM_DATA:
    return rows_start(dd, o, &r, out, err);
  case GMIX_INIT_HC:
    break; /* refused by gmix_mpi_fit before any start */
  }
  return gmix__mpi_error(err, GMIX_EINVAL, "init %d is not valid",
                         (int)o->init);
}
