"""Ed25519 validity (Sync/PROTOCOL.md §2.2), decided here exactly as the
Swift implementation decides it, before `cryptography` is asked.

OpenSSL (behind `cryptography`) accepts signatures that libsodium refuses:
under a public key of small order (anyone can make them, no secret needed)
and with R of small order. The criteria below are libsodium's
(`crypto_sign_verify_detached`, 1.0.18, not ED25519_COMPAT), written out so
that validity never depends on which library a verifier links.
"""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, P - 2, P) % P
_SQRT_M1 = pow(2, (P - 1) // 4, P)

# The y coordinates (low 255 bits of an encoding, sign bit ignored) of the
# eight points of small order, and the two non-canonical spellings p and p+1
# of y = 0 and y = 1. §2.2 lists the 14 encodings this excludes.
SMALL_ORDER_Y = frozenset({
    0, 1, P - 1, P, P + 1,
    2707385501144840649318225287225658788936804267575313519463743609750303402022,
    55188659117513257062467267217118295137698188065244968500265048394206261417927,
})


def _y(enc: bytes) -> int:
    return int.from_bytes(enc, "little") & ((1 << 255) - 1)


def is_canonical_point(enc: bytes) -> bool:
    """The encoding's y (sign bit ignored) is below p."""
    return len(enc) == 32 and _y(enc) < P


def has_small_order(enc: bytes) -> bool:
    """One of the 14 encodings of a point of order 1, 2, 4 or 8."""
    return len(enc) == 32 and _y(enc) in SMALL_ORDER_Y


def signature_precheck(key: bytes, sig: bytes) -> bool:
    """§2.2 rules 1-4: S < L, R not of small order, A canonical and not of
    small order. The equation itself (rule 5) is checked by `cryptography`."""
    if len(key) != 32 or len(sig) != 64:
        return False
    if int.from_bytes(sig[32:], "little") >= L:
        return False
    if has_small_order(sig[:32]):
        return False
    return is_canonical_point(key) and not has_small_order(key)


def verify(key: bytes, sig: bytes, message: bytes) -> bool:
    """A signature valid under §2.2: rules 1-4 here, the equation (rule 5)
    by `cryptography`. Every signature the verifier checks goes through this."""
    if not signature_precheck(key, sig):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def _decode(enc: bytes):
    """RFC 8032 §5.1.3 point decoding, extended coordinates; None if invalid."""
    v = int.from_bytes(enc, "little")
    sign, y = v >> 255, v & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * _SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _add(p, q):
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * _D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k: int, p):
    q = (0, 1, 1, 0)
    while k:
        if k & 1:
            q = _add(q, p)
        p = _add(p, p)
        k >>= 1
    return q


def is_strong_key(enc: bytes) -> bool:
    """§2.2 key rule for every key entering a roster (genesis root and
    replicas, roster.admit, roster.root, join requests): canonical, not of
    small order, a point of the curve, and in the prime-order subgroup
    ([L]A is the identity). libsodium: crypto_core_ed25519_is_valid_point."""
    if not is_canonical_point(enc) or has_small_order(enc):
        return False
    pt = _decode(enc)
    if pt is None:
        return False
    x, y, z, _ = _mul(L, pt)
    return x % P == 0 and (y - z) % P == 0
