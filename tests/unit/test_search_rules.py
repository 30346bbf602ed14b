"""The site search's pure rules: grams, query reading, match expressions and highlighting."""

from __future__ import annotations

from app.search import rules


def test_text_is_indexed_as_characters_and_neighbouring_pairs_runs_kept_apart():
    g = rules.grams("道路硬化", "施工 单位")
    assert g.unigrams == ("道", "路", "硬", "化", "施", "工", "单", "位")
    assert g.bigrams == ("道路", "路硬", "硬化", "brk", "施工", "brk", "单位")


def test_full_width_latin_and_case_are_folded_the_same_on_both_sides():
    assert rules.grams("ＡＢＣ公司").bigrams == ("ab", "bc", "c公", "公司")
    assert rules.parse_query("AbC").terms == ("abc",)


def test_a_query_is_its_words_and_punctuation_only_separates_them():
    q = rules.parse_query('  道路  "a" OR NEAR( 50%_工程; DROP TABLE notices;-- ')
    assert q.terms == ("道路", "a", "or", "near", "50", "工程", "drop", "table", "notices")[:8]
    assert q.truncated  # nine words: the ninth is ignored, and the page says so


def test_a_query_of_ten_thousand_characters_is_cut_and_says_so():
    q = rules.parse_query("路" * 10_000)
    assert len(q.text) == rules.MAX_QUERY_CHARS and q.truncated
    assert q.terms == ("路" * rules.MAX_QUERY_CHARS,)


def test_nul_and_control_characters_are_dropped_and_symbols_alone_are_no_query():
    assert rules.parse_query("a\x00b").terms == ("ab",)
    for raw in ("%", "_", "'\"", "<>", "", None, "\x00"):
        assert rules.parse_query(raw).empty


def test_fts5_expression_quotes_every_gram_and_uses_no_operator_from_the_query():
    q = rules.parse_query('标 道路硬化 "x" OR')
    assert rules.fts5_match(q) == (
        'unigrams : "标" AND bigrams : "道路 路硬 硬化" AND unigrams : "x" AND bigrams : "or"'
    )


def test_postgresql_tsqueries_are_a_unigram_side_and_a_phrase_side():
    q = rules.parse_query("标 道路硬化 x")
    assert rules.tsquery_texts(q) == ("'标' & 'x'", "('道路' <-> '路硬' <-> '硬化')")
    assert rules.tsquery_texts(rules.parse_query("路")) == ("'路'", None)


def test_a_tsvector_keeps_positions_with_a_gap_between_runs():
    g = rules.grams("道路 道路")
    assert rules.tsvector_text(g.bigrams, positions=True) == "'道路':1,3"
    assert rules.tsvector_text(g.unigrams, positions=False) == "'道' '路'"


def test_highlight_marks_every_match_case_insensitively_and_leaves_html_as_text():
    pieces = rules.highlight("<b>PRJ</b> 道路 prj", ("prj", "道路"))
    assert pieces == [
        ("<b>", False),
        ("PRJ", True),
        ("</b> ", False),
        ("道路", True),
        (" ", False),
        ("prj", True),
    ]
    assert rules.highlight("道路", ()) == [("道路", False)]


def test_the_longer_word_wins_where_two_overlap():
    assert rules.highlight("道路硬化", ("道", "道路硬化")) == [("道路硬化", True)]


def test_a_snippet_is_cut_around_the_first_match():
    text = "甲" * 300 + "道路" + "乙" * 300
    s = rules.snippet(text, ("道路",), width=40)
    assert s.startswith("…") and s.endswith("…") and "道路" in s
    assert len(s) == 42
    assert rules.snippet("短文本", ("x",)) == "短文本"


def test_a_word_is_as_rare_as_its_rarest_gram_and_an_unknown_gram_is_rarer_than_any():
    shares = {"文化": 0.1, "化礼": 0.1, "礼堂": 0.2, "路": 1.0}
    assert rules.term_share("文化礼堂", shares) == 0.1
    assert rules.term_share("路", shares) == 1.0
    assert rules.term_share("文化馆", shares) == 0.0
    assert rules.term_tsquery("路") == "'路'"
    assert rules.term_tsquery("文化礼") == "('文化' <-> '化礼')"


def test_a_common_word_is_walked_newest_first_and_a_rare_one_read_from_the_index():
    assert rules.walk_is_cheaper(0.1, 21, 1_000_000)  # 210 rows walked, not 100,000 matches
    assert not rules.walk_is_cheaper(0.001, 21, 1_000_000)  # 21,000 walked against 1,000 found
    assert not rules.walk_is_cheaper(0.0, 21, 1_000_000)
    # A relevance window of 2,000 wants a commoner word before it walks.
    assert not rules.walk_is_cheaper(0.01, 2000, 1_000_000)
