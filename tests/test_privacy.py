"""Personal data: the check characters, the masking of 违法事实 and the scanner of the built site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pufa.privacy.identifiers import WIDE_DIGITS, credit_code_problem, is_id_number, passes_luhn, plain_digits
from pufa.privacy.masking import mask_name, mask_personal_data
from pufa.privacy.scanner import find_leaks, scan_site

# The example number of GB 11643 itself, and the standard's example credit code: nobody's.
ID = "11010519491231002X"
MOBILE = "13812345678"
CARD = "6222021234567890128"  # passes Luhn


@pytest.mark.parametrize(
    "code, problem",
    [
        ("91350100M000100Y43", None),
        ("91000000MA000001XH", None),
        ("91000000MA000001XA", "校验位错误"),
        ("91000000MA00001XH", "应为 18 位"),
        ("91000000MA000001OH", "不允许的字符"),
    ],
)
def test_credit_code_check_character(code, problem):
    result = credit_code_problem(code)
    assert result is None if problem is None else problem in result


@pytest.mark.parametrize(
    "number, valid",
    [(ID, True), ("11010519491231002x", True), ("110105194912310021", False), ("110105194913310028", False), ("01010519491231002X", False)],
)
def test_id_numbers_need_a_real_birth_date_and_check_digit(number, valid):
    assert is_id_number(number) is valid


def test_luhn():
    assert passes_luhn("4111111111111111") and passes_luhn(CARD)
    assert not passes_luhn("6222021234567890124")


@pytest.mark.parametrize("name, masked", [("张三丰", "张某某"), ("李四", "李某"), ("欧阳娜娜", "欧阳某某")])
def test_names_keep_only_the_surname(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "text, expected",
    [
        ("拖欠工人马小兵等18名劳动者工资。", "拖欠工人马某某等18名劳动者工资。"),
        ("拖欠张三丰、李四、王小明等23名劳动者工资。", "拖欠张某某、李某、王某某等23名劳动者工资。"),
        ("工人王强称已收到，负责人钱多多表示认可。", "工人王某称已收到，负责人钱某某表示认可。"),
        ("投诉人曹玉兰（身份证号11010519491231002X）", "投诉人曹某某（身份证号（已隐去））"),
        (f"联系电话{MOBILE}。", "联系电话（已隐去）。"),
        (f"她的号码是{MOBILE}。", "她的号码是（电话已隐去）。"),
        ("家住示例区幸福路8号3栋201室，", "家住（已隐去），"),
        (f"工资卡号{CARD}。", "工资卡号（已隐去）。"),
        (f"转入{CARD}账户", "转入（账号已隐去）账户"),
        # The party's legal representative is published by rule and stays; nobody else does.
        ("法定代表人赵六拒不支付。", "法定代表人赵六拒不支付。"),
        ("工人赵六一反映。", "工人赵某某反映。"),
        # Numbers as people really type them: full-width, spaced, dashed.
        ("联系人１３９１２３４５６７８。", "联系人（已隐去）。"),
        ("号码 110105 19491231 002X 已核实", "号码 （身份证号已隐去） 已核实"),
        ("证件 110105-19491231-002X。", "证件 （身份证号已隐去）。"),
        ("卡 6222\u00a00212\u00a03456\u00a07890\u00a0128。", "卡 （账号已隐去）。"),
        ("居住地址：示例区幸福路8号，", "居住地址：（已隐去），"),
        # Ordinary legal wording is not a name.
        ("当事人尚未支付，劳动者申请仲裁，当事人应当于10日内支付。", "当事人尚未支付，劳动者申请仲裁，当事人应当于10日内支付。"),
        # Already anonymised names, amounts and hotlines are left alone.
        ("张某某、李某已领取1,234,567.89元，可拨打12333咨询。", "张某某、李某已领取1,234,567.89元，可拨打12333咨询。"),
    ],
)
def test_masking_of_facts(text, expected):
    assert mask_personal_data(text, keep_names=["赵六"]).text == expected


def test_masking_counts_what_it_hid():
    assert mask_personal_data(f"工人马小兵（电话{MOBILE}）").count == 2


@pytest.mark.parametrize(
    "text, kind",
    [(f"身份证 {ID} 号", "身份证号"), (f"手机 {MOBILE}", "手机号"), ("手机 138-1234-5678", "手机号"), (f"卡号 {CARD}", "银行卡号"),
     ("卡号 6222 0212 3456 7890 128", "银行卡号"), ("手机 １３８１２３４５６７８", "手机号"), ("号 110105 19491231 002X", "身份证号"),
     ("<p>手机 138<strong>1234</strong>5678</p>", "手机号"), ("手机 &#49;3812345678", "手机号")],
)
def test_scanner_finds_real_numbers_and_masks_them_in_its_report(text, kind):
    leaks = find_leaks(text, "page.html")
    assert [leak.kind for leak in leaks] == [kind]
    assert "*" in leaks[0].masked and "12345678" not in leaks[0].masked


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话 12333（人社服务热线）",
        "110105194912310021",  # wrong check digit: a reference number, not an ID
        "6222021234567890124",  # fails Luhn
        "罚款 14365574.31 元，共 306 人",
        "统一社会信用代码 91000000MA000001XH",
        "时间戳 1700000000000",
        "主办单位统一社会信用代码：911101087000009525",  # all digits, passes Luhn, but a valid credit code
        "<td>2023</td>\n<td>12</td>\n<td>306</td>\n<td>14,365,574.31</td>",
    ],
)
def test_scanner_does_not_cry_wolf(text):
    assert find_leaks(text, "page.html") == []


def test_scanner_accepts_the_numbers_it_is_told_are_public():
    """An all-digit credit code of a disclosed company could pass the ID check by chance."""
    assert find_leaks(ID, "p.html") != []
    assert find_leaks(ID, "p.html", frozenset({ID})) == []


def test_scan_site_reads_pages_feeds_and_data_but_not_theme_files(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "index.html").write_text(f"<p>{MOBILE}</p>", "utf-8")
    (tmp_path / "feed.xml").write_text(f"<item>{ID}</item>", "utf-8")
    (tmp_path / "data.csv").write_text(f"\ufeff{CARD}\r\n", "utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "bundle.js").write_text(f"var x={MOBILE}", "utf-8")
    (tmp_path / "assets" / "page.html").write_text(f"{MOBILE}", "utf-8")
    leaks = scan_site(tmp_path)
    assert {(leak.page, leak.kind) for leak in leaks} == {
        ("a/b/index.html", "手机号"), ("feed.xml", "身份证号"), ("data.csv", "银行卡号")
    }


def test_files_handed_to_the_scanning_process_give_the_same_leaks(tmp_path: Path):
    """A build with its scanning process running hands it the files besides the pages (the
    search index, feeds, data) instead of scanning them itself."""
    from pufa.privacy.scanner import PageScan

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>页面</p>", "utf-8")
    (tmp_path / "feed.xml").write_text(f"<item>{ID}</item>", "utf-8")
    (tmp_path / "data.csv").write_text(f"\ufeff{CARD}\r\n", "utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(f'{{"docs":[{{"text":"电话{MOBILE}"}}]}}', "utf-8")
    scan = PageScan([], None)
    scan.add("a/index.html", (tmp_path / "a" / "index.html").read_bytes())
    scan._send_batch()
    assert scan.running
    scan._pending[0].future.result()
    workers = list(scan._pool._processes)
    assert all(os.getpriority(os.PRIO_PROCESS, worker) > os.getpriority(os.PRIO_PROCESS, 0) for worker in workers)  # the build first
    assert scan_site(tmp_path, scanned=scan.scanned, later=scan.add) == []
    manager = scan._pool._executor_manager_thread
    handed = sorted((leak.page, leak.kind) for leak in scan.leaks())
    # Shut down whole before the build goes on: on Python 3.11 a pool still shutting down as
    # the program exits can print a traceback (CPython gh-125451).
    assert not scan.running and not manager.is_alive()
    assert handed == sorted((leak.page, leak.kind) for leak in scan_site(tmp_path)) == [
        ("data.csv", "银行卡号"), ("feed.xml", "身份证号"), ("search/search_index.json", "手机号")]


def test_the_build_scans_the_batches_the_scanning_process_has_not_come_to(monkeypatch):
    """At the end the build scans the last batches itself while the scanning process goes on
    with the first: every leak is found once, in the order the pages were written."""
    from pufa.privacy import scanner

    monkeypatch.setattr(scanner, "BATCH_BYTES", 1)  # one page a batch
    scan = scanner.PageScan([], None)
    pages = [(f"p{number}/index.html", f"<p>第{number}页{ID if number % 4 == 0 else '12333'}</p>".encode()) for number in range(400)]
    for relative, data in pages:
        scan.add(relative, data)
    batches = list(scan._pending)
    batches[0].future.result()  # the scanning process is working
    found = scan.leaks()
    assert [leak.page for leak in found] == [f"p{number}/index.html" for number in range(0, 400, 4)]
    by_build = [batch for batch in batches if batch.results is not None]
    assert by_build and len(by_build) < len(batches)  # both scanned: the build from the last back
    assert by_build == batches[-len(by_build):]


def test_a_page_changed_after_the_scan_saw_it_is_scanned_again_as_written(project):
    """The pages are scanned as pufa's hook hands them back; another hook running after it may
    still change one, and what is written is what counts."""
    (project.root / "hooks" / "late.py").write_text(
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(-50)\n"
        "def on_post_page(output, page, config):\n"
        f"    return output.replace('</body>', '<p>{MOBILE}</p></body>') if page.file.src_uri == 'about.md' else output\n",
        encoding="utf-8")
    settings = project.root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("  - hooks/pufa_site.py\n", "  - hooks/pufa_site.py\n  - hooks/late.py\n"),
                        encoding="utf-8")
    result = project.build()
    assert result.returncode == 1 and "about/index.html: 手机号" in result.output, result.output
    assert not (result.site / "about" / "index.html").exists()


def test_the_scanning_process_ends_when_the_build_that_started_it_is_killed(tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, signal, sys\n"
        "from pufa.privacy.scanner import PageScan\n"
        "scan = PageScan([], None)\n"
        "scan.add('a/index.html', b'<p>x</p>')\n"
        "scan._send_batch()\n"
        "scan._pending[0].future.result()\n"
        "print(*scan._pool._processes, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    workers = [int(pid) for pid in run.stdout.split()]
    assert workers
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers), "the worker outlived the build"


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from([*map(chr, WIDE_DIGITS), *"0123456789Xx- 号码：\n<>%&"]), max_size=80))
def test_odd_digits_and_spaces_are_made_plain_exactly_as_the_table_says(text):
    """The scanner replaces each odd character present in turn; that must come to what the
    table gives character by character (no replacement made into another odd character)."""
    assert plain_digits(text) == text.translate(WIDE_DIGITS)


def test_a_reference_of_thousands_of_digits_does_not_stop_the_scan():
    """Python's html.unescape fails on it; a browser shows U+FFFD, and the number after it counts."""
    leaks = find_leaks("<p>&#" + "9" * 6000 + ";身份证号 " + ID + "</p>", "a.html")
    assert [leak.digits for leak in leaks] == [ID]
