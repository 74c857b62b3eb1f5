"""Users, passwords (argon2 via pwdlib), login lockout and API tokens."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pwdlib import PasswordHash
from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import LoginAttempt, Organisation, OrgKind, Role, User
from core.clock import now
from core.errors import Invalid, TooMany, Unauthorized
from core.settings import get_settings

_hasher = PasswordHash.recommended()
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"密码至少需要{MIN_PASSWORD_LENGTH}位", field="password")
    if password.isdigit() or password.isalpha():
        raise Invalid("密码需同时包含字母和数字", field="password")


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
        check_password_policy(password)
    if get_user_by_username(session, username):
        raise Invalid(f"用户名“{username}”已存在", field="username")
    user = User(
        username=username,
        password_hash=hash_password(password),
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


IP_WINDOW = timedelta(minutes=15)
IP_MAX_FAILURES = 30  # per client address and window, across all accounts


def _throttle_address(session: Session, ip: str | None) -> None:
    if not ip:
        return
    recent = session.exec(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.ip == ip, LoginAttempt.at > now() - IP_WINDOW)
    ).one()
    if recent >= IP_MAX_FAILURES:
        raise TooMany("该地址登录失败次数过多，请15分钟后再试")


def _record_failure(session: Session, ip: str | None, username: str) -> None:
    if ip:
        session.add(LoginAttempt(ip=ip, username=username[:64]))
        session.flush()


def authenticate(session: Session, *, username: str, password: str, ip: str | None = None) -> User:
    """Check a password; count failures, lock the account and throttle the address after too many."""
    settings = get_settings()
    _throttle_address(session, ip)
    user = get_user_by_username(session, username.strip())
    if user is None:
        _hasher.verify(password, _DUMMY_HASH)  # same cost either way
        _record_failure(session, ip, username)
        raise Unauthorized("用户名或密码错误")
    if user.locked_until and user.locked_until > now():
        raise TooMany("登录失败次数过多，账户已临时锁定，请稍后再试")
    valid, new_hash = _hasher.verify_and_update(password, user.password_hash)
    if not valid or not user.is_active:
        _record_failure(session, ip, username)
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now() + timedelta(seconds=settings.login_lockout_seconds)
            user.failed_logins = 0
        session.add(user)
        session.flush()
        raise Unauthorized("用户名或密码错误")
    if new_hash:
        user.password_hash = new_hash
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now()
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, *, user: User, new_password: str) -> None:
    check_password_policy(new_password)
    user.password_hash = hash_password(new_password)
    user.token_version += 1
    session.add(user)
    session.flush()


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
