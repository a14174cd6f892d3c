/*
 * hash_rng.c - FNV-1a hashing (stable across machines, used for database
 * keys) and the seeded random generator every sampler draws from.
 */
#include "base.h"

uint64_t ms_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t ms_hash_u64(uint64_t h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i)); /* little-endian order on every host */
    return ms_hash_bytes(h, b, 8);
}

void ms_rng_seed(ms_rng *r, uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    r->s = (z ^ (z >> 31)) | 1;
}

uint64_t ms_rng_next(ms_rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

double ms_rng_unit(ms_rng *r)
{
    return (double)(ms_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t ms_rng_range(ms_rng *r, int64_t lo, int64_t hi)
{
    MS_ASSERT(hi > lo);
    uint64_t span = (uint64_t)(hi - lo);
    return lo + (int64_t)(ms_rng_next(r) % span);
}
