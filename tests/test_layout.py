"""The house rules of the code, checked: feature packages, a narrow hook, escaping templates,
one error base."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pufa
from pufa.shared.errors import PufaError

REPO = Path(__file__).resolve().parent.parent
SRC = Path(pufa.__file__).parent
FEATURES = {"audit", "content", "disclosure", "privacy", "review", "stats", "site", "publish", "shared"}


def modules() -> list[tuple[str, ast.Module]]:
    return [(str(path.relative_to(SRC)), ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py"))]


def imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    return [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_the_core_is_split_into_feature_packages_and_every_module_says_what_it_holds():
    packages = {path.name for path in SRC.iterdir() if (path / "__init__.py").is_file()}
    assert packages == FEATURES
    loose = {path.name for path in SRC.glob("*.py")}
    assert loose == {"__init__.py", "cli.py"}
    for name, tree in modules():
        assert ast.get_docstring(tree), f"{name} has no docstring saying what it holds"


def test_no_module_imports_another_packages_private_names_or_mkdocs():
    for name, tree in modules():
        package = name.split("/")[0]
        for node in imports(tree):
            targets = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for target in targets:
                assert not target.startswith(("mkdocs", "material")), f"{name} imports {target}"
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pufa."):
                other = node.module.split(".")[1]
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert other == package or not private, f"{name} imports {private} from {node.module}"


def test_the_hook_is_small_and_uses_only_the_public_entry_points():
    hook = (REPO / "hooks" / "pufa_site.py").read_text(encoding="utf-8")
    code_lines = [line for line in hook.splitlines() if line.strip()]
    assert len(code_lines) <= 60, f"the hook has {len(code_lines)} lines"
    modules_used = {node.module for node in imports(ast.parse(hook)) if isinstance(node, ast.ImportFrom)}
    assert {m for m in modules_used if m.startswith("pufa")} == {"pufa.site.build", "pufa.shared.errors"}
    assert "_build." not in re.sub(r"_build\.(generated_files|fill_markers|collect_html|finish_rendering|page_meta|"
                                   r"page_context|register_search_words|remember_search_entries|start_pages|convert_pages|"
                                   r"finish_page|build_failed|finish)\(", "", hook)


def test_templates_escape_by_default_and_never_mark_values_safe():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in SRC.rglob("*.py"))
    assert "autoescape=False" not in sources
    assert sources.count("jinja2.Environment(") == 1, "one renderer owns the one Jinja environment"
    for template in (SRC / "site" / "templates").glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert "| safe" not in text and "|safe" not in text, template.name
        internal = text.replace('href="{{ law.url }}"', "")  # the registry's link to the official text
        internal = re.sub(r'href="\{\{ (href|url\([^"]*\)) \}\}"', "", internal)  # made as MkDocs makes it: test_addresses
        assert not re.search(r'href="[^"]*\{\{', internal), f"{template.name}: a link MkDocs cannot check"


def test_every_error_the_project_raises_for_bad_input_has_one_base():
    errors = []
    for name, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Error") or node.name == "ImportFailed"):
                errors.append((name, node.name))
    assert len(errors) >= 9
    for name, class_name in errors:
        module = __import__("pufa." + name[:-3].replace("/", "."), fromlist=[class_name])
        cls = getattr(module, class_name)
        assert inspect.isclass(cls) and issubclass(cls, PufaError), f"{name}: {class_name}"
        assert not issubclass(cls, ValueError), f"{name}: {class_name} would be caught as a bug's ValueError"
