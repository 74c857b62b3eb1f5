"""统一社会信用代码 (unified social credit code) check, GB 32100-2015."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, …


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the normalised code or raise ValueError with a Chinese reason."""
    value = code.strip().upper()
    if len(value) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实际为{len(value)}位")
    bad = [ch for ch in value if ch not in ALPHABET]
    if bad:
        raise ValueError(f"统一社会信用代码含非法字符“{bad[0]}”")
    if check_character(value[:17]) != value[17]:
        raise ValueError("统一社会信用代码校验位错误")
    return value


def is_valid(code: str) -> bool:
    try:
        validate_credit_code(code)
    except ValueError:
        return False
    return True
