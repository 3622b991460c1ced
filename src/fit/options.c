/*
 * options.c -- fit options: defaults, validation, and reading a caller's
 * struct whatever the version of gmix.h it was compiled against.
 *
 * gmix_options starts with its own size, which gmix_options_init sets. A
 * program built against an older gmix.h passes a shorter struct: the
 * fields it knows are copied and every later field keeps its default. A
 * program built against a newer header passes a longer one: the fields
 * this library knows are read and the rest ignored.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "fit.h"

/* This library's defaults, in a struct of this library's version. */
static void defaults(gmix_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->struct_size = sizeof *opt;
  opt->n_components = 1;
  opt->covariance_type = GMIX_COV_FULL;
  opt->tol = 1e-3;
  opt->reg_covar = 1e-6;
  opt->max_iter = 100;
  opt->n_init = 1;
  opt->init = GMIX_INIT_KMEANS;
  opt->seed = 0;
  opt->threads = 0;
  opt->min_weight = 1e-10;
  opt->max_reseed = 100;
  opt->max_reseed_per_component = 10;
  opt->kmeans_max_iter = 300;
  opt->kmeans_tol = 1e-4;
  opt->kmeans_max_rows = 65536;
  opt->standardize = 0;
  opt->hc_max_rows = GMIX__HC_MAX_ROWS_DEFAULT;
  opt->mstep_tol = sqrt(DBL_EPSILON); /* mclust's emControl()$tol[2] */
  opt->mstep_max_iter = 1000;
}

void gmix_options_init_size(gmix_options *opt, size_t size) {
  gmix_options full;
  if (!opt || size < GMIX__OPTIONS_MIN_SIZE)
    return;
  defaults(&full);
  full.struct_size = size;
  gmix__init_sized(opt, size, &full, sizeof full);
}

gmix_status gmix__options_read(const gmix_options *in, gmix_options *out,
                               gmix_error *err) {
  if (!in)
    return gmix__null_argument(err, "options");
  if (in->struct_size < GMIX__OPTIONS_MIN_SIZE)
    return gmix__error(err, GMIX_EINVAL,
                       "options.struct_size is %zu: fill the options with "
                       "gmix_options_init() first",
                       in->struct_size);
  defaults(out);
  size_t n = in->struct_size < sizeof *out ? in->struct_size : sizeof *out;
  memcpy(out, in, n);
  out->struct_size = sizeof *out;
  return GMIX_OK;
}

gmix_status gmix_options_validate(const gmix_options *given, gmix_error *err) {
  gmix_options opt;
  gmix_status st = gmix__options_read(given, &opt, err);
  return st == GMIX_OK ? gmix__options_check(&opt, err) : st;
}

gmix_status gmix__options_check(const gmix_options *opt, gmix_error *err) {
  if (opt->n_components == 0)
    return gmix__error(err, GMIX_EINVAL, "n_components must be at least 1");
  if (!gmix_covariance_type_name(opt->covariance_type))
    return gmix__error(err, GMIX_EINVAL, "covariance_type %d is not valid",
                       (int)opt->covariance_type);
  if (!gmix_init_method_name(opt->init))
    return gmix__error(err, GMIX_EINVAL, "init %d is not valid",
                       (int)opt->init);
  if (!(opt->tol >= 0.0) || !isfinite(opt->tol))
    return gmix__error(err, GMIX_EINVAL,
                       "tol must be finite and non-negative, not %g", opt->tol);
  if (!(opt->reg_covar >= 0.0) || !isfinite(opt->reg_covar))
    return gmix__error(err, GMIX_EINVAL,
                       "reg_covar must be finite and non-negative, not %g",
                       opt->reg_covar);
  if (opt->n_init == 0)
    return gmix__error(err, GMIX_EINVAL, "n_init must be at least 1");
  if (!(opt->min_weight >= 0.0) || !(opt->min_weight < 1.0))
    return gmix__error(err, GMIX_EINVAL, "min_weight must be in [0, 1), not %g",
                       opt->min_weight);
  if (!(opt->kmeans_tol >= 0.0) || !isfinite(opt->kmeans_tol))
    return gmix__error(err, GMIX_EINVAL,
                       "kmeans_tol must be finite and non-negative, not %g",
                       opt->kmeans_tol);
  if (opt->standardize != 0 && opt->standardize != 1)
    return gmix__error(err, GMIX_EINVAL, "standardize must be 0 or 1, not %d",
                       opt->standardize);
  if (opt->init == GMIX_INIT_HC && opt->hc_max_rows != 0 &&
      opt->hc_max_rows < opt->n_components)
    return gmix__error(err, GMIX_EINVAL,
                       "hc_max_rows %zu is below n_components %zu: init hc "
                       "needs at least one row per component (0 = every row)",
                       opt->hc_max_rows, opt->n_components);
  if (!(opt->mstep_tol >= 0.0) || !isfinite(opt->mstep_tol))
    return gmix__error(err, GMIX_EINVAL,
                       "mstep_tol must be finite and non-negative, not %g",
                       opt->mstep_tol);
  if (opt->mstep_max_iter == 0)
    return gmix__error(err, GMIX_EINVAL, "mstep_max_iter must be at least 1");
  return GMIX_OK;
}
