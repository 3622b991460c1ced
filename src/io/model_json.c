/*
 * model_json.c -- model files: a model as JSON text, and back.
 *
 * The format is the one of DESIGN.md ("Model file"). Writing is done here
 * by hand rather than through cJSON's printer because cJSON prints doubles
 * with 15 significant digits first and 17 only when 15 do not round-trip,
 * and lays arrays of arrays out on one line; writing "%.17g" ourselves keeps
 * every value exact and the matrices readable. Reading goes through cJSON.
 *
 * cJSON allocates through its global hooks; the library never changes them
 * (that would be global state shared with the application). A test may
 * route them through gmix__malloc to walk allocation failures.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

#define MODEL_FORMAT_NAME "gmix-model"
#define MODEL_FORMAT_VERSION 1

/* Integers in a model file are read as doubles by cJSON; above 2^53 they are
 * no longer exact, so larger counts are refused rather than rounded. */
#define MAX_EXACT_INTEGER 9007199254740992.0

/* The names of gmix_reseed_reason values in a model file, indexed by the
 * value. */
static const char *const reseed_reason_names[] = {
    [GMIX_RESEED_EMPTY] = "empty",
    [GMIX_RESEED_NOT_PD] = "not_pd",
};
#define N_RESEED_REASONS                                                       \
  (sizeof reseed_reason_names / sizeof reseed_reason_names[0])

/* ------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------- */

/* A growing string. Once an allocation fails `failed` is set and every
 * later append is a no-op, so the writer checks for failure once at the
 * end instead of after every call. */
typedef struct strbuf {
  char *text;
  size_t len, cap;
  int failed;
} strbuf;

static int sb_reserve(strbuf *b, size_t extra) {
  if (b->failed)
    return 0;
  if (extra >= SIZE_MAX - b->len) {
    b->failed = 1;
    return 0;
  }
  if (b->len + extra + 1 <= b->cap)
    return 1;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2) {
      cap = b->len + extra + 1;
      break;
    }
    cap *= 2;
  }
  char *p = gmix__realloc(b->text, cap);
  if (!p) {
    b->failed = 1;
    return 0;
  }
  b->text = p;
  b->cap = cap;
  return 1;
}

static void sb_putn(strbuf *b, const char *s, size_t n) {
  if (!sb_reserve(b, n))
    return;
  memcpy(b->text + b->len, s, n);
  b->len += n;
  b->text[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s) {
  sb_putn(b, s, strlen(s));
}

static void sb_size(strbuf *b, size_t v) {
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%zu", v);
  sb_putn(b, tmp, (size_t)n);
}

/* A double with 17 significant digits, which is enough for strtod to give
 * back the same bits. JSON has no NaN or infinity; parameters of a valid
 * model are always finite, and a non-finite fit statistic (say the lower
 * bound of a fit that ran no iteration) is written as null. */
static void sb_double(strbuf *b, double v) {
  char tmp[40];
  if (!isfinite(v)) {
    sb_puts(b, "null");
    return;
  }
  int n = snprintf(tmp, sizeof tmp, "%.17g", v);
  sb_putn(b, tmp, (size_t)n);
}

/* A JSON string literal. Bytes >= 0x80 pass through unchanged (feature
 * names come from UTF-8 headers); quotes, backslashes and control
 * characters are escaped. */
static void sb_string(strbuf *b, const char *s) {
  sb_putn(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      sb_putn(b, esc, 2);
    } else if (c < 0x20) {
      char esc[8];
      int n = snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
      sb_putn(b, esc, (size_t)n);
    } else {
      sb_putn(b, (const char *)&c, 1);
    }
  }
  sb_putn(b, "\"", 1);
}

static void sb_vector(strbuf *b, const double *v, size_t n) {
  sb_puts(b, "[");
  for (size_t i = 0; i < n; i++) {
    if (i)
      sb_puts(b, ", ");
    sb_double(b, v[i]);
  }
  sb_puts(b, "]");
}

/* A rows x cols matrix, one row per line, indented by `indent` spaces. */
static void sb_matrix(strbuf *b, const double *v, size_t rows, size_t cols,
                      int indent) {
  sb_puts(b, "[\n");
  for (size_t i = 0; i < rows; i++) {
    for (int s = 0; s < indent + 2; s++)
      sb_puts(b, " ");
    sb_vector(b, v + i * cols, cols);
    sb_puts(b, i + 1 < rows ? ",\n" : "\n");
  }
  for (int s = 0; s < indent; s++)
    sb_puts(b, " ");
  sb_puts(b, "]");
}

/* `count` matrices of rows x cols, as an array of matrices. */
static void sb_matrices(strbuf *b, const double *v, size_t count, size_t rows,
                        size_t cols) {
  sb_puts(b, "[\n");
  for (size_t c = 0; c < count; c++) {
    sb_puts(b, "    ");
    sb_matrix(b, v + c * rows * cols, rows, cols, 4);
    sb_puts(b, c + 1 < count ? ",\n" : "\n");
  }
  sb_puts(b, "  ]");
}

static void sb_key(strbuf *b, const char *indent, const char *key) {
  sb_puts(b, ",\n");
  sb_puts(b, indent);
  sb_string(b, key);
  sb_puts(b, ": ");
}

/* The re-seed events, one object per line:
 *   {"init": 0, "iteration": 3, "component": 1, "source": 0,
 *    "reason": "empty"} */
static void write_reseeds(strbuf *b, const gmix_reseed_event *ev, size_t n) {
  if (n == 0) {
    sb_puts(b, "[]");
    return;
  }
  sb_puts(b, "[\n");
  for (size_t i = 0; i < n; i++) {
    sb_puts(b, "      {\"init\": ");
    sb_size(b, ev[i].init);
    sb_puts(b, ", \"iteration\": ");
    sb_size(b, ev[i].iteration);
    sb_puts(b, ", \"component\": ");
    sb_size(b, ev[i].component);
    sb_puts(b, ", \"source\": ");
    sb_size(b, ev[i].source);
    sb_puts(b, ", \"reason\": ");
    size_t reason = (size_t)ev[i].reason;
    if (reason < N_RESEED_REASONS)
      sb_string(b, reseed_reason_names[reason]);
    else
      sb_puts(b, "null"); /* not a reason the library makes */
    sb_puts(b, i + 1 < n ? "},\n" : "}\n");
  }
  sb_puts(b, "    ]");
}

/* The optional "fit" object: the report, the re-seed events and the
 * lower-bound history. */
static void write_fit(strbuf *b, const gmix_fit_report *r,
                      const gmix_reseed_event *reseeds, size_t n_reseeds,
                      const double *history, size_t n_history) {
  const char *in = "    ";
  sb_puts(b, ",\n  \"fit\": {\n    \"converged\": ");
  sb_puts(b, r->converged ? "true" : "false");
  sb_key(b, in, "n_iter");
  sb_size(b, r->n_iter);
  sb_key(b, in, "n_init");
  sb_size(b, r->n_init);
  sb_key(b, in, "best_init");
  sb_size(b, r->best_init);
  sb_key(b, in, "lower_bound");
  sb_double(b, r->lower_bound);
  sb_key(b, in, "log_likelihood");
  sb_double(b, r->log_likelihood);
  sb_key(b, in, "n_samples");
  sb_size(b, r->n_samples);
  sb_key(b, in, "sum_weights");
  sb_double(b, r->sum_weights);
  sb_key(b, in, "n_reseeds");
  sb_size(b, r->n_reseeds);
  sb_key(b, in, "n_mstep_unconverged");
  sb_size(b, r->n_mstep_unconverged);
  /* A report read from a file older than the list may count events the
   * model does not hold; the list is written only when it is complete. */
  if (n_reseeds == r->n_reseeds) {
    sb_key(b, in, "reseeds");
    write_reseeds(b, reseeds, n_reseeds);
  }
  sb_key(b, in, "seconds");
  sb_double(b, r->seconds);
  sb_key(b, in, "history");
  sb_vector(b, history, n_history);
  sb_puts(b, "\n  }");
}

gmix_status gmix_model_to_json(const gmix_model *m, char **out,
                               gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!out)
    return gmix__null_argument(err, "out");
  gmix_covariance_type type = gmix_model_covariance_type(m);
  size_t k = gmix_model_n_components(m), d = gmix_model_n_features(m);
  size_t n_cov = gmix_covariance_size(type, k, d), n_means;
  if (n_cov == 0 || !gmix__mul(k, d, &n_means))
    return gmix__error(err, GMIX_EOVERFLOW, "model too large to write");

  gmix_fit_report report;
  report = *gmix_model_report(m);
  size_t n_history = report.has_fit ? gmix_model_history(m, NULL, 0) : 0;

  int overflow = 0, o2 = 0, o3 = 0, o4 = 0;
  double *weights = gmix__malloc_array(k, sizeof(double), &overflow);
  double *means = gmix__malloc_array(n_means, sizeof(double), &o2);
  double *cov = gmix__malloc_array(n_cov, sizeof(double), &o3);
  double *history = gmix__malloc_array(n_history, sizeof(double), &o4);
  strbuf b = {NULL, 0, 0, 0};
  gmix_status status = GMIX_OK;
  if (overflow || o2 || o3 || o4) {
    status = gmix__error(err, GMIX_EOVERFLOW, "model too large to write");
    goto done;
  }
  if (!weights || !means || !cov || !history) {
    status = gmix__error(err, GMIX_ENOMEM, "out of memory writing a model");
    goto done;
  }
  gmix_model_weights(m, weights);
  gmix_model_means(m, means);
  gmix_model_covariances(m, cov);
  if (n_history)
    gmix_model_history(m, history, n_history);

  sb_puts(&b, "{\n  \"format\": \"" MODEL_FORMAT_NAME "\"");
  sb_key(&b, "  ", "version");
  sb_size(&b, MODEL_FORMAT_VERSION);
  sb_key(&b, "  ", "covariance_type");
  sb_string(&b, gmix_covariance_type_name(type));
  sb_key(&b, "  ", "n_components");
  sb_size(&b, k);
  sb_key(&b, "  ", "n_features");
  sb_size(&b, d);
  if (gmix_model_feature_name(m, 0)) {
    sb_key(&b, "  ", "feature_names");
    sb_puts(&b, "[");
    for (size_t j = 0; j < d; j++) {
      if (j)
        sb_puts(&b, ", ");
      sb_string(&b, gmix_model_feature_name(m, j));
    }
    sb_puts(&b, "]");
  }
  sb_key(&b, "  ", "weights");
  sb_vector(&b, weights, k);
  sb_key(&b, "  ", "means");
  sb_matrix(&b, means, k, d, 2);
  sb_key(&b, "  ", "covariances");
  size_t dims[3];
  switch (gmix_covariance_shape(type, k, d, dims, NULL)) {
  case 3:
    sb_matrices(&b, cov, dims[0], dims[1], dims[2]);
    break;
  case 2:
    sb_matrix(&b, cov, dims[0], dims[1], 2);
    break;
  default:
    sb_vector(&b, cov, dims[0]);
    break;
  }
  if (gmix_model_decomposition(m, NULL, NULL, NULL)) {
    /* mclust's ten: Sigma_k = scale_k D_k diag(shape_k) D_k^T beside the
     * matrices, for readers that want the parameterisation. The matrices
     * alone define the model; the loader recomputes the decomposition. */
    double *dec =
        gmix__malloc_array(n_cov + n_means + k, sizeof(double), &overflow);
    if (!dec) {
      status = gmix__error(err, GMIX_ENOMEM, "out of memory writing a model");
      goto done;
    }
    gmix_model_decomposition(m, dec, dec + k, dec + k + n_means);
    sb_key(&b, "  ", "decomposition");
    sb_puts(&b, "{\n    \"scale\": ");
    sb_vector(&b, dec, k);
    sb_key(&b, "    ", "shape");
    sb_matrix(&b, dec + k, k, d, 4);
    sb_key(&b, "    ", "orientation");
    sb_matrices(&b, dec + k + n_means, k, d, d);
    sb_puts(&b, "\n  }");
    gmix__free(dec);
  }
  if (report.has_fit)
    write_fit(&b, &report, m->reseeds, m->n_reseeds, history, n_history);
  sb_puts(&b, "\n}\n");
  if (b.failed) {
    status = gmix__error(err, GMIX_ENOMEM, "out of memory writing a model");
    goto done;
  }
  *out = b.text;
  b.text = NULL;
done:
  gmix__free(b.text);
  gmix__free(weights);
  gmix__free(means);
  gmix__free(cov);
  gmix__free(history);
  return status;
}

gmix_status gmix_model_save(const gmix_model *m, const char *path,
                            gmix_error *err) {
  if (!m)
    return gmix__null_argument(err, "model");
  if (!path)
    return gmix__null_argument(err, "path");
  if (!*path)
    return gmix__error(err, GMIX_EINVAL, "gmix_model_save: no file name");
  char *text = NULL;
  gmix_status status = gmix_model_to_json(m, &text, err);
  if (status != GMIX_OK)
    return status;
  status = gmix__atomic_write_buffer(path, text, strlen(text), err);
  gmix__free(text);
  return status;
}

/* ------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------- */

/* Where the text came from, to prefix messages with "model.json: ". */
typedef struct source {
  const char *name; /* file name, or NULL for a string */
  gmix_error *err;
} source;

/* Fail with a message prefixed by the source name. */
static gmix_status fail(const source *src, gmix_status status, const char *fmt,
                        ...) GMIX__PRINTF(3, 4);
static gmix_status fail(const source *src, gmix_status status, const char *fmt,
                        ...) {
  char msg[GMIX_ERROR_MESSAGE_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (src->name)
    return gmix__error(src->err, status, "%s: %s", src->name, msg);
  return gmix__error(src->err, status, "%s", msg);
}

/* What a JSON value is, for messages ("'n_features' is a string"). */
static const char *json_kind(const cJSON *v) {
  if (cJSON_IsNumber(v))
    return "a number";
  if (cJSON_IsString(v))
    return "a string";
  if (cJSON_IsBool(v))
    return "a boolean";
  if (cJSON_IsNull(v))
    return "null";
  if (cJSON_IsArray(v))
    return "an array";
  if (cJSON_IsObject(v))
    return "an object";
  return "not a value";
}

static size_t json_count(const cJSON *array) {
  size_t n = 0;
  for (const cJSON *c = array->child; c; c = c->next)
    n++;
  return n;
}

/* A count (n_components, n_iter, ...): a number that is a whole value in
 * [min, 2^53]. Missing is an error when `required`, else *out is left.
 * Messages call it `shown` ("'fit.reseeds'[2].component"), or 'key'. */
static gmix_status get_count_shown(const source *src, const cJSON *obj,
                                   const char *key, const char *shown,
                                   double min, int required, size_t *out) {
  char quoted[96];
  if (!shown) {
    snprintf(quoted, sizeof quoted, "'%s'", key);
    shown = quoted;
  }
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v) {
    if (!required)
      return GMIX_OK;
    return fail(src, GMIX_EFORMAT, "missing %s", shown);
  }
  double x = v->valuedouble;
  if (!cJSON_IsNumber(v))
    return fail(src, GMIX_EFORMAT, "%s must be a whole number (got %s)", shown,
                json_kind(v));
  if (!(x >= min) || x != floor(x))
    return fail(src, GMIX_EFORMAT,
                "%s must be a whole number >= %.0f (got %.17g)", shown, min, x);
  if (x > MAX_EXACT_INTEGER || x > (double)SIZE_MAX)
    return fail(src, GMIX_EFORMAT, "%s is too large (%.17g)", shown, x);
  *out = (size_t)x;
  return GMIX_OK;
}

static gmix_status get_count(const source *src, const cJSON *obj,
                             const char *key, double min, int required,
                             size_t *out) {
  return get_count_shown(src, obj, key, NULL, min, required, out);
}

/* A statistic of the fit report: a finite number, or null for "not
 * available" (read as NaN). Optional. */
static gmix_status get_stat(const source *src, const cJSON *fit,
                            const char *key, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(fit, key);
  if (!v)
    return GMIX_OK;
  if (cJSON_IsNull(v)) {
    *out = NAN;
    return GMIX_OK;
  }
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
    return fail(src, GMIX_EFORMAT,
                "'fit.%s' must be a finite number or null (got %s)", key,
                cJSON_IsNumber(v) ? "a non-finite number" : json_kind(v));
  *out = v->valuedouble;
  return GMIX_OK;
}

/* The shape an array of numbers must have, in words: "an array of 3 arrays
 * of 2 numbers". */
static void describe_shape(char *buf, size_t cap, const size_t *shape,
                           int ndim) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < ndim && used < cap; i++) {
    int n = snprintf(
        buf + used, cap - used, "%s%zu %s%s", i ? " of " : "an array of ",
        shape[i], i + 1 < ndim ? "array" : "number", shape[i] == 1 ? "" : "s");
    if (n < 0)
      break;
    used += (size_t)n;
  }
}

/* Walk a nested array of numbers against `shape` (ndim <= 3). With `out`
 * NULL it only checks, so a hostile n_components is refused by comparing
 * it with what the file holds, before anything of that size is allocated;
 * with `out` it also copies the values in row-major order. On a mismatch
 * `where` receives what is wrong ("means[1] has 3 elements"). */
static int walk_array(const cJSON *v, const size_t *shape, int ndim,
                      const char *key, char *path, size_t path_len, double *out,
                      size_t *pos, char *where, size_t cap) {
  if (ndim == 0) {
    if (!cJSON_IsNumber(v)) {
      snprintf(where, cap, "%s%s is %s", key, path, json_kind(v));
      return 0;
    }
    if (!isfinite(v->valuedouble)) {
      snprintf(where, cap, "%s%s is not a finite number", key, path);
      return 0;
    }
    if (out)
      out[*pos] = v->valuedouble;
    (*pos)++;
    return 1;
  }
  if (!cJSON_IsArray(v)) {
    snprintf(where, cap, "%s%s is %s", key, path, json_kind(v));
    return 0;
  }
  size_t n = json_count(v);
  if (n != shape[0]) {
    snprintf(where, cap, "%s%s has %zu element%s", key, path, n,
             n == 1 ? "" : "s");
    return 0;
  }
  size_t i = 0;
  for (const cJSON *c = v->child; c; c = c->next, i++) {
    int len = snprintf(path + path_len, 64, "[%zu]", i);
    if (!walk_array(c, shape + 1, ndim - 1, key, path,
                    path_len + (size_t)(len > 0 ? len : 0), out, pos, where,
                    cap))
      return 0;
  }
  path[path_len] = '\0';
  return 1;
}

/* Check (out NULL) or read (out non-NULL) the array `key` of `obj`. */
static gmix_status get_array(const source *src, const cJSON *obj,
                             const char *key, const size_t *shape, int ndim,
                             double *out) {
  char expected[256], where[256], path[4 * 64];
  describe_shape(expected, sizeof expected, shape, ndim);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v)
    return fail(src, GMIX_EFORMAT, "missing '%s' (%s)", key, expected);
  size_t pos = 0;
  path[0] = '\0';
  if (!walk_array(v, shape, ndim, key, path, 0, out, &pos, where, sizeof where))
    return fail(src, GMIX_EFORMAT, "'%s' must be %s (%s)", key, expected,
                where);
  return GMIX_OK;
}

/* The shapes of the parameter arrays of a K-component, d-feature model. */
typedef struct shapes {
  size_t weights[1], means[2], cov[3];
  int cov_ndim;
} shapes;

static void model_shapes(gmix_covariance_type type, size_t k, size_t d,
                         shapes *s) {
  s->weights[0] = k;
  s->means[0] = k;
  s->means[1] = d;
  s->cov_ndim = (int)gmix_covariance_shape(type, k, d, s->cov, NULL);
}

/* Read "feature_names" (optional: d strings) into a new model. */
static gmix_status read_names(const source *src, const cJSON *root, size_t d,
                              gmix_model *m) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "feature_names");
  if (!v || cJSON_IsNull(v))
    return GMIX_OK;
  if (!cJSON_IsArray(v) || json_count(v) != d)
    return fail(src, GMIX_EFORMAT,
                "'feature_names' must be an array of %zu strings (got %s%s)", d,
                json_kind(v), cJSON_IsArray(v) ? " of another length" : "");
  int overflow = 0;
  const char **names = gmix__malloc_array(d, sizeof *names, &overflow);
  if (!names)
    return fail(src, GMIX_ENOMEM, "out of memory");
  size_t j = 0;
  for (const cJSON *c = v->child; c; c = c->next, j++) {
    if (!cJSON_IsString(c)) {
      gmix__free(names);
      return fail(src, GMIX_EFORMAT, "'feature_names'[%zu] must be a string",
                  j);
    }
    names[j] = c->valuestring;
  }
  gmix_status status = gmix_model_set_feature_names(m, names, NULL);
  gmix__free(names);
  if (status != GMIX_OK)
    return fail(src, status, "cannot set feature names: %s",
                gmix_strerror(status));
  return GMIX_OK;
}

/* Read "fit.reseeds" (optional: files written before it existed have only
 * "n_reseeds") into a new array: every event must name components of a
 * k-component model, a source other than the component, and a known
 * reason. *n receives the count, *out the array (NULL when empty). */
static gmix_status read_reseeds(const source *src, const cJSON *fit, size_t k,
                                gmix_reseed_event **out, size_t *n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(fit, "reseeds");
  *out = NULL;
  *n = 0;
  if (!v || cJSON_IsNull(v))
    return GMIX_OK;
  if (!cJSON_IsArray(v))
    return fail(src, GMIX_EFORMAT, "'fit.reseeds' must be an array (got %s)",
                json_kind(v));
  size_t count = json_count(v);
  if (count == 0)
    return GMIX_OK;
  int overflow = 0;
  gmix_reseed_event *ev = gmix__malloc_array(count, sizeof *ev, &overflow);
  if (!ev)
    return fail(src, GMIX_ENOMEM, "out of memory");
  gmix_status s = GMIX_OK;
  size_t i = 0;
  for (const cJSON *c = v->child; c && s == GMIX_OK; c = c->next, i++) {
    char shown[4][64];
    static const char *const keys[4] = {"init", "iteration", "component",
                                        "source"};
    size_t *fields[4] = {&ev[i].init, &ev[i].iteration, &ev[i].component,
                         &ev[i].source};
    if (!cJSON_IsObject(c)) {
      s = fail(src, GMIX_EFORMAT,
               "'fit.reseeds'[%zu] must be an object (got %s)", i,
               json_kind(c));
      break;
    }
    for (int f = 0; f < 4 && s == GMIX_OK; f++) {
      snprintf(shown[f], sizeof shown[f], "'fit.reseeds'[%zu].%s", i, keys[f]);
      s = get_count_shown(src, c, keys[f], shown[f], 0, 1, fields[f]);
    }
    if (s != GMIX_OK)
      break;
    if (ev[i].component >= k || ev[i].source >= k) {
      s = fail(src, GMIX_EFORMAT, "%s is %zu, but the model has %zu components",
               shown[ev[i].component >= k ? 2 : 3],
               ev[i].component >= k ? ev[i].component : ev[i].source, k);
      break;
    }
    if (ev[i].source == ev[i].component) {
      s = fail(src, GMIX_EFORMAT,
               "'fit.reseeds'[%zu] re-seeds component %zu from itself", i,
               ev[i].component);
      break;
    }
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(c, "reason");
    size_t r = N_RESEED_REASONS;
    if (cJSON_IsString(reason))
      for (r = 0; r < N_RESEED_REASONS; r++)
        if (strcmp(reason->valuestring, reseed_reason_names[r]) == 0)
          break;
    if (r == N_RESEED_REASONS) {
      char got[48];
      if (cJSON_IsString(reason))
        snprintf(got, sizeof got, "'%.32s'", reason->valuestring);
      else
        snprintf(got, sizeof got, "%s", reason ? json_kind(reason) : "nothing");
      s = fail(src, GMIX_EFORMAT,
               "'fit.reseeds'[%zu].reason must be \"empty\" or \"not_pd\" "
               "(got %s)",
               i, got);
      break;
    }
    ev[i].reason = (gmix_reseed_reason)r;
  }
  if (s != GMIX_OK) {
    gmix__free(ev);
    return s;
  }
  *out = ev;
  *n = count;
  return GMIX_OK;
}

/* Read the optional "fit" object into the model's report. Every member is
 * optional (a hand-written file may give only some); those present must
 * have the right type. */
static gmix_status read_fit(const source *src, const cJSON *root,
                            gmix_model *m) {
  const cJSON *fit = cJSON_GetObjectItemCaseSensitive(root, "fit");
  if (!fit || cJSON_IsNull(fit))
    return GMIX_OK;
  if (!cJSON_IsObject(fit))
    return fail(src, GMIX_EFORMAT, "'fit' must be an object (got %s)",
                json_kind(fit));
  gmix_fit_report r;
  memset(&r, 0, sizeof r);
  r.has_fit = 1;
  const cJSON *conv = cJSON_GetObjectItemCaseSensitive(fit, "converged");
  if (conv && !cJSON_IsBool(conv))
    return fail(src, GMIX_EFORMAT, "'fit.converged' must be true or false");
  r.converged = conv ? cJSON_IsTrue(conv) : 0;
  gmix_status s;
  int has_count = cJSON_HasObjectItem(fit, "n_reseeds");
  if ((s = get_count(src, fit, "n_iter", 0, 0, &r.n_iter)) ||
      (s = get_count(src, fit, "n_init", 0, 0, &r.n_init)) ||
      (s = get_count(src, fit, "best_init", 0, 0, &r.best_init)) ||
      (s = get_count(src, fit, "n_samples", 0, 0, &r.n_samples)) ||
      (s = get_count(src, fit, "n_reseeds", 0, 0, &r.n_reseeds)) ||
      (s = get_count(src, fit, "n_mstep_unconverged", 0, 0,
                     &r.n_mstep_unconverged)) ||
      (s = get_stat(src, fit, "lower_bound", &r.lower_bound)) ||
      (s = get_stat(src, fit, "log_likelihood", &r.log_likelihood)) ||
      (s = get_stat(src, fit, "sum_weights", &r.sum_weights)) ||
      (s = get_stat(src, fit, "seconds", &r.seconds)))
    return s;

  const cJSON *rs = cJSON_GetObjectItemCaseSensitive(fit, "reseeds");
  if (has_count && rs && cJSON_IsArray(rs) && json_count(rs) != r.n_reseeds)
    return fail(src, GMIX_EFORMAT,
                "'fit.reseeds' lists %zu events but 'fit.n_reseeds' is %zu",
                json_count(rs), r.n_reseeds);

  const cJSON *h = cJSON_GetObjectItemCaseSensitive(fit, "history");
  size_t n_history = 0;
  double *history = NULL;
  if (h && !cJSON_IsNull(h)) {
    if (!cJSON_IsArray(h))
      return fail(src, GMIX_EFORMAT, "'fit.history' must be an array (got %s)",
                  json_kind(h));
    n_history = json_count(h);
    int overflow = 0;
    history = gmix__malloc_array(n_history, sizeof(double), &overflow);
    if (!history)
      return fail(src, GMIX_ENOMEM, "out of memory");
    size_t i = 0;
    for (const cJSON *c = h->child; c; c = c->next, i++) {
      if (cJSON_IsNull(c)) {
        history[i] = NAN;
      } else if (cJSON_IsNumber(c) && isfinite(c->valuedouble)) {
        history[i] = c->valuedouble;
      } else {
        gmix__free(history);
        return fail(src, GMIX_EFORMAT,
                    "'fit.history'[%zu] must be a finite number (got %s)", i,
                    json_kind(c));
      }
    }
  }
  gmix_reseed_event *reseeds = NULL;
  size_t n_reseeds = 0;
  s = read_reseeds(src, fit, m->k, &reseeds, &n_reseeds);
  if (s != GMIX_OK) {
    gmix__free(history);
    return s;
  }
  if (!has_count)
    r.n_reseeds = n_reseeds;
  s = gmix__model_set_report(m, &r, history, n_history);
  gmix__free(history);
  if (s != GMIX_OK) {
    gmix__free(reseeds);
    return fail(src, s, "cannot attach the fit report: %s", gmix_strerror(s));
  }
  /* The model is new: it holds no events yet. */
  m->reseeds = reseeds;
  m->n_reseeds = n_reseeds;
  return GMIX_OK;
}

/* The optional decomposition of mclust's ten models, as written: it
 * replaces the one gmix_model_create computed from the matrices, so that
 * a round trip is exact. */
static gmix_status read_decomposition(const source *src, const cJSON *root,
                                      gmix_model *m) {
  const cJSON *dec = cJSON_GetObjectItemCaseSensitive(root, "decomposition");
  if (!dec || cJSON_IsNull(dec) ||
      !gmix_model_decomposition(m, NULL, NULL, NULL))
    return GMIX_OK;
  if (!cJSON_IsObject(dec))
    return fail(src, GMIX_EFORMAT, "'decomposition' must be an object (got %s)",
                json_kind(dec));
  size_t k = m->k, d = m->d, sk[1] = {k}, ss[2] = {k, d}, so[3] = {k, d, d};
  gmix_status s;
  if ((s = get_array(src, dec, "scale", sk, 1, NULL)) ||
      (s = get_array(src, dec, "shape", ss, 2, NULL)) ||
      (s = get_array(src, dec, "orientation", so, 3, NULL)))
    return s;
  double *v = gmix__malloc((k + k * d + k * d * d) * sizeof *v);
  if (!v)
    return fail(src, GMIX_ENOMEM, "out of memory");
  get_array(src, dec, "scale", sk, 1, v);
  get_array(src, dec, "shape", ss, 2, v + k);
  get_array(src, dec, "orientation", so, 3, v + k + k * d);
  gmix__model_set_decomposition(m, v, v + k, v + k + k * d);
  gmix__free(v);
  return GMIX_OK;
}

/* Build a model from a parsed document. Everything is checked against the
 * header fields before anything of their size is allocated; the
 * mathematical checks (weights summing to one, positive definite
 * covariances) are gmix_model_create's, whose message names the
 * component. */
static gmix_status build_model(const source *src, const cJSON *root,
                               gmix_model **out) {
  if (!cJSON_IsObject(root))
    return fail(src, GMIX_EFORMAT,
                "not a gmix model: the top level is %s, not an object",
                json_kind(root));
  const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
  if (!format)
    return fail(src, GMIX_EFORMAT, "not a gmix model: no 'format' key");
  if (!cJSON_IsString(format) ||
      strcmp(format->valuestring, MODEL_FORMAT_NAME) != 0) {
    if (cJSON_IsString(format))
      return fail(src, GMIX_EFORMAT, "not a gmix model: format is '%.64s'",
                  format->valuestring);
    return fail(src, GMIX_EFORMAT, "not a gmix model: format is %s",
                json_kind(format));
  }
  size_t version = 0, k = 0, d = 0;
  gmix_status s;
  if ((s = get_count(src, root, "version", 1, 1, &version)))
    return s;
  if (version > MODEL_FORMAT_VERSION)
    return fail(src, GMIX_EFORMAT,
                "model version %zu is newer than this gmix reads (%d)", version,
                MODEL_FORMAT_VERSION);

  const cJSON *ct = cJSON_GetObjectItemCaseSensitive(root, "covariance_type");
  gmix_covariance_type type;
  if (!ct)
    return fail(src, GMIX_EFORMAT, "missing 'covariance_type'");
  if (!cJSON_IsString(ct))
    return fail(src, GMIX_EFORMAT,
                "'covariance_type' must be a string naming a covariance "
                "type (got %s)",
                json_kind(ct));
  gmix_error perr;
  if (gmix_covariance_type_parse(ct->valuestring, &type, &perr) != GMIX_OK)
    return fail(src, GMIX_EFORMAT, "'covariance_type': %s", perr.message);
  if ((s = get_count(src, root, "n_components", 1, 1, &k)) ||
      (s = get_count(src, root, "n_features", 1, 1, &d)))
    return s;
  size_t n_means, n_cov = gmix_covariance_size(type, k, d);
  if (n_cov == 0 || !gmix__mul(k, d, &n_means))
    return fail(src, GMIX_EFORMAT,
                "n_components %zu and n_features %zu are too large", k, d);

  shapes sh;
  model_shapes(type, k, d, &sh);
  if ((s = get_array(src, root, "weights", sh.weights, 1, NULL)) ||
      (s = get_array(src, root, "means", sh.means, 2, NULL)) ||
      (s = get_array(src, root, "covariances", sh.cov, sh.cov_ndim, NULL)))
    return s;

  /* The arrays hold K, K*d and n_cov numbers, so these sizes are bounded by
   * the length of the text. */
  double *weights = gmix__malloc(k * sizeof(double));
  double *means = gmix__malloc(n_means * sizeof(double));
  double *cov = gmix__malloc(n_cov * sizeof(double));
  gmix_model *m = NULL;
  if (!weights || !means || !cov) {
    s = fail(src, GMIX_ENOMEM, "out of memory");
    goto done;
  }
  get_array(src, root, "weights", sh.weights, 1, weights);
  get_array(src, root, "means", sh.means, 2, means);
  get_array(src, root, "covariances", sh.cov, sh.cov_ndim, cov);

  gmix_error cerr;
  cerr.message[0] = '\0';
  s = gmix_model_create(type, k, d, weights, means, cov, &m, &cerr);
  if (s != GMIX_OK) {
    /* Bad weights or values are a defect of the file; a covariance that is
     * not positive definite keeps its own status, as the header says. */
    if (s != GMIX_ENOMEM && s != GMIX_ENOTPD)
      s = GMIX_EFORMAT;
    s = fail(src, s, "%s", cerr.message);
    goto done;
  }
  if ((s = read_decomposition(src, root, m)) ||
      (s = read_names(src, root, d, m)) || (s = read_fit(src, root, m)))
    goto done;
  *out = m;
  m = NULL;
done:
  gmix_model_free(m);
  gmix__free(weights);
  gmix__free(means);
  gmix__free(cov);
  return s;
}

/* Whether the text stops inside a string or with brackets left open: the
 * signature of a file cut short, which deserves that name rather than the
 * position where cJSON gave up. */
static int looks_truncated(const char *text, size_t len) {
  size_t depth = 0;
  int in_string = 0, escaped = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = 0;
      else if (c == '\\')
        escaped = 1;
      else if (c == '"')
        in_string = 0;
    } else if (c == '"') {
      in_string = 1;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
    }
  }
  return in_string || depth > 0;
}

/* Parse JSON text of `len` bytes (NUL-terminated at text[len]) into a
 * model. cJSON returns NULL both for bad syntax and when an allocation
 * fails; a one-byte allocation through cJSON's own allocator tells the two
 * apart (when memory is exhausted it fails too). */
static gmix_status parse_model(const source *src, const char *text, size_t len,
                               gmix_model **out) {
  size_t start = 0;
  while (start < len && strchr(" \t\r\n", text[start]))
    start++;
  if (start == len)
    return fail(src, GMIX_EFORMAT, "empty model file (no JSON text)");
  const char *nul = memchr(text, '\0', len);
  if (nul)
    return fail(src, GMIX_EFORMAT, "invalid JSON: a NUL byte at byte %zu",
                (size_t)(nul - text));

  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (!root) {
    void *probe = cJSON_malloc(1);
    if (!probe)
      return fail(src, GMIX_ENOMEM, "out of memory parsing the model");
    cJSON_free(probe);
    size_t pos =
        end && end >= text && end <= text + len ? (size_t)(end - text) : len;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos; i++) {
      if (text[i] == '\n')
        line++, col = 1;
      else
        col++;
    }
    if (pos >= len || looks_truncated(text, len))
      return fail(src, GMIX_EFORMAT,
                  "invalid JSON: the text ends at byte %zu (line %zu) before "
                  "the document is complete (truncated?)",
                  len, line);
    return fail(src, GMIX_EFORMAT,
                "invalid JSON near byte %zu (line %zu, column %zu)", pos, line,
                col);
  }
  gmix_status s = build_model(src, root, out);
  cJSON_Delete(root);
  return s;
}

gmix_status gmix_model_from_json(const char *json, gmix_model **out,
                                 gmix_error *err) {
  source src = {NULL, err};
  if (!json)
    return gmix__null_argument(err, "json");
  if (!out)
    return gmix__null_argument(err, "out");
  return parse_model(&src, json, strlen(json), out);
}

/* Read a whole file into a NUL-terminated buffer. */
static gmix_status read_file(const source *src, const char *path, char **text,
                             size_t *len) {
  char why[GMIX__ERRNO_TEXT_SIZE];
  FILE *f = fopen(path, "rb");
  if (!f) {
    gmix__errno_text(errno, why, sizeof why);
    return fail(src, GMIX_EIO, "cannot open model file: %s", why);
  }
  size_t cap = 4096, n = 0;
  char *buf = gmix__malloc(cap);
  if (!buf) {
    fclose(f);
    return fail(src, GMIX_ENOMEM, "out of memory reading the model");
  }
  for (;;) {
    if (cap - n < 2) {
      if (cap > SIZE_MAX / 2) {
        gmix__free(buf);
        fclose(f);
        return fail(src, GMIX_EOVERFLOW, "model file too large");
      }
      char *p = gmix__realloc(buf, cap * 2);
      if (!p) {
        gmix__free(buf);
        fclose(f);
        return fail(src, GMIX_ENOMEM, "out of memory reading the model");
      }
      buf = p;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
  }
  int bad = ferror(f);
  int e = errno;
  fclose(f);
  if (bad) {
    gmix__free(buf);
    gmix__errno_text(e, why, sizeof why);
    return fail(src, GMIX_EIO, "cannot read model file: %s", why);
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return GMIX_OK;
}

gmix_status gmix_model_load(const char *path, gmix_model **out,
                            gmix_error *err) {
  source src = {path, err};
  if (!path)
    return gmix__null_argument(err, "path");
  if (!out)
    return gmix__null_argument(err, "out");
  char *text = NULL;
  size_t len = 0;
  gmix_status s = read_file(&src, path, &text, &len);
  if (s != GMIX_OK)
    return s;
  s = parse_model(&src, text, len, out);
  gmix__free(text);
  return s;
}
