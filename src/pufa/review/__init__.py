"""Editorial review: what `pufa check` reports for a pull request, and how it prints it."""
