"""mrkdwn as the Slack client shows it, and never as HTML someone could inject."""

from sandbox.mrkdwn import mrkdwn_to_html, plain_text_to_html

NAMES = {"U01ADALOVE": "Ada Lovelace", "C0PAYMENTS": "payments"}


def show(text: str) -> str:
    return mrkdwn_to_html(text, lambda id_: NAMES.get(id_, id_))


def test_bold_italic_strike_and_code():
    assert (
        show("*bold* _it_ ~gone~ `x = 1`")
        == "<strong>bold</strong> <em>it</em> <s>gone</s> <code>x = 1</code>"
    )


def test_no_formatting_inside_code_or_between_word_characters():
    assert show("`*not bold*`") == "<code>*not bold*</code>"
    assert show("2*3*4 snake_case_name") == "2*3*4 snake_case_name"


def test_preformatted_block_keeps_its_lines():
    assert show("```a\n*b*```") == "<pre>a\n*b*</pre>"


def test_mentions_show_names():
    assert show("<@U01ADALOVE> in <#C0PAYMENTS>") == (
        '<span class="mention">@Ada Lovelace</span> in <span class="mention">#payments</span>'
    )
    assert show("<@U999|someone>") == '<span class="mention">@someone</span>'


def test_broadcasts_are_highlighted_apart_from_mentions():
    for broadcast in ("channel", "here", "everyone"):
        assert show(f"<!{broadcast}>") == f'<span class="mention broadcast">@{broadcast}</span>'
    # Older clients sent a label; Slack still shows the broadcast itself.
    assert show("<!here|here>") == '<span class="mention broadcast">@here</span>'


def test_links_with_and_without_text():
    assert show("<https://example.com/a?b=1&amp;c=2|the docs>") == (
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">the docs</a>'
    )
    assert "https://example.com</a>" in show("<https://example.com>")


def test_a_date_is_a_time_element_with_its_fallback():
    html = show("<!date^1700000000^{date_short_pretty} at {time}|2023-11-14 22:13 UTC>")
    assert html == (
        '<time class="slack-date" datetime="2023-11-14T22:13:20+00:00" '
        'data-format="{date_short_pretty} at {time}">2023-11-14 22:13 UTC</time>'
    )


def test_slack_escapes_are_shown_as_the_characters_and_html_is_escaped():
    assert show("a &lt;b&gt; &amp; c") == "a &lt;b&gt; &amp; c"
    assert show("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<a" not in show("<javascript:alert(1)|click>")


def test_quotes_newlines_and_emoji():
    assert show("&gt; quoted\nnext :white_check_mark: :unknown_one:") == (
        '<span class="quote">quoted</span><br>next ✅ :unknown_one:'
    )


def test_plain_text_is_escaped_not_formatted():
    assert plain_text_to_html("*a* <b> :x:") == "*a* &lt;b&gt; ❌"
    assert plain_text_to_html(":x:", emoji=False) == ":x:"
