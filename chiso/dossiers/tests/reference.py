"""A reference implementation of the indicators, written from the rules in ../shared/domain/service-kpis.md
and the engine's documented semantics, independently of the engine's SQL: plain Python, one record and
one period at a time, its own file reading, date parsing and working-day counting."""

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta


def parse_day(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y%m%d%H%M%S", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def flag(text: str) -> bool:
    return (text or "").strip() in ("1", "true", "x", "có")


class Days:
    """Working days: Monday–Friday, except days off, plus make-up days (from the holiday table)."""

    def __init__(self, overrides: dict[date, bool]):
        self.overrides = overrides

    def working(self, d: date) -> bool:
        if d in self.overrides:
            return not self.overrides[d]
        return d.weekday() < 5

    def between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.between(b, a)
        n, d = 0, a
        while d < b:
            d += timedelta(days=1)
            if self.working(d):
                n += 1
        return n


def read_dossiers(path, agency_ids: dict[str, int], unit_ids: dict[tuple[int, str], int]) -> list[dict]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            agency = agency_ids[row["MaCoQuan"]]
            level = {"4": 3, "3": 2}.get(row.get("MucDo", "").strip(), 1)
            req = parse_day(row.get("NgayYeuCauBoSung", ""))
            count = row.get("SoLanYeuCauBoSung", "").strip()
            out.append({
                "agency": agency, "unit": unit_ids.get((agency, row.get("DonViXuLy", "").strip())),
                "code": row["MaHoSo"], "procedure": row["MaTTHC"], "level": level,
                "legal": int(row["ThoiHanGiaiQuyet"]) if row.get("ThoiHanGiaiQuyet", "").strip() else None,
                "received": parse_day(row["NgayTiepNhan"]), "promised": parse_day(row.get("NgayHenTra", "")),
                "finished": parse_day(row.get("NgayKetThucXuLy", "")),
                "sup_count": int(count) if count else (1 if req else 0), "sup_req": req,
                "sup_done": parse_day(row.get("NgayHoanThanhBoSung", "")),
                "channel": int(row.get("KenhThucHien") or 1), "fee": int((row.get("PhiLePhi") or "0").replace(".", "")),
                "paid": int(row.get("DuocThanhToanTrucTuyen") or 0), "digitised": flag(row.get("DuocSoHoa", "")),
                "reused": flag(row.get("DuocLayTuKhoDMQG", "")),
                "e_result": bool((row.get("DuongDanTepTinKetQua") or "").strip()),
                "disliked": flag(row.get("KhongHaiLong", "")),
            })
    return out


def read_pakn(path, agency_ids, unit_ids) -> list[dict]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            agency = agency_ids[row["MaCoQuan"]]
            handled = parse_day(row.get("NgayXuLy", ""))
            outcome = row.get("HinhThucXuLy", "").strip()
            out.append({
                "agency": agency, "unit": unit_ids.get((agency, row.get("DonViXuLy", "").strip())),
                "code": row["MaPAKN"], "received": parse_day(row["NgayTiepNhan"]), "handled": handled,
                "outcome": int(outcome) if outcome else (1 if handled else None),
                "published": parse_day(row.get("NgayCongKhai", "")), "disliked": flag(row.get("KhongHaiLong", "")),
                "repeated": flag(row.get("TrungLap", "")),
            })
    return out


def judge_dossier(d: dict, start: date, end: date, today: date, days: Days) -> dict | None:
    """How the dossier counts in the period [start, end], or None when it does not belong to it."""
    if d["received"] > end or (d["finished"] is not None and d["finished"] < start):
        return None
    fin = d["finished"] if d["finished"] is not None and d["finished"] <= end else None
    req = d["sup_req"] if d["sup_req"] is not None and d["sup_req"] <= end else None
    done = d["sup_done"] if req is not None and d["sup_done"] is not None and d["sup_done"] <= end else None
    last = fin if fin is not None else min(end, today)
    if req is not None and done is not None:
        effective = last - (done - req)
    elif req is not None:
        effective = min(req, last)
    else:
        effective = last
    if d["sup_count"] > 1:
        on_time = False
    elif d["promised"] is not None:
        on_time = effective <= d["promised"]
    else:
        on_time = days.between(d["received"], effective) <= d["legal"]
    received_here = start <= d["received"] <= end
    finished_here = fin is not None and start <= fin
    return {"on_time": on_time, "received_here": received_here, "finished_here": finished_here,
            "handling": days.between(d["received"], effective) if fin is not None else None}


def dossier_counts(items: list[dict], start, end, today, days: Days, apologised=frozenset()) -> dict:
    """{code: (numerator, denominator)} over the dossiers `items` for one period."""
    c = defaultdict(int)
    procs = defaultdict(set)
    for d in items:
        j = judge_dossier(d, start, end, today, days)
        if j is None:
            continue
        c["d2.1"] += 1
        c["n2.1"] += j["on_time"]
        c["d5.4"] += 1
        c["n5.4"] += j["on_time"] and not d["disliked"]
        if not j["on_time"]:
            c["dXL"] += 1
            c["nXL"] += (d["agency"], d["code"]) in apologised
        if j["received_here"]:
            procs["all"].add(d["procedure"])
            if d["level"] >= 2:
                procs["online"].add(d["procedure"])
            c["d3.3"] += 1
            c["n3.3"] += d["channel"] == 2
            c["d4.3"] += 1
            c["n4.3"] += d["reused"]
            if d["fee"] > 0:
                procs["fee"].add(d["procedure"])
                c["d3.6"] += 1
                if d["paid"] > 0:
                    procs["paid"].add(d["procedure"])
                    c["n3.6"] += 1
            if j["handling"] is not None:
                c["d2.2"] += 1
                c["n2.2"] += j["handling"]
        if j["finished_here"]:
            c["d4.1"] += 1
            c["n4.1"] += d["e_result"]
            c["d4.2"] += 1
            c["n4.2"] += d["e_result"] and d["digitised"]
    c["n3.1"], c["d3.1"] = len(procs["online"]), len(procs["all"])
    c["n3.5"], c["d3.5"] = len(procs["paid"]), len(procs["fee"])
    codes = ["2.1", "2.2", "3.1", "3.3", "3.5", "3.6", "4.1", "4.2", "4.3", "5.4", "XL"]
    return {code: (int(c["n" + code]), int(c["d" + code])) for code in codes}


def pakn_counts(items: list[dict], start, end, today, days: Days, limits: dict) -> dict:
    c = defaultdict(int)
    for r in items:
        if r["received"] > end or (r["handled"] is not None and r["handled"] < start):
            continue
        fin = r["handled"] if r["handled"] is not None and r["handled"] <= end else None
        pub = r["published"] if r["published"] is not None and r["published"] <= end else None
        if fin is not None:
            limit = {2: limits["refuse_days"], 3: limits["info_days"]}.get(r["outcome"], limits["answer_days"])
            on_time = days.between(r["received"], fin) <= limit
            if r["outcome"] == 1 and pub is not None and days.between(fin, pub) > limits["publish_days"]:
                on_time = False
        else:
            on_time = days.between(r["received"], min(end, today)) <= limits["answer_days"]
        c["d5.2"] += 1
        c["n5.2"] += on_time
        c["d5.3"] += 1
        c["n5.3"] += on_time and not r["disliked"] and not r["repeated"]
    return {code: (int(c["n" + code]), int(c["d" + code])) for code in ("5.2", "5.3")}
