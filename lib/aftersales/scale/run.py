"""Run one engine's preparation + RFM on a Parquet folder and print its summary as JSON.

``python -m aftersales.scale.run {pandas,spark} FOLDER [--driver-memory 2g]``: the child
process :func:`aftersales.scale.run_measured` measures; the last line of its output is the
JSON summary with ``seconds``.
"""

from __future__ import annotations

import argparse
import json

from aftersales.scale._workload import ENGINES, run_workload


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, run the workload and print its summary.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(prog="python -m aftersales.scale.run", description=__doc__)
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("folder")
    parser.add_argument("--driver-memory", default="2g")
    args = parser.parse_args(argv)
    result = run_workload(args.engine, args.folder, driver_memory=args.driver_memory)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
