/*
 * bench_gmix.c -- the gmix side of the benchmark (`make bench`).
 *
 * One program with a few subcommands, each printing one JSON object on
 * standard output so that run_bench.py can collect them. Every case runs in
 * its own process, so the peak RSS it reports belongs to that case alone.
 *
 *   bench_gmix info
 *       gmix version and the OpenBLAS this process loaded (core name,
 *       build configuration, threading model, file).
 *   bench_gmix dgemm SIZE THREADS REPEATS
 *       the machine's DGEMM rate: cblas_dgemm on SIZE x SIZE squares from
 *       the same OpenBLAS that libgmix uses, THREADS threads, median GFLOP/s.
 *   bench_gmix gen DIR N D K SEED
 *       draw N rows from a random K-component full-covariance mixture in D
 *       dimensions and write DIR/x.npy, plus the common starting point:
 *       DIR/weights.npy, DIR/means.npy and DIR/prec_TYPE.npy per type.
 *   bench_gmix em DIR TYPE ITERS THREADS REPEATS
 *       time ITERS EM iterations (tol 0) from the starting point.
 *   bench_gmix init DIR K THREADS REPEATS
 *       time the k-means initialisation: gmix_em_start, which runs
 *       k-means++ and Lloyd and builds the first parameters (as
 *       scikit-learn's KMeans plus its first estimate); the start's
 *       log-likelihood is computed outside the timing.
 *
 * The generator is the benchmark's own (splitmix64 and the polar method),
 * so the data do not depend on the library under test.
 */
#include "bench_common.h"

#include <cblas.h>
#include <gmix.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a seeded generator of our own ------------------------------------ */

typedef struct rng {
  uint64_t state;
  int has_spare;
  double spare;
} rng;

static uint64_t rng_next(rng *r) {
  uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform on [0, 1) with 53 random bits. */
static double rng_uniform(rng *r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal by the polar method; the second value is kept. */
static double rng_normal(rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  double u, v, s;
  do {
    u = 2.0 * rng_uniform(r) - 1.0;
    v = 2.0 * rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double f = sqrt(-2.0 * log(s) / s);
  r->spare = v * f;
  r->has_spare = 1;
  return u * f;
}

/* ---- small utilities --------------------------------------------------- */

static void die(const char *what) {
  fprintf(stderr, "bench_gmix: %s\n", what);
  exit(1);
}

static size_t parse_size(const char *s, const char *name) {
  char *end;
  double v = strtod(s, &end); /* accepts 1e6 as well as 1000000 */
  if (end == s || *end != '\0' || v < 0 || v != floor(v)) {
    fprintf(stderr, "bench_gmix: %s must be a whole number, not '%s'\n", name,
            s);
    exit(2);
  }
  return (size_t)v;
}

/* As parse_size, for counts that must be at least one. */
static size_t parse_count(const char *s, const char *name) {
  size_t v = parse_size(s, name);
  if (v == 0) {
    fprintf(stderr, "bench_gmix: %s must be at least 1\n", name);
    exit(2);
  }
  return v;
}

static void *xmalloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    die("size overflow");
  void *p = malloc(n * size > 0 ? n * size : 1);
  if (!p)
    die("out of memory");
  return p;
}

/* Print s as a JSON string literal. */
static void json_string(const char *s) {
  putchar('"');
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      printf("\\u%04x", (unsigned)(unsigned char)*s);
    else
      putchar(*s);
  }
  putchar('"');
}

static void json_array(const double *v, size_t n) {
  putchar('[');
  for (size_t i = 0; i < n; i++)
    printf("%s%.6g", i ? ", " : "", v[i]);
  putchar(']');
}

/* The file of the OpenBLAS library mapped into this process, from
 * /proc/self/maps (Linux), so the report says which flavour was loaded. */
static void openblas_file(char *buf, size_t cap) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[1024];
  snprintf(buf, cap, "unknown");
  if (!f)
    return;
  while (fgets(line, sizeof line, f)) {
    char *p = strchr(line, '/');
    if (p && strstr(p, "/libopenblas")) {
      p[strcspn(p, "\n")] = '\0';
      snprintf(buf, cap, "%s", p);
      break;
    }
  }
  fclose(f);
}

static const char *parallel_name(int p) {
  return p == 0 ? "sequential" : p == 1 ? "pthreads" : p == 2 ? "openmp" : "?";
}

/* ---- info and dgemm ---------------------------------------------------- */

static int cmd_info(void) {
  char file[512];
  openblas_file(file, sizeof file);
  printf("{\"gmix_version\": ");
  json_string(gmix_version());
  printf(", \"openblas_corename\": ");
  json_string(openblas_get_corename());
  printf(", \"openblas_config\": ");
  json_string(openblas_get_config());
  printf(", \"openblas_parallel\": ");
  json_string(parallel_name(openblas_get_parallel()));
  printf(", \"openblas_threads\": %d, \"openblas_file\": ",
         openblas_get_num_threads());
  json_string(file);
  printf("}\n");
  return 0;
}

static int cmd_dgemm(size_t n, size_t threads, size_t repeats) {
  double *a = xmalloc(n * n, sizeof *a), *b = xmalloc(n * n, sizeof *b),
         *c = xmalloc(n * n, sizeof *c), *rate = xmalloc(repeats, sizeof *rate);
  rng r = {42, 0, 0.0};
  for (size_t i = 0; i < n * n; i++) {
    a[i] = rng_uniform(&r);
    b[i] = rng_uniform(&r);
    c[i] = 0.0;
  }
  openblas_set_num_threads((int)threads);
  const int ni = (int)n;
  /* One untimed call starts the threads and touches the pages. */
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0, a, ni,
              b, ni, 0.0, c, ni);
  for (size_t rep = 0; rep < repeats; rep++) {
    double t0 = bench_now();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0, a,
                ni, b, ni, 0.0, c, ni);
    double t = bench_now() - t0;
    rate[rep] = 2.0 * (double)n * (double)n * (double)n / t / 1e9;
  }
  printf("{\"size\": %zu, \"threads\": %zu, \"gflops_runs\": ", n, threads);
  json_array(rate, repeats);
  printf(", \"gflops\": %.4g, \"openblas_corename\": ",
         bench_median(rate, repeats));
  json_string(openblas_get_corename());
  printf(", \"check\": %.17g}\n", c[n * n / 2]);
  free(a);
  free(b);
  free(c);
  free(rate);
  return 0;
}

/* ---- data and starting point ------------------------------------------- */

/*
 * The true model: weights proportional to 1 + U(0,1), means N(0, 3^2 I) so
 * that components overlap a little in low dimensions, and covariances
 * L L^T with L lower triangular, diagonal 0.5 + U(0,1) and off-diagonal
 * N(0, 0.25/d), so the "full" structure is real. The starting point is
 * what a simple user would pick: equal weights, K distinct random rows as
 * means, and every component's precision the inverse of the data's
 * per-feature variance (as a diagonal matrix for full and tied, its mean
 * for spherical). It is far from the optimum, so the timed iterations do
 * real work.
 */
static int cmd_gen(const char *dir, size_t n, size_t d, size_t k,
                   uint64_t seed) {
  double t0 = bench_now();
  rng r = {seed, 0, 0.0};
  double *w = xmalloc(k, sizeof *w), *cum = xmalloc(k, sizeof *cum);
  double *mu = xmalloc(k * d, sizeof *mu), *l = xmalloc(k * d * d, sizeof *l);
  double total = 0.0;
  for (size_t c = 0; c < k; c++) {
    w[c] = 1.0 + rng_uniform(&r);
    total += w[c];
    for (size_t j = 0; j < d; j++)
      mu[c * d + j] = 3.0 * rng_normal(&r);
    double *lc = l + c * d * d;
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++)
        lc[i * d + j] = j < i    ? 0.5 / sqrt((double)d) * rng_normal(&r)
                        : j == i ? 0.5 + rng_uniform(&r)
                                 : 0.0;
  }
  for (size_t c = 0; c < k; c++)
    cum[c] = (c ? cum[c - 1] : 0.0) + w[c] / total;
  cum[k - 1] = 1.0;

  double *x = xmalloc(n * d, sizeof *x), *z = xmalloc(d, sizeof *z);
  for (size_t i = 0; i < n; i++) {
    double u = rng_uniform(&r);
    size_t c = 0;
    while (c + 1 < k && u >= cum[c])
      c++;
    for (size_t j = 0; j < d; j++)
      z[j] = rng_normal(&r);
    const double *lc = l + c * d * d;
    double *xi = x + i * d;
    for (size_t a = 0; a < d; a++) {
      double s = mu[c * d + a];
      for (size_t b = 0; b <= a; b++)
        s += lc[a * d + b] * z[b];
      xi[a] = s;
    }
  }

  /* Per-feature variance of the data, two-pass. */
  double *mean = xmalloc(d, sizeof *mean), *var = xmalloc(d, sizeof *var);
  for (size_t j = 0; j < d; j++)
    mean[j] = var[j] = 0.0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      mean[j] += x[i * d + j];
  for (size_t j = 0; j < d; j++)
    mean[j] /= (double)n;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      double e = x[i * d + j] - mean[j];
      var[j] += e * e;
    }
  double mean_var = 0.0;
  for (size_t j = 0; j < d; j++) {
    var[j] /= (double)n;
    mean_var += var[j] / (double)d;
  }

  /* Start: K distinct row indices (rejection; K is far below N). */
  double *w0 = xmalloc(k, sizeof *w0), *m0 = xmalloc(k * d, sizeof *m0);
  size_t *rows = xmalloc(k, sizeof *rows);
  for (size_t c = 0; c < k; c++) {
    int dup;
    do {
      rows[c] = (size_t)(rng_uniform(&r) * (double)n);
      dup = 0;
      for (size_t e = 0; e < c; e++)
        dup |= rows[e] == rows[c];
    } while (dup);
    w0[c] = 1.0 / (double)k;
    memcpy(m0 + c * d, x + rows[c] * d, d * sizeof *m0);
  }
  double *pf = xmalloc(k * d * d, sizeof *pf), *pt = xmalloc(d * d, sizeof *pt);
  double *pd = xmalloc(k * d, sizeof *pd), *ps = xmalloc(k, sizeof *ps);
  for (size_t i = 0; i < d * d; i++)
    pt[i] = 0.0;
  for (size_t j = 0; j < d; j++)
    pt[j * d + j] = 1.0 / var[j];
  for (size_t c = 0; c < k; c++) {
    memcpy(pf + c * d * d, pt, d * d * sizeof *pf);
    for (size_t j = 0; j < d; j++)
      pd[c * d + j] = 1.0 / var[j];
    ps[c] = 1.0 / mean_var;
  }

  char path[4096];
  size_t shape[3];
  int rc = 0;
  shape[0] = n;
  shape[1] = d;
  bench_path(path, sizeof path, dir, "x.npy");
  rc |= bench_npy_write(path, x, shape, 2);
  shape[0] = k;
  bench_path(path, sizeof path, dir, "weights.npy");
  rc |= bench_npy_write(path, w0, shape, 1);
  bench_path(path, sizeof path, dir, "means.npy");
  rc |= bench_npy_write(path, m0, shape, 2);
  bench_path(path, sizeof path, dir, "prec_spherical.npy");
  rc |= bench_npy_write(path, ps, shape, 1);
  bench_path(path, sizeof path, dir, "prec_diag.npy");
  rc |= bench_npy_write(path, pd, shape, 2);
  shape[2] = d;
  bench_path(path, sizeof path, dir, "prec_full.npy");
  rc |= bench_npy_write(path, pf, shape, 3);
  shape[0] = d;
  bench_path(path, sizeof path, dir, "prec_tied.npy");
  rc |= bench_npy_write(path, pt, shape, 2);
  if (rc)
    die("could not write the data set");

  printf("{\"n\": %zu, \"d\": %zu, \"k\": %zu, \"seed\": %llu, "
         "\"seconds\": %.3f}\n",
         n, d, k, (unsigned long long)seed, bench_now() - t0);
  free(w);
  free(cum);
  free(mu);
  free(l);
  free(x);
  free(z);
  free(mean);
  free(var);
  free(w0);
  free(m0);
  free(rows);
  free(pf);
  free(pt);
  free(pd);
  free(ps);
  return 0;
}

/* ---- EM timing --------------------------------------------------------- */

typedef struct data_set {
  double *x;
  size_t n, d;
} data_set;

static data_set load_x(const char *dir) {
  char path[4096];
  size_t shape[3], ndim;
  data_set s;
  bench_path(path, sizeof path, dir, "x.npy");
  s.x = bench_npy_read(path, shape, &ndim);
  if (!s.x || ndim != 2)
    die("cannot read x.npy");
  s.n = shape[0];
  s.d = shape[1];
  return s;
}

static double *load_param(const char *dir, const char *name, size_t expect) {
  char path[4096];
  size_t shape[3], ndim, total = 1;
  bench_path(path, sizeof path, dir, name);
  double *v = bench_npy_read(path, shape, &ndim);
  if (!v)
    die("cannot read a starting parameter");
  for (size_t a = 0; a < ndim; a++)
    total *= shape[a];
  if (total != expect) {
    fprintf(stderr, "bench_gmix: %s has %zu values, expected %zu\n", path,
            total, expect);
    exit(1);
  }
  return v;
}

/* Per-iteration wall times reported by gmix's own callback. */
typedef struct iter_log {
  double *seconds;
  size_t count, cap;
} iter_log;

static int on_iteration(const gmix_iteration *it, void *user) {
  iter_log *log = user;
  if (log->count < log->cap)
    log->seconds[log->count++] = it->seconds;
  return 0;
}

static void fail_fit(gmix_status st, const gmix_error *err) {
  fprintf(stderr, "bench_gmix: gmix_fit failed: %s: %s\n", gmix_strerror(st),
          err->message);
  exit(1);
}

static int cmd_em(const char *dir, const char *type_name, size_t iters,
                  size_t threads, size_t repeats) {
  gmix_covariance_type type;
  if (gmix_covariance_type_parse(type_name, &type, NULL) != GMIX_OK)
    die("unknown covariance type");
  data_set s = load_x(dir);
  size_t shape[3], ndim;
  char path[4096];
  bench_path(path, sizeof path, dir, "weights.npy");
  double *w0 = bench_npy_read(path, shape, &ndim);
  if (!w0)
    die("cannot read weights.npy");
  size_t k = shape[0];
  double *m0 = load_param(dir, "means.npy", k * s.d);
  char prec_name[64];
  snprintf(prec_name, sizeof prec_name, "prec_%s.npy", type_name);
  double *p0 = load_param(dir, prec_name, gmix_covariance_size(type, k, s.d));

  gmix_options opt;
  gmix_options_init(&opt);
  opt.n_components = k;
  opt.covariance_type = type;
  opt.tol = 0.0; /* never converge: exactly `iters` iterations */
  opt.max_iter = iters;
  opt.n_init = 1;
  opt.init = GMIX_INIT_RANDOM_FROM_DATA; /* overridden by the *_init below */
  opt.threads = threads;
  opt.weights_init = w0;
  opt.means_init = m0;
  opt.precisions_init = p0;
  iter_log log = {xmalloc(iters * repeats, sizeof(double)), 0, iters * repeats};
  opt.callback = on_iteration;
  opt.callback_data = &log;

  double *per_iter = xmalloc(repeats, sizeof *per_iter);
  double *fit_seconds = xmalloc(repeats, sizeof *fit_seconds);
  double first_lb = 0.0, start_lb = 0.0;
  int identical = 1;
  gmix_fit_report rep;
  memset(&rep, 0, sizeof rep);
  for (size_t r = 0; r < repeats; r++) {
    gmix_model *m = NULL;
    gmix_error err;
    double t0 = bench_now();
    gmix_status st = gmix_fit(s.x, s.n, s.d, NULL, &opt, &m, &err);
    double t = bench_now() - t0;
    if (st != GMIX_OK)
      fail_fit(st, &err);
    rep = *gmix_model_report(m);
    /* The first lower bound is the log-likelihood of the start itself. */
    if (gmix_model_history(m, NULL, 0) > 0)
      gmix_model_history(m, &start_lb, 1);
    if (r == 0)
      first_lb = rep.lower_bound;
    else if (memcmp(&first_lb, &rep.lower_bound, sizeof first_lb) != 0)
      identical = 0;
    fit_seconds[r] = t;
    per_iter[r] = t / (double)(rep.n_iter ? rep.n_iter : 1);
    gmix_model_free(m);
  }
  double rss = bench_peak_rss_mib();
  double cb_median = log.count ? bench_median(log.seconds, log.count) : 0.0;

  printf("{\"tool\": \"gmix\", \"n\": %zu, \"d\": %zu, \"k\": %zu, "
         "\"cov\": \"%s\", \"threads\": %zu, \"iters\": %zu, "
         "\"n_iter\": %zu, \"fit_seconds\": ",
         s.n, s.d, k, type_name, threads, iters, rep.n_iter);
  json_array(fit_seconds, repeats);
  printf(", \"sec_per_iter\": %.6g, \"callback_sec_per_iter\": %.6g, "
         "\"lower_bound\": %.17g, \"log_likelihood\": %.17g, "
         "\"first_lower_bound\": %.17g, \"n_reseeds\": %zu, "
         "\"repeat_identical\": %s, "
         "\"peak_rss_mib\": %.1f, \"data_mib\": %.1f}\n",
         bench_median(per_iter, repeats), cb_median, rep.lower_bound,
         rep.log_likelihood, start_lb, rep.n_reseeds,
         identical ? "true" : "false", rss,
         (double)(s.n * s.d * sizeof(double)) / 1048576.0);
  free(s.x);
  free(w0);
  free(m0);
  free(p0);
  free(log.seconds);
  free(per_iter);
  free(fit_seconds);
  return 0;
}

static int cmd_init(const char *dir, size_t k, size_t threads, size_t repeats) {
  data_set s = load_x(dir);
  gmix_options opt;
  gmix_options_init(&opt);
  opt.n_components = k;
  opt.covariance_type = GMIX_COV_FULL;
  opt.n_init = 1;
  opt.init = GMIX_INIT_KMEANS;
  opt.seed = 0;
  opt.threads = threads;
  double *sec = xmalloc(repeats, sizeof *sec);
  double start_ll = 0.0;
  for (size_t r = 0; r < repeats; r++) {
    gmix_em *em = NULL;
    gmix_model *m = NULL;
    gmix_error err;
    double t0 = bench_now();
    gmix_status st = gmix_em_start(s.x, s.n, s.d, NULL, &opt, 0, &em, &err);
    sec[r] = bench_now() - t0;
    if (st == GMIX_OK)
      st = gmix_em_model(em, &m, &err);
    if (st == GMIX_OK)
      st = gmix_score(m, s.x, s.n, s.d, NULL, 0, &start_ll, &err);
    if (st != GMIX_OK)
      fail_fit(st, &err);
    gmix_model_free(m);
    gmix_em_free(em);
  }
  printf("{\"tool\": \"gmix\", \"n\": %zu, \"d\": %zu, \"k\": %zu, "
         "\"threads\": %zu, \"init_seconds_runs\": ",
         s.n, s.d, k, threads);
  json_array(sec, repeats);
  printf(", \"init_seconds\": %.6g, \"log_likelihood\": %.17g, "
         "\"peak_rss_mib\": %.1f}\n",
         bench_median(sec, repeats), start_ll, bench_peak_rss_mib());
  free(s.x);
  free(sec);
  return 0;
}

static void usage(void) {
  fprintf(stderr, "usage: bench_gmix info\n"
                  "       bench_gmix dgemm SIZE THREADS REPEATS\n"
                  "       bench_gmix gen DIR N D K SEED\n"
                  "       bench_gmix em DIR TYPE ITERS THREADS REPEATS\n"
                  "       bench_gmix init DIR K THREADS REPEATS\n");
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 2)
    usage();
  const char *cmd = argv[1];
  if (!strcmp(cmd, "info") && argc == 2)
    return cmd_info();
  if (!strcmp(cmd, "dgemm") && argc == 5)
    return cmd_dgemm(parse_count(argv[2], "SIZE"),
                     parse_count(argv[3], "THREADS"),
                     parse_count(argv[4], "REPEATS"));
  if (!strcmp(cmd, "gen") && argc == 7)
    return cmd_gen(argv[2], parse_count(argv[3], "N"),
                   parse_count(argv[4], "D"), parse_count(argv[5], "K"),
                   parse_size(argv[6], "SEED"));
  if (!strcmp(cmd, "em") && argc == 7)
    return cmd_em(argv[2], argv[3], parse_count(argv[4], "ITERS"),
                  parse_count(argv[5], "THREADS"),
                  parse_count(argv[6], "REPEATS"));
  if (!strcmp(cmd, "init") && argc == 6)
    return cmd_init(argv[2], parse_count(argv[3], "K"),
                    parse_count(argv[4], "THREADS"),
                    parse_count(argv[5], "REPEATS"));
  usage();
  return 2;
}
