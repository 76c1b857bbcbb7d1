"""The disk cache of generic solution sets: hits, misses, bypasses, and files that must not be trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from linnet_crit import random_instance, solve
from linnet_crit.architecture import Architecture
from linnet_crit.solvers.native.cache import (
    CACHE_ENV,
    CacheWarning,
    _arrays_digest,
    cache_directory,
    cache_file,
    load_generic,
    store_generic,
)
from linnet_crit.solvers import MonodromyOptions, SolveOptions
from linnet_crit.solvers.native.structured import solve_generic
from linnet_crit.study import study

pytestmark = pytest.mark.usefixtures("no_closed_form")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty cache folder for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def _monodromy(result):
    """The generic-set stages (monodromy, or the blackbox homotopy on small shapes)."""
    return [s for s in result.stages if "cache" in s.info]


def _generic(widths: str, seed: int = 0) -> dict:
    return solve_generic(Architecture.parse(widths), 1, np.random.default_rng(seed), SolveOptions())


def test_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "off")
    assert cache_directory() is None
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory() == tmp_path / "xdg" / "linnet_crit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory() == tmp_path / "home" / ".cache" / "linnet_crit"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_directory() == tmp_path / "mine"


def test_key_separates_widths_samples_and_options(cache_dir):
    arch, options = Architecture.parse("1,2,2"), SolveOptions()
    files = {
        cache_file(arch, 1, options),
        cache_file(Architecture.parse("2,2,1"), 1, options),
        cache_file(arch, 2, options),
        cache_file(arch, 1, SolveOptions(monodromy=MonodromyOptions(stall_loops=11))),
    }
    assert len(files) == 4 and all(f.parent == cache_dir for f in files)
    assert cache_file(arch, 1, SolveOptions(cache=False)) is None


def test_miss_then_hit_same_count_and_no_monodromy_paths(cache_dir):
    inst = random_instance("1,2,2", seed=3)
    cold = solve(inst, seed=0)
    assert [s.info["cache"] for s in _monodromy(cold)] == ["miss", "miss"]
    assert all(s.info["cache_stored"] for s in _monodromy(cold)) and sum(s.paths for s in _monodromy(cold)) > 0
    assert len(list(cache_dir.glob("*.npz"))) == 1
    assert "computed by the blackbox homotopy and stored in the cache file" in cold.notes[-1]  # 1,2,2: small shapes only
    warm = solve(inst, seed=5)
    assert [s.info["cache"] for s in _monodromy(warm)] == ["hit", "hit"]
    assert sum(s.paths for s in _monodromy(warm)) == 0
    # the seed that drew the stored base point is the cold solve's, recorded in the stages and the note
    assert all(s.info["cache_seed"] == 0 for s in _monodromy(warm)) and "solve seed 0" in warm.notes[-1]
    assert warm.complete and cold.complete
    assert (warm.n_solutions, warm.n_real()) == (cold.n_solutions, cold.n_real())
    assert warm.n_paths_tracked == cold.n_paths_tracked - sum(s.paths for s in _monodromy(cold))
    # the stored base point and representatives themselves: the same seed gives the cold solve's points
    np.testing.assert_array_equal(solve(inst, seed=0).solutions, cold.solutions)


def test_bypass_with_options_and_with_the_environment(cache_dir, monkeypatch):
    inst = random_instance("1,1,1", seed=0)
    result = solve(inst, seed=0, options=SolveOptions(cache=False))
    assert [s.info["cache"] for s in _monodromy(result)] == ["off"] and not cache_dir.exists()
    assert not any("cache" in note for note in result.notes)
    monkeypatch.setenv(CACHE_ENV, "off")
    assert [s.info["cache"] for s in _monodromy(solve(inst, seed=0))] == ["off"] and not cache_dir.exists()


def test_an_incomplete_monodromy_is_not_cached(cache_dir):
    # blackbox_paths=0: 1,1,1 is otherwise small enough for the blackbox homotopy, which has no max_loops
    options = SolveOptions(monodromy=MonodromyOptions(max_loops=1, blackbox_paths=0))
    inst = random_instance("1,1,1", seed=0)
    for _ in range(2):  # both solves run the monodromy and carry its warning
        result = solve(inst, seed=0, options=options)
        assert not result.complete and any("max_loops" in w for w in result.warnings)
        assert [(s.info["cache"], s.info["cache_stored"]) for s in _monodromy(result)] == [("miss", False)]
        assert "not stored" in result.notes[-1]
    assert not list(cache_dir.glob("*.npz")) if cache_dir.exists() else True


def _flip_byte(path: Path) -> None:
    """Flip a byte in the middle of the stored representatives (the file is uncompressed)."""
    with np.load(path) as npz:
        reps = npz[next(k for k in npz.files if k.endswith("_reps"))].tobytes()
    data = bytearray(path.read_bytes())
    data[data.find(reps) + len(reps) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _rewrite(path: Path, edit) -> None:
    """Apply ``edit(header, arrays)`` and save with a header hash that matches the edited arrays."""
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    header = json.loads(arrays.pop("header").tobytes().decode())
    edit(header, arrays)
    header["sha256"] = _arrays_digest(arrays)
    np.savez(path, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)


def _wrong_version(path: Path) -> None:
    _rewrite(path, lambda header, arrays: header["key"].__setitem__("format", 0))


def _moved_representative(path: Path) -> None:
    """An edit that keeps the hash right: only the re-refinement at the base point can see it."""

    def edit(header, arrays):
        name = next(k for k in sorted(arrays) if k.endswith("_reps") and arrays[k].size)
        arrays[name] = arrays[name] * 1.01

    _rewrite(path, edit)


def _sign_flipped_representative(path: Path) -> None:
    """Another member of the same orbit: still a critical point, but not the canonical one."""

    def edit(header, arrays):
        arrays["s0_reps"] = arrays["s0_reps"] * Architecture.parse("1,1,1").sign_flip_signs(1, 0)

    _rewrite(path, edit)


def _duplicated_representative(path: Path) -> None:
    def edit(header, arrays):
        arrays["s0_reps"] = np.concatenate([arrays["s0_reps"], arrays["s0_reps"][:1]])
        header["shapes"][0]["info"]["orbits"] += 1

    _rewrite(path, edit)


def _edited_without_rehash(path: Path) -> None:
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    name = next(k for k in sorted(arrays) if k.endswith("_X"))
    arrays[name] = arrays[name] + 1e-3
    np.savez(path, **arrays)


def _foreign(path: Path) -> None:
    """The file of widths 1,2,1 put where the 1,1,1 file belongs."""
    other = cache_file(Architecture.parse("1,2,1"), 1, SolveOptions())
    _generic("1,2,1")
    shutil.copyfile(other, path)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_flip_byte, ""),
        (_truncate, ""),
        (_wrong_version, "expected"),
        (_foreign, "expected"),
        (_edited_without_rehash, "SHA-256"),
        (_moved_representative, "not a critical point|moves a stored"),
        (_sign_flipped_representative, "not canonical"),
        (_duplicated_representative, "distinct"),
    ],
)
def test_bad_files_are_ignored_with_a_warning_and_recomputed(cache_dir, spoil, reason):
    arch, options = Architecture.parse("1,1,1"), SolveOptions()
    first = _generic("1,1,1")
    path = cache_file(arch, 1, options)
    spoil(path)
    with pytest.warns(CacheWarning, match=f"ignored the cache file {path}.*{reason}"):
        again = _generic("1,1,1", seed=1)
    info = again[(1,)].report.info
    assert info["cache"] == "miss" and info["cache_stored"] and info["cache_ignored"]
    assert again[(1,)].n_orbits == first[(1,)].n_orbits and again[(1,)].report.paths > 0
    # the rewritten file is whole: the next call is a hit without a warning
    assert _generic("1,1,1")[(1,)].report.info["cache"] == "hit"


def test_a_rank_deficient_shape_is_stored_checked_and_its_verdict_cannot_be_edited(cache_dir):
    """Widths 1,2,1: alive sizes (2,) have a rank-deficient start map (no torus solution), whose
    start point is a singular solution; the file keeps it and the load re-checks the verdict."""
    arch, options = Architecture.parse("1,2,1"), SolveOptions()
    cold = _generic("1,2,1")
    assert cold[(2,)].degenerate and cold[(2,)].n_orbits == 0 and not cold[(1,)].degenerate
    warm = _generic("1,2,1", seed=3)
    assert [g.report.info["cache"] for g in warm.values()] == ["hit", "hit"] and warm[(2,)].degenerate
    assert [g.n_orbits for g in warm.values()] == [g.n_orbits for g in cold.values()]
    path = cache_file(arch, 1, options)

    def flip_verdict(header, arrays):
        header["shapes"][1]["degenerate"] = False

    _rewrite(path, flip_verdict)
    with pytest.warns(CacheWarning, match="rank gap .* contradicts the stored verdict degenerate=False"):
        assert _generic("1,2,1")[(2,)].report.info["cache"] == "miss"


def test_every_flipped_byte_is_detected_or_harmless(cache_dir):
    """Some bytes of a zip file are never read (e.g. sizes repeated in the central directory); a
    flip there must leave the loaded set unchanged, a flip anywhere else must be detected."""
    arch, options = Architecture.parse("1,1,1"), SolveOptions()
    first = _generic("1,1,1")
    path = cache_file(arch, 1, options)
    original = path.read_bytes()
    detected = 0
    for position in range(0, len(original), 7):
        data = bytearray(original)
        data[position] ^= 0xFF
        path.write_bytes(bytes(data))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            generic, reason = load_generic(path, arch, 1, options)
        if generic is None:
            detected += 1
            assert reason and any(issubclass(w.category, CacheWarning) and str(path) in str(w.message) for w in caught)
        else:
            assert not caught
            for sizes, g in generic.items():
                np.testing.assert_allclose(g.representatives, first[sizes].representatives, rtol=1e-12)
                np.testing.assert_array_equal(g.base.X, first[sizes].base.X)
                np.testing.assert_array_equal(g.base.lambdas[0], first[sizes].base.lambdas[0])
    assert detected > len(original) // 7 // 2  # the arrays and the header are most of the file


def test_concurrent_writers_leave_a_valid_file(cache_dir):
    arch, options = Architecture.parse("1,2,2"), SolveOptions(cache=False)
    sets = [solve_generic(arch, 1, np.random.default_rng(seed), options) for seed in (0, 1)]
    path = cache_file(arch, 1, SolveOptions())

    def write(k: int) -> bool:
        return store_generic(path, arch, 1, SolveOptions(), sets[k % 2], k % 2)

    def read(_: int) -> bool:
        generic, reason = load_generic(path, arch, 1, SolveOptions())
        return reason is None

    with ThreadPoolExecutor(max_workers=6) as pool:
        writes = [pool.submit(write, k) for k in range(24)]
        reads = [pool.submit(read, k) for k in range(24)]
        assert all(f.result() for f in writes) and all(f.result() for f in reads)
    generic, reason = load_generic(path, arch, 1, SolveOptions())
    assert reason is None and generic is not None
    assert [g.n_orbits for g in generic.values()] == [g.n_orbits for g in sets[0].values()]
    assert [p.name for p in cache_dir.iterdir()] == [path.name]  # no temporary file left behind


def test_concurrent_solves_in_two_processes(cache_dir):
    """Two cold solves of one architecture at once: both store, neither sees a broken file."""
    script = ("import warnings; warnings.simplefilter('error');"
              "from linnet_crit import random_instance, solve;"
              "r = solve(random_instance('1,2,2', seed=1), seed={seed});"
              "print(r.n_solutions, r.stages[0].info['cache'])")
    env = {**os.environ, CACHE_ENV: str(cache_dir), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", script.format(seed=seed)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for seed in (0, 1)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    counts = {out.split()[0] for out, _ in outs}
    generic, reason = load_generic(cache_file(Architecture.parse("1,2,2"), 1, SolveOptions()),
                                   Architecture.parse("1,2,2"), 1, SolveOptions())
    assert len(counts) == 1 and reason is None and generic is not None
    assert [p.name for p in cache_dir.iterdir()] == [cache_file(Architecture.parse("1,2,2"), 1, SolveOptions()).name]


def test_study_and_solve_share_the_cache(cache_dir):
    solve(random_instance("1,1,1", seed=0), seed=0)
    res = study("1,1,1", draws=2, seed=4, workers=1)
    assert res.generic_paths == 0 and all(d.complete for d in res.draws)


def test_landscape_shares_the_cache(cache_dir, monkeypatch):
    from linnet_crit.landscape.path import engine_solver
    from linnet_crit.solvers.native import structured

    inst = random_instance("1,1,1", seed=0)
    cold = solve(inst, seed=0)

    def no_monodromy(*args, **kwargs):
        raise AssertionError("monodromy ran although the cache holds this architecture")

    monkeypatch.setattr(structured, "generic_solutions", no_monodromy)
    assert engine_solver(inst, seed=9)(inst).n_solutions == cold.n_solutions


def test_warm_solve_of_222_is_fast(cache_dir):
    inst = random_instance("2,2,2", seed=1)
    cold = solve(inst, seed=0)
    timings = []
    for _ in range(3):  # the best of three: a busy shared machine slows single calls, not all of them
        t0 = time.perf_counter()
        warm = solve(inst, seed=0)
        timings.append(time.perf_counter() - t0)
        assert warm.n_solutions == cold.n_solutions and warm.complete
        if timings[-1] < 2.0:
            break
    # goal 0.2 s (issue 16); a loose bound on this shared machine, the benchmark reports the figure
    assert min(timings) < 2.0, f"warm solve of 2,2,2 took {min(timings):.2f} s at best"
