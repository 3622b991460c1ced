/*
 * mpi_fit.c -- the gmix-mpi command: `mpirun -n P gmix-mpi fit DATA...`,
 * gmix fit over the ranks of MPI_COMM_WORLD (libgmix_mpi).
 *
 * It lives with the other commands because it is one: it shares gmix
 * fit's options, manual text and summary (fit_common.c) and the
 * command-line helpers, model output among them (common.c); only how the data
 * are shared among the ranks and the fit call differ. Every rank parses the
 * same command line and reads only its own share of the data; every failure is
 * agreed on (gmix_mpi_agree) before the next collective, so each rank returns
 * the same exit code; only rank 0 prints, writes the model and the summary.
 */
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fit_common.h"
#include "gmix_mpi.h"

static int rank, size;

static const char *const mpi_fit_manual[] = {
    "NAME\n"
    "       gmix-mpi fit - fit a Gaussian mixture by EM over MPI processes\n"
    "\n"
    "SYNOPSIS\n"
    "       mpirun -n P gmix-mpi fit DATA... -k K [-o MODEL.json] [OPTIONS]\n"
    "       mpirun -n P gmix-mpi fit DATA... --init-model START.json "
    "[OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Fits a mixture of K Gaussians as 'gmix fit' does, over P MPI\n"
    "       processes (ranks), each reading only its share of the data. Every\n"
    "       EM iteration each rank reduces its rows to sufficient statistics;\n"
    "       these are added in rank order and every rank takes the same step.\n"
    "       The model is the same bits in every run with the same P, and from\n"
    "       the same --init-model equals gmix fit's to about 1e-12 relative.\n"
    "       Rank 0 writes the model and prints the summary; a failure on any\n"
    "       rank (a bad row, a missing file) stops every rank with its\n"
    "       message.\n"
    "\n"
    "   Sharing the data\n"
    "       One DATA file is split among the ranks: a .npy file by rows, each\n"
    "       rank reading its rows at their offset; a text file by bytes, each\n"
    "       rank parsing the lines that start in its range (line numbers in\n"
    "       messages count from the start of the file). Several DATA files,\n"
    "       or a quoted pattern such as 'parts/*.csv' (expanded in name\n"
    "       order), are shared in order: with at least as many files as ranks\n"
    "       each rank reads whole consecutive files, else each file is split\n"
    "       among consecutive ranks. The rows fitted are those of the files\n"
    "       in order; every file must have the same columns. Standard input\n"
    "       cannot be shared. Every rank must see the files at the same "
    "paths.\n"
    "\n"
    "       With the default k-means start (--init kmeans), the sample it\n"
    "       runs on and the seeding do not depend on P; Lloyd's sums are\n"
    "       added in rank order, so the centres, and the model, may differ\n"
    "       between values of P in the last bits. --init k-means++, random\n"
    "       and random-from-data draw the same rows or responsibilities for\n"
    "       any P. Every start uses a random stream of its own, so a seed\n"
    "       gives another start than in gmix fit.\n"
    "\n"
    "       The distributed starts run on the data as given: without\n"
    "       --init-model, --init hc and --standardize are refused with a\n"
    "       usage error (fit a sample with 'gmix fit --init hc' and pass\n"
    "       that model as --init-model instead).\n"
    "\n",
    "OPTIONS\n"
    "       Those of 'gmix fit'; --threads is per rank, and --weights FILE\n"
    "       holds one value per row of all the DATA files in order.\n"
    "\n" CLI_FIT_MODEL_HELP,
    CLI_FIT_EM_HELP,
    CLI_WEIGHT_OPTIONS_HELP "\n",
    CLI_DATA_OPTIONS_HELP "\n" CLI_FIT_OUTPUT_HELP,
    CLI_EXIT_STATUS
    "\n"
    "EXAMPLES\n"
    "       mpirun -n 4 gmix-mpi fit big.npy -k 16 -c diag -o m.json\n"
    "       mpirun -n 8 gmix-mpi fit 'shards/*.csv' -k 5 --n-init 3 -o m.json\n"
    "       mpirun -n 2 gmix-mpi fit data.csv --init-model start.json\n",
    NULL};

static const cli_command cli_mpi_fit = {
    "fit", "fit a mixture to data shared among MPI ranks", NULL,
    mpi_fit_manual};

/* ---- agreement: every rank leaves with the same exit code */

/* Agree on a status; on a failure rank 0 prints the message and every
 * rank returns the exit code for it (`code` when not EXIT_OK, else the
 * status's). Returns EXIT_OK when every rank succeeded. */
static int agree(gmix_status st, gmix_error *err, int code) {
  st = gmix_mpi_agree(MPI_COMM_WORLD, st, err);
  if (st == GMIX_OK)
    return EXIT_OK;
  if (rank == 0)
    cli_fail(err);
  return code != EXIT_OK ? code : cli_exit_code(st);
}

/* Rank 0's exit code, for what only rank 0 does (write the model). */
static int share_exit_code(int rc) {
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return rc;
}

/* ---- the DATA files and this rank's share of them */

typedef struct unit {
  const char *path;
  size_t part, parts; /* read share `part` of `parts` of the file */
} unit;

typedef struct files {
  char **paths; /* the operands, patterns expanded */
  size_t n;
  glob_t *globs; /* one per operand that was a pattern */
  size_t n_globs;
} files;

static void files_free(files *f) {
  for (size_t i = 0; i < f->n_globs; i++)
    globfree(&f->globs[i]);
  free(f->globs);
  free(f->paths);
}

static int is_pattern(const char *s) {
  return strpbrk(s, "*?[") != NULL;
}

/* The operands, each quoted pattern (one that is not itself a file)
 * replaced by the files it matches in name order. Every rank expands
 * alike, given the same file system. */
static gmix_status expand(char **operands, int n, files *f, gmix_error *err) {
  memset(f, 0, sizeof *f);
  size_t cap = (size_t)n;
  f->paths = malloc(cap * sizeof *f->paths);
  f->globs = malloc((size_t)n * sizeof *f->globs);
  if (!f->paths || !f->globs)
    return cli_status(err, GMIX_ENOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (!is_pattern(operands[i]) || stat(operands[i], &st) == 0) {
      f->paths[f->n++] = operands[i];
      continue;
    }
    glob_t *g = &f->globs[f->n_globs];
    int rc = glob(operands[i], 0, NULL, g);
    if (rc == GLOB_NOMATCH)
      return cli_status(err, GMIX_EIO, "no file matches '%s'", operands[i]);
    if (rc != 0)
      return cli_status(err, GMIX_EIO, "cannot expand '%s'", operands[i]);
    f->n_globs++;
    char **grown = realloc(f->paths, (cap += g->gl_pathc) * sizeof *grown);
    if (!grown)
      return cli_status(err, GMIX_ENOMEM, "out of memory");
    f->paths = grown;
    for (size_t j = 0; j < g->gl_pathc; j++)
      f->paths[f->n++] = g->gl_pathv[j];
  }
  return GMIX_OK;
}

/* This rank's units of the files: whole consecutive files when there are
 * at least as many files as ranks, else its share of the file whose
 * consecutive ranks it is among. Rank order is then file order. Returns
 * how many units it wrote to u (room for f->n). */
static size_t my_units(const files *f, unit *u) {
  size_t nf = f->n, p = (size_t)size, r = (size_t)rank, count = 0;
  if (nf >= p) {
    for (size_t i = nf * r / p; i < nf * (r + 1) / p; i++)
      u[count++] = (unit){f->paths[i], 0, 1};
    return count;
  }
  for (size_t i = 0; i < nf; i++) {
    size_t first = p * i / nf, end = p * (i + 1) / nf;
    if (r >= first && r < end)
      u[count++] = (unit){f->paths[i], r - first, end - first};
  }
  return count;
}

/* This rank's rows: the tables of its units, and their rows and weights
 * in one array when there are several. */
typedef struct share {
  gmix_table **tables;
  size_t n_tables;
  const char *first_path; /* of the first table, for messages */
  const double *x, *w;
  double *xbuf, *wbuf; /* owned copies, when concatenated or weighted */
  size_t n, d, dropped;
} share;

static void share_free(share *s) {
  for (size_t i = 0; i < s->n_tables; i++)
    gmix_table_free(s->tables[i]);
  free(s->tables);
  free(s->xbuf);
  free(s->wbuf);
}

/* Read this rank's units; the tables must have the same columns. */
static gmix_status read_share(const files *f, const gmix_read_options *ropt,
                              share *s, gmix_error *err) {
  unit *u = malloc(f->n * sizeof *u);
  s->tables = calloc(f->n, sizeof *s->tables);
  if (!u || !s->tables) {
    free(u);
    return cli_status(err, GMIX_ENOMEM, "out of memory");
  }
  size_t nu = my_units(f, u);
  gmix_status st = GMIX_OK;
  for (size_t i = 0; i < nu && st == GMIX_OK; i++) {
    st = gmix_table_read_part(u[i].path, ropt, u[i].part, u[i].parts,
                              &s->tables[i], err);
    if (st != GMIX_OK)
      break;
    s->n_tables++;
    size_t cols = gmix_table_cols(s->tables[i]);
    if (i == 0) {
      s->first_path = u[i].path;
      s->d = cols;
    } else if (cols != s->d) {
      st = cli_status(err, GMIX_EDIM, "%s has %zu columns but %s has %zu",
                      u[i].path, cols, s->first_path, s->d);
    }
    s->n += gmix_table_rows(s->tables[i]);
    s->dropped += gmix_table_dropped_rows(s->tables[i]);
  }
  free(u);
  if (st != GMIX_OK || s->n_tables == 0)
    return st;
  if (s->n_tables == 1) {
    s->x = gmix_table_data(s->tables[0]);
    s->w = gmix_table_weights(s->tables[0]);
    return GMIX_OK;
  }
  int weighted = gmix_table_weights(s->tables[0]) != NULL;
  s->xbuf = malloc((s->n ? s->n : 1) * s->d * sizeof *s->xbuf);
  s->wbuf = weighted ? malloc((s->n ? s->n : 1) * sizeof *s->wbuf) : NULL;
  if (!s->xbuf || (weighted && !s->wbuf))
    return cli_status(err, GMIX_ENOMEM, "out of memory");
  for (size_t i = 0, at = 0; i < s->n_tables; i++) {
    size_t rows = gmix_table_rows(s->tables[i]);
    if (rows)
      memcpy(s->xbuf + at * s->d, gmix_table_data(s->tables[i]),
             rows * s->d * sizeof *s->xbuf);
    if (weighted && rows)
      memcpy(s->wbuf + at, gmix_table_weights(s->tables[i]),
             rows * sizeof *s->wbuf);
    at += rows;
  }
  s->x = s->xbuf;
  s->w = s->wbuf;
  return GMIX_OK;
}

/* Every rank's columns must be rank 0's: rank 0 (which always holds the
 * first file, or its first part) sends its count and file name. */
static gmix_status check_columns(const share *s, gmix_error *err) {
  char first[GMIX_ERROR_MESSAGE_SIZE / 2];
  uint64_t d0 = s->d;
  snprintf(first, sizeof first, "%s", s->first_path ? s->first_path : "");
  MPI_Bcast(&d0, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  MPI_Bcast(first, (int)sizeof first, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (s->n_tables && s->d != d0)
    return cli_status(err, GMIX_EDIM, "%s has %zu columns but %s has %" PRIu64,
                      s->first_path, s->d, first, d0);
  return GMIX_OK;
}

/* The weights of this rank's rows from --weights FILE, which holds one
 * value per row of all the files: rows [row0, row0 + n) of it, read as a
 * stream; the last rank checks that the file ends with the last row. */
static gmix_status read_weights(const char *path, uint64_t row0, size_t n,
                                uint64_t n_total, double **out,
                                gmix_error *err) {
  enum { BLOCK_ROWS = 65536 }; /* 512 KiB of weights per block read */
  gmix_read_options ropt;
  gmix_read_options_init(&ropt);
  gmix_reader *r = NULL;
  gmix_status st = gmix_reader_open(path, &ropt, &r, err);
  if (st != GMIX_OK)
    return st;
  double *w = malloc((n ? n : 1) * sizeof *w);
  if (!w) {
    gmix_reader_free(r);
    return cli_status(err, GMIX_ENOMEM, "out of memory");
  }
  uint64_t seen = 0;
  int last = rank == size - 1;
  size_t cols = gmix_reader_cols(r);
  while (st == GMIX_OK && cols == 1 && (seen < row0 + n || last)) {
    const double *x;
    size_t rows;
    uint64_t want = last ? BLOCK_ROWS : row0 + n - seen;
    st = gmix_reader_next(r, want < BLOCK_ROWS ? (size_t)want : BLOCK_ROWS, &x,
                          NULL, &rows, err);
    if (st != GMIX_OK || rows == 0)
      break;
    for (size_t i = 0; i < rows; i++, seen++)
      if (seen >= row0 && seen < row0 + n)
        w[seen - row0] = x[i];
  }
  gmix_reader_free(r);
  /* A rank that stopped early saw the rows it needed; one that saw fewer,
   * or the last rank, saw the whole file. */
  if (st == GMIX_OK && cols != 1)
    st = cli_status(err, GMIX_EPARSE,
                    "%s: a weights file must hold one column, not %zu", path,
                    cols);
  else if (st == GMIX_OK && (seen < row0 + n || (last && seen != n_total)))
    st = cli_status(err, GMIX_EPARSE,
                    "%s: a weights file must hold %" PRIu64
                    " values (one per data row), not %" PRIu64,
                    path, n_total, seen);
  if (st != GMIX_OK) {
    free(w);
    return st;
  }
  *out = w;
  return GMIX_OK;
}

/* ---- the command */

/* Progress lines from rank 0 only. */
static int quiet_iteration(const gmix_iteration *it, void *user) {
  (void)it;
  (void)user;
  return 0;
}

static int run_mpi_fit(int argc, char **argv) {
  fit_args a;
  int rc = cli_fit_parse(&cli_mpi_fit, argc, argv, &a, 1);
  if (rc >= 0)
    return rc;
  if (!a.init_model && a.opt.init == GMIX_INIT_HC)
    return cli_usage("fit", "--init hc is not available in a distributed "
                            "fit; use kmeans, k-means++, random, "
                            "random-from-data or --init-model");
  if (!a.init_model && a.opt.standardize)
    return cli_usage("fit", "--standardize is not available in a distributed "
                            "fit: its starts run on the data as given");
  gmix_error err;
  err.message[0] = '\0';
  if (rank == 0)
    rc = cli_check_output_folder(a.output, "model file");
  if ((rc = share_exit_code(rc < 0 ? EXIT_OK : rc)) != EXIT_OK)
    return rc;

  gmix_model *start = NULL, *m = NULL;
  files f;
  share s;
  double *wfile = NULL;
  memset(&s, 0, sizeof s);
  memset(&f, 0, sizeof f);
  if (a.init_model) {
    gmix_status st = gmix_model_load(a.init_model, &start, &err);
    if ((rc = agree(st, &err, EXIT_DATA)) != EXIT_OK)
      goto done;
    /* The same on every rank, so no agreement is needed; rank 0 alone
     * prints a usage error. */
    if ((rc = cli_fit_use_init_model("fit", &a, start)) >= 0)
      goto done;
  }
  gmix_status st = expand(a.data, a.n_data, &f, &err);
  if (st == GMIX_OK)
    st = read_share(&f, &a.ropt, &s, &err);
  if ((rc = agree(st, &err, EXIT_OK)) != EXIT_OK ||
      (rc = agree(check_columns(&s, &err), &err, EXIT_OK)) != EXIT_OK)
    goto done;
  uint64_t n = s.n, dropped = s.dropped, row0 = 0, n_total = 0, all_dropped = 0;
  MPI_Exscan(&n, &row0, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0)
    row0 = 0;
  MPI_Allreduce(&n, &n_total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(&dropped, &all_dropped, 1, MPI_UINT64_T, MPI_SUM,
                MPI_COMM_WORLD);
  const char *data_name = f.n == 1 ? f.paths[0] : "the DATA files";
  if (all_dropped && rank == 0)
    cli_warn("dropped %" PRIu64 " bad row%s of %s", all_dropped,
             all_dropped == 1 ? "" : "s", data_name);
  rc = EXIT_OK;
  if (start && rank == 0)
    rc = cli_check_dimension(start, a.init_model, s.tables[0], f.paths[0]);
  if ((rc = share_exit_code(rc)) != EXIT_OK)
    goto done;
  if (a.weights_file) {
    st = all_dropped
             ? cli_status(&err, GMIX_EINVAL,
                          "--weights cannot be matched to the rows of %s "
                          "once --drop-bad-rows has dropped some; use "
                          "--weight-column",
                          data_name)
             : read_weights(a.weights_file, row0, s.n, n_total, &wfile, &err);
    if ((rc = agree(st, &err, EXIT_DATA)) != EXIT_OK)
      goto done;
    s.w = wfile;
  }

  fit_progress p;
  cli_fit_progress_start(&p, &a);
  if (rank != 0)
    a.opt.callback = quiet_iteration;
  st = gmix_mpi_fit(MPI_COMM_WORLD, s.x, s.n, s.d, s.w, &a.opt, &m, &err);
  cli_fit_progress_end(&p);
  if ((rc = agree(st, &err, EXIT_OK)) != EXIT_OK)
    goto done;

  /* BIC and AIC from the report: sum w log p = mean per unit weight times
   * the total weight. */
  const gmix_fit_report *r = gmix_model_report(m);
  double loglik = r->log_likelihood * r->sum_weights;
  double n_par = (double)gmix_model_n_parameters(m);
  double bic = -2.0 * loglik + n_par * log(r->sum_weights);
  double aic = -2.0 * loglik + 2.0 * n_par;
  if (rank == 0) {
    cli_name_features(m, s.tables[0], start);
    rc = a.output ? cli_write_model(m, a.output) : EXIT_OK;
    if (rc == EXIT_OK)
      cli_fit_print_summary(&a, m, (size_t)n_total, s.d, bic, aic);
  }
  rc = share_exit_code(rc);
done:
  gmix_model_free(m);
  gmix_model_free(start);
  share_free(&s);
  files_free(&f);
  free(wfile);
  return rc;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  cli_program = "gmix-mpi";
  /* Every rank parses the same command line and meets the same usage
   * errors: rank 0 alone says so. */
  cli_quiet = rank != 0;
  opterr = rank == 0;
  int rc;
  if (argc < 2 || strcmp(argv[1], "fit") != 0) {
    if (argc >= 2 &&
        (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
      if (rank == 0)
        cli_print_manual(&cli_mpi_fit, stdout);
      rc = EXIT_OK;
    } else if (argc >= 2 && (strcmp(argv[1], "-V") == 0 ||
                             strcmp(argv[1], "--version") == 0)) {
      if (rank == 0)
        printf("gmix-mpi %s (libgmix %s)\n", GMIX_VERSION_STRING,
               gmix_version());
      rc = EXIT_OK;
    } else {
      rc = cli_usage(NULL, "the command is 'fit': mpirun -n P gmix-mpi fit "
                           "DATA... [OPTIONS]");
    }
  } else if (cli_wants_help(argc - 1, argv + 1)) {
    if (rank == 0)
      cli_print_manual(&cli_mpi_fit, stdout);
    rc = EXIT_OK;
  } else {
    char prog[32];
    snprintf(prog, sizeof prog, "gmix-mpi %s", cli_mpi_fit.name);
    argv[1] = prog;
    rc = run_mpi_fit(argc - 1, argv + 1);
  }
  if (rank == 0)
    rc = cli_close_output(stdout, "-", rc);
  MPI_Finalize();
  return rc;
}
