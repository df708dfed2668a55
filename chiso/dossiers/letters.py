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
    # "Ông/Bà Nguyễn Văn An" where the letter first names the citizen, "Ông/Bà" after; the agency's name
    # keeps its capitals (it is a proper name: "Sở Tư pháp", never "sở tư pháp").
    applicant = (dossier.get("applicant") or "").strip()
    named = f"Ông/Bà {applicant}" if applicant else "Ông/Bà"
    address = dossier.get("address") or ""
    procedure = dossier.get("procedure_name") or dossier.get("procedure") or ""
    late_text = (f"đến ngày {_dmy(dossier.get('finished'))} mới trả kết quả" if dossier.get("finished")
                 else "đến nay chưa trả kết quả")
    paras = [
        f"Ngày {_dmy(dossier.get('received'))}, {agency.name} tiếp nhận hồ sơ số {dossier['code']} của {named}"
        + (f" ({address})" if address else "")
        + f" về thủ tục “{procedure}”, hẹn trả kết quả ngày {_dmy(dossier.get('promised'))}. Tuy nhiên, do chưa "
        f"bảo đảm thời gian giải quyết theo quy định, hồ sơ của Ông/Bà {late_text}.",
        f"{agency.name} thành thật xin lỗi Ông/Bà vì sự chậm trễ này"
        + (" và cam kết trả kết quả giải quyết hồ sơ trong thời gian sớm nhất" if not dossier.get("finished") else "")
        + "; đồng thời chấn chỉnh, rút kinh nghiệm để không để xảy ra trễ hạn.",
        "Rất mong nhận được sự thông cảm của Ông/Bà./.",
    ]
    issuer = agency.name.upper()
    return Outline(
        parent_body=(agency.parent_body or "").upper(), issuer=issuer,
        number=f"Số:      /TXL-{agency.code}", date_line=date_line(place or agency.province.name, day),
        title="THƯ XIN LỖI", summary=f"Về việc trễ hạn giải quyết hồ sơ số {dossier['code']}",
        recipient=named, sections=[Section(heading="", paras=paras)],
        sign=["GIÁM ĐỐC"], signer_name="", recipients=recipients_lines(f"- {named};"), annexes=[], draft=True)


def apology_docx(agency, dossier: dict, user=None) -> bytes:
    return outline_docx(apology_outline(agency, dossier))
