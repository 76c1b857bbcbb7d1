"""Shared data for the verification tests: the thesis tables (package copy) and known points."""

from __future__ import annotations

import csv
from importlib.resources import files

import numpy as np

from linnet_crit.data import Instance
from linnet_crit.numeric.evaluate import Parameters, gradient_and_jacobian


def table_rows(max_n_table_3_2: int = 12) -> list[tuple[str, tuple[int, ...], int, int]]:
    """(id, widths, N_C, N_C*) for every Table 3.1 row and the Table 3.2 rows with N ≤ the limit."""
    rows = []
    for table in ("3_1", "3_2"):
        with (files("linnet_crit") / "data" / f"thesis_table_{table}.csv").open() as handle:
            for row in csv.DictReader(handle):
                if table == "3_2" and int(row["N"]) > max_n_table_3_2:
                    continue
                widths = (int(row["dx"]), *[int(row["d"])] * int(row["H"]), int(row["dy"]))
                rows.append((f"T{table}r{row['row']}", widths, int(row["N_C"]), int(row["N_Cstar"])))
    return rows


def closed_form_111(instance: Instance) -> np.ndarray:
    """All 5 critical points of widths 1,1,1 with m = 1, in closed form.

    F = (b(ab·s − t) + λ₁a, a(ab·s − t) + λ₂b) with s = x², t = yx. Off the origin λ₁a² = λ₂b², so
    b = k·a with k² = λ₁/λ₂, and c = ab satisfies c·s − t + λ₁/k = 0; then a² = c/k.
    """
    s = complex(instance.X[0, 0] ** 2)
    t = complex(instance.Y[0, 0] * instance.X[0, 0])
    l1, l2 = complex(instance.lambdas[0][0, 0]), complex(instance.lambdas[1][0, 0])
    points = [np.zeros(2, dtype=complex)]
    for k in (np.sqrt(l1 / l2), -np.sqrt(l1 / l2)):
        c = (t - l1 / k) / s
        for a in (np.sqrt(c / k), -np.sqrt(c / k)):
            points.append(np.array([a, k * a]))
    return np.array(points)


def newton_on_slices(
    instance: Instance, n_slices: int, n_starts: int, seed: int, iterations: int = 60, scale: float = 1.0
) -> np.ndarray:
    """Points of the critical set cut by ``n_slices`` random affine hyperplanes (Gauss–Newton).

    On a component of dimension ``n_slices`` the sliced system is square-plus-redundant with a
    full-column-rank Jacobian, so least-squares Newton converges quadratically; with no slice the
    minimum-norm Newton step lands on whatever component is near. Starts are complex Gaussian
    times ``scale``. Returns the end points that converged (residual < 1e-12).
    """
    arch = instance.architecture
    rng = np.random.default_rng(seed)
    params = Parameters.of(instance)
    A = rng.standard_normal((n_slices, arch.n_unknowns)) + 1j * rng.standard_normal((n_slices, arch.n_unknowns))
    b = rng.standard_normal(n_slices) + 1j * rng.standard_normal(n_slices)
    found = []
    for _ in range(n_starts):
        x = scale * (rng.standard_normal(arch.n_unknowns) + 1j * rng.standard_normal(arch.n_unknowns))
        for _ in range(iterations):
            F, J = gradient_and_jacobian(arch, x[None], params)
            residual = np.concatenate([F[0], A @ x - b])
            jacobian = np.vstack([J[0], A])
            x = x - np.linalg.lstsq(jacobian, residual, rcond=None)[0]
        F, _ = gradient_and_jacobian(arch, x[None], params)
        if np.abs(np.concatenate([F[0], A @ x - b])).max() < 1e-12 * max(1.0, np.abs(x).max()):
            found.append(x)
    return np.array(found).reshape(-1, arch.n_unknowns)
