"""A batch of AI drafts (the suite's prompts and the evaluation set's, offline generator) through Blok's runner,
as written and as the project export writes them, counted by what keeps each from loading or running."""

from __future__ import annotations

from tests.runner.counts import project_workflow
from tests.runner.drafts import offline_drafts
from tests.runner.judge import judge


def test_ai_drafts_load_in_a_blok_project_and_run_where_their_nodes_allow() -> None:
    drafts = offline_drafts()
    assert len(drafts) >= 250
    as_written = judge("AI drafts, as written", drafts, run=False)
    exported = judge("AI drafts, project export", {key: project_workflow(doc) for key, doc in drafts.items()})
    print(as_written.line())
    print(exported.line())
    assert not as_written.problems and not exported.problems  # the runner agrees with requirements on every one
    # In a project every name resolves: the template's nodes and the local nodes our generator writes
    # (verify-webhook, s3, mysql-query, redis) are shipped, so only a node of Blok's Python runtime keeps a draft
    # from loading (Blok Hub does not ship Python nodes; the published runner does not start that runtime).
    assert set(exported.refused) <= {"Python runtime node"}
    assert exported.loaded >= 0.95 * exported.total and exported.loaded > as_written.loaded
    # Drafts that need nothing but the stub run once (http through the trigger, cron without a request) and answer
    # as written -- webhook drafts with a request signed as their sender signs it, so their verify-webhook step
    # passes (tests/runner/test_hub_nodes.py: a bad signature is refused); the rest need a service of their own or a
    # URL the stub cannot stand in for.
    assert exported.served >= 0.4 * exported.total and exported.fired >= 0.15 * exported.total
    assert exported.answered == exported.served + exported.fired
    assert set(exported.not_run) <= {
        "needs a service (postgres-query)",
        "needs a service (openai)",
        "needs a service (mongo-query)",
        "needs a service (mysql-query)",
        "needs a service (s3)",
        "needs a service (redis)",
        "PayPal signature (PayPal's API checks it)",
        "api-call URL built by an expression",
    }
