/*
 * fit.c -- `gmix fit`: fit a mixture to a data file and save the model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_common.h"
#include "interrupt.h"

static const char *const fit_manual[] = {
    "NAME\n"
    "       gmix fit - fit a Gaussian mixture to data by EM\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix fit DATA -k K [-o MODEL.json] [OPTIONS]\n"
    "       gmix fit DATA --init-model START.json [-o MODEL.json] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Fits a mixture of K Gaussians to the rows of DATA by expectation-\n"
    "       maximisation, saves it to MODEL.json and prints a summary: the\n"
    "       number of rows n, of features d and of components K, the\n"
    "       covariance type, whether EM converged and after how many\n"
    "       iterations, the mean log-likelihood per row, BIC, AIC and the\n"
    "       time taken. EM stops when the mean log-likelihood changes by less\n"
    "       than --tol, or after --max-iter iterations; not converging is\n"
    "       reported, not an error.\n"
    "\n"
    "OPTIONS\n" CLI_FIT_MODEL_HELP,
    CLI_FIT_EM_HELP,
    CLI_WEIGHT_OPTIONS_HELP "\n",
    CLI_DATA_OPTIONS_HELP "\n" CLI_FIT_OUTPUT_HELP,
    CLI_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "       gmix fit examples/faithful.csv -k 2 -o faithful.json\n"
    "       gmix fit data.npy -k 5 -c diag --n-init 4 --seed 7 -o m.json\n"
    "       gmix fit data.csv -k 4 --init hc --standardize -o m.json\n"
    "       gmix fit data.csv --columns x,y --weight-column w -k 3 -o m.json\n"
    "       gmix fit new.csv --init-model m.json --max-iter 0\n",
    NULL};

static int run_fit(int argc, char **argv) {
  fit_args a;
  int rc = cli_fit_parse(&cli_fit, argc, argv, &a, 0);
  if (rc >= 0)
    return rc;

  if ((rc = cli_check_output_folder(a.output, "model file")) != EXIT_OK)
    return rc;
  cli_interrupt_install();
  gmix_model *start = NULL, *m = NULL;
  gmix_table *t = NULL;
  double *wbuf = NULL;
  if (a.init_model) {
    if ((rc = cli_load_model(a.init_model, &start)) != EXIT_OK)
      goto done;
    if ((rc = cli_fit_use_init_model("fit", &a, start)) >= 0)
      goto done;
  }
  if ((rc = cli_read_data(a.data[0], &a.ropt, &t)) != EXIT_OK)
    goto done;
  size_t n = gmix_table_rows(t), d = gmix_table_cols(t);
  const char *data_name = cli_data_name(a.data[0]);
  if (start && (rc = cli_check_dimension(start, a.init_model, t, a.data[0])))
    goto done;
  if (n < a.opt.n_components) {
    cli_error("%s has %zu data row%s, fewer than the %zu components asked "
              "for",
              data_name, n, n == 1 ? "" : "s", a.opt.n_components);
    rc = EXIT_DATA;
    goto done;
  }
  const double *w;
  if ((rc = cli_sample_weights(t, data_name, a.weights_file, &w, &wbuf)) !=
      EXIT_OK)
    goto done;

  fit_progress p;
  cli_fit_progress_start(&p, &a);
  gmix_error err;
  err.message[0] = '\0';
  a.opt.cancel = cli_interrupt_flag();
  gmix_status s = gmix_fit(gmix_table_data(t), n, d, w, &a.opt, &m, &err);
  cli_fit_progress_end(&p);
  if ((rc = cli_interrupt_check()) >= 0)
    goto done;
  if (s != GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  cli_name_features(m, t, start);

  double bic = NAN, aic = NAN;
  if (gmix_bic(m, gmix_table_data(t), n, d, w, a.opt.threads, &bic, &err) !=
          GMIX_OK ||
      gmix_aic(m, gmix_table_data(t), n, d, w, a.opt.threads, &aic, &err) !=
          GMIX_OK) {
    rc = cli_fail(&err);
    goto done;
  }
  cli_interrupt_commit();
  if (a.output && (rc = cli_write_model(m, a.output)) != EXIT_OK)
    goto done;
  cli_fit_print_summary(&a, m, n, d, bic, aic);
  rc = EXIT_OK;
done:
  gmix_model_free(m);
  gmix_model_free(start);
  gmix_table_free(t);
  free(wbuf);
  return rc;
}

const cli_command cli_fit = {"fit",
                             "fit a mixture to a data file and save the model",
                             run_fit, fit_manual};
