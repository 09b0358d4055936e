# R coin on the benchmark growth file: approximate (Monte Carlo) permutation test of equal
# means, members vs controls, one metric: oneway_test(employees ~ member,
# distribution = approximate(nresample = B)). Usage: Rscript bench_cpu_perm_coin.R GROWTH.csv B
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(coin))
d <- read.csv(args[1])
B <- as.integer(args[2])
d$member <- factor(d$member, levels = c(1, 0))
set.seed(1)
t0 <- proc.time()[["elapsed"]]
t <- oneway_test(employees ~ member, data = d, distribution = approximate(nresample = B))
p <- pvalue(t)
elapsed <- proc.time()[["elapsed"]] - t0
cat(sprintf("R coin oneway_test approximate B=%d: %.2f s  statistic=%.4f p=%.6g\n", B, elapsed,
            statistic(t), p))
