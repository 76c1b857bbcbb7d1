"""SolveOptions as the typed record of a result: lossless dicts, refusal of bad ones, and a
SolveResult that classifies its points with the tolerances of the options that produced it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linnet_crit.data import random_instance
from linnet_crit.options import EndgameOptions, MonodromyOptions, SolveOptions, TrackerOptions
from linnet_crit.readwrite.encoding import decode_value, encode_value
from linnet_crit.results import SolveResult


def test_to_dict_through_json_gives_equal_options():
    options = SolveOptions(
        tracker=TrackerOptions(min_step=0.1 + 0.2, max_steps=7),
        monodromy=MonodromyOptions(min_loop_paths=30, rank_tolerance=float("inf")),
        endgame=EndgameOptions(ratio=1 / 7),
        real_tolerance=5e-324,
        cache=False,
    )
    text = json.dumps(encode_value(options.to_dict()))
    assert SolveOptions.from_dict(decode_value(json.loads(text))) == options


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("cache"), r"SolveOptions: unknown fields \[\], missing fields \['cache'\]"),
        (lambda d: d["monodromy"].update(loops=1), r"SolveOptions.monodromy: unknown fields \['loops'\]"),
        (lambda d: d.update(tracker=3), "SolveOptions.tracker must be a dict of its fields, got int"),
        (lambda d: d.update(zero_tolerance="1e-12"), "SolveOptions.zero_tolerance must be of type float, got '1e-12'"),
        (lambda d: d["tracker"].update(max_steps=True), "SolveOptions.tracker.max_steps must be of type int, got True"),
    ],
)
def test_from_dict_names_the_bad_field(edit, message):
    values = SolveOptions().to_dict()
    edit(values)
    with pytest.raises(ValueError, match=message):
        SolveOptions.from_dict(values)


def test_a_result_counts_with_its_own_tolerances():
    inst = random_instance("1,1,1", seed=0)
    points = np.array([[1.0 + 1e-7j, 2.0], [1e-9, 3.0]])

    def result(options: SolveOptions) -> SolveResult:
        return SolveResult(inst.architecture, inst, points, np.zeros(2), np.ones(2), 2, 0, "auto",
                           "native", "0", 0.0, options=options)

    default = result(SolveOptions())
    assert (default.n_real(), default.n_torus()) == (2, 2)
    loose = result(SolveOptions(zero_tolerance=1e-8, real_tolerance=1e-8))
    assert (loose.n_real(), loose.n_torus()) == (1, 1)
    assert loose.n_real(tol=1e-6) == 2  # an explicit tolerance still wins
