from __future__ import annotations

from rich.console import Console

from uprlens.classify import explain_terminal, explain_text


def test_explain_shows_labels_and_evidence(clf):
    c = clf.classify(
        "Safeguard its political system and the development path chosen by its own people"
    )
    console = Console(record=True, width=160)
    console.print(explain_terminal(c))
    out = console.export_text()
    assert "endorsing" in out and "endorse.political_system" in out
    assert "Safeguard its political system" in out
    plain = explain_text(c)
    assert "verdict = endorsing" in plain and "endorse." in plain


def test_explain_escapes_markup(clf):
    c = clf.classify("Ratify the ICCPR [bold]now[/bold] <script>alert(1)</script>")
    console = Console(record=True, width=160)
    console.print(explain_terminal(c))
    assert "[bold]now[/bold]" in console.export_text()
