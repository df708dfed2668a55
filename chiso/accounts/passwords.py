"""A password validator for what Django's English list misses: a local word with digits around it."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chiso.lib.text import fold

# Words people in an office reach for first (folded, no digits or signs).
LOCAL_WORDS = {
    "quantri", "quantrivien", "matkhau", "admin", "administrator", "chiso", "vanphong", "nhanvien", "canbo",
    "sonoivu", "noivu", "ubnd", "tinh", "vietnam", "hanoi", "saigon", "password", "passw0rd", "abc", "abcd",
    "qwerty", "asdf", "iloveyou", "congchuc", "lanhdao", "phongban", "hethong", "baomat", "truycap", "dangnhap",
}


class LocalWordsValidator:
    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", fold(password or "").lower())
        if letters in LOCAL_WORDS or not letters:
            raise ValidationError(_("Mật khẩu quá dễ đoán (một từ quen thuộc kèm chữ số). Hãy dùng một cụm "
                                    "nhiều từ hoặc trộn chữ, số và ký hiệu."), code="password_local_word")

    def get_help_text(self):
        return _("Mật khẩu không được là một từ quen thuộc (quantri, matkhau, tên cơ quan…) kèm chữ số.")
