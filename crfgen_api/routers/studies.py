"""Studies with published packages, and each version's run and check status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.dagster_status import version_status
from crfgen_api.outbox import (
    SEGMENT,
    current_version,
    package_folders,
    read_manifest,
    study_folder,
    study_folders,
    version_key_of,
)
from crfgen_api.responses import Study, StudyVersion

router = APIRouter(tags=["studies"])


@router.get("/studies", response_model=list[Study], summary="Studies with at least one published package")
def list_studies(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.READ))]
) -> list[Study]:
    return [
        Study(study=folder.name, packages=len(package_folders(folder)), current=current_version(folder))
        for folder in study_folders(request.app.state.settings.data_dir)
    ]


@router.get(
    "/studies/{study}/versions",
    response_model=list[StudyVersion],
    summary="Published packages of a study, each with its protocol version's latest run and checks",
)
def study_versions(
    request: Request,
    study: Annotated[str, Path(pattern=SEGMENT)],
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> list[StudyVersion]:
    state = request.app.state
    folder = study_folder(state.settings.data_dir, study)
    instance = state.instance.get()
    versions = []
    for package in package_folders(folder):
        manifest = read_manifest(package)
        key = version_key_of(manifest)
        versions.append(
            StudyVersion(
                package=f"{folder.name}/{package.name}",
                version_key=key,
                protocol_sha256=manifest.protocol_sha256,
                dagster_run_id=manifest.dagster_run_id,
                status=version_status(instance, key),
            )
        )
    return versions
