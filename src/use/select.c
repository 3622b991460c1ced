/*
 * select.c -- model selection: fit every candidate of a sweep over the
 * number of components K and the covariance types, and choose the best by
 * BIC, AIC or ICL.
 *
 * A candidate (a "cell") runs each of its starts with restarts, one
 * restart (a "fit") at a time through the EM driver, and keeps the fit of
 * highest log-likelihood as gmix_fit ranks them; only that fit is
 * finished, and one engine pass over it gives every criterion. The
 * hierarchical start's tree is built once per restart for the whole sweep
 * and cut at each K. Cells that cannot be fitted are recorded with their
 * status, and only what concerns the whole sweep (bad arguments, no
 * memory, a cancel) fails the call. The cells run either in parallel (one
 * thread per fit) or in turn (gmix.h states the rule); each fit is
 * bit-identical for any thread count, so the table is too.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine.h"
#include "fit.h"
#include "use.h"

/* The starts of every cell when the options name none: mclust's
 * hierarchical agglomeration on its scaled data first (the start that wins
 * when features live on very different scales), then k-means; each cell
 * keeps the best. This is the one place the default is decided. */
static const gmix_init_method default_starts[] = {GMIX_INIT_HC,
                                                  GMIX_INIT_KMEANS};

/* The covariance types when the options name none: scikit-learn's four.
 * (gmix_covariance_types() lists every registered model.) */
static const gmix_covariance_type default_types[] = {
    GMIX_COV_FULL, GMIX_COV_TIED, GMIX_COV_DIAG, GMIX_COV_SPHERICAL};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The default range of K, mclust's: 1 to 9 components. */
#define DEFAULT_K_MIN 1
#define DEFAULT_K_MAX 9

/* The caller's struct: the fields before `fit` sit where this header puts
 * them; `fit` is as long as its own struct_size says, and any field after
 * it starts there. The first version of the struct carried a fit of the
 * first gmix_options with a struct_size. */
#define SELECT_HEAD offsetof(gmix_select_options, fit)
#define SELECT_MIN_SIZE (SELECT_HEAD + GMIX__OPTIONS_MIN_SIZE)

struct gmix_select_result {
  size_t n_cells;
  gmix_select_cell *cells;
  size_t best; /* GMIX_SELECT_NONE when every cell failed */
  gmix_model *best_model;
  gmix_criterion criterion;
};

/* This library's defaults, in a struct of this library's version. */
static void defaults(gmix_select_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->struct_size = sizeof *opt;
  opt->k_min = DEFAULT_K_MIN;
  opt->k_max = DEFAULT_K_MAX;
  opt->criterion = GMIX_CRITERION_BIC;
  gmix_options_init(&opt->fit);
  opt->fit.tol = GMIX_SELECT_TOL_DEFAULT;
}

/* The caller's struct: this library's fields before `fit` (unchanged
 * since the first version), the caller's own gmix_options of fit_size
 * bytes, then whatever the caller's version appends (zeroed: no field
 * follows `fit` in this version). */
void gmix_select_options_init_size(gmix_select_options *opt, size_t size,
                                   size_t fit_size) {
  gmix_select_options full;
  if (!opt || fit_size < GMIX__OPTIONS_MIN_SIZE ||
      size < SELECT_HEAD + fit_size)
    return;
  defaults(&full);
  memcpy(opt, &full, SELECT_HEAD);
  opt->struct_size = size;
  gmix_options_init_size(&opt->fit, fit_size);
  opt->fit.tol = GMIX_SELECT_TOL_DEFAULT;
  memset((char *)opt + SELECT_HEAD + fit_size, 0,
         size - SELECT_HEAD - fit_size);
}

/* Copy the caller's options, of whatever version, into a full struct of
 * this library's version (defaults for what the caller's lacks). */
static gmix_status read_options(const gmix_select_options *in,
                                gmix_select_options *out, gmix_error *err) {
  if (!in)
    return gmix__null_argument(err, "options");
  if (in->struct_size < SELECT_MIN_SIZE)
    return gmix__error(err, GMIX_EINVAL,
                       "select options.struct_size is %zu: fill the options "
                       "with gmix_select_options_init() first",
                       in->struct_size);
  size_t fit_size = in->fit.struct_size;
  if (fit_size < GMIX__OPTIONS_MIN_SIZE ||
      fit_size > in->struct_size - SELECT_HEAD)
    return gmix__error(err, GMIX_EINVAL,
                       "select options.fit.struct_size is %zu, which does not "
                       "fit in options of %zu bytes: fill the options with "
                       "gmix_select_options_init() first",
                       fit_size, in->struct_size);
  defaults(out);
  memcpy(out, in, SELECT_HEAD);
  out->struct_size = sizeof *out;
  gmix_status st = gmix__options_read(&in->fit, &out->fit, err);
  if (st != GMIX_OK)
    return st;
  /* Fields appended after `fit` (none yet) start where the caller's fit
   * ends, which is not where this library's does when the two versions of
   * gmix_options differ. */
  size_t tail_in = SELECT_HEAD + fit_size;
  size_t tail_out = SELECT_HEAD + sizeof out->fit;
  if (in->struct_size > tail_in && sizeof *out > tail_out) {
    size_t have = in->struct_size - tail_in, room = sizeof *out - tail_out;
    memcpy((char *)out + tail_out, (const char *)in + tail_in,
           have < room ? have : room);
  }
  return GMIX_OK;
}

/* The covariance types and starts of a sweep, its defaults applied. */
static const gmix_covariance_type *types_of(const gmix_select_options *o,
                                            size_t *count) {
  *count = o->covariance_types ? o->n_covariance_types : N_OF(default_types);
  return o->covariance_types ? o->covariance_types : default_types;
}

static const gmix_init_method *starts_of(const gmix_select_options *o,
                                         size_t *count) {
  *count = o->starts ? o->n_starts : N_OF(default_starts);
  return o->starts ? o->starts : default_starts;
}

/* Check options read by read_options; messages name the field. */
static gmix_status check_options(const gmix_select_options *o,
                                 gmix_error *err) {
  if (o->k_min == 0)
    return gmix__error(err, GMIX_EINVAL, "k_min must be at least 1");
  if (o->k_max < o->k_min)
    return gmix__error(err, GMIX_EINVAL, "k_max (%zu) is below k_min (%zu)",
                       o->k_max, o->k_min);
  if (o->covariance_types && o->n_covariance_types == 0)
    return gmix__error(err, GMIX_EINVAL,
                       "n_covariance_types is 0: give at least one covariance "
                       "type, or NULL for the default ones");
  size_t nt, ns;
  const gmix_covariance_type *types = types_of(o, &nt);
  for (size_t i = 0; i < nt; i++) {
    const char *name = gmix_covariance_type_name(types[i]);
    if (!name)
      return gmix__error(err, GMIX_EINVAL,
                         "covariance_types[%zu] = %d is not a registered "
                         "covariance type",
                         i, (int)types[i]);
    for (size_t j = 0; j < i; j++)
      if (types[j] == types[i])
        return gmix__error(err, GMIX_EINVAL,
                           "covariance_types[%zu] repeats '%s' (each type is "
                           "a column of the table, listed once)",
                           i, name);
  }
  if (!gmix_criterion_name(o->criterion))
    return gmix__error(err, GMIX_EINVAL, "criterion %d is not valid",
                       (int)o->criterion);
  if (o->starts && o->n_starts == 0)
    return gmix__error(err, GMIX_EINVAL,
                       "n_starts is 0: give at least one start, or NULL for "
                       "the default ones");
  const gmix_init_method *starts = starts_of(o, &ns);
  for (size_t i = 0; i < ns; i++)
    if (!gmix_init_method_name(starts[i]))
      return gmix__error(err, GMIX_EINVAL, "starts[%zu] = %d is not valid", i,
                         (int)starts[i]);
  const gmix_options *f = &o->fit;
  const char *given = NULL;
  if (f->warm_start)
    given = "warm_start";
  else if (f->weights_init)
    given = "weights_init";
  else if (f->means_init)
    given = "means_init";
  else if (f->precisions_init)
    given = "precisions_init";
  if (given)
    return gmix__error(err, GMIX_EINVAL,
                       "fit.%s must be NULL: a sweep starts every K afresh "
                       "from its starts",
                       given);
  /* The fields the sweep sets for each fit take a valid value here, so
   * the message names only what the caller set. */
  gmix_options probe = *f;
  probe.n_components = o->k_min;
  probe.covariance_type = types[0];
  probe.init = starts[0];
  return gmix__options_check(&probe, err);
}

gmix_status gmix_select_options_validate(const gmix_select_options *given,
                                         gmix_error *err) {
  gmix_select_options o;
  gmix_status st = read_options(given, &o, err);
  return st == GMIX_OK ? check_options(&o, err) : st;
}

/* ---- the sweep */

typedef struct sweep {
  const double *x, *w;
  size_t n, d;
  gmix_select_options opt;
  const gmix_covariance_type *types;
  size_t n_types;
  const gmix_init_method *starts;
  size_t n_starts;
  size_t n_positive; /* rows of positive weight                         */
  size_t fit_threads;
  /* Per restart, the hierarchical start's tree, built once for every
   * cell (NULL when no start is hc, or when building it failed in a way
   * that each cell then reports for itself). */
  gmix__hc_tree **trees;
  gmix_select_result *res;
  /* Shared while cells run in parallel: `stop` is read and written
   * atomically; the rest only inside the critical section of
   * record_cell and record_failure. */
  int stop;            /* 1: every fit stops at its next iteration    */
  gmix_status failure; /* first failure of the whole sweep            */
  gmix_error failure_err;
  size_t done;
  double best_value;
} sweep;

static int stopped(sweep *s) {
  int v;
#pragma omp atomic read
  v = s->stop;
  return v;
}

/* The per-iteration callback of every fit: stop when the sweep stops. */
static int keep_going(const gmix_iteration *it, void *user) {
  (void)it;
  return stopped(user);
}

/* Format a message into a buffer of GMIX_ERROR_MESSAGE_SIZE, cut short
 * when it is longer (as gmix__error does). */
static void set_message(char *buf, const char *fmt, ...) GMIX__PRINTF(2, 3);
static void set_message(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, GMIX_ERROR_MESSAGE_SIZE, fmt, ap);
  va_end(ap);
}

/* Statuses that fail one cell (a property of the candidate); any other
 * status of a fit fails the sweep. */
static int is_cell_failure(gmix_status st) {
  return st == GMIX_ENOTPD || st == GMIX_ECOLLAPSE || st == GMIX_ETOOFEW ||
         st == GMIX_EOVERFLOW;
}

/* Fill cell i's identity and parameter count, and fail it at once when
 * it cannot be attempted. Returns its cost estimate: rows times the
 * multiply-adds of its E-step per row (0 when it is not attempted). */
static double cell_plan(const sweep *s, size_t i, gmix_select_cell *c) {
  memset(c, 0, sizeof *c);
  c->covariance_type = s->types[i % s->n_types];
  c->n_components = s->opt.k_min + i / s->n_types;
  c->status = GMIX_OK;
  c->log_likelihood = c->bic = c->aic = c->icl = c->bic_mclust = NAN;
  c->best_start = s->starts[0];
  const gmix__cov_model *ops = gmix__cov_model_get(c->covariance_type);
  size_t k = c->n_components, d = s->d, kd;
  if (ops->size(k, d) == 0 || !gmix__mul(k, d, &kd)) {
    c->status = GMIX_EOVERFLOW;
    set_message(c->message, "%zu components in %zu dimensions overflow size_t",
                k, d);
    return 0.0;
  }
  c->n_parameters = gmix__cov_n_parameters(ops, k, d);
  if (s->n_positive <= c->n_parameters) {
    c->status = GMIX_ETOOFEW;
    set_message(c->message,
                "%zu %s components have %zu free parameters but the data "
                "have only %zu rows%s; a candidate needs more rows than "
                "parameters",
                k, ops->name, c->n_parameters, s->n_positive,
                s->w ? " of positive weight" : "");
    return 0.0;
  }
  return (double)s->n * (double)gmix__engine_row_cost(ops, k, d);
}

/* One fit of a cell: its start and restart, and what came of it. */
typedef struct fit_unit {
  size_t cell, start, restart; /* start: index into the sweep's starts */
  gmix_em *em;        /* the fit run to its end, or NULL when it failed */
  double seconds;     /* how long it ran                                */
  gmix_status status; /* GMIX_OK, or the cell failure it met  */
  char message[GMIX_ERROR_MESSAGE_SIZE];
} fit_unit;

/* A cell is finished: count it, let its model compete for the best (the
 * lowest criterion, ties to the lower index, an order that does not
 * depend on which cell finishes first) and call the callback. */
static void record_cell(sweep *s, size_t i, gmix_model *m) {
#pragma omp critical(gmix_select_record)
  {
    gmix_select_result *r = s->res;
    const gmix_select_cell *c = &r->cells[i];
    if (m) {
      gmix__criteria cr = {.bic = c->bic, .aic = c->aic, .icl = c->icl};
      double v = gmix__criteria_value(&cr, r->criterion);
      if (!r->best_model || v < s->best_value ||
          (v == s->best_value && i < r->best)) {
        gmix_model_free(r->best_model);
        r->best_model = m;
        r->best = i;
        s->best_value = v;
      } else {
        gmix_model_free(m);
      }
    }
    s->done++;
    if (s->opt.callback && s->failure == GMIX_OK &&
        s->opt.callback(c, s->done, r->n_cells, s->opt.callback_data)) {
      s->failure = gmix__error(&s->failure_err, GMIX_ECANCELLED,
                               "cancelled by the callback after %zu of %zu "
                               "cells",
                               s->done, r->n_cells);
#pragma omp atomic write
      s->stop = 1;
    }
  }
}

/* The sweep fails: keep the first reason and stop every fit. */
static void record_failure(sweep *s, gmix_status st, const gmix_error *e) {
#pragma omp critical(gmix_select_record)
  {
    if (s->failure == GMIX_OK) {
      s->failure = st;
      s->failure_err = *e;
#pragma omp atomic write
      s->stop = 1;
    }
  }
}

/* Cell i's fits are all done (units[0 .. n_fits-1], in start then restart
 * order): keep the one of highest log-likelihood, ranked as gmix_fit
 * ranks its restarts (the lower bound of the last iteration; ties: the
 * first), so that gmix_fit with one start reproduces the cell; then its
 * criteria, and the cell is recorded. When every fit failed the cell
 * records the first failure. */
static void finish_cell(sweep *s, size_t i, fit_unit *units, size_t n_fits) {
  gmix_select_cell *c = &s->res->cells[i];
  const char *type = gmix_covariance_type_name(c->covariance_type);
  fit_unit *keep = NULL, *first_failed = NULL;
  for (size_t f = 0; f < n_fits; f++) {
    fit_unit *u = &units[f];
    if (!u->em) {
      if (c->n_failed++ == 0)
        first_failed = u;
    } else if (!keep ||
               gmix__em_lower_bound(u->em) > gmix__em_lower_bound(keep->em)) {
      keep = u;
    }
  }
  if (!keep) {
    c->status = first_failed->status;
    if (n_fits == 1)
      set_message(c->message, "%s", first_failed->message);
    else
      set_message(c->message,
                  "all %zu fits failed; the first, restart %zu of the %s "
                  "start: %s",
                  n_fits, first_failed->restart,
                  gmix_init_method_name(s->starts[first_failed->start]),
                  first_failed->message);
    record_cell(s, i, NULL);
    return;
  }
  c->best_start = s->starts[keep->start];
  c->best_init = keep->restart;
  /* Only the fit kept is finished: one pass gives its log-likelihood and
   * the entropy of ICL. */
  gmix_model *m = NULL;
  double sums[GMIX__TOTAL_ENTROPY_SIZE];
  gmix_error ce;
  ce.message[0] = '\0';
  gmix_status st = gmix__fit_restart_finish(keep->em, s->x, s->w, keep->seconds,
                                            sums, &m, &ce);
  for (size_t f = 0; f < n_fits; f++) {
    gmix_em_free(units[f].em);
    units[f].em = NULL;
  }
  if (st != GMIX_OK) {
    gmix_error e;
    gmix__error(&e, st, "%s, K = %zu: %s", type, c->n_components, ce.message);
    record_failure(s, st, &e);
    return;
  }
  gmix__criteria cr;
  gmix__criteria_from_sums(m, sums, &cr);
  const gmix_fit_report *rep = gmix_model_report(m);
  c->log_likelihood = cr.log_likelihood;
  c->bic = cr.bic;
  c->aic = cr.aic;
  c->icl = cr.icl;
  c->bic_mclust =
      2.0 * cr.log_likelihood - (double)cr.n_parameters * log(cr.sum_weights);
  c->converged = rep->converged;
  c->n_iter = rep->n_iter;
  record_cell(s, i, m);
}

/* The caller's flag, read before a fit or a tree starts: each fit reads
 * it too, but work that has not started has nothing to read it. Returns 1
 * (and fails the sweep) when it is set. */
static int cancel_before(sweep *s, size_t cell) {
  if (!gmix__cancel_requested(s->opt.fit.cancel))
    return 0;
  gmix_error e;
  gmix__error(&e, GMIX_ECANCELLED, "cancelled before cell %zu of %zu", cell + 1,
              s->res->n_cells);
  record_failure(s, GMIX_ECANCELLED, &e);
  return 1;
}

/* Run one fit of a cell. A fit that fails for a reason of the candidate
 * is kept in the unit with its message; any other failure fails the
 * sweep. Returns 1 when the fit ran (failed or not), 0 when the sweep had
 * stopped. */
static int run_fit(sweep *s, fit_unit *u) {
  if (stopped(s))
    return 0;
  const gmix_select_cell *c = &s->res->cells[u->cell];
  if (cancel_before(s, u->cell))
    return 0;
  gmix_options o = s->opt.fit;
  o.n_components = c->n_components;
  o.covariance_type = c->covariance_type;
  o.threads = s->fit_threads;
  o.callback = keep_going;
  o.callback_data = s;
  o.init = s->starts[u->start];
  gmix_error fe;
  fe.message[0] = '\0';
  gmix_status st = gmix__fit_restart_run(s->x, s->n, s->d, s->w, &o, u->restart,
                                         s->trees ? s->trees[u->restart] : NULL,
                                         &u->em, &u->seconds, &fe);
  if (st == GMIX_OK)
    return 1;
  u->em = NULL;
  u->status = st;
  set_message(u->message, "%s", fe.message);
  if (!is_cell_failure(st)) {
    gmix_error e;
    gmix__error(&e, st, "%s, K = %zu: %s",
                gmix_covariance_type_name(c->covariance_type), c->n_components,
                fe.message[0] ? fe.message : gmix_strerror(st));
    record_failure(s, st, &e);
  }
  return 1;
}

/* A cell and its cost, to order the parallel run heaviest first. */
typedef struct cell_cost {
  double cost;
  size_t index;
} cell_cost;

static int heavier_first(const void *a, const void *b) {
  const cell_cost *p = a, *q = b;
  if (p->cost != q->cost)
    return p->cost > q->cost ? -1 : 1;
  return p->index < q->index ? -1 : p->index > q->index;
}

/* The rule of gmix.h: in parallel unless the heaviest cell costs more
 * than the whole sweep per thread and its fit can use every thread (its
 * rows split into at least `threads` chunks). */
static int cells_in_parallel(const sweep *s, const cell_cost *order,
                             size_t n_cells, size_t threads) {
  if (threads < 2 || n_cells < 2)
    return 0;
  double total = 0.0;
  for (size_t j = 0; j < n_cells; j++)
    total += order[j].cost;
  const cell_cost *top = &order[0];
  if (top->cost * (double)threads <= total)
    return 1;
  const gmix_select_cell *c = &s->res->cells[top->index];
  size_t block = s->opt.fit.block_rows, chunk = s->opt.fit.chunk_rows;
  gmix__engine_sizes(gmix__cov_model_get(c->covariance_type), c->n_components,
                     s->d, s->n, &block, &chunk);
  size_t chunks = (s->n - 1) / chunk + 1;
  return chunks < threads;
}

/* Build the hierarchical start's tree of restart r with `threads` threads,
 * cut by each cell at its K. A tree that cannot be built for a reason
 * that belongs to the data (sizes, a failed decomposition) is left NULL,
 * so that each cell that needs it fails with that reason as it would
 * alone; only running out of memory fails the sweep. */
static void build_tree(sweep *s, size_t r, size_t threads) {
  if (stopped(s) || cancel_before(s, s->done))
    return;
  gmix_options o = s->opt.fit;
  o.init = GMIX_INIT_HC;
  gmix_error te;
  gmix_status st = gmix__fit_hc_tree(s->x, s->n, s->d, s->w, &o, r,
                                     s->opt.k_min, threads, &s->trees[r], &te);
  if (st == GMIX_ENOMEM || st == GMIX_ECANCELLED)
    record_failure(s, st, &te);
}

static void free_trees(sweep *s) {
  for (size_t r = 0; s->trees && r < s->opt.fit.n_init; r++)
    gmix__hc_tree_free(s->trees[r]);
  gmix__free(s->trees);
  s->trees = NULL;
}

/* A task of the parallel run: fit u, and finish its cell (whose fits
 * are cu[0 .. per_cell-1]) when it was the last of them; *left counts the
 * cell's fits still to end. */
static void fit_task(sweep *s, fit_unit *u, fit_unit *cu, size_t per_cell,
                     size_t *left) {
  if (!run_fit(s, u))
    return;
  size_t rest;
#pragma omp atomic capture
  rest = --*left;
  if (rest == 0 && !stopped(s))
    finish_cell(s, u->cell, cu, per_cell);
}

/* Make a task of each fit from an hc start of restart `restart` (hc = 1)
 * or of each fit from any other start (hc = 0), the heaviest cells'
 * first. */
static void spawn_fits(sweep *s, const cell_cost *order, fit_unit *units,
                       size_t *left, int hc, size_t restart) {
  size_t per_cell = s->n_starts * s->opt.fit.n_init;
  for (size_t j = 0; j < s->res->n_cells; j++) {
    size_t i = order[j].index;
    if (s->res->cells[i].status != GMIX_OK)
      continue;
    for (size_t f = 0; f < per_cell; f++) {
      fit_unit *u = &units[i * per_cell + f], *cu = units + i * per_cell;
      size_t *rest = &left[i];
      if ((s->starts[u->start] == GMIX_INIT_HC) != hc ||
          (hc && u->restart != restart))
        continue;
#pragma omp task
      fit_task(s, u, cu, per_cell, rest);
    }
  }
}

/* Cells in parallel, one thread per fit. The fits of every cell (each of
 * its starts and restarts) are tasks, the heaviest cells' first. The
 * hierarchical start's tree of each restart is built by a task of its
 * own, beside the other starts' fits, which then makes the tasks of the
 * fits that cut it. The last fit of a cell to end finishes it. Fits do not
 * depend on the thread that runs them nor on their order, and a cell
 * keeps its fit by start and restart order: the table is the same for
 * any thread count. */
static void run_parallel(sweep *s, const cell_cost *order, size_t threads,
                         fit_unit *units, size_t *left) {
#pragma omp parallel num_threads((int)threads)
  {
    /* One thread per fit: BLAS and the engine's own parallel regions
     * inside each fit must stay on it (as in engine/reduce.c); the tasks
     * made below inherit this. */
    omp_set_num_threads(1);
#pragma omp single
    {
      for (size_t r = 0; s->trees && r < s->opt.fit.n_init; r++) {
#pragma omp task
        {
          build_tree(s, r, 1);
          spawn_fits(s, order, units, left, 1, r);
        }
      }
      spawn_fits(s, order, units, left, 0, 0);
    }
  }
}

/* Run every cell by the plan. Returns GMIX_OK or the sweep's failure. */
static gmix_status run_cells(sweep *s, gmix__select_plan plan,
                             gmix_error *err) {
  gmix_select_result *r = s->res;
  size_t n_cells = r->n_cells;
  size_t threads = s->opt.fit.threads;
  if (threads == 0)
    threads = (size_t)omp_get_max_threads();
  if (threads == 0)
    threads = 1;
  size_t per_cell = s->n_starts * s->opt.fit.n_init, n_units;
  int hc = 0, overflow = 0;
  for (size_t t = 0; t < s->n_starts; t++)
    hc |= s->starts[t] == GMIX_INIT_HC;
  if (!gmix__mul(n_cells, per_cell, &n_units))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "%zu cells of %zu fits each overflow size_t", n_cells,
                       per_cell);
  cell_cost *order = gmix__malloc_array(n_cells, sizeof *order, &overflow);
  fit_unit *units = gmix__malloc_array(n_units, sizeof *units, &overflow);
  size_t *left = gmix__malloc_array(n_cells, sizeof *left, &overflow);
  if (hc)
    s->trees = gmix__calloc(s->opt.fit.n_init, sizeof *s->trees);
  if (!order || !units || !left || (hc && !s->trees)) {
    gmix__free(order);
    gmix__free(units);
    gmix__free(left);
    return gmix__error(err, overflow ? GMIX_EOVERFLOW : GMIX_ENOMEM,
                       "cannot allocate the plan of %zu cells", n_cells);
  }
  for (size_t i = 0; i < n_cells; i++) {
    order[i].index = i;
    order[i].cost = cell_plan(s, i, &r->cells[i]);
    left[i] = per_cell;
    for (size_t f = 0; f < per_cell; f++) {
      fit_unit *u = &units[i * per_cell + f];
      memset(u, 0, sizeof *u);
      u->cell = i;
      u->start = f / s->opt.fit.n_init;
      u->restart = f % s->opt.fit.n_init;
    }
  }
  qsort(order, n_cells, sizeof *order, heavier_first);
  int parallel = plan == GMIX__SELECT_CELLS ||
                 (plan == GMIX__SELECT_AUTO &&
                  cells_in_parallel(s, order, n_cells, threads));
  if (threads < 2)
    parallel = 0;
  if (!parallel) {
    /* In turn, each fit (and each tree) on every thread. */
    s->fit_threads = threads;
    for (size_t t = 0; s->trees && t < s->opt.fit.n_init; t++)
      build_tree(s, t, threads);
    for (size_t i = 0; i < n_cells && !stopped(s); i++) {
      fit_unit *cu = units + i * per_cell;
      if (r->cells[i].status != GMIX_OK) {
        record_cell(s, i, NULL);
        continue;
      }
      size_t f = 0;
      while (f < per_cell && run_fit(s, &cu[f]))
        f++;
      if (f == per_cell && !stopped(s))
        finish_cell(s, i, cu, per_cell);
    }
  } else {
    s->fit_threads = 1;
    run_parallel(s, order, threads, units, left);
    /* Cells failed by their plan have no fits: record them in order. */
    for (size_t i = 0; i < n_cells && !stopped(s); i++)
      if (r->cells[i].status != GMIX_OK)
        record_cell(s, i, NULL);
  }
  for (size_t u = 0; u < n_units; u++)
    gmix_em_free(units[u].em);
  gmix__free(order);
  gmix__free(units);
  gmix__free(left);
  if (s->failure != GMIX_OK) {
    if (err)
      *err = s->failure_err;
    return s->failure;
  }
  return GMIX_OK;
}

void gmix_select_result_free(gmix_select_result *r) {
  if (!r)
    return;
  gmix_model_free(r->best_model);
  gmix__free(r->cells);
  gmix__free(r);
}

/* Check the data and weights; count the rows of positive weight. */
static gmix_status check_data(const double *x, size_t n, size_t d,
                              const double *w, size_t *n_positive,
                              gmix_error *err) {
  if (!x)
    return gmix__null_argument(err, "x");
  if (n == 0)
    return gmix__error(err, GMIX_EINVAL, "no rows to fit (n = 0)");
  gmix_status st = gmix__check_data(x, n, d, err);
  double sum_w;
  if (st == GMIX_OK)
    st = gmix__check_weights(w, n, &sum_w, err);
  if (st != GMIX_OK)
    return st;
  size_t pos = n;
  if (w)
    for (size_t i = 0; i < n; i++)
      pos -= !(w[i] > 0.0);
  *n_positive = pos;
  return GMIX_OK;
}

gmix_status gmix__select_run(const double *x, size_t n, size_t d,
                             const double *w, const gmix_select_options *opt,
                             gmix__select_plan plan, gmix_select_result **out,
                             gmix_error *err) {
  if (!out)
    return gmix__null_argument(err, "out");
  sweep s;
  memset(&s, 0, sizeof s);
  gmix_status st = read_options(opt, &s.opt, err);
  if (st == GMIX_OK)
    st = check_options(&s.opt, err);
  if (st == GMIX_OK)
    st = check_data(x, n, d, w, &s.n_positive, err);
  if (st != GMIX_OK)
    return st;
  s.x = x;
  s.w = w;
  s.n = n;
  s.d = d;
  s.types = types_of(&s.opt, &s.n_types);
  s.starts = starts_of(&s.opt, &s.n_starts);
  /* The sweep's own options point at the caller's lists no longer than
   * this call, and its fits take their callback from the sweep. */
  s.opt.fit.callback = NULL;
  s.opt.fit.callback_data = NULL;

  size_t n_cells;
  if (!gmix__mul(s.opt.k_max - s.opt.k_min + 1, s.n_types, &n_cells) ||
      n_cells > SIZE_MAX / sizeof(gmix_select_cell))
    return gmix__error(err, GMIX_EOVERFLOW,
                       "a table of K %zu..%zu by %zu covariance types "
                       "overflows size_t",
                       s.opt.k_min, s.opt.k_max, s.n_types);
  gmix_select_result *r = gmix__calloc(1, sizeof *r);
  if (r)
    r->cells = gmix__calloc(n_cells, sizeof *r->cells);
  if (!r || !r->cells) {
    gmix_select_result_free(r);
    return gmix__error(err, GMIX_ENOMEM, "cannot allocate a table of %zu cells",
                       n_cells);
  }
  r->n_cells = n_cells;
  r->best = GMIX_SELECT_NONE;
  r->criterion = s.opt.criterion;
  s.res = r;
  st = run_cells(&s, plan, err);
  free_trees(&s);
  if (st != GMIX_OK) {
    gmix_select_result_free(r);
    return st;
  }
  *out = r;
  return GMIX_OK;
}

gmix_status gmix_select(const double *x, size_t n, size_t d, const double *w,
                        const gmix_select_options *opt,
                        gmix_select_result **out, gmix_error *err) {
  return gmix__select_run(x, n, d, w, opt, GMIX__SELECT_AUTO, out, err);
}

/* ---- reading a result */

size_t gmix_select_result_n_cells(const gmix_select_result *r) {
  return r ? r->n_cells : 0;
}

const gmix_select_cell *gmix_select_result_cell(const gmix_select_result *r,
                                                size_t i) {
  return r && i < r->n_cells ? &r->cells[i] : NULL;
}

const gmix_select_cell *gmix_select_result_find(const gmix_select_result *r,
                                                gmix_covariance_type type,
                                                size_t k) {
  for (size_t i = 0; r && i < r->n_cells; i++)
    if (r->cells[i].covariance_type == type && r->cells[i].n_components == k)
      return &r->cells[i];
  return NULL;
}

gmix_criterion gmix_select_result_criterion(const gmix_select_result *r) {
  return r ? r->criterion : GMIX_CRITERION_BIC;
}

size_t gmix_select_result_best(const gmix_select_result *r) {
  return r ? r->best : GMIX_SELECT_NONE;
}

const gmix_model *gmix_select_result_best_model(const gmix_select_result *r) {
  return r ? r->best_model : NULL;
}
