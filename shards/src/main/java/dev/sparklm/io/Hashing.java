package dev.sparklm.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The project's one 64-bit mixer, for hashes and seeded orders that must be the same on every
 * JVM and run (document keys, MinHash bands, n-gram hashes, the epochs' window order).
 */
public final class Hashing {
    private Hashing() {}

    /** MurmurHash3's 64-bit finalizer: every input bit flips each output bit with probability ~1/2. */
    public static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * 64-bit FNV-1a over the chars {@code s[start, end)} (one step per char, so on Latin-1 text it
     * is FNV-1a of the bytes). Its low bits are weak: spread it with {@link #fmix64} before
     * taking some of them.
     */
    public static long fnv1a(CharSequence s, int start, int end) {
        long h = FNV_OFFSET;
        for (int i = start; i < end; i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return h;
    }

    /** FNV-1a's 64-bit start value and prime, for loops that hash as they scan. */
    public static final long FNV_OFFSET = 0xcbf29ce484222325L;
    public static final long FNV_PRIME = 0x100000001b3L;

    /**
     * A well-spread, reproducible value per (seed, index): the index is spread by the golden
     * ratio (as SplitMix64 steps its state) before the finalizer, so neighbouring indexes and
     * seeds give unrelated values.
     */
    public static long mix(long seed, long index) {
        return fmix64(seed + index * 0x9E3779B97F4A7C15L);
    }

    /** A new SHA-256 digest (every Java runtime has one, so its checked exception cannot happen). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
