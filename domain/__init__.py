"""What an approval is, apart from any transport: requests, decisions, the rules of who may
decide, the action catalog, fingerprints, the names of search attributes and memo fields.
Pure and workflow-safe, so workflows, activities, Block Kit builders and the bot share it."""
