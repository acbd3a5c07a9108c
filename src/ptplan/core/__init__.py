"""The pure core: case model, knowledge base, screening, reasoning, prescription, measures.

Nothing under ``ptplan.core`` imports a web framework, an ORM or a video library
(``tests/test_layering.py`` enforces this).
"""
