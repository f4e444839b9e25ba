"""Flask-WTF forms."""
