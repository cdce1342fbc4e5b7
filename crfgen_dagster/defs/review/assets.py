"""Review: the study's reviewer corrections, upstream of crf_design so lineage shows what they changed."""

import dagster as dg

from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.review.corrections import CorrectionSet
from crfgen_core.review.keys import study_key
from crfgen_core.review.study_file import read_study_corrections, study_corrections_path
from crfgen_dagster.defs.partitions import protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.versions import CODE_VERSION


@dg.asset(partitions_def=protocol_versions, code_version=CODE_VERSION, group_name="review", kinds={"json"})
def review_corrections(parsed_protocol: ParsedProtocol, settings: CRFGenSettings) -> dg.Output[CorrectionSet]:
    """The corrections recorded for this protocol's study (none: an empty set). The data version is their
    content hash, so a changed corrections file makes crf_design stale (corrections_sensor rebuilds it)."""
    study = study_key(parsed_protocol)
    corrections = read_study_corrections(settings.data_path, study)
    return dg.Output(
        corrections,
        data_version=dg.DataVersion(corrections.content_hash()),
        metadata={
            "study": study,
            "corrections": len(corrections.corrections),
            "content_hash": corrections.content_hash(),
            "source": dg.MetadataValue.path(str(study_corrections_path(settings.data_path, study))),
            "list": dg.MetadataValue.md(
                "\n".join(
                    f"- {c.kind} `{c.target_key()}` by {c.author}: {c.reason}"
                    for c in corrections.corrections
                )
                or "none recorded"
            ),
        },
    )
