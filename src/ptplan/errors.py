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


def error_payload(err: PtplanError) -> dict:
    """The one documented JSON error shape used by the API and by ``--json`` CLI output."""
    return {"error": {"code": err.problems[0].code if err.problems else "error",
                      "message": err.summary(),
                      "problems": [p.as_dict() for p in err.problems]}}
