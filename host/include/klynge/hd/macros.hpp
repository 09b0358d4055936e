// The one project macro for code shared by the CPU and CUDA backends (DESIGN.md §2).
// Under nvcc it marks a function __host__ __device__; under a host compiler it is empty,
// so the same header compiles under both compilers.
#pragma once

#if defined(__CUDACC__)
#define KLYNGE_HD __host__ __device__ __forceinline__
#else
#define KLYNGE_HD inline
#endif

// A lambda the host compiler must inline into the loop that calls it (a sink called for every
// draw: out of line, its captured sums would live in memory). nvcc inlines device lambdas.
#if defined(__CUDACC__)
#define KLYNGE_INLINE_LAMBDA
#else
#define KLYNGE_INLINE_LAMBDA __attribute__((always_inline))
#endif
