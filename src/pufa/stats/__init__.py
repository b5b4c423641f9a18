"""Reading statistics: the snapshot store, matching export rows to articles, the importer, the report and its page."""
