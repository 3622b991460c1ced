/*
 * test_sklearn_ref.c -- gmix agrees with scikit-learn from the same start.
 *
 * Usage: test_sklearn_ref REFERENCE.json DATA.csv...
 *
 * REFERENCE.json is written by gen_sklearn_ref.py: for each case (data set,
 * covariance type, K) a fully given start (weights, means, precisions), the
 * lower bound sklearn's GaussianMixture reports after each of the first ten
 * iterations, and a converged fit. Each DATA.csv (a header row, then rows of
 * numbers) is matched to the reference's data sets by file name.
 *
 * For every case gmix_fit runs twice from the same start, with
 * gmix_options.weights_init / means_init / precisions_init, n_init 1 and
 * min_weight 0 (so the collapse policy acts only where a component is
 * exactly empty, where sklearn would produce NaN; a fit that re-seeds fails
 * the case):
 *   1. max_iter 10, tol 0: history entry i-1 is the lower bound at the
 *      E-step of iteration i, which must equal sklearn's lower_bound_ after
 *      a fit with max_iter=i;
 *   2. the reference's tol and max_iter: n_iter and converged must be equal,
 *      and the lower bound of every iteration, the lower bound, weights,
 *      means and covariances must agree.
 *
 * Tolerance. Both programs compute the same EM iterates in double precision
 * but in a different order (gmix with BLAS and scatter about a shift,
 * sklearn with numpy from the origin), so they differ by rounding, about
 * 1e-16 relative per step, amplified by what EM does to small differences.
 * The generator keeps only starts for which perturbing the start by 1e-12 or
 * the data by 1e-13 (relative) moves no recorded value by more than 1e-10 in
 * the units below; so rounding differences should stay near 1e-13, and
 * REF_RTOL = 1e-8 leaves a wide margin while still catching any difference
 * in the formulas (a missing reg_covar, a biased covariance, a lower bound
 * taken after instead of before the M-step are all far above 1e-8). The
 * units: lower bounds relative to their magnitude; weights relative to the
 * largest weight; means relative to the largest |mean| of the same feature;
 * covariance entries relative to sqrt(c_ii c_jj) of the same matrix (each
 * variance relative to itself).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmix.h"
#include "ref_csv.h"

#define REF_RTOL 1e-8
/* Iterations whose lower bounds are compared at max_iter = N_FIRST, tol 0. */
#define N_FIRST 10
/* Mismatches printed per case; the rest are counted. */
#define MAX_PRINTED 12

typedef struct dataset {
  char name[64];
  double *x; /* n x d row-major */
  size_t n, d;
} dataset;

typedef struct ref_case {
  const cJSON *json;
  const dataset *data;
  double reg_covar;
  char name[96];
} ref_case;

/* Running count of mismatches in one case. */
typedef struct tally {
  const char *name;
  size_t bad;
} tally;

/* ------------------------------------------------------------------------
 * Reading the data and the reference
 * ---------------------------------------------------------------------- */

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* Copy the numbers of a (nested) JSON array into out, depth first. Returns
 * how many there are in all (copying at most cap), or (size_t)-1 if an
 * element is neither a number nor an array. */
static size_t flatten(const cJSON *item, double *out, size_t cap) {
  if (cJSON_IsNumber(item)) {
    if (cap > 0)
      out[0] = item->valuedouble;
    return 1;
  }
  if (!cJSON_IsArray(item))
    return (size_t)-1;
  size_t count = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, item) {
    size_t m = flatten(e, count < cap ? out + count : NULL,
                       count < cap ? cap - count : 0);
    if (m == (size_t)-1)
      return m;
    count += m;
  }
  return count;
}

/* The array `key` of `obj` as exactly `size` doubles in a new buffer, or
 * NULL (with a message) if it is missing or of another size. */
static double *get_array(const cJSON *obj, const char *key, size_t size,
                         const char *case_name) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  double *out = malloc((size > 0 ? size : 1) * sizeof *out);
  size_t m = item != NULL && out != NULL ? flatten(item, out, size) : 0;
  if (m != size) {
    print_error("%s: reference '%s' has %zu numbers, expected %zu\n", case_name,
                key, m == (size_t)-1 ? 0 : m, size);
    free(out);
    return NULL;
  }
  return out;
}

static double get_number(const cJSON *obj, const char *key) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsNumber(item) ? item->valuedouble : NAN;
}

/* ------------------------------------------------------------------------
 * Comparisons (units in the comment at the top)
 * ---------------------------------------------------------------------- */

/* One value against the reference with an explicit scale. */
static void check_value(tally *t, const char *what, double got, double want,
                        double scale) {
  double diff = fabs(got - want);
  if (diff <= REF_RTOL * scale)
    return; /* also false for NaN, which is reported */
  if (t->bad < MAX_PRINTED)
    print_error("%s: %s: gmix %.17g sklearn %.17g (difference %.3g of "
                "scale %.3g)\n",
                t->name, what, got, want, diff, scale);
  t->bad++;
}

static void check_lower_bounds(tally *t, const char *run, const double *got,
                               const double *want, size_t count) {
  char what[128];
  for (size_t i = 0; i < count; i++) {
    snprintf(what, sizeof what, "%s: lower bound at iteration %zu", run, i + 1);
    check_value(t, what, got[i], want[i], fabs(want[i]));
  }
}

static void check_weights(tally *t, const double *got, const double *want,
                          size_t k) {
  double scale = 0;
  for (size_t c = 0; c < k; c++)
    scale = fmax(scale, fabs(want[c]));
  char what[128];
  for (size_t c = 0; c < k; c++) {
    snprintf(what, sizeof what, "weights[%zu]", c);
    check_value(t, what, got[c], want[c], scale);
  }
}

static void check_means(tally *t, const double *got, const double *want,
                        size_t k, size_t d) {
  char what[128];
  for (size_t j = 0; j < d; j++) {
    double scale = 0;
    for (size_t c = 0; c < k; c++)
      scale = fmax(scale, fabs(want[c * d + j]));
    for (size_t c = 0; c < k; c++) {
      snprintf(what, sizeof what, "means[%zu][%zu]", c, j);
      check_value(t, what, got[c * d + j], want[c * d + j], scale);
    }
  }
}

static void check_covariances(tally *t, gmix_covariance_type type,
                              const double *got, const double *want, size_t k,
                              size_t d) {
  char what[128];
  if (type == GMIX_COV_DIAG || type == GMIX_COV_SPHERICAL) {
    size_t m = type == GMIX_COV_DIAG ? k * d : k;
    for (size_t i = 0; i < m; i++) {
      if (type == GMIX_COV_DIAG)
        snprintf(what, sizeof what, "covariances[%zu][%zu]", i / d, i % d);
      else
        snprintf(what, sizeof what, "covariances[%zu]", i);
      check_value(t, what, got[i], want[i], fabs(want[i]));
    }
    return;
  }
  size_t mats = type == GMIX_COV_FULL ? k : 1;
  for (size_t c = 0; c < mats; c++) {
    const double *g = got + c * d * d, *w = want + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++) {
        double scale = sqrt(fabs(w[i * d + i]) * fabs(w[j * d + j]));
        if (type == GMIX_COV_FULL)
          snprintf(what, sizeof what, "covariances[%zu][%zu][%zu]", c, i, j);
        else
          snprintf(what, sizeof what, "covariances[%zu][%zu]", i, j);
        check_value(t, what, g[i * d + j], w[i * d + j], scale);
      }
  }
}

/* ------------------------------------------------------------------------
 * One case
 * ---------------------------------------------------------------------- */

/* Run gmix_fit from the case's start; on success check that no component
 * was re-seeded (sklearn never re-seeds) and return the model. */
static gmix_model *fit(tally *t, const char *run, const dataset *data,
                       gmix_options *opt) {
  gmix_model *m = NULL;
  gmix_error err;
  gmix_status s = gmix_fit(data->x, data->n, data->d, NULL, opt, &m, &err);
  if (s != GMIX_OK) {
    print_error("%s: %s: gmix_fit failed: %s: %s\n", t->name, run,
                gmix_strerror(s), err.message);
    t->bad++;
    return NULL;
  }
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  if (rep.n_reseeds != 0) {
    print_error("%s: %s: gmix re-seeded %zu component(s), which sklearn "
                "never does; the comparison is meaningless\n",
                t->name, run, rep.n_reseeds);
    t->bad++;
    gmix_model_free(m);
    return NULL;
  }
  return m;
}

/* Steps 1 and 2 of the comment at the top. Everything is freed before the
 * test fails, so a failing case leaks nothing. */
static void run_case(tally *t, const ref_case *rc, gmix_covariance_type type,
                     size_t k, const double *weights, const double *means,
                     const double *precisions) {
  const dataset *data = rc->data;
  const size_t d = data->d;
  const cJSON *first =
      cJSON_GetObjectItemCaseSensitive(rc->json, "first_iterations");
  const cJSON *conv = cJSON_GetObjectItemCaseSensitive(rc->json, "converged");
  const cJSON *hist_json = cJSON_GetObjectItemCaseSensitive(conv, "history");
  const double tol = get_number(conv, "tol");
  const double max_iter = get_number(conv, "max_iter");
  const double n_iter = get_number(conv, "n_iter");
  const double lower_bound = get_number(conv, "lower_bound");
  const cJSON *converged = cJSON_GetObjectItemCaseSensitive(conv, "converged");
  const size_t n_hist = (size_t)cJSON_GetArraySize(hist_json);
  if (!(tol >= 0) || !(max_iter >= 1) || !(n_iter >= 1) ||
      !isfinite(lower_bound) || !cJSON_IsBool(converged) ||
      n_hist != (size_t)n_iter) {
    print_error("%s: malformed reference\n", t->name);
    t->bad++;
    return;
  }
  const size_t n_cov = gmix_covariance_size(type, k, d);
  double *first_lb = get_array(first, "lower_bounds", N_FIRST, t->name);
  double *hist = get_array(conv, "history", n_hist, t->name);
  double *want_w = get_array(conv, "weights", k, t->name);
  double *want_mu = get_array(conv, "means", k * d, t->name);
  double *want_cov = get_array(conv, "covariances", n_cov, t->name);
  /* One buffer for every gmix output: N_FIRST or n_hist lower bounds, or
   * the largest of weights, means and covariances. */
  size_t n_got = n_hist > N_FIRST ? n_hist : N_FIRST;
  if (n_got < k * d + n_cov)
    n_got = k * d + n_cov;
  double *got = malloc(n_got * sizeof *got);
  gmix_model *m = NULL;
  if (first_lb == NULL || hist == NULL || want_w == NULL || want_mu == NULL ||
      want_cov == NULL || got == NULL) {
    t->bad++;
    goto done;
  }

  gmix_options opt;
  gmix_options_init(&opt);
  opt.n_components = k;
  opt.covariance_type = type;
  opt.reg_covar = rc->reg_covar;
  opt.n_init = 1;
  opt.min_weight = 0;
  opt.weights_init = weights;
  opt.means_init = means;
  opt.precisions_init = precisions;

  /* 1. The first ten iterations. */
  opt.tol = 0;
  opt.max_iter = N_FIRST;
  m = fit(t, "first 10 iterations", data, &opt);
  if (m != NULL) {
    size_t count = gmix_model_history(m, got, N_FIRST);
    if (count != N_FIRST) {
      print_error("%s: max_iter 10, tol 0 gave %zu history entries\n", t->name,
                  count);
      t->bad++;
    } else {
      check_lower_bounds(t, "max_iter 10, tol 0", got, first_lb, N_FIRST);
    }
    /* The reported lower bound is that of the last E-step, as sklearn's
     * lower_bound_. */
    gmix_fit_report rep;
    rep = *gmix_model_report(m);
    check_value(t, "max_iter 10, tol 0: reported lower bound", rep.lower_bound,
                first_lb[N_FIRST - 1], fabs(first_lb[N_FIRST - 1]));
    gmix_model_free(m);
    m = NULL;
  }

  /* 2. The converged fit. */
  opt.tol = tol;
  opt.max_iter = (size_t)max_iter;
  m = fit(t, "converged fit", data, &opt);
  if (m == NULL)
    goto done;
  gmix_fit_report rep;
  rep = *gmix_model_report(m);
  if (rep.n_iter != (size_t)n_iter ||
      rep.converged != cJSON_IsTrue(converged)) {
    print_error("%s: gmix n_iter %zu converged %d, sklearn n_iter %zu "
                "converged %d\n",
                t->name, rep.n_iter, rep.converged, (size_t)n_iter,
                cJSON_IsTrue(converged));
    t->bad++;
  }
  check_value(t, "lower bound", rep.lower_bound, lower_bound,
              fabs(lower_bound));
  size_t count = gmix_model_history(m, got, n_hist);
  if (count != n_hist) {
    print_error("%s: converged fit: gmix history has %zu entries, sklearn's "
                "%zu\n",
                t->name, count, n_hist);
    t->bad++;
    if (count > n_hist)
      count = n_hist;
  }
  check_lower_bounds(t, "converged fit", got, hist, count);
  gmix_model_weights(m, got);
  check_weights(t, got, want_w, k);
  gmix_model_means(m, got);
  check_means(t, got, want_mu, k, d);
  gmix_model_covariances(m, got);
  check_covariances(t, type, got, want_cov, k, d);

done:
  gmix_model_free(m);
  free(got);
  free(want_cov);
  free(want_mu);
  free(want_w);
  free(hist);
  free(first_lb);
}

static void test_case(void **state) {
  const ref_case *rc = *state;
  tally t = {rc->name, 0};
  const cJSON *type_json =
      cJSON_GetObjectItemCaseSensitive(rc->json, "covariance_type");
  const double k_value = get_number(rc->json, "n_components");
  gmix_covariance_type type;
  if (!cJSON_IsString(type_json) ||
      gmix_covariance_type_parse(type_json->valuestring, &type, NULL) !=
          GMIX_OK ||
      !(k_value >= 1 && k_value <= 1000)) {
    fail_msg("%s: bad covariance_type or n_components", rc->name);
  }
  const size_t k = (size_t)k_value, d = rc->data->d;
  const cJSON *start = cJSON_GetObjectItemCaseSensitive(rc->json, "start");
  double *weights = get_array(start, "weights", k, rc->name);
  double *means = get_array(start, "means", k * d, rc->name);
  double *precisions = get_array(start, "precisions",
                                 gmix_covariance_size(type, k, d), rc->name);
  if (weights != NULL && means != NULL && precisions != NULL)
    run_case(&t, rc, type, k, weights, means, precisions);
  else
    t.bad++;
  free(precisions);
  free(means);
  free(weights);
  if (t.bad > 0)
    fail_msg("%s: %zu disagreement(s) with scikit-learn (%zu printed)",
             rc->name, t.bad, t.bad < MAX_PRINTED ? t.bad : MAX_PRINTED);
}

/* ------------------------------------------------------------------------
 * Set-up: read everything, one cmocka test per case
 * ---------------------------------------------------------------------- */

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s REFERENCE.json DATA.csv...\n", argv[0]);
    return 2;
  }
  int status = 1;
  char *text = ref_read_file(argv[1]);
  cJSON *doc = text != NULL ? cJSON_Parse(text) : NULL;
  free(text);
  size_t n_data = (size_t)(argc - 2), n_cases = 0, n_tests = 0;
  dataset *data = calloc(n_data, sizeof *data);
  ref_case *cases = NULL;
  struct CMUnitTest *tests = NULL;
  if (doc == NULL || data == NULL) {
    fprintf(stderr, "%s: cannot read or parse the reference\n", argv[1]);
    goto out;
  }
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
  if (!cJSON_IsString(fmt) ||
      strcmp(fmt->valuestring, "gmix-sklearn-reference") != 0) {
    fprintf(stderr, "%s: not a gmix-sklearn-reference file\n", argv[1]);
    goto out;
  }
  const double reg_covar = get_number(doc, "reg_covar");
  const cJSON *sets = cJSON_GetObjectItemCaseSensitive(doc, "datasets");
  const cJSON *set;
  cJSON_ArrayForEach(set, sets) {
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(set, "file");
    size_t i = 0;
    while (i < n_data &&
           !(cJSON_IsString(file) &&
             strcmp(base_name(argv[i + 2]), base_name(file->valuestring)) == 0))
      i++;
    if (i == n_data) {
      fprintf(stderr, "no data file given for data set '%s'\n", set->string);
      goto out;
    }
    if (ref_read_csv(argv[i + 2], &data[i].x, &data[i].n, &data[i].d) != 0)
      goto out;
    snprintf(data[i].name, sizeof data[i].name, "%s", set->string);
    if ((double)data[i].n != get_number(set, "n_samples") ||
        (double)data[i].d != get_number(set, "n_features")) {
      fprintf(stderr, "%s: %zu x %zu, the reference says %g x %g\n",
              argv[i + 2], data[i].n, data[i].d, get_number(set, "n_samples"),
              get_number(set, "n_features"));
      goto out;
    }
  }

  const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "cases");
  n_cases = (size_t)cJSON_GetArraySize(list);
  cases = calloc(n_cases > 0 ? n_cases : 1, sizeof *cases);
  tests = calloc(n_cases > 0 ? n_cases : 1, sizeof *tests);
  if (n_cases == 0 || cases == NULL || tests == NULL) {
    fprintf(stderr, "%s: no cases\n", argv[1]);
    goto out;
  }
  const cJSON *c;
  cJSON_ArrayForEach(c, list) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(c, "dataset");
    ref_case *rc = &cases[n_tests];
    for (size_t i = 0; i < n_data && cJSON_IsString(ds); i++)
      if (strcmp(data[i].name, ds->valuestring) == 0)
        rc->data = &data[i];
    if (!cJSON_IsString(name) || rc->data == NULL) {
      fprintf(stderr, "%s: case %zu has no name or no data set\n", argv[1],
              n_tests);
      goto out;
    }
    rc->json = c;
    rc->reg_covar = reg_covar;
    snprintf(rc->name, sizeof rc->name, "%s", name->valuestring);
    tests[n_tests] = (struct CMUnitTest){rc->name, test_case, NULL, NULL, rc};
    n_tests++;
  }
  status = _cmocka_run_group_tests("sklearn_ref", tests, n_tests, NULL, NULL);

out:
  free(tests);
  free(cases);
  for (size_t i = 0; data != NULL && i < n_data; i++)
    free(data[i].x);
  free(data);
  cJSON_Delete(doc);
  return status;
}
