package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.DEFAULTS;
import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.StageCounters;
import org.junit.jupiter.api.Test;

class C4FilterTest {
    final C4Filter filter = new C4Filter(DEFAULTS.c4());

    Document run(String text) {
        Document d = Document.of(null, "t", 0, text);
        filter.apply(d, new StageCounters());
        return d;
    }

    @Test
    void keepsProseAndRemovesBadLines() {
        Document kept = run(GOOD);
        assertNull(kept.getDrop());
        assertEquals(GOOD, kept.getText());

        String noisy = "Home | About | Contact\n" + GOOD.replace("\n\n", "\nShare this\n")
                + "\nPlease enable JavaScript to view the comments.\nRead our privacy policy for details.\n"
                + "Too short.\nThe word " + "x".repeat(1001) + " is too long.";
        Document cleaned = run(noisy);
        assertNull(cleaned.getDrop());
        assertEquals(GOOD.replace("\n\n", "\n"), cleaned.getText());
    }

    @Test
    void dropsDocumentsByItsDocumentRules() {
        assertEquals("c4:lorem-ipsum", run(GOOD + "\nLorem ipsum dolor sit amet, consectetur.").getDrop());
        assertEquals("c4:curly-brace", run(GOOD + "\nint main() { return 0; }").getDrop());
        assertEquals("c4:too-few-sentences", run("One sentence here is fine. Two sentences are here now.").getDrop());
        assertEquals("c4:no-lines-left", run("menu\nhome\nlogin").getDrop());
    }

    @Test
    void countsSentences() {
        assertEquals(3, C4Filter.sentences("One. Two! Three? not.a.sentence"));
    }
}
