"""The two-host cluster, once for the module: skipped without PostgreSQL or Redis (a fresh clone's
`make test` on SQLite alone), and a failure instead when SMALLWORKS_REQUIRE_CLUSTER=1 (CI)."""

from __future__ import annotations

import os

import pytest

from tests.cluster.world import cluster as running_cluster
from tests.cluster.world import services_missing


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    pg_url = os.environ.get("TEST_DATABASE_URL")
    missing = services_missing(pg_url)
    if missing:
        why = "the two-host cluster needs " + " and ".join(missing)
        if os.environ.get("SMALLWORKS_REQUIRE_CLUSTER") == "1":
            pytest.fail(why + " (SMALLWORKS_REQUIRE_CLUSTER=1)", pytrace=False)
        pytest.skip(why)
    s3 = request.getfixturevalue("moto_s3")
    with running_cluster(tmp_path_factory.mktemp("cluster"), pg_url, s3) as c:
        yield c
