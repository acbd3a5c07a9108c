"""リハビリテーション実施計画書: the plan and its assessment in the sections of the MHLW standard form.

The sections follow 別紙様式21 of the 診療報酬 notification (mhlw_rehab_plan_2024): patient, 算定病名 and
dates, 心身機能・構造 / 活動 / 参加 (ICF), 目標 (short and long term), 方針と内容, 本人・家族の希望, 評価,
再評価予定日, and the explanation and signature lines. What ptplan knows is filled in; what only the clinic
knows (the diagnosis the doctor bills under, dates, names, the patient's independence level) is left as a
line to complete by hand. It is a draft in the form's order, not the official form itself.

    render(plan, "rehab-plan", "ja", case=case_dict, therapist="山田", clinic="青葉整形外科")  # PDF bytes
"""

from __future__ import annotations

from markupsafe import Markup

from ptplan.render import context
from ptplan.render.clinical import evidence
from ptplan.render.handout import _env

W = {  # the frame of the document (ja, en); the clinical content comes from the plan and the KB
    "title": ("リハビリテーション実施計画書", "Rehabilitation implementation plan"),
    "form_note": ("厚生労働省 別紙様式21の項目に準じて作成（記入欄は手書きで補ってください）",
                  "Follows the items of MHLW form 21 (complete the blank fields by hand)"),
    "patient": ("患者氏名", "Patient"), "sex": ("性別", "Sex"), "age": ("年齢", "Age"), "birth": ("生年月日", "Date of birth"),
    "assessed": ("計画評価実施日", "Date of assessment"), "doctor": ("リハビリテーション担当医", "Rehabilitation doctor"),
    "therapist": ("担当理学療法士", "Physiotherapist"), "clinic": ("医療機関", "Clinic"),
    "diagnosis": ("算定病名", "Billing diagnosis"), "onset": ("発症日・手術日", "Onset / surgery date"),
    "start": ("リハ開始日", "Rehabilitation start"), "treatment": ("治療内容", "Treatment"),
    "pt": ("理学療法", "physiotherapy"), "ot": ("作業療法", "occupational therapy"), "st": ("言語聴覚療法", "speech therapy"),
    "risk": ("安静度・リスク", "Activity limits and risks"), "comorbid": ("併存疾患・合併症", "Comorbidities"),
    "contra": ("禁忌・特記事項", "Contraindications and notes"),
    "body": ("心身機能・構造", "Body functions and structures"), "activity": ("活動", "Activities"),
    "participation": ("参加", "Participation"), "personal": ("個人因子・環境因子", "Personal and environmental factors"),
    "pain": ("疼痛", "Pain"), "adl": ("基本動作・ADLの自立度", "Independence in basic movements and ADL"),
    "roles": ("家庭内役割・社会活動・余暇", "Roles at home, social activities, leisure"),
    "goals": ("目標", "Goals"), "short": ("短期目標", "Short-term goal"), "long": ("長期目標", "Long-term goal"),
    "policy": ("方針", "Approach"), "content": ("内容（運動療法プログラム）", "Content (exercise programme)"),
    "wishes": ("本人・家族の希望", "Wishes of the patient and family"), "self": ("本人", "Patient"),
    "family": ("家族", "Family"), "evaluation": ("評価（質問票）", "Evaluation (questionnaires)"),
    "repeat": ("再評価で用いる尺度", "Measures to repeat"), "review": ("再評価予定日", "Next evaluation"),
    "explain": ("本人・家族への説明", "Explained to the patient and family"),
    "explainer": ("説明者署名", "Explained by (signature)"),
    "receiver": ("説明を受けた人（本人・家族〔続柄　　〕）署名", "Received by (patient / family, relationship) signature"),
    "ymd": ("　　　　年　　月　　日", "____ / __ / __"), "sep": ("：", ": "),
    "none_found": ("所見なし", "nothing found"), "not_tested": ("未評価", "not assessed"),
    "frequency": ("実施頻度", "Frequency"), "per_week": ("週{n}日", "{n} days a week"),
    "hint_dx": ("問診上の診断", "diagnosis from the interview"), "hint_onset": ("問診上", "from the interview"),
    "red_none": ("危険な兆候は見つかっていません", "No red flags found"),
    "to_ask": ("未確認の質問", "questions not yet asked"),
    "no_program": ("運動療法は行わず、医師の診察を優先します", "No exercise; medical assessment comes first"),
    "no_program_incomplete": ("安全確認の質問がすべて済むまで、運動療法は始めません",
                              "No exercise until every essential safety question is answered"),
    "generated": ("ptplan 知識ベース", "ptplan knowledge base"),
}

SEX = {"female": ("女性", "female"), "male": ("男性", "male"), "other": ("その他", "other")}
DIAGNOSIS = {  # the interview's diagnosis fields, as a clinician would write them (a hint, not the billing name)
    "osteoarthritis": ("変形性膝関節症", "knee osteoarthritis"), "meniscus": ("半月板損傷", "meniscus injury"),
    "ligament": ("膝靱帯損傷", "knee ligament injury"), "patellofemoral": ("膝蓋大腿関節障害", "patellofemoral pain"),
    "disc_herniation": ("腰椎椎間板ヘルニア", "lumbar disc herniation"),
    "spinal_stenosis": ("腰部脊柱管狭窄症", "lumbar spinal stenosis"),
    "spondylolisthesis": ("腰椎すべり症", "spondylolisthesis"),
}
SITE = {"low_back": ("腰", "low back"), "knee": ("膝", "knee"), "buttock": ("殿部", "buttock"), "thigh": ("大腿", "thigh"),
        "leg": ("下腿", "lower leg"), "foot": ("足部", "foot"), "thoracic": ("背部", "upper back")}
SIDE = {"left": ("左", "left "), "right": ("右", "right "), "both": ("両", "both ")}
OCCUPATION = {"desk": ("デスクワーク", "desk work"), "standing": ("立ち仕事", "standing work"),
              "manual": ("肉体労働", "manual work"), "driving": ("運転業務", "driving"), "homemaker": ("家事", "homemaker"),
              "retired": ("退職", "retired"), "student": ("学生", "student"), "other": ("その他", "other")}
ACTIVITY = {"sedentary": ("ほとんど動かない", "sedentary"), "light": ("軽い", "light"), "moderate": ("中程度", "moderate"),
            "active": ("活発", "active")}
WORSE = {"worse_walking": ("歩行", "walking"), "worse_stairs": ("階段昇降", "stairs"),
         "worse_standing_up": ("立ち上がり", "standing up"), "worse_standing": ("立位保持", "standing"),
         "worse_sitting": ("長時間の座位", "prolonged sitting"), "worse_bending": ("前屈み", "bending")}


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ja" else pair[1]


def _words(lang: str) -> dict[str, str]:
    return {k: _t(v, lang) for k, v in W.items()}


def _head(head: str, text: str, lang: str) -> str:
    """「見出し：内容」 / "Heading: text"."""
    return f"{head}：{text}" if lang == "ja" else f"{head}: {text}"


def _paren(text: str, note: str | None, lang: str) -> str:
    return text if not note else (f"{text}（{note}）" if lang == "ja" else f"{text} ({note})")


def _join(items, lang: str, ja: str = "、") -> str:
    return ja.join(items) if lang == "ja" else ("; " if ja == "／" else ", ").join(items)


def _pain_lines(case: dict, lang: str) -> list[str]:
    out = []
    for p in case.get("pain") or []:
        where = _t(SIDE.get(p.get("side"), ("", "")), lang) + _t(SITE.get(p["site"], (p["site"], p["site"])), lang)
        worst = p.get("nrs_worst")
        nrs = _paren(f"NRS {p['nrs']:g}" if p.get("nrs") is not None else "",
                     None if worst is None else (f"最大 {worst:g}" if lang == "ja" else f"worst {worst:g}"), lang)
        out.append(f"{where} {nrs}".strip() if lang == "ja" else _head(where, nrs, lang))
    return out


def _findings(plan: dict, case: dict, kb, lang: str) -> dict[str, list[dict]]:
    """Plan findings grouped by ICF part, each with the measurements behind it."""
    out: dict[str, list[dict]] = {"body": [], "activity": [], "participation": [], "personal": []}
    for f in plan.get("findings", []):
        entry = kb.findings.get(f["id"])
        out[entry.icf_part if entry else "body"].append({"name": f.get("name", f["id"]),
                                                           "evidence": evidence(kb, f, case, lang)})
    return out


def _aggravating(case: dict, lang: str) -> str | None:
    sym = case.get("symptoms") or {}
    acts = [_t(v, lang) for k, v in WORSE.items() if sym.get(k)]
    if not acts:
        return None
    return "・".join(acts) + "で症状が増悪" if lang == "ja" else "Symptoms worse with " + ", ".join(acts)


def _participation(case: dict, lang: str) -> list[str]:
    act = case.get("activity") or {}
    out = []
    if act.get("occupation"):
        out.append(_head("職業" if lang == "ja" else "Occupation", _t(OCCUPATION[act["occupation"]], lang), lang))
    if act.get("level"):
        out.append(_head("日常の活動量" if lang == "ja" else "Everyday activity", _t(ACTIVITY[act["level"]], lang), lang))
    if act.get("exercise_days_per_week") is not None:
        n = act["exercise_days_per_week"]
        out.append(f"運動習慣：週{n}日" if lang == "ja" else f"Exercise: {n} day{'' if n == 1 else 's'} a week")
    if act.get("sitting_hours_per_day") is not None:
        h = act["sitting_hours_per_day"]
        out.append(f"座位時間：1日約{h:g}時間" if lang == "ja" else f"Sitting: about {h:g} h a day")
    return out


def _diagnosis_hint(case: dict, lang: str) -> str:
    """The interview's diagnoses; low back pain with no back diagnosis reads 腰痛症."""
    hist = case.get("history") or {}
    back = hist.get("back_diagnosis")
    names = [_t(DIAGNOSIS[d], lang) for d in (hist.get("knee_diagnosis"), back) if d in DIAGNOSIS]
    if back not in DIAGNOSIS and any(p["site"] == "low_back" for p in case.get("pain") or []):
        names.append(_t(("腰痛症", "low back pain"), lang))
    return _join(dict.fromkeys(names), lang)


def _weeks_ago(weeks: float | None, lang: str) -> str | None:
    if weeks is None:
        return None
    if weeks >= 52:
        years = round(weeks / 52)
        return f"約{years}年前" if lang == "ja" else f"about {years} year(s) ago"
    months = max(1, round(weeks / 4.35))
    return f"約{months}か月前" if lang == "ja" else f"about {months} month(s) ago"


def _onset_hint(case: dict, lang: str) -> str:
    hist = case.get("history") or {}
    parts = []
    for site, key in (("knee", "knee_duration_weeks"), ("low_back", "back_duration_weeks")):
        ago = _weeks_ago(hist.get(key), lang)
        if ago:
            parts.append(f"{_t(SITE[site], lang)} {ago}" if lang == "ja" else _head(_t(SITE[site], lang), ago, lang))
    return _join(parts, lang)


def _risk(plan: dict, lang: str) -> list[str]:
    t = plan["triage"]
    # "no warning signs" only when the screen is complete; an incomplete one says so (its headline)
    none = context.headline(plan, lang) if t.get("level") == "incomplete" else _t(W["red_none"], lang)
    out = [_head(f["suspected"], f["action"], lang) for f in t.get("flags", [])] or [none]
    if t.get("to_ask"):
        asked = _join((q.get("clinician") or q["question"] for q in t["to_ask"]), lang, "／")
        out.append(_head(_t(W["to_ask"], lang), asked, lang))
    return out


def _comorbid(case: dict, kb, lang: str) -> str:
    return _join((kb.conditions[c].name.get(lang) for c in case.get("conditions") or [] if c in kb.conditions), lang)


def _policy(plan: dict, lang: str) -> list[str]:
    """The hypotheses that drive the program (moderate or high confidence)."""
    conf = {"high": ("高", "high"), "moderate": ("中", "moderate")}
    word = "確からしさ：" if lang == "ja" else "confidence: "
    return [_paren(h["name"], word + _t(conf[h["confidence"]], lang), lang) for h in plan.get("hypotheses", [])
            if h.get("status") == "supported" and h.get("confidence") in conf]


def _measure_name(meta, lang: str) -> str:
    """The validated Japanese version's name when there is one (STarT-J, RDQ-J, KOOS-J)."""
    return (meta.japanese_version or meta).name.get(lang)


def _evaluation(case: dict, kb, lang: str) -> list[str]:
    """Baseline questionnaire scores with their band."""
    from ptplan.core.measures import score as score_measure

    out = []
    for name, answers in (case.get("questionnaires") or {}).items():
        meta = kb.kind("measures").get(name)
        if meta is None or meta.scoring != "available":
            continue
        r = score_measure(name, answers, kb)
        unit = "%" if meta.unit == "percent" else ("点" if lang == "ja" else "")
        value = f"{r.score:g}{unit}" if r.score is not None else "—"
        out.append(_paren(f"{_measure_name(meta, lang)} {value}", r.band["label"][lang] if r.band else None, lang))
    return out


def _goals(plan: dict) -> tuple[list[dict], list[dict]]:
    """Short term: the phases that start before the next evaluation; long term: the phases after it."""
    weeks = (plan.get("follow_up") or {}).get("review_weeks") or 0
    short, long = [], []
    for ph in plan["program"].get("phases") or []:
        (short if ph.get("weeks_from", 1) <= weeks else long).append({"name": ph["name"], "goals": ph["goals"]})
    return short, long


def _repeat_names(plan: dict, kb, lang: str) -> list[str]:
    metas = kb.kind("measures")
    return [_measure_name(metas[m], lang) if m in metas else m for m in (plan.get("follow_up") or {}).get("measures", [])]


def build(plan: dict, lang: str, case: dict | None = None, kb=None, start_date=None, **opts) -> dict:
    """The document's view model: the handout context plus the form's sections."""
    kb = context._kb(kb)
    case = case or {}
    ctx = context.build(plan, lang, kb=kb, date=opts.pop("date", None) or case.get("assessed_on"), **opts)
    demo = case.get("demographics") or {}
    found = _findings(plan, case, kb, lang)
    short, long = _goals(plan)
    start = context._date(start_date, "start_date")
    ctx.update(
        W=_words(lang), sex=_t(SEX[demo["sex"]], lang) if demo.get("sex") else "",
        age=(f"{demo['age']}歳" if lang == "ja" else str(demo["age"])) if demo.get("age") else "",
        diagnosis_hint=_diagnosis_hint(case, lang), onset_hint=_onset_hint(case, lang),
        start_date=context.format_date(start, lang) if start else "",
        risk=_risk(plan, lang), comorbid=_comorbid(case, kb, lang),
        pain=_pain_lines(case, lang), body=found["body"], activity=found["activity"],
        participation_findings=found["participation"], personal=found["personal"],
        aggravating=_aggravating(case, lang), participation=_participation(case, lang),
        goals_patient=list(case.get("goals") or []), short_goals=short, long_goals=long,
        policy=_policy(plan, lang),
        evaluation=_evaluation(case, kb, lang), repeat=_repeat_names(plan, kb, lang),
        sessions=(plan["program"].get("schedule") or {}).get("sessions_per_week"),
        program_note=plan["program"].get("note"), dose_lines={ex["id"]: ex["dose_line"] for ex in ctx["exercises"]},
    )
    return ctx


def _css() -> str:
    from importlib import resources

    return resources.files("ptplan.render").joinpath("templates/rehab_plan.css").read_text(encoding="utf-8")


def render_html(plan: dict, lang: str = "ja", **opts) -> str:
    """The document as one self-contained HTML page."""
    return _env().get_template("rehab_plan.html").render(css=Markup(_css()), **build(plan, lang, **opts))


def render_pdf(plan: dict, lang: str = "ja", **opts) -> bytes:
    """The document as A4 PDF bytes, in the packaged fonts (:mod:`ptplan.render.pdf`)."""
    from ptplan.render.pdf import write_pdf

    return write_pdf(render_html(plan, lang, **opts))

