from labkit import same_clock
from labkit.same_clock import Point

import time

import pytest


def test_train_and_score_counts_training_time_only_and_scores_on_schedule():
    steps = []

    def slow_score():
        time.sleep(0.05)  # scoring must not use up the training budget
        return 10.0 - len(steps)

    def train_step(x, y):
        time.sleep(0.01)
        steps.append(x)
        return 1.0

    curve = same_clock.train_and_score(train_step, lambda step: (step, step), 0.2, slow_score, every=0.05)
    assert curve[0] == Point(0.0, 0, 10.0)
    assert [p.step for p in curve] == sorted(p.step for p in curve) and curve[-1].step == len(steps)
    assert 0.2 <= curve[-1].seconds < 0.3 and 4 <= len(curve) <= 7  # 0 s, every 0.05 s, the end
    assert steps[:3] == [1, 2, 3]  # batches(step) counts from 1
    assert all(p.score == 10.0 - p.step for p in curve)


def test_seconds_to_reach_interpolates_between_the_scores_on_either_side():
    curve = [Point(0, 0, 4.0), Point(10, 5, 3.0), Point(20, 10, 2.0), Point(30, 15, 2.5)]
    assert same_clock.seconds_to_reach(curve, 2.5) == pytest.approx(15.0)
    assert same_clock.seconds_to_reach(curve, 3.0) == pytest.approx(10.0)
    assert same_clock.seconds_to_reach(curve, 5.0) == 0
    assert same_clock.seconds_to_reach(curve, 1.9) is None


def _train(train_step=lambda x, y: 0, seconds=1, every=1):
    return same_clock.train_and_score(train_step, lambda s: (s, s), seconds, lambda: 1.0, every)


@pytest.mark.parametrize("call, pattern", [
    (lambda: _train(seconds=0), r"^seconds: expected"),
    (lambda: _train(every="1"), r"^every: expected"),
    (lambda: _train(train_step=None), r"^train_step, batches, score"),
    (lambda: same_clock.seconds_to_reach([], 1.0), r"^curve: expected at least one Point"),
])
def test_bad_arguments_get_one_line_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_race_takes_turns_and_gives_each_model_its_own_clock_and_schedule():
    order = []

    def contestant(name, pause):
        def train_step(x, y):
            order.append(name)
            time.sleep(pause)
            return 1.0
        return train_step, (lambda step: (step, step)), (lambda: float(order.count(name)))

    contestants = {"slow": contestant("slow", 0.02), "fast": contestant("fast", 0.005)}
    curves = same_clock.race(contestants, 0.2, every=0.1, turn=0.05)
    assert set(curves) == {"slow", "fast"}
    assert order[0] == "slow" and "slow" in order[order.index("fast"):]  # turns, not one after the other
    for name, curve in curves.items():
        assert curve[0] == Point(0.0, 0, 0.0) and curve[-1].step == order.count(name)
        assert 0.2 <= curve[-1].seconds < 0.3 and 3 <= len(curve) <= 4  # 0 s, 0.1 s, (0.2 s,) the end
    assert curves["fast"][-1].step > 2 * curves["slow"][-1].step  # the same seconds, more steps
    with pytest.raises(ValueError, match=r"^contestants: expected a non-empty dict"):
        same_clock.race({}, 1, 1)
    with pytest.raises(ValueError, match=r"^turn: expected a number of seconds > 0"):
        same_clock.race({"a": contestant("a", 0)}, 1, 1, turn=0)
