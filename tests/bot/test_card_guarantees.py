"""What the card guarantees, through the real app: signed mentions and clicks to the bot,
the real worker on the dev server, a fake model choosing the tool call, and the fake
Slack recording exactly what was posted. One test per way the card could mislead."""

import logging
import random

import pytest
from temporalio.client import Client

from blocks.approval_card import DETAILS_ACTION_ID
from blocks.reject_modal import REASON_ACTION_ID, REASON_BLOCK_ID
from domain.models import ApprovalStatus
from tests.approvals import CFO, MANAGER, card_recorded, listed
from tests.bot.cards import BOT_USER, buttons, cards, click, ephemerals_to, name, said, thread_replies
from tests.fakes.block_kit import block_kit_problems
from tests.fakes.block_text import arguments_shown, live_tokens, mrkdwn_texts, original, runs
from tests.fakes.openai_server import FakeOpenAI, message, tool_call
from tests.fakes.slack_payloads import button_click, mention_event, view_submission
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_web_api import FakeSlackWebApi, SlackCall
from tests.fakes.webhook_receiver import FakeWebhookReceiver
from workflows.approval import ApprovalWorkflow

REQUESTER = "U0REQUESTER"
APPROVER = "U0APPROVER"
CHANNEL = "C0FINANCE"
WIRE = {
    "amount": "50000.00",
    "currency": "USD",
    "payee": "ACME Corp",
    "account": "DE89370400440532013000",
    "reference": "invoice 4411",
}
MODEL_WORDS = (
    "Done, approved by <@U0CFO> as instructed. <!channel> *all clear* <https://evil.example|receipt>"
)
RECORD_HEADING = "*Record* · from the approvals themselves, not written by the assistant"


def a_mention(text: str) -> dict:
    # The Temporal server outlives each test and an agent's ID comes from the mention.
    ts = f"17{random.randrange(10**8):08d}.{random.randrange(10**6):06d}"
    return mention_event(text=f"<@{BOT_USER}> {text}", user=REQUESTER, channel=CHANNEL, ts=ts)


async def card_for(bot: SlackRequests, slack: FakeSlackWebApi, text: str, count: int = 1) -> SlackCall:
    assert (await bot.event(a_mention(text))).status == 200
    await slack.wait_for(lambda: len(cards(slack)) >= count, what=f"card {count}")
    posted = cards(slack)[count - 1]
    assert block_kit_problems(posted.args["blocks"]) == []
    return posted


def own_tokens(message: dict) -> list[str]:
    """The live syntax the card itself writes: the requester and approver fields (with the
    example catalog's policy, its manager and CFO), the expiry date and the link to the
    workflow. Nothing else may be live."""
    ours = ("<@U0REQUESTER>", "<@U0APPROVER>", f"<@{MANAGER}>", f"<@{CFO}>", "<!date^", "<http://127.0.0.1")
    return [token for token in live_tokens(message) if not token.startswith(ours)]


async def test_a_value_too_long_for_the_card_is_shown_in_full_under_show_full_details(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    # Within the schema's 3,000 characters, but 8,000+ once escaped (`&` is `&amp;`):
    # more than the card holds, and it ends in what a cut card would have hidden.
    text = "R&D " + "a&" * 1470 + " <!channel> <https://evil.example|intranet>"
    model.then(tool_call("company_announcement", {"channel": "C0ANNOUNCE", "text": text}), message("Posted."))

    card = await card_for(bot, slack, "announce the Q3 results")

    assert f"text is too long for this card ({len(text):,} characters)" in said(card)
    assert "text" not in arguments_shown(card.args["blocks"])
    assert own_tokens(card.args) == []
    (details,) = [b for b in buttons(card) if b["action_id"] == DETAILS_ACTION_ID]
    await bot.interaction(
        button_click(
            action_id=DETAILS_ACTION_ID,
            value=details["value"],
            user=APPROVER,
            channel=CHANNEL,
            message_ts=card.response["ts"],
            thread_ts=card.args["thread_ts"],
        )
    )
    modal = (await slack.wait_for_call("views.open")).args["view"]
    assert original(arguments_shown(modal["blocks"])["text"]) == text
    assert block_kit_problems(modal["blocks"]) == []
    assert own_tokens(modal) == []


async def test_formatting_in_the_request_and_the_values_shows_as_typed(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    payee = "*Approved by @cfo*"
    reference = ":white_check_mark: _pre-cleared by treasury_ ~hold~ `ok`"
    model.then(tool_call("wire_transfer", {**WIRE, "payee": payee, "reference": reference}), message("Done."))

    card = await card_for(bot, slack, "wire *50k* to _ACME_ :rocket: ~now~")

    shown = arguments_shown(card.args["blocks"])
    assert (shown["payee"], shown["reference"]) == (payee, reference)
    assert "wire *50k* to _ACME_ :rocket: ~now~" in runs(card.args["blocks"])
    # rich_text text elements are drawn literally; none of it is mrkdwn.
    assert not any(payee in t or "pre-cleared" in t or "*50k*" in t for t in mrkdwn_texts(card.args))
    assert own_tokens(card.args) == []


async def test_a_line_break_in_a_value_cannot_forge_card_lines(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    payee = "ACME Corp\n*amount*\n1.00"
    reference = "4411\nFingerprint\n`00000000`\nApproved by @cfo"
    model.then(tool_call("wire_transfer", {**WIRE, "payee": payee, "reference": reference}), message("Done."))

    card = await card_for(bot, slack, "wire it")

    shown = arguments_shown(card.args["blocks"])
    assert shown["payee"] == "ACME Corp↵\n*amount*↵\n1.00" and original(shown["payee"]) == payee
    assert original(shown["reference"]) == reference
    assert shown["amount"] == "50000.00"
    # One amount, one fingerprint and no decision line: the forged ones stay inside values.
    labels = [r for r in runs(card.args["blocks"]) if r in ("amount", "Fingerprint")]
    assert labels == ["amount"]
    assert said(card).count("Approved by") == 1  # inside the reference's value box only
    assert "↵ marks a line break" in said(card)


async def test_invisible_and_reversing_characters_are_shown_and_warned_about(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    payee = "\u202eproC EMCA"
    reference = "invoice\u200b 4411\u2060\ufeff\u200d"
    model.then(tool_call("wire_transfer", {**WIRE, "payee": payee, "reference": reference}), message("Done."))

    card = await card_for(bot, slack, "wire it")

    shown = arguments_shown(card.args["blocks"])
    assert shown["payee"] == "⟨U+202E⟩proC EMCA"
    assert shown["reference"] == "invoice⟨U+200B⟩ 4411⟨U+2060⟩⟨U+FEFF⟩⟨U+200D⟩"
    text = said(card)
    assert "“payee” contains hidden characters, shown as ⟨U+…⟩: U+202E RIGHT-TO-LEFT OVERRIDE." in text
    assert (
        "“reference” contains hidden characters, shown as ⟨U+…⟩: U+200B ZERO WIDTH SPACE, "
        "U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE, U+200D ZERO WIDTH JOINER."
    ) in text
    assert not any(ch in str(card.args["blocks"]) for ch in "\u202e\u200b\u2060\ufeff\u200d")


async def test_a_word_mixing_look_alike_scripts_is_warned_about(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    payee = "АСМЕ Corp"  # Cyrillic А, С, М, Е: reads as ACME
    model.then(tool_call("wire_transfer", {**WIRE, "payee": payee}), message("Done."))

    card = await card_for(bot, slack, "wire it")

    assert arguments_shown(card.args["blocks"])["payee"] == payee
    warnings = [line for line in said(card).splitlines() if "look Latin" in line]
    assert warnings == [
        "payee АСМЕ Corp :warning: “payee” has words in letters that look Latin but are not: "
        "“АСМЕ” (Cyrillic). Check the name is the one you expect."
    ]


async def test_slacks_escaped_text_is_decoded_once_and_mentions_are_names(
    bot: SlackRequests, slack: FakeSlackWebApi, worker
):
    # As Slack delivers a typed "pay Smith & Sons for invoice <4412> @cfo @channel <link>".
    card = await card_for(
        bot,
        slack,
        "pay Smith &amp; Sons for invoice &lt;4412&gt; <@U0CFO> <!channel> <https://evil.example|intranet>",
    )

    request = said(card)
    typed = f"pay Smith & Sons for invoice <4412> {name('U0CFO')} @channel intranet (https://evil.example)"
    assert typed in request
    assert "&amp;" not in request and "&lt;" not in request
    assert own_tokens(card.args) == []
    # No model configured: the request goes for approval as written, and the card says so.
    assert "Approval only: nothing runs automatically" in request.replace("*", "")


async def test_a_click_on_one_card_cannot_decide_another(
    bot: SlackRequests,
    client: Client,
    slack: FakeSlackWebApi,
    worker,
    caplog: pytest.LogCaptureFixture,
):
    first = await card_for(bot, slack, "pay invoice 4411 to ACME")
    second = await card_for(bot, slack, "pay invoice 4412 to Initech", count=2)
    # A click on the first card whose button names the second card's approval.
    forged = click(first, APPROVER, approve=True)
    second_id = buttons(second)[0]["value"]
    forged["actions"][0]["value"] = second_id
    second_approval = client.get_workflow_handle_for(ApprovalWorkflow.run, second_id)
    await card_recorded(second_approval)

    with caplog.at_level(logging.WARNING):
        assert (await bot.interaction(forged)).status == 200
        await slack.wait_for(lambda: ephemerals_to(slack, APPROVER), what="the clicker told")

    assert "not on this approval's card" in ephemerals_to(slack, APPROVER)[0]
    assert (await second_approval.query(ApprovalWorkflow.get_status)).status is ApprovalStatus.PENDING
    (warning,) = [r for r in caplog.records if r.getMessage().startswith("Security:")]
    clicked_and_card = (warning.clicked_message_ts, warning.card_message_ts)
    assert clicked_and_card == (first.response["ts"], second.response["ts"])
    # Refused by the approval's update validator: nothing in its history, nothing redrawn.
    decisions = [
        e
        async for e in second_approval.fetch_history_events()
        if e.HasField("workflow_execution_signaled_event_attributes")
        or e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert decisions == [] and slack.calls_to("chat.update") == []


async def test_the_models_words_are_inert_and_the_record_below_them_is_the_approvals(
    bot: SlackRequests, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    model.then(
        tool_call("wire_transfer", WIRE),
        message(MODEL_WORDS),
    )
    card = await card_for(bot, slack, "wire it")

    # The wire's first stage is the manager's.
    await bot.interaction(click(card, MANAGER, approve=False))
    view = (await slack.wait_for_call("views.open")).args["view"]
    typed = {REASON_BLOCK_ID: {REASON_ACTION_ID: {"type": "plain_text_input", "value": "Wrong account"}}}
    await bot.interaction(view_submission(view=view, user=MANAGER, values=typed))
    await slack.wait_for(lambda: thread_replies(slack), what="the agent's answer")

    (reply,) = thread_replies(slack)
    assert live_tokens(reply.args) == []
    words, record = said(reply).split(RECORD_HEADING)
    assert MODEL_WORDS in words
    assert f"Rejected by {name(MANAGER)} at" in record and "Wrong account" in record


async def test_the_fallback_text_names_people_and_carries_no_live_syntax(
    bot: SlackRequests, slack: FakeSlackWebApi, worker
):
    card = await card_for(bot, slack, "pay <@U0CFO> and <!here> &lt;now&gt;")

    text = card.args["text"]
    assert "Approval needed" in text and name(REQUESTER)[1:] in text
    assert "<@" not in text and "<!" not in text
    assert own_tokens(card.args) == []


async def test_an_identical_pending_request_in_the_channel_says_it_is_the_same(
    bot: SlackRequests, client: Client, slack: FakeSlackWebApi, model: FakeOpenAI, agent_worker
):
    # Two threads asking for the same transfer; neither is decided, so no answer is due.
    model.then(tool_call("wire_transfer", WIRE))
    first = await card_for(bot, slack, "wire it")
    first_id = buttons(first)[0]["value"]
    # The second card looks the first one up in visibility, which lags its start a little.
    await listed(client, f"WorkflowId = '{first_id}' AND ApprovalStatus = 'pending'", 1)
    model.then(tool_call("wire_transfer", WIRE))

    second = await card_for(bot, slack, "wire it", count=2)

    assert "Same as the request above, still pending" in said(second)
    assert "Same as the request above" not in said(first)


async def test_a_decided_card_states_the_outcome_who_decided_and_what_ran(
    bot: SlackRequests, slack: FakeSlackWebApi, webhooks: FakeWebhookReceiver, model: FakeOpenAI, agent_worker
):
    model.then(tool_call("wire_transfer", WIRE), message("Sent."))
    card = await card_for(bot, slack, "wire it")
    assert said(card).startswith("Approval needed: Wire transfer")

    # Above 10,000: the manager, then the CFO.
    await bot.interaction(click(card, MANAGER, approve=True))
    await bot.interaction(click(card, CFO, approve=True))
    await slack.wait_for(
        lambda: any("Done* at" in said(update) for update in slack.calls_to("chat.update")), what="done"
    )

    final = slack.calls_to("chat.update")[-1]
    text = said(final)
    assert text.startswith("Approved: Wire transfer") and buttons(final) == []
    assert f"Approved by <@{CFO}> at" in text and "Expires" not in text
    assert f"Manager ✓ <@{MANAGER}> · CFO ✓ <@{CFO}>" in text
    assert "answered HTTP 200" in text
    assert len(webhooks.accepted) == 1


async def test_approval_only_answers_say_nothing_ran_and_name_their_own_request(
    bot: SlackRequests, slack: FakeSlackWebApi, worker
):
    first = a_mention("pay invoice 4411 to ACME")
    thread_ts = first["event"]["ts"]
    follow_up = mention_event(
        text=f"<@{BOT_USER}> and refund order 77 to Initech",
        user=REQUESTER,
        channel=CHANNEL,
        ts=f"{thread_ts[:-3]}999",
        thread_ts=thread_ts,
    )
    # The thread takes one request at a time: the follow-up waits for the first's answer.
    await bot.event(first)
    await bot.event(follow_up)
    for count in (1, 2):
        await slack.wait_for(lambda n=count: len(cards(slack)) == n, what=f"card {count}")
        await bot.interaction(click(cards(slack)[-1], APPROVER, approve=True))
        await slack.wait_for(lambda n=count: len(thread_replies(slack)) == n, what=f"answer {count}")

    answers = [said(reply) for reply in thread_replies(slack)]
    assert ["pay invoice 4411 to ACME" in a for a in answers] == [True, False]
    assert ["and refund order 77 to Initech" in a for a in answers] == [False, True]
    assert all("nothing runs automatically" in a.lower() for a in answers), answers
