"""Issue 3 benchmark: seeding throughput (workflows/s) with `blokhub seed`'s loader into embedded PostgreSQL.

    python bench/seed.py [--workflows 100000] [--users 5000]

Target: 100,000 workflows in <= 2 minutes. Every document is validated, hashed and its facts extracted, as the API
would, then written with COPY.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from blokhub.config import Settings
from blokhub.db.migrate import upgrade
from blokhub.db.session import create_engine
from blokhub.runtime import Runtime
from blokhub.seed.service import seed_corpus


async def run(settings: Settings, users: int, workflows: int) -> None:
    engine = create_engine(settings)
    await upgrade(engine)
    await engine.dispose()
    report = await seed_corpus(settings, seed=42, users=users, workflows=workflows, progress=True)
    print(
        f"seeded {report.workflows:,} workflows and {report.users:,} users in {report.seconds:.1f}s "
        f"-> {report.workflows / report.seconds:,.0f} workflows/s ({report.invalid} invalid)"
    )
    target = 100_000 / (report.workflows / report.seconds)
    print(f"projected time for 100,000: {target:.0f}s (target <= 120 s: {'met' if target <= 120 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflows", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bh-seed-") as tmp:
        started = time.perf_counter()
        with Runtime(Settings(data_dir=Path(tmp), log_level="WARNING")) as settings:
            asyncio.run(run(settings, args.users, args.workflows))
        print(f"total including PostgreSQL start-up: {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
