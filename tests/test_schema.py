"""The JSON Schema for editors' tools is committed, current, and agrees with the loader."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import CORPUS, REPO

from pufa.content.corpus import load_site
from pufa.content.schema import SCHEMA_PATH, render_schema
from pufa.shared.frontmatter import split_document


def corpus_schema() -> dict:
    """The schema the fixture corpus's registries give (the committed one follows the live data/)."""
    return json.loads(render_schema(load_site(CORPUS).registries))


def test_the_committed_schema_is_up_to_date():
    """Holds for any content: the committed schema is generated from the repository's own data/."""
    from pufa.content.registry import load_registries

    registries = load_registries(REPO / "data", REPO)
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == render_schema(registries), "run `pufa schema` and commit the result"


def test_every_sample_article_validates_against_the_schema():
    schema = corpus_schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    paths = sorted((CORPUS / "articles").rglob("*.md"))
    assert paths
    for path in paths:
        doc = split_document(path.read_text(encoding="utf-8"), path)
        errors = list(validator.iter_errors(doc.meta))
        assert not errors, f"{path}: {errors[0].message}"


@pytest.mark.parametrize("meta", [
    {"column": "小课堂"},
    {"topics": ["工资支附"]},
    {"auther": "李某"},
    {"date": "2023-02-30"},
])
def test_the_schema_rejects_what_the_loader_rejects(meta):
    schema = corpus_schema()
    good = {"title": "标题", "column": "人社小课堂", "issue": 1, "date": "2023-03-15", "summary": "摘要",
            "author": "政策法规科", "review": {"reviewer": "王某", "date": "2023-03-10"}}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({**good, **meta}))
