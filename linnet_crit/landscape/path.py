"""The regularization path: real critical points followed as Λ is scaled by t from 1 towards 0.

At each t of a decreasing sequence the real critical points of the previous t are carried to
``Λ·t`` by a parameter homotopy (real start, real parameters, so real paths), refined by Newton,
and classified (loss, Hessian index, smallest singular value of the Jacobian = smallest |Hessian
eigenvalue|). Optionally (``resolve=True``) the complete complex solution set (the engine's at the
first t) is carried along too, each step around a complex detour of t (so no path meets the real
points where conjugate pairs turn real), with the engine re-solving from its cached generic
solutions whenever a point is lost; real points *born* between two values of t (a complex
conjugate pair becoming real, typically in a pitchfork off a point with a dead neuron) are then
seen and followed. Events recorded:

- ``index_change``: a followed point changed Hessian index (e.g. a minimum became a saddle);
- ``merged``: two followed points converged to one, or a path failed at a singular Jacobian (a
  fold, where two real points meet and leave the real locus);
- ``born``: a real point of the complete solution set at t that no followed path explains;
- ``unconfirmed``: a followed point the complete solution set at t does not contain;
- ``lost``: a path failed with no sign of a fold.

The walk stops, with ``stop_reason`` saying why, when t reaches the end of the sequence or when
the Jacobian at some followed point becomes numerically singular (σ_min/σ_max below
``singular_rtol``) — the unregularized limit Λ = 0 has a positive-dimensional critical set, so
points cannot be followed into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..classify.real import critical_point_table
from ..data import Instance
from ..errors import DataError, SolverError
from ..numeric.evaluate import Parameters, gradient, gradient_and_jacobian
from ..options import SolveOptions
from ..points import SAME_POINT, match_rows, unique_rows
from ..progress import progress_bar
from ..results import SolveResult
from ..solvers import prepare, solve_many, track_parameter_homotopy

__all__ = ["PathPoint", "PathEvent", "PathStep", "RegularizationPath", "regularization_path", "scaled", "engine_solver"]


def scaled(instance: Instance, t: complex) -> Instance:
    """The instance with Λ replaced by ``t·Λ`` (same X, Y; complex t gives a complex instance).

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> inst = random_instance((1, 1, 1), seed=0)
    >>> bool(np.allclose(scaled(inst, 0.5).lambdas[0], 0.5 * inst.lambdas[0]))
    True
    """
    return Instance(
        instance.architecture, instance.X, instance.Y, [t * lam for lam in instance.lambdas],
        seed=instance.seed, regularization=instance.regularization,
    )


def engine_solver(instance: Instance, seed: int = 0, options: SolveOptions | None = None) -> Callable[[Instance], SolveResult]:
    """A function solving instances of ``instance``'s shape from one cached generic solution set.

    The monodromy runs once, at complex random X, Y with the instance's number of samples (the
    route of :func:`linnet_crit.study`, seeded by ``seed``); each call is then a batch of parameter
    homotopies.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> solve_at = engine_solver(random_instance((1, 1, 1), seed=0), seed=0)
    >>> [solve_at(random_instance((1, 1, 1), seed=s)).n_solutions for s in (1, 2)]
    [5, 5]
    """
    options = options or SolveOptions()
    generic = prepare(instance.architecture, instance.samples, seed=seed, options=options)

    def solve_at(target: Instance) -> SolveResult:
        return solve_many([target], generic, seeds=[seed], options=options)[0]

    return solve_at


@dataclass(frozen=True, eq=False)
class PathPoint:
    """A followed real critical point at one t."""

    label: int
    point: np.ndarray
    loss: float
    hessian_index: int
    kind: str
    min_singular: float
    """σ_min / σ_max of the Jacobian (the Hessian): 0 at a singular point."""
    condition: float
    global_minimum: bool


@dataclass(frozen=True)
class PathEvent:
    """Something that happened to the point ``label`` between ``t_from`` and ``t_to``."""

    kind: str
    label: int
    t_from: float
    t_to: float
    detail: str
    partner: int | None = None


@dataclass(frozen=True, eq=False)
class PathStep:
    """All followed real points at one value of t; ``n_engine_real`` / ``n_engine_complex`` count the
    complete solution set at t when it was carried there (``resolve``), else None."""

    t: float
    points: tuple[PathPoint, ...]
    n_engine_real: int | None = None
    n_engine_complex: int | None = None

    def by_label(self) -> dict[int, PathPoint]:
        return {p.label: p for p in self.points}

    def index_counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for p in self.points:
            if p.kind != "degenerate":
                out[p.hessian_index] = out.get(p.hessian_index, 0) + 1
        return dict(sorted(out.items()))


@dataclass(frozen=True, eq=False)
class RegularizationPath:
    """Steps, events and why the walk stopped; ``seed`` seeded the engine's generic solutions."""

    widths: tuple[int, ...]
    data_seed: int | None
    seed: int
    steps: tuple[PathStep, ...]
    events: tuple[PathEvent, ...]
    stop_reason: str
    singular_rtol: float
    resolve: bool
    notes: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def ts(self) -> tuple[float, ...]:
        return tuple(s.t for s in self.steps)

    @property
    def final_t(self) -> float:
        return self.steps[-1].t

    def labels(self) -> tuple[int, ...]:
        return tuple(sorted({p.label for s in self.steps for p in s.points}))

    def trajectory(self, label: int) -> dict[str, np.ndarray]:
        """t, loss, index and σ_min/σ_max of one followed point over the steps where it exists."""
        rows = [(s.t, p.loss, p.hessian_index, p.min_singular) for s in self.steps for p in s.points if p.label == label]
        if not rows:
            raise DataError(f"label {label} is not on this path; labels are {self.labels()}")
        t, loss, index, sv = map(np.asarray, zip(*rows))
        return {"t": t, "loss": loss, "index": index.astype(int), "min_singular": sv}

    def events_of(self, kind: str) -> tuple[PathEvent, ...]:
        return tuple(e for e in self.events if e.kind == kind)

    def minima_fates(self) -> dict[int, str]:
        """For every point that is a local minimum at some step: what became of it by the last step."""
        fates: dict[int, str] = {}
        last = self.steps[-1].by_label()
        for label in self.labels():
            traj = [p for s in self.steps for p in s.points if p.label == label]
            if not any(p.kind == "minimum" for p in traj):
                continue
            merged = [e for e in self.events if e.label == label and e.kind in ("merged", "lost")]
            if merged:
                fates[label] = f"{merged[0].kind} at t ≈ {merged[0].t_to:.3g}: {merged[0].detail}"
            elif label in last:
                p = last[label]
                kind = "global minimum" if p.global_minimum else p.kind
                fates[label] = f"{kind} (index {p.hessian_index}) at t = {self.final_t:.3g}"
            else:
                fates[label] = "not followed to the end"
        return fates

    def __str__(self) -> str:
        lines = [f"regularization path of widths {','.join(map(str, self.widths))} (data seed {self.data_seed}, engine seed {self.seed})"]
        for s in self.steps:
            counts = ", ".join(f"{k}: {v}" for k, v in s.index_counts().items())
            sv = min((p.min_singular for p in s.points), default=float("nan"))
            eng = "" if s.n_engine_real is None else f", complete set {s.n_engine_real} real of {s.n_engine_complex}"
            lines.append(f"  t = {s.t:9.3g}: {len(s.points)} real (per index {counts}){eng}; min σ_min/σ_max {sv:.2e}")
        for e in self.events:
            lines.append(f"  {e.kind:<12} point {e.label} in t ∈ [{e.t_to:.3g}, {e.t_from:.3g}]: {e.detail}")
        lines.extend(f"  note: {n}" for n in self.notes)
        lines.append(f"  stopped: {self.stop_reason}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "widths": list(self.widths),
            "data_seed": self.data_seed,
            "seed": self.seed,
            "stop_reason": self.stop_reason,
            "singular_rtol": self.singular_rtol,
            "resolve": self.resolve,
            "notes": list(self.notes),
            "settings": self.settings,
            "steps": [
                {
                    "t": s.t,
                    "n_engine_real": s.n_engine_real,
                    "n_engine_complex": s.n_engine_complex,
                    "points": [
                        {
                            "label": p.label, "loss": p.loss, "hessian_index": p.hessian_index, "kind": p.kind,
                            "min_singular": p.min_singular, "global_minimum": p.global_minimum,
                            "point": p.point.tolist(),
                        }
                        for p in s.points
                    ],
                }
                for s in self.steps
            ],
            "events": [e.__dict__ for e in self.events],
        }


def _classify(target: Instance, labels: Sequence[int], x: np.ndarray) -> list[PathPoint]:
    if len(x) == 0:
        return []
    table = critical_point_table(target, x)
    _, J = gradient_and_jacobian(target.architecture, x, Parameters.of(target))
    sv = np.linalg.svd(J.real, compute_uv=False)
    rel = sv[:, -1] / np.maximum(sv[:, 0], 1e-300)
    cond = np.where(sv[:, -1] > 0, sv[:, 0] / np.maximum(sv[:, -1], 1e-300), np.inf)
    by_row = {p.solution_index: p for p in table.points}
    out = []
    for row, label in enumerate(labels):
        p = by_row[row]
        out.append(PathPoint(int(label), p.point, p.loss, p.hessian_index, p.kind, float(rel[row]), float(cond[row]), p.global_minimum))
    return out


def _same(a: np.ndarray, b: np.ndarray, rtol: float) -> bool:
    """One point ``a`` against one point ``b``, decided by the package's one point identity."""
    return bool(match_rows(a[None, :], b[None, :], rtol)[0])


def regularization_path(
    instance: Instance,
    ts: Sequence[float] | None = None,
    *,
    t_min: float = 1e-6,
    n_steps: int = 30,
    resolve: bool = True,
    singular_rtol: float = 1e-7,
    same_point: float = SAME_POINT,
    seed: int = 0,
    options: SolveOptions | None = None,
    progress: bool = False,
) -> RegularizationPath:
    """Follow the real critical points of ``instance`` as Λ is scaled by t from ``ts[0]`` down.

    Parameters
    ----------
    instance : Instance
        Real data with generic Λ (t = 1 is ``instance`` itself).
    ts : sequence of float, optional
        Strictly decreasing values in (0, 1]; default ``n_steps + 1`` values geometric from 1 to
        ``t_min``.
    resolve : bool
        Also carry the complete complex solution set (checked: no point lost, all distinct) to
        every t, to see real points born along the way; otherwise only the real points of
        ``ts[0]`` are followed. When neither continuation nor the engine keeps the set complete
        (near Λ = 0), this stops with a note.
    singular_rtol : float
        Stop after the first t at which some followed point has σ_min/σ_max of the Jacobian below
        this, or a Hessian eigenvalue the classifier calls zero (the points approach the
        positive-dimensional unregularized critical set).
    same_point : float
        Tolerance of :func:`~linnet_crit.points.match_rows` (per coordinate, relative)
        under which two points are one (merges, matching with the engine).
    seed : int
        Seeds the engine's generic solutions (recorded).
    options : SolveOptions, optional
        The engine's settings; ``options.tracker`` also tracks the parameter homotopies between
        consecutive t.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> path = regularization_path(random_instance((1, 1, 1), seed=0), n_steps=4, t_min=1e-2)
    >>> len(path.steps), path.stop_reason.startswith("reached")
    (5, True)
    """
    if not instance.is_real:
        raise DataError("regularization_path needs real data X, Y, Λ (e.g. random_instance)")
    if ts is None:
        if not 0 < t_min < 1:
            raise DataError(f"t_min = {t_min!r}: give a number in (0, 1)")
        ts = np.geomspace(1.0, t_min, n_steps + 1)
    ts = [float(t) for t in ts]
    if len(ts) < 2 or any(not 0 < t <= 1 for t in ts) or any(b >= a for a, b in zip(ts, ts[1:])):
        raise DataError(f"ts = {ts[:4]}…: give at least two strictly decreasing values in (0, 1]")
    arch = instance.architecture
    options = options or SolveOptions()
    tracker = options.tracker
    solver = engine_solver(instance, seed, options)

    def engine_all(target: Instance) -> tuple[np.ndarray | None, str | None]:
        try:
            return solver(target).solutions, None
        except SolverError as exc:
            return None, str(exc)

    def continue_all(x_all: np.ndarray, t_prev: float, t: float) -> np.ndarray | None:
        """The complete solution set carried from t_prev to t around a complex detour (so that no
        path meets the real points where conjugate pairs turn real); None if anything is lost."""
        mid = scaled(instance, complex(0.5 * (t_prev + t), 0.5 * (t_prev - t)))
        x = x_all
        for a, b in ((scaled(instance, t_prev), mid), (mid, scaled(instance, t))):
            res = track_parameter_homotopy(a, b, x, tracker)
            if not res.success.all():
                return None
            x = res.x
        scale = np.maximum(1.0, np.abs(x).max(axis=1))
        residual = np.abs(gradient(arch, x, Parameters.of(scaled(instance, t)))).max(axis=1) / scale
        if np.any(residual > 1e-8) or len(unique_rows(x, 1e-7)[0]) != len(x_all):
            return None
        return x

    def real_part(x_all: np.ndarray) -> np.ndarray:
        scale = np.maximum(1.0, np.abs(x_all).max(axis=1, initial=0.0))
        return x_all[np.abs(x_all.imag).max(axis=1, initial=0.0) <= options.real_tolerance * scale].real

    first = scaled(instance, ts[0])
    x_all, error = engine_all(first)
    if x_all is None:
        raise SolverError(f"the engine could not solve the start t = {ts[0]:g}: {error}")
    x0, n_complex = real_part(x_all), len(x_all)
    labels = list(range(len(x0)))
    next_label = len(labels)
    steps = [PathStep(ts[0], tuple(_classify(first, labels, x0)), len(x0), n_complex)]
    events: list[PathEvent] = []
    notes: list[str] = []
    resolve_requested = resolve
    stop_reason = f"reached the last t = {ts[-1]:g}"
    bar = progress_bar(show=bool(progress), total=len(ts) - 1, desc="t", unit="step")
    for t_prev, t in zip(ts, ts[1:]):
        prev_step = steps[-1]
        start, target = scaled(instance, t_prev), scaled(instance, t)
        x_prev = np.array([p.point for p in prev_step.points], dtype=complex).reshape(-1, arch.n_unknowns)
        kept_labels: list[int] = []
        kept_x: list[np.ndarray] = []
        if len(x_prev):
            res = track_parameter_homotopy(start, target, x_prev, tracker)
            for label, p_prev, x, ok, t_stop, code in zip(
                [p.label for p in prev_step.points], prev_step.points, res.x, res.success, res.t, res.codes
            ):
                t_reached = t_prev + float(t_stop) * (t - t_prev)
                if ok and np.all(np.isfinite(x)) and np.abs(x.imag).max(initial=0.0) <= 1e-8 * max(1.0, np.abs(x).max()):
                    kept_labels.append(label)
                    kept_x.append(x.real)
                elif p_prev.min_singular < 1e-3:
                    events.append(PathEvent("merged", label, t_prev, t_reached,
                                            f"path stopped at a nearly singular Jacobian (σ_min/σ_max {p_prev.min_singular:.1e} before): a fold"))
                else:
                    events.append(PathEvent("lost", label, t_prev, t_reached, f"tracking ended with {getattr(code, 'value', code)} at t ≈ {t_reached:.3g}"))
        # merges: two followed points that arrived at the same place
        survivors_x: list[np.ndarray] = []
        survivors_labels: list[int] = []
        for label, x in zip(kept_labels, kept_x):
            twin = next((j for j, y in enumerate(survivors_x) if _same(x, y, same_point)), None)
            if twin is not None:
                events.append(PathEvent("merged", label, t_prev, t, f"converged to point {survivors_labels[twin]}", survivors_labels[twin]))
                continue
            survivors_x.append(x)
            survivors_labels.append(label)
        n_engine_real = n_engine_complex = None
        x_engine = None
        if resolve:
            carried = continue_all(x_all, t_prev, t)
            if carried is None:
                fresh, error = engine_all(target)
                if fresh is not None and len(fresh) == n_complex:
                    carried = fresh
                    notes.append(f"t = {t:g}: the complete solution set was re-solved by the engine (continuation lost a point)")
            if carried is None:
                # Near Λ = 0 the homotopies end at ill-conditioned points and lose some; from
                # here on only the followed points are reported.
                notes.append(f"complete solution sets stopped at t = {t:g} (a point was lost: ill-conditioned near Λ = 0); only followed points from there on")
                resolve = False
            else:
                x_all = carried
                x_engine = real_part(x_all)
        if x_engine is not None:
            n_engine_real, n_engine_complex = len(x_engine), len(x_all)
            for label, x in zip(survivors_labels, survivors_x):
                if not match_rows(x[None, :], x_engine, same_point)[0]:
                    events.append(PathEvent("unconfirmed", label, t_prev, t, "not among the real points of the complete solution set at this t"))
            for y in x_engine:
                if not any(_same(y, x, same_point) for x in survivors_x):
                    survivors_x.append(y)
                    survivors_labels.append(next_label)
                    events.append(PathEvent("born", next_label, t_prev, t, "new real point in the complete solution set"))
                    next_label += 1
        points = _classify(target, survivors_labels, np.asarray(survivors_x).reshape(-1, arch.n_unknowns))
        before = prev_step.by_label()
        for p in points:
            if p.kind == "degenerate":
                continue  # reported by the stop below
            if p.label in before and before[p.label].hessian_index != p.hessian_index:
                q = before[p.label]
                events.append(PathEvent("index_change", p.label, t_prev, t,
                                        f"{q.kind} (index {q.hessian_index}) became {p.kind} (index {p.hessian_index})"))
            elif p.label in before and before[p.label].kind != p.kind:
                events.append(PathEvent("index_change", p.label, t_prev, t, f"{before[p.label].kind} became {p.kind}"))
        steps.append(PathStep(t, tuple(points), n_engine_real, n_engine_complex))
        bar.update()
        worst = min(points, key=lambda p: p.min_singular, default=None)
        degenerate = [p for p in points if p.kind == "degenerate"]
        if worst is not None and (worst.min_singular < singular_rtol or degenerate):
            worst = degenerate[0] if degenerate and worst.min_singular >= singular_rtol else worst
            why = "" if worst.min_singular < singular_rtol else "a Hessian eigenvalue below the classifier's zero tolerance, "
            stop_reason = (
                f"Jacobian numerically singular at t = {t:g} (point {worst.label}: {why}σ_min/σ_max = "
                f"{worst.min_singular:.2e}, stop below {singular_rtol:g}): the unregularized limit is positive-dimensional"
            )
            break
    bar.close()
    return RegularizationPath(
        widths=arch.widths,
        data_seed=instance.seed,
        seed=int(seed),
        steps=tuple(steps),
        events=tuple(events),
        stop_reason=stop_reason,
        singular_rtol=float(singular_rtol),
        resolve=bool(resolve_requested),
        notes=tuple(notes),
        settings={"ts": ts, "same_point": same_point, "tracker": tracker.__dict__},
    )
