"""The Bolt app: Slack's requests in, Temporal workflows started or signalled."""

from slack_bolt.async_app import AsyncApp
from temporalio.client import Client

from activities.slack_client import use_slack_api
from bot.approvals.list_buttons import ListButtons
from bot.errors import handle_listener_error
from bot.listeners import register_listeners
from bot.services import BotServices, provide
from countersign.settings import Settings


def build_app(settings: Settings, temporal_client: Client) -> AsyncApp:
    """The app with every listener; serve it over HTTP or Socket Mode (bot.http.server)."""
    app = AsyncApp(
        # The token, not a client: Bolt reads SLACK_BOT_TOKEN from the environment whenever
        # it is not given one, and given a client beside it, warns at every start that it is
        # unused. The client Bolt builds is pointed at SLACK_API_URL below.
        token=settings.slack_bot_token,
        # In Socket Mode there is no signed HTTP (Bolt skips the check for socket
        # requests), and bot.http.server does not mount the HTTP route at all.
        signing_secret=settings.slack_signing_secret,
        name="countersign",
        # Slack is answered when the listener is done, over HTTP and Socket Mode alike
        # (else Bolt acks events before their listener runs): each listener acks only
        # once Temporal has what it was given.
        process_before_response=True,
    )
    use_slack_api(app.client, settings.slack_api_url)
    services = BotServices(
        temporal=temporal_client,
        task_queue=settings.temporal_task_queue,
        list_buttons=ListButtons(settings.slack_bot_token),
        allowed_bot_ids=settings.slack_allowed_bot_ids,
    )
    provide(app, services)
    register_listeners(app)
    app.error(handle_listener_error)
    return app
