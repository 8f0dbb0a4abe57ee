"""Slack calls for carrying out a policy: who is in its user groups, and telling the people
a stage waits on (a DM linking to the card)."""

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.slack_calls import call_slack, slack_api_error
from blocks.stage_notice import build_stage_notice
from domain.stage_notice import StageNotice
from domain.user_groups import GroupMembers, UserGroups


class DeciderActivities:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    @activity.defn
    async def members_of_groups(self, groups: UserGroups) -> GroupMembers:
        """Each user group's members (usergroups.users.list), recorded with the request so
        the people who may decide do not change while it waits. A group Slack does not
        know fails the request (non-retryable): it must not go out with nobody to decide."""
        members = {}
        for group in groups.groups:
            try:
                # A form, not JSON: Slack's read methods take their arguments that way.
                response = await self._client.usergroups_users_list(usergroup=group)
            except SlackApiError as err:
                raise slack_api_error("usergroups.users.list", None, err) from err
            members[group] = list(response.get("users") or [])
        return GroupMembers(members)

    @activity.defn
    async def tell_decider(self, notice: StageNotice) -> None:
        """A DM to one person: the stage is theirs, a reminder, or an escalation to them."""
        permalink = None
        try:
            response = await call_slack(
                self._client, "chat.getPermalink", channel=notice.channel, message_ts=notice.message_ts
            )
            permalink = response.get("permalink")
        except ApplicationError as err:
            # The DM still says which channel the card is in.
            activity.logger.warning("No permalink for the card: %s", err)
        await call_slack(
            self._client, "chat.postMessage", channel=notice.user, **build_stage_notice(notice, permalink)
        )
