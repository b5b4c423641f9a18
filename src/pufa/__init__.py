"""pufa: the publishing core of a district 人社局's legal-education site.

This package never imports mkdocs or material: the hooks in ``hooks/`` adapt it to the build.
"""
