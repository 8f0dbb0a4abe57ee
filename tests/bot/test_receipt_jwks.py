"""The web process serves the receipts' public keys, and a receiver that trusts only what it
fetched from there verifies every delivery, retries included, and acts on each approval once."""

import pytest
from aiohttp import ClientSession
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.executors import ActionExecutors
from activities.slack_client import slack_web_client
from bot.http.server import JWKS_PATH
from countersign.receipts.configured import signing_key
from countersign.receipts.signing import ReceiptSigner
from countersign.settings import Settings
from tests.approvals import wire_request
from tests.executions import decided, execution, run, webhook_to
from tests.fakes.slack_web_api import FakeSlackWebApi
from tests.fakes.webhook_receiver import FakeWebhookReceiver


@pytest.fixture
def executors(client: Client, settings: Settings, slack: FakeSlackWebApi) -> ActionExecutors:
    """As the worker builds them: the key from the same settings the web process reads."""
    return ActionExecutors(
        client,
        slack_web_client(settings.slack_bot_token, slack.api_url),
        settings.webhook_signing_secret,
        ReceiptSigner(signing_key(settings)),
    )


async def test_the_web_process_serves_the_public_key_named_by_its_thumbprint(
    bot_url: str, http: ClientSession, settings: Settings
):
    async with http.get(bot_url + JWKS_PATH) as response:
        assert response.status == 200
        assert "max-age" in response.headers["Cache-Control"]
        jwks = await response.json()

    (key,) = jwks["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "Ed25519", "sig")
    assert key["kid"] == signing_key(settings).thumbprint()
    assert "d" not in key, "never the private half"


async def test_every_delivery_verifies_with_the_served_jwks_and_a_replay_is_not_acted_on(
    bot_url: str,
    http: ClientSession,
    client: Client,
    settings: Settings,
    slack: FakeSlackWebApi,
    webhooks: FakeWebhookReceiver,
    executors: ActionExecutors,
    worker,
):
    async with http.get(bot_url + JWKS_PATH) as response:
        webhooks.trust(await response.json())
    approved = wire_request()
    approval_id = await decided(client, settings, slack, approved)
    request = execution(approval_id, approved, webhook_to(webhooks))

    webhooks.fail(503)
    with pytest.raises(ApplicationError):
        await run(executors, request)  # the attempt Temporal would retry
    await run(executors, request)

    first, retry = webhooks.attempts
    assert first.verified and retry.verified, (first.refusal, retry.refusal)
    assert first.webhook_id == retry.webhook_id == approval_id
    assert [d.acted for d in webhooks.attempts] == [False, True]

    # The same request again, word for word (a retry after a lost answer, or a replay):
    # still genuine, but its approval was acted on, so nothing is done twice.
    async with http.post(f"{webhooks.url}/wire-transfer", data=retry.body, headers=retry.headers) as response:
        assert response.status == 200
    replay = webhooks.attempts[-1]
    assert replay.verified and not replay.acted
    assert len(webhooks.accepted) == 1
