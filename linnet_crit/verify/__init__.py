"""Verification: exact counts (Singular over GF(p)), interval certification (python-flint),
positive-dimensional detection, count stability and the combined ``verify`` report."""

from .certify import CertificationResult, PointCertificate, certify
from .dimension import check_isolated, jacobian_nullities, local_dimension
from .exact import DEFAULT_PRIME, ExactCount, exact_count, singular_executable, singular_version
from .report import VerificationReport, verify
from .stability import StabilityDraw, StabilityReport, count_stability

__all__ = [
    "CertificationResult",
    "DEFAULT_PRIME",
    "ExactCount",
    "PointCertificate",
    "StabilityDraw",
    "StabilityReport",
    "VerificationReport",
    "certify",
    "check_isolated",
    "count_stability",
    "exact_count",
    "jacobian_nullities",
    "local_dimension",
    "singular_executable",
    "singular_version",
    "verify",
]
