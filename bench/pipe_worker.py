#!/usr/bin/python3
"""pipe_worker.py: the timed part of the store benchmark (bench/pipe_bench.py),
run as an unprivileged user because rebound-pipe refuses root. Reads a JSON
job on stdin: {"jobs": [[argv, message_file], ...], "concurrency": N,
"deadline_s": S, "baseline": [[argv, message_file], ...]}; runs the jobs
(concurrency at once, each one process) and writes JSON results on stdout:
per-job seconds and exit status, the wall time of the whole batch, and
with "rss_job": [argv, message_file] the max RSS of one more run of it.
With "stop_file": PATH it takes no new job once PATH exists (the store
benchmark stops it when the purge it runs beside has ended)."""
import json
import os
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import spawn_rss, spawn_timed  # noqa: E402


def main():
    spec = json.load(sys.stdin)
    jobs = spec['jobs']
    base = spec.get('baseline') or []
    conc = max(1, int(spec.get('concurrency', 1)))
    deadline = time.monotonic() + float(spec.get('deadline_s', 60))
    stop_file = spec.get('stop_file')
    results = [None] * len(jobs)
    baseline = [None] * len(base)
    lock = threading.Lock()
    nxt = [0]

    def worker():
        while True:
            with lock:
                i = nxt[0]
                if i >= len(jobs) or time.monotonic() > deadline or (stop_file and os.path.exists(stop_file)):
                    return
                nxt[0] += 1
            argv, msg = jobs[i]
            results[i] = spawn_timed(argv, msg)
            if conc == 1 and i < len(base):  # sequential: a baseline run after each job
                argv, msg = base[i]
                baseline[i] = spawn_timed(argv, msg)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    rss = None
    if spec.get('rss_job'):
        rss = spawn_rss(*spec['rss_job'])
    json.dump({'wall_s': wall, 'results': results, 'baseline': baseline, 'rss_kib': rss}, sys.stdout)


if __name__ == '__main__':
    main()
