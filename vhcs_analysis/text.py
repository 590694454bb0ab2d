"""Vietnamese legacy text repair: TCVN3/ABC, .VnTimeH capitals, VNI-Windows, NFD -> NFC.

Real files carry text typed with pre-Unicode fonts. Excel stores such text as the
Windows-1252 characters of the font's byte codes, so "Cộng hoà" typed in ``.VnTime``
reads back as "Céng hoµ" and in VNI-Windows as "Coäng hoøa".

Use ``repair_rows`` for a sheet (it finds the sheet's legacy encoding first), else
``repair_text`` per string; ``decode_bytes`` for CSV/text files; ``name_key`` to match
unit names. ``encode_*`` write the mess for the sample generator.

TCVN 5712:1993 defines three tables. VN1 is the full 8-bit set: all 134 precomposed
letters, with the capitals that do not fit elsewhere in C0 (0x01-0x17) and 0x80-0x9F,
plus five combining tone marks at 0xB0-0xB4. glibc ``iconv`` calls VN1 ``TCVN5712-1``
(checked on this machine: 0x01 -> Ú, 0x80 -> À, 0xB0 -> U+0300, 0xFF -> Ố). VN3, the
ABC/``.VnTime`` font encoding, is the subset without the C0/0x80-0x9F capitals: the
67 lower-case letters plus Ă Â Ê Ô Ơ Ư Đ (0xA1-0xA7) and the capitals VN1 places in
0xA0-0xFF. Other capitals were typed with the ``.VnTimeH`` fonts, which draw the
lower-case codes as capitals ("B¸O C¸O" displays as "BÁO CÁO").

Choices made here:
- Decoding uses the VN1 table for 0xA1-0xFF, for raw C1 controls (U+0080-U+009F) and for
  the C0 capitals. The Windows-1252 punctuation that bytes 0x80-0x9F become in Excel
  (“ ” – … €) is left alone: in ``.VnTime`` files those bytes are punctuation.
- ``encode_tcvn3`` writes the VN3 code of each letter; a capital with a tone that VN3
  lacks is written as its base capital followed by VN1's combining tone byte
  ("Ủ" -> "U" + "±"), which decodes back (in our decoder and in iconv) and stays
  valid in an xlsx (C0 controls would not be).
- ``.VnTimeH`` text cannot be told apart from lower-case ``.VnTime`` text by its codes.
  ``repair_text(s, caps=True)`` is the caller's hint (font name known); without it, a
  string whose ASCII letters are all capitals while a decoded word mixes capitals and
  lower-case Vietnamese letters ("CéNG HOµ" -> "CộNG HOà") is taken as ``.VnTimeH``.
  ``caps=True`` implies TCVN3 (``.VnTimeH`` is a TCVN3 font) and upper-cases the result
  of any string that is not already Vietnamese Unicode.
- Windows-1258 only occurs in byte files (``decode_bytes``): Python's cp1258 codec, then
  NFC, since cp1258 writes most toned letters as base + combining tone.
- Detection is per string: each candidate decoding (TCVN3, VNI) is scored by its words:
  valid Vietnamese syllables count for it (frequent ones double, by a small built-in
  list), words holding characters no Vietnamese word has ("hoµ", "x·") or impossible
  spellings ("tèt", "muà") against it. A string is changed only when it holds such a bad
  word and a decoding has fewer bad words, a better score and either more good words
  or no bad word left, so correct Unicode is never touched. Strings whose every word is also a real word ("Ghi chó" is
  TCVN3 for "Ghi chú", "mét" for "một") stay as they are, unless the caller passes the
  sheet's encoding (``legacy="tcvn3"``, from ``guess_legacy`` over the sheet's cells),
  which settles such ties.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from itertools import chain
from functools import lru_cache

# --- the 134 Vietnamese letters -------------------------------------------------------

_TONES = "\u0300\u0309\u0303\u0301\u0323"  # huyền, hỏi, ngã, sắc, nặng (TCVN's order)
_BASES_LOWER = "aăâeêioôơuưy"
LETTERS_LOWER: tuple[str, ...] = tuple(
    unicodedata.normalize("NFC", base + tone) for base in _BASES_LOWER for tone in _TONES
) + tuple("ăâêôơưđ")
LETTERS_UPPER: tuple[str, ...] = tuple(ch.upper() for ch in LETTERS_LOWER)
VIETNAMESE_LETTERS: tuple[str, ...] = LETTERS_LOWER + LETTERS_UPPER
_VIET_SET = frozenset(VIETNAMESE_LETTERS) | frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_ALPHA_SET = _VIET_SET | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Letters that exist in no legacy byte encoding read as Windows-1252: their presence
# proves the string is already Unicode.
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")


def to_nfc(s: str) -> str:
    """Unicode NFC: Unikey's "Unicode tổ hợp" (NFD) and cp1258's combining tones composed."""
    return unicodedata.normalize("NFC", s)


def _split_tone(ch: str) -> tuple[str, str]:
    """('ậ') -> ('â', '\\u0323'): base letter without tone, and the tone mark ('' if none)."""
    nfd = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in nfd if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    return base, tone


# --- TCVN 5712:1993 (VN1 superset of VN3/ABC) ------------------------------------------

# Bytes 0xA1..0xFF of TCVN 5712 VN1, in order (0xB0-0xB4 are combining tone marks).
_TCVN_A1_FF = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "Ổỏõóọồổỗốộờởỡớợù"
    "ỖủũúụừửữứựỳỷỹýỵỐ"
)
_TCVN_80_9F = "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
_TCVN_C0 = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ",
            0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}

# byte value -> Unicode text (the VN1 table without ASCII)
TCVN_BYTE_TABLE: dict[int, str] = {
    **{0xA1 + i: ch for i, ch in enumerate(_TCVN_A1_FF)},
    **{0x80 + i: ch for i, ch in enumerate(_TCVN_80_9F)},
    **_TCVN_C0,
}
_TCVN_COMBINING_BYTES = {0xB0 + i: tone for i, tone in enumerate(_TONES)}

# Unicode letter -> the code VN3 (.VnTime) gives it, as the Windows-1252/Latin-1 char.
_TCVN3_ENCODE: dict[str, str] = {}
for _byte, _ch in TCVN_BYTE_TABLE.items():
    if _byte >= 0xA1 and _byte not in _TCVN_COMBINING_BYTES:
        _TCVN3_ENCODE[_ch] = chr(_byte)
for _ch in LETTERS_UPPER:
    if _ch not in _TCVN3_ENCODE:
        _base, _tone = _split_tone(_ch)
        _TCVN3_ENCODE[_ch] = _TCVN3_ENCODE.get(_base, _base) + chr(0xB0 + _TONES.index(_tone))


def encode_tcvn3(s: str) -> str:
    """What a ``.VnTime`` (TCVN3/ABC) cell reads back as: "Cộng hoà" -> "Céng hoµ"."""
    return "".join(_TCVN3_ENCODE.get(ch, ch) for ch in to_nfc(s))


def encode_tcvn3_caps(s: str) -> str:
    """What a ``.VnTimeH`` cell reads back as: capitals, Vietnamese letters written with
    the lower-case codes: "Cộng hoà" -> "CéNG HOµ"."""
    out = []
    for ch in to_nfc(s).upper():
        if ch in _VIET_SET and not ch.isascii():
            out.append(_TCVN3_ENCODE.get(ch.lower(), ch.lower()))
        else:
            out.append(ch)
    return "".join(out)


# --- VNI-Windows ---------------------------------------------------------------------

# Unicode letter -> VNI-Windows keystroke bytes (as Latin-1 chars): base + mark bytes.
# Upper case uses the upper-case Latin-1 marks ("VIEÄT"). Checked by reading against an
# independent table (xvnkb's vni.h); no codec on this machine knows VNI.
_VNI_BASE = {"a": "a", "ă": "aê", "â": "aâ", "e": "e", "ê": "eâ", "i": "i", "o": "o",
             "ô": "oâ", "ơ": "ô", "u": "u", "ư": "ö", "y": "y", "đ": "ñ"}
_VNI_TONE = dict(zip(_TONES, "øûõùï"))
_VNI_CIRCUMFLEX_TONE = dict(zip(_TONES, "àåãáä"))  # â ê ô + tone: one combined byte
_VNI_BREVE_TONE = dict(zip(_TONES, "èúüéë"))  # ă + tone
_VNI_I_TONE = dict(zip(_TONES, "ìæóíò"))  # i + tone: a single byte each


def _vni_lower(ch: str) -> str:
    base, tone = _split_tone(ch)
    if not tone:
        return _VNI_BASE[base]
    if base in "âêô":
        return _VNI_BASE[base][0] + _VNI_CIRCUMFLEX_TONE[tone]
    if base == "ă":
        return "a" + _VNI_BREVE_TONE[tone]
    if base == "i":
        return _VNI_I_TONE[tone]
    if base == "y" and tone == "\u0323":
        return "î"
    return _VNI_BASE[base] + _VNI_TONE[tone]


_VNI_ENCODE: dict[str, str] = {}
for _ch in LETTERS_LOWER:
    _VNI_ENCODE[_ch] = _vni_lower(_ch)
    _VNI_ENCODE[_ch.upper()] = _vni_lower(_ch).upper()


def encode_vni(s: str) -> str:
    """What a VNI-Windows cell reads back as: "Việt Nam" -> "Vieät Nam"."""
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in to_nfc(s))


# --- decoding ------------------------------------------------------------------------

# TCVN combining tone bytes read as Latin-1: a tone only after a vowel.
_TCVN_TONE_AFTER_VOWEL = re.compile("(?<=[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])([°±²³´])")
_TCVN_DECODE: dict[int, str] = {
    **{b: ch for b, ch in TCVN_BYTE_TABLE.items() if b >= 0xA1 and b not in _TCVN_COMBINING_BYTES},
    **{b: ch for b, ch in TCVN_BYTE_TABLE.items() if b < 0xA0},  # raw C0/C1 controls
}


def decode_tcvn3(s: str) -> str:
    """Read TCVN3/VN1 codes (as Latin-1 characters) as Unicode, NFC."""
    s = s.translate(_TCVN_DECODE)
    return to_nfc(_TCVN_TONE_AFTER_VOWEL.sub(lambda m: _TONES[ord(m.group(1)) - 0xB0], s))


_VNI_DECODE: dict[str, str] = {code: ch for ch, code in _VNI_ENCODE.items()}
_VNI_PATTERN = re.compile(
    "|".join(re.escape(code) for code in sorted(_VNI_DECODE, key=len, reverse=True)
             if not code.isascii())
)
# A tone byte left over after a vowel (typed as a separate keystroke) -> combining tone.
_VNI_LOOSE_TONE = re.compile("(?<=[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])([øûõùïØÛÕÙÏ])")
_VNI_LOOSE = {**dict(zip("øûõùï", _TONES)), **dict(zip("ØÛÕÙÏ", _TONES))}


def decode_vni(s: str) -> str:
    """Read VNI-Windows keystroke bytes (as Latin-1 characters) as Unicode, NFC."""
    s = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], s)
    s = _VNI_LOOSE_TONE.sub(lambda m: _VNI_LOOSE[m.group(1)], s)
    return to_nfc(s)


# --- scoring: how Vietnamese does a string look? --------------------------------------

_INITIALS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_RIMES = frozenset("""
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt âu ây âc âm ân âng âp ât
e eo ec em en eng ep et ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot oong ooc ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua ui uc um un ung up ut ư ưa ưi ưu ưc ưm ưn ưng ưt
uôi uôc uôm uôn uông uôt ươi ươu ươc ươm ươn ương ươp ươt
oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt
oe oeo oen oet uân uâng uât uây uê uênh uêch uy uya uyu uych uynh uyt uyn
uyên uyêt uơ y yêm yên yêt yêu
""".split())
# Loan-word rimes ("xoong", "soóc"): valid, but weak evidence when choosing a decoding.
_RARE_RIMES = frozenset("oong ooc oao uyu uơ oeo oem ưn ưm uyn".split())
_STOP_FINALS = ("c", "ch", "p", "t")
# Frequent syllables of these forms and of Vietnamese at large: a syllable found here is
# stronger evidence than a merely well-formed one ("cộng" beats "coọng", "ưu" beats "ửu").
_COMMON_SYLLABLES = frozenset("""
anh em chị ông bà cô chú bác cháu con cái người ta tôi mình họ chúng các những một hai
ba bốn năm sáu bảy tám chín mười trăm nghìn ngàn triệu tỷ không có là của và với cho để
được bị đã đang sẽ rồi còn nữa cũng vẫn đều chỉ rất lắm quá hơn nhất nhiều ít mọi mỗi
từng cả này kia đó đây nào gì sao thế nên vì nếu thì mà nhưng hoặc hay tại do bởi theo
về từ đến trong ngoài trên dưới giữa trước sau bên cạnh khi lúc giờ ngày tháng tuần quý
kỳ đầu cuối mới cũ lớn nhỏ cao thấp dài ngắn tốt xấu khá trung bình yếu kém giỏi xuất
sắc đạt hoàn thành nhiệm vụ công việc làm học tập đọc viết nói nghe thấy biết hiểu
nghĩ muốn cần phải thể hiện thực quả kết luận kiến nghị đề báo cáo tổng hợp số liệu
lượng lệ phần chuẩn đánh giá kiểm tra giám sát thanh xử lý vi phạm kỷ luật cương văn
hóa hoá sở cơ quan đơn vị tổ chức cá nhân cán bộ viên dân lao động đảng chi ủy uỷ ban
thường trực tịch phó đốc trưởng phòng ngành tỉnh huyện xã phường thị phố ương nhà
nước chính phủ quốc hội chủ nghĩa cộng hòa hoà việt nam độc lập tự do hạnh phúc hà
tĩnh nội ngoại giáo dục đào tạo y tế tài kế hoạch đầu tư nông nghiệp phát triển thôn
giao thông vận tải xây dựng khoa nghệ tin truyền thể thao du lịch pháp nguyên môi
trường thương binh khối mặt trận đoàn niên phụ nữ liên cựu chiến kinh kỹ thuật ngân
hàng kho bạc thuế hải bảo hiểm thống kê điện lực bưu đại đẳng trị trần phú định quy
hướng dẫn trình hành phong trào bài trí phận cửa tiếp nhận trả hồ thủ tục hạn đúng
hài lòng ý ánh thái độ tác ứng giao đồng trang phục đeo thẻ hút thuốc uống rượu bia
niêm yết khai hòm thư góp đường dây nóng mô hình cách rộng xếp loại sạch vững mạnh
tiêu biểu điểm chọn tiên ưu sơ tăng giảm so sánh cùng ghi chú tên biểu bí chí thứ
nhất mục điều khoản sách quản đất đai rừng biển sông núi làng quê ở ấn ổn tuổi
""".split())  # such rimes take only sắc or nặng


# Rimes whose tone sits on the first vowel ("mùa", "cái", "hỏi"): a tone on the second
# one ("muà", "caí") is a legacy decoding gone wrong, not a spelling.
_FIRST_VOWEL_TONE_RIMES = frozenset(
    "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu ia ua ưa".split()
)


@lru_cache(maxsize=65_536)
def _syllable_weight(word: str) -> float:
    """2 for a frequent syllable, 1 for any spelling a Vietnamese syllable can have
    ("người", "quốc", "gì"), 0.5 for a loan-word rime, 0 otherwise; case-insensitive."""
    lower = to_nfc(word.lower())
    base, tones, tone_at = [], [], -1
    for i, ch in enumerate(lower):
        parts = unicodedata.normalize("NFD", ch)
        tone = [c for c in parts if c in _TONES]
        if tone:
            tones += tone
            tone_at = i
        base.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)))
    if len(tones) > 1:
        return 0.0
    stem = "".join(base)
    for initial in _INITIALS:
        if not stem.startswith(initial):
            continue
        rime = stem[len(initial):]
        if rime not in _RIMES:
            continue
        # c/ch/p/t finals take sắc or nặng, never another tone or none
        if rime.endswith(_STOP_FINALS) and (not tones or tones[0] not in "\u0301\u0323"):
            continue
        if initial == "qu" and rime.startswith(("u", "ư")):
            continue
        if tones and rime in _FIRST_VOWEL_TONE_RIMES and tone_at != len(initial):
            continue
        if rime in _RARE_RIMES:
            return 0.5
        return 2.0 if lower in _COMMON_SYLLABLES else 1.0
    return 0.0


def is_vietnamese_syllable(word: str) -> bool:
    """True for a spelling a Vietnamese syllable can have ("người", "quốc", "gì"),
    case-insensitive; shape only, so "céng" is True too."""
    return _syllable_weight(word) > 0


_TONED = re.compile("[" + _TONES + "]")
# Words are split at whitespace and punctuation; no legacy code is ASCII punctuation.
_WORD_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~\u2013\u2014\u2018\u2019\u201c\u201d\u2026]+")


def _words(s: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(s) if w]


def score_vietnamese(s: str) -> tuple[float, float]:
    """(good, bad) evidence that ``s`` is Vietnamese Unicode. good: syllables with a
    diacritic (frequent ones count double); bad: 1 per word holding a character no
    Vietnamese word has ("hoµ", "x·") or a case mix ("CộNG"), 0.5 per non-syllable made
    of Vietnamese letters ("céa"), 1 per word mixing digits and non-ASCII ("3×4").
    ASCII words, single characters and capital abbreviations ("ĐVT") are neutral."""
    good = bad = 0.0
    for word in _words(s):
        if not word.isascii():
            word_good, word_bad = _score_word(word)
            good += word_good
            bad += word_bad
    return good, bad


@lru_cache(maxsize=65_536)
def _score_word(word: str) -> tuple[float, float]:
    if len(word) == 1:
        return 0.0, 0.0  # "×", "§", "ở": too little to tell a symbol from a letter
    if any(ch in "0123456789" for ch in word):
        return 0.0, 1.0  # "25°C", "3×4": non-ASCII next to digits is never evidence for
    letters_only = all(ch in _ALPHA_SET for ch in word)
    # "ĐVT", "HĐND", "GD&ĐT": capital abbreviations carry no tone mark
    if (letters_only and word.isupper() and len(word) <= 6
            and not _TONED.search(unicodedata.normalize("NFD", word))
            and not _syllable_weight(word)):
        return 0.0, 0.0
    if not letters_only:
        return 0.0, 1.0
    if word not in (word.lower(), word.upper(), word[0] + word[1:].lower()):
        return 0.0, 1.0  # "CộNG": capitals after lower-case letters are a .VnTimeH leftover
    weight = _syllable_weight(word)
    return (weight, 0.0) if weight else (0.0, 0.5)


# --- repair --------------------------------------------------------------------------

_ASCII_LOWER = re.compile("[a-z]")
LEGACY_ENCODINGS = ("tcvn3", "vni")


def _looks_like_vntimeh(decoded: str) -> bool:
    """A decoded TCVN3 string that was typed in a ``.VnTimeH`` font: no ASCII lower-case
    letter anywhere, and some word with a capital after its first letter next to a
    lower-case Vietnamese letter ("CộNG", "HOà")."""
    if _ASCII_LOWER.search(decoded):
        return False
    for word in _words(decoded):
        has_lower_viet = any(ch.islower() and not ch.isascii() for ch in word)
        has_inner_capital = any(ch.isupper() and ch.isascii() for ch in word[1:])
        if has_lower_viet and has_inner_capital:
            return True
    return False


def _decode_tcvn3_any_case(text: str) -> str:
    decoded = decode_tcvn3(text)
    return decoded.upper() if _looks_like_vntimeh(decoded) else decoded


def _undo_utf8_mojibake(text: str) -> str | None:
    """UTF-8 bytes once read as Windows-1252 ("Cá»™ng" -> "Cộng"), or None."""
    try:
        return to_nfc(text.encode("cp1252").decode("utf-8"))
    except UnicodeError:
        return None


def _choose_repair(text: str, legacy: str | None) -> tuple[str, str | None]:
    """(repaired text, encoding it was read as: "tcvn3", "vni", "utf8" or None)."""
    if _UNICODE_ONLY.search(text) or text.isascii():
        return text, None
    good, bad = score_vietnamese(text)
    candidates = {"tcvn3": _decode_tcvn3_any_case(text), "vni": decode_vni(text)}
    if mojibake := _undo_utf8_mojibake(text):
        candidates["utf8"] = mojibake
    best, best_encoding, best_score = text, None, good - bad
    if bad:
        for encoding, candidate in candidates.items():
            c_good, c_bad = score_vietnamese(candidate)
            better = c_bad < bad and c_good - c_bad > best_score
            if better and (c_good > good or c_bad == 0):
                best, best_encoding, best_score = candidate, encoding, c_good - c_bad
    if best_encoding is None and legacy in candidates and candidates[legacy] != text:
        # The sheet is known to be in this encoding: ties go to it.
        c_good, c_bad = score_vietnamese(candidates[legacy])
        score, c_score = good - bad, c_good - c_bad
        if c_bad <= bad and (c_score > score or (c_score == score and c_good > 0)):
            return candidates[legacy], legacy
    return best, best_encoding


@lru_cache(maxsize=65_536)
def _repair_str(text: str, caps: bool, legacy: str | None) -> str:
    text = to_nfc(text)
    if caps:
        if _UNICODE_ONLY.search(text):
            return text
        return (text if text.isascii() else decode_tcvn3(text)).upper()
    return _choose_repair(text, legacy)[0]


def repair_text(s: str, *, caps: bool = False, legacy: str | None = None) -> str:
    """Any cell text -> NFC Unicode: TCVN3/ABC, ``.VnTimeH`` (``caps=True`` or detected),
    VNI-Windows, NFD and UTF-8 read as Windows-1252 ("Cá»™ng") are repaired; correct
    Unicode, ASCII and other text come back unchanged (only NFC-normalised).
    ``legacy`` ("tcvn3"/"vni", e.g. from ``guess_legacy`` over the sheet) settles ties
    such as "Ghi chó" -> "Ghi chú". Never raises; non-strings are returned as they are."""
    if not isinstance(s, str):
        return s
    return _repair_str(s, bool(caps), legacy if legacy in LEGACY_ENCODINGS else None)


def guess_legacy(texts) -> str | None:
    """The legacy encoding most cells of a sheet were clearly written in ("tcvn3" or
    "vni"), or None; pass it to ``repair_text(..., legacy=...)`` for the ambiguous ones."""
    # each distinct text is scored once (a sheet repeats names, "Có", "Kiểm tra" …)
    return _dominant_legacy(Counter(t for t in texts if isinstance(t, str)))


def _dominant_legacy(texts: Counter) -> str | None:
    """``guess_legacy`` of texts counted (text -> number of cells)."""
    counts = {encoding: 0 for encoding in LEGACY_ENCODINGS}
    for text, n in texts.items():
        if text.isascii():
            continue  # plain ASCII is read as it is (``_choose_repair``)
        encoding = _choose_repair(to_nfc(text), None)[1]
        if encoding in counts:
            counts[encoding] += n
    best = max(LEGACY_ENCODINGS, key=lambda e: counts[e])
    return best if counts[best] else None


def encode_cp1258(s: str) -> bytes:
    """Text as a Windows-1258 file holds it (for the sample's CSVs): letters the code page
    lacks precomposed are written as base letter + combining tone, as Windows does."""
    out = bytearray()
    for ch in to_nfc(s):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, tone = _split_tone(ch)
            try:
                out += (base + tone).encode("cp1258") if tone else b"?"
            except UnicodeEncodeError:
                out += b"?"
    return bytes(out)


def decode_bytes(data: bytes) -> str:
    """Bytes of a CSV/text file -> NFC text: BOM (UTF-8, UTF-16), strict UTF-8, UTF-16
    without BOM, else the best-scoring of Windows-1258, TCVN3 and VNI-Windows."""
    if data.startswith(codecs.BOM_UTF8):
        return to_nfc(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return to_nfc(data.decode("utf-16", errors="replace"))
    try:
        return to_nfc(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        # UTF-16 without BOM: every other byte of Latin/Vietnamese text is often 0.
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return to_nfc(data.decode(encoding, errors="replace"))
    decoders = (
        lambda b: to_nfc(b.decode("cp1258", errors="replace")),
        lambda b: decode_tcvn3(b.decode("latin-1")),
        lambda b: decode_vni(b.decode("latin-1")),
    )
    scores = []
    for decode in decoders:
        decoded = decode(sample)
        good, bad = score_vietnamese(decoded)
        scores.append(good - bad - 2 * decoded.count("\ufffd"))
    best = max(range(len(decoders)), key=lambda i: (scores[i], -i))
    return decoders[best](data)


def repair_rows(rows: list[list]) -> list[list]:
    """A sheet's rows with every text cell repaired, ambiguous cells read in the sheet's
    dominant legacy encoding (``guess_legacy``); other values pass unchanged."""
    # one look at each distinct text (a sheet repeats names, "Có", dates…): which legacy
    # encoding dominates (as ``guess_legacy``), then the repair; cells are looked up
    kinds = set(map(type, chain.from_iterable(rows)))
    try:
        every = Counter(chain.from_iterable(rows))  # counted in C; only the texts are kept
        hashable = True
    except TypeError:  # an unhashable cell
        every = Counter(v for row in rows for v in row if isinstance(v, str))
        hashable = False
    counts = Counter({v: n for v, n in every.items() if isinstance(v, str)})
    legacy = _dominant_legacy(counts)
    repaired = {text: repair_text(text, legacy=legacy) for text in counts}
    get = repaired.get
    if hashable and not any(issubclass(kind, str) and kind is not str for kind in kinds):
        # the usual sheet: rows holding no text the repair changes are copied whole
        changed = {text for text, fixed in repaired.items() if fixed != text}
        if not changed:
            return [list(row) for row in rows]
        return [[(get(v) if type(v) is str else v) for v in row] if not changed.isdisjoint(row) else list(row)
                for row in rows]
    return [[(get(v) if type(v) is str else repair_text(v, legacy=legacy) if isinstance(v, str) else v)
             for v in row] for row in rows]


# --- name keys -----------------------------------------------------------------------

# Leading words naming the party organisation rather than the unit ("Đảng bộ Sở Y tế"
# is the unit "Sở Y tế"). "cơ quan" is dropped only right after one of them
# ("Đảng bộ cơ quan Sở Tư pháp"): on its own it starts real names.
_ORG_PREFIXES = ("dang bo co so ", "chi bo co so ", "dang bo ", "chi bo ", "dang uy ")
_NON_KEY = re.compile(r"[^0-9a-z]+")


def strip_diacritics(s: str) -> str:
    """"Đảng ủy" -> "Dang uy": tones and letter marks removed, đ/Đ -> d/D."""
    s = to_nfc(s).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def name_key(s: str) -> str:
    """Key for matching unit names: repaired, lower case, no diacritics, punctuation
    folded to single spaces, leading party-organisation words removed.
    "Đảng bộ Sở Giáo dục và Đào tạo" and "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "so giao duc va dao tao";
    "Sở GD&ĐT" and "Sở GD-ĐT" -> "so gd dt"."""
    if not isinstance(s, str):
        s = "" if s is None else str(s)
    key = _NON_KEY.sub(" ", strip_diacritics(repair_text(s)).lower()).strip()
    for prefix in _ORG_PREFIXES:
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if rest.startswith("co quan ") and len(rest) > len("co quan "):
                rest = rest[len("co quan "):]
            return rest
    return key
