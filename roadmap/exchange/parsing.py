"""Import, stage 1: decode and parse the file, check it against the schema, in our words.

Every problem is a ``Problem`` with its place in the document as a JSON
Pointer; a refused file raises ``ImportInvalid`` with all of them.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import jsonschema
from django.utils.translation import gettext as _

from common.limits import JSON_MAX_BYTES, JSON_MAX_DEPTH, JSON_MAX_KEYS, JSON_MAX_VALUES
from common.text import text_problem
from roadmap.exchange.schema import FORMAT, SCHEMA_VERSION, export_schema

# Below the 2.5 MB every request body is held to (REQUEST_MAX_BYTES), so the
# form, not a bare 400, tells a person their file is too large.
MAX_FILE_BYTES = JSON_MAX_BYTES


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: ``path`` is a JSON Pointer into the document
    (``/roadmap/milestones/3/impact``; lists count from 0), "" for the whole file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


class ImportInvalid(Exception):
    """The file was refused and nothing was written; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


def pointer(parts: Iterable) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def unique_problems(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


@cache
def _validator(version: int) -> jsonschema.Draft202012Validator:
    schema = export_schema(version)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _schema_problems(error: jsonschema.ValidationError) -> list[Problem]:
    """A schema error in our words, translated, where we know the validator."""
    path = list(error.absolute_path)
    value = error.validator_value
    match error.validator:
        case "required":
            instance = error.instance if isinstance(error.instance, dict) else {}
            return [
                Problem(pointer([*path, name]), _("is missing; it is required here."))
                for name in value
                if name not in instance
            ]
        case "anyOf":
            # "null, or a valid amount": explain what is wrong with the non-null choice.
            relevant = [
                e
                for e in error.context
                if not (e.validator == "type" and e.validator_value == "null")
            ]
            if relevant:
                return _schema_problems(relevant[0])
        case "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            return [
                Problem(
                    pointer(path),
                    _("has fields this format does not know: %(fields)s.")
                    % {"fields": ", ".join(f"“{name}”" for name in extra)},
                )
            ]
        case "type":
            names = value if isinstance(value, list) else [value]
            return [
                Problem(
                    pointer(path),
                    _("must be %(types)s, not %(value)s.")
                    % {"types": _(" or ").join(names), "value": _short(error.instance)},
                )
            ]
        case "enum":
            choices = ", ".join(f"“{choice}”" for choice in value if choice is not None)
            return [
                Problem(
                    pointer(path),
                    _("must be one of %(choices)s, not %(value)s.")
                    % {"choices": choices, "value": _short(error.instance)},
                )
            ]
        case "const":
            return [
                Problem(
                    pointer(path),
                    _("must be %(expected)s, not %(value)s.")
                    % {"expected": _short(value), "value": _short(error.instance)},
                )
            ]
        case "minimum" | "exclusiveMinimum":
            return [Problem(pointer(path), _("must be at least %(min)s.") % {"min": value})]
        case "maximum" | "exclusiveMaximum":
            return [Problem(pointer(path), _("must be at most %(max)s.") % {"max": value})]
        case "minLength":
            return [Problem(pointer(path), _("must not be empty."))]
        case "maxLength":
            return [
                Problem(
                    pointer(path),
                    _("is %(length)d characters long; at most %(max)d are allowed.")
                    % {"length": len(error.instance), "max": value},
                )
            ]
        case "maxItems":
            return [
                Problem(
                    pointer(path),
                    _("has %(count)d entries; at most %(max)d are allowed.")
                    % {"count": len(error.instance), "max": value},
                )
            ]
        case "uniqueItems":
            return [Problem(pointer(path), _("lists the same entry twice."))]
        case "format" if value == "date":
            if not _DATE_SHAPE.fullmatch(str(error.instance)):
                return []  # the pattern's message says what the form should be
            return [
                Problem(
                    pointer(path),
                    _("%(value)s is not a real date.") % {"value": _short(error.instance)},
                )
            ]
        case "pattern" | "format":
            return [
                Problem(
                    pointer(path),
                    _("%(value)s is not in the expected form (%(form)s).")
                    % {
                        "value": _short(error.instance),
                        "form": _FORMS.get(_form_key(error), value),
                    },
                )
            ]
    return [Problem(pointer(path), error.message)]


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORMS = {
    "date": "YYYY-MM-DD",
    "timestamp": "YYYY-MM-DDTHH:MM:SSZ",
    "email": "name@example.com",
    "amount": "1234.50",
    "currency": "EUR",
}


def _form_key(error: jsonschema.ValidationError) -> str:
    if error.validator == "format":
        return error.validator_value
    pattern = error.validator_value
    if pattern.startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"):
        return "timestamp"
    if pattern.startswith("^[0-9]{4}-"):
        return "date"
    if pattern.startswith("^[A-Z]{3}"):
        return "currency"
    if pattern.startswith("^[0-9]{1,12}"):
        return "amount"
    return pattern


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _path_key(problem: Problem) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in problem.path.split("/")
    ]


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    # Linear: building the dict finds a repeat, and only then do we look for it.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(
                    _("The field “%(key)s” appears twice in one object.") % {"key": key}
                )
            seen.add(key)
    return result


# A JSON string, escapes included; possessive, so a hostile file cannot make
# the engine backtrack.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")


def _shape_problem(text: str) -> str | None:
    """Too many keys or too deep, found before the parser builds anything.

    Outside strings every ``:`` separates a key from its value, and peeling
    the innermost brackets off ``JSON_MAX_DEPTH`` times leaves none unless the
    file nests deeper: both in C-speed passes over the text.
    """
    skeleton = _JSON_STRING.sub('""', text)
    keys = skeleton.count(":")
    if keys > JSON_MAX_KEYS:
        return _("it has %(count)s fields; at most %(limit)s are allowed") % {
            "count": f"{keys:,}",
            "limit": f"{JSON_MAX_KEYS:,}",
        }
    values = skeleton.count(",") + skeleton.count("[") + skeleton.count("{") + 1
    if values > JSON_MAX_VALUES:
        return _("it has %(count)s values; at most %(limit)s are allowed") % {
            "count": f"{values:,}",
            "limit": f"{JSON_MAX_VALUES:,}",
        }
    brackets = re.sub(r"[^\[\]{}]+", "", skeleton)
    for _level in range(JSON_MAX_DEPTH):
        if not brackets:
            return None
        peeled = _INNERMOST.sub("", brackets)
        if peeled == brackets:
            return None  # unbalanced: the parser says where
        brackets = peeled
    if brackets:
        return _("it nests more than %(limit)d levels deep") % {"limit": JSON_MAX_DEPTH}
    return None


def _reject_constant(name: str) -> None:
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


def load_document(data: bytes) -> dict:
    """Decode, parse and check the file against the schema; raise ``ImportInvalid``."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportInvalid([Problem("", _("The file is larger than 2 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportInvalid(
            [Problem("", _("The file is not UTF-8 text. Export it again from Purpose Roadmap."))]
        ) from None
    if not text.strip():
        raise ImportInvalid([Problem("", _("The file is empty."))])
    shape_problem = _shape_problem(text)
    if shape_problem:
        raise ImportInvalid(
            [Problem("", _("The file cannot be imported: %(error)s.") % {"error": shape_problem})]
        )
    try:
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as error:
        raise ImportInvalid(
            [
                Problem(
                    "",
                    _("The file is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
                    % {"error": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        ) from None
    except (ValueError, RecursionError) as error:
        message = str(error) if isinstance(error, ValueError) else _("it is nested too deeply")
        raise ImportInvalid(
            [Problem("", _("The file is not valid JSON: %(error)s") % {"error": message})]
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportInvalid(
            [
                Problem(
                    "/format" if isinstance(document, dict) else "",
                    _(
                        "This is not a Purpose Roadmap export: the file must be a JSON object "
                        "with “format”: “%(format)s”."
                    )
                    % {"format": FORMAT},
                )
            ]
        )
    version = document.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ImportInvalid(
            [
                Problem(
                    "/schema_version",
                    _(
                        "The file uses format version %(version)d; this installation reads "
                        "version %(supported)d. Update Purpose Roadmap, or export the file "
                        "again from the installation it came from."
                    )
                    % {"version": version, "supported": SCHEMA_VERSION},
                )
            ]
        )
    problems = _text_problems(document)
    if problems:
        raise ImportInvalid(problems)
    problems = sorted(
        (
            problem
            for error in _validator(_readable_version(version)).iter_errors(document)
            for problem in _schema_problems(error)
        ),
        key=_path_key,
    )
    if problems:
        raise ImportInvalid(unique_problems(problems))
    return document


def _readable_version(version: object) -> int:
    """The schema a document is checked against: its own version when it is one
    we have written (an older file has no field a newer version added), else the
    newest, whose ``const`` then says what is wrong with ``schema_version``."""
    if isinstance(version, int) and not isinstance(version, bool) and version >= 1:
        return version
    return SCHEMA_VERSION


def _text_problems(document: object) -> list[Problem]:
    """Every key and text the app could not store or show again (NUL, lone surrogates)."""
    problems = []
    pending: list[tuple[tuple, object]] = [((), document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key)
                if problem:
                    problems.append(Problem(pointer(path), _("A field name %s.") % problem))
                pending.append(((*path, key), item))
        elif isinstance(value, list):
            pending.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                problems.append(Problem(pointer(path), _("The text %s.") % problem))
    return sorted(unique_problems(problems), key=_path_key)
