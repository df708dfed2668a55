"""Every change of the survey: questionnaires, counters, responses. Each `do_*` runs in one transaction
with its audit record; views, the paper entry, the XLSX import, the demo and the tests call these."""

import functools
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chiso.audit.log import Action, record, record_created, snapshot
from chiso.lib.text import fold

from . import defaults, memo
from .models import Answer, Aspect, Channel, Counter, Question, Questionnaire, RateBucket, Response, procedure_key
from .structure import AspectSpec


class Refused(Exception):
    """A change that cannot be made; the message is one Vietnamese sentence for the person."""


class Duplicate(Refused):
    """The person (dossier, device, form) has already answered."""


class RateLimited(Refused):
    """Too many submissions from one address in the window."""


# --- questionnaires --------------------------------------------------------------------------------

def _next_version(agency) -> int:
    return (Questionnaire.objects.filter(agency=agency).aggregate(v=Max("version"))["v"] or 0) + 1


def _default_specs() -> list[AspectSpec]:
    specs = []
    for code, name, statements in defaults.ASPECTS:
        specs.append(AspectSpec(code, name, questions=[
            (f"{code}{i}", text, f"{code}{i}" not in defaults.OPTIONAL) for i, text in enumerate(statements, 1)]))
    return specs


def _write_structure(q: Questionnaire, specs: list[AspectSpec]) -> None:
    Question.objects.filter(questionnaire=q).delete()
    Aspect.objects.filter(questionnaire=q).delete()
    order = 0
    for a_order, spec in enumerate(specs):
        aspect = Aspect.objects.create(questionnaire=q, code=spec.code, name=spec.name, weight=spec.weight,
                                       order=a_order)
        for code, text, required in spec.questions:
            order += 1
            Question.objects.create(questionnaire=q, aspect=aspect, code=code, text=text, required=required,
                                    order=order)


def _structure_of(q: Questionnaire) -> list:
    return [[a.code, a.name, str(a.weight), [[x.code, x.text, x.required] for x in a.questions.all()]]
            for a in q.aspects.all()]


@transaction.atomic
def do_create_questionnaire(actor, agency=None) -> Questionnaire:
    """A new draft with ChiSo's proposed content (the five SIPAS aspects, the 5-level scale)."""
    q = Questionnaire.objects.create(
        agency=agency, name=str(defaults.NAME), version=_next_version(agency), intro=defaults.INTRO,
        thanks=defaults.THANKS, scale=list(defaults.SCALE), satisfied_levels=list(defaults.SATISFIED),
        channels=list(defaults.CHANNELS), age_groups=list(defaults.AGE_GROUPS))
    _write_structure(q, _default_specs())
    record(actor, Action.CREATE, q, None, {**snapshot(q), "structure": _structure_of(q)}, agency=agency)
    return q


EDITABLE = ("name", "intro", "thanks", "scale", "satisfied_levels", "target", "ask_procedure", "ask_channel",
            "ask_age_group", "ask_comment", "channels", "age_groups", "comment_max")


@transaction.atomic
def do_save_questionnaire(actor, pk: int, revision: int, data: dict, specs: list[AspectSpec]) -> Questionnaire:
    """Save a draft's fields and structure. An active or retired version is never edited (answers point at it)."""
    q = Questionnaire.objects.select_for_update().get(pk=pk)
    if q.status != Questionnaire.Status.DRAFT:
        raise Refused(_("Chỉ sửa được bản nháp; hãy tạo phiên bản mới từ phiếu đang dùng."))
    if q.revision != revision:
        raise Refused(_("Phiếu vừa được người khác sửa; hãy mở lại trang để xem bản mới nhất."))
    scale = data.get("scale", q.scale)
    levels = data.get("satisfied_levels", q.satisfied_levels)
    if not 2 <= len(scale) <= 10:
        raise Refused(_("Thang trả lời cần từ 2 đến 10 mức."))
    if not levels or any(not 1 <= v <= len(scale) for v in levels):
        raise Refused(_("Mức được tính là hài lòng phải nằm trong thang (1 đến %(n)s).") % {"n": len(scale)})
    before = {**snapshot(q), "structure": _structure_of(q)}
    for name in EDITABLE:
        if name in data:
            setattr(q, name, data[name])
    q.revision += 1
    q.save()
    _write_structure(q, specs)
    record(actor, Action.UPDATE, q, before, {**snapshot(q), "structure": _structure_of(q)}, agency=q.agency)
    return q


@transaction.atomic
def do_new_version(actor, pk: int) -> Questionnaire:
    """A draft copy of a questionnaire, numbered after the scope's latest version."""
    src = Questionnaire.objects.select_for_update().get(pk=pk)
    q = Questionnaire.objects.create(**{n: getattr(src, n) for n in EDITABLE}, agency=src.agency,
                                     version=_next_version(src.agency))
    _write_structure(q, [AspectSpec(a.code, a.name, a.weight, [(x.code, x.text, x.required)
                                                              for x in a.questions.all()])
                         for a in src.aspects.all()])
    record(actor, Action.CREATE, q, None, {**snapshot(q), "structure": _structure_of(q)}, agency=q.agency,
           summary=_("%(q)s, sao từ phiên bản %(v)s") % {"q": q, "v": src.version})
    return q


@transaction.atomic
def do_activate(actor, pk: int) -> Questionnaire:
    """Put a draft in use; the version in use of the same scope (agency or common) is retired."""
    q = Questionnaire.objects.select_for_update().get(pk=pk)
    if q.status != Questionnaire.Status.DRAFT:
        raise Refused(_("Chỉ áp dụng được bản nháp."))
    if not q.questions.exists():
        raise Refused(_("Phiếu chưa có câu hỏi nào."))
    for old in Questionnaire.objects.select_for_update().filter(agency=q.agency, status=Questionnaire.Status.ACTIVE):
        before = snapshot(old)
        old.status = Questionnaire.Status.RETIRED
        old.save(update_fields=["status"])
        record(actor, Action.UPDATE, old, before, snapshot(old), agency=old.agency)
    before = snapshot(q)
    q.status, q.activated_at = Questionnaire.Status.ACTIVE, timezone.now()
    q.save(update_fields=["status", "activated_at"])
    record(actor, Action.UPDATE, q, before, snapshot(q), agency=q.agency)
    # this process at once, and again once committed (a page may have read the old one meanwhile); other
    # worker processes within memo.SECONDS
    memo.forget("active", "form")
    transaction.on_commit(lambda: memo.forget("active", "form"))
    return q


def active_questionnaire(agency) -> Questionnaire | None:
    """The agency's own version in use, else the common one."""
    own = Questionnaire.objects.filter(agency=agency, status=Questionnaire.Status.ACTIVE).first()
    return own or Questionnaire.objects.filter(agency__isnull=True, status=Questionnaire.Status.ACTIVE).first()


def active_questionnaire_cached(agency) -> Questionnaire | None:
    """The same, with its questions loaded, kept memo.SECONDS (30 s) in the process: the public page asks
    for it on every answer. A version activated meanwhile is picked up within 30 s here (at once in this
    process); a form made from the old one is then refused with a request to reopen the page."""
    from .forms import questions_of

    def build():
        q = active_questionnaire(agency)
        if q is not None:
            questions_of(q)
        return q or 0  # "none in use" is kept too

    return memo.get(("active", agency.pk), build) or None


# --- counters ---------------------------------------------------------------------------------------

def _slug(name: str) -> str:
    slug = slugify(fold(name))[:60] or "quay"
    return "quay-cam-on" if slug == "cam-on" else slug  # "cam-on" is the thanks page


@transaction.atomic
def do_save_counter(actor, agency, name: str, is_active: bool = True, pk: int | None = None,
                    version: int | None = None) -> Counter:
    name = " ".join((name or "").split())[:120]
    if not name:
        raise Refused(_("Hãy nhập tên quầy."))
    others = Counter.objects.select_for_update().filter(agency=agency).exclude(pk=pk)
    if any(fold(c.name) == fold(name) for c in others):
        raise Refused(_("Cơ quan đã có quầy “%(n)s”.") % {"n": name})
    if pk is None:
        base = slug = _slug(name)
        taken = {c.slug for c in others}
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base[:55]}-{n}"
        counter = Counter.objects.create(agency=agency, name=name, slug=slug, is_active=is_active)
        record(actor, Action.CREATE, counter, None, snapshot(counter), agency=agency)
        return counter
    counter = Counter.objects.select_for_update().get(pk=pk, agency=agency)
    if version is not None and counter.version != version:
        raise Refused(_("Quầy vừa được người khác sửa; hãy mở lại trang."))
    before = snapshot(counter)
    counter.name, counter.is_active, counter.version = name, is_active, counter.version + 1
    counter.save()  # the slug stays: printed QR codes keep working
    record(actor, Action.UPDATE, counter, before, snapshot(counter), agency=agency)
    # a counter switched off stops taking answers (and renamed, shows its name) at once here, within 30 s elsewhere
    memo.forget("place", "form")
    transaction.on_commit(lambda: memo.forget("place", "form"))
    return counter


# --- responses ----------------------------------------------------------------------------------------

@dataclass
class Submission:
    """A validated answer sheet (forms.read_answers made it), ready to store."""

    questionnaire: Questionnaire
    agency: object
    counter: Counter | None
    channel: str
    values: dict[int, int]                  # question id -> level
    procedure: str = ""
    applied_via: str = ""
    age_group: str = ""
    comment: str = ""
    receipt_code: str | None = None
    device_hash: str | None = None
    nonce: str | None = None
    entered_by: object = None
    when: datetime | None = None
    extra: dict = field(default_factory=dict)


def do_submit(sub: Submission, rate: tuple[str, int] | None = None) -> int:
    """Store one response and its answers, or refuse a duplicate (same dossier, device and day, or form);
    return the response's id. `rate` (address, limit): count the address in the same transaction and refuse
    beyond the limit."""
    when = sub.when or timezone.now()
    day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    month = day.year * 12 + day.month - 1
    q = sub.questionnaire
    satisfied = set(q.satisfied_levels)
    questions = {x.pk: x for x in q.questions.all()} if not hasattr(q, "_questions") else q._questions
    counter_id = sub.counter.pk if sub.counter else None
    actor_id = getattr(sub.entered_by, "pk", None)
    summary = _("Phiếu khảo sát (%(c)s)") % {"c": Channel(sub.channel).label}
    try:
        with transaction.atomic():
            if rate is not None and _hit(rate[0], when) > rate[1]:
                raise RateLimited(_("Có quá nhiều phiếu gửi từ cùng một địa chỉ."))
            response_id = _insert_response(sub, when, day, month, counter_id, actor_id)
            _insert_answers(response_id, sub.agency.pk, counter_id, month, questions, sub.values, satisfied,
                            procedure_key(sub.procedure))
            record_created(actor_id, Response, response_id, summary,
                           {"channel": sub.channel, "counter": counter_id, "answers": len(sub.values),
                            "receipt_code": bool(sub.receipt_code)}, agency_id=sub.agency.pk)
    except IntegrityError as exc:
        text = str(exc)
        if "receipt" in text or "one_per_dossier" in text:
            raise Duplicate(_("Hồ sơ %(c)s đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")
                            % {"c": sub.receipt_code}) from exc
        if "nonce" in text or "one_per_form" in text:
            raise Duplicate(_("Phiếu này đã được gửi rồi.")) from exc
        if "device" in text or "one_per_device" in text:
            raise Duplicate(_("Hôm nay Ông/Bà đã đánh giá quầy này từ thiết bị này rồi.")) from exc
        raise Duplicate(_("Phiếu này đã được ghi nhận trước đó.")) from exc
    return response_id


_RESPONSE_COLUMNS = ("questionnaire_id", "agency_id", "counter_id", "channel", "submitted_at", "day", "month",
                     "procedure", "applied_via", "age_group", "comment", "receipt_code", "device_hash", "nonce",
                     "entered_by_id")
_ANSWER_COLUMNS = ("response_id", "question_id", "aspect_id", "agency_id", "counter_id", "month", "procedure_key",
                   "value", "satisfied")


def _insert_response(sub: Submission, when: datetime, day, month: int, counter_id, actor_id) -> int:
    """The response row in one prepared INSERT returning its id: Response.objects.create spent ~1 ms of Python
    per answer (model instance, field preparation, SQL compiler) inside the write transaction, which on SQLite
    every other answer waits for. The values are adapted as the ORM adapts them (connection.ops)."""
    ops = connection.ops
    params = [sub.questionnaire.pk, sub.agency.pk, counter_id, sub.channel, ops.adapt_datetimefield_value(when),
              ops.adapt_datefield_value(day), month, sub.procedure, sub.applied_via, sub.age_group, sub.comment,
              sub.receipt_code or None, sub.device_hash, sub.nonce, actor_id]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(_response_sql(connection.vendor) + ' RETURNING "id"', params)
            return cursor.fetchone()[0]
        cursor.execute(_response_sql(connection.vendor), params)
        return cursor.lastrowid


@functools.cache
def _response_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _RESPONSE_COLUMNS)
    marks = ", ".join(["%s"] * len(_RESPONSE_COLUMNS))
    return f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names only


def _insert_answers(response_id: int, agency_id: int, counter_id: int | None, month: int, questions: dict,
                    values: dict[int, int], satisfied: set, key: int) -> None:
    """A response's answers without building a model instance per answer (the bulk of a submission's cost on
    the ORM path). SQLite: one prepared one-row INSERT run for each answer (executemany: 0.75 ms for 13
    answers, against 1.25 ms for one 13-row VALUES statement it compiles anew each time, measured on the
    bench's database). PostgreSQL: one INSERT of literal numbers, one round trip (Django binds parameters
    on the client there, so placeholders would only add quoting); every value is an int made here: ids of
    the questionnaire in use, levels read_sheet checked, the response's own ids."""
    if not values:
        return
    quote = connection.ops.quote_name
    table, columns = quote(Answer._meta.db_table), ", ".join(quote(c) for c in _ANSWER_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 9)})",  # noqa: S608
                               [(response_id, qid, questions[qid].aspect_id, agency_id, counter_id, month, key,
                                 v, v in satisfied) for qid, v in values.items()])
            return
        counter = "NULL" if counter_id is None else str(int(counter_id))
        fixed = f"{int(response_id)}, %d, %d, {int(agency_id)}, {counter}, {int(month)}, {int(key)}"
        rows = ", ".join(f"({fixed % (int(qid), int(questions[qid].aspect_id))}, {int(v)}, "
                         f"{'TRUE' if v in satisfied else 'FALSE'})" for qid, v in values.items())
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {rows}")  # noqa: S608 - integers only, see above


# --- abuse control -------------------------------------------------------------------------------------

WINDOW_SECONDS = 600


def salted(*parts: object) -> str:
    """An HMAC of `parts` with the secret key: what the database keeps instead of an address or a device."""
    message = "|".join(str(p) for p in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def do_count_hit(address: str, now: datetime | None = None) -> int:
    """Count one submission from `address` in the current 10-minute window; return the window's count."""
    with transaction.atomic():
        return _hit(address, now or timezone.now())


def _hit(address: str, now: datetime) -> int:
    """One upsert (inside the caller's transaction). The key's salt includes the day, so keys of different
    days cannot be linked; the address itself is never stored."""
    window = int(now.timestamp()) // WINDOW_SECONDS
    key = salted("rate", timezone.localtime(now).date().isoformat(), address)
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO {table} ("key", "window", "hits") VALUES (%s, %s, 1) '  # noqa: S608
                       f'ON CONFLICT ("key", "window") DO UPDATE SET "hits" = {table}."hits" + 1 RETURNING "hits"',
                       [key, window])
        hits = cursor.fetchone()[0]
    if hits == 1 and _purged.get("window") != window:
        # the first new address of a window in this process forgets windows older than an hour: one DELETE
        # per process per window, not one per new address (each would scan the hour's buckets)
        RateBucket.objects.filter(window__lt=window - 6).delete()
        _purged["window"] = window
    return hits


_purged: dict[str, int] = {}  # the window this process last purged old buckets in


# --- plan targets measured by the index -------------------------------------------------------------------

@transaction.atomic
def do_decide_target(actor, task, confirm: bool):
    """The office confirms (or refuses) that the index measures the task's target, as worded now."""
    from .measures import target_of
    from .models import SurveyTarget

    found = target_of(task)
    if found is None:
        raise Refused(_("Nội dung nhiệm vụ không còn nêu tỷ lệ hài lòng cần đạt."))
    link = SurveyTarget.objects.select_for_update().filter(task=task).first()
    before = snapshot(link) if link else None
    link = link or SurveyTarget(task=task)
    link.confirmed, (link.op, link.target), link.decided_by = confirm, found, actor
    link.save()
    record(actor, Action.UPDATE if before else Action.CREATE, link, before, snapshot(link), plan=task.plan,
           summary=_("Chỉ tiêu hài lòng của nhiệm vụ %(t)s: %(d)s") % {
               "t": task, "d": _("xác nhận") if confirm else _("không đo bằng chỉ số hài lòng")})
    return link
