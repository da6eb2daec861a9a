"""Native hnswlib for bench/ann (HnswlibEngine): one process per engine, commands on stdin, one reply line each.

Commands, fields separated by tabs (paths are files the harness wrote; replies start with "ok" or "error"):
  load BASE_FVECS QUERY_FVECS               -> ok ROWS DIM
  build SPACE M EF_CONSTRUCTION THREADS OUT -> ok SECONDS ADD_SECONDS SAVE_SECONDS CPU_SECONDS
                                               (SECONDS: init_index + add_items + save_index, timed here; ADD:
                                               init_index + add_items; SAVE: save_index; CPU: the process's CPU
                                               time over all of it, every thread)
  open SPACE OUT                            -> ok               (load_index into a fresh Index)
  pass K EF THREADS ANSWERS LATENCIES       -> ok ELAPSED_NS CPU_NS (every query once, one knn_query call each;
                                                                CPU_NS: the query threads' CPU time)
  quit

A pass spreads the queries over THREADS Python threads that take the next query from a shared counter, as the
harness's Java query threads do; hnswlib releases the GIL inside knn_query. Each call is timed with perf_counter_ns,
and the pass's elapsed time is measured here, so the pipe to the harness is not counted. ANSWERS gets K int32 row
numbers per query (little-endian), LATENCIES one int64 nanosecond count per query.
"""
import itertools
import sys
import threading
import time

import numpy as np

try:
    import hnswlib
except ImportError as e:  # the harness checks this first; the message says what to install
    print("error hnswlib is not importable (%s); install Debian's python3-hnswlib" % e, flush=True)
    sys.exit(3)


def read_fvecs(path):
    raw = np.fromfile(path, dtype="<i4")
    if raw.size == 0:
        raise ValueError("empty fvecs file " + path)
    dim = int(raw[0])
    return np.ascontiguousarray(raw.reshape(-1, dim + 1)[:, 1:]).view("<f4")


class Driver:
    def __init__(self):
        self.base = None
        self.queries = None
        self.index = None

    def load(self, base_path, query_path):
        self.base = read_fvecs(base_path)
        self.queries = read_fvecs(query_path)
        return "%d %d" % self.base.shape

    def build(self, space, m, efc, threads, out):
        rows, dim = self.base.shape
        cpu = time.process_time()
        start = time.perf_counter()
        index = hnswlib.Index(space=space, dim=dim)
        index.init_index(max_elements=rows, ef_construction=int(efc), M=int(m), random_seed=100)
        index.set_num_threads(int(threads))
        index.add_items(self.base, np.arange(rows), num_threads=int(threads))
        added = time.perf_counter()
        index.save_index(out)
        end = time.perf_counter()
        return "%.6f %.6f %.6f %.6f" % (end - start, added - start, end - added, time.process_time() - cpu)

    def open(self, space, path):
        index = hnswlib.Index(space=space, dim=self.base.shape[1])
        index.load_index(path, max_elements=self.base.shape[0])
        self.index = index
        return ""

    def run_pass(self, k, ef, threads, answers_path, latencies_path):
        k, ef, threads = int(k), int(ef), int(threads)
        index, queries = self.index, self.queries
        index.set_ef(ef)
        count = queries.shape[0]
        answers = np.zeros((count, k), dtype="<i4")
        latencies = np.zeros(count, dtype="<i8")
        counter = itertools.count()
        failures = []
        cpu = []

        def work():
            clock = time.perf_counter_ns
            cpu0 = time.thread_time_ns()
            try:
                for q in counter:
                    if q >= count:
                        break
                    query = queries[q:q + 1]
                    t0 = clock()
                    labels, _ = index.knn_query(query, k=k, num_threads=1)
                    latencies[q] = clock() - t0
                    answers[q] = labels[0]
            except Exception as e:  # reported, not swallowed
                failures.append(e)
            finally:
                cpu.append(time.thread_time_ns() - cpu0)

        start = time.perf_counter_ns()
        if threads == 1:
            work()
        else:
            pool = [threading.Thread(target=work) for _ in range(threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        elapsed = time.perf_counter_ns() - start
        if failures:
            raise failures[0]
        answers.tofile(answers_path)
        latencies.tofile(latencies_path)
        return "%d %d" % (elapsed, sum(cpu))


def main():
    driver = Driver()
    handlers = {"load": driver.load, "build": driver.build, "open": driver.open, "pass": driver.run_pass}
    print("ok hnswlib ready", flush=True)
    for line in sys.stdin:
        parts = [p for p in line.rstrip("\n").split("\t") if p]
        if not parts:
            continue
        if parts[0] == "quit":
            return
        handler = handlers.get(parts[0])
        try:
            if handler is None:
                raise ValueError("unknown command " + parts[0])
            reply = handler(*parts[1:])
            print(("ok " + reply).rstrip(), flush=True)
        except Exception as e:
            print("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")), flush=True)


if __name__ == "__main__":
    main()
