/*
 * status.c -- status names, error reports and the version string.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *gmix_version(void) {
  return GMIX_VERSION_STRING;
}

const char *gmix_strerror(gmix_status status) {
  switch (status) {
#define GMIX__STATUS_CASE(name, value, text)                                   \
  case GMIX_##name:                                                            \
    return text;
    GMIX_STATUS_LIST(GMIX__STATUS_CASE)
#undef GMIX__STATUS_CASE
  }
  return "unknown status";
}

gmix_status gmix__error(gmix_error *err, gmix_status status, const char *fmt,
                        ...) {
  if (err) {
    va_list ap;
    err->status = status;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return status;
}

const char *gmix_init_method_name(gmix_init_method method) {
  switch (method) {
  case GMIX_INIT_KMEANS:
    return "kmeans";
  case GMIX_INIT_KMEANSPP:
    return "k-means++";
  case GMIX_INIT_RANDOM:
    return "random";
  case GMIX_INIT_RANDOM_FROM_DATA:
    return "random_from_data";
  case GMIX_INIT_HC:
    return "hc";
  }
  return NULL;
}

gmix_status gmix_init_method_parse(const char *name, gmix_init_method *out,
                                   gmix_error *err) {
  static const gmix_init_method all[] = {
      GMIX_INIT_KMEANS, GMIX_INIT_KMEANSPP, GMIX_INIT_RANDOM,
      GMIX_INIT_RANDOM_FROM_DATA, GMIX_INIT_HC};
  if (!name)
    return gmix__null_argument(err, "name");
  if (!out)
    return gmix__null_argument(err, "out");
  if (strcmp(name, "random-from-data") == 0) {
    *out = GMIX_INIT_RANDOM_FROM_DATA;
    return GMIX_OK;
  }
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (strcmp(name, gmix_init_method_name(all[i])) == 0) {
      *out = all[i];
      return GMIX_OK;
    }
  }
  return gmix__error(err, GMIX_EINVAL,
                     "unknown init method '%s' (kmeans, k-means++, random, "
                     "random_from_data, hc)",
                     name);
}

gmix_status gmix__null_argument(gmix_error *err, const char *name) {
  return gmix__error(err, GMIX_EINVAL, "argument '%s' is NULL", name);
}
