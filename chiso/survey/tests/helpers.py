"""Test data for the survey, built through its actions."""

from chiso.survey import actions


def open_survey(world, counters=("Quầy 1 – Hộ tịch",)):
    q = actions.do_create_questionnaire(world.people.admin)
    actions.do_activate(world.people.admin, q.pk)
    made = [actions.do_save_counter(world.people.office, world.home, name) for name in counters]
    return actions.active_questionnaire(world.home), made


def all_answers(q, level=5, skip_optional=False) -> dict:
    """POST data answering every statement with `level`."""
    return {f"q{x.pk}": str(level) for x in q.questions.all() if not (skip_optional and not x.required)}


def form_token(client, url) -> dict:
    """GET the survey page and return the hidden fields a browser would send back."""
    import re

    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {"token": token}
    kiosk = re.search(r'name="kiosk" value="([^"]+)"', page)
    if kiosk:
        data["kiosk"] = kiosk.group(1)
    return data
