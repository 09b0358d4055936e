#!/usr/bin/env Rscript
# Peer reference values for klynge's bootstrap intervals from R's boot package (Canty & Ripley;
# Davison & Hinkley 1997). Called by scripts/peers/bootstrap_reference.py, which embeds the
# JSON this prints on stdout under "r_boot" in tests/data/peers/bootstrap_reference.json.
#
# For each case (the same data as the Python script): B = 10^6 stratified resamples (boot with
# strata = group: independent resampling within each group), fixed seed, then
#   * boot.ci's intervals (its workers norm.ci, basic.ci, perc.ci, bca.ci) with L = influence values scaled by
#     1/n_i, so that boot's a = sum L^3 / (6 (sum L^2)^1.5) equals scipy's multi-sample
#     jackknife acceleration (boot.ci's default L is a regression estimate from the
#     replicates, which is random; and boot's formula has no 1/n_i weights for strata);
#     boot's BCa uses z0 = qnorm(#{t* < t0} / B) (ties not counted half);
#   * klynge's BCa (z0 with mid-rank ties) on the same replicates via boot:::norm.inter;
#   * Monte Carlo standard errors: sd over 10 batches of 10^5 replicates / sqrt(10).
# Run: Rscript scripts/peers/bootstrap_reference.R   (Debian r-base-core, r-cran-boot)
suppressPackageStartupMessages(library(boot))

B <- as.numeric(Sys.getenv("KLYNGE_PEER_B", "1e6"))
batches <- 10
levels <- c(0.90, 0.95)
cases <- list(
  mouse = list(treated = c(94, 197, 16, 38, 99, 141, 23),
               control = c(52, 104, 146, 10, 51, 30, 40, 27, 46), seed = 20261127L),
  skewed_unequal = list(
    treated = c(2.1, -0.8, 5.6, 1.2, 14.9, 3.3, 0.4, 7.8, -2.5, 22.6, 1.9, 4.4),
    control = c(1.0, -1.7, 0.6, 2.8, -0.3, 3.9, 0.1, -4.2, 1.5, 9.7, 0.9, -0.6, 2.2, 0.0,
                5.1, -1.1, 1.8, 0.7, 12.3, -2.9), seed = 20261128L))

num <- function(x) {
  if (length(x) != 1) return(paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]"))
  if (!is.finite(x)) return("null")
  sprintf("%.17g", x)
}
obj <- function(...) {
  v <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(v), unlist(v)), collapse = ", "), "}")
}
norm_inter <- function(t, p) suppressWarnings(boot:::norm.inter(t, p)[, 2])

klynge_bca <- function(t, t0, a, conf) {
  share <- (sum(t < t0) + 0.5 * sum(t == t0)) / length(t)
  z0 <- qnorm(share)
  z <- qnorm(c((1 - conf) / 2, (1 + conf) / 2))
  adj <- pnorm(z0 + (z0 + z) / (1 - a * (z0 + z)))
  list(ci = norm_inter(t, adj), z0 = z0)
}

endpoints <- function(b, t, t0, Ls, a, conf) {
  # boot.ci's own workers (boot.ci itself insists on all R replicates).
  kb <- klynge_bca(t, t0, a, conf)
  suppressWarnings(list(
    normal = norm.ci(b, conf = conf, t0 = t0, t = t)[2:3],
    basic = boot:::basic.ci(t0, t, conf = conf)[4:5],
    percentile = boot:::perc.ci(t, conf = conf)[4:5],
    bca = boot:::bca.ci(b, conf = conf, t0 = t0, t = t, L = Ls)[4:5],
    bca_klynge = kb$ci))
}

out <- character()
for (name in names(cases)) {
  cs <- cases[[name]]
  nt <- length(cs$treated)
  nc <- length(cs$control)
  x <- c(cs$treated, cs$control)
  g <- c(rep(1L, nt), rep(2L, nc))
  it <- seq_len(nt)
  ic <- nt + seq_len(nc)
  # With strata, boot keeps each stratum's positions: i[it] are resampled treated indices.
  stat <- function(d, i) mean(d[i[it]]) - mean(d[i[ic]])
  set.seed(cs$seed)
  b <- boot(x, stat, R = B, strata = g)
  t0 <- b$t0
  t <- b$t[, 1]
  L <- c(cs$treated - mean(cs$treated), -(cs$control - mean(cs$control)))
  Ls <- c(L[it] / nt, L[ic] / nc)
  a <- sum(Ls^3) / (6 * sum(Ls^2)^1.5)
  a_unweighted <- sum(L^3) / (6 * sum(L^2)^1.5)
  per_level <- character()
  for (conf in levels) {
    full <- endpoints(b, t, t0, Ls, a, conf)
    parts <- lapply(seq_len(batches), function(k) {
      rows <- ((k - 1) * (B / batches) + 1):(k * (B / batches))
      endpoints(b, t[rows], t0, Ls, a, conf)
    })
    methods <- names(full)
    m_json <- vapply(methods, function(m) {
      lows <- vapply(parts, function(p) p[[m]][1], 0)
      highs <- vapply(parts, function(p) p[[m]][2], 0)
      sprintf("\"%s\": %s", m, obj(low = num(full[[m]][1]), high = num(full[[m]][2]),
                                   mc_se_low = num(sd(lows) / sqrt(batches)),
                                   mc_se_high = num(sd(highs) / sqrt(batches))))
    }, "")
    per_level <- c(per_level, sprintf("\"%.2f\": {%s}", conf, paste(m_json, collapse = ", ")))
  }
  kz <- klynge_bca(t, t0, a, 0.95)$z0
  out <- c(out, sprintf(paste0(
    "\"%s\": {\"B\": %d, \"seed\": %d, \"generator\": \"R set.seed (Mersenne-Twister, ",
    "Rejection sampling); boot(strata = group)\", \"estimate\": %s, \"acceleration\": %s, ",
    "\"acceleration_unweighted_influence\": %s, \"std_error\": %s, \"bias\": %s, ",
    "\"z0_boot\": %s, \"z0_klynge\": %s, \"ties_with_estimate\": %d, \"intervals\": {%s}}"),
    name, as.integer(B), cs$seed, num(t0), num(a), num(a_unweighted), num(sd(t)),
    num(mean(t) - t0), num(qnorm(sum(t < t0) / length(t))), num(kz), sum(t == t0),
    paste(per_level, collapse = ", ")))
}
versions <- sprintf("\"versions\": {\"R\": \"%s\", \"boot\": \"%s\"}",
                    paste(R.version$major, R.version$minor, sep = "."),
                    as.character(packageVersion("boot")))
cat("{", paste(c(out, versions), collapse = ",\n"), "}\n")
