"""Block Kit drawn as HTML: every part visible, nothing the sandbox cannot draw dropped."""

import json
import re

from sandbox.composer import slack_text
from sandbox.messages import Message
from sandbox.render import FormState, blocks_html, message_html, view_html


def test_each_known_block_is_drawn():
    html = blocks_html(
        [
            {"type": "header", "text": {"type": "plain_text", "text": "Approval needed"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Pay* <@U01ADALOVE>"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Amount*\n$5"}]},
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://x.test|View>"}]},
        ]
    )
    assert '<div class="block header"' in html and "Approval needed" in html
    assert '<strong>Pay</strong> <span class="mention">@Ada Lovelace</span>' in html
    assert '<div class="field"><strong>Amount</strong><br>$5</div>' in html
    assert '<hr class="block divider">' in html
    assert '<a href="https://x.test"' in html


def test_buttons_carry_what_a_click_needs_and_their_confirm_dialog():
    confirm = {
        "title": {"type": "plain_text", "text": "Reject this?"},
        "text": {"type": "mrkdwn", "text": "*pay* ACME"},
        "confirm": {"type": "plain_text", "text": "Reject"},
        "deny": {"type": "plain_text", "text": "Cancel"},
        "style": "danger",
    }
    html = blocks_html(
        [
            {
                "type": "actions",
                "block_id": "decide",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "ok",
                        "style": "primary",
                        "text": {"type": "plain_text", "text": "Approve"},
                    },
                    {
                        "type": "button",
                        "action_id": "no",
                        "style": "danger",
                        "confirm": confirm,
                        "text": {"type": "plain_text", "text": "Reject"},
                    },
                ],
            }
        ]
    )
    assert 'class="bk-button primary" data-block-id="decide" data-action-id="ok">Approve</button>' in html
    (attribute,) = re.findall(r'data-confirm="([^"]*)"', html)
    shown = json.loads(
        attribute.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert shown == {
        "title": "Reject this?",
        "text": "<strong>pay</strong> ACME",
        "confirm": "Reject",
        "deny": "Cancel",
        "style": "danger",
    }


def test_what_the_sandbox_does_not_draw_is_a_visible_placeholder():
    html = blocks_html(
        [
            {"type": "table", "rows": []},
            {"type": "image", "image_url": "https://x.test/a.png", "alt_text": "chart"},
            {"type": "actions", "elements": [{"type": "static_select", "action_id": "pick"}]},
            {
                "type": "section",
                "text": {"type": "plain_text", "text": "t"},
                "accessory": {"type": "datepicker"},
            },
            {
                "type": "context",
                "elements": [{"type": "image", "image_url": "https://x.test/i.png", "alt_text": "icon"}],
            },
        ]
    )
    for shown in (
        "table block",
        "image block",
        "static_select element",
        "datepicker element",
        "image: icon",
    ):
        assert f"[{shown}: not shown in the sandbox]" in html


def test_a_message_shows_its_author_and_ephemeral_ones_say_so():
    html = message_html(
        Message(ts="1700000000.000100", channel="C0PAYMENTS", user="U02GRACEHO", text="hi *all*")
    )
    assert "Grace Hopper" in html and "<strong>all</strong>" in html and "Only visible to you" not in html
    bot = Message(
        ts="1700000000.000200", channel="C0PAYMENTS", user="U0CNTRSIGN", text="x", visible_to="U02GRACEHO"
    )
    assert '<span class="badge">APP</span>' in message_html(bot) and "Only visible to you" in message_html(
        bot
    )


def test_what_a_person_typed_shows_each_mention_once_and_broadcasts_highlighted():
    typed = slack_text("@Countersign ask @Grace Hopper & tell @channel")
    html = message_html(Message(ts="1700000000.000300", channel="C0PAYMENTS", user="U01ADALOVE", text=typed))
    assert (
        '<span class="mention">@Countersign</span> ask <span class="mention">@Grace Hopper</span> &amp; '
        'tell <span class="mention broadcast">@channel</span>'
    ) in html
    assert "Hopper Hopper" not in html


def test_reactions_are_shown_with_who_reacted():
    message = Message(
        ts="1.000001", channel="C0PAYMENTS", user="U01ADALOVE", text="x", reactions={"eyes": ["U0CNTRSIGN"]}
    )
    assert "👀 1" in message_html(message) and "by Countersign" in message_html(message)


def test_a_modal_shows_typed_values_optional_marks_and_errors():
    view = {
        "title": {"type": "plain_text", "text": "Reject request"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "optional": True,
                "label": {"type": "plain_text", "text": "Why?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 3000,
                },
            }
        ],
    }
    form = FormState(values={"reason": {"text": "not <now>"}}, errors={"reason": "Say why"})
    html = view_html(view, form)
    assert '<h2 class="modal-title">Reject request</h2>' in html
    assert '<span class="optional">(optional)</span>' in html
    assert 'maxlength="3000">not &lt;now&gt;</textarea>' in html
    assert '<div class="input-error" role="alert">Say why</div>' in html
    assert '<button type="submit" class="modal-submit">Reject</button>' in html
