"""The CRC-32 of two pieces of data put together, from the CRC-32 of each and the second's size.

A zip member's directory entry gives the CRC-32 of its inflated bytes. When part of a member
is copied as it is stored (:mod:`.zipio`'s raw spans), its bytes are never inflated, so the
CRC-32 of the whole is made from the pieces' own: :func:`crc32_combine` does what zlib's
``crc32_combine`` does (Python's :mod:`zlib` does not offer it). CRC-32 is a remainder of a
division of polynomials over GF(2) (bit-reflected, polynomial ``0xEDB88320``); appending
``n`` bytes to data multiplies its remainder by x^(8n), which is computed by squaring.
"""

from __future__ import annotations

from typing import Final

_POLY: Final = 0xEDB88320  # CRC-32's polynomial, bit-reflected
_ONE: Final = 1 << 31  # the polynomial 1, bit-reflected


def _multiply(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (both bit-reflected)."""
    product = 0
    bit = _ONE
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _powers() -> tuple[int, ...]:
    """x^(2^k) modulo the polynomial, for k = 0 … 31; the order of x divides 2^32 − 1, so
    x^(2^32) is x again and the powers repeat from there."""
    found = [_ONE >> 1]  # x^1
    for _ in range(31):
        found.append(_multiply(found[-1], found[-1]))
    return tuple(found)


_X2N: Final = _powers()


def _x_to_8n(n: int) -> int:
    """x^(8n) modulo the polynomial."""
    power = _ONE
    k = 3  # 8n = n × 2^3
    while n:
        if n & 1:
            power = _multiply(_X2N[k % 32], power)
        n >>= 1
        k += 1
    return power


def crc32_combine(first: int, second: int, size: int) -> int:
    """The CRC-32 of ``a + b``, given ``crc32(a)``, ``crc32(b)`` and ``len(b)``."""
    if size < 0:
        raise ValueError("a size is not negative")
    return _multiply(_x_to_8n(size), first & 0xFFFFFFFF) ^ (second & 0xFFFFFFFF)
