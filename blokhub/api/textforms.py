"""One spelling per identity: the forms under which usernames, emails, logins and tags are compared and stored.

Full-width letters, ligatures and case are presentation, not identity: ``ｃａｒｏｌ@ＥＸＡＭＰＬＥ.com`` is
``carol@example.com``. NFKC folds compatibility forms, case-folding folds case (more thoroughly than ``lower``), and a
second NFKC keeps the result in normal form.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """The comparison key of ``text``: NFKC, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).strip()
