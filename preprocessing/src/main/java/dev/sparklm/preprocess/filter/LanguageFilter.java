package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
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

    public Language detect(String text) {
        String sample = text.length() > maxChars ? text.substring(0, maxChars) : text;
        return detector().predictLanguage(sample);
    }
}
