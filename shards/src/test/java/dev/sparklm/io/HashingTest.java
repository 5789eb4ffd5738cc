package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HashingTest {
    /** The published FNV-1a 64-bit test vectors (Landon Curt Noll's FNV page); Latin-1 chars are its bytes. */
    @Test
    void fnv1aGivesThePublishedValues() {
        assertEquals(0xcbf29ce484222325L, Hashing.fnv1a("", 0, 0));
        assertEquals(0xaf63dc4c8601ec8cL, Hashing.fnv1a("a", 0, 1));
        assertEquals(0x85944171f73967e8L, Hashing.fnv1a("foobar", 0, 6));
        assertEquals(Hashing.fnv1a("foobar", 0, 6), Hashing.fnv1a("xfoobarx", 1, 7), "a range hashes as its own string");
    }
}
