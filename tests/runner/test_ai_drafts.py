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
    # In a project every name resolves: what keeps a draft from loading is code the user must supply (a local node
    # such as webhook signature checks, S3, MySQL, Redis) or Blok's Python runtime, never a missing template node.
    assert set(exported.refused) <= {"local code", "Python runtime node"}
    assert exported.loaded >= 0.6 * exported.total and exported.loaded > as_written.loaded
    # Drafts that need nothing but the stub run once (http through the trigger, cron without a request) and answer
    # as written; the rest need OpenAI, PostgreSQL, MongoDB or a URL the stub cannot stand in for.
    assert exported.served >= 0.2 * exported.total and exported.fired >= 0.15 * exported.total
    assert exported.answered == exported.served + exported.fired
    assert set(exported.not_run) <= {
        "needs a service (postgres-query)",
        "needs a service (openai)",
        "needs a service (mongo-query)",
        "api-call URL built by an expression",
    }
