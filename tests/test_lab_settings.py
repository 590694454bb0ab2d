"""`make lab` opens JupyterLab in Vietnamese: the shipped settings override names a locale
that an installed language pack provides, and the Makefile points JupyterLab at it."""

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "jupyter" / "lab" / "settings" / "overrides.json"


def test_lab_overrides__locale_is_vietnamese_and_its_language_pack_is_installed():
    locale = json.loads(OVERRIDES.read_text("utf-8"))["@jupyterlab/translation-extension:plugin"]["locale"]
    assert locale == "vi_VN"
    packs = {ep.name for ep in entry_points(group="jupyterlab.languagepack")}
    assert locale in packs, f"language pack for {locale} not installed (jupyterlab-language-pack-vi-vn)"


def test_make_lab__uses_the_shipped_settings_folder():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe and "--LabApp.app_settings_dir=$(LAB_SETTINGS)" in recipe.group(1)
    assert re.search(r"^LAB_SETTINGS := \$\(CURDIR\)/jupyter/lab/settings$", makefile, flags=re.M)
