"""The contract checks of issue 9: tbdesk's requests and the emulator's answers against Microsoft's
own generated clients (tests/azureml_emulator/contract.py). Every Azure test is checked this way
when it ends (tests/azureml_emulator/contract_plugin.py); here the checker itself is tested on
known-bad exchanges, and one test walks tbdesk's whole Azure path so that every kind of request
it makes is met and checked even when this file runs alone."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from azure_helpers import FAST, collect, run

from tbdesk.azure.arm import cloud_named, list_resource_groups, list_subscriptions, list_workspaces
from tests.azureml_emulator import Emulator, StaticCredential, contract_plugin
from tests.azureml_emulator.contract import check, check_answer, check_request, operations
from tests.azureml_emulator.contract import problems_of as model_problems
from tests.azureml_emulator.contract_plugin import is_tbdesks, kind_of, problems_of
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.server import BEYOND_THE_MODELS, WATCHERS, Request

pytestmark = AZUREML_WARNINGS

WS = "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w"
RUNS_QUERY = f"/history/v1.0{WS}/experiments/e/runs:query"


def _tbdesk(method: str, path: str, *, body: object = None, answer: object = None, **query: str) -> Request:
    return Request(method, path, query, body, 200, 0.0, True, agent="tbdesk/0", answer=answer)


def test_the_official_operations_are_read_from_all_three_clients() -> None:
    ops = operations()
    assert {op.client for op in ops} >= {
        "azureml-core",
        "azureml-mlflow",
        "azure-ai-ml",
        "azure-mgmt-resource",
    }
    (query,) = [op for op in ops if op.client == "azureml-core" and op.name == "RunOperations.get_by_query"]
    assert query.method == "POST" and query.template.endswith("/experiments/{experimentName}/runs:query")
    assert query.body == "QueryParamsDto" and query.answer == "PaginatedRunDto"
    path, line = query.where.rsplit(":", 1)
    source = (Path(__import__("azureml").__path__[0]).parent / path).read_text().splitlines()
    assert "get_by_query.metadata = {'url': '/history/v1.0" in source[int(line) - 1]
    (children,) = [op for op in ops if op.client == "azureml-core" and op.name == "RunOperations.get_child"]
    assert children.query == {
        "$filter": "str",
        "$continuationToken": "str",
        "$orderby": "[str]",
        "$sortorder": "str",
        "$top": "int",
    }


def test_an_orderby_sent_as_a_list_is_refused_with_the_template_it_was_compared_with() -> None:
    bad = {"filter": "(ParentRunId eq null)", "orderby": ["CreatedUtc desc"], "top": 100}
    verdict = check_request("POST", RUNS_QUERY, {}, bad)
    assert verdict.operation is None
    (core,) = [p for p in verdict.problems if "azureml-core RunOperations.get_by_query" in p]
    assert "body.orderby is a list, the official type is str" in core
    assert "azureml/_restclient/operations/run_operations.py:" in core
    good = check_request("POST", RUNS_QUERY, {}, {**bad, "orderby": "CreatedUtc desc"})
    assert good.operation is not None and good.operation.body == "QueryParamsDto" and not good.problems


def test_a_body_key_no_model_has_and_a_query_name_no_operation_sets_are_refused() -> None:
    verdict = check_request("POST", RUNS_QUERY, {}, {"filter": "x", "sortBy": "name"})
    assert any("body.sortBy is not in the official model QueryParamsDto" in p for p in verdict.problems)
    children = f"/history/v1.0{WS}/experiments/e/runs/r/children"
    refused = check_request("GET", children, {"$orderby": "CreatedUtc desc", "$skip": "5"}, None)
    assert refused.operation is None and any("query parameter '$skip'" in p for p in refused.problems)
    many = check_request("GET", children, {"$top": "many"}, None)
    assert any("query parameter $top='many' is not of the official type int" in p for p in many.problems)
    fine = {"$orderby": "CreatedUtc desc", "$top": "100", "$continuationToken": "t"}
    assert check_request("GET", children, fine, None).operation


def test_the_old_folder_listing_and_unknown_routes_are_refused() -> None:
    # azureml-core generated list_in_path, but none of Microsoft's clients calls it: a stale route.
    folder = check_request("GET", f"/artifact/v2.0{WS}/artifacts/ExperimentRun/dc/logs/", {}, None)
    assert folder.operation is None
    assert any("never calls ArtifactOperations.list_in_path, only others" in p for p in folder.problems)
    # The maintained form: azureml-mlflow's list_in_container with ?path=.
    listed = check_request("GET", f"/artifact/v2.0{WS}/artifacts/ExperimentRun/dc", {"path": "logs/"}, None)
    assert listed.operation is not None and listed.operation.client == "azureml-mlflow"
    nowhere = check_request("GET", f"/history/v1.0{WS}/experiments/e/runs/r/everything", {}, None)
    assert nowhere.operation is None and "no official operation has this route" in nowhere.problems[0]
    assert "(nearest: " in nowhere.problems[0]
    wrong_verb = check_request("DELETE", f"/metric/v2.0{WS}/runs/r/list", {}, None)
    assert "take another method" in wrong_verb.problems[0]


def test_answers_with_a_key_the_model_lacks_or_a_value_of_another_type_are_refused() -> None:
    run_get = f"/history/v1.0{WS}/experiments/e/runs/r"
    good = {"runId": "r", "runNumber": 3, "status": "Running", "createdUtc": "2024-05-01T08:00:00.1234567Z"}
    assert check_answer("GET", run_get, 200, good) == []
    extra = check_answer("GET", run_get, 200, {**good, "jobFlavour": "v2"})
    assert extra and all("answer.jobFlavour is not in the official model" in p for p in extra)
    typed = check_answer("GET", run_get, 200, {**good, "runNumber": "3"})
    assert any("answer.runNumber is a string, the official type is int" in p for p in typed)
    # Through nested models: a page of runs, each run's createdBy.
    page = {"value": [{**good, "createdBy": {"userName": 7}}], "continuationToken": None}
    nested = check_answer("POST", RUNS_QUERY, 200, page)
    assert any(
        "answer.value[0].createdBy.userName is a number, the official type is str" in p for p in nested
    )
    stamp = check_answer("GET", run_get, 200, {**good, "createdUtc": "yesterday"})
    assert any("answer.createdUtc is a string, the official type is iso-8601" in p for p in stamp)
    # A field the model requires must be there (azureml-mlflow's Artifact: origin, container, path).
    from azureml.mlflow._restclient.artifact.models import _models_py3 as mlflow_models

    artifact = {"origin": "ExperimentRun", "container": "dc", "etag": "1"}
    assert model_problems(artifact, "Artifact", mlflow_models, "item") == [
        "item lacks path, required by the official model Artifact"
    ]


def test_only_what_the_emulator_lists_as_beyond_the_models_is_let_through() -> None:
    links = f"/artifact/v2.0{WS}/artifacts/prefix/contentinfo/ExperimentRun/dc/logs/"
    page = {"value": [{"contentUri": "https://x", "path": "logs/a"}], "continuationToken": "t"}
    assert ("PaginatedArtifactContentInformationDto", "nextLink") in BEYOND_THE_MODELS
    assert check_answer("GET", links, 200, {**page, "nextLink": "https://x/next"}) == []
    assert check_answer("GET", links, 200, {**page, "nextPage": "https://x/next"})


def test_the_special_kinds_are_checked_too() -> None:
    blob = Request("GET", "/blob/dc/logs/a", {"sig": "x"}, None, 206, 0.0, True, "bytes=10-", "tbdesk/0")
    assert any("sends Authorization to storage" in p for p in check(blob))
    ranged = Request("GET", "/blob/dc/logs/a", {"sig": "x"}, None, 206, 0.0, False, "bytes=-10", "tbdesk/0")
    assert any("not bytes=N- or bytes=N-M" in p for p in check(ranged))
    discovery = Request(
        "GET", "/discovery", {}, None, 200, 0.0, False, agent="tbdesk/0", answer={"api": ["x"]}
    )
    assert any("not a flat object of strings" in p for p in check(discovery))
    arm = _tbdesk("GET", WS)
    assert check(arm) == ["GET " + WS + ": an ARM request without api-version"]
    assert check(_tbdesk("GET", WS, **{"api-version": "2023-04-01"})) == []


def test_every_kind_of_request_tbdesk_makes_is_met_and_fits(
    demo: Emulator, make_source, credential: StaticCredential, tmp_path: Path
) -> None:
    """tbdesk's whole Azure path against the emulator: ARM, discovery, experiments, runs, children,
    one run, metrics, artifact listings and links, file bytes whole and from an offset."""
    cloud = cloud_named("AzureCloud").with_overrides(resource_manager=demo.url)
    ws = demo.workspace
    run(list_subscriptions(credential, cloud, policy=FAST))
    run(list_resource_groups(credential, cloud, ws.subscription_id, policy=FAST))
    run(list_workspaces(credential, cloud, ws.subscription_id, ws.resource_group, policy=FAST))
    run(list_workspaces(credential, cloud, ws.subscription_id, policy=FAST))
    source = make_source()
    parents = [r for page in run(collect(source, "lr-sweep")) for r in page]
    kids = run(source.children(parents[0]))
    (logged,) = [r for page in run(collect(source, "mnist-cnn")) for r in page if r.id in _with_logs(demo)]
    one = run(source.get_run("mnist-cnn", logged.id))
    assert run(source.metrics(one)) and run(source.metrics(kids[0]))
    assert run(source.files(one, "logs/")) and run(source.files(one))
    run(source.fetch_files(one, tmp_path / "all", "logs/"))
    path = next(p for p in demo.workspace.runs[one.id].files if p.startswith("logs/"))
    run(source.download(one, path, tmp_path / "one" / "events"))
    run(source.download(one, path, tmp_path / "one" / "events", offset=10))
    run(source.run_tree(parents[0]))

    assert problems_of([demo]) == []
    mine = [r for r in demo.requests() if is_tbdesks(r)]
    kinds = {kind_of(r) for r in mine}
    expected = {
        "tbdesk: azure-mgmt-resource SubscriptionsOperations.list",
        "tbdesk: azure-mgmt-resource ResourceGroupsOperations.list",
        "tbdesk: azureml-core WorkspacesOperations.get",
        "tbdesk: azureml-core WorkspacesOperations.list_by_resource_group",
        "tbdesk: azureml-core WorkspacesOperations.list_by_subscription",
        "discovery document",
        "tbdesk: azureml-core ExperimentOperations.get_by_query",
        "tbdesk: azureml-core RunOperations.get_by_query",
        "tbdesk: azureml-core RunOperations.get_child",
        "tbdesk: azureml-core RunOperations.get",
        "tbdesk: azureml-core MetricOperations.list_metrics",
        "tbdesk: azureml-core MetricOperations.get_full_fidelity",
        "tbdesk: azureml-core ArtifactOperations.list_in_container",
        "tbdesk: azureml-mlflow ArtifactsOperations.list_in_container",  # a folder, with ?path=
        "tbdesk: azureml-core ArtifactOperations.list_sas_by_prefix",
        "tbdesk: azureml-core ArtifactOperations.get_content_information",
        "artifact bytes (blob GET)",
    }
    assert kinds == expected, sorted(kinds ^ expected)
    assert any(r.range == "bytes=10-" for r in mine if r.path.startswith("/blob/"))
    assert all(r.answer is not None for r in mine if r.status == 200 and not r.path.startswith("/blob/"))


def _with_logs(emulator: Emulator) -> set[str]:
    return {
        run_id
        for run_id, emu in emulator.workspace.runs.items()
        if emu.parent_id is None and any(p.startswith("logs/") for p in emu.files)
    }


@pytest.mark.parametrize("bad", ["orderby", "folder"])
def test_the_plugin_fails_a_test_whose_tbdesk_requests_break_the_contract(bad: str, demo: Emulator) -> None:
    """What the per-test check (contract_plugin) reports for a log holding a known-bad request."""
    ws = demo.workspace.scope
    if bad == "orderby":
        request = _tbdesk(
            "POST", f"/history/v1.0{ws}/experiments/mnist-cnn/runs:query", body={"orderby": ["x"]}
        )
    else:
        request = _tbdesk("GET", f"/artifact/v2.0{ws}/artifacts/ExperimentRun/dcid.r/logs/")
    demo._record(request)
    found = problems_of([demo])
    demo.clear_log()  # the log is wrong on purpose: the plugin must not fail this test for it
    assert found and all("(azure" in p and ".py:" in p for p in found)


def test_a_test_whose_emulator_saw_a_bad_tbdesk_request_fails_at_its_end(pytester: pytest.Pytester) -> None:
    """The plugin itself, in a pytest run of its own (in this process, where azureml-core is already
    imported): a test that passes but whose emulator logged a request of tbdesk's against the
    contract is reported as an error naming the template."""
    pytester.makeconftest(
        """
        pytest_plugins = ["tests.azureml_emulator.contract_plugin"]
        """
    )
    pytester.makepyfile(
        """
        from tests.azureml_emulator import Emulator
        from tests.azureml_emulator.server import Request

        def test_lists_runs_with_an_orderby_list():
            with Emulator() as emu:
                path = f"/history/v1.0{emu.workspace.scope}/experiments/e/runs:query"
                body = {"orderby": ["CreatedUtc desc"]}
                emu._record(Request("POST", path, {}, body, 200, 0.0, True, agent="tbdesk/0"))

        def test_lists_runs_with_one_orderby():
            with Emulator() as emu:
                path = f"/history/v1.0{emu.workspace.scope}/experiments/e/runs:query"
                answer = {"value": [], "continuationToken": None}
                body = {"orderby": "CreatedUtc desc"}
                emu._record(Request("POST", path, {}, body, 200, 0.0, True, agent="tbdesk/0", answer=answer))
        """
    )
    # This test's own watcher must not see the inner run's emulators (their bad log is on purpose),
    # nor this session's list of operations met count them.
    outer, met = list(WATCHERS), collections.Counter(contract_plugin._met)
    WATCHERS.clear()
    try:
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:qt")
    finally:
        WATCHERS[:] = outer
        contract_plugin._met.clear()
        contract_plugin._met.update(met)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_lists_runs_with_an_orderby_list*",
            "*azureml-core RunOperations.get_by_query*run_operations.py:*: body.orderby is a list,"
            " the official type is str",
        ]
    )
