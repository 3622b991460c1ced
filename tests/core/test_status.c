/*
 * test_status.c -- status names, enum names and parsers, version.
 */
#include "testutil.h"

#include <stddef.h>

#include <string.h>

static const struct {
  gmix_status status;
  const char *text;
} all_status[] = {
#define X(name, value, text) {GMIX_##name, text},
    GMIX_STATUS_LIST(X)
#undef X
};
#define N_STATUS (sizeof all_status / sizeof all_status[0])

static void test_strerror(void **state) {
  (void)state;
  for (size_t i = 0; i < N_STATUS; i++) {
    const char *s = gmix_strerror(all_status[i].status);
    TU_TRUE(s != NULL && s[0] != '\0', "status %d", (int)all_status[i].status);
    assert_string_equal(s, all_status[i].text);
    TU_TRUE(strcmp(s, "unknown status") != 0, "status %d",
            (int)all_status[i].status);
    for (size_t j = 0; j < i; j++) {
      TU_TRUE(all_status[i].status != all_status[j].status, "codes %zu and %zu",
              i, j);
      TU_TRUE(strcmp(s, gmix_strerror(all_status[j].status)) != 0,
              "statuses %d and %d share the text \"%s\"",
              (int)all_status[i].status, (int)all_status[j].status, s);
    }
  }
  assert_int_equal(GMIX_OK, 0);
  for (size_t i = 1; i < N_STATUS; i++)
    TU_TRUE(all_status[i].status < 0, "status %zu is %d", i,
            (int)all_status[i].status);
  const int unknown[] = {1, 7, -14, -99, -1000000};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    assert_string_equal(gmix_strerror((gmix_status)unknown[i]),
                        "unknown status");
}

static void test_names(void **state) {
  (void)state;
  gmix_covariance_type ct0;
  /* mclust's order; scikit-learn's names for its four. */
  const char *cov[] = {"EII", "spherical", "EEI", "VEI", "EVI", "diag", "tied",
                       "VEE", "EVE",       "VVE", "EEV", "VEV", "EVV",  "full"};
  const char *mclust[] = {"EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE",
                          "VEE", "EVE", "VVE", "EEV", "VEV", "EVV", "VVV"};
  assert_int_equal(TU_NTYPES, 14);
  for (int t = 0; t < TU_NTYPES; t++) {
    gmix_covariance_type back = (gmix_covariance_type)99;
    assert_string_equal(gmix_covariance_type_name(tu_types[t]), cov[t]);
    assert_string_equal(gmix_covariance_type_mclust_name(tu_types[t]),
                        mclust[t]);
    TU_OK(gmix_covariance_type_parse(cov[t], &back, NULL), NULL);
    assert_int_equal(back, tu_types[t]);
    back = (gmix_covariance_type)99;
    TU_OK(gmix_covariance_type_parse(mclust[t], &back, NULL), NULL);
    assert_int_equal(back, tu_types[t]);
  }
  /* The aliases are one model, not copies. */
  assert_int_equal(GMIX_COV_VVV, GMIX_COV_FULL);
  assert_int_equal(GMIX_COV_EEE, GMIX_COV_TIED);
  assert_int_equal(GMIX_COV_VVI, GMIX_COV_DIAG);
  assert_int_equal(GMIX_COV_VII, GMIX_COV_SPHERICAL);
  gmix_error perr;
  TU_STATUS(gmix_covariance_type_parse("vev", &ct0, &perr), GMIX_EINVAL, &perr);
  TU_TRUE(strstr(perr.message, "full (VVV)") && strstr(perr.message, "VEV"),
          "message lists the names: %s", perr.message);
  assert_null(gmix_covariance_type_name((gmix_covariance_type)14));
  assert_null(gmix_covariance_type_mclust_name((gmix_covariance_type)14));
  assert_null(gmix_covariance_type_name((gmix_covariance_type)-1));
  gmix_covariance_type ct;
  TU_STATUS(gmix_covariance_type_parse("FULL", &ct, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_covariance_type_parse("", &ct, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_covariance_type_parse(NULL, &ct, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_covariance_type_parse("full", NULL, NULL), GMIX_EINVAL, NULL);

  const char *init[] = {"kmeans", "k-means++", "random", "random_from_data",
                        "hc"};
  const gmix_init_method im[] = {GMIX_INIT_KMEANS, GMIX_INIT_KMEANSPP,
                                 GMIX_INIT_RANDOM, GMIX_INIT_RANDOM_FROM_DATA,
                                 GMIX_INIT_HC};
  assert_int_equal(GMIX_INIT_HC, 4); /* enumerations only gain values */
  for (int i = 0; i < 5; i++) {
    gmix_init_method back = (gmix_init_method)99;
    assert_string_equal(gmix_init_method_name(im[i]), init[i]);
    TU_OK(gmix_init_method_parse(init[i], &back, NULL), NULL);
    assert_int_equal(back, im[i]);
  }
  gmix_init_method back;
  TU_OK(gmix_init_method_parse("random-from-data", &back, NULL), NULL);
  assert_int_equal(back, GMIX_INIT_RANDOM_FROM_DATA);
  assert_null(gmix_init_method_name((gmix_init_method)5));
  TU_STATUS(gmix_init_method_parse("kmeans ", &back, NULL), GMIX_EINVAL, NULL);
  TU_STATUS(gmix_init_method_parse(NULL, &back, NULL), GMIX_EINVAL, NULL);
}

static void test_version(void **state) {
  (void)state;
  assert_string_equal(gmix_version(), GMIX_VERSION_STRING);
}

static void test_options_defaults(void **state) {
  (void)state;
  gmix_options o;
  memset(&o, 0xA5, sizeof o);
  gmix_options_init(&o);
  assert_int_equal(o.n_components, 1);
  assert_int_equal(o.covariance_type, GMIX_COV_FULL);
  TU_NEAR(o.tol, 1e-3, 0, "tol");
  TU_NEAR(o.reg_covar, 1e-6, 0, "reg_covar");
  assert_int_equal(o.max_iter, 100);
  assert_int_equal(o.n_init, 1);
  assert_int_equal(o.init, GMIX_INIT_KMEANS);
  assert_int_equal(o.seed, 0);
  assert_int_equal(o.threads, 0);
  assert_null(o.weights_init);
  assert_null(o.means_init);
  assert_null(o.precisions_init);
  assert_null(o.warm_start);
  TU_NEAR(o.min_weight, 1e-10, 0, "min_weight");
  assert_int_equal(o.max_reseed, 100);
  assert_int_equal(o.kmeans_max_iter, 300);
  TU_NEAR(o.kmeans_tol, 1e-4, 0, "kmeans_tol");
  assert_int_equal(o.chunk_rows, 0);
  assert_int_equal(o.block_rows, 0);
  assert_null(o.callback);
  assert_null(o.callback_data);
  assert_int_equal(o.standardize, 0);
  assert_int_equal(o.hc_max_rows, 2000);
  gmix_error err;
  TU_OK(gmix_options_validate(&o, &err), &err);
}

/* A program built against the first header with struct_size passes a
 * struct that ends at callback_data: the fields appended since then take
 * their defaults, whatever follows in memory. */
static void test_options_older_struct(void **state) {
  (void)state;
  gmix_options o;
  gmix_options_init(&o);
  o.init = GMIX_INIT_HC;
  o.n_components = 3000; /* above the default hc_max_rows */
  o.standardize = 7;     /* invalid: must not be read */
  o.hc_max_rows = 5;     /* invalid for K = 3000: must not be read */
  gmix_error err;
  TU_STATUS(gmix_options_validate(&o, &err), GMIX_EINVAL, &err);
  o.struct_size =
      offsetof(gmix_options, callback_data) + sizeof o.callback_data;
  TU_STATUS(gmix_options_validate(&o, &err), GMIX_EINVAL, &err);
  TU_TRUE(strstr(err.message, "hc_max_rows 2000") != NULL,
          "the default hc_max_rows was not used: \"%s\"", err.message);
  o.n_components = 2000;
  TU_OK(gmix_options_validate(&o, &err), &err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_version),
      cmocka_unit_test(test_options_defaults),
      cmocka_unit_test(test_options_older_struct),
  };
  return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
