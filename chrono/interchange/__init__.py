"""Every file format chrono reads or writes, both directions (DESIGN.md section 2).

Reading and importing:

- ``reading``: a file's bytes into plain records (format, encoding, surrogates),
  through ``jsonl`` (JSON Lines and JSON lists), ``yamlfile`` and ``csvfile``
  (the CSV reader and writer, and the one formula rule);
- ``schema``: the import shapes, the fields each record type has;
  ``records`` (with ``fields`` and ``fastpath``): plain records, from a file
  or the command line (``changes``), into the write side's commands;
- ``importing``: files as one transaction; ``bundled``: the bundled chronicle;
- ``eventlog``: the full event log, exported and imported byte for byte.

Writing: ``shapes`` (the JSON shapes), ``markdown``, and the formats of
other tools (``base``, ``timelinejs``, ``ics``, ``plover``, ``quickstatements``,
``html``); ``controls``: the control characters no output may carry to a terminal.

Drafting from an article: ``draft_command``, ``drafting`` and the modules it uses
(``article``, ``sentences``, ``dates`` and ``dates_grammar``, ``numbers``, ``proposals``,
``partners_match``, ``kinds_guess``, ``known``, ``draft_*``).

Nothing here opens a store (a command hands its store to ``draft_command``).
"""
