"""Judge a batch of workflows with Blok's runner and count the outcome: load verdicts (held against what our tables
predict), then one run of each workflow that can run here against the local stub, its reply checked.

Workflows with an http trigger are served by the project's HTTP trigger (server.js) and called once; those with a
trigger that has no request (cron, manual) are run once by the runner as such a trigger would. Workflows that need
a service of their own, read ``ctx.vars``, or build an api-call URL from an expression are loaded, not run.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.runner.oracle import load_all
from tests.runner.predict import fires_against_stub, loads_in_project, runs_against_stub, why_not_loaded, why_not_run
from tests.runner.runs import answered_as_written, error_messages, pointed, run_all, runnable
from tests.runner.stub import stub_api


@dataclass
class Tally:
    origin: str
    total: int = 0
    loaded: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # why not loaded -> how many
    served: int = 0  # run through the HTTP trigger
    fired: int = 0  # run once without a request
    answered: int = 0  # of those run, replied as written (the API's answer, a mapper's model, ...)
    not_run: Counter[str] = field(default_factory=Counter)  # loaded but not run here: why -> how many
    problems: dict[str, str] = field(default_factory=dict)  # key -> disagreement, failed run or wrong reply

    def line(self) -> str:
        refused = ", ".join(f"{why} {n}" for why, n in self.refused.most_common()) or "none"
        not_run = ", ".join(f"{why} {n}" for why, n in self.not_run.most_common()) or "none"
        return (
            f"{self.origin}: {self.total} | load {self.loaded}/{self.total} (refused: {refused}) | "
            f"run {self.served + self.fired} (HTTP {self.served}, no-request trigger {self.fired}), "
            f"{self.answered} answered as written | loaded, not run: {not_run}"
        )


def judge(origin: str, docs: dict[str, dict[str, Any]], *, run: bool = True) -> Tally:
    tally = Tally(origin, total=len(docs))
    keys = {f"w{index}": key for index, key in enumerate(docs)}  # URL-safe names for the trigger and the stub
    by_id = {wid: docs[key] for wid, key in keys.items()}
    verdicts = load_all((wid, json.dumps(doc)) for wid, doc in by_id.items())
    for wid, doc in by_id.items():
        verdict, predicted = verdicts[wid], loads_in_project(doc)
        if verdict.ok != predicted:
            tally.problems[keys[wid]] = f"the runner says ok={verdict.ok} ({verdict.error}), we predict {predicted}"
        if verdict.ok:
            tally.loaded += 1
        else:
            tally.refused[why_not_loaded(doc) or "?"] += 1
    if not run:
        return tally
    loaded = {wid: doc for wid, doc in by_id.items() if verdicts[wid].ok}
    with stub_api() as stub:
        served: dict[str, dict[str, Any]] = {}
        fired: dict[str, dict[str, Any]] = {}
        for wid, doc in loaded.items():
            target = served if runs_against_stub(doc) else fired if fires_against_stub(doc) else None
            if target is None:
                tally.not_run[why_not_run(doc) or "?"] += 1
                continue
            copy = runnable(doc, stub, wid) if target is served else pointed(doc, stub, wid)
            if copy is None:
                tally.not_run["api-call URL built by an expression"] += 1
            else:
                target[wid] = copy
        for wid, result in run_all(served, stub).items():
            tally.served += 1
            failed = result.reply.get("error") if result.status != 200 and isinstance(result.reply, dict) else None
            _check(tally, keys[wid], served[wid], result.status == 200, result.reply, result.answers, wid, failed)
        for wid, verdict in load_all(((w, json.dumps(d)) for w, d in fired.items()), fire=True).items():
            tally.fired += 1
            answers = stub.answers_for(f"/{wid}/")
            _check(tally, keys[wid], fired[wid], bool(verdict.ran), verdict.reply, answers, wid, verdict.run_error)
    return tally


def _check(
    tally: Tally,
    key: str,
    doc: dict[str, Any],
    ok: bool,
    reply: Any,
    answers: list[dict[str, Any]],
    wid: str,
    error: str | None,
) -> None:
    if ok and answered_as_written(doc, reply, answers, wid):
        tally.answered += 1
    elif not ok and error is not None and error in error_messages(doc):
        tally.answered += 1  # the workflow's own error step stopped it, as written
    elif not ok:
        tally.problems[key] = f"the run failed: {json.dumps(error or reply)[:300]}"
    else:
        tally.problems[key] = f"unexpected reply: {json.dumps(reply)[:300]}"
