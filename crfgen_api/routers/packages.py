"""Published packages: the manifest, and the whole folder as a zip (streamed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.outbox import SEGMENT, package_folder, read_manifest, zip_stream
from crfgen_api.responses import PackageManifest

router = APIRouter(tags=["packages"])
Study = Annotated[str, Path(pattern=SEGMENT)]
Version = Annotated[str, Path(pattern=SEGMENT, description="the version folder under outbox/<study>/")]


@router.get("/packages/{study}/{version}", response_model=PackageManifest, summary="A package's manifest")
def package_manifest(
    request: Request,
    study: Study,
    version: Version,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> PackageManifest:
    folder = package_folder(request.app.state.settings.data_dir, study, version)
    return PackageManifest(
        package=f"{folder.parent.name}/{folder.name}",
        download_url=str(request.url_for("package_download", study=study, version=version).path),
        manifest=read_manifest(folder),
    )


@router.get(
    "/packages/{study}/{version}/download",
    name="package_download",
    summary="The package folder as a zip, streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def package_download(
    request: Request,
    study: Study,
    version: Version,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> StreamingResponse:
    folder = package_folder(request.app.state.settings.data_dir, study, version)
    filename = f"{folder.parent.name}-{folder.name}.zip"
    return StreamingResponse(
        zip_stream(folder),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
