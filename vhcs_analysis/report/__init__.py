"""The review report: execute the notebooks, then render the Typst template to PDF.

``notebooks.py`` runs the numbered notebooks headless (they write figures and tables),
``context.py`` (with ``readings.py`` for the statistics in words) turns those outputs and the manifest into
pre-formatted Vietnamese text for the template, ``build.py`` orchestrates the whole pipeline and compiles the PDFs.
"""
