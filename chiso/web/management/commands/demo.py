"""`chiso demo`: migrate, then load the demo data once. Running it again changes nothing."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chiso.demo.load import demo_logins, load_demo


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu và nạp dữ liệu mẫu (chỉ lần đầu)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Không in tài khoản đăng nhập mẫu.")

    def handle(self, *args, quiet_logins=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if load_demo():
            self.stdout.write("Đã nạp dữ liệu mẫu: tỉnh An Phú, Sở Tư pháp, Sở Văn hóa, Thể thao và Du lịch.")
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")
        if not quiet_logins:
            self.stdout.write("Tài khoản dùng thử (tên đăng nhập / mật khẩu):")
            for username, password, label in demo_logins():
                self.stdout.write(f"  {username:<18} {password}   {label}")
