package dev.sparklm.preprocess.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordsTest {
    /** The fast white-space test agrees with {@link Character#isWhitespace(char)} on every char. */
    @Test
    void whitespaceIsCharactersOwnOnEveryChar() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            assertEquals(Character.isWhitespace((char) c), Words.isWhitespace((char) c), "U+" + Integer.toHexString(c));
        }
    }
}
