"""The initial catalogs of the four indices, as plain data loaded once into the database.

Every number here is only a starting point: once loaded, a catalog is ordinary data that an
administrator corrects in the admin or replaces by importing a spreadsheet. Numbers that no primary
text confirmed are loaded with ``is_verified=False`` (shown as "chưa xác minh") or left empty.
Sources: Quyết định 876/QĐ-BNV (PAR INDEX), 1001/QĐ-BNV (SIPAS), papi.org.vn, pcivietnam.org, and a 2025
plan of a Cao Bằng department for the department-level maxima.

The data uses raw choice values (not the model enums) so that ``load_initial`` works with the
historical models of a data migration as well as with the current ones.
"""

from decimal import Decimal

# The 8 fields of the provincial PAR INDEX (Quyết định 876/QĐ-BNV); the department-level catalogs
# of the provinces reuse the first 7 of them.
_PAR_FIELDS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế – xã hội",
]

# Maxima per field of the 2025 Cao Bằng department-level plan (they sum to 100).
_PAR_DEPARTMENT_MAXIMA = ["16", "12", "24", "8", "17", "8", "15"]


def _fields(names: list[str], *, maxima: list[str | None] | None = None, method: str = "self",
            methods: list[str] | None = None) -> list[dict]:
    """Level-1 nodes coded "1", "2", ... in the given order."""
    nodes = []
    for position, name in enumerate(names, start=1):
        max_score = maxima[position - 1] if maxima else None
        nodes.append({
            "code": str(position),
            "name": name,
            "depth": 1,
            "max_score": Decimal(max_score) if max_score is not None else None,
            "method": methods[position - 1] if methods else method,
            "is_verified": False,
            "order": position,
        })
    return nodes


CATALOGS: list[dict] = [
    {
        "index": "PAR_INDEX",
        "year": 2025,
        "level": "department",
        "name": "Chỉ số cải cách hành chính cấp sở (theo mẫu Cao Bằng 2025)",
        "issuer": "UBND tỉnh",
        "basis": "",
        "notes": ("Điểm tối đa từng lĩnh vực lấy theo kế hoạch năm 2025 của một sở tỉnh Cao Bằng "
                  "(tổng 100 điểm). Mỗi tỉnh tự ban hành bộ tiêu chí cấp sở: cần đối chiếu văn bản "
                  "của tỉnh mình rồi sửa hoặc nhập lại."),
        "nodes": _fields(_PAR_FIELDS[:7], maxima=_PAR_DEPARTMENT_MAXIMA),
    },
    {
        "index": "PAR_INDEX",
        "year": 2022,
        "level": "province",
        "name": "Chỉ số cải cách hành chính cấp tỉnh",
        "issuer": "Bộ Nội vụ",
        "basis": "Quyết định 876/QĐ-BNV ngày 10/11/2022 (thay thế Quyết định 1149/QĐ-BNV)",
        "notes": ("Áp dụng giai đoạn 2022–2030. Chỉ số = điểm tự đánh giá đã thẩm định + điểm điều tra "
                  "xã hội học, thang 100. Điểm tối đa từng lĩnh vực chưa được đối chiếu văn bản gốc."),
        "nodes": _fields(_PAR_FIELDS, methods=["mixed"] * 7 + ["survey"]),
    },
    {
        "index": "SIPAS",
        "year": 2023,
        "level": "province",
        "name": "Chỉ số hài lòng về sự phục vụ hành chính",
        "issuer": "Bộ Nội vụ",
        "basis": "Quyết định 1001/QĐ-BNV ngày 11/12/2023",
        "notes": ("Đo hằng năm giai đoạn 2023–2026. Thang đo 5 mức và công thức tính (tỷ lệ hài lòng "
                  "và rất hài lòng trên số trả lời hợp lệ) chưa được đối chiếu văn bản gốc."),
        "nodes": _fields([
            "Tiếp cận dịch vụ",
            "Thủ tục hành chính",
            "Công chức trực tiếp giải quyết công việc",
            "Kết quả dịch vụ",
            "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
        ], method="survey"),
    },
    {
        "index": "PAPI",
        "year": 2018,
        "level": "province",
        "name": "Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)",
        "issuer": "UNDP",
        "basis": "",
        "notes": ("8 chỉ số nội dung, 28 chỉ số thành phần từ năm 2018. Thang 1–10 mỗi chỉ số nội dung "
                  "(tổng 8–80) chưa được đối chiếu. Các sở không tự đo PAPI: theo dõi kết quả công bố."),
        "nodes": _fields([
            "Tham gia của người dân ở cấp cơ sở",
            "Công khai, minh bạch trong việc ra quyết định ở địa phương",
            "Trách nhiệm giải trình với người dân",
            "Kiểm soát tham nhũng trong khu vực công",
            "Thủ tục hành chính công",
            "Cung ứng dịch vụ công",
            "Quản trị môi trường",
            "Quản trị điện tử",
        ], maxima=["10"] * 8, method="survey"),
    },
    {
        "index": "PCI",
        "year": 2024,
        "level": "province",
        "name": "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
        "issuer": "VCCI",
        "basis": "",
        "notes": ("10 chỉ số thành phần thang 10 điểm, có trọng số để quy về thang 100; "
                  "trọng số chưa được đối chiếu (pcivietnam.org)."),
        "nodes": _fields([
            "Gia nhập thị trường",
            "Tiếp cận đất đai",
            "Tính minh bạch",
            "Chi phí thời gian",
            "Chi phí không chính thức",
            "Cạnh tranh bình đẳng",
            "Tính năng động",
            "Hỗ trợ doanh nghiệp",
            "Đào tạo lao động",
            "Thiết chế pháp lý",
        ], maxima=["10"] * 10, method="mixed"),
    },
]


def load_initial(apps=None) -> int:
    """Create each catalog of CATALOGS that is not in the database yet; return how many were created.

    A catalog is identified by (index, year, level) with no province. One already present is left
    untouched, so administrators' corrections survive a second run. Pass the migration's ``apps`` to
    run against historical models.
    """
    if apps is None:
        from django.apps import apps
    framework_model = apps.get_model("frameworks", "Framework")
    node_model = apps.get_model("frameworks", "FrameworkNode")
    created = 0
    for catalog in CATALOGS:
        attributes = {k: v for k, v in catalog.items() if k != "nodes"}
        if framework_model.objects.filter(index=attributes["index"], year=attributes["year"],
                                          level=attributes["level"], province__isnull=True).exists():
            continue
        framework = framework_model.objects.create(province=None, **attributes)
        node_model.objects.bulk_create(
            [node_model(framework=framework, parent=None, **node) for node in catalog["nodes"]]
        )
        created += 1
    return created
