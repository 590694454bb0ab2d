"""Legacy Vietnamese text repair: tables checked against iconv, detection, name keys."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vhcs_analysis.text import (
    LETTERS_LOWER,
    LETTERS_UPPER,
    TCVN_BYTE_TABLE,
    VIETNAMESE_LETTERS,
    decode_bytes,
    decode_tcvn3,
    decode_vni,
    encode_cp1258,
    guess_legacy,
    is_vietnamese_syllable,
    repair_rows,
    encode_tcvn3,
    encode_tcvn3_caps,
    encode_vni,
    name_key,
    repair_text,
    score_vietnamese,
    to_nfc,
)

MOTTO = "Cộng hoà xã hội chủ nghĩa Việt Nam"

# Real words from the forms: the vocabulary of the property tests.
VOCABULARY = """
cộng hòa xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc đảng bộ khối các cơ quan
tỉnh hà tĩnh sở giáo dục và đào tạo báo cáo kết quả thực hiện nghị quyết văn hóa công
số liệu tổng cán chức viên người lao động đã được học tập quán triệt chương trình hành
ủy ban nhân dân kiểm tra giám sát trường đại chính trị trần phú kho bạc nhà nước cục
thuế thống kê tài y tế nội vụ tư pháp ngày tháng năm đầu cuối quý kỳ tốt khá trung bình
yếu phản ánh kiến thái tác phong ứng xử giao tiếp đồng nghiệp trang phục đeo thẻ giờ làm
việc hút thuốc uống rượu bia niêm yết thủ tục hòm thư góp ý đường dây nóng phận nhận trả
một cửa mô hình cách hay rộng xếp loại hoàn thành nhiệm xuất sắc trong sạch vững mạnh
tiêu biểu kém ở ấn ổn ưu ý
""".split()


def _cased(word: str, style: int) -> str:
    return (word, word.capitalize(), word.upper())[style]


words = st.tuples(st.sampled_from(VOCABULARY), st.integers(0, 2)).map(lambda t: _cased(*t))
sentences = st.lists(words, min_size=1, max_size=10).map(" ".join)


def _iconv_tcvn(data: bytes) -> str:
    done = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def _iconv_has_tcvn() -> bool:
    if shutil.which("iconv") is None:
        return False
    try:
        _iconv_tcvn(b"a")
    except (subprocess.CalledProcessError, OSError):
        return False
    return True


needs_iconv = pytest.mark.skipif(
    not _iconv_has_tcvn(), reason="glibc iconv with TCVN5712-1 is not available on this machine"
)


# --- tables against the independent reference ------------------------------------------


@needs_iconv
def test_tcvn_byte_table__matches_iconv_for_every_byte():
    """Each byte of our VN1 table decodes in iconv to the same character."""
    codes = sorted(TCVN_BYTE_TABLE)
    decoded = _iconv_tcvn(b"\n".join(bytes([code]) for code in codes)).split("\n")
    assert dict(zip(codes, decoded)) == TCVN_BYTE_TABLE


@needs_iconv
def test_encode_tcvn3__all_134_letters_decode_in_iconv_to_themselves():
    letters = VIETNAMESE_LETTERS
    assert len(set(letters)) == 134
    encoded = "\n".join(encode_tcvn3(ch) for ch in letters).encode("latin-1")
    decoded = [to_nfc(line) for line in _iconv_tcvn(encoded).split("\n")]
    assert decoded == list(letters)


@needs_iconv
def test_encode_tcvn3_caps__lower_codes_are_iconv_lower_case_of_capitals():
    encoded = "\n".join(encode_tcvn3_caps(ch) for ch in LETTERS_UPPER).encode("latin-1")
    decoded = [to_nfc(line) for line in _iconv_tcvn(encoded).split("\n")]
    assert decoded == list(LETTERS_LOWER)


def test_encode_tcvn3__only_vn3_codes_for_lower_case():
    """Lower case uses the VN3 (.VnTime) range 0xA8-0xFE, never C0/C1 controls."""
    for ch in LETTERS_LOWER:
        code = encode_tcvn3(ch)
        assert len(code) == 1 and 0xA8 <= ord(code) <= 0xFE, ch


def test_decode_tcvn3__every_letter_round_trips():
    assert [decode_tcvn3(encode_tcvn3(ch)) for ch in VIETNAMESE_LETTERS] == list(VIETNAMESE_LETTERS)


def test_decode_vni__every_letter_round_trips():
    assert [decode_vni(encode_vni(ch)) for ch in VIETNAMESE_LETTERS] == list(VIETNAMESE_LETTERS)


def test_encode_vni__known_spellings():
    assert encode_vni("Việt Nam") == "Vieät Nam"
    assert encode_vni("Trường Đảng") == "Tröôøng Ñaûng"
    assert encode_vni("nghĩa") == "nghóa"
    assert encode_vni("ĐẢNG BỘ VIỆT NAM") == "ÑAÛNG BOÄ VIEÄT NAM"
    assert encode_vni("Ặ ỵ Ỉ ắ") == "AË î Æ aé"


def test_encode_tcvn3__motto_as_excel_shows_it():
    assert encode_tcvn3(MOTTO) == "Céng hoµ x· héi chñ nghÜa ViÖt Nam"


# --- repair_text ----------------------------------------------------------------------


def test_repair_text__tcvn3_motto():
    assert repair_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == MOTTO


def test_repair_text__vni():
    assert repair_text("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"


def test_repair_text__vntimeh_detected_from_capital_ascii():
    assert repair_text("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM") == MOTTO.upper()


def test_repair_text__caps_hint_for_lower_case_ascii():
    assert repair_text("b¸o c¸o", caps=True) == "BÁO CÁO"


def test_repair_text__without_hint_lower_case_vntimeh_reads_as_lower():
    assert repair_text("b¸o c¸o") == "báo cáo"


def test_repair_text__capital_abbreviation_in_vntime_is_not_vntimeh():
    assert repair_text("Së GD&§T") == "Sở GD&ĐT"


def test_repair_text__utf8_read_as_cp1252():
    assert repair_text("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a") == "Cộng hòa xã hội chủ nghĩa"
    assert repair_text("Sá»Ÿ Ná»™i vá»¥") == "Sở Nội vụ"


def test_repair_text__nfd_to_nfc():
    nfd = unicodedata.normalize("NFD", MOTTO)
    assert repair_text(nfd) == MOTTO


@pytest.mark.parametrize(
    "text",
    ["85,5%", "1.234", "Müller café naïve", "Tài chính", "São Paulo", "25°C", "© 2017", "Ñandú", "x",
     "A × B", "3×4 m²", "±5%", "½ ngày", "Article §2"],
)
def test_repair_text__leaves_non_vietnamese_latin1_alone(text):
    assert repair_text(text) == text


def test_repair_text__ambiguous_single_word_is_kept():
    """"mét" is TCVN3 for "một" but also a real word: without other evidence it stays."""
    assert repair_text("mét") == "mét"


@pytest.mark.parametrize(
    ("legacy_text", "legacy", "expected"),
    [("Ghi chó", "tcvn3", "Ghi chú"), ("Sè TT", "tcvn3", "Số TT"), ("hoà sô", "vni", "hồ sơ"),
     ("§¾k L¾k", "tcvn3", "Đắk Lắk")],
)
def test_repair_text__sheet_encoding_hint_settles_ambiguous_words(legacy_text, legacy, expected):
    assert repair_text(legacy_text) == legacy_text  # each word is also a real word
    assert repair_text(legacy_text, legacy=legacy) == expected


@pytest.mark.parametrize("text", ["Tài chính", "Sở Nội vụ", "85,5%", "café", "Ban QL"])
def test_repair_text__sheet_encoding_hint_spares_unicode_and_foreign_words(text):
    assert repair_text(text, legacy="tcvn3") == text
    assert repair_text(text, legacy="vni") == text


def test_guess_legacy__majority_of_clear_cells():
    sheet = ["BiÓu sè 01-VHCS", "Kú b¸o c¸o: 6 th¸ng ®Çu n¨m 2017", "STT", "Ghi chó", 3, None]
    assert guess_legacy(sheet) == "tcvn3"
    assert guess_legacy([encode_vni("Báo cáo kết quả"), "Ghi chú"]) == "vni"
    assert guess_legacy(["Báo cáo", "STT", 1.5]) is None
    assert guess_legacy(["Sá»Ÿ Ná»™i vá»¥"]) is None  # UTF-8 mojibake is no sheet font


def test_repair_rows__ambiguous_cells_follow_the_sheet():
    rows = [["BiÓu sè 01-VHCS", None], ["Sè TT", "Ghi chó"], [1, "Cã"], ["Sở Nội vụ", 2.5]]
    assert repair_rows(rows) == [["Biểu số 01-VHCS", None], ["Số TT", "Ghi chú"], [1, "Có"],
                                 ["Sở Nội vụ", 2.5]]


@pytest.mark.parametrize("word", ["người", "quốc", "gì", "giữa", "khuya", "nghiêng", "tốt", "mùa", "xoong"])
def test_is_vietnamese_syllable__real_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["tèt", "phôc", "muà", "caí", "hoµ", "aáb", "quư"])
def test_is_vietnamese_syllable__impossible_spellings(word):
    assert not is_vietnamese_syllable(word)


def test_repair_text__label_with_slash_is_split_into_words():
    assert repair_text("Cã/Kh«ng") == "Có/Không"
    assert repair_text("Giaù trò") == "Giá trị"


def test_repair_text__non_string_returned_as_is():
    assert repair_text(12.5) == 12.5
    assert repair_text(None) is None


def test_repair_text__caps_hint_ignored_for_unicode_text():
    assert repair_text("Sở Nội vụ", caps=True) == "Sở Nội vụ"


@settings(max_examples=100, deadline=None)
@given(sentences)
def test_repair_text__tcvn3_round_trip(text):
    legacy = encode_tcvn3(text)
    assume(score_vietnamese(legacy)[1] > 0)  # recognisably not Unicode (see module doc)
    assert repair_text(legacy) == to_nfc(text)


@settings(max_examples=100, deadline=None)
@given(sentences)
def test_repair_text__vni_round_trip(text):
    legacy = encode_vni(text)
    assume(score_vietnamese(legacy)[1] > 0)
    assert repair_text(legacy) == to_nfc(text)


@settings(max_examples=100, deadline=None)
@given(sentences)
def test_repair_text__vntimeh_round_trip_with_hint(text):
    assert repair_text(encode_tcvn3_caps(text), caps=True) == text.upper()


@settings(max_examples=100, deadline=None)
@given(sentences)
def test_repair_text__idempotent_on_vietnamese_unicode(text):
    assert repair_text(text) == text
    assert repair_text(unicodedata.normalize("NFD", text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_repair_text__never_raises_and_returns_nfc(text):
    result = repair_text(text)
    assert result == to_nfc(result)


latin1_noise = st.text(
    alphabet=st.sampled_from(list("abcdeghiklmnopqrstuvxyACDGHNT ,./-0123456789")
                             + [chr(c) for c in range(0xA0, 0x100)]),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(latin1_noise)
def test_repair_text__idempotent_on_its_own_output(text):
    repaired = repair_text(text)
    assert repair_text(repaired) == repaired


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.floats(), latin1_noise, st.text(max_size=10)),
                         max_size=4), max_size=5))
def test_repair_rows__any_sheet_keeps_its_shape(rows):
    repaired = repair_rows(rows)
    assert [len(row) for row in repaired] == [len(row) for row in rows]
    assert guess_legacy(v for row in rows for v in row) in (None, "tcvn3", "vni")


# --- decode_bytes ---------------------------------------------------------------------

CSV = "Đơn vị,Tỷ lệ,Kỳ báo cáo\nSở Nội vụ,\"85,5%\",6 tháng đầu năm 2017\nỦy ban Kiểm tra,Ứng,Ấn\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV.encode("utf-8"),
        CSV.encode("utf-16"),
        CSV.encode("utf-16-le"),
        encode_cp1258(CSV),
        encode_tcvn3(CSV).encode("latin-1"),
        encode_vni(CSV).encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "cp1258", "tcvn3", "vni"],
)
def test_decode_bytes__each_encoding(data):
    assert decode_bytes(data) == CSV


def test_decode_bytes__cp1258_combining_tone_composed_to_nfc():
    data = b"H\xe0 Ti\xdenh"  # cp1258 has no precomposed "ĩ": i + combining tilde (0xDE)
    assert decode_bytes(data) == "Hà Tĩnh"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_decode_bytes__never_raises(data):
    assert isinstance(decode_bytes(data), str)


# --- name_key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Sở Giáo dục và Đào tạo", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Đảng bộ Sở Giáo dục và Đào tạo",
     "  Sở  Giáo-dục và Đào tạo. ", encode_tcvn3("Sở Giáo dục và Đào tạo")],
)
def test_name_key__spellings_of_one_unit_agree(name):
    assert name_key(name) == "so giao duc va dao tao"


def test_name_key__abbreviation_punctuation_folded():
    assert name_key("Sở GD&ĐT") == name_key("Sở GD-ĐT") == "so gd dt"


def test_name_key__chi_bo_and_party_committee_prefixes_removed():
    assert name_key("Chi bộ Văn phòng Tỉnh ủy") == "van phong tinh uy"
    assert name_key("Đảng bộ cơ quan Sở Tư pháp") == "so tu phap"


def test_name_key__tone_placement_variants_agree():
    assert name_key("Ủy ban Kiểm tra") == name_key("Uỷ ban Kiểm tra")


def test_name_key__prefix_alone_is_kept():
    assert name_key("Chi bộ") == "chi bo"
