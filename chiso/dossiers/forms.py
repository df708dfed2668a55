"""Forms of the dossier pages: they collect input; the rules live in actions and the importer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.plans.forms import DATE_WIDGET

from .fields import DOSSIER_FIELDS, PAKN_FIELDS
from .importer import FORMATS


class UploadForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("Tệp dữ liệu (CSV, XLSX, JSON)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json,.jsonl"}))
    source = forms.CharField(label=_("Nguồn dữ liệu (để ghi nhớ cách ghép cột)"), required=False, max_length=100,
                             help_text=_("Ví dụ: he-thong-mot-cua-tinh. Để trống nếu tệp dùng tên cột chuẩn."))
    mapping = forms.CharField(
        label=_("Ghép cột (mỗi dòng: Tên cột trong tệp = trường)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Số biên nhận = code\nGhi chú nội bộ ="}),
        help_text=_("Trường: %(f)s. Để trống sau dấu = để bỏ qua cột.")
        % {"f": ", ".join(sorted({f.name for f in DOSSIER_FIELDS + PAKN_FIELDS}))})

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in FORMATS:
            raise forms.ValidationError(_("Chỉ nhận tệp .csv, .xlsx hoặc .json."))
        if not upload.size:
            raise forms.ValidationError(_("Tệp rỗng."))
        from .importer import max_bytes

        if upload.size > max_bytes():
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB): hãy tách theo tháng hoặc theo cơ quan.")
                                        % {"mb": max_bytes() // (1024 * 1024)})
        return upload

    def clean_mapping(self):
        out = {}
        for n, line in enumerate((self.cleaned_data.get("mapping") or "").splitlines(), 1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(_("Dòng %(n)s: cần dạng “Tên cột = trường”.") % {"n": n})
            header, _sep, field = line.partition("=")
            out[header.strip()] = field.strip()
        return out


class ApologyForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu thư"), max_length=60)
    sent_on = forms.DateField(label=_("Ngày gửi"), widget=DATE_WIDGET, input_formats=["%d/%m/%Y"])
    file = forms.FileField(label=_("Tệp thư đã ký (PDF, DOCX)"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)
