"""The wiring floor: what the entry points (CLI, app factory, worker settings) share — the outbox consumer table
and the app with its in-process worker. Nothing below imports from here."""
