"""Every side effect: Slack Web API calls and, later, the action executors."""
