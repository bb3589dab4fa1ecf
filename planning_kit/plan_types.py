"""Plan types and the solution catalogue: load and validate ``plan_types/*.yaml``.

A folder of plan types holds ``solutions.yaml`` (the catalogue) and one YAML file per plan type,
named after the type's id. Files are read with a safe loader in which every plain value stays
the exact text written (``NO``, ``01234`` and ``12:30`` are text), then validated by the strict
pydantic models below. Every problem becomes a :class:`Problem` that names the file, the place
in it and what is wrong, in words a sales-operations person can act on.

If ``solutions.yaml`` is missing or invalid, that is recorded as a problem and
``PlanTypeRegistry.catalogue`` is ``None``; plan types that are otherwise valid still load (their
solution ids cannot be checked until the catalogue is fixed), so Account Details keeps working.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

TILE_IDS: tuple[str, ...] = (
    "account_details",
    "relationship_map",
    "insight_map",
    "potentials",
    "objectives",
)
TILE_TITLES: dict[str, str] = {
    "account_details": "Account Details",
    "relationship_map": "Relationship Map",
    "insight_map": "Insight Map",
    "potentials": "Potentials",
    "objectives": "Objectives",
}
DEFAULT_OBJECTIVE_TYPES = ("Business Development", "Relationship", "Marketing", "Research")
CATALOGUE_FILE = "solutions.yaml"
SHIPPED_TYPE_ORDER: tuple[str, ...] = ("acquisition", "expansion", "customer_success")
SCHEMA_FILES: dict[str, str] = {
    "plan_type": "plan_type.schema.json",
    "catalogue": "solutions.schema.json",
}

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
KEYWORD_PATTERN = r"^[a-z0-9]+$"
_PATTERN_MESSAGES = {
    ID_PATTERN: "must be a snake_case id (lower-case letters, digits and _; starts with a letter)",
    KEYWORD_PATTERN: "must be one lower-case word (letters and digits only)",
}

Score = Literal["positive", "neutral", "negative"]
NotesRule = Literal["never", "always", "when_negative", "when_not_positive"]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
Keyword = Annotated[str, Field(pattern=KEYWORD_PATTERN)]
SCORES: tuple[str, ...] = ("positive", "neutral", "negative")


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One validation problem: which file, where in it, and what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        """The problem as one line: ``file: field: message``."""
        return f"{self.file}: {self.field}: {self.message}"


def _invalid(title: str, errors: list[tuple[tuple[str | int, ...], str]]) -> ValidationError:
    """A ValidationError holding our own (location, message) errors."""
    details = [
        InitErrorDetails(type=PydanticCustomError("plan_type", message), loc=loc, input=None)
        for loc, message in errors
    ]
    return ValidationError.from_exception_data(title, details)


def _duplicates(ids: Sequence[str]) -> list[int]:
    """Indexes of ids already seen earlier in the sequence."""
    seen: set[str] = set()
    repeated = []
    for index, item in enumerate(ids):
        if item in seen:
            repeated.append(index)
        seen.add(item)
    return repeated


# --------------------------------------------------------------------------- models


class _Strict(BaseModel):
    """Base of every YAML model: unknown keys are errors, values are not coerced to text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerOption(_Strict):
    """One answer a user can pick for a question."""

    id: Id = Field(description="Snake_case id of the option, unique within its question.")
    label: Text = Field(description="The answer as the user sees it, e.g. 'Known but not met'.")
    score: Score = Field(description="How good this answer is: positive, neutral or negative.")


class Question(_Strict):
    """One Account Details question with three scored answer options."""

    id: Id = Field(description="Snake_case id, unique across the whole plan type.")
    text: Text = Field(description="The question as the user sees it.")
    help: str = Field("", description="Guidance: what a good answer looks like and why it matters.")
    options: list[AnswerOption] = Field(
        description="Exactly three answer options: one positive, one neutral, one negative."
    )
    notes_required: NotesRule = Field(
        "never",
        description=(
            "When notes are required: never, always, when_negative (the negative option is "
            "picked) or when_not_positive (the neutral or negative option is picked)."
        ),
    )

    @field_validator("options")
    @classmethod
    def _one_option_per_score(cls, options: list[AnswerOption]) -> list[AnswerOption]:
        """Option ids are unique and every score appears exactly once."""
        errors: list[tuple[tuple[str | int, ...], str]] = [
            ((index, "id"), f"duplicate option id '{options[index].id}'")
            for index in _duplicates([option.id for option in options])
        ]
        counts = Counter(option.score for option in options)
        if len(options) != 3 or any(counts[score] != 1 for score in SCORES):
            found = ", ".join(option.score for option in options) or "none"
            errors.append(
                (
                    (),
                    f"exactly one option per score is required (positive, neutral, negative); "
                    f"found: {found}",
                )
            )
        if errors:
            raise _invalid("Question", errors)
        return options

    def option(self, option_id: str) -> AnswerOption | None:
        """The option with this id, or None."""
        return next((option for option in self.options if option.id == option_id), None)

    def needs_notes(self, option_id: str) -> bool:
        """Whether picking this option requires notes, by the question's notes rule."""
        option = self.option(option_id)
        if option is None:
            raise KeyError(f"question '{self.id}' has no option '{option_id}'")
        return {
            "never": False,
            "always": True,
            "when_negative": option.score == "negative",
            "when_not_positive": option.score != "positive",
        }[self.notes_required]


class Section(_Strict):
    """A group of Account Details questions shown under one heading."""

    id: Id = Field(description="Snake_case id, unique within the plan type.")
    title: Text = Field(description="Heading shown above the questions.")
    description: str = Field("", description="Optional text shown under the heading.")
    questions: list[Question] = Field(min_length=1, description="The questions, in order.")


class TileSetting(_Strict):
    """Whether a tile is on for a plan type, and why not when it is off."""

    enabled: bool = Field(description="true when the tile is part of this plan type.")
    reason: str | None = Field(
        None,
        description="Required when enabled is false: shown to users instead of the tile.",
    )

    @model_validator(mode="after")
    def _reason_only_when_off(self) -> TileSetting:
        """A tile that is off needs a reason; a tile that is on has none."""
        has_reason = bool(self.reason and self.reason.strip())
        if not self.enabled and not has_reason:
            raise _invalid("TileSetting", [(("reason",), "a tile that is off needs a reason")])
        if self.enabled and self.reason is not None:
            message = "only a tile that is off (enabled: false) takes a reason"
            raise _invalid("TileSetting", [(("reason",), message)])
        return self


class PlanType(_Strict):
    """A kind of account plan: its tiles, allowed solutions and Account Details questions."""

    id: Id = Field(description="Snake_case id; must equal the file name without .yaml.")
    title: Text = Field(description="Name of the plan type, e.g. 'Expansion'.")
    summary: Text = Field(description="One sentence shown in the plan-type drop-down.")
    tiles: dict[str, TileSetting] = Field(
        description="Every tile id (" + ", ".join(TILE_IDS) + ") mapped to its setting.",
        json_schema_extra={"propertyNames": {"enum": list(TILE_IDS)}, "required": list(TILE_IDS)},
    )
    solutions: list[Id] = Field(
        description="Ids of catalogue solutions (solutions.yaml) that may carry planned revenue."
    )
    sections: list[Section] = Field(
        min_length=1, description="Account Details question sections, in display order."
    )
    objective_types: list[Text] = Field(
        default_factory=lambda: list(DEFAULT_OBJECTIVE_TYPES),
        min_length=1,
        description="Types an objective may have in this plan type (Objectives tile), in order.",
    )

    @field_validator("objective_types")
    @classmethod
    def _unique_objective_types(cls, types: list[str]) -> list[str]:
        """Each objective type is listed once."""
        seen = [t.casefold() for t in types]
        errors: list[tuple[tuple[str | int, ...], str]] = [
            ((i,), f"objective type '{types[i]}' is listed twice") for i in _duplicates(seen)
        ]
        if errors:
            raise _invalid("PlanType", errors)
        return types

    @field_validator("tiles")
    @classmethod
    def _all_tiles(cls, tiles: dict[str, TileSetting]) -> dict[str, TileSetting]:
        """Every tile is listed once, and nothing else."""
        errors: list[tuple[tuple[str | int, ...], str]] = [
            ((key,), f"unknown tile '{key}' (tiles are: {', '.join(TILE_IDS)})")
            for key in tiles
            if key not in TILE_IDS
        ]
        missing = [tile for tile in TILE_IDS if tile not in tiles]
        if missing:
            errors.append(((), f"missing tile(s): {', '.join(missing)} (list all five tiles)"))
        if errors:
            raise _invalid("PlanType", errors)
        return {tile: tiles[tile] for tile in TILE_IDS}

    @field_validator("solutions")
    @classmethod
    def _known_solutions(cls, solutions: list[str], info: ValidationInfo) -> list[str]:
        """Solution ids are listed once each, and exist in the catalogue when one is given."""
        errors: list[tuple[tuple[str | int, ...], str]] = [
            ((index,), f"solution '{solutions[index]}' is listed twice")
            for index in _duplicates(solutions)
        ]
        catalogue = (info.context or {}).get("catalogue")
        if isinstance(catalogue, Catalogue):
            known = catalogue.solution_ids()
            errors += [
                ((index,), f"unknown solution '{item}' (not in {CATALOGUE_FILE})")
                for index, item in enumerate(solutions)
                if item not in known
            ]
        if errors:
            raise _invalid("PlanType", sorted(errors, key=lambda error: error[0]))
        return solutions

    @field_validator("sections")
    @classmethod
    def _unique_ids(cls, sections: list[Section]) -> list[Section]:
        """Section ids are unique, and question ids are unique across all sections."""
        errors: list[tuple[tuple[str | int, ...], str]] = [
            ((index, "id"), f"duplicate section id '{sections[index].id}'")
            for index in _duplicates([section.id for section in sections])
        ]
        places = [
            (s, q) for s, section in enumerate(sections) for q in range(len(section.questions))
        ]
        question_ids = [sections[s].questions[q].id for s, q in places]
        for index in _duplicates(question_ids):
            s, q = places[index]
            errors.append(
                ((s, "questions", q, "id"), f"duplicate question id '{question_ids[index]}'")
            )
        if errors:
            raise _invalid("PlanType", errors)
        return sections

    def questions(self) -> list[Question]:
        """All questions, section by section, in order."""
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions() if q.id == question_id), None)

    def section_of(self, question_id: str) -> Section | None:
        """The section holding this question, or None."""
        return next(
            (s for s in self.sections if any(q.id == question_id for q in s.questions)), None
        )

    def tile_enabled(self, tile_id: str) -> bool:
        """Whether the tile is on in this plan type."""
        return self._tile(tile_id).enabled

    def tile_reason(self, tile_id: str) -> str | None:
        """Why the tile is off, or None when it is on."""
        setting = self._tile(tile_id)
        return None if setting.enabled else setting.reason

    def enabled_tiles(self) -> list[str]:
        """Ids of the tiles that are on, in display order."""
        return [tile for tile in TILE_IDS if self.tiles[tile].enabled]

    def _tile(self, tile_id: str) -> TileSetting:
        """The setting of a tile; KeyError naming the tiles when the id is unknown."""
        if tile_id not in self.tiles:
            raise KeyError(f"unknown tile '{tile_id}' (tiles are: {', '.join(TILE_IDS)})")
        return self.tiles[tile_id]


class Solution(_Strict):
    """Something we sell, which a plan may carry planned revenue for."""

    id: Id = Field(description="Snake_case id, unique across the whole catalogue.")
    title: Text = Field(description="Name shown in the Potentials grid.")
    description: Text = Field(description="What the solution is and who it is for.")
    keywords: list[Keyword] = Field(
        default_factory=list,
        description="Lower-case words that suggest this solution from an opportunity name.",
    )
    product_codes: list[str] = Field(
        default_factory=list,
        description="Salesforce Product2 codes (ProductCode) that belong to this solution.",
    )


class SolutionFamily(_Strict):
    """A group of related solutions, e.g. Power Generation."""

    id: Id = Field(description="Snake_case id, unique across the catalogue.")
    title: Text = Field(description="Name of the family.")
    description: str = Field("", description="Optional text describing the family.")
    solutions: list[Solution] = Field(min_length=1, description="The family's solutions.")


class Catalogue(_Strict):
    """The solution catalogue (solutions.yaml): every solution, grouped into families."""

    families: list[SolutionFamily] = Field(min_length=1, description="Solution families, in order.")

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        """Family ids are unique, and solution ids are unique across the catalogue."""
        errors: list[tuple[tuple[str | int, ...], str]] = [
            (("families", index, "id"), f"duplicate family id '{self.families[index].id}'")
            for index in _duplicates([family.id for family in self.families])
        ]
        places = [(f, s) for f, fam in enumerate(self.families) for s in range(len(fam.solutions))]
        ids = [self.families[f].solutions[s].id for f, s in places]
        for index in _duplicates(ids):
            f, s = places[index]
            loc = ("families", f, "solutions", s, "id")
            errors.append((loc, f"duplicate solution id '{ids[index]}'"))
        if errors:
            raise _invalid("Catalogue", errors)
        return self

    def solutions(self) -> list[Solution]:
        """Every solution, family by family, in order."""
        return [solution for family in self.families for solution in family.solutions]

    def solution_ids(self) -> set[str]:
        """The ids of every solution."""
        return {solution.id for solution in self.solutions()}

    def solution(self, solution_id: str) -> Solution | None:
        """The solution with this id, or None."""
        return next((s for s in self.solutions() if s.id == solution_id), None)

    def family_of(self, solution_id: str) -> SolutionFamily | None:
        """The family holding this solution, or None."""
        return next(
            (f for f in self.families if any(s.id == solution_id for s in f.solutions)), None
        )

    def suggest(self, text: str) -> list[Solution]:
        """Solutions whose keywords appear as words in the text (e.g. an opportunity name)."""
        words = set(re.findall(r"[a-z0-9]+", text.lower()))
        return [s for s in self.solutions() if any(k in words for k in s.keywords)]


# --------------------------------------------------------------------------- YAML reading


class _TextLoader(yaml.SafeLoader):
    """Safe YAML loader in which every plain value stays text; only empty, ~ and null are None."""

    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse aliases: plan types need none, and nested ones expand exponentially."""
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed; write the values out",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "null", "map", "seq")}


def _short_tag(tag: str) -> str:
    """A YAML tag as written, e.g. '!!python/object'."""
    return tag.replace("tag:yaml.org,2002:", "!!")


def _walk(node: yaml.Node, path: str) -> Iterator[tuple[str, str]]:
    """(place, message) for every refused tag and duplicate key in a composed YAML tree."""
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        yield path, f"tag '{_short_tag(node.tag)}' is not allowed (line {line}); write plain text"
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, f"{path}[{index}]")
    elif isinstance(node, yaml.MappingNode):
        yield from _walk_mapping(node, path)


def _walk_mapping(node: yaml.MappingNode, path: str) -> Iterator[tuple[str, str]]:
    """Problems in one mapping: non-text keys, duplicate keys, then its values."""
    first_line: dict[str, int] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or key.tag not in _ALLOWED_TAGS:
            yield path, f"keys must be plain text (line {line})"
            continue
        if key.value in first_line:
            message = f"duplicate key '{key.value}' (line {line}; first at line "
            yield path, message + f"{first_line[key.value]})"
            continue
        first_line[key.value] = line
        yield from _walk(value, f"{path}.{key.value}" if path else key.value)


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """The file's data with every plain value as text, or the problems that stop reading it."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "(file)", "not UTF-8 text; save the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(name, "(file)", f"cannot be read: {exc.strerror or exc}")]
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(name, "(file)", "the file is empty")]
        problems = [Problem(name, place or "(file)", msg) for place, msg in _walk(node, "")]
        return (None, problems) if problems else (loader.construct_document(node), [])
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(name, exc)]
    finally:
        loader.dispose()


def _syntax_problem(name: str, exc: yaml.YAMLError) -> Problem:
    """A YAML syntax error as a problem naming the line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(name, place, f"invalid YAML: {reason}")


# --------------------------------------------------------------------------- errors to problems


def _place(loc: Sequence[str | int]) -> str:
    """A pydantic error location as 'sections[1].questions[0].id' ('(file)' when empty)."""
    place = ""
    for part in loc:
        if isinstance(part, int):
            place += f"[{part}]"
        elif part != "[key]":
            place += f".{part}" if place else str(part)
    return place or "(file)"


def _message(error: dict[str, Any]) -> str:
    """A pydantic error in words a sales-ops person can act on."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error":
        return f"'{error['input']}' is not allowed; use {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        return f"'{error['input']}' " + _PATTERN_MESSAGES.get(ctx.get("pattern"), error["msg"])
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)"
    simple = {
        "extra_forbidden": "unknown key",
        "missing": "required key is missing",
        "string_type": "must be text",
        "string_too_short": "must not be empty",
        "bool_parsing": "must be true or false",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "dict_type": "must be a mapping of keys to values",
        "model_type": "must be a mapping of keys to values",
        "model_attributes_type": "must be a mapping of keys to values",
    }
    return simple.get(kind, error["msg"])


def _problems(name: str, exc: ValidationError) -> list[Problem]:
    """One problem per pydantic error, in file order."""
    return [Problem(name, _place(e["loc"]), _message(e)) for e in exc.errors()]


# --------------------------------------------------------------------------- loading


@dataclass
class PlanTypeRegistry:
    """The valid plan types of a folder, its catalogue, and the problems of what was skipped."""

    types: dict[str, PlanType]
    catalogue: Catalogue | None
    problems: list[Problem] = field(default_factory=list)

    def get(self, type_id: str) -> PlanType:
        """The plan type with this id; KeyError naming the known types when unknown."""
        if type_id not in self.types:
            known = ", ".join(self.types) or "none loaded"
            raise KeyError(f"unknown plan type '{type_id}' (known plan types: {known})")
        return self.types[type_id]

    def solutions_for(self, type_id: str) -> list[Solution]:
        """The catalogue solutions the plan type allows, in the type's order."""
        if self.catalogue is None:
            return []
        found = (self.catalogue.solution(sid) for sid in self.get(type_id).solutions)
        return [solution for solution in found if solution is not None]


def load_catalogue(path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue in solutions.yaml, or None and its problems."""
    if not path.is_file():
        return None, [Problem(path.name, "(file)", "file not found; the catalogue is required")]
    data, problems = read_yaml(path)
    if problems:
        return None, problems
    try:
        return Catalogue.model_validate(data), []
    except ValidationError as exc:
        return None, _problems(path.name, exc)


def load_plan_type(
    path: Path, catalogue: Catalogue | None
) -> tuple[PlanType | None, list[Problem]]:
    """The plan type in one file (checked against the catalogue when given), or its problems."""
    data, problems = read_yaml(path)
    if problems:
        return None, problems
    try:
        plan_type = PlanType.model_validate(data, context={"catalogue": catalogue})
    except ValidationError as exc:
        return None, _problems(path.name, exc)
    if plan_type.id != path.stem:
        message = f"'{plan_type.id}' must equal the file name; use id: {path.stem}"
        return None, [Problem(path.name, "id", message)]
    return plan_type, []


def _type_files(folder: Path) -> list[Path]:
    """Every YAML file in the folder except the catalogue, sorted by name."""
    files = [p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted((p for p in files if p.name != CATALOGUE_FILE), key=lambda p: p.name)


def _ordered(types: dict[str, PlanType]) -> dict[str, PlanType]:
    """Types with the shipped ones first (acquisition, expansion, customer_success), then A-Z."""
    first = [tid for tid in SHIPPED_TYPE_ORDER if tid in types]
    rest = sorted(tid for tid in types if tid not in SHIPPED_TYPE_ORDER)
    return {tid: types[tid] for tid in first + rest}


def _folder(folder: Path | str | None) -> Path:
    """The given folder, or the configured plan-types folder."""
    if folder is None:
        from planning_kit.settings import plan_types_dir

        return plan_types_dir()
    return Path(folder)


def load_plan_types(folder: Path | str | None = None) -> PlanTypeRegistry:
    """Load the catalogue and every plan type in the folder; invalid files are skipped."""
    folder = _folder(folder)
    if not folder.is_dir():
        problem = Problem(str(folder), "(folder)", "plan-types folder not found")
        return PlanTypeRegistry(types={}, catalogue=None, problems=[problem])
    catalogue, problems = load_catalogue(folder / CATALOGUE_FILE)
    types: dict[str, PlanType] = {}
    for path in _type_files(folder):
        plan_type, file_problems = load_plan_type(path, catalogue)
        if plan_type is not None and plan_type.id in types:
            message = f"duplicate plan type id '{plan_type.id}' (another file already has it)"
            file_problems = [Problem(path.name, "id", message)]
        elif plan_type is not None:
            types[plan_type.id] = plan_type
        problems += file_problems
    if not _type_files(folder):
        problems.append(Problem(str(folder), "(folder)", "no plan-type files (*.yaml) found"))
    return PlanTypeRegistry(types=_ordered(types), catalogue=catalogue, problems=problems)


def check(folder: Path | str | None = None) -> list[Problem]:
    """Every problem in the folder's plan types and catalogue; [] when all are valid."""
    return load_plan_types(folder).problems


def main_check(argv: Sequence[str] | None = None) -> int:
    """`planning-kit check [DIR]`: print each problem (exit 1) or how many files are valid."""
    args = list(sys.argv[1:] if argv is None else argv)
    registry = load_plan_types(args[0] if args else None)
    for problem in registry.problems:
        print(problem)
    if registry.problems:
        return 1
    print(f"{len(registry.types) + 1} files valid")
    return 0


# --------------------------------------------------------------------------- JSON Schema


def json_schemas() -> dict[str, str]:
    """The JSON Schema text of each file kind, keyed by schema file name."""
    models: dict[str, type[BaseModel]] = {"plan_type": PlanType, "catalogue": Catalogue}
    return {
        SCHEMA_FILES[kind]: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for kind, model in models.items()
    }


def write_json_schemas(folder: Path | str | None = None) -> list[Path]:
    """Write plan_type.schema.json and solutions.schema.json into the folder's schema/."""
    target = _folder(folder) / "schema"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m planning_kit.plan_types [--write-schema] [DIR]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--write-schema" in args:
        args.remove("--write-schema")
        for path in write_json_schemas(args[0] if args else None):
            print(f"wrote {path}")
        return 0
    return main_check(args)


if __name__ == "__main__":
    raise SystemExit(main())
