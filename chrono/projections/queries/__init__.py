"""Reads of the read model's tables: each module answers one kind of question in SQL.

Nothing here decodes more entries than a page shows, and nothing folds the
log: the tables are indexed for each question (``schema``).
"""
