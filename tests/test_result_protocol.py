"""One result protocol: every result or report type has ``to_dict()`` (JSON-ready) and ``__str__``
(the table a person reads, not the dataclass repr)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest

from linnet_crit.classify import critical_point_table, orbit_completeness, pattern_table
from linnet_crit.data import random_instance
from linnet_crit.landscape import (
    check_unregularized,
    closed_form_point,
    critical_products,
    depth_scan,
    newton_search,
    real_statistics,
    regularization_path,
)
from linnet_crit.landscape.scan import chain
from linnet_crit.solvers import SolveOptions, solve
from linnet_crit.streamed import solve_to_file
from linnet_crit.study import study
from linnet_crit.verify import certify, count_stability, singular_executable, verify


def _results() -> dict[str, object]:
    inst = random_instance((1, 1, 1), seed=0)
    result = solve(inst, seed=0)
    res = study("1,1,1", draws=2, seed=0, workers=1)
    zero_data = random_instance((2, 1, 2), samples=3, seed=0)
    locus = np.array([closed_form_point(zero_data, p) for p in critical_products(zero_data)])
    scan = depth_scan([chain(1), chain(2)], draws=2, seed=0)
    out = {
        "SolveResult": result,
        "StudyResult": res,
        "PatternTable": pattern_table(result.solutions, inst.architecture, samples=1),
        "RealPointTable": critical_point_table(inst, result.solutions),
        "OrbitReport": orbit_completeness(result.solutions, inst.architecture),
        "RealStatistics": real_statistics(res),
        "DepthScan": scan,
        "GrowthFit": scan.growth("complex"),
        "RegularizationPath": regularization_path(inst, ts=[1.0, 0.5], resolve=False),
        "NewtonSearch": newton_search(inst, starts=20, seed=0),
        "UnregularizedCheck": check_unregularized(zero_data, locus),
        "StabilityReport": count_stability((1, 1, 1), seeds=(0,)),
        "CertificationResult": certify(inst, result.solutions),
        "StreamedSolveResult": solve_to_file(inst, Path(tempfile.mkdtemp()) / "points.jsonl", seed=0,
                                             options=SolveOptions(cache=False)),
    }
    if singular_executable() is not None:
        out["VerificationReport"] = verify(inst)
    return out


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    return _results()


NAMES = ["SolveResult", "StudyResult", "PatternTable", "RealPointTable", "OrbitReport", "RealStatistics",
         "DepthScan", "GrowthFit", "RegularizationPath", "NewtonSearch", "UnregularizedCheck",
         "StabilityReport", "CertificationResult", "VerificationReport", "StreamedSolveResult"]


@pytest.mark.parametrize("name", NAMES)
def test_to_dict_is_json_and_str_is_a_table(results, name):
    if name not in results:
        pytest.skip("Singular (extra 'exact') is not installed")
    obj = results[name]
    assert type(obj).__name__ == name
    data = json.loads(json.dumps(obj.to_dict()))
    assert isinstance(data, dict) and data
    text = str(obj)
    # a person's table, not the generated dataclass repr
    assert text and not text.startswith(f"{name}(")
