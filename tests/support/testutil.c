/*
 * testutil.c -- see testutil.h.
 */
#include "testutil.h"

#include "cov.h" /* the registry of covariance models */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registry holds few models; this many covers them with room. */
#define TU_MAX_TYPES 64

size_t tu_ntypes(void) {
  size_t n;
  gmix__cov_models(&n);
  assert_true(n <= TU_MAX_TYPES);
  return n;
}

const gmix_covariance_type *tu_type_list(void) {
  static gmix_covariance_type list[TU_MAX_TYPES];
  size_t n;
  const gmix__cov_model *const *all = gmix__cov_models(&n);
  for (size_t i = 0; i < n && i < TU_MAX_TYPES; i++)
    list[i] = all[i]->type;
  return list;
}

/* ---- checks */

static void vcontext(char *buf, size_t size, const char *fmt, va_list ap) {
  if (fmt && *fmt)
    vsnprintf(buf, size, fmt, ap);
  else
    buf[0] = '\0';
}

void tu_check_near(double actual, double expected, double tol, const char *expr,
                   const char *file, int line, const char *fmt, ...) {
  double diff = fabs(actual - expected);
  if (diff <= tol)
    return; /* NaN on either side fails: the comparison is false */
  char ctx[512];
  va_list ap;
  va_start(ap, fmt);
  vcontext(ctx, sizeof ctx, fmt, ap);
  va_end(ap);
  print_error("%s: %s\n  actual   %.17g\n  expected %.17g\n  |diff| %.3g > "
              "tol %.3g (%.3g ulps of expected)\n",
              ctx, expr, actual, expected, diff, tol,
              expected != 0 ? diff / (fabs(expected) * TU_EPS) : diff);
  _fail(file, line);
}

void tu_check_status(gmix_status actual, gmix_status expected,
                     const gmix_error *err, const char *expr, const char *file,
                     int line) {
  if (actual == expected)
    return;
  print_error("%s\n  returned %d (%s)\n  expected %d (%s)\n  message: %s\n",
              expr, (int)actual, gmix_strerror(actual), (int)expected,
              gmix_strerror(expected),
              err && actual != GMIX_OK ? err->message : "(none)");
  _fail(file, line);
}

void tu_check_true(int cond, const char *expr, const char *file, int line,
                   const char *fmt, ...) {
  if (cond)
    return;
  char ctx[512];
  va_list ap;
  va_start(ap, fmt);
  vcontext(ctx, sizeof ctx, fmt, ap);
  va_end(ap);
  print_error("%s: check failed: %s\n", ctx, expr);
  _fail(file, line);
}

/* ---- random numbers */

void tu_rng_seed(tu_rng *r, uint64_t seed) {
  r->s = seed * 0x9E3779B97F4A7C15u + 0x632BE59BD9B4E019u;
}

uint64_t tu_rng_next(tu_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

double tu_uniform(tu_rng *r) {
  return (double)(tu_rng_next(r) >> 11) * 0x1.0p-53;
}

double tu_uniform_in(tu_rng *r, double a, double b) {
  return a + (b - a) * tu_uniform(r);
}

double tu_normal(tu_rng *r) {
  /* Box-Muller; 1 - u keeps the logarithm's argument in (0, 1]. */
  double u = 1.0 - tu_uniform(r), v = tu_uniform(r);
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- data files */

const char *tu_example_path(const char *name) {
  static char path[1024];
  snprintf(path, sizeof path, "%s/%s", GMIX_EXAMPLES_DIR, name);
  return path;
}

double *tu_read_csv(const char *name, size_t *n, size_t *d) {
  const char *path = tu_example_path(name);
  FILE *f = fopen(path, "r");
  if (!f) {
    print_error("cannot open %s\n", path);
    fail();
  }
  size_t cap = 1024, len = 0, rows = 0, cols = 0;
  double *x = malloc(cap * sizeof *x);
  char line[4096];
  int first = 1;
  assert_non_null(x);
  while (fgets(line, sizeof line, f)) {
    size_t c = 0;
    char *p = line;
    if (strspn(line, " \t\r\n") == strlen(line))
      continue;
    for (;;) {
      char *end;
      double v = strtod(p, &end);
      if (end == p)
        break;
      if (len == cap) {
        cap *= 2;
        x = realloc(x, cap * sizeof *x);
        assert_non_null(x);
      }
      x[len++] = v;
      c++;
      p = end;
      while (*p == ' ')
        p++;
      if (*p != ',')
        break;
      p++;
    }
    if (c == 0 && first) { /* a header line */
      first = 0;
      continue;
    }
    first = 0;
    if (cols == 0)
      cols = c;
    if (c != cols) {
      print_error("%s: row %zu has %zu values, expected %zu\n", path, rows + 1,
                  c, cols);
      fail();
    }
    rows++;
  }
  fclose(f);
  *n = rows;
  *d = cols;
  return x;
}

/* ---- linear algebra */

int tu_cholesky(const double *a, size_t d, double *l) {
  memset(l, 0, d * d * sizeof *l);
  for (size_t j = 0; j < d; j++) {
    double s = a[j * d + j];
    for (size_t p = 0; p < j; p++)
      s -= l[j * d + p] * l[j * d + p];
    if (!(s > 0))
      return -1;
    double ljj = sqrt(s);
    l[j * d + j] = ljj;
    for (size_t i = j + 1; i < d; i++) {
      double t = a[i * d + j];
      for (size_t p = 0; p < j; p++)
        t -= l[i * d + p] * l[j * d + p];
      l[i * d + j] = t / ljj;
    }
  }
  return 0;
}

int tu_spd_inverse(const double *a, size_t d, double *inv) {
  double *l = malloc(d * d * sizeof *l), *y = malloc(d * sizeof *y);
  assert_non_null(l);
  assert_non_null(y);
  int rc = tu_cholesky(a, d, l);
  for (size_t c = 0; rc == 0 && c < d; c++) {
    /* Solve L y = e_c, then L^T z = y; z is column c of the inverse. */
    for (size_t i = 0; i < d; i++) {
      double s = i == c ? 1.0 : 0.0;
      for (size_t p = 0; p < i; p++)
        s -= l[i * d + p] * y[p];
      y[i] = s / l[i * d + i];
    }
    for (size_t i = d; i-- > 0;) {
      double s = y[i];
      for (size_t p = i + 1; p < d; p++)
        s -= l[p * d + i] * inv[p * d + c];
      inv[i * d + c] = s / l[i * d + i];
    }
  }
  free(l);
  free(y);
  return rc;
}

void tu_matmul(const double *a, const double *b, size_t d, double *c) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) {
      double s = 0;
      for (size_t p = 0; p < d; p++)
        s += a[i * d + p] * b[p * d + j];
      c[i * d + j] = s;
    }
}

void tu_random_spd(tu_rng *r, size_t d, double lo, double hi, double *out) {
  double v[16], lam[16], vv = 0;
  assert_true(d <= 16);
  for (size_t i = 0; i < d; i++) {
    v[i] = tu_normal(r);
    vv += v[i] * v[i];
    lam[i] = tu_uniform_in(r, lo, hi);
  }
  /* Q = I - 2 v v^T / v^T v is orthogonal and symmetric. */
  double q[256];
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      q[i * d + j] = (i == j ? 1.0 : 0.0) - 2.0 * v[i] * v[j] / vv;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++) {
      double s = 0;
      for (size_t p = 0; p < d; p++)
        s += q[i * d + p] * lam[p] * q[j * d + p];
      out[i * d + j] = out[j * d + i] = s;
    }
}

void tu_expand_covariances(gmix_covariance_type type, size_t k, size_t d,
                           const double *cov, double *out) {
  memset(out, 0, k * d * d * sizeof *out);
  for (size_t c = 0; c < k; c++) {
    double *o = out + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++) {
        switch (type) {
        case GMIX_COV_FULL:
          o[i * d + j] = cov[c * d * d + i * d + j];
          break;
        case GMIX_COV_TIED:
          o[i * d + j] = cov[i * d + j];
          break;
        case GMIX_COV_DIAG:
          o[i * d + j] = i == j ? cov[c * d + i] : 0.0;
          break;
        case GMIX_COV_SPHERICAL:
          o[i * d + j] = i == j ? cov[c] : 0.0;
          break;
        default: /* mclust's other ten: one full matrix per component */
          o[i * d + j] = cov[c * d * d + i * d + j];
          break;
        }
      }
  }
}

double tu_log_gauss(const double *x, const double *mu, const double *s,
                    size_t d) {
  double l[256], z[16], logdet = 0, q = 0;
  assert_true(d <= 16);
  assert_int_equal(tu_cholesky(s, d, l), 0);
  for (size_t i = 0; i < d; i++) {
    double t = x[i] - mu[i];
    for (size_t p = 0; p < i; p++)
      t -= l[i * d + p] * z[p];
    z[i] = t / l[i * d + i];
    q += z[i] * z[i];
    logdet += 2.0 * log(l[i * d + i]);
  }
  return -0.5 * (double)d * TU_LOG_2PI - 0.5 * logdet - 0.5 * q;
}

double tu_log_mixture(size_t k, size_t d, const double *w, const double *mu,
                      const double *full, const double *x, double *log_k) {
  double mx = -INFINITY, s = 0;
  for (size_t c = 0; c < k; c++) {
    log_k[c] = log(w[c]) + tu_log_gauss(x, mu + c * d, full + c * d * d, d);
    if (log_k[c] > mx)
      mx = log_k[c];
  }
  for (size_t c = 0; c < k; c++)
    s += exp(log_k[c] - mx);
  return mx + log(s);
}

void tu_random_params(tu_rng *r, gmix_covariance_type type, size_t k, size_t d,
                      double lo, double hi, double *w, double *mu,
                      double *cov) {
  double sw = 0;
  for (size_t c = 0; c < k; c++) {
    w[c] = tu_uniform_in(r, 0.5, 1.5);
    sw += w[c];
  }
  for (size_t c = 0; c < k; c++)
    w[c] /= sw;
  for (size_t i = 0; i < k * d; i++)
    mu[i] = tu_uniform_in(r, -3, 3);
  switch (type) {
  case GMIX_COV_FULL:
    for (size_t c = 0; c < k; c++)
      tu_random_spd(r, d, lo, hi, cov + c * d * d);
    break;
  case GMIX_COV_TIED:
    tu_random_spd(r, d, lo, hi, cov);
    break;
  case GMIX_COV_DIAG:
    for (size_t i = 0; i < k * d; i++)
      cov[i] = tu_uniform_in(r, lo, hi);
    break;
  case GMIX_COV_SPHERICAL:
    for (size_t c = 0; c < k; c++)
      cov[c] = tu_uniform_in(r, lo, hi);
    break;
  default: /* mclust's other ten store full matrices; any SPD is a model */
    for (size_t c = 0; c < k; c++)
      tu_random_spd(r, d, lo, hi, cov + c * d * d);
    break;
  }
}

void tu_precisions_of(gmix_covariance_type type, size_t k, size_t d,
                      const double *cov, double *prec) {
  switch (type) {
  case GMIX_COV_FULL:
    for (size_t c = 0; c < k; c++)
      assert_int_equal(tu_spd_inverse(cov + c * d * d, d, prec + c * d * d), 0);
    break;
  case GMIX_COV_TIED:
    assert_int_equal(tu_spd_inverse(cov, d, prec), 0);
    break;
  case GMIX_COV_DIAG:
    for (size_t i = 0; i < k * d; i++)
      prec[i] = 1.0 / cov[i];
    break;
  case GMIX_COV_SPHERICAL:
    for (size_t c = 0; c < k; c++)
      prec[c] = 1.0 / cov[c];
    break;
  default: /* mclust's other ten: full matrices */
    for (size_t c = 0; c < k; c++)
      assert_int_equal(tu_spd_inverse(cov + c * d * d, d, prec + c * d * d), 0);
    break;
  }
}

void tu_sample_mixture(tu_rng *r, size_t k, size_t d, const double *w,
                       const double *mu, const double *full, size_t n,
                       double *x, size_t *labels) {
  double *l = malloc(k * d * d * sizeof *l);
  assert_non_null(l);
  for (size_t c = 0; c < k; c++)
    assert_int_equal(tu_cholesky(full + c * d * d, d, l + c * d * d), 0);
  for (size_t i = 0; i < n; i++) {
    double u = tu_uniform(r), acc = 0;
    size_t c = k - 1;
    for (size_t j = 0; j < k; j++) {
      acc += w[j];
      if (u < acc) {
        c = j;
        break;
      }
    }
    double z[16];
    for (size_t j = 0; j < d; j++)
      z[j] = tu_normal(r);
    for (size_t j = 0; j < d; j++) {
      double s = mu[c * d + j];
      for (size_t p = 0; p <= j; p++)
        s += l[c * d * d + j * d + p] * z[p];
      x[i * d + j] = s;
    }
    if (labels)
      labels[i] = c;
  }
  free(l);
}

int tu_all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i]))
      return 0;
  return 1;
}

void tu_check_model_finite(const gmix_model *m, const char *what) {
  size_t k = gmix_model_n_components(m), d = gmix_model_n_features(m);
  gmix_covariance_type type = gmix_model_covariance_type(m);
  size_t nc = gmix_covariance_size(type, k, d), n = nc > k * d ? nc : k * d;
  double *buf = malloc(n * sizeof *buf), sum = 0;
  assert_non_null(buf);
  gmix_model_weights(m, buf);
  for (size_t c = 0; c < k; c++) {
    TU_TRUE(isfinite(buf[c]) && buf[c] >= 0, "%s: weight %zu = %g", what, c,
            buf[c]);
    sum += buf[c];
  }
  /* Normalised weights: K roundings of half an ulp each, with margin. */
  TU_NEAR(sum, 1.0, 4 * (double)k * TU_EPS, "%s: weights sum", what);
  gmix_model_means(m, buf);
  TU_TRUE(tu_all_finite(buf, k * d), "%s: means not finite", what);
  gmix_model_covariances(m, buf);
  TU_TRUE(tu_all_finite(buf, nc), "%s: covariances not finite", what);
  gmix_model_precisions(m, buf);
  TU_TRUE(tu_all_finite(buf, nc), "%s: precisions not finite", what);
  gmix_model_precisions_cholesky(m, buf);
  TU_TRUE(tu_all_finite(buf, nc), "%s: precision factors not finite", what);
  free(buf);
}
