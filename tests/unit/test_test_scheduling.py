"""The test run's own scheduling under xdist (tests/conftest.py): the modules that build their
world once run on one worker each; every other test is scheduled on its own, as `load` does."""

from __future__ import annotations

import re

from xdist.remote import Producer

from tests.conftest import ONE_WORKER_MODULES, ROOT, pytest_xdist_make_scheduler


def test_each_one_worker_module_exists_and_builds_a_world_once_for_the_module():
    for module in sorted(ONE_WORKER_MODULES):
        source = (ROOT / module).read_text(encoding="utf-8")
        assert re.search(r"@pytest\.fixture\(scope=\"module\"", source), module


def test_a_one_worker_modules_tests_share_a_scope_and_any_other_test_has_its_own(
    request, monkeypatch
):
    monkeypatch.setattr(request.config.option, "dist", "load")
    monkeypatch.setattr(request.config.option, "tx", ["popen"] * 2)  # as `-n 2` would give
    scheduler = pytest_xdist_make_scheduler(request.config, Producer("test", enabled=False))
    demo = "tests/integration/test_demo.py"
    assert demo in ONE_WORKER_MODULES
    assert scheduler._split_scope(f"{demo}::test_a[sqlite]") == demo
    assert scheduler._split_scope(f"{demo}::test_b[postgresql]") == demo
    other = "tests/web/test_notices_web.py::test_a[sqlite]"
    assert scheduler._split_scope(other) == other
    monkeypatch.setattr(request.config.option, "dist", "loadfile")
    assert pytest_xdist_make_scheduler(request.config, Producer("test", enabled=False)) is None
