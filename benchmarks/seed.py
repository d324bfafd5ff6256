"""The county-scale data for the benchmark: 20 townships, 1,200 villages, about 50,000 people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zdj_bench .venv/bin/python benchmarks/seed.py

Each township is built by the demo builders themselves (load_demo's BUILDERS, in order), so it has
everything the demo township has: organisations, people with development, transfers, contacts and archive
entries, the establishment campaign, a year of duty rotas and sign-ins, meetings with attendance, ledgers
and assessment rounds. Only the shape changes per township: its name, a few more villages per office (60 a
township), a few more people per village branch (about 2,650 a township), its own random seed and its own
ID-number region (so the people of twenty townships do not share ID numbers). The first township is the
demo township (青石镇) and the demo accounts belong to it; `county` sees all twenty.

Run on an empty, migrated database. Prints the seconds each township took and the total.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

import communities.demo as communities_demo  # noqa: E402
import members.demo as members_demo  # noqa: E402
from communities.management.commands.load_demo import BUILDERS  # noqa: E402
from members.choices import Standing  # noqa: E402

TOWNSHIPS = [
    "青石镇", "白杨镇", "清河镇", "龙泉镇", "桃园镇", "石桥镇", "双庙镇", "黄集镇", "大店镇", "新安镇",
    "永兴镇", "长岭镇", "古城镇", "花园镇", "金山镇", "太平镇", "兴隆镇", "平安镇", "凤凰镇", "丰乐镇",
]  # fmt: skip
EXTRA_VILLAGES = [
    "前进村",
    "红星村",
    "胜利村",
    "光明村",
    "和平村",
    "新华村",
    "团结村",
    "幸福村",
    "富民村",
    "兴隆村",
]
EXTRA_PEOPLE = (12, 18)  # more ordinary members per village branch than the demo's 18–29


class CountyDemo(members_demo.Demo):
    """The members demo with a few more people in each village branch."""

    def build_people(self) -> None:
        super().build_people()
        for branches in self.village_branches.values():
            for branch in branches:
                for _ in range(self.rng.randint(*EXTRA_PEOPLE)):
                    self.person(branch, standing=Standing.FULL, born=(1938, 2000))


def township_offices() -> list:
    """The demo's offices with EXTRA_VILLAGES spread over all but the first (whose seven villages have the
    seven village accounts): 60 villages."""
    offices = [
        (office, community, list(villages)) for office, community, villages in communities_demo.OFFICES
    ]
    for index, name in enumerate(EXTRA_VILLAGES):
        offices[1 + index % (len(offices) - 1)][2].append(name)
    return offices


def build_township(index: int, name: str) -> None:
    # The builders act as the township's own accounts: the other townships get theirs, t02-township etc.
    make_user = communities_demo._user
    prefix = f"t{index + 1:02d}-" if index else ""
    with (
        mock.patch.object(
            communities_demo, "_user", lambda username, *a, **k: make_user(prefix + username, *a, **k)
        ),
        mock.patch.object(communities_demo, "TOWNSHIP", name),
        mock.patch.object(communities_demo, "OFFICES", township_offices()),
        mock.patch.object(members_demo, "SEED", 2023 + index),
        mock.patch.object(members_demo, "REGION", f"34{13 + index:02d}21"),
        mock.patch.object(members_demo, "Demo", CountyDemo),
        transaction.atomic(),
    ):
        township = import_string(BUILDERS[0])()
        for path in BUILDERS[1:]:
            import_string(path)(township, stdout=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--townships", type=int, default=20, help="how many townships (at most 20)")
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0, interactive=False)
    from communities.models import Township, Village
    from members.models import ArchiveEntry, Member

    if Township.objects.filter(name=TOWNSHIPS[0]).exists():
        print(f"already seeded: {Township.objects.count()} townships, {Member.objects.count()} people")
        return
    started = time.perf_counter()
    for index, name in enumerate(TOWNSHIPS[: args.townships]):
        t0 = time.perf_counter()
        build_township(index, name)
        print(f"{name}: {time.perf_counter() - t0:.1f} s", flush=True)
    took = time.perf_counter() - started
    print(
        f"seeded {args.townships} townships, {Village.objects.count()} villages,"
        f" {Member.objects.count()} people,"
        f" {ArchiveEntry.objects.count()} archive entries in {took:.0f} s"
    )


if __name__ == "__main__":
    main()
