// The one project macro for code shared by the CPU and CUDA backends (DESIGN.md §2).
// Under nvcc it marks a function __host__ __device__; under a host compiler it is empty,
// so the same header compiles under both compilers.
#pragma once

#if defined(__CUDACC__)
#define KLYNGE_HD __host__ __device__ __forceinline__
#else
#define KLYNGE_HD inline
#endif

// A function the host compiler must inline into the loop that calls it (a sink called for
// every draw: out of line, the sums it keeps would live in memory). Under nvcc KLYNGE_HD is
// already __forceinline__.
#if defined(__CUDACC__)
#define KLYNGE_ALWAYS_INLINE
#else
#define KLYNGE_ALWAYS_INLINE __attribute__((always_inline))
#endif
