package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.SortedSet;
import java.util.TreeSet;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorModel;

/**
 * Language identification with Apache OpenNLP's published model (langdetect-183.bin: 103
 * languages, ISO 639-3 codes such as "eng", 10 MB; chosen over lingua, whose full model set is
 * hundreds of MB), evaluated as OpenNLP's detector does by {@link NGramLanguageDetector}. The
 * first {@code maxChars} characters decide; a document is kept if its best language is allowed
 * with at least {@code minConfidence}.
 * The language is written to the document either way.
 */
public final class LanguageFilter implements DocumentStage {
    private static final String MODEL = "/langdetect-183.bin";

    /**
     * The model's languages, ISO 639-3 (LanguageFilterTest checks them against the model): the
     * configuration is checked against them before the job starts, since allowing a language the
     * model never answers ("en" for "eng") drops every document, found only after the first pass.
     */
    public static final SortedSet<String> LANGUAGES = Collections.unmodifiableSortedSet(new TreeSet<>(List.of(
            "afr", "ara", "ast", "aze", "bak", "bel", "ben", "bos", "bre", "bul", "cat", "ceb", "ces", "che", "cmn",
            "cym", "dan", "deu", "ekk", "ell", "eng", "epo", "est", "eus", "fao", "fas", "fin", "fra", "fry", "gle",
            "glg", "gsw", "guj", "heb", "hin", "hrv", "hun", "hye", "ind", "isl", "ita", "jav", "jpn", "kan", "kat",
            "kaz", "kir", "kor", "lat", "lav", "lim", "lit", "ltz", "lvs", "mal", "mar", "min", "mkd", "mlt", "mon",
            "mri", "msa", "nan", "nds", "nep", "nld", "nno", "nob", "oci", "pan", "pes", "plt", "pnb", "pol", "por",
            "pus", "ron", "rus", "san", "sin", "slk", "slv", "som", "spa", "sqi", "srp", "sun", "swa", "swe", "tam",
            "tat", "tel", "tgk", "tgl", "tha", "tur", "ukr", "urd", "uzb", "vie", "vol", "war", "zul")));

    private final List<String> allowed;
    private final double minConfidence;
    private final int maxChars;

    public LanguageFilter(List<String> allowed, double minConfidence, int maxChars) {
        this.allowed = List.copyOf(allowed);
        this.minConfidence = minConfidence;
        this.maxChars = maxChars;
    }

    private static volatile NGramLanguageDetector detector;

    /** One model per JVM (loading takes about a second); the detector keeps its scratch arrays per thread. */
    static NGramLanguageDetector detector() {
        NGramLanguageDetector d = detector;
        if (d == null) {
            synchronized (LanguageFilter.class) {
                d = detector;
                if (d == null) {
                    detector = d = new NGramLanguageDetector(load());
                }
            }
        }
        return d;
    }

    private static LanguageDetectorModel load() {
        try (InputStream in = LanguageFilter.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IllegalStateException(MODEL + " is not on the classpath (opennlp-models-langdetect)");
            }
            return new LanguageDetectorModel(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + MODEL, e);
        }
    }

    /**
     * Starts loading the model on a daemon thread. In local mode the job's own JVM runs the
     * tasks, and loading while Spark starts takes the second off the first task's path. A
     * failure is left to the first task, which loads again and reports it.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            try {
                detector();
            } catch (RuntimeException e) {
                // reported by the task that needs the model
            }
        }, "language-model-preload");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public String name() {
        return "language";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        Language best = detect(doc.getText());
        doc.setLang(best.getLang());
        counters.add("language." + best.getLang(), 1);
        if (!allowed.contains(best.getLang())) {
            doc.dropBy(name(), "not-allowed");
        } else if (best.getConfidence() < minConfidence) {
            doc.dropBy(name(), "low-confidence");
        }
    }

    /**
     * Why {@code codes} cannot all be allowed, or null if the model knows each: the unknown codes,
     * a suggestion for two-letter (ISO 639-1) codes the model knows by their ISO 639-3 code,
     * and the codes it knows.
     */
    public static String unknownLanguages(List<String> codes) {
        List<String> unknown = codes.stream().filter(c -> !LANGUAGES.contains(c)).toList();
        if (unknown.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (String code : unknown) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(code).append('"');
            String iso3 = iso3(code);
            if (iso3 != null && LANGUAGES.contains(iso3)) {
                b.append(" (did you mean \"").append(iso3).append("\"?)");
            }
        }
        return b + (unknown.size() == 1 ? " is not a language" : " are not languages") + " the detector knows; it knows "
                + "these ISO 639-3 codes: " + String.join(", ", LANGUAGES);
    }

    private static String iso3(String code) {
        if (code.length() != 2) {
            return null;
        }
        try {
            return new Locale(code.toLowerCase(Locale.ROOT)).getISO3Language();
        } catch (MissingResourceException e) {
            return null;
        }
    }

    public Language detect(String text) {
        String sample = text.length() > maxChars ? text.substring(0, maxChars) : text;
        return detector().predictLanguage(sample);
    }
}
