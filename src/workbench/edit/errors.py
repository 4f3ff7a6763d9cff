"""The refusal of an edit that would lose content."""

from __future__ import annotations


class EditRefused(ValueError):
    """An edit cannot be applied without losing content; nothing was written.

    ``losses`` names each piece of content that would be lost (German, with element ids);
    the message says what to do.
    """

    def __init__(self, losses: list[str], *, hint: str | None = None,
                 source: str | None = None) -> None:
        self.losses = list(losses)
        self.hint = hint or ("Die Änderung wurde nicht übernommen; das Modell ist unverändert.")
        self.source = source
        shown = "; ".join(self.losses[:8])
        more = f" (und {len(self.losses) - 8} weitere)" if len(self.losses) > 8 else ""
        where = f"{source}: " if source else ""
        super().__init__(f"{where}Änderung abgelehnt, weil Inhalt verloren ginge: {shown}{more}. "
                         f"{self.hint}")
