"""Reference data: CDISC controlled terminology and standards (unpartitioned, shared by every design)."""

import hashlib

import dagster as dg
from pydantic import Field

from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_dagster.defs.resources import CTRefreshFailed, TerminologySource
from crfgen_dagster.versions import CODE_VERSION


class CTRefreshConfig(dg.Config):
    """What the launchpad offers when controlled_terminology is materialized by hand (ct_refresh_job)."""

    source: str = Field(
        default="",
        description=(
            "Where to look for a newer CT version: an NCI EVS-style base URL "
            "(https://evs.nci.nih.gov/ftp1/CDISC), a folder or a file. Empty: CRFGEN_CT_SOURCE when set, "
            "else no fetch (the store's current version is recorded)."
        ),
    )


@dg.asset(code_version=CODE_VERSION, group_name="terminology", kinds={"cdisc"})
def controlled_terminology(
    config: CTRefreshConfig, terminology: TerminologySource
) -> dg.Output[CTVersionRef]:
    """The CT version designs are built against; the store keeps the content, this asset records which."""
    try:
        ct = terminology.refresh_and_load(config.source)
    except CTRefreshFailed as exc:  # one readable line in the run, not a traceback of the download
        raise dg.Failure(
            description=str(exc) + "; the CT store keeps its current version",
            metadata={
                "source": exc.source,
                "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in exc.reasons)),
            },
            allow_retries=False,
        ) from None
    return dg.Output(
        ct.ref,
        data_version=dg.DataVersion(ct.ref.sha256 or ct.ref.version),
        metadata={
            "ct_package": ct.ref.package,
            "ct_version": ct.ref.version,
            "sha256": ct.ref.sha256,
            "codelists": ct.codelist_count,
            "terms": ct.term_count,
        },
    )


@dg.asset(code_version=CODE_VERSION, group_name="terminology", kinds={"cdisc"})
def cdisc_standards() -> dg.Output[dict[str, str]]:
    """COSMoS CRF specializations: standard name -> package date."""
    library = load_bundled_standards()
    versions = {"COSMoS": library.package_date}
    return dg.Output(
        versions,
        data_version=dg.DataVersion(hashlib.sha256(repr(sorted(versions.items())).encode()).hexdigest()),
        metadata={
            "cosmos_package_date": library.package_date,
            "crf_groups": len(library.crf_groups),
            "biomedical_concepts": len(library.concepts),
        },
    )
