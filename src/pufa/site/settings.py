"""mkdocs.yml read without MkDocs, for `pufa check`: the Markdown extensions (so a heading's
anchor is the one the site will have) and the settings the generated pages depend on.

mkdocs.yml may name Python callables (``!!python/object/apply:pymdownx.slugs.slugify``);
only those of the Markdown packages and of pufa are taken, the way MkDocs itself would call
them. Environment tags (``!ENV``) read the variable or its default.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pufa.shared.errors import PufaError

CALLABLE_PACKAGES = ("markdown.", "pymdownx.", "pufa.", "material.extensions.")
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
"""MkDocs always adds these to the configured ones."""


class SettingsError(PufaError):
    """mkdocs.yml cannot be read."""


@dataclass(frozen=True)
class MarkdownSettings:
    extensions: tuple[str, ...] = MKDOCS_BUILTIN_EXTENSIONS
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def converter(self, *more: Any):
        """A Markdown converter as the site's (with ``more`` extension objects); call
        ``reset()`` between documents. An extension that cannot be loaded or set up is a
        SettingsError naming it, as MkDocs would report it."""
        import markdown

        try:
            return markdown.Markdown(extensions=[*self.extensions, *more], extension_configs=self.configs)
        except Exception as exc:  # noqa: BLE001 (any extension's own error on its settings)
            raise SettingsError(f"mkdocs.yml 的 markdown_extensions 无法使用：{type(exc).__name__}: {exc}") from None


def _python_object(path: Path, dotted: str) -> Any:
    if not dotted.startswith(CALLABLE_PACKAGES):
        raise SettingsError(f"{path}：pufa check 只调用 Markdown 扩展和 pufa 的函数，不调用 {dotted}")
    module_name, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise SettingsError(f"{path}：找不到 {dotted}（{exc}）") from None


def _loader(path: Path) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        return _python_object(path, suffix)

    def python_apply(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        function = _python_object(path, suffix)
        if isinstance(node, yaml.SequenceNode):
            return function(*loader.construct_sequence(node, deep=True))
        arguments = loader.construct_mapping(node, deep=True)
        return function(*arguments.get("args", ()), **arguments.get("kwds", {}))

    def environment(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
        default = names.pop() if len(names) > 1 else None
        return next((os.environ[name] for name in names if name in os.environ), default)

    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", python_name)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", python_apply)
    Loader.add_constructor("!ENV", environment)
    Loader.add_constructor("!relative", lambda loader, node: str(path.parent))
    return Loader


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as a mapping ({} when there is none)."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    try:
        config = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_loader(path))  # noqa: S506 (callables limited above)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path} 无法读取：{exc}") from None
    if not isinstance(config, dict):
        raise SettingsError(f"{path} 应是键值对（site_name: …）")
    _refuse_wrong_shapes(path, config)
    return config


def _refuse_wrong_shapes(path: Path, config: dict[str, Any]) -> None:
    """The settings pufa reads, of the kind it reads them as (MkDocs would refuse them too)."""
    extra = config.get("extra")
    shapes = [("extra", extra, dict), ("markdown_extensions", config.get("markdown_extensions"), (list, dict)),
              ("exclude_docs", config.get("exclude_docs"), str), ("use_directory_urls", config.get("use_directory_urls"), bool)]
    if isinstance(extra, dict):
        shapes += [(f"extra.{key}", extra.get(key), dict) for key in ("feeds", "government", "review")]
    for name, value, kind in shapes:
        if value is not None and not isinstance(value, kind):
            raise SettingsError(f"{path}：{name} 的写法不对（实际为“{value}”）")


def markdown_settings(config: dict[str, Any]) -> MarkdownSettings:
    """The Markdown extensions and their settings, as MkDocs would pass them."""
    names = list(MKDOCS_BUILTIN_EXTENSIONS)
    configs: dict[str, dict[str, Any]] = {}
    listed = config.get("markdown_extensions") or []
    entries = [{name: options} for name, options in listed.items()] if isinstance(listed, dict) else listed
    for entry in entries:
        for name, options in (entry.items() if isinstance(entry, dict) else [(entry, None)]):
            if not isinstance(name, str) or not (options is None or isinstance(options, dict)):
                raise SettingsError(f"mkdocs.yml：markdown_extensions 中“{name}”的写法不对，应为扩展名或 扩展名: {{设置: 值}}")
            names.append(name)
            if options:
                configs[name] = dict(options)
    return MarkdownSettings(tuple(dict.fromkeys(names)), configs)
