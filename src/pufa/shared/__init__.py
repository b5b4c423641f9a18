"""Low-level pieces every feature shares: errors, YAML and front matter, record loading, spreadsheets, atomic writes, the clock."""
