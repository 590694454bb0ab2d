"""`make lab` opens JupyterLab in Vietnamese: the shipped settings override names a locale
that an installed language pack provides, and the lab step points JupyterLab at it."""

import json
from importlib.metadata import entry_points

from vhcs_analysis import tasks

OVERRIDES = tasks.ROOT / tasks.LAB_SETTINGS / "overrides.json"


def test_lab_overrides__locale_is_vietnamese_and_its_language_pack_is_installed():
    locale = json.loads(OVERRIDES.read_text("utf-8"))["@jupyterlab/translation-extension:plugin"]["locale"]
    assert locale == "vi_VN"
    packs = {ep.name for ep in entry_points(group="jupyterlab.languagepack")}
    assert locale in packs, f"language pack for {locale} not installed (jupyterlab-language-pack-vi-vn)"


def test_lab_step__uses_the_shipped_settings_folder_and_extra_options(monkeypatch):
    seen = []
    monkeypatch.setattr(tasks, "_python", lambda *args, **_kw: seen.append(args) or 0)
    monkeypatch.setenv("LAB_ARGS", "--no-browser --ServerApp.port=8899")
    assert tasks.lab() == 0
    (args,) = seen
    assert args[:2] == ("-m", "jupyterlab") and args[-1] == "notebooks/"
    assert f"--LabApp.app_settings_dir={OVERRIDES.parent}" in args
    assert "--no-browser" in args and "--ServerApp.port=8899" in args
