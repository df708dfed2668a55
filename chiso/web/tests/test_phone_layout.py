"""Phone layouts (issue 10): at 390 px and 360 px wide no element of the home page, a plan page, the dashboard
or "Việc của tôi" reaches past the right edge of the screen (headless Chromium measures every element)."""

from datetime import date, timedelta

import pytest

from conftest import make_world

from .browser import browser_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Every visible element whose box ends right of the viewport, with a short description of it.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (r.right > width + 0.5 || (r.left < -0.5 && r.right > 0)) {  // the skip link waits off-screen on purpose
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
               + ` [${Math.round(r.left)}..${Math.round(r.right)}] ${(el.innerText || '').slice(0, 40)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 15)};
}"""


def _busy_world():
    """The shared world with long titles, units and a few more tasks, so that cards have something to clip."""
    from chiso.plans import actions
    from chiso.plans.models import Task

    world = make_world()
    today = date.today()
    for n in range(3, 9):
        actions.do_save_task(world.people.office, Task(
            plan=world.plan, index="SIPAS" if n % 2 else "PAR_INDEX", field_name="Nâng cao chất lượng phục vụ "
            "người dân và doanh nghiệp trong giải quyết thủ tục hành chính", ref=str(n),
            title=f"Triển khai giải pháp số {n}: số hóa hồ sơ, kết quả giải quyết thủ tục hành chính "
                  "đạt tỷ lệ trên 80% đối với các thủ tục có phát sinh hồ sơ trong năm",
            due=today + timedelta(days=n * 9 - 40)), [world.civil], [world.laws, world.office_unit])
    return world


@pytest.mark.parametrize("width", [390, 360])
def test_no_element_overflows_on_a_phone(live_server, width):
    world = _busy_world()
    base = live_server.url
    pages = {"office": ["/", f"/ke-hoach/{world.plan.pk}/", f"/theo-doi/co-quan/{world.home.code}/"],
             "staff": ["/", "/theo-doi/viec-cua-toi/"]}
    problems = {}
    with browser_page(viewport={"width": width, "height": 800}) as page:
        for who, urls in pages.items():
            page.context.clear_cookies()
            sign_in(page, base, who)
            for url in urls:
                page.goto(base + url)
                found = page.evaluate(OVERFLOWING)
                if found["out"] or found["scroll"] > found["width"]:
                    problems[f"{who} {url}"] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
