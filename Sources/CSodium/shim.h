// libsodium, seen from Swift only through ShenguanCrypto (DESIGN.md layering).
#include <sodium.h>
