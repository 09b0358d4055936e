#!/usr/bin/env python3
"""The PyTorch code a researcher would write for the GPU benchmark's workloads, timed on the
same card (scripts/bench-gpu.sh compares it with klynge_gpu_bench).
  bench_gpu_torch.py boot N METRICS B [poisson|median]  exact bootstrap: torch.randint + gather
                                                 + mean per group (Poisson: torch.poisson
                                                 weights; median: + torch.median instead)
  bench_gpu_torch.py perm N MEMBERS B            permutation: argsort of random keys per replicate
Replicates are processed in batches that fit in memory. Prints one line like klynge_gpu_bench."""
import math
import sys
import time

import torch

what, n, third, B = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
poisson = len(sys.argv) > 5 and sys.argv[5] == "poisson"
median = len(sys.argv) > 5 and sys.argv[5] == "median"
dev = torch.device("cuda")
g = torch.Generator(device=dev).manual_seed(1)


def batch_for(per_replicate_bytes):
    free, _ = torch.cuda.mem_get_info()
    return max(1, min(B, int(free * 0.4 // per_replicate_bytes)))


if what == "boot":
    k = third
    n1 = n // 10
    x = torch.randn(n, k, device=dev, dtype=torch.float64, generator=g) * 0.05
    members, controls = x[:n1], x[n1:]
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    out = []
    bs = batch_for(n * (8 + 8 * k) * 2)
    done = 0
    while done < B:
        b = min(bs, B - done)
        if poisson:
            w = torch.poisson(torch.ones(b, n, device=dev, dtype=torch.float64), generator=g)
            s = w @ x  # b x k weighted sums
            w1 = w[:, :n1].sum(1, keepdim=True)
            s1 = w[:, :n1] @ members
            diff = s1 / w1 - (s - s1) / (w.sum(1, keepdim=True) - w1)
        else:
            i1 = torch.randint(0, n1, (b, n1), device=dev, generator=g)
            i0 = torch.randint(0, n - n1, (b, n - n1), device=dev, generator=g)
            if median:  # the gathered resample's median per group (a sort per replicate)
                diff = members[i1].median(1).values - controls[i0].median(1).values
            else:
                diff = members[i1].mean(1) - controls[i0].mean(1)  # 2-D index: b x n x k gathers
        out.append(diff)
        done += b
    torch.cuda.synchronize()
    sec = time.perf_counter() - t0
    first = torch.cat(out)[0, 0].item()
    kind = "poisson" if poisson else "median" if median else "exact"
    print(f"torch boot {kind} n={n} metrics={k} B={B}: {sec:.4f} s, "
          f"{B * n / sec / 1e9:.2f} G draws/s, first={first:.9g}")
elif what == "perm":
    n1 = third
    x = torch.randn(n, device=dev, dtype=torch.float64, generator=g) * 0.05
    x[:n1] += 0.01
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    bs = batch_for(n * 16)
    done, exceed = 0, 0
    observed = x[:n1].mean() - x[n1:].mean()
    total = x.sum()
    while done < B:
        b = min(bs, B - done)
        keys = torch.rand(b, n, device=dev, generator=g)
        idx = torch.argsort(keys, dim=1)[:, :n1]
        s1 = x[idx].sum(1)
        t = s1 / n1 - (total - s1) / (n - n1)
        exceed += int((t.abs() >= observed.abs()).sum().item())
        done += b
    torch.cuda.synchronize()
    sec = time.perf_counter() - t0
    print(f"torch perm n={n} members={n1} B={B}: {sec:.4f} s, "
          f"{B * min(n1, n - n1) / sec / 1e9:.2f} G draws/s, p={(exceed + 1) / (B + 1):.4g}")
else:
    sys.exit(f"unknown workload {what}")
