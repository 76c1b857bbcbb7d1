"""A disk cache of generic solution sets: monodromy once per architecture, then parameter homotopies only.

The generic solution set of an architecture (one :class:`~.monodromy.GenericSolutions`
per alive-size tuple, found by monodromy at a random complex base point) depends only on the
widths and the number of samples. It is most of a cold solve, so it is kept on disk, one ``.npz``
file per key, and every later solve, study or landscape run of that shape reads it.

Where
    ``$LINNET_CRIT_CACHE`` if set (``off`` disables the cache), else ``$XDG_CACHE_HOME/linnet_crit``,
    else ``~/.cache/linnet_crit``. ``SolveOptions(cache=False)`` bypasses it for one solve.
Key
    widths, samples, engine version, every monodromy and tracker option (they decide when the
    monodromy stops and which loops it completes), and :data:`FORMAT_VERSION`; the file name
    carries the widths, the samples and a hash of the whole key.
Trust
    None. A file is written atomically (temporary file in the same folder, then ``os.replace``),
    so concurrent writers leave one whole file. On load the header must carry the expected key,
    the arrays must match the header's SHA-256, and every stored point is re-checked at its stored
    base point: Newton on the sub-network system must not move it and must reach the residual
    tolerance, representatives must be canonical, distinct and on the torus, and the start map's
    rank gap must still give the stored verdict. A file failing any check is ignored with a
    :class:`CacheWarning` naming it and the check, and the set is recomputed (and rewritten).
Incomplete sets
    are not cached at all: a monodromy with any warning (stopped at ``max_loops``, doubtful rank
    gap) is recomputed on every solve, so its warnings always reach the result.
Seeds
    A hit reuses the stored base point and representatives instead of drawing new ones; the seed
    of the solve that first computed them is stored and reported (each shape's generator is
    :func:`~.structured.shape_rng` of it, so the stored set can be recomputed). Counts do not depend on the
    base point (any generic base point has the same number of orbits); what does change is that
    a warm solve's monodromy stages track 0 paths.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
import warnings
from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..._version import __version__
from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters
from ...points import SAME_POINT, is_torus, match_rows, unique_rows
from ...results import StageReport
from ...options import SolveOptions
from ...sign_flips import canonicalize
from .homotopies import fixed
from .monodromy import GenericSolutions, relative_rank_gap
from .tracker import newton

__all__ = ["CACHE_ENV", "FORMAT_VERSION", "CacheWarning", "cache_directory", "cache_file", "cache_notes",
           "load_generic", "store_generic"]

#: Environment variable naming the cache folder; the value ``off`` disables the cache.
CACHE_ENV = "LINNET_CRIT_CACHE"
#: Bumped whenever the file layout or the meaning of a stored field changes.
FORMAT_VERSION = 1

#: One generic solution set per alive-size tuple.
GenericSet = dict[tuple[int, ...], GenericSolutions]


class CacheWarning(UserWarning):
    """A cache file was ignored (corrupt, truncated, edited, foreign) or could not be written."""


def cache_directory() -> Path | None:
    """The cache folder, or ``None`` when ``$LINNET_CRIT_CACHE`` is ``off``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() == "off":
        return None
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "linnet_crit"


def _key(arch: Architecture, samples: int, options: SolveOptions) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "widths": list(arch.widths),
        "samples": int(samples),
        "engine": __version__,
        "monodromy": asdict(options.monodromy),
        "tracker": asdict(options.tracker),
        # the blackbox homotopy of small shapes (MonodromyOptions.blackbox_paths) ends with this endgame
        "endgame": asdict(options.endgame),
    }


def _canonical_json(obj: Any) -> str:
    # repr for anything JSON does not know, so an option of a new type still changes the key
    return json.dumps(obj, sort_keys=True, default=repr)


def cache_file(arch: Architecture, samples: int, options: SolveOptions) -> Path | None:
    """The file that holds (or will hold) the generic set of this key; ``None`` when the cache is off."""
    folder = cache_directory()
    if folder is None or not options.cache:
        return None
    digest = hashlib.sha256(_canonical_json(_key(arch, samples, options)).encode()).hexdigest()[:16]
    return folder / f"generic-{'-'.join(map(str, arch.widths))}-m{samples}-{digest}.npz"


def _arrays_digest(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def store_generic(path: Path, arch: Architecture, samples: int, options: SolveOptions, generic: GenericSet,
                  seed: int | None) -> bool:
    """Write ``generic`` atomically to ``path``; ``False`` (with a :class:`CacheWarning`) if it cannot be written.

    Sets with any monodromy warning are not stored (returns ``False`` silently): an incomplete
    set must be recomputed, never served as if it were complete. Neither are sets without their
    start points W₀ (not made by :func:`~.solvers.native.monodromy.generic_solutions`).
    """
    if any(g.warnings for g in generic.values()):
        return False
    if any(g.start is None for g in generic.values()):  # built by hand, not by monodromy: nothing to re-check
        return False
    arrays: dict[str, np.ndarray] = {}
    shapes = []
    for i, (sizes, g) in enumerate(generic.items()):
        arrays[f"s{i}_reps"] = np.asarray(g.representatives, dtype=complex)
        arrays[f"s{i}_w0"] = np.asarray(g.start, dtype=complex)
        arrays[f"s{i}_X"] = np.asarray(g.base.X, dtype=complex)
        arrays[f"s{i}_Y"] = np.asarray(g.base.Y, dtype=complex)
        for j, lam in enumerate(g.base.lambdas):
            arrays[f"s{i}_L{j}"] = np.asarray(lam, dtype=complex)
        report = g.report
        info = {k: v for k, v in report.info.items() if not k.startswith("cache")}
        shapes.append({"sizes": list(sizes), "degenerate": bool(g.degenerate), "name": report.name,
                       "paths": report.paths, "failed": report.failed, "seconds": report.seconds, "info": info})
    header = {"key": _key(arch, samples, options), "seed": seed, "created": time.time(), "shapes": shapes,
              "sha256": _arrays_digest(arrays)}
    arrays["header"] = np.frombuffer(_canonical_json(header).encode(), dtype=np.uint8)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        warnings.warn(f"could not write the cache file {path} ({exc}); set {CACHE_ENV} to a writable folder "
                      f"or to 'off'", CacheWarning, stacklevel=3)
        return False
    return True


class _Invalid(Exception):
    """Why a cache file cannot be used (internal: becomes a CacheWarning)."""


def load_generic(
    path: Path, arch: Architecture, samples: int, options: SolveOptions
) -> tuple[GenericSet | None, str | None]:
    """The verified generic set stored in ``path``, or ``None`` and why it was not used.

    A missing file gives ``(None, None)``; a file that fails any check (see the module docstring)
    gives ``(None, reason)`` and a :class:`CacheWarning` naming the file.
    """
    if not path.exists():
        return None, None
    t0 = time.perf_counter()
    try:
        generic = _read(path, arch, samples, options)
    except Exception as exc:  # noqa: BLE001 — any failure to read or verify means: do not trust, recompute
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, _Invalid) else str(exc)
        warnings.warn(f"ignored the cache file {path} ({reason}); the generic solution set is recomputed "
                      "and the file rewritten", CacheWarning, stacklevel=3)
        return None, reason
    seconds = (time.perf_counter() - t0) / max(1, len(generic))
    return {s: replace(g, report=replace(g.report, seconds=seconds)) for s, g in generic.items()}, None


def _read(path: Path, arch: Architecture, samples: int, options: SolveOptions) -> GenericSet:
    # read into memory first: np.load leaves its file open when a truncated zip makes it fail
    npz = np.load(io.BytesIO(path.read_bytes()), allow_pickle=False)
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise _Invalid("not an npz archive")
    with npz:
        arrays = {name: npz[name] for name in npz.files}
    if "header" not in arrays:
        raise _Invalid("no header")
    header = json.loads(arrays.pop("header").tobytes().decode())
    expected = json.loads(_canonical_json(_key(arch, samples, options)))
    if header.get("key") != expected:
        raise _Invalid(f"written for {header.get('key')!r}, expected {expected!r}")
    if header.get("sha256") != _arrays_digest(arrays):
        raise _Invalid("its arrays do not match the SHA-256 of its header")
    stored = {tuple(s["sizes"]): s for s in header["shapes"]}
    if set(stored) != set(arch.alive_shapes()):
        raise _Invalid(f"alive sizes {sorted(stored)} are not those of widths {arch}")
    generic: GenericSet = {}
    for i, entry in enumerate(header["shapes"]):
        sizes = tuple(entry["sizes"])
        sub = arch.subnetwork(sizes)
        n_lambdas = len(sub.shapes)
        base = Instance(sub, arrays[f"s{i}_X"], arrays[f"s{i}_Y"], [arrays[f"s{i}_L{j}"] for j in range(n_lambdas)])
        reps = _verified(sub, base, arrays[f"s{i}_w0"], arrays[f"s{i}_reps"], entry, options)
        info = {**entry["info"], "cache": "hit", "cache_file": str(path), "cache_seed": header.get("seed"),
                "cache_paths": entry["paths"]}
        # the paths really tracked: none (the stored count is kept in info["cache_paths"])
        report = StageReport(entry["name"], 0, failed=0, seconds=0.0, info=info)
        generic[sizes] = GenericSolutions(sub, base, reps, bool(entry["degenerate"]), report, arrays[f"s{i}_w0"])
    return {s: generic[s] for s in arch.alive_shapes()}


def _verified(sub: Architecture, base: Instance, w0: np.ndarray, reps: np.ndarray, entry: Mapping[str, Any],
              options: SolveOptions) -> np.ndarray:
    """The stored representatives after checking they are the torus solutions the header says."""
    n = sub.n_unknowns
    if w0.shape != (n,) or reps.ndim != 2 or reps.shape[1] != n:
        raise _Invalid(f"alive sizes {entry['sizes']}: arrays of shapes {w0.shape}, {reps.shape} for {n} unknowns")
    system = fixed(sub, Parameters.of(base))
    points = np.concatenate([w0[None], reps])
    # the residual where the points are stored (no Newton step: W₀ of a rank-deficient start map
    # is a singular solution, where a step would only wander off) ...
    _, _, residual = newton(system, points, np.ones(len(points)), 0)
    scale = 1.0 + np.abs(points).max(axis=1)
    if not np.all(np.isfinite(points)) or (residual > options.residual_tolerance * scale).any():
        raise _Invalid(f"alive sizes {entry['sizes']}: a stored point is not a critical point of its stored base")
    gap = relative_rank_gap(sub, base, w0)
    if (gap < options.monodromy.rank_tolerance) != bool(entry["degenerate"]):
        raise _Invalid(f"alive sizes {entry['sizes']}: the start map's rank gap {gap:.1e} contradicts the stored "
                       f"verdict degenerate={entry['degenerate']}")
    if len(reps) != entry["info"].get("orbits", 0):
        raise _Invalid(f"alive sizes {entry['sizes']}: {len(reps)} representatives, header says "
                       f"{entry['info'].get('orbits')}")
    if len(reps):
        # ... and the representatives (nonsingular) are where Newton converges: refined, not moved;
        # canonical as stored (after a step, a real part at round-off could flip its sign)
        x, _, residual = newton(system, reps, np.ones(len(reps)), 1)
        scale = 1.0 + np.abs(x).max(axis=1)
        if (np.abs(x - reps).max(axis=1) > SAME_POINT * scale).any() or (
                residual > options.residual_tolerance * scale).any():
            raise _Invalid(f"alive sizes {entry['sizes']}: Newton at the stored base moves a stored representative")
        _, duplicate = unique_rows(reps, SAME_POINT)
        if (not match_rows(reps, canonicalize(sub, reps), SAME_POINT).all() or duplicate.any()
                or not is_torus(sub, reps).all()):
            raise _Invalid(f"alive sizes {entry['sizes']}: representatives not canonical, distinct and on the torus")
    # the stored points themselves, not their refinement: a warm solve starts where the cold one did
    return reps


def cache_notes(stages: tuple[StageReport, ...]) -> tuple[str, ...]:
    """One note saying how the cache served the generic-set stages among ``stages`` (monodromy, and
    the blackbox homotopy on small shapes): none when the cache is off or no stage says."""
    infos = [s.info for s in stages if "cache" in s.info]
    if not infos:
        return ()
    info = infos[0]
    state, where = info["cache"], info.get("cache_file")
    if state == "hit":
        then = sum(i.get("cache_paths", 0) for i in infos)
        return (f"generic solution set read from the cache file {where} (solve seed {info.get('cache_seed')}, "
                f"{then} paths then, 0 now); counts do not depend on its base point",)
    if state == "off":  # the stages' info says so; a note would only repeat what every cold solve does
        return ()
    ignored = info.get("cache_ignored")
    stored = "stored in" if info.get("cache_stored") else "not stored (an incomplete set is never cached) in"
    names = {"blackbox": "the blackbox homotopy", "closed form": "the closed form",
             "reduced homotopy": "the reduced homotopy"}
    routes = " and ".join(sorted({names.get(i.get("route"), "monodromy") for i in infos}, reverse=True))
    return (f"generic solution set computed by {routes} and {stored} the cache file {where}"
            + (f"; the previous file was ignored ({ignored})" if ignored else ""),)
