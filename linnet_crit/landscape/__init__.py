"""Landscape studies: real critical points across data draws, depth and regularization strength.

Their figures are in :mod:`linnet_crit.plots`.
"""

from .newton import NewtonSearch, compare_point_sets, data_scale, newton_search, unique_points
from .path import PathEvent, PathPoint, PathStep, RegularizationPath, engine_solver, regularization_path, scaled
from .scan import DepthScan, GrowthFit, chain, depth_scan, fit_growth
from .stats import RealStatistics, landscape_study, real_statistics, real_statistics_from_records
from .unregularized import (
    CriticalProduct,
    UnregularizedCheck,
    check_unregularized,
    closed_form_point,
    critical_products,
    match_product,
    unregularized,
)

__all__ = [
    "CriticalProduct",
    "DepthScan",
    "GrowthFit",
    "NewtonSearch",
    "PathEvent",
    "PathPoint",
    "PathStep",
    "RegularizationPath",
    "RealStatistics",
    "UnregularizedCheck",
    "chain",
    "check_unregularized",
    "closed_form_point",
    "compare_point_sets",
    "critical_products",
    "data_scale",
    "engine_solver",
    "regularization_path",
    "scaled",
    "depth_scan",
    "fit_growth",
    "landscape_study",
    "match_product",
    "newton_search",
    "real_statistics",
    "real_statistics_from_records",
    "unique_points",
    "unregularized",
]
