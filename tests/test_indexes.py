"""Topic, audience, law and archive pages, and related articles, on the built sample site."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import CORPUS, SAMPLE_TODAY
from htmltools import links, read

from pufa.content.corpus import load_site
from pufa.content.indexes import RelatedArticles, cited_law_sets
from pufa.shared.clock import parse_iso_date

SITE = load_site(CORPUS)
VISIBLE = SITE.visible(parse_iso_date(SAMPLE_TODAY), preview=False)


def overview_counts(html: str) -> dict[str, int]:
    """'slug' → the count shown beside it on an overview page."""
    found = re.findall(r'href="(?:\.\./)?([a-z0-9-]+)/">[^<]+</a><span class="pufa-count">（(\d+) 篇）', html)
    return {slug: int(count) for slug, count in found}


@pytest.mark.parametrize("field, registry", [("topics", SITE.registries.topics), ("audiences", SITE.registries.audiences)])
def test_every_used_term_has_a_page_whose_entries_match_the_overview_count(sample_site: Path, field, registry):
    counts = overview_counts(read(sample_site, f"/{field}/"))
    used = {t.slug for t in registry if any(t.name in getattr(a.meta, field) for a in VISIBLE)}
    assert set(counts) == used and len(used) >= 5
    for slug, count in counts.items():
        listed = links(read(sample_site, f"/{field}/{slug}/"), "pufa-entry__title")
        assert len(listed) == count, slug
    for term in registry:
        assert (sample_site / field / term.slug).exists() == (term.slug in used)


def test_terms_are_sorted_by_pinyin(sample_site: Path):
    html = read(sample_site, "/topics/")
    names = re.findall(r'<li>(?:<a href="[^"]+">)?([^<（]+)', html.split('class="pufa-terms"')[1])
    from pufa.shared.formats import pinyin
    assert names == sorted(names, key=lambda name: (pinyin(name), name))
    assert names[0] == "带薪年休假"


def test_every_cited_law_has_a_page_with_matching_counts(sample_site: Path):
    counts = overview_counts(read(sample_site, "/laws/"))
    cited = {c.law.slug for a in VISIBLE for c in SITE.citations[a.slug]}
    assert set(counts) == cited
    for slug, count in counts.items():
        html = read(sample_site, f"/laws/{slug}/")
        assert f"本站共有 {count} 篇文章引用本法规" in html


def test_a_citation_only_in_the_body_is_listed_under_its_article(sample_site: Path):
    case = next(a for a in VISIBLE if a.slug == "weiqian-hetong-erbei-gongzi-caijue")
    assert not any(law.startswith("劳动合同法 第八十二条") for law in case.meta.laws)
    html = read(sample_site, "/laws/laodong-hetong-fa/")
    section = html.split('id="tiao-82"')[1].split("<h2")[0]
    assert "weiqian-hetong-erbei-gongzi-caijue" in section
    assert "第八十二条" in html.split('id="tiao-82"')[1][:200]


def test_the_archive_counts_every_article_by_year_and_month(sample_site: Path):
    html = read(sample_site, "/archive/")
    assert f"全部 {len(VISIBLE)} 篇文章" in html
    for year in {a.year for a in VISIBLE}:
        count = len([a for a in VISIBLE if a.year == year])
        assert re.search(rf'{year}年<span class="pufa-count">（{count} 篇）</span>', html)
    month_counts = [int(n) for n in re.findall(r'<h3[^>]*>\d{4}年\d+月<span class="pufa-count">（(\d+) 篇）', html)]
    assert sum(month_counts) == len(VISIBLE)


def shared(one, other) -> int:
    """How much two sample articles have in common: topics and cited laws."""
    def keys(article):
        return {("topic", t) for t in article.meta.topics} | {("law", c.law.slug) for c in SITE.citations[article.slug]}
    return len(keys(one) & keys(other))


def test_related_articles_are_those_sharing_the_most_newest_first_and_never_the_article():
    related_to = RelatedArticles(VISIBLE, cited_law_sets(SITE.citations))
    for article in VISIBLE:
        ranked = sorted((a for a in VISIBLE if a is not article and shared(article, a)),
                        key=lambda a: -shared(article, a))  # stable: newest first on ties
        assert related_to.of(article) == ranked[:5]
        assert related_to.of(article, limit=2) == ranked[:2]


def test_related_ties_go_to_the_newest(project):
    project.article("ketang/2023/yi.md", issue=1, date="2023-01-01")
    for n, day in enumerate(["2023-02-01", "2023-05-01", "2023-03-01", "2023-04-01", "2023-06-01", "2023-07-01"], 2):
        project.article(f"ketang/2023/a{n}.md", issue=n, date=day)
    site = load_site(project.root)
    me = next(a for a in site.articles if a.slug == "yi")
    related = RelatedArticles(list(site.articles), cited_law_sets(site.citations)).of(me)
    assert [a.meta.date.month for a in related] == [7, 6, 5, 4, 3]


def test_drafts_are_never_related_or_indexed(project):
    project.article("ketang/2023/yi.md", issue=1, date="2023-01-01")
    project.article("ketang/2023/cao-gao.md", issue=2, date="2023-02-01", extra="draft: true")
    result = project.build()
    assert result.returncode == 0, result.output
    for page in ("/ketang/2023/yi/", "/topics/gongzi-zhifu/", "/laws/laodong-hetong-fa/", "/archive/"):
        assert "cao-gao" not in read(result.site, page)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sets(st.sampled_from("abcdef"), max_size=4), st.sets(st.sampled_from("xyz"), max_size=3)),
                min_size=1, max_size=25),
       st.integers(0, 7))
def test_related_articles_are_the_most_sharing_newest_first_for_any_topics_and_laws(keys, limit):
    """Against counting what each pair shares, for articles with any topics and laws."""
    articles = [SimpleNamespace(slug=f"a{n}", meta=SimpleNamespace(topics=sorted(topics))) for n, (topics, _) in enumerate(keys)]
    laws = {f"a{n}": frozenset(cited) for n, (_, cited) in enumerate(keys)}
    outsider = SimpleNamespace(slug="outsider", meta=SimpleNamespace(topics=["a", "b"]))
    laws["outsider"] = frozenset("x")
    related_to = RelatedArticles(articles, laws)

    def shared(one, other) -> int:
        return len(set(one.meta.topics) & set(other.meta.topics)) + len(laws[one.slug] & laws[other.slug])

    for article in [*articles, outsider]:
        ranked = sorted((a for a in articles if a is not article and shared(article, a)), key=lambda a: -shared(article, a))
        assert related_to.of(article, limit=limit) == ranked[:limit]
