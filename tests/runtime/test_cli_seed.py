"""Issue 13.6 through the CLI: `blokhub seed` loads the same demo as `serve`'s seed-on-empty — the corpus, the staff
accounts and a deterministic history with trending and scores computed — so the hub it seeds is alive at once."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from blokhub.runtime.resources import Resources
from blokhub.seed.service import DEMO_PASSWORD, seed_if_empty
from tests.runtime.test_serve import BLOKHUB, _env, _free_port, _serve, _wait_ready

pytestmark = pytest.mark.slow

HISTORY = re.compile(
    r"History: ([\d,]+) follows, ([\d,]+) favorites, ([\d,]+) reviews, ([\d,]+) comments, ([\d,]+) daily view counts"
)


def _seed(data_dir: Path, *extra: str) -> str:
    # serve's seed-on-empty of 60 workflows makes max(10, 60 // 6) users from seed 42: the same arguments here
    args = [*BLOKHUB, "seed", "--seed", "42", "--users", "10", "--workflows", "60", "--data-dir", str(data_dir)]
    done = subprocess.run([*args, *extra], env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stderr


async def test_cli_seed_loads_the_same_living_demo_as_serve(tmp_path: Path, clean: Resources) -> None:
    on_empty = await seed_if_empty(clean.settings, 60)  # what serve loads into an empty database
    assert on_empty is not None and on_empty.history is not None
    out = await asyncio.to_thread(_seed, tmp_path / "data")
    assert "seeded 10 users and 60 workflows" in out and "trending and scores computed" in out
    found = HISTORY.search(out)
    assert found, out
    h = on_empty.history
    assert [int(n.replace(",", "")) for n in found.groups()] == [
        h.follows,
        h.favorites,
        h.reviews,
        h.comments,
        h.view_days,
    ]
    port = _free_port()
    proc = _serve(tmp_path / "data", port)
    try:
        await asyncio.to_thread(_wait_ready, port, proc)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=30) as api:
            trending = (await api.get("/trending")).json()["items"]
            assert trending and trending[0]["score"] > 0 and "0 favorites" not in trending[0]["reason"]
            top = (await api.get("/search/workflows", params={"sort": "top_rated"})).json()["hits"]
            assert top[0]["workflow"]["stats"]["rating"]["count"] > 0 and top[0]["score"] > 0
            loved = (await api.get("/search/workflows", params={"sort": "favorites"})).json()["hits"][0]["workflow"]
            assert loved["stats"]["favorites"] > 0 and loved["stats"]["views"] > 0
            author = loved["owner"]["username"]
            profile = (await api.get(f"/users/{author}")).json()["stats"]
            assert profile["followers"] > 0 and profile["favorites_received"] > 0
            for staff in ("moderator", "admin"):
                login = await api.post("/auth/login", json={"login": staff, "password": DEMO_PASSWORD})
                assert login.status_code == 200, login.text
            token = (await api.post("/auth/login", json={"login": author, "password": DEMO_PASSWORD})).json()
            feed = (await api.get("/feed", headers={"Authorization": f"Bearer {token['access_token']}"})).json()[
                "items"
            ]
            assert feed and all(i["score"] > 0 and i["reason"] for i in feed)  # they follow people who did things
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 60)


def test_cli_seed_without_history_is_the_bare_corpus(tmp_path: Path) -> None:
    out = _seed(tmp_path / "data", "--no-history", "--defer-vectors")
    assert "seeded 10 users and 60 workflows" in out and "History:" not in out
