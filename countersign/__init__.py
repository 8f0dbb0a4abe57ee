"""What the bot, the worker and the launcher share: settings, logging, the dev server."""
