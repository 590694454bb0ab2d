"""Settings: which file, checked before any work, and what the review is called.

``load(path)`` reads them from a file (found as below when ``path`` is None) and
``Settings.from_values(mapping)`` builds them from values in code (``vhcs verify`` from the
values a manifest recorded, tests); both merge over the package defaults and check alike.

Found in this order (the first that applies wins): ``--config FILE`` on the command line,
the ``VHCS_CONFIG`` environment variable, ``vhcs.toml`` in the working folder,
``vhcs.toml`` at the project root. The file overrides ``defaults.toml`` of the package key
by key. The merged settings are checked by a typed model (pydantic) before a command
does anything, so a typo or an impossible window stops the run in a second with a
Vietnamese message naming the file and the key, instead of failing half an hour later.

The set of known sections and keys is ``defaults.toml`` itself (one source): a key of the
user's file that the defaults do not have is a typo. The model adds what the defaults
cannot say: types, ranges and the rules that tie the review window together.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from vhcs_analysis.config import PACKAGE_DIR, find_project_root
from vhcs_analysis import indicator_registry
from vhcs_analysis.errors import ConfigError
from vhcs_analysis.labels import REVIEW_KIND_VI
from vhcs_analysis.periods import Period
from vhcs_analysis.tables import RankingScheme

CONFIG_ENV = "VHCS_CONFIG"
CONFIG_NAME = "vhcs.toml"
# Set (to anything but "" or "0"), the search skips ``vhcs.toml`` in the working folder and at
# the project root: only ``--config`` and ``VHCS_CONFIG`` count (the test suite sets it, so a
# developer's own vhcs.toml never changes what the tests see).
IGNORE_FOUND_ENV = "VHCS_IGNORE_FOUND_CONFIG"
DEFAULTS_FILE = PACKAGE_DIR / "defaults.toml"
KINDS = ("so-ket", "tong-ket")


# ----------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class SettingsSource:
    """The settings file in use (None: the package defaults alone) and how it was found."""

    path: Path | None
    how: str  # "--config", "VHCS_CONFIG", "thư mục làm việc", "thư mục dự án", "mặc định"

    def describe(self) -> str:
        """One Vietnamese line for the console."""
        if self.path is None:
            return "Cấu hình: mặc định của gói (không có tệp vhcs.toml)"
        return f"Cấu hình: {self.path} (theo {self.how})"


def find_settings_file(cli_path: Path | str | None = None, *, project_root: Path) -> SettingsSource:
    """The settings file to use, in the documented order (``--config``, ``$VHCS_CONFIG``,
    ``vhcs.toml`` in the working folder, then in ``project_root``); a named file must exist."""
    if cli_path is not None:
        return SettingsSource(_existing(Path(cli_path), "--config"), "--config")
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return SettingsSource(_existing(Path(env), CONFIG_ENV), CONFIG_ENV)
    if os.environ.get(IGNORE_FOUND_ENV, "").strip() not in ("", "0"):
        return SettingsSource(None, "mặc định")
    local = Path.cwd() / CONFIG_NAME
    if local.is_file():
        return SettingsSource(local.resolve(), "thư mục làm việc")
    project = project_root / CONFIG_NAME
    if project.is_file():
        return SettingsSource(project.resolve(), "thư mục dự án")
    return SettingsSource(None, "mặc định")


def _existing(path: Path, how: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"không tìm thấy tệp cấu hình {path} (chỉ định bởi {how})")
    return path.resolve()


# ----------------------------------------------------------------------------- the model


class _Section(BaseModel):
    # Keys are checked against defaults.toml first (check_known_keys, the clearer message);
    # the model names every one of them (tests/test_settings.py keeps the two in step).
    model_config = ConfigDict(extra="forbid", frozen=True)


Score = Field(ge=0, le=100)


class Review(_Section):
    """``[review]``: the kind of review, the resolution's date, the baseline, post and all periods, the report's
    place and date."""
    kind: Literal["so-ket", "tong-ket"] = "so-ket"
    resolution_date: str
    baseline: str
    post: str
    periods: list[str] = Field(min_length=2)
    report_place: str
    report_date: str = ""

    @field_validator("resolution_date", "report_date", mode="before")
    @classmethod
    def _toml_date(cls, value):
        # a TOML date written without quotes (report_date = 2022-01-15) is a date object
        return value.isoformat() if isinstance(value, dt.date) else value

    @field_validator("resolution_date")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"ngày {value!r} không đúng dạng NNNN-TT-NN (ví dụ 2016-10-10)") from None
        return value

    @field_validator("report_date")
    @classmethod
    def _iso_or_empty(cls, value: str) -> str:
        return cls._iso_date(value) if value.strip() else value

    @field_validator("periods")
    @classmethod
    def _increasing(cls, periods: list[str]) -> list[str]:
        keys = [Period.half_year(p) for p in periods]
        for (a, ka), (b, kb) in zip(zip(periods, keys), zip(periods[1:], keys[1:])):
            if kb <= ka:
                raise ValueError(f"các kỳ phải tăng dần, không lặp: {b} đứng sau {a}")
        return periods

    @model_validator(mode="after")
    def _window(self) -> Review:
        for key in ("baseline", "post"):
            value = getattr(self, key)
            if value not in self.periods:
                raise _KeyProblem(key, f"{value!r} không có trong [review] periods ({', '.join(self.periods)})")
        if Period.half_year(self.baseline) >= Period.half_year(self.post):
            raise _KeyProblem("post", f"kỳ cuối {self.post} phải sau kỳ gốc {self.baseline}")
        return self


class Cleaning(_Section):
    """``[cleaning]``: name-matching thresholds and the size limits a raw file must stay under."""
    fuzzy_accept: float = Score
    label_fuzzy_accept: float = Score
    label_fuzzy_margin: float = Score
    fuzzy_candidates: int = Field(ge=1, le=20)
    max_file_mb: float = Field(gt=0)
    max_rows: int = Field(gt=0)
    max_cells: int = Field(gt=0)
    max_cell_chars: int = Field(gt=0)
    max_part_mb: float = Field(gt=0)
    max_unzipped_mb: float = Field(gt=0)
    max_zip_ratio: float = Field(gt=1)


class Inspection(_Section):
    """``[inspection]``: Form 02's rating thresholds (score 0–100 per rating) and the tolerance on its total."""
    rating_thresholds: dict[str, float]
    total_tolerance: float = Field(ge=0, le=100)

    @field_validator("rating_thresholds")
    @classmethod
    def _scores(cls, value: dict[str, float]) -> dict[str, float]:
        return _thresholds(value)


class Ranking(_Section):
    """``[ranking]``: the annual ranking scheme's years, office-culture thresholds, noise band and caps."""
    qd132_from_year: int = Field(ge=2000, le=2100)
    oc_thresholds: dict[str, float]
    noise_band_z: float = Field(ge=0, le=10)
    noise_min_df: int = Field(ge=1, le=10_000)
    best_level_by_oc: dict[str, int]
    excellent_share_cap: float = Field(ge=0, le=1)
    excellent_cap_schemes: list[RankingScheme]
    excellent_cap_base: Literal["httnv", "all"]

    @field_validator("oc_thresholds")
    @classmethod
    def _scores(cls, value: dict[str, float]) -> dict[str, float]:
        return _thresholds(value)

    @field_validator("best_level_by_oc")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in value.items() if not 1 <= v <= 4}
        if bad:
            raise ValueError(f"mức xếp loại phải từ 1 đến 4: {bad}")
        return value


class PublicIndex(_Section):
    """One edition of a province index published outside (a fact quoted, not computed):
    the index, the year it rates, Hà Tĩnh's value, when and by whom it was published. A
    report lists only the editions published on or before its date."""

    name: str
    year: int
    value: str
    published: str
    source: str

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"ngày công bố phải có dạng 2019-03-28: {value!r}") from None
        return str(value)


class Report(_Section):
    """``[report]``: document number, Word and PowerPoint templates, notebook time-out, main indicator, public
    indices."""
    document_number: str
    docx_template: str
    pptx_template: str
    notebook_cell_timeout_s: int = Field(gt=0)
    main_indicator: str
    public_indices: list[PublicIndex]
    list_threshold: int = Field(gt=0)
    list_top: int = Field(gt=0)
    scorecards_split: Literal["auto", "single", "block", "unit"]

    @field_validator("main_indicator")
    @classmethod
    def _known_indicator(cls, value: str) -> str:
        _known_indicators([value])
        return value


class Compare(_Section):
    """``[compare]``: how pilot units are compared with the rest (block weights, permutations, alpha, family,
    power)."""
    block_weights: Literal["equal", "units", "precision"]
    exact_limit: int = Field(gt=0)
    mc_draws: int = Field(gt=0)
    alpha: float = Field(gt=0, lt=1)
    family: list[str] = Field(min_length=1)
    adoption_items: list[str]
    ceiling_share: float = Field(gt=0, le=1)
    power: float = Field(gt=0, lt=1)

    @field_validator("family")
    @classmethod
    def _outcomes(cls, value: list[str]) -> list[str]:
        return _indicators_of_kind(value, "outcome")

    @field_validator("adoption_items")
    @classmethod
    def _adoption_steps(cls, value: list[str]) -> list[str]:
        return _indicators_of_kind(value, "adoption")


class Indicators(_Section):
    """``[indicators]``: the composite index's weights and rules, and the reporting deadline."""
    index_weights: dict[str, float]
    index_penalty: dict[str, float]
    index_min_components: int = Field(ge=1)
    index_min_weight: float = Field(ge=0, le=1)
    deadline_day: int = Field(ge=0, le=31)
    deadline_days: int = Field(ge=0, le=366)

    @field_validator("index_weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        _indicators_of_kind([k for k in value if k != "oc_index"], "outcome")
        if "oc_index" in value:
            raise ValueError("chỉ số tổng hợp oc_index không thể là thành phần của chính nó")
        return _weights(value)

    @field_validator("index_penalty")
    @classmethod
    def _penalties(cls, value: dict[str, float]) -> dict[str, float]:
        _known_indicators(list(value))
        higher = [k for k in value if indicator_registry.higher_is_better(k)]
        if higher:
            raise ValueError(f"chỉ tiêu cao hơn là tốt hơn không có mức phạt (chỉ tiêu thấp hơn là tốt hơn mới có): "
                             f"{higher}")
        return value


class Plots(_Section):
    """``[plots]``: which indicators the event-study chart shows."""
    event_study_indicators: list[str] = Field(min_length=1)

    @field_validator("event_study_indicators")
    @classmethod
    def _known_indicators(cls, value: list[str]) -> list[str]:
        return _known_indicators(value)


class GoodPractices(_Section):
    """``[good_practices]``: which indicators, the false-discovery share and the minimum gain, size and events."""

    indicators: list[str]
    q_max: float = Field(gt=0, lt=1)
    min_gain: float = Field(ge=0)
    min_gain_by_indicator: dict[str, float]
    min_staff: int = Field(ge=0)
    min_events: int = Field(ge=0)
    min_dossiers: int = Field(ge=0)
    loo_max_units: int = Field(ge=0)

    @field_validator("indicators")
    @classmethod
    def _known_indicators(cls, value: list[str]) -> list[str]:
        return _known_indicators(value)

    @field_validator("min_gain_by_indicator")
    @classmethod
    def _known_gains(cls, value: dict[str, float]) -> dict[str, float]:
        _known_indicators(list(value))
        return value


class Settings(_Section):
    """The merged settings (defaults + file), checked and frozen: built once at the boundary
    (``load``, ``Settings.from_values``) and handed to the functions that need it, whole or one section."""

    review: Review
    cleaning: Cleaning
    inspection: Inspection
    ranking: Ranking
    report: Report
    compare: Compare
    indicators: Indicators
    plots: Plots
    good_practices: GoodPractices
    # What manifest.json records of these settings (``settings_record``), attached by
    # ``load``/``from_values`` from the values as given: the values keep the file's own types and order.
    _record: dict[str, Any] | None = PrivateAttr(default=None)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, name: str = "(giá trị truyền vào)") -> Settings:
        """Settings from values in code, ``{section: {key: value}}`` as a settings file holds
        them (a TOML date may be ISO text): merged over the package defaults and checked
        exactly as a file is (ConfigError naming ``name`` and the key). Recorded with no file."""
        return _build(copy.deepcopy(dict(values)), name, None)

    def record(self) -> dict[str, Any]:
        """``manifest["settings"]``: the settings file's name and sha256 (None for the package
        defaults) and the merged values. Settings built in code (not read from a file)
        record their values as the model holds them, with no file."""
        if self._record is not None:
            return copy.deepcopy(self._record)
        return {"source": None, "sha256": None, "values": self.model_dump(mode="json")}


class _KeyProblem(ValueError):
    """A rule about one key found while checking its section (names that key)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _known_indicators(value: list[str]) -> list[str]:
    """``value`` when every code is in the indicator registry, else a Vietnamese error."""
    known = indicator_registry.codes()
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValueError(f"chỉ tiêu không có trong danh mục: {unknown}")
    return value


def _indicators_of_kind(value: list[str], kind: str) -> list[str]:
    """``value`` when every code is a registered indicator of ``kind`` (outcome: compared;
    adoption: a one-time step, shown and never compared), else a Vietnamese error."""
    _known_indicators(value)
    wrong = [v for v in value if indicator_registry.indicator(v).kind != kind]
    if wrong:
        what = {"outcome": "chỉ tiêu kết quả", "adoption": "bước triển khai làm một lần"}
        raise ValueError(f"chỉ nhận {what[kind]}; không thuộc loại này: {wrong}")
    return value


def _thresholds(value: dict[str, float]) -> dict[str, float]:
    bad = {k: v for k, v in value.items() if not 0 <= v <= 100}
    if bad:
        raise ValueError(f"ngưỡng phải trong khoảng 0–100: {bad}")
    return value


def _weights(value: dict[str, float]) -> dict[str, float]:
    if any(v < 0 for v in value.values()) or not sum(value.values()) > 0:
        raise ValueError(f"trọng số phải không âm và có tổng dương: {value}")
    return value


# ----------------------------------------------------------------------------- checking


# Keys that were removed, with the key that holds the setting now: a file that still has
# one stops with a message naming both, not just "unknown key".
REMOVED_KEYS = {
    ("plots", "per_block_indicator"): "[report] main_indicator",
}


def check_known_keys(user: dict, defaults: dict, file_name: str) -> None:
    """Every section and key of the user's file exists in the defaults (else: a typo)."""
    for section, body in user.items():
        if section not in defaults:
            known = ", ".join(f"[{s}]" for s in defaults)
            raise ConfigError(f"tệp cấu hình {file_name}: mục [{section}] không tồn tại (các mục: {known})")
        if not isinstance(body, dict):
            raise ConfigError(f"tệp cấu hình {file_name}: [{section}] phải là một mục, không phải một giá trị")
        for key in body:
            if (section, key) in REMOVED_KEYS:
                raise ConfigError(
                    f"tệp cấu hình {file_name}: khóa [{section}] {key} đã bỏ; "
                    f"dùng {REMOVED_KEYS[section, key]} (một khóa cho chỉ tiêu chính của báo cáo)"
                )
            if key not in defaults[section]:
                known = ", ".join(defaults[section])
                raise ConfigError(
                    f"tệp cấu hình {file_name}: khóa [{section}] {key} không tồn tại (khóa của [{section}]: {known})"
                )


def validate(settings: dict, file_name: str) -> Settings:
    """The typed view of the merged settings, or ConfigError naming the file and the key."""
    try:
        return Settings.model_validate(settings)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(x) for x in err.get("loc", ())]
        problem = err.get("ctx", {}).get("error")
        key = getattr(problem, "key", None)
        if key is not None:
            loc = [*loc, key]
        section = loc[0] if loc else "?"
        name = loc[1] if len(loc) > 1 else ""
        where = f"[{section}] {name}".strip()
        message = str(problem) if problem is not None else _message_vi(err)
        value = settings.get(section, {}).get(name) if name and isinstance(settings.get(section), dict) else None
        shown = f" = {value!r}" if value is not None and not isinstance(value, dict | list) else ""
        raise ConfigError(f"tệp cấu hình {file_name}: khóa {where}{shown} không hợp lệ: {message}") from None


_PYDANTIC_VI = {
    "missing": "thiếu giá trị",
    "literal_error": "phải là một trong {expected}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than": "phải nhỏ hơn {lt}",
    "too_short": "cần ít nhất {min_length} phần tử",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "string_type": "phải là chuỗi ký tự",
    "list_type": "phải là danh sách",
    "dict_type": "phải là bảng {{khóa = giá trị}}",
    "bool_type": "phải là true hoặc false",
}


def _message_vi(err: Mapping[str, Any]) -> str:
    template = _PYDANTIC_VI.get(err.get("type", ""))
    if template is None:
        return str(err.get("msg", "giá trị không hợp lệ"))
    try:
        ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (err.get("ctx") or {}).items()}
        if "expected" in ctx:  # pydantic's "'so-ket' or 'tong-ket'"
            ctx["expected"] = str(ctx["expected"]).replace("' or '", "' hoặc '")
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problem_vi(exc: Exception) -> str:
    """Why a TOML file could not be read, in Vietnamese (Python words it in English): a
    syntax error with its line and column, text that is not UTF-8, a file not opened."""
    if isinstance(exc, tomllib.TOMLDecodeError):
        at = _TOML_AT.search(str(exc))
        return f"sai cú pháp TOML ở dòng {at[1]}, cột {at[2]}" if at else "sai cú pháp TOML"
    if isinstance(exc, UnicodeDecodeError):
        return "không phải văn bản UTF-8 (lưu lại tệp với bảng mã UTF-8)"
    return "không mở được tệp (kiểm tra đường dẫn và quyền đọc)"


def load_toml(path: Path) -> dict:
    """The TOML file at ``path`` as a dict (ConfigError naming the file and, in Vietnamese,
    why, if unreadable)."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"không đọc được tệp cấu hình {path.name}: {toml_problem_vi(exc)}") from None


def settings_record(source: SettingsSource, merged: dict) -> dict[str, Any]:
    """What manifest.json records: the file's name and sha256 (None for defaults) and the
    merged values (plain JSON)."""
    values = json.loads(json.dumps(merged, default=str))  # TOML dates and times as ISO text
    if source.path is None:
        return {"source": None, "sha256": None, "values": values}
    digest = hashlib.sha256(source.path.read_bytes()).hexdigest()
    return {"source": source.path.name, "sha256": digest, "values": values}


# ----------------------------------------------------------------------------- loading


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(user: dict | None, name: str, path: Path | None) -> Settings:
    """The package defaults merged with ``user`` (keys checked against the defaults), checked
    (ConfigError naming ``name`` and the key) and frozen, with the merged values as given
    (in the defaults' order, then the user's) kept as its ``record()``; ``path``: the file
    the values were read from (its name and sha256 are recorded), None for values in code."""
    merged = load_toml(DEFAULTS_FILE)
    if user is not None:
        check_known_keys(user, merged, name)
        merged = _merge(merged, user)
    checked = validate(merged, name)
    checked._record = settings_record(SettingsSource(path, ""), merged)
    return checked


@lru_cache(maxsize=8)
def _loaded(path: str | None, stamp: tuple[int, int] | None = None) -> Settings:
    """``_build`` of the file at ``path`` (None: the defaults alone), once per file and
    version: ``stamp`` (the file's mtime and size) makes an edited file be read again."""
    if path is None:
        return _build(None, DEFAULTS_FILE.name, None)
    return _build(load_toml(Path(path)), Path(path).name, Path(path))


def _key(source: SettingsSource) -> tuple[str | None, tuple[int, int] | None]:
    if source.path is None:
        return None, None
    try:
        info = source.path.stat()
        return str(source.path), (info.st_mtime_ns, info.st_size)
    except OSError:
        return str(source.path), None  # reported by the read itself


def settings_source(path: Path | str | None = None) -> SettingsSource:
    """The settings file in use, found in the documented order: ``path`` (``--config``),
    ``$VHCS_CONFIG``, ``vhcs.toml`` in the working folder, then at the project root."""
    return find_settings_file(path, project_root=find_project_root())


def load(path: Path | str | None = None) -> Settings:
    """The checked, frozen settings of the file at ``path`` (``--config``), or of the file
    found as ``settings_source`` says when None (the package defaults when there is none),
    built once per file and version. The boundary (CLI, ``review.setup``, the report and
    verify entry points) calls this and hands the result on. ConfigError if the file is bad."""
    return _loaded(*_key(settings_source(path)))


def package_defaults() -> Settings:
    """The package's ``defaults.toml`` alone, checked and frozen (no settings file): what the
    public comparison API uses when its caller passes no settings."""
    return _loaded(None, None)


# ----------------------------------------------------------------------------- the review


def window_gap(found: list[str] | set[str], review: Review | dict) -> str | None:
    """Vietnamese message when the review window (baseline, post) has no Form 01 data among
    the periods ``found`` in the raw folder, naming those periods; None when both have data."""
    review = _plain(review)
    halves = (Period.find(p) for p in found)
    found = [p.code for p in sorted({p for p in halves if p is not None and p.kind == "H"})]
    missing = [f"{key} = {review[key]}" for key in ("baseline", "post") if str(review[key]) not in found]
    if not missing:
        return None
    have = ", ".join(found) if found else "không có kỳ nào"
    return (f"[review] {' và '.join(missing)} không có số liệu Biểu 01 trong thư mục dữ liệu thô "
            f"(các kỳ có số liệu: {have}); sửa [review] trong tệp cấu hình hoặc bổ sung số liệu")


def review_years(baseline: str, post: str) -> str:
    """Length of the window in years as printed ('2', '5', '2,5')."""
    from vhcs_analysis import fmt

    halves = Period.half_year(baseline).half_years_to(Period.half_year(post))
    return str(halves // 2) if halves % 2 == 0 else fmt.number(halves / 2, 1)


def _plain(review: Review | dict) -> dict:
    return review.model_dump() if isinstance(review, BaseModel) else review


def review_naming(review: Review | dict) -> dict[str, str]:
    """The review's name in every form the report needs, from ``kind`` and the window:
    ``{"kind": "tong-ket", "noun": "tổng kết", "title": "tổng kết 5 năm", "title_upper":
    "TỔNG KẾT 5 NĂM", "next_review": "…"}``."""
    review = _plain(review)
    kind = str(review.get("kind") or "so-ket")
    noun = REVIEW_KIND_VI[kind]
    title = f"{noun} {review_years(str(review['baseline']), str(review['post']))} năm"
    return {
        "kind": kind,
        "noun": noun,
        "title": title,
        "title_upper": title.upper(),
        "title_sentence": title[:1].upper() + title[1:],
        # when late reports must be in: before the next interim review, or (after the
        # final review) before the next reporting period
        "next_review": "trước kỳ sơ kết tiếp theo" if kind == "so-ket" else "trước kỳ báo cáo tiếp theo",
    }


def report_basename(review: Review | dict) -> str:
    """The report files' name without suffix, ``bao-cao-<kind>-nq01`` (PDF, Word draft)."""
    from vhcs_analysis.layout import report_stem

    return report_stem(_plain(review).get("kind"))
