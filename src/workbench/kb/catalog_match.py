"""Matching a Kommune's own list of Leistungen to the LeiKa/OZG catalogue.

Names are normalised the German way (umlauts folded, line-break hyphens joined, ``Anmelde- und
Vergabeverfahren`` expanded, compounds split into known words, stop words dropped), domain
synonyms and abbreviations are alternatives of a word (``Einwohner`` ~ ``Wohnsitz``,
``Meldung`` ~ ``Anmeldung``/``Anzeige``, ``Kita`` ~ ``Kindertagesstätte``). Candidates come
from an inverted word index (numpy): every entry's share of the list name's words is computed
at once, the best 20 entries get the full score:

    score = Q · (0.6 + 0.4 · E),  Q = share of the list name's words found in the entry,
                                 E = share of the entry's words found in the list name

both weighted by how rare a word is in the catalogue. Word similarity uses rapidfuzz for
typos. Entries of the same Leistungsobjekt (the first 8 digits of the key) count as one
candidate. A match is *sicher* only with a high score, a clear lead over the next
Leistungsobjekt and (nearly) every word of the list name found; otherwise the three best
candidates are offered – never a silent guess.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from ..text import ascii_fold
from .ozg_catalog import LeikaEntry, OzgCatalog

SICHER, UNSICHER, KEIN = "sicher", "unsicher", "kein Treffer"
#: Thresholds of the decision (see docs/fim-und-katalog.md): score, lead, query coverage.
AUTO_SCORE, AUTO_LEAD, AUTO_COVERAGE, MIN_SCORE = 0.80, 0.10, 0.85, 0.45
SHORTLIST = 20

STOPWORDS = frozenset((  # noqa: SIM905 - a list of words reads better as text
    "und oder u bzw sowie von vom der die das den dem des zur zum zu fuer im in an am auf mit "
    "bei durch ein eine einer eines einem inkl inklusive allgemein allgemeine nach aus als alle "
    "ueber ggf etc z b sonstige sonstiges").split())
#: Synonyms and abbreviations (folded): a word may stand for any of these.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "einwohner": ("wohnsitz",), "ummeldung": ("anmeldung", "aenderung"),
    "meldung": ("anmeldung", "anzeige"), "anzeige": ("anmeldung", "meldung"),
    "anmeldung": ("meldung", "anzeige"), "abmeldung": ("meldung",),
    "bescheinigung": ("bestaetigung",), "meldebescheinigung": ("meldebestaetigung",),
    "kita": ("kindertagesstaette",), "kitas": ("kindertagesstaette",),
    "kiga": ("kindergarten",), "turnhalle": ("sporthalle",), "turnhallen": ("sporthallen",),
    "gs": ("grundschule",), "kfz": ("kraftfahrzeug",), "bafoeg": ("ausbildungsfoerderung",),
    "wbs": ("wohnberechtigungsschein",), "eid": ("online", "ausweisfunktion"),
    "perso": ("personalausweis",), "ausweis": ("personalausweis",),
    "zulassung": ("erlaubnis", "genehmigung"), "erlaubnis": ("genehmigung", "zulassung"),
    "genehmigung": ("erlaubnis",), "antraege": ("antrag",), "antraegen": ("antrag",),
    "vergabe": ("aufnahme", "nutzung"), "schulkindbetreuung": ("hortbetreuung",),
    "urkunde": ("ausstellung",),
}
_HYPHEN_BREAK = re.compile(r"(\w)- (?!(?:und|oder|bzw|sowie)\b)([a-zäöüß])")
_SUSPENDED = re.compile(r"(\w+)-\s*(?:,\s*)?(und|oder|bzw\.?|sowie)\s+(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A catalogue entry offered for a list row, with its score 0–1."""

    entry: LeikaEntry
    score: float
    ozg_name: str = ""
    themenfeld: str = ""


@dataclass
class MatchResult:
    """The outcome for one row of the list."""

    row: int
    name: str
    fachbereich: str
    status: str  # SICHER | UNSICHER | KEIN
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _idf(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 0.5))


class CatalogMatcher:
    """Matches names to the LeiKa entries of a catalogue (build once, match many)."""

    def __init__(self, catalog: OzgCatalog) -> None:
        self.catalog = catalog
        self.entries = [e for e in catalog.leika if e.name and (e.has_key or e.ozg_id)]
        raw = [self._words(e.name) for e in self.entries]
        self.vocabulary = frozenset(w for words in raw for w in words)
        raw = [self._words(e.name) for e in self.entries]  # again, now with suspended hyphens
        self.verbs = _verrichtungen(self.entries, raw)
        df = Counter(w for words in raw for w in set(words))
        n = len(raw)
        self.idf = {w: _idf(c, n) for w, c in df.items()}
        self.unknown_idf = _idf(0, n)
        self.entry_base = [tuple(words) for words in raw]
        self.entry_parts = [tuple(self._split(w) for w in words) for words in raw]
        self._names = [" ".join(words) for words in raw]
        self.entry_words = [frozenset(words).union(*parts) if parts else frozenset(words)
                            for words, parts in zip(raw, self.entry_parts, strict=True)]
        self.entry_weights = [tuple(self.weight(w) for w in words) for words in raw]
        self.entry_items = [tuple(zip(w, p, g, strict=True)) for w, p, g in
                            zip(self.entry_base, self.entry_parts, self.entry_weights, strict=True)]
        self.entry_total = [sum(g) for g in self.entry_weights]
        self.object_keys = [e.object_key for e in self.entries]
        self._total_array = np.asarray(self.entry_total)
        codes = {k: n for n, k in enumerate(dict.fromkeys(self.object_keys))}
        self._object_codes = np.asarray([codes[k] for k in self.object_keys])
        self._build_index()
        self._build_word_index()

    def weight(self, word: str) -> float:
        """How much a word counts: rarer words more, Verrichtungen (Anmeldung …) half. A word
        the catalogue does not have counts like its closest catalogue word or its parts."""
        if word not in self.idf and hasattr(self, "_similar_cache"):
            near = {w: v for w, v in self.similar(word).items() if w in self.idf}
            if near:
                return self.weight(max(near, key=lambda w: (near[w], w)))
            parts = [p for p in self._split(word) if p in self.idf]
            if parts:
                return sum(self.weight(p) for p in parts) / len(parts)
        value = self.idf.get(word, self.unknown_idf)
        return value * 0.5 if word in self.verbs else value

    # ------------------------------------------------------------------ normalising
    def normalize(self, text: str) -> str:
        """Folded, de-hyphenated text: 'Vor- drucken' → 'vordrucken'."""
        text = _HYPHEN_BREAK.sub(r"\1\2", str(text))
        text = _SUSPENDED.sub(self._suspended, text)
        return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_fold(text)).split())

    def _suspended(self, match: re.Match[str]) -> str:
        """'Anmelde- und Vergabeverfahren' → 'Anmeldeverfahren und Vergabeverfahren'."""
        head, conj, tail = match.group(1), match.group(2), match.group(3)
        folded = ascii_fold(tail)
        vocabulary = getattr(self, "vocabulary", frozenset())
        for cut in range(1, len(folded) - 3):
            if folded[cut:] in vocabulary:
                return f"{head}{tail[cut:]} {conj} {tail}"
        return f"{head} {conj} {tail}"

    def _words(self, text: str) -> list[str]:
        return [w for w in self.normalize(text).split() if w not in STOPWORDS and len(w) > 1]

    def _split(self, word: str) -> tuple[str, ...]:
        """Compound parts made of known words ('hundemeldung' → 'hunde', 'meldung')."""
        return _split_cached(word, self.vocabulary) if len(word) >= 8 else ()

    # ------------------------------------------------------------------ candidates
    def _build_index(self) -> None:
        """Which entries contain a word (or compound part): the postings of the word."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self.entry_words):
            for word in words:
                postings[word].append(i)
        self._postings = {w: np.asarray(ids, dtype=np.int64) for w, ids in postings.items()}

    def _build_word_index(self) -> None:
        """Catalogue words (and compound parts) by truncation and stem, to find similar words."""
        self._vocab = sorted(set().union(*self.entry_words))
        self._vocab_set = frozenset(self._vocab)
        self._longer: dict[str, list[str]] = defaultdict(list)
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        for word in self._vocab:
            for k in (1, 2, 3):
                if len(word) - k >= 5:
                    self._longer[word[:-k]].append(word)
            if len(word) >= 5:
                self._by_stem[_stem(word)].append(word)
        self._deletes: dict[str, list[str]] = defaultdict(list)  # typo neighbourhood
        for word in self._vocab:
            if len(word) >= 6:
                for variant in {word, *_deletions(word)}:
                    self._deletes[variant].append(word)
        self._similar_cache: dict[str, dict[str, float]] = {}
        # the entries' own words as flat arrays, for the entry coverage of all entries at once
        self._vid = {w: i for i, w in enumerate(self._vocab)}
        slot_entry, slot_word, slot_weight, part_slot, part_word, nparts = [], [], [], [], [], []
        for i, items in enumerate(self.entry_items):
            for word, parts, weight in items:
                slot = len(slot_entry)
                slot_entry.append(i)
                slot_word.append(self._vid[word])
                slot_weight.append(weight)
                nparts.append(len(parts))
                for part in parts:
                    part_slot.append(slot)
                    part_word.append(self._vid[part])
        self._slot_entry = np.asarray(slot_entry, dtype=np.int64)
        bounds = np.searchsorted(self._slot_entry, np.arange(len(self.entries) + 1))
        self._slot_start = bounds[:-1]
        self._slot_len = np.diff(bounds)

        self._slot_word = np.asarray(slot_word, dtype=np.int64)
        self._slot_weight = np.asarray(slot_weight)
        self._part_slot = np.asarray(part_slot, dtype=np.int64)
        self._part_word = np.asarray(part_word, dtype=np.int64)
        self._nparts = np.asarray(nparts)

    def _entry_coverage(self, q: _Query, entries: np.ndarray) -> np.ndarray:
        """E for the given entries: how much of each entry's words the list name covers."""
        sim = np.zeros(len(self._vocab) + 1)
        for word, value in q.flat_sims.items():
            index = self._vid.get(word)
            if index is not None:
                sim[index] = value
        lens = self._slot_len[entries]
        ends = np.cumsum(lens)
        slots = (np.arange(int(ends[-1]) if len(ends) else 0)
                 - np.repeat(ends - lens, lens) + np.repeat(self._slot_start[entries], lens))
        direct = sim[self._slot_word[slots]]
        nparts = self._nparts[slots]
        part_sum = np.bincount(self._part_slot, weights=sim[self._part_word],
                               minlength=len(self._slot_word))[slots]
        has_parts = nparts > 0
        mean = np.divide(part_sum, nparts, out=np.zeros(len(slots)), where=has_parts)
        best = np.where(has_parts & (direct < 1.0), np.maximum(direct, mean), direct)
        position = np.repeat(np.arange(len(entries)), lens)
        got = np.bincount(position, weights=best * self._slot_weight[slots],
                          minlength=len(entries))
        totals = self._total_array[entries]
        return np.divide(got, totals, out=np.zeros(len(entries)), where=totals > 0)

    def similar(self, word: str) -> dict[str, float]:
        """Catalogue words similar to ``word`` with their similarity (cached per word):
        equal 1, inflection (≤ 3 letters more or less) or same stem 0.9, typo 0.8 · Indel."""
        found = self._similar_cache.get(word)
        if found is not None:
            return found
        found = {}
        if len(word) >= 6:  # within two edits: a deletion of both sides agrees
            pool = {o for v in {word, *_deletions(word)} for o in self._deletes.get(v, ())}
            for other in pool:
                ratio = Indel.normalized_similarity(word, other)
                if ratio >= 0.88:
                    found[other] = 0.8 * ratio
        if len(word) >= 5:
            for other in self._by_stem.get(_stem(word), ()):
                found[other] = 0.9
            for other in self._longer.get(word, ()):
                found[other] = 0.9
            for k in (1, 2, 3):
                if len(word) - k >= 5 and word[:-k] in self._vocab_set:
                    found[word[:-k]] = 0.9
        if word in self._vocab_set:
            found[word] = 1.0
        self._similar_cache[word] = found
        return found

    def _coverage(self, sims: dict[str, float]) -> np.ndarray:
        """Per entry: the best similarity of any of its words to the readings in ``sims``."""
        out = np.zeros(len(self.entries))
        words = [w for w in sims if w in self._postings]
        if words:
            ids = [self._postings[w] for w in words]
            values = np.repeat([sims[w] for w in words], [len(i) for i in ids])
            np.maximum.at(out, np.concatenate(ids), values)
        return out

    def _query_coverage(self, q: _Query) -> np.ndarray:
        """Q for every entry at once (vectorised; see the module docstring)."""
        total = np.zeros(len(self.entries))
        for own, parts, weight in q.items:
            best = self._coverage(own)
            if parts:
                each = [self._coverage(p) for p in parts]
                best = np.maximum(best, _compound(sum(each) / len(each), np.maximum.reduce(each)))
            total += weight * best
        return total / q.total if q.total else total

    # ------------------------------------------------------------------ scoring
    def _query(self, name: str) -> _Query:
        words = self._words(name)
        own = [frozenset((w, *SYNONYMS.get(w, ()))) for w in words]
        parts = [tuple(frozenset((p, *SYNONYMS.get(p, ()))) for p in self._split(w))
                 for w in words]
        flat = frozenset().union(*own, *(p for ps in parts for p in ps)) if words else frozenset()
        weights = [self.weight(w) for w in words]
        sims = {w: self.similar(w) for w in flat}
        items = tuple(zip([_merge(sims, o) for o in own],
                          [tuple(_merge(sims, p) for p in ps) for ps in parts], weights,
                          strict=True))
        return _Query(words, items, sum(weights), flat, _merge(sims, flat))

    def score(self, name: str, entry_index: int) -> float:
        """Query coverage · (0.6 + 0.4 · entry coverage), IDF-weighted (see module doc)."""
        return self._score(self._query(name), entry_index)[0]

    def _score(self, q: _Query, i: int, query_cov: float | None = None) -> tuple[float, float]:
        if query_cov is None:
            query_cov = float(self._query_coverage(q)[i])
        entry_cov = float(self._entry_coverage(q, np.asarray([i]))[0])
        return query_cov * (0.6 + 0.4 * entry_cov), query_cov

    # ------------------------------------------------------------------ matching
    def match_one(self, name: str, *, row: int = 0, fachbereich: str = "") -> MatchResult:
        """The decision and up to three candidates (one per Leistungsobjekt) for a name."""
        status, ranked = self._ranked(self.normalize(name))
        candidates = [self._candidate(i, v) for v, i in ranked[:3]]
        return MatchResult(row, name, fachbereich, status, candidates)

    @lru_cache(maxsize=20_000)  # noqa: B019 - the matcher lives as long as its catalogue
    def _ranked(self, normalized: str) -> tuple[str, tuple[tuple[float, int], ...]]:
        q = self._query(normalized)
        scored: dict[str, tuple[float, float, int]] = {}
        coverage_all = self._query_coverage(q)
        candidates = np.flatnonzero(coverage_all)
        if len(candidates) > 2 * SHORTLIST:  # score ≥ 0.6 · Q: the rest cannot reach the top
            cut = np.partition(coverage_all[candidates], -2 * SHORTLIST)[-2 * SHORTLIST]
            candidates = candidates[coverage_all[candidates] >= cut]
        score = coverage_all[candidates] * (0.6 + 0.4 * self._entry_coverage(q, candidates))
        # best entry per Leistungsobjekt: highest score, on a tie the shorter (general) name
        order = np.lexsort((self._total_array[candidates], -score))
        codes = self._object_codes[candidates[order]]
        _, first = np.unique(codes, return_index=True)
        for position in sorted(first.tolist())[:SHORTLIST]:
            index = int(candidates[order[position]])
            value = float(score[order[position]])
            scored[self.object_keys[index]] = (value, float(coverage_all[index]), index)
        if len(scored) < 3 and max((v[0] for v in scored.values()), default=0.0) < MIN_SCORE:
            # nothing worth a word: offer the closest names by characters for every row
            for _, _, index in process.extract(normalized, self._names, scorer=fuzz.ratio,
                                               limit=6):
                key = self.object_keys[index]
                if key not in scored:
                    value, coverage = self._score(q, index, float(coverage_all[index]))
                    scored[key] = (value, coverage, index)
        ranked = sorted(scored.values(), key=lambda s: (-s[0], self.entries[s[2]].key))
        status = KEIN
        if ranked and ranked[0][0] >= MIN_SCORE:
            status = UNSICHER
            lead = ranked[0][0] - (ranked[1][0] if len(ranked) > 1 else 0.0)
            if ranked[0][0] >= AUTO_SCORE and lead >= AUTO_LEAD and ranked[0][1] >= AUTO_COVERAGE:
                status = SICHER
        return status, tuple((v, i) for v, _, i in ranked[:3])

    def match(self, names: list[str], fachbereiche: list[str] | None = None,
              first_row: int = 2) -> list[MatchResult]:
        """Match every name (rows numbered as a spreadsheet shows them: header = row 1)."""
        areas = fachbereiche or [""] * len(names)
        return [self.match_one(n, row=first_row + i, fachbereich=a)
                for i, (n, a) in enumerate(zip(names, areas, strict=True))]

    def _candidate(self, index: int, score: float) -> Candidate:
        entry = self.entries[index]
        ozg = self.catalog.ozg.get(entry.ozg_id, {})
        return Candidate(entry, round(score, 4), ozg.get("name", ""), ozg.get("themenfeld", ""))


@dataclass(frozen=True, slots=True)
class _Query:
    """A list name prepared for scoring: per word the catalogue words it matches (and how
    well), itself or via synonyms (``own``) or per compound part (``parts``)."""

    words: list[str]
    items: tuple[tuple[dict[str, float], tuple[dict[str, float], ...], float], ...]
    total: float
    flat: frozenset[str]
    flat_sims: dict[str, float]


def _compound(mean: object, best: object) -> object:
    """Credit for a compound whose parts match: between the mean and the best part."""
    return (mean + best) / 2  # type: ignore[operator]


def _best(sims: dict[str, float], target: frozenset[str]) -> float:
    common = sims.keys() & target
    return max(sims[w] for w in common) if common else 0.0


def _merge(sims: dict[str, dict[str, float]], readings: frozenset[str]) -> dict[str, float]:
    """The best similarity of any reading to each catalogue word."""
    out: dict[str, float] = {}
    for reading in readings:
        for word, value in sims[reading].items():
            if value > out.get(word, 0.0):
                out[word] = value
    return out


def _verrichtungen(entries: list[LeikaEntry], words: list[list[str]]) -> frozenset[str]:
    """Words that name a Verrichtung: what a keyed entry adds to its Leistungsobjekt's name."""
    objects = {e.key[:8]: set(w) for e, w in zip(entries, words, strict=True)
               if e.has_key and e.key[8:] == "000000"}
    verbs: Counter[str] = Counter()
    for entry, ws in zip(entries, words, strict=True):
        base = objects.get(entry.key[:8]) if entry.has_key and entry.key[8:11] != "000" else None
        if base is not None:
            extra = [w for w in ws if w not in base]
            if len(extra) == 1:
                verbs[extra[0]] += 1
    return frozenset(w for w, n in verbs.items() if n >= 3)


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def _word_match(a: str, b: str) -> float:
    """Similarity of two folded words: equal 1, inflection or same stem 0.9, typo ≤ 0.8."""
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 5 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return 0.9
    if len(short) >= 5 and _stem(a) == _stem(b):
        return 0.9
    if len(short) >= 6:
        ratio = Indel.normalized_similarity(a, b)
        if ratio >= 0.88:
            return 0.8 * ratio
    return 0.0


_ENDINGS = ("ierungen", "ierung", "ungen", "ung", "en", "er", "e", "n", "s")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 5:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=50_000)
def _split_cached(word: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """Split a compound into known words (linking 's' and a dropped 'e' allowed), at most three
    parts, longest known head first: 'schulturnhallen' → 'schule', 'turnhallen'."""
    def known(part: str, tail: str = "") -> str | None:
        dropped_e = part + "e" if not tail.startswith("e") else ""  # 'schul|turnhalle'
        for form in (part, dropped_e, part[:-1] if part.endswith("s") else ""):
            if form and (form in vocabulary or form in SYNONYMS) and len(form) >= 4:
                return form
        return None

    fallback: tuple[str, ...] = ()
    for cut in range(len(word) - 4, 3, -1):
        raw_head, tail = word[:cut], word[cut:]
        if tail not in vocabulary and tail not in SYNONYMS:
            if len(tail) >= 8 and known(raw_head, tail):
                rest = _split_cached(tail, vocabulary)
                if len(rest) == 2:
                    return (known(raw_head, tail) or raw_head, *rest)
            continue
        head = known(raw_head, tail)
        if head is not None:
            return (head, tail)
        if not fallback and len(tail) >= 5:  # unknown head, known tail: 'gaststaetten|erlaubnis'
            fallback = (raw_head, tail)
    if not fallback:  # known head, unknown tail: 'abwasser|abrechnung'
        for cut in range(len(word) - 5, 3, -1):
            head = known(word[:cut], word[cut:])
            if head is not None:
                return (head, word[cut:])
    return fallback
