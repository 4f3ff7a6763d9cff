"""The Wissensportal: the knowledge base as a static, offline, searchable website for staff.

>>> summary = build_portal(Repository.load("processes"), "site")    # doctest: +SKIP

Layers (imports point down): ``build`` → ``site`` (templates, writer), ``search``, ``indices`` →
``records`` (one Leistung as plain data) and ``release`` (what may be published). See
docs/portal.md and docs/decisions/portal-jinja2-minisearch.md.
"""

from .build import PortalSummary, build_portal
from .release import DRAFT, RELEASED

__all__ = ["DRAFT", "RELEASED", "PortalSummary", "build_portal"]
