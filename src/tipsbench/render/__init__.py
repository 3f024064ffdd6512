"""Turning results into localized HTML fragments for the site (and text for the CLI)."""
