"""How long MNIST takes to load (parse + verify) and to iterate at batch size 64.

Uses the copy bundled under ``examples/data/mnist`` (or wherever ``typedtorch.data``
finds the files). Each number is the median of several runs. Run:

    python benchmarks/data_loading.py [--device cpu|cuda] [--repeat 5]

The gzip and sha256 lines time the standard library alone on the train images, the
floor under any loader that decompresses and verifies them.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import statistics
import time
from collections.abc import Callable

import typedtorch.data as ttd


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def epoch(loader: ttd.DataLoader[object]) -> int:
    batches = 0
    for _ in loader:
        batches += 1
    return batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dev, n = args.device, args.repeat

    train = ttd.MNIST(flatten=True, device=dev)
    images_path = train.paths[0]
    packed = images_path.read_bytes()
    raw = gzip.decompress(packed)
    print(f"MNIST from {images_path.parent} on {dev}, median of {n}")
    print(f"  stdlib gzip.decompress train images  {median_s(lambda: gzip.decompress(packed), n) * 1e3:7.1f} ms")
    print(f"  stdlib sha256 of train images        {median_s(lambda: hashlib.sha256(raw).digest(), n) * 1e3:7.1f} ms")
    cases: list[tuple[str, Callable[[], object]]] = [
        ("MNIST(train) float32 [0,1]", lambda: ttd.MNIST(device=dev)),
        ("MNIST(train) flatten", lambda: ttd.MNIST(flatten=True, device=dev)),
        ("MNIST(train) uint8", lambda: ttd.MNIST(dtype="uint8", device=dev)),
        ("MNIST(test) float32", lambda: ttd.MNIST(train=False, device=dev)),
    ]
    for name, fn in cases:
        print(f"  {name:<36} {median_s(fn, n) * 1e3:7.1f} ms  (read + parse + verify + convert)")

    for shuffle in (True, False):
        loader = ttd.DataLoader(train, batch_size=64, shuffle=shuffle, seed=0)
        seconds = median_s(functools.partial(epoch, loader), n)
        print(
            f"  epoch, batch 64, shuffle={shuffle!s:<5}        {seconds * 1e3:7.1f} ms  "
            f"({len(loader)} batches, {len(train) / seconds / 1e6:.1f} M samples/s)"
        )


if __name__ == "__main__":
    main()
