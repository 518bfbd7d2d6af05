"""labkit.datasets.ball: shapes, determinism, and the physics a forecaster will rely on."""

from labkit.datasets import ball

import numpy as np
import pytest


@pytest.fixture(scope="module")
def throws():
    return ball.throws(256, frames=80, seed=3)


def test_shapes_and_types(throws):
    assert throws.observed.shape == throws.positions.shape == throws.velocities.shape == (256, 80, 2)
    assert throws.observed.dtype == np.float32 and np.all(throws.positions[:, 0, 0] == 0)  # thrown from x = 0
    assert 0.5 <= throws.positions[:, 0, 1].min() and throws.positions[:, 0, 1].max() <= 2.0


def test_the_same_seed_gives_the_same_throws_and_another_seed_others(throws):
    again = ball.throws(256, frames=80, seed=3)
    np.testing.assert_array_equal(again.observed, throws.observed)
    assert not np.allclose(ball.throws(256, frames=80, seed=4).positions, throws.positions)


def test_the_ball_never_goes_below_the_floor_and_bounces(throws):
    assert throws.positions[..., 1].min() >= 0
    upward_turns = np.diff(np.sign(throws.velocities[..., 1]), axis=1) > 0  # falling, then rising: a bounce
    assert upward_turns.any(axis=1).mean() > 0.9


def test_energy_never_rises_from_frame_to_frame_bounces_included(throws):
    energy = ball.energy(throws.positions, throws.velocities)  # (n, frames)
    assert np.diff(energy, axis=1).max() <= 0  # drag, bounces and the integrator only ever take energy away


def test_observation_noise_has_the_asked_size():
    noisy = ball.throws(128, noise=0.05, seed=0)
    assert np.std(noisy.observed - noisy.positions) == pytest.approx(0.05, rel=0.05)
    exact = ball.throws(4, noise=0.0, seed=0)
    np.testing.assert_array_equal(exact.observed, exact.positions.astype("float32"))


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n": 0}, r"^n: expected an int >= 1, got 0$"),
    ({"n": 2, "frames": 1.5}, r"^frames: expected an int >= 1, got 1.5$"),
    ({"n": 2, "restitution": 1.5},
     r"^restitution: expected a number in \[0, 1\] \(bounce speed kept\), got 1.5$"),
    ({"n": 2, "drag": -1}, r"^drag: expected a number in \[0, inf\] \(per metre\), got -1$"),
    ({"n": 2, "noise": float("nan")}, r"^noise: expected a number in \[0, inf\] \(metres\), got nan$"),
    ({"n": 2, "seed": -1}, r"^seed: expected an int >= 0, got -1$"),
])
def test_bad_arguments_are_one_line_errors(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        ball.throws(**kwargs)
