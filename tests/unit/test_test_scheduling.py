"""The test run's own scheduling under xdist (tests/conftest.py): the modules that build their
world once run on one worker each; the other modules' tests go in runs of CHUNK."""

from __future__ import annotations

import re

from xdist.remote import Producer

from tests.conftest import CHUNK, ONE_WORKER_MODULES, ROOT, pytest_xdist_make_scheduler


def test_each_one_worker_module_exists_and_builds_a_world_once_for_the_module():
    for module in sorted(ONE_WORKER_MODULES):
        source = (ROOT / module).read_text(encoding="utf-8")
        assert re.search(r"@pytest\.fixture\(scope=\"module\"", source), module


def test_a_one_worker_modules_tests_share_a_scope_and_the_others_go_in_runs(request, monkeypatch):
    monkeypatch.setattr(request.config.option, "dist", "load")
    monkeypatch.setattr(request.config.option, "tx", ["popen"] * 2)  # as `-n 2` would give
    scheduler = pytest_xdist_make_scheduler(request.config, Producer("test", enabled=False))
    demo = "tests/integration/test_demo.py"
    assert demo in ONE_WORKER_MODULES
    assert scheduler._split_scope(f"{demo}::test_a[sqlite]") == demo
    assert scheduler._split_scope(f"{demo}::test_b[postgresql]") == demo
    others = [f"tests/web/test_notices_web.py::test_{i}[sqlite]" for i in range(CHUNK + 1)]
    scopes = [scheduler._split_scope(nodeid) for nodeid in others]
    assert len(set(scopes[:CHUNK])) == 1 and scopes[CHUNK] != scopes[0]
    assert [scheduler._split_scope(nodeid) for nodeid in others] == scopes  # asked again
    monkeypatch.setattr(request.config.option, "dist", "loadfile")
    assert pytest_xdist_make_scheduler(request.config, Producer("test", enabled=False)) is None
