/*
 * plot.c -- `gmix plot`: pictures of a model and its data, or of a
 * model-selection table, as PNG, SVG or PDF. This file reads the command
 * line and the inputs; cli/plot/ draws.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

static const char *const plot_manual[] = {
    "NAME\n"
    "       gmix plot - draw a model with its data, or a selection table\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix plot MODEL.json DATA -o FIGURE [--dims LIST] [--density]\n"
    "                 [--uncertainty] [OPTIONS]\n"
    "       gmix plot --bic TABLE.csv -o FIGURE [--criterion NAME] "
    "[OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Draws a picture into FIGURE, a PNG, SVG or PDF file chosen by\n"
    "       its extension (.png, .svg, .pdf). The file is written\n"
    "       atomically: an existing one is replaced only by a whole new\n"
    "       picture. On success one line names the file, then one line per\n"
    "       panel gives its data ranges and where they fall in the image\n"
    "       (x from left to right edge, y from bottom to top edge, in\n"
    "       pixels or points from the top left corner); with --bic a last\n"
    "       line gives the best cell.\n"
    "\n"
    "       With a model and DATA (which must have the model's number of\n"
    "       features), the picture depends on the features drawn:\n"
    "\n"
    "       two    A scatter of the rows, each coloured and shaped by its\n"
    "              most probable component, every component's mean marked\n"
    "              and its 1-sigma (solid) and 2-sigma (dashed) ellipses\n"
    "              drawn: those of its marginal over the two features, so\n"
    "              they are exact projections for any number of features.\n"
    "\n"
    "       one    A histogram of the rows (as a density), the mixture's\n"
    "              density over it in black and each component's density\n"
    "              times its weight in its colour, means marked on their\n"
    "              curves.\n"
    "\n"
    "       more   A matrix of panels: the scatter of every pair, and on the\n"
    "              diagonal each feature's histogram and curves. The frame\n"
    "              of a diagonal panel shows its row's scale.\n"
    "\n"
    "       Without --dims a model of one or two features is drawn whole,\n"
    "       and one of more as a matrix of its first --max-dims features.\n"
    "       Names come from the data's header, else from the model file,\n"
    "       else x1, x2, ... . A legend beside the panels says what every\n"
    "       mark means. Components take 20 colours chosen to stay apart for\n"
    "       readers with deficient colour vision, and cycle through four\n"
    "       marker shapes.\n"
    "\n"
    "       With --bic, TABLE.csv is the table of 'gmix select --table'. The\n"
    "       picture draws the criterion against K, one line per covariance\n"
    "       type found in the table (any names), a failed cell leaving a\n"
    "       gap, and circles the best cell.\n"
    "\n",
    "OPTIONS\n"
    "   The picture\n"
    "       -o, --output FIGURE\n"
    "              The file to write (required): .png, .svg or .pdf.\n"
    "\n"
    "       --size WxH\n"
    "              Width and height, in pixels for PNG and points (1/72\n"
    "              inch) for SVG and PDF (default 860x600, and 1200x980 for\n"
    "              a matrix), each from 100 to 20000.\n"
    "\n"
    "       --title TEXT\n"
    "              The title above the panels (default: the data file, K,\n"
    "              the covariance type and the number of rows; or the table\n"
    "              file and criterion).\n"
    "\n"
    "   Model and data\n"
    "       --dims LIST\n"
    "              The features to draw, by name or 1-based index separated\n"
    "              by commas, as --columns: one gives a histogram, two a\n"
    "              scatter (the first across), more a matrix.\n"
    "\n"
    "       --max-dims N\n"
    "              Without --dims, a matrix shows at most the first N\n"
    "              features (default 6).\n"
    "\n"
    "       --density\n"
    "              Shade the log density of the mixture under the scatter\n"
    "              panels as filled contours: --levels bands of equal width\n"
    "              from the lowest density at a data row to the highest in\n"
    "              the panel, lighter being less likely. It is the density\n"
    "              of the marginal over the two features drawn (exact for a\n"
    "              Gaussian mixture: the other features are integrated out,\n"
    "              which the legend says).\n"
    "\n"
    "       --levels N\n"
    "              Bands of the density shading (default 10, at most 100).\n"
    "\n"
    "       --uncertainty\n"
    "              Size each point by its uncertainty, 1 minus its largest\n"
    "              responsibility, in three classes as mclust's uncertainty\n"
    "              plot: up to the 75% quantile of the rows' uncertainties\n"
    "              (small), up to the 95% quantile, and above (large). The\n"
    "              legend gives the two limits.\n"
    "\n"
    "       --max-points N\n"
    "              Draw each row up to N rows (default 20000). With more,\n"
    "              rows are binned into square cells of --bin-size pixels;\n"
    "              a cell takes the colour of the component holding most of\n"
    "              its weight and is darker the more weight (on a log scale;\n"
    "              with --uncertainty: the more uncertain its rows), and the\n"
    "              legend says so. The work of drawing and the size of the\n"
    "              file then no longer grow with the rows.\n"
    "\n"
    "       --bin-size PX\n"
    "              Side of the cells of binned rows (default 3).\n"
    "\n"
    "       --bins N\n"
    "              Histogram bins (default: Rice's rule, ceil(2 n^(1/3))\n"
    "              for n rows).\n"
    "\n"
    "       --threads N\n"
    "              Worker threads of the responsibilities and densities; 0\n"
    "              (the default) uses all processors. The picture is the\n"
    "              same for any value.\n"
    "\n",
    CLI_DATA_OPTIONS_HELP
    "\n" CLI_WEIGHT_OPTIONS_HELP
    "              Weights weigh the histograms and binned cells; a row of\n"
    "              weight 0 is not drawn.\n"
    "\n"
    "   Selection table\n"
    "       --bic\n"
    "              The one operand is a table of 'gmix select --table'.\n"
    "\n"
    "       --criterion NAME\n"
    "              The table's column to draw: bic (the default), aic, icl\n"
    "              (lower is better) or bic_mclust (higher is better).\n"
    "\n"
    "       -h, --help\n"
    "              Show this manual.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix fit examples/faithful.csv -k 2 -o faithful.json\n"
    "       gmix plot faithful.json examples/faithful.csv -o faithful.png\n"
    "       gmix plot faithful.json examples/faithful.csv --density -o f.svg\n"
    "       gmix plot iris.json examples/iris.csv --dims 3,4 --uncertainty "
    "-o i.pdf\n"
    "       gmix select examples/iris.csv --table iris.csv -o iris.json\n"
    "       gmix plot --bic iris.csv -o iris-bic.png\n",
    NULL};

enum {
  OPT_DIMS = OPT_FIRST_COMMAND_OPTION,
  OPT_MAX_DIMS,
  OPT_DENSITY,
  OPT_LEVELS,
  OPT_UNCERTAINTY,
  OPT_MAX_POINTS,
  OPT_BIN_SIZE,
  OPT_BINS,
  OPT_SIZE,
  OPT_TITLE,
  OPT_BIC,
  OPT_CRITERION
};

typedef struct plot_args {
  plot_settings set;
  const char *output, *dims, *weights_file;
  int bic;
  gmix_read_options ropt;
} plot_args;

/* "WxH" with each side in [100, PLOT_MAX_SIZE]. */
static int parse_size(const char *arg, double *w, double *h) {
  char *end;
  unsigned long a = strtoul(arg, &end, 10);
  if (end == arg || (*end != 'x' && *end != 'X'))
    return 0;
  const char *rest = end + 1;
  unsigned long b = strtoul(rest, &end, 10);
  if (end == rest || *end || a < 100 || b < 100 || a > PLOT_MAX_SIZE ||
      b > PLOT_MAX_SIZE || arg[0] == '-' || rest[0] == '-')
    return 0;
  *w = (double)a;
  *h = (double)b;
  return 1;
}

static int parse_args(int argc, char **argv, plot_args *a) {
  static const struct option longopts[] = {
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      {"dims", required_argument, NULL, OPT_DIMS},
      {"max-dims", required_argument, NULL, OPT_MAX_DIMS},
      {"density", no_argument, NULL, OPT_DENSITY},
      {"levels", required_argument, NULL, OPT_LEVELS},
      {"uncertainty", no_argument, NULL, OPT_UNCERTAINTY},
      {"max-points", required_argument, NULL, OPT_MAX_POINTS},
      {"bin-size", required_argument, NULL, OPT_BIN_SIZE},
      {"bins", required_argument, NULL, OPT_BINS},
      {"size", required_argument, NULL, OPT_SIZE},
      {"title", required_argument, NULL, OPT_TITLE},
      {"bic", no_argument, NULL, OPT_BIC},
      {"criterion", required_argument, NULL, OPT_CRITERION},
      {"threads", required_argument, NULL, OPT_THREADS},
      CLI_WEIGHT_LONG_OPTIONS,
      CLI_DATA_LONG_OPTIONS,
      {NULL, 0, NULL, 0}};
  const char *cmd = "plot";
  memset(a, 0, sizeof *a);
  gmix_read_options_init(&a->ropt);
  plot_settings *s = &a->set;
  s->max_points = PLOT_DEFAULT_MAX_POINTS;
  s->bin_size = PLOT_DEFAULT_BIN_SIZE;
  s->levels = PLOT_DEFAULT_LEVELS;
  s->max_dims = PLOT_DEFAULT_MAX_DIMS;
  s->criterion = "bic";
  int c, rc;
  optind = 0;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      a->output = optarg;
      break;
    case OPT_DIMS:
      a->dims = optarg;
      break;
    case OPT_MAX_DIMS:
      if (!cli_parse_count(cmd, "--max-dims", optarg, 1, &s->max_dims))
        return EXIT_USAGE;
      break;
    case OPT_DENSITY:
      s->density = 1;
      break;
    case OPT_LEVELS:
      if (!cli_parse_count(cmd, "--levels", optarg, 1, &s->levels))
        return EXIT_USAGE;
      if (s->levels > PLOT_MAX_LEVELS)
        return cli_usage(cmd, "--levels is at most %d, not %s", PLOT_MAX_LEVELS,
                         optarg);
      break;
    case OPT_UNCERTAINTY:
      s->uncertainty = 1;
      break;
    case OPT_MAX_POINTS:
      if (!cli_parse_count(cmd, "--max-points", optarg, 0, &s->max_points))
        return EXIT_USAGE;
      break;
    case OPT_BIN_SIZE:
      if (!cli_parse_double(cmd, "--bin-size", optarg, 1, &s->bin_size))
        return EXIT_USAGE;
      if (s->bin_size > 100)
        return cli_usage(cmd, "--bin-size is at most 100 pixels, not %s",
                         optarg);
      break;
    case OPT_BINS:
      if (!cli_parse_count(cmd, "--bins", optarg, 1, &s->bins))
        return EXIT_USAGE;
      break;
    case OPT_SIZE:
      if (!parse_size(optarg, &s->width, &s->height))
        return cli_usage(cmd,
                         "--size needs WIDTHxHEIGHT, each from 100 to %d, "
                         "not '%s'",
                         PLOT_MAX_SIZE, optarg);
      break;
    case OPT_TITLE:
      s->title = optarg;
      break;
    case OPT_BIC:
      a->bic = 1;
      break;
    case OPT_CRITERION:
      s->criterion = optarg;
      break;
    case OPT_THREADS:
      if (!cli_parse_count(cmd, "--threads", optarg, 0, &s->threads))
        return EXIT_USAGE;
      break;
    default:
      if (cli_weight_option(c, optarg, &a->ropt, &a->weights_file))
        break;
      if ((rc = cli_common_option(&cli_plot, c, optarg, &a->ropt)) >= 0)
        return rc;
    }
  }
  if (!a->output)
    return cli_usage(cmd, "missing -o FIGURE, the picture to write");
  if (!plot_format_from_path(a->output, &s->format))
    return cli_usage(cmd,
                     "-o %s: the picture's name must end in .png, .svg or "
                     ".pdf",
                     a->output);
  if (a->bic && plot_bic_criterion(s->criterion) < 0)
    return cli_usage(cmd,
                     "--criterion must be bic, aic, icl or bic_mclust, not "
                     "'%s'",
                     s->criterion);
  return -1;
}

/* The last part of a path. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int run_bic(plot_args *a, int argc, char **argv) {
  int rc = cli_expect_operands("plot", argc - optind, 1, "TABLE.csv");
  if (rc != EXIT_OK)
    return rc;
  const char *table = argv[optind];
  if ((rc = cli_check_output_folder(a->output, "picture")) != EXIT_OK)
    return rc;
  bic_table t;
  if ((rc = bic_table_read(table, a->set.criterion, &t)) != EXIT_OK)
    return rc;
  char title[256];
  if (!a->set.title) {
    snprintf(title, sizeof title, "%s: model selection", base_name(table));
    a->set.title = title;
  }
  rc = plot_bic_figure(&a->set, &t, a->set.title, a->output);
  bic_table_free(&t);
  return rc;
}

/* The names of the data's features: the header's, else the model's,
 * else x1, x2, ... */
static int name_features(plot_data *pd, const gmix_table *t,
                         const gmix_model *m) {
  pd->names = calloc(pd->d, sizeof *pd->names);
  if (!pd->names)
    goto nomem;
  for (size_t j = 0; j < pd->d; j++) {
    const char *name = gmix_table_column_name(t, j);
    if (!name)
      name = gmix_model_feature_name(m, j);
    char buf[32];
    if (!name) {
      snprintf(buf, sizeof buf, "x%zu", j + 1);
      name = buf;
    }
    if (!(pd->names[j] = strdup(name)))
      goto nomem;
  }
  return EXIT_OK;
nomem:
  cli_error("out of memory for the feature names");
  return EXIT_DATA;
}

/* --dims: names or 1-based indices, each feature at most once. */
static int parse_dims(const char *list, const plot_data *pd, size_t *dims,
                      size_t *nd) {
  char buf[1024];
  if (strlen(list) >= sizeof buf)
    return cli_usage("plot", "--dims is too long");
  strcpy(buf, list);
  *nd = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    size_t j = pd->d;
    for (size_t q = 0; q < pd->d; q++)
      if (strcmp(pd->names[q], tok) == 0)
        j = q;
    if (j == pd->d) {
      char *end;
      unsigned long v = strtoul(tok, &end, 10);
      if (*tok >= '1' && *tok <= '9' && !*end && v <= pd->d)
        j = v - 1;
    }
    if (j == pd->d)
      return cli_usage("plot",
                       "--dims: '%s' is neither a feature name nor an index "
                       "from 1 to %zu",
                       tok, pd->d);
    for (size_t q = 0; q < *nd; q++)
      if (dims[q] == j)
        return cli_usage("plot", "--dims names feature '%s' twice",
                         pd->names[j]);
    dims[(*nd)++] = j;
  }
  if (*nd == 0)
    return cli_usage("plot", "--dims names no feature");
  return EXIT_OK;
}

static int run_model(plot_args *a, int argc, char **argv) {
  int rc = cli_expect_operands("plot", argc - optind, 2, "MODEL.json and DATA");
  if (rc != EXIT_OK)
    return rc;
  const char *model_path = argv[optind], *data_path = argv[optind + 1];
  if ((rc = cli_check_weight_options("plot", data_path, &a->ropt,
                                     a->weights_file)) != EXIT_OK ||
      (rc = cli_check_output_folder(a->output, "picture")) != EXIT_OK)
    return rc;
  gmix_model *m = NULL;
  gmix_table *t = NULL;
  double *wbuf = NULL;
  size_t *dims = NULL;
  plot_model pm = {0};
  plot_data pd = {0};
  rc = cli_load_model_and_data(model_path, data_path, &a->ropt, &m, &t);
  if (rc == EXIT_OK)
    rc = cli_sample_weights(t, cli_data_name(data_path), a->weights_file, &pd.w,
                            &wbuf);
  if (rc != EXIT_OK)
    goto done;
  pd.x = gmix_table_data(t);
  pd.n = gmix_table_rows(t);
  pd.d = gmix_table_cols(t);
  size_t nd = pd.d < a->set.max_dims ? pd.d : a->set.max_dims;
  if ((rc = name_features(&pd, t, m)) != EXIT_OK)
    goto done;
  if (!(dims = calloc(pd.d, sizeof *dims))) {
    cli_error("out of memory");
    rc = EXIT_DATA;
    goto done;
  }
  for (size_t j = 0; j < nd; j++)
    dims[j] = j;
  if (a->dims && (rc = parse_dims(a->dims, &pd, dims, &nd)) != EXIT_OK)
    goto done;
  if ((rc = plot_model_read(&pm, m)) != EXIT_OK ||
      (rc = plot_data_classify(&pd, &pm, a->set.threads)) != EXIT_OK)
    goto done;
  char title[512];
  if (!a->set.title) {
    snprintf(title, sizeof title,
             "%s: %zu component%s, %s covariance, %zu rows",
             base_name(cli_data_name(data_path)), pm.k, pm.k == 1 ? "" : "s",
             gmix_covariance_type_name(gmix_model_covariance_type(m)), pd.n);
    a->set.title = title;
  }
  rc = plot_model_figure(&a->set, &pm, &pd, dims, nd, a->set.title, a->output);
done:
  plot_data_free(&pd);
  plot_model_free(&pm);
  free(dims);
  free(wbuf);
  gmix_table_free(t);
  gmix_model_free(m);
  return rc;
}

static int run_plot(int argc, char **argv) {
  plot_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0)
    return rc;
  rc = a.bic ? run_bic(&a, argc, argv) : run_model(&a, argc, argv);
  plot_release_fonts();
  return rc;
}

const cli_command cli_plot = {"plot",
                              "draw a model with its data, or a selection "
                              "table (PNG, SVG, PDF)",
                              run_plot, plot_manual};
