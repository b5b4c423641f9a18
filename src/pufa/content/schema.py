"""JSON Schema of the article front matter, for editors' YAML tools.

Generated from the pydantic model, with the registries' names as enums so an editor's
tool can complete 栏目, 主题 and 适用人群. A test keeps the committed file up to date.
"""

from __future__ import annotations

import json
from typing import Any

from pufa.content.models import FrontMatter
from pufa.content.registry import Registries

SCHEMA_PATH = "schema/article.schema.json"


def article_schema(registries: Registries) -> dict[str, Any]:
    schema = FrontMatter.model_json_schema()
    properties = schema["properties"]
    properties["column"]["enum"] = [c.name for c in registries.columns]
    properties["topics"]["items"]["enum"] = [t.name for t in registries.topics]
    properties["audiences"]["items"]["enum"] = [a.name for a in registries.audiences]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pufa.example.gov.cn/schema/article.schema.json",
        **schema,
        "title": "人社普法文章头信息（front matter）",
    }


def render_schema(registries: Registries) -> str:
    return json.dumps(article_schema(registries), ensure_ascii=False, indent=2) + "\n"
