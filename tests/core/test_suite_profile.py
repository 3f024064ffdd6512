"""How pytest was called decides timed vs smoke run and the profile."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tipsbench import suite
from tipsbench.profiles import PROFILE_ENV, ProfileError, profile_from_env


class FakeConfig:
    def __init__(self, source):
        self.args_source = source
        self.option = SimpleNamespace(benchmark_disable=False)
        self.stash = pytest.Stash()


class TestConfigure:
    def test_plain_pytest_is_an_untimed_quick_smoke_run(self, monkeypatch):
        """`pytest` with no paths disables timing and forces the quick grid."""
        monkeypatch.setenv(PROFILE_ENV, "full")
        config = FakeConfig(pytest.Config.ArgsSource.TESTPATHS)
        suite.configure(config)
        assert config.option.benchmark_disable is True
        assert suite.profile(config) == "quick"

    def test_named_paths_time_for_real_with_env_profile(self, monkeypatch):
        """`pytest benchmarks --benchmark-json …` times, with TIPSBENCH_PROFILE's grid."""
        monkeypatch.setenv(PROFILE_ENV, "quick")
        config = FakeConfig(pytest.Config.ArgsSource.ARGS)
        suite.configure(config)
        assert config.option.benchmark_disable is False
        assert suite.profile(config) == "quick"

    def test_default_profile_is_full(self, monkeypatch):
        """Without TIPSBENCH_PROFILE the timed command runs the full grid."""
        monkeypatch.delenv(PROFILE_ENV, raising=False)
        assert profile_from_env() == "full"

    def test_unknown_profile_is_refused(self, monkeypatch):
        """A typo in TIPSBENCH_PROFILE is an error naming the value and the choices."""
        monkeypatch.setenv(PROFILE_ENV, "fast")
        with pytest.raises(ProfileError, match="'fast'.*quick, full"):
            profile_from_env()
        with pytest.raises(pytest.UsageError, match="'fast'"):
            suite.configure(FakeConfig(pytest.Config.ArgsSource.ARGS))
