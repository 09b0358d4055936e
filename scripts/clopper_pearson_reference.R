# Reference values for tests/cpu/power_clopper_pearson_test.cpp: exact (Clopper-Pearson) 95%
# intervals of a binomial proportion from R's binom.test, printed with 17 significant digits.
# Run: Rscript scripts/clopper_pearson_reference.R > tests/data/power/clopper_pearson_95.csv
cases <- list(c(0, 10), c(1, 10), c(5, 10), c(10, 10), c(20, 400), c(1, 400), c(380, 400),
              c(123, 1000), c(50, 1000), c(0, 1000), c(999, 1000), c(7, 19))
cat("x,n,low,high\n")
for (k in cases) {
  ci <- binom.test(k[1], k[2], conf.level = 0.95)$conf.int
  cat(sprintf("%d,%d,%.17g,%.17g\n", k[1], k[2], ci[1], ci[2]))
}
