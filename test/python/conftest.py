# Shared fixtures for the recur pytest suite.
#
# - Every test session compiles into its own temporary RECUR_CACHE_DIR, so the
#   suite never reads or writes ~/.cache/recur (autouse, session-wide).
# - recur.ops run their tested defaults (RECUR_AUTOTUNE=0, session-wide):
#   tuning them would compile every candidate of every shape; the tuning
#   tests turn it back on where they need it.
# - `mode` runs a numerical test twice: compiled ("compiled", RECUR_INTERPRET
#   unset) and in the numpy interpreter ("interpret", RECUR_INTERPRET=1). The
#   variable is read at every launch, so monkeypatch is enough.
# - `compiled` forces compiled mode for tests that are about the compiler
#   (errors, caches) whatever the caller's environment says.
# - `subprocess_env` gives an environment in which `sys.executable` imports
#   this very `recur` package (for tests that need a second process).

import os

import numpy as np
import pytest

import recur


@pytest.fixture(scope="session", autouse=True)
def recur_cache_dir(tmp_path_factory):
    """A per-session on-disk compile cache; restores the caller's setting."""
    path = tmp_path_factory.mktemp("recur-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RECUR_CACHE_DIR", str(path))
        mp.setenv("RECUR_AUTOTUNE", "0")
        yield path


@pytest.fixture(params=["compiled", "interpret"])
def mode(request, monkeypatch):
    """Runs the test once compiled and once under RECUR_INTERPRET=1."""
    if request.param == "interpret":
        monkeypatch.setenv("RECUR_INTERPRET", "1")
    else:
        monkeypatch.delenv("RECUR_INTERPRET", raising=False)
    return request.param


@pytest.fixture
def compiled(monkeypatch):
    """Compiled mode only (for compiler errors, caches, asm)."""
    monkeypatch.delenv("RECUR_INTERPRET", raising=False)
    return "compiled"


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name: reproducible, distinct per test."""
    seed = sum(request.node.name.encode()) * 7919 % (2**31)
    return np.random.default_rng(seed)


def recur_pythonpath() -> str:
    """The directory that holds the imported `recur` package."""
    return os.path.dirname(os.path.dirname(os.path.abspath(recur.__file__)))


@pytest.fixture
def subprocess_env():
    """Environment for a child `python` that imports the same recur (compiled mode)."""

    def make(cache_dir, extra_path=None):
        env = dict(os.environ)
        env.pop("RECUR_INTERPRET", None)
        paths = [recur_pythonpath()]
        if extra_path is not None:
            paths.insert(0, str(extra_path))
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["RECUR_CACHE_DIR"] = str(cache_dir)
        return env

    return make


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "gpu: needs an NVIDIA GPU; skipped, with the reason, without one"
    )
