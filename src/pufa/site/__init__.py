"""The site build the MkDocs hook talks to: one build object, one page renderer (Jinja, autoescape), feeds, templates."""
