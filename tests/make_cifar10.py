"""Writes a small CIFAR-10 look-alike in the official binary layout (cifar-10-batches-bin):
data_batch_1.bin .. data_batch_5.bin and test_batch.bin, records of 1 label byte and 3072
pixel bytes (the red plane, then green, then blue, each 32 rows of 32). Each class has its own
colour and stripe direction under uniform noise, so a small CNN learns it in a few batches.

    python3 tests/make_cifar10.py DIR [--train 2000] [--test 500]
"""
import argparse
import os

import numpy as np


def images(count, rng):
    labels = rng.integers(0, 10, size=count, dtype=np.uint8)
    rows, cols = np.mgrid[0:32, 0:32]
    pixels = rng.integers(0, 96, size=(count, 3, 32, 32)).astype(np.int64)
    for c in range(10):
        chosen = labels == c
        colour = np.array([(c * 37) % 160, (c * 71) % 160, (c * 113) % 160]).reshape(3, 1, 1)
        stripes = ((rows if c % 2 else cols) + c) % (2 + c % 4) == 0
        pixels[chosen] += colour + 60 * stripes
    return labels, np.clip(pixels, 0, 255).astype(np.uint8)


def write(path, labels, pixels):
    records = np.concatenate([labels.reshape(-1, 1), pixels.reshape(len(labels), -1)], axis=1)
    with open(path, "wb") as out:
        out.write(records.astype(np.uint8).tobytes())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--test", type=int, default=500)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(0)
    labels, pixels = images(args.train, rng)
    for k, part in enumerate(np.array_split(np.arange(args.train), 5), start=1):
        write(os.path.join(args.dir, f"data_batch_{k}.bin"), labels[part], pixels[part])
    labels, pixels = images(args.test, rng)
    write(os.path.join(args.dir, "test_batch.bin"), labels, pixels)


if __name__ == "__main__":
    main()
