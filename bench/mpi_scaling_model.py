#!/usr/bin/python3
"""The distributed fit's scaling model (mpi/README.md, "Scaling model").

    T(P) = compute(N / P) + reduce(B, P)

compute: the EM iteration's floating-point work on one rank's rows, at the
rate measured by `make bench` (BENCH_ONLY=mpi: rows per second of one rank
at (1,000,000, 32, 32), turned into FLOP/s with the full-covariance count
3 N K d^2 of bench/run_bench.py).

reduce: gmix_mpi_sum as mpi/collective.c does it, on a network of
bandwidth BW and latency LAT:
  - a gather of every rank's B bytes to rank 0, in pieces of at most
    GMIX_MPI_GATHER_DOUBLES doubles in all: rank 0's link receives
    (P - 1) B bytes, plus a latency per piece and per tree level;
  - rank 0 adds the P arrays in rank order (B / 8 additions per rank, at
    ADD_NS nanoseconds each);
  - a binomial-tree broadcast of B bytes: ceil(log2 P) steps of LAT + B/BW.
Efficiency is T(1) / (P T(P)). The crossover is the smallest P at which
reduce(B, P) >= compute(N / P).

Usage: mpi_scaling_model.py RATE_GFLOPS [--cores-per-rank C] [--n N]
       [--d D] [--k K] [--bw-gbit 10] [--lat-us 5]
RATE_GFLOPS is one core's measured rate; a rank may use C cores (a node),
each at that rate.
"""

import argparse
import math

GATHER_DOUBLES = 1 << 20  # GMIX_MPI_GATHER_DOUBLES (gmix_mpi.h)
ADD_NS = 1.0              # one double addition streamed from memory


def packed_doubles(k, d):
    """gmix_stats_packed_size for full covariances: weight, log-likelihood,
    N_k, K x d first moments, K upper triangles."""
    return 2 + k + k * d + k * d * (d + 1) // 2


def flops(n, k, d):
    """Full covariance, per EM iteration (2 per multiply-add): E-step
    2 N K d^2, M-step's SYRK N K d^2."""
    return 3.0 * n * k * d * d


def reduce_seconds(nbytes, p, bw, lat):
    if p == 1:
        return 0.0
    doubles = nbytes // 8
    seg = max(1, GATHER_DOUBLES // p)
    pieces = math.ceil(doubles / seg)
    levels = math.ceil(math.log2(p))
    gather = (p - 1) * nbytes / bw + pieces * levels * lat
    adds = (p - 1) * doubles * ADD_NS * 1e-9
    bcast = levels * (lat + nbytes / bw)
    return gather + adds + bcast


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rate_gflops", type=float,
                    help="one core's measured GFLOP/s")
    ap.add_argument("--cores-per-rank", type=int, default=1)
    ap.add_argument("--n", type=float, default=1e9)
    ap.add_argument("--d", type=int, default=32)
    ap.add_argument("--k", type=int, default=64)
    ap.add_argument("--bw-gbit", type=float, default=10.0)
    ap.add_argument("--lat-us", type=float, default=5.0)
    ap.add_argument("--ranks", default="1,8,64,512")
    args = ap.parse_args()

    rate = args.rate_gflops * 1e9 * args.cores_per_rank
    bw, lat = args.bw_gbit * 1e9 / 8, args.lat_us * 1e-6
    nbytes = 8 * packed_doubles(args.k, args.d)
    work = flops(args.n, args.k, args.d)
    t1 = work / rate
    print("N = %.3g, d = %d, K = %d, full: %.3g FLOP and %d bytes reduced "
          "per iteration; %.3g GFLOP/s per rank (%d core(s) at %.3g); "
          "network %.3g Gb/s, %.3g us"
          % (args.n, args.d, args.k, work, nbytes, rate / 1e9,
             args.cores_per_rank, args.rate_gflops, args.bw_gbit,
             args.lat_us))
    print("| P | compute s | reduce s | T(P) s | efficiency |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for p in (int(x) for x in args.ranks.split(",")):
        c, r = t1 / p, reduce_seconds(nbytes, p, bw, lat)
        print("| %d | %.4g | %.3g | %.4g | %.1f%% |"
              % (p, c, r, c + r, 100.0 * t1 / (p * (c + r))))
    p = 2
    while reduce_seconds(nbytes, p, bw, lat) < t1 / p:
        p += 1
    print("the reduction takes as long as the compute from P = %d on "
          "(efficiency there %.0f%%)"
          % (p, 100.0 * t1 / (p * (t1 / p + reduce_seconds(nbytes, p, bw,
                                                            lat)))))


if __name__ == "__main__":
    main()
