"""Users and organisations, password changes and API tokens."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from accounts import passwords, sessions
from accounts.models import Organisation, OrgKind, Role, User
from core.db import begin_write
from core.errors import Invalid, Unauthorized
from core.settings import get_settings


def personal_words(*, username: str, display_name: str = "", email: str | None = None) -> list[str]:
    """What a password must not be built from: the person's own names."""
    return [username, display_name, (email or "").split("@")[0]]


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def get_or_create_org(session: Session, name: str, *, kind: str = OrgKind.enterprise, **extra) -> Organisation:
    org = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if org is None:
        org = Organisation(name=name, kind=kind, **extra)
        session.add(org)
        session.flush()
    return org


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    organisation_id: int | None = None,
    center_id: int | None = None,
    engineer_id: int | None = None,
    region: str | None = None,
    email: str | None = None,
    enforce_policy: bool = True,
) -> User:
    if role not in Role.__members__:
        raise Invalid(f"未知角色“{role}”，可选：{', '.join(Role)}", field="role")
    username = username.strip()
    if not username:
        raise Invalid("用户名不能为空", field="username")
    if enforce_policy:
        passwords.check_password_policy(
            password, user_inputs=personal_words(username=username, display_name=display_name, email=email))
    if get_user_by_username(session, username):
        raise Invalid(f"用户名“{username}”已存在", field="username")
    user = User(
        username=username,
        password_hash=passwords.hash_password(password),
        role=role,
        display_name=display_name or username,
        organisation_id=organisation_id,
        center_id=center_id,
        engineer_id=engineer_id,
        region=region,
        email=email,
    )
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    """The user sets a new password: every session and API token of theirs ends (the caller's too)."""
    passwords.check_password_policy(new, user_inputs=personal_words(
        username=user.username, display_name=user.display_name, email=user.email), field="new")
    session.commit()  # nothing written yet: the two argon2 runs below hold no write lock
    valid, _rehash = passwords.verify(current, user.password_hash)
    if not valid:
        raise Invalid("当前密码不正确", field="current")
    new_hash = passwords.hash_password(new)
    begin_write(session)
    set_password_hash(session, user=user, password_hash=new_hash)


def set_password_hash(session: Session, *, user: User, password_hash: str) -> None:
    """Store a new password hash and end every session and token of the user."""
    user.password_hash = password_hash
    sessions.revoke_all(session, user=user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret(), salt="api-token")


def issue_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "v": user.token_version})


def user_from_token(session: Session, token: str) -> User:
    try:
        payload = _serializer().loads(token, max_age=get_settings().token_max_age)
    except SignatureExpired as exc:
        raise Unauthorized("令牌已过期，请重新获取") from exc
    except BadSignature as exc:
        raise Unauthorized("令牌无效") from exc
    user = session.get(User, payload.get("uid"))
    if user is None or not user.is_active or user.token_version != payload.get("v"):
        raise Unauthorized("令牌无效")
    return user
