package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.DEFAULTS;
import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class GopherQualityFilterTest {
    final GopherQualityFilter filter = new GopherQualityFilter(DEFAULTS.gopherQuality());

    @Test
    void keepsOrdinaryProse() {
        assertNull(filter.check(GOOD));
    }

    @Test
    void dropsEachRuleItsOwnWay() {
        assertEquals("too-few-words", filter.check("The cat sat on the mat and that was all."));
        assertEquals("too-many-words", filter.check(GOOD.repeat(1200)));
        assertEquals("mean-word-length", filter.check("a b c d e of to the and ".repeat(10)));
        assertEquals("mean-word-length", filter.check("the and " + "incomprehensibilities ".repeat(60)));
        assertEquals("symbol-word-ratio", filter.check(GOOD + " #tag #tag #tag #tag #tag #tag #tag #tag #tag #tag #tag"
                + " #tag #tag #tag #tag #tag #tag #tag #tag #tag"));
        assertEquals("non-alphabetic-words", filter.check("the and " + "12 34 56 78 90 -- ++ ".repeat(20) + GOOD));
        assertEquals("stop-words", filter.check("Lorem quick brown fox jumps over lazy dogs while cats watch. ".repeat(10)));
        StringBuilder bullets = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bullets.append("- the item with some words and more\n");
        }
        assertEquals("bullet-lines", filter.check(bullets.toString()));
        StringBuilder ellipses = new StringBuilder(GOOD.replace("\n\n", "\n"));
        for (int i = 0; i < 5; i++) {
            ellipses.append("\nand then the story goes on and on...");
        }
        assertEquals("ellipsis-lines", filter.check(ellipses.toString()));
    }
}
