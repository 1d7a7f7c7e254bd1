// SHA-256 of image blobs and layers through libcrypto (SHA-NI / AVX2 code paths).
// The SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP, whose context is a heap
// object that may fail to allocate; the plain SHA256_CTX is a value Swift can copy to
// finalise mid-stream. Declaring the 1.1.1 API level keeps them undeprecated.
#define OPENSSL_API_COMPAT 0x10101000L
#include <openssl/sha.h>
