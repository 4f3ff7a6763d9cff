from workbench.maps import shapes as sh


def test_wrap_breaks_long_german_words():
    lines = sh.wrap("Gewerbeanmeldungsbearbeitungsvorgang prüfen", 12, None)
    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines).replace("-", "") == "Gewerbeanmeldungsbearbeitungsvorgangprüfen"


def test_wrap_prefers_hyphen_and_slash():
    assert sh.wrap("Anmeldung/Ummeldung Einwohner", 12)[0] == "Anmeldung/"
    assert sh.wrap("Gewerbe-Fachverfahren", 10)[0] == "Gewerbe-"


def test_wrap_limits_lines_with_ellipsis():
    lines = sh.wrap("eins zwei drei vier fünf sechs sieben acht neun zehn", 5, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")


def test_clean_text_drops_control_characters():
    assert sh.clean_text("a\x00b\x07  c\r\nd") == "ab c\nd"


def test_format_minutes_german():
    assert sh.format_minutes(1.5) == "1,5 Min."
    assert sh.format_minutes(5) == "5 Min."
    assert sh.format_minutes(130) == "2 Std. 10 Min."
    assert sh.format_minutes(None) == ""


def test_short_reason():
    long = "Medienwechsel Papier → Fachverfahren/digital; Systemwechsel A → B"
    assert sh.short_reason(long) == "Papier → Fachverfahren/digital …"


def test_legend_lists_only_used_media():
    items = sh.legend_items(media={"papier"}, media_breaks=True)
    labels = [i.label for i in items]
    assert "Medium: Papier" in labels and "Medium: E-Mail" not in labels
    assert any("Medienbruch" in label for label in labels)
    assert not [i for i in sh.legend_items(media={""}) if i.kind == "fill"]
