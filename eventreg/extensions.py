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
# "strong": a session cookie used with another User-Agent or IP address (as Flask-Login sees
# them) is dropped. Both can be copied, so this only stops the careless thief; what protects a
# session is the cookie's Secure, HttpOnly and SameSite flags, its lifetime, and signing out,
# which ends the session on the server (User.session_version).
login_manager.session_protection = "strong"
