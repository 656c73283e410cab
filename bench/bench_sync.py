"""Live sync of running Azure ML runs (against the local emulator, so network time is near zero and
the sync's own cost shows), with a named peer measured in the same run.

    .venv/bin/python bench/bench_sync.py [--appends 20] [--files 50] [--file-mb 4]
        [--record-etags every-append never]

Parts 1 and 2 run once per mode of the emulator's artifact records (whose etag, never the same as
the blob's HTTP ETag, changes at every append, or never: which the real service does is not known).

1. Upload-to-visible latency: a running run's event file gets `appends` appends (a few steps
   each) at random gaps of 0.5-8 s, like a training job's uploads; for each, the time from the
   append upstream until a real TensorBoard (BoardManager, default poll policy) serves the new
   step. Median and worst. Then the bytes the sync fetched against the bytes appended.
2. Requests per idle poll: a sweep (parent and 4 child runs, 3 log files each) that uploads
   nothing. tbdesk: LiveSync with the default policy's ratios, time scaled down 50x; its run-tree
   status check (one request per sweep, every 30 s when idle) is counted too, spread over the
   polls. First while its event files still count as growing (they were just fetched: probes of
   one of them per run every 10 s, scaled), then once they are quiet (after 10 min, scaled).
   Peer, "azureml-tensorboard's approach" (not installed here; it needs TensorFlow), its
   request pattern re-implemented below, clearly apart: per poll and run, one SAS listing of
   `logs/` (prefix/contentinfo) and one ranged GET per file from its local size.
3. Download throughput: a run with `files` files of `file-mb` MB under logs/: tbdesk's RunSync
   (one poll, 4 downloads at once) against azureml-core's `run.download_files(prefix="logs/")`,
   best of 3 each, into fresh folders, both checked byte for byte.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "sync"))
EVENTS = "logs/events.out.tfevents.1714550400.host"
REPEATS = 3


def prepare() -> None:
    home = tempfile.mkdtemp(prefix="bench-sync-home-")
    os.environ["HOME"] = home
    os.environ["TBDESK_HOME"] = home
    os.environ["AZUREML_CURRENT_CLOUD"] = "AzureCloud"
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _served_steps(url: str) -> list[int]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return [int(p[1]) for p in json.loads(response.read())]
    except OSError:
        return []


async def _etags_differ(source: Any, the_run: Any) -> None:
    (record,) = await source.files(the_run, "logs/")
    link = (await source.download_links(the_run, "logs/"))[EVENTS]
    with await asyncio.to_thread(urllib.request.urlopen, link, timeout=5) as blob:
        blob_etag = blob.headers["ETag"]
    assert record.etag != blob_etag, "the record's etag must not be the blob's"
    print(f"the event file's record etag {record.etag}, its blob's ETag {blob_etag}")


async def bench_latency(emulator: Any, source: Any, appends: int) -> None:
    from sync_helpers import Events

    from tbdesk.boards import BoardManager, BoardRun
    from tbdesk.sync import LiveSync

    run = emulator.workspace.add_run("latency", "latency_1", status="Running", display_name="live")
    events = Events("loss")
    run.upload(EVENTS, events.steps(0, 10))
    manager = BoardManager()
    the_run = await source.get_run("latency", run.id)
    await _etags_differ(source, the_run)
    live = LiveSync(source, [the_run])
    try:
        (status,) = await live.start()
        folder = status.folder
        assert folder is not None  # a synced Azure run always has its cache folder
        board = await manager.open([BoardRun("live", folder, status.key)])
        url = f"{board.url}data/plugin/scalars/scalars?" + urllib.parse.urlencode(
            {"run": "live", "tag": "loss"}
        )
        while _served_steps(url)[-1:] != [9]:
            await asyncio.sleep(0.05)
        fetched_before = live.statuses[0].bytes_fetched
        appended = 0
        latencies: list[float] = []
        on_disk: list[float] = []  # until the bytes are in the local file
        rng = random.Random(5)
        step = 10
        for _ in range(appends):
            await asyncio.sleep(rng.uniform(0.5, 8.0))
            more = events.steps(step, step + 5)
            step += 5
            run.append(EVENTS, more)
            appended += len(more)
            start = time.monotonic()
            local = folder / EVENTS.removeprefix("logs/")
            synced = None
            while True:
                if synced is None and local.stat().st_size == len(run.files[EVENTS].data):
                    synced = time.monotonic() - start
                served = await asyncio.to_thread(_served_steps, url)
                if served[-1:] == [step - 1]:
                    break
                await asyncio.sleep(0.05)
            latencies.append(time.monotonic() - start)
            on_disk.append(synced if synced is not None else latencies[-1])
        fetched = live.statuses[0].bytes_fetched - fetched_before
    finally:
        await live.stop()
        await manager.stop_all()
    median, worst = statistics.median(latencies), max(latencies)
    print(
        f"upload-to-visible latency over {appends} appends (gaps 0.5-8 s, default poll policy):\n"
        f"  median {median:5.2f} s, worst {worst:5.2f} s   (targets: 5 s, 10 s)"
    )
    print(
        f"  of which upload-to-disk (the sync): median {statistics.median(on_disk):5.2f} s,"
        f" worst {max(on_disk):5.2f} s; the rest is TensorBoard's reload"
    )
    print(
        f"bytes fetched / bytes appended: {fetched} / {appended} = {fetched / appended:.3f}   (target 1.0;\n"
        "  growth of an event file is told from replacement by its frames' checksums, no byte twice)"
    )


async def bench_idle(emulator: Any, source: Any, ends: Any, headers: dict[str, str]) -> None:
    from sync_helpers import Events

    from tbdesk.sync import LiveSync, PollPolicy

    ws = emulator.workspace
    parent = ws.add_run("idle", "idle_sweep", status="Running", display_name="sweep")
    runs = [parent] + [
        ws.add_run("idle", f"idle_sweep_{i}", parent=parent, status="Running", display_name=f"c{i}")
        for i in range(4)
    ]
    for r in runs:
        for j in range(3):
            r.upload(f"logs/part-{j}/events.out.tfevents.{j}.host", Events("x").steps(0, 20))
    root = await source.get_run("idle", parent.id)
    scale = 50.0
    default = PollPolicy()
    policy = PollPolicy(
        fast=default.fast / scale,
        idle=default.idle / scale,
        tree_active=default.tree_active / scale,
        tree_idle=default.tree_idle / scale,
        probe=default.probe / scale,
        quiet=default.quiet / scale,
    )
    live = LiveSync(source, [root], policy=policy)
    await live.start()
    await asyncio.sleep(2 * default.idle / scale * 4)  # settle into idle polling
    print(f"requests per idle poll, a sweep of {len(runs)} runs with 3 log files each:")
    emulator.clear_log()
    await asyncio.sleep(default.tree_idle / scale * 10)  # ten status checks' worth of idle polls
    _idle_figures(emulator.requests(), len(runs), "still growing: probes due")
    await asyncio.sleep(default.quiet / scale)  # every event file has been quiet for `quiet`
    emulator.clear_log()
    await asyncio.sleep(default.tree_idle / scale * 10)
    await live.stop()
    ours = _idle_figures(emulator.requests(), len(runs), "quiet")
    peer_requests = await asyncio.to_thread(peer_idle_poll, emulator, headers, ends, runs)
    print(
        f"  azureml-tensorboard's approach (re-implemented): {peer_requests / len(runs):.2f} per run per poll"
    )
    print(f"  ratio peer / tbdesk: {peer_requests / len(runs) / ours:.2f}x")


def _idle_figures(log: list[Any], runs: int, when: str) -> float:
    """Print the requests of the idle polls in `log`; the requests per run per poll."""
    listings = sum("/artifacts/ExperimentRun/" in r.path for r in log)
    trees = sum("runs:query" in r.path for r in log)
    probes = sum(r.path.startswith("/blob/") for r in log)
    other = len(log) - listings - trees - probes
    polls = listings / runs
    ours = len(log) / polls / runs
    print(
        f"  tbdesk ({when}): {listings} listings + {trees} status checks + {probes} probes"
        f" + {other} other over {polls:.0f} polls = {ours:.2f} per run per poll"
        f" (listings alone: {listings / polls / runs:.2f})"
    )
    return ours


def peer_idle_poll(emulator: Any, headers: Any, ends: Any, runs: list[Any]) -> int:
    """azureml-tensorboard's request pattern, re-implemented (the peer, not tbdesk): per run, the
    SAS links of every file under logs/ (one listing), then a GET from each file's local size."""
    import requests

    session = requests.Session()
    local_sizes: dict[str, int] = {}
    # a first poll brings everything; the second one is the idle poll that is counted
    for counted in (False, True):
        if counted:
            emulator.clear_log()
        for r in runs:
            url = ends.artifact_url(
                f"/artifacts/prefix/contentinfo/ExperimentRun/{r.data_container_id}/logs/"
            )
            items = session.get(url, headers=headers, timeout=10).json()["value"]
            for item in items:
                have = local_sizes.get(item["path"], 0)
                extra = {"Range": f"bytes={have}-"} if have else {}
                answer = session.get(item["contentUri"], headers=extra, timeout=10)
                if answer.status_code in (200, 206):
                    local_sizes[item["path"]] = have + len(answer.content)
    # Only the peer's kinds of request: a late answer to the stopped sync must not count.
    return len(emulator.requests(contains="/prefix/contentinfo/")) + len(emulator.requests(contains="/blob/"))


def bench_throughput(emulator: Any, source: Any, sdk_ws: Any, files: int, file_mb: int) -> None:
    from azureml.core import Experiment, Run

    from tbdesk.sync import AzureRemote, RunSync

    run = emulator.workspace.add_run("tput", "tput_1", status="Completed")
    blob = os.urandom(file_mb * 1024 * 1024)
    for i in range(files):
        run.upload(f"logs/part-{i:02d}/events.out.tfevents.{i}.host", blob[i:] + blob[:i])
    total = files * file_mb * 1024 * 1024
    scratch = Path(tempfile.mkdtemp(prefix="bench-sync-tput-"))

    def check(folder: Path) -> None:
        for path, item in run.files.items():
            assert (folder / path).read_bytes() == item.data, path

    the_run = asyncio.run(source.get_run("tput", run.id))
    ours = []
    for i in range(REPEATS):
        entry = scratch / f"ours-{i}"

        async def once(entry: Path = entry) -> None:
            await RunSync(AzureRemote(source), the_run, entry).poll()

        start = time.perf_counter()
        asyncio.run(once())
        ours.append(time.perf_counter() - start)
        check(entry / "files")
        shutil.rmtree(entry)
    sdk_run = Run(Experiment.list(sdk_ws, experiment_name="tput")[0], run.id)
    theirs = []
    for i in range(REPEATS):
        dest = scratch / f"sdk-{i}"
        start = time.perf_counter()
        sdk_run.download_files(prefix="logs/", output_directory=str(dest))
        theirs.append(time.perf_counter() - start)
        check(dest)
        shutil.rmtree(dest)
    shutil.rmtree(scratch)
    mb = total / 1024 / 1024
    print(f"download of a run with {files} files of {file_mb} MB ({mb:.0f} MB), best of {REPEATS}:")
    print(f"  tbdesk RunSync.poll()               {min(ours):6.2f} s  {mb / min(ours):7.1f} MB/s")
    print(f"  azureml-core run.download_files()   {min(theirs):6.2f} s  {mb / min(theirs):7.1f} MB/s")
    print(f"  ratio azureml-core / tbdesk: {min(theirs) / min(ours):.2f}x   (target: at least 1.0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=20)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--file-mb", type=int, default=4)
    parser.add_argument("--record-etags", nargs="+", default=["every-append", "never"])
    args = parser.parse_args()
    prepare()

    from _common import machine_load

    print(machine_load())
    for i, mode in enumerate(args.record_etags):
        print(f"\n== artifact records whose etag changes: {mode}")
        bench_mode(mode, args, throughput=i == len(args.record_etags) - 1)


def bench_mode(mode: str, args: argparse.Namespace, *, throughput: bool) -> None:
    from tbdesk.azure.rest import Policy
    from tbdesk.azure.workspace import Endpoints, WorkspaceRef, build_workspace, token_auth
    from tbdesk.sources.azure import AzureSource
    from tests.azureml_emulator import Emulator, EmuWorkspace, StaticCredential

    with Emulator(EmuWorkspace(record_etags=mode)) as emulator:
        os.environ["AZUREML_DISCOVERY_SERVICE_ENDPOINT"] = emulator.discovery_url
        ws = emulator.workspace
        credential = StaticCredential()

        def source() -> AzureSource:
            return AzureSource(
                credential,
                ws.subscription_id,
                ws.resource_group,
                ws.name,
                discovery_url=emulator.discovery_url,
                workspace_id=ws.workspace_id,
                policy=Policy(),
            )

        ref = WorkspaceRef(ws.subscription_id, ws.resource_group, ws.name)
        ends = Endpoints(
            ref.scope, emulator.url, "https://ml.azure.com", ws.workspace_id, emulator.discovery_url
        )
        headers = {
            "Authorization": f"Bearer {credential.get_token('https://management.azure.com/.default').token}"
        }
        asyncio.run(bench_latency(emulator, source(), args.appends))
        asyncio.run(bench_idle(emulator, source(), ends, headers))
        if throughput:
            sdk_ws = build_workspace(ref, token_auth(credential), ends)
            bench_throughput(emulator, source(), sdk_ws, args.files, args.file_mb)


if __name__ == "__main__":
    main()
