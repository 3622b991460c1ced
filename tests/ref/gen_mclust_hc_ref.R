#!/usr/bin/Rscript
# Generate tests/ref/mclust_hc_wreath.csv: the merge sequence of mclust's
# model-based hierarchical clustering as Mclust() starts EM by default
# (hc() with modelName "VVV" on the data transformed by hcUse "SVD"), on
# examples/wreath.csv, the reference that tests/fit/test_hc.c compares
# gmix's init hc against.
#
# Run from the repository root with Debian's r-cran-mclust:
#
#     Rscript tests/ref/gen_mclust_hc_ref.R
#
# The output is committed, so the test suite never needs R. The committed
# file was written by mclust 6.0.0 (Debian's r-cran-mclust 6.0.0-1).
#
# One row per merge, in order: the clusters a < b that merge, each named
# by its smallest row (1-based), as hclass() reads them.
suppressPackageStartupMessages(library(mclust))
x <- read.csv("examples/wreath.csv")
h <- hc(x, modelName = mclust.options("hcModelName"),
        use = mclust.options("hcUse"))
pairs <- t(matrix(as.integer(h), nrow = 2))
write.csv(data.frame(a = pairs[, 1], b = pairs[, 2]),
          "tests/ref/mclust_hc_wreath.csv", row.names = FALSE,
          quote = FALSE)
cat("mclust", as.character(packageVersion("mclust")), "hcUse",
    mclust.options("hcUse"), ":", nrow(pairs), "merges written\n")
