"""The upload form of a catalog workbook and its import: the catalog pages and the admin share both."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exchange import ImportRejected, ImportResult, do_import_framework
from .models import Framework


class CatalogUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp XLSX"), help_text=_("Tệp đã xuất từ ChiSo, sửa bằng Excel."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    into = forms.ModelChoiceField(label=_("Cập nhật bộ chỉ số"), queryset=Framework.objects.all(),
                                  required=False, empty_label=_("— Tạo bộ chỉ số mới —"),
                                  help_text=_("Để trống để tạo bộ mới từ trang “Bộ chỉ số” của tệp."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."))
        limit = settings.CHISO_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(_("Tệp lớn quá %(mb)d MB.") % {"mb": settings.CHISO_MAX_UPLOAD_MB})
        return upload

    def run_import(self, actor) -> tuple[ImportResult | None, list[str]]:
        """Import the uploaded workbook of a valid form (a new catalog, or an update of `into`): (the result,
        no errors), or (None, the workbook's errors, row by row; nothing is written)."""
        try:
            result = do_import_framework(self.cleaned_data["file"].read(), into=self.cleaned_data["into"],
                                         actor=actor)
        except ImportRejected as rejected:
            return None, rejected.errors
        return result, []


def imported_message(result: ImportResult) -> str:
    return gettext("Đã nhập “%(framework)s”: thêm %(created)d, sửa %(updated)d, xóa %(deleted)d dòng.") % {
        "framework": result.framework, "created": result.nodes_created, "updated": result.nodes_updated,
        "deleted": result.nodes_deleted}
