"""Renderers: turn a plan dict into text, Markdown, HTML/PDF or FHIR. Adapters; the core never imports them."""
