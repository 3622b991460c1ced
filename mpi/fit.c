/*
 * fit.c -- gmix_mpi_fit: gmix_fit over the ranks of a communicator.
 *
 * A driver over gmix.h's stepwise EM on the caller's statistics: every
 * rank holds the same gmix_em, accumulates its own rows into statistics
 * under the current parameters, the buffers are summed in rank order
 * (gmix_mpi_sum), and every rank takes the same step. Since each rank then
 * holds the same bits, decisions that follow from them (convergence, the
 * collapse policy, the best restart) agree without a message. What can
 * differ between ranks is local failure (a bad row, no memory, a callback
 * that cancels): each such step ends in gmix_mpi_agree before the next
 * collective, so every rank returns the same status and message.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The caller's options, of whatever version of gmix.h, as a full struct of
 * this one (gmix_options_validate checks the caller set struct_size). */
static gmix_status read_options(const gmix_options *given, gmix_options *o,
                                gmix_error *err) {
  if (!given)
    return gmix__mpi_error(err, GMIX_EINVAL, "argument 'options' is NULL");
  gmix_status st = gmix_options_validate(given, err);
  if (st != GMIX_OK)
    return st;
  gmix_options_init(o);
  size_t n = given->struct_size < sizeof *o ? given->struct_size : sizeof *o;
  memcpy(o, given, n);
  o->struct_size = sizeof *o;
  int own_start =
      o->warm_start || (o->weights_init && o->means_init && o->precisions_init);
  if (!own_start && o->init == GMIX_INIT_HC)
    return gmix__mpi_error(err, GMIX_EINVAL,
                           "init hc (the hierarchical start) is not available "
                           "in a distributed fit; use another init or a warm "
                           "start");
  if (!own_start && o->standardize)
    return gmix__mpi_error(err, GMIX_EINVAL,
                           "standardize is not available in a distributed "
                           "fit: its initialisations run on the data as "
                           "given");
  return GMIX_OK;
}

/* This rank's rows and weights, checked, with their rows named in the
 * whole data; *sum_w receives this rank's total weight. */
static gmix_status check_rows(const gmix__mpi_data *dd, double *sum_w,
                              gmix_error *err) {
  size_t n = dd->n, d = dd->d;
  if (d == 0)
    return gmix__mpi_error(err, GMIX_EINVAL, "data have no columns (d = 0)");
  if (n > SIZE_MAX / d / sizeof(double))
    return gmix__mpi_error(err, GMIX_EOVERFLOW,
                           "rank %d: data of %zu rows x %zu columns overflow "
                           "size_t",
                           dd->rank, n, d);
  if (n > 0 && !dd->x)
    return gmix__mpi_error(err, GMIX_EINVAL, "argument 'x' is NULL");
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      if (!isfinite(dd->x[i * d + j]))
        return gmix__mpi_error(
            err, GMIX_ENONFINITE,
            "row %" PRIu64 " (row %zu of rank %d), column %zu: value %g is "
            "not finite",
            dd->row0 + i + 1, i + 1, dd->rank, j + 1, dd->x[i * d + j]);
  double s = 0.0;
  for (size_t i = 0; i < n; i++) {
    double w = dd->w ? dd->w[i] : 1.0;
    if (!isfinite(w) || w < 0.0)
      return gmix__mpi_error(err, GMIX_EWEIGHTS,
                             "sample weight of row %" PRIu64
                             " (row %zu of rank %d) is %s (%g)",
                             dd->row0 + i + 1, i + 1, dd->rank,
                             isfinite(w) ? "negative" : "not finite", w);
    s += w;
  }
  *sum_w = s;
  return GMIX_OK;
}

/* Everything every rank must know of the whole data: where this rank's
 * rows begin, that every rank's rows are valid and have the same number of
 * columns, the number of rows and their total weight. */
static gmix_status setup(gmix__mpi_data *dd, const gmix_options *o,
                         gmix_error *err) {
  uint64_t n = dd->n, row0 = 0;
  gmix_status st =
      gmix__mpi_check(MPI_Exscan(&n, &row0, 1, MPI_UINT64_T, MPI_SUM, dd->comm),
                      "MPI_Exscan", err);
  dd->row0 = dd->rank == 0 ? 0 : row0; /* Exscan leaves rank 0's undefined */
  if (st == GMIX_OK)
    st = check_rows(dd, &dd->local_sum_w, err);
  if ((st = gmix_mpi_agree(dd->comm, st, err)) != GMIX_OK)
    return st;
  /* The largest and the smallest d in one reduction. */
  uint64_t dd_in[2] = {dd->d, UINT64_MAX - dd->d}, dd_max[2];
  st = gmix__mpi_check(
      MPI_Allreduce(dd_in, dd_max, 2, MPI_UINT64_T, MPI_MAX, dd->comm),
      "MPI_Allreduce", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(
        MPI_Allreduce(&n, &dd->n_total, 1, MPI_UINT64_T, MPI_SUM, dd->comm),
        "MPI_Allreduce", err);
  if (st != GMIX_OK)
    return st;
  if (dd_max[0] != UINT64_MAX - dd_max[1])
    return gmix__mpi_error(err, GMIX_EDIM,
                           "the ranks' data have from %" PRIu64 " to %" PRIu64
                           " columns; every rank needs the same number",
                           UINT64_MAX - dd_max[1], dd_max[0]);
  dd->sum_w = dd->local_sum_w;
  if ((st = gmix_mpi_sum(dd->comm, &dd->sum_w, 1, err)) != GMIX_OK)
    return st;
  if (dd->n_total < o->n_components)
    return gmix__mpi_error(err, GMIX_ETOOFEW,
                           "%" PRIu64 " rows on %d ranks cannot be fitted with "
                           "%zu components (need at least as many rows as "
                           "components)",
                           dd->n_total, dd->size, o->n_components);
  if (!(dd->sum_w > 0.0) || !isfinite(dd->sum_w))
    return gmix__mpi_error(err, GMIX_EWEIGHTS,
                           "sample weights of all ranks sum to %g; they must "
                           "sum to a positive, finite value",
                           dd->sum_w);
  return GMIX_OK;
}

/* Agree on a step that made *em on some ranks: on failure anywhere, free
 * it everywhere. */
static gmix_status agree_em(const gmix__mpi_data *dd, gmix_status st,
                            gmix_em **em, gmix_error *err) {
  st = gmix_mpi_agree(dd->comm, st, err);
  if (st != GMIX_OK) {
    gmix_em_free(*em);
    *em = NULL;
  }
  return st;
}

/* Restart i's start: the warm start, or the M-step on initial statistics
 * of every rank's rows. */
static gmix_status start(const gmix__mpi_data *dd, const gmix_options *o,
                         size_t i, gmix_em **em, gmix_error *err) {
  gmix_stats *init = NULL;
  if (!o->warm_start) {
    gmix_status st = gmix__mpi_init_stats(dd, o, i, &init, err);
    if (st != GMIX_OK)
      return st;
  }
  gmix_status st =
      gmix_em_start_stats(init, dd->n_total, dd->sum_w, o, i, em, err);
  gmix_stats_free(init);
  return agree_em(dd, st, em, err);
}

/* Statistics of every rank's rows under em's current parameters. */
static gmix_status pass(const gmix__mpi_data *dd, const gmix_em *em,
                        gmix_stats **out, gmix_error *err) {
  gmix_stats *s = NULL;
  gmix_status st = gmix_em_stats(em, &s, err);
  st = gmix__mpi_pass(dd, s, st, NULL, NULL, err);
  if (st != GMIX_OK) {
    gmix_stats_free(s);
    return st;
  }
  *out = s;
  return GMIX_OK;
}

/* Mean log-likelihood per unit weight of em's current parameters over
 * every rank's rows. */
static gmix_status evaluate(const gmix__mpi_data *dd, const gmix_em *em,
                            double *ll, gmix_error *err) {
  gmix_stats *s = NULL;
  gmix_status st = pass(dd, em, &s, err);
  if (st == GMIX_OK)
    *ll = gmix_stats_log_likelihood(s) / gmix_stats_weight(s);
  gmix_stats_free(s);
  return st;
}

/* One restart to convergence or max_iter; *lb receives its lower bound. */
static gmix_status run_restart(const gmix__mpi_data *dd, const gmix_options *o,
                               gmix_em *em, double *lb, gmix_error *err) {
  if (o->max_iter == 0)
    return evaluate(dd, em, lb, err);
  for (size_t it = 0; it < o->max_iter; it++) {
    double t0 = MPI_Wtime();
    gmix_stats *s = NULL;
    gmix_status st = pass(dd, em, &s, err);
    if (st != GMIX_OK)
      return st;
    gmix_iteration info;
    int conv = 0;
    st = gmix_em_step_stats(em, s, &info, &conv, err);
    gmix_stats_free(s);
    if (st == GMIX_OK) {
      info.seconds = MPI_Wtime() - t0; /* the pass and the sum too */
      if (o->callback && o->callback(&info, o->callback_data))
        st = gmix__mpi_error(err, GMIX_ECANCELLED,
                             "cancelled by the callback on rank %d at "
                             "iteration %zu of restart %zu",
                             dd->rank, info.iteration, info.init);
    }
    if ((st = gmix_mpi_agree(dd->comm, st, err)) != GMIX_OK)
      return st;
    *lb = info.lower_bound;
    if (conv)
      break;
  }
  return GMIX_OK;
}

/* Restarts, keeping the first with the highest lower bound. */
static gmix_status restarts(const gmix__mpi_data *dd, const gmix_options *o,
                            gmix_em **best, double *best_lb, gmix_error *err) {
  for (size_t i = 0; i < o->n_init; i++) {
    gmix_em *em = NULL;
    double lb = -INFINITY;
    gmix_status st = start(dd, o, i, &em, err);
    if (st == GMIX_OK)
      st = run_restart(dd, o, em, &lb, err);
    if (st != GMIX_OK) {
      gmix_em_free(em);
      return st;
    }
    if (!*best || lb > *best_lb) {
      gmix_em_free(*best);
      *best = em;
      *best_lb = lb;
    } else {
      gmix_em_free(em);
    }
  }
  return GMIX_OK;
}

/* All three *_init parameters make the start a model of its own, as in
 * gmix_fit; *start receives it (NULL when they are not all given). */
static gmix_status user_start(const gmix__mpi_data *dd, const gmix_options *o,
                              gmix_model **start, gmix_error *err) {
  gmix_status st = GMIX_OK;
  if (!o->warm_start && o->weights_init && o->means_init && o->precisions_init)
    st = gmix_model_create_from_precisions(
        o->covariance_type, o->n_components, dd->d, o->weights_init,
        o->means_init, o->precisions_init, start, err);
  st = gmix_mpi_agree(dd->comm, st, err);
  if (st != GMIX_OK) {
    gmix_model_free(*start);
    *start = NULL;
  }
  return st;
}

gmix_status gmix_mpi_fit(MPI_Comm comm, const double *x, size_t n, size_t d,
                         const double *w, const gmix_options *opt,
                         gmix_model **out, gmix_error *err) {
  double t0 = MPI_Wtime();
  gmix__mpi_data dd;
  memset(&dd, 0, sizeof dd);
  dd.comm = comm;
  dd.x = x;
  dd.w = w;
  dd.n = n;
  dd.d = d;
  gmix_status st =
      gmix__mpi_check(MPI_Comm_rank(comm, &dd.rank), "MPI_Comm_rank", err);
  if (st == GMIX_OK)
    st = gmix__mpi_check(MPI_Comm_size(comm, &dd.size), "MPI_Comm_size", err);
  if (st != GMIX_OK)
    return st;
  gmix_options o;
  st = out ? read_options(opt, &o, err)
           : gmix__mpi_error(err, GMIX_EINVAL, "argument 'out' is NULL");
  if ((st = gmix_mpi_agree(comm, st, err)) != GMIX_OK)
    return st;
  dd.k = o.n_components;
  if ((st = setup(&dd, &o, err)) != GMIX_OK)
    return st;

  gmix_model *given = NULL, *m = NULL;
  gmix_em *best = NULL;
  double best_lb = -INFINITY, ll = NAN;
  if ((st = user_start(&dd, &o, &given, err)) != GMIX_OK)
    return st;
  if (given)
    o.warm_start = given;
  st = restarts(&dd, &o, &best, &best_lb, err);
  /* A final E-step on the returned parameters, for the report's
   * log-likelihood; with max_iter 0 the restart's evaluation was it. */
  if (st == GMIX_OK)
    st = o.max_iter == 0 ? GMIX_OK : evaluate(&dd, best, &ll, err);
  if (st == GMIX_OK) {
    if (o.max_iter == 0)
      ll = best_lb;
    /* Rank 0's clock, so that every rank's model is the same bits. */
    double seconds = MPI_Wtime() - t0;
    st = gmix__mpi_check(MPI_Bcast(&seconds, 1, MPI_DOUBLE, 0, comm),
                         "MPI_Bcast", err);
    if (st == GMIX_OK)
      st = gmix_em_finish(best, ll, seconds, &m, err);
    if ((st = gmix_mpi_agree(comm, st, err)) != GMIX_OK) {
      gmix_model_free(m);
      m = NULL;
    }
  }
  gmix_em_free(best);
  gmix_model_free(given);
  if (st == GMIX_OK)
    *out = m;
  return st;
}
