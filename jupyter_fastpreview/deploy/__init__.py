"""Deploys: an app's production bundle published to `local`, `directory` or `s3`, promoted
to a stable alias URL, recorded in the state store (see `deployer`)."""

from ..store.deployments import DeploymentRecord
from .deployer import DeployConflict, Deployer, DeployJob, DeploymentNotFound, Events
from .directory import DirectoryOptions, DirectoryTarget
from .local import LocalTarget
from .s3 import S3Options, S3Target
from .target import DeployError, Target
from .targets import TARGETS, make_target

__all__ = [
    "TARGETS",
    "DeployConflict",
    "DeployError",
    "DeployJob",
    "Deployer",
    "DeploymentNotFound",
    "DeploymentRecord",
    "DirectoryOptions",
    "DirectoryTarget",
    "Events",
    "LocalTarget",
    "S3Options",
    "S3Target",
    "Target",
    "make_target",
]
