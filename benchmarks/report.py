"""The tables of benchmarks/README.md from the results:
`.venv/bin/python benchmarks/report.py benchmarks/results/X.json ...` (Markdown; a column per file)."""

import json
import sys
from pathlib import Path

PAGES = [
    "home (cached)",
    "home (?refresh=1)",
    "member list, filtered",
    "member list, searched",
    "member archive",
    "branch archive",
    "duty month",
    "campaign board",
    "assessment results",
]
ROLES = ["township", "office1", "village1", "county"]


def mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def served_runs(result: dict) -> dict:
    """The served runs of a result: "people" (with think time) and "saturation" (a closed loop). Results
    from before 2026-11-27 have one run, `served`, which was the closed loop."""
    served = result.get("served")
    if served and served.get("think_s") is None and not result.get("saturation"):
        return {"people": None, "saturation": served}
    return {"people": served, "saturation": result.get("saturation")}


def per_role_table(title: str, names: list[str], results: list[dict], value) -> None:
    """A table of pages by database, each cell the four roles' `value(entry)` joined by slashes."""
    print(f"### {title}\n")
    print("| page | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for page in PAGES:
        cells = [" / ".join(value(r["pages"].get(role, {}).get(page, {})) for role in ROLES) for r in results]
        print(f"| {page} | " + " | ".join(cells) + " |")
    print()


def main(paths: list[str]) -> None:
    results = [json.loads(Path(p).read_text()) for p in paths]
    names = [r["database"] for r in results]
    runs = [served_runs(r) for r in results]
    for key, title in [
        ("people", "Served: {users} users (two per role) with think time, gunicorn 4 workers"),
        ("saturation", "Saturation: {users} users with no think time (capacity, not latency)"),
    ]:
        first = next((run[key] for run in runs if run[key]), None)
        if first is None:
            continue
        print(f"### {title.format(users=first['users'])}\n")
        if key == "people":
            print(
                "Each user waits a uniformly random think time between two pages, as a person reads "
                "the page; these are the latencies people see.\n"
            )
        else:
            print(
                "Each user asks for the next page as soon as the last one answered: the server is kept "
                "busy, the requests queue, and the throughput is what the machine can serve.\n"
            )
        print("| page | " + " | ".join(f"{n} p50 / p95 / p99 ms" for n in names) + " |")
        print("|---|" + "---|" * len(names))
        for page in PAGES:
            cells = []
            for run in runs:
                s = (run[key] or {}).get("by_page", {}).get(page)
                cells.append(f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f} / {s['p99_ms']:.0f}" if s else "—")
            print(f"| {page} | " + " | ".join(cells) + " |")
        for label, cell in [
            ("**all pages**", lambda r: "{p50_ms:.0f} / {p95_ms:.0f} / {p99_ms:.0f}".format(**r["all"])),
            ("think time (s)", lambda r: "{:g}–{:g}".format(*r["think_s"]) if r.get("think_s") else "none"),
            ("**throughput**", lambda r: f"{r['throughput_rps']} req/s ({r['requests']} in {r['seconds']}s)"),
            ("server CPU a request (ms)", lambda r: str(r["server_cpu_per_request_ms"])),
            ("load generator CPU (s)", lambda r: str(r["load_cpu_s"])),
        ]:
            cells = []
            for run in runs:
                try:
                    cells.append(cell(run[key]))
                except (AttributeError, KeyError, TypeError):  # no such run in this file
                    cells.append("—")
            print(f"| {label} | " + " | ".join(cells) + " |")
        print()
    per_role_table(
        "Queries per page (in-process, per role: township / office1 / village1 / county)",
        names,
        results,
        lambda entry: str(entry.get("queries", entry.get("status", "—"))),
    )
    per_role_table(
        "One user, in-process: median ms per role (township / office1 / village1 / county)",
        names,
        results,
        lambda entry: f"{entry['median_ms']:.0f}" if "median_ms" in entry else "—",
    )
    print("### Side by side\n")
    print("| measurement | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def row(label, getter):
        cells = []
        for r in results:
            try:
                cells.append(getter(r))
            except (KeyError, TypeError):
                cells.append("—")
        print(f"| {label} | " + " | ".join(cells) + " |")

    for name in ["member list", "admin changelist", "member list, searched", "admin changelist, searched"]:
        row(
            f"{name} (township, median ms / queries)",
            lambda r, n=name: f"{r['list_vs_admin'][n]['median_ms']} / {r['list_vs_admin'][n]['queries']}",
        )
    for kind in ["floor", "app", "import-export"]:
        row(
            f"member export: {kind} (s / peak RSS MB / added MB)",
            lambda r, k=kind: (
                f"{r['member_export'][k]['seconds']} / {r['member_export'][k]['peak_rss_mb']}"
                f" / {r['member_export'][k]['peak_added_mb']} ({r['member_export'][k]['rows']} rows)"
            ),
        )
    row("export: app ÷ floor", lambda r: str(r["member_export"]["app_over_floor"]))
    row("export: app ÷ (floor + its fetch)", lambda r: str(r["member_export"]["app_over_floor_with_fetch"]))
    row("export: import-export ÷ app", lambda r: str(r["member_export"]["import_export_over_app"]))
    row(
        "county workbook (s)",
        lambda r: f"{r['county_workbook']['seconds']} ({r['county_workbook']['townships']} townships)",
    )
    row(
        "10,000-row import: read+validate / save (s)",
        lambda r: f"{r['import']['read_and_validate_seconds']} / {r['import']['save_seconds']}",
    )
    row("a township's rota for a year (s)", lambda r: str(r["rota_year"]["seconds"]))
    print()
    for r in results:
        errors = {k: v["errors"] for k, v in served_runs(r).items() if v}
        print(f"- {r['database']}: data {r['data']}; machine {r['machine']}; errors {errors}")


if __name__ == "__main__":
    main(sys.argv[1:])
