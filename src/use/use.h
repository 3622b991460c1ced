/*
 * use.h -- declarations shared by the files of src/use and their tests:
 * every criterion of a fitted model from one pass (score.c), and the
 * model-selection sweep with its parallel plan forced (select.c).
 */
#ifndef GMIX_USE_H
#define GMIX_USE_H

#include "internal.h"

/* What one ENTROPY pass of a model over data gives: the sums behind
 * gmix_bic, gmix_aic and gmix_icl, and the three criteria. */
typedef struct gmix__criteria {
  double sum_weights;    /* sum of w (n when unweighted)                   */
  double log_likelihood; /* sum of w log p(x), the total, not the mean     */
  double entropy;        /* -sum_i w_i sum_k r_ik log r_ik                 */
  size_t n_parameters;   /* gmix_model_n_parameters                       */
  double bic, aic, icl;  /* as gmix_bic, gmix_aic, gmix_icl               */
} gmix__criteria;

/* Every criterion of m on x[n][d] (weights w, NULL = ones) from one pass
 * of the engine; `threads` as gmix_bic. The pass reads `cancel` (a
 * gmix_options.cancel flag, may be NULL) before every block and gives
 * GMIX_ECANCELLED once it is set. Statuses as gmix_bic. */
gmix_status gmix__criteria_compute(const gmix_model *m, const double *x,
                                   size_t n, size_t d, const double *w,
                                   size_t threads,
                                   const volatile sig_atomic_t *cancel,
                                   gmix__criteria *out, gmix_error *err);

/* The value of one criterion among them; NaN for an invalid one. */
double gmix__criteria_value(const gmix__criteria *c, gmix_criterion which);

/* How a sweep spreads its cells over threads (gmix.h, "Model selection",
 * states the rule AUTO follows). */
typedef enum gmix__select_plan {
  GMIX__SELECT_AUTO,   /* by the documented rule                      */
  GMIX__SELECT_CELLS,  /* cells in parallel, one thread each          */
  GMIX__SELECT_IN_TURN /* cells one after another, each fit on every
                          thread                                      */
} gmix__select_plan;

/* gmix_select with its plan forced, so tests can check that both plans
 * give the same table. With one thread both run the cells in turn. */
gmix_status gmix__select_run(const double *x, size_t n, size_t d,
                             const double *w, const gmix_select_options *opt,
                             gmix__select_plan plan, gmix_select_result **out,
                             gmix_error *err);

#endif /* GMIX_USE_H */
