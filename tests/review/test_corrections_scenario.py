"""The must-show review scenario on a corpus protocol: five corrections recorded, the package rebuilt with
them, then a new protocol version (one paragraph edited) built with the same corrections file: every
correction applies again and none is orphaned."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from crfgen_core.model.design import CRFDesign
from crfgen_core.pipeline import generate
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.publication.publisher import DESIGN_FILE_NAME
from crfgen_core.render.package_writer import CORRECTIONS_FILE_NAME
from crfgen_core.review.corrections import (
    ActivityRemap,
    ActivityRemove,
    CodelistSubset,
    CorrectionSet,
    ItemAdd,
    VisitRename,
)

pytestmark = [pytest.mark.shared, pytest.mark.slow]

PROTOCOL = Path("cdisc_pilot_lzzt") / "LZZT_ICH_M11.docx"
STUDY = "H2Q-MC-LZZT"
SOA = "schedule-of-activities"


def _recorded() -> CorrectionSet:
    who = {"study": STUDY, "author": "dr.reviewer", "created_at": datetime(2026, 11, 29, 12, 0, tzinfo=UTC)}
    return CorrectionSet(
        study=STUDY,
        corrections=[
            ActivityRemove(schedule=SOA, activity="habits", reason="not collected on a CRF", **who),
            VisitRename(
                schedule=SOA, visit="et", label="Early Discontinuation", reason="sponsor term", **who
            ),
            ActivityRemap(
                schedule=SOA,
                activity="plasma-specimen-xanomeline",
                form="PG",
                reason="PK sample: biospecimen collection",
                **who,
            ),
            CodelistSubset(codelist="CL.SEX", values=["F", "M"], reason="values the EDC offers", **who),
            ItemAdd(form="F.VS", name="VSCOMM", question="Comment", reason="site comment field", **who),
        ],
    )


def _amended(source: Path, target: Path) -> Path:
    """A new version of the protocol: one body paragraph gets one more sentence."""
    document = docx.Document(str(source))
    paragraph = next(p for p in document.paragraphs if "Data Safety Monitoring Board" in p.text)
    paragraph.runs[-1].text += " The DSMB may also meet at the request of the sponsor."
    target.parent.mkdir(parents=True)
    document.save(str(target))
    return target


def _design(package: Path) -> CRFDesign:
    return CRFDesign.model_validate_json((package / DESIGN_FILE_NAME).read_text(encoding="utf-8"))


def test_corrections_reapply_to_the_next_protocol_version(corpus_dir: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1" / PROTOCOL.name
    first.parent.mkdir()
    shutil.copyfile(corpus_dir / PROTOCOL, first)
    recorded = tmp_path / "corrections.yaml"
    _recorded().dump(recorded)

    generate(first, tmp_path / "package_v1", corrections=CorrectionSet.load(recorded))
    package = tmp_path / "package_v1"
    v1 = _design(package)
    assert [o.status for o in v1.corrections] == ["applied"] * 5
    # the package holds the corrections (portable file, listed in the manifest) and their effects
    assert CorrectionSet.load(package / CORRECTIONS_FILE_NAME) == CorrectionSet.load(recorded)
    manifest = json.loads((package / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert CORRECTIONS_FILE_NAME in {f["path"] for f in manifest["files"]}
    assert "Habits" not in {m.activity for m in v1.mappings}
    assert "5 applied." in (package / "review.md").read_text(encoding="utf-8")

    second = _amended(first, tmp_path / "v2" / PROTOCOL.name)
    # the corrections travel with the package: its corrections.json is the file applied to the next version
    generate(second, tmp_path / "package_v2", corrections=CorrectionSet.load(package / CORRECTIONS_FILE_NAME))
    v2 = _design(tmp_path / "package_v2")
    assert v2.protocol_sha256 != v1.protocol_sha256
    assert [o.status for o in v2.corrections] == ["applied"] * 5
    assert [o.target for o in v2.corrections] == [o.target for o in v1.corrections]
    assert not any(e.activity.startswith("(correction") for e in v2.review)
    assert [c.coded_value for c in v2.codelist("CL.SEX").items] == ["F", "M"]
    assert any(e.headers == ["Early Discontinuation"] for e in v2.events)
    assert any(i.oid == "IT.VS.VSCOMM" for g in v2.form("F.VS").item_groups for i in g.items)
