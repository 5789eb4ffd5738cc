package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.StageCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

public class LanguageFilterTest {
    public static final String GERMAN = "Die Geschichte der Stadt beginnt mit einer kleinen Siedlung am Fluss. Im Laufe der "
            + "Jahrhunderte wuchs sie zu einem Zentrum des Handels, und Kaufleute aus vielen Ländern kamen, um ihre "
            + "Waren auf den Märkten zu verkaufen. Heute ist die Altstadt ein Ort, den Besucher gern zu Fuß erkunden.";
    static final String FRENCH = "L'histoire de la ville commence avec un petit village au bord de la rivière. Au fil "
            + "des siècles, elle est devenue un centre de commerce, et des marchands de nombreux pays venaient vendre "
            + "leurs marchandises sur ses marchés. Aujourd'hui, la vieille ville est un lieu que les visiteurs aiment.";

    @Test
    void keepsAllowedLanguagesAndRecordsTheLanguage() {
        LanguageFilter english = new LanguageFilter(List.of("eng"), 0.5, 2000);
        StageCounters counters = new StageCounters();
        Document en = Document.of(null, "t", 0, GOOD);
        english.apply(en, counters);
        assertNull(en.getDrop());
        assertEquals("eng", en.getLang());

        Document de = Document.of(null, "t", 1, GERMAN);
        english.apply(de, counters);
        assertEquals("language:not-allowed", de.getDrop());
        assertEquals("deu", de.getLang());
        assertEquals(1, counters.get("language.deu"));

        LanguageFilter germanOrFrench = new LanguageFilter(List.of("deu", "fra"), 0.5, 2000);
        Document fr = Document.of(null, "t", 2, FRENCH);
        germanOrFrench.apply(fr, counters);
        assertNull(fr.getDrop());
        assertEquals("fra", fr.getLang());
    }

    /** The configuration is checked against the list the filter keeps: it must be the model's. */
    @Test
    void theListedLanguagesAreTheModels() {
        assertEquals(new java.util.TreeSet<>(LanguageFilter.detector().languages()), LanguageFilter.LANGUAGES);
        assertEquals(103, LanguageFilter.LANGUAGES.size());
    }

    @Test
    void unknownLanguagesAreNamedWithTheCodeToUse() {
        assertNull(LanguageFilter.unknownLanguages(List.of("eng", "deu")));
        String m = LanguageFilter.unknownLanguages(List.of("eng", "en", "xx"));
        assertTrue(m.startsWith("\"en\" (did you mean \"eng\"?), \"xx\" are not languages the detector knows"), m);
        assertTrue(m.contains("cmn, cym, dan, deu"), m);
        assertTrue(LanguageFilter.unknownLanguages(List.of("de")).contains("did you mean \"deu\"?"));
        assertTrue(!LanguageFilter.unknownLanguages(List.of("zh")).contains("did you mean"), "zho is not the model's: no hint");
    }

    @Test
    void dropsLowConfidence() {
        Document d = Document.of(null, "t", 0, "ok");
        new LanguageFilter(List.of("eng"), 0.99, 2000).apply(d, new StageCounters());
        assertEquals(true, d.getDrop() != null && d.getDrop().startsWith("language:"), d.getDrop());
    }
}
