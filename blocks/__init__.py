"""Block Kit and Slack text: pure builders shared by the bot, the activities and the workflows.

No I/O and no imports from bot/, activities/ or workflows/ beyond their shared models, so
every layer can use them and workflow code can too.
"""
