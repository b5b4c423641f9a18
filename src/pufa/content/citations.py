"""Which laws, and which of their articles, an article cites.

Citations come from two places: the `laws` front matter ("劳动合同法 第八十二条") and the
text itself, written the way the trade writes it: 《中华人民共和国劳动合同法》（以下简称
《劳动合同法》）第八十二条, then 《劳动合同法》第十条、第十四条, 第十九条至第二十一条, or a
bare 第三十八条第一款 that refers to the law named last in the same paragraph, or a registered title without 书名号 right before an article number
(as statutes quote each other: 依照劳动合同法第八十二条). Numbers are
Chinese numerals (第二百七十六条之一) or digits.

A title in 书名号 that looks like a law (ends in 法, 条例, 规定, 办法, 解释 ...) and is
followed by an article number must be in data/laws.yml; other titles (《员工手册》) are
documents, not citations.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import total_ordering

from pufa.content.models import Article, Law
from pufa.shared.cache import Memo, content_hash, stamp
from pufa.shared.errors import Problem
from pufa.shared.validation import did_you_mean

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[零〇一二两三四五六七八九十百千\d]+"
_ARTICLE = rf"第(?P<number>{_NUM})条(?:之(?P<suffix>{_NUM}))?(?:第{_NUM}[款项])*"
_TITLE = r"《(?P<title>[^《》\n]{1,80})》"
_PAREN = r"(?P<paren>(?:[（(](?:[^（）()\n《》]|《[^《》\n]*》)*[）)])*)"
_FOLLOWING_ARTICLE = re.compile(rf"\s*(?:的)?{_ARTICLE}")
_ABBREVIATION = re.compile(r"简称《(?P<short>[^《》\n]{1,40})》")
_LAW_LIKE = re.compile(r"(法|条例|规定|办法|解释|通知|意见|决定|细则|指引|规则|修正案)(（[一二三四五六七八九十]+）)?$")
_RANGE_WORDS = ("至", "到", "—", "-", "～")


def chinese_number(text: str) -> int:
    """'八十二' → 82, '二百七十六' → 276, '十' → 10, '82' → 82."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"不是数字：{text}")
    return total + digit


def chinese_numeral(number: int) -> str:
    """82 → '八十二', 10 → '十', 105 → '一百零五' (for 1 to 9999)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number - 10] if number > 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit:
            if zero:
                parts.append("零")
            parts.append(digits[digit] + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


@total_ordering
@dataclass(frozen=True)
class ArticleNumber:
    """第八十二条 is (82, 0); 第二百七十六条之一 is (276, 1)."""

    number: int
    suffix: int = 0

    def __lt__(self, other: "ArticleNumber") -> bool:
        return (self.number, self.suffix) < (other.number, other.suffix)

    @property
    def anchor(self) -> str:
        """A stable ASCII id for this article's section on the law's page."""
        return f"tiao-{self.number}" + (f"-{self.suffix}" if self.suffix else "")

    @property
    def label(self) -> str:
        label = f"第{chinese_numeral(self.number)}条"
        return label + (f"之{chinese_numeral(self.suffix)}" if self.suffix else "")


@dataclass(frozen=True)
class Citation:
    """A law, and the article of it cited (None when the law is cited as a whole)."""

    law: Law
    article: ArticleNumber | None = None


class LawBook:
    """Finds a law by any of its titles: short, full, 中华人民共和国-less, or an alias."""

    def __init__(self, laws: tuple[Law, ...]):
        self.laws = laws
        self._by_title: dict[str, Law] = {}
        for law in laws:
            for title in (law.short, law.name, law.name.removeprefix("中华人民共和国"), *law.aliases):
                self._by_title.setdefault(title, law)
        # Quoted statutes name each other without 书名号 ("依照劳动合同法第八十二条"): a registered
        # title directly before an article number counts too, the longest title first.
        bare = "|".join(re.escape(t) for t in sorted(self._by_title, key=len, reverse=True))
        self.token = re.compile(rf"{_TITLE}{_PAREN}|(?P<bare>{bare})(?=第{_NUM}条)|{_ARTICLE}")

    def find(self, title: str) -> Law | None:
        return self._by_title.get(title.strip())

    def suggest(self, title: str) -> str:
        return did_you_mean(title, self._by_title)


def _article_number(match: re.Match[str]) -> ArticleNumber:
    suffix = match.group("suffix")
    return ArticleNumber(chinese_number(match.group("number")), chinese_number(suffix) if suffix else 0)


@functools.lru_cache(maxsize=4096)
def article_number(text: str) -> ArticleNumber | None:
    """'第八十二条' or '第二百七十六条之一' → ArticleNumber; anything else → None."""
    match = re.fullmatch(_ARTICLE, text.strip())
    return _article_number(match) if match else None


def parse_front_matter_law(entry: str, book: LawBook) -> Citation | str:
    """'劳动合同法 第八十二条' → Citation, or a message saying what is wrong."""
    name, _, rest = entry.strip().partition(" ")
    law = book.find(name)
    if law is None:
        return f"未登记的法律“{name}”{book.suggest(name)}，请在 data/laws.yml 中登记或改用登记的简称"
    rest = rest.strip()
    if not rest:
        return Citation(law)
    match = re.fullmatch(_ARTICLE, rest)
    if match is None:
        return f"“{rest}”不是条文编号，应写作“第八十二条”“第三十八条第一款第三项”等"
    return Citation(law, _article_number(match))


def text_citations_memo(book: LawBook) -> Memo:
    """What cited_in_text found in a body, by the body, for a book of the same titles: as
    [slug, number, suffix] (or [slug] for a whole law), and problems as [message, line]."""
    titles = stamp(*((law.slug, law.short, law.name, *law.aliases) for law in book.laws))
    return Memo("text-citations", {"laws": titles}, lambda value: (
        isinstance(value, dict) and isinstance(value.get("citations"), list) and isinstance(value.get("problems"), list)))


def cited_in_text(article: Article, book: LawBook, memo: Memo | None = None) -> tuple[list[Citation], list[Problem]]:
    """Citations written in the body, in order of appearance, and unknown laws as Problems
    (through ``memo`` when given: see text_citations_memo)."""
    if memo is None:
        return _cited_in_text(article, book)
    key = content_hash(article.body, str(article.body_line))
    known = memo.lookup(key)
    by_slug = {law.slug: law for law in book.laws}
    if known is not None:
        try:
            return ([Citation(by_slug[c[0]], ArticleNumber(c[1], c[2]) if len(c) == 3 else None) for c in known["citations"]],
                    [Problem(article.source, message, line) for message, line in known["problems"]])
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # not what this code stores: found again below
    citations, problems = _cited_in_text(article, book)
    memo.put(key, {
        "citations": [[c.law.slug] + ([c.article.number, c.article.suffix] if c.article else []) for c in citations],
        "problems": [[p.message, p.line] for p in problems],
    })
    return citations, problems


def _cited_in_text(article: Article, book: LawBook) -> tuple[list[Citation], list[Problem]]:
    citations: list[Citation] = []
    problems: list[Problem] = []
    abbreviations: dict[str, Law] = {}
    line = article.body_line
    for paragraph in re.split(r"(\n[ \t>]*\n)", article.body):
        current: Law | None = None
        previous: tuple[int, ArticleNumber] | None = None  # end offset and number of the last article
        for match in book.token.finditer(paragraph):
            if match.group("bare") is not None:
                current, previous = book.find(match.group("bare")), None
                continue
            if match.group("title") is not None:
                title = match.group("title")
                law = abbreviations.get(title) or book.find(title)
                following = _FOLLOWING_ARTICLE.match(paragraph, match.end())
                if law is not None:
                    for short in _ABBREVIATION.findall(match.group("paren") or ""):
                        abbreviations[short] = law
                    if following is None:
                        citations.append(Citation(law))
                elif following is not None and _LAW_LIKE.search(title):
                    where = line + paragraph.count("\n", 0, match.start())
                    problems.append(Problem(
                        article.source,
                        f"引用了未登记的法律《{title}》{following.group(0).strip()}{book.suggest(title)}："
                        "请在 data/laws.yml 中登记，或在首次引用时注明“（以下简称《…》）”",
                        where,
                    ))
                current, previous = law, None
                continue
            if current is None:
                continue
            number = _article_number(match)
            between = paragraph[previous[0] : match.start()].strip() if previous else ""
            if previous and between in _RANGE_WORDS and previous[1].number < number.number:
                citations += [Citation(current, ArticleNumber(n)) for n in range(previous[1].number + 1, number.number)]
            citations.append(Citation(current, number))
            previous = (match.end(), number)
        line += paragraph.count("\n")
    return citations, problems


def article_citations(article: Article, book: LawBook, memo: Memo | None = None) -> tuple[tuple[Citation, ...], list[Problem]]:
    """All distinct citations of an article (front matter first, then text), and problems
    (``memo``: see text_citations_memo)."""
    found: list[Citation] = []
    problems: list[Problem] = []
    for entry in article.meta.laws:
        result = parse_front_matter_law(entry, book)
        if isinstance(result, str):
            problems.append(Problem(article.source, result, article.key_lines.get("laws"), "laws"))
        else:
            found.append(result)
    in_text, text_problems = cited_in_text(article, book, memo)
    found += in_text
    return tuple(dict.fromkeys(found)), problems + text_problems
