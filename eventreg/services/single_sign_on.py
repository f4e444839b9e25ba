"""Who a person signed in by the region's identity provider is here.

An account is found by the provider's subject claim, which stays the same when a name or an
address changes; the first time, by the verified address of an account that has no subject yet,
which is then linked. Someone without an account gets one only if the role claim names a role
here (OIDC_ROLE_CLAIM: Entra ID's app roles); while the claim names one, it decides the role.
Anyone else is refused, and the refusal is in the audit log as every sign-in is.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from eventreg import audit
from eventreg.extensions import db
from eventreg.models import Role, User
from eventreg.models.base import utcnow


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    roles: tuple[str, ...]

    @classmethod
    def from_claims(cls, claims: dict) -> "Identity":
        roles = claims.get(current_app.config["OIDC_ROLE_CLAIM"]) or ()
        return cls(
            issuer=claims["iss"],
            subject=claims["sub"],
            email=(claims.get("email") or "").strip().lower(),
            # Entra ID sends no email_verified; its addresses are the tenant's own.
            email_verified=claims.get("email_verified", True) is not False,
            name=(claims.get("name") or "").strip(),
            roles=tuple(roles) if isinstance(roles, list) else (str(roles),),
        )

    @property
    def key(self) -> str:
        return f"{self.issuer}#{self.subject}"

    @property
    def role(self) -> Role | None:
        """The role the claim names here, if any."""
        config = current_app.config
        if config["OIDC_ADMIN_ROLE"] in self.roles:
            return Role.ADMIN
        if config["OIDC_COORDINATOR_ROLE"] in self.roles:
            return Role.COORDINATOR
        return None


def sign_in(identity: Identity) -> User | None:
    """The account of this identity, signed in; None for someone with neither an account nor a
    role here, or a deactivated account (in the audit log, which the caller commits)."""
    user = db.session.scalar(select(User).where(User.sso_subject == identity.key))
    if user is None and identity.email and identity.email_verified:
        user = db.session.scalar(
            select(User).where(User.email == identity.email, User.sso_subject.is_(None))
        )
        if user is not None:
            user.sso_subject = identity.key
            audit.record(user, "kopplade kontot till regionens inloggning")
    if user is None and identity.role is not None and identity.email:
        user = User(
            email=identity.email,
            name=identity.name or identity.email,
            password_hash="",
            role=identity.role,
            sso_subject=identity.key,
        )
        db.session.add(user)
        db.session.flush()
        audit.record(user, "fick ett konto genom regionens inloggning", None, str(identity.role))
    if user is None or not user.active:
        why = "inget konto" if user is None else "inaktivt konto"
        refused(f"{why} för {identity.email or identity.subject}")
        return None
    if identity.role is not None and user.role != identity.role:
        audit.record(user, "fick ny roll från regionens inloggning", None, str(identity.role))
        user.role = identity.role
    user.last_login_at = utcnow()
    audit.record(user, "loggade in", None, "via regionens inloggning")
    return user


def refused(reason: str) -> None:
    """A sign-in the provider's answer did not carry: in the audit log, without a name (the
    answer is not to be believed)."""
    audit.record(None, "misslyckad inloggning", None, f"regionens inloggning: {reason}")
