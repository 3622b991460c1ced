/*
 * hc.c -- model-based agglomerative hierarchical clustering (Fraley 1998,
 * "Algorithms for model-based Gaussian hierarchical clustering"), the
 * start mclust's EM takes by default, for the unconstrained (VVV) model.
 *
 * The criterion. A cluster C of total weight n_C, mean mu_C and scatter
 * W_C = sum_i w_i (x_i - mu_C)(x_i - mu_C)^T contributes
 *
 *   term(C) = n_C log( det(W_C / n_C) + (tr W_C + alpha) / n_C ),
 *
 * and a partition the sum of its clusters' terms; merging A and B changes
 * it by term(A u B) - term(A) - term(B), and each step makes the merge
 * that raises it least. The classification likelihood of the VVV model
 * alone, sum_C n_C log det(W_C / n_C), is minus infinity for every cluster
 * of at most q rows in q dimensions (W_C is then singular), which is every
 * cluster at the start. So, as mclust does, the trace joins the
 * determinant inside the logarithm: small clusters are compared by their
 * spread, and the determinant takes over as clusters grow. Below q + 1
 * rows the determinant is exactly zero and is not computed. alpha is the
 * mean per-feature variance of the data, tr W / (sum w * q) (mclust's
 * alpha with its default multiplier 1), never below HC_ALPHA_FLOOR.
 *
 * Merging needs only the clusters' statistics: with delta = mu_A - mu_B
 * and f = n_A n_B / (n_A + n_B),
 *   W_{A u B} = W_A + W_B + f delta delta^T,
 * a sum of positive semi-definite parts (no cancellation), and the log of
 * the determinant comes from a Cholesky factor.
 *
 * The search follows Muellner's generic algorithm ("Modern hierarchical,
 * agglomerative clustering algorithms", 2011), since this criterion has no
 * reducibility property to lean on. Every pair's cost sits in a triangular
 * table (n (n - 1) / 2 doubles), and every cluster i keeps the cheapest
 * partner j > i and its cost. A merge of B into A changes only the costs
 * that involve A: those are re-evaluated (in parallel: each by one thread,
 * so the result does not depend on how many), A's partner is found anew,
 * and a row i < A takes A when its new cost is as low as the one it keeps.
 * A row whose partner was A or B and that does not is left holding its old
 * cost, which is still a lower bound of its row (no other entry of it
 * changed), and marked stale; it is searched again only if that bound
 * comes up as the least of all. The least kept cost (ties: the smaller
 * row, then the smaller partner) is then always the cheapest pair. That is
 * about n^2 / 2 cost evaluations in all, each O(q) for small clusters and
 * O(q^3) beyond q rows, and typically O(n^2) work besides.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <omp.h>

#include "hc.h"
#include "standardize.h"

/* mclust's floor on alpha (.Machine$double.eps): data whose rows are all
 * equal still give finite costs, and merge in order. */
#define HC_ALPHA_FLOOR DBL_EPSILON

/* Rows handed to a thread at a time in the parallel cost loops: enough to
 * amortise the scheduling, few enough to balance rows of unequal cost. */
#define HC_GRAIN 16

/* A merge step re-evaluates the costs of one cluster with the n_live
 * others, about n_live * q^2 multiply-adds; below this many it runs on the
 * calling thread. A parallel region costs microseconds to start, and on a
 * loaded machine its barrier can wait a scheduler tick, milliseconds, so
 * thousands of small steps must not each open one. Either way each cost
 * is computed by one thread, so results do not change. */
#define HC_PARALLEL_WORK 32768

/* ---- mclust's transformation (hcUse "SVD") */

gmix_status gmix__hc_transform(const double *x, size_t n, size_t d,
                               const double *w, double **z, size_t *q,
                               gmix_error *err) {
  int overflow = 0;
  size_t q0 = 0, nd, eig = 0;
  double *mean = gmix__malloc_array(d, 2 * sizeof *mean, &overflow);
  unsigned char *constant = gmix__malloc(d);
  size_t *kept = gmix__malloc_array(d, sizeof *kept, &overflow);
  double *s = NULL, *g = NULL, *work = NULL, *out = NULL;
  gmix_status st = GMIX_OK;
  if (!mean || !constant || !kept)
    goto nomem;
  double *ss = mean + d;
  gmix__column_moments(x, n, d, w, mean, ss, constant);
  for (size_t j = 0; j < d; j++)
    if (!constant[j])
      kept[q0++] = j;
  if (q0 == 0) {
    /* Nothing varies: one column of zeros, on which every merge costs the
     * same. */
    out = gmix__calloc(n, sizeof *out);
    if (!out)
      goto nomem;
    *z = out;
    *q = 1;
    goto done;
  }

  /* Scaled data S (n x q0): R's scale(), whose sd divides by n - 1. Some
   * feature varies, so at least two rows differ and n >= 2. */
  double sum_w = 0.0;
  for (size_t i = 0; i < n; i++)
    sum_w += w ? w[i] : 1.0;
  double denom = sum_w * (double)(n - 1) / (double)n;
  eig = gmix__eigen_work(q0);
  if (!gmix__mul(n, q0, &nd) || eig == 0) {
    overflow = 1;
    goto nomem;
  }
  s = gmix__malloc_array(nd, sizeof *s, &overflow);
  g = gmix__malloc_array(q0 * q0, sizeof *g, &overflow);
  work = gmix__malloc_array(eig, sizeof *work, &overflow);
  if (!s || !g || !work)
    goto nomem;
  for (size_t t = 0; t < q0; t++) {
    size_t j = kept[t];
    double sd = sqrt(ss[j] / denom);
    for (size_t i = 0; i < n; i++)
      s[i * q0 + t] = (x[i * d + j] - mean[j]) / sd;
  }

  /* Its right singular vectors and squared singular values are the
   * eigenpairs of the (weighted) scatter S^T S. */
  memset(g, 0, q0 * q0 * sizeof *g);
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0;
    const double *si = s + i * q0;
    for (size_t a = 0; a < q0; a++)
      for (size_t b = 0; b <= a; b++)
        g[a * q0 + b] += wi * si[a] * si[b];
  }
  if (gmix__sym_eigen(g, q0, work, eig)) {
    st = gmix__error(err, GMIX_ENOTPD,
                     "hc: the eigendecomposition of the scaled data's "
                     "scatter matrix failed");
    goto done;
  }
  const double *vec = work, *val = work + q0 * q0;
  double top = val[q0 - 1];
  double tol = top * (double)(n > q0 ? n : q0) * DBL_EPSILON;
  size_t axes = 0;
  while (axes < q0 && val[q0 - 1 - axes] > tol)
    axes++;
  if (!gmix__mul(n, axes, &nd)) {
    overflow = 1;
    goto nomem;
  }
  out = gmix__malloc_array(nd, sizeof *out, &overflow);
  if (!out)
    goto nomem;
  /* Largest axis first, as the SVD orders them. Z = S V diag(sigma^-1/2),
   * sigma = sqrt(eigenvalue). */
  for (size_t u = 0; u < axes; u++) {
    const double *v = vec + (q0 - 1 - u) * q0;
    double f = pow(val[q0 - 1 - u], -0.25);
    for (size_t i = 0; i < n; i++) {
      double t = 0.0;
      for (size_t j = 0; j < q0; j++)
        t += s[i * q0 + j] * v[j];
      out[i * axes + u] = t * f;
    }
  }
  *z = out;
  *q = axes;
  goto done;
nomem:
  st = gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                   "hc: cannot allocate the transformed copy of %zu x %zu "
                   "data",
                   n, d);
done:
  gmix__free(mean);
  gmix__free(constant);
  gmix__free(kept);
  gmix__free(s);
  gmix__free(g);
  gmix__free(work);
  return st;
}

/* ---- the agglomeration */

typedef struct hc_state {
  size_t n, q, tri; /* rows, features, q (q + 1) / 2                 */
  double alpha;
  /* Per cluster, indexed by its name (smallest row). */
  double *wsum;  /* n_C                                           */
  size_t *count; /* rows                                          */
  double *trace; /* tr W_C                                        */
  double *term;  /* term(C)                                       */
  double *mean;  /* n x q                                         */
  double *scat;  /* n x tri: lower triangle of W_C, packed by rows */
  double *cost;  /* pair table, see pair()                        */
  size_t *best;  /* cheapest partner j > i of cluster i, or none   */
  double *best_cost;
  unsigned char *stale; /* best_cost is only a lower bound of the row */
  size_t *live;         /* names of the clusters left, ascending          */
  size_t n_live;
  double *work; /* threads x (q*q + q) doubles                    */
  size_t work_size;
  const volatile sig_atomic_t *cancel; /* the caller's flag, or NULL   */
} hc_state;

/* The table entry of the pair {i, j}, i != j. */
static double *pair(const hc_state *h, size_t i, size_t j) {
  if (i < j) {
    size_t t = i;
    i = j;
    j = t;
  }
  return h->cost + i * (i - 1) / 2 + j;
}

/* log(exp(a) + exp(b)) for b finite. */
static double log_add(double a, double b) {
  if (a == -INFINITY)
    return b;
  double hi = a > b ? a : b, lo = a > b ? b : a;
  return hi + log1p(exp(lo - hi));
}

/* The log-determinant of a symmetric q x q matrix whose lower triangle `a`
 * holds, through its Cholesky factor (written over it); -INFINITY when a
 * pivot is not positive, that is when the matrix is singular to rounding.
 * Written out rather than through LAPACK: it runs millions of times on
 * small matrices inside parallel loops, where a library call's overhead
 * (and any threads of its own) would dominate. */
static double chol_logdet(double *a, size_t q) {
  double ld = 0.0;
  for (size_t j = 0; j < q; j++) {
    double p = a[j * q + j];
    for (size_t l = 0; l < j; l++)
      p -= a[j * q + l] * a[j * q + l];
    if (!(p > 0.0))
      return -INFINITY;
    double ljj = sqrt(p);
    ld += log(p);
    a[j * q + j] = ljj;
    for (size_t i = j + 1; i < q; i++) {
      double t = a[i * q + j];
      for (size_t l = 0; l < j; l++)
        t -= a[i * q + l] * a[j * q + l];
      a[i * q + j] = t / ljj;
    }
  }
  return ld;
}

/* term(A u B) of clusters a and b; `work` holds q*q + q doubles. */
static double merged_term(const hc_state *h, size_t a, size_t b, double *work) {
  size_t q = h->q;
  double na = h->wsum[a], nb = h->wsum[b], nab = na + nb, f = na * nb / nab;
  double *delta = work + q * q, dd = 0.0;
  for (size_t j = 0; j < q; j++) {
    delta[j] = h->mean[a * q + j] - h->mean[b * q + j];
    dd += delta[j] * delta[j];
  }
  double spread = log((h->trace[a] + h->trace[b] + f * dd + h->alpha) / nab);
  if (h->count[a] + h->count[b] <= q)
    return nab * spread;
  const double *sa = h->scat + a * h->tri, *sb = h->scat + b * h->tri;
  for (size_t i = 0, t = 0; i < q; i++)
    for (size_t j = 0; j <= i; j++, t++)
      work[i * q + j] = sa[t] + sb[t] + f * delta[i] * delta[j];
  double log_det = chol_logdet(work, q) - (double)q * log(nab);
  return nab * log_add(log_det, spread);
}

/* Cluster b joins a: a's statistics become those of the union. */
static void merge_into(hc_state *h, size_t a, size_t b, double *work) {
  size_t q = h->q;
  double term = merged_term(h, a, b, work);
  double na = h->wsum[a], nb = h->wsum[b], nab = na + nb, f = na * nb / nab;
  double *ma = h->mean + a * q, *mb = h->mean + b * q, *delta = work + q * q;
  double dd = 0.0;
  for (size_t j = 0; j < q; j++) {
    delta[j] = ma[j] - mb[j];
    dd += delta[j] * delta[j];
  }
  double *sa = h->scat + a * h->tri;
  const double *sb = h->scat + b * h->tri;
  for (size_t i = 0, t = 0; i < q; i++)
    for (size_t j = 0; j <= i; j++, t++)
      sa[t] += sb[t] + f * delta[i] * delta[j];
  for (size_t j = 0; j < q; j++)
    ma[j] -= nb / nab * delta[j];
  h->trace[a] += h->trace[b] + f * dd;
  h->wsum[a] = nab;
  h->count[a] += h->count[b];
  h->term[a] = term;
}

/* The cheapest partner j > i of cluster i among those left (ties: the
 * smallest, since live is ascending), or none. */
static void rescan(hc_state *h, size_t i) {
  size_t best = SIZE_MAX;
  double bc = INFINITY;
  for (size_t t = 0; t < h->n_live; t++) {
    size_t j = h->live[t];
    if (j <= i)
      continue;
    double c = *pair(h, i, j);
    if (best == SIZE_MAX || c < bc) {
      best = j;
      bc = c;
    }
  }
  h->best[i] = best;
  h->best_cost[i] = bc;
  h->stale[i] = 0;
}

static double *thread_work(const hc_state *h) {
  return h->work + (size_t)omp_get_thread_num() * h->work_size;
}

/* Costs of every pair, then every cluster's cheapest partner. */
static void first_costs(hc_state *h, size_t threads) {
  long n = (long)h->n;
#pragma omp parallel num_threads((int)threads)
  {
    double *work = thread_work(h);
#pragma omp for schedule(dynamic, HC_GRAIN)
    for (long i = 1; i < n; i++)
      for (size_t j = 0; j < (size_t)i && !gmix__cancel_requested(h->cancel);
           j++)
        *pair(h, (size_t)i, j) =
            merged_term(h, (size_t)i, j, work) - h->term[i] - h->term[j];
#pragma omp for schedule(dynamic, HC_GRAIN)
    for (long i = 0; i < n; i++)
      rescan(h, (size_t)i);
  }
}

/* After b joined a: the costs that involve a, a's partner, and the rows
 * before a that may take a or have lost theirs. */
static void update_costs(hc_state *h, size_t a, size_t b, size_t threads) {
  long live = (long)h->n_live;
  int parallel = threads > 1 && h->n_live * h->q * h->q >= HC_PARALLEL_WORK;
#pragma omp parallel num_threads((int)threads) if (parallel)
  {
    double *work = thread_work(h);
#pragma omp for schedule(dynamic, HC_GRAIN)
    for (long t = 0; t < live; t++) {
      size_t j = h->live[t];
      if (j != a)
        *pair(h, a, j) = merged_term(h, a, j, work) - h->term[a] - h->term[j];
    }
  }
  rescan(h, a);
  for (size_t t = 0; t < h->n_live; t++) {
    size_t c = h->live[t];
    if (c >= b)
      break;
    int lost = h->best[c] == a || h->best[c] == b;
    if (c < a) {
      /* Below the kept cost (exact or a bound), a is the row's cheapest.
       * Equal to an exact kept cost, a wins the tie when it comes first:
       * any other entry of that cost lies beyond the kept partner, and when
       * that partner was a or b it lies beyond a. */
      double ca = *pair(h, c, a);
      if (ca < h->best_cost[c] ||
          (ca == h->best_cost[c] && !h->stale[c] && (lost || a < h->best[c]))) {
        h->best[c] = a;
        h->best_cost[c] = ca;
        h->stale[c] = 0;
        continue;
      }
    }
    if (lost)
      h->stale[c] = 1;
  }
}

static void drop_live(hc_state *h, size_t b) {
  size_t t = 0;
  while (h->live[t] != b)
    t++;
  memmove(h->live + t, h->live + t + 1, (h->n_live - t - 1) * sizeof *h->live);
  h->n_live--;
}

static void hc_free(hc_state *h) {
  gmix__free(h->wsum);
  gmix__free(h->count);
  gmix__free(h->cost);
  gmix__free(h->work);
  gmix__free(h->stale);
}

/* Allocate the state of n rows in q dimensions. 0 or the failing
 * status. */
static gmix_status hc_alloc(hc_state *h, size_t n, size_t q, size_t threads) {
  int overflow = 0;
  size_t tri, per_row, doubles, pairs, work;
  memset(h, 0, sizeof *h);
  /* Per row: wsum, trace, term, best_cost, a mean and a packed scatter. */
  int ok = gmix__mul(q, q + 1, &tri) && (tri /= 2, 1) &&
           (per_row = 4 + q + tri) >= tri && gmix__mul(n, per_row, &doubles) &&
           gmix__mul(n, n - 1, &pairs) && (pairs /= 2, 1) &&
           gmix__mul(q, q + 1, &work) && gmix__mul(work, threads, &work);
  if (!ok)
    return GMIX_EOVERFLOW;
  h->n = n;
  h->q = q;
  h->tri = tri;
  h->work_size = q * q + q;
  h->wsum = gmix__malloc_array(doubles, sizeof *h->wsum, &overflow);
  h->count = gmix__malloc_array(n, 3 * sizeof *h->count, &overflow);
  h->cost = gmix__malloc_array(pairs, sizeof *h->cost, &overflow);
  h->work = gmix__malloc_array(work, sizeof *h->work, &overflow);
  h->stale = gmix__calloc(n, 1);
  if (!h->wsum || !h->count || !h->cost || !h->work || !h->stale) {
    hc_free(h);
    return overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
  }
  h->trace = h->wsum + n;
  h->term = h->trace + n;
  h->best_cost = h->term + n;
  h->mean = h->best_cost + n;
  h->scat = h->mean + n * q;
  h->best = h->count + n;
  h->live = h->best + n;
  return GMIX_OK;
}

gmix_status gmix__hc_merges(const double *z, size_t n, size_t q,
                            const double *w, size_t k, size_t threads,
                            gmix__hc_merge *merges, gmix_error *err) {
  return gmix__hc_merges_cancellable(z, n, q, w, k, threads, NULL, merges, err);
}

gmix_status gmix__hc_merges_cancellable(const double *z, size_t n, size_t q,
                                        const double *w, size_t k,
                                        size_t threads,
                                        const volatile sig_atomic_t *cancel,
                                        gmix__hc_merge *merges,
                                        gmix_error *err) {
  if (k >= n)
    return GMIX_OK;
  hc_state h;
  gmix_status st = hc_alloc(&h, n, q, threads);
  if (st != GMIX_OK)
    return gmix__error(err, st,
                       "hc: cannot allocate the pair table of %zu rows "
                       "(%zu x %zu / 2 costs; lower hc_max_rows)",
                       n, n, n - 1);
  /* alpha from the data's scatter; the column moments reuse the storage
   * of the first cluster means, which are set just below. */
  double *cm = h.mean, *css = h.mean + q;
  unsigned char *unused = (unsigned char *)h.work;
  gmix__column_moments(z, n, q, w, cm, css, unused);
  double sum_w = 0.0, tr = 0.0;
  for (size_t i = 0; i < n; i++)
    sum_w += w ? w[i] : 1.0;
  for (size_t j = 0; j < q; j++)
    tr += css[j];
  h.alpha = tr / (sum_w * (double)q);
  if (!(h.alpha >= HC_ALPHA_FLOOR))
    h.alpha = HC_ALPHA_FLOOR;

  memcpy(h.mean, z, n * q * sizeof *h.mean);
  memset(h.scat, 0, n * h.tri * sizeof *h.scat);
  for (size_t i = 0; i < n; i++) {
    h.wsum[i] = w ? w[i] : 1.0;
    h.count[i] = 1;
    h.trace[i] = 0.0;
    h.term[i] = h.wsum[i] * log(h.alpha / h.wsum[i]);
    h.live[i] = i;
  }
  h.n_live = n;
  h.cancel = cancel;
  first_costs(&h, threads);

  for (size_t step = 0; h.n_live > k; step++) {
    if (gmix__cancel_requested(cancel)) {
      hc_free(&h);
      return gmix__error(err, GMIX_ECANCELLED,
                         "hc: cancelled after %zu of %zu merges", step, n - k);
    }
    size_t a;
    for (;;) { /* the least kept cost, once it is not a stale bound */
      a = SIZE_MAX;
      for (size_t t = 0; t < h.n_live; t++) {
        size_t i = h.live[t];
        if (h.best[i] != SIZE_MAX &&
            (a == SIZE_MAX || h.best_cost[i] < h.best_cost[a]))
          a = i;
      }
      if (!h.stale[a])
        break;
      rescan(&h, a);
    }
    size_t b = h.best[a];
    merges[step].a = a;
    merges[step].b = b;
    merges[step].cost = *pair(&h, a, b);
    merge_into(&h, a, b, h.work);
    drop_live(&h, b);
    update_costs(&h, a, b, threads);
  }
  hc_free(&h);
  return GMIX_OK;
}

void gmix__hc_labels(const gmix__hc_merge *merges, size_t n, size_t k,
                     size_t *labels) {
  for (size_t i = 0; i < n; i++)
    labels[i] = i;
  for (size_t s = 0; s + k < n; s++)
    labels[merges[s].b] = merges[s].a;
  /* Every row now points at a smaller row of its cluster, or at itself
   * for the cluster's first row. In row order, the row pointed at has
   * already received its cluster's number. */
  size_t next = 0;
  for (size_t i = 0; i < n; i++)
    labels[i] = labels[i] == i ? next++ : labels[labels[i]];
}
