"""Every file format chrono reads or writes, both directions (DESIGN.md section 2).

- ``reading``: a file's bytes into plain records (format, encoding, surrogates),
  through ``jsonl`` (JSON Lines and JSON lists), ``yamlfile`` and ``csvfile``
  (the CSV reader and writer, and the one formula rule);
- ``records`` (with ``fields`` and ``fastpath``): plain records, from a file
  or the command line (``changes``), into the write side's commands;
- ``importing``: files as one transaction; ``bundled``: the bundled chronicle;
- ``eventlog``: the full event log, exported and imported byte for byte;
- ``markdown``: Markdown text, tables and documents;
- ``controls``: the control characters no output may carry to a terminal.

Nothing here opens a store or prints to a terminal.
"""
