"""Rich renderables: what chrono shows, and how it leaves the terminal.

One module per view: ``timeline``, ``partner`` (history and registry),
``counters`` (and explain), ``state``, ``entry`` (show and log), ``audit``
(audit, replay, diff). ``theme`` names every style, ``labels`` every word in
English and Vietnamese, ``report`` words the chronicle as a Markdown report
(the CSV and Markdown formats are ``chrono.interchange``), ``output``
prints (and saves SVG pictures), ``progress`` draws bars on a terminal.
Modules are imported by the commands that need them, to keep start-up short.
"""
