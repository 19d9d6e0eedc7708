"""The fast subset of `make reliability` for `make test`: one or a few trials of every suite, same checks."""

from __future__ import annotations

from pathlib import Path

from tests.reliability import bad_input, concurrency, corruption, disk, drift, kill
from tests.reliability.common import SuiteResult


def _assert_passed(suite: SuiteResult) -> None:
    problems = {t.name: t.failures() for t in suite.trials if not t.clean}
    assert suite.trials, suite.notes
    assert suite.lost == 0 and not problems, problems


def test_a_killed_initialization_leaves_all_or_nothing_and_the_next_run_matches(tmp_path: Path) -> None:
    _assert_passed(kill.run_fast(tmp_path))


def test_concurrent_wrappers_and_dead_lock_holders_do_not_block_or_damage(tmp_path: Path) -> None:
    _assert_passed(concurrency.run(tmp_path, fast=True))


def test_corrupt_databases_are_detected_kept_byte_for_byte_and_recreated_only_with_consent(tmp_path: Path) -> None:
    _assert_passed(corruption.run(tmp_path, fast=True))


def test_low_or_filling_disk_is_refused_and_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    _assert_passed(disk.run(tmp_path, fast=True))


def test_bad_inputs_get_their_catalogue_error_and_change_nothing(tmp_path: Path) -> None:
    _assert_passed(bad_input.run(tmp_path, fast=True))


def test_changed_inputs_are_rebuilt_with_reasons_and_equal_a_fresh_build(tmp_path: Path) -> None:
    _assert_passed(drift.run(tmp_path, fast=True))
