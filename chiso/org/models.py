"""The organisation tree: province -> agency (sở, ban, ngành, UBND xã) -> unit (phòng, trung tâm ...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.lib.text import search_key


class Province(models.Model):
    """A province (tỉnh). After the 2025 mergers an old province stays as a predecessor record."""

    name = models.CharField(_("tên"), max_length=200, unique=True)
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    is_current = models.BooleanField(_("đang tồn tại"), default=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("sáp nhập vào"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A provincial department or equivalent (sở, ban, ngành; UBND cấp xã) that issues a plan."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        COMMUNE = "commune", _("UBND cấp xã")
        PROVINCE = "province", _("UBND tỉnh")

    province = models.ForeignKey(Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT,
                                 related_name="agencies")
    code = models.CharField(_("mã viết tắt"), max_length=20, unique=True,
                            help_text=_("Dùng trong ký hiệu văn bản, ví dụ STP, SVHTTDL."))
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True,
                                   help_text=_("Dòng trên tên cơ quan trong văn bản, ví dụ UBND TỈNH CAO BẰNG."))
    is_coordinator = models.BooleanField(
        _("cơ quan theo dõi CCHC của tỉnh"), default=False,
        help_text=_("Sở Nội vụ: xem và tổng hợp mọi cơ quan trong tỉnh."))
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("cơ quan tiền thân"), symmetrical=False, blank=True,
        related_name="successors",
        help_text=_("Cơ quan trước sáp nhập 2025; kết quả cũ của chúng là mốc so sánh."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit inside an agency (văn phòng, phòng, trung tâm, đơn vị sự nghiệp) that leads or supports tasks."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Văn phòng")
        DIVISION = "division", _("Phòng chuyên môn")
        CENTRE = "centre", _("Trung tâm, đơn vị sự nghiệp")
        INSPECTORATE = "inspectorate", _("Thanh tra")
        LEADERSHIP = "leadership", _("Lãnh đạo")
        OTHER = "other", _("Khác")

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="units")
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=40, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DIVISION)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency",
                                    violation_error_message=_("Cơ quan đã có đơn vị cùng tên.")),
        ]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another way a document names a unit ("VP Sở", "Phòng TTHC"), matched on folded text at import."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("tên gọi khác"), max_length=200)
    folded = models.CharField(max_length=200, editable=False, db_index=True)  # serves import matching

    class Meta:
        verbose_name = _("tên gọi khác của đơn vị")
        verbose_name_plural = _("tên gọi khác của đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "folded"], name="unit_alias_unique",
                                    violation_error_message=_("Đơn vị đã có tên gọi này.")),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs):
        self.folded = search_key(self.alias)
        super().save(*args, **kwargs)
