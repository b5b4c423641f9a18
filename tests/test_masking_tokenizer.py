"""Masking gives the same text whatever else the process did to jieba's shared dictionary.

The build registers the site's search words with jieba for Material's search; `pufa
penalties import` does not. If masking shared that dictionary, a name glued to the next
character by a registered word (刘德华等 as one word) would no longer be tagged as a name,
and the build would publish what the import masked."""

from __future__ import annotations

import jieba

from pufa.privacy.masking import mask_personal_data
from pufa.site.build import SiteBuild

TEXTS = [
    "据投诉，刘德华等3人的工资被拖欠。",
    "经查，王小明未按时支付工资。",
    "张伟明称公司不发工资，工人李建国、孙立平等到场。",
]
GLUED = ["刘德华等", "王小明未", "张伟明称", "李建国、孙"]


def masked_all() -> list[str]:
    return [mask_personal_data(text).text for text in TEXTS]


def test_words_added_to_jieba_elsewhere_change_nothing_masking_does(project):
    as_imported = masked_all()  # what `pufa penalties import` writes, before any build
    assert as_imported == [
        "据投诉，刘某某等3人的工资被拖欠。",
        "经查，王某某未按时支付工资。",
        "张某某称公司不发工资，工人李某某、孙某某等到场。",
    ]
    project.article("ketang/2023/yi.md")
    build = SiteBuild.from_mkdocs(
        {"config_file_path": str(project.root / "mkdocs.yml"), "site_url": "https://x.gov.cn/", "site_name": "站"},
        "build",
    )
    build.register_search_words()  # a first build
    assert masked_all() == as_imported
    build.register_search_words()  # a `mkdocs serve` rebuild registers them again
    for word in GLUED:
        jieba.add_word(word)  # the worst a shared dictionary could meet
    assert masked_all() == as_imported  # (conftest gives the next test jieba's dictionary as loaded)


def test_slugs_do_not_change_with_words_registered_for_search():
    from pufa.content.slugs import slugify_title

    before = slugify_title("工伤认定申请被拒怎么办")
    jieba.add_word("工伤认定")
    assert slugify_title("工伤认定申请被拒怎么办") == before
