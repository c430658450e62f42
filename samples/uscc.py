#!/usr/bin/env python3
"""Check characters of the Unified Social Credit Code (GB 32100-2015), for making synthetic codes.

Position 17 is the GB 11714 organisation-code check (weights 3 7 9 10 5 8 4 2, mod 11, letters
valued A=10..Z=35); position 18 is the GB 32100 check (weights 3^(i-1) mod 31 over the
31-character set). See shared/policy/REFERENCE.md §9.

    $ python3 samples/uscc.py 320505 MA1XAMP1      # admin code, 8-character organisation body
    91320505MA1XAMP10Y
"""
import sys

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W18 = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
WORG = [3, 7, 9, 10, 5, 8, 4, 2]


def org_check(body8: str) -> str:
    value = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    r = 11 - sum(value(c) * w for c, w in zip(body8, WORG)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def uscc_check(first17: str) -> str:
    return CHARS[(31 - sum(CHARS.index(c) * w for c, w in zip(first17, W18)) % 31) % 31]


def make(admin6: str, body8: str, prefix: str = "91") -> str:
    """An 18-character code: prefix (91 = enterprise), admin code, body, both check characters."""
    assert len(admin6) == 6 and admin6.isdigit() and len(body8) == 8
    assert all(c in CHARS for c in body8), "letters I, O, Z, S, V are not used"
    first17 = prefix + admin6 + body8 + org_check(body8)
    return first17 + uscc_check(first17)


if __name__ == "__main__":
    assert make("440300", "19220382") == "914403001922038216"  # REFERENCE §9.4 worked example
    assert make("340600", "MA2PBM9H") == "91340600MA2PBM9HXD"
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(make(sys.argv[1], sys.argv[2]))
