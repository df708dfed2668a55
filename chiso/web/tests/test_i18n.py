"""The English catalog: the interface switches language, and every source string has a translation."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "django.po"
MO_FILE = CATALOG_DIR / "django.mo"

NAV_VI = ["Trang chủ", "Kế hoạch", "Cơ quan, đơn vị", "Bộ chỉ số"]
NAV_EN = ["Home", "Plans", "Agencies and units", "Index frameworks"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: each a dict of its fields (msgid, msgstr, msgstr[0]...) and flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#~"):
            continue  # an obsolete entry
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := PO_LINE.match(line):
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line[1:-1])
    return entries


def nav_of(response) -> str:
    match = re.search(r'<nav class="mainnav".*?</nav>', response.content.decode(), re.S)
    assert match, "the main navigation is missing"
    return match.group(0)


@pytest.fixture
def catalog() -> list[dict]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing; run makemessages -l en"
    return [entry for entry in read_po(PO_FILE) if entry["msgid"]]  # without the header


def test_the_default_language_is_vietnamese(world, login):
    client = login(world.people.office)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    nav = nav_of(response)
    for label in NAV_VI:
        assert label in nav
    assert "Plans" not in nav


def test_the_language_cookie_switches_the_interface_to_english(world, login):
    client = login(world.people.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    nav = nav_of(response)
    for label in NAV_EN:
        assert label in nav
    for label in NAV_VI:
        assert label not in nav
    assert "Sign out" in body and "Đăng xuất" not in body
    assert "Hello, Office" in body
    assert "Skip to main content" in body


def test_the_language_switch_form_sets_english(world, login):
    client = login(world.people.office)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    nav = nav_of(client.get("/"))
    assert "Plans" in nav and "Kế hoạch" not in nav

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Kế hoạch" in nav_of(client.get("/"))


def test_every_string_of_the_catalog_is_translated(catalog):
    assert len(catalog) > 100
    untranslated = [
        entry["msgid"] for entry in catalog
        if not all(value.strip() for key, value in entry.items() if key.startswith("msgstr"))
        or not any(key.startswith("msgstr") for key in entry)
    ]
    assert untranslated == []
    fuzzy = [entry["msgid"] for entry in catalog if "fuzzy" in entry.get("flags", set())]
    assert fuzzy == []


def test_translations_keep_the_placeholders(catalog):
    wrong = []
    for entry in catalog:
        source = entry.get("msgid_plural", entry["msgid"])
        expected = set(PLACEHOLDER.findall(entry["msgid"])) | set(PLACEHOLDER.findall(source))
        for key, value in entry.items():
            if key.startswith("msgstr") and set(PLACEHOLDER.findall(value)) != expected:
                wrong.append((entry["msgid"], value))
    assert wrong == []


def test_the_compiled_catalog_matches_the_po_file(catalog):
    assert MO_FILE.exists(), f"{MO_FILE} is missing; run compilemessages -l en"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog:
        if "msgctxt" in entry:
            continue
        if "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            want = [entry["msgstr[0]"], entry["msgstr[1]"]]
        else:
            got, want = compiled.gettext(entry["msgid"]), entry["msgstr"]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == [], "django.mo is out of date; run compilemessages -l en"
