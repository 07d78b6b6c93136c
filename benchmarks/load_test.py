"""Load test of ``tunesmith serve``: many generate requests from concurrent clients.

    python benchmarks/load_test.py                         # 200 requests, 16 clients
    python benchmarks/load_test.py --requests 400 --clients 32 --bars 32 --model runs/x/best

Starts the server in this process on a free loopback port (the bundled model unless
``--model``), then ``--clients`` threads send ``--requests`` POST /api/generate in all, each
for ``--bars`` bars with rendering off (``formats: []``: the ABC only) so the figures measure
the server and the model, not fluidsynth. Prints p50/p95/p99 latency, throughput and the
count of answers that were not 200, by status.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import uvicorn

from tunesmith.web import Settings, create_app

PROMPTS = ["a lively Irish reel in D", "古典主义", "中国民歌", "a jig in A dorian",
           "Scottish strathspey", "巴洛克 圣咏", "slow air in G minor", "polka"]


def post(url: str, body: dict) -> tuple[int, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0  # connection failed
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--model", type=Path, help="checkpoint (default: the bundled model)")
    parser.add_argument("--workers", type=int, default=1, help="server generations at once")
    args = parser.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(model=args.model, out=Path(tempfile.mkdtemp(prefix="tunesmith-load-")),
                        workers=args.workers, queue=max(16, args.clients), time_limit=120)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    url = f"http://127.0.0.1:{port}/api/generate"
    bodies = [{"prompt": PROMPTS[i % len(PROMPTS)], "bars": args.bars, "seed": i,
               "formats": []} for i in range(args.requests)]
    start = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        results = list(pool.map(lambda b: post(url, b), bodies))
    wall = time.perf_counter() - start
    server.should_exit = True

    latencies = sorted(t for status, t in results if status == 200)
    errors = Counter(status for status, _ in results if status != 200)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(f"{args.requests} requests, {args.clients} concurrent clients, {args.bars} bars each, "
          f"server workers {args.workers}; wall {wall:.1f} s, "
          f"{args.requests / wall:.2f} requests/s\n")
    print("| p50 s | p95 s | p99 s | max s | errors |\n|---:|---:|---:|---:|---:|")
    print(f"| {cuts[49]:.2f} | {cuts[94]:.2f} | {cuts[98]:.2f} | "
          f"{(latencies or [0])[-1]:.2f} | {sum(errors.values())} |")
    if errors:
        print(f"\nnot 200: {dict(errors)}")
    print(f"\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
