"""One error hierarchy for the whole project.

Every error carries a machine code, a field path (dotted, e.g. ``tests.passive_slr.left``) and
bilingual text. Adapters translate these at the edge: the CLI prints one line per problem and
exits 2, the API returns the JSON error object from :func:`error_payload`, the web shows the
message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was expected, and a stable code."""

    path: str
    message: str
    code: str = "invalid"
    message_ja: str | None = None

    def text(self, lang: str = "en") -> str:
        msg = self.message_ja if (lang == "ja" and self.message_ja) else self.message
        return f"{self.path}: {msg}" if self.path else msg

    def as_dict(self) -> dict:
        return {"field": self.path, "message": self.message, "message_ja": self.message_ja or self.message,
                "code": self.code}


@dataclass
class PtplanError(Exception):
    """Base error. ``problems`` lists every individual problem found (at least one)."""

    problems: list[Problem] = field(default_factory=list)
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    @classmethod
    def single(cls, path: str, message: str, code: str = "invalid", message_ja: str | None = None,
               **kw) -> PtplanError:
        return cls([Problem(path, message, code, message_ja)], **kw)

    def under(self, prefix: str) -> PtplanError:
        """The same error with every problem path put under ``prefix`` (e.g. ``case.``), for a nested input."""
        moved = [Problem(f"{prefix}{p.path}", p.message, p.code, p.message_ja) for p in self.problems]
        same_init = type(self).__init__ is PtplanError.__init__  # subclasses with their own constructor keep the base
        return (type(self) if same_init else PtplanError)(moved, status=self.status)

    def summary(self, lang: str = "en") -> str:
        return "; ".join(p.text(lang) for p in self.problems) or self.__class__.__name__


class InputError(PtplanError):
    """Bad user input (case files, answers, form fields, request bodies)."""


class KnowledgeBaseError(PtplanError):
    """The knowledge base files are inconsistent or do not match the schema."""


class NotFoundError(PtplanError):
    def __init__(self, path: str, message: str, code: str = "not_found") -> None:
        super().__init__([Problem(path, message, code)], status=404)


class PermissionDenied(PtplanError):
    def __init__(self, message: str = "not allowed", path: str = "") -> None:
        super().__init__([Problem(path, message, "forbidden")], status=403)


class ConflictError(InputError):
    """The input clashes with what is stored (a taken username, a record written at the same moment)."""

    def __init__(self, path: str, message: str, message_ja: str, code: str = "conflict") -> None:
        super().__init__([Problem(path, message, code, message_ja)], status=409)


class Unauthenticated(PtplanError):
    def __init__(self, message: str = "log in or send a bearer token", path: str = "") -> None:
        super().__init__([Problem(path, message, "unauthenticated", "ログインするか API トークンを送ってください")], status=401)


class RateLimited(PtplanError):
    """Too many failed logins; ``retry_after`` seconds until the next try is allowed."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__([Problem("username", f"too many failed logins; try again in {retry_after} s", "rate_limited",
                                  f"ログインの失敗が続いたため {retry_after} 秒後に再試行してください")], status=429)


_JA_BY_TYPE = {
    "date_out_of_range": "1900-01-01 から明日までの日付を入力してください",
    "name_text": "制御文字・文字方向の制御文字・非文字は使えません",
    "name_blank": "空白や見えない文字だけの名前は使えません",
    "duplicate_key": "同じ項目が JSON に 2 回以上あります",
    "birth_year_type": "生年は半角数字で入力してください（例: 1970）",
    "not_kana": "フリガナはカタカナかひらがなで入力してください",
    "chart_number_format": "カルテ番号は英数字と - _ / . で入力してください",
    "username": ("ユーザー名は半角英数字と _ . - を 3 文字以上にしてください"
                 "（末尾に @クリニックコード を付けてもよく、全体で 100 文字まで）"),
    "missing": "必須の項目です", "extra_forbidden": "この項目は使えません（未知の項目）",
    "int_parsing": "整数を入力してください", "int_type": "整数を入力してください",
    "int_from_float": "整数を入力してください", "float_parsing": "数値を入力してください",
    "float_type": "数値を入力してください", "bool_parsing": "はい／いいえ（true / false）で入力してください",
    "bool_type": "はい／いいえ（true / false）で入力してください", "string_type": "文字列を入力してください",
    "literal_error": "決められた選択肢から選んでください", "enum": "決められた選択肢から選んでください",
    "dict_type": "項目の対応表（mapping）が必要です", "list_type": "リストが必要です",
    "too_long": "項目数が多すぎます",
    "string_pattern_mismatch": "形式が正しくありません", "json_invalid": "JSON として読めません",
}
_JA_BOUNDS = {"string_too_long": ("max_length", "{} 文字以内"), "string_too_short": ("min_length", "{} 文字以上"),
              "greater_than_equal": ("ge", "{} 以上"), "less_than_equal": ("le", "{} 以下"),
              "greater_than": ("gt", "{} より大きい"), "less_than": ("lt", "{} より小さい")}


def message_ja(err_type: str, ctx: dict | None = None) -> str:
    """Japanese wording for a pydantic validation error type, so ja users never see English-only errors."""
    ctx = ctx or {}
    if err_type in _JA_BOUNDS:
        key, fmt = _JA_BOUNDS[err_type]
        bound = ctx.get(key, "?")
        bound = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        base = f"{fmt.format(bound)}の値を入力してください"
    else:
        base = _JA_BY_TYPE.get(err_type, "値が正しくありません")
    if err_type == "literal_error" and ctx.get("expected"):
        base += f"（{ctx['expected']}）"
    return base


def error_payload(err: PtplanError) -> dict:
    """The one documented JSON error shape used by the API and by ``--json`` CLI output."""
    return {"error": {"code": err.problems[0].code if err.problems else "error",
                      "message": err.summary(),
                      "problems": [p.as_dict() for p in err.problems]}}
