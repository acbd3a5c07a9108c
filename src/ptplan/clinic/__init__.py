"""The application layer: every use case on stored records, between the adapters (API, web pages,
CLI) and the store and core.

Each use case takes an :class:`~ptplan.clinic.access.Actor` (who acts, from where, on which database
session), checks access, runs in one transaction and writes its own audit events, so no adapter can
forget one. Modules are cut by domain: patients, assessments, plans (with the effective plan and
review), sessions, measures, users, auth, videos, exports, audit, read models for pages, and the demo
seed. Nothing here imports a web framework.
"""
