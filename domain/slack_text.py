"""Slack mrkdwn fragments shared by the card, the workflow's notices and the bot.

Pure functions: safe inside the workflow sandbox.
"""

from datetime import datetime


def mention(user: str) -> str:
    return f"<@{user}>"


def slack_date(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone, with a UTC fallback."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup in mrkdwn text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
