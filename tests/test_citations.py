"""Finding citations of laws in front matter and in the text, the way the trade writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS

from pufa.content.citations import (
    ArticleNumber,
    LawBook,
    chinese_number,
    chinese_numeral,
    cited_in_text,
    parse_front_matter_law,
)
from pufa.content.models import Article
from pufa.content.registry import load_registries

BOOK = LawBook(load_registries(CORPUS / "data", CORPUS).laws)


@pytest.mark.parametrize("text, number", [
    ("一", 1), ("十", 10), ("十四", 14), ("二十", 20), ("八十二", 82), ("一百零五", 105),
    ("二百七十六", 276), ("一千零一", 1001), ("82", 82), ("两百", 200),
])
def test_chinese_numbers(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize("number", [1, 9, 10, 11, 19, 20, 82, 100, 105, 110, 276, 1001, 1010])
def test_numerals_round_trip(number):
    assert chinese_number(chinese_numeral(number)) == number


def cites(body: str) -> list[str]:
    article = Article.__new__(Article)
    object.__setattr__(article, "body", body)
    object.__setattr__(article, "body_line", 10)
    object.__setattr__(article, "source", Path("articles/x.md"))
    citations, problems = cited_in_text(article, BOOK)
    assert not problems, problems
    return [c.law.short + (c.article.label if c.article else "") for c in citations]


@pytest.mark.parametrize("body, expected", [
    ("依据《中华人民共和国劳动合同法》（以下简称《劳动合同法》）第八十二条规定，……之后《劳动合同法》第十条也规定",
     ["劳动合同法第八十二条", "劳动合同法第十条"]),
    ("《劳动合同法》第三十八条第一款第三项", ["劳动合同法第三十八条"]),
    ("《工伤保险条例》第十四条、第十五条和第十六条", ["工伤保险条例第十四条", "工伤保险条例第十五条", "工伤保险条例第十六条"]),
    ("《劳动合同法》第十九条至第二十一条", ["劳动合同法第十九条", "劳动合同法第二十条", "劳动合同法第二十一条"]),
    ("《中华人民共和国刑法》第二百七十六条之一", ["刑法第二百七十六条之一"]),
    ("《保障农民工工资支付条例》（国务院令第724号）第三十条", ["保障农民工工资支付条例第三十条"]),
    ("《工伤保险条例》（以下简称《条例》）规定了工伤。\n\n《条例》第十七条", ["工伤保险条例", "工伤保险条例第十七条"]),
    ("应当依照劳动合同法第八十二条的规定", ["劳动合同法第八十二条"]),
    ("《劳动法》第44条", ["劳动法第四十四条"]),
    ("违反《员工手册》第十二条，又见第三条", []),
    ("第十条规定", []),
    ("《劳动合同法》第十条。\n\n另起一段，第二十条", ["劳动合同法第十条"]),
    ("> 《劳动争议调解仲裁法》第二十七条：……\n> 前款规定的仲裁时效，因当事人一方向对方当事人主张权利……第二十八条",
     ["劳动争议调解仲裁法第二十七条", "劳动争议调解仲裁法第二十八条"]),
])
def test_citations_in_text(body, expected):
    assert cites(body) == expected


def test_a_law_like_title_missing_from_the_registry_is_an_error_with_its_line():
    article = Article.__new__(Article)
    object.__setattr__(article, "body", "第一段。\n\n根据《某某省工资支付条例》第十条，\n")
    object.__setattr__(article, "body_line", 14)
    object.__setattr__(article, "source", Path("articles/anli/2023/x.md"))
    _, problems = cited_in_text(article, BOOK)
    [problem] = problems
    assert str(problem).startswith("articles/anli/2023/x.md:16: 引用了未登记的法律《某某省工资支付条例》第十条")


@pytest.mark.parametrize("entry, expected", [
    ("劳动合同法 第八十二条", ("劳动合同法", ArticleNumber(82))),
    ("中华人民共和国劳动合同法 第八十二条", ("劳动合同法", ArticleNumber(82))),
    ("刑法 第二百七十六条之一", ("刑法", ArticleNumber(276, 1))),
    ("工伤保险条例 第十四条第六项", ("工伤保险条例", ArticleNumber(14))),
    ("电子劳动合同订立指引", ("电子劳动合同订立指引", None)),
])
def test_front_matter_laws(entry, expected):
    citation = parse_front_matter_law(entry, BOOK)
    assert (citation.law.short, citation.article) == expected


@pytest.mark.parametrize("entry, message", [
    ("劳动合同发 第八十二条", "未登记的法律“劳动合同发”（是否为“劳动合同法”？）"),
    ("劳动合同法 八十二条", "“八十二条”不是条文编号"),
])
def test_bad_front_matter_laws_say_what_is_wrong(entry, message):
    assert message in parse_front_matter_law(entry, BOOK)


def test_an_unknown_law_fails_the_load_naming_the_file_and_field(project):
    project.article("ketang/2023/yi.md", extra="")
    path = project.root / "articles/ketang/2023/yi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("劳动合同法 第三十条", "劳动合同发 第三十条"), "utf-8")
    from pufa.content.corpus import load_site
    from pufa.shared.errors import ContentError
    with pytest.raises(ContentError) as caught:
        load_site(project.root)
    assert "articles/ketang/2023/yi.md:8: laws: 未登记的法律“劳动合同发”" in str(caught.value)
