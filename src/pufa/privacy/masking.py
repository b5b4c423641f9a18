"""Masking personal data in free text written by inspectors (违法事实, 处罚内容, 列入事由).

Names of natural persons other than those the rules say to publish become 张某某, and ID
numbers, phone numbers, bank accounts and home addresses are replaced. It masks anything
that looks like one, check digit or not: a mistyped ID number is still somebody's. (The
build's detector, which must not cry wolf, is scanner.py.)

Masking segments with jieba's stock dictionary (pufa.shared.segmenter), not the shared one
the build adds the site's terms to: a name cut differently there would be masked differently
by `pufa penalties import`, a first build and a `mkdocs serve` rebuild.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from pufa.privacy.identifiers import NUMBER_RUN, digits_of, number_kind, plain_digits
from pufa.shared.cache import Memo, content_hash
from pufa.shared.segmenter import stock_tagger

COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里"
).split()
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴"
)
PERSON_CONTEXT = (
    "工人|职工|劳动者|员工|农民工|务工人员|投诉人|举报人|项目经理|负责人|包工头|班组长|"
    "实际施工人|出纳|会计|法定代表人|股东|经理|主管|厂长|老板"
)
_RUN_LABELS = {"id": "（身份证号已隐去）", "mobile": "（电话已隐去）", "card": "（账号已隐去）"}
_ROLES = PERSON_CONTEXT.split("|") + ["申请人", "被申请人", "当事人"]
_ID_LABELLED = re.compile(r"((?:公民)?(?:身份证号码?|身份证|证件号码?)[：:为是]?\s*)[\dXx][\dXx \-]{13,20}[\dXx]", re.ASCII)
_CARD_LABELLED = re.compile(r"((?:银行)?(?:卡号|账号|银行账户|工资卡号?)[：:为是]?\s*)\d[\d \-]{10,}\d", re.ASCII)
_PHONE_LABELLED = re.compile(r"((?:联系)?(?:电话|手机|手机号码?|联系方式|联系人)[：:为是]?\s*)\+?\d[\d\- ]{6,}\d", re.ASCII)
_ADDRESS = re.compile(
    r"((?:家庭住址|居住地址|现住址|住址|家住|现住|现居|暂住于?|住在|居住于|居住在|户籍地址?|户籍所在地|户籍)[：:为是在于]?\s*)"
    r"[^，。；;,、（）()\n]{2,60}"
)


def _surname_of(name: str) -> str | None:
    if name[:2] in COMPOUND_SURNAMES and len(name) >= 3:
        return name[:2]
    return name[0] if name[0] in SURNAMES else None


def mask_name(name: str) -> str:
    """张三丰 → 张某某, 李四 → 李某, 欧阳娜娜 → 欧阳某某."""
    surname = _surname_of(name) or name[0]
    return surname + "某" * (len(name) - len(surname))


def _looks_like_name(word: str) -> bool:
    return (
        2 <= len(word) <= 4
        and "某" not in word
        and _surname_of(word) is not None
        and not any(word.startswith(role) for role in _ROLES)  # 申请人 is not Mr 申
    )


def _name_at(text: str, start: int, known: list[str]) -> str | None:
    """The person's name starting at ``start``: one jieba found, else a surname and two more
    characters, or one when the second would be a word like 等, 于 or 称. When unsure it takes
    the longer name: masking one character too many is harmless, one too few leaks a name."""
    for name in known:
        if text.startswith(name, start):
            return name
    if _is_common_word(text[start : start + 2]) or _is_common_word(text[start : start + 3]):  # 申请仲裁, 花名册
        return None
    surname = text[start : start + 2] if text[start : start + 2] in COMPOUND_SURNAMES else text[start : start + 1]
    if not surname or _surname_of(surname + "某") != surname:
        return None
    given_end = start + len(surname)
    given = text[given_end : given_end + 2]
    if not given or not _is_han(given[0]) or given[0] in _NAME_ENDS:
        return None
    length = 1 if len(given) < 2 or not _is_han(given[1]) or given[1] in _NAME_ENDS else 2
    name = text[start : given_end + length]
    return name if _looks_like_name(name) else None


_NAME_ENDS = set("等于在的称向已共和与及为被将是也均都")
_COMPANY_WORDS = ("公司", "集团", "建筑", "劳务", "工程", "有限", "科技", "商贸", "物业", "餐饮", "酒店", "服务", "项目")


def _is_common_word(word: str) -> bool:
    """A word in jieba's dictionary that is not a person's name (尚未, 申请, 解除, 应当)."""
    flag = stock_tagger().word_tag_tab.get(word)
    return flag is not None and not flag.startswith("nr")


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def masking_memo() -> Memo:
    """A memo for mask_personal_data, whose name tagging is the slowest step of a build's
    disclosure pages (about 5 s for 1,000 decisions). It holds only the masked text, by a
    hash of the original: nothing personal is written to .cache/."""
    import jieba

    return Memo("masked-text", {"jieba": jieba.__version__}, lambda value: (
        isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)))


def person_names(text: str) -> list[str]:
    """Names of natural persons in ``text``: what jieba tags as a person name, a name after a
    word like 工人 or 劳动者, and the other names in a list (张三、李四等) with such a name."""
    names: list[str] = []
    words = list(stock_tagger().cut(text))
    for index, word in enumerate(words):
        candidate = word.word
        if word.flag == "nrt" and index > 0 and words[index - 1].word in COMPOUND_SURNAMES:
            candidate = words[index - 1].word + candidate
        following = "".join(w.word for w in words[index + 1 : index + 3])
        if word.flag.startswith("nr") and _looks_like_name(candidate) and not following.startswith(_COMPANY_WORDS):
            names.append(candidate)  # 金鹏建筑 is a company, not Mr 金
    names.sort(key=len, reverse=True)
    for match in re.finditer(rf"(?:{PERSON_CONTEXT})[：:]?", text):
        position = match.end()
        while (name := _name_at(text, position, names)) is not None:
            names.append(name)
            position += len(name)
            if not text.startswith("、", position):
                break
            position += 1
    for match in re.finditer(r"(?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4}(?=等)", text):
        parts = match.group(0).split("、")
        if any(part in names for part in parts):
            names += [part for part in parts if _looks_like_name(part)]
    return sorted(set(names), key=len, reverse=True)


@dataclass(frozen=True)
class Masked:
    text: str
    count: int


def mask_personal_data(text: str, keep_names: Iterable[str] = (), memo: Memo | None = None) -> Masked:
    """``text`` with natural persons' data masked; ``keep_names`` are published by rule
    (the party's legal representative, the persons a blacklist decision names); ``memo``
    (see masking_memo) remembers earlier results."""
    keep = sorted({name for name in keep_names if name})
    if memo is None:
        return _masked(text, keep)
    masked, count = memo.get(content_hash(text, *keep), lambda: list(astuple(_masked(text, keep))))
    return Masked(masked, count)


def _masked(text: str, keep: list[str]) -> Masked:
    count = 0

    def sub(pattern: re.Pattern[str], replacement, value: str) -> str:
        nonlocal count
        value, n = pattern.subn(replacement, value)
        count += n
        return value

    text = plain_digits(text)
    text = sub(_ADDRESS, lambda m: m.group(1) + "（已隐去）", text)
    text = sub(_PHONE_LABELLED, lambda m: m.group(1) + "（已隐去）", text)
    text = sub(_ID_LABELLED, lambda m: m.group(1) + "（已隐去）", text)
    text = sub(_CARD_LABELLED, lambda m: m.group(1) + "（已隐去）", text)
    text = sub(NUMBER_RUN, lambda m: _RUN_LABELS[number_kind(digits_of(m.group(0)))] if number_kind(digits_of(m.group(0))) else m.group(0), text)
    for name in person_names(text):
        if name in keep:
            continue
        text = sub(re.compile(re.escape(name)), mask_name(name), text)
    return Masked(text, count)
