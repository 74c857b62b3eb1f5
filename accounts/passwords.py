"""Passwords: argon2 hashes (pwdlib) and the strength policy (length, zxcvbn and its common-password lists)."""

from __future__ import annotations

from pwdlib import PasswordHash
from zxcvbn import zxcvbn

from core.errors import Invalid

_hasher = PasswordHash.recommended()
# Verified when the account does not exist, so an unknown name costs the same argon2 work as a wrong password.
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 0 too guessable … 4 very unguessable; 3 resists an offline attack on a slow hash
_ESTIMATE_CHARS = 64  # zxcvbn's cost grows with length; a longer tail only makes a password stronger

# zxcvbn's warnings, in the words the interface speaks (matched by a fragment of the English text).
_REASONS = (
    ("common", "这是常见密码或与常见密码相似"),
    ("top-", "这是最常用的密码之一"),
    ("Repeats", "含有重复的字符"),
    ("Sequences", "含有连续的字母或数字（如 abc、6543）"),
    ("keyboard", "含有键盘上相邻的按键"),
    ("rows of keys", "含有键盘上相邻的按键"),
    ("years", "含有年份"),
    ("Dates", "含有日期"),
    ("word by itself", "单个常见单词很容易被猜到"),
    ("names", "姓名很容易被猜到"),
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Check a password against its hash (the dummy one when there is no account): (valid, rehash or None)."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False, None
    return _hasher.verify_and_update(password, password_hash)


def _reason(result: dict) -> str:
    if any(match.get("dictionary_name") == "user_inputs" for match in result.get("sequence", [])):
        return "含有用户名或姓名"
    warning = result.get("feedback", {}).get("warning") or ""
    for fragment, reason in _REASONS:
        if fragment in warning:
            return reason
    return "组合太简单"


def check_password_policy(password: str, *, user_inputs: list[str] | tuple[str, ...] = (), field: str = "password") -> None:
    """Refuse a short or guessable password, with the reason in Chinese."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"密码至少需要{MIN_PASSWORD_LENGTH}位", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"密码不能超过{MAX_PASSWORD_LENGTH}位", field=field)
    inputs = [item for item in user_inputs if item]
    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        raise Invalid(f"密码太容易被猜到：{_reason(result)}。请使用更长的、由几个不相关的词和数字符号组成的密码",
                      field=field)
