"""`chiso backup --out FILE` and `chiso restore FILE`: the database and the uploaded files in one archive.

The archive (tar.gz) holds `manifest.json`, `database.json` (Django's serialised rows, the same on SQLite and
PostgreSQL: a backup of one restores into the other) and the folders `media/` (evidence, plan documents)
and `dossiers/` (the service-KPI store). The rows are read in one transaction — on PostgreSQL at REPEATABLE
READ, one snapshot; on SQLite the transaction holds the write lock, so nothing changes meanwhile — and the
files are copied inside it. The archive is written beside FILE and renamed at the end.

Restore goes into an empty installation: it migrates, refuses a database that holds people or plans or a
media folder that holds files (unless --force), loads every row in one transaction, then moves the files
into place. A failure leaves the installation as it was."""

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
# Not backed up: rebuilt by migrate (content types, permissions), or short-lived (sessions, sign-in counters).
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "accounts.loginthrottle"]


class BackupError(Exception):
    """A Vietnamese sentence for the command line."""


def _folders() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "dossiers": Path(settings.CHISO_DOSSIER_DIR)}


def _count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def backup(out: Path) -> dict:
    """Write the archive; returns the manifest."""
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(_("Không có thư mục %(d)s để ghi bản sao lưu.") % {"d": out.parent})
    part = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        dump = Path(tmp) / "database.json"
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command("dumpdata", exclude=EXCLUDE, natural_foreign=True, indent=0, output=str(dump),
                         verbosity=0)
            rows = len(json.loads(dump.read_text(encoding="utf-8")))
            manifest = {"format": FORMAT, "made_at": timezone.now().isoformat(), "engine": connection.vendor,
                        "rows": rows, "files": {k: _count_files(v) for k, v in _folders().items()}}
            with tarfile.open(part, "w:gz") as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname="database.json")
                for name, folder in _folders().items():
                    if folder.exists():
                        tar.add(folder, arcname=name)
    part.replace(out)
    return manifest


def _has_data() -> bool:
    from chiso.accounts.models import User
    from chiso.plans.models import Plan

    return User.objects.exists() or Plan.objects.exists()


def _read(archive: Path, into: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")  # no path outside `into`, no devices or links out
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(_("Không đọc được bản sao lưu %(f)s: %(e)s") % {"f": archive, "e": exc}) from exc
    try:
        manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("%(f)s không phải bản sao lưu của ChiSo (thiếu manifest.json).") % {"f": archive}) \
            from exc
    if manifest.get("format") != FORMAT or not (into / "database.json").is_file():
        raise BackupError(_("Bản sao lưu %(f)s có định dạng không hỗ trợ.") % {"f": archive})
    return manifest


def _empty_tables() -> None:
    """Delete every row the archive brings back (the seeds of migrations included: the archive has them)."""
    keep = {"django_migrations", "django_content_type", "auth_permission"}
    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in keep]
    statements = connection.ops.sql_flush(_NoStyle(), tables, reset_sequences=False, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def restore(archive: Path, force: bool = False) -> dict:
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Không có tệp %(f)s.") % {"f": archive})
    folders = _folders()
    for folder in folders.values():
        folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folders["media"].parent) as tmp:
        manifest = _read(archive, Path(tmp))
        call_command("migrate", interactive=False, verbosity=0)
        if not force and _has_data():
            raise BackupError(_("Cơ sở dữ liệu đã có người dùng hoặc kế hoạch: chỉ khôi phục vào một bản cài "
                                "đặt trống (hoặc thêm --force để thay toàn bộ dữ liệu)."))
        if not force and any(_count_files(f) for f in folders.values()):
            raise BackupError(_("Thư mục tệp tải lên %(d)s đã có tệp: chỉ khôi phục vào một bản cài đặt trống "
                                "(hoặc thêm --force).") % {"d": folders["media"]})
        with transaction.atomic():
            _empty_tables()
            call_command("loaddata", str(Path(tmp) / "database.json"), verbosity=0)
        for name, folder in folders.items():
            source = Path(tmp) / name
            if folder.exists():
                shutil.rmtree(folder)
            if source.exists():
                source.replace(folder)
            else:
                folder.mkdir(parents=True, exist_ok=True)
    return manifest
