"""The upload form of a catalog workbook (pages and admin share it)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
