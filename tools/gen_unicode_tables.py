#!/usr/bin/env python3
"""Generate the Unicode tables behind QVText's BERT WordPiece tokenizer.

Hugging Face `tokenizers` (the reference the Swift tokenizer must match id for id) takes its
character facts from three places with different Unicode versions:
  * crate `unicode_categories` 0.1.1 (Unicode 9): control/format/private-use (clean_text),
    nonspacing marks (strip_accents), punctuation (BertPreTokenizer);
  * crate `unicode-normalization-alignments` 0.1.12 (Unicode 9): NFD and combining classes;
  * the Rust standard library it was built with: `char::is_whitespace`, `char::to_lowercase`.
Python's `unicodedata` (Unicode 14 in Python 3.11) differs from all of them for characters assigned
after Unicode 9. So this script asks the installed `tokenizers` itself, one code point at a time,
what each stage does, and uses `unicodedata` only for the numeric combining class of characters the
reference treats as non-starters. It then re-implements the Swift algorithm in Python on top of the
generated tables and checks it against the reference on every code point and on random strings,
so a table that would not reproduce `tokenizers` is never written.

Usage: python3 tools/gen_unicode_tables.py [OUTPUT_DIR]
(default OUTPUT_DIR: Sources/5-Text/QVText/Generated next to this script's repository)
"""

import os
import random
import sys
import unicodedata

from tokenizers import normalizers, pre_tokenizers

MAX_SCALAR = 0x10FFFF
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3

# Property bits, mirrored by BertScalarProperties in Swift.
CLEAN_REMOVE = 1 << 0
CLEAN_TO_SPACE = 1 << 1
NONSPACING_MARK = 1 << 2
NON_STARTER = 1 << 3
WHITESPACE = 1 << 4
PUNCTUATION = 1 << 5
HAS_LOWERCASE = 1 << 6
HAS_DECOMPOSITION = 1 << 7

# Ranges the reference's `is_chinese_char` lists (normalizers/bert.rs); checked below.
CHINESE_RANGES = [
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
]


def scalars():
    """Every Unicode scalar value (code points without the surrogates)."""
    for cp in range(MAX_SCALAR + 1):
        if not 0xD800 <= cp <= 0xDFFF:
            yield cp


def bert(clean=False, chinese=False, strip=False, lower=False):
    return normalizers.BertNormalizer(
        clean_text=clean, handle_chinese_chars=chinese, strip_accents=strip, lowercase=lower)


def probe_reference():
    """Ask the installed tokenizers what each stage does to each scalar."""
    clean, chinese, strip, lower = bert(clean=True), bert(chinese=True), bert(strip=True), bert(lower=True)
    nfd = normalizers.NFD()
    pre = pre_tokenizers.BertPreTokenizer()
    bits, decompositions, lowercase = {}, {}, {}
    for cp in scalars():
        c = chr(cp)
        b = 0
        cleaned = clean.normalize_str(c)
        if cleaned == "":
            b |= CLEAN_REMOVE
        elif cleaned == " " and c != " ":
            b |= CLEAN_TO_SPACE
        else:
            assert cleaned == c, hex(cp)
        is_chinese = any(lo <= cp <= hi for lo, hi in CHINESE_RANGES)
        assert chinese.normalize_str(c) == (f" {c} " if is_chinese else c), hex(cp)
        decomposed = nfd.normalize_str(c)
        if decomposed != c:
            if not HANGUL_FIRST <= cp <= HANGUL_LAST:
                b |= HAS_DECOMPOSITION
                decompositions[cp] = [ord(d) for d in decomposed]
        else:
            # Only scalars NFD leaves alone can reach the mark filter or the canonical ordering.
            if strip.normalize_str(c) == "":
                b |= NONSPACING_MARK
            if cp == 0x0345:  # the only class-240 mark: probe against a lower class instead
                if nfd.normalize_str(c + "\u0300") == "\u0300" + c:
                    b |= NON_STARTER
            elif nfd.normalize_str("\u0345" + c) == c + "\u0345":
                b |= NON_STARTER
        lowered = lower.normalize_str(c)
        if lowered != c:
            b |= HAS_LOWERCASE
            lowercase[cp] = [ord(d) for d in lowered]
        pieces = [p for p, _ in pre.pre_tokenize_str("a" + c + "a")]
        if cp != ord("a"):
            if pieces == ["a", "a"]:
                b |= WHITESPACE
            elif pieces == ["a", c, "a"]:
                b |= PUNCTUATION
            else:
                assert pieces == ["a" + c + "a"], hex(cp)
        bits[cp] = b
    bits[ord("a")] = bits[ord("b")]  # 'a' can't be probed between two 'a's; it is a plain letter
    return bits, decompositions, lowercase


def combining_classes(bits):
    """Combining class of every scalar the reference reorders and does not drop as a nonspacing mark."""
    classes = {}
    for cp, b in bits.items():
        if b & NON_STARTER:
            ccc = unicodedata.combining(chr(cp))
            assert ccc != 0, f"{cp:04X}: reference reorders it, unicodedata says class 0"
            if not b & NONSPACING_MARK:
                classes[cp] = ccc
    return classes


def hangul_decomposition(cp):
    s = cp - HANGUL_FIRST
    out = [0x1100 + s // 588, 0x1161 + (s % 588) // 28]
    if s % 28:
        out.append(0x11A7 + s % 28)
    return out


class Model:
    """Python twin of the Swift normalizer + pre-tokenizer, built only from the generated tables."""

    def __init__(self, bits, decompositions, lowercase, classes):
        self.bits, self.decompositions, self.lowercase, self.classes = bits, decompositions, lowercase, classes

    def words(self, text):
        words, word, pending = [], [], []

        def end_word():
            if word:
                words.append("".join(word))
                word.clear()

        def pre_tokenize(cp):
            b = self.bits[cp]
            if b & WHITESPACE:
                end_word()
            elif b & PUNCTUATION:
                end_word()
                words.append(chr(cp))
            else:
                word.append(chr(cp))

        def lower(cp):
            for out in self.lowercase.get(cp, [cp]):
                pre_tokenize(out)

        def flush():
            pending.sort(key=lambda item: item[0])  # stable, like the reference
            for _, cp in pending:
                lower(cp)
            pending.clear()

        def strip(cp):
            parts = hangul_decomposition(cp) if HANGUL_FIRST <= cp <= HANGUL_LAST else self.decompositions.get(cp, [cp])
            for d in parts:
                b = self.bits[d]
                if not b & NON_STARTER:
                    flush()
                if b & NONSPACING_MARK:
                    continue
                if b & NON_STARTER:
                    pending.append((self.classes[d], d))
                else:
                    lower(d)

        for ch in text:
            cp = ord(ch)
            b = self.bits[cp]
            if b & CLEAN_REMOVE:
                continue
            if b & CLEAN_TO_SPACE:
                cp = 0x20
            if any(lo <= cp <= hi for lo, hi in CHINESE_RANGES):
                strip(0x20)
                strip(cp)
                strip(0x20)
            else:
                strip(cp)
        flush()
        end_word()
        return words


REFERENCE_NORMALIZER = bert(clean=True, chinese=True, strip=True, lower=True)
REFERENCE_PRE_TOKENIZER = pre_tokenizers.BertPreTokenizer()


def reference_words(text):
    normalized = REFERENCE_NORMALIZER.normalize_str(text)
    return [p for p, _ in REFERENCE_PRE_TOKENIZER.pre_tokenize_str(normalized)]


def verify(model, bits):
    """Compare the Python twin with the reference on single scalars and on random mixtures."""
    for cp in scalars():
        text = "x" + chr(cp) + "y"
        assert model.words(text) == reference_words(text), hex(cp)
    rng = random.Random(20240611)
    interesting = [cp for cp, b in bits.items() if b & ~PUNCTUATION] + [0x20, 0x41, 0x61, 0x2D, 0x4E2D]
    marks = [cp for cp, b in bits.items() if b & NON_STARTER]
    for _ in range(20000):
        pool = marks if rng.random() < 0.5 else interesting
        text = "".join(chr(rng.choice(pool if rng.random() < 0.7 else interesting)) for _ in range(rng.randint(1, 12)))
        assert model.words(text) == reference_words(text), [hex(ord(c)) for c in text]


def runs(bits):
    out, last = [], None
    for cp in range(MAX_SCALAR + 1):
        b = bits.get(cp, 0)  # surrogates never occur in Swift strings
        if b != last:
            out.append((cp, b))
            last = b
    return out


def swift_array(name, kind, values, per_line, fmt, doc):
    lines = [f"    /// {doc}", f"    static let {name}: [{kind}] = ["]
    for i in range(0, len(values), per_line):
        lines.append("        " + ", ".join(fmt(v) for v in values[i:i + per_line]) + ",")
    lines.append("    ]")
    return "\n".join(lines)


def mapping_arrays(mapping):
    keys = sorted(mapping)
    starts, flat = [], []
    for k in keys:
        starts.append(len(flat))
        flat.extend(mapping[k])
    starts.append(len(flat))
    assert len(flat) < 1 << 16
    return keys, starts, flat


HEADER = """// Generated by tools/gen_unicode_tables.py from the installed Hugging Face `tokenizers`
// (Unicode 9 crates + Rust std) and Python unicodedata {unidata}. Do not edit by hand.
"""


def write_property_table(path, bits, classes):
    r = runs(bits)
    class_keys = sorted(classes)
    body = [
        HEADER.format(unidata=unicodedata.unidata_version),
        "/// Per-scalar facts of the reference BERT normalizer and pre-tokenizer, as runs of equal properties.",
        "enum BertScalarPropertyTable {",
        swift_array("runs", "UInt32", [(cp << 8) | b for cp, b in r], 8, lambda v: f"0x{v:08X}",
                    "Run starts, ascending: `firstScalar << 8 | propertyBits`; a run lasts until the next one starts."),
        "",
        swift_array("combiningClassScalars", "UInt32", class_keys, 8, lambda v: f"0x{v:05X}",
                    "Non-starters that survive accent stripping (not nonspacing marks), ascending."),
        "",
        swift_array("combiningClasses", "UInt8", [classes[k] for k in class_keys], 16, str,
                    "Canonical combining class of `combiningClassScalars[i]`."),
        "}",
        "",
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(body))
    return len(r)


def write_mapping_table(path, type_name, type_doc, mapping, key_doc, value_doc):
    keys, starts, flat = mapping_arrays(mapping)
    body = [
        HEADER.format(unidata=unicodedata.unidata_version),
        f"/// {type_doc}",
        f"enum {type_name} {{",
        swift_array("scalars", "UInt32", keys, 8, lambda v: f"0x{v:05X}", key_doc),
        "",
        swift_array("starts", "UInt16", starts, 12, str,
                    "Where the mapping of `scalars[i]` begins in `mappings`; it ends where the next begins."),
        "",
        swift_array("mappings", "UInt32", flat, 8, lambda v: f"0x{v:05X}", value_doc),
        "}",
        "",
    ]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(body))
    return len(keys), len(flat)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "Sources", "5-Text", "QVText", "Generated")
    os.makedirs(out_dir, exist_ok=True)
    bits, decompositions, lowercase = probe_reference()
    classes = combining_classes(bits)
    model = Model(bits, decompositions, lowercase, classes)
    verify(model, bits)
    n_runs = write_property_table(os.path.join(out_dir, "BertScalarPropertyTable.swift"), bits, classes)
    n_dec = write_mapping_table(
        os.path.join(out_dir, "UnicodeDecompositionTable.swift"), "UnicodeDecompositionTable",
        "Full canonical decompositions (recursively applied) of the reference's Unicode 9 NFD; Hangul syllables are decomposed in code.",
        decompositions, "Scalars with a canonical decomposition, ascending.",
        "Concatenated decompositions, already in canonical order.")
    n_low = write_mapping_table(
        os.path.join(out_dir, "UnicodeLowercaseTable.swift"), "UnicodeLowercaseTable",
        "Full lowercase mappings (`char::to_lowercase` of the reference's Rust build), e.g. U+0130 → U+0069 U+0307.",
        lowercase, "Scalars whose lowercase differs from themselves, ascending.",
        "Concatenated lowercase mappings.")
    print(f"runs {n_runs}, non-starter classes {len(classes)}, decompositions {n_dec}, lowercase {n_low}")
    differing = [cp for cp in scalars() if not HANGUL_FIRST <= cp <= HANGUL_LAST
                 and unicodedata.normalize("NFD", chr(cp)) != "".join(map(chr, decompositions.get(cp, [cp])))]
    print(f"unicodedata {unicodedata.unidata_version} NFD differs from the reference for {len(differing)} scalars")


if __name__ == "__main__":
    main()
