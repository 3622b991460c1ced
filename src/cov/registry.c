/*
 * registry.c -- the table of covariance models. Adding a model is one file
 * in this folder and one line here.
 */
#include <stdio.h>
#include <string.h>

#include "cov.h"

/* mclust's order: from spherical to full, volume before shape before
 * orientation. */
static const gmix__cov_model *const models[] = {
    &gmix__cov_eii, &gmix__cov_spherical, &gmix__cov_eei,  &gmix__cov_vei,
    &gmix__cov_evi, &gmix__cov_diag,      &gmix__cov_tied, &gmix__cov_vee,
    &gmix__cov_eve, &gmix__cov_vve,       &gmix__cov_eev,  &gmix__cov_vev,
    &gmix__cov_evv, &gmix__cov_full,
};

#define N_MODELS (sizeof models / sizeof models[0])

const gmix__cov_model *const *gmix__cov_models(size_t *count) {
  *count = N_MODELS;
  return models;
}

const gmix__cov_model *gmix__cov_model_get(gmix_covariance_type type) {
  for (size_t i = 0; i < N_MODELS; i++)
    if (models[i]->type == type)
      return models[i];
  return NULL;
}

size_t gmix__cov_n_parameters(const gmix__cov_model *ops, size_t k, size_t d) {
  return (k - 1) + k * d + ops->n_free(k, d);
}

size_t gmix_covariance_types(gmix_covariance_type *out, size_t cap) {
  for (size_t i = 0; i < N_MODELS && i < cap && out; i++)
    out[i] = models[i]->type;
  return N_MODELS;
}

const char *gmix_covariance_type_name(gmix_covariance_type type) {
  const gmix__cov_model *ops = gmix__cov_model_get(type);
  return ops ? ops->name : NULL;
}

const char *gmix_covariance_type_mclust_name(gmix_covariance_type type) {
  const gmix__cov_model *ops = gmix__cov_model_get(type);
  return ops ? ops->mclust_name : NULL;
}

gmix_status gmix_covariance_type_parse(const char *name,
                                       gmix_covariance_type *out,
                                       gmix_error *err) {
  if (!name)
    return gmix__null_argument(err, "name");
  if (!out)
    return gmix__null_argument(err, "out");
  for (size_t i = 0; i < N_MODELS; i++)
    if (strcmp(name, models[i]->name) == 0 ||
        strcmp(name, models[i]->mclust_name) == 0) {
      *out = models[i]->type;
      return GMIX_OK;
    }
  char known[320] = "";
  for (size_t i = 0; i < N_MODELS; i++) {
    size_t used = strlen(known);
    if (strcmp(models[i]->name, models[i]->mclust_name) == 0)
      snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
               models[i]->name);
    else
      snprintf(known + used, sizeof known - used, "%s%s (%s)", i ? ", " : "",
               models[i]->name, models[i]->mclust_name);
  }
  return gmix__error(err, GMIX_EINVAL, "unknown covariance type '%s' (%s)",
                     name, known);
}

size_t gmix_covariance_size(gmix_covariance_type type, size_t k, size_t d) {
  const gmix__cov_model *ops = gmix__cov_model_get(type);
  return ops ? ops->size(k, d) : 0;
}

size_t gmix_covariance_shape(gmix_covariance_type type, size_t k, size_t d,
                             size_t dims[3], int *per_component) {
  const gmix__cov_model *ops = gmix__cov_model_get(type);
  if (!ops || !dims)
    return 0;
  if (per_component)
    *per_component = !ops->shared;
  return ops->shape(k, d, dims);
}
