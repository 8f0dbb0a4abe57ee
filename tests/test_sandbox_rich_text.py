"""rich_text drawn as Slack draws it: text exactly as written, only real elements live."""

import re
from datetime import UTC, datetime

from blocks.approval_card import build_approval_card
from domain.models import Approval, ApprovalRequest
from sandbox.render import FormState, blocks_html, view_html

HOSTILE = (
    '<script>alert("x")</script> *bold* _it_ <@U01ADALOVE> <!channel> :eyes: &amp; <https://evil.test|ok>'
)


def rich(*containers: dict) -> str:
    return blocks_html([{"type": "rich_text", "block_id": "r", "elements": list(containers)}])


def section(*elements: dict) -> dict:
    return {"type": "rich_text_section", "elements": list(elements)}


def text(value: str, **style: bool) -> dict:
    return {"type": "text", "text": value, **({"style": style} if style else {})}


def inner(html: str) -> str:
    """What one section draws, without the block's and the section's own tags."""
    (found,) = re.findall(r'<div class="rt-section">(.*?)</div></div>$', html, re.DOTALL)
    return found


def test_a_rich_text_block_is_drawn_with_its_block_id():
    assert rich(section(text("hi"))) == (
        '<div class="block rich-text" data-block-id="r"><div class="rt-section">hi</div></div>'
    )


def test_hostile_text_is_shown_literally_never_as_markup_mrkdwn_or_emoji():
    shown = inner(rich(section(text(HOSTILE))))
    assert shown == (
        '&lt;script&gt;alert("x")&lt;/script&gt; *bold* _it_ &lt;@U01ADALOVE&gt; &lt;!channel&gt; '
        ":eyes: &amp;amp; &lt;https://evil.test|ok&gt;"
    )
    assert "<strong>" not in shown and "mention" not in shown and "👀" not in shown and "<a " not in shown


def test_each_style_wraps_the_text_and_they_combine():
    assert inner(rich(section(text("b", bold=True)))) == "<strong>b</strong>"
    assert inner(rich(section(text("i", italic=True)))) == "<em>i</em>"
    assert inner(rich(section(text("s", strike=True)))) == "<s>s</s>"
    assert inner(rich(section(text("c", code=True)))) == "<code>c</code>"
    assert inner(rich(section(text("<b>", bold=True, italic=True, code=True)))) == (
        "<em><strong><code>&lt;b&gt;</code></strong></em>"
    )
    assert inner(rich(section(text("off", bold=False)))) == "off"


def test_a_newline_in_text_is_a_line_break_but_a_code_block_keeps_it_as_typed():
    assert inner(rich(section(text("one\ntwo")))) == "one<br>two"
    pre = rich({"type": "rich_text_preformatted", "elements": [text("  a <b>\n\tc  ")], "border": 0})
    assert '<pre class="rt-pre">  a &lt;b&gt;\n\tc  </pre>' in pre
    quote = rich({"type": "rich_text_quote", "elements": [text("said\n*so*")]})
    assert '<blockquote class="rt-quote">said<br>*so*</blockquote>' in quote


def test_links_show_their_text_or_url_and_only_web_and_mail_links_are_clickable():
    assert inner(rich(section({"type": "link", "url": "https://x.test/a?b=1&c=2", "text": "<Open>"}))) == (
        '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener">&lt;Open&gt;</a>'
    )
    assert inner(rich(section({"type": "link", "url": "mailto:a@x.test"}))) == (
        '<a href="mailto:a@x.test" target="_blank" rel="noopener">mailto:a@x.test</a>'
    )
    for url in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "vbscript:x",
    ):
        shown = inner(rich(section({"type": "link", "url": url, "text": "click"})))
        assert shown == "click", url
    bold = inner(rich(section({"type": "link", "url": "https://x.test", "style": {"bold": True}})))
    assert (
        bold == '<strong><a href="https://x.test" target="_blank" rel="noopener">https://x.test</a></strong>'
    )


def test_mentions_are_names_from_the_directory_highlighted():
    shown = inner(
        rich(
            section(
                {"type": "user", "user_id": "U01ADALOVE"},
                {"type": "user", "user_id": "U0NOBODY1"},
                {"type": "channel", "channel_id": "C0PAYMENTS"},
                {"type": "usergroup", "usergroup_id": "S0FINANCE"},
                {"type": "broadcast", "range": "here"},
            )
        )
    )
    assert shown == (
        '<span class="mention">@Ada Lovelace</span>'
        '<span class="mention">@U0NOBODY1</span>'
        '<span class="mention">#payments</span>'
        '<span class="mention">@S0FINANCE</span>'
        '<span class="mention broadcast">@here</span>'
    )


def test_emoji_from_its_unicode_or_the_sandbox_table_else_its_code():
    shown = inner(
        rich(
            section(
                {"type": "emoji", "name": "thumbsup", "unicode": "1f44d"},
                {"type": "emoji", "name": "rainbow-flag", "unicode": "1f3f3-fe0f-200d-1f308"},
                {"type": "emoji", "name": "warning"},
                {"type": "emoji", "name": "wave::skin-tone-2"},
                {"type": "emoji", "name": "partyparrot", "unicode": "not-hex"},
                {"type": "emoji", "name": "<b>"},
            )
        )
    )
    assert shown == "👍🏳️‍🌈⚠️👋:partyparrot::&lt;b&gt;:"


def test_a_date_is_a_time_the_page_formats_with_its_fallback_until_then():
    date = {
        "type": "date",
        "timestamp": 1700000000,
        "format": "{date_short_pretty} at {time}",
        "fallback": "<x>",
    }
    assert inner(rich(section(date))) == (
        '<time class="slack-date" datetime="2023-11-14T22:13:20+00:00" '
        'data-format="{date_short_pretty} at {time}">&lt;x&gt;</time>'
    )
    linked = inner(rich(section({**date, "url": "https://x.test/d"})))
    assert linked.startswith('<a href="https://x.test/d" target="_blank" rel="noopener"><time ')
    assert "<a " not in inner(rich(section({**date, "url": "javascript:alert(1)"})))
    assert inner(rich(section({**date, "timestamp": "soon"}))) == "&lt;x&gt;"
    assert inner(rich(section({**date, "format": ""}))) == "&lt;x&gt;"


def test_lists_are_bullets_or_numbers_by_indent_from_their_offset():
    items = [section(text("first")), section(text("<second>"))]
    bullets = rich({"type": "rich_text_list", "style": "bullet", "elements": items})
    assert (
        '<ul class="rt-list" style="margin-left:0px;list-style-type:disc">'
        '<li class="rt-item">first</li><li class="rt-item">&lt;second&gt;</li></ul>'
    ) in bullets
    nested = rich({"type": "rich_text_list", "style": "bullet", "indent": 1, "border": 1, "elements": items})
    assert '<ul class="rt-list rt-border" style="margin-left:24px;list-style-type:circle">' in nested
    numbered = rich(
        {"type": "rich_text_list", "style": "ordered", "offset": 4, "indent": 2, "elements": items}
    )
    assert '<ol class="rt-list" start="5" style="margin-left:48px;list-style-type:lower-roman">' in numbered


def test_what_the_sandbox_does_not_draw_inside_rich_text_is_a_visible_placeholder():
    shown = rich(section({"type": "canvas", "canvas_id": "F1"}), {"type": "rich_text_table"})
    assert "[canvas element: not shown in the sandbox]" in shown
    assert "[rich_text_table element: not shown in the sandbox]" in shown


def test_plain_text_converts_emoji_codes_only_when_it_says_so_and_is_never_mrkdwn():
    header = lambda **flag: blocks_html(  # noqa: E731
        [{"type": "header", "text": {"type": "plain_text", "text": ":x: *Pay* <@U01ADALOVE>", **flag}}]
    )
    assert ">❌ *Pay* &lt;@U01ADALOVE&gt;</div>" in header(emoji=True)
    assert ">❌ *Pay* &lt;@U01ADALOVE&gt;</div>" in header()
    assert ">:x: *Pay* &lt;@U01ADALOVE&gt;</div>" in header(emoji=False)
    context = blocks_html(
        [{"type": "context", "elements": [{"type": "plain_text", "text": ":x: _a_\nb", "emoji": False}]}]
    )
    assert '<span class="context-item">:x: _a_<br>b</span>' in context
    button = {
        "type": "button",
        "action_id": "a",
        "text": {"type": "plain_text", "text": ":x:", "emoji": False},
    }
    assert '">:x:</button>' in blocks_html([{"type": "actions", "elements": [button]}])
    modal = {"type": "modal", "title": {"type": "plain_text", "text": ":x: no", "emoji": False}, "blocks": []}
    assert '<h2 class="modal-title">:x: no</h2>' in view_html(modal, FormState())


def test_the_bots_own_card_draws_the_request_and_arguments_inert():
    request = ApprovalRequest(
        action="wire_transfer",
        summary="pay <@U02GRACEHO> *now* <!channel>",
        parameters={"memo": "<script>alert(1)</script>\nline two"},
        requester="U01ADALOVE",
        channel="C0PAYMENTS",
    )
    card = Approval(
        workflow_id="approval-1",
        request=request,
        fingerprint="abc",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    html = blocks_html(build_approval_card(card)["blocks"])
    assert "not shown in the sandbox" not in html
    assert '<div class="block header" data-block-id="">Approval needed: Wire transfer</div>' in html
    assert (
        '<blockquote class="rt-quote">pay <strong>@U02GRACEHO</strong> *now* <strong>@channel</strong>'
        in html
    )
    assert '<pre class="rt-pre">&lt;script&gt;alert(1)&lt;/script&gt;↵\nline two</pre>' in html
    assert "<script>" not in html
