"""Browsing an Azure ML workspace (the emulator) through AzureSource: experiments, runs paged
newest first, child runs of a large sweep, and the request log that shows how it was asked."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

from azure_helpers import collect, run

from tbdesk.model import RunStatus
from tbdesk.sources.azure import AzureSource
from tbdesk.sources.base import Source
from tests.azureml_emulator import Emulator, StaticCredential, seed_sweep
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.tokens import TENANT, AccessToken, claims_of

pytestmark = AZUREML_WARNINGS


def test_lists_experiments_through_arm_and_discovery(demo: Emulator, make_source) -> None:
    source = make_source(page_size=2)
    assert isinstance(source, Source)
    experiments = run(source.experiments())
    assert [e.name for e in experiments] == ["lr-sweep", "metric-kinds", "mnist-cnn"]
    ws = demo.workspace
    assert {e.id for e in experiments} == {x.id for x in ws.experiments.values()}
    assert experiments[0].created == ws.experiments["lr-sweep"].created
    assert source.id == f"azureml:{ws.scope}" and source.title == ws.name
    # One ARM GET finds the discovery URL, one discovery GET the services; then two pages of two.
    arm = demo.requests("GET", contains="/subscriptions/")
    assert [r.path for r in arm if not r.path.startswith(("/history", "/metric", "/artifact"))] == [ws.scope]
    assert len(demo.requests("GET", contains="/discovery")) == 1
    queries = demo.requests("POST", contains="experiments:query")
    assert [q.body.get("continuationToken") for q in queries] == [None, "page:2"]
    assert all(q.authorized for q in queries)


def test_known_discovery_url_skips_arm(demo: Emulator, make_source) -> None:
    source = make_source(discovery_url=demo.discovery_url, workspace_id=demo.workspace.workspace_id)
    assert len(run(source.experiments())) == 3
    assert not [r for r in demo.log if r.path == demo.workspace.scope]


def test_runs_come_newest_first_one_page_at_a_time(emulator: Emulator, make_source) -> None:
    ws = emulator.workspace
    base = datetime(2024, 1, 1, tzinfo=UTC)
    made = [ws.add_run("big", f"run-{i:03d}", created=base + timedelta(minutes=i)) for i in range(250)]
    parent = made[10]
    ws.add_run("big", "child-of-10", parent=parent, created=base + timedelta(days=5))
    pages = run(collect(make_source(), "big"))
    assert [len(p) for p in pages] == [100, 100, 50]
    ids = [r.id for page in pages for r in page]
    assert ids == [f"run-{i:03d}" for i in reversed(range(250))]  # the child is not top-level
    bodies = [r.body for r in emulator.requests("POST", contains="runs:query")]
    assert all(b["filter"] == "(ParentRunId eq null)" and b["orderby"] == "CreatedUtc desc" for b in bodies)
    assert [b.get("continuationToken") for b in bodies] == [None, "page:100", "page:200"]


def test_the_first_page_arrives_before_the_rest_is_asked_for(emulator: Emulator, make_source) -> None:
    for i in range(250):
        emulator.workspace.add_run("big", f"run-{i:03d}")
    source = make_source()

    async def first_page() -> int:
        experiment = next(e for e in await source.experiments() if e.name == "big")
        pages = source.runs(experiment)
        page = await anext(pages)
        await pages.aclose()
        return len(page)

    assert run(first_page()) == 100
    assert len(emulator.requests("POST", contains="runs:query")) == 1


def test_run_fields(demo: Emulator, make_source) -> None:
    pages = run(collect(make_source(), "mnist-cnn"))
    runs = [r for page in pages for r in page]
    emu_runs = sorted(
        (r for r in demo.workspace.runs.values() if r.experiment.name == "mnist-cnn"),
        key=lambda r: r.created,
        reverse=True,
    )
    assert [r.id for r in runs] == [r.id for r in emu_runs]
    for got, want in zip(runs, emu_runs, strict=True):
        assert got.name == want.display_name
        assert got.status is RunStatus(want.status)
        assert got.number == want.number
        assert got.start_time == want.start and got.end_time == want.end
        assert got.run_type == "azureml.scriptrun"
        assert dict(got.tags) == want.tags and dict(got.properties) == want.properties
        assert got.parent_id is None and got.experiment == "mnist-cnn"
    assert runs[0].status is RunStatus.RUNNING and runs[0].end_time is None


def test_children_of_a_sweep_of_250(emulator: Emulator, make_source) -> None:
    parent = seed_sweep(emulator.workspace, children=250, steps=1)
    source = make_source()

    async def browse() -> tuple[list, list]:
        experiment = next(e for e in await source.experiments() if e.name == "lr-sweep")
        (top,) = [r async for page in source.runs(experiment) for r in page]
        children = await source.children(top)
        grandchildren = await source.children(children[0])
        return [top, *children], grandchildren

    (top, *children), grandchildren = run(browse())
    assert top.id == parent.id and top.run_type == "hyperdrive"
    assert len(children) == 250 and len({c.id for c in children}) == 250
    assert [c.id for c in children] == [f"{parent.id}_{i}" for i in reversed(range(250))]
    assert all(c.parent_id == parent.id for c in children)
    assert children[0].tags["learning_rate"] == "0.25"
    assert sum(c.status is RunStatus.FAILED for c in children) == 5
    assert grandchildren == []
    asks = emulator.requests("GET", contains=f"/runs/{parent.id}/children")
    assert [a.query.get("$continuationToken") for a in asks] == [None, "page:100", "page:200"]
    assert all(a.query["$orderby"] == "CreatedUtc desc" for a in asks)


def test_get_run_and_portal_url(demo: Emulator, make_source) -> None:
    source = make_source()
    got = run(source.get_run("metric-kinds", "kinds_run"))
    assert got.name == "every kind of metric" and got.number == 1
    url = run(source.portal_url(got))
    ws = demo.workspace
    # In the tenant of the sign-in (the token's tid claim), as azureml-core's get_portal_url().
    assert url == (
        f"https://ml.azure.com/runs/kinds_run?wsid=/subscriptions/{ws.subscription_id}"
        f"/resourcegroups/{ws.resource_group}/workspaces/{ws.name}&tid={TENANT}"
    )


def test_portal_url_without_a_tenant_in_the_token(demo: Emulator, make_source) -> None:
    class NoTenant(StaticCredential):
        """Tokens with no tid claim (the emulator takes them for browsing)."""

        def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
            token = super().get_token(*scopes)
            claims = claims_of(token.token)
            assert claims is not None
            claims["tid"] = ""
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            head, _, sig = token.token.split(".")
            return AccessToken(f"{head}.{payload}.{sig}", token.expires_on)

    source = make_source(credential=NoTenant(), discovery_url=demo.discovery_url)
    url = run(source.portal_url(run(source.get_run("metric-kinds", "kinds_run"))))
    assert url.endswith(f"/workspaces/{demo.workspace.name}") and "tid" not in url


def test_built_from_an_existing_workspace(demo: Emulator, sdk_workspace) -> None:
    from azureml.core import Experiment, Run

    source = AzureSource.from_workspace(sdk_workspace)
    assert source.id == f"azureml:{demo.workspace.scope}"
    experiments = run(source.experiments())
    assert [e.name for e in experiments] == ["lr-sweep", "metric-kinds", "mnist-cnn"]
    kinds = run(source.get_run("metric-kinds", "kinds_run"))
    (sdk_experiment,) = Experiment.list(sdk_workspace, experiment_name="metric-kinds")
    assert run(source.portal_url(kinds)) == Run(sdk_experiment, "kinds_run").get_portal_url()
    pages = run(collect(source, "lr-sweep"))
    assert [r.id for p in pages for r in p] == ["HD_lr-sweep_parent"]
    assert not [r for r in demo.log if r.path == demo.workspace.scope]  # no ARM call
    assert demo.writes() == []


def test_source_hands_out_the_sdk_workspace_without_arm(demo: Emulator, make_source) -> None:
    from azureml.core import Experiment

    source = make_source()
    workspace = run(source.workspace())
    names = sorted(e.name for e in Experiment.list(workspace))
    assert names == ["lr-sweep", "metric-kinds", "mnist-cnn"]
    assert len([r for r in demo.log if r.path == demo.workspace.scope]) == 1  # only tbdesk's own lookup


def test_browsing_makes_no_sdk_run_objects(emulator: Emulator, make_source, sdk_workspace) -> None:
    """azureml-core queues a cleanup handler per Run object and never drains the queue
    (AZUREML.md); the source reads REST answers, so its browsing leaves the queue alone."""
    from azureml._run_impl.run_base import _RunBase
    from azureml.core import Experiment

    queue = _RunBase._registered_kill_handlers
    parent = seed_sweep(emulator.workspace, children=250, steps=0)
    source = make_source()
    before = queue.qsize()
    top = run(source.get_run("lr-sweep", parent.id))
    assert len(run(source.children(top))) == 250
    assert queue.qsize() == before
    # The SDK's own listing, for contrast: one queued handler per child, kept for good.
    (sdk_parent,) = list(Experiment.list(sdk_workspace, experiment_name="lr-sweep")[0].get_runs())
    assert len(list(sdk_parent.get_children())) == 250
    assert queue.qsize() >= before + 250
