from django import forms
from django.utils.translation import gettext_lazy as _

from .scopes import RESOURCES, WRITABLE

SCOPE_CHOICES = [("*:read", _("Đọc mọi tài nguyên"))] + [
    (f"{r}:{a}", f"{'Ghi' if a == 'write' else 'Đọc'} {label}")
    for r, label in RESOURCES.items() for a in ("read", "write") if a == "read" or r in WRITABLE]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên kết nối"), max_length=100,
                           help_text=_("Ví dụ: iOffice, LGSP — hồ sơ một cửa."))
    scopes = forms.MultipleChoiceField(label=_("Phạm vi"), choices=SCOPE_CHOICES,
                                       widget=forms.CheckboxSelectMultiple, initial=["*:read"])
    agencies = forms.ModelMultipleChoiceField(label=_("Cơ quan"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Để trống: mọi cơ quan bạn được xem."))
    days = forms.IntegerField(label=_("Số ngày hiệu lực"), min_value=1, max_value=3650, required=False,
                              help_text=_("Để trống: không hết hạn (vẫn thu hồi được bất cứ lúc nào)."))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
