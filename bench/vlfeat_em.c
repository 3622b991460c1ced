/*
 * vlfeat_em.c -- VLFeat's vl_gmm (diagonal covariances) on the benchmark's
 * data and starting point, for the diag rows of `make bench`.
 *
 *   vlfeat_em DIR ITERS THREADS REPEATS
 *
 * reads DIR/x.npy, DIR/weights.npy, DIR/means.npy and DIR/prec_diag.npy
 * (variances are their inverses), runs EM REPEATS times from that start
 * with THREADS OpenMP threads and prints one JSON object.
 *
 * How VLFeat 0.9.21 (Debian's libvlfeat-dev) runs, and what this driver
 * does about it:
 *  - vl_gmm's EM loop does an E-step, stops if the iteration index has
 *    reached max_num_iterations, else does an M-step. With a maximum of
 *    ITERS it runs ITERS E+M iterations plus one final E-step, like
 *    gmix_fit, and returns the log-likelihood of the final parameters
 *    (gmix's report.log_likelihood), summed over the data: we divide by N.
 *  - It also stops early when the relative change of the log-likelihood
 *    falls below 1e-5 (hard-coded). Its verbose messages go through a
 *    printf hook here that counts the E-steps actually run, so the time
 *    per iteration divides by the true count.
 *  - Its M-step skips responsibilities below a fixed threshold, and it
 *    adds no reg_covar, so its iterates are close to, not equal to, exact
 *    EM's: its log-likelihood is reported, not required to match.
 *  - Variances are floored at a lower bound (default 1e-4); we set it to
 *    1e-300 so that it never acts.
 */
#include "bench_common.h"

#include <vl/generic.h>
#include <vl/gmm.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* E-steps and the first log-likelihood seen through VLFeat's printf. */
static size_t seen_iterations;
static double first_ll;

static int count_printf(char const *format, ...) {
  char line[512];
  va_list ap;
  va_start(ap, format);
  int len = vsnprintf(line, sizeof line, format, ap);
  va_end(ap);
  const char *p = strstr(line, "gmm: em: iteration ");
  if (p) {
    const char *eq = strstr(p, "loglikelihood = ");
    if (seen_iterations == 0 && eq)
      first_ll = strtod(eq + strlen("loglikelihood = "), NULL);
    seen_iterations++;
  }
  return len;
}

static double *load(const char *dir, const char *name, size_t *shape,
                    size_t *ndim) {
  char path[4096];
  bench_path(path, sizeof path, dir, name);
  double *v = bench_npy_read(path, shape, ndim);
  if (!v)
    exit(1);
  return v;
}

static size_t parse_count(const char *s, const char *name) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 1) {
    fprintf(stderr, "vlfeat_em: %s must be a positive integer, not '%s'\n",
            name, s);
    exit(2);
  }
  return (size_t)v;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: vlfeat_em DIR ITERS THREADS REPEATS\n");
    return 2;
  }
  const char *dir = argv[1];
  size_t iters = parse_count(argv[2], "ITERS");
  size_t threads = parse_count(argv[3], "THREADS");
  size_t repeats = parse_count(argv[4], "REPEATS");

  size_t shape[3], ndim;
  double *x = load(dir, "x.npy", shape, &ndim);
  size_t n = shape[0], d = shape[1];
  double *w0 = load(dir, "weights.npy", shape, &ndim);
  size_t k = shape[0];
  double *m0 = load(dir, "means.npy", shape, &ndim);
  double *var0 = load(dir, "prec_diag.npy", shape, &ndim);
  if (shape[0] != k || shape[1] != d) {
    fprintf(stderr, "vlfeat_em: prec_diag.npy is not %zu x %zu\n", k, d);
    return 1;
  }
  for (size_t i = 0; i < k * d; i++)
    var0[i] = 1.0 / var0[i];

  vl_set_num_threads(threads);
  vl_set_printf_func(count_printf);
  double *per_iter = malloc(repeats * sizeof *per_iter);
  double ll = 0.0;
  size_t ran = 0;
  if (!per_iter)
    return 1;
  for (size_t r = 0; r < repeats; r++) {
    VlGMM *gmm = vl_gmm_new(VL_TYPE_DOUBLE, d, k);
    vl_gmm_set_initialization(gmm, VlGMMCustom);
    vl_gmm_set_means(gmm, m0);
    vl_gmm_set_covariances(gmm, var0);
    vl_gmm_set_priors(gmm, w0);
    vl_gmm_set_max_num_iterations(gmm, iters);
    vl_gmm_set_num_repetitions(gmm, 1);
    vl_gmm_set_covariance_lower_bound(gmm, 1e-300);
    vl_gmm_set_verbosity(gmm, 1);
    seen_iterations = 0;
    double t0 = bench_now();
    ll = vl_gmm_cluster(gmm, x, n);
    double t = bench_now() - t0;
    ran = seen_iterations ? seen_iterations - 1 : 0; /* minus the final E */
    per_iter[r] = t / (double)(ran ? ran : 1);
    vl_gmm_delete(gmm);
  }
  printf("{\"tool\": \"vlfeat\", \"version\": \"%s\", \"n\": %zu, "
         "\"d\": %zu, \"k\": %zu, \"cov\": \"diag\", \"threads\": %zu, "
         "\"iters\": %zu, \"n_iter\": %zu, \"sec_per_iter\": %.6g, "
         "\"log_likelihood\": %.17g, \"first_lower_bound\": %.17g, "
         "\"peak_rss_mib\": %.1f}\n",
         vl_get_version_string(), n, d, k, threads, iters, ran,
         bench_median(per_iter, repeats), ll / (double)n, first_ll / (double)n,
         bench_peak_rss_mib());
  free(per_iter);
  free(x);
  free(w0);
  free(m0);
  free(var0);
  return 0;
}
