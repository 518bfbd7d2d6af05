"""A thrown ball, for "where will the ball go next?": a 2-D ball under gravity with air drag,
bouncing off the floor with energy loss, observed with noise at a fixed frame rate.

Every throw starts at x = 0 from a random height, speed and angle. Between two frames the motion
is integrated in ``substeps`` small steps (semi-implicit Euler) with quadratic drag,
``a = (0, -g) - drag * |v| * v``. A ball that goes below the floor (y = 0) is mirrored back above it
and its vertical speed reversed and scaled by ``restitution``, so a bounce never adds energy.
All throws are simulated at once (NumPy arrays over the batch).
"""

from labkit.arguments import check_int, check_real, check_seed

from typing import NamedTuple

import numpy as np

GRAVITY = 9.81  # m/s^2


class Throws(NamedTuple):
    """``observed`` (n, frames, 2): noisy (x, y) positions in metres, what a model sees;
    ``positions`` and ``velocities`` (n, frames, 2): the true state at each frame."""

    observed: np.ndarray
    positions: np.ndarray
    velocities: np.ndarray


def energy(positions, velocities):
    """Mechanical energy per unit mass, ``|v|^2 / 2 + g y`` (..., ) for arrays (..., 2)."""
    return 0.5 * np.sum(velocities**2, axis=-1) + GRAVITY * positions[..., 1]


def throws(n, *, frames=60, fps=20, drag=0.05, restitution=0.7, noise=0.02, substeps=20, seed=0):
    """``n`` throws of ``frames`` frames each, observed ``fps`` times a second (a :class:`Throws`).

    Launch: height 0.5-2 m, speed 3-9 m/s, angle 20-70 degrees, all uniform. ``noise`` is the
    standard deviation (metres) of the observation noise added to every coordinate.
    """
    n, frames, fps, substeps = (check_int(name, value) for name, value in
                                (("n", n), ("frames", frames), ("fps", fps), ("substeps", substeps)))
    drag = check_real("drag", drag, minimum=0, meaning="per metre")
    restitution = check_real("restitution", restitution, minimum=0, maximum=1, meaning="bounce speed kept")
    noise = check_real("noise", noise, minimum=0, meaning="metres")
    check_seed(seed)
    rng = np.random.default_rng(seed)
    height, speed = rng.uniform(0.5, 2.0, n), rng.uniform(3.0, 9.0, n)
    angle = np.radians(rng.uniform(20.0, 70.0, n))
    position = np.stack([np.zeros(n), height], axis=1)  # (n, 2)
    velocity = speed[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (n, 2)
    dt = 1.0 / (fps * substeps)
    positions, velocities = np.empty((n, frames, 2)), np.empty((n, frames, 2))
    for frame in range(frames):
        positions[:, frame], velocities[:, frame] = position, velocity
        for _ in range(substeps):
            speed_now = np.linalg.norm(velocity, axis=1, keepdims=True)  # (n, 1)
            velocity = velocity + dt * (np.array([0.0, -GRAVITY]) - drag * speed_now * velocity)
            position = position + dt * velocity
            below = position[:, 1] < 0  # (n,) bounced during this step
            position[below, 1] *= -restitution
            velocity[below, 1] *= -restitution
    observed = positions + rng.normal(0.0, noise, positions.shape) if noise else positions.copy()
    return Throws(observed.astype("float32"), positions, velocities)
