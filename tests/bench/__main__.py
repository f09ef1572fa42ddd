"""`make bench`: run every tests/bench/bench_*.py that has a `main()`, and keep the results.

Each module runs in its own interpreter (`import` then `main()`): benchmarks set
their own environment (database, instance folder) before importing the server,
which one shared process could not give them. Their output (Markdown tables, or
plain lines shown as a code block) is printed as it comes and written, with the
date and the machine, to docs/benchmarks.md.
"""
from __future__ import annotations

import ast
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUT = ROOT / "docs" / "benchmarks.md"


def benchmarks(only: list[str]) -> list[tuple[str, str]]:
    """(module name, first docstring line) of each bench_*.py defining a top-level main()."""
    found = []
    for path in sorted(HERE.glob("bench_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        has_main = any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)
        if has_main and (not only or path.stem in only or path.stem.removeprefix("bench_") in only):
            doc = (ast.get_docstring(tree) or path.stem).strip().splitlines()[0]
            found.append((path.stem, doc))
    return found


def run(module: str) -> tuple[int, str]:
    """Run `tests.bench.<module>.main()` in a child interpreter, echoing its output."""
    code = f"import importlib; importlib.import_module('tests.bench.{module}').main()"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    lines = []
    for line in child.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return child.wait(), "".join(lines)


def section(module: str, doc: str, code: int, output: str) -> str:
    # Log lines (timestamps, INFO) are noise in the report; tables and result lines stay.
    kept = [line for line in output.splitlines()
            if " INFO " not in line and not line.startswith("INFO ") and "WARNING" not in line]
    body = "\n".join(kept).strip() or "(no output)"
    if not any(line.lstrip().startswith("|") for line in kept):
        body = f"```\n{body}\n```"
    status = "" if code == 0 else f"\n\n**Failed** (exit code {code}): the figures above are partial."
    return f"## {module}\n\n{doc}\n\n{body}{status}\n"


def machine() -> str:
    # The load average tells a reader whether something else was running (a shared machine).
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores (nproc), Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}, load average at start {load}")


def write_report(sections: list[str], *, stamp: str, host: str, partial: bool) -> None:
    """The report of a full run; a partial run (`python -m tests.bench sync`) replaces
    only its own sections and keeps the others, each section saying when it was run."""
    stamped = [section.replace("\n\n", f"\n\n_Run {stamp} on {host}._\n\n", 1) for section in sections]
    kept: dict[str, str] = {}
    if partial and OUTPUT.exists():
        for old in OUTPUT.read_text(encoding="utf-8").split("\n## ")[1:]:
            kept["## " + old.split("\n", 1)[0]] = "## " + old.rstrip() + "\n"
    for section in stamped:
        kept[section.split("\n", 1)[0]] = section
    header = ("# Benchmarks\n\nWritten by `make bench` (`python -m tests.bench [names]` re-runs some and keeps the "
              "others). Targets: DESIGN.md → Targets. The machine is shared and noisy: compare ratios measured in "
              "the same run, and re-run on your machine before comparing.\n")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(header + "\n" + "\n".join(kept[name] for name in sorted(kept)), encoding="utf-8")


def main(argv: list[str]) -> int:
    selected = benchmarks(argv)
    if not selected:
        print("no benchmark found", file=sys.stderr)
        return 1
    host = machine()
    sections, failed = [], 0
    for module, doc in selected:
        print(f"\n### {module}", flush=True)
        code, output = run(module)
        failed += code != 0
        sections.append(section(module, doc, code, output))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    write_report(sections, stamp=stamp, host=host, partial=bool(argv))
    print(f"\nwrote {OUTPUT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
