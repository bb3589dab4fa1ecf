"""Plan types and the solution catalogue: shipped files, rules, safe loading, JSON Schema."""

import json
import shutil
import time
from pathlib import Path

import pytest

from planning_kit import plan_types
from planning_kit.plan_types import (
    TILE_IDS,
    TILE_TITLES,
    Problem,
    check,
    json_schemas,
    load_plan_types,
    main_check,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "plan_types"
EXAMPLES = Path(__file__).resolve().parent / "plan_type_examples"
SHIPPED_TYPES = ["acquisition", "expansion", "customer_success"]
REGISTRY = load_plan_types(SHIPPED)

SMALL_TYPE = """\
id: {stem}
title: Site Visit
summary: A short plan for one site.
tiles:
  account_details: {{enabled: true}}
  relationship_map: {{enabled: true}}
  insight_map: {{enabled: true}}
  potentials: {{enabled: true}}
  objectives: {{enabled: true}}
solutions: []
sections:
  - id: basics
    title: Basics
    questions:
      - id: coach
        text: {text}
        options:
          - id: a
            label: {positive}
            score: positive
          - id: b
            label: {neutral}
            score: neutral
          - id: c
            label: {negative}
            score: negative
"""


def write_small_type(folder: Path, stem: str = "site_visit", **labels: str) -> Path:
    """Write solutions.yaml (copied from the shipped one) and a small plan type."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "solutions.yaml").write_text((SHIPPED / "solutions.yaml").read_text())
    values = {"text": "Do we have a coach?", "positive": "Yes", "neutral": "Maybe"}
    values |= {"negative": "Nope"} | labels
    path = folder / f"{stem}.yaml"
    path.write_text(SMALL_TYPE.format(stem=stem, **values))
    return path


# ----------------------------------------------------------------------------- shipped files


def test_shipped_folder_has_no_problems():
    assert check(SHIPPED) == []
    assert list(REGISTRY.types) == SHIPPED_TYPES


@pytest.mark.parametrize("type_id", SHIPPED_TYPES)
def test_shipped_type_is_complete(type_id):
    plan_type = REGISTRY.get(type_id)
    assert plan_type.id == type_id
    assert len(plan_type.sections) >= 3
    assert len(plan_type.questions()) >= 10
    assert plan_type.summary.strip() and "\n" not in plan_type.summary
    assert list(plan_type.tiles) == list(TILE_IDS)


@pytest.mark.parametrize("type_id", SHIPPED_TYPES)
def test_shipped_questions_have_help_and_three_scored_options(type_id):
    for question in REGISTRY.get(type_id).questions():
        assert question.help.strip(), question.id
        assert [option.score for option in question.options] == ["positive", "neutral", "negative"]


@pytest.mark.parametrize("type_id", SHIPPED_TYPES)
def test_shipped_type_allows_a_subset_of_the_catalogue(type_id):
    allowed = set(REGISTRY.get(type_id).solutions)
    assert allowed and allowed < REGISTRY.catalogue.solution_ids()
    assert [s.id for s in REGISTRY.solutions_for(type_id)] == REGISTRY.get(type_id).solutions


def test_catalogue_has_twelve_solutions_in_three_families():
    catalogue = REGISTRY.catalogue
    assert len(catalogue.solutions()) >= 12
    assert len(catalogue.families) >= 3
    assert all(solution.description.strip() for solution in catalogue.solutions())


@pytest.mark.parametrize(
    ("opportunity", "solution_id"),
    [
        ("United Oil Refinery Generators", "industrial_generators"),
        ("Grand Hotels Kitchen Generator", "specialty_generators"),
        ("GenePoint Lab Generators", "specialty_generators"),
        ("Edge Emergency Generator", "emergency_generators"),
        ("Express Logistics Standby Generator", "standby_generators"),
        ("University of AZ Portable Generators", "portable_generators"),
        ("Grand Hotels Generator Installations", "installation"),
        ("Edge SLA", "service_level_agreements"),
    ],
)
def test_catalogue_keywords_suggest_solutions_for_sample_opportunities(opportunity, solution_id):
    assert solution_id in [s.id for s in REGISTRY.catalogue.suggest(opportunity)]


def test_tile_settings_of_shipped_types():
    assert REGISTRY.get("expansion").enabled_tiles() == list(TILE_IDS)
    assert REGISTRY.get("acquisition").enabled_tiles() == list(TILE_IDS)
    customer_success = REGISTRY.get("customer_success")
    assert customer_success.tile_enabled("potentials") is False
    assert "Expansion plan" in customer_success.tile_reason("potentials")
    assert customer_success.tile_reason("objectives") is None
    assert list(TILE_TITLES) == list(TILE_IDS)


def test_plan_type_helpers():
    plan_type = REGISTRY.get("acquisition")
    question = plan_type.question("budget_owner")
    assert question.text == "Do we know who owns the budget for this area?"
    assert [o.label for o in question.options] == [
        "Yes, met and engaged",
        "Known but not met",
        "Unknown",
    ]
    assert plan_type.question("no_such_question") is None
    assert question.needs_notes("known") is True  # when_not_positive
    assert question.needs_notes("engaged") is False
    assert plan_type.section_of("budget_owner").id == "budget"
    with pytest.raises(KeyError, match="unknown tile 'forecast'"):
        plan_type.tile_enabled("forecast")


def test_registry_get_unknown_type_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown plan type 'growth'.*acquisition, expansion"):
        REGISTRY.get("growth")


def test_labels_written_as_yes_and_no_stay_text():
    labels = {o.label for q in REGISTRY.get("acquisition").questions() for o in q.options}
    assert {"Yes", "No"} <= labels


# ----------------------------------------------------------------------------- JSON Schema


@pytest.mark.parametrize("name", ["plan_type.schema.json", "solutions.schema.json"])
def test_json_schema_on_disk_matches_models(name):
    on_disk = (SHIPPED / "schema" / name).read_text()
    assert on_disk == json_schemas()[name], (
        f"plan_types/schema/{name} is out of date; regenerate it with "
        "`python -m planning_kit.plan_types --write-schema`"
    )


def test_json_schema_forbids_unknown_keys():
    schema = json.loads(json_schemas()["plan_type.schema.json"])
    assert schema["additionalProperties"] is False
    assert all(d["additionalProperties"] is False for d in schema["$defs"].values())


MODELS = [
    plan_types.AnswerOption,
    plan_types.Question,
    plan_types.Section,
    plan_types.TileSetting,
    plan_types.PlanType,
    plan_types.Solution,
    plan_types.SolutionFamily,
    plan_types.Catalogue,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_field_has_a_description(model):
    assert model.model_config["extra"] == "forbid"
    assert all(field.description for field in model.model_fields.values())


def test_write_json_schemas(tmp_path):
    written = plan_types.write_json_schemas(tmp_path)
    assert [p.name for p in written] == ["plan_type.schema.json", "solutions.schema.json"]
    assert written[0].read_text() == json_schemas()["plan_type.schema.json"]


# ----------------------------------------------------------------------------- invalid examples

EXPECTED = {
    "unknown_key": ["site_visit.yaml: sections[0].questions[0].colour: unknown key"],
    "missing_key": ["site_visit.yaml: summary: required key is missing"],
    "invalid_id": [
        "site_visit.yaml: sections[1].questions[0].id: 'Coach-Question' must be a snake_case id "
        "(lower-case letters, digits and _; starts with a letter)"
    ],
    "duplicate_section_id": ["site_visit.yaml: sections[1].id: duplicate section id 'budget'"],
    "duplicate_question_id": [
        "site_visit.yaml: sections[1].questions[0].id: duplicate question id 'budget_owner'"
    ],
    "duplicate_option_id": [
        "site_visit.yaml: sections[1].questions[0].options[1].id: duplicate option id 'tested'"
    ],
    "option_scores": [
        "site_visit.yaml: sections[1].questions[0].options: exactly one option per score is "
        "required (positive, neutral, negative); found: positive, positive, negative"
    ],
    "unknown_score": [
        "site_visit.yaml: sections[1].questions[0].options[1].score: 'so-so' is not allowed; "
        "use 'positive', 'neutral' or 'negative'"
    ],
    "unknown_notes_rule": [
        "site_visit.yaml: sections[0].questions[0].notes_required: 'sometimes' is not allowed; "
        "use 'never', 'always', 'when_negative' or 'when_not_positive'"
    ],
    "unknown_solution": [
        "site_visit.yaml: solutions[2]: unknown solution 'quantum_widgets' (not in solutions.yaml)"
    ],
    "solution_listed_twice": [
        "site_visit.yaml: solutions[2]: solution 'standby_generators' is listed twice"
    ],
    "objective_type_listed_twice": [
        "site_visit.yaml: objective_types[2]: objective type 'relationship' is listed twice"
    ],
    "tile_off_without_reason": [
        "site_visit.yaml: tiles.potentials.reason: a tile that is off needs a reason"
    ],
    "reason_on_enabled_tile": [
        "site_visit.yaml: tiles.objectives.reason: only a tile that is off (enabled: false) "
        "takes a reason"
    ],
    "enabled_not_boolean": ["site_visit.yaml: tiles.insight_map.enabled: must be true or false"],
    "missing_tile": ["site_visit.yaml: tiles: missing tile(s): objectives (list all five tiles)"],
    "unknown_tile": [
        "site_visit.yaml: tiles.forecast: unknown tile 'forecast' (tiles are: account_details, "
        "relationship_map, insight_map, potentials, objectives)"
    ],
    "id_not_file_name": [
        "site_visit.yaml: id: 'site_review' must equal the file name; use id: site_visit"
    ],
    "duplicate_yaml_key": [
        "site_visit.yaml: sections[1].questions[0]: duplicate key 'text' "
        "(line 42; first at line 41)"
    ],
    "yaml_syntax_error": [
        "site_visit.yaml: line 2, column 18: invalid YAML: mapping values are not allowed here"
    ],
    "python_tag": [
        "site_visit.yaml: title: tag '!!python/object/apply:os.system' is not allowed (line 2); "
        "write plain text"
    ],
    "empty_file": ["site_visit.yaml: (file): the file is empty"],
    "duplicate_solution_id": [
        "solutions.yaml: families[1].solutions[0].id: duplicate solution id 'standby_generators'"
    ],
    "duplicate_family_id": [
        "solutions.yaml: families[1].id: duplicate family id 'power_generation'"
    ],
    "bad_keyword": [
        "solutions.yaml: families[0].solutions[0].keywords[0]: 'Standby Power' must be one "
        "lower-case word (letters and digits only)"
    ],
    "missing_catalogue": ["solutions.yaml: (file): file not found; the catalogue is required"],
}


def test_every_example_folder_is_pinned():
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED) | {"one_invalid_beside_valid"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_example_gives_exact_problem(case):
    assert [str(problem) for problem in check(EXAMPLES / case)] == EXPECTED[case]


def test_bad_plan_type_is_skipped_and_catalogue_problem_keeps_types():
    assert "site_visit" not in load_plan_types(EXAMPLES / "unknown_solution").types
    registry = load_plan_types(EXAMPLES / "missing_catalogue")
    assert registry.catalogue is None
    assert list(registry.types) == ["site_visit"]
    assert registry.solutions_for("site_visit") == []


def test_one_invalid_file_beside_valid_ones():
    registry = load_plan_types(EXAMPLES / "one_invalid_beside_valid")
    assert list(registry.types) == ["site_visit", "workshop"]
    assert registry.problems == [
        Problem(
            "broken.yaml",
            "solutions[2]",
            "unknown solution 'quantum_widgets' (not in solutions.yaml)",
        )
    ]


def test_problem_reads_as_one_line():
    problem = Problem("expansion.yaml", "sections[1].questions[0].options", "exactly one")
    assert str(problem) == "expansion.yaml: sections[1].questions[0].options: exactly one"


def test_missing_folder_is_a_problem(tmp_path):
    assert [str(p) for p in check(tmp_path / "nope")] == [
        f"{tmp_path / 'nope'}: (folder): plan-types folder not found"
    ]


# ----------------------------------------------------------------------------- safe loading


def test_python_tag_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran.txt"
    path = write_small_type(tmp_path / "types")
    text = path.read_text().replace(
        "title: Site Visit", f'title: !!python/object/apply:os.system ["touch {marker}"]'
    )
    path.write_text(text)
    problems = check(tmp_path / "types")
    assert [p.field for p in problems] == ["title"]
    assert "not allowed" in problems[0].message
    assert not marker.exists()


@pytest.mark.parametrize(
    "written", ["NO", "yes", "01234", "12:30", "1e3", "0x1F", "true", "2024-01-31"]
)
def test_plain_values_stay_the_exact_text_written(tmp_path, written):
    write_small_type(tmp_path, positive=written, neutral="Maybe", text=written)
    registry = load_plan_types(tmp_path)
    assert registry.problems == []
    question = registry.get("site_visit").question("coach")
    assert question.text == written
    assert question.options[0].label == written


def test_booleans_in_tiles_accept_yaml_spellings(tmp_path):
    path = write_small_type(tmp_path)
    text = path.read_text().replace(
        "potentials: {enabled: true}", "potentials: {enabled: no, reason: Not in this plan.}"
    )
    path.write_text(text)
    plan_type = load_plan_types(tmp_path).get("site_visit")
    assert plan_type.tile_enabled("potentials") is False
    assert plan_type.tile_reason("potentials") == "Not in this plan."


def test_small_user_types_are_allowed(tmp_path):
    write_small_type(tmp_path)
    registry = load_plan_types(tmp_path)
    assert registry.problems == []
    assert len(registry.get("site_visit").questions()) == 1


# ----------------------------------------------------------------------------- check command


def test_main_check_prints_count_when_valid(capsys):
    assert main_check([str(SHIPPED)]) == 0
    assert capsys.readouterr().out == "4 files valid\n"


def test_main_check_prints_problems_and_fails(capsys):
    assert main_check([str(EXAMPLES / "unknown_tile")]) == 1
    assert capsys.readouterr().out.startswith("site_visit.yaml: tiles.forecast: unknown tile")


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    """Nested aliases expand exponentially: they are refused, not walked."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 12)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    shutil.copy(SHIPPED / "solutions.yaml", tmp_path / "solutions.yaml")
    started = time.monotonic()
    problems = [str(p) for p in check(tmp_path)]
    assert time.monotonic() - started < 2
    assert problems == [
        "bomb.yaml: line 2, column 10: invalid YAML: aliases (*name) are not allowed; "
        "write the values out"
    ]
