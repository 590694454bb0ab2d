"""Cleaning: located tables -> records, rejects and findings (pure; no disk access).

- ``rows``: the row walker, the one place that decides what every row of a table is
  (data, blank, title, header echo, total, group, note, signature …);
- ``core``: ``Record``/``Problem``/``Context``, ``parse_field``, ``resolve_unit``, the
  title-area finders;
- ``batch``: ``RecordBatch``, a table's records column-wise with provenance on demand
  (what every reader returns), ``resolve_duplicates`` and ``to_frames``;
- ``form01``: Form 01-VHCS, per-unit form and consolidated sheet, the Form 01 checks;
- ``form02``: Form 02-VHCS, inspection rounds;
- ``rankings``: annual rankings of base party organisations.

The readers take the run's settings from ``Context.settings`` (``settings.load()`` at the
boundary); none reads a settings file itself.
"""
