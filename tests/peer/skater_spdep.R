#!/usr/bin/env Rscript
# Reference SKATER partitions of Sardinia's municipalities from R's spdep,
# for comparison with `atd-merge --method skater`.
#
# Usage: Rscript tests/peer/skater_spdep.R OUT_DIR [DATA_DIR]
#   DATA_DIR defaults to ../shared/datasets/commuting/sardinia relative to the
#   repository root (the folder holding attributes.csv and contiguity_queen.csv).
#
# The graph is read from contiguity_queen.csv, not built from the polygons, so
# that R and atd work on exactly the same neighbour pairs.  Units outside the
# largest connected component (the islands La Maddalena 90035 and Carloforte
# 92010) are dropped and listed.  Units are ordered by unit_id ascending; unit
# index i (1-based) in R is the i-th smallest unit_id, and each unit's
# neighbour list is sorted ascending (spdep's own convention), which fixes how
# mstree() breaks ties.
#
# Attributes: x = scale(cbind(log(POP2001), employed_residents / POP2001,
#                             jobs / employed_residents))   (sample sd)
# Costs: nbcosts(nb, x) (euclidean), nb2listw(style = "B"), mstree(ini = 1).
# Runs: skater(mst[, 1:2], x, ncuts = k - 1) for k = 2, 5, 10, and k = 10 with
# crit = 20000, vec.crit = POP2001 (every group's population at least 20,000).
#
# Writes to OUT_DIR:
#   standardised.csv              unit_id,z1,z2,z3 (17 significant digits)
#   mst.csv                       step,from,to,cost: the MST edges as unit_id
#                                 pairs in Prim's order from unit 1 (from = the
#                                 node already in the tree)
#   skater_k2.csv, skater_k5.csv, skater_k10.csv, skater_k10_floor20000.csv
#                                 unit_id,group (group = res$groups)
#   skater_sq_*.csv               the same four runs with the sum of squared
#                                 deviations as homogeneity (see sqdev below)
#   skater_ssw.csv                run,groups,ssw: res$ssw, the objective after
#                                 each cut (spdep's ssw = sum of euclidean
#                                 distances to the group mean, not squared)
#   skater_gaps.csv               run,cut,from,to,best,second,gap: at each cut
#                                 the reduction of ssw of the edge cut and of
#                                 the runner-up (the best other admissible
#                                 edge), to show how close each choice was
#   dropped.csv                   unit_id of the units left out
suppressPackageStartupMessages(library(spdep))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: skater_spdep.R OUT_DIR [DATA_DIR]")
out_dir <- args[1]
script_dir <- local({
    f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
    if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- if (length(args) >= 2) args[2] else
    file.path(script_dir, "..", "..", "..", "shared", "datasets", "commuting", "sardinia")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

cat(R.version.string, "; spdep ", as.character(packageVersion("spdep")), "\n", sep = "")
cat("data:", normalizePath(data_dir), "\n")

attrs <- read.csv(file.path(data_dir, "attributes.csv"), stringsAsFactors = FALSE)
pairs <- read.csv(file.path(data_dir, "contiguity_queen.csv"))
stopifnot(!anyDuplicated(attrs$unit_id), all(c(pairs$from, pairs$to) %in% attrs$unit_id))
attrs <- attrs[order(attrs$unit_id), ]

# neighbour lists over all units, then keep the largest connected component
build_nb <- function(ids, from, to) {
    i <- match(from, ids); j <- match(to, ids)
    keep <- i != j
    i <- i[keep]; j <- j[keep]
    a <- c(i, j); b <- c(j, i)
    nb <- lapply(seq_along(ids), function(u) {
        v <- sort(unique(b[a == u]))
        if (length(v) == 0) 0L else as.integer(v)
    })
    class(nb) <- "nb"
    attr(nb, "region.id") <- as.character(ids)
    attr(nb, "call") <- match.call()
    attr(nb, "sym") <- TRUE
    nb
}
nb_all <- build_nb(attrs$unit_id, pairs$from, pairs$to)
comp <- n.comp.nb(nb_all)
sizes <- table(comp$comp.id)
cat("components:", comp$nc, "sizes:", paste(sort(as.integer(sizes), decreasing = TRUE), collapse = " "), "\n")
big <- as.integer(names(sizes)[which.max(sizes)])
dropped <- attrs$unit_id[comp$comp.id != big]
cat("dropped (outside the largest component):", if (length(dropped)) paste(dropped, collapse = " ") else "none", "\n")
write.csv(data.frame(unit_id = dropped), file.path(out_dir, "dropped.csv"), row.names = FALSE, quote = FALSE)

attrs <- attrs[comp$comp.id == big, ]
ids <- attrs$unit_id
inside <- pairs$from %in% ids & pairs$to %in% ids
nb <- build_nb(ids, pairs$from[inside], pairs$to[inside])
stopifnot(n.comp.nb(nb)$nc == 1, is.symmetric.nb(nb))
cat("units:", length(ids), "edges:", sum(card(nb)) / 2, "\n")

x <- scale(cbind(log(attrs$POP2001),
                 attrs$employed_residents / attrs$POP2001,
                 attrs$jobs / attrs$employed_residents))
colnames(x) <- c("z1", "z2", "z3")
f17 <- function(v) sprintf("%.17g", v)  # round-trips every double
std <- data.frame(unit_id = ids, z1 = f17(x[, 1]), z2 = f17(x[, 2]), z3 = f17(x[, 3]))
write.csv(std, file.path(out_dir, "standardised.csv"), row.names = FALSE, quote = FALSE)
# check that the written digits read back to the same doubles
back <- read.csv(file.path(out_dir, "standardised.csv"))
stopifnot(identical(unname(as.matrix(back[, 2:4])), unname(x[, 1:3, drop = FALSE]) + 0))

t_costs <- system.time(costs <- nbcosts(nb, x))[["elapsed"]]
lw <- nb2listw(nb, costs, style = "B")
stopifnot(isTRUE(all.equal(unlist(lw$weights), unlist(costs))))
t_mst <- system.time(mst <- mstree(lw, ini = 1))[["elapsed"]]
cat(sprintf("nbcosts %.3f s, mstree %.3f s\n", t_costs, t_mst))
write.csv(data.frame(step = seq_len(nrow(mst)), from = ids[mst[, 1]], to = ids[mst[, 2]],
                     cost = f17(mst[, 3])),
          file.path(out_dir, "mst.csv"), row.names = FALSE, quote = FALSE)

# ties: exact duplicates among the cost values
dup_count <- function(v) sum(duplicated(v))
edge_costs <- unlist(lapply(seq_along(nb), function(u) costs[[u]][nb[[u]] > u]))
cat("exact duplicate costs: MST edges", dup_count(mst[, 3]), "of", nrow(mst),
    "; all graph edges", dup_count(edge_costs), "of", length(edge_costs), "\n")
if (dup_count(mst[, 3]) > 0) {
    d <- mst[, 3][duplicated(mst[, 3])]
    print(mst[mst[, 3] %in% d, , drop = FALSE])
}

# spdep's homogeneity (ssw) is the sum of euclidean distances to the group
# mean.  Assuncao et al. (2006) use the sum of squared deviations; skater()
# takes a function as `method`, so the *_sq runs give that variant too (the
# MST and its costs are the same euclidean ones).
sqdev <- function(data, id) {
    d <- data[id, , drop = FALSE]
    sum(sweep(d, 2, colMeans(d))^2)
}
runs <- list(
    list(name = "skater_k2", k = 2),
    list(name = "skater_k5", k = 5),
    list(name = "skater_k10", k = 10),
    list(name = "skater_k10_floor20000", k = 10, crit = 20000, vec.crit = attrs$POP2001),
    list(name = "skater_sq_k2", k = 2, method = sqdev),
    list(name = "skater_sq_k5", k = 5, method = sqdev),
    list(name = "skater_sq_k10", k = 10, method = sqdev),
    list(name = "skater_sq_k10_floor20000", k = 10, crit = 20000, vec.crit = attrs$POP2001,
         method = sqdev))
run_skater <- function(r, ncuts) {
    m <- if (is.null(r$method)) "euclidean" else r$method
    if (is.null(r$crit)) skater(mst[, 1:2], x, ncuts, method = m) else
        skater(mst[, 1:2], x, ncuts, r$crit, r$vec.crit, method = m)
}
ssw_rows <- list()
for (r in runs) {
    t <- system.time(res <- run_skater(r, r$k - 1))[["elapsed"]]
    g <- res$groups
    write.csv(data.frame(unit_id = ids, group = g), file.path(out_dir, paste0(r$name, ".csv")),
              row.names = FALSE, quote = FALSE)
    ssw_rows[[r$name]] <- data.frame(run = r$name, groups = seq_along(res$ssw), ssw = f17(res$ssw))
    cut <- which(g[mst[, 1]] != g[mst[, 2]])
    pop <- tapply(attrs$POP2001, g, sum)
    cat(sprintf("%-25s k=%-2d groups=%d time %.3f s\n", r$name, r$k, max(g), t))
    cat("  sizes (units, by group label):", paste(tabulate(g), collapse = " "), "\n")
    cat("  population by group:", paste(pop, collapse = " "), "\n")
    cat("  cut MST edges (from-to):", paste(ids[mst[cut, 1]], ids[mst[cut, 2]], sep = "-", collapse = " "), "\n")
    cat("  ssw after each cut:", paste(signif(res$ssw, 10), collapse = " "), "\n")
}

# How close was each choice?  Before cut s, every edge of every group has its
# reduction of ssw (prunecost, stored sorted in res$edges.groups[[g]]$edge[, 3]
# of the run with s - 1 cuts); the edge cut is the admissible one with the
# largest reduction (admissible: both sides meet the floor, if any).
admissible <- function(res, e, group, vec.crit, crit) {
    if (is.null(crit)) return(TRUE)
    ed <- res$edges.groups[[group]]$edge[, 1:2, drop = FALSE]
    row <- which(ed[, 1] == e[1] & ed[, 2] == e[2])
    parts <- spdep:::prunemst(rbind(ed[row, ], ed[-row, , drop = FALSE]), only.nodes = TRUE)
    all(sapply(parts, function(p) sum(vec.crit[p])) >= crit)
}
gap_rows <- list()
for (r in runs) {
    for (s in seq_len(r$k - 1)) {
        res <- run_skater(r, s - 1)
        cand <- do.call(rbind, lapply(seq_along(res$edges.groups), function(g) {
            e <- res$edges.groups[[g]]$edge
            if (nrow(e) == 0) NULL else cbind(g, e[, 1:3, drop = FALSE])
        }))
        cand <- cand[order(-cand[, 4]), , drop = FALSE]
        found <- integer(0)
        for (i in seq_len(nrow(cand))) {
            if (admissible(res, cand[i, 2:3], cand[i, 1], r$vec.crit, r$crit)) found <- c(found, i)
            if (length(found) == 2) break
        }
        best <- cand[found[1], ]
        second <- if (length(found) > 1) cand[found[2], 4] else NA
        gap_rows[[length(gap_rows) + 1]] <- data.frame(
            run = r$name, cut = s, from = ids[best[2]], to = ids[best[3]],
            best = f17(best[4]), second = f17(second), gap = sprintf("%.6g", best[4] - second))
    }
}
gaps <- do.call(rbind, gap_rows)
write.csv(gaps, file.path(out_dir, "skater_gaps.csv"), row.names = FALSE, quote = FALSE)
cat("smallest gap between the edge cut and the runner-up:",
    format(min(as.numeric(gaps$gap), na.rm = TRUE), digits = 6), "\n")
all_prune <- unlist(lapply(skater(mst[, 1:2], x, 0)$edges.groups, function(g) g$edge[, 3]))
cat("exact duplicate prune costs (the first cut's edge ordering):", dup_count(all_prune),
    "of", length(all_prune), "\n")

write.csv(do.call(rbind, ssw_rows), file.path(out_dir, "skater_ssw.csv"), row.names = FALSE, quote = FALSE)
