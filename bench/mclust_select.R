# mclust_select.R -- time R mclust's model selection on one data file, the
# peer of `gmix select` in the benchmark.
#
#     Rscript bench/mclust_select.R DATA.csv [--models sklearn|all] [--seed S]
#
# DATA.csv: a header row, then numeric columns. Runs
# mclustBIC(data, G = 1:9, modelNames = MODELS) with mclust's defaults
# (its hierarchical start included; above mclust.options("subset") rows that
# start is computed on a random subsample, drawn after set.seed(S), default
# 0). --models sklearn (the default) is VVV, EEE, VVI and VII, the four
# gmix and scikit-learn share (full, tied, diag, spherical); --models all is
# mclust's 14.
#
# Prints one JSON object on stdout: seconds (wall time of mclustBIC alone,
# reading the file excluded), the best cell (model, K, BIC in mclust's sign
# 2 loglik - p log n, higher is better, and its log-likelihood from a refit
# that is not timed), the number of cells mclust could not fit, the
# versions of mclust and R, and the BLAS and LAPACK libraries R loaded. Needs Debian's r-cran-mclust.

suppressPackageStartupMessages(library(mclust))

usage <- function()
  stop("usage: Rscript bench/mclust_select.R DATA.csv [--models sklearn|all] [--seed S]",
       call. = FALSE)

args <- commandArgs(trailingOnly = TRUE)
path <- NULL
models <- c("VVV", "EEE", "VVI", "VII")
seed <- 0L
i <- 1
while (i <= length(args)) {
  a <- args[i]
  if (a == "--models" && i < length(args)) {
    models <- switch(args[i + 1], sklearn = models,
                     all = mclust.options("emModelNames"), usage())
    i <- i + 2
  } else if (a == "--seed" && i < length(args)) {
    seed <- as.integer(args[i + 1])
    if (is.na(seed)) usage()
    i <- i + 2
  } else if (is.null(path) && !startsWith(a, "--")) {
    path <- a
    i <- i + 1
  } else {
    usage()
  }
}
if (is.null(path)) usage()

X <- as.matrix(read.csv(path))
if (!is.numeric(X) || any(!is.finite(X)))
  stop(path, ": every column must be numeric and finite", call. = FALSE)
G <- 1:9

set.seed(seed)
t0 <- proc.time()[["elapsed"]]
BIC <- mclustBIC(X, G = G, modelNames = models, verbose = FALSE)
seconds <- proc.time()[["elapsed"]] - t0

best <- Mclust(X, x = BIC, verbose = FALSE)

num <- function(x) if (is.null(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
str <- function(x) {
  x <- gsub("\\", "\\\\", x, fixed = TRUE)
  paste0("\"", gsub("\"", "\\\"", x, fixed = TRUE), "\"")
}
fields <- c(
  program = str("mclust mclustBIC"),
  file = str(path),
  n_samples = nrow(X),
  n_features = ncol(X),
  models = paste0("[", paste(vapply(models, str, ""), collapse = ", "), "]"),
  K = paste0("[", paste(G, collapse = ", "), "]"),
  seed = seed,
  seconds = sprintf("%.3f", seconds),
  best_model = str(best$modelName),
  best_K = best$G,
  best_bic = num(best$bic),
  best_loglik = num(best$loglik),
  failed_cells = sum(is.na(BIC)),
  bic_convention = str("2 loglik - p log(n), higher is better"),
  mclust_version = str(as.character(packageVersion("mclust"))),
  blas = str(extSoftVersion()[["BLAS"]]),
  lapack = str(La_library()),
  r_version = str(R.version.string))
cat("{\n  ", paste0("\"", names(fields), "\": ", fields, collapse = ",\n  "),
    "\n}\n", sep = "")
