"""Vietnamese legacy text repair: TCVN3/ABC, .VnTimeH capitals, VNI-Windows, NFD -> NFC.

Real files carry text typed with pre-Unicode fonts. Excel stores such text as the
Windows-1252 characters of the font's byte codes, so "Cộng hoà" typed in ``.VnTime``
reads back as "Céng hoµ" and in VNI-Windows as "Coäng hoøa".

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
- Detection is per string: every candidate decoding is scored by counting words that
  are valid Vietnamese syllables versus words holding characters no Vietnamese word
  has. A string is only changed when it holds such a bad word and a decoding has
  fewer bad words and a better score, so correct Unicode is never touched (a lone
  ambiguous word such as "mét", TCVN3 for "một" but also a real word, stays as is).
"""

from __future__ import annotations

import re
import unicodedata

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
