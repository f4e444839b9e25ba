"""Blueprints: ``public`` (calendar and event pages) and ``registration`` (sign-up and links)."""
