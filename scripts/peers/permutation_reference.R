#!/usr/bin/env Rscript
# Peer reference values for the permutation engine (tests/cpu/permutation_peer_test.cpp),
# written to tests/data/peers/permutation_reference.json. R coin (Hothorn et al.):
#  * the mouse data of Efron & Tibshirani (1993, Table 2.1): oneway_test with the exact
#    distribution (all C(16, 7) = 11440 relabelings). Its statistic is the treatment sum, a
#    monotone function of the mean difference when the group sizes are fixed, so coin's
#    one-sided exact p-values are the exact mean_diff permutation p-values.
#  * a blocked (stratified) two-sample problem: oneway_test(y ~ g | block) with the exact
#    distribution (integer scores, shift algorithm) and an approximate one with 10^6 resamples.
#    The statistic is the sum over blocks of the member sums, again a monotone function of the
#    overall mean difference (sizes are fixed within blocks).
# coin's two-sided p is P(|T - E T| >= |t - E T|); klynge's is 2 min(one-sided), so only the
# one-sided values are compared. Run: Rscript scripts/peers/permutation_reference.R
suppressPackageStartupMessages(library(coin))

treatment <- c(94, 197, 16, 38, 99, 141, 23)
control <- c(52, 104, 146, 10, 51, 30, 40, 27, 46)
y <- c(treatment, control)
# Level "member" first: coin's statistic is the sum over the first level.
g <- factor(c(rep("member", 7), rep("control", 9)), levels = c("member", "control"))
mouse_greater <- pvalue(oneway_test(y ~ g, distribution = "exact", alternative = "greater"))
mouse_less <- pvalue(oneway_test(y ~ g, distribution = "exact", alternative = "less"))

# Blocked data: three strata, integer growth values (per mille) from a fixed seed.
set.seed(20240917)
sizes <- list(c(5, 12), c(4, 9), c(6, 15))
block <- c(); grp <- c(); val <- c()
for (b in seq_along(sizes)) {
  nm <- sizes[[b]][1]; nc <- sizes[[b]][2]
  shift <- c(0, 40, -30)[b]
  val <- c(val, round(rnorm(nm, 25 + shift, 30)), round(rnorm(nc, shift, 50)))
  grp <- c(grp, rep("member", nm), rep("control", nc))
  block <- c(block, rep(b - 1, nm + nc))
}
gb <- factor(grp, levels = c("member", "control"))
bb <- factor(block)
blocked_exact_greater <- pvalue(oneway_test(val ~ gb | bb, distribution = "exact",
                                            alternative = "greater"))
blocked_exact_less <- pvalue(oneway_test(val ~ gb | bb, distribution = "exact",
                                         alternative = "less"))
set.seed(1)
B <- 1000000
blocked_approx_greater <- pvalue(oneway_test(val ~ gb | bb,
                                             distribution = approximate(nresample = B),
                                             alternative = "greater"))

num <- function(x) trimws(formatC(as.numeric(x), digits = 17, format = "g"))
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
out <- c(
  "{",
  sprintf('  "generator": "scripts/peers/permutation_reference.R, R %s, coin %s",',
          paste(R.version$major, R.version$minor, sep = "."), packageVersion("coin")),
  '  "mouse": {',
  sprintf('    "treatment": %s,', vec(treatment)),
  sprintf('    "control": %s,', vec(control)),
  sprintf('    "coin_exact_greater": %s,', num(mouse_greater)),
  sprintf('    "coin_exact_less": %s', num(mouse_less)),
  '  },',
  '  "blocked": {',
  sprintf('    "value": %s,', vec(val)),
  sprintf('    "member": %s,', vec(as.integer(grp == "member"))),
  sprintf('    "block": %s,', vec(block)),
  sprintf('    "coin_exact_greater": %s,', num(blocked_exact_greater)),
  sprintf('    "coin_exact_less": %s,', num(blocked_exact_less)),
  sprintf('    "coin_approx_greater": %s,', num(blocked_approx_greater)),
  sprintf('    "coin_approx_resamples": %d', B),
  '  }',
  "}")
dir.create("tests/data/peers", showWarnings = FALSE, recursive = TRUE)
writeLines(out, "tests/data/peers/permutation_reference.json")
cat(out, sep = "\n")
