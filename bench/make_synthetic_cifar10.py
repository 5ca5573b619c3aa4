#!/usr/bin/env python3
"""Writes CIFAR-10-shaped files of random pixels (official binary layout: 1 label byte + 3072
bytes per record, data_batch_1..5.bin of 10,000 records, test_batch.bin) for timing runs on
3072-dimensional input where the real CIFAR-10 cannot be downloaded. Accuracy on it means
nothing; only the time does.

usage: bench/make_synthetic_cifar10.py DIR
"""
import os
import random
import sys


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(0)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        with open(os.path.join(out, name), "wb") as f:
            for _ in range(10000):
                f.write(bytes([rng.randrange(10)]) + rng.randbytes(3072))
    print(f"wrote {len(names)} files of 10,000 random records to {out}")


if __name__ == "__main__":
    main()
