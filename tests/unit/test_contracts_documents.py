"""The trading PDFs (contracts/documents/): key texts extractable, fonts embedded, the bulletin
on one page even with very long Chinese values, and the letter's amounts exact."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from app.pdf import cjk_fonts
from contracts.documents import (
    BulletinNotice,
    CommitmentCopy,
    ResultLetter,
    bulletin_pdf,
    commitment_pdf,
    percent,
    result_letter_pdf,
    yuan,
)
from contracts.rules import contract_price
from notices.rules import objections_text

AWARD_C = "3f1a9c0e5b7d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f"
RATE_C = "a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f"
LONG = "青山湖街道横溪村至上游水库段农村生活污水治理及配套管网改造提升工程（第二标段）" * 4
OFFICE = "临安区公共资源交易管理办公室"
FONTS = cjk_fonts()


def bulletin(**changes) -> BulletinNotice:
    data = BulletinNotice(
        project_code="PRJ-2026-0007",
        project_name="横溪村文化礼堂屋面及外立面改造工程",
        owner="杭州市临安区青山湖街道横溪村股份经济合作社",
        town="青山湖街道",
        village="横溪村",
        category="施工",
        funding="村集体资金",
        estimate=Decimal("1380000.00"),
        control_price=Decimal("1234567.89"),
        duration="60日历天",
        scope="文化礼堂屋面防水翻新、外立面涂料及门窗更换、室外排水沟修复，详见交易文件。",
        rate_options=tuple(Decimal(f"{r}") for r in ("3.00", "4.50", "6.00", "7.50", "8.50")),
        response_deadline=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
        meeting_at=datetime(2026, 3, 12, 6, 30, tzinfo=UTC),
        meeting_place="青山湖街道便民服务中心三楼会议室",
        award_draw_id="PRJ-2026-0007-award",
        award_commitment=AWARD_C,
        rate_draw_id="PRJ-2026-0007-rate",
        rate_commitment=RATE_C,
        objections=objections_text("trading_notice", OFFICE, date(2026, 3, 11))[0],
        publicity_start=date(2026, 3, 6),
        publicity_last_day=date(2026, 3, 11),
        notice_url="https://jy.example.gov.cn/notices/1234",
        issuer=OFFICE,
        issued_on=date(2026, 3, 5),
        non_competitive=Decimal("50000.00"),
        non_competitive_label="安全文明施工费",
        contact="区公管办 张工 0571-6300 1234",
    )
    return replace(data, **changes)


def long_bulletin() -> BulletinNotice:
    return bulletin(
        project_name=LONG,
        owner=LONG + "股份经济合作社",
        village="横溪村（含上游自然村：" + "、".join(f"第{i}村民小组" for i in range(1, 20)) + "）",
        scope="屋面防水翻新、外立面涂料、门窗更换、排水沟修复、道路硬化、绿化补植；" * 30,
        duration="六十日历天（自开工令载明之日起算，雨季顺延须经业主及监理书面确认）" * 2,
        rate_options=tuple(Decimal(i) / 4 for i in range(4, 61)),  # 1.00% … 15.00% by 0.25
        meeting_place=LONG + "会议室",
        objections=objections_text("trading_notice", OFFICE * 5, date(2026, 3, 11))[0],
        contact="联系人 " * 40,
    )


def commitment(**changes) -> CommitmentCopy:
    data = CommitmentCopy(
        reference="RC-2026-0007-003",
        project_code="PRJ-2026-0007",
        project_name="横溪村文化礼堂屋面及外立面改造工程",
        owner="杭州市临安区青山湖街道横溪村股份经济合作社",
        contractor_name="杭州临安青山建设有限公司",
        contractor_uscc="91330185MA2H1234X5",
        text=(
            "我单位自愿参加本项目的公开交易，承诺接受交易公告载明的全部条件。\n"
            "我单位承诺按定标会议公开摇号抽取的下浮率承接本项目，中选后按时签订合同。\n"
            "我单位承诺所提供的资质、人员、业绩等信息真实有效，如有虚假，愿承担相应责任。"
        ),
        confirmed_at=datetime(2026, 3, 9, 2, 15, 30, tzinfo=UTC),
        response_deadline=datetime(2026, 3, 12, 1, 0, tzinfo=UTC),
        issuer=OFFICE,
        generated_at=datetime(2026, 3, 9, 3, 0, tzinfo=UTC),
    )
    return replace(data, **changes)


def letter(**changes) -> ResultLetter:
    data = ResultLetter(
        reference="临公管交结〔2026〕7号",
        project_code="PRJ-2026-0007",
        project_name="横溪村文化礼堂屋面及外立面改造工程",
        owner="杭州市临安区青山湖街道横溪村股份经济合作社",
        winner_name="杭州临安青山建设有限公司",
        winner_uscc="91330185MA2H1234X5",
        discount_rate=Decimal("8.50"),
        control_price=Decimal("1234567.89"),
        contract_price=Decimal("1129629.62"),
        award_draw_id="PRJ-2026-0007-award",
        award_draw_url="https://jy.example.gov.cn/draws/PRJ-2026-0007-award",
        rate_draw_id="PRJ-2026-0007-rate",
        rate_draw_url="https://jy.example.gov.cn/draws/PRJ-2026-0007-rate",
        meeting_at=datetime(2026, 3, 12, 6, 30, tzinfo=UTC),
        signing_deadline=date(2026, 3, 19),
        result_url="https://jy.example.gov.cn/notices/1240",
        issuer=OFFICE,
        issued_on=date(2026, 3, 13),
    )
    return replace(data, **changes)


def letter_with_part(**changes) -> ResultLetter:
    return letter(
        non_competitive=Decimal("50000.00"),
        non_competitive_label="安全文明施工费",
        contract_price=contract_price(Decimal("1234567.89"), Decimal("50000.00"), Decimal("8.50")),
        **changes,
    )


def long_letter() -> ResultLetter:
    return letter_with_part(
        project_name=LONG,
        owner=LONG + "股份经济合作社",
        winner_name="浙江省杭州市临安区青山湖街道" * 6 + "建设工程有限公司",
    )


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont → embedded? for every font of every page (descendant fonts included)."""
    found: dict[str, bool] = {}

    def visit(font) -> None:
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", []):
            visit(descendant)
        descriptor = font.get("/FontDescriptor")
        embedded = False
        if descriptor is not None:
            descriptor = descriptor.get_object()
            embedded = "/FontFile2" in descriptor
        name = str(font.get("/BaseFont"))
        found[name] = found.get(name, False) or embedded

    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            visit(font)
    return found


def _read(pdf: bytes) -> tuple[PdfReader, str]:
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert not any("STSong" in n or "Helvetica" in n or "Times" in n for n in fonts), fonts
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))
    # No tofu: every character drawn has a glyph in the embedded fonts (e.g. U+2212 has none).
    faces = [pdfmetrics.getFont(name).face for name in {FONTS.body, FONTS.heading, FONTS.mono}]
    missing = {c for c in text if not all(ord(c) in face.charToGlyph for face in faces)}
    assert not missing, missing
    return reader, text


# ------------------------------------------------------------------ formatting


def test_amounts_and_rates_are_formatted_from_decimals():
    assert yuan(Decimal("1234567.891")) == "1,234,567.89"
    assert yuan(Decimal("0.005")) == "0.01"  # ROUND_HALF_UP, not banker's
    assert percent(Decimal("8.5")) == "8.50%"
    with pytest.raises(TypeError):
        yuan(1234.5)  # type: ignore[arg-type]


def test_contract_price_follows_the_rule_of_design():
    assert contract_price(Decimal("1234567.89"), Decimal(0), Decimal("8.50")) == Decimal(
        "1129629.62"
    )
    # (1,234,567.89 − 50,000) × 0.915 + 50,000 = 1,133,879.619…
    assert contract_price(Decimal("1234567.89"), Decimal("50000"), Decimal("8.50")) == Decimal(
        "1133879.62"
    )


# ------------------------------------------------------------------ bulletin


@pytest.mark.parametrize("data", [bulletin(), long_bulletin()], ids=["realistic", "long"])
def test_the_bulletin_is_one_page_with_embedded_fonts_and_the_key_texts(data):
    reader, text = _read(bulletin_pdf(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)  # A4 portrait
    for value in (
        "交易公告",
        "PRJ-2026-0007",
        "1,234,567.89",
        "50,000.00",
        "安全文明施工费",
        "2026年03月12日17:00",  # response deadline, Beijing time
        "2026年03月12日14:30",  # meeting
        "2026年03月06日至2026年03月11日24:00",
        "PRJ-2026-0007-award",
        "PRJ-2026-0007-rate",
        "https://jy.example.gov.cn/notices/1234",
        "异议",
        "投诉",
        OFFICE,
    ):
        assert value in text, value
    for commitment_hex in (AWARD_C, RATE_C):
        assert commitment_hex in text
    first, last = data.rate_options[0], data.rate_options[-1]
    assert percent(first) in text and percent(last) in text


def test_the_realistic_bulletin_shows_the_whole_values_and_the_price_table():
    _reader, text = _read(bulletin_pdf(bulletin()))
    for value in (
        "横溪村文化礼堂屋面及外立面改造工程",
        "1,380,000.00",
        "8.50%",
        "青山湖街道横溪村",
    ):
        assert value in text, value
    assert "1,133,879.62" in text  # the 8.50% option's contract price
    assert "1,184,567.89" in text  # the competitive part


def test_a_bulletin_without_a_non_competitive_part_says_the_whole_price_is_discounted():
    _reader, text = _read(bulletin_pdf(bulletin(non_competitive=Decimal("0.00"))))
    assert "控制价全额" in text and "安全文明施工费" not in text
    assert "1,129,629.62" in text


def test_a_deadline_at_midnight_reads_as_the_last_days_24_00():
    # The publicity ends (exclusive) at 2026-03-12 00:00 Beijing time = 03-11 16:00 UTC.
    midnight = datetime(2026, 3, 11, 16, 0, tzinfo=UTC)
    _reader, text = _read(bulletin_pdf(bulletin(response_deadline=midnight)))
    assert "2026年03月11日24:00" in text and "2026年03月12日00:00" not in text
    _reader, text = _read(commitment_pdf(commitment(response_deadline=midnight)))
    assert "2026年03月11日24:00" in text and "2026年03月12日00:00" not in text


# ------------------------------------------------------------------ commitment


@pytest.mark.parametrize(
    "data",
    [
        commitment(),
        commitment(
            project_name=LONG,
            contractor_name="浙江省杭州市临安区青山湖街道" * 6 + "建设工程有限公司",
            text="我单位承诺遵守交易规则，按摇号结果承接。" * 80,
        ),
    ],
    ids=["realistic", "long"],
)
def test_the_commitment_copy_has_the_commitment_and_embedded_fonts(data):
    _reader, text = _read(commitment_pdf(data))
    for value in (
        "交易响应承诺",
        "RC-2026-0007-003",
        "PRJ-2026-0007",
        "91330185MA2H1234X5",
        "2026年03月09日10:15:30",
        "UTC+08:00",
        "撤回",
        re.sub(r"\s", "", data.contractor_name),
        re.sub(r"\s", "", data.text)[:40],
    ):
        assert value in text, value


def test_a_withdrawn_commitment_says_so():
    data = commitment(withdrawn_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    _reader, text = _read(commitment_pdf(data))
    assert "已撤回" in text and "2026年03月10日09:00" in text


# ------------------------------------------------------------------ result letter


@pytest.mark.parametrize(
    "data", [letter(), letter_with_part(), long_letter()], ids=["whole", "part", "long"]
)
def test_the_result_letter_shows_the_price_and_its_formula(data):
    _reader, text = _read(result_letter_pdf(data))
    for value in (
        "交易结果通知书",
        "8.50%",
        "1,234,567.89",
        yuan(data.contract_price),
        "91330185MA2H1234X5",
        "PRJ-2026-0007-award",
        "https://jy.example.gov.cn/draws/PRJ-2026-0007-award",
        "https://jy.example.gov.cn/draws/PRJ-2026-0007-rate",
        "https://jy.example.gov.cn/notices/1240",
        "2026年03月19日24:00前",
        "抄送",
        re.sub(r"\s", "", data.winner_name),
    ):
        assert value in text, value
    if data.non_competitive:
        assert "1,133,879.62" in text and "(1,234,567.89－50,000.00)" in text.replace(
            "（", "("
        ).replace("）", ")")
    else:
        assert "1,129,629.62" in text and "1,234,567.89×(1－8.50%)" in text.replace(
            "（", "("
        ).replace("）", ")")


def test_a_letter_whose_price_disagrees_with_the_rule_is_refused():
    with pytest.raises(ValueError, match="differs"):
        result_letter_pdf(letter(contract_price=Decimal("1129629.61")))
