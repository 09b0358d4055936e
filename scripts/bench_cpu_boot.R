# R boot on the benchmark growth file: stratified (members / controls) bootstrap of the mean
# difference, one metric. Usage: Rscript bench_cpu_boot.R GROWTH.csv R TYPE (perc or bca)
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(boot))
d <- read.csv(args[1])
R <- as.integer(args[2])
type <- args[3]
d <- d[order(-d$member), ]
stat <- function(data, i) {
  x <- data[i, ]
  mean(x$employees[x$member == 1]) - mean(x$employees[x$member == 0])
}
set.seed(1)
t0 <- proc.time()[["elapsed"]]
b <- boot(d, stat, R = R, strata = d$member)
ci <- boot.ci(b, type = type)
elapsed <- proc.time()[["elapsed"]] - t0
cat(sprintf("R boot %s R=%d: %.2f s\n", type, R, elapsed))
print(ci)
