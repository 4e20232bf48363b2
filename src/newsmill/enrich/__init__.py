"""Enrichment: entities and their aliases, quotes with resolved speakers, figures.

Nothing heavy is imported here: the spaCy pipeline loads on first use (see `nlp`).
"""
