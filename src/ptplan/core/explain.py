"""Texts that explain the plan: the ``why`` of each item, in Japanese and English, built from KB names."""

from __future__ import annotations

from dataclasses import dataclass

from ptplan.core import conditions
from ptplan.core.i18n import Text
from ptplan.core.kb_index import index_of
from ptplan.core.norms import result_text

GENERAL_ADVICE = Text(ja="慢性の腰痛・膝痛のある方に共通して勧められる内容です。",
                      en="General advice for people with chronic back or knee pain.")
RECORDED = Text(ja="記録された症状や状況に合わせて選びました。", en="Chosen to fit the recorded symptoms and situation.")
FALLBACK = Text(ja="運動を1種類に偏らせず、複数の要素を組み合わせるために加えています。",
                en="Added so the program combines more than one kind of exercise.")
SEE_DOCTOR = Text(
    ja="痛みやしびれが強くなる、脚に力が入りにくい、排尿・排便の異常、発熱があるときは、すぐに医療機関を受診してください。",
    en="See a doctor promptly if pain or numbness gets worse, a leg feels weak, "
       "bladder or bowel control changes, or you have a fever.")
POLICY = Text(
    ja="緊急・至急の受診が必要な場合は運動を行いません。通常の紹介（例：リウマチ科）の場合は受診と並行して運動を行えます。",
    en="Emergency and urgent referrals stop all exercise; a routine referral (e.g. rheumatology) goes alongside exercise.")
INSUFFICIENT = Text(ja="判断に必要な検査がまだ行われていません。", en="The tests needed to decide have not been done yet.")
NO_PROGRAM = Text(
    ja="条件に合う運動を2種類以上組み合わせられないため、運動プログラムは担当の理学療法士が個別に決めてください。",
    en="Two or more suitable kinds of exercise could not be combined, so the therapist should set the program individually.")


@dataclass(frozen=True, slots=True)
class PlainText:
    """A text the engine composes from KB texts (already validated at load), so it skips validation."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


def text(ja: str, en: str) -> PlainText:
    return PlainText(ja, en)


#: labels for the case facts that advice conditions read, so "why" can name them.
FACT_LABELS = {
    "bmi": ("BMI 25以上", "BMI of 25 or more"), "pain.knee": ("膝の痛み", "knee pain"),
    "pain.low_back": ("腰の痛み", "low back pain"), "pain.knee.nrs": ("膝の痛みの強さ", "knee pain intensity"),
    "activity.occupation": ("仕事の内容", "your kind of work"), "activity.level": ("日頃の活動量", "your activity level"),
    "activity.exercise_days_per_week": ("運動する日数", "exercise days per week"),
    "activity.pool_access": ("プールが使えること", "access to a pool"),
    "symptoms.worse_walking": ("歩くと痛むこと", "pain on walking"),
    "symptoms.worse_bending": ("前かがみで痛むこと", "pain on bending"),
    "symptoms.worse_sitting": ("座っていると痛むこと", "pain on sitting"),
    "symptoms.worse_standing": ("立っていると痛むこと", "pain on standing"),
    "symptoms.worse_standing_up": ("立ち上がりで痛むこと", "pain on standing up"),
    "symptoms.worse_stairs": ("階段で痛むこと", "pain on stairs"),
    "symptoms.morning_stiffness_back": ("腰の朝のこわばり", "morning back stiffness"),
    "symptoms.morning_stiffness_knee": ("膝の朝のこわばり", "morning knee stiffness"),
    "symptoms.knee_swelling": ("膝の腫れ", "knee swelling"), "symptoms.knee_warmth": ("膝の熱感", "a warm knee"),
    "symptoms.irritability": ("症状のぶり返しやすさ", "how easily symptoms flare"),
    "symptoms.helps.heat": ("温めると楽になること", "warmth helping"),
    "symptoms.back_heaviness_to_thigh": ("腰から太ももへの重だるさ", "heaviness from the back into the thigh"),
}


def because_of_facts(paths: list[str]) -> PlainText | None:
    labels = [FACT_LABELS[p] for p in paths if p in FACT_LABELS]
    if not labels:
        return None
    return text(ja="・".join(dict.fromkeys(j for j, _ in labels)) + "に合わせた内容です。",
                en="Fits " + ", ".join(dict.fromkeys(e for _, e in labels)) + ".")


def names(kb, ids: list[str]) -> tuple[str, str]:
    """Join the (ja, en) names of finding or hypothesis ids."""
    ja, en = [], []
    for i in ids:
        entry = kb.findings.get(i) or kb.kind("hypotheses").get(i) or kb.yellow_flags.get(i)
        if entry is not None:
            ja.append(entry.name.ja)
            en.append(entry.name.en)
    return "・".join(ja), ", ".join(en)


def because_of(kb, ids: list[str], lead: Text | None = None) -> Text:
    ja, en = names(kb, ids)
    if not ja:
        return lead or RECORDED
    head_ja = f"{lead.ja}" if lead else ""
    head_en = f"{lead.en} " if lead else ""
    return text(ja=f"{head_ja}（{ja}）" if lead else f"{ja}があるため。",
                en=f"{head_en}(because of: {en})" if lead else f"Because of: {en}.")


#: the "why" of an exercise that answers no finding of this case (a fallback, or one added for a diagnosis)
GENERAL_EXERCISE = Text(ja="この方の特定の所見に合わせたものではなく、{c}として一般的に勧められる運動です。",
                        en="Not aimed at a finding of this case: a general exercise, as part of {c}.")


def exercise_why(kb, matched: list[str], component_name: Text, adjustments: list, aimed: list[str] = ()) -> Text:
    """Names only what is present in the case (``matched``); ``aimed`` targets may be untested, so they are never
    named, and an exercise that answers nothing present says it is general."""
    ja_names, en_names = names(kb, matched)
    if ja_names:
        ja, en = f"{ja_names}に対応する運動です。", f"Answers {en_names}."
    else:
        ja = GENERAL_EXERCISE.ja.format(c=component_name.ja)
        en = GENERAL_EXERCISE.en.format(c=component_name.en.lower())
    for a in adjustments:
        ja += a.why.ja
        en += " " + a.why.en
    return text(ja=ja, en=en)


#: values of case-level findings worth printing with the finding (path -> (ja, en) with {v})
VALUE_LABELS = {"bmi": ("BMI {v}", "BMI {v}"), "measure.fabq.pa": ("FABQ-PA {v}点", "FABQ-PA {v}"),
                "measure.locomo25.score": ("ロコモ25 {v}点", "GLFS-25 {v}"),
                "activity.exercise_days_per_week": ("運動 週{v}日", "exercise {v} days a week")}
#: facts a rule may rest on that need no words of their own (the pain sites are in every plan)
SILENT_FACTS = ("pain.", "history.onset_order", "history.onset_gap_weeks", "test.")


def _bare(name: str) -> tuple[str, str]:
    """A name and its closing parenthesis split: 「他動下肢伸展挙上（SLR）」 -> (「他動下肢伸展挙上」, 「SLR」)."""
    for open_, close in (("（", "）"), ("(", ")")):
        if name.endswith(close) and open_ in name:
            i = name.rindex(open_)
            return name[:i].rstrip(), name[i + 1:-1]
    return name, ""


def _short(test_name: str) -> str:
    """A test by the abbreviation clinicians use when it has one (「SLR」「ASLR」「CS-30」), else its name."""
    _, inner = _bare(test_name)
    return inner if inner and inner.isascii() else test_name


def _shown(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def finding_phrase(kb, hit, case=None) -> PlainText:
    """A finding with what was measured: 「ハムストリングスの短縮（SLR 右55°／左55°）」."""
    name = kb.findings[hit.id].name
    ja, en = [], []
    tests = [t for t in (hit.source[5:] if hit.source.startswith("test:") else None, *hit.also) if t]
    for tid in [t for t in tests if case is not None and t in case.tests]:
        r = case.tests[tid]
        result = {"left": r.left, "right": r.right, "value": r.value, "positive": r.positive}
        height = case.demographics.height_cm
        shown_ja, shown_en = result_text(kb, tid, result, "ja", height), result_text(kb, tid, result, "en", height)
        test = kb.tests[tid].name
        if shown_ja:
            ja.append(f"{_short(test.ja)} {shown_ja}")
            en.append(f"{_short(test.en)} {shown_en}")
        if r.reproduces_radicular_pain:
            ja.append("放散痛の再現あり")
            en.append("reproduced the leg pain")
    for path, v in (hit.value or {}).items():
        if path in VALUE_LABELS:
            ja.append(VALUE_LABELS[path][0].format(v=_shown(v)))
            en.append(VALUE_LABELS[path][1].format(v=_shown(v)))
    if not ja:
        return text(name.ja, name.en)
    base_ja, base_en = _bare(name.ja)[0], _bare(name.en)[0]  # 「肥満（BMI 25以上）」 + the value: 「肥満（BMI 26.6）」
    return text(f"{base_ja}（{'、'.join(ja)}）", f"{base_en} ({', '.join(en)})")


def worded_leaves(cond) -> tuple:
    """The leaves of a rule's condition that :func:`_fact_phrases` may name: a case fact (not a finding, not
    one of :data:`SILENT_FACTS`) with a label, read with is/eq/in. Kept per rule in ``KbIndex.rule_fact_leaves``."""
    return tuple(leaf for leaf in conditions.leaves(cond) if not leaf.path.startswith("finding.")
                 and not leaf.path.startswith(SILENT_FACTS) and leaf.op in ("is", "eq", "in")
                 and leaf.path in FACT_LABELS)


def _fact_phrases(kb, rule_ids: list[str], facts: dict) -> list[tuple[str, str]]:
    """Case facts (not findings) the fired rules rest on and that hold, in words: 「階段で痛むこと」."""
    worded = index_of(kb).rule_fact_leaves
    return list(dict.fromkeys(FACT_LABELS[leaf.path] for rid in rule_ids for leaf in worded[rid]
                              if leaf.evaluate(facts)))


def hypothesis_explanation(kb, rule_ids: list[str], status: str, missing: list[str], findings: list[str] = (),
                           hits: dict | None = None, case=None, facts: dict | None = None,
                           phrases: dict | None = None) -> Text:
    """What was found (each finding with its measured values, and the case facts the rules read), then what
    the rules make of it. Never a list of alternatives: only what is present in this case is named.
    ``phrases``: finding id -> :func:`finding_phrase`, kept by the caller for one plan (same hits and case)."""
    rules = kb.kind("rules")
    found_ja, found_en = [], []
    phrases = {} if phrases is None else phrases
    for fid in findings:
        if hits and fid in hits:
            t = phrases.get(fid)
            if t is None:
                t = phrases[fid] = finding_phrase(kb, hits[fid], case)
        elif fid in kb.findings:
            t = text(kb.findings[fid].name.ja, kb.findings[fid].name.en)
        else:
            continue
        found_ja.append(t.ja)
        found_en.append(t.en)
    for ja_label, en_label in _fact_phrases(kb, rule_ids, facts or {}):
        found_ja.append(ja_label)
        found_en.append(en_label)
    head_ja = f"所見：{'、'.join(found_ja)}。" if found_ja else ""
    head_en = f"Found: {'; '.join(found_en)}." if found_en else ""
    ja = head_ja + "".join(rules[r].explanation.ja for r in rule_ids)
    en = " ".join(x for x in [head_en, *(rules[r].explanation.en for r in rule_ids)] if x)
    if status == "insufficient_data":
        tests_ja = "、".join(kb.tests[t].name.ja for t in missing)
        tests_en = ", ".join(kb.tests[t].name.en for t in missing)
        ja = f"{ja}{INSUFFICIENT.ja}未実施：{tests_ja}"
        en = f"{en} {INSUFFICIENT.en} Not done: {tests_en}".strip()
    return text(ja=ja or INSUFFICIENT.ja, en=en or INSUFFICIENT.en)


UNSERVED = Text(ja="この方の条件（禁忌・環境）で使える運動がないため、担当の理学療法士が個別に決めてください。",
                en="No exercise for it suits this person's conditions (contraindications, setting); the therapist "
                   "should choose one individually.")


def left_for_later(reason: str, limits) -> PlainText:
    """Why an exercise waits for a later review: the day's exercise count or time was used up."""
    if reason == "max_exercises":
        return text(ja=f"1日の運動は{limits.max_exercises}種目までとしたため、次回の見直しで追加を検討します。",
                    en=f"The day is kept to {limits.max_exercises} exercises, so this is for a later review.")
    return text(ja=f"1日の運動時間を約{limits.daily_minutes}分までとしたため、次回の見直しで追加を検討します。",
                en=f"The day is kept to about {limits.daily_minutes} minutes, so this is for a later review.")


# --- triage: one headline per level, the same in every adapter (CLI, web, handout, self-check, FHIR) ---
TRIAGE_HEADLINE = {
    "emergency": Text(ja="緊急：運動はせず、今すぐ救急外来を受診してください",
                      en="Emergency: do not exercise; go to an emergency department now"),
    "urgent": Text(ja="至急：運動はせず、早めに医師の診察を受けてください",
                   en="Urgent: do not exercise; see a doctor soon"),
    "incomplete": Text(ja="安全確認が未完了です：下の質問に答えるまで、運動は始めません",
                       en="Safety check not complete: no exercise until the questions below are answered"),
    "routine": Text(ja="通常の受診をおすすめします（運動は続けられます）",
                    en="A routine doctor's appointment is advised (exercise can continue)"),
    "none": Text(ja="必要な安全確認の質問に答えてもらい、危険な兆候は見つかりませんでした",
                 en="All essential safety questions are answered and no warning signs were found"),
}
INCOMPLETE_ACTION = Text(
    ja="運動を始める前に、下の質問に「はい」か「いいえ」で答えてください。わからないときは、担当の理学療法士か医師に相談してください。",
    en="Before starting any exercise, answer the questions below with yes or no. If you are not sure, ask your "
       "physiotherapist or doctor.")
INCOMPLETE_CLINICIAN = Text(
    ja="必須の安全確認項目が未確認です。確認が済むまで、患者向けの資料（ハンドアウト・患者ページ・セルフチェック）には"
       "運動プログラムを出しません。下のプログラムは暫定です。",
    en="Essential red-flag questions are unanswered. Until they are, nothing patient-facing (handout, patient page, "
       "self-check) shows an exercise program; the program below is provisional.")
PROVISIONAL_NOTE = Text(
    ja="暫定プログラム（安全確認が未完了のため、患者さんにはまだ渡しません）",
    en="Provisional program (the safety check is not complete, so it is not given to the patient yet)")
WITHHELD_INCOMPLETE = Text(
    ja="安全確認の質問にすべて答えると、自宅でできる運動が表示されます。",
    en="Once every safety question is answered, exercises you can do at home will be shown.")

#: how red-flag evidence that is not a question answer is named (path -> (ja, en) with {v} for the value)
EVIDENCE_LABELS = {
    "vitals.temperature_c": ("体温 {v}℃", "temperature {v} °C"), "age": ("{v}歳", "age {v}"),
    "pain.max_nrs": ("痛みの強さ NRS {v}", "pain NRS {v}"),
    "history.back_duration_weeks": ("腰痛の期間 {v}週", "back pain for {v} weeks"),
    "history.back_onset_age": ("腰痛の発症年齢 {v}歳", "back pain began at age {v}"),
    "history.onset_speed": {"sudden": ("急な発症", "sudden onset"), "gradual": ("緩やかな発症", "insidious onset")},
    "history.onset_trigger": ("発症のきっかけ: {v}", "onset after: {v}"),
    "history.knee_injury_recent": ("最近の膝のけが", "a recent knee injury"),
    "symptoms.eases_with_movement": ("動くと楽になる", "eases with movement"),
    "symptoms.eased_by_rest": ("安静で楽にならない", "not eased by rest"),
    "symptoms.night_pain": ("夜間痛", "night pain"), "symptoms.knee_swelling": ("膝の腫れ", "knee swelling"),
}


def evidence_text(kb, path: str, value, lang: str) -> str | None:
    """A red-flag rule's evidence in words: the question, finding or condition name, or a labelled value."""
    head, _, rest = path.partition(".")
    names = {"red_flag": kb.red_flag_questions, "finding": kb.findings, "condition": kb.conditions}
    if head in names and rest in names[head]:
        entry = names[head][rest]
        return (entry.clinician if head == "red_flag" else entry.name).get(lang)
    label = EVIDENCE_LABELS.get(path)
    if isinstance(label, dict):
        label = label.get(value)
    if label is None:
        return None
    shown = f"{value:g}" if isinstance(value, float) else value
    return (label[0] if lang == "ja" else label[1]).format(v=shown)
