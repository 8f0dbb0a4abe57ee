"""The bot's HTTP side: Slack's Request URL and the health check, knowing nothing of approvals."""
