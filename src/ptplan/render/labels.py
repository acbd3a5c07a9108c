"""Fixed wording of the rendered outputs (headings, units, day names) in Japanese and English.

Clinical content comes from the plan; only the frame around it lives here.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "title": ("あなたの運動プログラム", "Your exercise programme"),
    "self_title": ("あなたのセルフケアプラン", "Your self-care plan"),
    "referral_title": ("運動を始める前に、まず医療機関を受診してください", "Please see a doctor before starting any exercise"),
    "incomplete_title": ("運動を始める前に、安全確認の質問に答えてください",
                         "Before any exercise, please answer the safety questions"),
    "questions": ("答えてほしい質問", "Questions to answer"),
    "questions_hint": ("それぞれ「はい」か「いいえ」で答え、担当の理学療法士に伝えてください。"
                       "答えがそろうと、運動プログラムをお渡しします。",
                       "Answer each with yes or no and tell your physiotherapist. "
                       "Once all are answered, you will get your exercise programme."),
    "patient": ("お名前", "Name"),
    "date": ("作成日", "Date"),
    "therapist": ("担当理学療法士", "Your physiotherapist"),
    "review": ("次回の見直し", "Next review"),
    "about": ("このプログラムのねらい", "What this programme is for"),
    "goals": ("あなたの目標", "Your goals"),
    "program_summary": ("今回の運動", "Your exercises"),
    "exercise": ("運動", "Exercise"),
    "what_for": ("何のための運動か", "What it is for"),
    "ask_doctor": ("医師に相談できる治療", "Treatments to ask your doctor about"),
    "ask_doctor_hint": ("薬や注射、検査などは医師が判断します。気になるものがあれば受診の際にご相談ください。",
                        "Medicines, injections and scans are for your doctor to decide; ask about them at your visit."),
    "more_information": ("このほかにも {n} 件の助言があります。知りたいときは担当の理学療法士にお尋ねください。",
                         "There are {n} more tips; ask your physiotherapist if you would like them."),
    "exercises": ("運動のやり方", "How to do the exercises"),
    "how": ("やり方", "How"),
    "dose": ("回数と頻度", "How much and how often"),
    "feel": ("感じてほしいこと", "What you should feel"),
    "stop": ("中止する目安", "Stop if"),
    "why": ("この運動を行う理由", "Why this exercise"),
    "tick_sheet": ("実施チェック表", "Exercise diary"),
    "tick_hint": ("行った運動に ✓ を、その日の痛みを 0〜10 で記入してください。",
                  "Tick each exercise you did, and write down your pain that day from 0 to 10."),
    "rest_hint": ("斜線の日は、その運動はお休みです。", "Shaded days are rest days for that exercise."),
    "week": ("第　　週（　　月　　日〜）", "Week ____ (from ________)"),
    "pain_row": ("痛み (0–10)", "Pain (0–10)"),
    "self_care": ("日常生活でのセルフケア", "Looking after yourself day to day"),
    "see_doctor": ("こんなときは医師に相談してください", "See a doctor if"),
    "phases": ("進め方", "How the programme moves on"),
    "weeks": ("週", "weeks"),
    "progress_when": ("次へ進む目安", "Move on when"),
    "caution": ("注意", "Note"),
    "why_referral": ("受診をおすすめする理由", "Why we recommend seeing a doctor"),
    "what_to_do": ("いますぐ行うこと", "What to do now"),
    "bring": ("この用紙を持って受診してください。", "Take this sheet with you to the doctor."),
    "generated": ("ptplan 知識ベース", "ptplan knowledge base"),
    "references": ("参考文献", "References"),
    "hypotheses": ("評価から考えられること", "What the assessment suggests"),
    "confidence": ("確からしさ", "Confidence"),
    "findings": ("評価の所見", "Findings"),
    "advice": ("アドバイス", "Advice"),
    "measures": ("評価に使う質問票", "Questionnaires to repeat"),
    "program": ("プログラム", "Programme"),
    "not_set": ("（未定）", "(to be set)"),
    "medical_options": ("医療機関で受けられる治療について", "Treatments a doctor may offer"),
    "medical_hint": ("参考として、主な選択肢と根拠の強さをまとめています。受けるかどうかは医師と相談してください。",
                     "For your information: the main options and how strong the evidence is. Decide with your doctor."),
}

URGENCY: dict[str, tuple[str, str]] = {
    "emergency": ("今すぐ救急外来を受診してください", "Go to an emergency department now"),
    # no time windows here: the plan's own flag actions say how soon, with their references
    "urgent": ("できるだけ早く医師の診察を受けてください", "See a doctor as soon as you can"),
    "routine": ("近いうちにかかりつけ医に相談してください", "Make an appointment with your doctor"),
}

CATEGORY: dict[str, tuple[str, str]] = {
    "heat": ("温める", "Heat"), "cold": ("冷やす", "Cold"), "daily_life": ("日常生活", "Daily life"),
    "sitting": ("座り方", "Sitting"), "stairs": ("階段", "Stairs"), "footwear": ("靴", "Footwear"),
    "bedding": ("寝具", "Bedding"), "desk": ("机まわり", "Desk"), "weight": ("体重", "Weight"),
    "nutrition": ("食事", "Food"), "aerobic": ("有酸素運動", "Aerobic activity"),
    "education": ("知っておきたいこと", "Good to know"),
    "see_doctor": ("受診", "Seeing a doctor"), "medical_option": ("医療での選択肢", "Medical options"),
    "sleep": ("睡眠", "Sleep"), "bathing": ("入浴", "Bathing"),
    "japanese_life": ("和式の生活", "Japanese-style living"), "devices": ("装具・インソール", "Supports and insoles"),
    "services": ("使える制度・相談先", "Services and where to ask"),
}

CONFIDENCE = {"high": ("高い", "high"), "moderate": ("中程度", "moderate"), "low": ("低い", "low")}

DAYS = {"ja": ["月", "火", "水", "木", "金", "土", "日"], "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def label(key: str, lang: str, table: dict[str, tuple[str, str]] = LABELS) -> str:
    ja, en = table[key]
    return ja if lang == "ja" else en


def labels(lang: str) -> dict[str, str]:
    return {k: label(k, lang) for k in LABELS}


def _hold(seconds: int, ja: bool) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60}分間保持" if ja else f"hold {seconds // 60} min"
    return f"{seconds}秒保持" if ja else f"hold {seconds} s"


def _often(spw: int, ja: bool) -> str:
    """How often, as people say it: 週3回, 毎日, 毎日・1日2回 (a week of 14 sessions)."""
    if spw >= 14 and spw % 7 == 0:
        per_day = spw // 7
        return f"毎日・1日{per_day}回" if ja else ("twice a day" if per_day == 2 else f"{per_day} times a day")
    if spw >= 7:
        return "毎日" if ja else "every day"
    return f"週{spw}回" if ja else ("once a week" if spw == 1 else f"{spw} times a week")


def dose_text(dose: dict, lang: str) -> str:
    """One line such as ``10回 × 2セット・5秒保持・週3回`` / ``2 sets × 10 reps, hold 5 s, 3 times a week``."""
    ja = lang == "ja"
    parts = []
    sets, reps, hold, mins = dose.get("sets"), dose.get("reps"), dose.get("hold_s"), dose.get("duration_min")
    if reps == 1 and hold and not (sets and sets > 1):
        reps = None  # 「1回・2分間保持」 says the hold twice
    if reps:
        many = sets and sets > 1  # "× 1 set" says nothing
        unit = (f"{reps}回" + (f" × {sets}セット" if many else "")) if ja else \
            ((f"{sets} sets × " if many else "") + (f"{reps} reps" if reps > 1 else "once"))
        parts.append(unit)
    if hold:
        parts.append(_hold(int(hold), ja))
    if mins:
        parts.append(f"{mins}分" if ja else f"{mins} min")
    if dose.get("per_side"):
        parts.append("左右それぞれ" if ja else "each side")
    spw = dose.get("sessions_per_week")
    if spw:
        parts.append(_often(int(spw), ja))
    return ("・" if ja else ", ").join(parts)
