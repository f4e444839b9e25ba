"""Blueprints: ``public`` (calendar and event pages), ``registration`` (sign-up and links),
``my_courses`` (everything one address signed up for), ``networks``, ``auth`` and ``admin``."""
