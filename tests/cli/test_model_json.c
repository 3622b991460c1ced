/*
 * test_model_json.c -- model files: exact round trips (re-seed events
 * included), atomic saves, every kind of bad file, and allocation failure
 * at every allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ---- helpers */

/* Bytes of one value, so that NaN compares equal to NaN and -0 differs
 * from 0: a round trip must give the same bits, not just equal values. */
static void assert_same_doubles(const double *a, const double *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (memcmp(&a[i], &b[i], sizeof(double)) != 0)
      fail_msg("value %zu differs: %.17g vs %.17g", i, a[i], b[i]);
  }
}

/* A deterministic stream of awkward doubles (many digits, wide range). */
static double awkward(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  double u = (double)(*state >> 11) / 9007199254740992.0; /* [0, 1) */
  return (u - 0.3) * pow(10.0, (double)((*state >> 3) % 9) - 4.0);
}

/* A valid model of each type with K=3, d=3: weights 0.1/0.2/0.7 (whose sum
 * is not exactly 1 in binary), awkward means, and covariances A A^T + I so
 * they are positive definite whatever A holds. */
static gmix_model *make_model(gmix_covariance_type type, int named) {
  enum { K = 3, D = 3 };
  double w[K] = {0.1, 0.2, 0.7}, mu[K * D], cov[K * D * D];
  uint64_t st = 12345 + (uint64_t)type;
  for (size_t i = 0; i < K * D; i++)
    mu[i] = awkward(&st);
  /* full and mclust's ten hold K matrices, tied one. */
  size_t nmat = gmix_covariance_size(type, K, D) == K * D * D ? K : 1;
  for (size_t c = 0; c < nmat; c++) {
    double a[D * D];
    for (size_t i = 0; i < D * D; i++)
      a[i] = awkward(&st) / 7.0;
    for (size_t i = 0; i < D; i++)
      for (size_t j = 0; j < D; j++) {
        double s = i == j ? 1.0 / 3.0 : 0.0;
        for (size_t l = 0; l < D; l++)
          s += a[i * D + l] * a[j * D + l];
        cov[c * D * D + i * D + j] = s;
      }
  }
  if (type == GMIX_COV_DIAG)
    for (size_t i = 0; i < K * D; i++)
      cov[i] = 0.1 + fabs(awkward(&st));
  if (type == GMIX_COV_SPHERICAL)
    for (size_t i = 0; i < K; i++)
      cov[i] = 1e-3 + fabs(awkward(&st));
  gmix_model *m = NULL;
  gmix_error err;
  assert_int_equal(gmix_model_create(type, K, D, w, mu, cov, &m, &err),
                   GMIX_OK);
  if (named) {
    const char *names[D] = {"eruptions", "wait \"time\"\\s", "caf\xc3\xa9\t1"};
    assert_int_equal(gmix_model_set_feature_names(m, names, NULL), GMIX_OK);
  }
  return m;
}

/* Assert that two models hold bit-identical parameters, names and report.
 */
static void assert_same_model(const gmix_model *a, const gmix_model *b) {
  gmix_covariance_type type = gmix_model_covariance_type(a);
  size_t k = gmix_model_n_components(a), d = gmix_model_n_features(a);
  assert_int_equal(gmix_model_covariance_type(b), type);
  assert_int_equal(gmix_model_n_components(b), k);
  assert_int_equal(gmix_model_n_features(b), d);
  size_t nc = gmix_covariance_size(type, k, d);
  double *x = calloc(2 * (k + k * d + nc), sizeof *x);
  double *y = x + k + k * d + nc;
  gmix_model_weights(a, x);
  gmix_model_means(a, x + k);
  gmix_model_covariances(a, x + k + k * d);
  gmix_model_weights(b, y);
  gmix_model_means(b, y + k);
  gmix_model_covariances(b, y + k + k * d);
  assert_same_doubles(x, y, k + k * d + nc);
  free(x);
  for (size_t j = 0; j < d; j++) {
    const char *na = gmix_model_feature_name(a, j);
    const char *nb = gmix_model_feature_name(b, j);
    if (!na)
      assert_null(nb);
    else
      assert_string_equal(na, nb);
  }
  gmix_fit_report ra, rb;
  ra = *gmix_model_report(a);
  rb = *gmix_model_report(b);
  assert_int_equal(ra.has_fit, rb.has_fit);
  if (ra.has_fit) {
    assert_int_equal(ra.converged, rb.converged);
    assert_int_equal(ra.n_iter, rb.n_iter);
    assert_int_equal(ra.n_init, rb.n_init);
    assert_int_equal(ra.best_init, rb.best_init);
    assert_int_equal(ra.n_samples, rb.n_samples);
    assert_int_equal(ra.n_reseeds, rb.n_reseeds);
    double sa[4] = {ra.lower_bound, ra.log_likelihood, ra.sum_weights,
                    ra.seconds};
    double sb[4] = {rb.lower_bound, rb.log_likelihood, rb.sum_weights,
                    rb.seconds};
    assert_same_doubles(sa, sb, 4);
    size_t nh = gmix_model_history(a, NULL, 0);
    assert_int_equal(gmix_model_history(b, NULL, 0), nh);
    double ha[16], hb[16];
    assert_true(nh <= 16);
    gmix_model_history(a, ha, nh);
    gmix_model_history(b, hb, nh);
    assert_same_doubles(ha, hb, nh);
  }
  size_t ne = gmix_model_n_reseeds(a);
  assert_int_equal(gmix_model_n_reseeds(b), ne);
  gmix_reseed_event ea[8], eb[8];
  assert_true(ne <= 8);
  for (size_t i = 0; i < ne; i++) {
    ea[i] = *gmix_model_reseed(a, i);
    eb[i] = *gmix_model_reseed(b, i);
  }
  for (size_t i = 0; i < ne; i++) {
    assert_int_equal(ea[i].init, eb[i].init);
    assert_int_equal(ea[i].iteration, eb[i].iteration);
    assert_int_equal(ea[i].component, eb[i].component);
    assert_int_equal(ea[i].source, eb[i].source);
    assert_int_equal(ea[i].reason, eb[i].reason);
  }
}

static void attach_report(gmix_model *m) {
  gmix_fit_report r = {1,
                       1,
                       4,
                       3,
                       2,
                       -1.2345678901234567,
                       -1.2345678901234,
                       272,
                       271.99999999999994,
                       2,
                       0.0123456789,
                       3};
  double history[4] = {-2.5, -1.3333333333333333, -1.2345678901234567e-300,
                       -1.2345678901234567};
  assert_int_equal(gmix__model_set_report(m, &r, history, 4), GMIX_OK);
  /* The events of a fit, as the fit driver and the loader attach them. */
  static const gmix_reseed_event events[2] = {{2, 0, 1, 2, GMIX_RESEED_EMPTY},
                                              {2, 3, 0, 2, GMIX_RESEED_NOT_PD}};
  assert_int_equal(gmix__model_set_reseeds(m, events, 2), GMIX_OK);
}

/* Route cJSON's allocations through the library's counted allocator, so
 * that the fault-injection loop covers the parser too. */
static void hooks_on(void) {
  cJSON_Hooks hooks = {gmix__malloc, gmix__free};
  cJSON_InitHooks(&hooks);
}

static void hooks_off(void) {
  cJSON_InitHooks(NULL);
}

/* A fresh empty folder for file tests. */
static void make_dir(char *buf, size_t cap) {
  snprintf(buf, cap, "/tmp/gmix-json-test-XXXXXX");
  assert_non_null(mkdtemp(buf));
}

/* Number of entries in a folder other than . and .. */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  char path[512];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* A valid diag model with K = 3, d = 2, without its closing brace. */
#define HEAD_DIAG_MODEL                                                        \
  "{\"format\": \"gmix-model\", \"version\": 1, \"covariance_type\": "         \
  "\"diag\", \"n_components\": 3, \"n_features\": 2, \"weights\": [0.2, "      \
  "0.3, 0.5], \"means\": [[1, 2], [3, 4], [5, 6]], \"covariances\": [[1, "     \
  "2], [3, 4], [5, 6]]"

/* ---- round trips */

/* For every covariance type, with and without names and report: the text
 * parses back to the same bits, and writing the loaded model again gives
 * the same text byte for byte. */
static void test_round_trip_all_types(void **state) {
  (void)state;
  for (int type = GMIX_COV_FULL; type <= GMIX_COV_EVV; type++) {
    for (int variant = 0; variant < 2; variant++) {
      gmix_model *m = make_model((gmix_covariance_type)type, variant);
      if (variant)
        attach_report(m);
      char *j1 = NULL, *j2 = NULL;
      gmix_model *back = NULL;
      gmix_error err;
      assert_int_equal(gmix_model_to_json(m, &j1, &err), GMIX_OK);
      if (gmix_model_from_json(j1, &back, &err) != GMIX_OK)
        fail_msg("%s\n%s", err.message, j1);
      assert_same_model(m, back);
      assert_int_equal(gmix_model_to_json(back, &j2, &err), GMIX_OK);
      assert_string_equal(j1, j2);
      /* The text is valid JSON to a generic reader too. */
      cJSON *doc = cJSON_Parse(j1);
      assert_non_null(doc);
      assert_string_equal(
          cJSON_GetObjectItem(doc, "covariance_type")->valuestring,
          gmix_covariance_type_name((gmix_covariance_type)type));
      cJSON_Delete(doc);
      gmix_free(j1);
      gmix_free(j2);
      gmix_model_free(back);
      gmix_model_free(m);
    }
  }
}

/* A fit statistic that is not finite is written as null and read back as
 * NaN: a model file is always valid JSON. */
static void test_non_finite_report(void **state) {
  (void)state;
  gmix_model *m = make_model(GMIX_COV_DIAG, 0), *back = NULL;
  gmix_fit_report r = {1, 0, 0, 1, 0, -INFINITY, NAN, 10, 10, 0, 0, 0};
  assert_int_equal(gmix__model_set_report(m, &r, NULL, 0), GMIX_OK);
  char *json = NULL;
  assert_int_equal(gmix_model_to_json(m, &json, NULL), GMIX_OK);
  assert_non_null(strstr(json, "\"lower_bound\": null"));
  assert_null(strstr(json, "inf"));
  assert_int_equal(gmix_model_from_json(json, &back, NULL), GMIX_OK);
  r = *gmix_model_report(back);
  assert_true(isnan(r.lower_bound));
  assert_int_equal(r.has_fit, 1);
  gmix_free(json);
  gmix_model_free(back);
  gmix_model_free(m);
}

/* Only the required keys: a valid model without names or report; unknown
 * keys anywhere are ignored. */
static void test_minimal_and_unknown_keys(void **state) {
  (void)state;
  const char *json =
      "{\"format\": \"gmix-model\", \"version\": 1, \"future\": [1, {}],\n"
      " \"covariance_type\": \"spherical\", \"n_components\": 2,\n"
      " \"n_features\": 1, \"weights\": [0.25, 0.75],\n"
      " \"means\": [[-1], [2e0]], \"covariances\": [1, 0.5],\n"
      " \"fit\": {\"converged\": false, \"new_statistic\": \"x\"}}";
  gmix_model *m = NULL;
  gmix_error err;
  if (gmix_model_from_json(json, &m, &err) != GMIX_OK)
    fail_msg("%s", err.message);
  assert_int_equal(gmix_model_n_components(m), 2);
  assert_null(gmix_model_feature_name(m, 0));
  double mu[2];
  gmix_model_means(m, mu);
  assert_true(mu[0] == -1.0 && mu[1] == 2.0);
  gmix_fit_report r;
  r = *gmix_model_report(m);
  assert_int_equal(r.has_fit, 1);
  assert_int_equal(r.converged, 0);
  gmix_model_free(m);

  const char *bare = "{\"format\": \"gmix-model\", \"version\": 1, "
                     "\"covariance_type\": \"tied\", \"n_components\": 1, "
                     "\"n_features\": 2, \"weights\": [1], \"means\": [[0, "
                     "0]], \"covariances\": [[2, 1], [1, 2]]}";
  assert_int_equal(gmix_model_from_json(bare, &m, &err), GMIX_OK);
  r = *gmix_model_report(m);
  assert_int_equal(r.has_fit, 0);
  gmix_model_free(m);
}

/* Data on which a fit must re-seed: two clusters holding 70% and 30% of
 * the rows, and three components of which two start identical on the
 * small cluster, so each holds at most 15% < min_weight. */
static gmix_model *fit_with_reseeds(void) {
  enum { N = 400, D = 2, K = 3 };
  static double x[N * D];
  uint64_t st = 99;
  for (size_t i = 0; i < N; i++) {
    /* A sum of uniforms: a bell enough for a cluster. */
    for (size_t j = 0; j < D; j++) {
      double v = 0;
      for (int u = 0; u < 4; u++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        v += (double)(st >> 11) / 9007199254740992.0 - 0.5;
      }
      x[i * D + j] = v + (j == 0 && i < N * 3 / 10 ? 10 : 0);
    }
  }
  const double wi[K] = {0.4, 0.3, 0.3}, mi[K * D] = {0, 0, 10, 0, 10, 0};
  const double prec[K * D] = {1, 1, 1, 1, 1, 1};
  gmix_options o;
  gmix_options_init(&o);
  o.n_components = K;
  o.covariance_type = GMIX_COV_DIAG;
  o.weights_init = wi;
  o.means_init = mi;
  o.precisions_init = prec;
  o.min_weight = 0.2;
  gmix_model *m = NULL;
  gmix_error err;
  if (gmix_fit(x, N, D, NULL, &o, &m, &err) != GMIX_OK)
    fail_msg("%s", err.message);
  return m;
}

/* The re-seed events of a real fit survive a save and a load, one by one,
 * and are written as the format says. */
static void test_reseeds_round_trip(void **state) {
  (void)state;
  gmix_model *m = fit_with_reseeds(), *back = NULL;
  size_t n = gmix_model_n_reseeds(m);
  assert_true(n > 0);
  char dir[64], path[128];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/model.json", dir);
  gmix_error err;
  assert_int_equal(gmix_model_save(m, path, &err), GMIX_OK);
  assert_int_equal(gmix_model_load(path, &back, &err), GMIX_OK);
  assert_same_model(m, back);

  cJSON *doc = cJSON_Parse(slurp(path));
  assert_non_null(doc);
  const cJSON *list =
      cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "fit"), "reseeds");
  assert_true(cJSON_IsArray(list));
  assert_int_equal(cJSON_GetArraySize(list), (int)n);
  gmix_reseed_event first = *gmix_model_reseed(m, 0);
  const cJSON *e0 = cJSON_GetArrayItem(list, 0);
  assert_int_equal(cJSON_GetObjectItem(e0, "component")->valuedouble,
                   (double)first.component);
  assert_int_equal(cJSON_GetObjectItem(e0, "source")->valuedouble,
                   (double)first.source);
  assert_string_equal(cJSON_GetObjectItem(e0, "reason")->valuestring,
                      first.reason == GMIX_RESEED_EMPTY ? "empty" : "not_pd");
  cJSON_Delete(doc);
  gmix_model_free(back);
  gmix_model_free(m);
  remove_dir(dir);
}

/* A file from before the list existed gives the count without events;
 * writing that model again leaves the list out, so it loads back. A list
 * without a count gives the count. */
static void test_reseeds_optional(void **state) {
  (void)state;
  const char *old = HEAD_DIAG_MODEL ", \"fit\": {\"n_reseeds\": 3}}";
  gmix_model *m = NULL, *back = NULL;
  gmix_error err;
  if (gmix_model_from_json(old, &m, &err) != GMIX_OK)
    fail_msg("%s", err.message);
  gmix_fit_report r;
  r = *gmix_model_report(m);
  assert_int_equal(r.n_reseeds, 3);
  assert_int_equal(gmix_model_n_reseeds(m), 0);
  char *json = NULL;
  assert_int_equal(gmix_model_to_json(m, &json, &err), GMIX_OK);
  assert_null(strstr(json, "\"reseeds\""));
  assert_int_equal(gmix_model_from_json(json, &back, &err), GMIX_OK);
  assert_same_model(m, back);
  gmix_free(json);
  gmix_model_free(back);
  gmix_model_free(m);

  const char *listed =
      HEAD_DIAG_MODEL ", \"fit\": {\"reseeds\": [{\"init\": 0, "
                      "\"iteration\": 4, \"component\": 2, \"source\": 0, "
                      "\"reason\": \"not_pd\", \"note\": \"ignored\"}]}}";
  if (gmix_model_from_json(listed, &m, &err) != GMIX_OK)
    fail_msg("%s", err.message);
  r = *gmix_model_report(m);
  assert_int_equal(r.n_reseeds, 1);
  assert_int_equal(gmix_model_n_reseeds(m), 1);
  gmix_reseed_event ev = *gmix_model_reseed(m, 0);
  assert_int_equal(ev.iteration, 4);
  assert_int_equal(ev.component, 2);
  assert_int_equal(ev.source, 0);
  assert_int_equal(ev.reason, GMIX_RESEED_NOT_PD);
  gmix_model_free(m);
}

/* ---- files */

static void test_save_load_file(void **state) {
  (void)state;
  char dir[64], path[128];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/model.json", dir);
  gmix_model *m = make_model(GMIX_COV_FULL, 1), *back = NULL;
  attach_report(m);
  gmix_error err;
  assert_int_equal(gmix_model_save(m, path, &err), GMIX_OK);
  /* Saving again replaces the file and leaves no temporary behind. */
  assert_int_equal(gmix_model_save(m, path, &err), GMIX_OK);
  assert_int_equal(count_entries(dir), 1);
  assert_int_equal(gmix_model_load(path, &back, &err), GMIX_OK);
  assert_same_model(m, back);
  char *json = NULL;
  assert_int_equal(gmix_model_to_json(m, &json, &err), GMIX_OK);
  assert_string_equal(slurp(path), json);
  gmix_free(json);
  gmix_model_free(back);
  gmix_model_free(m);
  remove_dir(dir);
}

/* A folder that does not exist: GMIX_EIO naming the path and the reason. */
static void test_save_unwritable(void **state) {
  (void)state;
  gmix_model *m = make_model(GMIX_COV_DIAG, 0);
  gmix_error err;
  const char *path = "/nonexistent-gmix-dir/sub/model.json";
  assert_int_equal(gmix_model_save(m, path, &err), GMIX_EIO);
  assert_int_equal(err.status, GMIX_EIO);
  assert_non_null(strstr(err.message, path));
  assert_non_null(strstr(err.message, strerror(ENOENT)));
  /* The target is a folder: rename fails, the temporary file goes. */
  char dir[64];
  make_dir(dir, sizeof dir);
  char sub[128];
  snprintf(sub, sizeof sub, "%s/taken", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  assert_int_equal(gmix_model_save(m, sub, &err), GMIX_EIO);
  assert_non_null(strstr(err.message, sub));
  assert_int_equal(count_entries(dir), 1);
  assert_int_equal(gmix_model_save(m, "", &err), GMIX_EINVAL);
  assert_int_equal(gmix_model_save(NULL, "x.json", &err), GMIX_EINVAL);
  remove_dir(sub);
  remove_dir(dir);
  gmix_model_free(m);
}

/* A save that fails part way (each allocation in turn) keeps the old file
 * exactly and leaves nothing else in the folder. */
static void test_save_failure_keeps_old_file(void **state) {
  (void)state;
  char dir[64], path[128];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/model.json", dir);
  FILE *f = fopen(path, "w");
  fputs("old content", f);
  fclose(f);
  gmix_model *m = make_model(GMIX_COV_FULL, 1);
  attach_report(m);
  for (size_t n = 1;; n++) {
    gmix_error err;
    gmix__fault_inject(n);
    gmix_status s = gmix_model_save(m, path, &err);
    gmix__fault_inject(0);
    if (s == GMIX_OK)
      break;
    assert_int_equal(s, GMIX_ENOMEM);
    assert_string_equal(slurp(path), "old content");
    assert_int_equal(count_entries(dir), 1);
    assert_true(n < 1000);
  }
  assert_int_equal(count_entries(dir), 1);
  gmix_model_free(m);
  remove_dir(dir);
}

static void test_load_file_errors(void **state) {
  (void)state;
  char dir[64], path[128];
  make_dir(dir, sizeof dir);
  gmix_model *m = NULL;
  gmix_error err;
  snprintf(path, sizeof path, "%s/missing.json", dir);
  assert_int_equal(gmix_model_load(path, &m, &err), GMIX_EIO);
  assert_non_null(strstr(err.message, path));
  assert_non_null(strstr(err.message, strerror(ENOENT)));

  /* A NUL byte inside the text would hide the rest from a C-string parser.
   */
  snprintf(path, sizeof path, "%s/nul.json", dir);
  FILE *f = fopen(path, "wb");
  fwrite("{\"format\"\0: 1}", 1, 14, f);
  fclose(f);
  assert_int_equal(gmix_model_load(path, &m, &err), GMIX_EFORMAT);
  assert_non_null(strstr(err.message, "NUL byte at byte 9"));
  assert_non_null(strstr(err.message, path));

  /* A truncated copy of a valid file. */
  gmix_model *good = make_model(GMIX_COV_FULL, 1);
  char *json = NULL;
  assert_int_equal(gmix_model_to_json(good, &json, NULL), GMIX_OK);
  snprintf(path, sizeof path, "%s/cut.json", dir);
  for (size_t cut = 0; cut < strlen(json) - 2; cut += 7) {
    f = fopen(path, "wb");
    fwrite(json, 1, cut, f);
    fclose(f);
    err.message[0] = '\0';
    assert_int_equal(gmix_model_load(path, &m, &err), GMIX_EFORMAT);
    assert_true(strncmp(err.message, path, strlen(path)) == 0);
  }
  /* A folder is not a model file. */
  assert_int_not_equal(gmix_model_load(dir, &m, &err), GMIX_OK);
  gmix_free(json);
  gmix_model_free(good);
  remove_dir(dir);
}

/* ---- bad text */

#define HEAD "{\"format\": \"gmix-model\", \"version\": 1, "
#define GOOD_SHAPE                                                             \
  "\"covariance_type\": \"diag\", \"n_components\": 3, \"n_features\": 2, "
#define GOOD_W "\"weights\": [0.2, 0.3, 0.5], "
#define GOOD_MU "\"means\": [[1, 2], [3, 4], [5, 6]], "
#define GOOD_COV "\"covariances\": [[1, 2], [3, 4], [5, 6]]"

/* One re-seed event object. */
#define RESEED(init, iter, comp, src, reason)                                  \
  "{\"init\": " #init ", \"iteration\": " #iter ", \"component\": " #comp      \
  ", \"source\": " #src ", \"reason\": " reason "}"

typedef struct bad_case {
  const char *json;
  gmix_status status;
  const char *message; /* a substring the message must contain */
} bad_case;

static const bad_case bad_cases[] = {
    {"", GMIX_EFORMAT, "empty model file"},
    {" \n\t ", GMIX_EFORMAT, "empty model file"},
    {"{", GMIX_EFORMAT, "truncated"},
    {HEAD GOOD_SHAPE GOOD_W, GMIX_EFORMAT, "truncated"},
    {"{\"format\": \"gmix-model\",\n  \"version\": 1,,}", GMIX_EFORMAT,
     "invalid JSON near byte 41 (line 2, column 17)"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV "} trailing", GMIX_EFORMAT,
     "invalid JSON near byte"},
    {"[1, 2]", GMIX_EFORMAT, "not a gmix model: the top level is an array"},
    {"{}", GMIX_EFORMAT, "not a gmix model: no 'format' key"},
    {"{\"format\": \"xyz\"}", GMIX_EFORMAT,
     "not a gmix model: format is 'xyz'"},
    {"{\"format\": 7}", GMIX_EFORMAT, "not a gmix model: format is a number"},
    {"{\"format\": \"gmix-model\"}", GMIX_EFORMAT, "missing 'version'"},
    {"{\"format\": \"gmix-model\", \"version\": 2}", GMIX_EFORMAT,
     "model version 2 is newer than this gmix reads (1)"},
    {"{\"format\": \"gmix-model\", \"version\": \"1\"}", GMIX_EFORMAT,
     "'version' must be a whole number (got a string)"},
    {"{\"format\": \"gmix-model\", \"version\": 0}", GMIX_EFORMAT,
     "'version' must be a whole number >= 1 (got 0)"},
    {HEAD "\"n_components\": 1}", GMIX_EFORMAT, "missing 'covariance_type'"},
    {HEAD "\"covariance_type\": \"banana\"}", GMIX_EFORMAT,
     "'covariance_type': unknown covariance type 'banana' (EII, spherical "
     "(VII), EEI, VEI, EVI, diag (VVI), tied (EEE), VEE, EVE, VVE, EEV, VEV, "
     "EVV, full (VVV))"},
    {HEAD "\"covariance_type\": 3}", GMIX_EFORMAT,
     "'covariance_type' must be a string naming a covariance type (got a "
     "number)"},
    {HEAD "\"covariance_type\": \"full\"}", GMIX_EFORMAT,
     "missing 'n_components'"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 0, "
          "\"n_features\": 2}",
     GMIX_EFORMAT, "'n_components' must be a whole number >= 1 (got 0)"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 2.5, "
          "\"n_features\": 2}",
     GMIX_EFORMAT, "'n_components' must be a whole number >= 1 (got 2.5)"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": -3, "
          "\"n_features\": 2}",
     GMIX_EFORMAT, "'n_components' must be a whole number >= 1 (got -3)"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 1e300, "
          "\"n_features\": 2}",
     GMIX_EFORMAT, "'n_components' is too large (1.0000000000000001e+300)"},
    /* Hostile sizes are compared with what the file holds before anything
     * of that size is allocated. */
    {HEAD "\"covariance_type\": \"diag\", \"n_components\": 1e15, "
          "\"n_features\": 2, \"weights\": [1], \"means\": [[0, 0]], "
          "\"covariances\": [[1, 1]]}",
     GMIX_EFORMAT,
     "'weights' must be an array of 1000000000000000 numbers (weights has 1 "
     "element)"},
    {HEAD "\"covariance_type\": \"spherical\", \"n_components\": 1, "
          "\"n_features\": 1, \"weights\": [1], \"means\": [[0]], "
          "\"covariances\": [[1]]}",
     GMIX_EFORMAT,
     "'covariances' must be an array of 1 number (covariances[0] is an "
     "array)"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 9007199254740992, "
          "\"n_features\": 9007199254740992, \"weights\": [1]}",
     GMIX_EFORMAT, "are too large"},
    {HEAD GOOD_SHAPE GOOD_MU GOOD_COV "}", GMIX_EFORMAT,
     "missing 'weights' (an array of 3 numbers)"},
    {HEAD GOOD_SHAPE GOOD_W "\"means\": [[1, 2], [3, 4], [5, 6, 7]], " GOOD_COV
                            "}",
     GMIX_EFORMAT,
     "'means' must be an array of 3 arrays of 2 numbers (means[2] has 3 "
     "elements)"},
    {HEAD GOOD_SHAPE GOOD_W "\"means\": [[1, 2], [3, \"4\"], [5, 6]], " GOOD_COV
                            "}",
     GMIX_EFORMAT, "(means[1][1] is a string)"},
    {HEAD GOOD_SHAPE GOOD_W "\"means\": [[1, 2], [3, 1e999], [5, 6]], " GOOD_COV
                            "}",
     GMIX_EFORMAT, "(means[1][1] is not a finite number)"},
    {HEAD GOOD_SHAPE GOOD_W "\"means\": {\"a\": 1}, " GOOD_COV "}",
     GMIX_EFORMAT, "(means is an object)"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU "\"covariances\": [[1, 2], [3, 4]]}",
     GMIX_EFORMAT,
     "'covariances' must be an array of 3 arrays of 2 numbers (covariances "
     "has 2 elements)"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 1, "
          "\"n_features\": 2, \"weights\": [1], \"means\": [[0, 0]], "
          "\"covariances\": [[1, 0], [0, 1]]}",
     GMIX_EFORMAT,
     "'covariances' must be an array of 1 array of 2 arrays of 2 numbers "
     "(covariances has 2 elements)"},
    {HEAD GOOD_SHAPE "\"weights\": [0.2, 0.3, 0.4], " GOOD_MU GOOD_COV "}",
     GMIX_EFORMAT, "weights sum to"},
    {HEAD GOOD_SHAPE "\"weights\": [-0.2, 0.7, 0.5], " GOOD_MU GOOD_COV "}",
     GMIX_EFORMAT, "weight of component 0 is negative"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU
     "\"covariances\": [[1, 2], [3, -4], [5, 6]]}",
     GMIX_ENOTPD, "component 1"},
    {HEAD "\"covariance_type\": \"full\", \"n_components\": 2, "
          "\"n_features\": 2, \"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, "
          "1]], \"covariances\": [[[1, 0], [0, 1]], [[1, 2], [2, 1]]]}",
     GMIX_ENOTPD, "component 1: covariance is not positive definite"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"feature_names\": [\"a\"]}",
     GMIX_EFORMAT, "'feature_names' must be an array of 2 strings"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"feature_names\": [\"a\", 2]}",
     GMIX_EFORMAT, "'feature_names'[1] must be a string"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"fit\": 3}", GMIX_EFORMAT,
     "'fit' must be an object (got a number)"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"fit\": {\"converged\": 1}}",
     GMIX_EFORMAT, "'fit.converged' must be true or false"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"fit\": {\"n_iter\": -1}}",
     GMIX_EFORMAT, "'n_iter' must be a whole number >= 0 (got -1)"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV
     ", \"fit\": {\"lower_bound\": \"high\"}}",
     GMIX_EFORMAT, "'fit.lower_bound' must be a finite number or null"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV
     ", \"fit\": {\"history\": [1, \"a\"]}}",
     GMIX_EFORMAT, "'fit.history'[1] must be a finite number (got a string)"},
    {HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV ", \"fit\": {\"history\": 5}}",
     GMIX_EFORMAT, "'fit.history' must be an array"},
    {HEAD_DIAG_MODEL ", \"fit\": {\"reseeds\": {}}}", GMIX_EFORMAT,
     "'fit.reseeds' must be an array (got an object)"},
    {HEAD_DIAG_MODEL ", \"fit\": {\"reseeds\": [7]}}", GMIX_EFORMAT,
     "'fit.reseeds'[0] must be an object (got a number)"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 2, 0, "\"empty\"") ", {}]}}",
     GMIX_EFORMAT, "missing 'fit.reseeds'[1].init"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, -1, 2, 0, "\"empty\"") "]}}",
     GMIX_EFORMAT,
     "'fit.reseeds'[0].iteration must be a whole number >= 0 (got -1)"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 3, 0, "\"empty\"") "]}}",
     GMIX_EFORMAT,
     "'fit.reseeds'[0].component is 3, but the model has 3 components"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 0, 5, "\"empty\"") "]}}",
     GMIX_EFORMAT, "'fit.reseeds'[0].source is 5, but the model has 3"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 1, 1, "\"empty\"") "]}}",
     GMIX_EFORMAT, "'fit.reseeds'[0] re-seeds component 1 from itself"},
    {HEAD_DIAG_MODEL
     ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 1, 0, "\"tired\"") "]}}",
     GMIX_EFORMAT,
     "'fit.reseeds'[0].reason must be \"empty\" or \"not_pd\" (got 'tired')"},
    {HEAD_DIAG_MODEL ", \"fit\": {\"reseeds\": [" RESEED(0, 1, 1, 0, "1") "]}}",
     GMIX_EFORMAT,
     "'fit.reseeds'[0].reason must be \"empty\" or \"not_pd\" (got a "
     "number)"},
    {HEAD_DIAG_MODEL ", \"fit\": {\"reseeds\": [{\"init\": 0, "
                     "\"iteration\": 1, \"component\": 1, \"source\": 0}]}}",
     GMIX_EFORMAT,
     "'fit.reseeds'[0].reason must be \"empty\" or \"not_pd\" (got "
     "nothing)"},
    {HEAD_DIAG_MODEL ", \"fit\": {\"n_reseeds\": 2, \"reseeds\": [" RESEED(
         0, 1, 1, 0, "\"empty\"") "]}}",
     GMIX_EFORMAT, "'fit.reseeds' lists 1 events but 'fit.n_reseeds' is 2"},
};

static void test_bad_text(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    const bad_case *c = &bad_cases[i];
    gmix_model *m = NULL;
    gmix_error err;
    err.message[0] = '\0';
    gmix_status s = gmix_model_from_json(c->json, &m, &err);
    if (s != c->status || err.status != c->status ||
        !strstr(err.message, c->message))
      fail_msg("case %zu: %s\n  got %s: \"%s\"\n  want %s: \"...%s...\"", i,
               c->json, gmix_strerror(s), err.message, gmix_strerror(c->status),
               c->message);
    assert_null(m);
  }
  /* The good document those cases break is itself valid. */
  gmix_model *m = NULL;
  gmix_error err;
  if (gmix_model_from_json(HEAD GOOD_SHAPE GOOD_W GOOD_MU GOOD_COV "}", &m,
                           &err) != GMIX_OK)
    fail_msg("%s", err.message);
  gmix_model_free(m);
  assert_int_equal(gmix_model_from_json(NULL, &m, &err), GMIX_EINVAL);
  assert_int_equal(gmix_model_from_json("{}", NULL, &err), GMIX_EINVAL);
}

/* Deep nesting is refused by cJSON's nesting limit, not by the stack. */
static void test_deep_nesting(void **state) {
  (void)state;
  size_t depth = 200000;
  char *text = malloc(2 * depth + 1);
  memset(text, '[', depth);
  memset(text + depth, ']', depth);
  text[2 * depth] = '\0';
  gmix_model *m = NULL;
  gmix_error err;
  assert_int_equal(gmix_model_from_json(text, &m, &err), GMIX_EFORMAT);
  assert_non_null(strstr(err.message, "invalid JSON"));
  free(text);
}

/* ---- allocation failure: every allocation of a load fails in turn (the
 * parser's included); each gives GMIX_ENOMEM and, checked by the
 * sanitizer build, leaks nothing; eventually the load succeeds. */
static void test_alloc_failure_from_json(void **state) {
  (void)state;
  gmix_model *m = make_model(GMIX_COV_FULL, 1);
  attach_report(m);
  char *json = NULL;
  assert_int_equal(gmix_model_to_json(m, &json, NULL), GMIX_OK);
  hooks_on();
  size_t n;
  for (n = 1;; n++) {
    gmix_model *back = NULL;
    gmix_error err;
    err.message[0] = '\0';
    gmix__fault_inject(n);
    gmix_status s = gmix_model_from_json(json, &back, &err);
    gmix__fault_inject(0);
    if (s == GMIX_OK) {
      assert_same_model(m, back);
      gmix_model_free(back);
      break;
    }
    if (s != GMIX_ENOMEM)
      fail_msg("allocation %zu: %s: %s", n, gmix_strerror(s), err.message);
    assert_null(back);
    assert_true(n < 100000);
  }
  hooks_off();
  assert_true(n > 20); /* the parser's allocations were counted */
  gmix_free(json);
  gmix_model_free(m);
}

static void test_alloc_failure_load(void **state) {
  (void)state;
  char dir[64], path[128];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/model.json", dir);
  gmix_model *m = make_model(GMIX_COV_TIED, 1);
  attach_report(m);
  assert_int_equal(gmix_model_save(m, path, NULL), GMIX_OK);
  hooks_on();
  for (size_t n = 1;; n++) {
    gmix_model *back = NULL;
    gmix__fault_inject(n);
    gmix_status s = gmix_model_load(path, &back, NULL);
    gmix__fault_inject(0);
    if (s == GMIX_OK) {
      assert_same_model(m, back);
      gmix_model_free(back);
      break;
    }
    assert_int_equal(s, GMIX_ENOMEM);
    assert_true(n < 100000);
  }
  hooks_off();
  gmix_model_free(m);
  remove_dir(dir);
}

static void test_alloc_failure_to_json(void **state) {
  (void)state;
  gmix_model *m = make_model(GMIX_COV_FULL, 1);
  attach_report(m);
  for (size_t n = 1;; n++) {
    char *json = NULL;
    gmix__fault_inject(n);
    gmix_status s = gmix_model_to_json(m, &json, NULL);
    gmix__fault_inject(0);
    if (s == GMIX_OK) {
      gmix_free(json);
      break;
    }
    assert_int_equal(s, GMIX_ENOMEM);
    assert_null(json);
    assert_true(n < 1000);
  }
  gmix_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_all_types),
      cmocka_unit_test(test_non_finite_report),
      cmocka_unit_test(test_minimal_and_unknown_keys),
      cmocka_unit_test(test_reseeds_round_trip),
      cmocka_unit_test(test_reseeds_optional),
      cmocka_unit_test(test_save_load_file),
      cmocka_unit_test(test_save_unwritable),
      cmocka_unit_test(test_save_failure_keeps_old_file),
      cmocka_unit_test(test_load_file_errors),
      cmocka_unit_test(test_bad_text),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_alloc_failure_from_json),
      cmocka_unit_test(test_alloc_failure_load),
      cmocka_unit_test(test_alloc_failure_to_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
