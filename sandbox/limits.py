"""Slack's published Block Kit limits, as the sandbox enforces them.

Copied from the team's reference (tests/fixtures/slack/block_kit_limits.json names the
source of each number; a test checks these against it). Counts are characters unless
they say items.
"""

MESSAGE_MAX_BLOCKS = 50
MODAL_MAX_BLOCKS = 100
BLOCK_ID_MAX = 255
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
ACTIONS_ELEMENTS_MAX = 25
CONTEXT_ELEMENTS_MAX = 10
INPUT_LABEL_MAX = 2000
INPUT_HINT_MAX = 2000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BUTTON_URL_MAX = 3000
ACTION_ID_MAX = 255
BUTTON_STYLES = ("primary", "danger")
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
PLACEHOLDER_MAX = 150
# Option objects (a select menu's choices) and the select menus that hold them
# (block_kit_limits.json option_objects; groups as many as options, per the SDK).
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
SELECT_OPTIONS_MAX = 100
SELECT_OPTION_GROUPS_MAX = 100
VIEW_TITLE_MAX = 24
VIEW_BUTTON_MAX = 24
PRIVATE_METADATA_MAX = 3000
CALLBACK_ID_MAX = 255

# Block types Slack accepts today. The sandbox draws some of them as placeholders, but
# only a type outside this list makes Slack refuse the message.
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
INTERACTIVE_ELEMENTS = frozenset(
    {
        "button",
        "channels_select",
        "checkboxes",
        "conversations_select",
        "datepicker",
        "datetimepicker",
        "external_select",
        "multi_channels_select",
        "multi_conversations_select",
        "multi_external_select",
        "multi_static_select",
        "multi_users_select",
        "overflow",
        "radio_buttons",
        "rich_text_input",
        "static_select",
        "timepicker",
        "users_select",
        "workflow_button",
    }
)
INPUT_ELEMENTS = INTERACTIVE_ELEMENTS - {"button", "overflow", "workflow_button"} | {
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "url_text_input",
}
ACCESSORY_ELEMENTS = INTERACTIVE_ELEMENTS | {"image"}
CONTEXT_ELEMENTS = frozenset({"image", "mrkdwn", "plain_text"})
TEXT_TYPES = frozenset({"mrkdwn", "plain_text"})

# rich_text, as Slack's Block Kit reference describes it (docs.slack.dev/reference/block-kit/,
# the page of each part named beside it); Slack checks no published length here.
# blocks/rich-text-block: what a rich_text block's `elements` may hold.
RICH_TEXT_OBJECTS = frozenset(
    {"rich_text_list", "rich_text_preformatted", "rich_text_quote", "rich_text_section"}
)
# block-elements/rich-text-section-element (the quote and list pages give the same list):
# the elements a section, a quote or a list item may hold.
RICH_TEXT_ELEMENTS = frozenset(
    {
        "attachment_mention",
        "broadcast",
        "canvas",
        "canvas_message_unfurl",
        "canvas_user_mention",
        "channel",
        "citation",
        "color",
        "date",
        "emoji",
        "file",
        "link",
        "list_record",
        "message_mention",
        "salesforce_data_field",
        "tag",
        "team",
        "text",
        "user",
        "usergroup",
        "work_object_mention",
        "workflow_mention",
    }
)
# block-elements/rich-text-preformatted-element: "An array of text or link elements".
PREFORMATTED_ELEMENTS = frozenset({"link", "text"})
# block-elements/rich-text-list-element: style is required, "Either bullet or ordered".
LIST_STYLES = ("bullet", "ordered")
# The Node Slack SDK's types on docs.slack.dev (RichTextList.indent "a number from 0
# (default) to 8"; RichTextBorderable.border "0 | 1").
LIST_INDENT_MAX = 8
BORDER_VALUES = (0, 1)
# block-elements/broadcast-element: range "can be here, channel, or everyone".
BROADCAST_RANGES = ("here", "channel", "everyone")
# The required string field of each element, from its page under block-elements/ (text,
# link, user, usergroup, emoji, broadcast; channel from the Node SDK's
# RichTextChannelMention); date-element requires a number `timestamp`, a string `format`.
RICH_TEXT_REQUIRED_FIELD = {
    "broadcast": "range",
    "channel": "channel_id",
    "emoji": "name",
    "link": "url",
    "text": "text",
    "user": "user_id",
    "usergroup": "usergroup_id",
}
