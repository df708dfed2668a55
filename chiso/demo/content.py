"""The demo's own text: a fictional province, two departments and their plans.

Written for the demo (not copied from any real plan). Due dates are offsets in days from the day
the demo is loaded, so the demo always has tasks overdue, due soon and due later.
"""

PROVINCE = {"code": "an-phu", "name": "Tỉnh An Phú"}
OLD_PROVINCE = {"code": "binh-lam-cu", "name": "Tỉnh Bình Lâm (cũ)"}

# Unit keys let one task list serve both departments.
AGENCIES = [
    {
        "code": "SNV", "name": "Sở Nội vụ", "coordinator": True,
        "units": {
            "office": ("Văn phòng Sở", "office"),
            "cchc": ("Phòng Cải cách hành chính và Văn thư lưu trữ", "division"),
        },
    },
    {
        "code": "STP", "name": "Sở Tư pháp",
        "units": {
            "office": ("Văn phòng Sở", "office"),
            "inspect": ("Thanh tra Sở", "inspectorate"),
            "laws": ("Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật", "division"),
            "outreach": ("Phòng Phổ biến, giáo dục pháp luật", "division"),
            "civil": ("Phòng Hành chính tư pháp", "division"),
            "services": ("Phòng Bổ trợ tư pháp", "division"),
            "centre": ("Trung tâm Trợ giúp pháp lý nhà nước", "centre"),
        },
        "aliases": {"office": ["VP Sở", "Văn phòng"], "civil": ["Phòng HCTP"], "centre": ["Trung tâm TGPL"]},
        "specialty": [
            ("PAR_INDEX", "Cải cách thể chế", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND "
             "tỉnh ban hành thuộc lĩnh vực tư pháp; công bố danh mục văn bản hết hiệu lực đúng thời hạn",
             "Quyết định công bố danh mục văn bản", "laws", ["office"], 25, "once", None),
            ("PAR_INDEX", "Cải cách thủ tục hành chính", "Giải quyết hồ sơ chứng thực, lý lịch tư pháp trực "
             "tuyến toàn trình; trả kết quả bản điện tử cho người dân", "Báo cáo kết quả giải quyết hồ sơ",
             "civil", ["centre"], 40, "monthly", (">=", 95, "%")),
        ],
    },
    {
        "code": "SVHTTDL", "name": "Sở Văn hóa, Thể thao và Du lịch",
        "units": {
            "office": ("Văn phòng Sở", "office"),
            "inspect": ("Thanh tra Sở", "inspectorate"),
            "laws": ("Phòng Quản lý văn hóa và Gia đình", "division"),
            "outreach": ("Phòng Quản lý du lịch", "division"),
            "civil": ("Phòng Quản lý thể thao", "division"),
            "services": ("Phòng Kế hoạch - Tài chính", "division"),
            "centre": ("Trung tâm Văn hóa - Điện ảnh tỉnh", "centre"),
        },
        "aliases": {"office": ["VP Sở"], "services": ["Phòng KH-TC"]},
        "specialty": [
            ("PAR_INDEX", "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
             "Số hóa hồ sơ di tích, hiện vật và đưa lên cơ sở dữ liệu văn hóa dùng chung của tỉnh",
             "Cơ sở dữ liệu di tích được cập nhật", "laws", ["centre", "services"], 60, "once", (">=", 300, "hồ sơ")),
            ("PAPI", "Công khai, minh bạch trong việc ra quyết định ở địa phương",
             "Công khai danh mục, kinh phí các giải đấu thể thao, lễ hội do Sở tổ chức trên Trang thông tin điện tử",
             "Tin bài công khai trên Trang thông tin điện tử", "civil", ["office"], 15, "quarterly", None),
        ],
    },
]

PREDECESSOR = {"code": "STP-BL", "name": "Sở Tư pháp tỉnh Bình Lâm (cũ)", "successor": "STP"}

# (field, max, previous score, previous rank, expected increase)
PAR_TARGETS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", 16, 12.5, 9, 2.0),
    ("Cải cách thể chế", 12, 11.0, 4, 0.5),
    ("Cải cách thủ tục hành chính", 24, 20.25, 8, 2.0),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 8, 6.5, 12, 1.0),
    ("Cải cách chế độ công vụ", 17, 14.0, 10, 1.5),
    ("Cải cách tài chính công", 8, 5.0, 15, 2.0),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", 15, 11.75, 7, 2.0),
]

# (index, field, criterion, title, output, lead key, support keys, due offset in days or None,
#  recurrence, measure (op, value, unit) or None, budget in million VND or None)
TASKS = [
    ("PAR_INDEX", "Công tác chỉ đạo, điều hành cải cách hành chính", "Kế hoạch CCHC",
     "Ban hành kế hoạch cải cách hành chính năm và kế hoạch cải thiện các chỉ số; giao nhiệm vụ cụ thể "
     "cho từng phòng, đơn vị", "Kế hoạch được ký ban hành", "office", ["laws", "civil"], -45, "once", None, None),
    ("PAR_INDEX", "Công tác chỉ đạo, điều hành cải cách hành chính", "Báo cáo CCHC",
     "Tổng hợp, gửi báo cáo cải cách hành chính định kỳ quý, 6 tháng, năm đúng thời hạn và đủ nội dung",
     "Báo cáo định kỳ gửi Sở Nội vụ", "office", ["inspect", "laws", "outreach", "civil", "services", "centre"],
     None, "quarterly", None, None),
    ("PAR_INDEX", "Công tác chỉ đạo, điều hành cải cách hành chính", "Kiểm tra CCHC",
     "Kiểm tra công tác cải cách hành chính tại ít nhất 30% phòng, đơn vị trực thuộc; theo dõi khắc phục "
     "sau kiểm tra", "Kết luận kiểm tra", "inspect", ["office"], -12, "once", (">=", 30, "%"), 5),
    ("PAR_INDEX", "Công tác chỉ đạo, điều hành cải cách hành chính", "Tuyên truyền CCHC",
     "Đăng tải tin, bài tuyên truyền về cải cách hành chính trên Trang thông tin điện tử của Sở, tối thiểu "
     "02 tin bài mỗi quý", "Tin bài đã đăng", "office", ["outreach"], None, "quarterly", (">=", 2, "tin bài"), 3),
    ("PAR_INDEX", "Công tác chỉ đạo, điều hành cải cách hành chính", "Sáng kiến CCHC",
     "Lựa chọn và triển khai ít nhất 01 mô hình, sáng kiến cải cách hành chính mới trong năm",
     "Quyết định công nhận sáng kiến", "services", ["office"], 3, "once", (">=", 1, "sáng kiến"), 10),
    ("PAR_INDEX", "Cải cách thể chế", "Xây dựng văn bản QPPL",
     "Tham mưu xây dựng văn bản quy phạm pháp luật thuộc lĩnh vực quản lý đúng chương trình, đúng trình tự",
     "Dự thảo văn bản trình UBND tỉnh", "laws", ["office"], 1, "once", (">=", 100, "%"), None),
    ("PAR_INDEX", "Cải cách thể chế", "Theo dõi thi hành pháp luật",
     "Theo dõi tình hình thi hành pháp luật trong lĩnh vực được giao; xử lý kịp thời kiến nghị sau kiểm tra",
     "Báo cáo theo dõi thi hành pháp luật", "laws", ["inspect"], 38, "once", None, None),
    ("PAR_INDEX", "Cải cách thủ tục hành chính", "Công khai TTHC",
     "Cập nhật, công khai đầy đủ thủ tục hành chính trên Cơ sở dữ liệu quốc gia và tại Trung tâm Phục vụ "
     "hành chính công ngay sau khi có quyết định công bố", "Thủ tục được công khai đúng hạn", "civil",
     ["office"], None, "on_event", (">=", 100, "%"), None),
    ("PAR_INDEX", "Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ TTHC",
     "Phấn đấu tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt từ 98% trở lên; gửi thư xin lỗi "
     "khi hồ sơ trễ hạn", "Số liệu giải quyết hồ sơ hằng tháng", "civil", ["services", "centre"], None,
     "monthly", (">=", 98, "%"), None),
    ("PAR_INDEX", "Cải cách thủ tục hành chính", "Rà soát, đơn giản hóa TTHC",
     "Rà soát, đề xuất phương án cắt giảm, đơn giản hóa ít nhất 03 thủ tục hành chính",
     "Phương án đơn giản hóa trình UBND tỉnh", "services", ["civil", "laws"], 6, "once", (">=", 3, "thủ tục"),
     None),
    ("PAR_INDEX", "Cải cách thủ tục hành chính", "Số hóa hồ sơ",
     "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính khi tiếp nhận; tái sử dụng dữ liệu đã số hóa",
     "Tỷ lệ hồ sơ được số hóa", "civil", ["centre"], 12, "once", (">=", 100, "%"), None),
    ("PAR_INDEX", "Cải cách tổ chức bộ máy hành chính nhà nước", "Sắp xếp tổ chức bộ máy",
     "Rà soát chức năng, nhiệm vụ của các phòng, đơn vị sau sắp xếp; trình ban hành quy định tổ chức bộ máy",
     "Quyết định quy định chức năng, nhiệm vụ", "office", ["laws", "civil"], -30, "once", None, None),
    ("PAR_INDEX", "Cải cách tổ chức bộ máy hành chính nhà nước", "Phân cấp, ủy quyền",
     "Thực hiện và báo cáo kết quả phân cấp, ủy quyền trong giải quyết công việc", "Báo cáo phân cấp, ủy quyền",
     "office", [], 52, "once", None, None),
    ("PAR_INDEX", "Cải cách chế độ công vụ", "Vị trí việc làm",
     "Hoàn thiện đề án vị trí việc làm; bố trí công chức, viên chức đúng vị trí được phê duyệt",
     "Đề án vị trí việc làm", "office", ["services"], -5, "once", None, None),
    ("PAR_INDEX", "Cải cách chế độ công vụ", "Kỷ luật, kỷ cương hành chính",
     "Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính, văn hóa công vụ",
     "Biên bản kiểm tra", "inspect", ["office"], None, "on_event", None, None),
    ("PAR_INDEX", "Cải cách chế độ công vụ", "Đào tạo, bồi dưỡng",
     "Cử công chức, viên chức tham gia bồi dưỡng kiến thức, kỹ năng theo kế hoạch năm",
     "Danh sách học viên hoàn thành khóa học", "office", ["laws", "outreach", "civil"], 75, "once",
     (">=", 90, "%"), 20),
    ("PAR_INDEX", "Cải cách tài chính công", "Tự chủ tài chính",
     "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp; xây dựng quy chế chi tiêu nội bộ năm",
     "Quy chế chi tiêu nội bộ", "services", ["centre"], -20, "once", None, None),
    ("PAR_INDEX", "Cải cách tài chính công", "Giải ngân vốn đầu tư công",
     "Giải ngân vốn đầu tư công được giao đạt từ 95% kế hoạch trở lên", "Báo cáo giải ngân", "services",
     ["office"], 35, "once", (">=", 95, "%"), None),
    ("PAR_INDEX", "Cải cách tài chính công", "Công khai ngân sách",
     "Công khai dự toán, quyết toán ngân sách trên Trang thông tin điện tử đúng thời hạn",
     "Văn bản công khai", "services", [], 2, "once", None, None),
    ("PAR_INDEX", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "Văn bản điện tử",
     "Gửi, nhận văn bản điện tử có ký số qua hệ thống quản lý văn bản điều hành (trừ văn bản mật)",
     "Thống kê văn bản điện tử", "office", ["laws", "outreach", "civil", "services"], None, "continuous",
     (">=", 98, "%"), None),
    ("PAR_INDEX", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "Dịch vụ công trực tuyến",
     "Tăng tỷ lệ hồ sơ nộp trực tuyến toàn trình và thanh toán trực tuyến phí, lệ phí",
     "Tỷ lệ hồ sơ trực tuyến", "civil", ["services"], 55, "once", (">=", 80, "%"), None),
    ("PAR_INDEX", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "An toàn thông tin",
     "Rà soát, bảo đảm an toàn thông tin cho các hệ thống, máy trạm của Sở", "Báo cáo rà soát an toàn thông tin",
     "office", [], 20, "once", None, 15),
    ("SIPAS", "Tiếp cận dịch vụ", None,
     "Niêm yết đầy đủ, rõ ràng thông tin hướng dẫn tại nơi tiếp nhận hồ sơ; bảo đảm chỗ ngồi, nước uống",
     "Ảnh chụp nơi tiếp nhận", "civil", ["office"], -8, "once", None, None),
    ("SIPAS", "Công chức trực tiếp giải quyết công việc", None,
     "Công chức tiếp nhận hồ sơ hướng dẫn tận tình, một lần, đầy đủ; không để người dân đi lại nhiều lần",
     "Phiếu khảo sát ý kiến", "civil", ["centre"], None, "continuous", None, None),
    ("SIPAS", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", None,
     "Tiếp nhận, xử lý và trả lời phản ánh, kiến nghị của người dân, tổ chức đúng thời hạn",
     "Sổ theo dõi phản ánh, kiến nghị", "inspect", ["office"], None, "on_event", (">=", 100, "%"), None),
    ("SIPAS", "Kết quả dịch vụ", None,
     "Tổ chức lấy ý kiến người dân về mức độ hài lòng; phấn đấu mức hài lòng đạt từ 90% trở lên",
     "Báo cáo kết quả khảo sát", "office", ["civil", "centre"], 4, "once", (">=", 90, "%"), 8),
    ("PAPI", "Trách nhiệm giải trình với người dân", None,
     "Tổ chức đối thoại với người dân, doanh nghiệp về thủ tục hành chính thuộc lĩnh vực quản lý",
     "Biên bản đối thoại", "office", ["civil", "inspect"], 28, "once", (">=", 1, "cuộc"), 12),
    ("PAPI", "Kiểm soát tham nhũng trong khu vực công", None,
     "Công khai kết quả thanh tra, kiểm tra; thực hiện kê khai tài sản, thu nhập đúng quy định",
     "Kết luận thanh tra được công khai", "inspect", ["office"], -2, "once", None, None),
    ("PAPI", "Thủ tục hành chính công", None,
     "Phổ biến quy định về thủ tục hành chính đến người dân qua cổng thông tin và mạng xã hội",
     "Tin bài, video phổ biến", "outreach", ["civil"], 90, "semiannual", None, 6),
    ("PAPI", "Quản trị điện tử", None,
     "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến tại nơi tiếp nhận hồ sơ",
     "Danh sách người dân được hướng dẫn", "civil", ["centre"], 7, "once", None, None),
]

USERS = [
    # username, full name, role, agency code (None for admin), unit key, position
    ("quantri", "Nguyễn Văn Quản", "admin", None, None, "Quản trị hệ thống"),
    ("snv.cchc", "Lê Thị Hạnh", "coordinator", "SNV", "cchc", "Chuyên viên theo dõi CCHC"),
    ("stp.giamdoc", "Trần Minh Đức", "leader", "STP", None, "Giám đốc Sở"),
    ("stp.vanphong", "Phạm Thu Trang", "office", "STP", "office", "Chánh Văn phòng"),
    ("stp.truongphong", "Hoàng Văn Bình", "unit_head", "STP", "civil", "Trưởng phòng"),
    ("stp.canbo", "Vũ Thị Lan", "unit_staff", "STP", "civil", "Chuyên viên"),
    ("stp.xem", "Đỗ Quang Huy", "viewer", "STP", "inspect", "Thanh tra viên"),
    ("svh.vanphong", "Ngô Thanh Mai", "office", "SVHTTDL", "office", "Phó Chánh Văn phòng"),
    ("svh.canbo", "Bùi Văn Khải", "unit_staff", "SVHTTDL", "outreach", "Chuyên viên"),
]
DEMO_PASSWORD = "chiso2025"  # noqa: S105 - printed for the demo; production accounts are created by admins
