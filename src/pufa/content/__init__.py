"""Articles and the registries they are filed under: models, loading, citations, indexes, search words, scaffolding."""
