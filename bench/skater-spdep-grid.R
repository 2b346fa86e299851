#!/usr/bin/env Rscript
# SKATER peer benchmark: R's spdep on a regular grid with random attributes.
#
# Usage: Rscript bench/skater-spdep-grid.R NROW NCOL [OUT_DIR] [--seed S]
#                                          [--k K] [--write-only]
#
# Makes an NROW x NCOL grid of units with rook contiguity (spdep::cell2nb) and
# 2 attributes drawn from N(0, 1) with set.seed(S) (default 20261122), then
# standardised with scale() (sample sd).  Writes to OUT_DIR (default /tmp;
# never commit these files):
#   skater-grid-N.csv      unit_id,z1,z2   (N = NROW * NCOL; unit_id 1..N in
#                          cell2nb's order; 17 significant digits)
#   skater-grid-N-nb.csv   from,to         (undirected rook pairs, from < to)
# Unless --write-only, it then times nbcosts() + nb2listw(style = "B"),
# mstree(ini = 1) and skater(ncuts = K - 1) (default K = 10, euclidean, spdep's
# default sum-of-distances homogeneity, serial: no set.coresOption()), prints
# the times and group sizes, and writes
#   skater-grid-N-spdep-kK.csv   unit_id,group
# so that atd's partition of the same grid can be compared with
# tests/peer/compare_partitions.py.
suppressPackageStartupMessages(library(spdep))

args <- commandArgs(trailingOnly = TRUE)
flag <- function(name) name %in% args
opt <- function(name, default) {
    i <- match(name, args)
    if (is.na(i)) default else args[i + 1]
}
seed <- as.integer(opt("--seed", "20261122"))
k <- as.integer(opt("--k", "10"))
skip <- c(which(args %in% c("--seed", "--k")), which(args %in% c("--seed", "--k")) + 1,
          which(args == "--write-only"))
pos <- if (length(skip)) args[-skip] else args
if (length(pos) < 2) stop("usage: skater-spdep-grid.R NROW NCOL [OUT_DIR] [--seed S] [--k K] [--write-only]")
nr <- as.integer(pos[1]); nc <- as.integer(pos[2])
out_dir <- if (length(pos) >= 3) pos[3] else "/tmp"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
n <- nr * nc

cat(R.version.string, "; spdep ", as.character(packageVersion("spdep")), "\n", sep = "")
cat(sprintf("grid %d x %d = %d units, rook, seed %d, k = %d\n", nr, nc, n, seed, k))

set.seed(seed)
x <- scale(matrix(rnorm(2 * n), ncol = 2))
colnames(x) <- c("z1", "z2")
nb <- cell2nb(nr, nc, type = "rook")
stopifnot(length(nb) == n)

f17 <- function(v) sprintf("%.17g", v)
units_csv <- file.path(out_dir, sprintf("skater-grid-%d.csv", n))
nb_csv <- file.path(out_dir, sprintf("skater-grid-%d-nb.csv", n))
write.csv(data.frame(unit_id = seq_len(n), z1 = f17(x[, 1]), z2 = f17(x[, 2])),
          units_csv, row.names = FALSE, quote = FALSE)
from <- rep(seq_len(n), card(nb))
to <- unlist(nb)
keep <- from < to
write.csv(data.frame(from = from[keep], to = to[keep]), nb_csv, row.names = FALSE, quote = FALSE)
cat("wrote", units_csv, "and", nb_csv, sprintf("(%d edges)\n", sum(keep)))
if (flag("--write-only")) quit(status = 0)

elapsed <- function(expr) system.time(expr)[["elapsed"]]
t_costs <- elapsed({
    costs <- nbcosts(nb, x)
    lw <- nb2listw(nb, costs, style = "B")
})
cat(sprintf("nbcosts + nb2listw: %.2f s\n", t_costs))
t_mst <- elapsed(mst <- mstree(lw, ini = 1))
cat(sprintf("mstree: %.2f s\n", t_mst))
t_sk <- elapsed(res <- skater(mst[, 1:2], x, k - 1))
cat(sprintf("skater (ncuts = %d): %.2f s\n", k - 1, t_sk))
cat(sprintf("mstree + skater: %.2f s\n", t_mst + t_sk))
cat("group sizes:", paste(tabulate(res$groups), collapse = " "), "\n")
cat("ssw after each cut:", paste(signif(res$ssw, 10), collapse = " "), "\n")
cat(sprintf("exact duplicate costs among MST edges: %d of %d\n", sum(duplicated(mst[, 3])), nrow(mst)))
out <- file.path(out_dir, sprintf("skater-grid-%d-spdep-k%d.csv", n, k))
write.csv(data.frame(unit_id = seq_len(n), group = res$groups), out, row.names = FALSE, quote = FALSE)
cat("wrote", out, "\n")
