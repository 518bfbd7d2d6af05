from labkit import config

import random

import numpy as np
import pytest


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), (" YES ", True),
                                           ("0", False), ("", False), ("off", False)])
def test_fast_flag_parsing(monkeypatch, raw, expected):
    monkeypatch.setenv("LABKIT_FAST", raw)
    assert config._read_fast_flag() is expected


def test_fast_flag_rejects_garbage_in_one_line(monkeypatch):
    monkeypatch.setenv("LABKIT_FAST", "maybe")
    with pytest.raises(ValueError, match=r"^LABKIT_FAST: expected 1/0") as error:
        config._read_fast_flag()
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("fast", [True, False])
def test_pick_and_results_dir_follow_the_mode(monkeypatch, tmp_path, fast):
    monkeypatch.setattr(config, "FAST", fast)
    monkeypatch.setenv("LABKIT_RESULTS_DIR", str(tmp_path))
    assert config.pick(fast="small", full="big") == ("small" if fast else "big")
    assert config.results_dir() == (tmp_path / "fast" if fast else tmp_path)
    assert config.banner().startswith("FAST" if fast else "FULL")


def test_seed_everything_makes_numpy_python_and_keras_repeatable():
    keras = pytest.importorskip("keras")
    draws = []
    for _ in range(2):
        assert config.seed_everything(123) == 123
        draws.append((random.random(), np.random.rand(), float(keras.random.uniform(()))))
    assert draws[0] == draws[1]


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", True, None])
def test_seed_everything_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match=r"^seed: expected an int"):
        config.seed_everything(seed)


def test_repo_paths_point_at_this_checkout():
    assert (config.REPO_ROOT / "pyproject.toml").is_file()
    assert config.NOTEBOOKS_DIR == config.REPO_ROOT / "notebooks"


def test_describe_reports_mode_and_python():
    info = config.describe()
    assert info["mode"] == config.MODE and info["python"].count(".") == 2

