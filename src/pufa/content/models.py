"""Validated records: the registries in data/ and an article's front matter.

pydantic models forbid unknown keys, so a typo such as ``topic:`` for ``topics:`` is an
error instead of a silently ignored field. Dates are parsed strictly from text (see
frontmatter.py) so that 2023-13-01 gets a message an editor understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pufa.shared.records import IsoDate, Record, Text

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
DURATION_PATTERN = r"^(?:[1-9][0-9]{0,2}天|[1-9][0-9]?周|[1-9][0-9]?个月|[1-9]年)$"
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
"""A period as editors write it: 14天, 2周, 6个月, 1年 (at most 999天, 99周, 99个月, 9年)."""
ColumnKind = Literal["动态要闻", "通知公告", "政策文件", "其他"]
UPDATE_LIMITS: dict[str, str] = {"动态要闻": "2周", "通知公告": "6个月", "政策文件": "6个月"}
"""The update periods of 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号) by kind of column."""
VETO_KINDS = frozenset(UPDATE_LIMITS)
"""Kinds whose column not updated in time fails the inspection on its own (单项否决)."""


class Column(Record):
    """A column (栏目) such as 人社小课堂; its slug is its folder and URL."""

    name: Text
    slug: Slug
    numbered: bool = Field(description="每篇文章是否有期数（同一年内不重复）")
    description: Text
    sections: tuple[Text, ...] = Field(default=(), description="pufa new 写入的惯用小标题")
    sections_required: bool = Field(default=False, description="文章必须依次包含这些小标题（pufa check 检查）")
    kind: ColumnKind = Field(default="其他", description="栏目类别，决定 pufa audit 的更新期限：动态要闻 2 周，通知公告、政策文件 6 个月，其他不限")
    update_within: Duration | None = Field(default=None, description="本局自定的更新期限，如 2周、30天、6个月（只能比栏目类别的期限更严）")

    @property
    def update_limits(self) -> tuple[str, ...]:
        """How long the column may go without a new article: the limit 国办秘函〔2019〕19号
        sets for its kind and the bureau's own; whichever runs out first counts."""
        return tuple(limit for limit in (UPDATE_LIMITS.get(self.kind), self.update_within) if limit)


class Topic(Record):
    name: Text
    slug: Slug
    description: Text


class Audience(Record):
    name: Text
    slug: Slug
    description: Text


class LawChange(Record):
    """An amendment, a new judicial interpretation or any change in how a law is applied,
    after which an article that relies on it needs a fresh 法制审核."""

    date: IsoDate = Field(description="施行（生效）日期，YYYY-MM-DD")
    what: Text = Field(description="变化了什么，一句话，审核人会看到")
    by: Slug | None = Field(default=None, description="带来变化的文件在本表中的 slug，如新的司法解释")
    provisions: tuple[Text, ...] = Field(
        default=(), description="受影响的条文，如“第八十二条”；只有引用这些条文的文章需要复核，不填即整部"
    )


class Law(Record):
    """A law, regulation or document in the registry (data/laws.yml)."""

    short: Text = Field(description="简称，文章中引用时使用，如“劳动合同法”")
    name: Text = Field(description="全称，如“中华人民共和国劳动合同法”")
    slug: Slug
    kind: Literal["法律", "行政法规", "部门规章", "司法解释", "规范性文件"]
    issuer: Text = Field(description="制定机关（及令号、文号）")
    version: Text = Field(description="现行有效版本")
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = Field(
        default=None, description="国家法律法规数据库等权威来源的链接（确知时才填写）"
    )
    aliases: tuple[Text, ...] = Field(default=(), description="正文中可能出现的其他名称")
    in_force: IsoDate | None = Field(default=None, description="首次施行日期，YYYY-MM-DD")
    amended: tuple[LawChange, ...] = Field(
        default=(), description="此后的修正、修订、新的司法解释等，按日期；晚于文章法制审核日期的会提示复核"
    )
    repealed: IsoDate | None = Field(default=None, description="失效（废止）日期，YYYY-MM-DD")
    replaced_by: Slug | None = Field(default=None, description="取代它的文件在本表中的 slug")


class Review(Record):
    """法制审核: who signed the article off, and when."""

    reviewer: Text = Field(description="法制审核人员")
    date: IsoDate = Field(description="审核日期，YYYY-MM-DD")


class ChangeNote(Record):
    """A public note of a substantive change (更新记录), shown under the title."""

    date: IsoDate = Field(description="修改日期，YYYY-MM-DD")
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="改了什么，一句话，读者可见，如“根据最高人民法院新司法解释更新第三部分”"
    )


class FrontMatter(Record):
    """The YAML header every article starts with (keys in English, values in Chinese)."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] = Field(
        description="标题（同步到公众号时不超过 32 字）"
    )
    column: Text = Field(description="栏目名称，见 data/columns.yml")
    issue: int | None = Field(default=None, ge=1, description="期数，仅编号栏目（人社小课堂）使用")
    date: IsoDate = Field(description="发布日期（北京时间），YYYY-MM-DD；晚于今天即为定时发布")
    updated: IsoDate | None = Field(default=None, description="更新日期，YYYY-MM-DD")
    topics: list[Text] = Field(default_factory=list, description="主题，见 data/topics.yml")
    audiences: list[Text] = Field(default_factory=list, description="适用人群，见 data/audiences.yml")
    laws: list[Text] = Field(default_factory=list, description="引用的法律法规，如“劳动合同法 第八十二条”")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="摘要，用于列表、订阅源和分享卡片"
    )
    author: Text = Field(description="作者或供稿单位")
    review: Review | None = Field(default=None, description="最近一次法制审核（首次审核或修改、复核后的审核）；未经审核的文章不能发布")
    changes: list[ChangeNote] = Field(
        default_factory=list, description="更新记录：每次实质性修改写一条日期和说明，显示在标题下；修改后须重新法制审核"
    )
    wechat: Annotated[str, StringConstraints(pattern=r"^https://mp\.weixin\.qq\.com/\S+$")] | None = Field(
        default=None, description="公众号转载地址"
    )
    cover: Text | None = Field(default=None, description="封面图片，相对于文章所在目录")
    draft: bool = Field(default=False, description="草稿不发布")


Status = Literal["published", "draft", "scheduled"]


@dataclass(frozen=True)
class Article:
    """An article that passed validation, with what the build needs to place it."""

    meta: FrontMatter
    column: Column
    slug: str
    source: Path
    body: str
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    body_line: int = 1

    @property
    def year(self) -> int:
        return self.meta.date.year

    @property
    def src_uri(self) -> str:
        """Where the article pretends to live in docs/, so relative links resolve beside it."""
        return f"{self.column.slug}/{self.year}/{self.slug}.md"

    @property
    def last_updated(self) -> Date | None:
        """The day of the latest change: ``updated`` or the newest change note."""
        dates = [note.date for note in self.meta.changes] + ([self.meta.updated] if self.meta.updated else [])
        return max(dates, default=None)

    @property
    def change_notes(self) -> list[ChangeNote]:
        """Newest first, as a reader wants them."""
        return sorted(self.meta.changes, key=lambda note: note.date, reverse=True)

    @property
    def url(self) -> str:
        return f"{self.column.slug}/{self.year}/{self.slug}/"

    def status(self, today: Date) -> Status:
        if self.meta.draft:
            return "draft"
        if self.meta.date > today:
            return "scheduled"
        return "published"
