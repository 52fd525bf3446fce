"""What a password must be: long enough, and not one of the passwords attackers try first."""

import string
from functools import cache

from app.errors import N_, Invalid

MIN_PASSWORD_LENGTH = 10


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from leaked password lists.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(N_("The password needs at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    # "Password2024!" is "password" with the digits and symbols people add to pass length rules.
    core = lowered.rstrip(string.digits + string.punctuation)
    if lowered in _common_passwords() or (core and core in _common_passwords()):
        raise Invalid(
            N_("This password is too common: it is among the first that attackers try. Choose another.")
        )
