"""Production bundles of an app: what deploys serve."""

from .production import BundleError, ProductionBuild, build_production

__all__ = ["BundleError", "ProductionBuild", "build_production"]
