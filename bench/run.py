"""Run the benchmarks of bench/ one after the other, each a standalone script printing its own table.

The database ones need PostgreSQL databases they may wipe (see README "Benchmarks"); without them they say so and
skip. ``bench/seed.py`` is not a benchmark: ``bench/pages.py --seed`` runs it.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "letters.py",
    "letter_throughput.py",
    "imports.py",
    "import_letters.py",
    "load.py",
    "pages.py",
    "precedent_recall.py",
    "precedent_search.py",
)


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"== bench/{name}", flush=True)
        failed += subprocess.call([sys.executable, str(HERE / name)], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
