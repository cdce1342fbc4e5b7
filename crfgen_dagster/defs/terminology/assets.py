"""Reference data: CDISC controlled terminology and standards (unpartitioned, shared by every design)."""

import hashlib

import dagster as dg

from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_dagster.defs.resources import TerminologySource
from crfgen_dagster.versions import CODE_VERSION


@dg.asset(code_version=CODE_VERSION, group_name="terminology", kinds={"cdisc"})
def controlled_terminology(terminology: TerminologySource) -> dg.Output[CTVersionRef]:
    """The CT version designs are built against; the store keeps the content, this asset records which."""
    ct = terminology.refresh_and_load()
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
