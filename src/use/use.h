/*
 * use.h -- declarations shared by the files of src/use and their tests:
 * every criterion of a fitted model from one pass's totals (score.c), and the
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

/* Every criterion of m from the totals of an ENTROPY pass of the engine
 * over the data (sums[GMIX__TOTAL_ENTROPY_SIZE]: sum of weights, sum of
 * w log p, entropy). */
void gmix__criteria_from_sums(const gmix_model *m, const double *sums,
                              gmix__criteria *c);

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
