package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.DEFAULTS;
import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class GopherRepetitionFilterTest {
    final GopherRepetitionFilter filter = new GopherRepetitionFilter(DEFAULTS.gopherRepetition());

    @Test
    void keepsOrdinaryProse() {
        assertNull(filter.check(GOOD));
    }

    @Test
    void dropsRepeatedParagraphsLinesAndNgrams() {
        String[] paragraphs = GOOD.split("\n\n");
        assertEquals("duplicate-paragraphs", filter.check(String.join("\n\n", paragraphs[0], paragraphs[0], paragraphs[0],
                paragraphs[1])));
        assertEquals("duplicate-paragraph-chars", filter.check(String.join("\n\n", paragraphs[0], paragraphs[1],
                paragraphs[2], "a", "b", "c", "d", "e", "f", "g", paragraphs[0])));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append(i % 2 == 0 ? "Click here to subscribe\n" : "Line " + i + " says something new about the town\n");
        }
        assertEquals("duplicate-lines", filter.check(lines.toString()));
        // One long repeated line among many short distinct ones: few lines, many characters.
        String longLine = "This long sentence about the market square is repeated word for word several times over.";
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            chars.append("Short line ").append(i).append('\n');
        }
        chars.append(longLine).append('\n').append(longLine).append('\n').append(longLine);
        assertEquals("duplicate-line-chars", filter.check(chars.toString()));
        assertEquals("top-2-gram", filter.check(GOOD + "\n" + "buy now ".repeat(40)));
        assertEquals("duplicate-5-grams", filter.check(GOOD.replace("\n\n", " ") + " "
                + "the narrow streets lead to squares with cafes and the museum holds a collection of paintings"));
    }
}
