"""Flask extensions, created here and bound to an app in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from eventreg.database import render_migration_item
from eventreg.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.login_message_category = "info"
# Flask-Login's own session protection is off: for a permanent session (ours last a working
# day) its "strong" mode only marks the session not fresh, and it rewrote every anonymous
# visitor's session on every page. The user loader (views.auth.load_user) refuses a session
# used from another address or browser, or signed out since.
login_manager.session_protection = None
