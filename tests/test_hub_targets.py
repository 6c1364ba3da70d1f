"""Street target defaults: never looser than the plan; a community may tighten, never loosen."""

from __future__ import annotations

import pytest

from hub.targets import TargetError, check_community_target, check_street_target, effective
from metrics.engine import TargetSetting


@pytest.mark.parametrize(("metric_id", "value", "stored"), [
    ("B08", 0.95, 0.95),  # plan ≥ 90 %: stricter is more
    ("B08", 95, 0.95),  # 95 typed for 95 %
    ("B08", 0.9, 0.9),  # the plan itself
    ("B04", 6, 6),  # plan ≥ 4 次
    ("B02", 0, 0),  # = 0 起: nothing stricter
    ("B03", 1.0, 1.0),  # checklist: every item
])
def test_a_street_default_at_least_as_strict_as_the_plan_is_kept(metric_id, value, stored):
    assert check_street_target(metric_id, value) == pytest.approx(stored)


@pytest.mark.parametrize(("metric_id", "value", "words"), [
    ("B08", 0.85, ["B08", "计划 ≥ 90%", "填写 ≥ 85%"]),
    ("B04", 3, ["B04", "≥ 4 次", "≥ 3 次"]),
    ("B02", 1, ["B02", "= 0 起", "1 起"]),  # "at most": more is looser
])
def test_a_street_default_looser_than_the_plan_is_refused(metric_id, value, words):
    with pytest.raises(TargetError) as caught:
        check_street_target(metric_id, value)
    assert caught.value.key == "hub.target.looser_than_plan" and all(w in str(caught.value) for w in words)


STREET = {"B08": 0.95}


@pytest.mark.parametrize(("metric_id", "value", "ok"), [
    ("B08", 0.97, True),  # tighter than the street's 95 %
    ("B08", 0.95, True),
    ("B08", 0.92, False),  # above the plan, but looser than the street
    ("B04", 5, True),  # no street default: the plan (4) is the floor
    ("B04", 3, False),
])
def test_a_community_may_tighten_but_not_loosen(metric_id, value, ok):
    if ok:
        check_community_target(metric_id, value, STREET)
        return
    with pytest.raises(TargetError) as caught:
        check_community_target(metric_id, value, STREET)
    assert caught.value.key == ("hub.target.looser_than_street" if metric_id in STREET else "hub.target.looser_than_plan")


@pytest.mark.parametrize(("own", "expected"), [
    ({}, TargetSetting(0.95, True)),  # the street's default
    ({"B08": TargetSetting(0.97, True)}, TargetSetting(0.97, True)),  # own, tighter
    ({"B08": TargetSetting(0.80, True)}, TargetSetting(0.95, True)),  # own, looser: the floor instead
    ({"B08": TargetSetting(None, False)}, TargetSetting(0.95, False)),  # switched off stays off
])
def test_effective_targets(own, expected):
    assert effective(STREET, own)["B08"] == expected


def test_a_loose_own_target_without_a_street_default_is_raised_to_the_plan():
    assert effective({}, {"B04": TargetSetting(2, True)})["B04"] == TargetSetting(4.0, True)
    assert "B05a" not in effective({}, {})  # nothing set, nothing added: the engine's defaults apply
