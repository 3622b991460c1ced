/*
 * em.c -- the fit driver: options, validation, initialisation, EM steps,
 * the collapse policy, convergence and restarts.
 *
 * gmix_fit is a loop over gmix_em_start / gmix_em_step, one restart at a
 * time, keeping the restart with the highest lower bound. An EM step is one
 * pass of the engine (E-step fused with the accumulation of statistics)
 * followed by the M-step. Convergence follows scikit-learn: the absolute
 * change of the mean log-likelihood per unit weight below tol.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "collapse.h"
#include "engine.h"
#include "init.h"
#include "standardize.h"
#include "stats.h"

struct gmix_em {
  gmix_options opt; /* copy; its pointer fields are cleared after start */
  size_t n, d, k;
  double sum_w;
  size_t init_index;
  gmix_model *cur;
  gmix__engine *eng;
  gmix__collapse col; /* the collapse policy and its re-seed events */
  size_t iter;
  double lower_bound;
  int converged;
  double *history;
  size_t n_history, cap_history;
};

/* Everything about the data and options that can be checked up front. */
static gmix_status validate(const double *x, size_t n, size_t d,
                            const double *w, const gmix_options *opt,
                            double *sum_w, gmix_error *err) {
  gmix_status st = gmix__options_check(opt, err);
  if (st != GMIX_OK)
    return st;
  if (d == 0)
    return gmix__error(err, GMIX_EINVAL, "data have no columns (d = 0)");
  if (!x)
    return gmix__null_argument(err, "x");
  if (n < opt->n_components)
    return gmix__error(err, GMIX_ETOOFEW,
                       "%zu rows cannot be fitted with %zu components "
                       "(need at least as many rows as components)",
                       n, opt->n_components);
  if ((st = gmix__check_data(x, n, d, err)) != GMIX_OK)
    return st;
  if (gmix_covariance_size(opt->covariance_type, opt->n_components, d) == 0)
    return gmix__error(err, GMIX_EOVERFLOW,
                       "%zu components in %zu dimensions overflow size_t",
                       opt->n_components, d);
  return gmix__check_weights(w, n, sum_w, err);
}

/* GMIX_ECANCELLED: the caller's flag stopped restart em->init_index
 * `during` a phase ("during iteration 3", "in the initialisation"). */
static gmix_status cancelled(const gmix_em *em, const char *during,
                             gmix_error *err) {
  return gmix__error(err, GMIX_ECANCELLED, "cancelled %s of restart %zu",
                     during, em->init_index);
}

void gmix_em_free(gmix_em *em) {
  if (!em)
    return;
  gmix_model_free(em->cur);
  gmix__engine_free(em->eng);
  gmix__collapse_free(&em->col);
  gmix__free(em->history);
  gmix__free(em);
}

/* M-step from statistics `tot` (layout l, accumulated around `shift`),
 * then the collapse policy. weight_total is the sum of weights (EM) or of
 * N_k (initialisation). */
static gmix_status mstep(gmix_em *em, const double *tot,
                         const gmix__stats_layout *l, const double *shift,
                         double weight_total, gmix_error *err) {
  return gmix__collapse_mstep(&em->col, em->cur, tot, l, shift, em->eng->delta,
                              weight_total, em->iter, err);
}

/* The M-step that builds the first parameters from the statistics of
 * initial responsibilities. Their weights are N_k / sum N_k: for one-hot
 * rows from k-means++ or random_from_data that is 1/K, not N_k over all
 * the data. */
static gmix_status initial_mstep(gmix_em *em, const double *tot,
                                 const gmix__stats_layout *l,
                                 const double *shift, gmix_error *err) {
  double nk_sum = 0.0;
  for (size_t c = 0; c < em->k; c++)
    nk_sum += tot[l->nk + c];
  if (!(nk_sum > 0.0))
    return gmix__error(err, GMIX_EINVAL,
                       "the initial responsibilities hold no weight");
  return mstep(em, tot, l, shift, nk_sum, err);
}

/* Replace the parts of the initial model that the user gave. */
static gmix_status apply_user_init(gmix_em *em, gmix_error *err) {
  const gmix_options *o = &em->opt;
  gmix_model *m = em->cur, *given = NULL;
  size_t k = m->k, d = m->d;
  if (!o->weights_init && !o->means_init && !o->precisions_init)
    return GMIX_OK;
  /* Validate the given parts by building a model: weights, means and
   * precisions each fall back to the initialiser's. */
  size_t ncov = gmix_covariance_size(m->type, k, d);
  double *prec = NULL;
  if (!o->precisions_init) {
    prec = gmix__malloc(ncov * sizeof *prec);
    if (!prec)
      return gmix__error(err, GMIX_ENOMEM, "out of memory");
    gmix_model_precisions(m, prec);
  }
  gmix_status st = gmix_model_create_from_precisions(
      m->type, k, d, o->weights_init ? o->weights_init : m->weights,
      o->means_init ? o->means_init : m->means,
      o->precisions_init ? o->precisions_init : prec, &given, err);
  gmix__free(prec);
  if (st != GMIX_OK)
    return st;
  if (o->precisions_init) {
    gmix__model_copy_params(m, given);
  } else {
    memcpy(m->weights, given->weights, k * sizeof *m->weights);
    memcpy(m->means, given->means, k * d * sizeof *m->means);
    gmix__model_update_log_weights(m);
  }
  gmix_model_free(given);
  return GMIX_OK;
}

/* A warm start, or the model initial statistics were taken under, must
 * have the fit's shape. */
static gmix_status check_shape(const char *what, const gmix_model *m, size_t k,
                               size_t d, gmix_covariance_type type,
                               gmix_error *err) {
  if (m->k == k && m->d == d && m->type == type)
    return GMIX_OK;
  return gmix__error(err, GMIX_EDIM,
                     "%s has %zu components, %zu features, %s covariances; "
                     "the fit asks for %zu, %zu, %s",
                     what, m->k, m->d, gmix_covariance_type_name(m->type), k, d,
                     gmix_covariance_type_name(type));
}

/* The initialisation's input for restart init_index of a fit with
 * options opt on x[n][d] (weights w summing to sum_w). With
 * opt->standardize it reads a standardised copy, *xz, and *centre holds
 * that copy's mean then scale (d doubles each); both are NULL otherwise,
 * and the caller frees them. */
static gmix_status init_input(const double *x, size_t n, size_t d,
                              const double *w, double sum_w,
                              const gmix_options *opt, size_t init_index,
                              size_t chunk, size_t threads, gmix__init_data *in,
                              double **xz, double **centre, gmix_error *err) {
  *in = (gmix__init_data){.x = x,
                          .w = w,
                          .n = n,
                          .d = d,
                          .k = opt->n_components,
                          .sum_w = sum_w,
                          .method = opt->init,
                          .seed = opt->seed,
                          .init_index = init_index,
                          .kmeans_max_iter = opt->kmeans_max_iter,
                          .kmeans_max_rows = opt->kmeans_max_rows,
                          .kmeans_tol = opt->kmeans_tol,
                          .hc_max_rows = opt->hc_max_rows,
                          .opt = opt,
                          .chunk = chunk,
                          .threads = threads};
  *xz = *centre = NULL;
  if (!opt->standardize)
    return GMIX_OK;
  int overflow = 0;
  *centre = gmix__malloc_array(d, 2 * sizeof **centre, &overflow);
  if (!*centre)
    return gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                       "out of memory in initialisation");
  gmix_status st =
      gmix__standardize(x, n, d, w, sum_w, xz, *centre, *centre + d, err);
  in->x = *xz;
  return st;
}

/* The first parameters from the initialisation method: initial
 * statistics, then an M-step. With opt->standardize the method runs on a
 * standardised copy of the data and its statistics are taken back to the
 * original units before the M-step, so reg_covar, the covariance model
 * and the collapse policy all act in those units. `tree`: the hierarchical
 * start's tree, or NULL. */
static gmix_status initialise(gmix_em *em, const double *x, const double *w,
                              const gmix_options *opt,
                              const gmix__hc_tree *tree, gmix_error *err) {
  gmix__init_data in;
  double *xz, *centre;
  gmix_status st =
      init_input(x, em->n, em->d, w, em->sum_w, opt, em->init_index,
                 em->eng->chunk, em->eng->threads, &in, &xz, &centre, err);
  in.hc_tree = tree;
  if (st == GMIX_OK)
    st = gmix__init_stats(em->eng, &in, err);
  if (st == GMIX_OK && em->eng->cancelled)
    st = cancelled(em, "in the initialisation", err);
  if (st == GMIX_OK && opt->standardize)
    gmix__stats_unscale(em->eng, centre, centre + em->d);
  gmix__free(xz);
  gmix__free(centre);
  if (st != GMIX_OK)
    return st;
  return initial_mstep(em, em->eng->total, &em->eng->layout, em->eng->shift,
                       err);
}

gmix_status gmix__fit_hc_tree(const double *x, size_t n, size_t d,
                              const double *w, const gmix_options *opt,
                              size_t init_index, size_t k_stop, size_t threads,
                              gmix__hc_tree **out, gmix_error *err) {
  double sum_w = 0.0;
  gmix_status st = gmix__check_weights(w, n, &sum_w, err);
  gmix__init_data in;
  double *xz = NULL, *centre = NULL;
  if (st == GMIX_OK)
    st = init_input(x, n, d, w, sum_w, opt, init_index, n, threads, &in, &xz,
                    &centre, err);
  if (st == GMIX_OK)
    st = gmix__hc_tree_build(&in, k_stop, out, err);
  gmix__free(xz);
  gmix__free(centre);
  return st;
}

/* A restart's object and work space, before its parameters are chosen. */
static gmix_status em_alloc(const gmix_options *opt, size_t n, size_t d,
                            double sum_w, size_t init_index, gmix_em **out,
                            gmix_error *err) {
  size_t k = opt->n_components;
  gmix_em *em = gmix__calloc(1, sizeof *em);
  if (!em)
    return gmix__error(err, GMIX_ENOMEM, "out of memory");
  em->opt = *opt;
  em->n = n;
  em->d = d;
  em->k = k;
  em->sum_w = sum_w;
  em->init_index = init_index;
  em->lower_bound = -INFINITY;
  em->cap_history = opt->max_iter < 1024 ? opt->max_iter : 1024;
  gmix_status st = gmix__model_alloc(opt->covariance_type, k, d, &em->cur, err);
  if (st == GMIX_OK)
    st = gmix__engine_create(em->cur->ops, k, d, n, opt->block_rows,
                             opt->chunk_rows, opt->threads, &em->eng);
  if (st == GMIX_OK)
    em->eng->cancel = opt->cancel;
  if (st == GMIX_OK)
    st = gmix__collapse_init(&em->col, k, d, opt, init_index);
  if (st == GMIX_OK) {
    int overflow = 0;
    em->history = gmix__malloc_array(em->cap_history ? em->cap_history : 1,
                                     sizeof *em->history, &overflow);
    if (!em->history)
      st = overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM;
  }
  if (st != GMIX_OK) {
    gmix_em_free(em);
    if (st == GMIX_ENOMEM || st == GMIX_EOVERFLOW)
      gmix__error(err, st, "cannot allocate the work space of the fit");
    return st;
  }
  *out = em;
  return GMIX_OK;
}

/* Hand out a started restart, or free it on failure. The caller's
 * pointers are not kept past the start (gmix_fit gives the restarts it
 * runs itself the cancellation flag back for their steps). */
static gmix_status em_started(gmix_em *em, gmix_status st, gmix_em **out) {
  em->opt.weights_init = em->opt.means_init = em->opt.precisions_init = NULL;
  em->opt.warm_start = NULL;
  em->opt.cancel = NULL;
  em->eng->cancel = NULL;
  if (st != GMIX_OK) {
    gmix_em_free(em);
    return st;
  }
  *out = em;
  return GMIX_OK;
}

/* gmix_em_start, with the hierarchical start's tree when one was built
 * (NULL otherwise). */
static gmix_status em_start(const double *x, size_t n, size_t d,
                            const double *w, const gmix_options *given,
                            size_t init_index, const gmix__hc_tree *tree,
                            gmix_em **out, gmix_error *err) {
  double sum_w = 0.0;
  gmix_options local;
  const gmix_options *opt = &local;
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_status st = gmix__options_read(given, &local, err);
  if (st == GMIX_OK)
    st = validate(x, n, d, w, opt, &sum_w, err);
  if (st != GMIX_OK)
    return st;
  size_t k = opt->n_components;
  const gmix_model *ws = opt->warm_start;
  if (ws)
    st = check_shape("warm start model", ws, k, d, opt->covariance_type, err);
  gmix_em *em = NULL;
  if (st == GMIX_OK)
    st = em_alloc(opt, n, d, sum_w, init_index, &em, err);
  if (st != GMIX_OK)
    return st;

  if (ws) {
    gmix__model_copy_params(em->cur, ws);
  } else if (opt->weights_init && opt->means_init && opt->precisions_init) {
    st = apply_user_init(em, err);
  } else {
    st = initialise(em, x, w, opt, tree, err);
    if (st == GMIX_OK)
      st = apply_user_init(em, err);
  }
  return em_started(em, st, out);
}

gmix_status gmix_em_start(const double *x, size_t n, size_t d, const double *w,
                          const gmix_options *given, size_t init_index,
                          gmix_em **out, gmix_error *err) {
  return em_start(x, n, d, w, given, init_index, NULL, out, err);
}

gmix_status gmix_em_start_stats(const gmix_stats *init, size_t n, double sum_w,
                                const gmix_options *given, size_t init_index,
                                gmix_em **out, gmix_error *err) {
  gmix_options local;
  const gmix_options *opt = &local;
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_status st = gmix__options_read(given, &local, err);
  if (st == GMIX_OK)
    st = gmix__options_check(opt, err);
  if (st != GMIX_OK)
    return st;
  size_t k = opt->n_components;
  const gmix_model *ws = opt->warm_start;
  const gmix_model *shape = ws ? ws : init ? init->model : NULL;
  if (!shape)
    return gmix__error(err, GMIX_EINVAL,
                       "a fit on the caller's statistics starts from initial "
                       "statistics or a warm start; neither was given");
  size_t d = shape->d;
  st = check_shape(ws ? "warm start model" : "initial statistics' model", shape,
                   k, d, opt->covariance_type, err);
  if (st != GMIX_OK)
    return st;
  if (n < k)
    return gmix__error(err, GMIX_ETOOFEW,
                       "%zu rows cannot be fitted with %zu components "
                       "(need at least as many rows as components)",
                       n, k);
  if (!(sum_w > 0.0) || !isfinite(sum_w))
    return gmix__error(err, GMIX_EWEIGHTS,
                       "sample weights sum to %g; they must sum to a positive, "
                       "finite value",
                       sum_w);
  gmix_em *em = NULL;
  if ((st = em_alloc(opt, n, d, sum_w, init_index, &em, err)) != GMIX_OK)
    return st;
  if (ws) {
    gmix__model_copy_params(em->cur, ws);
  } else {
    /* A component the M-step finds empty keeps its old parameters until
     * it is re-seeded: start from the statistics' model, not from
     * uninitialised memory. */
    gmix__model_copy_params(em->cur, init->model);
    st = initial_mstep(em, init->buf, &init->layout, init->shift, err);
    if (st == GMIX_OK)
      st = apply_user_init(em, err);
  }
  return em_started(em, st, out);
}

/* Grow the history by doubling: amortised, and bounded by max_iter. */
static gmix_status push_history(gmix_em *em, double value) {
  if (em->n_history == em->cap_history) {
    size_t cap = em->cap_history ? 2 * em->cap_history : 16;
    double *h = cap > SIZE_MAX / sizeof *h
                    ? NULL
                    : gmix__realloc(em->history, cap * sizeof *h);
    if (!h)
      return GMIX_ENOMEM;
    em->history = h;
    em->cap_history = cap;
  }
  em->history[em->n_history++] = value;
  return GMIX_OK;
}

/* A log-likelihood that is not finite: some row's squared distance to
 * every component overflowed, so the data span more than double precision
 * can weigh against the covariances. */
static gmix_status lb_overflow(size_t iteration, double lb, gmix_error *err) {
  return gmix__error(err, GMIX_EOVERFLOW,
                     "the log-likelihood is %g at iteration %zu: the data "
                     "are too far from the components for double precision; "
                     "scale the data",
                     lb, iteration);
}

/* The rest of an iteration once the E-step's statistics `tot` (layout l,
 * around `shift`) are in: the lower bound, the M-step with the collapse
 * policy, the history and the convergence test. t0 is when the iteration
 * began. */
static gmix_status advance(gmix_em *em, const double *tot,
                           const gmix__stats_layout *l, const double *shift,
                           double t0, gmix_iteration *info, int *converged,
                           gmix_error *err) {
  double lb = tot[1] / tot[0];
  double change = lb - em->lower_bound;
  em->iter++;
  if (!isfinite(lb))
    return lb_overflow(em->iter, lb, err);
  size_t before = em->col.n_events;
  gmix_status st = mstep(em, tot, l, shift, em->sum_w, err);
  if (st != GMIX_OK)
    return st;
  if (push_history(em, lb) != GMIX_OK)
    return gmix__error(err, GMIX_ENOMEM, "out of memory");
  em->lower_bound = lb;
  /* An iteration that re-seeded a component moved the parameters by hand:
   * it cannot be the one that converged. */
  em->converged = fabs(change) < em->opt.tol && em->col.n_events == before;
  if (info) {
    info->init = em->init_index;
    info->iteration = em->iter;
    info->lower_bound = lb;
    info->change = change;
    info->seconds = omp_get_wtime() - t0;
  }
  if (converged)
    *converged = em->converged;
  return GMIX_OK;
}

gmix_status gmix_em_step(gmix_em *em, const double *x, size_t n, size_t d,
                         const double *w, gmix_iteration *info, int *converged,
                         gmix_error *err) {
  if (!em)
    return gmix__null_argument(err, "em");
  if (!x)
    return gmix__null_argument(err, "x");
  if (n != em->n || d != em->d)
    return gmix__error(err, GMIX_EDIM,
                       "step on %zu x %zu data; the fit started on %zu x %zu",
                       n, d, em->n, em->d);
  double t0 = omp_get_wtime();
  gmix__engine_prepare(em->eng, em->cur);
  gmix__engine_pass(em->eng, x, n, w, GMIX__PASS_STATS, NULL, NULL, NULL);
  if (em->eng->cancelled) {
    char during[64];
    snprintf(during, sizeof during, "during iteration %zu", em->iter + 1);
    return cancelled(em, during, err);
  }
  return advance(em, em->eng->total, &em->eng->layout, em->eng->shift, t0, info,
                 converged, err);
}

gmix_status gmix_em_stats(const gmix_em *em, gmix_stats **out,
                          gmix_error *err) {
  if (!em)
    return gmix__null_argument(err, "em");
  gmix_status st = gmix_stats_create(em->cur, out, err);
  if (st == GMIX_OK)
    (*out)->threads = em->opt.threads;
  return st;
}

gmix_status gmix_em_step_stats(gmix_em *em, const gmix_stats *s,
                               gmix_iteration *info, int *converged,
                               gmix_error *err) {
  if (!em)
    return gmix__null_argument(err, "em");
  if (!s)
    return gmix__null_argument(err, "stats");
  double t0 = omp_get_wtime();
  if (!gmix__model_same_params(s->model, em->cur))
    return gmix__error(err, GMIX_EINVAL,
                       "the statistics were taken under other parameters "
                       "than the fit's current ones (use gmix_em_stats)");
  if (!(s->buf[0] > 0.0))
    return gmix__error(err, GMIX_EINVAL,
                       "the statistics hold no rows of positive weight");
  return advance(em, s->buf, &s->layout, s->shift, t0, info, converged, err);
}

gmix_status gmix_em_model(const gmix_em *em, gmix_model **out,
                          gmix_error *err) {
  if (!em)
    return gmix__null_argument(err, "em");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_model *m = NULL;
  gmix_fit_report r;
  memset(&r, 0, sizeof r);
  r.has_fit = 1;
  r.converged = em->converged;
  r.n_iter = em->iter;
  r.n_init = em->init_index + 1;
  r.best_init = em->init_index;
  r.lower_bound = em->lower_bound;
  r.log_likelihood = NAN;
  r.n_samples = em->n;
  r.sum_weights = em->sum_w;
  r.n_reseeds = em->col.n_events;
  r.n_mstep_unconverged = em->col.n_unconverged;
  if (gmix_model_copy(em->cur, &m, NULL) != GMIX_OK ||
      gmix__model_set_report(m, &r, em->history, em->n_history) != GMIX_OK)
    goto nomem;
  if (em->col.n_events) {
    m->reseeds = gmix__malloc(em->col.n_events * sizeof *m->reseeds);
    if (!m->reseeds)
      goto nomem;
    memcpy(m->reseeds, em->col.events, em->col.n_events * sizeof *m->reseeds);
    m->n_reseeds = em->col.n_events;
  }
  *out = m;
  return GMIX_OK;
nomem:
  gmix_model_free(m);
  return gmix__error(err, GMIX_ENOMEM, "out of memory copying the model");
}

gmix_status gmix_em_finish(const gmix_em *em, double log_likelihood,
                           double seconds, gmix_model **out, gmix_error *err) {
  gmix_model *m = NULL;
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_status st = gmix_em_model(em, &m, err);
  if (st != GMIX_OK)
    return st;
  m->report.log_likelihood = log_likelihood;
  if (em->iter == 0)
    m->report.lower_bound = log_likelihood;
  m->report.n_init = em->opt.n_init;
  m->report.seconds = seconds;
  *out = m;
  return GMIX_OK;
}

/* Mean log-likelihood per unit weight of the current parameters. */
static double evaluate(gmix_em *em, const double *x, const double *w) {
  gmix__engine_prepare(em->eng, em->cur);
  gmix__engine_pass(em->eng, x, em->n, w, GMIX__PASS_SCORE, NULL, NULL, NULL);
  return em->eng->total[1] / em->eng->total[0];
}

/* Run one restart to convergence or max_iter, polling `cancel` (the
 * caller's flag) in every pass and between iterations. */
static gmix_status run_restart(gmix_em *em, const double *x, const double *w,
                               const volatile sig_atomic_t *cancel,
                               gmix_error *err) {
  const gmix_options *o = &em->opt;
  em->eng->cancel = cancel;
  if (o->max_iter == 0) {
    em->lower_bound = evaluate(em, x, w);
    if (em->eng->cancelled)
      return cancelled(em, "evaluating the start", err);
    return isfinite(em->lower_bound) ? GMIX_OK
                                     : lb_overflow(0, em->lower_bound, err);
  }
  for (size_t it = 0; it < o->max_iter; it++) {
    gmix_iteration info;
    int conv = 0;
    gmix_status st = gmix_em_step(em, x, em->n, em->d, w, &info, &conv, err);
    if (st != GMIX_OK)
      return st;
    if (o->callback && o->callback(&info, o->callback_data))
      return gmix__error(err, GMIX_ECANCELLED,
                         "cancelled by the callback at iteration %zu of "
                         "restart %zu",
                         info.iteration, info.init);
    if (gmix__cancel_requested(cancel))
      return gmix__error(err, GMIX_ECANCELLED,
                         "cancelled after iteration %zu of restart %zu",
                         em->iter, em->init_index);
    if (conv)
      break;
  }
  return GMIX_OK;
}

/* Start restart i (from `tree` when the start is hc and one was built)
 * and run it to convergence or max_iter. */
static gmix_status run_one(const double *x, size_t n, size_t d, const double *w,
                           const gmix_options *opt, size_t i,
                           const gmix__hc_tree *tree, gmix_em **out,
                           gmix_error *err) {
  gmix_em *em = NULL;
  gmix_status st = em_start(x, n, d, w, opt, i, tree, &em, err);
  if (st == GMIX_OK)
    st = run_restart(em, x, w, opt->cancel, err);
  if (st != GMIX_OK) {
    gmix_em_free(em);
    return st;
  }
  *out = em;
  return GMIX_OK;
}

/* The model of the restart kept, as gmix_fit returns it. t0 is when the
 * fit began. */
static gmix_status finish(gmix_em *best, const double *x, const double *w,
                          const gmix_options *opt, double t0, gmix_model **out,
                          gmix_error *err) {
  /* A final E-step on the returned parameters, so the report's
   * log-likelihood (and BIC from it) describes the model as returned.
   * With max_iter 0 the restart's evaluation already was that E-step. */
  double ll = opt->max_iter == 0 ? best->lower_bound : evaluate(best, x, w);
  if (best->eng->cancelled)
    return cancelled(best, "in the final E-step", err);
  return gmix_em_finish(best, ll, omp_get_wtime() - t0, out, err);
}

/* Read and check the caller's options into `local`. */
static gmix_status read_options(const gmix_options *given, gmix_options *local,
                                gmix_error *err) {
  gmix_status st = gmix__options_read(given, local, err);
  return st == GMIX_OK ? gmix__options_check(local, err) : st;
}

gmix_status gmix_fit(const double *x, size_t n, size_t d, const double *w,
                     const gmix_options *given, gmix_model **out,
                     gmix_error *err) {
  if (!out)
    return gmix__null_argument(err, "out");
  double t0 = omp_get_wtime();
  gmix_options opt;
  gmix_status st = read_options(given, &opt, err);
  if (st != GMIX_OK)
    return st;
  gmix_em *best = NULL;
  for (size_t i = 0; i < opt.n_init; i++) {
    gmix_em *em = NULL;
    st = run_one(x, n, d, w, &opt, i, NULL, &em, err);
    if (st != GMIX_OK) {
      gmix_em_free(best);
      return st;
    }
    /* Keep the first restart, then any with a strictly higher bound. */
    if (!best || em->lower_bound > best->lower_bound) {
      gmix_em_free(best);
      best = em;
    } else {
      gmix_em_free(em);
    }
  }
  st = finish(best, x, w, &opt, t0, out, err);
  gmix_em_free(best);
  return st;
}

gmix_status gmix__fit_restart_run(const double *x, size_t n, size_t d,
                                  const double *w, const gmix_options *given,
                                  size_t init_index, const gmix__hc_tree *tree,
                                  gmix_em **out, double *seconds,
                                  gmix_error *err) {
  double t0 = omp_get_wtime();
  gmix_options opt;
  gmix_status st = read_options(given, &opt, err);
  if (st == GMIX_OK)
    st = run_one(x, n, d, w, &opt, init_index,
                 opt.init == GMIX_INIT_HC ? tree : NULL, out, err);
  *seconds = omp_get_wtime() - t0;
  return st;
}

double gmix__em_lower_bound(const gmix_em *em) {
  return em->lower_bound;
}

gmix_status gmix__fit_restart_finish(gmix_em *em, const double *x,
                                     const double *w, double seconds,
                                     double sums[GMIX__TOTAL_ENTROPY_SIZE],
                                     gmix_model **out, gmix_error *err) {
  double t0 = omp_get_wtime();
  /* The ENTROPY pass sums w log p as the SCORE pass of finish() does, on
   * the same engine, so the log-likelihood is the same to the last bit. */
  gmix__engine_prepare(em->eng, em->cur);
  gmix__engine_pass(em->eng, x, em->n, w, GMIX__PASS_ENTROPY, NULL, NULL, NULL);
  if (em->eng->cancelled)
    return cancelled(em, "in the final E-step", err);
  memcpy(sums, em->eng->total, GMIX__TOTAL_ENTROPY_SIZE * sizeof *sums);
  double ll = sums[GMIX__TOTAL_LOGLIK] / sums[GMIX__TOTAL_WEIGHT];
  return gmix_em_finish(em, ll, seconds + omp_get_wtime() - t0, out, err);
}
