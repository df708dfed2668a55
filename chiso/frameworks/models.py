"""Index frameworks (PAR INDEX, SIPAS, PAPI, PCI) as versioned catalogs, and published results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexCode(models.TextChoices):
    PAR_INDEX = "PAR_INDEX", "PAR INDEX"
    SIPAS = "SIPAS", "SIPAS"
    PAPI = "PAPI", "PAPI"
    PCI = "PCI", "PCI"


class Framework(models.Model):
    """One version of an index's catalog: which index, which year, which level, who issued it."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DEPARTMENT = "department", _("Cấp sở")
        MINISTRY = "ministry", _("Cấp bộ")

    index = models.CharField(_("chỉ số"), max_length=20, choices=IndexCode.choices)
    year = models.PositiveSmallIntegerField(_("năm áp dụng"))
    level = models.CharField(_("cấp đánh giá"), max_length=20, choices=Level.choices)
    name = models.CharField(_("tên"), max_length=300)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    basis = models.CharField(_("văn bản căn cứ"), max_length=300, blank=True)
    province = models.ForeignKey("org.Province", verbose_name=_("tỉnh"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="frameworks",
                                 help_text=_("Bộ tiêu chí cấp sở do từng tỉnh ban hành."))
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["index", "-year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["index", "year", "level", "province"],
                                    name="framework_version_unique", nulls_distinct=False,
                                    violation_error_message=_("Phiên bản bộ chỉ số này đã có.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_index_display()} {self.year} — {self.get_level_display()}"


class FrameworkNode(models.Model):
    """A field (lĩnh vực), criterion (tiêu chí) or sub-criterion of a framework."""

    class Depth(models.IntegerChoices):
        FIELD = 1, _("Lĩnh vực / chỉ số nội dung")
        CRITERION = 2, _("Tiêu chí")
        SUB_CRITERION = 3, _("Tiêu chí thành phần")

    class Method(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        SURVEY = "survey", _("Điều tra xã hội học")
        MIXED = "mixed", _("Kết hợp")

    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE,
                                  related_name="nodes")
    parent = models.ForeignKey("self", verbose_name=_("thuộc"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    depth = models.PositiveSmallIntegerField(_("cấp"), choices=Depth.choices, default=Depth.FIELD)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=400)
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=3, null=True, blank=True)
    method = models.CharField(_("phương pháp"), max_length=10, choices=Method.choices, default=Method.SELF)
    evidence = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    rule_text = models.TextField(_("cách chấm điểm"), blank=True,
                                 help_text=_("Cách chấm như văn bản của tỉnh viết."))
    # The rule as data (chiso.frameworks.rules), when the score can be computed from the declared value.
    rule = models.JSONField(_("quy tắc tính điểm"), default=dict, blank=True)
    is_verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực / tiêu chí")
        verbose_name_plural = _("lĩnh vực / tiêu chí")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_node_code_unique",
                                    violation_error_message=_("Mã tiêu chí đã có trong bộ chỉ số.")),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def scoring_rule(self):
        """The rule as a `rules.Rule`, or None when the score is entered by hand."""
        from .rules import from_data

        return from_data(self.rule)

    @property
    def rule_display(self) -> str:
        rule = self.scoring_rule
        return rule.to_text() if rule else ""


class PublishedResult(models.Model):
    """A published score and rank of one agency (or a whole province) on one framework node in a year."""

    node = models.ForeignKey(FrameworkNode, verbose_name=_("lĩnh vực / tiêu chí"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="results",
                             help_text=_("Để trống khi là tổng điểm của cả chỉ số."))
    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE,
                                  related_name="results")
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="results")
    province = models.ForeignKey("org.Province", verbose_name=_("tỉnh"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(_("năm"))
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveSmallIntegerField(_("trên tổng số"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")
        ordering = ["-year", "framework", "node__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(province__isnull=False),
                name="result_has_subject",
                violation_error_message=_("Kết quả phải thuộc một cơ quan hoặc một tỉnh."),
            ),
        ]
        indexes = [
            # Previous-year results of an agency, for plan targets and baselines.
            models.Index(fields=["agency", "year"], name="result_agency_year_idx"),
        ]

    def __str__(self) -> str:
        subject = self.agency or self.province
        return f"{subject} {self.year}: {self.node or self.framework} {self.rank_display}"

    @property
    def rank_display(self) -> str:
        """"13/20" as published (leading zero kept below 10 like the documents do)."""
        if not self.rank:
            return ""
        return f"{self.rank:02d}/{self.rank_of}" if self.rank_of else str(self.rank)
