"""The direct message telling someone a stage waits on them, with a link to the card.

Only our words: the action's title, the requester's mention, the stage's name (escaped),
the deadline and the link. Nothing the requester or the model wrote: the card shows that,
inert, and the DM only says where to find it.
"""

from typing import Any

from blocks.approval_card import action_title
from domain.slack_text import escape, mention, slack_date
from domain.stage_notice import NoticeKind, StageNotice


def build_stage_notice(notice: StageNotice, permalink: str | None) -> dict[str, Any]:
    """The `chat.postMessage` arguments (besides the channel) for `notice`."""
    what = f"*{escape(action_title(notice.action))}* requested by {mention(notice.requester)}"
    stage = f"the {escape(notice.stage)} stage" if notice.stage else "it"
    until = slack_date(notice.deadline)
    match notice.kind:
        case NoticeKind.TURN if notice.edited_by:
            line = (
                f":raised_hand: Your decision is needed: {what}. {mention(notice.edited_by)} edited its "
                f"arguments before approving, so look at what changed; you can decide {stage} until {until}."
            )
        case NoticeKind.TURN:
            line = f":raised_hand: Your decision is needed: {what}. You can decide {stage} until {until}."
        case NoticeKind.REMINDER:
            line = f":bell: Reminder: {what} still waits for your decision on {stage}, until {until}."
        case _:
            line = (
                f":arrow_double_up: {what} reached {stage}'s deadline, so it comes to you: "
                f"you can decide it until {until}."
            )
    # Without a permalink (Slack did not give one) the channel still says where to look.
    where = f"<{permalink}|Open the card>" if permalink else f"The card is in <#{notice.channel}>."
    return {"text": f"{line} {where}"}
