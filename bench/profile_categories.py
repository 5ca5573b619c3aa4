#!/usr/bin/env python3
"""Reads `perf report --no-children --sort sym --stdio` and prints the share of samples per
category of a training step (a markdown table), then the ten hottest symbols."""
import re
import sys

# First match wins; patterns are searched in the demangled symbol.
CATEGORIES = [
    ("GEMM micro-kernel and loops",
     r"gemm_packed|macro_kernel|gemm_small_m|small_m_rows|gemm<|gemm_split_k|micro_kernel|rank1"),
    ("GEMM packing", r"pack_a|pack_b|transpose_rows|copy_short"),
    ("optimizer update", r"optim::"),
    ("thread pool: waiting for work or for the other thread",
     r"Pool|parallel_run|sched_yield|__schedule|futex|do_syscall|entry_SYSCALL|syscall"),
    ("elementwise, reductions, softmax, copies",
     r"broadcast|elementwise|relu|sigmoid|tanh|softmax|exp|log|reduce|sum|mean|max|axpy|"
     r"memmove|memcpy|memset|simd|xt::|Tensor<"),
    ("autograd bookkeeping, allocator",
     r"Variable|Node|make_result|backward|Gate|cached_|Cache|allocate|shared|mutex|"
     r"pthread_mutex|operator new|malloc|free|Module|Sequential|Linear|forward|std::"),
]

def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "profile"
    shares = {name: 0.0 for name, _ in CATEGORIES}
    other = 0.0
    top = []
    for line in sys.stdin:
        m = re.match(r"\s*([\d.]+)%\s+\[[.k]\]\s+(.*)$", line)
        if not m:
            continue
        share, symbol = float(m.group(1)), m.group(2).strip()
        top.append((share, symbol))
        for name, pattern in CATEGORIES:
            if re.search(pattern, symbol):
                shares[name] += share
                break
        else:
            other += share
    print(f"| {title}: category | share of samples |")
    print("| --- | ---: |")
    for name, _ in CATEGORIES:
        print(f"| {name} | {shares[name]:.1f}% |")
    print(f"| other (kernel, unresolved) | {other:.1f}% |")
    print("\nHottest symbols:")
    for share, symbol in sorted(top, reverse=True)[:10]:
        print(f"  {share:5.1f}%  {symbol[:110]}")

if __name__ == "__main__":
    main()
