"""`chiso agencies`: one agency per line, code then name (for scripts)."""

from django.core.management.base import BaseCommand

from chiso.org.models import Agency


class Command(BaseCommand):
    help = "Liệt kê các cơ quan: mỗi dòng một cơ quan, mã rồi đến tên."

    def handle(self, *args, **options):
        for code, name in Agency.objects.order_by("code").values_list("code", "name"):
            self.stdout.write(f"{code}\t{name}")
