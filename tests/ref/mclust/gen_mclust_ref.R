# gen_mclust_ref.R -- generate tests/ref/mclust/mclust_ref.json: R mclust's
# BIC tables, log-likelihoods and hierarchical starting partitions for the
# bundled data sets, the reference that test_mclust_ref.c compares gmix
# against.
#
# Run from the repository root with Debian's R and mclust (r-cran-mclust, a
# development-time dependency only):
#
#     Rscript tests/ref/mclust/gen_mclust_ref.R
#
# The output is committed, so building and testing never need R. The file
# records the versions of R and mclust that wrote it and the date.
#
# For each data set (examples/faithful.csv, examples/iris.csv,
# examples/wreath.csv; every column numeric) it writes:
#
#   hc        mclust's default start, computed as mclustBIC computes it:
#             hc(data, modelName = mclust.options("hcModelName"),
#             use = mclust.options("hcUse")) (model-based agglomerative
#             clustering on the data transformed as "use" says; "SVD" is
#             centred, scaled, rotated to principal axes and whitened). No
#             data set has more rows than mclust.options("subset"), so no
#             subsample is taken. The script checks that mclustBIC used the
#             same hcPairs.
#   hclass    hclass(hcPairs, K) for K = 1..9: 1-based labels, one per row in
#             file order. EM for K >= 2 starts from the M-step of this
#             partition (one-hot responsibilities).
#   bic       mclustBIC(data, G = 1:9) over all 14 models, as mclust gives it:
#             2 loglik - p log(n), higher is better; null where mclust gives
#             NA (a singular covariance, a vanished component). bic_sklearn:
#             the same for the four models scikit-learn has (VVV = full,
#             EEE = tied, VVI = diag, VII = spherical).
#   cells     one per (model, K):
#               bic, loglik, n_parameters, return_code, n_iter
#                 the fit behind the BIC cell, refitted exactly as mclustBIC
#                 fits it (me() from unmap(hclass), default emControl(); mvn()
#                 for K = 1) so that its log-likelihood is known: mclustBIC
#                 keeps only the BIC. The script checks that bic() of this
#                 loglik is the table's value and that 2 loglik - p log(n)
#                 agrees with it. return_code is mclust's (0 converged,
#                 1 iteration limit, negative: failed, loglik null).
#               loglik_tight, return_code_tight, n_iter_tight
#                 the same start refitted with TIGHT_CONTROL below: mclust's
#                 default stops when the relative change of the
#                 log-likelihood falls below 1e-5, often far from the
#                 maximum EM is climbing to (hundreds of units on wreath);
#                 the tight fit is that maximum to ~1e-12 relative, the value
#                 a converged EM from the same start must reach. (Not for
#                 every model: mclust's VVE iterations can lower the
#                 log-likelihood, so its tight value is sometimes below the
#                 default one; mclust 6.0.0 does so on all three data sets.)
#   best, best_sklearn
#             the cell of highest BIC over all 14 models and over the four
#             above; mclust_best is what Mclust(data, x = bic) chooses (the
#             script checks it is `best`).
#
# The JSON is written by hand: jsonlite (1.8.4 in Debian 12) prints at most
# 15 significant digits, and every number here needs 17 to round-trip.

suppressPackageStartupMessages(library(mclust))

DATASETS <- c(faithful = "examples/faithful.csv",
              iris = "examples/iris.csv",
              wreath = "examples/wreath.csv")
G_VALUES <- 1:9
MODELS <- mclust.options("emModelNames")          # all 14, EII ... VVV
SKLEARN <- c(VVV = "full", EEE = "tied", VVI = "diag", VII = "spherical")
# tol[1]: relative change of the log-likelihood between EM iterations;
# tol[2]: the inner iterations of the models without a closed-form M-step
# (left at mclust's default). itmax[1] bounds EM iterations.
TIGHT_CONTROL <- emControl(tol = c(1e-12, emControl()$tol[2]),
                           itmax = c(1e6, emControl()$itmax[2]))
OUTPUT <- "tests/ref/mclust/mclust_ref.json"

if (!file.exists("examples/faithful.csv"))
  stop("run from the repository root: Rscript tests/ref/mclust/gen_mclust_ref.R")

# ---------------------------------------------------------------------------
# A small JSON writer. Length-1 atomic vectors are scalars, longer ones (and
# any vector wrapped in I()) arrays; named lists are objects, unnamed lists
# arrays. Doubles use %.17g, NA and non-finite values null.
# ---------------------------------------------------------------------------

json_atom <- function(x) {
  if (is.na(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.character(x)) {
    x <- gsub("\\", "\\\\", x, fixed = TRUE)
    x <- gsub("\"", "\\\"", x, fixed = TRUE)
    return(paste0("\"", x, "\""))
  }
  if (is.integer(x)) return(sprintf("%d", x))
  if (!is.finite(x)) return("null")
  sprintf("%.17g", x)
}

json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 1)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, json, "", indent = indent + 1)
    if (!is.null(names(x)))
      items <- paste0(vapply(names(x), json_atom, ""), ": ", items)
    return(paste0(if (is.null(names(x))) "[\n" else "{\n",
                  paste0(pad, items, collapse = ",\n"), "\n",
                  strrep(" ", indent), if (is.null(names(x))) "]" else "}"))
  }
  if (length(x) == 1 && !inherits(x, "AsIs")) return(json_atom(x))
  paste0("[", paste(vapply(unclass(x), json_atom, ""), collapse = ", "), "]")
}

# ---------------------------------------------------------------------------
# One data set
# ---------------------------------------------------------------------------

n_iterations <- function(fit) {
  info <- attr(fit, "info")
  if (is.null(info)) return(0L)      # mvn(): closed form, no iterations
  as.integer(info[[1]])
}

# me() from the partition cl (or mvn() for one component), as mclustBIC
# fits a cell.
fit_cell <- function(X, model, cl, control) {
  if (max(cl) == 1)
    return(mvn(modelName = model, data = X))
  me(data = X, modelName = model, z = unmap(cl, groups = 1:max(cl)),
     control = control, warn = FALSE)
}

best_cell <- function(bic, models) {
  sub <- bic[, models, drop = FALSE]
  if (all(is.na(sub))) return(NULL)
  at <- which(sub == max(sub, na.rm = TRUE), arr.ind = TRUE)[1, ]
  list(model = colnames(sub)[at[2]], K = as.integer(rownames(sub)[at[1]]),
       bic = sub[at[1], at[2]])
}

dataset <- function(name, path) {
  X <- as.matrix(read.csv(path))
  if (!is.numeric(X) || any(!is.finite(X)))
    stop(path, ": every column must be numeric and finite")
  n <- nrow(X)
  d <- ncol(X)
  if (n > mclust.options("subset"))
    stop(path, ": more rows than mclust.options(\"subset\"): mclust would ",
         "start from a subsample, which this script does not record")
  cat(sprintf("%s: %d x %d\n", name, n, d), file = stderr())

  hcp <- hc(data = X, modelName = mclust.options("hcModelName"),
            use = mclust.options("hcUse"))
  cl <- hclass(hcp, G_VALUES)

  BIC <- mclustBIC(X, G = G_VALUES, modelNames = MODELS, verbose = FALSE)
  if (!identical(hclass(attr(BIC, "initialization")$hcPairs, G_VALUES), cl))
    stop(name, ": mclustBIC did not start from the same hierarchical pairs")
  bic <- matrix(as.numeric(BIC), nrow = length(G_VALUES),
                dimnames = list(as.character(G_VALUES), MODELS))
  codes <- attr(BIC, "returnCodes")

  cells <- list()
  for (model in MODELS) {
    for (k in G_VALUES) {
      g <- as.character(k)
      fit <- fit_cell(X, model, cl[, g], emControl())
      tight <- fit_cell(X, model, cl[, g], TIGHT_CONTROL)
      p <- nMclustParams(model, d, k)
      ll <- if (is.null(fit$loglik)) NA_real_ else fit$loglik
      ll_tight <- if (is.null(tight$loglik)) NA_real_ else tight$loglik
      again <- bic(modelName = model, loglik = ll, n = n, d = d, G = k)
      if (!identical(is.na(again), is.na(bic[g, model])) ||
          (!is.na(again) && again != bic[g, model]))
        stop(sprintf("%s %s K=%d: refit BIC %.17g, mclustBIC %.17g",
                     name, model, k, again, bic[g, model]))
      if (!is.na(ll) &&
          abs(2 * ll - p * log(n) - bic[g, model]) > 1e-12 * abs(bic[g, model]))
        stop(sprintf("%s %s K=%d: 2 loglik - p log n is not the BIC",
                     name, model, k))
      if (attr(fit, "returnCode") != codes[g, model])
        stop(sprintf("%s %s K=%d: refit return code differs", name, model, k))
      cells[[length(cells) + 1]] <- list(
        model = model, K = k, bic = bic[g, model], loglik = ll,
        n_parameters = as.integer(p),
        return_code = as.integer(attr(fit, "returnCode")),
        n_iter = n_iterations(fit),
        loglik_tight = ll_tight,
        return_code_tight = as.integer(attr(tight, "returnCode")),
        n_iter_tight = n_iterations(tight))
    }
  }

  best <- best_cell(bic, MODELS)
  best_sk <- best_cell(bic, names(SKLEARN))
  best_sk$sklearn <- unname(SKLEARN[best_sk$model])
  chosen <- Mclust(X, x = BIC, verbose = FALSE)
  if (chosen$modelName != best$model || chosen$G != best$K ||
      chosen$bic != best$bic)
    stop(name, ": Mclust chose another cell than the highest BIC")
  cat(sprintf("  best %s,%d BIC %.17g; sklearn-like best %s,%d BIC %.17g\n",
              best$model, best$K, best$bic, best_sk$model, best_sk$K,
              best_sk$bic), file = stderr())

  table_of <- function(models)
    setNames(lapply(models, function(m) I(unname(bic[, m]))), models)
  hclass_rows <- lapply(G_VALUES, function(k) I(as.integer(cl[, as.character(k)])))

  list(file = path, n_samples = n, n_features = d,
       columns = I(colnames(X)),
       hc = list(modelName = attr(hcp, "modelName"), use = attr(hcp, "use")),
       K = I(G_VALUES),
       bic = table_of(MODELS),
       bic_sklearn = table_of(names(SKLEARN)),
       best = best,
       best_sklearn = best_sk,
       mclust_best = list(model = chosen$modelName, K = as.integer(chosen$G),
                          bic = chosen$bic, loglik = chosen$loglik),
       cells = cells,
       hclass = hclass_rows)
}

# ---------------------------------------------------------------------------

sets <- mapply(dataset, names(DATASETS), DATASETS, SIMPLIFY = FALSE)
def <- emControl()
doc <- list(
  format = "gmix-mclust-reference",
  version = 1L,
  generator = "Rscript tests/ref/mclust/gen_mclust_ref.R",
  mclust_version = as.character(packageVersion("mclust")),
  r_version = R.version.string,
  date = format(Sys.Date()),
  bic_convention = "mclust's: 2 loglik - p log(n), higher is better",
  sklearn_names = as.list(SKLEARN),
  mclust_options = list(
    hcModelName = mclust.options("hcModelName"),
    hcUse = mclust.options("hcUse"),
    subset = as.integer(mclust.options("subset")),
    prior = NULL,
    emControl = list(eps = def$eps, tol = I(def$tol), itmax = I(def$itmax))),
  tight_control = list(eps = TIGHT_CONTROL$eps, tol = I(TIGHT_CONTROL$tol),
                       itmax = I(TIGHT_CONTROL$itmax)),
  models = I(MODELS),
  datasets = sets)

tmp <- paste0(OUTPUT, ".tmp")
writeLines(json(doc), tmp)
invisible(file.rename(tmp, OUTPUT))
cat("wrote", OUTPUT, "\n", file = stderr())
