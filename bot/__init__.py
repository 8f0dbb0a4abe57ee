"""The Slack front door: the Bolt app, its listeners and the Block Kit it sends."""
