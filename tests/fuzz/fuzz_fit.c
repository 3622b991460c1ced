/*
 * fuzz_fit.c -- libFuzzer target for gmix_fit on small fuzzed problems.
 *
 * The first bytes choose the problem and options: n (1..48 rows), d
 * (1..5), K (1..6), every covariance model and start, sample weights
 * (none, small integers with zeros, or values spanning 1e-300..1e300),
 * tolerances, reg_covar, the collapse policy, standardisation and the work
 * split. The rest gives the data, either as raw doubles (any bit pattern,
 * NaN and infinities included) or as small integers times a power of ten
 * from 1e-300 to 1e300 plus an offset, so that both parsing-like garbage
 * and numerically hard but valid data reach the EM. Checked: a fit either
 * fails with a status and a message and leaves *out untouched, or gives a
 * finite model (fuzz_model.c) whose report is consistent, that scores its
 * own data without NaN, and that is bit-identical with two threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fuzz_model.h"
#include "gmix.h"

enum { OPTION_BYTES = 32, MAX_N = 48, MAX_D = 5, MAX_K = 6 };

typedef struct problem {
  size_t n, d;
  double x[MAX_N * MAX_D];
  double w[MAX_N];
  int weighted;
  gmix_options opt;
  int compare_threads;
} problem;

static double pow10_of(uint8_t b) {
  return pow(10.0, (double)b * 600 / 255 - 300);
}

static void choose_options(fz_cursor *c, problem *p) {
  static const double tols[] = {1e-3, 0, 1e-10};
  static const double regs[] = {1e-6, 0, 1e-2, 1e3};
  static const double min_weights[] = {1e-10, 0, 0.2};
  static const size_t reseeds[] = {100, 0, 2};
  static const size_t splits[] = {0, 1, 3, 7};
  gmix_options *o = &p->opt;
  gmix_options_init(o);
  o->n_components = 1 + fz_pick(c, MAX_K);
  o->covariance_type = (gmix_covariance_type)fz_pick(c, 4);
  o->init = (gmix_init_method)fz_pick(c, 5);
  o->max_iter = fz_pick(c, 25);
  o->n_init = 1 + fz_pick(c, 2);
  o->tol = tols[fz_pick(c, 3)];
  o->reg_covar = regs[fz_pick(c, 4)];
  o->min_weight = min_weights[fz_pick(c, 3)];
  o->max_reseed = reseeds[fz_pick(c, 3)];
  o->max_reseed_per_component = fz_pick(c, 3);
  o->standardize = (int)fz_pick(c, 2);
  o->seed = fz_byte(c);
  o->chunk_rows = splits[fz_pick(c, 4)];
  o->block_rows = splits[fz_pick(c, 4)];
  o->hc_max_rows = fz_pick(c, 2) ? 0 : 2 + fz_pick(c, MAX_N);
  o->kmeans_max_iter = fz_pick(c, 2) ? 300 : fz_pick(c, 4);
  o->threads = 1;
  p->compare_threads = (int)fz_pick(c, 2);
}

static void choose_data(fz_cursor *c, problem *p, const uint8_t *data,
                        size_t size) {
  static const double offsets[] = {0, 1e3, 1e9, -1e15};
  p->n = 1 + fz_pick(c, MAX_N);
  p->d = 1 + fz_pick(c, MAX_D);
  int raw = fz_pick(c, 4) == 0;
  double scale = pow10_of(fz_byte(c)), offset = offsets[fz_pick(c, 4)];
  int wmode = (int)fz_pick(c, 3);
  size_t nx = p->n * p->d, at = 0;
  for (size_t i = 0; i < nx; i++) {
    if (raw) {
      uint64_t bits = 0;
      for (int b = 0; b < 8; b++)
        bits = bits << 8 | (at < size ? data[at++] : 0);
      memcpy(&p->x[i], &bits, sizeof bits);
    } else {
      int8_t v = (int8_t)(at < size ? data[at++] : 0);
      p->x[i] = offset + (double)v * scale;
    }
  }
  p->weighted = wmode != 0;
  for (size_t i = 0; i < p->n; i++) {
    uint8_t b = at < size ? data[at++] : 1;
    p->w[i] = wmode == 1 ? (double)(b % 4) : pow10_of(b);
  }
}

static void check_fit(const problem *p, const gmix_model *m) {
  fz_check_model(m);
  const gmix_fit_report *rep = gmix_model_report(m);
  FZ_CHECK(rep != NULL);
  FZ_CHECK(gmix_model_n_components(m) == p->opt.n_components);
  FZ_CHECK(gmix_model_n_features(m) == p->d);
  double lp[MAX_N];
  gmix_error err;
  gmix_status s = gmix_score_samples(m, p->x, p->n, p->d, 1, lp, &err);
  FZ_CHECK(s == GMIX_OK);
  for (size_t i = 0; i < p->n; i++)
    FZ_CHECK(!isnan(lp[i]));
}

/* The same fit with two threads gives the same bits. */
static void check_threads(const problem *p, const gmix_model *m) {
  gmix_options o = p->opt;
  o.threads = 2;
  gmix_model *m2 = NULL;
  gmix_error err;
  gmix_status s =
      gmix_fit(p->x, p->n, p->d, p->weighted ? p->w : NULL, &o, &m2, &err);
  FZ_CHECK(s == GMIX_OK);
  char *a = NULL, *b = NULL;
  FZ_CHECK(gmix_model_to_json(m, &a, &err) == GMIX_OK);
  FZ_CHECK(gmix_model_to_json(m2, &b, &err) == GMIX_OK);
  /* The report holds wall times; compare the parameters' text only. */
  char *fa = strstr(a, "\"fit\""), *fb = strstr(b, "\"fit\"");
  FZ_CHECK((fa == NULL) == (fb == NULL));
  size_t la = fa ? (size_t)(fa - a) : strlen(a);
  size_t lb = fb ? (size_t)(fb - b) : strlen(b);
  FZ_CHECK(la == lb && memcmp(a, b, la) == 0);
  gmix_free(a);
  gmix_free(b);
  gmix_model_free(m2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < OPTION_BYTES)
    return 0;
  fz_cursor c = {data, OPTION_BYTES};
  problem p;
  choose_options(&c, &p);
  choose_data(&c, &p, data + OPTION_BYTES, size - OPTION_BYTES);

  gmix_model *m = (gmix_model *)&p; /* must stay as it is on failure */
  gmix_error err;
  gmix_status s =
      gmix_fit(p.x, p.n, p.d, p.weighted ? p.w : NULL, &p.opt, &m, &err);
  if (s != GMIX_OK) {
    fz_check_error(s, &err);
    FZ_CHECK(m == (gmix_model *)&p);
    return 0;
  }
  check_fit(&p, m);
  if (p.compare_threads)
    check_threads(&p, m);
  gmix_model_free(m);
  return 0;
}
