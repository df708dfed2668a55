"""The apology letter (thư xin lỗi) for a late dossier, drawn with the report writer's Decree 30 layout
(chiso.reports.documents): heading block, title, body, signing block with "Nơi nhận"."""

from django.utils import timezone

from chiso.reports.documents import date_line, recipients_lines
from chiso.reports.documents.common import Outline, Section
from chiso.reports.documents.docx import outline_docx


def _dmy(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def apology_outline(agency, dossier: dict, place: str = "", day=None) -> Outline:
    day = day or timezone.localdate()
    who = dossier.get("applicant") or "Ông/Bà"
    address = dossier.get("address") or ""
    procedure = dossier.get("procedure_name") or dossier.get("procedure") or ""
    late_text = (f"đến ngày {_dmy(dossier.get('finished'))} mới trả kết quả" if dossier.get("finished")
                 else "đến nay chưa trả kết quả")
    paras = [
        f"{agency.name} đã tiếp nhận hồ sơ số {dossier['code']} của {who}"
        + (f" ({address})" if address else "")
        + f" về thủ tục “{procedure}” ngày {_dmy(dossier.get('received'))}, hẹn trả kết quả ngày "
        f"{_dmy(dossier.get('promised'))}. Tuy nhiên, do {agency.name.lower()} chưa bảo đảm thời gian giải quyết "
        f"theo quy định, hồ sơ của {who} {late_text}.",
        f"{agency.name} thành thật xin lỗi {who} vì sự chậm trễ này và cam kết trả kết quả giải quyết hồ sơ "
        "trong thời gian sớm nhất; đồng thời chấn chỉnh, rút kinh nghiệm để không để xảy ra trễ hạn.",
        f"Rất mong nhận được sự thông cảm của {who}./.",
    ]
    issuer = agency.name.upper()
    return Outline(
        parent_body=(agency.parent_body or "").upper(), issuer=issuer,
        number=f"Số:      /TXL-{agency.code}", date_line=date_line(place or agency.province.name, day),
        title="THƯ XIN LỖI", summary=f"Về việc trễ hạn giải quyết hồ sơ số {dossier['code']}",
        recipient=who, sections=[Section(heading="", paras=paras)],
        sign=["GIÁM ĐỐC"], signer_name="", recipients=recipients_lines(f"- {who};"), annexes=[], draft=True)


def apology_docx(agency, dossier: dict, user=None) -> bytes:
    return outline_docx(apology_outline(agency, dossier))
