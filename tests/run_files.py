"""The test suite as CI runs it: `python tests/run_files.py` runs each tests/test_*.py in its own pytest
process, one after another, and exits 1 if any failed. One process for the whole suite (`python -m pytest
-q`) works too, but it held 23 GB by the end on the 2-CPU, 24 GB machine: the default workbook (127,737
formula cells, 1,000 Monte Carlo trials) is built many times over and the process's memory only grows; a
process per file returns it after each. Extra arguments are passed to every pytest run (-x, -k ...)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(args: list[str]) -> int:
    failed = []
    for path in sorted(HERE.glob("test_*.py")):
        print(f"== {path.name}", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path), *args],
                               cwd=HERE.parent)
        if code not in (0, 5):   # 5: no tests collected (a -k that selects none in this file)
            failed.append(path.name)
    print(f"== {len(failed)} file(s) failed" + (": " + ", ".join(failed) if failed else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
