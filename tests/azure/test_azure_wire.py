"""What tbdesk sends to Azure ML and how it reads the answers, where Microsoft's own generated
clients say the service differs from what tbdesk once assumed (issue 9): each test here failed
on the code before that issue was fixed."""

from __future__ import annotations

import pytest
import requests
from azure_helpers import collect, run

from tbdesk.azure.errors import AzureError, ServiceError
from tests.azureml_emulator import Emulator, Fault, StaticCredential
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS


def _post(emulator: Emulator, rest: str, body: object) -> requests.Response:
    token = StaticCredential().get_token("https://management.azure.com/.default").token
    url = f"{emulator.url}/history/v1.0{emulator.workspace.scope}{rest}"
    return requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_emulator_refuses_an_orderby_that_is_not_one_string(demo: Emulator) -> None:
    # QueryParamsDto.orderby is a str (azureml/_restclient/models/query_params_dto.py): the
    # service's model binder fails on an array, as it would on the real service.
    for rest in ("/experiments/mnist-cnn/runs:query", "/experiments:query"):
        refused = _post(demo, rest, {"orderby": ["CreatedUtc desc"], "top": 5})
        assert refused.status_code == 400
        error = refused.json()["error"]
        assert error["code"] == "UserError" and "Path 'orderby'" in error["message"]
        assert [d["code"] for d in error["details"]] == ["orderby"]
        assert _post(demo, rest, {"orderby": "CreatedUtc desc", "top": 5}).status_code == 200


def test_runs_are_listed_with_orderby_as_one_string(demo: Emulator, make_source) -> None:
    pages = run(collect(make_source(), "mnist-cnn"))
    assert [len(page) for page in pages] == [4]
    (query,) = demo.requests("POST", contains="runs:query")
    assert query.status == 200 and query.body["orderby"] == "CreatedUtc desc"


def test_a_400_says_what_the_service_said_and_which_request(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match="runs:query$", status=400))
    with pytest.raises(ServiceError) as caught:
        run(collect(make_source(), "mnist-cnn"))
    message = str(caught.value)
    assert "HTTP 400" in message and "Injected fault 400." in message
    path = f"/history/v1.0{demo.workspace.scope}/experiments/mnist-cnn/runs:query"
    assert f"The request: POST {path}." in message
    assert len(demo.requests("POST", contains="runs:query")) == 1  # a refused request is not retried


def test_a_refused_download_names_its_path_but_never_its_signature(
    demo: Emulator, make_source, tmp_path
) -> None:
    source = make_source()
    target = run(source.get_run("mnist-cnn", next(iter(demo.workspace.runs))))
    demo.inject(Fault(match="^/blob/", status=400))
    with pytest.raises(ServiceError) as caught:
        run(source.fetch_files(target, tmp_path, "outputs/"))
    message = str(caught.value)
    assert "The request: GET /blob/" in message and "outputs/model.onnx" in message
    assert "sig=" not in message and "?" not in message.split("The request:")[1]


def test_every_status_of_the_official_client_is_known_and_only_three_are_final() -> None:
    from azureml._restclient.constants import RunStatus as Official

    from tbdesk.azure.convert import to_run
    from tbdesk.model import RunStatus

    final = {Official.COMPLETED, Official.FAILED, Official.CANCELED}
    for name in Official.list():
        run = to_run("azureml:x", "exp", {"runId": "r", "status": name})
        assert run.status.value == name  # shown by its own name, never "Unknown"
        assert run.status.is_final == (name in final) and run.status.is_active == (name not in final)
    assert set(Official.get_running_statuses()) | set(Official.get_post_processing_statuses()) == {
        s.value for s in RunStatus if s.is_active
    }
    odd = to_run("azureml:x", "exp", {"runId": "r", "status": "Hibernating"})  # one from the future
    assert odd.status is RunStatus.UNKNOWN and not odd.status.is_final


def test_a_discovery_document_with_only_history_still_browses(demo: Emulator, make_source) -> None:
    demo.discovery_lacks = {"api", "experimentation", "hyperdrive", "modelmanagement", "pipelines", "studio"}
    source = make_source()
    assert len(run(source.experiments())) == 3
    (target,) = [r for page in run(collect(source, "metric-kinds")) for r in page]
    assert {m.name for m in run(source.metrics(target))} >= {"loss", "roc"}
    with pytest.raises(AzureError, match="names no Azure ML studio"):
        run(source.portal_url(target))


def test_a_discovery_document_without_history_says_so(demo: Emulator, make_source) -> None:
    demo.discovery_lacks = {"history"}
    with pytest.raises(ServiceError, match=r"service directory of the workspace .* lacks history"):
        run(make_source().experiments())


@pytest.mark.parametrize("next_link_only", [False, True])
def test_a_folder_is_listed_with_path_and_every_next_link_is_followed(
    next_link_only: bool, demo: Emulator, make_source
) -> None:
    demo.artifact_page_size = 2
    demo.next_link_only = next_link_only  # newer services: the next page by its nextLink alone
    emu = demo.workspace.runs["kinds_run"]
    for i in range(5):
        emu.upload(f"logs/fold-{i}/events.out.tfevents.{i}", b"x")
    source = make_source()
    target = run(source.get_run("metric-kinds", "kinds_run"))
    demo.clear_log()
    found = run(source.files(target, "logs/"))
    assert [f.path for f in found] == [f"logs/fold-{i}/events.out.tfevents.{i}" for i in range(5)]
    pages = demo.requests("GET", contains="/artifacts/ExperimentRun/dcid.kinds_run")
    assert len(pages) == 3  # the last page carries neither a nextLink nor a token: the end
    assert all(page.path.endswith("/dcid.kinds_run") and page.query["path"] == "logs/" for page in pages)
    assert [page.query.get("continuationToken") for page in pages] == [None, "page:2", "page:4"]
    # The route of azureml-mlflow's generated list_in_container, filled in, and its query names.
    from azureml.mlflow._restclient.artifact.operations import ArtifactsOperations

    template = ArtifactsOperations.list_in_container.metadata["url"]
    ws = demo.workspace
    assert pages[0].path == template.format(
        subscriptionId=ws.subscription_id,
        resourceGroupName=ws.resource_group,
        workspaceName=ws.name,
        origin="ExperimentRun",
        container="dcid.kinds_run",
    )
    assert {name for page in pages for name in page.query} <= {"path", "continuationToken", "pageSize"}
    links = run(source.download_links(target, "logs/"))
    assert len(links) == 5 and len(demo.requests("GET", contains="/prefix/contentinfo/")) == 3


def test_a_next_link_to_another_host_is_not_followed(demo: Emulator, make_source) -> None:
    from tbdesk.azure.rest import NextPage, RestClient

    client = RestClient(lambda: {"Authorization": "Bearer secret"})
    url = f"{demo.url}/artifact/v2.0{demo.workspace.scope}/artifacts/ExperimentRun/dcid.kinds_run"
    with pytest.raises(ServiceError, match="next page of the files is on another host"):
        client.get_page(url, "the files", {}, NextPage(link="https://elsewhere.example/steal"), "t")
    client.close()


def test_metrics_keep_namespaces_apart_and_none_is_dropped(
    emulator: Emulator, make_source, sdk_workspace, tmp_path
) -> None:
    from azureml.core import Experiment, Run
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from tbdesk.export import export_run
    from tbdesk.model import MetricKind
    from tests.azureml_emulator.seed import seed_odd_metrics

    emu = seed_odd_metrics(emulator.workspace)
    source = make_source()
    target = run(source.get_run("metric-oddities", emu.id))
    metrics = {m.name: m for m in run(source.metrics(target))}
    assert set(metrics) == {"loss", "train/loss", "eval/loss", "gpu_util", "phase", "weights", "calibration"}
    firsts = {name: metrics[name].points[0].value for name in ("loss", "train/loss", "eval/loss")}
    assert firsts == {"loss": 1.0, "train/loss": 2.0, "eval/loss": 3.0}
    asked = [r.body for r in emulator.requests("POST", contains="/full")]
    assert {b.get("metricNamespace") for b in asked if b["metricName"] == "loss"} == {None, "train", "eval"}

    gauge, phase = metrics["gpu_util"], metrics["phase"]
    assert gauge.kind is MetricKind.SCALAR and [p.value for p in gauge.points] == [0.5, 0.75, 0.9]
    assert "azureml.v3.gauge" in gauge.description
    assert phase.kind is MetricKind.STRING and "without a type" in phase.description
    weights = metrics["weights"]
    assert weights.kind is MetricKind.UNREADABLE and "azureml.v3.tensor" in weights.description
    calibration = metrics["calibration"]
    assert calibration.kind is MetricKind.ARTIFACT and calibration.description.endswith("the file cal_0")
    # azureml-core defines an artifact-backed metric by its first value too.
    sdk_run = Run(Experiment(sdk_workspace, "metric-oddities"), emu.id)
    assert sdk_run.get_metrics(name="calibration")["calibration"].endswith("/cal_0")

    result = run(export_run(make_source(), target, tmp_path / "logs"))  # a source per event loop
    accumulator = EventAccumulator(str(result.folder))
    accumulator.Reload()
    assert {"loss", "train/loss", "eval/loss", "gpu_util"} <= set(accumulator.Tags()["scalars"])
    assert [note.split(":")[0] for note in sorted(result.notes)] == ["calibration", "weights"]
    assert "neither numbers, text, rows nor files" in sorted(result.notes)[1]


def test_a_metric_answer_tbdesk_cannot_read_is_listed_not_raised() -> None:
    from tbdesk.azure.convert import to_metric
    from tbdesk.model import MetricKind

    garbled = {
        "name": "loss",
        "properties": {"uxMetricType": "azureml.v1.scalar"},
        "value": [{"step": 0, "data": "not a mapping"}],
    }
    metric = to_metric(garbled, "train")
    assert metric is not None and metric.name == "train/loss" and metric.kind is MetricKind.UNREADABLE
    assert "azureml.v1.scalar" in metric.description and "cannot read" in metric.description


def test_a_notebooks_workspace_browses_with_only_history_in_its_discovery(
    demo: Emulator, sdk_workspace
) -> None:
    from tbdesk.sources.azure import AzureSource

    demo.discovery_lacks = {"api", "experimentation", "hyperdrive", "modelmanagement"}
    source = AzureSource.from_workspace(sdk_workspace)  # its ServiceContext would raise KeyError
    assert len(run(source.experiments())) == 3
    assert len(demo.requests("GET", contains="/discovery")) == 1  # tbdesk's own, once
