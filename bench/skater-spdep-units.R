#!/usr/bin/env Rscript
# SKATER peer benchmark on real polygons: R's spdep on a subset of okrug areas.
#
# Usage: Rscript bench/skater-spdep-units.R prepare AREAS.geojsons OUT_DIR
#        Rscript bench/skater-spdep-units.R skater OUT_DIR [K]
#
# prepare (not timed by bench/pipeline.sh): reads the areas (GeoJSON Sequence,
# features with kato, population and area_km2), orders them by kato, builds
# queen contiguity with spdep::poly2nb (snap 1e-6 degrees), keeps the largest
# connected component and writes to OUT_DIR
#   units.csv   kato,z1,z2: scale(cbind(log(1 + population), log(area_km2)))
#               (sample sd, 17 significant digits, so atd reads the same doubles)
#   pairs.csv   from,to: the undirected queen pairs (kato codes, from < to)
# skater (timed): reads those two files back, builds the neighbour list from
# the pairs, then nbcosts() + nb2listw(style = "B"), mstree(ini = 1) and
# skater(ncuts = K - 1) (default K = 10, euclidean, spdep's sum-of-distances
# heterogeneity, serial), and writes OUT_DIR/spdep.csv (kato,group), to compare
# with `atd-merge --method skater --ssw distance` on the same files
# (tests/peer/compare_partitions.py).
suppressPackageStartupMessages(library(spdep))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: skater-spdep-units.R prepare AREAS OUT_DIR | skater OUT_DIR [K]")
f17 <- function(v) sprintf("%.17g", v)

build_nb <- function(ids, from, to) {
    i <- match(from, ids); j <- match(to, ids)
    a <- c(i, j); b <- c(j, i)
    by <- split(b, factor(a, levels = seq_along(ids)))
    nb <- lapply(by, function(v) if (length(v) == 0) 0L else sort(unique(as.integer(v))))
    names(nb) <- NULL
    class(nb) <- "nb"
    attr(nb, "region.id") <- as.character(ids)
    attr(nb, "sym") <- TRUE
    nb
}

if (args[1] == "prepare") {
    suppressPackageStartupMessages(library(sf))
    out_dir <- args[3]
    dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
    a <- st_read(args[2], quiet = TRUE)
    a <- a[!st_is_empty(a), ]
    a <- a[order(a$kato), ]
    nb <- poly2nb(a, queen = TRUE, snap = 1e-6)
    comp <- n.comp.nb(nb)
    big <- as.integer(names(which.max(table(comp$comp.id))))
    keep <- comp$comp.id == big
    cat(sprintf("areas %d, queen components %d, largest %d\n", nrow(a), comp$nc, sum(keep)))
    from <- rep(seq_along(nb), card(nb))
    to <- unlist(nb[card(nb) > 0])
    both <- from < to & keep[from] & keep[to]
    a <- a[keep, ]
    x <- scale(cbind(log1p(a$population), log(a$area_km2)))
    write.csv(data.frame(kato = a$kato, z1 = f17(x[, 1]), z2 = f17(x[, 2])),
              file.path(out_dir, "units.csv"), row.names = FALSE, quote = FALSE)
    pairs <- data.frame(from = a$kato[match(from[both], which(keep))],
                        to = a$kato[match(to[both], which(keep))])
    write.csv(pairs, file.path(out_dir, "pairs.csv"), row.names = FALSE, quote = FALSE)
    quit(status = 0)
}

out_dir <- args[2]
k <- if (length(args) >= 3) as.integer(args[3]) else 10L
u <- read.csv(file.path(out_dir, "units.csv"), colClasses = c("character", "numeric", "numeric"))
p <- read.csv(file.path(out_dir, "pairs.csv"), colClasses = c("character", "character"))
nb <- build_nb(u$kato, p$from, p$to)
x <- as.matrix(u[, c("z1", "z2")])
t <- system.time({
    lw <- nb2listw(nb, nbcosts(nb, x), style = "B")
    mst <- mstree(lw, ini = 1)
    res <- skater(mst[, 1:2], x, k - 1)
})[["elapsed"]]
cat(sprintf("spdep %s: %d units, %d pairs, k = %d: skater %.2f s\n",
            as.character(packageVersion("spdep")), nrow(u), nrow(p), k, t))
write.csv(data.frame(kato = u$kato, group = res$groups), file.path(out_dir, "spdep.csv"),
          row.names = FALSE, quote = FALSE)
