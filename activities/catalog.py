"""The action catalog as workflows see it: through an activity, recorded in history."""

from temporalio import activity

from workflows.catalog import ActionCatalog


class CatalogActivities:
    """Holds the catalog the worker loaded at start (workflow code cannot read files)."""

    def __init__(self, catalog: ActionCatalog) -> None:
        self._catalog = catalog

    @activity.defn
    async def get_action_catalog(self) -> ActionCatalog:
        """The worker's action catalog. Call it once when a workflow starts: the result is
        recorded in history, so the workflow keeps the same actions even if a worker
        restarts with a different catalog while an approval is pending."""
        return self._catalog
