package dev.sparklm.preprocess.filter;

import dev.sparklm.io.Hashing;
import dev.sparklm.preprocess.RegexChars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorFactory;
import opennlp.tools.langdetect.LanguageDetectorModel;
import opennlp.tools.ml.maxent.GISModel;
import opennlp.tools.ml.model.Context;
import opennlp.tools.util.normalizer.ShrinkCharSequenceNormalizer;

/**
 * OpenNLP's language detector ({@code LanguageDetectorME} with the default factory) computed
 * without its per-call strings and maps: the same normalizers, the same lower-cased character
 * 1- to 3-grams, each distinct n-gram counted once, the same maximum-entropy sum and softmax.
 * OpenNLP builds a hash map of n-gram buffers, copies each to a string and looks it up in the
 * model's map of strings; here an n-gram is a 64-bit key (its length and up to three chars) in
 * a table of the model's n-grams built once, and a per-thread stamp array marks the ones seen.
 * That was about four fifths of the stage's time. The only difference is the order of the floating
 * point sum over n-grams, so a confidence may differ in its last bits.
 */
public final class NGramLanguageDetector {
    private static final int MAX_GRAM = 3;

    private final String[] languages;
    private final long[] keys;            // open addressing; 0 = empty (every key holds its length, so none is 0)
    private final int[] ids;              // the n-gram's index, where keys holds it
    private final int mask;
    private final int[] start;            // n-gram i's parameters: outcomes/weights[start[i] .. start[i + 1])
    private final short[] outcomes;
    private final double[] weights;
    private final double logPrior;        // UniformPrior: log(1 / languages)
    private final ThreadLocal<Scratch> scratch;

    private static final class Scratch {
        final int[] seenIn;               // n-gram -> the call that last counted it
        final double[] sums;
        // The model's answers for recent n-gram keys (direct-mapped; key 0 = empty): a text
        // repeats most of its n-grams, and this small table stays in cache where the model's
        // does not.
        final long[] recentKeys = new long[RECENT];
        final int[] recentIds = new int[RECENT];   // the n-gram's index, or -1: not in the model
        int call;

        Scratch(int grams, int languages) {
            seenIn = new int[grams];
            sums = new double[languages];
        }
    }

    private static final int RECENT = 1 << 13;

    /** For models made by OpenNLP's default factory with a GIS maximum-entropy model, as the published ones are. */
    public NGramLanguageDetector(LanguageDetectorModel model) {
        if (model.getFactory().getClass() != LanguageDetectorFactory.class || !(model.getMaxentModel() instanceof GISModel gis)) {
            throw new IllegalArgumentException("not a default-factory GIS language model: " + model.getFactory().getClass()
                    + ", " + model.getMaxentModel().getClass());
        }
        Object[] data = gis.getDataStructures();
        @SuppressWarnings("unchecked")
        Map<String, Context> grams = (Map<String, Context>) data[1];
        languages = ((String[]) data[2]).clone();
        if (languages.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("more languages than a short holds: " + languages.length);
        }
        int capacity = Integer.highestOneBit(Math.max(16, grams.size() * 2 - 1)) << 1;
        keys = new long[capacity];
        ids = new int[capacity];
        mask = capacity - 1;
        start = new int[grams.size() + 1];
        int params = grams.values().stream().mapToInt(c -> c.getOutcomes().length).sum();
        outcomes = new short[params];
        weights = new double[params];
        int id = 0;
        int at = 0;
        // N-grams with many languages' weights first: they are the common ones, so the weights
        // most documents add lie together instead of scattered over 15 MB.
        List<Map.Entry<String, Context>> byWeights = new ArrayList<>(grams.entrySet());
        byWeights.sort(Comparator.comparingInt((Map.Entry<String, Context> e) -> -e.getValue().getOutcomes().length)
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Context> e : byWeights) {
            String gram = e.getKey();
            if (gram.isEmpty() || gram.length() > MAX_GRAM) {
                throw new IllegalArgumentException("not a character 1- to 3-gram in the model: '" + gram + "'");
            }
            long key = key(gram.toCharArray(), 0, gram.length());
            int slot = slot(key);
            keys[slot] = key;
            ids[slot] = id;
            Context c = e.getValue();
            for (int k = 0; k < c.getOutcomes().length; k++) {
                outcomes[at + k] = (short) c.getOutcomes()[k];
            }
            System.arraycopy(c.getParameters(), 0, weights, at, c.getParameters().length);
            at += c.getOutcomes().length;
            start[++id] = at;
        }
        logPrior = StrictMath.log(1.0 / languages.length);
        int gramCount = grams.size();
        scratch = ThreadLocal.withInitial(() -> new Scratch(gramCount, languages.length));
    }

    /** The languages the model can answer (its ISO 639-3 codes). */
    public List<String> languages() {
        return List.of(languages);
    }

    /** The most probable language of {@code text} and its probability, as {@code LanguageDetectorME.predictLanguage}. */
    public Language predictLanguage(CharSequence text) {
        char[] chars = lowerCase(normalize(text));
        Scratch s = scratch.get();
        if (++s.call == 0) {   // wrapped: forget every stamp
            Arrays.fill(s.seenIn, 0);
            s.call = 1;
        }
        double[] sums = s.sums;
        Arrays.fill(sums, logPrior);
        for (int i = 0; i < chars.length; i++) {
            for (int n = 1; n <= MAX_GRAM && i + n <= chars.length; n++) {
                long key = key(chars, i, n);
                int hash = (int) Hashing.fmix64(key);
                int r = hash & (RECENT - 1);
                int gram;
                if (s.recentKeys[r] == key) {
                    gram = s.recentIds[r];
                } else {
                    int slot = slot(key, hash);
                    gram = keys[slot] == 0 ? -1 : ids[slot];
                    s.recentKeys[r] = key;
                    s.recentIds[r] = gram;
                }
                if (gram < 0) {
                    continue;   // not in the model: OpenNLP's look-up finds nothing either
                }
                if (s.seenIn[gram] == s.call) {
                    continue;   // OpenNLP counts each distinct n-gram once
                }
                s.seenIn[gram] = s.call;
                for (int p = start[gram]; p < start[gram + 1]; p++) {
                    sums[outcomes[p]] += weights[p];
                }
            }
        }
        double normal = 0;
        for (int l = 0; l < sums.length; l++) {
            sums[l] = StrictMath.exp(sums[l]);
            normal += sums[l];
        }
        int best = 0;   // the first of equals wins, as OpenNLP's stable sort keeps it first
        for (int l = 1; l < sums.length; l++) {
            if (sums[l] > sums[best]) {
                best = l;
            }
        }
        return new Language(languages[best], sums[best] / normal);
    }

    /**
     * The normalizers of {@code LanguageDetectorFactory.getContextGenerator()}, in its order, as
     * scans that give what their regexes give: each regex engine tried a match at every position,
     * which was a third of the detector's time (the emoji, URL and mail, number and shrink
     * patterns match or are tried on most texts).
     */
    static CharSequence normalize(CharSequence text) {
        CharSequence s = emoji(text);
        s = urls(s);
        s = twitter(s);
        s = numbers(s);
        return shrink(s);
    }

    /**
     * What the scans below make of a text: it with some spans, found in order, each replaced by a
     * space (as {@code replaceAll(" ")} makes of a regex's matches); the rest copied in runs, and
     * nothing copied while no span is found.
     */
    private static final class SpacedOut {
        private final CharSequence text;
        private StringBuilder out;
        private int copied;   // text[0, copied) is in out

        SpacedOut(CharSequence text) {
            this.text = text;
        }

        /** Replaces text[start, end), which starts at or after the last span's end. */
        void space(int start, int end) {
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, start).append(' ');
            copied = end;
        }

        /** Where the last span ended (0 before any). */
        int lastSpanEnd() {
            return copied;
        }

        String text() {
            return out == null ? text.toString() : out.append(text, copied, text.length()).toString();
        }
    }

    /**
     * {@code EmojiCharSequenceNormalizer}: each run of its class becomes a space. The class, as
     * OpenNLP writes it (the Java literal {@code "[\\uD83C-\\uDBFF\\uDC00-\\uDFFF]"}, which the
     * regex package reads by code point, U+DBFF U+DC00 being the one code point U+10FC00), is '-'
     * and U+D83C to U+10FC00: surrogates from U+D83C, what follows them in the BMP, and most
     * supplementary code points.
     */
    static CharSequence emoji(CharSequence s) {
        SpacedOut out = new SpacedOut(s);
        int n = s.length();
        for (int i = 0; i < n; ) {
            int cp = Character.codePointAt(s, i);
            if (!inEmojiClass(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int end = i + Character.charCount(cp);
            while (end < n && inEmojiClass(cp = Character.codePointAt(s, end))) {
                end += Character.charCount(cp);
            }
            out.space(i, end);
            i = end;
        }
        return out.text();
    }

    private static boolean inEmojiClass(int cp) {
        return cp == '-' || cp >= 0xD83C && cp <= 0x10FC00;
    }

    /**
     * {@code UrlCharSequenceNormalizer}: URLs ({@code https?://[-_.?&~;+=/#0-9A-Za-z]+}), then mail
     * addresses ({@code (?<![-+_.0-9A-Za-z])[-+_.0-9A-Za-z]+@[-0-9A-Za-z]+[-.0-9A-Za-z]+}) become a
     * space. An address is found from its '@': the run of name characters just before it,
     * unless a run that reaches back into the previous address (the regex would have had to
     * start there, where its look-behind fails); after it, the run of domain characters if the
     * first is no '.' and there are two or more (the two greedy classes backtrack to that).
     */
    static String urls(CharSequence text) {
        String s = text.toString();
        if (s.contains("http")) {
            s = replaceUrls(s);
        }
        return s.indexOf('@') < 0 ? s : replaceMails(s);
    }

    private static String replaceUrls(String s) {
        SpacedOut out = new SpacedOut(s);
        for (int at = s.indexOf("http"); at >= 0; ) {
            int colon = at + 4 < s.length() && s.charAt(at + 4) == 's' ? at + 5 : at + 4;
            int end = colon + 3;
            if (!s.startsWith("://", colon) || end >= s.length() || !isUrlChar(s.charAt(end))) {
                at = s.indexOf("http", at + 1);
                continue;
            }
            while (end < s.length() && isUrlChar(s.charAt(end))) {
                end++;
            }
            out.space(at, end);
            at = s.indexOf("http", end);
        }
        return out.text();
    }

    private static String replaceMails(String s) {
        SpacedOut out = new SpacedOut(s);
        for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
            int start = at;
            while (start > 0 && isNameChar(s.charAt(start - 1))) {
                start--;
            }
            int domain = at + 1;
            if (start == at || start < out.lastSpanEnd() || domain >= s.length() || !isDomainChar(s.charAt(domain))
                    || s.charAt(domain) == '.') {
                continue;
            }
            int end = domain;
            while (end < s.length() && isDomainChar(s.charAt(end))) {
                end++;
            }
            if (end - domain < 2) {
                continue;
            }
            out.space(start, end);
            at = end - 1;
        }
        return out.text();
    }

    private static boolean isAsciiAlnum(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    /** {@code [-_.?&~;+=/#0-9A-Za-z]} */
    private static boolean isUrlChar(char c) {
        return isAsciiAlnum(c) || "-_.?&~;+=/#".indexOf(c) >= 0;
    }

    /** {@code [-+_.0-9A-Za-z]} */
    private static boolean isNameChar(char c) {
        return isAsciiAlnum(c) || c == '-' || c == '+' || c == '_' || c == '.';
    }

    /** {@code [-.0-9A-Za-z]} */
    private static boolean isDomainChar(char c) {
        return isAsciiAlnum(c) || c == '-' || c == '.';
    }

    /** {@code NumberCharSequenceNormalizer}: each run of ASCII digits ({@code \d+}) becomes a space. */
    static CharSequence numbers(CharSequence s) {
        SpacedOut out = new SpacedOut(s);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (isDigit(s.charAt(i))) {
                int end = i + 1;
                while (end < n && isDigit(s.charAt(end))) {
                    end++;
                }
                out.space(i, end);
                i = end - 1;
            }
        }
        return out.text();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * {@code ShrinkCharSequenceNormalizer}: runs of two or more {@code \s} (ASCII whitespace)
     * become a space; then a character that is no line terminator followed by two or more equal to
     * it, ASCII letters in either case ({@code (.)\1{2,}} with CASE_INSENSITIVE), becomes that
     * character twice; then {@code trim()}. A text with a surrogate goes to OpenNLP's normalizer:
     * its '.' reads a code point.
     */
    static String shrink(CharSequence text) {
        int n = text.length();
        char[] spaced = new char[n];
        int m = 0;
        for (int i = 0; i < n; ) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                return ShrinkCharSequenceNormalizer.getInstance().normalize(text).toString();
            }
            if (RegexChars.isSpace(c)) {
                int end = i + 1;
                while (end < n && RegexChars.isSpace(text.charAt(end))) {
                    end++;
                }
                if (end - i >= 2) {
                    spaced[m++] = ' ';
                    i = end;
                    continue;
                }
            }
            spaced[m++] = c;
            i++;
        }
        char[] out = new char[m];
        int k = 0;
        for (int i = 0; i < m; ) {
            char c = spaced[i];
            int end = i + 1;
            if (!RegexChars.isLineTerminator(c)) {
                int lower = asciiLower(c);
                while (end < m && asciiLower(spaced[end]) == lower) {
                    end++;
                }
            }
            if (end - i >= 3) {
                out[k++] = c;
                out[k++] = c;
                i = end;
            } else {
                out[k++] = c;
                i++;
            }
        }
        int from = 0;
        while (from < k && out[from] <= ' ') {
            from++;
        }
        while (k > from && out[k - 1] <= ' ') {
            k--;
        }
        return new String(out, from, k - from);
    }

    /** The regex package's case folding without UNICODE_CASE: A-Z only. */
    private static int asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
    }

    // TwitterCharSequenceNormalizer's patterns (its regexes and flags, applied in its order).
    private static final Pattern RETWEET = Pattern.compile("\\b(rt[ :])+", Pattern.CASE_INSENSITIVE);
    private static final Pattern LAUGH = Pattern.compile("([hj])+([aieou])+(\\1+\\2+)+", Pattern.CASE_INSENSITIVE);

    /**
     * {@code TwitterCharSequenceNormalizer.normalize}, with the retweet and laugh patterns tried
     * only where a scan finds what a match needs: they were half of the normalizers' time and
     * match a handful of documents in thousands.
     */
    static CharSequence twitter(CharSequence text) {
        CharSequence s = text;
        s = hashesAndUsers(s);
        if (mayRetweet(s)) {
            s = RETWEET.matcher(s).replaceAll(" ");
        }
        s = faces(s);
        if (mayLaugh(s)) {
            s = LAUGH.matcher(s).replaceAll("$1$2$1$2");
        }
        return s;
    }

    /** {@code [#@]\S+} replaced by a space: '#' or '@' and the run of non-{@code \s} characters after it (one or more). */
    static CharSequence hashesAndUsers(CharSequence s) {
        SpacedOut out = new SpacedOut(s);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if ((c == '#' || c == '@') && i + 1 < n && !RegexChars.isSpace(s.charAt(i + 1))) {
                int end = i + 2;
                while (end < n && !RegexChars.isSpace(s.charAt(end))) {
                    end++;
                }
                out.space(i, end);
                i = end - 1;
            }
        }
        return out.text();
    }

    /**
     * {@code FACE.matcher(s).replaceAll(" ")} as one scan: ':', ';' or an x (either case), an
     * optional '-', then one of ( ) d o p (either case) become a space.
     */
    static CharSequence faces(CharSequence s) {
        SpacedOut out = new SpacedOut(s);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != ':' && c != ';' && (c | 0x20) != 'x') {
                continue;
            }
            int mouth = i + 1 < n && s.charAt(i + 1) == '-' ? i + 2 : i + 1;
            if (mouth < n && isMouth(s.charAt(mouth))) {
                out.space(i, mouth + 1);
                i = mouth;
            }
        }
        return out.text();
    }

    private static boolean isMouth(char c) {
        int lower = c | 0x20;
        return c == '(' || c == ')' || lower == 'd' || lower == 'o' || lower == 'p';
    }

    /** Whether {@code s} holds "rt" then ' ' or ':' (any case): every match of RETWEET does. */
    static boolean mayRetweet(CharSequence s) {
        for (int i = 0; i + 2 < s.length(); i++) {
            if ((s.charAt(i) | 0x20) == 'r' && (s.charAt(i + 1) | 0x20) == 't' && (s.charAt(i + 2) == ' ' || s.charAt(i + 2) == ':')) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code s} holds an h or j, vowels, and the same letter again (any case): every match
     * of LAUGH does, as its back-reference repeats the letter just before the vowels.
     */
    static boolean mayLaugh(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            int c = s.charAt(i) | 0x20;
            if (c != 'h' && c != 'j') {
                continue;
            }
            int k = i + 1;
            while (k < n && isVowel(s.charAt(k))) {
                k++;
            }
            if (k > i + 1 && k < n && (s.charAt(k) | 0x20) == c) {
                return true;
            }
        }
        return false;
    }

    private static boolean isVowel(char c) {
        return switch (c | 0x20) {
            case 'a', 'e', 'i', 'o', 'u' -> true;
            default -> false;
        };
    }

    /** OpenNLP's {@code StringUtil.toLowerCaseCharBuffer}: code point by code point into a buffer of the input's length. */
    static char[] lowerCase(CharSequence text) {
        char[] out = new char[text.length()];
        int at = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            at += Character.toChars(Character.toLowerCase(cp), out, at);
        }
        return out;
    }

    private int slot(long key) {
        return slot(key, (int) Hashing.fmix64(key));
    }

    private int slot(long key, int hash) {
        int i = hash & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long key(char[] s, int from, int n) {
        long k = n;
        for (int j = 0; j < n; j++) {
            k = k << 16 | s[from + j];
        }
        return k;
    }
}
