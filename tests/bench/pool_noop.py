"""Peer for tests/bench/dispatch: multiprocessing.Pool(2).map of a no-op, chunksize 1,
on a warm pool. Prints the median tasks per second over the rounds."""
import multiprocessing
import statistics
import sys
import time


def noop(x):
    return x


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with multiprocessing.Pool(2) as pool:
        pool.map(noop, range(100), chunksize=1)  # warm up
        rates = []
        for _ in range(rounds):
            start = time.perf_counter()
            results = pool.map(noop, range(tasks), chunksize=1)
            rates.append(tasks / (time.perf_counter() - start))
            assert results == list(range(tasks))
    print(f"{statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
