"""number_input and static_select in a modal, as Slack has them: drawn with their initial
values, what the person typed or chose kept across a redraw, sent in `view.state.values`
in Slack's shape, refused by the client itself when Slack's client would refuse them, and
checked like Slack checks them when the bot sends them."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import NumberInputElement, Option, StaticSelectElement
from slack_sdk.web.async_client import AsyncWebClient

from countersign.settings import SANDBOX_BOT_TOKEN
from sandbox import limits
from sandbox.block_validation import message_block_problems, view_problems
from sandbox.directory import CHANNEL, PEOPLE
from sandbox.inputs import NOT_A_NUMBER, NOT_A_WHOLE_NUMBER
from sandbox.render import FormState, view_html
from sandbox.views import REQUIRED_FIELD, client_refusals, slack_view, state_values, typed_values
from tests.fakes.recording_bot import ReceivedRequest, RecordingBot, form_payload
from tests.sandbox.modal_inputs import (
    amount_input,
    cost_center_select,
    currency_select,
    input_block,
    option,
    payment_modal,
)
from tests.sandbox_run import Person, RunningSandbox, serve_sandbox

GRACE = PEOPLE[1]
FIXTURES = Path(__file__).parent.parent / "fixtures/slack"
LIMITS = json.loads((FIXTURES / "block_kit_limits.json").read_text())
SLACK_SUBMISSION = json.loads((FIXTURES / "view_submission_payload.json").read_text())
EUR = {"text": {"type": "plain_text", "text": "EUR", "emoji": True}, "value": "EUR"}


def shown_view(**changes: Any) -> dict[str, Any]:
    """The payment modal as Slack keeps it once opened (IDs, spelled-out defaults)."""
    return slack_view(payment_modal(**changes))


def typed(amount: str | None = "4500", currency: str | None = "USD", center: str | None = "cc-ber"):
    return {
        "amount": {"amount_value": amount},
        "currency": {"currency_choice": currency},
        "center": {"center_choice": center},
    }


# Drawing


def test_they_are_drawn_with_their_initial_values_and_placeholders():
    view = shown_view()
    html = view_html(view, typed_values(view, {}))
    assert (
        '<input type="text" class="bk-input" data-block-id="amount" data-action-id="amount_value" '
        'aria-label="amount_value" placeholder="How much?" inputmode="numeric" value="4500">'
    ) in html
    assert '<option value="USD" selected>USD</option>' in html
    assert html.count(" selected") == 2, "USD, and the cost center's placeholder"
    # No initial option: the placeholder shows, and cannot be chosen back once left.
    assert '<option value="" disabled hidden selected>Pick a cost center</option>' in html
    assert '<optgroup label="Europe"><option value="cc-ber">Berlin</option></optgroup>' in html


def test_a_decimal_number_input_asks_for_a_decimal_keyboard():
    view = slack_view(payment_modal(amount=amount_input(is_decimal_allowed=True)))
    assert 'inputmode="decimal"' in view_html(view, FormState())


def test_what_was_typed_and_chosen_is_drawn_again_after_a_redraw():
    view = shown_view()
    form = typed_values(view, typed(amount="12.5", currency="EUR", center="cc-bos"))
    form.errors = {"amount": NOT_A_WHOLE_NUMBER}
    html = view_html(view, form)
    assert 'value="12.5"' in html and 'value="4500"' not in html
    assert '<option value="EUR" selected>EUR</option>' in html
    assert '<option value="USD">USD</option>' in html
    assert '<option value="cc-bos" selected>Boston</option>' in html
    assert "Pick a cost center" not in html, "once chosen, the placeholder is gone"
    assert f'<div class="input-error" role="alert">{NOT_A_WHOLE_NUMBER}</div>' in html


def test_a_select_menu_outside_a_modal_input_is_still_a_placeholder():
    view = slack_view({**payment_modal(), "blocks": [{"type": "actions", "elements": [currency_select()]}]})
    assert "[static_select element: not shown in the sandbox]" in view_html(view, FormState())


# view.state.values


def test_state_values_are_in_slacks_shape():
    view = shown_view()
    state = state_values(view, typed_values(view, typed(currency="EUR")))
    assert state == {
        "amount": {"amount_value": {"type": "number_input", "value": "4500"}},
        "currency": {"currency_choice": {"type": "static_select", "selected_option": EUR}},
        "center": {
            "center_choice": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Berlin", "emoji": True},
                    "value": "cc-ber",
                },
            }
        },
    }
    # A number's entry has the fields of the plain_text_input one in Slack's own view_submission.
    (slack_entry,) = SLACK_SUBMISSION["view"]["state"]["values"]["hspI"].values()
    assert set(state["amount"]["amount_value"]) == set(slack_entry)


def test_empty_ones_are_null_and_a_choice_that_is_no_option_is_none():
    view = shown_view(amount_optional=True)
    state = state_values(view, typed_values(view, typed(amount="", currency="XAU", center=None)))
    assert state["amount"]["amount_value"] == {"type": "number_input", "value": None}
    assert state["currency"]["currency_choice"] == {"type": "static_select", "selected_option": None}
    assert state["center"]["center_choice"] == {"type": "static_select", "selected_option": None}


# What Slack's client refuses itself


@pytest.mark.parametrize(
    ("amount", "refusal"),
    [
        ("", REQUIRED_FIELD),
        ("lots", NOT_A_NUMBER),
        ("1e3", NOT_A_NUMBER),
        ("4 500", NOT_A_NUMBER),
        ("12.5", NOT_A_WHOLE_NUMBER),
        ("12.0", NOT_A_WHOLE_NUMBER),
        ("0", "Enter a number of at least 1"),
        ("-5", "Enter a number of at least 1"),
        ("10001", "Enter a number of at most 10000"),
    ],
)
def test_the_client_refuses_numbers_it_cannot_take(amount: str, refusal: str):
    view = shown_view()
    assert client_refusals(view, typed_values(view, typed(amount=amount))) == {"amount": refusal}


@pytest.mark.parametrize("amount", ["1", "10000", "4500", "007"])
def test_whole_numbers_in_range_get_through(amount: str):
    view = shown_view()
    assert client_refusals(view, typed_values(view, typed(amount=amount))) == {}


def test_decimals_get_through_where_allowed_and_are_compared_exactly():
    view = shown_view(amount=amount_input(is_decimal_allowed=True, min_value="0.1", max_value="99.99"))
    for fine in ("0.1", "99.99", ".5", "12.34"):
        assert client_refusals(view, typed_values(view, typed(amount=fine))) == {}, fine
    assert client_refusals(view, typed_values(view, typed(amount="0.09"))) == {
        "amount": "Enter a number of at least 0.1"
    }


def test_a_bound_written_with_an_exponent_still_bounds_but_a_person_types_digits():
    view = shown_view(amount=amount_input(is_decimal_allowed=True, min_value="1e-05", max_value="1E3"))
    assert client_refusals(view, typed_values(view, typed(amount="0.00001"))) == {}
    assert client_refusals(view, typed_values(view, typed(amount="0.000001"))) == {
        "amount": "Enter a number of at least 1e-05"
    }
    assert client_refusals(view, typed_values(view, typed(amount="1001"))) == {
        "amount": "Enter a number of at most 1E3"
    }
    assert client_refusals(view, typed_values(view, typed(amount="1e2"))) == {"amount": NOT_A_NUMBER}


def test_an_optional_number_may_be_left_empty_but_not_wrong():
    view = shown_view(amount_optional=True)
    assert client_refusals(view, typed_values(view, typed(amount=None))) == {}
    assert client_refusals(view, typed_values(view, typed(amount="many"))) == {"amount": NOT_A_NUMBER}


def test_a_required_select_left_empty_is_refused_and_an_optional_one_is_not():
    view = shown_view()
    assert client_refusals(view, typed_values(view, typed(center=None))) == {"center": REQUIRED_FIELD}
    optional = slack_view(
        {**payment_modal(), "blocks": [input_block("center", "Center", cost_center_select(), optional=True)]}
    )
    assert client_refusals(optional, typed_values(optional, typed(center=None))) == {}


# Checked like Slack checks them


def modal_with(element: dict[str, Any]) -> dict[str, Any]:
    return {**payment_modal(), "blocks": [input_block("b", "L", element)]}


def menu(*options: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": list(options), **changes}


def test_the_limits_are_slacks_published_numbers():
    value = lambda name: LIMITS["option_objects"][name]["value"]  # noqa: E731
    assert limits.OPTION_TEXT_MAX == value("option_text_max")
    assert limits.OPTION_VALUE_MAX == value("option_value_max")
    assert limits.SELECT_OPTIONS_MAX == value("select_options_max_items")
    assert limits.SELECT_OPTION_GROUPS_MAX == value("select_options_max_items")


def test_what_slack_sdks_models_build_passes():
    # The SDK writes str() of a number: 0.00001 becomes "1e-05".
    number = NumberInputElement(action_id="n", is_decimal_allowed=True, min_value=0.00001, max_value=9.5)
    assert number.to_dict()["min_value"] == "1e-05"
    usd = Option(text="USD", value="USD")
    select = StaticSelectElement(
        action_id="s", placeholder="Pick", options=[Option(text="EUR", value="EUR"), usd], initial_option=usd
    )
    assert view_problems(modal_with(number.to_dict())) == []
    assert view_problems(modal_with(select.to_dict())) == []
    assert view_problems(payment_modal()) == []


@pytest.mark.parametrize(
    ("element", "problem"),
    [
        (
            {"type": "number_input", "action_id": "n"},
            "must provide a boolean [json-pointer:/view/blocks/0/element/is_decimal_allowed]",
        ),
        (
            amount_input(is_decimal_allowed="yes"),
            "must provide a boolean [json-pointer:/view/blocks/0/element/is_decimal_allowed]",
        ),
        (
            amount_input(min_value=1),
            "must be a string holding a number [json-pointer:/view/blocks/0/element/min_value]",
        ),
        (
            amount_input(initial_value="a lot"),
            "must be a string holding a number [json-pointer:/view/blocks/0/element/initial_value]",
        ),
        (
            amount_input(min_value="10", max_value="9"),
            "must not be greater than max_value [json-pointer:/view/blocks/0/element/min_value]",
        ),
        (
            amount_input(placeholder={"type": "mrkdwn", "text": "*how much*"}),
            "must be one of ['plain_text'] [json-pointer:/view/blocks/0/element/placeholder/type]",
        ),
        (
            menu(*(option(str(i)) for i in range(101))),
            "no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]",
        ),
        (
            menu(option("x" * 76, "x")),
            "must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]",
        ),
        (
            menu(option("X", "v" * 151)),
            "must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]",
        ),
        (
            menu({"text": {"type": "mrkdwn", "text": "*EUR*"}, "value": "EUR"}),
            "must be one of ['plain_text'] [json-pointer:/view/blocks/0/element/options/0/text/type]",
        ),
        (
            menu({"text": {"type": "plain_text", "text": "EUR"}}),
            "must be more than 0 characters [json-pointer:/view/blocks/0/element/options/0/value]",
        ),
        (
            menu(option("EUR"), initial_option=option("JPY")),
            "must match one of the options [json-pointer:/view/blocks/0/element/initial_option]",
        ),
        (
            menu(option("EUR"), initial_option=option("Euro", "EUR")),
            "must match one of the options [json-pointer:/view/blocks/0/element/initial_option]",
        ),
        (
            {"type": "static_select", "action_id": "s"},
            "must provide either options or option_groups [json-pointer:/view/blocks/0/element]",
        ),
        (
            menu(),
            "must provide a non-empty array [json-pointer:/view/blocks/0/element/options]",
        ),
        (
            cost_center_select(options=[option("EUR")]),
            "must provide either options or option_groups [json-pointer:/view/blocks/0/element]",
        ),
        (
            cost_center_select(option_groups=[{"label": {"type": "plain_text", "text": "G"}}]),
            "must provide a non-empty array [json-pointer:/view/blocks/0/element/option_groups/0/options]",
        ),
    ],
)
def test_wrong_ones_are_refused_at_their_place(element: dict[str, Any], problem: str):
    assert view_problems(modal_with(element)) == [problem]


def test_a_select_in_a_message_is_checked_too():
    too_many = menu(*(option(str(i)) for i in range(101)))
    assert message_block_problems([{"type": "actions", "elements": [too_many]}]) == [
        "no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"
    ]


# Through the sandbox: the page's Submit, the Web API


@pytest.fixture
async def bot() -> AsyncIterator[RecordingBot]:
    recording = await RecordingBot().start()
    yield recording
    await recording.stop()


@pytest.fixture
async def sandbox(bot: RecordingBot) -> AsyncIterator[RunningSandbox]:
    async with serve_sandbox(bot.url) as running:
        yield running


@pytest.fixture
async def grace(sandbox: RunningSandbox) -> AsyncIterator[Person]:
    async with ClientSession() as http:
        yield Person(sandbox, GRACE.id, http)


@pytest.fixture
def slack(sandbox: RunningSandbox) -> AsyncWebClient:
    return AsyncWebClient(token=SANDBOX_BOT_TOKEN, base_url=sandbox.api_url)


async def open_payment_modal(sandbox: RunningSandbox, slack: AsyncWebClient) -> str:
    trigger_id = sandbox.state.workspace.issue_trigger(GRACE.id)
    return (await slack.views_open(trigger_id=trigger_id, view=payment_modal()))["view"]["id"]


def answering(answer: dict[str, Any]):
    async def respond(_: ReceivedRequest) -> web.Response:
        return web.json_response(answer)

    return respond


async def test_refusals_reach_no_bot_and_a_fixed_submit_sends_slacks_state(sandbox, bot, grace, slack):
    view_id = await open_payment_modal(sandbox, slack)
    await grace.submits(view_id, typed(amount="12.5", currency="EUR", center=""))
    shown = sandbox.state.workspace.modal_of(GRACE.id)
    assert shown.form.errors == {"amount": NOT_A_WHOLE_NUMBER, "center": REQUIRED_FIELD}
    assert shown.form.values["amount"] == {"amount_value": "12.5"}, "what was typed is kept"
    assert shown.form.values["currency"] == {"currency_choice": "EUR"}
    assert bot.requests == [], "Slack's client refuses these without asking the app"

    bot.answer = answering({"response_action": "errors", "errors": {"amount": "Over your limit"}})
    await grace.submits(view_id, typed(amount="9000", currency="EUR", center="cc-bos"))
    payload = form_payload(await bot.wait_for_request())
    assert payload["type"] == "view_submission"
    assert payload["view"]["state"]["values"] == {
        "amount": {"amount_value": {"type": "number_input", "value": "9000"}},
        "currency": {"currency_choice": {"type": "static_select", "selected_option": EUR}},
        "center": {
            "center_choice": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Boston", "emoji": True},
                    "value": "cc-bos",
                },
            }
        },
    }
    # The bot's errors redraw the modal with what was typed and chosen still there.
    shown = sandbox.state.workspace.modal_of(GRACE.id)
    assert shown.form.errors == {"amount": "Over your limit"}
    html = view_html(shown.view, shown.form)
    assert 'value="9000"' in html and '<option value="cc-bos" selected>Boston</option>' in html


async def test_the_web_api_refuses_wrong_ones_as_slack_does(sandbox, slack):
    no_decimal_flag = modal_with({"type": "number_input", "action_id": "n"})
    trigger_id = sandbox.state.workspace.issue_trigger(GRACE.id)
    with pytest.raises(SlackApiError) as refused_view:
        await slack.views_open(trigger_id=trigger_id, view=no_decimal_flag)
    assert refused_view.value.response["error"] == "invalid_arguments"
    assert refused_view.value.response["response_metadata"]["messages"] == [
        "[ERROR] must provide a boolean [json-pointer:/view/blocks/0/element/is_decimal_allowed]"
    ]
    long_value = menu(option("EUR", "v" * 151))
    with pytest.raises(SlackApiError) as refused_message:
        await slack.chat_postMessage(
            channel=CHANNEL.id, text="x", blocks=[{"type": "actions", "elements": [long_value]}]
        )
    assert refused_message.value.response["error"] == "invalid_blocks"
    assert refused_message.value.response["errors"] == [
        "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"
    ]
