package dev.sparklm.preprocess.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.RandomTexts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorME;
import opennlp.tools.langdetect.LanguageDetectorModel;
import opennlp.tools.util.normalizer.AggregateCharSequenceNormalizer;
import opennlp.tools.util.normalizer.CharSequenceNormalizer;
import opennlp.tools.util.normalizer.EmojiCharSequenceNormalizer;
import opennlp.tools.util.normalizer.NumberCharSequenceNormalizer;
import opennlp.tools.util.normalizer.ShrinkCharSequenceNormalizer;
import opennlp.tools.util.normalizer.TwitterCharSequenceNormalizer;
import opennlp.tools.util.normalizer.UrlCharSequenceNormalizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The detector against OpenNLP's own {@code LanguageDetectorME} on the same model, text by text. */
class NGramLanguageDetectorTest {
    static LanguageDetectorModel model;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = NGramLanguageDetectorTest.class.getResourceAsStream("/langdetect-183.bin")) {
            model = new LanguageDetectorModel(in);
        }
    }

    /**
     * Texts that reach every normalizer (URLs, e-mail addresses, hashtags, "rt", faces, laughs,
     * digits, emoji, runs of spaces and letters), every case mapping (dotted capital I,
     * supplementary capitals) and many languages, mixed so that confidences spread from near
     * certain to near uniform, where the default threshold (0.1) decides.
     */
    @Test
    void predictsWhatOpenNlpPredicts() throws IOException {
        String shakespeare = Files.readString(Path.of("..", "data", "tinyshakespeare", "input.txt"), StandardCharsets.UTF_8);
        String[] pools = {
                FilterTestSupport.GOOD, LanguageFilterTest.GERMAN, LanguageFilterTest.FRENCH,
                "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний",
                "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Η γλώσσα μου έδωσαν ελληνική το σπίτι φτωχικό",
                "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏 いろはにほへとちりぬるを 키스의 고유조건은 입술끼리 만나야 하고",
                "Pchnąć w tę łódź jeża lub ośm skrzyń fig. Příliš žluťoučký kůň úpěl ďábelské ódy. Árvíztűrő tükörfúrógép",
                "El veloz murciélago hindú comía feliz cardillo y kiwi. A ligeira raposa marrom saltou sobre o cão",
                "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق כך התרסקות נפץ על גוזל קטן",
                "http://example.com/a?b=c&d=1 https://x.org/#top mail me: first.last+tag@mail-host.example.co "
                        + "#hashtag @user rt: RT rt :) ;-P x-d XO hahaha jijiji hehe 12345 3.14 0x1F 😀😃 🇩🇪 "
                        + "aaaaargh !!!!!! ...... İstanbul İİ 𐐀𐐁𐐂 Σίσυφος ǅemal ﬃ ß ẞ \t\t  \n\n\n  \u0000 \u00ad",
        };
        SplittableRandom random = new SplittableRandom(7);
        List<String> texts = new ArrayList<>(List.of("", " ", "a", "ok", "İ", "😀", "\uD800", "12 34", "hahahaha"));
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder();
            int pieces = 1 + random.nextInt(6);
            for (int p = 0; p < pieces; p++) {
                String pool = random.nextInt(4) == 0 ? shakespeare : pools[random.nextInt(pools.length)];
                int from = random.nextInt(pool.length());
                int to = Math.min(pool.length(), from + 1 + random.nextInt(random.nextBoolean() ? 40 : 600));
                sb.append(pool, from, to);
                if (random.nextInt(5) == 0) {
                    sb.append(random.nextBoolean() ? sb.toString().toUpperCase(java.util.Locale.ROOT) : " ");
                }
            }
            if (random.nextInt(10) == 0) {   // raw code units, unpaired surrogates included
                for (int c = random.nextInt(30); c > 0; c--) {
                    sb.insert(random.nextInt(sb.length() + 1), (char) random.nextInt(0x10000));
                }
            }
            texts.add(sb.toString());
        }

        LanguageDetectorME openNlp = new LanguageDetectorME(model);
        NGramLanguageDetector fast = new NGramLanguageDetector(model);
        Map<String, Integer> languages = new HashMap<>();
        int nearThreshold = 0;
        for (String text : texts) {
            Language expected = openNlp.predictLanguage(text);
            Language actual = fast.predictLanguage(text);
            assertEquals(expected.getLang(), actual.getLang(), () -> "language of '" + text + "'");
            assertEquals(expected.getConfidence(), actual.getConfidence(), 1e-12 * expected.getConfidence(),
                    () -> "confidence of '" + text + "'");
            languages.merge(expected.getLang(), 1, Integer::sum);
            if (expected.getConfidence() > 0.05 && expected.getConfidence() < 0.2) {
                nearThreshold++;
            }
        }
        assertTrue(languages.size() >= 15, "too few languages to mean much: " + languages);
        assertTrue(nearThreshold >= 20, "too few confidences near the threshold: " + nearThreshold);
    }

    /** The normalizers, each skipped where it cannot match, against OpenNLP's chain of all five. */
    @Test
    void normalizesAsOpenNlpsChainDoes() {
        CharSequenceNormalizer openNlp = new AggregateCharSequenceNormalizer(EmojiCharSequenceNormalizer.getInstance(),
                UrlCharSequenceNormalizer.getInstance(), TwitterCharSequenceNormalizer.getInstance(),
                NumberCharSequenceNormalizer.getInstance(), ShrinkCharSequenceNormalizer.getInstance());
        String[] pieces = {"a", "b", "x", "-", " ", "  ", "\n", "http", "https://", "e.org/x", "@", "mail", "#", "rt ",
                "RT:", "7", "42", "haha", "JIJI", ":)", ";-P", "aaa", "😀", "\uD83C", "\uDFFF", "\uFF41", "\uD7FF", "İ",
                "h", "J", "e", "O", "r", "T", ":",
                // the number, face and shrink scans: digits, every face part, whitespace and line
                // terminators, letters in both cases and letters that fold to ASCII only in Unicode
                "0", "9", "X", "d", "D", "o", "p", "P", "(", ")", ";", "x-", "A", "aA", "Aa", "\t", "\r", "\u000B", "\f",
                "\u0085", "\u2028", "\u2029", "\u212A", "k", "K", "\u017F", "s", "S", "\u00E9", "\u00C9", "..", "!!",
                "\uD835\uDC00", "\uD835", "\u00A0", "\u0000"};
        SplittableRandom random = new SplittableRandom(3);
        int skipped = 0;
        for (int i = 0; i < 30_000; i++) {
            String text = RandomTexts.of(random, pieces, 12);
            assertEquals(openNlp.normalize(text).toString(), NGramLanguageDetector.normalize(text).toString(), text);
            skipped += text.indexOf('@') < 0 && !text.contains("http") ? 1 : 0;
        }
        assertTrue(skipped > 5_000 && skipped < 25_000, skipped + " texts without a URL or an address");
    }

    /**
     * Each scan against the normalizer or pattern it replaces, on its own: within the chain an
     * earlier normalizer hides some inputs (the emoji one removes every '-' and low surrogate, and
     * the shrink collapses the spaces the number normalizer leaves).
     */
    @Test
    void eachScanGivesWhatItsRegexGives() {
        Pattern face = Pattern.compile("[:;x]-?[()dop]", Pattern.CASE_INSENSITIVE);
        String[] pieces = {"a", "A", "x", "X", ":", ";", "-", "(", ")", "d", "D", "o", "O", "p", "P", "0", "12", "9", " ",
                "  ", "\t", "\n", "\r", "\u000B", "\f", "\u0085", "\u2028", "\u2029", "\u212A", "k", "K", "\u017F",
                "s", "S", "\u00E9", "\u00C9", "..", "!!", "\uD835\uDC00", "\uD83D\uDE00", "\uD835", "\uDC00", "\u00A0",
                "\u0000", "\u0660"};
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 50_000; i++) {
            String text = RandomTexts.of(random, pieces, 14);
            assertEquals(face.matcher(text).replaceAll(" "), NGramLanguageDetector.faces(text).toString(), text);
            assertEquals(NumberCharSequenceNormalizer.getInstance().normalize(text).toString(),
                    NGramLanguageDetector.numbers(text).toString(), text);
            // Java 17's regex reads past the end of some texts with surrogate pairs: the same then.
            assertEquals(orError(() -> ShrinkCharSequenceNormalizer.getInstance().normalize(text).toString()),
                    orError(() -> NGramLanguageDetector.shrink(text)), text);
        }
    }

    /**
     * The emoji, URL-and-mail and hash-and-user scans against OpenNLP's normalizers and pattern, on
     * random texts of what their patterns read: '-', surrogates on both sides of U+D83C and of
     * U+10FC00 (where the emoji class ends), pieces of URLs and addresses, every class's edge
     * characters, '#', '@' and the regex package's white space.
     */
    @Test
    void emojiUrlAndUserScansGiveWhatTheirRegexesGive() {
        Pattern hashUser = Pattern.compile("[#@]\\S+");
        String[] pieces = {"a", "Z", "0", "-", "--", ".", "_", "+", "?", "&", "~", ";", "=", "/", "#", "@", "@@", ":", "//",
                "http", "https", "://", "http://", "https://x", "htt", "hhttp", "s", "e.org", "a.b", "x-y", "mail", "+1",
                "a@b.c", "x@ab", "user@", "@e.org", "@.org", "@a", "me+x_y@",
                " ", "  ", "\t", "\n", "\r", "\u000B", "\f", "\u00A0", "\u0085", "\u00E9", "%", ",", "!",
                "\uD83B", "\uD83C", "\uD83D\uDE00", "\uDBFF\uDC00", "\uDBFF\uDC01", "\uDBFF", "\uDC00", "\uDFFF",
                "\uD835\uDC00", "\uD800", "\uFFFF", "\uD7FF", "\u2013"};
        SplittableRandom random = new SplittableRandom(29);
        int urls = 0;
        int mails = 0;
        for (int i = 0; i < 100_000; i++) {
            String text = RandomTexts.of(random, pieces, 16);
            assertEquals(EmojiCharSequenceNormalizer.getInstance().normalize(text).toString(),
                    NGramLanguageDetector.emoji(text).toString(), text);
            String expected = UrlCharSequenceNormalizer.getInstance().normalize(text).toString();
            assertEquals(expected, NGramLanguageDetector.urls(text).toString(), text);
            urls += expected.equals(text) ? 0 : 1;
            mails += text.contains("http") || expected.equals(text) ? 0 : 1;
            assertEquals(hashUser.matcher(text).replaceAll(" "), NGramLanguageDetector.hashesAndUsers(text).toString(), text);
        }
        assertTrue(urls > 10_000 && mails > 2_000, urls + " texts changed by the URL normalizer, " + mails + " by mail alone");
    }

    private static String orError(java.util.function.Supplier<String> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    /**
     * The retweet and laugh scans are only worth having if they never miss a match: on random
     * texts of the letters and marks those patterns read, every text where OpenNLP's pattern
     * finds a match passes the scan, and the scans still skip most texts.
     */
    @Test
    void retweetAndLaughScansPassEveryTextTheirPatternsMatch() {
        Pattern retweet = Pattern.compile("\\b(rt[ :])+", Pattern.CASE_INSENSITIVE);
        Pattern laugh = Pattern.compile("([hj])+([aieou])+(\\1+\\2+)+", Pattern.CASE_INSENSITIVE);
        Pattern[] patterns = {retweet, laugh};
        String[][] pieces = {{"r", "t", "R", "T", " ", ":", "x", "\u0130", "\n"}, {"h", "j", "H", "J", "a", "e", "I", "o", "U", "y", "\u212A", "ha", "jO", "Ha"}};
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < 2; k++) {
            int matched = 0;
            int passed = 0;
            for (int i = 0; i < 100_000; i++) {
                StringBuilder sb = new StringBuilder();
                for (int p = 1 + random.nextInt(12); p > 0; p--) {
                    sb.append(pieces[k][random.nextInt(pieces[k].length)]);
                }
                String text = sb.toString();
                boolean found = patterns[k].matcher(text).find();
                boolean scan = k == 0 ? NGramLanguageDetector.mayRetweet(text) : NGramLanguageDetector.mayLaugh(text);
                assertTrue(scan || !found, () -> "scan misses a match in '" + text + "'");
                matched += found ? 1 : 0;
                passed += scan ? 1 : 0;
            }
            assertTrue(matched > 1_000, patterns[k] + ": too few matches to mean much: " + matched);
            assertTrue(passed < 3 * matched, patterns[k] + ": the scan passes too much: " + passed + " for " + matched);
        }
    }

    @Test
    void aThreadsCallsDoNotLeakIntoEachOther() throws Exception {
        NGramLanguageDetector fast = new NGramLanguageDetector(model);
        Language german = fast.predictLanguage(LanguageFilterTest.GERMAN);
        // Many calls in between (their stamps) and one from another thread must not change it.
        for (int i = 0; i < 1000; i++) {
            fast.predictLanguage(FilterTestSupport.GOOD.substring(0, i % 200));
        }
        Thread other = new Thread(() -> fast.predictLanguage(LanguageFilterTest.FRENCH));
        other.start();
        other.join();
        Language again = fast.predictLanguage(LanguageFilterTest.GERMAN);
        assertEquals(german.getLang(), again.getLang());
        assertEquals(german.getConfidence(), again.getConfidence(), 0.0);
    }
}
