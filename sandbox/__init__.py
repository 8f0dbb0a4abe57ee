"""A local Slack for Countersign: Slack's wire protocol in both directions, and a web page.

`python -m sandbox` serves, on loopback, the Web API methods the bot calls (at the URL the
bot's SLACK_API_URL points to), a page where people post, mention the bot, click buttons
and fill in modals, and sends the bot the signed requests Slack would send for all that.
The bot runs unchanged: it cannot tell the sandbox from Slack.
"""
