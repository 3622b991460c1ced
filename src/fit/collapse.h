/*
 * collapse.h -- the M-step with the collapse policy: components that
 * emptied or whose covariance is not positive definite are re-seeded by
 * splitting the heaviest healthy component (collapse.c). Shared by the EM
 * driver and the statistics API, so both follow one policy.
 */
#ifndef GMIX_COLLAPSE_H
#define GMIX_COLLAPSE_H

#include "engine.h"
#include "fit.h"

/* The iteration of an M-step run outside the EM driver (the statistics
 * API), for messages: "this M-step". */
#define GMIX__ITER_UNKNOWN ((size_t)-1)

typedef struct gmix__collapse {
  size_t k, d;
  double *eig; /* principal-axis work space, eig_size
                  doubles, then the axis (d)               */
  size_t eig_size;
  unsigned char *bad;        /* K flags of the last M-step               */
  size_t *count;             /* K: re-seeds of each component so far     */
  unsigned char *exempt;     /* K: 1 once count reached the per-component
                                limit: held to a positive weight only    */
  gmix_reseed_event *events; /* up to max_reseed events                  */
  size_t n_events;
  size_t max_reseed, max_per_component;
  double reg_covar, min_weight;
  double mstep_tol; /* the inner iterations of an M-step       */
  size_t mstep_max_iter;
  size_t n_unconverged; /* M-steps stopped by mstep_max_iter       */
  size_t init; /* restart index recorded in events                       */
} gmix__collapse;

/* Work space and limits for a K-component, d-feature model under opt.
 * GMIX_ENOMEM or GMIX_EOVERFLOW (no message). */
gmix_status gmix__collapse_init(gmix__collapse *c, size_t k, size_t d,
                                const gmix_options *opt, size_t init);
void gmix__collapse_free(gmix__collapse *c);

/*
 * New parameters of m from statistics s (layout l, accumulated around
 * `shift`; `delta` is K x d work space), weights N_k / weight_total, then
 * the collapse policy. `iter` is the 1-based iteration, 0 for the M-step
 * that builds the initial parameters (for events and messages). Returns
 * GMIX_OK, or GMIX_ENOTPD / GMIX_ECOLLAPSE naming the component.
 */
gmix_status gmix__collapse_mstep(gmix__collapse *c, gmix_model *m,
                                 const double *s, const gmix__stats_layout *l,
                                 const double *shift, double *delta,
                                 double weight_total, size_t iter,
                                 gmix_error *err);

#endif /* GMIX_COLLAPSE_H */
