"""A synthetic site at the size of a city bureau's, for the build benchmark.

Seeded, so two runs write the same bytes. It writes two sites side by side:
``pufa/`` is this project (its mkdocs.yml, docs/, hooks/ and registries) with N generated
articles, M penalty decisions, a blacklist and K reading snapshots; ``bare/`` holds the same
article Markdown as plain pages under bare Material with Chinese search and no hooks, the
yardstick the build is measured against. Article text is recombined from the sample
articles' own paragraphs, so it reads like the real thing, cites real laws and holds the
same kinds of numbers, and the dictionary words, headings and line lengths are realistic.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 1)
"""The day the benchmark builds as (PUFA_TODAY): articles run up to it, decisions expire by it."""
FIRST_DAY = date(2019, 1, 1)
REGISTRIES = ("columns.yml", "topics.yml", "audiences.yml", "laws.yml", "search_terms.txt", "disclosure.yml")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_PROTECTED = re.compile(r"(《[^》]*》(?:第[零一二三四五六七八九十百]+条)?|第[零一二三四五六七八九十百]+[条款项])")
_PLAIN_PARAGRAPH = re.compile(r"^[^\[\]<>|!#*`\-\d>:]")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_SHOP_NAMES = "恒达 盛安 鑫源 华建 宏图 永兴 顺捷 广厦 瑞丰 金诚 利民 新程 远航 同创 德信 嘉禾".split()
_TRADES = "建筑劳务 餐饮管理 物流 商贸 电子科技 物业服务 装饰工程 服装制造 保洁服务 汽车维修".split()
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random) -> str:
    """A well-formed 统一社会信用代码 (letters inside, so never an ID number)."""
    body = "91000000MA" + "".join(rng.choice(_CREDIT_CHARS) for _ in range(7))
    total = sum(_CREDIT_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


class TextPool:
    """Paragraphs, titles and front-matter citations taken from the sample articles."""

    def __init__(self, articles_dir: Path, laws: list[dict]):
        titles = {law["short"] for law in laws} | {law["name"] for law in laws}
        titles |= {alias for law in laws for alias in law.get("aliases", [])}
        self.paragraphs: list[str] = []
        self.titles: list[str] = []
        self.citations: list[str] = []
        self.slugs: list[str] = []
        for path in sorted(articles_dir.rglob("*.md")):
            _, front, body = path.read_text(encoding="utf-8").split("---", 2)
            meta = yaml.safe_load(front)
            self.titles.append(meta["title"])
            self.citations += meta.get("laws", [])
            self.slugs.append(path.stem)
            for block in body.split("\n\n"):
                block = block.strip()
                cited = set(re.findall(r"《(.+?)》", block))
                if (len(block) > 40 and "\n" not in block and _PLAIN_PARAGRAPH.match(block)
                        and cited <= titles and "以下简称" not in block and not set(block) & set("[]<>|`")):  # abbreviations are defined once
                    self.paragraphs.append(block)
        self.citations = sorted(set(self.citations))
        import jieba  # the generator's own use; jieba's stock dictionary

        jieba.setLogLevel(60)
        self._cut = jieba.Tokenizer().lcut
        self.words = sorted({word for paragraph in self.paragraphs for word in self._cut(paragraph)
                             if len(word) == 2 and _HAN_WORD.fullmatch(word)})

    def varied(self, rng: random.Random, text: str, share: float = 0.3) -> str:
        """``text`` with about ``share`` of its two-character words swapped for others: real
        articles rarely repeat a sentence, and a benchmark whose text repeats would flatter
        any cache keyed by text. Law titles and article numbers are kept, so citations hold."""
        pieces = _PROTECTED.split(text)
        for index in range(0, len(pieces), 2):  # the protected pieces are at odd positions
            words = self._cut(pieces[index])
            pieces[index] = "".join(rng.choice(self.words) if len(word) == 2 and _HAN_WORD.fullmatch(word)
                                    and rng.random() < share else word for word in words)
        return "".join(pieces)


def _article(rng: random.Random, pool: TextPool, column: dict, number: int, day: date, issue: int | None,
             topics: list[str], audiences: list[str]) -> tuple[str, str]:
    """(slug, file text) of one article of 800–2,500 characters under the column's headings."""
    slug = f"{rng.choice(pool.slugs)}-{number:05d}"
    target = rng.randint(800, 2500)
    sections = column.get("sections") or ["要点", "政策依据", "温馨提示"]
    parts, length = [pool.varied(rng, rng.choice(pool.paragraphs))], 0
    for heading in sections:
        parts.append(f"## {heading}")
        for _ in range(max(1, target // (len(sections) * 180))):
            paragraph = pool.varied(rng, rng.choice(pool.paragraphs))
            parts.append(paragraph)
            length += len(paragraph)
        if rng.random() < 0.15:
            parts.append("- 带齐身份证件和劳动合同\n- 保留工资条、考勤记录等证据\n- 拨打 12333 咨询")
    if rng.random() < 0.3:
        parts.append('!!! tip "温馨提示"\n\n    遇到问题，可拨打 12333 人社服务热线咨询，或到区人社局服务大厅办理。')
    review = day - timedelta(days=rng.randint(1, 10))
    front = {
        "title": f"{pool.varied(rng, rng.choice(pool.titles))}（第{number}篇）",
        "column": column["name"],
        **({"issue": issue} if issue else {}),
        "date": day,
        "topics": topics,
        "audiences": audiences,
        "laws": rng.sample(pool.citations, rng.randint(1, 3)),
        "summary": pool.varied(rng, rng.choice(pool.paragraphs))[:60],
        "author": rng.choice(["政策法规科", "劳动保障监察大队", "劳动人事争议仲裁院", "社会保险科"]),
        "review": {"reviewer": "王某", "date": review},
    }
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return slug, f"---\n{header}---\n\n" + "\n\n".join(parts) + "\n"


def write_articles(site: Path, bare_docs: Path, n: int, rng: random.Random) -> list[str]:
    """N articles across both columns and eight years; returns their site paths (column/year/slug)."""
    pool = TextPool(ROOT / "articles", yaml.safe_load((ROOT / "data" / "laws.yml").read_text(encoding="utf-8")))
    columns = yaml.safe_load((ROOT / "data" / "columns.yml").read_text(encoding="utf-8"))
    topics = [t["name"] for t in yaml.safe_load((ROOT / "data" / "topics.yml").read_text(encoding="utf-8"))]
    audiences = [a["name"] for a in yaml.safe_load((ROOT / "data" / "audiences.yml").read_text(encoding="utf-8"))]
    span = (TODAY - FIRST_DAY).days
    days = sorted(FIRST_DAY + timedelta(days=rng.randrange(span)) for _ in range(n))
    issues: dict[tuple[str, int], int] = {}
    paths = []
    for number, day in enumerate(days, 1):
        column = columns[number % 3 == 0]  # two lessons for each case
        issue = None
        if column.get("numbered"):
            issue = issues[column["slug"], day.year] = issues.get((column["slug"], day.year), 0) + 1
        slug, text = _article(rng, pool, column, number, day, issue,
                              rng.sample(topics, rng.randint(1, 4)), rng.sample(audiences, rng.randint(1, 2)))
        relative = f"{column['slug']}/{day.year}/{slug}.md"
        for folder in (site / "articles", bare_docs):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text, encoding="utf-8")
        paths.append(relative[:-3])
    return paths


def write_disclosure(data: Path, m: int, listed: int, rng: random.Random) -> None:
    """M penalty decisions over the last four years (some past their display period) and
    ``listed`` blacklist entries, each after one of the wage-arrears decisions."""
    for folder in ("penalties", "blacklist"):
        shutil.rmtree(data / folder, ignore_errors=True)
        (data / folder).mkdir()
    per_year: dict[int, int] = {}
    arrears = []
    for n in range(m):
        day = TODAY - timedelta(days=rng.randrange(4 * 365))
        seq = per_year[day.year] = per_year.get(day.year, 0) + 1
        number = f"示人社监罚〔{day.year}〕{seq}号"
        party = f"示例区{rng.choice(_SHOP_NAMES)}{rng.choice(_TRADES)}有限公司第{n + 1}分公司"
        boss = rng.choice(_SURNAMES) + rng.choice("建国 志强 秀英 海燕 国平 立新".split())
        workers = rng.randint(2, 60)
        owed = round(workers * rng.randint(3000, 9000) * rng.randint(1, 4), 2)
        worker = rng.choice(_SURNAMES) + rng.choice("小兵 大山 春梅 德明".split())
        record = {
            "decision_number": number,
            "party": party,
            "credit_code": _credit_code(rng),
            "legal_representative": boss,
            "violation_type": "未及时支付劳动报酬" if n % 3 else "未依法订立书面劳动合同",
            "facts": f"经查，{party}拖欠工人{worker}等{workers}名劳动者工资共计{owed:,.2f}元。本机关责令其限期支付，该公司逾期仍未支付。",
            "basis": "《劳动保障监察条例》第二十六条",
            "category": "罚款",
            "content": f"责令支付拖欠的劳动报酬，罚款{workers * 1000}元",
            "fine": workers * 1000,
            "decision_date": day,
            "authority": "示例区人力资源和社会保障局",
            "authority_code": "11000000MB00000014",
            "workers": workers,
            "wages_owed": owed,
        }
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
        (data / "penalties" / f"{day.year}-{seq:03d}.yml").write_text(text, encoding="utf-8")
        if n % 3:
            arrears.append(record)
    for n, penalty in enumerate(sorted(arrears, key=lambda r: r["decision_date"], reverse=True)[:listed], 1):
        listing = penalty["decision_date"] + timedelta(days=12)
        entry = {
            "decision_number": f"示人社失信〔{listing.year}〕{n}号",
            "employer": penalty["party"],
            "credit_code": penalty["credit_code"],
            "responsible_persons": [penalty["legal_representative"]],
            "workers": penalty["workers"],
            "amount": penalty["wages_owed"],
            "grounds": f"拖欠{penalty['workers']}名农民工工资，经责令限期支付仍拒不支付",
            "basis": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条第一项",
            "authority": "示例区人力资源和社会保障局",
            "listing_date": min(listing, TODAY),
            "penalty": penalty["decision_number"],
        }
        text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
        (data / "blacklist" / f"{n:03d}.yml").write_text(text, encoding="utf-8")


def write_snapshots(data: Path, paths: list[str], k: int, rng: random.Random) -> None:
    """K reading snapshots (web and WeChat, quarter ends) spread over the articles."""
    quarters = [date(y, m, d) for y in range(2019, 2027) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
                if date(y, m, d) <= TODAY]
    lines = ["article,source,as_of,reads,readers\n"]
    count = 0
    while count < k:
        for path in paths:
            for source in ("web", "wechat"):
                if count >= k:
                    break
                reads = 0
                for as_of in quarters[rng.randrange(len(quarters)):]:
                    if count >= k:
                        break
                    reads += rng.randint(5, 400)
                    lines.append(f"{path},{source},{as_of.isoformat()},{reads},{reads * 3 // 4}\n")
                    count += 1
        if len(paths) == 0:
            break
    (data / "stats").mkdir(exist_ok=True)
    (data / "stats" / "reads.csv").write_text("".join(lines), encoding="utf-8")


BARE_CONFIG = """\
site_name: 示例区人社普法
site_url: https://pufa.example.gov.cn/
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      lang: zh
      separator: '[\\s\\u200b\\-_,:!=\\[\\]()"`/，。、：；！？（）《》“”]+'
markdown_extensions:
  - toc:
      permalink: "¶"
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.superfences
nav:
  - 首页: index.md
"""


def make_sites(dest: Path, n: int, m: int, k: int, seed: int = 16) -> tuple[Path, Path]:
    """Write ``dest/pufa`` and ``dest/bare``; returns both folders."""
    rng = random.Random(seed)
    site, bare = dest / "pufa", dest / "bare"
    shutil.rmtree(dest, ignore_errors=True)
    for folder in ("docs", "hooks"):
        shutil.copytree(ROOT / folder, site / folder)
    shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
    (site / "data").mkdir(parents=True)
    for name in REGISTRIES:
        shutil.copy(ROOT / "data" / name, site / "data" / name)
    (bare / "docs").mkdir(parents=True)
    (bare / "docs" / "index.md").write_text("# 示例区人社普法\n\n人社小课堂与以案释法。\n", encoding="utf-8")
    (bare / "mkdocs.yml").write_text(BARE_CONFIG, encoding="utf-8")
    paths = write_articles(site, bare / "docs", n, rng)
    write_disclosure(site / "data", m, min(100, m), rng)
    write_snapshots(site / "data", paths, k, rng)
    return site, bare


def main() -> None:
    parser = argparse.ArgumentParser(description="写出用于性能测试的合成网站（pufa 与对照的 Material）")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--n", type=int, default=2000, help="文章数")
    parser.add_argument("--m", type=int, default=1000, help="行政处罚决定数")
    parser.add_argument("--k", type=int, default=100_000, help="阅读统计快照行数")
    args = parser.parse_args()
    site, bare = make_sites(args.dest, args.n, args.m, args.k)
    print(f"{site}\n{bare}")


if __name__ == "__main__":
    main()
