"""Fixtures shared by every test: real databases on both backends, the app, a fake Telegram."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from storage.clock import FrozenClock
from storage.db import Database
from storage.settings import Settings
from tests.support.databases import START_POSTGRES_HINT, PostgresTemplate, SqliteTemplate

BACKENDS = ("sqlite", "postgresql")
ADMIN_ID = 900_001
TEST_TOKEN = "42:TEST-token"


def in_ci() -> bool:
    return bool(os.environ.get("CI")) or bool(os.environ.get("REQUIRE_POSTGRES"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    problem = PostgresTemplate.reachable()
    if problem is not None:
        message = f"PostgreSQL is not reachable ({problem}); {START_POSTGRES_HINT}"
        if in_ci():
            # CI must never pass with the PostgreSQL half silently missing.
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    template = PostgresTemplate()
    yield template
    template.close()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_template").copy_to(tmp_path)
        return
    template: PostgresTemplate = request.getfixturevalue("postgres_template")
    name, url = template.create_copy()
    yield url
    template.drop(name)


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TEST_TOKEN,
        database_url=db_url,
        admin_ids=str(ADMIN_ID),
        redis_url=None,
        # Tests click faster than people; the throttle has its own test with its own limit.
        throttle_rate=10_000,
    )


# The conversations of these modules run a second time with every tap a double tap (one tap
# delivered twice and a second tap on the same button at once; BotClient.double_click), on
# SQLite: a double tap on any button is normal use, and must neither fail nor say anything
# twice nor leave the conversation anywhere else than a single tap would.
DOUBLE_TAP_MODULES = frozenset(
    {
        "test_announcements",
        "test_basic_commands",
        "test_campaign_flow",
        "test_catalogue_flow",
        "test_faq",
        "test_feedback_flow",
        "test_meetings",
        "test_onboarding",
        "test_paging",
        "test_pairing_flow",
        "test_people",
        "test_practices",
        "test_privacy",
        "test_profile",
        "test_programme",
        "test_questions",
        "test_report_outputs",
        "test_stats",
        "test_survey",
        "test_unchanged_edits",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if "harness" in metafunc.fixturenames and module in DOUBLE_TAP_MODULES:
        metafunc.parametrize("taps", ["taps", "double-taps"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Double taps exercise the handlers, not the backend: once, on SQLite, is enough.
    dropped = [item for item in items if "postgresql-double-taps" in item.name]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if "postgresql-double-taps" not in item.name]


@pytest.fixture
def taps() -> str:
    return "taps"


@pytest.fixture
async def harness(settings: Settings, database: Database, clock: FrozenClock, taps: str):
    from tests.support.app import running_app

    double = taps == "double-taps"
    async with running_app(settings, database, clock, double_taps=double) as harness:
        yield harness
